//! Openness reform (ODD §7.7): the liberal "double transformation" and its
//! authoritarian mirror. A competent member tables a small change of transparency (and
//! stakeholder weight); members vote on openness alone; effective weight decides, except
//! that privileged members of highly privileged venues hold a veto.

use crate::model::outcome::Vote;
use crate::model::rng::SimRng;
use crate::model::spec::{StateIx, VenueIx};
use crate::model::stats::uniform;
use crate::model::world::World;

/// A reform tabled in a venue, with its vote.
#[derive(Debug, Clone, PartialEq)]
pub struct Reform {
    pub venue: VenueIx,
    pub proposer: StateIx,
    /// +1 opens, −1 closes.
    pub dir: f64,
    pub passed: bool,
    pub transparency: f64,
    pub stakeholder_weight: f64,
}

/// A member's vote on a reform in direction `dir` (§7.7).
pub fn reform_vote(openness: f64, transparency: f64, dir: f64, band: f64) -> Vote {
    let x = (openness - transparency) * dir;
    if x > band {
        Vote::Yes
    } else if x < -band {
        Vote::No
    } else {
        Vote::Abstain
    }
}

/// Whether a reform passes: yes weight above no weight, unless vetoed.
pub fn passes(yes_w: f64, no_w: f64, vetoed: bool) -> bool {
    !vetoed && yes_w > no_w
}

/// What a venue's reform draw depends on: (probability that no member tables a reform,
/// total competence of the members). A function of the member list only, so the engine
/// keeps it while a venue's membership stays the same.
pub fn odds(world: &World, v: VenueIx) -> (f64, f64) {
    let venue = &world.venues[v];
    let comp = |i: StateIx| world.sc.states[i].competence;
    let quiet: f64 = venue
        .members
        .iter()
        .map(|&i| 1.0 - world.p.reform_rate * comp(i))
        .product();
    let total: f64 = venue.members.iter().map(|&i| comp(i)).sum();
    (quiet, total)
}

/// Possibly tables and votes a reform in venue `v` (absences already drawn for the round).
pub fn step(world: &World, v: VenueIx, rng: &mut SimRng) -> Option<Reform> {
    step_with(world, v, || odds(world, v), rng, &mut Vec::new())
}

/// [`step`] with the venue's [`odds`] given (computed only if the venue may reform),
/// writing every member's vote into `votes` (index order, absent members as `Absent`;
/// a buffer the engine reuses): filled only when a reform is tabled.
pub fn step_with(
    world: &World,
    v: VenueIx,
    odds: impl FnOnce() -> (f64, f64),
    rng: &mut SimRng,
    votes: &mut Vec<(StateIx, Vote)>,
) -> Option<Reform> {
    let venue = &world.venues[v];
    if !venue.active || !venue.has_state_membership() || venue.members.is_empty() {
        return None;
    }
    let comp = |i: StateIx| world.sc.states[i].competence;
    let (quiet, total) = odds();
    if uniform(rng) >= 1.0 - quiet {
        return None;
    }
    let mut u = uniform(rng) * total;
    let mut proposer = *venue.members.last()?;
    for &i in &venue.members {
        u -= comp(i);
        if u < 0.0 {
            proposer = i;
            break;
        }
    }
    let openness = |i: StateIx| 1.0 - world.ideal[i].m;
    let dir = if openness(proposer) > venue.transparency {
        1.0
    } else {
        -1.0
    };
    let (mut yes_w, mut no_w, mut vetoed, mut present) = (0.0, 0.0, false, 0usize);
    votes.clear();
    votes.extend(venue.members.iter().map(|&i| {
        if venue.absent[i] {
            return (i, Vote::Absent);
        }
        present += 1;
        let vote = reform_vote(openness(i), venue.transparency, dir, world.p.reform_band);
        match vote {
            Vote::Yes => yes_w += world.eff_weight(i, v),
            Vote::No => {
                no_w += world.eff_weight(i, v);
                vetoed |= venue.privilege >= 0.5 && world.is_privileged(i, v);
            }
            _ => {}
        }
        (i, vote)
    }));
    let passed = present as f64 >= world.p.min_present && passes(yes_w, no_w, vetoed);
    let step = world.p.reform_step * dir;
    let transparency = (venue.transparency + step).clamp(0.0, 1.0);
    let stakeholder_weight = match venue.stakeholders {
        crate::model::spec::Stakeholders::None => 0.0,
        s => (s.weight() + step).clamp(0.0, world.p.max_stakeholder_weight),
    };
    Some(Reform {
        venue: v,
        proposer,
        dir,
        passed,
        transparency,
        stakeholder_weight,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reform_votes_follow_openness_with_a_band() {
        assert_eq!(reform_vote(0.8, 0.5, 1.0, 0.1), Vote::Yes);
        assert_eq!(reform_vote(0.2, 0.5, 1.0, 0.1), Vote::No);
        assert_eq!(reform_vote(0.55, 0.5, 1.0, 0.1), Vote::Abstain);
        assert_eq!(reform_vote(0.2, 0.5, -1.0, 0.1), Vote::Yes);
    }

    #[test]
    fn effective_weight_decides_unless_vetoed() {
        assert!(passes(2.0, 1.0, false));
        assert!(!passes(1.0, 2.0, false));
        assert!(!passes(2.0, 1.0, true));
    }
}
