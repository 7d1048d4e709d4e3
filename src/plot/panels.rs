//! What the three kinds of sweep chart ([`sweep`](super::sweep),
//! [`heatmap`](super::heatmap), [`variants`](super::variants)) share: the grid of
//! panels, the units and tick labels of their axes, and the subtitle. Below all
//! three, since `sweep` picks the other two's pages and draws through them.

use super::sweepdata::SweepData;
use plotters::coord::Shift;
use plotters::prelude::*;

/// What a metric counts, for axis labels (see docs/EXPERIMENTS.md, "Metrics").
pub fn unit(metric: &str) -> &'static str {
    match metric {
        "ami" | "scope_index" | "fragmentation" => "index, 0..1",
        "adopted" | "failed" | "abandoned" => "proposals per run",
        "moves" => "moves per run",
        "venues_created" => "venues per run",
        m if m.starts_with("adoptions.") => "adoptions per run",
        m if m.starts_with("members.") => "member states",
        _ => "value",
    }
}

/// A tick label for `v` on an axis spanning `span`: as many decimals as the span needs.
pub fn fmt_num(v: f64, span: f64) -> String {
    let span = span.abs();
    let decimals = if span >= 20.0 {
        0
    } else if span >= 2.0 {
        1
    } else if span >= 0.2 {
        2
    } else if span >= 0.02 {
        3
    } else {
        4
    };
    let s = format!("{v:.decimals$}");
    // "-0.00" reads as a sign error.
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A value range padded by a tenth of its span (a flat range gets a visible height).
pub fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    if span <= f64::EPSILON * hi.abs().max(1.0) {
        let pad = (hi.abs() * 0.1).max(0.05);
        return (lo - pad, hi + pad);
    }
    (lo - span * 0.1, hi + span * 0.1)
}

/// "tiny, seed 7, 24 runs": what a title says about the sweep.
pub fn sweep_subtitle(d: &SweepData) -> String {
    let n = d.runs.len();
    let runs = format!("{n} run{}", if n == 1 { "" } else { "s" });
    match d.seed {
        Some(seed) => format!("{}, seed {seed}, {runs}", d.name),
        None => format!("{}, {runs}", d.name),
    }
}

/// Splits `area` into a grid for `n` panels: at most `max_cols` columns, as square
/// as fits.
pub fn panel_grid<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    n: usize,
    max_cols: usize,
) -> Vec<DrawingArea<DB, Shift>> {
    let cols = n.clamp(1, max_cols);
    let rows = n.div_ceil(cols).max(1);
    let mut cells = area.split_evenly((rows, cols));
    cells.truncate(n);
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_of_one_run_is_not_plural() {
        let mut d = SweepData {
            name: "x".into(),
            seed: Some(2),
            ..SweepData::default()
        };
        d.runs.push(Default::default());
        assert_eq!(sweep_subtitle(&d), "x, seed 2, 1 run");
        d.runs.push(Default::default());
        assert_eq!(sweep_subtitle(&d), "x, seed 2, 2 runs");
    }

    #[test]
    fn numbers_get_the_decimals_their_span_needs() {
        assert_eq!(fmt_num(150.0, 30.0), "150");
        assert_eq!(fmt_num(0.3456, 0.5), "0.35");
        assert_eq!(fmt_num(-0.0001, 0.5), "0.00");
        assert_eq!(fmt_num(0.00123, 0.01), "0.0012");
        assert_eq!(padded(1.0, 1.0), (0.9, 1.1));
        assert_eq!(unit("members.unga"), "member states");
    }
}
