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
