//! Seats of appointed venues (ODD §2, §7.9): reserved seats first, the rest split
//! across quota blocs by largest remainder and drawn without replacement, weighted by
//! `power^0.5 × competence` (Efraimidis–Spirakis keys, departure 50).

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

/// Draws the members of an appointed venue: within each pool, `k` seats without
/// replacement, with probability proportional to the seat weight, by
/// Efraimidis–Spirakis keys (ODD 7.9, departure 50). Each candidate of a pool that fills
/// some but not all of its candidates draws one uniform `u` (pool order) and gets the
/// key `ln(u) / w`; the `k` largest keys sit. This is the distribution of `k` successive
/// weighted draws, at O(n) per pool instead of O(k · n): the sequential scans made a
/// term boundary quadratic in the number of states. Candidates of weight 0 rank below
/// every positive weight, and among themselves by `u` (a uniform draw when every weight
/// is 0).
pub fn draw(world: &World, membership: &Membership, rng: &mut SimRng) -> Vec<StateIx> {
    let (mut members, pools, free) = pools(world, membership);
    let sizes: Vec<usize> = pools.iter().map(Vec::len).collect();
    let mut keyed: Vec<(bool, f64, StateIx)> = Vec::new();
    for (pool, k) in pools.iter().zip(quotas(&sizes, free)) {
        if k >= pool.len() {
            members.extend_from_slice(pool);
            continue;
        }
        if k == 0 {
            continue;
        }
        keyed.clear();
        keyed.extend(pool.iter().map(|&i| {
            let (u, w) = (uniform(rng), seat_weight(world, i));
            if w > 0.0 {
                (true, u.ln() / w, i)
            } else {
                (false, u, i)
            }
        }));
        // Largest keys first; ties (probability 0) go to the lower index.
        keyed.select_nth_unstable_by(k - 1, |a, b| {
            b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2))
        });
        members.extend(keyed[..k].iter().map(|c| c.2));
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
