//! Sweep charts: which figures a sweep folder gets ([`figures`]), and the first kind,
//! each outcome metric against each numeric axis (`axis-<path>-<page>`).
//!
//! An axis chart has one small panel per metric (up to [`AXIS_PANELS`] per page) and
//! one line per variant: the mean over every run with that axis value, pooled over the
//! other axes' values and the replicates, with its 95 % confidence band (t-based, as in
//! `summary.csv`). Axes with more than [`MAX_LEVELS`](super::sweepdata::MAX_LEVELS)
//! distinct values (Latin hypercubes) are binned. Metrics that never change over the
//! whole sweep are left out (the subtitle counts them): a flat line per panel says
//! nothing and pushes the informative panels off the page.

use super::panels::{fmt_num, padded, panel_grid, sweep_subtitle, unit};
use super::render::{DrawResult, Figure};
use super::style::{self, Swatch};
use super::sweepdata::{MeanCi, SweepData};
use super::{heatmap, variants};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Panels per axis chart (2 rows of 4 at 1600×900).
pub const AXIS_PANELS: usize = 8;

/// One sweep chart.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepChart {
    /// Metrics (indices) against axis `axis`.
    Axis {
        axis: usize,
        metrics: Vec<usize>,
        page: usize,
    },
    /// Mean of each metric over the grid of two axes (base variant).
    Heatmap {
        x: usize,
        y: usize,
        metrics: Vec<usize>,
        page: usize,
    },
    /// Paired differences variant − base, one panel per metric.
    Variants { metrics: Vec<usize>, page: usize },
}

/// A sweep chart with its data.
pub struct SweepFigure<'a> {
    pub chart: SweepChart,
    pub data: &'a SweepData,
}

impl Figure for SweepFigure<'_> {
    fn name(&self) -> String {
        let d = self.data;
        match &self.chart {
            SweepChart::Axis { axis, page, .. } => {
                format!("axis-{}-{page}", slug(&d.axes[*axis]))
            }
            SweepChart::Heatmap { x, y, page, .. } => {
                format!("heatmap-{}-{}-{page}", slug(&d.axes[*x]), slug(&d.axes[*y]))
            }
            SweepChart::Variants { page, .. } => format!("variants-{page}"),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let d = self.data;
        match &self.chart {
            SweepChart::Axis {
                axis,
                metrics,
                page,
            } => draw_axis(root, d, *axis, metrics, *page),
            SweepChart::Heatmap {
                x,
                y,
                metrics,
                page,
            } => heatmap::draw(root, d, (*x, *y), metrics, *page),
            SweepChart::Variants { metrics, page } => variants::draw(root, d, metrics, *page),
        }
    }
}

/// The charts of a sweep, in the order they are written: axis charts (per numeric
/// axis), heatmaps (per pair of numeric axes), then variants against the base (when
/// there are variants). Each kind is split into pages of at most its panel count.
pub fn figures(d: &SweepData) -> Vec<SweepFigure<'_>> {
    let metrics = d.varying_metrics();
    let axes = d.numeric_axes();
    let pages =
        |per: usize| -> Vec<Vec<usize>> { metrics.chunks(per).map(<[_]>::to_vec).collect() };
    let mut charts = Vec::new();
    for &axis in &axes {
        for (i, m) in pages(AXIS_PANELS).into_iter().enumerate() {
            charts.push(SweepChart::Axis {
                axis,
                metrics: m,
                page: i + 1,
            });
        }
    }
    for (k, &x) in axes.iter().enumerate() {
        for &y in &axes[k + 1..] {
            for (i, m) in pages(heatmap::PANELS).into_iter().enumerate() {
                charts.push(SweepChart::Heatmap {
                    x,
                    y,
                    metrics: m,
                    page: i + 1,
                });
            }
        }
    }
    if d.variants.len() > 1 {
        for (i, m) in pages(variants::PANELS).into_iter().enumerate() {
            charts.push(SweepChart::Variants {
                metrics: m,
                page: i + 1,
            });
        }
    }
    charts
        .into_iter()
        .map(|chart| SweepFigure { chart, data: d })
        .collect()
}

/// A file-name-safe form of an axis path: `venue.oewg.transparency` gives
/// `venue-oewg-transparency`.
pub fn slug(path: &str) -> String {
    path.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// One variant's line on one panel: (x, mean and CI) per axis level with runs.
pub fn axis_line(d: &SweepData, axis: usize, metric: usize, variant: usize) -> Vec<(f64, MeanCi)> {
    let (levels, of) = d.levels(axis);
    let block = d.block();
    let mut groups: Vec<(Vec<f64>, Vec<u64>)> = vec![(Vec::new(), Vec::new()); levels.len()];
    for (r, &l) in d.runs.iter().zip(&of) {
        if r.variant == variant {
            groups[l].0.push(r.values[metric]);
            groups[l].1.push(r.point / block);
        }
    }
    levels
        .iter()
        .zip(groups)
        .map(|(&x, (v, c))| {
            let s = if block > 1 {
                MeanCi::clustered(&v, &c)
            } else {
                MeanCi::of(&v)
            };
            (x, s)
        })
        .filter(|(_, s)| s.n > 0)
        .collect()
}

/// Right margin of an axis panel: room for half the last x label, which is centred
/// on the padded end of the range (a panel at the right edge would clip it).
const PANEL_RIGHT: u32 = 44;

/// Width in pixels of an axis panel's y-label area and margins (left 8, right).
const PANEL_CHROME: f64 = 124.0 + 8.0 + PANEL_RIGHT as f64;

/// How many x tick labels fit a panel of `cell`'s width over `[xmin, xmax]`: at most 4,
/// at least 2, each label given its measured width and half as much again of space,
/// so that narrow panels (four to a row) do not run "0.0100.0200.030" together.
fn x_ticks<DB: DrawingBackend>(cell: &DrawingArea<DB, Shift>, xmin: f64, xmax: f64) -> usize {
    let span = xmax - xmin;
    let font = style::font(style::TICK);
    let widest = [xmin, xmax, 0.5 * (xmin + xmax)]
        .iter()
        .map(|&v| {
            cell.estimate_text_size(&fmt_num(v, span), &font)
                .map_or(80, |(w, _)| w)
        })
        .max()
        .unwrap_or(80);
    let room = f64::from(cell.dim_in_pixel().0) - PANEL_CHROME;
    ((room / (1.5 * f64::from(widest))).floor() as usize).clamp(2, 4)
}

fn draw_axis<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &SweepData,
    axis: usize,
    metrics: &[usize],
    page: usize,
) -> DrawResult {
    let path = &d.axes[axis];
    let (levels, _) = d.levels(axis);
    let binned = d.distinct(axis) > super::sweepdata::MAX_LEVELS;
    let mut title = format!("Outcomes against {path}");
    let all = d.varying_metrics().len();
    if all > AXIS_PANELS {
        title.push_str(&format!(" ({page}/{})", all.div_ceil(AXIS_PANELS)));
    }
    let constant = d.metrics.len() - all;
    let mut sub = format!(
        "{}: mean over runs at each value{} (other axes and replicates pooled), 95 % CI{}",
        sweep_subtitle(d),
        if binned { " bin" } else { "" },
        match d.block() {
            1 => "",
            _ if d.design.starts_with("morris") => " clustered by trajectory",
            _ => " clustered by base sample",
        }
    );
    if constant > 0 {
        let s = if constant == 1 { "" } else { "s" };
        sub.push_str(&format!("; {constant} constant metric{s} not shown"));
    }
    let body = style::titled(root, &title, &sub)?;
    let (panels, legend) = body.split_vertically(body.dim_in_pixel().1 as i32 - 56);
    let cells = panel_grid(&panels, metrics.len(), 4);
    let xmin = levels.first().copied().unwrap_or(0.0);
    let xmax = levels.last().copied().unwrap_or(1.0);
    let xpad = (xmax - xmin).abs().max(1e-9) * 0.06;
    let short = path.rsplit('.').next().unwrap_or(path);
    for (cell, &m) in cells.iter().zip(metrics) {
        let lines: Vec<Vec<(f64, MeanCi)>> = (0..d.variants.len())
            .map(|v| axis_line(d, axis, m, v))
            .collect();
        let lo = lines
            .iter()
            .flatten()
            .map(|p| p.1.lo)
            .fold(f64::INFINITY, f64::min);
        let hi = lines
            .iter()
            .flatten()
            .map(|p| p.1.hi)
            .fold(f64::NEG_INFINITY, f64::max);
        let (y0, y1) = padded(lo, hi);
        let ticks = x_ticks(cell, xmin, xmax);
        let mut chart = ChartBuilder::on(cell)
            .caption(&d.metrics[m], style::font(style::TICK))
            .margin(8)
            .margin_right(PANEL_RIGHT)
            .x_label_area_size(62)
            .y_label_area_size(124)
            .build_cartesian_2d(xmin - xpad..xmax + xpad, y0..y1)
            .map_err(|e| e.to_string())?;
        let (xs, ys) = (xmax - xmin, y1 - y0);
        chart
            .configure_mesh()
            .x_desc(short)
            .y_desc(unit(&d.metrics[m]))
            .axis_desc_style(style::font(style::TICK))
            .label_style(style::font(style::TICK))
            .x_labels(ticks)
            .y_labels(4)
            .x_label_formatter(&|v| fmt_num(*v, xs))
            .y_label_formatter(&|v| fmt_num(*v, ys))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.12))
            .draw()
            .map_err(|e| e.to_string())?;
        for (v, line) in lines.iter().enumerate() {
            let c = style::colour(v);
            let mut band: Vec<(f64, f64)> = line.iter().map(|(x, s)| (*x, s.lo)).collect();
            band.extend(line.iter().rev().map(|(x, s)| (*x, s.hi)));
            chart
                .draw_series(std::iter::once(Polygon::new(band, c.mix(0.2).filled())))
                .map_err(|e| e.to_string())?;
            let pts: Vec<(f64, f64)> = line.iter().map(|(x, s)| (*x, s.mean)).collect();
            if style::dashed(v) {
                chart
                    .draw_series(DashedLineSeries::new(pts.clone(), 12, 8, c.stroke_width(3)))
                    .map_err(|e| e.to_string())?;
            } else {
                chart
                    .draw_series(LineSeries::new(pts.clone(), c.stroke_width(3)))
                    .map_err(|e| e.to_string())?;
            }
            chart
                .draw_series(pts.iter().map(|&p| Circle::new(p, 5, c.filled())))
                .map_err(|e| e.to_string())?;
        }
    }
    let mut entries: Vec<(String, Swatch)> = d
        .variants
        .iter()
        .enumerate()
        .map(|(v, name)| {
            (
                name.clone(),
                Swatch::Line {
                    colour: style::colour(v),
                    dashed: style::dashed(v),
                },
            )
        })
        .collect();
    let band = if d.block() > 1 {
        "95 % CI of the mean, clustered"
    } else {
        "95 % CI of the mean"
    };
    entries.push((band.to_string(), Swatch::Box(style::GREY.mix(0.25))));
    style::draw_legend_row(&legend, (100, 8), &entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plot::render::{png_of, svg_of};
    use crate::plot::svgtest::assert_texts;
    use crate::plot::sweepdata::{load_sweep, tests::write_sweep};

    fn data() -> SweepData {
        let dir = tempfile::tempdir().unwrap();
        write_sweep(dir.path());
        load_sweep(dir.path()).unwrap()
    }

    #[test]
    fn a_two_axis_sweep_with_a_variant_gets_axis_heatmap_and_variant_charts() {
        let d = data();
        let names: Vec<String> = figures(&d).iter().map(Figure::name).collect();
        assert_eq!(
            names,
            vec![
                "axis-parameters-a-1",
                "axis-venue-x-b-1",
                "heatmap-parameters-a-venue-x-b-1",
                "variants-1"
            ]
        );
    }

    #[test]
    fn axis_lines_pool_the_other_axis_and_replicates() {
        let d = data();
        let line = axis_line(&d, 0, 0, 0);
        assert_eq!(line.len(), 2);
        // Base at a = 0.2: m = 0.2 + b/10 + rep/100 over b in 1..3, rep in 0..1.
        assert_eq!(line[0].1.n, 6);
        assert!((line[0].1.mean - 0.405).abs() < 1e-12, "{:?}", line[0]);
        assert!(line[0].1.lo < line[0].1.mean && line[0].1.mean < line[0].1.hi);
        let v = axis_line(&d, 1, 0, 1);
        assert_eq!(v.len(), 3, "three values of b");
        assert!((v[0].1.mean - (0.4 + 0.1 + 0.5 + 0.005)).abs() < 1e-12);
    }

    #[test]
    fn axis_chart_has_a_panel_per_metric_a_line_per_variant_and_a_legend() {
        let d = data();
        let fig = SweepFigure {
            chart: SweepChart::Axis {
                axis: 0,
                metrics: vec![0],
                page: 1,
            },
            data: &d,
        };
        let s = svg_of(&fig).unwrap();
        let t = assert_texts(
            &s,
            &[
                "Outcomes against parameters.a",
                "m",
                "a",
                "value",
                "base",
                "v",
                "95 % CI of the mean",
            ],
        );
        assert!(t.iter().any(|x| x.contains("1 constant metric not shown")));
        // One band per variant; one mean line per variant plus two legend swatches.
        assert_eq!(s.matches("<polygon").count(), 2);
        let lines = |c: &str| {
            s.split("<polyline")
                .skip(1)
                .filter(|p| p.contains(&format!("stroke=\"{c}\"")))
                .count()
        };
        // A mean line per variant, and its legend swatch.
        assert_eq!(lines("#0072B2"), 2, "base mean line");
        assert_eq!(lines("#D55E00"), 2, "variant mean line");
        // Two points per line.
        assert_eq!(s.matches("<circle").count(), 4);
        assert!(png_of(&fig).unwrap().starts_with(b"\x89PNG"));
    }

    /// A Sobol'-like sweep: 8 metrics, one axis over [0.01, 0.04], points in blocks of
    /// `d + 2 = 3` that share a base sample (their values move together).
    fn sobol_data() -> SweepData {
        use crate::plot::sweepdata::SweepRun;
        let mut runs = Vec::new();
        for point in 0..120u64 {
            let base = point / 3;
            let x = 0.01 + 0.03 * ((point * 7919) % 97) as f64 / 96.0;
            // Each base sample shifts all its rows alike: rows are clustered.
            let shift = ((base * 2654435761) % 1000) as f64 / 1000.0;
            runs.push(SweepRun {
                point,
                variant: 0,
                replicate: 0,
                axis_text: vec![format!("{x}")],
                axis: vec![x],
                values: (0..8)
                    .map(|m| shift + 0.001 * m as f64 + 0.01 * x)
                    .collect(),
            });
        }
        SweepData {
            name: "t".into(),
            seed: Some(1),
            design: "sobol, 40 base samples".into(),
            replicates: 1,
            axes: vec!["parameters.choice_temperature".into()],
            variants: vec!["base".into()],
            metrics: (0..8).map(|m| format!("m{m}")).collect(),
            runs,
        }
    }

    /// The SVG of the axis chart of `d` with all eight metrics (two rows of four).
    fn eight_panel_svg(d: &SweepData) -> String {
        svg_of(&SweepFigure {
            chart: SweepChart::Axis {
                axis: 0,
                metrics: (0..8).collect(),
                page: 1,
            },
            data: d,
        })
        .unwrap()
    }

    /// Issue #14 item 2: rows of one base sample are not independent; the band is the
    /// cluster-robust interval (wider than the naive one here) and says so.
    #[test]
    fn a_sobol_sweeps_axis_bands_are_clustered_by_base_sample() {
        let d = sobol_data();
        assert_eq!(d.block(), 3);
        let line = axis_line(&d, 0, 0, 0);
        let (levels, of) = d.levels(0);
        let k = line.len() / 2;
        let vals: Vec<f64> = d
            .runs
            .iter()
            .zip(&of)
            .filter(|(_, l)| levels[**l] == line[k].0)
            .map(|(r, _)| r.values[0])
            .collect();
        let naive = MeanCi::of(&vals);
        assert!((naive.mean - line[k].1.mean).abs() < 1e-12);
        assert!(
            line[k].1.hi - line[k].1.lo >= naive.hi - naive.lo,
            "clustered {:?} vs naive {naive:?}",
            line[k].1
        );
        let s = eight_panel_svg(&d);
        assert!(s.contains("clustered by base sample"));
    }

    /// Issue #14 item 2: with four panels to a row, the x tick labels of a narrow range
    /// ("0.010", "0.020", …) must not run together: no two tick labels' boxes overlap.
    #[test]
    fn narrow_panels_get_tick_labels_that_do_not_touch() {
        use crate::plot::svgtest::labelled_boxes;
        let d = sobol_data();
        let s = eight_panel_svg(&d);
        let numbers: Vec<_> = labelled_boxes(&s)
            .into_iter()
            .filter(|(t, _)| t.parse::<f64>().is_ok())
            .collect();
        let x_ticks = numbers.iter().filter(|(t, _)| t.starts_with("0.0")).count();
        assert!(
            x_ticks >= 2 * 8,
            "two or more x labels per panel: {x_ticks}"
        );
        let ticks: Vec<_> = numbers.iter().map(|(_, b)| *b).collect();
        for (i, a) in ticks.iter().enumerate() {
            for b in &ticks[i + 1..] {
                assert!(!a.overlaps(b), "{a:?} and {b:?} overlap");
            }
        }
        // None clipped by the image's edge.
        let w = f64::from(style::SIZE.0);
        assert!(ticks.iter().all(|b| b.x0 >= 0.0 && b.x1 <= w), "{ticks:?}");
    }

    #[test]
    fn axis_paths_become_file_names() {
        assert_eq!(slug("venue.oewg.transparency"), "venue-oewg-transparency");
    }
}
