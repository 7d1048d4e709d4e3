//! The validated form of the batch commands' flags (which run indices, which output
//! folder, how many threads) and what `run` and `validate` both do before and around a
//! batch: load the scenario with its bytes and resolved text, run it on a pool with a
//! panic turned into an internal error, and describe it for the manifest.

use super::error::CliError;
use forumsim::experiment::batch;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Component, Path, PathBuf};

pub use forumsim::experiment::batch::Loaded;

/// Loads `path` with the `--set` values `overrides`, cut at the year `until` if given;
/// `seed` replaces the scenario's ([`forumsim::experiment::batch::load`]).
pub fn load(
    path: &Path,
    overrides: &[String],
    until: Option<i64>,
    seed: Option<u64>,
) -> Result<Loaded, CliError> {
    Ok(batch::load(path, overrides, until, seed)?)
}

/// Runs `f` (a batch of `runs` of `loaded`) on `pool`. A panic in a run is a bug, not
/// bad input: its message is already on stderr, and it becomes [`CliError::Crash`]
/// (exit 1), naming the seed and runs to report.
pub fn guarded<T: Send>(
    loaded: &Loaded,
    pool: &rayon::ThreadPool,
    runs: &[u64],
    f: impl FnOnce() -> T + Send,
) -> Result<T, CliError> {
    panic::catch_unwind(AssertUnwindSafe(|| pool.install(f))).map_err(|_| CliError::Crash {
        seed: loaded.scenario.seed,
        runs: runs.to_vec(),
    })
}

/// A pool of `--threads N` workers (all cores without the flag).
pub fn pool(threads: Option<u32>) -> Result<rayon::ThreadPool, CliError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.map_or(0, |n| n as usize)) // 0 = all cores
        .build()
        .map_err(CliError::Pool)
}

/// Rejects `--run R` outside an explicit `--runs N` batch; done before loading
/// the scenario so that a flag mistake does not wait for a large scenario to load.
pub fn check_run_flags(runs: Option<u32>, run_index: Option<u64>) -> Result<(), CliError> {
    match (runs, run_index) {
        (Some(n), Some(r)) if r >= u64::from(n) => Err(CliError::Usage(format!(
            "--run {r} is outside a batch of --runs {n} (runs are numbered 0 to {})",
            n - 1
        ))),
        _ => Ok(()),
    }
}

/// The run indices to run: `[R]` with `--run R`, else `0..N` with `N` from
/// `--runs` or the scenario.
pub fn run_indices(
    runs: Option<u32>,
    run_index: Option<u64>,
    scenario_runs: u32,
) -> Result<Vec<u64>, CliError> {
    check_run_flags(runs, run_index)?;
    if let Some(r) = run_index {
        return Ok(vec![r]);
    }
    match runs.unwrap_or(scenario_runs) {
        0 => Err(CliError::Usage(
            "the scenario asks for 0 runs; pass --runs N".into(),
        )),
        n => Ok((0..u64::from(n)).collect()),
    }
}

/// `--out`, or `outputs/<scenario name>/` when the name is a single plain folder name
/// (a name like `../x` must not choose where files go).
pub fn out_dir(out: Option<&Path>, scenario_name: &str) -> Result<PathBuf, CliError> {
    if let Some(dir) = out {
        return Ok(dir.to_path_buf());
    }
    let mut parts = Path::new(scenario_name).components();
    match (parts.next(), parts.next()) {
        (Some(Component::Normal(name)), None) if name == scenario_name => {
            Ok(Path::new("outputs").join(name))
        }
        _ => Err(CliError::Usage(format!(
            "the scenario name {scenario_name:?} is not a plain folder name; pass --out DIR"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_index_runs_one_run() {
        assert_eq!(run_indices(None, Some(7), 5).unwrap(), vec![7]);
        assert_eq!(run_indices(Some(10), Some(7), 5).unwrap(), vec![7]);
        assert!(run_indices(Some(5), Some(5), 5).is_err());
    }

    #[test]
    fn runs_default_to_the_scenario() {
        assert_eq!(run_indices(None, None, 3).unwrap(), vec![0, 1, 2]);
        assert_eq!(run_indices(Some(2), None, 3).unwrap(), vec![0, 1]);
        assert!(run_indices(None, None, 0).is_err());
    }

    #[test]
    fn output_folder_defaults_to_the_scenario_name() {
        assert_eq!(
            out_dir(None, "stylized").unwrap(),
            Path::new("outputs/stylized")
        );
        assert_eq!(
            out_dir(Some(Path::new("x/y")), "../evil").unwrap(),
            Path::new("x/y")
        );
        for bad in ["", ".", "..", "../x", "a/b", "/abs", "a/"] {
            assert!(out_dir(None, bad).is_err(), "{bad:?}");
        }
    }
}
