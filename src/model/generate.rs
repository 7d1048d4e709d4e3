//! Generated worlds of any size, for the scaling benches (docs/PERFORMANCE.md): `n` states,
//! `m` venues and `p` proposals in the proportions of the stylized scenario, built
//! directly as a [`Scenario`] (no TOML), the same for the same arguments.
//!
//! States fall into five regional blocs (every state in one) and an authoritarian bloc;
//! the five most powerful carry the `p5` tag. Venues repeat six templates in the image of
//! the reference settings of MODEL.md §2 — a universal majority venue, an appointed
//! expert group (one seat per six states, quotas by region), a liberal invitation venue,
//! a universal standards venue, an individuals venue and an authoritarian invitation
//! venue — so the share of each membership type stays the same at every size. The
//! invitation venues' founders are the members of one region's liberal or authoritarian
//! core, so they grow with `n` like the real ones would.

use super::params::Params;
use super::policy::{Kind, KindSet, Pos};
use super::spec::*;
use crate::engine::run_rng;
use crate::model::stats::{std_normal, uniform};

/// RNG stream of the generator (apart from the runs' streams and the population stream).
const STREAM: u64 = u64::MAX - 1;
/// Regional blocs; the authoritarian bloc comes after them.
const REGIONS: usize = 5;

/// Size of a generated world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub states: usize,
    pub venues: usize,
    pub proposals: usize,
    pub rounds: u32,
}

/// A world of `size`, drawn from `seed`.
pub fn world(size: Size, seed: u64) -> Scenario {
    let mut rng = run_rng(seed, STREAM);
    let n = size.states.max(REGIONS);
    let auth = REGIONS;
    let mut states: Vec<StateSpec> = (0..n)
        .map(|i| {
            let regime = uniform(&mut rng);
            let power = (1.0 * std_normal(&mut rng)).exp();
            let competence = (0.2 + 0.6 * uniform(&mut rng)).min(1.0);
            let ict = (0.3 + 0.6 * regime * uniform(&mut rng) + 0.1).min(1.0);
            let mut blocs = vec![i % REGIONS];
            if regime < 0.3 {
                blocs.push(auth);
            }
            StateSpec {
                id: format!("S{i}"),
                name: format!("State {i}"),
                regime,
                power,
                competence,
                ict,
                tags: Vec::new(),
                blocs,
                ideal: None,
                salience: None,
            }
        })
        .collect();
    let total: f64 = states.iter().map(|s| s.power).sum();
    states.iter_mut().for_each(|s| s.power /= total);
    let mut by_power: Vec<StateIx> = (0..n).collect();
    by_power.sort_by(|&a, &b| states[b].power.total_cmp(&states[a].power).then(a.cmp(&b)));
    for &i in by_power.iter().take(5) {
        states[i].tags.push(0);
    }
    let venues = (0..size.venues).map(|k| venue(k, &states)).collect();
    let kinds = [Kind::Norms, Kind::Cybercrime, Kind::Standards];
    let proposals = (0..size.proposals)
        .map(|j| ProposalSpec {
            id: format!("P{j}"),
            kind: kinds[j % 3],
            sponsor: by_power[j % by_power.len().min(10)],
            cosponsors: Vec::new(),
            position: None,
            introduced: 0,
            venue: None,
            max_moves: 3,
            procedural: None,
        })
        .collect();
    let mut blocs: Vec<BlocSpec> = (0..REGIONS)
        .map(|r| BlocSpec {
            id: format!("region{r}"),
            name: format!("Region {r}"),
            shift: Pos::default(),
            cohesion: None,
        })
        .collect();
    blocs.push(BlocSpec {
        id: "auth".into(),
        name: "Authoritarian cooperation".into(),
        shift: Pos::new(0.15, 0.15),
        cohesion: None,
    });
    Scenario {
        name: format!("generated-{}x{}", n, size.venues),
        description: "a generated world for the scaling benches".into(),
        rounds: size.rounds,
        start_year: 2000,
        seed,
        runs: 1,
        params: Params::default(),
        legacy: Pos::new(0.15, 0.2),
        stakeholder: StakeholderActor::default(),
        tags: vec!["p5".into()],
        blocs,
        states,
        venues,
        proposals,
        events: Vec::new(),
        targets: Vec::new(),
    }
}

/// Venue `k`: template `k % 6`, its region `k / 6 % 5` for quotas and founders.
fn venue(k: usize, states: &[StateSpec]) -> VenueSpec {
    let region = k / 6 % REGIONS;
    let n = states.len();
    let core = |liberal: bool| -> Vec<StateIx> {
        let pick = |i: &usize| {
            let r = states[*i].regime;
            states[*i].blocs[0] == region && if liberal { r > 0.75 } else { r < 0.25 }
        };
        let f: Vec<StateIx> = (0..n).filter(pick).collect();
        if f.is_empty() { vec![region] } else { f }
    };
    let mut v = VenueSpec {
        id: format!("v{k}"),
        name: format!("Venue {k}"),
        origin: Origin::Initial,
        membership: Membership::Open { universal: true },
        decision: Decision::Majority { threshold: 0.5 },
        stakeholders: Stakeholders::None,
        transparency: 0.5,
        privilege: 0.0,
        hosts: KindSet::of(&[Kind::Procedural, Kind::Norms, Kind::Cybercrime]),
        reach: Reach::Members,
        rules: Vec::new(),
        negotiation_rounds: 1,
        founders: Vec::new(),
    };
    match k % 6 {
        0 => {}
        1 => {
            v.membership = Membership::Appointed {
                seats: (n / 6).max(5),
                reserved: vec![0],
                term: 2,
                quota_by: (0..REGIONS).collect(),
            };
            v.decision = Decision::Consensus;
            v.transparency = 0.3;
            v.privilege = 0.2;
            v.hosts = KindSet::of(&[Kind::Norms]);
        }
        2 => {
            v.membership = Membership::Invitation {
                admit: Admit::Unanimity,
            };
            v.decision = Decision::Consensus;
            v.stakeholders = Stakeholders::Consultative { weight: 0.1 };
            v.transparency = 0.6;
            v.hosts = KindSet::of(&[Kind::Cybercrime]);
            v.rules = vec![(Kind::Cybercrime, Pos::new(0.2, 0.2))];
            v.founders = core(true);
        }
        3 => {
            v.stakeholders = Stakeholders::Consultative { weight: 0.1 };
            v.transparency = 0.4;
            v.hosts = KindSet::of(&[Kind::Standards]);
        }
        4 => {
            v.membership = Membership::Individuals;
            v.decision = Decision::RoughConsensus {
                threshold: 2.0 / 3.0,
            };
            v.stakeholders = Stakeholders::Full { weight: 0.6 };
            v.transparency = 0.95;
            v.hosts = KindSet::of(&[Kind::Standards]);
            v.reach = Reach::Global;
        }
        _ => {
            v.membership = Membership::Invitation {
                admit: Admit::Unanimity,
            };
            v.decision = Decision::Consensus;
            v.transparency = 0.1;
            v.privilege = 0.5;
            v.hosts = KindSet::of(&[Kind::Norms, Kind::Cybercrime]);
            v.founders = core(false);
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_proportions_are_as_asked_and_draws_repeat() {
        let size = Size {
            states: 300,
            venues: 12,
            proposals: 40,
            rounds: 3,
        };
        let sc = world(size, 1);
        assert_eq!(
            (sc.states.len(), sc.venues.len(), sc.proposals.len()),
            (300, 12, 40)
        );
        assert!((sc.states.iter().map(|s| s.power).sum::<f64>() - 1.0).abs() < 1e-9);
        let invitation = sc
            .venues
            .iter()
            .filter(|v| matches!(v.membership, Membership::Invitation { .. }))
            .count();
        assert_eq!(invitation, 4);
        assert!(sc.venues.iter().all(|v| match v.membership {
            Membership::Invitation { .. } => !v.founders.is_empty(),
            _ => true,
        }));
        let again = world(size, 1);
        assert_eq!(sc.states, again.states);
        assert_eq!(sc.venues, again.venues);
        // A generated world runs.
        let out = crate::engine::run(&sc, 0, Default::default());
        assert_eq!(out.rounds.len(), 3);
    }
}
