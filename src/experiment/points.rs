//! A design's points, made on demand from its compact description.
//!
//! A sweep of a million points must start its first runs at once and keep a small
//! `sweep.json` (issue #15): so the state file records the [`PointDesign`] (a grid's
//! values, or a sampler's seed, size and ranges), and [`Points`] reads any point
//! from it. A grid's point is its mixed-radix index; a Saltelli row is read from the
//! Sobol' sequence at its base sample; a Latin hypercube or Morris design is drawn
//! once into one flat array of numbers (the draw is sequential). Every value is
//! computed by the same expression as when the points were listed whole, so the
//! CSV cells of `runs.csv` and `summary.csv` are unchanged, byte for byte.

use super::{sensdesign, sobolseq};
use crate::engine::SimRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

/// ChaCha12 stream of the experiment seed that draws the Latin hypercube.
pub const LHS_STREAM: u64 = u64::MAX - 1;

/// A Latin hypercube of `samples` points over `ranges`, from ChaCha12 stream
/// [`LHS_STREAM`] of `seed`. Per axis, in axis order: a Fisher–Yates shuffle of the
/// strata `0..samples` (for i from n-1 down to 1, j = floor(u·(i+1))), then one
/// uniform u per point; point i's value is `lo + (hi - lo) · (stratum + u) / samples`.
/// So each axis hits each of its `samples` strata exactly once.
pub fn expand_lhs(seed: u64, samples: u32, ranges: &[(f64, f64)]) -> Vec<Vec<f64>> {
    let mut rng = SimRng::seed_from_u64(seed);
    rng.set_stream(LHS_STREAM);
    let n = samples as usize;
    let mut cols = Vec::with_capacity(ranges.len());
    for &(lo, hi) in ranges {
        let mut strata: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = ((rng.random::<f64>() * (i + 1) as f64) as usize).min(i);
            strata.swap(i, j);
        }
        let col: Vec<f64> = strata
            .iter()
            .map(|&s| {
                let u = rng.random::<f64>();
                lo + (hi - lo) * (s as f64 + u) / n as f64
            })
            .collect();
        cols.push(col);
    }
    (0..n)
        .map(|i| cols.iter().map(|c| c[i]).collect())
        .collect()
}

/// A value for a CSV cell: strings bare, everything else as TOML text.
pub fn value_cell(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What fixes a design's points, as `sweep.json` records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum PointDesign {
    /// Full factorial over each axis's values (TOML text, e.g. `0.5`, `"consensus"`);
    /// the last axis varies fastest.
    Grid { values: Vec<Vec<String>> },
    /// [`expand_lhs`] of `samples` points over `ranges` from `seed`.
    Lhs {
        seed: u64,
        samples: u32,
        ranges: Vec<[f64; 2]>,
    },
    /// Saltelli's rows on the Sobol' sequence ([`sensdesign::saltelli`]), scaled.
    Sobol {
        samples: u32,
        second_order: bool,
        ranges: Vec<[f64; 2]>,
    },
    /// [`sensdesign::morris`] trajectories from `seed`, scaled.
    Morris {
        seed: u64,
        trajectories: u32,
        levels: u32,
        candidates: Option<u32>,
        ranges: Vec<[f64; 2]>,
    },
    /// Rows read from a file (`sweep --design`), as given: what the user wrote.
    Rows { rows: Vec<Vec<f64>> },
}

/// The points of a [`PointDesign`], any of them on demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    design: PointDesign,
    len: usize,
    data: Data,
}

#[derive(Debug, Clone, PartialEq)]
enum Data {
    Grid(Vec<Vec<toml::Value>>),
    /// Row-major values, `d` per point.
    Flat {
        values: Vec<f64>,
        d: usize,
    },
    Sobol {
        generator: sobolseq::Generator,
        d: usize,
        second_order: bool,
        ranges: Vec<[f64; 2]>,
    },
}

fn parse_value(text: &str) -> Result<toml::Value, String> {
    let mut t: toml::Table =
        toml::from_str(&format!("v = {text}")).map_err(|e| format!("value `{text}`: {e}"))?;
    t.remove("v").ok_or_else(|| format!("value `{text}`"))
}

/// Scales unit-cube rows to `ranges`, flat: `lo + u · (hi - lo)`, as listed designs did.
fn scaled(rows: Vec<Vec<f64>>, ranges: &[[f64; 2]]) -> Vec<f64> {
    rows.into_iter()
        .flat_map(|r| {
            r.into_iter()
                .zip(ranges)
                .map(|(u, [lo, hi])| lo + u * (hi - lo))
                .collect::<Vec<_>>()
        })
        .collect()
}

impl Points {
    /// Reads `design`. Errors (a grid value that is not TOML, rows of unequal length)
    /// come only from a damaged `sweep.json`; the loaders make valid designs.
    pub fn new(design: PointDesign) -> Result<Points, String> {
        let (len, data) = match &design {
            PointDesign::Grid { values } => {
                let values = values
                    .iter()
                    .map(|a| a.iter().map(|t| parse_value(t)).collect())
                    .collect::<Result<Vec<Vec<_>>, String>>()?;
                let len = values
                    .iter()
                    .try_fold(1usize, |n, a| n.checked_mul(a.len()))
                    .ok_or("too many grid points")?;
                (len, Data::Grid(values))
            }
            PointDesign::Lhs {
                seed,
                samples,
                ranges,
            } => {
                let r: Vec<(f64, f64)> = ranges.iter().map(|&[lo, hi]| (lo, hi)).collect();
                let values: Vec<f64> = expand_lhs(*seed, *samples, &r).concat();
                (
                    *samples as usize,
                    Data::Flat {
                        values,
                        d: ranges.len(),
                    },
                )
            }
            PointDesign::Sobol {
                samples,
                second_order,
                ranges,
            } => {
                let d = ranges.len();
                if 2 * d > sobolseq::MAX_DIMS {
                    return Err(format!("a Sobol' design of {d} axes"));
                }
                let block = if *second_order { 2 * d + 2 } else { d + 2 };
                (
                    *samples as usize * block,
                    Data::Sobol {
                        generator: sobolseq::Generator::new(2 * d),
                        d,
                        second_order: *second_order,
                        ranges: ranges.clone(),
                    },
                )
            }
            PointDesign::Morris {
                seed,
                trajectories,
                levels,
                candidates,
                ranges,
            } => {
                let rows = sensdesign::morris(
                    *seed,
                    ranges.len(),
                    *trajectories as usize,
                    *levels,
                    candidates.map(|m| m as usize),
                );
                let values = scaled(rows, ranges);
                let d = ranges.len();
                (
                    values.len().checked_div(d).unwrap_or(0),
                    Data::Flat { values, d },
                )
            }
            PointDesign::Rows { rows } => {
                let d = rows.first().map_or(0, Vec::len);
                if rows.iter().any(|r| r.len() != d) {
                    return Err("design rows of unequal length".into());
                }
                (
                    rows.len(),
                    Data::Flat {
                        values: rows.concat(),
                        d,
                    },
                )
            }
        };
        Ok(Points { design, len, data })
    }

    /// What the points are made from (recorded in `sweep.json`).
    pub fn design(&self) -> &PointDesign {
        &self.design
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Point `p`'s value on every axis (`p` below [`Points::len`]).
    pub fn values(&self, p: u32) -> Vec<toml::Value> {
        match &self.data {
            Data::Grid(values) => {
                // Mixed radix, the last axis fastest.
                let mut rest = p as usize;
                let mut out = vec![toml::Value::Boolean(false); values.len()];
                for (slot, axis) in out.iter_mut().zip(values).rev() {
                    *slot = axis[rest % axis.len()].clone();
                    rest /= axis.len();
                }
                out
            }
            _ => self.floats(p).into_iter().map(toml::Value::Float).collect(),
        }
    }

    /// Point `p` as numbers (NaN for a grid value that is not a float).
    pub fn floats(&self, p: u32) -> Vec<f64> {
        let p = p as usize;
        match &self.data {
            Data::Grid(_) => self
                .values(p as u32)
                .iter()
                .map(|v| v.as_float().unwrap_or(f64::NAN))
                .collect(),
            Data::Flat { values, d } => values[p * d..(p + 1) * d].to_vec(),
            Data::Sobol {
                generator,
                d,
                second_order,
                ranges,
            } => {
                let d = *d;
                let block = if *second_order { 2 * d + 2 } else { d + 2 };
                let base = generator.point((p / block) as u64);
                let (a, b) = base.split_at(d);
                // Saltelli's block: A, AB_i (i = 1..d), [BA_i], B.
                let row = match p % block {
                    0 => a.to_vec(),
                    k if k <= d => {
                        let mut r = a.to_vec();
                        r[k - 1] = b[k - 1];
                        r
                    }
                    k if k < block - 1 => {
                        let mut r = b.to_vec();
                        r[k - d - 1] = a[k - d - 1];
                        r
                    }
                    _ => b.to_vec(),
                };
                row.into_iter()
                    .zip(ranges)
                    .map(|(u, [lo, hi])| lo + u * (hi - lo))
                    .collect()
            }
        }
    }

    /// Point `p`'s values as CSV cells.
    pub fn cells(&self, p: u32) -> Vec<String> {
        self.values(p).iter().map(value_cell).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_points_on_demand_equal_the_expanded_grid() {
        let text = vec![
            vec!["0.2".to_string(), "0.6".into()],
            vec!["\"consensus\"".into(), "\"majority\"".into(), "1".into()],
            vec!["{ type = \"open\" }".into()],
        ];
        let pts = Points::new(PointDesign::Grid {
            values: text.clone(),
        })
        .unwrap();
        let parsed: Vec<Vec<toml::Value>> = text
            .iter()
            .map(|a| a.iter().map(|t| parse_value(t).unwrap()).collect())
            .collect();
        // The full factorial, the last axis fastest, written out.
        let mut all = Vec::new();
        for a in &parsed[0] {
            for b in &parsed[1] {
                for c in &parsed[2] {
                    all.push(vec![a.clone(), b.clone(), c.clone()]);
                }
            }
        }
        assert_eq!(pts.len(), all.len());
        for (p, want) in all.iter().enumerate() {
            assert_eq!(&pts.values(p as u32), want);
        }
    }

    #[test]
    fn saltelli_rows_on_demand_equal_the_listed_design() {
        let ranges = vec![[0.1, 0.6], [0.3, 0.8], [-1.0, 2.0]];
        for second_order in [false, true] {
            let pts = Points::new(PointDesign::Sobol {
                samples: 16,
                second_order,
                ranges: ranges.clone(),
            })
            .unwrap();
            let listed = scaled(sensdesign::saltelli(16, 3, second_order), &ranges);
            assert_eq!(pts.len() * 3, listed.len());
            for p in 0..pts.len() {
                assert_eq!(pts.floats(p as u32), listed[p * 3..p * 3 + 3]);
            }
        }
    }

    #[test]
    fn the_description_round_trips_through_json() {
        let d = PointDesign::Morris {
            seed: 5,
            trajectories: 3,
            levels: 4,
            candidates: Some(5),
            ranges: vec![[0.0, 1.0], [2.0, 3.0]],
        };
        let back: PointDesign = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
        let pts = Points::new(d).unwrap();
        assert_eq!(pts.len(), 9);
    }
}
