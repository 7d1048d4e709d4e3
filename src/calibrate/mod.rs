//! Calibration: tune a scenario's global parameters so that it reproduces one recorded
//! vote, by a documented, re-runnable search.
//!
//! The search is deliberately plain, so anyone can follow and repeat it: a Latin
//! hypercube over the parameter ranges (the global stage), then a coordinate search
//! from the best point found — each parameter in turn is moved one step up and one step
//! down, a move is kept if it improves the objective, and the step is halved after a
//! pass without improvement, `refine` times. Every evaluated point runs the same seeds
//! (run indices `0..runs` of the scenario's seed), so two points differ only by their
//! parameters (common random numbers), and the whole search is deterministic.
//!
//! The objective is `agreement − penalty · max(0, max_error − tolerance) − (1 −
//! decided)`: the share of countries whose modal simulated vote is their recorded one,
//! less a price for tallies off by more than `tolerance` votes, less the share of runs
//! in which the decision was not taken at all.

pub mod report;
pub mod spec;

pub use spec::{Calibration, CalibrationError, Knob};

use crate::model::{Ballot, Scenario};
use crate::scenario::ScenarioError;
use crate::validate::{self, TargetReport};

/// How well one point's runs reproduce the target (from `forumsim validate`'s report).
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Share of runs in which the decision was taken in the recorded venue and round.
    pub decided: f64,
    /// Ensemble-mean yes, no, abstain, absent over the runs that decided.
    pub mean: [f64; 4],
    /// Largest |mean − recorded| over the four tallies (the recorded total if the
    /// decision never happened).
    pub max_error: f64,
    /// Share of the states that cast a recorded vote whose modal simulated vote is it
    /// (0 without a vote file or a decision).
    pub agreement: f64,
    /// Each recorded state's modal simulated vote.
    pub modal: Vec<(String, Option<Ballot>)>,
}

impl Fit {
    pub fn of(t: &TargetReport) -> Fit {
        let total: f64 = t.measures.iter().map(|m| f64::from(m.recorded)).sum();
        let countries = t.countries.as_ref();
        Fit {
            decided: t.decided_share(),
            mean: [0, 1, 2, 3].map(|k| t.measures[k].mean),
            max_error: if t.decided == 0 {
                total
            } else {
                t.max_abs_error()
            },
            agreement: countries.and_then(|c| c.model.as_ref()).map_or(0.0, |m| {
                if m.agreement_voting.is_nan() {
                    0.0
                } else {
                    m.agreement_voting
                }
            }),
            modal: countries.map_or_else(Vec::new, |c| {
                c.rows.iter().map(|r| (r.state.clone(), r.modal)).collect()
            }),
        }
    }
}

/// Whether `sc` has a `[[target]]` with id `id`; the error lists the ids it has.
pub fn check_target(sc: &Scenario, id: &str) -> Result<(), String> {
    if sc.targets.iter().any(|t| t.id == id) {
        return Ok(());
    }
    let ids: Vec<&str> = sc.targets.iter().map(|t| t.id.as_str()).collect();
    Err(if ids.is_empty() {
        format!("scenario `{}` has no [[target]] to calibrate on", sc.name)
    } else {
        format!(
            "scenario `{}` has no [[target]] `{id}`; its targets: {}",
            sc.name,
            ids.join(", ")
        )
    })
}

/// One evaluated point of the search.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// `lhs` or `refine`.
    pub stage: &'static str,
    /// Knob values, in the calibration file's order.
    pub x: Vec<f64>,
    pub fit: Fit,
    pub objective: f64,
}

/// The objective of a fit under `cal`'s tolerance and penalty.
pub fn objective(cal: &Calibration, f: &Fit) -> f64 {
    f.agreement - cal.penalty * (f.max_error - cal.tolerance).max(0.0) - (1.0 - f.decided)
}

/// Loads the scenario with the knobs at `x` and validates runs `0..runs` of it (on the
/// current rayon pool), returning the fit to the calibration target.
pub fn evaluate(cal: &Calibration, x: &[f64]) -> Result<Fit, ScenarioError> {
    let sc = crate::scenario::load_with(&cal.scenario, &cal.sets(x))?;
    let runs: Vec<u64> = (0..u64::from(cal.runs)).collect();
    let report = validate::evaluate_runs(&sc, &runs);
    Ok(report
        .targets
        .iter()
        .find(|t| t.id == cal.target)
        .map_or_else(
            || Fit {
                decided: 0.0,
                mean: [0.0; 4],
                max_error: f64::INFINITY,
                agreement: 0.0,
                modal: Vec::new(),
            },
            Fit::of,
        ))
}

/// Runs the whole search. `progress` is told about every point as it is evaluated.
pub fn search(
    cal: &Calibration,
    progress: &mut dyn FnMut(&Point, &Point),
) -> Result<Vec<Point>, ScenarioError> {
    let ranges: Vec<(f64, f64)> = cal.knobs.iter().map(|k| (k.lo, k.hi)).collect();
    let mut points: Vec<Point> = Vec::new();
    let mut best: Option<usize> = None;
    let eval = |stage: &'static str, x: Vec<f64>, points: &mut Vec<Point>| {
        if let Some(i) = points.iter().position(|p| p.x == x) {
            return Ok::<_, ScenarioError>(i);
        }
        let f = evaluate(cal, &x)?;
        let objective = objective(cal, &f);
        points.push(Point {
            stage,
            x,
            fit: f,
            objective,
        });
        Ok(points.len() - 1)
    };
    let better = |a: &Point, b: &Point| a.objective > b.objective;
    for x in crate::experiment::design::expand_lhs(cal.search_seed, cal.samples, &ranges) {
        let x: Vec<f64> = x.into_iter().map(spec::snap).collect();
        let i = eval("lhs", x, &mut points)?;
        if best.is_none_or(|b| better(&points[i], &points[b])) {
            best = Some(i);
        }
        progress(&points[i], &points[best.unwrap_or(i)]);
    }
    let Some(mut b) = best else {
        return Ok(points);
    };
    let mut steps: Vec<f64> = ranges.iter().map(|(lo, hi)| (hi - lo) / 8.0).collect();
    let mut halvings = 0;
    while halvings < cal.refine {
        let mut improved = false;
        for k in 0..cal.knobs.len() {
            for dir in [1.0, -1.0] {
                let mut x = points[b].x.clone();
                x[k] = spec::snap((x[k] + dir * steps[k]).clamp(ranges[k].0, ranges[k].1));
                if x == points[b].x {
                    continue;
                }
                let i = eval("refine", x, &mut points)?;
                if better(&points[i], &points[b]) {
                    b = i;
                    improved = true;
                }
                progress(&points[i], &points[b]);
            }
        }
        if !improved {
            steps.iter_mut().for_each(|s| *s /= 2.0);
            halvings += 1;
        }
    }
    Ok(points)
}

/// Index of the best point (highest objective; the earliest among equals).
pub fn best(points: &[Point]) -> Option<usize> {
    (0..points.len()).fold(None, |b, i| match b {
        Some(j) if points[j].objective >= points[i].objective => Some(j),
        _ => Some(i),
    })
}

/// How the fit moves when one knob leaves the best point by ±`frac` of its range, the
/// others held: which parameters the fit is sensitive to.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    pub knob: String,
    pub at: f64,
    pub low: f64,
    pub high: f64,
    /// Fits at `low` and `high`.
    pub fit_low: Fit,
    pub fit_high: Fit,
}

/// One-at-a-time sensitivity of the fit around `x` (same seeds as the search).
pub fn sensitivity(
    cal: &Calibration,
    x: &[f64],
    frac: f64,
) -> Result<Vec<Sensitivity>, ScenarioError> {
    let mut out = Vec::with_capacity(cal.knobs.len());
    for (k, knob) in cal.knobs.iter().enumerate() {
        let step = frac * (knob.hi - knob.lo);
        let mut lo = x.to_vec();
        let mut hi = x.to_vec();
        lo[k] = spec::snap((x[k] - step).max(knob.lo));
        hi[k] = spec::snap((x[k] + step).min(knob.hi));
        out.push(Sensitivity {
            knob: knob.name.clone(),
            at: x[k],
            low: lo[k],
            high: hi[k],
            fit_low: evaluate(cal, &lo)?,
            fit_high: evaluate(cal, &hi)?,
        });
    }
    Ok(out)
}
