//! Descriptive statistics of one group of runs, with fixed algorithms (summed in run
//! order, quantiles of type 7, t-based 95% confidence interval of the mean).

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
    // Folded from +0.0 in run order (`sum` starts at -0.0).
    let mean = v.iter().fold(0.0, |a, x| a + x) / nf;
    let sd = if n > 1 {
        (v.iter().fold(0.0, |a, x| a + (x - mean) * (x - mean)) / (nf - 1.0)).sqrt()
    } else {
        f64::NAN
    };
    v.sort_by(f64::total_cmp);
    let q = |p: f64| quantile_sorted(&v, p);
    let half = if n > 1 {
        t975(n - 1) * sd / nf.sqrt()
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

/// Quantile of type 7 (R's default): linear interpolation between order statistics.
pub fn quantile_sorted(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom: exact table to 30,
/// then the Cornish–Fisher expansion (error < 1e-5).
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

    #[test]
    fn t_quantile_is_continuous_at_the_table_end() {
        assert!((t975(31) - 2.039513).abs() < 1e-4);
        assert!((t975(120) - 1.979930).abs() < 1e-4);
        assert!(t975(100_000) > 1.95996);
    }
}
