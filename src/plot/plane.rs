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

/// [`place_labels`] inside the plotting area of `chart`, so no label covers an axis.
pub fn place_in_plot<DB: DrawingBackend>(
    chart: &Plane<'_, DB>,
    anchors: &[(i32, i32)],
    sizes: &[(i32, i32)],
) -> Vec<(i32, i32)> {
    let area = chart.plotting_area();
    let (l, t) = area.get_base_pixel();
    let (w, h) = area.dim_in_pixel();
    place_labels(anchors, sizes, (l, t, l + w as i32, t + h as i32))
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

/// Top-left corners for labels of pixel sizes `sizes` next to `anchors`: the first of
/// a fixed list of candidate spots (right, left, above, below, then further out) that
/// overlaps no label placed before, no anchor's marker, and stays inside `bounds`.
/// Deterministic, greedy, in input order; falls back to the right-hand spot.
pub fn place_labels(anchors: &[(i32, i32)], sizes: &[(i32, i32)], bounds: Rect) -> Vec<(i32, i32)> {
    const GAP: i32 = 14;
    let markers: Vec<Rect> = anchors
        .iter()
        .map(|&(x, y)| (x - 10, y - 10, x + 10, y + 10))
        .collect();
    let mut placed: Vec<Rect> = Vec::new();
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
        let fits = |&(l, t): &(i32, i32)| {
            let r = (l, t, l + w, t + h);
            r.0 >= bounds.0
                && r.1 >= bounds.1
                && r.2 <= bounds.2
                && r.3 <= bounds.3
                && !placed.iter().any(|&p| overlaps(p, r))
                && !markers.iter().any(|&m| overlaps(m, r))
        };
        let spot = candidates
            .iter()
            .copied()
            .find(fits)
            .unwrap_or(candidates[0]);
        placed.push((spot.0, spot.1, spot.0 + w, spot.1 + h));
        out.push(spot);
    }
    out
}
