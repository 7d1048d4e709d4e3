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

/// The working lists of a seat draw, kept by the engine between term boundaries so
/// that a draw does not allocate once they have grown to the size of the world.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    /// Each state's pool (`None`: reserved or in no quota bloc).
    pool_of: Vec<Option<usize>>,
    /// The candidates of each quota's pool, in state order; the first `sizes.len()`
    /// are this draw's.
    pools: Vec<Vec<StateIx>>,
    sizes: Vec<usize>,
    quotas: Vec<usize>,
    remainders: Vec<(usize, usize)>,
    keyed: Vec<(bool, f64, StateIx)>,
}

impl Scratch {
    /// Room for any draw in a world of `n` states whose venues split seats among at
    /// most `quotas` blocs: every list at its largest size, so that no later draw
    /// allocates (issue #17 item 3).
    pub fn with_room(n: usize, quotas: usize) -> Self {
        let quotas = quotas.max(1);
        Scratch {
            pool_of: Vec::with_capacity(n),
            pools: (0..quotas).map(|_| Vec::with_capacity(n)).collect(),
            sizes: Vec::with_capacity(quotas),
            quotas: Vec::with_capacity(quotas),
            remainders: Vec::with_capacity(quotas),
            keyed: Vec::with_capacity(n),
        }
    }
}

/// The reserved members into `members`, the candidate pool of each quota (one pool if
/// no quotas) into `sc.pools` and their seats into `sc.quotas`.
fn pools(world: &World, membership: &Membership, sc: &mut Scratch, members: &mut Vec<StateIx>) {
    members.clear();
    sc.sizes.clear();
    let free = match membership {
        Membership::Appointed {
            seats,
            reserved,
            quota_by,
            ..
        } => {
            let n = world.n_states();
            let holds = |i: StateIx| world.tags[i].iter().any(|t| reserved.contains(t));
            members.reserve((0..n).filter(|&i| holds(i)).count());
            members.extend((0..n).filter(|&i| holds(i)));
            let reserved_states = &members[..];
            sc.pool_of.clear();
            sc.pool_of.extend((0..n).map(|i| {
                if reserved_states.binary_search(&i).is_ok() {
                    None
                } else if quota_by.is_empty() {
                    Some(0)
                } else {
                    first_quota(&world.sc.states[i].blocs, quota_by)
                }
            }));
            sc.sizes.resize(quota_by.len().max(1), 0);
            for q in sc.pool_of.iter().flatten() {
                sc.sizes[*q] += 1;
            }
            if sc.pools.len() < sc.sizes.len() {
                sc.pools.resize_with(sc.sizes.len(), Vec::new);
            }
            // Reserved at their exact sizes: one allocation per pool in a fresh scratch
            // instead of one per doubling, none in a reused one.
            for (pool, &size) in sc.pools.iter_mut().zip(&sc.sizes) {
                pool.clear();
                pool.reserve(size);
            }
            for (i, q) in sc.pool_of.iter().enumerate() {
                if let Some(q) = q {
                    sc.pools[*q].push(i);
                }
            }
            seats.saturating_sub(reserved_states.len())
        }
        _ => 0,
    };
    quotas_into(&sc.sizes, free, &mut sc.quotas, &mut sc.remainders);
}

/// Index in `quota_by` of the first of `blocs` that is a quota bloc.
fn first_quota(blocs: &[BlocIx], quota_by: &[BlocIx]) -> Option<usize> {
    blocs
        .iter()
        .find_map(|b| quota_by.iter().position(|q| q == b))
}

/// Largest-remainder split of `seats` over pools of the given sizes (ties: earlier pool).
pub fn quotas(sizes: &[usize], seats: usize) -> Vec<usize> {
    let mut q = Vec::new();
    quotas_into(sizes, seats, &mut q, &mut Vec::new());
    q
}

/// [`quotas`] into `q`, with `rem` as working space (both reused buffers).
fn quotas_into(sizes: &[usize], seats: usize, q: &mut Vec<usize>, rem: &mut Vec<(usize, usize)>) {
    q.clear();
    let total: usize = sizes.iter().sum();
    if total == 0 {
        q.resize(sizes.len(), 0);
        return;
    }
    let seats = seats.min(total);
    q.extend(sizes.iter().map(|&s| s * seats / total));
    rem.clear();
    rem.extend(
        sizes
            .iter()
            .enumerate()
            .map(|(k, &s)| (s * seats % total, k)),
    );
    rem.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut left = seats - q.iter().sum::<usize>();
    for &(_, k) in rem.iter() {
        if left == 0 {
            break;
        }
        if q[k] < sizes[k] {
            q[k] += 1;
            left -= 1;
        }
    }
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
    let mut members = Vec::new();
    draw_into(
        world,
        membership,
        rng,
        &mut Scratch::default(),
        &mut members,
    );
    members
}

/// [`draw`] into `members`, with the working lists in `sc` (both reused buffers).
pub fn draw_into(
    world: &World,
    membership: &Membership,
    rng: &mut SimRng,
    sc: &mut Scratch,
    members: &mut Vec<StateIx>,
) {
    pools(world, membership, sc, members);
    let keyed = &mut sc.keyed;
    // Only the first `sizes.len()` pools are this draw's (a reused scratch may hold more).
    let n_pools = sc.sizes.len();
    for (pool, &k) in sc.pools[..n_pools].iter().zip(&sc.quotas) {
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
}

/// The strongest candidates per quota instead of a draw (forecasts, §7.9), into
/// `members`, with `sc` as working space (both reused buffers). Each pool is sorted in
/// place: the order is total (weight, then index), so no other order can come out.
pub fn strongest_into(
    world: &World,
    membership: &Membership,
    sc: &mut Scratch,
    members: &mut Vec<StateIx>,
) {
    pools(world, membership, sc, members);
    let n_pools = sc.sizes.len();
    for (pool, &k) in sc.pools[..n_pools].iter_mut().zip(&sc.quotas) {
        pool.sort_by(|&a, &b| {
            seat_weight(world, b)
                .total_cmp(&seat_weight(world, a))
                .then(a.cmp(&b))
        });
        members.extend_from_slice(&pool[..k]);
    }
    members.sort_unstable();
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
