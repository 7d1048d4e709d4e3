//! Outcome metrics of one run: a pure function of its [`RunResult`].
//!
//! Global metrics: final `ami`, `scope_index`, `fragmentation`; totals over the run of
//! `adopted`, `failed`, `abandoned` proposals and venue `moves`; `venues_created` by the
//! end. Per named venue of the scenario: `adoptions.<venue>` (total over the run) and
//! `members.<venue>` (at the end; 0 if the venue does not exist then). Venues created
//! by blocs during a run have no fixed name and count only in `venues_created`.

use crate::engine::RunResult;
use crate::model::Scenario;

/// The default outcome metrics (`adoptions.<venue>` and `members.<venue>` follow).
pub const DEFAULT_METRICS: &[&str] = &[
    "ami",
    "scope_index",
    "fragmentation",
    "adopted",
    "failed",
    "abandoned",
    "moves",
    "venues_created",
];

/// Every metric name for `scenario`, in column order; `requested` filters and orders.
pub fn metric_names(scenario: &Scenario, requested: Option<&[String]>) -> Vec<String> {
    let mut all: Vec<String> = DEFAULT_METRICS.iter().map(|s| s.to_string()).collect();
    all.extend(
        scenario
            .venues
            .iter()
            .map(|v| format!("adoptions.{}", v.id)),
    );
    all.extend(scenario.venues.iter().map(|v| format!("members.{}", v.id)));
    match requested {
        Some(r) => r.to_vec(),
        None => all,
    }
}

/// The value of each metric in `names` for `run` (NaN for a name it does not know).
pub fn compute(run: &RunResult, names: &[String]) -> Vec<f64> {
    let last = run.rounds.last();
    let last_round = last.map(|r| r.round);
    let total = |f: fn(&crate::engine::RoundRow) -> u32| -> f64 {
        run.rounds.iter().fold(0.0, |a, r| a + f64::from(f(r)))
    };
    let venue_ix = |id: &str| run.venue_names.iter().position(|n| n == id);
    names
        .iter()
        .map(|name| match name.as_str() {
            "ami" => last.map_or(f64::NAN, |r| r.ami),
            "scope_index" => last.map_or(f64::NAN, |r| r.scope_index),
            "fragmentation" => last.map_or(f64::NAN, |r| r.fragmentation),
            "adopted" => total(|r| r.adopted),
            "failed" => total(|r| r.failed),
            "abandoned" => total(|r| r.abandoned),
            "moves" => total(|r| r.moves),
            "venues_created" => last.map_or(0.0, |r| f64::from(r.venues_created)),
            other => {
                if let Some(id) = other.strip_prefix("adoptions.") {
                    venue_ix(id).map_or(0.0, |v| {
                        run.venues
                            .iter()
                            .filter(|row| row.venue as usize == v)
                            .fold(0.0, |a, row| a + f64::from(row.adoptions))
                    })
                } else if let Some(id) = other.strip_prefix("members.") {
                    venue_ix(id).map_or(0.0, |v| {
                        run.venues
                            .iter()
                            .find(|row| row.venue as usize == v && Some(row.round) == last_round)
                            .map_or(0.0, |row| f64::from(row.members))
                    })
                } else {
                    f64::NAN
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{RoundRow, VenueRow};

    fn round(round: u32, ami: f64, adopted: u32, moves: u32, created: u32) -> RoundRow {
        RoundRow {
            round,
            year: 2000 + round as i32,
            ami,
            scope_index: ami / 2.0,
            fragmentation: 0.25,
            venues_active: 3,
            venues_created: created,
            moves,
            adopted,
            failed: 1,
            abandoned: 0,
            pending: 0,
        }
    }

    fn result() -> RunResult {
        RunResult {
            run: 3,
            seed: 9,
            venue_names: vec!["unga".into(), "oewg".into(), "bloc-1".into()],
            proposal_names: vec![],
            state_names: vec![],
            rounds: vec![round(0, 0.3, 2, 1, 0), round(1, 0.6, 1, 2, 1)],
            venues: vec![
                VenueRow::sample(0, 0, 190, 2),
                VenueRow::sample(1, 0, 191, 0),
                VenueRow::sample(1, 2, 5, 1),
            ],
            rules: vec![],
            decisions: vec![],
            choices: vec![],
            votes: vec![],
            attention: vec![],
            why: Default::default(),
        }
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn finals_totals_and_venues() {
        let m = compute(
            &result(),
            &names(
                &[
                    DEFAULT_METRICS,
                    &[
                        "adoptions.unga",
                        "members.unga",
                        "members.oewg",
                        "adoptions.oewg",
                        "members.nowhere",
                    ],
                ]
                .concat(),
            ),
        );
        assert_eq!(
            m,
            vec![
                0.6, 0.3, 0.25, 3.0, 2.0, 0.0, 3.0, 1.0, 2.0, 191.0, 0.0, 0.0, 0.0
            ]
        );
    }

    #[test]
    fn an_empty_run_has_nan_finals() {
        let mut r = result();
        r.rounds.clear();
        let m = compute(&r, &names(&["ami", "adopted", "bogus"]));
        assert!(m[0].is_nan());
        assert_eq!(m[1], 0.0);
        assert!(m[2].is_nan());
    }
}
