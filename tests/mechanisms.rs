//! Mechanism tests from the article (Raymond & Sherman 2024), over 50 seeds of the
//! stylized world. Each test names the mechanism it checks; the numbers it prints are
//! the figures quoted in docs/ODD.md ("Calibration and mechanism checks").

use forumsim::engine::{DecisionKind, RunOptions, RunResult};
use forumsim::experiment::run_batch;
use forumsim::model::{Camp, Decision, Membership, Scenario};
use std::path::Path;

const SEEDS: u64 = 50;

fn stylized(sets: &[&str]) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/stylized.toml");
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    forumsim::scenario::load_with(&path, &sets).expect("the stylized scenario loads")
}

fn runs(sc: &Scenario) -> Vec<RunResult> {
    let idx: Vec<u64> = (0..SEEDS).collect();
    run_batch(sc, &idx, RunOptions::default())
}

fn camp(sc: &Scenario, state: u32) -> Camp {
    Camp::of(sc.states[state as usize].regime, sc.params.camp_threshold)
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = xs.collect();
    v.iter().sum::<f64>() / v.len() as f64
}

fn final_ami(results: &[RunResult]) -> f64 {
    mean(results.iter().map(|r| r.rounds.last().unwrap().ami))
}

/// (a) Counting proactive tablings (in venues whose current rule the other camp did not
/// set), authoritarian sponsors table in open, majority-rule venues more often than
/// liberal sponsors do.
#[test]
fn authoritarian_sponsors_prefer_open_majority_venues() {
    let sc = stylized(&[]);
    let open_majority = |v: u32| {
        sc.venues.get(v as usize).is_some_and(|spec| {
            matches!(spec.membership, Membership::Open { .. })
                && matches!(spec.decision, Decision::Majority { .. })
        })
    };
    let (mut auth, mut lib) = ((0, 0), (0, 0));
    for r in runs(&sc) {
        for c in r.choices.iter().filter(|c| c.chosen && c.proactive) {
            let tally = match camp(&sc, c.sponsor) {
                Camp::Authoritarian => &mut auth,
                _ => &mut lib,
            };
            tally.1 += 1;
            tally.0 += open_majority(c.venue) as u32;
        }
    }
    let share = |(k, n): (u32, u32)| k as f64 / n as f64;
    eprintln!(
        "proactive tablings in open majority venues: authoritarian {:.3} of {}, liberal {:.3} of {}",
        share(auth),
        auth.1,
        share(lib),
        lib.1
    );
    assert!(auth.1 >= 50 && lib.1 >= 50, "enough tablings on both sides");
    assert!(share(auth) > share(lib) + 0.1);
}

/// (b) An authoritarian standards proposal that fails at the IETF ends at the ITU in
/// most runs.
#[test]
fn new_ip_fails_at_the_ietf_and_ends_at_the_itu() {
    let sc = stylized(&[]);
    let (ietf, itu) = (
        sc.venue_ix("ietf").unwrap() as u32,
        sc.venue_ix("itu").unwrap() as u32,
    );
    let p = sc.proposal_ix("new-ip").unwrap() as u32;
    assert_eq!(
        camp(&sc, sc.proposals[p as usize].sponsor.unwrap() as u32),
        Camp::Authoritarian
    );
    let (mut failed, mut at_itu) = (0, 0);
    for r in runs(&sc) {
        let failed_at_ietf = r.decisions.iter().any(|d| {
            d.what == DecisionKind::Proposal && d.proposal == p && d.venue == ietf && !d.adopted
        });
        if !failed_at_ietf {
            continue;
        }
        failed += 1;
        let last = r
            .choices
            .iter()
            .rfind(|c| c.chosen && c.proposal == p)
            .unwrap();
        at_itu += (last.venue == itu) as u32;
    }
    eprintln!(
        "new-ip failed at the IETF in {failed} of {SEEDS} runs; ended at the ITU in {at_itu}"
    );
    assert!(failed as u64 > SEEDS / 2);
    assert!(at_itu * 2 > failed);
}

/// (c) Requiring consensus in the UNGA (as in the GGE) lowers the mean authoritarian-
/// multilateralism index; a two-thirds supermajority is reported.
#[test]
fn consensus_in_the_unga_lowers_the_ami() {
    let majority = final_ami(&runs(&stylized(&[])));
    let consensus = final_ami(&runs(&stylized(&[r#"venue.unga.decision="consensus""#])));
    let supermajority = final_ami(&runs(&stylized(&[
        r#"venue.unga.decision={type="supermajority"}"#,
    ])));
    eprintln!(
        "final AMI: UNGA majority {majority:.4}, supermajority {supermajority:.4}, consensus {consensus:.4}"
    );
    assert!(consensus < majority - 0.01);
}

/// (d) With creation allowed, a legitimacy shock to the authoritarian leader makes venue
/// creation after the shock more frequent than without it.
#[test]
fn a_legitimacy_shock_drives_venue_creation() {
    let created_after = |sc: &Scenario| -> usize {
        let shock = sc
            .events
            .iter()
            .find(|e| e.label == "invasion-2022")
            .unwrap()
            .round;
        runs(sc)
            .iter()
            .map(|r| {
                r.choices
                    .iter()
                    .filter(|c| c.chosen && c.create && c.round >= shock)
                    .count()
            })
            .sum()
    };
    let with = created_after(&stylized(&[]));
    let without = created_after(&stylized(&["event.invasion-2022.delta=0"]));
    let off = created_after(&stylized(&["parameters.allow_create=false"]));
    eprintln!("venues created after the shock: with {with}, without {without}, creation off {off}");
    assert!(with > without);
    assert_eq!(off, 0);
}

/// (e) Where the OEWG exists, liberal openness reforms raise its transparency over time,
/// and reforms never ratchet every venue to full openness.
#[test]
fn reforms_open_the_oewg_but_not_everything() {
    let sc = stylized(&[]);
    let oewg = sc.venue_ix("oewg").unwrap() as u32;
    let initial = sc.venues[oewg as usize].transparency;
    let (mut exists, mut opened, mut gain) = (0, 0, 0.0);
    for r in runs(&sc) {
        let rows: Vec<_> = r.venues.iter().filter(|v| v.venue == oewg).collect();
        if let Some(last) = rows.last() {
            exists += 1;
            opened += (last.transparency > initial) as u32;
            gain += last.transparency - initial;
        }
        let final_round = r.rounds.last().unwrap().round;
        let finals: Vec<_> = r.venues.iter().filter(|v| v.round == final_round).collect();
        assert!(
            finals.iter().any(|v| v.transparency < 0.5),
            "run {}: every venue opened",
            r.run
        );
    }
    eprintln!(
        "the OEWG exists in {exists} of {SEEDS} runs; more transparent at the end in {opened}; mean gain {:.3}",
        gain / exists as f64
    );
    assert!(exists as u64 >= SEEDS / 2);
    assert!(opened * 4 > exists * 3 && gain > 0.0);
}
