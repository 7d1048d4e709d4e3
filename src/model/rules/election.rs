//! Elections (ODD §7.10): each present member votes for the candidate closest to its
//! ideal, discounted by the candidate's lost legitimacy unless they share a bloc.

use crate::model::rng::SimRng;
use crate::model::spec::{StateIx, VenueIx};
use crate::model::stats::std_normal;
use crate::model::world::World;

/// The result of an election.
#[derive(Debug, Clone, PartialEq)]
pub struct Election {
    pub venue: VenueIx,
    pub candidates: Vec<StateIx>,
    /// Votes per candidate, in candidate order.
    pub tally: Vec<u32>,
    /// Index into `candidates` of the winner (most votes; ties to the earlier candidate).
    pub winner: usize,
    pub absent: u32,
}

/// Holds an election in venue `v` among `candidates` (absences drawn for the round).
pub fn hold(world: &World, v: VenueIx, candidates: &[StateIx], rng: &mut SimRng) -> Election {
    let venue = &world.venues[v];
    let mut tally = vec![0u32; candidates.len()];
    let mut absent = 0;
    for &i in &venue.members {
        if venue.absent[i] {
            absent += 1;
            continue;
        }
        let mut best = (f64::NEG_INFINITY, 0);
        for (k, &c) in candidates.iter().enumerate() {
            let mut score =
                -world.ideal[i].dist2(world.ideal[c], world.p.scope_weight) * world.salience[i];
            if !world.share_bloc(i, c) {
                score -= world.p.stigma * (1.0 - world.legitimacy[c]);
            }
            score += world.p.vote_noise * std_normal(rng);
            if score > best.0 {
                best = (score, k);
            }
        }
        if !candidates.is_empty() {
            tally[best.1] += 1;
        }
    }
    let winner = (0..candidates.len()).fold(0, |w, k| if tally[k] > tally[w] { k } else { w });
    Election {
        venue: v,
        candidates: candidates.to_vec(),
        tally,
        winner,
        absent,
    }
}
