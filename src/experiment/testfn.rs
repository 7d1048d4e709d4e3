//! Test functions with known sensitivity indices, a method-checking aid.
//!
//! An experiment with `function = "ishigami"` or `"g-function"` (instead of
//! `scenario = ...`) is expanded, swept, summarised and analysed by exactly the code
//! that handles scenarios; only the run itself evaluates the function of the point's
//! axis values. So a test against the analytic indices checks the whole pipeline
//! (design → sweep → summary → `forumsim sensitivity`), not a side copy of it.
//! `noise = s` adds s times a standard normal draw from the run's own generator
//! (ChaCha12 stream `run_index` of the seed, as a simulation run would use): the
//! stand-in for seed noise.

use crate::engine::{SimRng, run_rng};
use rand::RngExt;

/// Ishigami constants (Ishigami and Homma 1990; the values of Saltelli et al. 2008).
pub const ISHIGAMI_A: f64 = 7.0;
pub const ISHIGAMI_B: f64 = 0.1;

/// The g-function's `a_i` (Saltelli and Sobol' 1995): small = important. Factors
/// beyond these get 99 (unimportant).
pub const G_A: [f64; 8] = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];

/// Which test function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `sin x1 + a sin² x2 + b x3⁴ sin x1`, x in [-π, π]³.
    Ishigami,
    /// `Π (|4 x_i − 2| + a_i) / (1 + a_i)`, x in [0, 1]^d.
    GFunction,
}

/// A test function and the sd of the noise added to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestFn {
    pub kind: Kind,
    pub noise: f64,
}

impl TestFn {
    /// Parses a `function = "..."` name.
    pub fn parse(name: &str, noise: f64) -> Result<TestFn, String> {
        let kind = match name {
            "ishigami" => Kind::Ishigami,
            "g-function" => Kind::GFunction,
            other => {
                return Err(format!(
                    "unknown function `{other}`; expected `ishigami` or `g-function`"
                ));
            }
        };
        if !(noise.is_finite() && noise >= 0.0) {
            return Err(format!("noise must be a finite sd >= 0, got {noise}"));
        }
        Ok(TestFn { kind, noise })
    }

    pub fn name(&self) -> &'static str {
        match self.kind {
            Kind::Ishigami => "ishigami",
            Kind::GFunction => "g-function",
        }
    }

    /// Checks the number of axes.
    pub fn check_dims(&self, d: usize) -> Result<(), String> {
        match self.kind {
            Kind::Ishigami if d != 3 => Err(format!(
                "the ishigami function has 3 inputs, the experiment has {d} axes"
            )),
            Kind::GFunction if !(1..=26).contains(&d) => Err(format!(
                "the g-function takes 1 to 26 inputs, the experiment has {d} axes"
            )),
            _ => Ok(()),
        }
    }

    /// Text for the manifest.
    pub fn describe(&self) -> String {
        match self.kind {
            Kind::Ishigami => format!(
                "ishigami (a = {ISHIGAMI_A}, b = {ISHIGAMI_B}), noise sd {}",
                self.noise
            ),
            Kind::GFunction => {
                format!("g-function (a = {G_A:?}, then 99), noise sd {}", self.noise)
            }
        }
    }

    /// The value at `x` for run `run_index` of `seed` (the noise comes from that
    /// run's generator, so replicates differ and reruns agree).
    pub fn eval(&self, x: &[f64], seed: u64, run_index: u64) -> f64 {
        let y = match self.kind {
            Kind::Ishigami => {
                x[0].sin()
                    + ISHIGAMI_A * x[1].sin().powi(2)
                    + ISHIGAMI_B * x[2].powi(4) * x[0].sin()
            }
            Kind::GFunction => x.iter().enumerate().fold(1.0, |acc, (i, &xi)| {
                let a = g_a(i);
                acc * ((4.0 * xi - 2.0).abs() + a) / (1.0 + a)
            }),
        };
        if self.noise > 0.0 {
            let mut rng = run_rng(seed, run_index);
            y + self.noise * normal(&mut rng)
        } else {
            y
        }
    }
}

fn g_a(i: usize) -> f64 {
    G_A.get(i).copied().unwrap_or(99.0)
}

/// A standard normal draw (Box–Muller, the cosine branch).
fn normal(rng: &mut SimRng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>(); // in (0, 1]
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Analytic first-order and total indices `(S1, ST)` of the noise-free function
/// with `d` inputs, and its variance.
pub fn analytic(kind: Kind, d: usize) -> (Vec<f64>, Vec<f64>, f64) {
    match kind {
        Kind::Ishigami => {
            let (a, b) = (ISHIGAMI_A, ISHIGAMI_B);
            let pi4 = std::f64::consts::PI.powi(4);
            let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
            let v2 = a * a / 8.0;
            let v13 = b * b * pi4 * pi4 * (1.0 / 18.0 - 1.0 / 50.0);
            let v = v1 + v2 + v13;
            (
                vec![v1 / v, v2 / v, 0.0],
                vec![(v1 + v13) / v, v2 / v, v13 / v],
                v,
            )
        }
        Kind::GFunction => {
            let vi: Vec<f64> = (0..d)
                .map(|i| 1.0 / (3.0 * (1.0 + g_a(i)).powi(2)))
                .collect();
            let prod = vi.iter().fold(1.0, |p, v| p * (1.0 + v));
            let v = prod - 1.0;
            let s1 = vi.iter().map(|x| x / v).collect();
            let st = vi.iter().map(|x| x * (prod / (1.0 + x)) / v).collect();
            (s1, st, v)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ishigami_analytic_values_are_the_textbook_ones() {
        let (s1, st, v) = analytic(Kind::Ishigami, 3);
        let r = |x: f64| (x * 1000.0).round() / 1000.0;
        assert_eq!(
            s1.iter().map(|&x| r(x)).collect::<Vec<_>>(),
            [0.314, 0.442, 0.0]
        );
        assert_eq!(
            st.iter().map(|&x| r(x)).collect::<Vec<_>>(),
            [0.558, 0.442, 0.244]
        );
        assert!((v - 13.8446).abs() < 1e-3);
    }

    #[test]
    fn g_function_mean_is_one_and_noise_comes_from_the_run_stream() {
        let f = TestFn::parse("g-function", 0.0).unwrap();
        // E|4x - 2| = 1, so each factor averages 1 over a fine grid.
        let n = 10_000;
        let m = (0..n)
            .map(|k| f.eval(&[(k as f64 + 0.5) / n as f64, 0.3], 1, 0))
            .sum::<f64>()
            / n as f64;
        // The second factor (a = 1) at 0.3 is (|1.2 - 2| + 1) / 2 = 0.9.
        assert!((m - 0.9).abs() < 1e-3, "{m}");
        let g = TestFn::parse("ishigami", 2.0).unwrap();
        let x = [0.1, 0.2, 0.3];
        assert_eq!(g.eval(&x, 5, 3), g.eval(&x, 5, 3));
        assert_ne!(g.eval(&x, 5, 3), g.eval(&x, 5, 4));
        assert!(TestFn::parse("rosenbrock", 0.0).is_err());
        assert!(TestFn::parse("ishigami", -1.0).is_err());
        assert!(g.check_dims(2).is_err());
    }
}
