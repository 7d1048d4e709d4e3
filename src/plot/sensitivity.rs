//! Charts of `forumsim sensitivity`: Sobol' indices as bars with 95% intervals,
//! the Morris μ*–σ plane, and the seed's share of each outcome's variance.
//!
//! Horizontal bars, as in `outcomes`, keep long parameter paths readable; the
//! parameters are sorted by their total (Sobol') or μ* (Morris) so the ranking reads
//! top-down. Each chart is generic over the backend; [`svg`] and [`png`] render it.

use super::render::{self, DrawResult};
use super::style::{self, Swatch};
use crate::experiment::sensitivity::Est;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor;

/// One parameter's Sobol' bars.
#[derive(Debug, Clone)]
pub struct SobolBar {
    pub name: String,
    pub s1: Est,
    pub st: Est,
}

/// One parameter's Morris point.
#[derive(Debug, Clone)]
pub struct MorrisPoint {
    pub name: String,
    pub mu_star: Est,
    pub sigma: f64,
}

/// One outcome's seed share.
#[derive(Debug, Clone)]
pub struct ShareBar {
    pub outcome: String,
    pub share: Est,
}

/// Parameter paths without the common `parameters.` prefix.
pub fn short(name: &str) -> &str {
    name.strip_prefix("parameters.").unwrap_or(name)
}

fn left_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    at: (i32, i32),
) -> DrawResult {
    root.draw(&Text::new(
        text.to_string(),
        at,
        style::font(style::TICK).pos(text_anchor::Pos::new(
            text_anchor::HPos::Right,
            text_anchor::VPos::Center,
        )),
    ))
    .map_err(|e| e.to_string())
}

/// Horizontal bar pairs per row with 95% whiskers: `rows` of (label, [(est, colour)]).
#[allow(clippy::type_complexity)]
fn bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    rows: &[(String, Vec<(Est, RGBColor)>)],
    x_desc: &str,
    x_max: f64,
) -> DrawResult {
    let n = rows.len().max(1) as f64;
    let lo = rows
        .iter()
        .flat_map(|r| r.1.iter().map(|e| e.0.lo.min(e.0.value)))
        .filter(|x| x.is_finite())
        .fold(0.0_f64, f64::min)
        .max(-0.5)
        - 0.02;
    let mut chart = ChartBuilder::on(area)
        .margin(20)
        .margin_right(60)
        .x_label_area_size(70)
        .y_label_area_size(380)
        .build_cartesian_2d(lo..x_max, -0.5..n - 0.5)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .axis_desc_style(style::font(style::TICK))
        .label_style(style::font(style::TICK))
        .x_labels(8)
        .y_labels(0)
        .disable_y_mesh()
        .x_label_formatter(&|v| format!("{v:.2}"))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .draw()
        .map_err(|e| e.to_string())?;
    let left = chart.plotting_area().get_base_pixel().0;
    for (i, (label, ests)) in rows.iter().enumerate() {
        let y = n - 1.0 - i as f64;
        let k = ests.len().max(1) as f64;
        let h = 0.8 / k;
        for (j, (e, c)) in ests.iter().enumerate() {
            let y1 = y + 0.4 - j as f64 * h;
            let y0 = y1 - h + 0.04;
            let v = if e.value.is_finite() { e.value } else { 0.0 };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0), (v, y1)],
                    c.filled(),
                )))
                .map_err(|e| e.to_string())?;
            if e.lo.is_finite() && e.hi.is_finite() {
                let ym = (y0 + y1) / 2.0;
                let whisker = ShapeStyle::from(&BLACK).stroke_width(3);
                chart
                    .draw_series([
                        PathElement::new(vec![(e.lo, ym), (e.hi, ym)], whisker),
                        PathElement::new(vec![(e.lo, y0 + 0.05), (e.lo, y1 - 0.05)], whisker),
                        PathElement::new(vec![(e.hi, y0 + 0.05), (e.hi, y1 - 0.05)], whisker),
                    ])
                    .map_err(|e| e.to_string())?;
            }
        }
        let (_, py) = chart.backend_coord(&(0.0, y));
        left_label(root, label, (left - 14, py))?;
    }
    Ok(())
}

/// Sobol' first-order and total indices of one outcome, sorted by total.
pub fn draw_sobol<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    outcome: &str,
    source: &str,
    bars_in: &[SobolBar],
) -> DrawResult {
    let body = style::titled(
        root,
        &format!("Sobol' indices of {outcome}"),
        &format!("{source}; bars: estimate, whiskers: 95% bootstrap interval"),
    )?;
    let (plot, legend) = body.split_vertically(body.dim_in_pixel().1 as i32 - 60);
    let mut sorted = bars_in.to_vec();
    sorted.sort_by(|a, b| b.st.value.total_cmp(&a.st.value));
    let (c1, ct) = (style::PALETTE[0], style::PALETTE[1]);
    let rows: Vec<(String, Vec<(Est, RGBColor)>)> = sorted
        .iter()
        .map(|b| (short(&b.name).to_string(), vec![(b.st, ct), (b.s1, c1)]))
        .collect();
    let top = sorted
        .iter()
        .map(|b| b.st.hi.max(b.st.value))
        .filter(|x| x.is_finite())
        .fold(0.0_f64, f64::max);
    bars(
        root,
        &plot,
        &rows,
        "share of the parameters' variance",
        top.clamp(0.1, 1.2) * 1.05,
    )?;
    style::draw_legend_row(
        &legend,
        (400, 10),
        &[
            (
                "total effect ST (Jansen)".to_string(),
                Swatch::Box(ct.to_rgba()),
            ),
            (
                "first order S1 (Saltelli 2010)".to_string(),
                Swatch::Box(c1.to_rgba()),
            ),
        ],
    )
}

/// Morris μ* (with 95% interval) against σ for one outcome, labelled points and the
/// line σ = μ* (above it, effects are mostly nonlinear or interacting).
pub fn draw_morris<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    outcome: &str,
    source: &str,
    pts: &[MorrisPoint],
    noise_floor: f64,
) -> DrawResult {
    let body = style::titled(
        root,
        &format!("Morris screening of {outcome}"),
        &format!("{source}; whiskers: 95% interval of μ*"),
    )?;
    let (plot, legend) = body.split_vertically(body.dim_in_pixel().1 as i32 - 60);
    let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
    let xmax = pts
        .iter()
        .map(|p| finite(p.mu_star.hi).max(finite(p.mu_star.value)))
        .fold(0.0_f64, f64::max)
        .max(1e-12)
        * 1.15;
    let ymax = pts
        .iter()
        .map(|p| finite(p.sigma))
        .fold(0.0_f64, f64::max)
        .max(1e-12)
        * 1.15;
    let mut chart = ChartBuilder::on(&plot)
        .margin(30)
        .margin_right(80)
        .x_label_area_size(80)
        .y_label_area_size(130)
        .build_cartesian_2d(0.0..xmax, 0.0..ymax)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("μ* (mean |elementary effect|, per unit range)")
        .y_desc("σ (sd of the elementary effects)")
        .axis_desc_style(style::font(style::TICK))
        .label_style(style::font(style::TICK))
        .x_label_formatter(&|v| format!("{v:.3}"))
        .y_label_formatter(&|v| format!("{v:.3}"))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.12))
        .draw()
        .map_err(|e| e.to_string())?;
    let grey = style::GREY;
    let m = xmax.min(ymax);
    chart
        .draw_series(DashedLineSeries::new(
            vec![(0.0, 0.0), (m, m)],
            10,
            8,
            ShapeStyle::from(&grey).stroke_width(2),
        ))
        .map_err(|e| e.to_string())?;
    if noise_floor.is_finite() && 2.0 * noise_floor < xmax {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(0.0, 0.0), (2.0 * noise_floor, ymax)],
                style::PALETTE[5].mix(0.15).filled(),
            )))
            .map_err(|e| e.to_string())?;
    }
    let c = style::PALETTE[0];
    for p in pts {
        if !(p.mu_star.value.is_finite() && p.sigma.is_finite()) {
            continue;
        }
        if p.mu_star.lo.is_finite() && p.mu_star.hi.is_finite() {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(p.mu_star.lo, p.sigma), (p.mu_star.hi, p.sigma)],
                    ShapeStyle::from(&BLACK).stroke_width(2),
                )))
                .map_err(|e| e.to_string())?;
        }
        let at = chart.backend_coord(&(p.mu_star.value, p.sigma));
        style::draw_marker(root, style::Marker::Circle, at, 9, c.filled())?;
        root.draw(&Text::new(
            short(&p.name).to_string(),
            (at.0 + 14, at.1 - 14),
            style::font(style::LABEL).pos(text_anchor::Pos::new(
                text_anchor::HPos::Left,
                text_anchor::VPos::Bottom,
            )),
        ))
        .map_err(|e| e.to_string())?;
    }
    let mut entries = vec![
        (
            "parameter".to_string(),
            Swatch::Marker(style::Marker::Circle),
        ),
        (
            "σ = μ*".to_string(),
            Swatch::Line {
                colour: grey,
                dashed: true,
            },
        ),
    ];
    if noise_floor.is_finite() {
        entries.push((
            "within 2x the seed-noise floor".to_string(),
            Swatch::Box(style::PALETTE[5].mix(0.15)),
        ));
    }
    style::draw_legend_row(&legend, (200, 10), &entries)
}

/// The seed's share of each outcome's run-to-run variance, with 95% intervals.
pub fn draw_seed_share<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    source: &str,
    shares: &[ShareBar],
) -> DrawResult {
    let body = style::titled(
        root,
        "How much of the variance is the seed",
        &format!("{source}; within-point variance / (within + parameters')"),
    )?;
    let rows: Vec<(String, Vec<(Est, RGBColor)>)> = shares
        .iter()
        .map(|s| (s.outcome.clone(), vec![(s.share, style::PALETTE[2])]))
        .collect();
    bars(root, &body, &rows, "seed share of a run's variance", 1.05)
}

/// Renders `draw` as an SVG document.
pub fn svg(draw: &dyn Fn(&DrawingArea<SVGBackend, Shift>) -> DrawResult) -> Result<String, String> {
    render::svg_with(draw)
}

/// Renders `draw` as PNG bytes (8-bit RGB).
pub fn png(
    draw: &dyn Fn(&DrawingArea<BitMapBackend, Shift>) -> DrawResult,
) -> Result<Vec<u8>, String> {
    render::png_with(draw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::svgtest::texts;

    fn est(v: f64) -> Est {
        Est {
            value: v,
            lo: v - 0.05,
            hi: v + 0.05,
            seed_sd: f64::NAN,
        }
    }

    #[test]
    fn sobol_chart_names_every_parameter_and_both_indices() {
        let bars = vec![
            SobolBar {
                name: "parameters.cohesion".into(),
                s1: est(0.3),
                st: est(0.5),
            },
            SobolBar {
                name: "x2".into(),
                s1: est(0.1),
                st: est(0.2),
            },
        ];
        let s = svg(&|r| draw_sobol(r, "ami", "test", &bars)).unwrap();
        let t = texts(&s);
        for want in [
            "cohesion",
            "x2",
            "Sobol' indices of ami",
            "total effect ST (Jansen)",
        ] {
            assert!(t.iter().any(|x| x == want), "{want} not in {t:?}");
        }
    }

    #[test]
    fn morris_chart_labels_points_and_survives_nan() {
        let pts = vec![
            MorrisPoint {
                name: "a".into(),
                mu_star: est(1.0),
                sigma: 0.5,
            },
            MorrisPoint {
                name: "b".into(),
                mu_star: est(f64::NAN),
                sigma: f64::NAN,
            },
        ];
        let s = svg(&|r| draw_morris(r, "y", "test", &pts, 0.1)).unwrap();
        let t = texts(&s);
        assert!(t.iter().any(|x| x == "Morris screening of y"), "{t:?}");
        assert!(t.iter().any(|x| x == "a"), "{t:?}");
        assert!(!t.iter().any(|x| x == "b"), "a NaN point is not drawn");
        assert!(png(&|r| draw_morris(r, "y", "test", &pts, f64::NAN)).is_ok());
    }
}
