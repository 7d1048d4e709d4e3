//! Reads a finished `forumsim sweep` folder for the sweep charts: `manifest.json` for
//! the axes, variants and metrics, `runs.csv` for one row per run.
//!
//! The charts compute their own statistics from the runs (with the sweep's own
//! [`describe`](crate::experiment::summary::describe), so a CI here is the CI of
//! `summary.csv`), because they pool runs across points in ways `summary.csv` does not
//! (e.g. all runs with `legit_cost = 0.2`, whatever the other axes).

use super::error::PlotError;
use crate::experiment::summary::describe;
use crate::experiment::sweep::RUNS;
use crate::output::MANIFEST;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

/// One row of `runs.csv`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepRun {
    pub point: u64,
    /// Index into [`SweepData::variants`].
    pub variant: usize,
    pub replicate: u64,
    /// The axis values as written (one per axis), and as numbers (NaN if not numeric).
    pub axis_text: Vec<String>,
    pub axis: Vec<f64>,
    /// One value per metric of [`SweepData::metrics`] (NaN when empty).
    pub values: Vec<f64>,
}

/// Everything the sweep charts draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepData {
    /// The experiment's name (for titles).
    pub name: String,
    pub seed: Option<u64>,
    pub design: String,
    pub replicates: u64,
    /// Axis paths, in the experiment's order.
    pub axes: Vec<String>,
    /// Variant names; `base` first.
    pub variants: Vec<String>,
    pub metrics: Vec<String>,
    pub runs: Vec<SweepRun>,
}

/// Whether `dir` holds a sweep (its manifest names an experiment, or `sweep.json` is
/// there) rather than a run folder.
pub fn is_sweep(dir: &Path) -> bool {
    if dir.join(crate::experiment::sweep::STATE).is_file() {
        return true;
    }
    std::fs::read(dir.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|m| m.get("experiment").is_some())
}

fn parse_err(path: &Path, line: u64, msg: impl Into<String>) -> PlotError {
    PlotError::Parse {
        path: path.to_path_buf(),
        line,
        msg: msg.into(),
    }
}

fn strings(m: &serde_json::Value, key: &str) -> Option<Vec<String>> {
    m.get(key)?
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// Reads a finished sweep folder.
pub fn load_sweep(dir: &Path) -> Result<SweepData, PlotError> {
    let mpath = dir.join(MANIFEST);
    let bytes = std::fs::read(&mpath).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            // sweep.json is there (else this is not a sweep): the sweep is unfinished.
            return PlotError::Unfinished {
                path: mpath.clone(),
                msg: "missing: the sweep has not finished (finish it with `forumsim sweep \
                      EXPERIMENT --out DIR --resume`, or `forumsim merge` its shards)"
                    .into(),
            };
        }
        PlotError::Read {
            path: mpath.clone(),
            source,
        }
    })?;
    let m: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        parse_err(
            &mpath,
            e.line() as u64,
            format!("not JSON: {e} (is the sweep finished?)"),
        )
    })?;
    let need = |key: &str| {
        strings(&m, key).ok_or_else(|| {
            parse_err(
                &mpath,
                1,
                format!("no list `{key}` (is this a `forumsim sweep` folder?)"),
            )
        })
    };
    let axes = need("axes")?;
    let metrics = need("metrics")?;
    let variants: Vec<String> = m
        .get("variants")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v["name"].as_str().map(str::to_string))
                .collect()
        })
        .filter(|v: &Vec<String>| !v.is_empty())
        .ok_or_else(|| parse_err(&mpath, 1, "no `variants` with names"))?;
    let mut d = SweepData {
        name: m["experiment"].as_str().unwrap_or("sweep").to_string(),
        seed: m["seed"].as_u64(),
        design: m["design"].as_str().unwrap_or("").to_string(),
        replicates: m["replicates"].as_u64().unwrap_or(0),
        axes,
        variants,
        metrics,
        runs: Vec::new(),
    };
    let path = dir.join(RUNS);
    let file = File::open(&path).map_err(|source| PlotError::Read {
        path: path.clone(),
        source,
    })?;
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(file);
    let header = rdr
        .headers()
        .map_err(|e| parse_err(&path, 1, e.to_string()))?
        .clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| parse_err(&path, 1, format!("no column `{name}`")))
    };
    let (c_point, c_variant, c_rep) = (col("point")?, col("variant")?, col("replicate")?);
    let c_axes = d
        .axes
        .iter()
        .map(|a| col(a))
        .collect::<Result<Vec<_>, _>>()?;
    let c_metrics = d
        .metrics
        .iter()
        .map(|a| col(a))
        .collect::<Result<Vec<_>, _>>()?;
    let variant_ix: BTreeMap<&str, usize> = d
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| (v.as_str(), i))
        .collect();
    let mut record = csv::StringRecord::new();
    let mut runs = Vec::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, csv::Position::line);
                let cell = |c: usize| record.get(c).unwrap_or("").trim();
                let int = |c: usize, name: &str| {
                    cell(c).parse::<u64>().map_err(|_| {
                        parse_err(
                            &path,
                            line,
                            format!("column `{name}`: cannot read {:?}", cell(c)),
                        )
                    })
                };
                let variant = *variant_ix.get(cell(c_variant)).ok_or_else(|| {
                    parse_err(
                        &path,
                        line,
                        format!(
                            "variant {:?} is not in manifest.json's variants",
                            cell(c_variant)
                        ),
                    )
                })?;
                let axis_text: Vec<String> = c_axes.iter().map(|&c| cell(c).to_string()).collect();
                // `inf` is no place on an axis nor a value to average: read as missing
                // (an infinite range would never end the tick computation).
                let finite = |x: f64| if x.is_finite() { x } else { f64::NAN };
                let axis = axis_text
                    .iter()
                    .map(|t| t.parse::<f64>().map_or(f64::NAN, finite))
                    .collect();
                let values = c_metrics
                    .iter()
                    .zip(&d.metrics)
                    .map(|(&c, name)| {
                        let t = cell(c);
                        if t.is_empty() {
                            return Ok(f64::NAN);
                        }
                        t.parse::<f64>().map(finite).map_err(|_| {
                            parse_err(&path, line, format!("column `{name}`: cannot read {t:?}"))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                runs.push(SweepRun {
                    point: int(c_point, "point")?,
                    variant,
                    replicate: int(c_rep, "replicate")?,
                    axis_text,
                    axis,
                    values,
                });
            }
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                return Err(parse_err(&path, line, e.to_string()));
            }
        }
    }
    if runs.is_empty() {
        return Err(parse_err(&path, 2, "no data rows; nothing to plot"));
    }
    d.runs = runs;
    Ok(d)
}

/// Mean and 95 % CI of a group of values (`describe`'s columns 0, 1, 8, 9).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanCi {
    pub n: usize,
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

impl MeanCi {
    pub fn of(values: &[f64]) -> MeanCi {
        let s = describe(values);
        MeanCi {
            n: s[0] as usize,
            mean: s[1],
            // One value has no CI: show the point alone.
            lo: if s[8].is_nan() { s[1] } else { s[8] },
            hi: if s[9].is_nan() { s[1] } else { s[9] },
        }
    }

    /// Mean and 95 % CI of values that come in clusters (`cluster[i]` of `values[i]`):
    /// the cluster-robust (sandwich) standard error of the mean,
    /// `SE² = G/(G−1) · Σ_g (Σ_{i∈g} (y_i − ȳ))² / n²`, with `t` on `G − 1` degrees of
    /// freedom. Rows of one base sample of a Saltelli design (or one Morris trajectory)
    /// share most of their coordinates, so they are not independent; treating them as
    /// such narrows the interval several-fold. Fewer than two clusters: the point alone.
    pub fn clustered(values: &[f64], cluster: &[u64]) -> MeanCi {
        let n = values.len();
        let m = crate::stats::mean(values);
        let mut sums: BTreeMap<u64, f64> = BTreeMap::new();
        for (&y, &c) in values.iter().zip(cluster) {
            *sums.entry(c).or_insert(0.0) += y - m;
        }
        let g = sums.len();
        if g < 2 {
            return MeanCi {
                n,
                mean: m,
                lo: m,
                hi: m,
            };
        }
        let gf = g as f64;
        let se2 = gf / (gf - 1.0) * sums.values().map(|s| s * s).sum::<f64>() / (n * n) as f64;
        let h = crate::stats::t975(g - 1) * se2.sqrt();
        MeanCi {
            n,
            mean: m,
            lo: m - h,
            hi: m + h,
        }
    }
}

impl SweepData {
    /// Rows of the design that belong together: one base sample of a Sobol' design
    /// (`d + 2` points, `2d + 2` with second order) or one Morris trajectory (`d + 1`);
    /// 1 for grids and Latin hypercubes, whose points are independent draws.
    pub fn block(&self) -> u64 {
        let d = self.axes.len() as u64;
        if self.design.starts_with("sobol") {
            if self.design.contains("second order") {
                2 * d + 2
            } else {
                d + 2
            }
        } else if self.design.starts_with("morris") {
            d + 1
        } else {
            1
        }
    }

    /// Axes (indices) whose values are all numbers and take at least two values.
    pub fn numeric_axes(&self) -> Vec<usize> {
        (0..self.axes.len())
            .filter(|&a| {
                let mut seen: Vec<f64> = Vec::new();
                for r in &self.runs {
                    let v = r.axis[a];
                    if v.is_nan() {
                        return false;
                    }
                    if !seen.contains(&v) {
                        seen.push(v);
                    }
                }
                seen.len() >= 2
            })
            .collect()
    }

    /// Metrics (indices) that take more than one value over the whole sweep; a
    /// constant metric (every run has all 150 states in the UNGA) would be a flat
    /// line in every chart.
    pub fn varying_metrics(&self) -> Vec<usize> {
        (0..self.metrics.len())
            .filter(|&k| {
                let mut vals = self
                    .runs
                    .iter()
                    .map(|r| r.values[k])
                    .filter(|v| !v.is_nan());
                match vals.next() {
                    Some(first) => vals.any(|v| v != first),
                    None => false,
                }
            })
            .collect()
    }

    /// How many points the sweep has.
    pub fn points(&self) -> usize {
        let mut p: Vec<u64> = self.runs.iter().map(|r| r.point).collect();
        p.sort_unstable();
        p.dedup();
        p.len()
    }

    /// How many distinct values axis `a` takes.
    pub fn distinct(&self, a: usize) -> usize {
        let mut v: Vec<f64> = self.runs.iter().map(|r| r.axis[a]).collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        v.len()
    }

    /// The x positions of axis `a`: its distinct values when there are at most
    /// [`MAX_LEVELS`], else the centres of `MAX_LEVELS` equal-width bins (LHS
    /// designs give every point its own value). Returns (positions, level of each run).
    pub fn levels(&self, a: usize) -> (Vec<f64>, Vec<usize>) {
        self.levels_max(a, MAX_LEVELS)
    }

    /// [`levels`](Self::levels) with at most `max` levels (at least 1).
    pub fn levels_max(&self, a: usize, max: usize) -> (Vec<f64>, Vec<usize>) {
        let max = max.max(1);
        let mut distinct: Vec<f64> = self.runs.iter().map(|r| r.axis[a]).collect();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        if distinct.len() <= max {
            let of = self
                .runs
                .iter()
                .map(|r| distinct.iter().position(|&v| v == r.axis[a]).unwrap_or(0))
                .collect();
            return (distinct, of);
        }
        let (lo, hi) = (distinct[0], distinct[distinct.len() - 1]);
        let w = (hi - lo) / max as f64;
        let centres = (0..max).map(|i| lo + w * (i as f64 + 0.5)).collect();
        let of = self
            .runs
            .iter()
            .map(|r| (((r.axis[a] - lo) / w) as usize).min(max - 1))
            .collect();
        (centres, of)
    }
}

/// More distinct axis values than this are binned.
pub const MAX_LEVELS: usize = 10;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fs;

    /// A small finished sweep: axes a (0.2, 0.6) and b (1, 2, 3), variants base and v,
    /// 2 replicates; metrics m = a + b/10 (+ 0.5 for v, + replicate/100) and c = 7.
    pub(crate) fn write_sweep(dir: &Path) {
        let manifest = serde_json::json!({
            "experiment": "tiny",
            "seed": 7,
            "design": "grid",
            "replicates": 2,
            "scenario_path": "scenarios/nowhere.toml",
            "axes": ["parameters.a", "venue.x.b"],
            "variants": [{"name": "base", "set": []}, {"name": "v", "set": ["x=1"]}],
            "metrics": ["m", "c"],
        });
        fs::write(dir.join(MANIFEST), manifest.to_string()).unwrap();
        fs::write(dir.join(crate::experiment::sweep::STATE), "{}").unwrap();
        let mut runs =
            String::from("point,variant,replicate,seed,run_index,parameters.a,venue.x.b,m,c\n");
        let mut point = 0;
        for a in [0.2, 0.6] {
            for b in [1, 2, 3] {
                for rep in 0..2 {
                    for (v, name) in ["base", "v"].iter().enumerate() {
                        let m = a + f64::from(b) / 10.0 + v as f64 * 0.5 + f64::from(rep) / 100.0;
                        runs.push_str(&format!(
                            "{point},{name},{rep},7,{},{a},{b},{m},7\n",
                            point * 2 + rep
                        ));
                    }
                }
                point += 1;
            }
        }
        fs::write(dir.join(RUNS), runs).unwrap();
    }

    #[test]
    fn reads_axes_variants_metrics_and_runs() {
        let dir = tempfile::tempdir().unwrap();
        write_sweep(dir.path());
        assert!(is_sweep(dir.path()));
        let d = load_sweep(dir.path()).unwrap();
        assert_eq!(d.runs.len(), 24);
        assert_eq!(d.variants, vec!["base", "v"]);
        assert_eq!(d.numeric_axes(), vec![0, 1]);
        assert_eq!(d.varying_metrics(), vec![0], "c is constant");
        let (lv, of) = d.levels(1);
        assert_eq!(lv, vec![1.0, 2.0, 3.0]);
        assert_eq!(of[0], 0);
    }

    #[test]
    fn many_values_are_binned() {
        let dir = tempfile::tempdir().unwrap();
        write_sweep(dir.path());
        let mut d = load_sweep(dir.path()).unwrap();
        for (i, r) in d.runs.iter_mut().enumerate() {
            r.axis[0] = i as f64;
        }
        let (lv, of) = d.levels(0);
        assert_eq!(lv.len(), MAX_LEVELS);
        assert_eq!((of[0], of[23]), (0, MAX_LEVELS - 1));
    }

    #[test]
    fn a_run_folder_is_not_a_sweep_and_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_sweep(dir.path()));
        write_sweep(dir.path());
        fs::write(dir.path().join(RUNS), "point,variant,replicate\n").unwrap();
        let err = load_sweep(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("runs.csv:1:") && err.contains("parameters.a"),
            "{err}"
        );
    }
}
