//! `members`: members per venue over the years, one line per venue (median across
//! runs).
//!
//! Venues that states create exist only in some runs; their median is over the runs
//! in which they exist that year, and the legend says in how many runs that is, so a
//! one-run club is not mistaken for a typical outcome. At most [`MAX_LINES`] venues
//! are drawn (most runs first) to keep the chart readable; the legend counts the rest.

use super::bands::median;
use super::data::RunData;
use super::render::DrawResult;
use super::style::{self, Swatch};
use super::titles::subtitle;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// More lines than this would be unreadable at slide size.
pub const MAX_LINES: usize = 12;

/// One venue's line.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueLine {
    pub venue: String,
    /// Runs in which the venue exists at all.
    pub runs: usize,
    /// (year, median members over the runs in which the venue exists that year).
    pub points: Vec<(i32, f64)>,
}

/// Every venue of `venues.csv`: those in most runs first, ties in order of first
/// appearance (so the reference venues lead). Charts colour venues by this order.
pub fn venue_order(d: &RunData) -> Vec<String> {
    let mut order: Vec<&str> = Vec::new();
    let mut runs: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
    for v in &d.venues {
        let seen = runs.entry(&v.venue).or_default();
        if seen.is_empty() {
            order.push(&v.venue);
        }
        seen.insert(v.run);
    }
    // Stable: venues in equally many runs keep their order of first appearance.
    order.sort_by_key(|v| std::cmp::Reverse(runs[v].len()));
    order.into_iter().map(str::to_string).collect()
}

/// The lines to draw, in [`venue_order`], and how many venues were left out.
pub fn venue_lines(d: &RunData) -> (Vec<VenueLine>, usize) {
    let mut runs: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
    let mut by_year: BTreeMap<(&str, i32), Vec<f64>> = BTreeMap::new();
    for v in &d.venues {
        runs.entry(&v.venue).or_default().insert(v.run);
        by_year
            .entry((&v.venue, v.year))
            .or_default()
            .push(v.members);
    }
    let order = venue_order(d);
    let hidden = order.len().saturating_sub(MAX_LINES);
    let lines = order
        .iter()
        .take(MAX_LINES)
        .map(|venue| {
            let venue = venue.as_str();
            VenueLine {
                venue: venue.to_string(),
                runs: runs[venue].len(),
                points: by_year
                    .range((venue, i32::MIN)..=(venue, i32::MAX))
                    .map(|(&(_, year), v)| (year, median(v.iter().copied())))
                    .filter(|p| !p.1.is_nan())
                    .collect(),
            }
        })
        .collect();
    (lines, hidden)
}

/// Stacking slots that keep coinciding lines visible: a line's slot is the number of
/// earlier lines it coincides with (within `tol`) in some year. The chart lifts a line
/// by [`STACK_PX`] pixels per slot, so four venues with all 150 states show as four
/// adjacent stripes instead of one colour on top of the others.
pub fn stack_slots(lines: &[VenueLine], tol: f64) -> Vec<u32> {
    (0..lines.len())
        .map(|i| {
            lines[..i]
                .iter()
                .filter(|other| {
                    lines[i].points.iter().any(|&(y, v)| {
                        other
                            .points
                            .iter()
                            .any(|&(oy, ov)| oy == y && (ov - v).abs() <= tol)
                    })
                })
                .count() as u32
        })
        .collect()
}

/// Pixels between stacked coinciding lines (lines are 4 px wide).
pub const STACK_PX: f64 = 5.0;

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &RunData) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let sub = format!(
        "{}: median across the runs in which the venue exists",
        subtitle(d)
    );
    let body = style::titled(root, "Members per venue", &sub)?;
    let (lines, hidden) = venue_lines(d);
    let legend_w = 480;
    let (plot, legend) = body.split_horizontally(body.dim_in_pixel().0 as i32 - legend_w);

    let years = lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
    let (x0, x1) = match (years.clone().min(), years.max()) {
        (Some(a), Some(b)) if b > a => (a, b),
        (Some(a), _) => (a, a + 1),
        _ => (0, 1),
    };
    let top = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold(1.0_f64, f64::max);
    let mut chart = ChartBuilder::on(&plot)
        .margin(20)
        .margin_right(30)
        .x_label_area_size(70)
        .y_label_area_size(100)
        .build_cartesian_2d(x0..x1, 0.0..top * 1.05)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("year")
        .y_desc("members (states)")
        .axis_desc_style(style::font(style::TICK))
        .label_style(style::font(style::TICK))
        .x_labels(8)
        .y_labels(8)
        .x_label_formatter(&|y| y.to_string())
        .y_label_formatter(&|v| format!("{v:.0}"))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .draw()
        .map_err(|e| e.to_string())?;
    let total = d.runs.len();
    let mut entries = Vec::new();
    let slots = stack_slots(&lines, top * 0.005);
    let plot_h = f64::from(chart.plotting_area().dim_in_pixel().1.max(1));
    let per_px = top * 1.05 / plot_h;
    for (i, l) in lines.iter().enumerate() {
        let colour = style::colour(i);
        let dashed = style::dashed(i);
        let st = colour.stroke_width(4);
        let lift = f64::from(slots[i]) * STACK_PX * per_px;
        let pts: Vec<(i32, f64)> = l.points.iter().map(|&(y, v)| (y, v + lift)).collect();
        if style::light(colour) {
            // A dark casing keeps a yellow line visible on white and on other lines.
            chart
                .draw_series(LineSeries::new(pts.clone(), style::CASING.stroke_width(7)))
                .map_err(|e| e.to_string())?;
        }
        if dashed {
            chart
                .draw_series(DashedLineSeries::new(pts, 14, 9, st))
                .map_err(|e| e.to_string())?;
        } else {
            chart
                .draw_series(LineSeries::new(pts, st))
                .map_err(|e| e.to_string())?;
        }
        let label = if l.runs < total {
            format!("{} ({}/{} runs)", l.venue, l.runs, total)
        } else {
            l.venue.clone()
        };
        entries.push((label, Swatch::Line { colour, dashed }));
    }
    if hidden > 0 {
        let note = format!("+{hidden} more venues, not drawn");
        entries.push((note, Swatch::Box(WHITE.mix(0.0))));
    }
    style::draw_legend(&legend, (10, 30), "venue", &entries)?;
    if slots.iter().any(|&k| k > 0) {
        let y = 30 + (entries.len() as i32 + 1) * (style::LEGEND as i32 + 14) + 10;
        let note = style::font(style::LEGEND).color(&style::GREY);
        for (i, line) in ["equal lines are stacked", "a few pixels apart"]
            .iter()
            .enumerate()
        {
            legend
                .draw(&Text::new(*line, (10, y + i as i32 * 30), note.clone()))
                .map_err(e)?;
        }
    }
    Ok(())
}
