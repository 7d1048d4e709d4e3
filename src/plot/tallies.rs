//! `tallies`: the recorded vote of each `[[target]]` beside the simulated one
//! (`forumsim validate`, docs/VALIDATION.md).
//!
//! One panel per target (a grid when there are several), one group of bars per tally
//! (yes, no, abstain, absent; for an election, each candidate's votes and absent if
//! recorded): the recorded count as a solid bar, the simulated mean as a lighter bar
//! with a whisker over the runs' 90 % interval (p05–p95), and the optional reference
//! tally (e.g. the Third Committee vote, possibly only some of its counts) as a dot
//! on the recorded bar. The chart is drawn from a [`Tallies`] built either from the in-memory
//! [`ValidationReport`] (by `validate`) or from a validate folder's `validate.csv`
//! (by `forumsim plot DIR`), so both draw the same picture from the same numbers.

use super::data::{manifest, read};
use super::error::PlotError;
use super::render::{DrawResult, Figure};
use super::style::{self, Swatch, fit};
use super::titles::Batch;
use crate::validate::ValidationReport;
use crate::validate::output::VALIDATE;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// File stem of the chart.
pub const NAME: &str = "tallies";

/// One tally of one target, as drawn. Simulated figures are NaN when no run decided
/// the target.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// `yes`, `no`, `abstain`, `absent`, or a candidate.
    pub name: String,
    pub recorded: f64,
    pub mean: f64,
    pub p05: f64,
    pub p95: f64,
    /// The reference tally's count, where it gives one.
    pub reference: Option<f64>,
}

/// One target's panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub id: String,
    /// Where the record comes from; empty when unknown.
    pub source: String,
    /// In the target's measure order.
    pub bars: Vec<Bar>,
    /// The label of the reference tally, when the target has one.
    pub reference: Option<String>,
}

/// Everything the chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Tallies {
    pub batch: Batch,
    pub panels: Vec<Panel>,
}

impl Tallies {
    /// The chart of a validation just computed.
    pub fn of_report(scenario: &str, r: &ValidationReport) -> Tallies {
        let panels = r
            .targets
            .iter()
            .map(|t| Panel {
                id: t.id.clone(),
                source: t.source.clone(),
                bars: t
                    .measures
                    .iter()
                    .map(|m| Bar {
                        name: m.name.clone(),
                        recorded: f64::from(m.recorded),
                        mean: m.mean,
                        p05: m.p05,
                        p95: m.p95,
                        reference: m.reference.map(f64::from),
                    })
                    .collect(),
                reference: t.reference.clone(),
            })
            .collect();
        Tallies {
            batch: Batch::of_report(scenario, r),
            panels,
        }
    }
}

/// Whether `dir` is a `forumsim validate` folder (manifest kind `validate`, or a
/// `validate.csv` or `facts.csv`).
pub fn is_validate(dir: &Path) -> bool {
    if dir.join(VALIDATE).is_file() || dir.join(crate::validate::output::FACTS).is_file() {
        return true;
    }
    manifest(dir).is_some_and(|m| m["kind"].as_str() == Some("validate"))
}

/// Reads a validate folder: the tallies from `validate.csv` (required); scenario,
/// seed and run count from the manifest and each target's source and reference from
/// `scenario.resolved.toml`, when they can be read (titles only, so not errors).
pub fn load(dir: &Path) -> Result<Tallies, PlotError> {
    let names = ["target", "measure", "recorded", "mean", "p05", "p95"];
    let mut panels: Vec<Panel> = Vec::new();
    read(dir, VALIDATE, &names, |c| {
        let id = c.text(0).to_string();
        let bar = Bar {
            name: c.text(1).to_string(),
            recorded: c.parse(2)?,
            mean: c.num(3)?,
            p05: c.num(4)?,
            p95: c.num(5)?,
            reference: None,
        };
        if bar.name.is_empty() {
            return Err("column `measure`: empty".to_string());
        }
        if panels.last().is_none_or(|p| p.id != id) {
            if panels.iter().any(|p| p.id == id) {
                return Err(format!(
                    "the rows of target `{id}` are not together (is this file as `forumsim validate` wrote it?)"
                ));
            }
            panels.push(Panel {
                id,
                source: String::new(),
                bars: Vec::new(),
                reference: None,
            });
        }
        panels.last_mut().expect("just pushed").bars.push(bar);
        Ok(())
    })?;
    if panels.is_empty() {
        return Err(PlotError::Parse {
            path: dir.join(VALIDATE),
            line: 1,
            msg: "no rows (did `forumsim validate` finish?)".into(),
        });
    }
    describe_targets(dir, &mut panels);
    Ok(Tallies {
        batch: Batch::of_folder(dir),
        panels,
    })
}

/// Fills in each panel's source and reference from the resolved scenario copy.
fn describe_targets(dir: &Path, panels: &mut [Panel]) {
    let Some(doc) = std::fs::read_to_string(dir.join(crate::output::RESOLVED))
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
    else {
        return;
    };
    let Some(targets) = doc.get("target").and_then(|t| t.as_array()) else {
        return;
    };
    for t in targets {
        let Some(p) = panels
            .iter_mut()
            .find(|p| t.get("id").and_then(|v| v.as_str()) == Some(p.id.as_str()))
        else {
            continue;
        };
        if let Some(s) = t.get("source").and_then(|v| v.as_str()) {
            p.source = s.to_string();
        }
        let Some(r) = t.get("reference") else {
            continue;
        };
        let mut any = false;
        for bar in &mut p.bars {
            bar.reference = r
                .get(bar.name.as_str())
                .and_then(|v| v.as_integer())
                .map(|n| n as f64);
            any |= bar.reference.is_some();
        }
        if any {
            let label = r
                .get("label")
                .and_then(|v| v.as_str())
                .unwrap_or("reference");
            p.reference = Some(label.to_string());
        }
    }
}

const RECORDED: RGBColor = style::PALETTE[0];
const SIMULATED: RGBColor = style::PALETTE[1];
const REFERENCE: RGBColor = style::PALETTE[4];
/// Radius of the reference dots, in pixels.
const DOT: i32 = 11;

impl Figure for Tallies {
    fn name(&self) -> String {
        NAME.to_string()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let sub = format!(
            "{}: recorded vote vs simulated mean, whisker = 90 % of runs (p05–p95)",
            self.batch.text()
        );
        let body = style::titled(root, "Recorded and simulated vote tallies", &sub)?;
        let (grid, legend) = body.split_vertically(body.dim_in_pixel().1 as i32 - 56);
        let n = self.panels.len().max(1);
        let cols = (1..=n).find(|c| c * c >= n).unwrap_or(1);
        let rows = n.div_ceil(cols);
        // A source line in every panel when any has one, so the plots line up.
        let source_line = self.panels.iter().any(|p| !p.source.is_empty());
        for (p, area) in self.panels.iter().zip(grid.split_evenly((rows, cols))) {
            draw_panel(&area, p, source_line)?;
        }
        let mut entries = vec![
            ("recorded".to_string(), Swatch::Box(RECORDED.to_rgba())),
            (
                "simulated mean".to_string(),
                Swatch::Box(SIMULATED.mix(0.55)),
            ),
            (
                "90 % of runs".to_string(),
                Swatch::Line {
                    colour: BLACK,
                    dashed: false,
                },
            ),
        ];
        let labels: Vec<&str> = self
            .panels
            .iter()
            .filter_map(|p| p.reference.as_deref())
            .collect();
        if let Some(first) = labels.first() {
            let label = if labels.iter().all(|l| l == first) {
                first.to_string()
            } else {
                "reference tally".to_string()
            };
            entries.push((label, Swatch::Dot(REFERENCE)));
        }
        style::draw_legend_row(&legend, (120, 8), &entries)
    }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &Panel,
    source_line: bool,
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (w, _) = area.dim_in_pixel();
    let caption_font = style::font(style::AXIS);
    let source_font = style::font(style::LABEL).color(&style::GREY);
    let centre_top = Pos::new(HPos::Center, VPos::Top);
    let mid = w as i32 / 2;
    area.draw(&Text::new(
        fit(area, &p.id, &caption_font, w - 40),
        (mid, 8),
        caption_font.pos(centre_top),
    ))
    .map_err(e)?;
    let mut top_margin = 8 + style::AXIS as i32 + 6;
    if !p.source.is_empty() {
        area.draw(&Text::new(
            fit(area, &p.source, &source_font, w - 40),
            (mid, top_margin),
            source_font.pos(centre_top),
        ))
        .map_err(e)?;
    }
    if source_line {
        top_margin += style::LABEL as i32 + 6;
    }
    let plot = area.margin(top_margin, 0, 0, 0);

    let top = p
        .bars
        .iter()
        .flat_map(|b| [b.recorded, b.mean, b.p95, b.reference.unwrap_or(f64::NAN)])
        .filter_map(finite)
        .fold(1.0_f64, f64::max);
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .margin_right(30)
        .x_label_area_size(50)
        .y_label_area_size(100)
        .build_cartesian_2d(-0.5..p.bars.len().max(1) as f64 - 0.5, 0.0..top * 1.15)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .y_desc("states")
        .axis_desc_style(style::font(style::TICK))
        .label_style(style::font(style::TICK))
        .x_labels(0)
        .y_labels(6)
        .disable_x_mesh()
        .y_label_formatter(&|v| format!("{v:.0}"))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .draw()
        .map_err(|e| e.to_string())?;
    let value_font = style::font(style::LABEL).color(&style::GREY);
    let above = Pos::new(HPos::Center, VPos::Bottom);
    let below = Pos::new(HPos::Center, VPos::Top);
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    // Pixel of a data point, relative to the panel (texts are drawn on the panel so
    // they may stand outside the plotting area).
    let base = area.get_base_pixel();
    let px_of = |c: (f64, f64)| {
        let (x, y) = chart.backend_coord(&c);
        (x - base.0, y - base.1)
    };
    let decided = p.bars.iter().any(|b| b.mean.is_finite());
    for (i, b) in p.bars.iter().enumerate() {
        let x = i as f64;
        let (rec_x0, rec_x1) = (x - 0.38, x - 0.02);
        let (sim_x0, sim_x1) = (x + 0.02, x + 0.38);
        chart
            .plotting_area()
            .draw(&Rectangle::new(
                [(rec_x0, 0.0), (rec_x1, b.recorded)],
                RECORDED.filled(),
            ))
            .map_err(err)?;
        let (px, mut py) = px_of((x - 0.2, b.recorded));
        py -= 4;
        // Above the reference dot too, when it stands on or over the bar's top.
        if let Some(r) = b.reference {
            py = py.min(px_of((x, r)).1 - DOT - 4);
        }
        area.draw(&Text::new(
            format!("{:.0}", b.recorded),
            (px, py),
            value_font.pos(above),
        ))
        .map_err(e)?;
        if let Some(mean) = finite(b.mean) {
            chart
                .plotting_area()
                .draw(
                    &(Rectangle::new(
                        [(sim_x0, 0.0), (sim_x1, mean)],
                        SIMULATED.mix(0.55).filled(),
                    )),
                )
                .map_err(err)?;
            chart
                .plotting_area()
                .draw(&Rectangle::new(
                    [(sim_x0, 0.0), (sim_x1, mean)],
                    SIMULATED.stroke_width(2),
                ))
                .map_err(err)?;
            let c = x + 0.2;
            let label_y = match (finite(b.p05), finite(b.p95)) {
                (Some(lo), Some(hi)) => {
                    let cap = 0.07;
                    chart
                        .plotting_area()
                        .draw(&style::whisker(c, lo, hi, cap))
                        .map_err(err)?;
                    hi.max(mean)
                }
                _ => mean,
            };
            // Clear of the whisker's cap (drawn 2 px wide at `label_y`).
            let (px, py) = px_of((c, label_y));
            area.draw(&Text::new(
                format!("{mean:.1}"),
                (px, py - 9),
                value_font.pos(above),
            ))
            .map_err(e)?;
        }
        if let Some(r) = b.reference {
            let at = (x - 0.2, r);
            chart
                .plotting_area()
                .draw(&Circle::new(at, DOT, REFERENCE.filled()))
                .map_err(err)?;
            chart
                .plotting_area()
                .draw(&Circle::new(at, DOT, BLACK.stroke_width(2)))
                .map_err(err)?;
        }
        let (px, py) = px_of((x, 0.0));
        area.draw(&Text::new(
            b.name.clone(),
            (px, py + 10),
            style::font(style::TICK).pos(below),
        ))
        .map_err(e)?;
    }
    if !decided {
        let (px, py) = px_of(((p.bars.len().max(1) - 1) as f64 / 2.0, top * 0.9));
        area.draw(&Text::new(
            "no run decided this target",
            (px, py),
            style::font(style::AXIS).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(e)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::render::svg_of;
    use crate::plot::svgtest::{assert_texts, fill_count, texts, whisker_count};
    use crate::validate::MEASURES;

    fn bar(name: &str, recorded: f64, mean: f64, reference: Option<f64>) -> Bar {
        Bar {
            name: name.into(),
            recorded,
            mean,
            p05: mean - 5.0,
            p95: mean + 5.0,
            reference,
        }
    }

    fn sample() -> Tallies {
        Tallies {
            batch: Batch {
                scenario: "world".into(),
                seed: Some(42),
                runs: Some(20),
            },
            panels: vec![
                Panel {
                    id: "ares74-247".into(),
                    source: "A/RES/74/247, UNGA plenary".into(),
                    bars: vec![
                        bar("yes", 79.0, 81.5, Some(88.0)),
                        bar("no", 60.0, 55.0, Some(58.0)),
                        bar("abstain", 33.0, 30.0, Some(34.0)),
                        bar("absent", 21.0, 26.0, Some(13.0)),
                    ],
                    reference: Some("Third Committee".into()),
                },
                Panel {
                    id: "never".into(),
                    source: String::new(),
                    bars: MEASURES
                        .iter()
                        .map(|m| bar(m, 10.0, f64::NAN, None))
                        .collect(),
                    reference: None,
                },
            ],
        }
    }

    #[test]
    fn bars_whiskers_markers_and_labels() {
        let s = svg_of(&sample()).unwrap();
        let t = assert_texts(
            &s,
            &[
                "Recorded and simulated vote tallies",
                "ares74-247",
                "A/RES/74/247, UNGA plenary",
                "never",
                "no run decided this target",
                "states",
                "yes",
                "no",
                "abstain",
                "absent",
                "recorded",
                "simulated mean",
                "90 % of runs",
                "Third Committee",
                "81.5",
                "79",
            ],
        );
        assert!(t.iter().any(|x| x.contains("seed 42, 20 runs")), "{t:?}");
        // Recorded: 4 + 4 bars and the legend box; simulated only where decided.
        assert_eq!(fill_count(&s, RECORDED), 9);
        assert_eq!(fill_count(&s, SIMULATED), 4 + 1);
        assert_eq!(whisker_count(&s), 4);
        // Reference dots: 4 in the plot and 1 in the legend.
        let dots = s
            .split("<circle")
            .skip(1)
            .filter(|c| c.contains("fill=\"#E69F00\""))
            .count();
        assert_eq!(dots, 5);
    }

    #[test]
    fn a_long_source_is_cut_to_the_panel() {
        let mut d = sample();
        d.panels[0].source = "x ".repeat(400);
        let s = svg_of(&d).unwrap();
        assert!(texts(&s).iter().any(|t| t.ends_with('…')));
    }

    #[test]
    fn reads_validate_csv_and_the_resolved_scenario() {
        let dir = tempfile::tempdir().unwrap();
        let mut csv = String::from("target,measure,recorded,mean,sd,p05,p95,error\n");
        for (m, r) in MEASURES.iter().zip([79, 60, 33, 21]) {
            csv += &format!("t1,{m},{r},50.5,1,40,60,0\n");
        }
        for m in MEASURES {
            csv += &format!("t2,{m},3,,,,,\n");
        }
        // An election target: one bar per candidate, no absent recorded.
        csv += "e1,USA,139,120.5,3,115,125,-18.5\ne1,RUS,25,40,3,35,45,15\n";
        std::fs::write(dir.path().join(VALIDATE), csv).unwrap();
        // A partial reference: only yes and no.
        std::fs::write(
            dir.path().join(crate::output::RESOLVED),
            "name = \"x\"\n[[target]]\nid = \"t1\"\nsource = \"the record\"\n\
             reference = { yes = 1, no = 2, label = \"3C\" }\n",
        )
        .unwrap();
        assert!(is_validate(dir.path()));
        let d = load(dir.path()).unwrap();
        assert_eq!(d.panels.len(), 3);
        assert_eq!(d.panels[0].bars[1].recorded, 60.0);
        assert_eq!(d.panels[0].bars[1].p95, 60.0);
        assert_eq!(d.panels[0].source, "the record");
        assert_eq!(d.panels[0].reference.as_deref(), Some("3C"));
        let refs: Vec<Option<f64>> = d.panels[0].bars.iter().map(|b| b.reference).collect();
        assert_eq!(refs, [Some(1.0), Some(2.0), None, None]);
        assert!(d.panels[1].bars[0].mean.is_nan() && d.panels[1].reference.is_none());
        let names: Vec<&str> = d.panels[2].bars.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["USA", "RUS"]);
        let s = svg_of(&d).unwrap();
        let t = texts(&s);
        assert!(
            t.iter().any(|x| x == "USA") && t.iter().any(|x| x == "RUS"),
            "{t:?}"
        );
        // Two reference dots in the plot (yes, no) and one in the legend.
        let dots = s
            .split("<circle")
            .skip(1)
            .filter(|c| c.contains("fill=\"#E69F00\""))
            .count();
        assert_eq!(dots, 3);

        std::fs::write(
            dir.path().join(VALIDATE),
            "target,measure,recorded,mean,sd,p05,p95,error\nt1,yes,many,,,,,\n",
        )
        .unwrap();
        let err = load(dir.path()).unwrap_err();
        assert!(
            err.is_bad_input() && err.to_string().contains("many"),
            "{err}"
        );
    }
}
