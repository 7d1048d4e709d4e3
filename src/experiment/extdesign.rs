//! Designs made elsewhere (`forumsim sweep SCENARIO --design design.csv`): a numeric
//! matrix, one row per point and one column per parameter — SALib's `sample` output
//! (`np.savetxt`: space-separated, `#` header lines) or the `design.csv` that
//! `forumsim design --export salib` writes (comma-separated, a header row of names) —
//! with its SALib problem file (`num_vars`, `names`, `bounds`).
//!
//! The names are scenario override paths (as `--set` takes them), which is also what
//! the exporter writes, so the round trip export → SALib → sweep needs no renaming.
//! The result is an ordinary [`Experiment`] (one axis per name, the rows as points,
//! the `base` variant only), run and written like any other sweep; when the rows have
//! the layout of a Saltelli or Morris design, `forumsim sensitivity` reads the folder.

use super::design::{
    Axis, CHECK_ALL_PAIRS, DEFAULT_CHUNK, DesignKind, Experiment, ExperimentError, Variant,
    set_string,
};
use super::points::{PointDesign, Points};
use super::sensdesign::{Method, SensInfo};
use crate::scenario::limits::MAX_DESIGN_VALUES;
use crate::scenario::{self, line_col};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The SALib problem's file name, looked for beside a design.
pub const PROBLEM: &str = "problem.json";

/// A SALib problem: parameter names and `[lo, hi]` bounds, in column order.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub names: Vec<String>,
    pub bounds: Vec<[f64; 2]>,
    /// SALib's `groups`, when given and not null (the analysis refuses them).
    pub groups: bool,
}

#[derive(Debug, Deserialize)]
struct RawProblem {
    num_vars: usize,
    names: Vec<String>,
    bounds: Vec<Vec<f64>>,
    #[serde(default)]
    groups: Option<serde_json::Value>,
}

fn at(file: &Path, text: &str, offset: usize, message: impl Into<String>) -> ExperimentError {
    let (line, col) = line_col(text, offset);
    ExperimentError::At {
        file: file.to_path_buf(),
        line,
        col,
        message: message.into(),
    }
}

pub use super::design::read;

/// Parses the SALib problem `text` of `path`; errors point at the line and column.
pub fn parse_problem(path: &Path, text: &str) -> Result<Problem, ExperimentError> {
    let raw: RawProblem = serde_json::from_str(text).map_err(|e| ExperimentError::At {
        file: path.to_path_buf(),
        line: e.line().max(1),
        col: e.column().max(1),
        message: format!(
            "expected a SALib problem {{\"num_vars\": k, \"names\": [...], \"bounds\": [[lo, hi], ...]}}: {e}"
        ),
    })?;
    // Where a name is written (for messages about it): its first quoted occurrence.
    let place = |name: &str| text.find(&format!("\"{name}\"")).unwrap_or(0);
    let d = raw.num_vars;
    if d == 0 || raw.names.len() != d || raw.bounds.len() != d {
        return Err(at(
            path,
            text,
            text.find("\"num_vars\"").unwrap_or(0),
            format!(
                "num_vars is {d} but there are {} names and {} bounds (expected at least 1, and one name and one [lo, hi] per parameter)",
                raw.names.len(),
                raw.bounds.len()
            ),
        ));
    }
    let mut bounds = Vec::with_capacity(d);
    for (j, (name, b)) in raw.names.iter().zip(&raw.bounds).enumerate() {
        if raw.names[..j].contains(name) {
            return Err(at(
                path,
                text,
                place(name),
                format!("parameter `{name}` appears twice in names"),
            ));
        }
        match b.as_slice() {
            &[lo, hi] if lo.is_finite() && hi.is_finite() && lo <= hi => bounds.push([lo, hi]),
            other => {
                return Err(at(
                    path,
                    text,
                    text.find("\"bounds\"").unwrap_or(0),
                    format!("bounds of `{name}` must be [lo, hi] with lo <= hi, got {other:?}"),
                ));
            }
        }
    }
    Ok(Problem {
        names: raw.names,
        bounds,
        groups: raw.groups.is_some_and(|g| !g.is_null()),
    })
}

/// The fields of a line with the 1-based column (in characters) each starts at:
/// split on commas when the line has one, else on whitespace.
fn fields(line: &str) -> Vec<(usize, &str)> {
    let col = |byte: usize| line[..byte].chars().count() + 1;
    let mut out = Vec::new();
    if line.contains(',') {
        let mut start = 0;
        for part in line.split(',') {
            let lead = part.len() - part.trim_start().len();
            out.push((col(start + lead), part.trim()));
            start += part.len() + 1;
        }
    } else {
        let mut rest = 0;
        for part in line.split_whitespace() {
            let off = rest + line[rest..].find(part).unwrap_or(0);
            out.push((col(off), part));
            rest = off + part.len();
        }
    }
    out
}

/// Reads the design matrix `text` of `path` against `problem`: its rows, each with
/// its line number. Blank lines and lines starting with `#` are skipped; a first row
/// that is not numeric is a header and must list the problem's names in order.
/// Values must be numbers within their parameter's bounds.
pub fn parse_matrix(
    path: &Path,
    text: &str,
    problem: &Problem,
    problem_path: &Path,
) -> Result<Vec<(usize, Vec<f64>)>, ExperimentError> {
    let d = problem.names.len();
    let err = |line: usize, col: usize, message: String| ExperimentError::At {
        file: path.to_path_buf(),
        line,
        col,
        message,
    };
    let mut rows: Vec<(usize, Vec<f64>)> = Vec::new();
    let mut header = false;
    for (i, raw_line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw_line.trim_end_matches('\r');
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let fs = fields(line);
        if rows.is_empty() && !header && fs[0].1.parse::<f64>().is_err() {
            // A header row of names, as `forumsim design --export salib` writes.
            header = true;
            for (j, &(col, name)) in fs.iter().enumerate() {
                if problem.names.get(j).map(String::as_str) != Some(name) {
                    return Err(err(
                        line_no,
                        col,
                        format!(
                            "header column {}: `{name}` is not {}; the header must list the names of {} in order ({})",
                            j + 1,
                            problem
                                .names
                                .get(j)
                                .map_or("a parameter".to_string(), |n| format!("`{n}`")),
                            problem_path.display(),
                            problem.names.join(", ")
                        ),
                    ));
                }
            }
            if fs.len() != d {
                return Err(err(
                    line_no,
                    1,
                    format!("the header names {} of the {d} parameters", fs.len()),
                ));
            }
            continue;
        }
        if fs.len() != d {
            let col = fs.get(d).map_or(line.chars().count() + 1, |f| f.0);
            return Err(err(
                line_no,
                col,
                format!(
                    "{} values, expected {d} (one per parameter of {}: {})",
                    fs.len(),
                    problem_path.display(),
                    problem.names.join(", ")
                ),
            ));
        }
        let mut row = Vec::with_capacity(d);
        for (j, &(col, tok)) in fs.iter().enumerate() {
            let name = &problem.names[j];
            let x: f64 = match tok.parse::<f64>() {
                Ok(x) if x.is_finite() => x,
                _ => {
                    return Err(err(
                        line_no,
                        col,
                        format!("`{tok}` is not a number (column {} is `{name}`)", j + 1),
                    ));
                }
            };
            let [lo, hi] = problem.bounds[j];
            // A rounding error's width beyond a bound is still the bound's value.
            let tol = 1e-12 * (1.0 + lo.abs().max(hi.abs()));
            if x < lo - tol || x > hi + tol {
                return Err(err(
                    line_no,
                    col,
                    format!(
                        "{tok} is outside the bounds [{lo}, {hi}] of `{name}` in {}",
                        problem_path.display()
                    ),
                ));
            }
            row.push(x);
        }
        rows.push((line_no, row));
    }
    if rows.is_empty() {
        return Err(err(
            1,
            1,
            format!(
                "the design is empty: expected one row of {d} numbers per point ({})",
                problem.names.join(", ")
            ),
        ));
    }
    Ok(rows)
}

/// The sensitivity layout of the rows `x` (Saltelli with second order, without, or
/// Morris, tried in that order), or why none fits.
pub fn detect_layout(problem: &Problem, x: &[Vec<f64>]) -> Result<SensInfo, Vec<String>> {
    let mut info = SensInfo {
        method: Method::Sobol,
        samples: 0,
        second_order: true,
        levels: 0,
        names: problem.names.clone(),
        bounds: problem.bounds.clone(),
    };
    let mut why = Vec::new();
    for (method, second) in [
        (Method::Sobol, true),
        (Method::Sobol, false),
        (Method::Morris, false),
    ] {
        info.method = method;
        info.second_order = second;
        match super::sensitivity::check_layout(&info, x) {
            Ok(()) => {
                info.samples = (x.len() / info.block()) as u32;
                return Ok(info);
            }
            Err(e) => why.push(e),
        }
    }
    Err(why)
}

/// What `sweep --design` is given.
pub struct External<'a> {
    /// The base scenario (the positional argument).
    pub scenario: &'a Path,
    /// The design matrix.
    pub design: &'a Path,
    /// The SALib problem [default: `problem.json` beside the design].
    pub problem: Option<&'a Path>,
    pub replicates: u32,
    /// `--set` values, applied to the base scenario before the design's values.
    pub overrides: &'a [String],
    /// `--seed` [default: the scenario's seed].
    pub seed: Option<u64>,
}

/// Reads and checks an external design into an [`Experiment`] over the base scenario:
/// every name is loaded at its bounds, and every row of a small design (the first of
/// a large one; the rest as their chunks run). Returns it with the design's and the
/// scenario's bytes, as [`super::design::load`] does. Nothing runs.
pub fn load(ext: &External<'_>) -> Result<(Experiment, Vec<u8>, Vec<u8>), ExperimentError> {
    let problem_path: PathBuf = match ext.problem {
        Some(p) => p.to_path_buf(),
        None => ext.design.parent().unwrap_or(Path::new("")).join(PROBLEM),
    };
    let ptext = read(&problem_path, "problem")?;
    let problem = parse_problem(&problem_path, &ptext)?;
    let dtext = read(ext.design, "design")?;
    let rows = parse_matrix(ext.design, &dtext, &problem, &problem_path)?;
    let d = problem.names.len();
    if (rows.len() as u64).saturating_mul(d as u64) > MAX_DESIGN_VALUES
        || rows.len() > u32::MAX as usize
    {
        return Err(ExperimentError::At {
            file: ext.design.to_path_buf(),
            line: 1,
            col: 1,
            message: format!(
                "the design has {} rows of {d} values, more than the limit of {MAX_DESIGN_VALUES} values (docs/SCENARIOS.md, Limits); split it",
                rows.len()
            ),
        });
    }

    // The base scenario with the command line's --set, reported as `run` reports it.
    let sc_text = scenario::read_scenario(ext.scenario)?;
    let base = scenario::from_str(&sc_text, ext.scenario, ext.overrides)?;

    let x: Vec<Vec<f64>> = rows.iter().map(|(_, r)| r.clone()).collect();
    let sens = detect_layout(&problem, &x).ok();
    let layout = match &sens {
        Some(s) if s.method == Method::Sobol => format!(
            "sobol layout, {} base samples{}",
            s.samples,
            if s.second_order { ", second order" } else { "" }
        ),
        Some(s) => format!("morris layout, {} trajectories", s.samples),
        None => "no sensitivity layout".into(),
    };
    let exp = Experiment {
        name: ext
            .design
            .file_stem()
            .map_or_else(|| "design".into(), |s| s.to_string_lossy().into_owned()),
        path: ext.design.to_path_buf(),
        scenario: ext.scenario.to_path_buf(),
        scenario_rel: ext.scenario.display().to_string(),
        replicates: ext.replicates,
        seed: ext.seed.unwrap_or(base.seed),
        seed_override: ext.seed,
        design: DesignKind::External {
            rows: rows.len() as u32,
            layout,
        },
        chunk: DEFAULT_CHUNK,
        overrides: ext.overrides.to_vec(),
        common: Vec::new(),
        axes: problem
            .names
            .iter()
            .zip(&problem.bounds)
            .map(|(n, &[lo, hi])| Axis {
                path: n.clone(),
                values: Vec::new(),
                range: Some((lo, hi)),
            })
            .collect(),
        variants: vec![Variant {
            name: "base".into(),
            sets: Vec::new(),
        }],
        metrics: None,
        points: Points::new(PointDesign::Rows { rows: x }).map_err(|m| ExperimentError::At {
            file: ext.design.to_path_buf(),
            line: 1,
            col: 1,
            message: m,
        })?,
        function: None,
        sens,
        problem: Some((problem_path.clone(), ptext.clone().into_bytes())),
    };
    if exp.plan().total() > u64::from(u32::MAX) {
        return Err(ExperimentError::At {
            file: ext.design.to_path_buf(),
            line: 1,
            col: 1,
            message: "the sweep has more than 2^32 runs; use fewer --replicates".into(),
        });
    }

    // Each name at both bounds: an unknown path or a value the scenario refuses is
    // the problem file's mistake, named there.
    let load = |sets: &[String]| scenario::from_str(&sc_text, ext.scenario, sets);
    for (name, [lo, hi]) in problem.names.iter().zip(&problem.bounds) {
        for v in [lo, hi] {
            let mut sets = ext.overrides.to_vec();
            sets.push(set_string(name, &toml::Value::Float(*v)));
            load(&sets).map_err(|e| {
                at(
                    &problem_path,
                    &ptext,
                    ptext.find(&format!("\"{name}\"")).unwrap_or(0),
                    format!("parameter `{name}` at {v}: {e}"),
                )
            })?;
        }
    }
    let checked = if rows.len() <= CHECK_ALL_PAIRS {
        rows.len()
    } else {
        1
    };
    for (p, (line, _)) in rows.iter().enumerate().take(checked) {
        exp.load(&sc_text, p as u32, 0)
            .map_err(|e| ExperimentError::At {
                file: ext.design.to_path_buf(),
                line: *line,
                col: 1,
                message: format!("point {p}: {e}"),
            })?;
    }
    Ok((exp, dtext.into_bytes(), sc_text.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem() -> Problem {
        Problem {
            names: vec!["a".into(), "b".into()],
            bounds: vec![[0.0, 1.0], [-1.0, 1.0]],
            groups: false,
        }
    }

    fn matrix(text: &str) -> Result<Vec<Vec<f64>>, String> {
        parse_matrix(Path::new("d.csv"), text, &problem(), Path::new("p.json"))
            .map(|r| r.into_iter().map(|(_, x)| x).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn numpy_savetxt_and_the_exporter_read_alike() {
        let np = "# a b\n1.000000000000000000e+00 -5.000000000000000000e-01\n0.25\t0.0\n";
        let csv = "a,b\n1.0,-0.5\n0.25, 0.0\n";
        assert_eq!(matrix(np).unwrap(), vec![vec![1.0, -0.5], vec![0.25, 0.0]]);
        assert_eq!(matrix(np).unwrap(), matrix(csv).unwrap());
    }

    #[test]
    fn bad_matrices_are_located() {
        for (text, want) in [
            ("", "d.csv:1:1: the design is empty"),
            ("# only a comment\n", "d.csv:1:1: the design is empty"),
            ("0.1 0.2 0.3\n", "d.csv:1:9: 3 values, expected 2"),
            ("0.1\n", "d.csv:1:4: 1 values, expected 2"),
            (
                "0.1,0.2\n0.1,x\n",
                "d.csv:2:5: `x` is not a number (column 2 is `b`)",
            ),
            ("0.1 nan\n", "d.csv:1:5: `nan` is not a number"),
            (
                "0.1 1.5\n",
                "d.csv:1:5: 1.5 is outside the bounds [-1, 1] of `b` in p.json",
            ),
            ("a,c\n0,0\n", "d.csv:1:3: header column 2: `c` is not `b`"),
        ] {
            let got = matrix(text).unwrap_err();
            assert!(got.starts_with(want), "{text:?}: {got}");
        }
    }

    #[test]
    fn bad_problems_are_located() {
        let p = Path::new("p.json");
        let bad = |t: &str| parse_problem(p, t).unwrap_err().to_string();
        assert!(bad("{\"names\": [\"a\"]}").starts_with("p.json:1:"));
        assert!(
            bad("{\"num_vars\": 2,\n \"names\": [\"a\"], \"bounds\": [[0, 1]]}")
                .contains("num_vars is 2 but there are 1 names")
        );
        let e = bad("{\"num_vars\": 1,\n \"names\": [\"a\"],\n \"bounds\": [[1, 0]]}");
        assert!(e.starts_with("p.json:3:2: bounds of `a`"), "{e}");
        let ok = parse_problem(
            p,
            "{\"num_vars\": 1, \"names\": [\"a\"], \"bounds\": [[0, 1]], \"groups\": null}",
        )
        .unwrap();
        assert!(!ok.groups);
    }
}
