//! Descriptive statistics of an ensemble of runs, with fixed algorithms, in one place:
//! `summary.csv` (experiment), `forumsim validate` and the charts all call these, so a
//! median or an interval is the same number wherever it is shown.
//!
//! Conventions: sums fold from +0.0 in the given (run) order; the sd is the sample sd
//! (n − 1); quantiles interpolate linearly between order statistics (Hyndman–Fan type 7,
//! the default of R and numpy), so a modeler gets the same numbers in pandas or R; the
//! 95 % interval of a mean uses Student's t. Undefined values are NaN, never a panic.
//! Depends on nothing else in the crate.

/// Mean of `xs`, summed in order from +0.0 (Rust's `sum` starts at −0.0, which would
/// print an all-zero column as `-0`); NaN when empty.
pub fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.iter().fold(0.0, |a, x| a + x) / xs.len() as f64
}

/// The share `k / n` (of runs that did something); NaN for no runs.
pub fn share(k: usize, n: usize) -> f64 {
    if n == 0 {
        f64::NAN
    } else {
        k as f64 / n as f64
    }
}

/// Sample standard deviation (n − 1); NaN for fewer than two values.
pub fn sd(xs: &[f64]) -> f64 {
    let n = xs.len();
    if n < 2 {
        return f64::NAN;
    }
    let m = mean(xs);
    (xs.iter().fold(0.0, |a, x| a + (x - m) * (x - m)) / (n - 1) as f64).sqrt()
}

/// The `q`-quantile (q clamped to [0, 1]) of `sorted` (ascending, no NaN), type 7:
/// position `q (n − 1)` between the order statistics around it. NaN when empty.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The `q`-quantile of `xs` in any order (sorts a copy); NaN when empty.
pub fn quantile(xs: &[f64], q: f64) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    quantile_sorted(&v, q)
}

/// The median of `values` (any order), NaN values left out; NaN when none is left.
pub fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let v: Vec<f64> = values.into_iter().filter(|x| !x.is_nan()).collect();
    quantile(&v, 0.5)
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom: exact table to 30,
/// then the Cornish–Fisher expansion (error < 1e-5). NaN for `df` = 0.
pub fn t975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
        2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
        2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
        2.048407, 2.045230, 2.042272,
    ];
    if df == 0 {
        return f64::NAN;
    }
    if df <= 30 {
        return TABLE[df - 1];
    }
    let z: f64 = 1.959_963_984_540_054;
    let n = df as f64;
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    z + (z3 + z) / (4.0 * n)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * n * n * n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_sd_of_a_small_sample() {
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&xs), 5.0);
        assert!((sd(&xs) - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert!(sd(&[3.0]).is_nan() && sd(&[]).is_nan() && mean(&[]).is_nan());
        // An all-zero column is +0, not −0.
        assert!(mean(&[-0.0, -0.0]).is_sign_positive());
        assert_eq!(share(3, 4), 0.75);
        assert!(share(0, 0).is_nan());
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(quantile_sorted(&v, 1.0), 4.0);
        assert_eq!(quantile_sorted(&v, 0.5), 2.5);
        // numpy.quantile([1, 2, 3, 4], 0.25) == 1.75; 0.05 -> 1.15
        assert!((quantile_sorted(&v, 0.25) - 1.75).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.05) - 1.15).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[7.0], 0.9), 7.0);
        assert!(quantile_sorted(&[], 0.5).is_nan());
        // numpy.percentile(range(1, 11), [5, 50, 95]) = 1.45, 5.5, 9.55, in any order
        let xs: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert!((quantile(&xs, 0.05) - 1.45).abs() < 1e-12);
        assert!((quantile(&xs, 0.5) - 5.5).abs() < 1e-12);
        assert!((quantile(&xs, 0.95) - 9.55).abs() < 1e-12);
        assert_eq!(quantile(&xs, 2.0), 10.0);
    }

    #[test]
    fn the_median_leaves_nan_out() {
        assert_eq!(median([3.0, f64::NAN, 1.0, 2.0]), 2.0);
        assert!(median([f64::NAN]).is_nan());
    }

    #[test]
    fn t_quantile_is_continuous_at_the_table_end() {
        assert_eq!(t975(3), 3.182446);
        assert!((t975(31) - 2.039513).abs() < 1e-4);
        assert!((t975(120) - 1.979930).abs() < 1e-4);
        assert!(t975(100_000) > 1.95996);
        assert!(t975(0).is_nan());
    }
}
