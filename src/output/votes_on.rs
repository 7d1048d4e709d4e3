//! `run --votes-on`: which decisions' votes go into `votes.csv`.
//!
//! Every state's vote in every decision is about 27,000 rows (1 MB) per world run, and
//! most of them are admission votes; a study of a few resolutions needs a few hundred.
//! The selection names proposal ids of the scenario and keywords for whole kinds of
//! decision. It is checked against the scenario before anything runs, and recorded in
//! the manifest as written, so `verify` rebuilds the same selection from the folder's
//! scenario copy. Selecting only filters what is written: the runs are the same runs.

use crate::engine::{DecisionKind, DecisionRow, RunResult};
use crate::model::Scenario;
use crate::scenario::did_you_mean;
use serde::{Serialize, Serializer};
use std::collections::BTreeSet;

/// The keywords, with what each selects (for `--help` and error messages). A
/// proposal whose id is a keyword is selected by the keyword's meaning.
pub const KEYWORDS: &[(&str, &str)] = &[
    (
        "targets",
        "the proposals of the scenario's [[target]]s (recorded votes)",
    ),
    ("proposals", "every vote on a proposal"),
    ("reforms", "every openness reform"),
    ("admissions", "every admission vote"),
];

/// A checked selection of decisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VotesOn {
    /// As the user gave it (duplicates dropped): what the manifest records.
    items: Vec<String>,
    kinds: BTreeSet<&'static str>,
    proposals: BTreeSet<String>,
}

/// An item of `--votes-on` that names nothing, or a selection that selects nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VotesOnError {
    #[error(
        "--votes-on: `{item}` is neither a proposal id of scenario `{scenario}` nor a keyword{hint} \
         (keywords: {keywords}; proposal ids: {ids})"
    )]
    Unknown {
        item: String,
        scenario: String,
        hint: String,
        keywords: String,
        ids: String,
    },
    #[error(
        "--votes-on targets: scenario `{0}` has no [[target]] on a proposal; name proposal ids instead"
    )]
    NoTargets(String),
    #[error("--votes-on needs at least one proposal id or keyword")]
    Empty,
}

impl VotesOn {
    /// Checks `items` (proposal ids and [`KEYWORDS`]) against `sc`.
    pub fn parse(items: &[String], sc: &Scenario) -> Result<VotesOn, VotesOnError> {
        let mut out = VotesOn {
            items: Vec::new(),
            kinds: BTreeSet::new(),
            proposals: BTreeSet::new(),
        };
        let ids: Vec<&str> = sc.proposals.iter().map(|p| p.id.as_str()).collect();
        for item in items {
            let item = item.trim();
            if item.is_empty() || out.items.iter().any(|i| i == item) {
                continue;
            }
            match item {
                "targets" => {
                    if sc.targets.is_empty() {
                        return Err(VotesOnError::NoTargets(sc.name.clone()));
                    }
                    for t in &sc.targets {
                        out.proposals.insert(sc.proposals[t.proposal].id.clone());
                    }
                }
                "proposals" => drop(out.kinds.insert(DecisionKind::Proposal.as_str())),
                "reforms" => drop(out.kinds.insert(DecisionKind::Reform.as_str())),
                "admissions" => drop(out.kinds.insert(DecisionKind::Admission.as_str())),
                id if ids.contains(&id) => drop(out.proposals.insert(id.to_string())),
                other => {
                    let words = KEYWORDS.iter().map(|(k, _)| *k);
                    return Err(VotesOnError::Unknown {
                        item: crate::scenario::excerpt(other),
                        scenario: sc.name.clone(),
                        hint: did_you_mean(other, words.clone().chain(ids.iter().copied())),
                        keywords: words.collect::<Vec<_>>().join(", "),
                        ids: list(&ids),
                    });
                }
            }
            out.items.push(item.to_string());
        }
        if out.items.is_empty() {
            return Err(VotesOnError::Empty);
        }
        Ok(out)
    }

    /// The selection as given, duplicates dropped.
    pub fn items(&self) -> &[String] {
        &self.items
    }

    /// Whether the votes of decision `d` of run `r` are written.
    pub fn keeps(&self, r: &RunResult, d: &DecisionRow) -> bool {
        self.kinds.contains(d.what.as_str())
            || (d.what == DecisionKind::Proposal
                && r.proposal_names
                    .get(d.proposal as usize)
                    .is_some_and(|p| self.proposals.contains(p)))
    }
}

/// The manifest records the selection as given: `verify` parses it again.
impl Serialize for VotesOn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(s)
    }
}

/// Up to 8 ids, then how many more.
fn list(ids: &[&str]) -> String {
    const SHOWN: usize = 8;
    if ids.is_empty() {
        return "none".into();
    }
    let mut s = ids
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        s.push_str(&format!(" and {} more", ids.len() - SHOWN));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::testdata::result;

    fn sc() -> Scenario {
        crate::output::testdata::scenario()
    }

    fn parse(items: &[&str]) -> Result<VotesOn, VotesOnError> {
        let items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
        VotesOn::parse(&items, &sc())
    }

    #[test]
    fn proposal_ids_and_keywords_select_their_decisions() {
        let sc = sc();
        let first = sc.proposals[0].id.clone();
        let v = parse(&[&first, "reforms", &first]).unwrap();
        assert_eq!(v.items(), [first.as_str(), "reforms"]);
        let mut r = result(0, 1);
        r.proposal_names = vec![first.clone()];
        let kinds: Vec<bool> = r.decisions.iter().map(|d| v.keeps(&r, d)).collect();
        // testdata: proposal p, election, reform, admission.
        assert_eq!(kinds, [true, false, true, false]);
        let adm = parse(&["admissions"]).unwrap();
        let kinds: Vec<bool> = r.decisions.iter().map(|d| adm.keeps(&r, d)).collect();
        assert_eq!(kinds, [false, false, false, true]);
    }

    #[test]
    fn an_unknown_item_is_named_with_a_suggestion_and_the_choices() {
        let err = parse(&["reform"]).unwrap_err().to_string();
        assert!(err.contains("`reform`"), "{err}");
        assert!(err.contains("did you mean `reforms`?"), "{err}");
        assert!(err.contains("keywords: targets, proposals, reforms, admissions"));
        assert!(err.contains("proposal ids: "), "{err}");
        assert_eq!(parse(&[]).unwrap_err(), VotesOnError::Empty);
    }

    #[test]
    fn long_id_lists_are_cut() {
        let ids: Vec<String> = (0..10).map(|i| format!("p{i}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert_eq!(list(&ids), "p0, p1, p2, p3, p4, p5, p6, p7 and 2 more");
        assert_eq!(list(&[]), "none");
    }
}
