//! Sensitivity designs: Saltelli's Sobol' design and Morris trajectories, as points
//! of the unit cube (scaled to the axes' ranges by [`scale`]).
//!
//! Both use SALib's row layout, so a design exported here is one SALib would build
//! and a SALib design can be analysed by `forumsim sensitivity`:
//! - Sobol' (Saltelli 2010): per base sample j, the rows `A_j`, `AB_j^1..AB_j^d`,
//!   (with second order: `BA_j^1..BA_j^d`), `B_j`; A and B are the first and last d
//!   coordinates of point j of a 2d-dimensional Sobol' sequence; `AB^i` is A with
//!   column i from B, `BA^i` B with column i from A.
//! - Morris (1991): r trajectories of d+1 rows, each row one step of ±Δ in one factor
//!   on a p-level grid, Δ = p / (2(p-1)).

use super::sobolseq;
use crate::engine::run_rng;
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// ChaCha12 stream of the experiment seed that draws Morris trajectories.
pub const MORRIS_STREAM: u64 = u64::MAX - 2;

/// Which sensitivity method a design serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Sobol,
    Morris,
}

/// What `forumsim sensitivity` needs to know of a design (kept in `sweep.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensInfo {
    pub method: Method,
    /// Sobol': base samples N; Morris: trajectories r.
    pub samples: u32,
    /// Sobol' only: whether the `BA` rows (second-order indices) are present.
    #[serde(default)]
    pub second_order: bool,
    /// Morris only: grid levels p (0 for Sobol').
    #[serde(default)]
    pub levels: u32,
    /// Axis names (paths, or x1.. for test functions) and ranges.
    pub names: Vec<String>,
    pub bounds: Vec<[f64; 2]>,
}

impl SensInfo {
    /// Rows per base sample (Sobol') or per trajectory (Morris).
    pub fn block(&self) -> usize {
        let d = self.names.len();
        match self.method {
            Method::Sobol if self.second_order => 2 * d + 2,
            Method::Sobol => d + 2,
            Method::Morris => d + 1,
        }
    }
}

/// Saltelli's design for `d` factors and `n` base samples, in the unit cube:
/// `n · (d + 2)` rows, or `n · (2d + 2)` with second order. `2d` must be at most
/// [`sobolseq::MAX_DIMS`].
pub fn saltelli(n: usize, d: usize, second_order: bool) -> Vec<Vec<f64>> {
    let base = sobolseq::points(n, 2 * d);
    let mut rows = Vec::with_capacity(n * if second_order { 2 * d + 2 } else { d + 2 });
    for p in &base {
        let (a, b) = p.split_at(d);
        rows.push(a.to_vec());
        for i in 0..d {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            rows.push(ab);
        }
        if second_order {
            for i in 0..d {
                let mut ba = b.to_vec();
                ba[i] = a[i];
                rows.push(ba);
            }
        }
        rows.push(b.to_vec());
    }
    rows
}

/// One Morris trajectory: a random start on the p-level grid and a random order and
/// direction of the d steps of size Δ (the construction of Morris 1991, written
/// directly: a factor stepping down starts Δ higher, so every row stays in [0, 1]).
fn trajectory(rng: &mut crate::engine::SimRng, d: usize, levels: u32) -> Vec<Vec<f64>> {
    let p = f64::from(levels);
    let delta = p / (2.0 * (p - 1.0));
    // Start levels 0..p/2 (values 0..1-Δ), so that x + Δ stays on the grid.
    let starts = (levels / 2) as usize;
    let mut x: Vec<f64> = Vec::with_capacity(d);
    let mut up: Vec<bool> = Vec::with_capacity(d);
    for _ in 0..d {
        let k = ((rng.random::<f64>() * starts as f64) as usize).min(starts - 1);
        let go_up = rng.random::<f64>() < 0.5;
        let lo = k as f64 / (p - 1.0);
        x.push(if go_up { lo } else { lo + delta });
        up.push(go_up);
    }
    let mut order: Vec<usize> = (0..d).collect();
    for i in (1..d).rev() {
        let j = ((rng.random::<f64>() * (i + 1) as f64) as usize).min(i);
        order.swap(i, j);
    }
    let mut rows = vec![x.clone()];
    for &i in &order {
        x[i] += if up[i] { delta } else { -delta };
        // Snap to the grid: lo + Δ is exactly a level up to rounding.
        x[i] = (x[i] * (p - 1.0)).round() / (p - 1.0);
        rows.push(x.clone());
    }
    rows
}

/// Campolongo et al. (2007) distance of two trajectories: the sum of the Euclidean
/// distances between every point of one and every point of the other.
fn distance(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    let mut s = 0.0;
    for x in a {
        for y in b {
            s += x
                .iter()
                .zip(y)
                .fold(0.0, |acc, (u, v)| acc + (u - v) * (u - v))
                .sqrt();
        }
    }
    s
}

/// `r` Morris trajectories for `d` factors on `levels` levels, from ChaCha12 stream
/// [`MORRIS_STREAM`] of `seed`. With `candidates = Some(m)` (m > r), the "optimised"
/// design of Campolongo et al. (2007): m candidate trajectories, of which the r
/// with the largest spread are kept. The exact choice (maximise the root sum of
/// squared pairwise distances over all r-subsets) is combinatorial; this is the
/// greedy version (as in Ruano et al. 2012): start from the farthest pair, then add
/// the candidate that adds most squared distance to those chosen. Kept trajectories
/// are in candidate order. Rows: `r · (d + 1)`, in the unit cube.
pub fn morris(
    seed: u64,
    d: usize,
    r: usize,
    levels: u32,
    candidates: Option<usize>,
) -> Vec<Vec<f64>> {
    let mut rng = run_rng(seed, MORRIS_STREAM);
    let m = candidates.unwrap_or(r).max(r);
    let all: Vec<Vec<Vec<f64>>> = (0..m).map(|_| trajectory(&mut rng, d, levels)).collect();
    let keep: Vec<usize> = if m == r || r < 2 {
        (0..r).collect()
    } else {
        let mut dist = vec![0.0; m * m];
        for i in 0..m {
            for j in (i + 1)..m {
                let x = distance(&all[i], &all[j]);
                dist[i * m + j] = x;
                dist[j * m + i] = x;
            }
        }
        let (mut bi, mut bj, mut best) = (0, 1, f64::NEG_INFINITY);
        for i in 0..m {
            for j in (i + 1)..m {
                if dist[i * m + j] > best {
                    (bi, bj, best) = (i, j, dist[i * m + j]);
                }
            }
        }
        let mut chosen = vec![bi, bj];
        while chosen.len() < r {
            let mut pick = (usize::MAX, f64::NEG_INFINITY);
            for c in 0..m {
                if chosen.contains(&c) {
                    continue;
                }
                let gain = chosen
                    .iter()
                    .fold(0.0, |a, &k| a + dist[c * m + k] * dist[c * m + k]);
                if gain > pick.1 {
                    pick = (c, gain);
                }
            }
            chosen.push(pick.0);
        }
        chosen.sort_unstable();
        chosen
    };
    keep.into_iter()
        .flat_map(|k| all[k].iter().cloned())
        .collect()
}

/// Scales unit-cube rows to `bounds` (`lo + u · (hi - lo)` per column).
pub fn scale(rows: &[Vec<f64>], bounds: &[[f64; 2]]) -> Vec<Vec<f64>> {
    rows.iter()
        .map(|r| {
            r.iter()
                .zip(bounds)
                .map(|(u, [lo, hi])| lo + u * (hi - lo))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saltelli_rows_follow_the_salib_layout() {
        let d = 3;
        let rows = saltelli(8, d, true);
        assert_eq!(rows.len(), 8 * (2 * d + 2));
        let k = 2 * d + 2;
        for j in 0..8 {
            let (a, b) = (&rows[j * k], &rows[j * k + k - 1]);
            for i in 0..d {
                let ab = &rows[j * k + 1 + i];
                let ba = &rows[j * k + 1 + d + i];
                for c in 0..d {
                    assert_eq!(ab[c], if c == i { b[c] } else { a[c] });
                    assert_eq!(ba[c], if c == i { a[c] } else { b[c] });
                }
            }
        }
        assert_eq!(saltelli(4, d, false).len(), 4 * (d + 2));
    }

    #[test]
    fn morris_trajectories_step_one_factor_by_delta_on_the_grid() {
        for levels in [2u32, 4, 6] {
            let (d, r) = (5, 7);
            let rows = morris(11, d, r, levels, None);
            assert_eq!(rows.len(), r * (d + 1));
            let p = f64::from(levels);
            let delta = p / (2.0 * (p - 1.0));
            for t in 0..r {
                let tr = &rows[t * (d + 1)..(t + 1) * (d + 1)];
                let mut moved = vec![false; d];
                for w in tr.windows(2) {
                    let diff: Vec<usize> = (0..d).filter(|&i| w[0][i] != w[1][i]).collect();
                    assert_eq!(diff.len(), 1);
                    let i = diff[0];
                    assert!(((w[1][i] - w[0][i]).abs() - delta).abs() < 1e-12);
                    assert!(!moved[i], "each factor moves once");
                    moved[i] = true;
                }
                for x in tr.iter().flatten() {
                    assert!((0.0..=1.0).contains(x));
                    let lvl = x * (p - 1.0);
                    assert!((lvl - lvl.round()).abs() < 1e-12, "{x} is on the grid");
                }
            }
        }
    }

    #[test]
    fn optimised_morris_spreads_more_than_the_first_r_candidates() {
        let (d, r, m) = (4, 6, 40);
        let spread = |rows: &[Vec<f64>]| {
            let tr: Vec<&[Vec<f64>]> = rows.chunks(d + 1).collect();
            let mut s = 0.0;
            for i in 0..tr.len() {
                for j in (i + 1)..tr.len() {
                    s += distance(tr[i], tr[j]).powi(2);
                }
            }
            s.sqrt()
        };
        let plain = morris(3, d, r, 4, None);
        let opt = morris(3, d, r, 4, Some(m));
        assert_eq!(opt.len(), plain.len());
        assert!(spread(&opt) > spread(&plain));
        assert_eq!(opt, morris(3, d, r, 4, Some(m)), "deterministic");
    }
}
