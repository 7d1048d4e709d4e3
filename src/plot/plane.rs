//! The policy plane, modality × scope, both 0..1, as the [`rules`](super::rules) chart
//! and the `animate` frames draw it: the axes, and labels placed clear of each other.
//! One implementation, so that a position and its label read the same on both.

use super::render::DrawResult;
use super::style;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// A chart of the plane, in data coordinates.
pub type Plane<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The plane on `area`, with its grid, tick labels to one decimal and the axis titles
/// `desc` (x, y). `margin` is (all sides, right side), in pixels: the rules chart has a
/// legend beside it, a frame a bar panel.
pub fn plane<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    margin: (u32, u32),
    desc: (&str, &str),
) -> Result<Plane<'a, DB>, String> {
    let mut chart = ChartBuilder::on(area)
        .margin(margin.0)
        .margin_right(margin.1)
        .x_label_area_size(70)
        .y_label_area_size(100)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(desc.0)
        .y_desc(desc.1)
        .axis_desc_style(style::font(style::TICK))
        .label_style(style::font(style::TICK))
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| format!("{v:.1}"))
        .y_label_formatter(&|v| format!("{v:.1}"))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

/// The plotting area of `chart` as a pixel [`Rect`]: labels stay inside it, so none
/// covers an axis or is clipped by the frame.
pub fn plot_rect<DB: DrawingBackend>(chart: &Plane<'_, DB>) -> Rect {
    let area = chart.plotting_area();
    let (l, t) = area.get_base_pixel();
    let (w, h) = area.dim_in_pixel();
    (l, t, l + w as i32, t + h as i32)
}

/// [`place_labels`] inside the plotting area of `chart`, so no label covers an axis.
pub fn place_in_plot<DB: DrawingBackend>(
    chart: &Plane<'_, DB>,
    anchors: &[(i32, i32)],
    sizes: &[(i32, i32)],
    obstacles: &[Rect],
) -> Vec<(i32, i32)> {
    place_labels(anchors, sizes, obstacles, plot_rect(chart))
}

/// Markers closer than this many pixels are one place: one label names them all.
pub const SAME_PLACE_PX: i32 = 8;

/// Groups `anchors` that lie within [`SAME_PLACE_PX`] of the first of a group, in
/// input order: each group is the indices of its anchors. Venues at the same point
/// get one combined label instead of a stack of labels fighting for the space.
pub fn same_place(anchors: &[(i32, i32)]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, &(x, y)) in anchors.iter().enumerate() {
        let near = groups.iter_mut().find(|g| {
            let (gx, gy) = anchors[g[0]];
            (gx - x).abs() <= SAME_PLACE_PX && (gy - y).abs() <= SAME_PLACE_PX
        });
        match near {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups
}

/// The names of a group, each once, in order, joined by ", ".
pub fn group_text(names: &[&str]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if !seen.contains(n) {
            seen.push(n);
        }
    }
    seen.join(", ")
}

/// Marker radius of the `rank`-th of `n` markers at one place: the first drawn is the
/// largest, each next one smaller, so every one shows as a ring around the next.
pub fn nested_radius(base: i32, rank: usize, n: usize) -> i32 {
    base + 5 * (n - 1 - rank) as i32
}

/// The leader line of a label at `spot` of `size` for a marker at `anchor`: from the
/// anchor to the label's nearest point, when the label was pushed more than 24 px away
/// from its marker; `None` when it sits next to it.
pub fn leader(
    anchor: (i32, i32),
    spot: (i32, i32),
    size: (i32, i32),
) -> Option<((i32, i32), (i32, i32))> {
    let near = (
        anchor.0.clamp(spot.0, spot.0 + size.0),
        anchor.1.clamp(spot.1, spot.1 + size.1),
    );
    let far = (near.0 - anchor.0).abs().max((near.1 - anchor.1).abs());
    (far > 24).then_some((anchor, near))
}

/// Draws the [`leader`] of a label, if it has one: a thin grey line.
pub fn draw_leader<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    anchor: (i32, i32),
    spot: (i32, i32),
    size: (i32, i32),
) -> DrawResult {
    if let Some((a, b)) = leader(anchor, spot, size) {
        root.draw(&PathElement::new(
            vec![a, b],
            style::GREY.mix(0.8).stroke_width(2),
        ))
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Draws `text` at `spot` (its top-left corner, as placed) on a white box `pad`
/// (x, y) pixels larger than its `size` and `opacity` opaque: the box keeps the
/// label legible where it crosses a line or a dot.
pub fn draw_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    spot: (i32, i32),
    size: (i32, i32),
    pad: (i32, i32),
    opacity: f64,
    font: &TextStyle<'_>,
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.draw(&Rectangle::new(
        [
            (spot.0 - pad.0, spot.1 - pad.1),
            (spot.0 + size.0 + pad.0, spot.1 + size.1 + pad.1),
        ],
        WHITE.mix(opacity).filled(),
    ))
    .map_err(e)?;
    root.draw(&Text::new(text.to_string(), spot, font.clone()))
        .map_err(e)
}

/// A pixel rectangle: left, top, right, bottom.
pub type Rect = (i32, i32, i32, i32);

fn overlaps(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Whether the segment from `a` to `b` passes through the inside of `r` (sampled every
/// pixel along its longer axis: leaders are a few hundred pixels at most).
pub fn crosses(r: Rect, a: (i32, i32), b: (i32, i32)) -> bool {
    let n = (b.0 - a.0).abs().max((b.1 - a.1).abs()).max(1);
    (0..=n).any(|k| {
        let x = a.0 + (b.0 - a.0) * k / n;
        let y = a.1 + (b.1 - a.1) * k / n;
        r.0 < x && x < r.2 && r.1 < y && y < r.3
    })
}

/// Top-left corners for labels of pixel sizes `sizes` next to `anchors`: the first of
/// a fixed list of candidate spots (right, left, above, below, the corners, then
/// further out in rings) that overlaps no label placed before, no anchor's marker, no
/// other `obstacles` (start markers, say), crosses no leader line placed before and
/// whose own leader line crosses no label placed before, and stays inside `bounds`.
/// When none is free, the in-bounds spot with the least overlap (labels count most).
/// Deterministic, greedy, in input order. A label that lands far from its marker gets
/// a leader line ([`leader`], [`draw_leader`]).
pub fn place_labels(
    anchors: &[(i32, i32)],
    sizes: &[(i32, i32)],
    obstacles: &[Rect],
    bounds: Rect,
) -> Vec<(i32, i32)> {
    const GAP: i32 = 16;
    let mut markers: Vec<Rect> = anchors
        .iter()
        .map(|&(x, y)| (x - 14, y - 14, x + 14, y + 14))
        .collect();
    markers.extend_from_slice(obstacles);
    let mut placed: Vec<Rect> = Vec::new();
    let mut leaders: Vec<((i32, i32), (i32, i32))> = Vec::new();
    let mut out = Vec::new();
    for (&(x, y), &(w, h)) in anchors.iter().zip(sizes) {
        let mut candidates = Vec::new();
        for step in 0..4 {
            let d = step * (h + 4);
            candidates.extend([
                (x + GAP, y - h / 2 + d),
                (x + GAP, y - h / 2 - d),
                (x - GAP - w, y - h / 2 + d),
                (x - GAP - w, y - h / 2 - d),
                (x - w / 2, y - GAP - h - d),
                (x - w / 2, y + GAP + d),
            ]);
        }
        // Further out: rings of eight directions, 40 px apart.
        for ring in 1..=8 {
            let r = GAP + ring * 40;
            candidates.extend([
                (x + r, y - h / 2),
                (x - r - w, y - h / 2),
                (x - w / 2, y - r - h),
                (x - w / 2, y + r),
                (x + r, y - r - h),
                (x - r - w, y - r - h),
                (x + r, y + r),
                (x - r - w, y + r),
            ]);
            // And the eight directions between those, so that a leader can pass
            // between the labels of a crowd placed around it.
            for k in 0..8 {
                let a = std::f64::consts::PI / 8.0 * f64::from(2 * k + 1);
                let (cx, cy) = (
                    f64::from(x) + (f64::from(r) + f64::from(w) / 2.0) * a.cos(),
                    f64::from(y) + (f64::from(r) + f64::from(h) / 2.0) * a.sin(),
                );
                candidates.push((
                    (cx - f64::from(w) / 2.0) as i32,
                    (cy - f64::from(h) / 2.0) as i32,
                ));
            }
        }
        let inside =
            |r: Rect| r.0 >= bounds.0 && r.1 >= bounds.1 && r.2 <= bounds.2 && r.3 <= bounds.3;
        let rect = |&(l, t): &(i32, i32)| (l, t, l + w, t + h);
        let area = |a: Rect, b: Rect| {
            i64::from((a.2.min(b.2) - a.0.max(b.0)).max(0))
                * i64::from((a.3.min(b.3) - a.1.max(b.1)).max(0))
        };
        // Leader lines crossed: those placed before through this label, and this
        // label's own through the labels placed before.
        let tangles = |c: &(i32, i32)| {
            let r = rect(c);
            let through = leaders.iter().filter(|l| crosses(r, l.0, l.1)).count();
            let own = leader((x, y), *c, (w, h)).map_or(0, |l| {
                placed.iter().filter(|&&p| crosses(p, l.0, l.1)).count()
            });
            (through + own) as i64
        };
        let cost = |c: &(i32, i32)| {
            let r = rect(c);
            placed.iter().map(|&p| 10 * area(p, r)).sum::<i64>()
                + markers.iter().map(|&m| area(m, r)).sum::<i64>()
                + tangles(c) * i64::from(w * h)
        };
        let free = candidates.iter().copied().find(|c| {
            let r = rect(c);
            inside(r)
                && !placed.iter().any(|&p| overlaps(p, r))
                && !markers.iter().any(|&m| overlaps(m, r))
                && tangles(c) == 0
        });
        let spot = free.unwrap_or_else(|| {
            let best = candidates
                .iter()
                .copied()
                .filter(|c| inside(rect(c)))
                .min_by_key(|c| cost(c));
            // Nothing inside (a label wider than the plot): pushed in from the edge.
            best.unwrap_or((
                candidates[0]
                    .0
                    .clamp(bounds.0, (bounds.2 - w).max(bounds.0)),
                candidates[0]
                    .1
                    .clamp(bounds.1, (bounds.3 - h).max(bounds.1)),
            ))
        });
        placed.push(rect(&spot));
        leaders.extend(leader((x, y), spot, (w, h)));
        out.push(spot);
    }
    out
}
