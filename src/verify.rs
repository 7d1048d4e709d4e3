//! `forumsim verify`: re-runs the runs recorded in an output folder, from its
//! manifest and its copy of the resolved scenario, and compares the files byte for
//! byte.
//!
//! The folder says what wrote it (`manifest.kind`). Only `run` folders exist today;
//! a `sweep` folder will be one more `kind` whose points each name a scenario, its
//! overrides and its runs, checked the same way ([`check_runs`] takes any scenario
//! and run list).

use crate::engine::RunOptions;
use crate::experiment;
use crate::model::Scenario;
use crate::output::manifest::{BuildInfo, KIND_RUN};
use crate::output::{ATTENTION, Batch, MANIFEST, OutputError, RESOLVED, Tables, VOTES, sha256_hex};
use crate::scenario::{self, Cut, ScenarioError};
use rand::RngExt as _;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Why a folder cannot be verified at all (bad input, not a mismatch).
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("{}: cannot read the manifest; is this a `forumsim run` output folder?", path.display())]
    NoManifest {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {message}", path.display())]
    BadManifest { path: PathBuf, message: String },
    #[error("{}: cannot read the copy of the resolved scenario", path.display())]
    NoScenario {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the recorded scenario no longer loads")]
    Scenario(#[source] ScenarioError),
    /// `--until YEAR` outside the recorded run's years.
    #[error(transparent)]
    Until(ScenarioError),
    #[error("cannot write the re-run outputs")]
    Output(#[source] OutputError),
    #[error("--sample must be at least 1")]
    EmptySample,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Byte-identical (for a sample: the rows of the sampled runs are).
    Same,
    /// Listed in the manifest but not in the folder.
    Missing,
    /// A table the run writes that the manifest does not list.
    Unlisted,
    /// Differs; the first differing line of the folder's file (1-based) and the runs
    /// whose rows differ.
    Differs { line: usize, runs: Vec<u64> },
    /// The scenario copy is not the one the manifest hashed: nothing was re-run.
    Altered,
}

/// One checked file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    pub name: String,
    pub outcome: Outcome,
}

/// The result of a verification.
#[derive(Debug, Clone)]
pub struct Report {
    /// Runs recorded in the folder.
    pub recorded: Vec<u64>,
    /// Runs re-run and compared.
    pub checked: Vec<u64>,
    pub files: Vec<FileCheck>,
    /// Differences in how the folder was made that do not fail the check (another
    /// forumsim build or platform).
    pub notes: Vec<String>,
}

impl Report {
    /// True when every checked file matched.
    pub fn ok(&self) -> bool {
        self.files.iter().all(|f| f.outcome == Outcome::Same)
    }
}

fn bad(path: &Path, message: impl Into<String>) -> VerifyError {
    VerifyError::BadManifest {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// The path and the parsed JSON of `dir`'s manifest.
fn manifest(dir: &Path) -> Result<(PathBuf, Value), VerifyError> {
    let mpath = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&mpath).map_err(|source| VerifyError::NoManifest {
        path: mpath.clone(),
        source,
    })?;
    let m: Value = serde_json::from_str(&text)
        .map_err(|e| bad(&mpath, format!("not a valid manifest: {e}")))?;
    Ok((mpath, m))
}

/// Verifies the output folder `dir`: all its runs, or `sample` of them chosen by a
/// generator seeded with `seed`.
pub fn verify(dir: &Path, sample: Option<usize>, seed: u64) -> Result<Report, VerifyError> {
    let (mpath, m) = manifest(dir)?;
    match m["kind"].as_str() {
        Some(KIND_RUN) => {}
        Some(other) => {
            return Err(bad(
                &mpath,
                format!("cannot verify a `{other}` folder with this forumsim"),
            ));
        }
        None => {
            return Err(bad(
                &mpath,
                "written by a forumsim without `verify` support (no `kind`); run the batch again",
            ));
        }
    }
    let batch = Recorded::of(&m, &mpath)?;
    let recorded = batch.runs.clone();
    let mut tables = Tables {
        votes: m["tables"]["votes"].as_bool().unwrap_or(false),
        states: m["tables"]["states"].as_bool().unwrap_or(false),
        votes_on: None,
    };
    // `--votes-on`, as given: parsed against the scenario copy once it is loaded.
    let votes_on: Option<Vec<String>> = match &m["tables"]["votes_on"] {
        Value::Null => None,
        v => Some(
            v.as_array()
                .and_then(|a| a.iter().map(|x| x.as_str().map(str::to_string)).collect())
                .ok_or_else(|| bad(&mpath, "`tables.votes_on` is not a list of names"))?,
        ),
    };
    let files: Vec<String> = m["files"]
        .as_array()
        .ok_or_else(|| bad(&mpath, "missing `files`"))?
        .iter()
        .map(|f| f["name"].as_str().map(str::to_string))
        .collect::<Option<_>>()
        .ok_or_else(|| bad(&mpath, "a `files` entry has no `name`"))?;
    // Only files of this folder: a listed `../x` is never read.
    if let Some(name) = files
        .iter()
        .find(|n| !crate::output::publish::plain_name(n))
    {
        return Err(bad(
            &mpath,
            format!(
                "lists `{}`, which is not a file of this folder",
                crate::scenario::excerpt(name)
            ),
        ));
    }

    let mut notes = Vec::new();
    let now = BuildInfo::current();
    let was = (
        m["forumsim"].as_str().unwrap_or("?"),
        m["build"]["git_commit"].as_str().unwrap_or("?"),
        m["build"]["os"].as_str().unwrap_or("?"),
        m["build"]["arch"].as_str().unwrap_or("?"),
    );
    let is = (
        env!("CARGO_PKG_VERSION"),
        now.git_commit.as_str(),
        now.os.as_str(),
        now.arch.as_str(),
    );
    if was != is {
        notes.push(format!(
            "recorded by forumsim {} (commit {}) on {}/{}; re-run by forumsim {} (commit {}) on {}/{}",
            was.0, was.1, was.2, was.3, is.0, is.1, is.2, is.3
        ));
    }

    let Some((sc, _)) = batch.scenario(dir, None)? else {
        // Re-running an altered scenario would prove nothing.
        return Ok(Report {
            recorded,
            checked: Vec::new(),
            files: vec![FileCheck {
                name: batch.resolved.to_string(),
                outcome: Outcome::Altered,
            }],
            notes,
        });
    };

    if let Some(items) = votes_on {
        let on = crate::output::votes_on::VotesOn::parse(&items, &sc)
            .map_err(|e| bad(&mpath, format!("`tables.votes_on`: {e}")))?;
        tables.votes_on = Some(on);
    }

    let checked = match sample {
        Some(0) => return Err(VerifyError::EmptySample),
        Some(k) if k < recorded.len() => choose(&recorded, k, seed),
        _ => recorded.clone(),
    };
    let files = check_runs(dir, &sc, &checked, recorded.len(), &tables, &files)?;
    Ok(Report {
        recorded,
        checked,
        files,
        notes,
    })
}

/// The scenario a run folder was made from (its resolved copy, with the recorded
/// overrides and seed) and the runs it holds: enough to re-run any of them exactly,
/// as `forumsim animate` does. Unlike [`verify`], an altered copy is an error here.
pub fn recorded(dir: &Path) -> Result<(Scenario, Vec<u64>), VerifyError> {
    recorded_until(dir, None).map(|(sc, runs, _)| (sc, runs))
}

/// [`recorded`], cut at the year `until` (`animate --until`), with what the cut did.
pub fn recorded_until(
    dir: &Path,
    until: Option<i64>,
) -> Result<(Scenario, Vec<u64>, Option<Cut>), VerifyError> {
    let (mpath, m) = manifest(dir)?;
    if m["kind"].as_str() != Some(KIND_RUN) {
        return Err(bad(&mpath, "not the manifest of a `forumsim run` folder"));
    }
    let batch = Recorded::of(&m, &mpath)?;
    match batch.scenario(dir, until)? {
        Some((sc, cut)) => Ok((sc, batch.runs, cut)),
        None => Err(bad(
            &dir.join(batch.resolved),
            "not the scenario the manifest recorded (its hash differs); run the batch again",
        )),
    }
}

/// What a run folder's manifest records about its batch: the resolved scenario copy and
/// its hash, the original scenario path, the overrides, the seed and the runs.
struct Recorded<'m> {
    resolved: &'m str,
    resolved_sha256: &'m str,
    path: &'m str,
    /// The overrides to apply to the resolved copy: none when the batch ran with
    /// `--until`, whose copy is the scenario as run (overrides applied, then the cut).
    overrides: Vec<String>,
    seed: u64,
    runs: Vec<u64>,
}

impl<'m> Recorded<'m> {
    fn of(m: &'m Value, mpath: &Path) -> Result<Recorded<'m>, VerifyError> {
        let str_at = |ptr: &str| {
            m.pointer(ptr)
                .and_then(Value::as_str)
                .ok_or_else(|| bad(mpath, format!("missing `{}`", &ptr[1..].replace('/', "."))))
        };
        let resolved = str_at("/scenario/resolved")?;
        if !crate::output::publish::plain_name(resolved) {
            return Err(bad(
                mpath,
                format!(
                    "`scenario.resolved` is `{}`, which is not a file of this folder",
                    crate::scenario::excerpt(resolved)
                ),
            ));
        }
        let baked = !m["scenario"]["until"].is_null();
        Ok(Recorded {
            resolved,
            resolved_sha256: str_at("/scenario/resolved_sha256")?,
            path: str_at("/scenario/path")?,
            overrides: if baked {
                Vec::new()
            } else {
                m["scenario"]["overrides"]
                    .as_array()
                    .ok_or_else(|| bad(mpath, "missing `scenario.overrides`"))?
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<_>>()
                    .ok_or_else(|| bad(mpath, "`scenario.overrides` must be strings"))?
            },
            seed: m["seed"]
                .as_u64()
                .ok_or_else(|| bad(mpath, "missing `seed`"))?,
            runs: run_list(&m["runs"]).ok_or_else(|| bad(mpath, "missing or bad `runs`"))?,
        })
    }

    /// The recorded scenario, re-loaded from the folder's resolved copy with the recorded
    /// overrides and seed (and cut at `until`); `None` if the copy is not the one the
    /// manifest hashed.
    fn scenario(
        &self,
        dir: &Path,
        until: Option<i64>,
    ) -> Result<Option<(Scenario, Option<Cut>)>, VerifyError> {
        let rpath = dir.join(self.resolved);
        let resolved =
            std::fs::read_to_string(&rpath).map_err(|source| VerifyError::NoScenario {
                path: rpath.clone(),
                source,
            })?;
        if sha256_hex(resolved.as_bytes()) != self.resolved_sha256 {
            return Ok(None);
        }
        // Relative paths in the scenario (`states_csv`) are relative to the original file.
        let as_if = Path::new(self.path).with_file_name(RESOLVED);
        let (mut sc, cut) = scenario::from_str_until(&resolved, &as_if, &self.overrides, until)
            .map_err(|e| match e {
                // Named after the folder's copy, not the path it is read as.
                ScenarioError::Until { year, message, .. } => {
                    VerifyError::Until(ScenarioError::Until {
                        file: rpath.clone(),
                        year,
                        message,
                    })
                }
                e => VerifyError::Scenario(e),
            })?;
        sc.seed = self.seed;
        Ok(Some((sc, cut)))
    }
}

/// The run indices of a manifest's `runs` (a range or a list).
fn run_list(v: &Value) -> Option<Vec<u64>> {
    if let Some(list) = v.as_array() {
        return list.iter().map(Value::as_u64).collect();
    }
    let (first, last) = (v["first"].as_u64()?, v["last"].as_u64()?);
    (first <= last).then(|| (first..=last).collect())
}

/// `k` of `runs`, chosen by a ChaCha generator seeded with `seed`, in run order.
fn choose(runs: &[u64], k: usize, seed: u64) -> Vec<u64> {
    let mut rng = crate::model::rng::run_rng(seed, 0);
    let mut pool = runs.to_vec();
    // Partial Fisher–Yates: the first k slots end up a uniform sample.
    for i in 0..k.min(pool.len()) {
        let j = rng.random_range(i..pool.len());
        pool.swap(i, j);
    }
    pool.truncate(k);
    pool.sort_unstable();
    pool
}

/// A temp folder removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Re-runs `runs` of `sc` and compares each of `files` of `dir` with the re-run's.
/// `recorded` is how many runs the folder holds: when all are re-run, whole files are
/// compared; else only the rows of the re-run runs.
pub fn check_runs(
    dir: &Path,
    sc: &Scenario,
    runs: &[u64],
    recorded: usize,
    tables: &Tables,
    files: &[String],
) -> Result<Vec<FileCheck>, VerifyError> {
    let results = experiment::run_batch(
        sc,
        runs,
        RunOptions {
            votes: tables.votes,
            states: tables.states,
            why: false,
        },
    );
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = TempDir(
        std::env::temp_dir().join(format!("forumsim-verify-{}-{nanos}", std::process::id())),
    );
    let batch = Batch {
        scenario: sc,
        scenario_path: Path::new(RESOLVED),
        scenario_bytes: b"",
        resolved: "",
        overrides: &[],
        until: None,
        runs,
        threads: 1,
        tables: tables.clone(),
        started: Instant::now(),
    };
    crate::output::write_batch(&tmp.0, &batch, &results).map_err(VerifyError::Output)?;
    let whole = runs.len() == recorded;
    let selected: BTreeSet<u64> = runs.iter().copied().collect();
    let mut out = Vec::new();
    // Every table a run with these options writes must be listed: a folder whose
    // manifest lists nothing would otherwise verify as "0 files identical".
    let mut expected = crate::output::tables::ALWAYS.to_vec();
    if tables.votes {
        expected.push(VOTES);
    }
    if tables.states {
        expected.push(ATTENTION);
    }
    for name in expected {
        if !files.iter().any(|f| f == name) {
            out.push(FileCheck {
                name: name.to_string(),
                outcome: Outcome::Unlisted,
            });
        }
    }
    for name in files {
        let Ok(old) = std::fs::read(dir.join(name)) else {
            out.push(FileCheck {
                name: name.clone(),
                outcome: Outcome::Missing,
            });
            continue;
        };
        let new = std::fs::read(tmp.0.join(name)).unwrap_or_default();
        let outcome = if whole && old == new {
            Outcome::Same
        } else {
            compare_rows(&old, &new, if whole { None } else { Some(&selected) })
        };
        out.push(FileCheck {
            name: name.clone(),
            outcome,
        });
    }
    Ok(out)
}

/// The run of a CSV row (its first field), `None` for the header or a bad row.
fn run_of(line: &[u8]) -> Option<u64> {
    let field = line.split(|&b| b == b',').next()?;
    std::str::from_utf8(field).ok()?.parse().ok()
}

/// Compares the header and the rows of `selected` runs (all rows for `None`) of the
/// folder's file `old` with the re-run's file `new`, line by line.
fn compare_rows(old: &[u8], new: &[u8], selected: Option<&BTreeSet<u64>>) -> Outcome {
    let lines = |b: &[u8]| -> Vec<(usize, Vec<u8>)> {
        b.split(|&c| c == b'\n')
            .enumerate()
            .map(|(i, l)| (i + 1, l.to_vec()))
            .collect()
    };
    let keep = |(i, l): &(usize, Vec<u8>)| {
        *i == 1
            || match (selected, run_of(l)) {
                (None, _) => true,
                (Some(s), Some(r)) => s.contains(&r),
                // Not a row of any run (e.g. the empty piece after the last newline).
                (Some(_), None) => !l.is_empty(),
            }
    };
    let a: Vec<_> = lines(old).into_iter().filter(keep).collect();
    let b: Vec<_> = lines(new).into_iter().filter(keep).collect();
    let mut first = None;
    let mut runs = BTreeSet::new();
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i), b.get(i));
        if x.map(|p| &p.1) == y.map(|p| &p.1) {
            continue;
        }
        first.get_or_insert(x.or(a.last()).map_or(1, |p| p.0));
        runs.extend(x.and_then(|p| run_of(&p.1)));
        runs.extend(y.and_then(|p| run_of(&p.1)));
    }
    match first {
        None => Outcome::Same,
        Some(line) => Outcome::Differs {
            line,
            runs: runs.into_iter().collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_compared_for_the_selected_runs_only() {
        let old = b"run,x\n0,a\n1,b\n2,c\n";
        let same = b"run,x\n1,b\n";
        let diff = b"run,x\n1,B\n";
        let sel: BTreeSet<u64> = [1].into();
        assert_eq!(compare_rows(old, same, Some(&sel)), Outcome::Same);
        assert_eq!(
            compare_rows(old, diff, Some(&sel)),
            Outcome::Differs {
                line: 3,
                runs: vec![1]
            }
        );
        assert_eq!(
            compare_rows(old, b"run,x\n0,a\n1,b\n2,C\n", None),
            Outcome::Differs {
                line: 4,
                runs: vec![2]
            }
        );
        // A missing last row is a difference too.
        assert!(matches!(
            compare_rows(old, b"run,x\n0,a\n1,b\n", None),
            Outcome::Differs { .. }
        ));
    }

    #[test]
    fn samples_are_seeded_distinct_and_sorted() {
        let runs: Vec<u64> = (0..20).collect();
        let a = choose(&runs, 5, 7);
        assert_eq!(a, choose(&runs, 5, 7));
        assert_eq!(a.len(), 5);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_ne!(a, choose(&runs, 5, 8));
        assert_eq!(choose(&runs, 20, 1), runs);
    }

    #[test]
    fn run_lists_read_ranges_and_lists() {
        let r: Value = serde_json::json!({"first": 2, "last": 4, "count": 3});
        assert_eq!(run_list(&r), Some(vec![2, 3, 4]));
        assert_eq!(run_list(&serde_json::json!([0, 5])), Some(vec![0, 5]));
        assert_eq!(run_list(&serde_json::json!("x")), None);
    }
}
