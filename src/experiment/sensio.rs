//! What `forumsim sensitivity` reads and writes, and `forumsim design --export salib`.
//!
//! Two inputs, one analysis:
//! - a finished sweep folder of a `design = "sobol"` or `"morris"` experiment
//!   (`sweep.json` names the design, `runs.csv` holds the replicates);
//! - an external design in SALib's format: `problem.json` (`num_vars`, `names`,
//!   `bounds`), `design.csv` (one row per point, SALib's row order; a header row of
//!   the names is optional) and `outputs.csv` (a header of outcome names; optional
//!   `point` and `replicate` columns; without `point`, row i is design row i mod P and
//!   each further block of P rows is one more replicate). The method (Sobol' with or
//!   without second order, or Morris) is recognised from the row layout.
//!
//! Outputs are tidy CSV files, written atomically.

use super::design::{DesignKind, Experiment};
use super::extdesign;
use super::sensdesign::{Method, SensInfo};
use super::sensitivity::{Analysis, SensData};
use super::sweep::{RUNS, STATE, State};
use crate::output::OutputError;
use crate::output::atomic;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub const SOBOL_CSV: &str = "sensitivity_sobol.csv";
pub const MORRIS_CSV: &str = "sensitivity_morris.csv";
pub const SEED_CSV: &str = "seed_share.csv";
pub const PROBLEM: &str = extdesign::PROBLEM;
pub const DESIGN: &str = "design.csv";
pub const OUTPUTS: &str = "outputs.csv";

#[derive(Debug, thiserror::Error)]
pub enum SensError {
    /// The folder or its files are not what the analysis needs (exit 2).
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{}: {message}", path.display())]
    Io {
        path: PathBuf,
        message: String,
        #[source]
        source: io::Error,
    },
}

fn input(path: &Path, msg: impl std::fmt::Display) -> SensError {
    SensError::Input(format!("{}: {msg}", path.display()))
}

fn read(path: &Path) -> Result<Vec<u8>, SensError> {
    fs::read(path).map_err(|e| input(path, format!("cannot read: {e}")))
}

/// Where the data came from, for messages and chart subtitles.
#[derive(Debug, Clone)]
pub struct Source {
    pub label: String,
    /// The experiment seed (bootstrap streams derive from it); 0 for external data.
    pub seed: u64,
}

/// Reads a sweep folder or an external design folder. `metrics` (when not empty)
/// picks and orders the outcomes.
pub fn load_dir(dir: &Path, metrics: &[String]) -> Result<(SensData, Source), SensError> {
    if dir.join(STATE).is_file() {
        load_sweep(dir, metrics)
    } else if dir.join(PROBLEM).is_file() {
        load_external(dir, metrics)
    } else {
        Err(input(
            dir,
            format!(
                "neither a sweep folder ({STATE}) nor an external design ({PROBLEM}, {DESIGN}, {OUTPUTS}); see docs/SENSITIVITY.md"
            ),
        ))
    }
}

fn pick(names: &[String], metrics: &[String], path: &Path) -> Result<Vec<usize>, SensError> {
    if metrics.is_empty() {
        return Ok((0..names.len()).collect());
    }
    metrics
        .iter()
        .map(|m| {
            names.iter().position(|n| n == m).ok_or_else(|| {
                input(
                    path,
                    format!("no outcome `{m}`; outcomes: {}", names.join(", ")),
                )
            })
        })
        .collect()
}

fn load_sweep(dir: &Path, metrics: &[String]) -> Result<(SensData, Source), SensError> {
    let sp = dir.join(STATE);
    let state: State = serde_json::from_slice(&read(&sp)?)
        .map_err(|e| input(&sp, format!("not a sweep state file: {e}")))?;
    let Some(info) = state.sensitivity.clone() else {
        return Err(input(
            dir,
            format!(
                "a sweep of design `{}`: sensitivity indices need design = \"sobol\" or \"morris\"",
                state.design
            ),
        ));
    };
    let runs = dir.join(RUNS);
    if !runs.is_file() {
        return Err(input(
            dir,
            "the sweep is not finished (no runs.csv): finish it with `forumsim sweep --resume` (or `forumsim merge` the shards)",
        ));
    }
    let pts = state.point_values().map_err(|m| input(&sp, m))?;
    let x: Vec<Vec<f64>> = (0..pts.len() as u32).map(|p| pts.floats(p)).collect();
    let chosen = pick(&state.metrics, metrics, &runs)?;
    let (np, nr) = (x.len(), state.replicates as usize);
    let mut y = vec![vec![vec![f64::NAN; nr]; np]; chosen.len()];
    let lead = 5 + state.axes.len();
    let mut rd = csv::Reader::from_path(&runs).map_err(|e| input(&runs, e))?;
    for (line, rec) in rd.records().enumerate() {
        let bad = |m: &str| input(&runs, format!("line {}: {m}", line + 2));
        let rec = rec.map_err(|e| bad(&e.to_string()))?;
        let p: usize = rec
            .get(0)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("bad point"))?;
        let r: usize = rec
            .get(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("bad replicate"))?;
        if p >= np || r >= nr {
            return Err(bad("point or replicate out of range"));
        }
        for (k, &m) in chosen.iter().enumerate() {
            y[k][p][r] = rec
                .get(lead + m)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad("bad number"))?;
        }
    }
    let outcomes = chosen.iter().map(|&m| state.metrics[m].clone()).collect();
    let label = match &state.function {
        Some(f) => {
            let name = f.split(" (").next().unwrap_or(f);
            format!("{}: {name}, {}", state.experiment, state.design)
        }
        None => format!(
            "{} on {}: {}",
            state.experiment, state.scenario, state.design
        ),
    };
    Ok((
        SensData {
            info,
            x,
            outcomes,
            y,
        },
        Source {
            label: format!("{label}, {nr} replicates"),
            seed: state.seed,
        },
    ))
}

fn numbers(path: &Path, line: usize, rec: &csv::StringRecord) -> Result<Vec<f64>, SensError> {
    rec.iter()
        .map(|s| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| input(path, format!("line {line}: `{s}` is not a number")))
        })
        .collect()
}

fn load_external(dir: &Path, metrics: &[String]) -> Result<(SensData, Source), SensError> {
    // One reader of SALib problems and design matrices, shared with `sweep --design`:
    // the same formats (commas or numpy's spaces, `#` lines, a header of the names)
    // and the same located messages.
    let located = |e: super::design::ExperimentError| SensError::Input(e.to_string());
    let pp = dir.join(PROBLEM);
    let prob = extdesign::parse_problem(&pp, &extdesign::read(&pp, "problem").map_err(located)?)
        .map_err(located)?;
    if prob.groups {
        return Err(input(&pp, "groups of parameters are not supported"));
    }
    let dp = dir.join(DESIGN);
    let dtext = extdesign::read(&dp, "design").map_err(located)?;
    let x: Vec<Vec<f64>> = extdesign::parse_matrix(&dp, &dtext, &prob, &pp)
        .map_err(located)?
        .into_iter()
        .map(|(_, row)| row)
        .collect();
    let info = extdesign::detect_layout(&prob, &x).map_err(|why| {
        input(
            &dp,
            format!(
                "not a Sobol' (Saltelli) or Morris design in SALib's row order: {}",
                why.join("; ")
            ),
        )
    })?;

    let op = dir.join(OUTPUTS);
    let obytes = read(&op)?;
    let mut rd = csv::Reader::from_reader(obytes.as_slice());
    let head: Vec<String> = rd
        .headers()
        .map_err(|e| input(&op, e))?
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    let col = |n: &str| head.iter().position(|h| h == n);
    let (pc, rc) = (col("point"), col("replicate"));
    let names: Vec<String> = head
        .iter()
        .filter(|h| *h != "point" && *h != "replicate")
        .cloned()
        .collect();
    if names.is_empty() {
        return Err(input(&op, "no outcome columns"));
    }
    let ycols: Vec<usize> = (0..head.len())
        .filter(|&c| Some(c) != pc && Some(c) != rc)
        .collect();
    let np = x.len();
    let mut cells: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); np]; names.len()];
    for (i, rec) in rd.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| input(&op, e))?;
        let v = numbers(&op, line, &rec)?;
        let p = match pc {
            Some(c) => v[c] as usize,
            None => i % np,
        };
        if p >= np || pc.is_some_and(|c| v[c] != (v[c] as usize) as f64) {
            return Err(input(
                &op,
                format!("line {line}: point must be a row of {DESIGN} (0..{np})"),
            ));
        }
        for (k, &c) in ycols.iter().enumerate() {
            cells[k][p].push(v[c]);
        }
    }
    let chosen = pick(&names, metrics, &op)?;
    let y: Vec<Vec<Vec<f64>>> = chosen.iter().map(|&k| cells[k].clone()).collect();
    if let Some(first) = y.first() {
        let r = first[0].len();
        if r == 0 || first.iter().any(|c| c.len() != r) {
            return Err(input(
                &op,
                format!(
                    "every row of {DESIGN} needs the same number of outputs (replicates), at least one"
                ),
            ));
        }
    }
    let outcomes = chosen.iter().map(|&k| names[k].clone()).collect();
    let label = format!(
        "external design in {} ({})",
        dir.display(),
        match info.method {
            Method::Sobol if info.second_order => "Sobol', second order",
            Method::Sobol => "Sobol'",
            Method::Morris => "Morris",
        }
    );
    Ok((
        SensData {
            info,
            x,
            outcomes,
            y,
        },
        Source { label, seed: 0 },
    ))
}

fn num(x: f64) -> String {
    crate::output::csvfile::number(x)
}

fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) -> Result<(), SensError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| SensError::Io {
        path: path.to_path_buf(),
        message: "cannot format a CSV row".into(),
        source: io::Error::other(e.to_string()),
    };
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(r).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| err(e.into_error().into()))?;
    Ok(atomic::write(path, &bytes)?)
}

/// Writes the tidy CSV files into `dir`; returns their paths.
pub fn write_results(
    dir: &Path,
    info: &SensInfo,
    res: &[Analysis],
) -> Result<Vec<PathBuf>, SensError> {
    let names = &info.names;
    let mut written = Vec::new();
    let seed_rows: Vec<Vec<String>> = res
        .iter()
        .map(|a| {
            vec![
                a.outcome.clone(),
                format!("{:?}", info.method).to_lowercase(),
                a.replicates.to_string(),
                num(a.seed.within),
                num(a.seed.params),
                num(a.seed.share.value),
                num(a.seed.share.lo),
                num(a.seed.share.hi),
                a.warnings
                    .iter()
                    .map(|w| w.full.as_str())
                    .collect::<Vec<_>>()
                    .join(" | "),
            ]
        })
        .collect();
    let p = dir.join(SEED_CSV);
    write_csv(
        &p,
        &[
            "outcome",
            "method",
            "replicates",
            "var_within",
            "var_params",
            "seed_share",
            "ci_lo",
            "ci_hi",
            "warnings",
        ],
        &seed_rows,
    )?;
    written.push(p);
    match info.method {
        Method::Sobol => {
            let mut rows = Vec::new();
            for a in res {
                let Some(s) = &a.sobol else { continue };
                let mut push = |index: &str, p1: &str, p2: &str, e: &super::sensitivity::Est| {
                    rows.push(vec![
                        a.outcome.clone(),
                        index.to_string(),
                        p1.to_string(),
                        p2.to_string(),
                        num(e.value),
                        num(e.lo),
                        num(e.hi),
                        num(e.seed_sd),
                        info.samples.to_string(),
                        a.replicates.to_string(),
                    ]);
                };
                for (i, n) in names.iter().enumerate() {
                    push("S1", n, "", &s.s1[i]);
                }
                for (i, n) in names.iter().enumerate() {
                    push("ST", n, "", &s.st[i]);
                }
                for (i, j, e) in &s.s2 {
                    push("S2", &names[*i], &names[*j], e);
                }
            }
            let p = dir.join(SOBOL_CSV);
            write_csv(
                &p,
                &[
                    "outcome",
                    "index",
                    "parameter",
                    "parameter2",
                    "estimate",
                    "ci_lo",
                    "ci_hi",
                    "seed_sd",
                    "base_samples",
                    "replicates",
                ],
                &rows,
            )?;
            written.push(p);
        }
        Method::Morris => {
            let mut rows = Vec::new();
            for a in res {
                let Some(m) = &a.morris else { continue };
                let mut order: Vec<usize> = (0..names.len()).collect();
                order.sort_by(|&i, &j| m.mu_star[j].value.total_cmp(&m.mu_star[i].value));
                for (i, n) in names.iter().enumerate() {
                    let rank = order.iter().position(|&k| k == i).unwrap_or(0) + 1;
                    rows.push(vec![
                        a.outcome.clone(),
                        n.clone(),
                        num(m.mu[i]),
                        num(m.mu_star[i].value),
                        num(m.mu_star[i].lo),
                        num(m.mu_star[i].hi),
                        num(m.sigma[i]),
                        num(m.noise_floor),
                        rank.to_string(),
                        info.samples.to_string(),
                        a.replicates.to_string(),
                    ]);
                }
            }
            let p = dir.join(MORRIS_CSV);
            write_csv(
                &p,
                &[
                    "outcome",
                    "parameter",
                    "mu",
                    "mu_star",
                    "mu_star_ci_lo",
                    "mu_star_ci_hi",
                    "sigma",
                    "noise_floor",
                    "rank",
                    "trajectories",
                    "replicates",
                ],
                &rows,
            )?;
            written.push(p);
        }
    }
    Ok(written)
}

/// `forumsim design --export salib`: writes `problem.json` and `design.csv` (the
/// experiment's points, in its own units and row order) into `out`.
pub fn export_salib(exp: &Experiment, out: &Path) -> Result<Vec<PathBuf>, SensError> {
    if !exp.design.uses_ranges() {
        return Err(SensError::Input(format!(
            "{}: a grid has no ranges; export needs design = \"sobol\", \"morris\" or \"lhs\"",
            exp.path.display()
        )));
    }
    fs::create_dir_all(out).map_err(|source| OutputError::CreateDir {
        path: out.to_path_buf(),
        source,
    })?;
    let names: Vec<String> = exp.axes.iter().map(|a| a.path.clone()).collect();
    let bounds: Vec<[f64; 2]> = exp
        .axes
        .iter()
        .map(|a| a.range.map_or([f64::NAN, f64::NAN], |(lo, hi)| [lo, hi]))
        .collect();
    let method = match &exp.design {
        DesignKind::Sobol { second_order, .. } => {
            serde_json::json!({"method": "sobol", "second_order": second_order})
        }
        DesignKind::Morris { levels, .. } => {
            serde_json::json!({"method": "morris", "levels": levels})
        }
        _ => serde_json::json!({"method": "lhs"}),
    };
    let problem = serde_json::json!({
        "num_vars": names.len(),
        "names": names,
        "bounds": bounds,
        "forumsim": {
            "experiment": exp.name,
            "design": exp.design.label(),
            "design_detail": method,
            "seed": exp.seed,
            "replicates": exp.replicates,
            "rows": exp.points.len(),
        }
    });
    let pp = out.join(PROBLEM);
    atomic::write_json(&pp, &problem)?;
    let rows: Vec<Vec<String>> = (0..exp.points.len() as u32)
        .map(|p| exp.points.cells(p))
        .collect();
    let dp = out.join(DESIGN);
    let head: Vec<&str> = names.iter().map(String::as_str).collect();
    write_csv(&dp, &head, &rows)?;
    Ok(vec![pp, dp])
}
