//! Ensemble summaries across runs: quantiles per year (pure functions, unit-tested).
//!
//! A batch is an ensemble; its charts show the median and the bands that hold the
//! middle 50 % and 90 % of runs, so one odd run neither hides nor dominates the picture.
//! Quantiles are [`crate::stats`]' type 7 (R's and numpy's default), so the numbers
//! match what a modeler computes in pandas or R.

pub use crate::stats::median;
use crate::stats::quantile_sorted as quantile;
use std::collections::BTreeMap;

/// Quantiles of one year's values across runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub year: i32,
    /// Values (runs) behind the quantiles.
    pub n: usize,
    pub q05: f64,
    pub q25: f64,
    pub q50: f64,
    pub q75: f64,
    pub q95: f64,
}

/// One [`Band`] per year, in year order, from `(year, value)` pairs (one per run).
/// NaN values are ignored; a year with none left is dropped.
pub fn bands(points: impl IntoIterator<Item = (i32, f64)>) -> Vec<Band> {
    let mut by_year: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
    for (year, v) in points {
        if !v.is_nan() {
            by_year.entry(year).or_default().push(v);
        }
    }
    by_year
        .into_iter()
        .map(|(year, mut v)| {
            v.sort_by(f64::total_cmp);
            Band {
                year,
                n: v.len(),
                q05: quantile(&v, 0.05),
                q25: quantile(&v, 0.25),
                q50: quantile(&v, 0.5),
                q75: quantile(&v, 0.75),
                q95: quantile(&v, 0.95),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_group_by_year_in_order_and_nest() {
        let pts = (0..11).flat_map(|r| [(2001, f64::from(r)), (2000, f64::from(10 - r) * 2.0)]);
        let b = bands(pts);
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].year, b[1].year), (2000, 2001));
        assert_eq!(b[1].n, 11);
        assert_eq!(b[1].q50, 5.0);
        assert_eq!(b[0].q50, 10.0);
        assert!((b[1].q05 - 0.5).abs() < 1e-12 && (b[1].q95 - 9.5).abs() < 1e-12);
        for x in &b {
            assert!(x.q05 <= x.q25 && x.q25 <= x.q50 && x.q50 <= x.q75 && x.q75 <= x.q95);
        }
    }

    #[test]
    fn nan_is_ignored_and_one_run_gives_a_flat_band() {
        let b = bands([(1, f64::NAN), (2, 0.3), (2, f64::NAN)]);
        assert_eq!(b.len(), 1);
        assert_eq!((b[0].q05, b[0].q50, b[0].q95, b[0].n), (0.3, 0.3, 0.3, 1));
        assert_eq!(median([3.0, 1.0, 2.0]), 2.0);
    }
}
