//! Small numerical helpers with fixed, documented algorithms: the model's results must
//! not change when a dependency changes its sampling method, so the normal draw and the
//! normal CDF are written out here.

use crate::model::rng::SimRng;
use rand::RngExt;

/// A uniform draw in [0, 1).
#[inline]
pub fn uniform(rng: &mut SimRng) -> f64 {
    rng.random::<f64>()
}

/// A standard normal draw (Box–Muller, cosine branch; two uniforms per draw).
pub fn std_normal(rng: &mut SimRng) -> f64 {
    // 1 - u lies in (0, 1], so the log is finite.
    let u1 = 1.0 - uniform(rng);
    let u2 = uniform(rng);
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The standard normal CDF Φ(x), via the complementary error function (Numerical
/// Recipes' Chebyshev fit, relative error < 1.2e-7 everywhere — far below the model's noise).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.26551223
            + t * (1.00002368
                + t * (0.37409196
                    + t * (0.09678418
                        + t * (-0.18628806
                            + t * (0.27886807
                                + t * (-1.13520398
                                    + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Φ(x) to double precision in absolute terms (Marsaglia 2004, "Evaluating the normal
/// distribution", J. Stat. Softw. 11(4): `½ + φ(x) Σ x^(2n+1)/(1·3·…·(2n+1))`, all terms
/// of one sign, absolute error ≈ 1e-15 for |x| ≤ 9). Slow (dozens of terms); it builds
/// [`PhiTable`] and checks it.
pub fn normal_cdf_series(x: f64) -> f64 {
    let q = x * x;
    let (mut s, mut t, mut b, mut i) = (x, 0.0, x, 1.0);
    while s != t {
        t = s;
        i += 2.0;
        b *= q / i;
        s = t + b;
    }
    0.5 + s * normal_pdf(x)
}

/// The standard normal density φ(x) (`ln √(2π)` subtracted in the exponent).
fn normal_pdf(x: f64) -> f64 {
    (-0.5 * x * x - 0.918_938_533_204_672_8).exp()
}

/// Φ interpolated from a table: piecewise cubic Hermite through Φ and φ at nodes
/// `h = 1/32` apart on [−[`PHI_RANGE`], [`PHI_RANGE`]], 0 below and 1 above.
///
/// Why: a forecast evaluates Φ two or three times per voter (ODD 7.8, "Pass
/// probability"), about 120,000 times per world run, and [`normal_cdf`]'s `exp` was
/// most of its cost. The Hermite error is at most `h⁴/384 · max|Φ⁗| = h⁴/384 ·
/// max|(3x − x³)φ(x)| ≈ 1.37e-9` (at x ≈ ±0.74); at the cut-offs the table jumps by
/// the series' own absolute error there (≈ 5e-16; Φ(−8.5) itself is ≈ 1e-17). Forecasts sum and multiply these
/// probabilities over voters, where an absolute error of 2e-9 per voter is invisible;
/// the final Φ of a normal approximation, whose deep tail a report prints
/// (`prob_positive`), keeps the relative accuracy of [`normal_cdf`].
#[derive(Debug)]
pub struct PhiTable {
    /// Per interval k, the cubic `a + b t + c t² + d t³` in `t ∈ [0, 1)`.
    coef: Vec<[f64; 4]>,
}

/// Half-width of [`PhiTable`]'s range.
pub const PHI_RANGE: f64 = 8.5;
/// Intervals per unit of [`PhiTable`].
const PHI_STEPS: f64 = 32.0;

impl PhiTable {
    /// The table, built once per process from [`normal_cdf_series`] (about 0.1 ms).
    pub fn get() -> &'static PhiTable {
        static TABLE: std::sync::OnceLock<PhiTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(PhiTable::build)
    }

    fn build() -> PhiTable {
        let h = 1.0 / PHI_STEPS;
        let n = (2.0 * PHI_RANGE * PHI_STEPS).round() as usize;
        let node = |k: usize| -PHI_RANGE + k as f64 * h;
        let coef = (0..n)
            .map(|k| {
                let (x0, x1) = (node(k), node(k + 1));
                let (f0, f1) = (normal_cdf_series(x0), normal_cdf_series(x1));
                let (d0, d1) = (h * normal_pdf(x0), h * normal_pdf(x1));
                [
                    f0,
                    d0,
                    3.0 * (f1 - f0) - 2.0 * d0 - d1,
                    2.0 * (f0 - f1) + d0 + d1,
                ]
            })
            .collect();
        PhiTable { coef }
    }

    /// Φ(x) within 2e-9 (absolute), in [0, 1]; NaN for NaN.
    #[inline]
    pub fn cdf(&self, x: f64) -> f64 {
        let t = (x + PHI_RANGE) * PHI_STEPS;
        if t.is_nan() {
            return t;
        }
        if t <= 0.0 {
            return 0.0;
        }
        let k = t as usize;
        let Some(&[a, b, c, d]) = self.coef.get(k) else {
            return 1.0;
        };
        let u = t - k as f64;
        (((d * u + c) * u + b) * u + a).clamp(0.0, 1.0)
    }
}

/// P(X > 0) for X ~ N(mean, var); a step function when var = 0.
pub fn prob_positive(mean: f64, var: f64) -> f64 {
    if var <= 1e-18 {
        if mean > 0.0 { 1.0 } else { 0.0 }
    } else {
        normal_cdf(mean / var.sqrt())
    }
}

/// Picks an index with probability ∝ `exp(score / temperature)` (max-shifted so it never
/// overflows); `None` for an empty slice.
pub fn softmax_pick(scores: &[f64], temperature: f64, rng: &mut SimRng) -> Option<usize> {
    if scores.is_empty() {
        return None;
    }
    let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = scores.iter().map(|s| ((s - max) / temperature).exp()).sum();
    let mut u = uniform(rng) * total;
    for (k, s) in scores.iter().enumerate() {
        u -= ((s - max) / temperature).exp();
        if u < 0.0 {
            return Some(k);
        }
    }
    Some(scores.len() - 1)
}

/// Softmax weights of `scores` at `temperature`, summing to 1.
pub fn softmax(scores: &[f64], temperature: f64, out: &mut Vec<f64>) {
    out.clear();
    let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    out.extend(scores.iter().map(|s| ((s - max) / temperature).exp()));
    let total: f64 = out.iter().sum();
    out.iter_mut().for_each(|x| *x /= total);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::run_rng;

    #[test]
    fn normal_cdf_matches_known_values() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-1.0) - 0.158655).abs() < 1e-6);
    }

    #[test]
    fn the_series_matches_published_values() {
        // Φ at 1, 2, 3, −1.5, −5 to 15 digits (Abramowitz & Stegun table 26.1 / R's pnorm).
        for (x, want) in [
            (1.0, 0.841_344_746_068_542_9),
            (2.0, 0.977_249_868_051_820_8),
            (3.0, 0.998_650_101_968_369_9),
            (-1.5, 0.066_807_201_268_858_06),
            (-5.0, 2.866_515_718_791_939e-7),
        ] {
            assert!((normal_cdf_series(x) - want).abs() < 2e-15, "{x}");
        }
    }

    #[test]
    fn the_table_is_within_its_error_bound_everywhere() {
        let t = PhiTable::get();
        let mut worst = 0.0f64;
        // Ten points per interval, off the nodes, over and beyond the range.
        for k in -6000..=6000 {
            let x = k as f64 / 320.0 + 1.0 / 7919.0;
            let err = (t.cdf(x) - normal_cdf_series(x)).abs();
            worst = worst.max(err);
        }
        assert!(worst < 2e-9, "{worst}");
        // The bound is not vacuous: a coarser step would break it (h = 1/16 gives ≈ 2e-8).
        assert!(worst > 1e-11, "{worst}");
        assert_eq!(t.cdf(-40.0), 0.0);
        assert_eq!(t.cdf(40.0), 1.0);
        assert_eq!(t.cdf(f64::NEG_INFINITY), 0.0);
        assert_eq!(t.cdf(f64::INFINITY), 1.0);
        assert!(t.cdf(f64::NAN).is_nan());
        // Monotone across interval joins, up to the series' own absolute error in the
        // far tails (≈ 1e-16, where Φ itself is below 1e-15).
        let mut last = 0.0;
        for k in -2800..=2800 {
            let y = t.cdf(k as f64 / 320.0);
            assert!(y >= last - 1e-15, "{k}");
            last = y;
        }
    }

    #[test]
    fn the_table_agrees_with_the_chebyshev_erfc() {
        let t = PhiTable::get();
        for k in -900..=900 {
            let x = k as f64 / 100.0;
            assert!((t.cdf(x) - normal_cdf(x)).abs() < 2e-7, "{x}");
        }
    }

    #[test]
    fn std_normal_has_unit_moments() {
        let mut rng = run_rng(1, 0);
        let xs: Vec<f64> = (0..20000).map(|_| std_normal(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!(mean.abs() < 0.03, "{mean}");
        assert!((var - 1.0).abs() < 0.04, "{var}");
    }

    #[test]
    fn softmax_picks_the_best_as_temperature_falls() {
        let mut rng = run_rng(3, 0);
        let scores = [0.10, 0.12, 0.11];
        for _ in 0..200 {
            assert_eq!(softmax_pick(&scores, 1e-4, &mut rng), Some(1));
        }
        // At a high temperature every option is picked sometimes.
        let mut seen = [false; 3];
        for _ in 0..500 {
            seen[softmax_pick(&scores, 10.0, &mut rng).unwrap()] = true;
        }
        assert!(seen.iter().all(|&s| s));
    }

    #[test]
    fn softmax_weights_sum_to_one() {
        let mut out = Vec::new();
        softmax(&[1.0, -3.0, 700.0], 0.5, &mut out);
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
