//! A scenario as the batch commands load it (`forumsim run`, `validate`, and the
//! classroom page of `forumsim serve`), and a batch that reports progress and can be
//! stopped between rounds. One loader for all of them, so that the page and the
//! command line it shows write the same bytes.

use super::stream::Streamed;
use crate::engine::{self, RunOptions, RunResult};
use crate::model::Scenario;
use crate::output::{Batch, Tables};
use crate::scenario::{self, Cut, ScenarioError};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
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
    let rooms = Rooms::default();
    let results: Vec<Option<RunResult>> = runs
        .par_iter()
        .map(|&r| play(scenario, r, opts, stop, done, &rooms))
        .collect();
    results.into_iter().collect()
}

/// Run `r` of the batch, round by round ([`engine::run`]'s own loop), unless `stop`
/// is set before one of its rounds; counted in `done` when it finishes.
fn play(
    scenario: &Scenario,
    r: u64,
    opts: RunOptions,
    stop: &AtomicBool,
    done: &AtomicUsize,
    rooms: &Rooms,
) -> Option<RunResult> {
    let mut stepper = engine::Stepper::with_room(scenario, r, opts, rooms.get());
    loop {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        if !stepper.step() {
            break;
        }
    }
    done.fetch_add(1, Ordering::Relaxed);
    let result = stepper.finish();
    rooms.keep(&result);
    Some(result)
}

/// The largest room ([`engine::Room`]) the runs of one batch have taken so far, shared by
/// its workers: each run is made with it, so that once a few runs have finished no run's
/// tables grow by doubling in its rounds (issue #17 item 3). It lives as long as the
/// batch, so one batch's sizes never reach another's. Capacity only: which runs finished
/// first changes allocations, never a row.
#[derive(Debug, Default)]
pub struct Rooms(Mutex<engine::Room>);

impl Rooms {
    /// The room so far (none if the lock was poisoned: a run then only allocates more).
    pub fn get(&self) -> engine::Room {
        self.0.lock().map(|r| *r).unwrap_or_default()
    }

    /// Grows the room to `run`'s.
    pub fn keep(&self, run: &RunResult) {
        if let Ok(mut r) = self.0.lock() {
            *r = r.max(engine::Room::of(run));
        }
    }

    /// [`engine::run`] made with the batch's room, which it then grows to its own.
    pub fn run(&self, scenario: &Scenario, r: u64, opts: RunOptions) -> RunResult {
        let mut stepper = engine::Stepper::with_room(scenario, r, opts, self.get());
        while stepper.step() {}
        let result = stepper.finish();
        self.keep(&result);
        result
    }
}

/// Runs in flight per worker thread in [`run_streamed`]: enough that a slow run does
/// not idle the other workers for long, few enough that memory does not grow with the
/// batch (a world run's results are ≈ 180 kB).
pub const IN_FLIGHT_PER_THREAD: usize = 4;

/// A batch that never holds all its results (issue #17 item 1): each run is played
/// (stopping as [`run_batch_stoppable`] does) and turned into `work(result)` by the
/// worker that played it, on the current rayon pool, and the products reach `sink` in
/// run order as the runs finish, with at most [`IN_FLIGHT_PER_THREAD`] runs per worker
/// in flight ([`super::stream::in_order`]). `forumsim run` formats each run's rows in
/// `work` and appends them to its files in `sink`: the same bytes as
/// [`super::run_batch`] then [`crate::output::write_batch`].
pub fn run_streamed<T, E>(
    scenario: &Scenario,
    runs: &[u64],
    opts: RunOptions,
    stop: &AtomicBool,
    done: &AtomicUsize,
    work: impl Fn(RunResult) -> T + Sync,
    mut sink: impl FnMut(T) -> Result<(), E> + Send,
) -> Result<Streamed, E>
where
    T: Send,
    E: Send,
{
    let window = IN_FLIGHT_PER_THREAD * rayon::current_num_threads();
    let rooms = Rooms::default();
    super::stream::in_order(
        runs.len(),
        window,
        |i| play(scenario, runs[i], opts, stop, done, &rooms).map(&work),
        |_, t| sink(t),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stylized() -> Loaded {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/stylized.toml");
        load(&path, &["rounds=4".to_string()], None, Some(7)).unwrap()
    }

    /// Each run of a batch is made with the largest room the runs before it took, and
    /// leaves the batch's room at least its own; a new batch starts with none.
    #[test]
    fn a_batch_hands_each_run_the_room_its_runs_took() {
        let l = stylized();
        let opts = RunOptions {
            votes: true,
            ..RunOptions::default()
        };
        let (stop, done) = (AtomicBool::new(false), AtomicUsize::new(0));
        let rooms = Rooms::default();
        assert_eq!(rooms.get(), engine::Room::default());
        let a = play(&l.scenario, 0, opts, &stop, &done, &rooms).unwrap();
        assert_eq!(rooms.get(), engine::Room::of(&a));
        assert!(rooms.get().votes > 0, "the votes table took room");
        let b = rooms.run(&l.scenario, 1, RunOptions::default());
        assert_eq!(rooms.get(), engine::Room::of(&a).max(engine::Room::of(&b)));
        assert!(
            b == engine::run(&l.scenario, 1, RunOptions::default()),
            "the same run"
        );
        assert_eq!(Rooms::default().get(), engine::Room::default());
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
    fn a_streamed_batch_hands_over_the_plain_batchs_runs_in_order_holding_few() {
        let l = stylized();
        let runs: Vec<u64> = (0..24).collect();
        let opts = RunOptions::default();
        let plain = super::super::run_batch(&l.scenario, &runs, opts);
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (stop, done) = (AtomicBool::new(false), AtomicUsize::new(0));
            let mut got = Vec::new();
            let st = pool
                .install(|| {
                    run_streamed(&l.scenario, &runs, opts, &stop, &done, Box::new, |r| {
                        got.push(*r);
                        Ok::<(), ()>(())
                    })
                })
                .unwrap();
            assert!(st.complete && st.handed == 24, "{st:?}");
            assert!(
                got == plain,
                "{threads} threads: the same runs in run order"
            );
            // What bounds memory: never more than a few runs per worker at once,
            // however long the batch.
            assert!(
                st.max_in_flight <= IN_FLIGHT_PER_THREAD * threads,
                "{threads} threads: {st:?}"
            );
        }
    }

    #[test]
    fn a_stopped_streamed_batch_is_incomplete() {
        let l = stylized();
        let (stop, done) = (AtomicBool::new(true), AtomicUsize::new(0));
        let mut n = 0;
        let st = run_streamed(
            &l.scenario,
            &[0, 1, 2],
            RunOptions::default(),
            &stop,
            &done,
            |_| (),
            |()| {
                n += 1;
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert!(!st.complete);
        assert_eq!((n, done.load(Ordering::Relaxed)), (0, 0));
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
