//! Sweep variants against the base (`variants-<page>`): for each metric (one panel
//! each), each variant's paired difference to the base, as a dot (mean) and a line
//! (95 % CI).
//!
//! A sweep runs every variant on the same seeds as the base (common random numbers),
//! so the difference run by run, variant − base over the same (point, replicate), is
//! far more precise than comparing two means; it is what `summary.csv`'s `diff.*`
//! rows hold per point. Here the pairs are pooled over all points. A filled dot marks
//! a CI that excludes zero, a hollow one a CI that includes it.

use super::panels::{fmt_num, padded, sweep_subtitle, unit};
use super::render::DrawResult;
use super::style::{self, Swatch};
use super::sweepdata::{MeanCi, SweepData};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::BTreeMap;

/// Panels per page (side by side, sharing the variant labels).
pub const PANELS: usize = 3;

/// For each variant after the base: the mean and 95 % CI of variant − base over
/// every (point, replicate) both ran. Variants in file order.
pub fn differences(d: &SweepData, metric: usize) -> Vec<MeanCi> {
    let base: BTreeMap<(u64, u64), f64> = d
        .runs
        .iter()
        .filter(|r| r.variant == 0)
        .map(|r| ((r.point, r.replicate), r.values[metric]))
        .collect();
    (1..d.variants.len())
        .map(|v| {
            let diffs: Vec<f64> = d
                .runs
                .iter()
                .filter(|r| r.variant == v)
                .filter_map(|r| Some(r.values[metric] - base.get(&(r.point, r.replicate))?))
                .collect();
            MeanCi::of(&diffs)
        })
        .collect()
}

/// The base variant's mean of `metric` (for panel captions).
pub fn base_mean(d: &SweepData, metric: usize) -> f64 {
    let v: Vec<f64> = d
        .runs
        .iter()
        .filter(|r| r.variant == 0)
        .map(|r| r.values[metric])
        .collect();
    MeanCi::of(&v).mean
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &SweepData,
    metrics: &[usize],
    page: usize,
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let all = d.varying_metrics().len();
    let mut title = format!("Variants compared to {}", d.variants[0]);
    if all > PANELS {
        title.push_str(&format!(" ({page}/{})", all.div_ceil(PANELS)));
    }
    let mut points: Vec<u64> = d.runs.iter().map(|r| r.point).collect();
    points.sort_unstable();
    points.dedup();
    let mut sub = format!(
        "{}: paired difference variant − {} over the same seeds, mean and 95 % CI",
        sweep_subtitle(d),
        d.variants[0]
    );
    if points.len() > 1 {
        sub.push_str(&format!(", pooled over {} points", points.len()));
    }
    let body = style::titled(root, &title, &sub)?;
    // Rows at most ~100 px apart: a sweep with one variant gets a short chart with its
    // legend right under it, not one dot lost in the middle of the slide.
    let names_n = d.variants.len().saturating_sub(1) as i32;
    let avail = body.dim_in_pixel().1 as i32 - 56;
    let main_h = avail.min(160 + 100 * names_n);
    let body = body.margin((avail - main_h) / 3, 0, 0, 0);
    let (main, rest) = body.split_vertically(main_h);
    let (legend, _) = rest.split_vertically(56);
    let label_font = style::font(style::LABEL);
    let names = &d.variants[1..];
    let widest = names
        .iter()
        .map(|n| root.estimate_text_size(n, &label_font).map(|s| s.0))
        .collect::<Result<Vec<_>, _>>()
        .map_err(e)?
        .into_iter()
        .max()
        .unwrap_or(0) as i32;
    let label_w = (widest + 30).clamp(120, 460);
    let (labels, panels) = main.split_horizontally(label_w);
    let nv = names.len() as f64;
    let k = metrics.len().max(1);
    let cells = panels.split_evenly((1, k));
    let (on, off) = (style::PALETTE[0], style::GREY);
    for (i, (cell, &m)) in cells.iter().zip(metrics).enumerate() {
        let diffs = differences(d, m);
        let lo = diffs.iter().map(|s| s.lo).fold(0.0_f64, f64::min);
        let hi = diffs.iter().map(|s| s.hi).fold(0.0_f64, f64::max);
        let (x0, x1) = padded(lo, hi);
        let base = base_mean(d, m);
        let caption = format!(
            "{} (base {})",
            d.metrics[m],
            fmt_num(base, base.abs().max(0.2))
        );
        let mut chart = ChartBuilder::on(cell)
            .caption(caption, style::font(style::TICK))
            .margin(8)
            .margin_left(if i == 0 { 0 } else { 16 })
            // Room for the last tick label, centred on the plot's right edge.
            .margin_right(40)
            .x_label_area_size(62)
            .y_label_area_size(4)
            .build_cartesian_2d(x0..x1, -0.5..nv - 0.5)
            .map_err(|e| e.to_string())?;
        let span = x1 - x0;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(format!("difference ({})", unit(&d.metrics[m])))
            .axis_desc_style(style::font(style::TICK))
            .label_style(style::font(style::TICK))
            .x_labels(4)
            .y_labels(0)
            .x_label_formatter(&|v| fmt_num(*v, span))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.12))
            .draw()
            .map_err(|e| e.to_string())?;
        // Row guides, then the zero line, then the estimates on top.
        for r in 0..names.len() {
            let y = r as f64;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x0, y), (x1, y)],
                    BLACK.mix(0.07).stroke_width(1),
                )))
                .map_err(|e| e.to_string())?;
        }
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, -0.5), (0.0, nv - 0.5)],
                10,
                6,
                BLACK.mix(0.6).stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
        for (r, s) in diffs.iter().enumerate() {
            if s.n == 0 {
                continue;
            }
            // The first variant at the top.
            let y = nv - 1.0 - r as f64;
            let excludes_zero = s.lo > 0.0 || s.hi < 0.0;
            let c = if excludes_zero { on } else { off };
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(s.lo, y), (s.hi, y)],
                    c.stroke_width(4),
                )))
                .map_err(|e| e.to_string())?;
            let at = chart.backend_coord(&(s.mean, y));
            if excludes_zero {
                root.draw(&Circle::new(at, 9, c.filled())).map_err(e)?;
            } else {
                root.draw(&Circle::new(at, 9, WHITE.filled())).map_err(e)?;
                root.draw(&Circle::new(at, 9, c.stroke_width(3)))
                    .map_err(e)?;
            }
        }
        if i == 0 {
            let right = labels.get_base_pixel().0 + label_w - 12;
            for (r, name) in names.iter().enumerate() {
                let (_, py) = chart.backend_coord(&(0.0, nv - 1.0 - r as f64));
                root.draw(&Text::new(
                    name.clone(),
                    (right, py),
                    label_font.pos(Pos::new(HPos::Right, VPos::Center)),
                ))
                .map_err(e)?;
            }
        }
    }
    style::draw_legend_row(
        &legend,
        (label_w, 8),
        &[
            (
                "mean difference, 95 % CI excludes 0".to_string(),
                Swatch::Dot(on),
            ),
            ("95 % CI includes 0".to_string(), Swatch::Ring),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::render::svg_with;
    use crate::plot::svgtest::assert_texts;
    use crate::plot::sweepdata::{load_sweep, tests::write_sweep};

    #[test]
    fn paired_differences_are_exact_and_the_chart_has_a_dot_per_variant() {
        let dir = tempfile::tempdir().unwrap();
        write_sweep(dir.path());
        let d = load_sweep(dir.path()).unwrap();
        let diffs = differences(&d, 0);
        assert_eq!(diffs.len(), 1);
        // v = base + 0.5 in every pair: mean 0.5, no spread, CI collapses to the mean.
        assert_eq!(diffs[0].n, 12);
        assert!((diffs[0].mean - 0.5).abs() < 1e-12);
        assert!((diffs[0].hi - diffs[0].lo).abs() < 1e-9);
        let s = svg_with(|r| draw(r, &d, &[0], 1)).unwrap();
        let t = assert_texts(
            &s,
            &[
                "Variants compared to base",
                "v",
                "difference (value)",
                "mean difference, 95 % CI excludes 0",
                "95 % CI includes 0",
            ],
        );
        assert!(t.iter().any(|x| x.starts_with("m (base")), "{t:?}");
        assert!(t.iter().any(|x| x.contains("pooled over 6 points")));
        // One filled blue dot for the variant, plus the legend's marker.
        assert_eq!(s.matches("fill=\"#0072B2\"").count(), 2, "{s}");
    }
}
