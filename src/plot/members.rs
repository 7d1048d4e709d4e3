//! `members`: members per venue over the years, one line per venue (median across
//! runs).
//!
//! Venues that states create exist only in some runs; their median is over the runs
//! in which they exist that year, and the legend says in how many runs that is, so a
//! one-run club is not mistaken for a typical outcome. Every venue is drawn and has a
//! legend entry, each in its own colour and dash ([`style::colour`], [`style::dashed`]).
//! Lines are drawn at their exact values: a line that coincides with an earlier one
//! throughout is drawn under it, and its legend entry says which (`itu (= unga)`).

use super::bands::median;
use super::data::RunData;
use super::render::DrawResult;
use super::style::{self, Swatch};
use super::titles::subtitle;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

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

/// The lines to draw, one per venue, in [`venue_order`].
pub fn venue_lines(d: &RunData) -> Vec<VenueLine> {
    let mut runs: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
    let mut by_year: BTreeMap<(&str, i32), Vec<f64>> = BTreeMap::new();
    for v in &d.venues {
        runs.entry(&v.venue).or_default().insert(v.run);
        by_year
            .entry((&v.venue, v.year))
            .or_default()
            .push(v.members);
    }
    venue_order(d)
        .iter()
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
        .collect()
}

/// For each line, the first earlier line it lies on wherever it exists (at each of its
/// years the earlier line has a value within `tol`), if any: it is drawn under that
/// one, so the legend names it. A working group of every state lies on the Assembly's
/// line for its few years; without the name it would be in the legend and nowhere to
/// be seen.
pub fn same_as(lines: &[VenueLine], tol: f64) -> Vec<Option<usize>> {
    (0..lines.len())
        .map(|i| {
            let a = &lines[i].points;
            (0..i).find(|&j| {
                let b = &lines[j].points;
                !a.is_empty()
                    && a.iter().all(|p| {
                        b.iter()
                            .find(|q| q.0 == p.0)
                            .is_some_and(|q| (p.1 - q.1).abs() <= tol)
                    })
            })
        })
        .collect()
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &RunData) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let sub = format!(
        "{}: median across the runs in which the venue exists",
        subtitle(d)
    );
    let body = style::titled(root, "Members per venue", &sub)?;
    let lines = venue_lines(d);
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
    let same = same_as(&lines, top * 0.001);
    // Last venue first, so that of lines that coincide the first in the legend is on
    // top; each at its exact values.
    for (i, l) in lines.iter().enumerate().rev() {
        let colour = style::colour(i);
        let st = colour.stroke_width(4);
        let pts: Vec<(i32, f64)> = l.points.clone();
        if style::light(colour) {
            // A dark casing keeps a yellow line visible on white and on other lines.
            chart
                .draw_series(LineSeries::new(pts.clone(), style::CASING.stroke_width(7)))
                .map_err(|e| e.to_string())?;
        }
        if style::dashed(i) {
            chart
                .draw_series(DashedLineSeries::new(pts, 14, 9, st))
                .map_err(|e| e.to_string())?;
        } else {
            chart
                .draw_series(LineSeries::new(pts, st))
                .map_err(|e| e.to_string())?;
        }
    }
    let entries: Vec<(String, Swatch)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut label = l.venue.clone();
            if l.runs < total {
                label.push_str(&format!(" ({}/{} runs)", l.runs, total));
            }
            if let Some(j) = same[i] {
                label.push_str(&format!(" (= {})", lines[j].venue));
            }
            let swatch = Swatch::Line {
                colour: style::colour(i),
                dashed: style::dashed(i),
            };
            (label, swatch)
        })
        .collect();
    let notes: &[&str] = if same.iter().any(Option::is_some) {
        &["(= x): on the line of x where", "it exists, drawn under it"]
    } else {
        &[]
    };
    let note_h = 32 * notes.len() as i32;
    let list_h = (legend.dim_in_pixel().1 as i32 - note_h).max(0);
    let (list_area, note_area) = legend.split_vertically(list_h);
    style::draw_legend(&list_area, (10, 30), "venue", &entries)?;
    let note = style::font(style::LEGEND).color(&style::GREY);
    for (i, line) in notes.iter().enumerate() {
        note_area
            .draw(&Text::new(*line, (10, i as i32 * 32 - 8), note.clone()))
            .map_err(e)?;
    }
    Ok(())
}
