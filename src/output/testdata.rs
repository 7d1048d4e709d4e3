//! Hand-built scenario and run results for the writers' unit tests (no engine needed).

use crate::engine::*;
use crate::model::testkit;
use crate::model::*;

/// The names in `dir`, sorted: what a reader of an output folder sees.
pub fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn state(id: &str, regime: f64, blocs: Vec<BlocIx>) -> StateSpec {
    let mut s = testkit::state(id, regime, 0.5, 0.8, blocs);
    s.ict = 0.5;
    s.tags = vec![0];
    s
}

/// Two states, two venues (one created by an event), one proposal, one event.
pub(crate) fn scenario() -> Scenario {
    let params = Params {
        legit_cost: 0.5,
        ..Params::default()
    };
    Scenario {
        name: "tiny".into(),
        description: "two states, two venues".into(),
        rounds: 2,
        start_year: 2000,
        seed: 7,
        runs: 2,
        params,
        legacy: Pos::new(0.15, 0.2),
        stakeholder: StakeholderActor::default(),
        tags: vec!["p5".into()],
        blocs: vec![
            BlocSpec {
                id: "weog".into(),
                name: "West".into(),
                shift: Pos::default(),
                cohesion: None,
            },
            BlocSpec {
                id: "sco".into(),
                name: "SCO".into(),
                shift: Pos::new(0.15, 0.15),
                cohesion: Some(0.8),
            },
        ],
        states: vec![state("USA", 0.9, vec![0]), state("RUS", 0.1, vec![1])],
        venues: vec![
            VenueSpec {
                name: "UN General Assembly".into(),
                ..testkit::venue(
                    "unga",
                    Membership::Open { universal: true },
                    Decision::Majority { threshold: 0.5 },
                    &[Kind::Norms, Kind::Procedural],
                )
            },
            VenueSpec {
                name: "Shanghai Cooperation Organisation".into(),
                origin: Origin::Event { round: 1 },
                stakeholders: Stakeholders::Consultative { weight: 0.1 },
                transparency: 0.1,
                privilege: 0.5,
                founders: vec![1],
                ..testkit::venue(
                    "sco",
                    Membership::Invitation {
                        admit: Admit::Unanimity,
                    },
                    Decision::Consensus,
                    &[Kind::Norms],
                )
            },
        ],
        proposals: vec![ProposalSpec {
            venue: Some(0),
            ..testkit::proposal("p1", Kind::Norms, 1, None)
        }],
        events: vec![EventSpec {
            round: 1,
            event: Event::NewVenue { venue: 1 },
            label: "sco-founded".into(),
        }],
        targets: Vec::new(),
        election_targets: Vec::new(),
        facts: Vec::new(),
    }
}

/// One round of a run, with a NaN (a venue without members), a decision about no
/// proposal, and a creation option that was not picked.
pub(crate) fn result(run: u64, seed: u64) -> RunResult {
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    RunResult {
        run,
        seed,
        venue_names: names(&["unga", "sco"]),
        proposal_names: names(&["p1"]),
        state_names: names(&["USA", "RUS"]),
        rounds: vec![RoundRow {
            round: 0,
            year: 2000,
            ami: 0.25 + run as f64 / 10.0,
            scope_index: 0.1 + 0.2,
            fragmentation: 0.0,
            venues_active: 1,
            venues_created: 0,
            moves: 0,
            adopted: 1,
            failed: 0,
            abandoned: 0,
            pending: 0,
        }],
        venues: vec![
            VenueRow {
                round: 0,
                venue: 0,
                members: 2,
                mean_regime: 0.5,
                share_autocratic: 0.5,
                stakeholder_weight: 0.0,
                transparency: 0.5,
                privilege: 0.0,
                agenda: 1,
                adoptions: 1,
            },
            VenueRow {
                round: 0,
                venue: 1,
                members: 0,
                mean_regime: f64::NAN,
                share_autocratic: f64::NAN,
                stakeholder_weight: 0.1,
                transparency: 0.1,
                privilege: 0.5,
                agenda: 0,
                adoptions: 0,
            },
        ],
        rules: vec![RuleRow {
            round: 0,
            venue: 0,
            kind: Kind::Norms,
            rule: Pos::new(0.7, 0.6),
            camp: Camp::Authoritarian,
            reach: 1.0,
        }],
        decisions: vec![
            DecisionRow {
                round: 0,
                venue: 0,
                what: DecisionKind::Proposal,
                proposal: 0,
                kind: Kind::Norms,
                sponsor: 1,
                yes: 1,
                no: 1,
                abstain: 0,
                absent: 0,
                adopted: true,
                how: How::Vote,
                position: Pos::new(0.7, 0.6),
                camp: Camp::None,
                detail: Detail::None,
            },
            DecisionRow {
                round: 0,
                venue: 0,
                what: DecisionKind::Election,
                proposal: u32::MAX,
                kind: Kind::Procedural,
                sponsor: 0,
                yes: 2,
                no: 0,
                abstain: 0,
                absent: 0,
                adopted: true,
                how: How::Vote,
                position: Pos::default(),
                camp: Camp::None,
                detail: Detail::Election(vec![(0, 2), (1, 0)]),
            },
            DecisionRow {
                round: 0,
                venue: 0,
                what: DecisionKind::Reform,
                proposal: u32::MAX,
                kind: Kind::Procedural,
                sponsor: 1,
                yes: 1,
                no: 1,
                abstain: 0,
                absent: 0,
                adopted: false,
                how: How::Vote,
                position: Pos::new(0.75, 0.0),
                camp: Camp::None,
                detail: Detail::Reform { up: true },
            },
            DecisionRow {
                round: 0,
                venue: 1,
                what: DecisionKind::Admission,
                proposal: u32::MAX,
                kind: Kind::Procedural,
                sponsor: 1,
                yes: 0,
                no: 0,
                abstain: 0,
                absent: 0,
                adopted: true,
                how: How::Vote,
                position: Pos::default(),
                camp: Camp::None,
                detail: Detail::None,
            },
        ],
        choices: vec![
            ChoiceRow {
                round: 0,
                proposal: 0,
                sponsor: 1,
                venue: 0,
                create: false,
                eu: 0.125,
                p_pass: 0.5,
                chosen: true,
                proactive: true,
            },
            ChoiceRow {
                round: 0,
                proposal: 0,
                sponsor: 1,
                venue: u32::MAX,
                create: true,
                eu: -0.05,
                p_pass: 1.0,
                chosen: false,
                proactive: true,
            },
        ],
        votes: vec![
            VoteRow {
                decision: 0,
                state: 0,
                vote: Vote::No,
            },
            VoteRow {
                decision: 0,
                state: 1,
                vote: Vote::Yes,
            },
            VoteRow {
                decision: 1,
                state: 1,
                vote: Vote::Absent,
            },
        ],
        attention: vec![AttentionRow {
            round: 0,
            state: 1,
            venue: 0,
            attention: 1.0,
        }],
        why: Default::default(),
    }
}
