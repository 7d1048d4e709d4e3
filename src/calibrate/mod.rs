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

pub mod fit;
pub mod report;
pub mod spec;

pub use fit::{Fit, Record};
pub use spec::{Calibration, CalibrationError, Knob};

use crate::engine::RunOptions;
use crate::experiment::run_batch;
use crate::model::Scenario;
use crate::scenario::ScenarioError;

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

/// Loads the scenario with the knobs at `x` and scores a batch of its runs.
/// `record_of` turns the loaded scenario into the record to fit (the record's states
/// must follow the scenario's state order).
pub fn evaluate(
    cal: &Calibration,
    x: &[f64],
    record_of: &dyn Fn(&Scenario) -> Result<Record, ScenarioError>,
) -> Result<Fit, ScenarioError> {
    let sc = crate::scenario::load_with(&cal.scenario, &cal.sets(x))?;
    let rec = record_of(&sc)?;
    let runs: Vec<u64> = (0..u64::from(cal.runs)).collect();
    let results = run_batch(
        &sc,
        &runs,
        RunOptions {
            votes: true,
            states: false,
        },
    );
    Ok(fit::fit(&rec, &results))
}

/// Runs the whole search. `progress` is told about every point as it is evaluated.
pub fn search(
    cal: &Calibration,
    record_of: &dyn Fn(&Scenario) -> Result<Record, ScenarioError>,
    progress: &mut dyn FnMut(&Point, &Point),
) -> Result<Vec<Point>, ScenarioError> {
    let ranges: Vec<(f64, f64)> = cal.knobs.iter().map(|k| (k.lo, k.hi)).collect();
    let mut points: Vec<Point> = Vec::new();
    let mut best: Option<usize> = None;
    let eval = |stage: &'static str, x: Vec<f64>, points: &mut Vec<Point>| {
        if let Some(i) = points.iter().position(|p| p.x == x) {
            return Ok::<_, ScenarioError>(i);
        }
        let f = evaluate(cal, &x, record_of)?;
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

/// The record of the scenario's `[[target]]` with id `id`.
pub fn record_of_target(sc: &Scenario, id: &str) -> Result<Record, ScenarioError> {
    let _ = (sc, id);
    unimplemented!("targets land with the validate work")
}
