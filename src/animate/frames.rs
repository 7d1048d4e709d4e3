//! What each frame of the replay shows, read off one run's records.
//!
//! States' ideal points are not recorded, so they are rebuilt exactly as the engine
//! moves them: drawn at setup from the first draws of the run's own stream
//! ([`init::ideals`]), shifted by `ideal_shift` events at the start of their round, and
//! (when `socialisation` > 0) pulled toward every adopted rule, in decision order, for
//! the venue's members of that round (the recorded memberships). No other step
//! moves an ideal, so the dots are where the engine had them.

use crate::engine::{DecisionKind, RunResult, run_rng};
use crate::explain::{self, Fact, Opened, RoundFacts};
use crate::model::rules::init;
use crate::model::{Event, Kind, Pos, Scenario, Target};
use std::collections::BTreeMap;

/// Regime classes of the colour scale (upper bounds; the last class is open).
pub const REGIME_BOUNDS: [f64; 4] = [0.2, 0.4, 0.6, 0.8];
/// Number of regime classes.
pub const CLASSES: usize = REGIME_BOUNDS.len() + 1;

/// The class of a regime score (0 = most autocratic).
pub fn regime_class(regime: f64) -> usize {
    REGIME_BOUNDS.iter().filter(|&&b| regime >= b).count()
}

/// One venue in one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct VenueMark {
    /// Index in the run's venue table (fixes its colour across frames).
    pub index: usize,
    pub id: String,
    /// Member states (from venues.csv: every state for individuals venues).
    pub members: u32,
    /// Members by regime class (from the recorded memberships; all zero when the venue
    /// has no state membership).
    pub by_class: [u32; CLASSES],
    /// Its rules at the end of the year: (kind, position).
    pub rules: Vec<(Kind, Pos)>,
}

/// One frame: the world at the end of one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub round: u32,
    pub year: i32,
    /// (ideal, regime class) per state, in state order.
    pub states: Vec<(Pos, usize)>,
    pub venues: Vec<VenueMark>,
    /// Short captions of the year's key events.
    pub captions: Vec<String>,
    pub ami: f64,
}

/// Every state's ideal at the end of every round (outer index = round).
pub fn ideals(sc: &Scenario, r: &RunResult) -> Vec<Vec<Pos>> {
    let mut rng = run_rng(r.seed, r.run);
    let mut ideal = init::ideals(sc, &sc.params, &mut rng);
    let s = sc.params.socialisation;
    let mut members: BTreeMap<(u32, u32), Vec<usize>> = BTreeMap::new();
    if s > 0.0 {
        for a in &r.attention {
            members
                .entry((a.round, a.venue))
                .or_default()
                .push(a.state as usize);
        }
    }
    let mut out = Vec::with_capacity(r.rounds.len());
    for row in &r.rounds {
        for ev in sc.events.iter().filter(|e| e.round == row.round) {
            if let Event::IdealShift { target, dm, ds } = &ev.event {
                let who: Vec<usize> = match target {
                    Target::State(i) => vec![*i],
                    Target::Bloc(b) => (0..sc.states.len())
                        .filter(|&i| sc.states[i].blocs.contains(b))
                        .collect(),
                };
                for i in who {
                    ideal[i] = Pos::new(ideal[i].m + dm, ideal[i].s + ds).clamped();
                }
            }
        }
        if s > 0.0 {
            let adopted = r.decisions.iter().filter(|d| {
                d.round == row.round
                    && d.what == DecisionKind::Proposal
                    && d.adopted
                    && d.kind.is_substantive()
            });
            for d in adopted {
                for &i in members.get(&(row.round, d.venue)).into_iter().flatten() {
                    ideal[i] = ideal[i].lerp(d.position, s);
                }
            }
        }
        out.push(ideal.clone());
    }
    out
}

/// The frames of run `r` of `sc`, one per round. `r` must be recorded with states
/// (memberships) for the regime make-up of venues.
pub fn frames(sc: &Scenario, r: &RunResult) -> Vec<Frame> {
    let ideals = ideals(sc, r);
    let facts = explain::facts(sc, r);
    let class: Vec<usize> = sc.states.iter().map(|s| regime_class(s.regime)).collect();
    let mut by_class: BTreeMap<(u32, u32), [u32; CLASSES]> = BTreeMap::new();
    for a in &r.attention {
        by_class.entry((a.round, a.venue)).or_default()[class[a.state as usize]] += 1;
    }
    let mut rules: BTreeMap<(u32, u32), Vec<(Kind, Pos)>> = BTreeMap::new();
    for x in &r.rules {
        rules
            .entry((x.round, x.venue))
            .or_default()
            .push((x.kind, x.rule));
    }
    r.rounds
        .iter()
        .zip(ideals)
        .zip(&facts)
        .map(|((row, ideal), rf)| Frame {
            round: row.round,
            year: row.year,
            states: ideal.into_iter().zip(class.iter().copied()).collect(),
            venues: r
                .venues
                .iter()
                .filter(|v| v.round == row.round)
                .map(|v| VenueMark {
                    index: v.venue as usize,
                    id: r.venue_names[v.venue as usize].clone(),
                    members: v.members,
                    by_class: composition(&by_class, row.round, v.venue, v.members),
                    rules: rules
                        .get(&(row.round, v.venue))
                        .cloned()
                        .unwrap_or_default(),
                })
                .collect(),
            captions: captions(rf),
            ami: row.ami,
        })
        .collect()
}

/// Members of `venue` by regime class at the end of `round`. Memberships are recorded
/// at the attention step, so a venue created later in its first round (by an adopted
/// procedural proposal) has none that round: its members then are the ones recorded
/// at the next round, when their count matches. Otherwise (no state membership, or no
/// match) all zero, drawn as a plain bar.
fn composition(
    by_class: &BTreeMap<(u32, u32), [u32; CLASSES]>,
    round: u32,
    venue: u32,
    members: u32,
) -> [u32; CLASSES] {
    let total = |c: &[u32; CLASSES]| c.iter().sum::<u32>();
    if let Some(c) = by_class.get(&(round, venue)) {
        return *c;
    }
    match by_class.get(&(round + 1, venue)) {
        Some(c) if total(c) == members => *c,
        _ => [0; CLASSES],
    }
}

/// The key facts of a round as short captions (see [`explain::key_facts`]).
pub fn captions(rf: &RoundFacts) -> Vec<String> {
    explain::key_facts(rf)
        .into_iter()
        .filter_map(|f| match f {
            Fact::Event { text, .. } => Some(text.clone()),
            // Venues opened by an event or a bloc already have a caption (the event,
            // "founds ... for"); only a procedural creation needs its own.
            Fact::VenueOpened {
                venue,
                by: Opened::Proposal(p),
                ..
            } => Some(format!("{venue} created by {p}")),
            Fact::Decided {
                venue,
                proposal,
                tally,
                adopted,
                ..
            } => Some(format!(
                "{venue} {} {proposal} {}-{}",
                if *adopted { "adopts" } else { "rejects" },
                tally.yes,
                tally.no
            )),
            Fact::Election { venue, winner, .. } => {
                Some(format!("{venue} election: {winner} wins"))
            }
            Fact::Tabled {
                proposal,
                sponsor,
                chosen,
                created: true,
                ..
            } => Some(format!(
                "{sponsor} founds {} for {proposal}",
                chosen.venue.as_deref().unwrap_or("a venue")
            )),
            Fact::Tabled {
                proposal,
                sponsor,
                chosen,
                moved_from: Some(from),
                ..
            } => Some(format!(
                "{sponsor} moves {proposal} {from} → {}",
                chosen.venue.as_deref().unwrap_or("?")
            )),
            Fact::Held {
                proposal, sponsor, ..
            } => Some(format!("{sponsor} abandons {proposal}")),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, RunOptions};
    use crate::model::{EventSpec, testkit};

    fn opts() -> RunOptions {
        RunOptions {
            votes: true,
            states: true,
            why: false,
        }
    }

    #[test]
    fn regime_classes_split_at_the_bounds() {
        assert_eq!(regime_class(0.0), 0);
        assert_eq!(regime_class(0.19), 0);
        assert_eq!(regime_class(0.2), 1);
        assert_eq!(regime_class(0.5), 2);
        assert_eq!(regime_class(0.95), 4);
    }

    #[test]
    fn a_venue_without_rows_this_round_borrows_a_matching_next_roster() {
        let mut m = BTreeMap::new();
        m.insert((3, 7), [1, 0, 0, 0, 2]);
        assert_eq!(composition(&m, 3, 7, 3), [1, 0, 0, 0, 2]);
        assert_eq!(composition(&m, 2, 7, 3), [1, 0, 0, 0, 2]);
        assert_eq!(composition(&m, 2, 7, 4), [0; CLASSES]);
        assert_eq!(composition(&m, 1, 7, 3), [0; CLASSES]);
    }

    #[test]
    fn one_frame_per_round_with_every_state() {
        let sc = testkit::toy();
        let r = engine::run(&sc, 0, opts());
        let f = frames(&sc, &r);
        assert_eq!(f.len(), r.rounds.len());
        for fr in &f {
            assert_eq!(fr.states.len(), sc.states.len());
            assert!(!fr.venues.is_empty());
        }
    }

    #[test]
    fn an_ideal_shift_moves_the_dots_from_its_round() {
        let mut sc = testkit::toy();
        let r0 = engine::run(&sc, 0, opts());
        let before = ideals(&sc, &r0);
        sc.events.push(EventSpec {
            round: 2,
            event: Event::IdealShift {
                target: Target::State(0),
                dm: 0.1,
                ds: -0.1,
            },
            label: "shift".into(),
        });
        let r = engine::run(&sc, 0, opts());
        let after = ideals(&sc, &r);
        assert_eq!(before[1][0], after[1][0]);
        let want = Pos::new(before[2][0].m + 0.1, before[2][0].s - 0.1).clamped();
        assert!((after[2][0].m - want.m).abs() < 1e-12);
        assert!((after[2][0].s - want.s).abs() < 1e-12);
    }

    #[test]
    fn with_socialisation_members_drift_toward_adopted_rules() {
        let mut sc = testkit::toy();
        sc.params.socialisation = 0.5;
        let r = engine::run(&sc, 0, opts());
        let adopted = r
            .decisions
            .iter()
            .find(|d| d.what == DecisionKind::Proposal && d.adopted && d.kind.is_substantive());
        let Some(d) = adopted else {
            return; // nothing adopted in the toy run: nothing to drift toward
        };
        let ideals = ideals(&sc, &r);
        let member = r
            .attention
            .iter()
            .find(|a| a.round == d.round && a.venue == d.venue)
            .map(|a| a.state as usize)
            .expect("a venue that adopts has members");
        let prev = if d.round == 0 {
            init::ideals(&sc, &sc.params, &mut run_rng(r.seed, r.run))[member]
        } else {
            ideals[d.round as usize - 1][member]
        };
        let now = ideals[d.round as usize][member];
        assert!(now.dist(d.position) < prev.dist(d.position) + 1e-12);
    }
}
