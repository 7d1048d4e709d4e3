//! `tallies`: the recorded vote of each `[[target]]` beside the simulated one
//! (`forumsim validate`, docs/VALIDATION.md).
//!
//! One panel per target (a grid when there are several), one group of bars per tally
//! (yes, no, abstain, absent): the recorded count as a solid bar, the simulated mean
//! as a lighter bar with a whisker over the runs' 90 % interval (p05–p95), and the
//! optional reference tally (e.g. the Third Committee vote) as a dot on the recorded
//! bar. The chart is drawn from a [`Tallies`] built either from the in-memory
//! [`ValidationReport`] (by `validate`) or from a validate folder's `validate.csv`
//! (by `forumsim plot DIR`), so both draw the same picture from the same numbers.

use super::data::{describe, read};
use super::style::{self, Swatch};
use super::{DrawResult, Figure, PlotError};
use crate::validate::output::VALIDATE;
use crate::validate::{MEASURES, ValidationReport};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// File stem of the chart.
pub const NAME: &str = "tallies";

/// One tally of one target, as drawn. Simulated figures are NaN when no run decided
/// the target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub recorded: f64,
    pub mean: f64,
    pub p05: f64,
    pub p95: f64,
}

/// One target's panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub id: String,
    /// Where the record comes from; empty when unknown.
    pub source: String,
    /// yes, no, abstain, absent.
    pub bars: [Bar; 4],
    /// A second recorded tally and its label.
    pub reference: Option<([f64; 4], String)>,
}

/// Everything the chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Tallies {
    pub scenario: String,
    pub seed: Option<u64>,
    /// Number of runs, when known.
    pub runs: Option<usize>,
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
                bars: t.measures.map(|m| Bar {
                    recorded: f64::from(m.recorded),
                    mean: m.mean,
                    p05: m.p05,
                    p95: m.p95,
                }),
                reference: t
                    .reference
                    .as_ref()
                    .map(|(tally, label)| (tally.as_array().map(f64::from), label.clone())),
            })
            .collect();
        Tallies {
            scenario: scenario.to_string(),
            seed: Some(r.seed),
            runs: Some(r.runs.len()),
            panels,
        }
    }
}

/// Whether `dir` is a `forumsim validate` folder (manifest kind `validate`, or a
/// `validate.csv`).
pub fn is_validate(dir: &Path) -> bool {
    if dir.join(VALIDATE).is_file() {
        return true;
    }
    manifest(dir).is_some_and(|m| m["kind"].as_str() == Some("validate"))
}

fn manifest(dir: &Path) -> Option<serde_json::Value> {
    std::fs::read(dir.join(crate::output::MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
}

/// Reads a validate folder: the tallies from `validate.csv` (required); scenario,
/// seed and run count from the manifest and each target's source and reference from
/// `scenario.resolved.toml`, when they can be read (titles only, so not errors).
pub fn load(dir: &Path) -> Result<Tallies, PlotError> {
    let names = ["target", "measure", "recorded", "mean", "p05", "p95"];
    let mut panels: Vec<Panel> = Vec::new();
    read(dir, VALIDATE, &names, |c| {
        let id = c.text(0).to_string();
        let measure = c.text(1);
        let k = MEASURES.iter().position(|m| *m == measure).ok_or_else(|| {
            format!(
                "column `measure`: {measure:?} is not one of {}",
                MEASURES.join(", ")
            )
        })?;
        let bar = Bar {
            recorded: c.parse(2)?,
            mean: c.num(3)?,
            p05: c.num(4)?,
            p95: c.num(5)?,
        };
        if panels.last().is_none_or(|p| p.id != id) {
            let nan = Bar {
                recorded: f64::NAN,
                mean: f64::NAN,
                p05: f64::NAN,
                p95: f64::NAN,
            };
            panels.push(Panel {
                id,
                source: String::new(),
                bars: [nan; 4],
                reference: None,
            });
        }
        panels.last_mut().expect("just pushed").bars[k] = bar;
        Ok(())
    })?;
    let path = dir.join(VALIDATE);
    if panels.is_empty() {
        return Err(PlotError::Parse {
            path,
            line: 1,
            msg: "no rows (did `forumsim validate` finish?)".into(),
        });
    }
    if let Some(p) = panels
        .iter()
        .find(|p| p.bars.iter().any(|b| b.recorded.is_nan()))
    {
        return Err(PlotError::Parse {
            path,
            line: 1,
            msg: format!(
                "target `{}` lacks a row for one of {}",
                p.id,
                MEASURES.join(", ")
            ),
        });
    }
    describe_targets(dir, &mut panels);
    let (scenario, seed) = describe(dir);
    let runs = manifest(dir).and_then(|m| {
        let r = &m["runs"];
        r["count"]
            .as_u64()
            .map(|n| n as usize)
            .or_else(|| r.as_array().map(Vec::len))
    });
    Ok(Tallies {
        scenario,
        seed,
        runs,
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
        p.reference = t.get("reference").and_then(|r| {
            let count = |k: &str| r.get(k).and_then(|v| v.as_integer()).map(|n| n as f64);
            let tally = [
                count("yes")?,
                count("no")?,
                count("abstain")?,
                count("absent")?,
            ];
            let label = r
                .get("label")
                .and_then(|v| v.as_str())
                .unwrap_or("reference");
            Some((tally, label.to_string()))
        });
    }
}

const RECORDED: RGBColor = style::PALETTE[0];
const SIMULATED: RGBColor = style::PALETTE[1];
const REFERENCE: RGBColor = style::PALETTE[4];
/// Radius of the reference dots, in pixels.
const DOT: i32 = 11;
/// Stroke width of the interval whiskers (tests count them by it).
pub use super::style::WHISKER_WIDTH;

impl Figure for Tallies {
    fn name(&self) -> String {
        NAME.to_string()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        root.fill(&WHITE).map_err(e)?;
        let runs = match self.runs {
            Some(1) => ", 1 run".to_string(),
            Some(n) => format!(", {n} runs"),
            None => String::new(),
        };
        let seed = self.seed.map_or(String::new(), |s| format!(", seed {s}"));
        let sub = format!(
            "{}{seed}{runs}: recorded vote vs simulated mean, whisker = 90 % of runs (p05–p95)",
            self.scenario
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
            .filter_map(|p| p.reference.as_ref().map(|(_, l)| l.as_str()))
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

/// `text` cut (with an ellipsis) to fit `width` pixels in `font`.
pub(crate) fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle<'_>,
    width: u32,
) -> String {
    let wide = |s: &str| area.estimate_text_size(s, font).map_or(0, |(w, _)| w) > width;
    if !wide(text) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut k = chars.len();
    while k > 0 {
        let s: String = chars[..k].iter().collect::<String>().trim_end().to_string() + "…";
        if !wide(&s) {
            return s;
        }
        k -= 1;
    }
    "…".to_string()
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
        .flat_map(|b| [b.recorded, b.mean, b.p95])
        .chain(p.reference.iter().flat_map(|(r, _)| r.iter().copied()))
        .filter_map(finite)
        .fold(1.0_f64, f64::max);
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .margin_right(30)
        .x_label_area_size(50)
        .y_label_area_size(100)
        .build_cartesian_2d(-0.5..3.5, 0.0..top * 1.15)
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
    for (i, (b, name)) in p.bars.iter().zip(MEASURES).enumerate() {
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
        if let Some((r, _)) = &p.reference {
            py = py.min(px_of((x, r[i])).1 - DOT - 4);
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
            let (px, py) = px_of((c, label_y));
            area.draw(&Text::new(
                format!("{mean:.1}"),
                (px, py - 4),
                value_font.pos(above),
            ))
            .map_err(e)?;
        }
        if let Some((r, _)) = &p.reference {
            let at = (x - 0.2, r[i]);
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
            name.to_string(),
            (px, py + 10),
            style::font(style::TICK).pos(below),
        ))
        .map_err(e)?;
    }
    if !decided {
        let (px, py) = px_of((1.5, top * 0.9));
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
    use crate::plot::svg_of;
    use crate::plot::tests::texts;

    fn bar(recorded: f64, mean: f64) -> Bar {
        Bar {
            recorded,
            mean,
            p05: mean - 5.0,
            p95: mean + 5.0,
        }
    }

    fn sample() -> Tallies {
        Tallies {
            scenario: "world".into(),
            seed: Some(42),
            runs: Some(20),
            panels: vec![
                Panel {
                    id: "ares74-247".into(),
                    source: "A/RES/74/247, UNGA plenary".into(),
                    bars: [
                        bar(79.0, 81.5),
                        bar(60.0, 55.0),
                        bar(33.0, 30.0),
                        bar(21.0, 26.0),
                    ],
                    reference: Some(([88.0, 58.0, 34.0, 13.0], "Third Committee".into())),
                },
                Panel {
                    id: "never".into(),
                    source: String::new(),
                    bars: [bar(10.0, f64::NAN); 4],
                    reference: None,
                },
            ],
        }
    }

    fn fill_count(svg: &str, c: RGBColor) -> usize {
        let hex = format!("fill=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2);
        svg.split("<rect")
            .skip(1)
            .filter(|r| r.contains(&hex))
            .count()
    }

    #[test]
    fn bars_whiskers_markers_and_labels() {
        let s = svg_of(&sample()).unwrap();
        let t = texts(&s);
        for label in [
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
        ] {
            assert!(t.iter().any(|x| x == label), "{label}: {t:?}");
        }
        assert!(t.iter().any(|x| x.contains("seed 42, 20 runs")), "{t:?}");
        // Recorded: 4 + 4 bars and the legend box; simulated only where decided.
        assert_eq!(fill_count(&s, RECORDED), 9);
        assert_eq!(fill_count(&s, SIMULATED), 4 + 1);
        let whisker = format!("stroke-width=\"{WHISKER_WIDTH}\"");
        let whiskers = s
            .split("<polyline")
            .skip(1)
            .filter(|p| p.contains(&whisker) && p.contains("stroke=\"#000000\""))
            .count();
        assert_eq!(whiskers, 4);
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
        std::fs::write(dir.path().join(VALIDATE), csv).unwrap();
        std::fs::write(
            dir.path().join(crate::output::RESOLVED),
            "name = \"x\"\n[[target]]\nid = \"t1\"\nsource = \"the record\"\n\
             reference = { yes = 1, no = 2, abstain = 3, absent = 4, label = \"3C\" }\n",
        )
        .unwrap();
        assert!(is_validate(dir.path()));
        let d = load(dir.path()).unwrap();
        assert_eq!(d.panels.len(), 2);
        assert_eq!(d.panels[0].bars[1].recorded, 60.0);
        assert_eq!(d.panels[0].bars[1].p95, 60.0);
        assert_eq!(d.panels[0].source, "the record");
        assert_eq!(
            d.panels[0].reference,
            Some(([1.0, 2.0, 3.0, 4.0], "3C".to_string()))
        );
        assert!(d.panels[1].bars[0].mean.is_nan() && d.panels[1].reference.is_none());
        svg_of(&d).unwrap();

        std::fs::write(
            dir.path().join(VALIDATE),
            "target,measure,recorded,mean,sd,p05,p95,error\nt1,maybe,1,,,,,\n",
        )
        .unwrap();
        let err = load(dir.path()).unwrap_err();
        assert!(
            err.is_bad_input() && err.to_string().contains("maybe"),
            "{err}"
        );
    }
}
