//! Descriptive statistics of one group of runs, with fixed algorithms (summed in run
//! order, quantiles of type 7, t-based 95% confidence interval of the mean), computed
//! by [`crate::stats`].

use crate::stats;

/// The statistics of `summary.csv`, in column order.
pub const STATS: &[&str] = &[
    "n", "mean", "sd", "q05", "q25", "q50", "q75", "q95", "ci95_lo", "ci95_hi",
];

/// n, mean, sd, quantiles and the 95% CI of the mean of the non-NaN `values`
/// (summed in the given order). Undefined statistics are NaN.
pub fn describe(values: &[f64]) -> [f64; 10] {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    let n = v.len();
    if n == 0 {
        let mut out = [f64::NAN; 10];
        out[0] = 0.0;
        return out;
    }
    let nf = n as f64;
    let (mean, sd) = (stats::mean(&v), stats::sd(&v));
    v.sort_by(f64::total_cmp);
    let q = |p: f64| stats::quantile_sorted(&v, p);
    let half = if n > 1 {
        stats::t975(n - 1) * sd / nf.sqrt()
    } else {
        f64::NAN
    };
    [
        nf,
        mean,
        sd,
        q(0.05),
        q(0.25),
        q(0.5),
        q(0.75),
        q(0.95),
        mean - half,
        mean + half,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_a_small_sample() {
        let d = describe(&[1.0, 2.0, 3.0, 4.0, f64::NAN]);
        assert_eq!(d[0], 4.0);
        assert_eq!(d[1], 2.5);
        assert!((d[2] - 1.2909944487358056).abs() < 1e-12);
        assert_eq!(d[5], 2.5);
        assert!((d[3] - 1.15).abs() < 1e-12);
        let half = 3.182446 * d[2] / 2.0;
        assert!((d[8] - (2.5 - half)).abs() < 1e-9);
        assert!((d[9] - (2.5 + half)).abs() < 1e-9);
    }

    #[test]
    fn degenerate_samples_are_nan_not_panics() {
        assert_eq!(describe(&[])[0], 0.0);
        assert!(describe(&[])[1].is_nan());
        let one = describe(&[3.0]);
        assert_eq!(one[1], 3.0);
        assert!(one[2].is_nan() && one[8].is_nan());
    }
}
