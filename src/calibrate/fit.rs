//! How well a batch of runs reproduces one recorded vote: the ensemble-mean tallies
//! against the record, and the share of countries whose modal simulated vote is the one
//! they cast. This is the objective the calibration search climbs.

use crate::engine::RunResult;
use crate::engine::record::{DecisionKind, Vote};

/// Vote codes in the fixed order used everywhere: ties between modal votes go to the
/// earlier code, so the modal vote never depends on iteration order.
pub const CODES: [Vote; 4] = [Vote::Yes, Vote::No, Vote::Abstain, Vote::Absent];

/// Index of a vote in [`CODES`].
pub fn code_ix(v: Vote) -> usize {
    match v {
        Vote::Yes => 0,
        Vote::No => 1,
        Vote::Abstain => 2,
        Vote::Absent => 3,
    }
}

/// A recorded decision to hold the runs against.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub venue: String,
    pub proposal: String,
    pub round: u32,
    /// Recorded yes, no, abstain, absent.
    pub tally: [f64; 4],
    /// Recorded vote of each state, in the scenario's state order (`None`: not recorded).
    pub votes: Vec<Option<Vote>>,
}

/// The fit of a batch to a [`Record`].
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Share of runs in which the decision was taken in the recorded round and venue.
    pub decided: f64,
    /// Ensemble-mean yes, no, abstain, absent over the runs that decided.
    pub mean: [f64; 4],
    /// Largest |mean − recorded| over the four tallies.
    pub max_error: f64,
    /// Share of states that voted yes, no or abstain in the record whose modal simulated
    /// vote equals it. States recorded as not voting are left out: the record cannot
    /// tell absence from non-payment of dues or a deliberate non-vote.
    pub agreement: f64,
    /// Modal simulated vote per state (`None` if no run decided).
    pub modal: Vec<Option<Vote>>,
}

/// Scores `results` (recorded with votes) against `rec`.
pub fn fit(rec: &Record, results: &[RunResult]) -> Fit {
    let n_states = rec.votes.len();
    let mut counts = vec![[0u32; 4]; n_states];
    let mut sums = [0.0; 4];
    let mut decided = 0usize;
    for r in results {
        let (Some(v), Some(p)) = (
            r.venue_names.iter().position(|n| *n == rec.venue),
            r.proposal_names.iter().position(|n| *n == rec.proposal),
        ) else {
            continue;
        };
        let Some(d) = r.decisions.iter().position(|d| {
            d.what == DecisionKind::Proposal
                && d.round == rec.round
                && d.venue as usize == v
                && d.proposal as usize == p
        }) else {
            continue;
        };
        decided += 1;
        let row = &r.decisions[d];
        for (s, t) in sums
            .iter_mut()
            .zip([row.yes, row.no, row.abstain, row.absent])
        {
            *s += f64::from(t);
        }
        let mut cast = vec![Vote::Absent; n_states];
        for vr in r.votes.iter().filter(|vr| vr.decision as usize == d) {
            if let Some(c) = cast.get_mut(vr.state as usize) {
                *c = vr.vote;
            }
        }
        for (c, v) in counts.iter_mut().zip(&cast) {
            c[code_ix(*v)] += 1;
        }
    }
    if decided == 0 {
        let total: f64 = rec.tally.iter().sum();
        return Fit {
            decided: 0.0,
            mean: [0.0; 4],
            max_error: total,
            agreement: 0.0,
            modal: vec![None; n_states],
        };
    }
    let mean = sums.map(|s| s / decided as f64);
    let max_error = mean
        .iter()
        .zip(&rec.tally)
        .map(|(m, t)| (m - t).abs())
        .fold(0.0, f64::max);
    let modal: Vec<Option<Vote>> = counts
        .iter()
        .map(|c| {
            let best = (0..4).fold(0, |b, k| if c[k] > c[b] { k } else { b });
            Some(CODES[best])
        })
        .collect();
    let (mut hit, mut n) = (0usize, 0usize);
    for (m, r) in modal.iter().zip(&rec.votes) {
        if let Some(r) = r
            && *r != Vote::Absent
        {
            n += 1;
            hit += usize::from(*m == Some(*r));
        }
    }
    Fit {
        decided: decided as f64 / results.len().max(1) as f64,
        mean,
        max_error,
        agreement: if n == 0 { 0.0 } else { hit as f64 / n as f64 },
        modal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::record::{DecisionRow, VoteRow};
    use crate::model::{Camp, Kind, Pos};

    fn result(votes: &[Vote]) -> RunResult {
        let tally = |v: Vote| votes.iter().filter(|&&x| x == v).count() as u32;
        RunResult {
            run: 0,
            seed: 0,
            venue_names: vec!["ga".into()],
            proposal_names: vec!["p".into()],
            state_names: (0..votes.len()).map(|i| format!("S{i}")).collect(),
            rounds: vec![],
            venues: vec![],
            rules: vec![],
            decisions: vec![DecisionRow {
                round: 3,
                venue: 0,
                what: DecisionKind::Proposal,
                proposal: 0,
                kind: Kind::Procedural,
                sponsor: 0,
                yes: tally(Vote::Yes),
                no: tally(Vote::No),
                abstain: tally(Vote::Abstain),
                absent: tally(Vote::Absent),
                adopted: true,
                position: Pos::new(0.5, 0.5),
                camp: Camp::None,
                detail: String::new(),
            }],
            choices: vec![],
            votes: votes
                .iter()
                .enumerate()
                .filter(|(_, v)| **v != Vote::Absent)
                .map(|(i, &vote)| VoteRow {
                    decision: 0,
                    state: i as u32,
                    vote,
                })
                .collect(),
            attention: vec![],
        }
    }

    #[test]
    fn tallies_modal_votes_and_agreement() {
        use Vote::*;
        let rec = Record {
            venue: "ga".into(),
            proposal: "p".into(),
            round: 3,
            tally: [2.0, 1.0, 0.0, 1.0],
            votes: vec![Some(Yes), Some(Yes), Some(No), Some(Absent)],
        };
        let runs = [
            result(&[Yes, No, No, Absent]),
            result(&[Yes, No, No, Yes]),
            result(&[Yes, Yes, Abstain, Absent]),
        ];
        let f = fit(&rec, &runs);
        assert_eq!(f.decided, 1.0);
        // yes 1+2+2 = 5/3, no 2+1+0 = 1, abstain 1/3, absent 2/3.
        assert!((f.mean[0] - 5.0 / 3.0).abs() < 1e-12);
        assert!((f.max_error - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(f.modal, vec![Some(Yes), Some(No), Some(No), Some(Absent)]);
        // States 0 and 2 right, state 1 wrong; state 3 (not voting) is left out.
        assert!((f.agreement - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn runs_without_the_decision_do_not_count() {
        let rec = Record {
            venue: "ga".into(),
            proposal: "p".into(),
            round: 4,
            tally: [1.0, 0.0, 0.0, 0.0],
            votes: vec![Some(Vote::Yes)],
        };
        let f = fit(&rec, &[result(&[Vote::Yes])]);
        assert_eq!((f.decided, f.agreement, f.max_error), (0.0, 0.0, 1.0));
    }

    #[test]
    fn ties_go_to_the_earlier_code() {
        let rec = Record {
            venue: "ga".into(),
            proposal: "p".into(),
            round: 3,
            tally: [0.0; 4],
            votes: vec![Some(Vote::No)],
        };
        let f = fit(&rec, &[result(&[Vote::No]), result(&[Vote::Yes])]);
        assert_eq!(f.modal, vec![Some(Vote::Yes)]);
    }
}
