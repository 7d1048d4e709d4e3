//! Calibration: tune a scenario's global parameters so that it reproduces recorded
//! votes (one or several `[[target]]`s) and, if asked, its recorded facts, by a
//! documented, re-runnable search.
//!
//! The search is deliberately plain, so anyone can follow and repeat it: a Latin
//! hypercube over the parameter ranges (the global stage), then a coordinate search
//! from the best point found — each parameter in turn is moved one step up and one step
//! down, a move is kept if it improves the objective, and the step is halved after a
//! pass without improvement, `refine` times. Every evaluated point runs the same seeds
//! (run indices `0..runs` of the scenario's seed), so two points differ only by their
//! parameters (common random numbers), and the whole search is deterministic.
//!
//! The objective of one target is `agreement − penalty · max(0, max_error −
//! tolerance) − (1 − decided)`: the share of countries whose modal simulated vote is
//! their recorded one, less a price for tallies off by more than `tolerance` votes,
//! less the share of runs in which the decision was not taken at all. The objective
//! of a point is the mean of its targets' objectives plus `facts_weight` × the mean
//! share of runs reproducing the scenario's facts; with one target and no facts
//! weight it is exactly the one target's objective.
//!
//! Leave-one-out (`--leave-out`): [`Calibration::without`] drops one target from the
//! search, and [`held_out`] reports that target's fit at the best point found
//! without it — a check that the calibration predicts what it was not tuned to.

pub mod report;
pub mod spec;

pub use spec::{Calibration, CalibrationError, Knob};

use crate::model::{Ballot, Scenario};
use crate::scenario::ScenarioError;
use crate::validate::facts::FactsSummary;
use crate::validate::{self, TargetReport};

/// How well one point's runs reproduce one target (from `forumsim validate`'s report).
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub target: String,
    /// Share of runs in which the decision was taken in the recorded venue and round.
    pub decided: f64,
    /// Each measure's name (`yes`, `no`, `abstain`, `absent`, or a candidate) and its
    /// ensemble mean over the runs that decided.
    pub means: Vec<(String, f64)>,
    /// Largest |mean − recorded| over the measures (the recorded total if the
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
        let countries = t.countries.as_ref();
        Fit {
            target: t.id.clone(),
            decided: t.decided_share(),
            means: t
                .measures
                .iter()
                .map(|m| (m.name.clone(), m.mean))
                .collect(),
            max_error: if t.decided == 0 {
                t.recorded_total()
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

    /// The fit of a target the report does not have (cannot happen once
    /// [`check_targets`] passed; kept as the worst possible fit).
    fn missing(id: &str) -> Fit {
        Fit {
            target: id.to_string(),
            decided: 0.0,
            means: Vec::new(),
            max_error: f64::INFINITY,
            agreement: 0.0,
            modal: Vec::new(),
        }
    }
}

/// Whether `sc` has a `[[target]]` with id `id`; the error lists the ids it has.
pub fn check_target(sc: &Scenario, id: &str) -> Result<(), String> {
    let ids: Vec<&str> = sc
        .targets
        .iter()
        .map(|t| t.id.as_str())
        .chain(sc.election_targets.iter().map(|t| t.id.as_str()))
        .collect();
    if ids.contains(&id) {
        return Ok(());
    }
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

/// Whether `sc` has every target `cal` names, and facts if `cal` weighs them.
pub fn check_targets(cal: &Calibration, sc: &Scenario) -> Result<(), String> {
    for id in &cal.targets {
        check_target(sc, id)?;
    }
    if cal.facts_weight > 0.0 && sc.facts.is_empty() {
        return Err(format!(
            "facts_weight is {} but scenario `{}` has no [[fact]]",
            cal.facts_weight, sc.name
        ));
    }
    Ok(())
}

/// One evaluated point of the search.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// `lhs` or `refine`.
    pub stage: &'static str,
    /// Knob values, in the calibration file's order.
    pub x: Vec<f64>,
    /// The fit of each calibration target, in the file's order.
    pub fits: Vec<Fit>,
    /// The scenario's facts, when it has any.
    pub facts: Option<FactsSummary>,
    pub objective: f64,
}

/// The objective of one target's fit under `cal`'s tolerance and penalty.
pub fn target_objective(cal: &Calibration, f: &Fit) -> f64 {
    f.agreement - cal.penalty * (f.max_error - cal.tolerance).max(0.0) - (1.0 - f.decided)
}

/// The objective of a point: the mean of its targets' objectives (0 without
/// targets), plus `facts_weight` × the facts' mean share (when there are facts).
pub fn objective(cal: &Calibration, fits: &[Fit], facts: Option<&FactsSummary>) -> f64 {
    let targets = if fits.is_empty() {
        0.0
    } else {
        let each: Vec<f64> = fits.iter().map(|f| target_objective(cal, f)).collect();
        crate::stats::mean(&each)
    };
    let share = facts.filter(|s| s.facts > 0).map_or(0.0, |s| s.mean_share);
    targets + cal.facts_weight * share
}

/// Loads the scenario with the knobs at `x` and validates runs `0..runs` of it (on the
/// current rayon pool): the whole report, every target and fact.
pub fn evaluate_report(
    cal: &Calibration,
    x: &[f64],
) -> Result<validate::ValidationReport, ScenarioError> {
    let sc = crate::scenario::load_with(&cal.scenario, &cal.sets(x))?;
    let runs: Vec<u64> = (0..u64::from(cal.runs)).collect();
    Ok(validate::evaluate_runs(&sc, &runs))
}

/// The fits of `cal`'s targets (in its order) and the facts summary at `x`.
pub fn evaluate(
    cal: &Calibration,
    x: &[f64],
) -> Result<(Vec<Fit>, Option<FactsSummary>), ScenarioError> {
    let report = evaluate_report(cal, x)?;
    let fits = cal
        .targets
        .iter()
        .map(|id| {
            report
                .targets
                .iter()
                .find(|t| &t.id == id)
                .map_or_else(|| Fit::missing(id), Fit::of)
        })
        .collect();
    let facts = (!report.facts.is_empty()).then(|| report.facts_summary());
    Ok((fits, facts))
}

/// The full report of target `id` at `x` (for `--leave-out`: the target left out of
/// the search, evaluated at the best point the search found without it). `None` when
/// the scenario has no such target.
pub fn held_out(
    cal: &Calibration,
    x: &[f64],
    id: &str,
) -> Result<Option<TargetReport>, ScenarioError> {
    let report = evaluate_report(cal, x)?;
    Ok(report.targets.into_iter().find(|t| t.id == id))
}

/// The scenario's own values of `cal`'s knobs, read from its resolved file (`extends`
/// applied): each knob's paths must all be set there, to one value inside the knob's
/// range. The error says which knob and path, and what to do.
pub fn scenario_values(cal: &Calibration) -> Result<Vec<f64>, String> {
    let resolved = crate::scenario::load_resolved(&cal.scenario, &[]).map_err(|e| e.to_string())?;
    let doc: toml::Table = toml::from_str(&resolved.text).map_err(|e| e.to_string())?;
    let file = cal.scenario.display();
    let mut x = Vec::with_capacity(cal.knobs.len());
    for k in &cal.knobs {
        let mut value: Option<f64> = None;
        for path in &k.paths {
            let v = crate::scenario::lookup(&doc, path)
                .map_err(|e| format!("from_scenario: parameter `{}`, `{path}`: {e}", k.name))?
                .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
                .ok_or_else(|| {
                    format!(
                        "from_scenario: {file} does not set `{path}` (parameter `{}`) to a \
                         number; set it there, or remove `from_scenario`",
                        k.name
                    )
                })?;
            match value {
                Some(w) if w != v => {
                    return Err(format!(
                        "from_scenario: parameter `{}` sets {} but {file} gives them different \
                         values ({w} and {v} at `{path}`); make them equal",
                        k.name,
                        k.paths.join(", ")
                    ));
                }
                _ => value = Some(v),
            }
        }
        let v = value.unwrap_or(k.lo);
        if !(k.lo..=k.hi).contains(&v) {
            return Err(format!(
                "from_scenario: parameter `{}` is {v} in {file}, outside its range [{}, {}]; \
                 widen the range or change the scenario",
                k.name, k.lo, k.hi
            ));
        }
        x.push(spec::snap(v));
    }
    Ok(x)
}

/// Runs the whole search, from `start` (the scenario's own values, stage `scenario`)
/// if given. `progress` is told about every point as it is evaluated.
pub fn search(
    cal: &Calibration,
    start: Option<Vec<f64>>,
    progress: &mut dyn FnMut(&Point, &Point),
) -> Result<Vec<Point>, ScenarioError> {
    let ranges: Vec<(f64, f64)> = cal.knobs.iter().map(|k| (k.lo, k.hi)).collect();
    let mut points: Vec<Point> = Vec::new();
    let mut best: Option<usize> = None;
    let eval = |stage: &'static str, x: Vec<f64>, points: &mut Vec<Point>| {
        if let Some(i) = points.iter().position(|p| p.x == x) {
            return Ok::<_, ScenarioError>(i);
        }
        let (fits, facts) = evaluate(cal, &x)?;
        let objective = objective(cal, &fits, facts.as_ref());
        points.push(Point {
            stage,
            x,
            fits,
            facts,
            objective,
        });
        Ok(points.len() - 1)
    };
    let better = |a: &Point, b: &Point| a.objective > b.objective;
    if let Some(x) = start {
        let i = eval("scenario", x, &mut points)?;
        best = Some(i);
        progress(&points[i], &points[i]);
    }
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
    /// The targets' fits, the facts and the objective at `low` and at `high`.
    pub side_low: Side,
    pub side_high: Side,
}

/// The fit at one side of a [`Sensitivity`] step.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub fits: Vec<Fit>,
    pub facts: Option<FactsSummary>,
    pub objective: f64,
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
        let side = |x: &[f64]| -> Result<Side, ScenarioError> {
            let (fits, facts) = evaluate(cal, x)?;
            let objective = objective(cal, &fits, facts.as_ref());
            Ok(Side {
                fits,
                facts,
                objective,
            })
        };
        out.push(Sensitivity {
            knob: knob.name.clone(),
            at: x[k],
            low: lo[k],
            high: hi[k],
            side_low: side(&lo)?,
            side_high: side(&hi)?,
        });
    }
    Ok(out)
}
