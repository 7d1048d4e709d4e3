//! A scenario as the batch commands load it (`forumsim run`, `validate`, and the
//! classroom page of `forumsim serve`), and a batch that reports progress and can be
//! stopped between rounds. One loader for all of them, so that the page and the
//! command line it shows write the same bytes.

use crate::engine::{self, RunOptions, RunResult};
use crate::model::Scenario;
use crate::output::{Batch, Tables};
use crate::scenario::{self, Cut, ScenarioError};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

/// A scenario as a batch command loads it: validated (with `--set`, `--until` and
/// `--seed`), the file's bytes (hashed in the manifest) and the resolved text (copied
/// beside the outputs so that `verify` can run the batch again).
#[derive(Debug)]
pub struct Loaded {
    pub scenario: Scenario,
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub resolved: String,
    pub overrides: Vec<String>,
    /// What `--until` cut, if given.
    pub cut: Option<Cut>,
}

/// Why a scenario could not be loaded for a batch.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("{}: cannot read the scenario file", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Loads `path` with the `--set` values `overrides`, cut at the year `until` if given;
/// `seed` replaces the scenario's.
pub fn load(
    path: &Path,
    overrides: &[String],
    until: Option<i64>,
    seed: Option<u64>,
) -> Result<Loaded, LoadError> {
    let resolved = scenario::load_resolved_until(path, overrides, until)?;
    let mut sc = resolved.scenario;
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if let Some(seed) = seed {
        sc.seed = seed;
    }
    Ok(Loaded {
        scenario: sc,
        path: path.to_path_buf(),
        bytes,
        resolved: resolved.text,
        overrides: overrides.to_vec(),
        cut: resolved.cut,
    })
}

impl Loaded {
    /// The batch of `runs` for the manifest.
    pub fn batch<'b>(
        &'b self,
        runs: &'b [u64],
        threads: usize,
        tables: Tables,
        started: Instant,
    ) -> Batch<'b> {
        Batch {
            scenario: &self.scenario,
            scenario_path: &self.path,
            scenario_bytes: &self.bytes,
            resolved: &self.resolved,
            overrides: &self.overrides,
            until: self.cut.as_ref().map(|c| c.year),
            runs,
            threads,
            tables,
            started,
        }
    }
}

/// [`super::run_batch`] that counts finished runs in `done` and gives up (`None`) once
/// `stop` is set, checked before every round. The runs it finishes are the runs
/// [`super::run_batch`] returns: each is [`engine::run`]'s own loop of rounds.
pub fn run_batch_stoppable(
    scenario: &Scenario,
    runs: &[u64],
    opts: RunOptions,
    stop: &AtomicBool,
    done: &AtomicUsize,
) -> Option<Vec<RunResult>> {
    let results: Vec<Option<RunResult>> = runs
        .par_iter()
        .map(|&r| {
            let mut stepper = engine::Stepper::new(scenario, r, opts);
            loop {
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                if !stepper.step() {
                    break;
                }
            }
            done.fetch_add(1, Ordering::Relaxed);
            Some(stepper.finish())
        })
        .collect();
    results.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stylized() -> Loaded {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/stylized.toml");
        load(&path, &["rounds=4".to_string()], None, Some(7)).unwrap()
    }

    #[test]
    fn a_stoppable_batch_equals_the_plain_one() {
        let l = stylized();
        assert_eq!(l.scenario.seed, 7);
        let runs = [0, 1, 2];
        let opts = RunOptions::default();
        let done = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let a = run_batch_stoppable(&l.scenario, &runs, opts, &stop, &done).unwrap();
        let b = super::super::run_batch(&l.scenario, &runs, opts);
        assert_eq!(done.load(Ordering::Relaxed), 3);
        assert!(a == b, "the same runs");
    }

    #[test]
    fn a_stopped_batch_returns_nothing() {
        let l = stylized();
        let stop = AtomicBool::new(true);
        let done = AtomicUsize::new(0);
        let r = run_batch_stoppable(&l.scenario, &[0, 1], RunOptions::default(), &stop, &done);
        assert!(r.is_none());
        assert_eq!(done.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn a_missing_file_is_a_located_error() {
        let e = load(Path::new("no/such.toml"), &[], None, None).unwrap_err();
        assert!(e.to_string().contains("no/such.toml"), "{e}");
    }
}
