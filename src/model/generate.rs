//! Generated worlds of any size, for the scaling benches (docs/PERFORMANCE.md): `n` states,
//! `m` venues and `p` proposals in the proportions of the stylized scenario, built
//! directly as a [`Scenario`] (no TOML), the same for the same arguments.
//!
//! States fall into five regional blocs (every state in one) and an authoritarian bloc;
//! the five most powerful carry the `p5` tag. Venues repeat six templates in the image of
//! the reference settings of ODD §2 — a universal majority venue, an appointed
//! expert group (one seat per six states, quotas by region), a liberal invitation venue,
//! a universal standards venue, an individuals venue and an authoritarian invitation
//! venue — so the share of each membership type stays the same at every size. The
//! invitation venues' founders are the members of one region's liberal or authoritarian
//! core, so they grow with `n` like the real ones would.

use super::params::Params;
use super::policy::{Kind, KindSet, Pos};
use super::spec::*;
use super::testkit;
use crate::model::rng::run_rng;
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
        .map(|j| {
            let sponsor = by_power[j % by_power.len().min(10)];
            testkit::proposal(&format!("P{j}"), kinds[j % 3], sponsor, None)
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
        description: format!(
            "A generated world: {n} states in five regions, {} venues from six templates, {} proposals",
            size.venues, size.proposals
        ),
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
        election_targets: Vec::new(),
        facts: Vec::new(),
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
    let mut v = testkit::venue(
        &format!("v{k}"),
        Membership::Open { universal: true },
        Decision::Majority { threshold: 0.5 },
        &[Kind::Procedural, Kind::Norms, Kind::Cybercrime],
    );
    v.name = format!("Venue {k}");
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

/// The generated world of [`world`] as a scenario file: what `forumsim new NAME
/// --generate SIZE` writes, so that a modeler can run, edit and sweep a world of any
/// size like any other scenario. Loading the text gives back [`world`]'s scenario
/// (a test compares the two: equal except that the loader normalises power to sum 1
/// once more, which may move its last bit); floats are written in Rust's shortest
/// round-trip form.
///
/// It writes the features the generator uses (explicit states, blocs, the six venue
/// templates, proposals), not every scenario feature. `name` names the scenario
/// (`None`: the generator's own name, `generated-STATESxVENUES`).
pub fn toml(size: Size, seed: u64, name: Option<&str>) -> String {
    use std::fmt::Write as _;
    let mut sc = world(size, seed);
    if let Some(name) = name {
        sc.name = name.to_string();
    }
    let mut t = String::new();
    let q = |x: &str| format!("{x:?}");
    let list = |xs: Vec<String>| format!("[{}]", xs.join(", "));
    let pair = |p: Pos| format!("[{:?}, {:?}]", p.m, p.s);
    let kinds = |k: &KindSet| {
        list(
            Kind::ALL
                .iter()
                .filter(|&&x| k.contains(x))
                .map(|x| q(x.as_str()))
                .collect(),
        )
    };
    let blocs = |b: &[BlocIx]| list(b.iter().map(|&i| q(&sc.blocs[i].id)).collect());
    let states = |b: &[StateIx]| list(b.iter().map(|&i| q(&sc.states[i].id)).collect());
    // Writing into a String cannot fail.
    let _ = writeln!(
        t,
        "# Generated by `forumsim new {} --generate {}x{}x{}x{} --seed {seed}`: {} states in five\n\
         # regions and an authoritarian bloc, venues repeating six templates (universal\n\
         # majority, appointed expert group, liberal invitation club, standards body,\n\
         # individuals venue, authoritarian invitation club), {} proposals at round 0.\n\
         # See forumsim::model::generate and docs/PERFORMANCE.md.\n",
        sc.name,
        size.states,
        size.venues,
        size.proposals,
        size.rounds,
        sc.states.len(),
        sc.proposals.len()
    );
    let _ = writeln!(t, "name = {}", q(&sc.name));
    let _ = writeln!(t, "description = {}", q(&sc.description));
    let _ = writeln!(t, "rounds = {}", sc.rounds);
    let _ = writeln!(t, "start_year = {}", sc.start_year);
    let _ = writeln!(t, "seed = {}", sc.seed);
    let _ = writeln!(t, "runs = {}", sc.runs);
    let _ = writeln!(t, "legacy = {}\n", pair(sc.legacy));
    for b in &sc.blocs {
        let _ = writeln!(t, "[[bloc]]\nid = {}\nname = {}", q(&b.id), q(&b.name));
        if b.shift != Pos::default() {
            let _ = writeln!(t, "shift = {}", pair(b.shift));
        }
        t.push('\n');
    }
    for s in &sc.states {
        let _ = writeln!(
            t,
            "[[state]]\nid = {}\nname = {}\nregime = {:?}\npower = {:?}\ncompetence = {:?}\nict = {:?}\nblocs = {}",
            q(&s.id),
            q(&s.name),
            s.regime,
            s.power,
            s.competence,
            s.ict,
            blocs(&s.blocs)
        );
        if !s.tags.is_empty() {
            let tags = s.tags.iter().map(|&k| q(&sc.tags[k])).collect();
            let _ = writeln!(t, "tags = {}", list(tags));
        }
        t.push('\n');
    }
    for v in &sc.venues {
        let membership = match &v.membership {
            Membership::Open { universal: true } => "{ type = \"open\", initial = \"all\" }".into(),
            Membership::Open { universal: false } => "{ type = \"open\" }".into(),
            Membership::Individuals => "\"individuals\"".into(),
            Membership::Invitation { admit } => {
                format!("{{ type = \"invitation\", admit = {} }}", q(admit.as_str()))
            }
            Membership::Appointed {
                seats,
                reserved,
                term,
                quota_by,
            } => format!(
                "{{ type = \"appointed\", seats = {seats}, reserved = {}, term = {term}, quota_by = {} }}",
                list(reserved.iter().map(|&k| q(&sc.tags[k])).collect()),
                blocs(quota_by)
            ),
        };
        let decision = match v.decision {
            Decision::Consensus => "\"consensus\"".into(),
            Decision::ConsensusFirst { threshold } => {
                format!("{{ type = \"consensus_first\", threshold = {threshold:?} }}")
            }
            Decision::Majority { threshold } => {
                format!("{{ type = \"majority\", threshold = {threshold:?} }}")
            }
            Decision::Supermajority { threshold } => {
                format!("{{ type = \"supermajority\", threshold = {threshold:?} }}")
            }
            Decision::RoughConsensus { threshold } => {
                format!("{{ type = \"rough_consensus\", threshold = {threshold:?} }}")
            }
        };
        let stakeholders = match v.stakeholders {
            Stakeholders::None => "\"none\"".into(),
            Stakeholders::Consultative { weight } => {
                format!("{{ type = \"consultative\", weight = {weight:?} }}")
            }
            Stakeholders::Full { weight } => format!("{{ type = \"full\", weight = {weight:?} }}"),
        };
        let reach = match v.reach {
            Reach::Members => "members",
            Reach::Global => "global",
        };
        let _ = writeln!(
            t,
            "[[venue]]\nid = {}\nname = {}\nmembership = {membership}\ndecision = {decision}\n\
             stakeholders = {stakeholders}\ntransparency = {:?}\nprivilege = {:?}\nhosts = {}\n\
             reach = {}\nnegotiation_rounds = {}",
            q(&v.id),
            q(&v.name),
            v.transparency,
            v.privilege,
            kinds(&v.hosts),
            q(reach),
            v.negotiation_rounds
        );
        if !v.rules.is_empty() {
            let rules: Vec<String> = v
                .rules
                .iter()
                .map(|&(k, p)| format!("{} = {}", k.as_str(), pair(p)))
                .collect();
            let _ = writeln!(t, "rules = {{ {} }}", rules.join(", "));
        }
        if !v.founders.is_empty() {
            let _ = writeln!(t, "founders = {}", states(&v.founders));
        }
        t.push('\n');
    }
    for p in &sc.proposals {
        // Generated proposals always have a sponsor (a great power).
        let sponsor = p.sponsor.map_or("", |s| sc.states[s].id.as_str());
        let _ = writeln!(
            t,
            "[[proposal]]\nid = {}\nkind = {}\nsponsor = {}\nintroduced = {}\nmax_moves = {}\n",
            q(&p.id),
            q(p.kind.as_str()),
            q(sponsor),
            p.introduced,
            p.max_moves
        );
    }
    t
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
    }
}
