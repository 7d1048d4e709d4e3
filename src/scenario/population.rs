//! Generated populations: the distributions a `[[population]]` group draws state
//! attributes from, and the draw itself.
//!
//! Populations are drawn once per scenario from `model::rng::population_rng`, so
//! every run of a scenario sees the same states. The samplers are written out here
//! (Box–Muller normals, Marsaglia–Tsang gammas for beta) instead of taken from a
//! distributions crate so that a world drawn from a seed cannot change under a
//! dependency upgrade. Changing the draw order below changes every generated world:
//! treat it as a reproducibility-breaking change.

use rand::RngExt;

use crate::model::rng::SimRng;
use crate::model::{BlocIx, StateSpec, TagIx};

/// Smallest power a draw may give: a normal draw for power is clamped here rather
/// than at 0, because every state must carry some power (it is normalised later).
pub const POWER_FLOOR: f64 = 1e-9;

/// A validated distribution of one state attribute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    Constant(f64),
    Uniform {
        min: f64,
        max: f64,
    },
    /// Clamped to the attribute's range.
    Normal {
        mean: f64,
        sd: f64,
    },
    /// Only for power (unbounded above).
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Beta {
        a: f64,
        b: f64,
    },
}

/// The attributes a group draws, with the range each must lie in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr {
    Regime,
    Power,
    Competence,
    Ict,
}

impl Attr {
    pub fn name(self) -> &'static str {
        match self {
            Attr::Regime => "regime",
            Attr::Power => "power",
            Attr::Competence => "competence",
            Attr::Ict => "ict",
        }
    }

    /// Clamps a draw into the attribute's range.
    pub fn clamp(self, x: f64) -> f64 {
        match self {
            Attr::Power => x.max(POWER_FLOOR),
            _ => x.clamp(0.0, 1.0),
        }
    }

    /// Whether a fixed value (a constant, a uniform bound) is valid for the attribute.
    pub fn admits(self, x: f64) -> bool {
        match self {
            Attr::Power => x.is_finite() && x > 0.0,
            _ => (0.0..=1.0).contains(&x),
        }
    }

    /// The range as the error messages write it.
    pub fn range_text(self) -> &'static str {
        match self {
            Attr::Power => "positive",
            _ => "in [0, 1]",
        }
    }
}

impl Dist {
    /// One draw, clamped into `attr`'s range.
    pub fn sample(self, attr: Attr, rng: &mut SimRng) -> f64 {
        let x = match self {
            Dist::Constant(v) => v,
            Dist::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
            Dist::Normal { mean, sd } => mean + sd * std_normal(rng),
            Dist::LogNormal { mu, sigma } => (mu + sigma * std_normal(rng)).exp(),
            Dist::Beta { a, b } => {
                let x = gamma(a, rng);
                let y = gamma(b, rng);
                if x + y > 0.0 { x / (x + y) } else { 0.5 }
            }
        };
        attr.clamp(x)
    }
}

/// A standard normal draw (Box–Muller, cosine branch; two uniforms per draw).
fn std_normal(rng: &mut SimRng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>(); // in (0, 1], so ln is finite
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 by the boost
/// `G(a) = G(a + 1) * U^(1/a)`).
fn gamma(shape: f64, rng: &mut SimRng) -> f64 {
    if shape < 1.0 {
        let u = 1.0 - rng.random::<f64>();
        return gamma(shape + 1.0, rng) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let z = std_normal(rng);
        let v = (1.0 + c * z).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u = 1.0 - rng.random::<f64>();
        if u.ln() < 0.5 * z * z + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

/// A validated `[[population]]` group, with names resolved to indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub label: String,
    pub count: usize,
    pub id_prefix: String,
    pub regime: Dist,
    pub power: Dist,
    pub competence: Dist,
    pub ict: Dist,
    pub tags: Vec<TagIx>,
    /// Fixed blocs, in order.
    pub blocs: Vec<BlocIx>,
    /// A home bloc drawn with these (positive) weights, put before `blocs`.
    pub home: Vec<(BlocIx, f64)>,
}

/// Draws the states of `group`: ids `<id_prefix>1 ..= <id_prefix><count>`, in order.
///
/// Per state, in this order: regime, power, competence, ict, then the home bloc (only
/// if the group has `home_bloc` weights). Power is raw: the caller normalises it
/// over the whole world.
pub fn draw(group: &Group, rng: &mut SimRng) -> Vec<StateSpec> {
    let total_weight: f64 = group.home.iter().map(|(_, w)| w).sum();
    (1..=group.count)
        .map(|k| {
            let regime = group.regime.sample(Attr::Regime, rng);
            let power = group.power.sample(Attr::Power, rng);
            let competence = group.competence.sample(Attr::Competence, rng);
            let ict = group.ict.sample(Attr::Ict, rng);
            let mut blocs = Vec::with_capacity(group.blocs.len() + 1);
            if !group.home.is_empty() {
                let mut target = rng.random::<f64>() * total_weight;
                let mut home = group.home[group.home.len() - 1].0;
                for &(b, w) in &group.home {
                    if target < w {
                        home = b;
                        break;
                    }
                    target -= w;
                }
                blocs.push(home);
            }
            for &b in &group.blocs {
                if !blocs.contains(&b) {
                    blocs.push(b);
                }
            }
            StateSpec {
                id: format!("{}{k}", group.id_prefix),
                name: format!("{} {k}", group.label),
                regime,
                power,
                competence,
                ict,
                tags: group.tags.clone(),
                blocs,
                ideal: None,
                salience: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rng::population_rng;

    fn group(count: usize) -> Group {
        Group {
            label: "g".into(),
            count,
            id_prefix: "G".into(),
            regime: Dist::Uniform { min: 0.2, max: 0.4 },
            power: Dist::LogNormal {
                mu: 0.0,
                sigma: 1.0,
            },
            competence: Dist::Normal { mean: 0.5, sd: 2.0 },
            ict: Dist::Beta { a: 0.5, b: 2.0 },
            tags: vec![0],
            blocs: vec![3, 1],
            home: vec![(1, 1.0), (2, 3.0)],
        }
    }

    #[test]
    fn draws_are_reproducible_and_in_range() {
        let a = draw(&group(500), &mut population_rng(7));
        let b = draw(&group(500), &mut population_rng(7));
        assert_eq!(a, b);
        assert_eq!(a.len(), 500);
        assert_eq!(a[0].id, "G1");
        assert_eq!(a[499].id, "G500");
        for s in &a {
            assert!((0.2..0.4).contains(&s.regime));
            assert!(s.power > 0.0 && s.power.is_finite());
            assert!((0.0..=1.0).contains(&s.competence) && (0.0..=1.0).contains(&s.ict));
            // The drawn home bloc comes first; fixed blocs follow without repeats.
            assert!(
                matches!(s.blocs.as_slice(), [1, 3] | [2, 3, 1]),
                "{:?}",
                s.blocs
            );
        }
        let home2 = a.iter().filter(|s| s.blocs[0] == 2).count();
        assert!(
            (300..450).contains(&home2),
            "home bloc 2 drawn {home2} times of 500 at weight 3/4"
        );
    }

    #[test]
    fn samplers_have_the_right_means() {
        let mut rng = population_rng(1);
        let n = 20_000;
        let mean = |d: Dist, attr: Attr, rng: &mut SimRng| {
            (0..n).map(|_| d.sample(attr, rng)).sum::<f64>() / n as f64
        };
        let m = mean(Dist::Normal { mean: 0.5, sd: 0.1 }, Attr::Regime, &mut rng);
        assert!((m - 0.5).abs() < 0.01, "{m}");
        let m = mean(Dist::Beta { a: 2.0, b: 6.0 }, Attr::Ict, &mut rng);
        assert!((m - 0.25).abs() < 0.01, "{m}");
        let m = mean(Dist::Beta { a: 0.5, b: 0.5 }, Attr::Ict, &mut rng);
        assert!((m - 0.5).abs() < 0.02, "{m}");
        let m = mean(
            Dist::LogNormal {
                mu: 0.0,
                sigma: 0.5,
            },
            Attr::Power,
            &mut rng,
        );
        assert!((m - (0.125f64).exp()).abs() < 0.03, "{m}");
    }

    #[test]
    fn clamping_keeps_power_positive() {
        let mut rng = population_rng(3);
        for _ in 0..1000 {
            assert!(
                Dist::Normal { mean: 0.0, sd: 1.0 }.sample(Attr::Power, &mut rng) >= POWER_FLOOR
            );
        }
    }
}
