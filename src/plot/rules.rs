//! `rules`: where each venue's rules sit in the policy plane, and how they moved.
//!
//! x is modality (multistakeholder → state-centric), y is scope (technical →
//! information security), as in the model's policy space. Each (venue, kind) pair is
//! one trajectory: the component-wise median position per year across the runs in
//! which the pair exists, drawn from a hollow start point to a filled end marker
//! (shape = kind of rule, colour = venue, as in `members`). Pairs that exist in fewer
//! than half the runs (rules of venues created in a few runs) are left out, and the
//! title counts them. Labels are placed greedily so that they do not overlap.

use super::bands::median;
use super::data::RunData;
use super::members;
use super::plane::{
    draw_label, draw_leader, group_text, nested_radius, place_in_plot, plane, same_place,
};
use super::render::DrawResult;
use super::style::{self, Marker, Swatch};
use super::titles::subtitle;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// One (venue, kind) trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    pub venue: String,
    pub kind: String,
    /// (year, median modality, median scope), in year order.
    pub points: Vec<(i32, f64, f64)>,
}

/// (venue, kind).
type Pair<'a> = (&'a str, &'a str);

/// The trajectories in at least half the runs (in order of first appearance in
/// `rules.csv`) and the number of pairs left out.
pub fn trajectories(d: &RunData) -> (Vec<Trajectory>, usize) {
    let mut order: Vec<(&str, &str)> = Vec::new();
    let mut runs: BTreeMap<(&str, &str), BTreeSet<u64>> = BTreeMap::new();
    let mut at: BTreeMap<(Pair<'_>, i32), Vec<(f64, f64)>> = BTreeMap::new();
    for r in &d.rules {
        let key = (r.venue.as_str(), r.kind.as_str());
        let seen = runs.entry(key).or_default();
        if seen.is_empty() {
            order.push(key);
        }
        seen.insert(r.run);
        at.entry((key, r.year)).or_default().push((r.m, r.s));
    }
    let total = d.runs.len().max(1);
    let (kept, dropped): (Vec<_>, Vec<_>) =
        order.into_iter().partition(|k| 2 * runs[k].len() >= total);
    let list = kept
        .into_iter()
        .map(|key| Trajectory {
            venue: key.0.to_string(),
            kind: key.1.to_string(),
            points: at
                .range((key, i32::MIN)..=(key, i32::MAX))
                .map(|(&(_, year), v)| {
                    let m = median(v.iter().map(|p| p.0));
                    let s = median(v.iter().map(|p| p.1));
                    (year, m, s)
                })
                .filter(|p| !(p.1.is_nan() || p.2.is_nan()))
                .collect(),
        })
        .filter(|t| !t.points.is_empty())
        .collect();
    (list, dropped.len())
}

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &RunData) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (list, dropped) = trajectories(d);
    let years: Vec<i32> = list
        .iter()
        .flat_map(|t| t.points.iter().map(|p| p.0))
        .collect();
    let span = match (years.iter().min(), years.iter().max()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => "no years".into(),
    };
    let mut sub = format!("{}: median position per year across runs", subtitle(d));
    if dropped > 0 {
        sub.push_str(&format!(
            "; {dropped} rules found in fewer than half the runs not shown"
        ));
    }
    let title = format!("Venues' rules in the policy plane, {span}");
    let body = style::titled(root, &title, &sub)?;
    let legend_w = 330;
    let (plot, legend) = body.split_horizontally(body.dim_in_pixel().0 as i32 - legend_w);
    let mut chart = plane(
        &plot,
        (20, 30),
        (
            "modality: 0 = multistakeholder → 1 = state-centric",
            "scope: 0 = technical → 1 = information security",
        ),
    )?;

    let venues = members::venue_order(d);
    let index_of = |venue: &str| {
        venues
            .iter()
            .position(|v| v == venue)
            .unwrap_or(venues.len())
    };
    let colour_of = |venue: &str| style::colour(index_of(venue));
    // Past the palette's twelve colours they repeat (a 13th venue would look like unga):
    // those venues get a dashed trajectory and a white centre in their end marker.
    let second_pass = |venue: &str| style::dashed(index_of(venue));
    let mut kinds: Vec<&str> = Vec::new();
    for t in &list {
        if !kinds.contains(&t.kind.as_str()) {
            kinds.push(&t.kind);
        }
    }
    let marker_of = |kind: &str| {
        Marker::ALL[kinds.iter().position(|k| *k == kind).unwrap_or(0) % Marker::ALL.len()]
    };
    // Trajectories first, so that every end marker and label sits on top of them.
    for t in &list {
        let c = colour_of(&t.venue);
        // Each year's step is drawn as its own segment, and a year without a move (the
        // same pixel) draws nothing. A rule that stays put and is then moved back and
        // forth (the Assembly's, when each camp's text passes in turn) repeats points
        // and turns almost 180°; as one wide polyline the bitmap backend drew a spike
        // from it far off the chart (`a_rule_moved_back_and_forth_draws_no_spike_…`).
        let style = c.mix(0.7).stroke_width(3);
        let at: Vec<(i32, i32)> = t
            .points
            .iter()
            .map(|p| chart.backend_coord(&(p.1, p.2)))
            .collect();
        for (k, w) in t.points.windows(2).enumerate() {
            if at[k] == at[k + 1] {
                continue;
            }
            let seg = [(w[0].1, w[0].2), (w[1].1, w[1].2)];
            if second_pass(&t.venue) {
                chart
                    .draw_series(DashedLineSeries::new(seg, 12, 8, style))
                    .map_err(|e| e.to_string())?;
            } else {
                chart
                    .draw_series(LineSeries::new(seg, style))
                    .map_err(|e| e.to_string())?;
            }
        }
        if let Some(first) = t.points.first() {
            let at = chart.backend_coord(&(first.1, first.2));
            root.draw(&Circle::new(at, 7, c.stroke_width(3)))
                .map_err(e)?;
        }
    }
    // End markers: venues (or one venue's rules of several kinds) at one place are
    // drawn nested, the first largest, so none hides another, and share one label.
    let ends: Vec<(&Trajectory, (i32, i32))> = list
        .iter()
        .filter_map(|t| {
            let last = t.points.last()?;
            Some((t, chart.backend_coord(&(last.1, last.2))))
        })
        .collect();
    let at: Vec<(i32, i32)> = ends.iter().map(|e| e.1).collect();
    let groups = same_place(&at);
    let mut obstacles = Vec::new();
    for g in &groups {
        for (rank, &i) in g.iter().enumerate() {
            let (t, p) = ends[i];
            let r = nested_radius(10, rank, g.len());
            style::draw_marker(root, marker_of(&t.kind), p, r, colour_of(&t.venue).filled())?;
            if second_pass(&t.venue) {
                root.draw(&Circle::new(p, 4, WHITE.filled())).map_err(e)?;
            }
        }
        let (x, y) = at[g[0]];
        let r = nested_radius(10, 0, g.len()) + 4;
        obstacles.push((x - r, y - r, x + r, y + r));
    }
    // Start points are markers too: no label covers one.
    for t in &list {
        if let Some(first) = t.points.first() {
            let (x, y) = chart.backend_coord(&(first.1, first.2));
            obstacles.push((x - 9, y - 9, x + 9, y + 9));
        }
    }
    let label_font = style::font(style::LABEL);
    let mut anchors = Vec::new();
    let mut sizes = Vec::new();
    let mut texts = Vec::new();
    for g in &groups {
        let names: Vec<&str> = g.iter().map(|&i| ends[i].0.venue.as_str()).collect();
        let text = group_text(&names);
        let (w, h) = root.estimate_text_size(&text, &label_font).map_err(e)?;
        anchors.push(at[g[0]]);
        sizes.push((w as i32, h as i32));
        texts.push(text);
    }
    let spots = place_in_plot(&chart, &anchors, &sizes, &obstacles);
    for (((text, &spot), &size), &anchor) in texts.iter().zip(&spots).zip(&sizes).zip(&anchors) {
        // A label pushed away from its marker gets a thin leader line to it.
        draw_leader(root, anchor, spot, size)?;
        draw_label(root, text, spot, size, (3, 1), 0.8, &label_font)?;
    }

    let mut entries: Vec<(String, Swatch)> = kinds
        .iter()
        .map(|k| (format!("{k} rule"), Swatch::Marker(marker_of(k))))
        .collect();
    entries.push(("start point".to_string(), Swatch::Ring));
    style::draw_legend(&legend, (10, 30), "kind (end point)", &entries)?;
    let note = style::font(style::LEGEND).color(&style::GREY);
    let y = 30 + (entries.len() as i32 + 2) * (style::LEGEND as i32 + 14);
    let mut notes = vec!["colour = venue", "line = trajectory", "label at final year"];
    if list.iter().any(|t| second_pass(&t.venue)) {
        notes.extend(["white centre, dashed:", "13th venue on (colours", "repeat)"]);
    }
    for (i, line) in notes.iter().enumerate() {
        legend
            .draw(&Text::new(*line, (10, y + i as i32 * 32), note.clone()))
            .map_err(e)?;
    }
    Ok(())
}
