//! Sessions and jobs. Every browser tab gets a session (a random token it sends with
//! each request); a session's runs are jobs, each a batch run on a background thread
//! into its own folder `OUT/<session>/<job>/`, with a counter of finished runs the
//! page polls and a stop flag its Cancel button sets. A session sees only its own
//! jobs; sessions idle for [`IDLE`] are dropped with their folders.

use super::form::Plan;
use crate::engine::{RunOptions, RunResult};
use crate::experiment::batch::{Loaded, run_streamed};
use crate::model::Scenario;
use crate::output::{self, Tables};
use crate::plot::{self, Format, sweepdata::MeanCi};
use crate::validate;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A session unused this long is dropped, and its folder removed.
pub const IDLE: Duration = Duration::from_secs(4 * 3600);

/// Jobs a session keeps; older ones are dropped with their folders.
pub const KEEP: usize = 8;

/// Locks `m`, taking the data even if a thread panicked while holding it: every
/// value behind these locks is whole between statements.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Every session of the server, under its output folder.
pub struct Sessions {
    pub root: PathBuf,
    map: Mutex<BTreeMap<String, Arc<Session>>>,
}

/// One browser tab's runs.
pub struct Session {
    pub id: String,
    pub dir: PathBuf,
    last_seen: Mutex<Instant>,
    next: AtomicU64,
    jobs: Mutex<Vec<Arc<Job>>>,
}

/// A batch started from the page.
pub struct Job {
    pub id: u64,
    pub dir: PathBuf,
    pub command: String,
    pub scenario: Scenario,
    pub seed: u64,
    pub runs: Vec<u64>,
    pub done: AtomicUsize,
    pub stop: AtomicBool,
    pub state: Mutex<State>,
    started: Instant,
    /// The last run replayed for the step-through and the explanation.
    replay: Mutex<Option<Arc<RunResult>>>,
}

/// Where a job is.
#[derive(Debug, Clone)]
pub enum State {
    Running,
    /// Runs done; tables, charts and report being written.
    Writing,
    Done(Box<Outcome>),
    Failed(String),
    Cancelled,
}

/// What a finished job shows.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Chart file names under `plots/`.
    pub charts: Vec<String>,
    /// AMI in the final year, per run (in run order).
    pub final_ami: Vec<f64>,
    pub ami: Stat,
    pub fragmentation: Stat,
    pub facts: Vec<FactRow>,
    /// From Run to charts written, in milliseconds.
    pub millis: u64,
}

/// A mean with its 95 % CI.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Stat {
    pub n: usize,
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

impl From<MeanCi> for Stat {
    fn from(m: MeanCi) -> Stat {
        Stat {
            n: m.n,
            mean: m.mean,
            lo: m.lo,
            hi: m.hi,
        }
    }
}

/// One recorded fact and how many runs reproduced it.
#[derive(Debug, Clone, Serialize)]
pub struct FactRow {
    pub id: String,
    pub venue: String,
    pub recorded: String,
    pub years: String,
    pub reproduced: usize,
    pub runs: usize,
    pub instead: String,
}

impl Sessions {
    pub fn new(root: PathBuf) -> Sessions {
        Sessions {
            root,
            map: Mutex::new(BTreeMap::new()),
        }
    }

    /// A new session with a fresh token; sessions idle longer than [`IDLE`] go.
    pub fn create(&self) -> Arc<Session> {
        let mut map = lock(&self.map);
        let stale: Vec<String> = map
            .iter()
            .filter(|(_, s)| lock(&s.last_seen).elapsed() > IDLE)
            .map(|(k, _)| k.clone())
            .collect();
        for k in stale {
            if let Some(s) = map.remove(&k) {
                s.stop_all();
                let _ = std::fs::remove_dir_all(&s.dir);
            }
        }
        let id = token();
        let s = Arc::new(Session {
            dir: self.root.join(&id),
            id: id.clone(),
            last_seen: Mutex::new(Instant::now()),
            next: AtomicU64::new(1),
            jobs: Mutex::new(Vec::new()),
        });
        map.insert(id, s.clone());
        s
    }

    /// The session of `token`, if the server made it.
    pub fn get(&self, token: &str) -> Option<Arc<Session>> {
        let s = lock(&self.map).get(token).cloned()?;
        *lock(&s.last_seen) = Instant::now();
        Some(s)
    }
}

/// Removes the session folders an earlier server left in `out` (folders named as
/// [`token`] names them; nothing else in `out` is touched): their tabs are gone.
pub fn remove_old_sessions(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let is_token = name.len() == 32 && name.chars().all(|c| c.is_ascii_hexdigit());
        if is_token && e.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// 128 random bits as 32 hex digits, from the operating system's generator; not a
/// simulation stream, so not the model's RNG.
fn token() -> String {
    let mut b = [0u8; 16];
    let from_os = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut b));
    if from_os.is_err() {
        // No /dev/urandom (not Linux/macOS): std's per-process random hash keys.
        use std::hash::{BuildHasher, RandomState};
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let a = RandomState::new().hash_one(t).to_le_bytes();
        let c = RandomState::new().hash_one(t ^ 0x9e37).to_le_bytes();
        b[..8].copy_from_slice(&a);
        b[8..].copy_from_slice(&c);
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl Session {
    /// Starts `plan` on a background thread as this session's next job.
    pub fn start(&self, plan: Plan) -> Arc<Job> {
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let job = Arc::new(Job {
            id,
            dir: self.dir.join(id.to_string()),
            command: plan.command,
            scenario: plan.loaded.scenario.clone(),
            seed: plan.loaded.scenario.seed,
            runs: plan.runs.clone(),
            done: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            state: Mutex::new(State::Running),
            started: Instant::now(),
            replay: Mutex::new(None),
        });
        {
            let mut jobs = lock(&self.jobs);
            jobs.push(job.clone());
            while jobs.len() > KEEP {
                let old = jobs.remove(0);
                old.stop.store(true, Ordering::Relaxed);
                let _ = std::fs::remove_dir_all(&old.dir);
            }
        }
        let j = job.clone();
        let loaded = plan.loaded;
        std::thread::spawn(move || {
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| execute(&j, &loaded)));
            let state = match result {
                Ok(Ok(Some(o))) => State::Done(Box::new(o)),
                Ok(Ok(None)) => State::Cancelled,
                Ok(Err(msg)) => State::Failed(msg),
                Err(_) => State::Failed(format!(
                    "a run crashed, a bug in forumsim: seed {}, runs 0 to {}",
                    j.seed,
                    j.runs.len().saturating_sub(1)
                )),
            };
            *lock(&j.state) = state;
        });
        job
    }

    /// The job `id` of this session.
    pub fn job(&self, id: u64) -> Option<Arc<Job>> {
        lock(&self.jobs).iter().find(|j| j.id == id).cloned()
    }

    fn stop_all(&self) {
        for j in lock(&self.jobs).iter() {
            j.stop.store(true, Ordering::Relaxed);
        }
    }
}

/// Runs the batch, writes its folder as `forumsim run` does, then its SVG charts and
/// report. `Ok(None)`: cancelled.
fn execute(job: &Job, loaded: &Loaded) -> Result<Option<Outcome>, String> {
    let sc = &loaded.scenario;
    // Votes only where facts and targets need them; recording changes no draw.
    let opts = RunOptions {
        votes: sc.targets.iter().any(|t| !t.votes.is_empty()),
        states: false,
        why: false,
    };
    // As `forumsim run`: each run's rows are written as the runs finish (issue #17
    // item 1), and of each run only what the facts need is kept. Cancelled, the
    // staged folder is dropped and the session's previous folder stays.
    let layout = output::Layout::new(&job.dir, sc.start_year, &Tables::default());
    let mut writer = output::BatchWriter::create(&job.dir, &layout).map_err(|e| e.to_string())?;
    let mut per_run = Vec::with_capacity(job.runs.len());
    let streamed = run_streamed(
        sc,
        &job.runs,
        opts,
        &job.stop,
        &job.done,
        |r| (layout.format(&r), validate::observe(sc, &r)),
        |(rows, seen)| {
            per_run.push(seen);
            writer.push(rows?)
        },
    )
    .map_err(|e| e.to_string())?;
    if !streamed.complete {
        return Ok(None);
    }
    *lock(&job.state) = State::Writing;
    let batch = loaded.batch(
        &job.runs,
        rayon::current_num_threads(),
        Tables::default(),
        job.started,
    );
    writer.finish(&batch).map_err(|e| e.to_string())?;
    let written = plot::plot_dir(&job.dir, &job.dir.join(plot::PLOTS), Format::Svg)
        .map_err(|e| e.to_string())?;
    let millis = job.started.elapsed().as_millis() as u64;
    crate::report::write_report(&job.dir, &job.dir.join(crate::report::REPORT))
        .map_err(|e| e.to_string())?;
    let report = validate::report(sc, &job.runs, &per_run);
    let facts = report
        .facts
        .iter()
        .map(|f| FactRow {
            id: f.id.clone(),
            venue: f.venue.clone(),
            recorded: f.phrase.clone(),
            years: if f.first_year == f.last_year {
                f.first_year.to_string()
            } else {
                format!("{}-{}", f.first_year, f.last_year)
            },
            reproduced: f.reproduced,
            runs: f.runs,
            instead: f
                .alternative()
                .map(|(o, n)| format!("{} ({n} runs)", o.phrase()))
                .unwrap_or_default(),
        })
        .collect();
    let d = plot::data::load(&job.dir).map_err(|e| e.to_string())?;
    let last = |f: fn(&plot::data::RoundRow) -> f64| -> Vec<f64> {
        job.runs
            .iter()
            .filter_map(|&r| d.rounds.iter().rfind(|x| x.run == r).map(f))
            .collect()
    };
    let final_ami = last(|r| r.ami);
    Ok(Some(Outcome {
        charts: written
            .iter()
            .filter_map(|p| Some(p.file_name()?.to_string_lossy().into_owned()))
            .collect(),
        ami: MeanCi::of(&final_ami).into(),
        fragmentation: MeanCi::of(&last(|r| r.fragmentation)).into(),
        final_ami,
        facts,
        millis,
    }))
}

impl Job {
    /// The run `run` of this job replayed with everything recorded (votes,
    /// memberships, reasons), for the step-through and the explanation: re-run from
    /// the folder as `forumsim animate` and `explain` do. Kept for the next request.
    pub fn replay(&self, run: u64) -> Result<Arc<RunResult>, String> {
        if !self.runs.contains(&run) {
            return Err(format!(
                "run {run} is not one of this batch's runs (0 to {})",
                self.runs.len().saturating_sub(1)
            ));
        }
        let mut cached = lock(&self.replay);
        if let Some(r) = cached.as_ref().filter(|r| r.run == run) {
            return Ok(r.clone());
        }
        let r = Arc::new(crate::engine::run(
            &self.scenario,
            run,
            RunOptions {
                votes: true,
                states: true,
                why: true,
            },
        ));
        *cached = Some(r.clone());
        Ok(r)
    }

    pub fn folder(&self) -> &Path {
        &self.dir
    }
}

/// The paired difference in final-year AMI, `b − a`, over the runs both jobs ran with
/// the same seed (as a sweep's variants are compared with the base); `None` when
/// they share no seed and run.
pub fn paired_ami(a: &Job, oa: &Outcome, b: &Job, ob: &Outcome) -> Option<Stat> {
    if a.seed != b.seed {
        return None;
    }
    let diffs: Vec<f64> = b
        .runs
        .iter()
        .zip(&ob.final_ami)
        .filter_map(|(r, y)| {
            let i = a.runs.iter().position(|x| x == r)?;
            Some(y - oa.final_ami.get(i)?)
        })
        .collect();
    (!diffs.is_empty()).then(|| MeanCi::of(&diffs).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_32_hex_digits_and_differ() {
        let (a, b) = (token(), token());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn an_earlier_servers_sessions_go_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let old = tmp.path().join(token());
        std::fs::create_dir_all(old.join("1")).unwrap();
        let mine = tmp.path().join("notes");
        std::fs::create_dir_all(&mine).unwrap();
        std::fs::write(
            tmp.path().join("0123456789abcdef0123456789abcdef"),
            "a file",
        )
        .unwrap();
        remove_old_sessions(tmp.path());
        assert!(!old.exists());
        assert!(mine.exists());
        assert!(tmp.path().join("0123456789abcdef0123456789abcdef").exists());
    }
}
