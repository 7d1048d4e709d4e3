//! Sweep heatmaps: the mean of a metric over the grid of two numeric axes
//! (`heatmap-<x>-<y>-<page>`), one panel per metric with its own colour bar.
//!
//! Cells are the axes' values (or bins, for Latin hypercubes), equally spaced whatever
//! the values, so every cell is the same size and gets its value written in it when it
//! fits. Only the base variant is drawn: variants are compared in `variants-*`.
//! The colour scale is viridis, sequential and readable with the common colour-vision
//! deficiencies and in greyscale; each panel scales from its own minimum to maximum,
//! so compare panels by their colour-bar labels, not by their colours.

use super::panels::{fmt_num, panel_grid, sweep_subtitle, unit};
use super::render::DrawResult;
use super::style;
use super::sweepdata::{MeanCi, SweepData};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Panels per heatmap page (2 × 2).
pub const PANELS: usize = 4;

/// Viridis (matplotlib), sampled at nine evenly spaced stops.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (0x44, 0x01, 0x54),
    (0x48, 0x28, 0x78),
    (0x3E, 0x4A, 0x89),
    (0x31, 0x68, 0x8E),
    (0x26, 0x82, 0x8E),
    (0x1F, 0x9E, 0x89),
    (0x35, 0xB7, 0x79),
    (0x6D, 0xCD, 0x59),
    (0xFD, 0xE7, 0x25),
];

/// The viridis colour at `t` in [0, 1] (clamped), interpolated linearly between stops.
pub fn viridis(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + f * (f64::from(q) - f64::from(p))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Grey for a cell without runs.
const EMPTY: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);

/// Levels per axis of a heatmap: a grid's values (up to 10), but for a binned axis
/// (Latin hypercube) about √points bins, so that 40 points fill a 6 × 6 grid rather
/// than leaving most of a 10 × 10 grid empty.
pub fn max_levels(d: &SweepData) -> usize {
    ((d.points() as f64).sqrt().floor() as usize).clamp(3, super::sweepdata::MAX_LEVELS)
}

/// The levels (values or bin centres) of axis `a` on a heatmap, and each run's level.
pub fn levels(d: &SweepData, a: usize) -> (Vec<f64>, Vec<usize>) {
    if d.distinct(a) <= super::sweepdata::MAX_LEVELS {
        d.levels(a)
    } else {
        d.levels_max(a, max_levels(d))
    }
}

/// The mean of `metric` per cell (x level, y level) for the base variant; `None` for a
/// cell without runs. Indexed `[ix][iy]`.
pub fn cells(d: &SweepData, axes: (usize, usize), metric: usize) -> Vec<Vec<Option<MeanCi>>> {
    let (xl, xof) = levels(d, axes.0);
    let (yl, yof) = levels(d, axes.1);
    let mut groups = vec![vec![Vec::new(); yl.len()]; xl.len()];
    for ((r, &ix), &iy) in d.runs.iter().zip(&xof).zip(&yof) {
        if r.variant == 0 {
            groups[ix][iy].push(r.values[metric]);
        }
    }
    groups
        .into_iter()
        .map(|col| {
            col.into_iter()
                .map(|v| Some(MeanCi::of(&v)).filter(|s| s.n > 0))
                .collect()
        })
        .collect()
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &SweepData,
    axes: (usize, usize),
    metrics: &[usize],
    page: usize,
) -> DrawResult {
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (xa, ya) = (&d.axes[axes.0], &d.axes[axes.1]);
    let all = d.varying_metrics().len();
    let mut title = format!("{ya} × {xa}");
    if all > PANELS {
        title.push_str(&format!(" ({page}/{})", all.div_ceil(PANELS)));
    }
    let (xl, _) = levels(d, axes.0);
    let (yl, _) = levels(d, axes.1);
    let binned = xl.len() < d.distinct(axes.0) || yl.len() < d.distinct(axes.1);
    let empty = metrics
        .first()
        .is_some_and(|&m| cells(d, axes, m).iter().flatten().any(Option::is_none));
    let mut sub = format!(
        "{}: variant {}, mean over the runs in each {} (replicates, other axes pooled)",
        sweep_subtitle(d),
        d.variants[0],
        if binned { "bin" } else { "cell" }
    );
    if empty {
        sub.push_str("; grey = no runs");
    }
    let body = style::titled(root, &title, &sub)?;
    let xspan = xl.last().unwrap_or(&1.0) - xl.first().unwrap_or(&0.0);
    let yspan = yl.last().unwrap_or(&1.0) - yl.first().unwrap_or(&0.0);
    let short = |p: &str| p.rsplit('.').next().unwrap_or(p).to_string();
    let (nx, ny) = (xl.len() as f64, yl.len() as f64);
    for (cell, &m) in panel_grid(&body, metrics.len(), 2).iter().zip(metrics) {
        let grid = cells(d, axes, m);
        let vals: Vec<f64> = grid.iter().flatten().flatten().map(|s| s.mean).collect();
        let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = hi - lo;
        let t_of = |v: f64| if span > 0.0 { (v - lo) / span } else { 0.5 };
        // Decimals for the values: enough to tell the cells apart, or by magnitude
        // when they are all equal.
        let label = |v: f64| fmt_num(v, if span > 0.0 { span } else { v.abs().max(2.0) });
        let bar_w = 170;
        let (plot, bar) = cell.split_horizontally(cell.dim_in_pixel().0 as i32 - bar_w);
        let mut chart = ChartBuilder::on(&plot)
            .caption(
                format!("{} ({})", d.metrics[m], unit(&d.metrics[m])),
                style::font(style::TICK),
            )
            .margin(8)
            .margin_right(12)
            .x_label_area_size(62)
            .y_label_area_size(96)
            .build_cartesian_2d(-0.5..nx - 0.5, -0.5..ny - 0.5)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(short(xa))
            .y_desc(short(ya))
            .axis_desc_style(style::font(style::TICK))
            .label_style(style::font(style::TICK))
            .x_labels(0)
            .y_labels(0)
            .draw()
            .map_err(|e| e.to_string())?;
        let value_font = style::font(style::MIN_SIZE);
        let tick = style::font(style::TICK);
        for (ix, col) in grid.iter().enumerate() {
            for (iy, c) in col.iter().enumerate() {
                let (x, y) = (ix as f64, iy as f64);
                let fill = c.map_or(EMPTY, |s| viridis(t_of(s.mean)));
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                        fill.filled(),
                    )))
                    .map_err(|e| e.to_string())?;
                let Some(s) = c else { continue };
                let text = label(s.mean);
                let (w, h) = root.estimate_text_size(&text, &value_font).map_err(e)?;
                let (l, t) = chart.backend_coord(&(x - 0.5, y + 0.5));
                let (r, b) = chart.backend_coord(&(x + 0.5, y - 0.5));
                if (w as i32) + 8 < r - l && (h as i32) + 4 < b - t {
                    let ink = if t_of(s.mean) < 0.6 { WHITE } else { BLACK };
                    let at = chart.backend_coord(&(x, y));
                    root.draw(&Text::new(
                        text,
                        at,
                        value_font
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ))
                    .map_err(e)?;
                }
            }
        }
        // Tick labels: one per level, under / beside its cells.
        for (ix, v) in xl.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(ix as f64, -0.5));
            root.draw(&Text::new(
                fmt_num(*v, xspan),
                (px, py + 8),
                tick.pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(e)?;
        }
        for (iy, v) in yl.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(-0.5, iy as f64));
            root.draw(&Text::new(
                fmt_num(*v, yspan),
                (px - 8, py),
                tick.pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(e)?;
        }
        // The colour bar, as tall as the plot, with its minimum, middle and maximum.
        let (top, bottom) = (
            chart.backend_coord(&(0.0, ny - 0.5)).1,
            chart.backend_coord(&(0.0, -0.5)).1,
        );
        let x0 = bar.get_base_pixel().0 + 10;
        if span > 0.0 {
            let steps = 40;
            let h = f64::from(bottom - top) / f64::from(steps);
            for k in 0..steps {
                let y0 = top + (f64::from(k) * h) as i32;
                let y1 = top + (f64::from(k + 1) * h).ceil() as i32;
                let t = 1.0 - (f64::from(k) + 0.5) / f64::from(steps);
                root.draw(&Rectangle::new(
                    [(x0, y0), (x0 + 28, y1)],
                    viridis(t).filled(),
                ))
                .map_err(e)?;
            }
            root.draw(&Rectangle::new(
                [(x0, top), (x0 + 28, bottom)],
                BLACK.mix(0.5).stroke_width(1),
            ))
            .map_err(e)?;
        } else {
            // Every cell has the same value: a gradient would promise a range.
            let mid = (top + bottom) / 2;
            root.draw(&Rectangle::new(
                [(x0, mid - 20), (x0 + 28, mid + 20)],
                viridis(0.5).filled(),
            ))
            .map_err(e)?;
        }
        let marks: Vec<(f64, i32)> = if span > 0.0 {
            vec![
                (hi, top),
                ((lo + hi) / 2.0, (top + bottom) / 2),
                (lo, bottom),
            ]
        } else {
            vec![(lo, (top + bottom) / 2)]
        };
        for (v, y) in marks {
            root.draw(&Text::new(
                label(v),
                (x0 + 38, y),
                tick.pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(e)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::render::svg_with;
    use crate::plot::svgtest::assert_texts;
    use crate::plot::sweepdata::{load_sweep, tests::write_sweep};

    #[test]
    fn viridis_runs_from_purple_to_yellow() {
        assert_eq!(viridis(0.0), RGBColor(0x44, 0x01, 0x54));
        assert_eq!(viridis(1.0), RGBColor(0xFD, 0xE7, 0x25));
        assert_eq!(viridis(2.0), viridis(1.0));
        assert_eq!(viridis(0.5), RGBColor(0x26, 0x82, 0x8E));
    }

    #[test]
    fn heatmap_has_a_cell_per_level_pair_values_ticks_and_a_colour_bar() {
        let dir = tempfile::tempdir().unwrap();
        write_sweep(dir.path());
        let d = load_sweep(dir.path()).unwrap();
        let g = cells(&d, (0, 1), 0);
        assert_eq!((g.len(), g[0].len()), (2, 3));
        // Base at a = 0.6, b = 3: 0.6 + 0.3 + (0 + 0.01) / 2.
        assert!((g[1][2].unwrap().mean - 0.905).abs() < 1e-12);
        assert_eq!(g[0][0].unwrap().n, 2);
        let s = svg_with(|r| draw(r, &d, (0, 1), &[0], 1)).unwrap();
        assert_texts(
            &s,
            &[
                "venue.x.b × parameters.a",
                "m (value)",
                "a",
                "b",
                "0.20",
                "0.60",
                "1.0",
                "3.0",
                "0.90",
                "0.31",
            ],
        );
        // The lowest cell is the darkest colour, the highest the brightest.
        assert!(s.contains("fill=\"#440154\""), "min cell");
        assert!(s.contains("fill=\"#FDE725\""), "max cell");
        // 6 cells + 40 colour-bar steps (+ background and frame rectangles).
        let filled_viridis = s
            .split("<rect")
            .skip(1)
            .map(|r| &r[..r.find("/>").unwrap()])
            .filter(|r| !r.contains("fill=\"#FFFFFF\"") && !r.contains("fill=\"none\""))
            .count();
        assert_eq!(filled_viridis, 6 + 40);
    }
}
