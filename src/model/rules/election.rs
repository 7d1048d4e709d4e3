//! Elections (ODD §7.10): each present member votes for the candidate closest to its
//! ideal, discounted by the candidate's lost legitimacy unless they share a bloc.

use crate::model::rng::SimRng;
use crate::model::spec::{StateIx, VenueIx};
use crate::model::stats::std_normal;
use crate::model::world::World;

/// Holds an election in venue `v` among `candidates` (absences drawn for the round):
/// the votes per candidate, in candidate order, into `tally` (a reused buffer), and
/// (index into `candidates` of the winner — most votes, ties to the earlier candidate —,
/// members absent).
pub fn hold(
    world: &World,
    v: VenueIx,
    candidates: &[StateIx],
    rng: &mut SimRng,
    tally: &mut Vec<u32>,
) -> (usize, u32) {
    let venue = &world.venues[v];
    tally.clear();
    tally.resize(candidates.len(), 0);
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
    (winner, absent)
}
