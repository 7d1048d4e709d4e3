//! Small hand-built worlds and spec constructors with defaults, without going through TOML:
//! for unit tests, examples and the generated worlds of [`super::generate`].
//!
//! `toy()` is a 12-state world with a liberal and an authoritarian camp, a universal
//! majority venue, an IETF-like individuals venue, an ITU-like universal venue and an
//! SCO-like invitation venue. Tests change its fields directly.

use super::params::Params;
use super::policy::{Kind, KindSet, Pos};
use super::spec::*;

/// A state with the given regime, power, competence; ict follows regime.
pub fn state(id: &str, regime: f64, power: f64, competence: f64, blocs: Vec<BlocIx>) -> StateSpec {
    StateSpec {
        id: id.into(),
        name: id.into(),
        regime,
        power,
        competence,
        ict: 0.2 + 0.7 * regime,
        tags: Vec::new(),
        blocs,
        ideal: None,
        salience: None,
    }
}

/// A venue with defaults: open, majority 0.5, no stakeholders, hosts `kinds`.
pub fn venue(id: &str, membership: Membership, decision: Decision, kinds: &[Kind]) -> VenueSpec {
    VenueSpec {
        id: id.into(),
        name: id.into(),
        origin: Origin::Initial,
        membership,
        decision,
        stakeholders: Stakeholders::None,
        transparency: 0.5,
        privilege: 0.0,
        hosts: KindSet::of(kinds),
        reach: Reach::Members,
        binding: false,
        rules: Vec::new(),
        negotiation_rounds: 1,
        founders: Vec::new(),
        until: None,
        acquis: None,
    }
}

/// A substantive proposal introduced at round 0.
pub fn proposal(id: &str, kind: Kind, sponsor: StateIx, position: Option<Pos>) -> ProposalSpec {
    ProposalSpec {
        id: id.into(),
        kind,
        sponsor: Some(sponsor),
        cosponsors: Vec::new(),
        position: position.map_or(PositionSpec::SponsorIdeal, PositionSpec::Given),
        repeat_until: None,
        ratifies: None,
        introduced: 0,
        venue: None,
        max_moves: 3,
        procedural: None,
    }
}

/// The toy world (see module docs). States 0..6 liberal (bloc 0 "west"), 6..12
/// authoritarian (bloc 1 "east"); state 0 and state 6 are the great powers (tag 0 "p5").
pub fn toy() -> Scenario {
    let mut states = Vec::new();
    for k in 0..6 {
        let power = if k == 0 { 4.0 } else { 1.0 };
        states.push(state(
            &format!("L{k}"),
            0.8 + 0.02 * k as f64,
            power,
            0.8 - 0.05 * k as f64,
            vec![0],
        ));
    }
    for k in 0..6 {
        let power = if k == 0 { 3.0 } else { 0.8 };
        states.push(state(
            &format!("A{k}"),
            0.1 + 0.03 * k as f64,
            power,
            0.7 - 0.05 * k as f64,
            vec![1],
        ));
    }
    states[0].tags.push(0);
    states[6].tags.push(0);
    let total: f64 = states.iter().map(|s| s.power).sum();
    states.iter_mut().for_each(|s| s.power /= total);
    let bloc = |id: &str, shift: Pos| BlocSpec {
        id: id.into(),
        name: id.into(),
        shift,
        cohesion: None,
    };
    let mut ietf = venue(
        "ietf",
        Membership::Individuals,
        Decision::RoughConsensus {
            threshold: 2.0 / 3.0,
        },
        &[Kind::Standards],
    );
    ietf.stakeholders = Stakeholders::Full { weight: 0.6 };
    ietf.transparency = 0.95;
    ietf.reach = Reach::Global;
    let mut itu = venue(
        "itu",
        Membership::Open { universal: true },
        Decision::Majority { threshold: 0.5 },
        &[Kind::Standards],
    );
    itu.stakeholders = Stakeholders::Consultative { weight: 0.1 };
    itu.transparency = 0.4;
    let mut sco = venue(
        "sco",
        Membership::Invitation {
            admit: Admit::Unanimity,
        },
        Decision::Consensus,
        &[Kind::Norms, Kind::Cybercrime, Kind::Standards],
    );
    sco.founders = (6..12).collect();
    sco.transparency = 0.1;
    sco.privilege = 0.5;
    Scenario {
        name: "toy".into(),
        description: "a 12-state test world".into(),
        rounds: 10,
        start_year: 2000,
        seed: 7,
        runs: 4,
        params: Params::default(),
        legacy: Pos::new(0.15, 0.2),
        stakeholder: StakeholderActor::default(),
        tags: vec!["p5".into()],
        blocs: vec![
            bloc("west", Pos::new(0.0, 0.0)),
            bloc("east", Pos::new(0.15, 0.15)),
        ],
        states,
        venues: vec![
            venue(
                "unga",
                Membership::Open { universal: true },
                Decision::Majority { threshold: 0.5 },
                &[Kind::Norms, Kind::Cybercrime, Kind::Procedural],
            ),
            ietf,
            itu,
            sco,
        ],
        proposals: vec![
            proposal("east-norms", Kind::Norms, 6, None),
            proposal("west-norms", Kind::Norms, 0, None),
            {
                let mut p = proposal("new-ip", Kind::Standards, 6, Some(Pos::new(0.85, 0.6)));
                p.venue = Some(1);
                p
            },
        ],
        events: Vec::new(),
        targets: Vec::new(),
        election_targets: Vec::new(),
        facts: Vec::new(),
    }
}
