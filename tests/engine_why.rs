//! The reasons a run records with `why` (for `forumsim explain`): recording them
//! changes nothing else, and they agree with the memberships the run reports.
//! Integration tests: they load a shipped scenario, which the engine's own unit tests
//! cannot (the loader sits above the engine).

use forumsim::engine::{Choice, RunOptions, Why, run};
use forumsim::model::Scenario;
use std::path::Path;

fn join_or_abstain() -> Scenario {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/teaching/join-or-abstain.toml");
    forumsim::scenario::load(&path).expect("the teaching scenario loads")
}

#[test]
fn recording_why_changes_nothing_else() {
    let sc = join_or_abstain();
    for r in 0..2 {
        let plain = run(
            &sc,
            r,
            RunOptions {
                votes: true,
                states: true,
                why: false,
            },
        );
        let mut with = run(
            &sc,
            r,
            RunOptions {
                votes: true,
                states: true,
                why: true,
            },
        );
        assert_eq!(plain.why, Why::default());
        assert!(!with.why.joins.is_empty() && !with.why.admissions.is_empty());
        assert!(!with.why.seatings.is_empty(), "the GGE's terms");
        with.why = Why::default();
        assert_eq!(plain, with, "run {r}");
    }
}

#[test]
fn the_reasons_agree_with_the_memberships() {
    let sc = join_or_abstain();
    let opts = RunOptions {
        votes: false,
        states: true,
        why: true,
    };
    let r = run(&sc, 0, opts);
    let member = |round: u32, v: u32, i: u32| {
        r.attention
            .iter()
            .any(|a| a.round == round && a.venue == v && a.state == i)
    };
    for j in &r.why.joins {
        let was = j.round > 0 && member(j.round - 1, j.venue, j.state);
        let is = member(j.round, j.venue, j.state);
        match j.choice {
            Choice::Joined => assert!(j.value() > 0.0 && is, "{j:?}"),
            Choice::Left => assert!(j.value() < j.threshold && was && !is, "{j:?}"),
            Choice::Sponsor(_) => assert!(j.value() < j.threshold && is, "{j:?}"),
            Choice::StayedOut => {
                assert!(j.value() <= 0.0 && j.weight * j.stake > 0.0 && !is, "{j:?}")
            }
        }
    }
    let thresholds: Vec<f64> = r
        .why
        .joins
        .iter()
        .filter(|j| j.choice == Choice::Left)
        .map(|j| j.threshold)
        .collect();
    assert!(!thresholds.is_empty());
    assert!(thresholds.iter().all(|&t| t == -sc.params.exit_cost));
}
