//! `ami`: the authoritarian-multilateralism index and fragmentation over the years,
//! as ensemble bands across runs (median, middle 50 %, middle 90 %).
//!
//! Two panels side by side rather than two series on one axis: the indices live on
//! different parts of [0, 1], and one shared axis would flatten both.

use super::bands::{Band, bands};
use super::data::RunData;
use super::render::DrawResult;
use super::style::{self, Swatch};
use super::titles::subtitle;
use plotters::coord::Shift;
use plotters::prelude::*;

pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, d: &RunData) -> DrawResult {
    let sub = format!(
        "{}: median across runs, with the middle 50 % and 90 % of runs",
        subtitle(d)
    );
    let body = style::titled(
        root,
        "Authoritarian multilateralism and fragmentation",
        &sub,
    )?;
    let (panels, legend) = body.split_vertically(body.dim_in_pixel().1 as i32 - 60);
    let halves = panels.split_evenly((1, 2));
    let ami = bands(d.rounds.iter().map(|r| (r.year, r.ami)));
    let frag = bands(d.rounds.iter().map(|r| (r.year, r.fragmentation)));
    panel(
        &halves[0],
        &ami,
        "AMI (reach-weighted modality of all rules)",
        "AMI (0 = multistakeholder, 1 = state-centric)",
        style::PALETTE[0],
    )?;
    panel(
        &halves[1],
        &frag,
        "Fragmentation of the regime complex",
        "fragmentation (0 = one forum .. 1 = dispersed)",
        style::PALETTE[1],
    )?;
    let grey = style::GREY;
    style::draw_legend_row(
        &legend,
        (90, 10),
        &[
            (
                "median across runs".to_string(),
                Swatch::Line {
                    colour: grey,
                    dashed: false,
                },
            ),
            (
                "middle 50 % of runs".to_string(),
                Swatch::Box(grey.mix(0.45)),
            ),
            (
                "middle 90 % of runs".to_string(),
                Swatch::Box(grey.mix(0.2)),
            ),
        ],
    )
}

/// The y range shown: the 90 % band padded by a tenth of its span (at least 0.1 in
/// all), clipped to [0, 1] where the indices live.
pub fn y_range(b: &[Band]) -> (f64, f64) {
    let lo = b.iter().map(|x| x.q05).fold(f64::INFINITY, f64::min);
    let hi = b.iter().map(|x| x.q95).fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.1).max((0.1 - (hi - lo)).max(0.0) / 2.0);
    ((lo - pad).max(0.0), (hi + pad).min(1.0))
}

/// The first and last year, widened to two years when there is only one.
pub fn year_range(b: &[Band]) -> (i32, i32) {
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if l.year > f.year => (f.year, l.year),
        (Some(f), _) => (f.year, f.year + 1),
        _ => (0, 1),
    }
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    b: &[Band],
    caption: &str,
    ylabel: &str,
    colour: RGBColor,
) -> DrawResult {
    let (y0, y1) = y_range(b);
    let (x0, x1) = year_range(b);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, style::font(style::AXIS))
        .margin(20)
        .margin_right(40)
        .x_label_area_size(70)
        .y_label_area_size(100)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("year")
        .y_desc(ylabel)
        .axis_desc_style(style::font(style::TICK))
        .label_style(style::font(style::TICK))
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|y| y.to_string())
        .y_label_formatter(&|v| format!("{v:.2}"))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .draw()
        .map_err(|e| e.to_string())?;
    for (alpha, poly) in [
        (0.2, outline(b, |x| x.q05, |x| x.q95)),
        (0.4, outline(b, |x| x.q25, |x| x.q75)),
    ] {
        chart
            .draw_series(std::iter::once(Polygon::new(
                poly,
                colour.mix(alpha).filled(),
            )))
            .map_err(|e| e.to_string())?;
    }
    chart
        .draw_series(LineSeries::new(
            b.iter().map(|x| (x.year, x.q50)),
            colour.stroke_width(4),
        ))
        .map_err(|e| e.to_string())?;
    if b.len() == 1 {
        // A one-year batch has no line to draw: mark the point instead.
        chart
            .draw_series(
                b.iter()
                    .map(|x| Circle::new((x.year, x.q50), 8, colour.filled())),
            )
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The closed outline of a band: along the lower edge, back along the upper edge.
pub fn outline(
    b: &[Band],
    lo: impl Fn(&Band) -> f64,
    hi: impl Fn(&Band) -> f64,
) -> Vec<(i32, f64)> {
    let mut poly: Vec<(i32, f64)> = b.iter().map(|x| (x.year, lo(x))).collect();
    poly.extend(b.iter().rev().map(|x| (x.year, hi(x))));
    poly
}
