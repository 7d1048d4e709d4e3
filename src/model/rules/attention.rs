//! Attention (ODD §7.5): every state splits its procedural capacity over the venues
//! it takes part in, toward where its stakes are, smoothed over rounds. This is how
//! liberal states "belatedly intensify" where an authoritarian proposal may pass.

use super::forecast::ProceduralScratch;
use super::membership::{agenda_subjects_into, stake};
use super::vote::Subject;
use crate::model::stats::softmax;
use crate::model::world::World;

/// New attention shares: `a[v][i]` (0 where `i` does not take part) and `n[i]`, the number
/// of venues `i` takes part in.
#[derive(Debug, Clone, PartialEq)]
pub struct Attention {
    pub a: Vec<Vec<f64>>,
    pub n: Vec<u32>,
}

impl Attention {
    /// Room for every venue and state of `world` (issue #17 item 3).
    pub fn with_room(world: &World) -> Self {
        let n = world.n_states();
        Attention {
            a: (0..world.venues.len())
                .map(|_| Vec::with_capacity(n))
                .collect(),
            n: Vec::with_capacity(n),
        }
    }
}

/// The working buffers of [`step_into`], kept by the engine between rounds so that the
/// round loop reuses them instead of allocating.
#[derive(Debug, Default)]
pub struct Scratch {
    subjects: Vec<Vec<(f64, Subject)>>,
    mine: Vec<usize>,
    scores: Vec<f64>,
    cur: Vec<f64>,
    target: Vec<f64>,
    procedural: ProceduralScratch,
}

impl Scratch {
    /// Room for `world`'s venues, each with every proposal on its agenda (issue #17
    /// item 3): the step then never allocates.
    pub fn with_room(world: &World) -> Self {
        let (p, v) = (world.proposals.len(), world.venues.len());
        Scratch {
            subjects: (0..v).map(|_| Vec::with_capacity(p)).collect(),
            mine: Vec::with_capacity(v),
            scores: Vec::with_capacity(v),
            cur: Vec::with_capacity(v),
            target: Vec::with_capacity(v),
            procedural: ProceduralScratch::with_room(world),
        }
    }
}

/// Computes every state's new attention from the agendas and memberships of now.
pub fn step(world: &World) -> Attention {
    let mut out = Attention {
        a: Vec::new(),
        n: Vec::new(),
    };
    step_into(world, &mut out, &mut Scratch::default());
    out
}

/// [`step`] into a reused buffer (the engine keeps one per run, so the round loop does
/// not allocate a states × venues matrix every round), with reused working buffers.
pub fn step_into(world: &World, out: &mut Attention, scratch: &mut Scratch) {
    let n_states = world.n_states();
    let Scratch {
        subjects,
        mine,
        scores,
        cur,
        target,
        procedural,
    } = scratch;
    subjects.resize_with(world.venues.len(), Vec::new);
    for (v, venue) in world.venues.iter().enumerate() {
        if venue.active {
            agenda_subjects_into(world, v, &mut subjects[v], procedural);
        } else {
            for (_, subject) in subjects[v].drain(..) {
                procedural.recycle(subject);
            }
        }
    }
    out.a.resize_with(world.venues.len(), Vec::new);
    for a in out.a.iter_mut() {
        a.clear();
        a.resize(n_states, 0.0);
    }
    out.n.clear();
    out.n.resize(n_states, 0);
    let (a, n) = (&mut out.a, &mut out.n);
    for i in 0..n_states {
        mine.clear();
        scores.clear();
        cur.clear();
        for (v, venue) in world.venues.iter().enumerate() {
            if venue.active && venue.member[i] {
                mine.push(v);
                let st = if subjects[v].is_empty() {
                    0.0
                } else {
                    stake(world, i, &subjects[v])
                };
                scores.push(world.p.attention_base + st);
                cur.push(venue.attention[i]);
            }
        }
        let k = mine.len();
        n[i] = k as u32;
        if k == 0 {
            continue;
        }
        // A venue new to the state starts at 1/n; then shares are renormalised.
        for c in cur.iter_mut() {
            if *c <= 0.0 {
                *c = 1.0 / k as f64;
            }
        }
        let total: f64 = cur.iter().sum();
        cur.iter_mut().for_each(|c| *c /= total);
        // Scores are relative to the largest; with nothing at stake anywhere (possible
        // when attention_base = 0) every venue gets the same target.
        let max = scores.iter().cloned().fold(0.0, f64::max);
        let scale = if max > 0.0 {
            world.p.attention_temperature * max
        } else {
            1.0
        };
        for s in scores.iter_mut() {
            *s /= scale;
        }
        softmax(scores, 1.0, target);
        for (j, &v) in mine.iter().enumerate() {
            a[v][i] = 0.5 * (cur[j] + target[j]);
        }
    }
}
