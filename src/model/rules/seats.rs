//! Seats of appointed venues (ODD §2, §7.9): reserved seats first, the rest split
//! across quota blocs by largest remainder and drawn without replacement, weighted by
//! `power^0.5 × competence`.

use crate::model::rng::SimRng;
use crate::model::spec::{BlocIx, Membership, StateIx};
use crate::model::stats::uniform;
use crate::model::world::World;

/// Seat weight of a candidate.
fn seat_weight(world: &World, i: StateIx) -> f64 {
    let s = &world.sc.states[i];
    s.power.sqrt() * s.competence
}

/// Reserved members and the candidate pool of each quota (one pool if no quotas).
fn pools(world: &World, membership: &Membership) -> (Vec<StateIx>, Vec<Vec<StateIx>>, usize) {
    let Membership::Appointed {
        seats,
        reserved,
        quota_by,
        ..
    } = membership
    else {
        return (Vec::new(), Vec::new(), 0);
    };
    let n = world.n_states();
    let reserved_states: Vec<StateIx> = (0..n)
        .filter(|&i| world.tags[i].iter().any(|t| reserved.contains(t)))
        .collect();
    // Each state's pool (`None`: reserved or in no quota bloc), then pools of their
    // exact size: one allocation per pool instead of one per doubling.
    let pool_of: Vec<Option<usize>> = (0..n)
        .map(|i| {
            if reserved_states.binary_search(&i).is_ok() {
                None
            } else if quota_by.is_empty() {
                Some(0)
            } else {
                first_quota(&world.sc.states[i].blocs, quota_by)
            }
        })
        .collect();
    let mut sizes = vec![0usize; quota_by.len().max(1)];
    for q in pool_of.iter().flatten() {
        sizes[*q] += 1;
    }
    let mut pools: Vec<Vec<StateIx>> = sizes.iter().map(|&k| Vec::with_capacity(k)).collect();
    for (i, q) in pool_of.iter().enumerate() {
        if let Some(q) = q {
            pools[*q].push(i);
        }
    }
    let free = seats.saturating_sub(reserved_states.len());
    (reserved_states, pools, free)
}

/// Index in `quota_by` of the first of `blocs` that is a quota bloc.
fn first_quota(blocs: &[BlocIx], quota_by: &[BlocIx]) -> Option<usize> {
    blocs
        .iter()
        .find_map(|b| quota_by.iter().position(|q| q == b))
}

/// Largest-remainder split of `seats` over pools of the given sizes (ties: earlier pool).
pub fn quotas(sizes: &[usize], seats: usize) -> Vec<usize> {
    let total: usize = sizes.iter().sum();
    if total == 0 {
        return vec![0; sizes.len()];
    }
    let seats = seats.min(total);
    let mut q: Vec<usize> = sizes.iter().map(|&s| s * seats / total).collect();
    let mut rem: Vec<(usize, usize)> = sizes
        .iter()
        .enumerate()
        .map(|(k, &s)| (s * seats % total, k))
        .collect();
    rem.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut left = seats - q.iter().sum::<usize>();
    for &(_, k) in &rem {
        if left == 0 {
            break;
        }
        if q[k] < sizes[k] {
            q[k] += 1;
            left -= 1;
        }
    }
    q
}

/// Draws the members of an appointed venue.
pub fn draw(world: &World, membership: &Membership, rng: &mut SimRng) -> Vec<StateIx> {
    let (mut members, pools, free) = pools(world, membership);
    let sizes: Vec<usize> = pools.iter().map(Vec::len).collect();
    for (pool, k) in pools.iter().zip(quotas(&sizes, free)) {
        let mut cand = pool.clone();
        // Weights once per pool, kept in step with `cand`: each draw still sums and scans
        // the remaining weights in candidate order (the same floating-point operations).
        let mut weight: Vec<f64> = cand.iter().map(|&i| seat_weight(world, i)).collect();
        for _ in 0..k {
            let total: f64 = weight.iter().sum();
            let pick = if total > 0.0 {
                let mut u = uniform(rng) * total;
                let mut pick = cand.len() - 1;
                for (j, &w) in weight.iter().enumerate() {
                    u -= w;
                    if u < 0.0 {
                        pick = j;
                        break;
                    }
                }
                pick
            } else {
                ((uniform(rng) * cand.len() as f64) as usize).min(cand.len() - 1)
            };
            weight.remove(pick);
            members.push(cand.remove(pick));
        }
    }
    members.sort_unstable();
    members
}

/// The strongest candidates per quota instead of a draw (forecasts, §7.9).
pub fn strongest(world: &World, membership: &Membership) -> Vec<StateIx> {
    let (mut members, pools, free) = pools(world, membership);
    let sizes: Vec<usize> = pools.iter().map(Vec::len).collect();
    for (pool, k) in pools.iter().zip(quotas(&sizes, free)) {
        let mut cand = pool.clone();
        cand.sort_by(|&a, &b| {
            seat_weight(world, b)
                .total_cmp(&seat_weight(world, a))
                .then(a.cmp(&b))
        });
        members.extend_from_slice(&cand[..k]);
    }
    members.sort_unstable();
    members
}

#[cfg(test)]
mod tests {
    use super::quotas;

    #[test]
    fn largest_remainder_quotas_add_up() {
        assert_eq!(quotas(&[54, 53, 23, 33, 29], 20), vec![6, 6, 2, 3, 3]);
        assert_eq!(quotas(&[1, 1], 5), vec![1, 1]);
        assert_eq!(quotas(&[3, 3, 3], 2), vec![1, 1, 0]);
        assert_eq!(quotas(&[], 2), Vec::<usize>::new());
    }
}
