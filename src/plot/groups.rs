//! `groups`: groups of states compared across the runs of a run folder
//! (`forumsim plot DIR --groups SK,SU`).
//!
//! One panel per measure of [`groupdata`](super::groupdata), one bar per group: the
//! mean per state and run, with a whisker over the 95 % confidence interval of that
//! mean across runs and the value written above it. Groups keep their colour in every
//! panel. A measure that is zero for every group (no group sponsored a proposal, say)
//! gets no panel, and a note under the chart names it, so the panels that are drawn
//! all carry a contrast.

use super::groupdata::{GroupData, MeasureStats};
use super::render::{DrawResult, Figure};
use super::style::{self, Swatch, fit};
use super::titles::batch;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// File stem of the chart.
pub const NAME: &str = "groups";

impl GroupData {
    /// The measures that get a panel, in [`Measure::ALL`](super::groupdata::Measure)
    /// order, and the titles of those left out.
    pub fn shown(&self) -> (Vec<&MeasureStats>, Vec<&'static str>) {
        let (empty, shown): (Vec<_>, Vec<_>) = self.measures.iter().partition(|m| m.is_empty());
        (shown, empty.iter().map(|m| m.measure.title()).collect())
    }

    /// Second line of a panel's title: what is counted.
    fn detail(&self, m: &MeasureStats) -> String {
        use super::groupdata::Measure::*;
        match m.measure {
            SeatYears if self.appointed.is_empty() => "no appointed venue".into(),
            SeatYears => format!("in {} (appointed)", self.appointed.join(", ")),
            ReformsTabled | ProposalsTabled => "sponsored, put to a vote".into(),
            ReformsPassed | ProposalsAdopted => "sponsored and adopted".into(),
            BallotsMissed => "% of the group's ballots".into(),
        }
    }
}

fn value_text(x: f64, percent: bool) -> String {
    if percent {
        format!("{x:.1} %")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

impl Figure for GroupData {
    fn name(&self) -> String {
        NAME.to_string()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let sub = format!(
            "{}: mean per state and run, whisker = 95 % CI of the mean across runs",
            batch(&self.scenario, self.seed, Some(self.runs))
        );
        let body = style::titled(root, "Groups of states compared", &sub)?;
        let (shown, left_out) = self.shown();
        let foot = if left_out.is_empty() { 56 } else { 96 };
        let (grid, legend) = body.split_vertically(body.dim_in_pixel().1 as i32 - foot);
        let n = shown.len();
        if n == 0 {
            let (w, h) = grid.dim_in_pixel();
            grid.draw(&Text::new(
                "every measure is zero for every group",
                (w as i32 / 2, h as i32 / 2),
                style::font(style::AXIS).pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(e)?;
        } else {
            let cols = if n <= 4 { n } else { n.div_ceil(2) };
            let rows = n.div_ceil(cols);
            for (m, area) in shown.iter().zip(grid.split_evenly((rows, cols))) {
                self.draw_panel(&area, m)?;
            }
        }
        let entries: Vec<(String, Swatch)> = self
            .groups
            .iter()
            .zip(&self.sizes)
            .enumerate()
            .map(|(g, (name, &size))| {
                let states = if size == 1 { "state" } else { "states" };
                (
                    format!("{name}* ({size} {states})"),
                    Swatch::Box(style::colour(g).to_rgba()),
                )
            })
            .chain(std::iter::once((
                "95 % CI".to_string(),
                Swatch::Line {
                    colour: BLACK,
                    dashed: false,
                },
            )))
            .collect();
        style::draw_legend_row(&legend, (120, 8), &entries)?;
        if !left_out.is_empty() {
            let note = format!("not shown, zero for every group: {}", left_out.join(", "));
            legend
                .draw(&Text::new(
                    note,
                    (120, 8 + style::LEGEND as i32 + 14),
                    style::font(style::LABEL).color(&style::GREY),
                ))
                .map_err(e)?;
        }
        Ok(())
    }
}

impl GroupData {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        m: &MeasureStats,
    ) -> DrawResult {
        let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let (w, _) = area.dim_in_pixel();
        let mid = w as i32 / 2;
        let centre_top = Pos::new(HPos::Center, VPos::Top);
        let title_font = style::font(style::AXIS);
        let detail_font = style::font(style::LABEL).color(&style::GREY);
        area.draw(&Text::new(
            fit(area, m.measure.title(), &title_font, w - 30),
            (mid, 8),
            title_font.pos(centre_top),
        ))
        .map_err(e)?;
        let detail_y = 8 + style::AXIS as i32 + 4;
        area.draw(&Text::new(
            fit(area, &self.detail(m), &detail_font, w - 30),
            (mid, detail_y),
            detail_font.pos(centre_top),
        ))
        .map_err(e)?;
        let plot = area.margin(detail_y + style::LABEL as i32 + 6, 0, 0, 0);

        let percent = m.measure.percent();
        let finite = |x: f64| x.is_finite().then_some(x);
        let top = m
            .stats
            .iter()
            .flat_map(|s| [s.mean, s.hi])
            .filter_map(finite)
            .fold(0.0_f64, f64::max);
        let top = if top > 0.0 { top * 1.2 } else { 1.0 };
        let k = m.stats.len();
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_right(24)
            .x_label_area_size(50)
            .y_label_area_size(if percent { 95 } else { 80 })
            .build_cartesian_2d(-0.5..(k as f64 - 0.5), 0.0..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .label_style(style::font(style::TICK))
            .x_labels(0)
            .y_labels(5)
            .disable_x_mesh()
            .y_label_formatter(&|v| {
                if percent {
                    format!("{v:.0} %")
                } else if top >= 5.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.1}")
                }
            })
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.12))
            .draw()
            .map_err(|e| e.to_string())?;
        let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
        let base = area.get_base_pixel();
        let px_of = |c: (f64, f64)| {
            let (x, y) = chart.backend_coord(&c);
            (x - base.0, y - base.1)
        };
        let value_font = style::font(style::LABEL);
        let half = 0.32;
        for (g, s) in m.stats.iter().enumerate() {
            let x = g as f64;
            let colour = style::colour(g);
            if let Some(mean) = finite(s.mean) {
                chart
                    .plotting_area()
                    .draw(&Rectangle::new(
                        [(x - half, 0.0), (x + half, mean)],
                        colour.filled(),
                    ))
                    .map_err(err)?;
                let mut label_y = mean;
                if let (Some(lo), Some(hi)) = (finite(s.lo), finite(s.hi)) {
                    let (lo, cap) = (lo.max(0.0), 0.08);
                    chart
                        .plotting_area()
                        .draw(&style::whisker(x, lo, hi, cap))
                        .map_err(err)?;
                    label_y = hi.max(mean);
                }
                let (px, py) = px_of((x, label_y));
                area.draw(&Text::new(
                    value_text(mean, percent),
                    (px, py - 6),
                    value_font.pos(Pos::new(HPos::Center, VPos::Bottom)),
                ))
                .map_err(e)?;
            } else {
                let (px, py) = px_of((x, 0.0));
                area.draw(&Text::new(
                    "no data",
                    (px, py - 6),
                    value_font
                        .color(&style::GREY)
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                ))
                .map_err(e)?;
            }
            let (px, py) = px_of((x, 0.0));
            area.draw(&Text::new(
                self.groups[g].clone(),
                (px, py + 10),
                style::font(style::TICK).pos(centre_top),
            ))
            .map_err(e)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::groupdata::{Measure, Stat};
    use crate::plot::render::svg_of;
    use crate::plot::svgtest::{assert_texts, fill_count, texts, whisker_count};

    fn st(mean: f64, half: f64) -> Stat {
        Stat {
            runs: 40,
            mean,
            sd: half,
            lo: mean - half,
            hi: mean + half,
        }
    }

    fn sample() -> GroupData {
        let values = [
            (Measure::SeatYears, [2.33, 0.38]),
            (Measure::ReformsTabled, [1.44, 0.33]),
            (Measure::ReformsPassed, [0.93, 0.15]),
            (Measure::ProposalsTabled, [0.0, 0.0]),
            (Measure::ProposalsAdopted, [0.0, 0.0]),
            (Measure::BallotsMissed, [3.8, 12.8]),
        ];
        GroupData {
            scenario: "small-state-competence".into(),
            seed: Some(42),
            runs: 40,
            groups: vec!["SK".into(), "SU".into()],
            sizes: vec![6, 6],
            appointed: vec!["gge".into()],
            measures: values
                .iter()
                .map(|&(measure, v)| MeasureStats {
                    measure,
                    stats: v.iter().map(|&x| st(x, x / 10.0)).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn one_panel_per_nonzero_measure_one_bar_per_group() {
        let d = sample();
        let s = svg_of(&d).unwrap();
        let t = assert_texts(
            &s,
            &[
                "Groups of states compared",
                "years holding a seat",
                "in gge (appointed)",
                "reforms tabled",
                "reforms passed",
                "ballots missed",
                "% of the group's ballots",
                "SK* (6 states)",
                "SU* (6 states)",
                "95 % CI",
                "2.33",
                "0.38",
                "12.8 %",
                "not shown, zero for every group: proposals tabled, proposals adopted",
            ],
        );
        assert!(!t.iter().any(|x| x == "proposals adopted"), "no zero panel");
        assert!(t.iter().any(|x| x.contains("seed 42, 40 runs")), "{t:?}");
        // Group names under the bars of each of the 4 panels.
        assert_eq!(t.iter().filter(|x| *x == "SK").count(), 4);
        // 4 panels x 1 bar + the legend swatch, per group colour.
        assert_eq!(fill_count(&s, style::colour(0)), 5);
        assert_eq!(fill_count(&s, style::colour(1)), 5);
        assert_eq!(whisker_count(&s), 8);
    }

    #[test]
    fn undefined_values_and_all_zero_still_render() {
        let mut d = sample();
        d.measures[5].stats[1] = Stat {
            runs: 0,
            mean: f64::NAN,
            sd: f64::NAN,
            lo: f64::NAN,
            hi: f64::NAN,
        };
        let s = svg_of(&d).unwrap();
        assert!(texts(&s).iter().any(|x| x == "no data"));
        for m in &mut d.measures {
            for s in &mut m.stats {
                *s = st(0.0, 0.0);
            }
        }
        let s = svg_of(&d).unwrap();
        assert!(
            texts(&s)
                .iter()
                .any(|x| x == "every measure is zero for every group")
        );
    }

    #[test]
    fn every_text_is_at_least_20_px() {
        let s = svg_of(&sample()).unwrap();
        let sizes: Vec<f64> = s
            .split("font-size=\"")
            .skip(1)
            .map(|t| t[..t.find('"').unwrap()].parse().unwrap())
            .collect();
        assert!(sizes.iter().all(|&px| px >= 20.0), "{sizes:?}");
    }
}
