//! `forumsim validate`: holds the simulated decisions of a batch of runs against the
//! recorded decisions a scenario marks with `[[target]]` and the recorded outcomes it
//! marks with `[[fact]]` (docs/VALIDATION.md).
//!
//! A target matches, in each run, the `proposal` decision of its proposal in its venue
//! in its round. A run where that decision did not happen has *no decision* for the
//! target: it is counted (the decided share) and left out of the tally statistics —
//! tallies are never invented. Per-country figures compare each state's recorded
//! vote with its *modal* simulated vote over the runs where the target was decided;
//! non-members of the venue count as absent (X), as in the record. The naive baseline
//! gives every state the modal recorded vote of its regime category on the same
//! resolution: an in-sample oracle, deliberately generous. An election target
//! matches the `election` row of its event and compares each candidate's votes.
//! Where a run did not take a recorded decision, [`instead`] says where the proposal
//! went; [`facts`] counts the runs that reproduce each fact.
//!
//! [`evaluate`] is the library entry point (used by the CLI and by calibration
//! searches); [`observe`] and [`report`] split it into the per-run part (run in
//! parallel, results kept in run order) and the pure summary.

pub mod facts;
pub mod instead;
pub mod output;
pub mod stats;

use rayon::prelude::*;

use crate::engine::{self, DecisionKind, RunOptions, RunResult, Vote};
use crate::model::{Ballot, ElectionTargetSpec, Scenario, StateIx, TargetSpec};
use facts::{FactReport, FactRun, FactsSummary};
use instead::{Instead, Whereabouts};
use stats::Confusion;

/// What one run says about one target when the decision happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The simulated counts, in the order of the target's measures (yes, no, abstain,
    /// absent; or each candidate's votes, then absent if recorded).
    pub counts: Vec<u32>,
    /// The proposal was adopted; for an election, the recorded winner won.
    pub adopted: bool,
    /// The simulated ballot of each state of the target's vote file, in its order.
    pub ballots: Vec<Ballot>,
}

/// One run and one target: the decision, or where the proposal went instead.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetRun {
    Decided(Observation),
    /// Not decided in the recorded venue and round (an election: not held).
    Missed(Whereabouts),
}

impl TargetRun {
    fn decided(&self) -> Option<&Observation> {
        match self {
            TargetRun::Decided(o) => Some(o),
            TargetRun::Missed(_) => None,
        }
    }
}

/// What one run says about every target and fact of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct RunObservation {
    /// Vote targets in scenario order, then election targets.
    pub targets: Vec<TargetRun>,
    pub facts: Vec<FactRun>,
}

/// The ensemble statistics of one count (a tally, or a candidate's votes).
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// `yes`, `no`, `abstain`, `absent`, or a candidate's state id.
    pub name: String,
    pub recorded: u32,
    /// Over the runs where the target was decided; NaN when none was.
    pub mean: f64,
    pub sd: f64,
    pub p05: f64,
    pub p95: f64,
    /// `mean − recorded`.
    pub error: f64,
    /// The reference tally's count, where the reference gives it.
    pub reference: Option<u32>,
}

/// One state's recorded and simulated votes.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryRow {
    pub state: String,
    pub recorded: Ballot,
    /// Modal simulated ballot (ties Y, N, A, X); `None` when never decided.
    pub modal: Option<Ballot>,
    /// Share of decided runs with each ballot, in [`Ballot::ALL`] order.
    pub shares: [f64; 4],
    /// The baseline's ballot, when the target has a baseline file.
    pub baseline: Option<Ballot>,
}

/// Agreement figures of one predictor (the model or the baseline).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Over every state of the vote file.
    pub agreement: f64,
    /// Over the states with a recorded vote (Y, N or A).
    pub agreement_voting: f64,
    pub kappa: f64,
    /// `confusion[recorded][predicted]`, Y/N/A/X order.
    pub confusion: Confusion,
}

/// Per-country results of a target with a vote file.
#[derive(Debug, Clone, PartialEq)]
pub struct Countries {
    pub rows: Vec<CountryRow>,
    /// `None` when the target was never decided (no modal votes).
    pub model: Option<Fit>,
    /// `None` without a baseline file.
    pub baseline: Option<Fit>,
}

/// What a target records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// A vote on a proposal: measures yes, no, abstain, absent.
    Vote,
    /// An election: measures each candidate's votes (and absent, if recorded).
    Election,
}

/// Everything `validate` reports about one target.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetReport {
    pub id: String,
    pub kind: TargetKind,
    pub venue: String,
    /// The proposal voted on, or the election's event id.
    pub subject: String,
    pub round: u32,
    pub year: i32,
    pub source: String,
    /// The label of the reference tally, when the target has one.
    pub reference: Option<String>,
    pub runs: usize,
    pub decided: usize,
    /// Runs that adopted the proposal; for an election, that elected the recorded winner.
    pub adopted: usize,
    pub measures: Vec<Measure>,
    pub countries: Option<Countries>,
    /// Where the proposal went in the runs that did not decide it (vote targets with
    /// such runs).
    pub instead: Option<Instead>,
}

impl TargetReport {
    pub fn decided_share(&self) -> f64 {
        crate::stats::share(self.decided, self.runs)
    }
    pub fn adopted_share(&self) -> f64 {
        crate::stats::share(self.adopted, self.runs)
    }
    /// The largest |mean − recorded| over the measures; NaN when never decided.
    pub fn max_abs_error(&self) -> f64 {
        if self.decided == 0 {
            return f64::NAN;
        }
        self.measures
            .iter()
            .map(|m| m.error.abs())
            .fold(0.0, f64::max)
    }
    /// The sum of the recorded counts (the price of a target never decided, in
    /// calibration).
    pub fn recorded_total(&self) -> f64 {
        self.measures.iter().map(|m| f64::from(m.recorded)).sum()
    }
}

/// The whole validation of a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationReport {
    pub seed: u64,
    pub runs: Vec<u64>,
    /// Vote targets in scenario order, then election targets.
    pub targets: Vec<TargetReport>,
    pub facts: Vec<FactReport>,
}

impl ValidationReport {
    /// The facts in four numbers (count, ≥ 2/3, ≥ 1/2, mean share).
    pub fn facts_summary(&self) -> FactsSummary {
        facts::summary(&self.facts)
    }
}

/// The tally measure names, in [`Ballot::ALL`] order.
pub const MEASURES: [&str; 4] = ["yes", "no", "abstain", "absent"];

/// Runs `runs` runs (0..runs) of `sc` with master seed `seed` on `threads` worker
/// threads (0 = all cores) and validates them. Deterministic whatever `threads` is:
/// runs are collected in run order and summarised sequentially.
pub fn evaluate(
    sc: &Scenario,
    runs: u32,
    seed: u64,
    threads: usize,
) -> Result<ValidationReport, rayon::ThreadPoolBuildError> {
    let mut sc = sc.clone();
    sc.seed = seed;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let indices: Vec<u64> = (0..u64::from(runs)).collect();
    Ok(pool.install(|| evaluate_runs(&sc, &indices)))
}

/// Validates runs `runs` of `sc` (its own seed) on the current rayon pool.
pub fn evaluate_runs(sc: &Scenario, runs: &[u64]) -> ValidationReport {
    let opts = RunOptions {
        votes: sc.targets.iter().any(|t| !t.votes.is_empty()),
        states: false,
        why: false,
    };
    let per_run: Vec<RunObservation> = runs
        .par_iter()
        .map(|&r| observe(sc, &engine::run(sc, r, opts)))
        .collect();
    report(sc, runs, &per_run)
}

/// What run `res` says about each target and fact of `sc`.
pub fn observe(sc: &Scenario, res: &RunResult) -> RunObservation {
    let votes = sc.targets.iter().map(|t| observe_vote(sc, t, res));
    let elections = sc
        .election_targets
        .iter()
        .map(|t| observe_election(sc, t, res));
    RunObservation {
        targets: votes.chain(elections).collect(),
        facts: sc
            .facts
            .iter()
            .map(|f| facts::observe(sc, f, res))
            .collect(),
    }
}

fn observe_vote(sc: &Scenario, t: &TargetSpec, res: &RunResult) -> TargetRun {
    let Some(d) = res.decisions.iter().position(|d| {
        d.what == DecisionKind::Proposal
            && d.round == t.round
            && d.venue as usize == t.venue
            && d.proposal as usize == t.proposal
    }) else {
        return TargetRun::Missed(instead::whereabouts(
            sc,
            res,
            t.proposal,
            t.venue,
            (t.round, t.round),
        ));
    };
    let row = &res.decisions[d];
    TargetRun::Decided(Observation {
        counts: vec![row.yes, row.no, row.abstain, row.absent],
        adopted: row.adopted,
        ballots: ballots(t, res, d as u32),
    })
}

/// The recorded winner of an election target: the candidate with the most recorded
/// votes (ties to the earlier, as the election step breaks them).
fn recorded_winner(t: &ElectionTargetSpec) -> StateIx {
    t.candidates
        .iter()
        .fold(None, |best: Option<(StateIx, u32)>, &(c, n)| match best {
            Some((_, m)) if m >= n => best,
            _ => Some((c, n)),
        })
        .map_or(0, |(c, _)| c)
}

fn observe_election(sc: &Scenario, t: &ElectionTargetSpec, res: &RunResult) -> TargetRun {
    let Some(row) = facts::election_row(sc, res, t.event, t.venue) else {
        return TargetRun::Missed(Whereabouts::default());
    };
    let mut counts: Vec<u32> = row
        .election_votes()
        .map(|v| v.iter().map(|&(_, n)| n).collect())
        .unwrap_or_default();
    if t.absent.is_some() {
        counts.push(row.absent);
    }
    TargetRun::Decided(Observation {
        counts,
        adopted: row.sponsor as usize == recorded_winner(t),
        ballots: Vec::new(),
    })
}

/// Each listed state's ballot in decision `d`; states without a vote row (not
/// members of the venue, or not present) are absent.
fn ballots(t: &TargetSpec, res: &RunResult, d: u32) -> Vec<Ballot> {
    if t.votes.is_empty() {
        return Vec::new();
    }
    let mut by_state = vec![Ballot::Absent; res.state_names.len()];
    for v in res.votes.iter().filter(|v| v.decision == d) {
        if let Some(slot) = by_state.get_mut(v.state as usize) {
            *slot = match v.vote {
                Vote::Yes => Ballot::Yes,
                Vote::No => Ballot::No,
                Vote::Abstain => Ballot::Abstain,
                Vote::Absent => Ballot::Absent,
            };
        }
    }
    t.votes.iter().map(|&(s, _)| by_state[s]).collect()
}

/// Summarises the observations (`per_run`, in run order).
pub fn report(sc: &Scenario, runs: &[u64], per_run: &[RunObservation]) -> ValidationReport {
    let target_runs =
        |k: usize| -> Vec<&TargetRun> { per_run.iter().map(|r| &r.targets[k]).collect() };
    let n_votes = sc.targets.len();
    let mut targets: Vec<TargetReport> = sc
        .targets
        .iter()
        .enumerate()
        .map(|(k, t)| vote_report(sc, t, &target_runs(k)))
        .collect();
    targets.extend(
        sc.election_targets
            .iter()
            .enumerate()
            .map(|(k, t)| election_report(sc, t, &target_runs(n_votes + k))),
    );
    let facts = sc
        .facts
        .iter()
        .enumerate()
        .map(|(k, f)| {
            let runs: Vec<&FactRun> = per_run.iter().map(|r| &r.facts[k]).collect();
            facts::report(sc, f, &runs)
        })
        .collect();
    ValidationReport {
        seed: sc.seed,
        runs: runs.to_vec(),
        targets,
        facts,
    }
}

/// Mean, sd, 90 % interval and error of count `i` over the decided runs.
fn measure(
    name: &str,
    recorded: u32,
    reference: Option<u32>,
    obs: &[&Observation],
    i: usize,
) -> Measure {
    let xs: Vec<f64> = obs.iter().map(|o| f64::from(o.counts[i])).collect();
    let mean = crate::stats::mean(&xs);
    Measure {
        name: name.to_string(),
        recorded,
        mean,
        // One decided run has no spread: 0 (docs/VALIDATION.md), not undefined.
        sd: if xs.len() == 1 {
            0.0
        } else {
            crate::stats::sd(&xs)
        },
        p05: crate::stats::quantile(&xs, 0.05),
        p95: crate::stats::quantile(&xs, 0.95),
        error: mean - f64::from(recorded),
        reference,
    }
}

fn vote_report(sc: &Scenario, t: &TargetSpec, runs: &[&TargetRun]) -> TargetReport {
    let obs: Vec<&Observation> = runs.iter().filter_map(|r| r.decided()).collect();
    let missed: Vec<&Whereabouts> = runs
        .iter()
        .filter_map(|r| match r {
            TargetRun::Missed(w) => Some(w),
            TargetRun::Decided(_) => None,
        })
        .collect();
    let recorded = t.recorded.as_array();
    let measures = MEASURES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let reference = t.reference.as_ref().and_then(|r| r.counts[i]);
            measure(name, recorded[i], reference, &obs, i)
        })
        .collect();
    TargetReport {
        id: t.id.clone(),
        kind: TargetKind::Vote,
        venue: sc.venues[t.venue].id.clone(),
        subject: sc.proposals[t.proposal].id.clone(),
        round: t.round,
        year: sc.year(t.round),
        source: t.source.clone(),
        reference: t.reference.as_ref().map(|r| r.label.clone()),
        runs: runs.len(),
        decided: obs.len(),
        adopted: obs.iter().filter(|o| o.adopted).count(),
        measures,
        countries: (!t.votes.is_empty()).then(|| countries(sc, t, &obs)),
        instead: (!missed.is_empty()).then(|| instead::sum(&missed)),
    }
}

fn election_report(sc: &Scenario, t: &ElectionTargetSpec, runs: &[&TargetRun]) -> TargetReport {
    let obs: Vec<&Observation> = runs.iter().filter_map(|r| r.decided()).collect();
    let mut measures: Vec<Measure> = t
        .candidates
        .iter()
        .enumerate()
        .map(|(i, &(c, n))| measure(&sc.states[c].id, n, None, &obs, i))
        .collect();
    if let Some(a) = t.absent {
        measures.push(measure("absent", a, None, &obs, t.candidates.len()));
    }
    TargetReport {
        id: t.id.clone(),
        kind: TargetKind::Election,
        venue: sc.venues[t.venue].id.clone(),
        subject: sc.events[t.event].label.clone(),
        round: t.round,
        year: sc.year(t.round),
        source: t.source.clone(),
        reference: None,
        runs: runs.len(),
        decided: obs.len(),
        adopted: obs.iter().filter(|o| o.adopted).count(),
        measures,
        countries: None,
        instead: None,
    }
}

fn countries(sc: &Scenario, t: &TargetSpec, obs: &[&Observation]) -> Countries {
    let baseline = baseline_votes(t);
    let n = obs.len();
    let rows: Vec<CountryRow> = t
        .votes
        .iter()
        .enumerate()
        .map(|(i, &(s, recorded))| {
            let c = stats::counts(obs.iter().map(|o| o.ballots[i]));
            CountryRow {
                state: sc.states[s].id.clone(),
                recorded,
                modal: stats::modal(c),
                shares: c.map(|k| crate::stats::share(k as usize, n)),
                baseline: baseline.as_ref().map(|b| b[i]),
            }
        })
        .collect();
    let fit = |pred: &dyn Fn(&CountryRow) -> Option<Ballot>| -> Option<Fit> {
        let pairs: Option<Vec<(Ballot, Ballot)>> = rows
            .iter()
            .map(|r| pred(r).map(|p| (r.recorded, p)))
            .collect();
        let m = stats::confusion(pairs?);
        Some(Fit {
            agreement: stats::agreement(&m),
            agreement_voting: stats::agreement_voting(&m),
            kappa: stats::kappa(&m),
            confusion: m,
        })
    };
    let model = if n == 0 { None } else { fit(&|r| r.modal) };
    let base = baseline.as_ref().and_then(|_| fit(&|r| r.baseline));
    Countries {
        rows,
        model,
        baseline: base,
    }
}

/// The baseline ballot of each state of the vote file: the modal recorded ballot of
/// the states of its category (ties Y, N, A, X). `None` without categories.
pub fn baseline_votes(t: &TargetSpec) -> Option<Vec<Ballot>> {
    if t.categories.is_empty() {
        return None;
    }
    let category = |s: StateIx| {
        t.categories
            .binary_search_by_key(&s, |&(x, _)| x)
            .ok()
            .map(|i| t.categories[i].1)
    };
    let mut by_cat: std::collections::BTreeMap<u32, [u32; 4]> = Default::default();
    for &(s, b) in &t.votes {
        if let Some(c) = category(s) {
            by_cat.entry(c).or_default()[b.index()] += 1;
        }
    }
    t.votes
        .iter()
        .map(|&(s, _)| {
            let c = category(s)?;
            stats::modal(by_cat[&c])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Tally, testkit};
    use Ballot::*;

    fn target(votes: Vec<(StateIx, Ballot)>, categories: Vec<(StateIx, u32)>) -> TargetSpec {
        TargetSpec {
            id: "t".into(),
            venue: 0,
            proposal: 0,
            round: 0,
            recorded: Tally::default(),
            votes,
            votes_file: None,
            categories,
            baseline_file: None,
            source: String::new(),
            reference: None,
        }
    }

    #[test]
    fn the_baseline_is_the_modal_recorded_vote_of_each_category() {
        let t = target(
            vec![(0, Yes), (1, Yes), (2, No), (3, No), (4, No), (5, Abstain)],
            vec![(0, 3), (1, 3), (2, 3), (3, 1), (4, 1), (5, 1)],
        );
        assert_eq!(baseline_votes(&t).unwrap(), [Yes, Yes, Yes, No, No, No]);
        assert!(baseline_votes(&target(vec![(0, Yes)], vec![])).is_none());
    }

    #[test]
    fn report_counts_undecided_runs_and_uses_only_decided_ones() {
        let mut sc = testkit::toy();
        let mut t = target(vec![(0, Yes), (1, No)], vec![(0, 0), (1, 1)]);
        t.recorded = Tally {
            yes: 1,
            no: 1,
            abstain: 0,
            absent: 0,
        };
        sc.targets = vec![t];
        let run = |t: TargetRun| RunObservation {
            targets: vec![t],
            facts: Vec::new(),
        };
        let obs = |yes, no, adopted, ballots: Vec<Ballot>| {
            run(TargetRun::Decided(Observation {
                counts: vec![yes, no, 0, 0],
                adopted,
                ballots,
            }))
        };
        let elsewhere = Whereabouts {
            elsewhere: vec![("itu".into(), 2001)],
            decided_anywhere: true,
            forecast: Some(0.25),
            chosen: false,
        };
        let per_run = vec![
            obs(2, 0, true, vec![Yes, Yes]),
            run(TargetRun::Missed(elsewhere)),
            obs(1, 1, false, vec![Yes, No]),
            obs(1, 1, true, vec![No, No]),
        ];
        let r = report(&sc, &[0, 1, 2, 3], &per_run);
        let t = &r.targets[0];
        assert_eq!((t.runs, t.decided, t.adopted), (4, 3, 2));
        assert_eq!(t.decided_share(), 0.75);
        let yes = &t.measures[0];
        assert_eq!(yes.name, "yes");
        // The undecided run is explained: where it went, and the forecast here.
        let i = t.instead.as_ref().unwrap();
        assert_eq!((i.runs, i.best_forecast), (1, Some(0.25)));
        assert_eq!(i.elsewhere, vec![("itu".to_string(), 2001, 1)]);
        assert!((yes.mean - 4.0 / 3.0).abs() < 1e-12);
        assert!((yes.error - 1.0 / 3.0).abs() < 1e-12);
        assert!((t.max_abs_error() - 1.0 / 3.0).abs() < 1e-12);
        let c = t.countries.as_ref().unwrap();
        // State 0: Y, Y, N -> modal Y (recorded Y); state 1: Y, N, N -> modal N (recorded N).
        assert_eq!(c.rows[0].modal, Some(Yes));
        assert_eq!(c.rows[1].modal, Some(No));
        assert!((c.rows[1].shares[1] - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(c.model.unwrap().agreement, 1.0);
        // Each category has one state: the baseline is the recorded vote itself.
        assert_eq!(c.baseline.unwrap().agreement, 1.0);
    }

    #[test]
    fn a_target_never_decided_has_no_statistics() {
        let mut sc = testkit::toy();
        sc.targets = vec![target(vec![(0, Yes)], vec![])];
        let missed = || RunObservation {
            targets: vec![TargetRun::Missed(Whereabouts::default())],
            facts: Vec::new(),
        };
        let r = report(&sc, &[0, 1], &[missed(), missed()]);
        let t = &r.targets[0];
        assert_eq!(t.decided, 0);
        assert!(t.measures[0].mean.is_nan() && t.max_abs_error().is_nan());
        let c = t.countries.as_ref().unwrap();
        assert_eq!(c.rows[0].modal, None);
        assert!(c.model.is_none() && c.baseline.is_none());
    }
}
