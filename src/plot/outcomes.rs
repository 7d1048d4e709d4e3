//! `outcomes`: proposals adopted and failed per venue, mean per run (horizontal bars).
//!
//! Counted from `decisions.csv` rows with `what == proposal`; a venue's bars are its
//! totals over the batch divided by the number of runs, so batches of different sizes
//! compare. Horizontal bars keep long venue names (`brics-cybercrime-2023`) readable.

use super::data::RunData;
use super::members;
use super::render::DrawResult;
use super::style::{self, Swatch};
use super::titles::subtitle;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor;
use std::collections::BTreeMap;

/// One venue's bars.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub venue: String,
    /// Mean adopted proposals per run.
    pub adopted: f64,
    /// Mean failed proposals per run.
    pub failed: f64,
}

/// Venues with at least one proposal, in the venues' colour order (venues of
/// `decisions.csv` unknown to `venues.csv` last, by name).
pub fn outcomes(d: &RunData) -> Vec<Outcome> {
    let mut count: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for p in &d.proposals {
        let c = count.entry(&p.venue).or_default();
        if p.adopted {
            c.0 += 1;
        } else {
            c.1 += 1;
        }
    }
    let runs = d.runs.len().max(1) as f64;
    let mut order = members::venue_order(d);
    order.extend(
        count
            .keys()
            .filter(|v| !order.iter().any(|o| o == *v))
            .map(|v| v.to_string())
            .collect::<Vec<_>>(),
    );
    order
        .into_iter()
        .filter_map(|venue| {
            let &(a, f) = count.get(venue.as_str())?;
            Some(Outcome {
                venue,
                adopted: a as f64 / runs,
                failed: f as f64 / runs,
            })
        })
        .collect()
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &RunData) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let sub = format!(
        "{}: votes on proposals (decisions.csv), mean per run",
        subtitle(d)
    );
    let body = style::titled(root, "Proposals adopted and failed per venue", &sub)?;
    let (plot, legend) = body.split_vertically(body.dim_in_pixel().1 as i32 - 60);
    let list = outcomes(d);
    let n = list.len().max(1) as f64;
    let top = list
        .iter()
        .map(|o| o.adopted.max(o.failed))
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let mut chart = ChartBuilder::on(&plot)
        .margin(20)
        .margin_right(60)
        .x_label_area_size(70)
        .y_label_area_size(320)
        .build_cartesian_2d(0.0..top * 1.12, -0.5..n - 0.5)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("proposals per run (mean over runs)")
        .axis_desc_style(style::font(style::TICK))
        .label_style(style::font(style::TICK))
        .x_labels(8)
        .y_labels(0)
        .disable_y_mesh()
        .x_label_formatter(&|v| format!("{v:.1}"))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .draw()
        .map_err(|e| e.to_string())?;
    let (adopted_c, failed_c) = (style::PALETTE[2], style::PALETTE[1]);
    let label_font = style::font(style::TICK);
    let value_font = style::font(style::TICK).color(&style::GREY);
    let left = chart.plotting_area().get_base_pixel().0;
    for (i, o) in list.iter().enumerate() {
        // The first venue at the top.
        let y = n - 1.0 - i as f64;
        for (value, y0, y1, c) in [
            (o.adopted, y + 0.02, y + 0.4, adopted_c),
            (o.failed, y - 0.4, y - 0.02, failed_c),
        ] {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0), (value, y1)],
                    c.filled(),
                )))
                .map_err(|e| e.to_string())?;
            let (px, py) = chart.backend_coord(&(value, (y0 + y1) / 2.0));
            root.draw(&Text::new(
                format!("{value:.1}"),
                (px + 8, py),
                value_font.pos(text_anchor::Pos::new(
                    text_anchor::HPos::Left,
                    text_anchor::VPos::Center,
                )),
            ))
            .map_err(e)?;
        }
        let (_, py) = chart.backend_coord(&(0.0, y));
        root.draw(&Text::new(
            o.venue.clone(),
            (left - 14, py),
            label_font.pos(text_anchor::Pos::new(
                text_anchor::HPos::Right,
                text_anchor::VPos::Center,
            )),
        ))
        .map_err(e)?;
    }
    if list.is_empty() {
        let (px, py) = chart.backend_coord(&(top * 0.56, n / 2.0 - 0.5));
        root.draw(&Text::new(
            "no proposals were voted on",
            (px, py),
            style::font(style::AXIS).pos(text_anchor::Pos::new(
                text_anchor::HPos::Center,
                text_anchor::VPos::Center,
            )),
        ))
        .map_err(e)?;
    }
    style::draw_legend_row(
        &legend,
        (340, 10),
        &[
            ("adopted".to_string(), Swatch::Box(adopted_c.to_rgba())),
            ("failed".to_string(), Swatch::Box(failed_c.to_rgba())),
        ],
    )
}
