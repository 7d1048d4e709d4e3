//! Facts (`[[fact]]`): recorded outcomes without tallies, and the share of runs that
//! reproduce each (docs/VALIDATION.md, "Facts").
//!
//! Each run is first described in the fact's own terms — how the proposal fared in
//! the venue over the range, who won the election, how many members the venue had —
//! as an [`Outcome`]; the fact is reproduced when that outcome is the recorded one.
//! Describing every run (not only pass/fail) is what lets the report say what
//! happened instead: "adopted by vote in 30 % of runs, not decided there in 10 %".

use std::collections::BTreeMap;
use std::fmt;

use super::instead::{self, Instead, Whereabouts};
use crate::engine::{DecisionKind, How, RunResult};
use crate::model::{FactSpec, FactWhat, ProposalOutcome, Scenario};

/// How a proposal fared in a venue over the years of a fact, in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProposalResult {
    /// Adopted every year, each year without a vote (or by consensus).
    AdoptedWithoutVote,
    /// Adopted every year, each year by a counted vote.
    AdoptedByVote,
    /// Adopted every year, some years by vote and some without.
    Adopted,
    /// Adopted in some years of the range, not in others.
    AdoptedSomeYears,
    /// Decided and not adopted every year.
    Rejected,
    /// Adopted in no year: failed in some, not decided in others.
    NotAdopted,
    /// Decided in no year.
    NotPutToVote,
}

impl ProposalResult {
    /// The label in `facts.csv` (the fact outcomes' names where they coincide).
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalResult::AdoptedWithoutVote => "adopted_without_vote",
            ProposalResult::AdoptedByVote => "adopted_by_vote",
            ProposalResult::Adopted => "adopted",
            ProposalResult::AdoptedSomeYears => "adopted_some_years",
            ProposalResult::Rejected => "rejected",
            ProposalResult::NotAdopted => "not_adopted",
            ProposalResult::NotPutToVote => "not_put_to_vote",
        }
    }

    /// In words, for the terminal and the chart.
    pub fn phrase(self) -> &'static str {
        match self {
            ProposalResult::AdoptedWithoutVote => "adopted without a vote",
            ProposalResult::AdoptedByVote => "adopted by vote",
            ProposalResult::Adopted => "adopted (by vote and without)",
            ProposalResult::AdoptedSomeYears => "adopted in some years only",
            ProposalResult::Rejected => "rejected",
            ProposalResult::NotAdopted => "not adopted (failed or not decided)",
            ProposalResult::NotPutToVote => "not decided there",
        }
    }

    /// Whether a run with this result reproduces a fact recording `o`.
    pub fn reproduces(self, o: ProposalOutcome) -> bool {
        use ProposalResult as R;
        match o {
            ProposalOutcome::Adopted => {
                matches!(self, R::Adopted | R::AdoptedWithoutVote | R::AdoptedByVote)
            }
            ProposalOutcome::AdoptedWithoutVote => self == R::AdoptedWithoutVote,
            ProposalOutcome::AdoptedByVote => self == R::AdoptedByVote,
            ProposalOutcome::Rejected | ProposalOutcome::NoConsensus => self == R::Rejected,
            ProposalOutcome::NotAdopted => {
                matches!(self, R::Rejected | R::NotAdopted | R::NotPutToVote)
            }
            ProposalOutcome::NotPutToVote => self == R::NotPutToVote,
        }
    }
}

/// What one run did, in the terms of a fact.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    Proposal(ProposalResult),
    /// The election was held and this candidate (a state id) won it.
    Elected(String),
    /// The election was not held (its venue did not exist that year).
    NotHeld,
    /// The venue existed every year of the range, with `min` to `max` members.
    Members {
        min: u32,
        max: u32,
    },
    /// The venue did not exist in every year of the range (`all`) or in some.
    Inactive {
        all: bool,
    },
}

/// The label in `facts.csv`: `adopted_by_vote`, `elected:USA`, `not_held`,
/// `members=8`, `members=6..8`, `inactive`, `inactive_some_years`.
impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Proposal(r) => f.write_str(r.as_str()),
            Outcome::Elected(who) => write!(f, "elected:{who}"),
            Outcome::NotHeld => f.write_str("not_held"),
            Outcome::Members { min, max } if min == max => write!(f, "members={min}"),
            Outcome::Members { min, max } => write!(f, "members={min}..{max}"),
            Outcome::Inactive { all: true } => f.write_str("inactive"),
            Outcome::Inactive { all: false } => f.write_str("inactive_some_years"),
        }
    }
}

impl Outcome {
    /// In words, for the terminal and the chart.
    pub fn phrase(&self) -> String {
        match self {
            Outcome::Proposal(r) => r.phrase().to_string(),
            Outcome::Elected(who) => format!("{who} elected"),
            Outcome::NotHeld => "not held".into(),
            Outcome::Members { min, max } if min == max => format!("{min} members"),
            Outcome::Members { min, max } => format!("{min} to {max} members"),
            Outcome::Inactive { all: true } => "venue not there".into(),
            Outcome::Inactive { all: false } => "venue not there some years".into(),
        }
    }
}

/// One run, in the terms of one fact.
#[derive(Debug, Clone, PartialEq)]
pub struct FactRun {
    pub outcome: Outcome,
    pub reproduced: bool,
    /// For a proposal fact not reproduced: where the proposal went instead.
    pub whereabouts: Option<Whereabouts>,
}

/// The recorded outcome of `f` as a label of the same vocabulary as [`Outcome`]'s.
pub fn recorded_label(sc: &Scenario, f: &FactSpec) -> String {
    match &f.what {
        FactWhat::Proposal { outcome, .. } => outcome.as_str().to_string(),
        FactWhat::Election { candidate, .. } => format!("elected:{}", sc.states[*candidate].id),
        FactWhat::Members { members, .. } => format!("members={members}"),
    }
}

/// The recorded outcome of `f` in words.
pub fn recorded_phrase(sc: &Scenario, f: &FactSpec) -> String {
    phrase_of(&recorded_label(sc, f))
}

/// A recorded-outcome label (`adopted_without_vote`, `elected:USA`, `members=8`) in
/// words, as the terminal and the facts chart show it: the one place where the file
/// vocabulary is turned into text, so a chart redrawn from `facts.csv` reads the same
/// as one drawn from the run.
pub fn phrase_of(label: &str) -> String {
    if let Some(o) = ProposalOutcome::from_name(label) {
        return match o {
            ProposalOutcome::Adopted => "adopted",
            ProposalOutcome::AdoptedWithoutVote => "adopted without a vote",
            ProposalOutcome::AdoptedByVote => "adopted by vote",
            ProposalOutcome::Rejected => "rejected",
            ProposalOutcome::NoConsensus => "no consensus",
            ProposalOutcome::NotAdopted => "not adopted",
            ProposalOutcome::NotPutToVote => "not put to a vote",
        }
        .to_string();
    }
    if let Some(who) = label.strip_prefix("elected:") {
        return format!("{who} elected");
    }
    if let Some(n) = label.strip_prefix("members=") {
        return format!("{n} members");
    }
    label.replace('_', " ")
}

/// Describes run `res` in the terms of fact `f`.
pub fn observe(sc: &Scenario, f: &FactSpec, res: &RunResult) -> FactRun {
    match &f.what {
        FactWhat::Proposal {
            proposal,
            venue,
            outcome,
        } => {
            let r = proposal_result(res, *proposal, *venue, (f.first, f.last));
            let reproduced = r.reproduces(*outcome);
            FactRun {
                outcome: Outcome::Proposal(r),
                reproduced,
                whereabouts: (!reproduced)
                    .then(|| instead::whereabouts(sc, res, *proposal, *venue, (f.first, f.last))),
            }
        }
        FactWhat::Election {
            event,
            venue,
            candidate,
        } => {
            let outcome = election_winner(sc, res, *event, *venue)
                .map_or(Outcome::NotHeld, |w| Outcome::Elected(w.to_string()));
            let reproduced = outcome == Outcome::Elected(sc.states[*candidate].id.clone());
            FactRun {
                outcome,
                reproduced,
                whereabouts: None,
            }
        }
        FactWhat::Members { venue, members } => {
            let outcome = member_counts(res, *venue, (f.first, f.last));
            let reproduced = outcome
                == Outcome::Members {
                    min: *members,
                    max: *members,
                };
            FactRun {
                outcome,
                reproduced,
                whereabouts: None,
            }
        }
    }
}

/// How proposal `p` fared in venue `v` in rounds `first..=last` of `res`. A year
/// with several decisions there counts as adopted if any adopted it, and as adopted
/// without a vote if any adoption was taken without one.
pub fn proposal_result(
    res: &RunResult,
    p: usize,
    v: usize,
    (first, last): (u32, u32),
) -> ProposalResult {
    #[derive(Clone, Copy, PartialEq)]
    enum Year {
        WithoutVote,
        ByVote,
        Failed,
        Undecided,
    }
    let mut years = vec![Year::Undecided; (last - first + 1) as usize];
    for d in res.decisions.iter().filter(|d| {
        d.what == DecisionKind::Proposal
            && d.proposal as usize == p
            && d.venue as usize == v
            && (first..=last).contains(&d.round)
    }) {
        let y = &mut years[(d.round - first) as usize];
        let this = match (d.adopted, d.how) {
            (true, How::Vote) => Year::ByVote,
            (true, _) => Year::WithoutVote,
            (false, _) => Year::Failed,
        };
        let rank = |y: Year| match y {
            Year::WithoutVote => 3,
            Year::ByVote => 2,
            Year::Failed => 1,
            Year::Undecided => 0,
        };
        if rank(this) > rank(*y) {
            *y = this;
        }
    }
    let all = |f: &dyn Fn(Year) -> bool| years.iter().all(|&y| f(y));
    let adopted = |y: Year| matches!(y, Year::WithoutVote | Year::ByVote);
    if all(&|y| y == Year::WithoutVote) {
        ProposalResult::AdoptedWithoutVote
    } else if all(&|y| y == Year::ByVote) {
        ProposalResult::AdoptedByVote
    } else if all(&adopted) {
        ProposalResult::Adopted
    } else if years.iter().any(|&y| adopted(y)) {
        ProposalResult::AdoptedSomeYears
    } else if all(&|y| y == Year::Failed) {
        ProposalResult::Rejected
    } else if all(&|y| y == Year::Undecided) {
        ProposalResult::NotPutToVote
    } else {
        ProposalResult::NotAdopted
    }
}

/// The winner (a state id) of the election of event `event` in run `res`: the
/// `election` row of its venue and round whose candidates are the event's. `None`
/// when it was not held (the venue did not exist that year).
pub fn election_winner<'r>(
    sc: &Scenario,
    res: &'r RunResult,
    event: usize,
    venue: usize,
) -> Option<&'r str> {
    let row = election_row(sc, res, event, venue)?;
    res.state_names
        .get(row.sponsor as usize)
        .map(String::as_str)
}

/// The decision row of the election of event `event` (in venue `venue`) in `res`.
pub fn election_row<'r>(
    sc: &Scenario,
    res: &'r RunResult,
    event: usize,
    venue: usize,
) -> Option<&'r crate::engine::DecisionRow> {
    let e = &sc.events[event];
    let crate::model::Event::Election { candidates, .. } = &e.event else {
        return None;
    };
    res.decisions.iter().find(|d| {
        d.what == DecisionKind::Election
            && d.round == e.round
            && d.venue as usize == venue
            && d.election_votes().is_some_and(|votes| {
                votes.len() == candidates.len()
                    && votes
                        .iter()
                        .zip(candidates)
                        .all(|(&(s, _), &c)| s as usize == c)
            })
    })
}

/// The members of venue `v` at the end of each round `first..=last` of `res`.
pub fn member_counts(res: &RunResult, v: usize, (first, last): (u32, u32)) -> Outcome {
    let mut counts = Vec::new();
    for r in first..=last {
        match res
            .venues
            .iter()
            .find(|row| row.round == r && row.venue as usize == v)
        {
            Some(row) => counts.push(row.members),
            None => {
                let any_active = res
                    .venues
                    .iter()
                    .any(|row| row.venue as usize == v && (first..=last).contains(&row.round));
                return Outcome::Inactive { all: !any_active };
            }
        }
    }
    Outcome::Members {
        min: counts.iter().copied().min().unwrap_or(0),
        max: counts.iter().copied().max().unwrap_or(0),
    }
}

/// Everything `validate` reports about one fact.
#[derive(Debug, Clone, PartialEq)]
pub struct FactReport {
    pub id: String,
    pub venue: String,
    /// `proposal`, `election` or `members`.
    pub what: &'static str,
    /// The proposal id, the election's event id, or the recorded member count.
    pub subject: String,
    /// The recorded outcome as a label (`adopted_without_vote`, `elected:USA`, `members=8`).
    pub outcome: String,
    /// The recorded outcome in words.
    pub phrase: String,
    pub first_year: i32,
    pub last_year: i32,
    pub source: String,
    pub runs: usize,
    pub reproduced: usize,
    /// Every outcome the runs had: (outcome, runs, reproduces), most runs first
    /// (ties in the order of [`Outcome`]).
    pub outcomes: Vec<(Outcome, usize, bool)>,
    /// For a proposal fact with runs that did not reproduce it: where it went instead.
    pub instead: Option<Instead>,
}

impl FactReport {
    /// Share of runs that reproduce the fact (NaN without runs).
    pub fn share(&self) -> f64 {
        crate::stats::share(self.reproduced, self.runs)
    }

    /// The most common outcome of the runs that did not reproduce the fact.
    pub fn alternative(&self) -> Option<(&Outcome, usize)> {
        self.outcomes
            .iter()
            .find(|(_, _, ok)| !ok)
            .map(|(o, n, _)| (o, *n))
    }

    pub fn band(&self) -> Band {
        Band::of(self.reproduced, self.runs)
    }
}

/// How often a fact is reproduced, in the bands the summary and the chart use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// In at least 2/3 of runs.
    High,
    /// In at least 1/2, less than 2/3.
    Middle,
    /// In less than 1/2 (or no runs).
    Low,
}

impl Band {
    /// The band of `k` reproducing runs out of `n`, in integers so that 2 of 3 is
    /// exactly two thirds.
    pub fn of(k: usize, n: usize) -> Band {
        if n > 0 && 3 * k >= 2 * n {
            Band::High
        } else if n > 0 && 2 * k >= n {
            Band::Middle
        } else {
            Band::Low
        }
    }
}

/// Summarises fact `f` over the runs' descriptions `runs` (in run order).
pub fn report(sc: &Scenario, f: &FactSpec, runs: &[&FactRun]) -> FactReport {
    let mut counts: BTreeMap<&Outcome, (usize, bool)> = BTreeMap::new();
    for r in runs {
        let e = counts.entry(&r.outcome).or_insert((0, r.reproduced));
        e.0 += 1;
    }
    let mut outcomes: Vec<(Outcome, usize, bool)> = counts
        .into_iter()
        .map(|(o, (n, ok))| (o.clone(), n, ok))
        .collect();
    outcomes.sort_by_key(|o| std::cmp::Reverse(o.1));
    let missed: Vec<&Whereabouts> = runs.iter().filter_map(|r| r.whereabouts.as_ref()).collect();
    let (venue, what, subject) = match &f.what {
        FactWhat::Proposal {
            proposal, venue, ..
        } => (*venue, "proposal", sc.proposals[*proposal].id.clone()),
        FactWhat::Election { event, venue, .. } => {
            (*venue, "election", sc.events[*event].label.clone())
        }
        FactWhat::Members { venue, members } => (*venue, "members", members.to_string()),
    };
    FactReport {
        id: f.id.clone(),
        venue: sc.venues[venue].id.clone(),
        what,
        subject,
        outcome: recorded_label(sc, f),
        phrase: recorded_phrase(sc, f),
        first_year: sc.year(f.first),
        last_year: sc.year(f.last),
        source: f.source.clone(),
        runs: runs.len(),
        reproduced: runs.iter().filter(|r| r.reproduced).count(),
        outcomes,
        instead: (!missed.is_empty()).then(|| instead::sum(&missed)),
    }
}

/// The facts of a batch in four numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FactsSummary {
    pub facts: usize,
    /// Facts reproduced in at least 2/3 of runs.
    pub two_thirds: usize,
    /// Facts reproduced in at least 1/2 of runs.
    pub half: usize,
    /// Mean over facts of the share of runs reproducing it (NaN without facts).
    pub mean_share: f64,
}

pub fn summary(facts: &[FactReport]) -> FactsSummary {
    let shares: Vec<f64> = facts.iter().map(FactReport::share).collect();
    FactsSummary {
        facts: facts.len(),
        two_thirds: facts.iter().filter(|f| f.band() == Band::High).count(),
        half: facts.iter().filter(|f| f.band() != Band::Low).count(),
        mean_share: crate::stats::mean(&shares),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{ChoiceRow, DecisionRow, Detail, VenueRow, Why};
    use crate::model::{Camp, Event, EventSpec, Kind, Pos, testkit};
    use ProposalOutcome as O;
    use ProposalResult as R;

    /// The toy world (venues unga 0, ietf 1, itu 2, sco 3; proposals east-norms 0,
    /// west-norms 1, new-ip 2), from 2000, with an election in the ITU in 2003.
    fn world() -> Scenario {
        let mut sc = testkit::toy();
        sc.events.push(EventSpec {
            round: 3,
            event: Event::Election {
                venue: 2,
                candidates: vec![0, 6],
            },
            label: "itu-2003".into(),
        });
        sc
    }

    fn run(decisions: Vec<DecisionRow>) -> RunResult {
        let sc = world();
        RunResult {
            run: 0,
            seed: 1,
            venue_names: sc.venues.iter().map(|v| v.id.clone()).collect(),
            proposal_names: sc.proposals.iter().map(|p| p.id.clone()).collect(),
            state_names: sc.states.iter().map(|s| s.id.clone()).collect(),
            rounds: Vec::new(),
            venues: Vec::new(),
            rules: Vec::new(),
            decisions,
            choices: Vec::new(),
            votes: Vec::new(),
            attention: Vec::new(),
            why: Why::default(),
        }
    }

    /// A decision on proposal `p` in venue `v` at round `round`.
    fn decided(p: u32, v: u32, round: u32, adopted: bool, how: How) -> DecisionRow {
        DecisionRow {
            round,
            venue: v,
            what: DecisionKind::Proposal,
            proposal: p,
            kind: Kind::Norms,
            sponsor: 0,
            yes: 5,
            no: 3,
            abstain: 0,
            absent: 0,
            adopted,
            how,
            position: Pos::default(),
            camp: Camp::None,
            detail: Detail::None,
        }
    }

    /// An election whose candidates (state indices) got `votes`.
    fn election(round: u32, winner: u32, votes: &[(u32, u32)]) -> DecisionRow {
        DecisionRow {
            what: DecisionKind::Election,
            proposal: u32::MAX,
            kind: Kind::Procedural,
            sponsor: winner,
            detail: Detail::Election(votes.to_vec()),
            ..decided(0, 2, round, true, How::Vote)
        }
    }

    fn fact(what: FactWhat, first: u32, last: u32) -> FactSpec {
        FactSpec {
            id: "f".into(),
            what,
            first,
            last,
            source: String::new(),
        }
    }

    fn on_unga(outcome: ProposalOutcome, first: u32, last: u32) -> FactSpec {
        fact(
            FactWhat::Proposal {
                proposal: 0,
                venue: 0,
                outcome,
            },
            first,
            last,
        )
    }

    #[test]
    fn one_year_in_the_venue_is_classified_by_adoption_and_how() {
        let one = |d: Vec<DecisionRow>| proposal_result(&run(d), 0, 0, (2, 2));
        assert_eq!(
            one(vec![decided(0, 0, 2, true, How::WithoutVote)]),
            R::AdoptedWithoutVote
        );
        assert_eq!(
            one(vec![decided(0, 0, 2, true, How::Consensus)]),
            R::AdoptedWithoutVote
        );
        assert_eq!(
            one(vec![decided(0, 0, 2, true, How::Vote)]),
            R::AdoptedByVote
        );
        assert_eq!(one(vec![decided(0, 0, 2, false, How::Vote)]), R::Rejected);
        assert_eq!(
            one(vec![decided(0, 0, 2, false, How::Consensus)]),
            R::Rejected
        );
        // Decided elsewhere, another year, or another proposal: not decided there.
        assert_eq!(
            one(vec![decided(0, 2, 2, true, How::Vote)]),
            R::NotPutToVote
        );
        assert_eq!(
            one(vec![decided(0, 0, 3, true, How::Vote)]),
            R::NotPutToVote
        );
        assert_eq!(
            one(vec![decided(1, 0, 2, true, How::Vote)]),
            R::NotPutToVote
        );
        assert_eq!(one(vec![]), R::NotPutToVote);
        // Decided twice in the year: any adoption makes it adopted.
        assert_eq!(
            one(vec![
                decided(0, 0, 2, false, How::Vote),
                decided(0, 0, 2, true, How::Vote)
            ]),
            R::AdoptedByVote
        );
    }

    #[test]
    fn a_range_needs_every_year() {
        let range = |d: Vec<DecisionRow>| proposal_result(&run(d), 0, 0, (1, 3));
        let wv = |r| decided(0, 0, r, true, How::WithoutVote);
        let v = |r| decided(0, 0, r, true, How::Vote);
        let fail = |r| decided(0, 0, r, false, How::Vote);
        assert_eq!(range(vec![wv(1), wv(2), wv(3)]), R::AdoptedWithoutVote);
        assert_eq!(range(vec![v(1), v(2), v(3)]), R::AdoptedByVote);
        assert_eq!(range(vec![wv(1), v(2), wv(3)]), R::Adopted);
        assert_eq!(range(vec![wv(1), wv(3)]), R::AdoptedSomeYears);
        assert_eq!(range(vec![fail(1), wv(2), fail(3)]), R::AdoptedSomeYears);
        assert_eq!(range(vec![fail(1), fail(2), fail(3)]), R::Rejected);
        assert_eq!(range(vec![fail(2)]), R::NotAdopted);
        // Outside the range (round 0 and 4) does not count.
        assert_eq!(range(vec![wv(0), wv(4)]), R::NotPutToVote);
    }

    #[test]
    fn each_outcome_accepts_exactly_its_results() {
        let all = [
            R::AdoptedWithoutVote,
            R::AdoptedByVote,
            R::Adopted,
            R::AdoptedSomeYears,
            R::Rejected,
            R::NotAdopted,
            R::NotPutToVote,
        ];
        let accepted = |o: O| -> Vec<R> { all.into_iter().filter(|r| r.reproduces(o)).collect() };
        assert_eq!(
            accepted(O::Adopted),
            [R::AdoptedWithoutVote, R::AdoptedByVote, R::Adopted]
        );
        assert_eq!(accepted(O::AdoptedWithoutVote), [R::AdoptedWithoutVote]);
        assert_eq!(accepted(O::AdoptedByVote), [R::AdoptedByVote]);
        assert_eq!(accepted(O::Rejected), [R::Rejected]);
        assert_eq!(accepted(O::NoConsensus), [R::Rejected]);
        assert_eq!(
            accepted(O::NotAdopted),
            [R::Rejected, R::NotAdopted, R::NotPutToVote]
        );
        assert_eq!(accepted(O::NotPutToVote), [R::NotPutToVote]);
    }

    #[test]
    fn a_missed_proposal_fact_says_where_it_went_and_what_was_forecast() {
        let sc = world();
        let f = on_unga(O::AdoptedWithoutVote, 2, 2);
        let mut res = run(vec![
            decided(0, 2, 2, true, How::Vote),
            decided(0, 0, 4, false, How::Vote),
        ]);
        let choice = |round, venue, p_pass| ChoiceRow {
            round,
            proposal: 0,
            sponsor: 6,
            venue,
            create: false,
            eu: 0.1,
            p_pass,
            chosen: false,
            proactive: false,
        };
        // Forecasts for unga up to 2002 count; the one in 2005 comes after the fact.
        res.choices = vec![
            choice(1, 0, 0.3),
            choice(2, 0, 0.2),
            choice(5, 0, 0.9),
            choice(2, 2, 0.8),
        ];
        let r = observe(&sc, &f, &res);
        assert!(!r.reproduced);
        assert_eq!(r.outcome, Outcome::Proposal(R::NotPutToVote));
        let w = r.whereabouts.unwrap();
        assert_eq!(
            w.elsewhere,
            vec![("itu".to_string(), 2002), ("unga".to_string(), 2004)]
        );
        assert_eq!(w.forecast, Some(0.3));
        assert!(w.decided_anywhere);
        assert!(!w.chosen, "chosen only after the fact's years");
        // Reproduced: nothing to explain.
        let ok = observe(
            &sc,
            &f,
            &run(vec![decided(0, 0, 2, true, How::WithoutVote)]),
        );
        assert!(ok.reproduced && ok.whereabouts.is_none());
    }

    #[test]
    fn an_election_fact_needs_the_event_held_and_won() {
        let sc = world();
        let f = fact(
            FactWhat::Election {
                event: 0,
                venue: 2,
                candidate: 0,
            },
            3,
            3,
        );
        let won = run(vec![election(3, 0, &[(0, 9), (6, 3)])]);
        assert_eq!(
            observe(&sc, &f, &won).outcome,
            Outcome::Elected("L0".into())
        );
        assert!(observe(&sc, &f, &won).reproduced);
        let lost = run(vec![election(3, 6, &[(0, 3), (6, 9)])]);
        assert_eq!(
            observe(&sc, &f, &lost).outcome,
            Outcome::Elected("A0".into())
        );
        assert!(!observe(&sc, &f, &lost).reproduced);
        // Not held (no row), held another year, or another election that round.
        for rows in [
            vec![],
            vec![election(4, 0, &[(0, 9), (6, 3)])],
            vec![election(3, 0, &[(0, 9), (1, 3)])],
        ] {
            let r = observe(&sc, &f, &run(rows));
            assert_eq!(r.outcome, Outcome::NotHeld);
            assert!(!r.reproduced);
        }
    }

    #[test]
    fn a_member_fact_needs_the_count_every_year_and_the_venue_there() {
        let sc = world();
        let f = fact(
            FactWhat::Members {
                venue: 3,
                members: 6,
            },
            1,
            2,
        );
        let with = |rows: Vec<VenueRow>| {
            let mut r = run(Vec::new());
            r.venues = rows;
            observe(&sc, &f, &r)
        };
        let ok = with(vec![
            VenueRow::sample(0, 3, 5, 0),
            VenueRow::sample(1, 3, 6, 0),
            VenueRow::sample(2, 3, 6, 0),
            VenueRow::sample(2, 0, 12, 0),
        ]);
        assert!(ok.reproduced, "{ok:?}");
        let grew = with(vec![
            VenueRow::sample(1, 3, 6, 0),
            VenueRow::sample(2, 3, 8, 0),
        ]);
        assert_eq!(grew.outcome, Outcome::Members { min: 6, max: 8 });
        assert_eq!(grew.outcome.to_string(), "members=6..8");
        assert!(!grew.reproduced);
        let late = with(vec![VenueRow::sample(2, 3, 6, 0)]);
        assert_eq!(late.outcome, Outcome::Inactive { all: false });
        let never = with(vec![VenueRow::sample(1, 0, 12, 0)]);
        assert_eq!(never.outcome, Outcome::Inactive { all: true });
        assert!(!never.reproduced);
    }

    #[test]
    fn a_report_counts_outcomes_bands_and_the_summary() {
        let sc = world();
        let f = on_unga(O::Adopted, 2, 2);
        let runs: Vec<FactRun> = [
            vec![decided(0, 0, 2, true, How::Vote)],
            vec![decided(0, 0, 2, true, How::WithoutVote)],
            vec![decided(0, 0, 2, false, How::Vote)],
            vec![],
            vec![],
            vec![decided(0, 0, 2, true, How::Vote)],
        ]
        .into_iter()
        .map(|d| observe(&sc, &f, &run(d)))
        .collect();
        let refs: Vec<&FactRun> = runs.iter().collect();
        let r = report(&sc, &f, &refs);
        assert_eq!((r.runs, r.reproduced), (6, 3));
        assert_eq!(r.share(), 0.5);
        assert_eq!(r.band(), Band::Middle);
        assert_eq!(
            r.alternative(),
            Some((&Outcome::Proposal(R::NotPutToVote), 2))
        );
        assert_eq!(
            r.outcomes[0],
            (Outcome::Proposal(R::AdoptedByVote), 2, true)
        );
        assert_eq!(r.instead.as_ref().unwrap().runs, 3);
        assert_eq!(
            (r.what, r.subject.as_str(), r.outcome.as_str()),
            ("proposal", "east-norms", "adopted")
        );
        assert_eq!((r.first_year, r.last_year), (2002, 2002));
        assert_eq!(Band::of(2, 3), Band::High);
        assert_eq!(Band::of(1, 2), Band::Middle);
        assert_eq!(Band::of(0, 0), Band::Low);
        let mut high = r.clone();
        high.reproduced = 4;
        let s = summary(&[r, high]);
        assert_eq!((s.facts, s.two_thirds, s.half), (2, 1, 2));
        assert!((s.mean_share - (0.5 + 4.0 / 6.0) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn labels_read_back_in_words() {
        assert_eq!(phrase_of("adopted_without_vote"), "adopted without a vote");
        assert_eq!(phrase_of("no_consensus"), "no consensus");
        assert_eq!(phrase_of("elected:USA"), "USA elected");
        assert_eq!(phrase_of("members=8"), "8 members");
        assert_eq!(
            Outcome::Proposal(R::AdoptedSomeYears).to_string(),
            "adopted_some_years"
        );
        assert_eq!(
            Outcome::Inactive { all: false }.to_string(),
            "inactive_some_years"
        );
    }
}
