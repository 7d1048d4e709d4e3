//! The sweep runner: runs an [`Experiment`] in chunks, in parallel, resumably; merges
//! shards; writes `runs.csv`, `summary.csv`, `traces.csv` and `manifest.json`.
//!
//! Layout of an output folder:
//! - `sweep.json`: what is being swept (the [`State`]); written first, checked on
//!   `--resume` and by `merge`.
//! - `chunks/chunk-NNNNNN.csv` (and `traces-NNNNNN.csv`): the rows of chunk N, no
//!   header, each written atomically, so a chunk file exists only when complete.
//! - the final files, written only when every chunk exists, `manifest.json` last.
//!
//! A chunk is a pure function of (experiment, chunk index), so final files do not
//! depend on threads, shards, interruptions or the order chunks finished in. Memory
//! holds one chunk's rows per worker, and at the end a bounded block of points.

use super::batch::Rooms;
use super::design::{Experiment, Plan, RunId, set_string};
use super::points::{PointDesign, Points};
use super::{metrics, summary};
use crate::engine::RunOptions;
use crate::model::Scenario;
use crate::output::atomic::{self, AtomicFile};
use crate::output::{FileInfo, OutputError, sha256_hex};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// The state file of a sweep folder.
pub const STATE: &str = "sweep.json";
pub const RUNS: &str = "runs.csv";
pub const SUMMARY: &str = "summary.csv";
pub const TRACES: &str = "traces.csv";
pub const CHUNKS: &str = "chunks";

/// Values kept in memory at once while summarising (a block of points per pass).
const SUMMARY_BUDGET: usize = 4_000_000;

/// The columns of the per-round traces after the run columns: those of a run's
/// `rounds.csv` after its `run, seed`, so the two files read alike.
fn trace_cols() -> &'static [&'static str] {
    &crate::output::tables::ROUNDS_HEADER[2..]
}

/// How the seeds of a sweep are chosen (written into the manifest).
pub const SEEDS_RULE: &str = "every run uses the experiment seed as master seed and run index \
point * replicates + replicate (ChaCha12 stream of the seed); the same for every variant";

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{}: {message}", path.display())]
    Io {
        path: PathBuf,
        message: String,
        #[source]
        source: io::Error,
    },
    /// Bad input: a folder or shard that does not fit.
    #[error("{0}")]
    Usage(String),
    #[error("{}: {message} (the file is damaged; remove it and --resume)", path.display())]
    Corrupt { path: PathBuf, message: String },
    #[error(
        "a run crashed, a bug in forumsim: point {point}, variant {variant}, replicate {replicate}"
    )]
    Crash {
        point: u32,
        variant: String,
        replicate: u32,
    },
}

impl SweepError {
    /// True for mistakes of the user (exit 2), false for I/O and bugs (exit 1).
    pub fn is_usage(&self) -> bool {
        // A damaged chunk or state file is bad input too: the file is named.
        matches!(self, SweepError::Usage(_) | SweepError::Corrupt { .. })
    }
}

fn io_err(path: &Path, message: &str) -> impl FnOnce(io::Error) -> SweepError {
    let path = path.to_path_buf();
    let message = message.to_string();
    move |source| SweepError::Io {
        path,
        message,
        source,
    }
}

/// What a sweep folder holds: identical for every shard of one experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub forumsim: String,
    pub experiment: String,
    pub experiment_path: String,
    pub experiment_sha256: String,
    /// Base scenario as written in the experiment (relative to it) and as resolved.
    pub scenario: String,
    pub scenario_path: String,
    pub scenario_sha256: String,
    pub design: String,
    pub seed: u64,
    pub seeds_rule: String,
    pub replicates: u32,
    pub chunk: u32,
    pub chunks: u64,
    pub runs: u64,
    /// Overrides applied to every run.
    pub common: Vec<String>,
    pub axes: Vec<String>,
    pub variants: Vec<VariantInfo>,
    pub metrics: Vec<String>,
    /// How many points the design has.
    pub points: u32,
    /// What the points are made from: any point is made again from this on demand,
    /// so a million-point design keeps a small file and its first runs start at once.
    pub point_design: PointDesign,
    /// The points of `point_design`, made once per process.
    #[serde(skip)]
    cache: PointCache,
    /// How to rerun one row of `runs.csv` alone.
    pub reproduce: String,
    /// The test function evaluated instead of a scenario (method checks only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Sobol' and Morris designs: what `forumsim sensitivity` needs to know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<super::sensdesign::SensInfo>,
    /// The command line's `--set` values, applied to the base scenario before `common`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
    /// The `--seed` given on the command line (`seed` above is then this value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed_override: Option<u64>,
    /// An external design (`--design`): its SALib problem file, as given and hashed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem_sha256: Option<String>,
    /// The split `[K, N]` of a `--shard K/N` folder (absent: the whole sweep). Only in
    /// a shard's `sweep.json`; `merge` writes none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<(u64, u64)>,
}

/// [`State`]'s points, made when first needed; not part of what a state is.
#[derive(Debug, Clone, Default)]
struct PointCache(OnceLock<Arc<Points>>);

impl PartialEq for PointCache {
    fn eq(&self, _: &PointCache) -> bool {
        true
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantInfo {
    pub name: String,
    pub set: Vec<String>,
}

impl State {
    pub fn new(exp: &Experiment, exp_bytes: &[u8], sc_bytes: &[u8], metrics: Vec<String>) -> State {
        let pl = exp.plan();
        State {
            forumsim: env!("CARGO_PKG_VERSION").to_string(),
            experiment: exp.name.clone(),
            experiment_path: exp.path.display().to_string(),
            experiment_sha256: sha256_hex(exp_bytes),
            scenario: exp.scenario_rel.clone(),
            scenario_path: exp.scenario.display().to_string(),
            scenario_sha256: sha256_hex(sc_bytes),
            design: exp.design.label(),
            seed: exp.seed,
            seeds_rule: SEEDS_RULE.into(),
            replicates: exp.replicates,
            chunk: exp.chunk,
            chunks: pl.chunks(),
            runs: pl.total(),
            common: exp.common.clone(),
            axes: exp.axes.iter().map(|a| a.path.clone()).collect(),
            variants: exp
                .variants
                .iter()
                .map(|v| VariantInfo {
                    name: v.name.clone(),
                    set: v.sets.clone(),
                })
                .collect(),
            metrics,
            points: pl.points,
            point_design: exp.points.design().clone(),
            cache: PointCache(Arc::new(exp.points.clone()).into()),
            reproduce: format!(
                "forumsim run {} --seed SEED --run RUN_INDEX {}--set COMMON... --set VARIANT... --set AXIS=VALUE...",
                exp.scenario.display(),
                if exp.overrides.is_empty() {
                    ""
                } else {
                    "--set OVERRIDES... "
                }
            ),
            function: exp.function.map(|f| f.describe()),
            sensitivity: exp.sens.clone(),
            overrides: exp.overrides.clone(),
            seed_override: exp.seed_override,
            problem_path: exp.problem.as_ref().map(|(p, _)| p.display().to_string()),
            problem_sha256: exp.problem.as_ref().map(|(_, b)| sha256_hex(b)),
            shard: None,
        }
    }

    /// Equal up to where the files were (shards may run from different folders).
    fn same_sweep(&self, other: &State) -> bool {
        let strip = |s: &State| State {
            experiment_path: String::new(),
            scenario_path: String::new(),
            problem_path: None,
            reproduce: String::new(),
            // The seed counts, not whether it came from the file or the command line.
            seed_override: None,
            shard: None,
            ..s.clone()
        };
        strip(self) == strip(other)
    }

    /// The design's points (made from `point_design` on first use). An error means a
    /// damaged state file: a design that does not make `points` points.
    pub fn point_values(&self) -> Result<Arc<Points>, String> {
        if let Some(p) = self.cache.0.get() {
            return Ok(p.clone());
        }
        let p = Points::new(self.point_design.clone())?;
        if p.len() != self.points as usize {
            return Err(format!(
                "`point_design` makes {} points, not {}",
                p.len(),
                self.points
            ));
        }
        Ok(self.cache.0.get_or_init(|| Arc::new(p)).clone())
    }

    /// Point `p`'s `--set` strings for its axis values.
    pub fn point_sets(&self, p: u32) -> Vec<String> {
        let values = self
            .point_values()
            .map(|pts| pts.values(p))
            .unwrap_or_default();
        self.axes
            .iter()
            .zip(&values)
            .map(|(a, v)| set_string(a, v))
            .collect()
    }

    fn plan(&self) -> Plan {
        Plan {
            points: self.points,
            variants: self.variants.len() as u32,
            replicates: self.replicates,
            chunk: self.chunk,
        }
    }

    /// The `forumsim run` command that reruns run `id` alone.
    pub fn command(&self, id: RunId) -> String {
        let mut c = format!(
            "forumsim run {} --seed {} --run {}",
            self.scenario_path,
            self.seed,
            self.plan().run_index(id)
        );
        let point_sets = self.point_sets(id.point);
        let sets = self
            .overrides
            .iter()
            .chain(&self.common)
            .chain(&self.variants[id.variant as usize].set)
            .chain(&point_sets);
        for s in sets {
            c.push_str(&format!(" --set '{s}'"));
        }
        c
    }

    fn run_header(&self) -> Vec<String> {
        let mut h: Vec<String> = ["point", "variant", "replicate", "seed", "run_index"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        h.extend(self.axes.iter().cloned());
        h
    }

    fn read(dir: &Path) -> Result<Option<State>, SweepError> {
        let path = dir.join(STATE);
        match fs::read(&path) {
            Ok(bytes) => {
                let corrupt = |message: String| SweepError::Corrupt {
                    path: path.clone(),
                    message,
                };
                let state: State = serde_json::from_slice(&bytes).map_err(|e| {
                    // A folder of a forumsim that listed every point (before issue #15).
                    if bytes.windows(14).any(|w| w == b"\"point_sets\": ") {
                        return SweepError::Usage(format!(
                            "{}: written by an earlier forumsim, which listed every point; finish the sweep with that version, or start it again in a new folder",
                            path.display()
                        ));
                    }
                    corrupt(e.to_string())
                })?;
                state.point_values().map_err(corrupt)?;
                Ok(Some(state))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_err(&path, "cannot read")(e)),
        }
    }

    fn write(&self, dir: &Path) -> Result<(), SweepError> {
        write_json(&dir.join(STATE), self)
    }
}

fn write_json(path: &Path, v: &impl Serialize) -> Result<(), SweepError> {
    Ok(atomic::write_json(path, v)?)
}

/// Progress reports from the runner (called from worker threads).
pub trait Progress: Sync {
    /// Called once: runs already done (resumed) and runs this invocation will do.
    fn start(&self, _done: u64, _todo: u64) {}
    fn run_done(&self) {}
}

/// No progress reports.
pub struct Silent;
impl Progress for Silent {}

/// How to run a sweep.
pub struct Options<'a> {
    pub out: PathBuf,
    /// `(k, n)`: run the chunks `c` with `c % n == k - 1`.
    pub shard: (u64, u64),
    pub resume: bool,
    pub traces: bool,
    /// Set (by Ctrl-C) to stop after the chunks in progress.
    pub stop: &'a AtomicBool,
    /// Start at most this many chunks (a deterministic stand-in for Ctrl-C in tests).
    pub max_chunks: Option<u64>,
    pub progress: &'a dyn Progress,
}

/// How a sweep invocation ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Every chunk is done and the final files are written.
    Complete(Box<Manifest>),
    /// This shard's chunks are done; `merge` the shard folders.
    ShardDone { chunks: u64 },
    /// Stopped early; `--resume` continues.
    Interrupted { done: u64, total: u64 },
}

/// `manifest.json` of a complete sweep.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    #[serde(flatten)]
    pub state: State,
    pub files: Vec<FileInfo>,
    /// Summary rows of `ami` and `fragmentation` per point × variant (for the terminal).
    #[serde(skip)]
    pub headline: Vec<Headline>,
    /// Wall time of the finishing invocation; the one field that differs. Keep it last.
    pub wall_seconds: f64,
}

/// One line of the terminal table.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub point: u32,
    pub variant: String,
    pub metric: String,
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

fn chunk_path(dir: &Path, c: u64) -> PathBuf {
    dir.join(CHUNKS).join(format!("chunk-{c:06}.csv"))
}

fn trace_path(dir: &Path, c: u64) -> PathBuf {
    dir.join(CHUNKS).join(format!("traces-{c:06}.csv"))
}

/// The files in `dir/chunks`, from one listing: which chunks are done is then known
/// without a `stat` per chunk (a million-chunk design spent seconds on them before its
/// first run, and again after its last).
fn chunk_files(dir: &Path) -> HashSet<OsString> {
    let mut out = HashSet::new();
    let Ok(entries) = fs::read_dir(dir.join(CHUNKS)) else {
        return out;
    };
    for e in entries.flatten() {
        let file = match e.file_type() {
            // What a link points at, as `Path::is_file` would see it.
            Ok(t) if t.is_symlink() => e.path().is_file(),
            Ok(t) => t.is_file(),
            Err(_) => false,
        };
        if file {
            out.insert(e.file_name());
        }
    }
    out
}

/// Scenarios of point × variant: all loaded up front when the design is small,
/// else loaded per chunk.
struct Scenarios<'e> {
    exp: &'e Experiment,
    text: String,
    pre: Vec<Arc<Scenario>>,
}

impl Scenarios<'_> {
    fn get(
        &self,
        cache: &mut HashMap<(u32, u32), Arc<Scenario>>,
        id: RunId,
    ) -> Result<Arc<Scenario>, SweepError> {
        let v = self.exp.variants.len();
        if !self.pre.is_empty() {
            return Ok(self.pre[id.point as usize * v + id.variant as usize].clone());
        }
        if let Some(s) = cache.get(&(id.point, id.variant)) {
            return Ok(s.clone());
        }
        // Large designs are checked as they run (see `design::load`): name the point.
        let mut sc = self
            .exp
            .load(&self.text, id.point, id.variant)
            .map_err(|e| {
                SweepError::Usage(format!(
                    "{}: point {} with variant `{}`: {e}",
                    self.exp.path.display(),
                    id.point,
                    self.exp.variants[id.variant as usize].name
                ))
            })?;
        sc.seed = self.exp.seed;
        let sc = Arc::new(sc);
        cache.insert((id.point, id.variant), sc.clone());
        Ok(sc)
    }
}

/// Runs (part of) the sweep of `exp` into `opts.out`.
pub fn run(
    exp: &Experiment,
    exp_bytes: &[u8],
    sc_bytes: &[u8],
    opts: &Options<'_>,
) -> Result<Outcome, SweepError> {
    let started = Instant::now();
    let text = String::from_utf8_lossy(sc_bytes).into_owned();
    let names = if exp.function.is_some() {
        vec!["y".to_string()]
    } else {
        let base = exp
            .load(&text, 0, 0)
            .map_err(|e| SweepError::Usage(e.to_string()))?;
        metrics::metric_names(&base, exp.metrics.as_deref())
    };
    let mut state = State::new(exp, exp_bytes, sc_bytes, names);
    let (k, n) = opts.shard;
    if k == 0 || k > n {
        return Err(SweepError::Usage(format!(
            "--shard {k}/{n}: K must be in 1..={n}"
        )));
    }
    state.shard = (n > 1).then_some((k, n));
    let dir = &opts.out;
    prepare(dir, &state, opts.resume)?;

    let pl = exp.plan();
    let mine: Vec<u64> = (0..pl.chunks()).filter(|c| c % n == k - 1).collect();
    let is_done = |files: &HashSet<OsString>, c: u64| {
        let has = |p: PathBuf| p.file_name().is_some_and(|f| files.contains(f));
        has(chunk_path(dir, c)) && (!opts.traces || has(trace_path(dir, c)))
    };
    let files = chunk_files(dir);
    let todo: Vec<u64> = mine
        .iter()
        .copied()
        .filter(|&c| !is_done(&files, c))
        .collect();
    let runs_in = |cs: &[u64]| -> u64 { cs.iter().map(|&c| pl.chunk_runs(c).count() as u64).sum() };
    let done_runs = runs_in(&mine) - runs_in(&todo);
    opts.progress.start(done_runs, runs_in(&todo));

    let pairs = pl.points as usize * pl.variants as usize;
    let pre = if pairs <= 256 && exp.function.is_none() {
        let mut v = Vec::with_capacity(pairs);
        for p in 0..pl.points {
            for var in 0..pl.variants {
                let mut sc = exp
                    .load(&text, p, var)
                    .map_err(|e| SweepError::Usage(e.to_string()))?;
                sc.seed = exp.seed;
                v.push(Arc::new(sc));
            }
        }
        v
    } else {
        Vec::new()
    };
    let scen = Scenarios { exp, text, pre };
    let claimed = AtomicU64::new(0);
    let rooms = Rooms::default();
    todo.par_iter().try_for_each(|&c| {
        if opts.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        if let Some(max) = opts.max_chunks
            && claimed.fetch_add(1, Ordering::SeqCst) >= max
        {
            return Ok(());
        }
        run_chunk(&scen, &state, pl, c, dir, opts, &rooms)
    })?;

    let files = chunk_files(dir);
    let missing = mine.iter().filter(|&&c| !is_done(&files, c)).count() as u64;
    if missing > 0 {
        return Ok(Outcome::Interrupted {
            done: mine.len() as u64 - missing,
            total: mine.len() as u64,
        });
    }
    if n > 1 {
        return Ok(Outcome::ShardDone {
            chunks: mine.len() as u64,
        });
    }
    let chunks: Vec<PathBuf> = (0..pl.chunks()).map(|c| chunk_path(dir, c)).collect();
    let traces: Option<Vec<PathBuf>> = opts
        .traces
        .then(|| (0..pl.chunks()).map(|c| trace_path(dir, c)).collect());
    let m = finish(dir, &state, &chunks, traces.as_deref(), started)?;
    Ok(Outcome::Complete(Box::new(m)))
}

/// Creates the folder and its state file, or checks the state file on `--resume`.
fn prepare(dir: &Path, state: &State, resume: bool) -> Result<(), SweepError> {
    fs::create_dir_all(dir.join(CHUNKS)).map_err(|source| OutputError::CreateDir {
        path: dir.join(CHUNKS),
        source,
    })?;
    match State::read(dir)? {
        Some(old) if !resume => {
            return Err(SweepError::Usage(format!(
                "{} already holds a sweep of {}; pass --resume to continue it, or choose another --out",
                dir.display(),
                old.experiment_path
            )));
        }
        Some(old) => {
            if old.experiment_sha256 != state.experiment_sha256 {
                return Err(SweepError::Usage(format!(
                    "{}: cannot resume: the folder holds a sweep of a different experiment ({} with sha256 {}, not {} with sha256 {})",
                    dir.display(),
                    old.experiment_path,
                    &old.experiment_sha256[..12],
                    state.experiment_path,
                    &state.experiment_sha256[..12]
                )));
            }
            if old.scenario_sha256 != state.scenario_sha256 {
                return Err(SweepError::Usage(format!(
                    "{}: cannot resume: the base scenario {} changed since the sweep started",
                    dir.display(),
                    state.scenario_path
                )));
            }
            if old.forumsim != state.forumsim {
                return Err(SweepError::Usage(format!(
                    "{}: cannot resume: the sweep was started by forumsim {}, this is {}",
                    dir.display(),
                    old.forumsim,
                    state.forumsim
                )));
            }
            if let Some(why) = resume_conflict(&old, state) {
                return Err(SweepError::Usage(format!(
                    "{}: cannot resume: {why}",
                    dir.display()
                )));
            }
        }
        None => {}
    }
    // Temp files of an interrupted writer are incomplete by construction.
    if let Ok(entries) = fs::read_dir(dir.join(CHUNKS)) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".tmp") {
                let _ = fs::remove_file(e.path());
            }
        }
    }
    // An old manifest would describe files this invocation may rewrite.
    match fs::remove_file(dir.join(crate::output::MANIFEST)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => {
            return Err(io_err(&dir.join(crate::output::MANIFEST), "cannot remove")(
                e,
            ));
        }
        _ => {}
    }
    state.write(dir)
}

/// Why the settings of this invocation cannot continue the folder's sweep, whose
/// state is `old` (same experiment and base scenario): another `--set`, `--seed`,
/// problem file or `--shard` split, or any other difference in what is swept.
fn resume_conflict(old: &State, new: &State) -> Option<String> {
    let sets = |s: &State| match s.overrides.as_slice() {
        [] => "no --set".to_string(),
        v => v
            .iter()
            .map(|x| format!("--set '{x}'"))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let seed = |s: &State| match s.seed_override {
        Some(x) => format!("--seed {x}"),
        None => format!("no --seed (seed {})", s.seed),
    };
    let split = |s: Option<(u64, u64)>| match s {
        Some((k, n)) => format!("shard {k} of {n}"),
        None => "the whole sweep".to_string(),
    };
    let flag = |s: Option<(u64, u64)>| match s {
        Some((k, n)) => format!("--shard {k}/{n}"),
        None => "this command, without --shard,".to_string(),
    };
    let why = if old.overrides != new.overrides {
        format!(
            "the sweep was started with {}; this command gives {}; use the same --set values, or a new folder",
            sets(old),
            sets(new)
        )
    } else if old.seed != new.seed {
        format!(
            "the sweep was started with {}; this command gives {}; use the same seed, or a new folder",
            seed(old),
            seed(new)
        )
    } else if old.problem_sha256 != new.problem_sha256 {
        format!(
            "the design's problem file changed since the sweep started ({} with sha256 {}, now {} with sha256 {})",
            old.problem_path.as_deref().unwrap_or("none"),
            old.problem_sha256.as_deref().map_or("-", |h| &h[..12]),
            new.problem_path.as_deref().unwrap_or("none"),
            new.problem_sha256.as_deref().map_or("-", |h| &h[..12]),
        )
    } else if old.shard != new.shard {
        format!(
            "this folder was started as {}{}; {} asks for {}; use the same --shard, or a new folder",
            split(old.shard),
            if old.shard.is_none() {
                " (no --shard)"
            } else {
                ""
            },
            flag(new.shard),
            split(new.shard)
        )
    } else if !old.same_sweep(new) {
        format!(
            "the folder holds a sweep with other settings (design {}, {} replicates, {} runs; now design {}, {} replicates, {} runs); use the same flags, or a new folder",
            old.design, old.replicates, old.runs, new.design, new.replicates, new.runs
        )
    } else {
        return None;
    };
    Some(why)
}

fn num(x: f64) -> String {
    crate::output::csvfile::number(x)
}

/// Runs chunk `c` and writes its file(s) atomically, traces first.
fn run_chunk(
    scen: &Scenarios<'_>,
    state: &State,
    pl: Plan,
    c: u64,
    dir: &Path,
    opts: &Options<'_>,
    rooms: &Rooms,
) -> Result<(), SweepError> {
    let mut cache = HashMap::new();
    let mut rows = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let mut traces = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let points = &scen.exp.points;
    for k in pl.chunk_runs(c) {
        let id = pl.run_at(k);
        let run_index = pl.run_index(id);
        // Every row of the run starts with its design coordinates and the point's values.
        let mut lead = vec![
            id.point.to_string(),
            state.variants[id.variant as usize].name.clone(),
            id.replicate.to_string(),
            state.seed.to_string(),
            run_index.to_string(),
        ];
        lead.extend(points.cells(id.point));
        if let Some(f) = &scen.exp.function {
            // A method check: the same row, with the function's value as its metric.
            let x = points.floats(id.point);
            let mut row = lead;
            row.push(num(f.eval(&x, state.seed, run_index)));
            rows.write_record(&row).map_err(csv_io)?;
            opts.progress.run_done();
            continue;
        }
        let sc = scen.get(&mut cache, id)?;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rooms.run(&sc, run_index, RunOptions::default())
        }))
        .map_err(|_| SweepError::Crash {
            point: id.point,
            variant: state.variants[id.variant as usize].name.clone(),
            replicate: id.replicate,
        })?;
        let mut row = lead.clone();
        row.extend(
            metrics::compute(&result, &state.metrics)
                .into_iter()
                .map(num),
        );
        rows.write_record(&row).map_err(csv_io)?;
        if opts.traces {
            for r in &result.rounds {
                let mut t = lead.clone();
                t.extend([
                    r.round.to_string(),
                    r.year.to_string(),
                    num(r.ami),
                    num(r.scope_index),
                    num(r.fragmentation),
                    r.venues_active.to_string(),
                    r.venues_created.to_string(),
                    r.moves.to_string(),
                    r.adopted.to_string(),
                    r.failed.to_string(),
                    r.abandoned.to_string(),
                    r.pending.to_string(),
                ]);
                traces.write_record(&t).map_err(csv_io)?;
            }
        }
        opts.progress.run_done();
    }
    if opts.traces {
        let bytes = traces
            .into_inner()
            .map_err(|e| csv_io(e.into_error().into()))?;
        write_bytes(&trace_path(dir, c), &bytes)?;
    }
    let bytes = rows
        .into_inner()
        .map_err(|e| csv_io(e.into_error().into()))?;
    write_bytes(&chunk_path(dir, c), &bytes)
}

fn csv_io(e: csv::Error) -> SweepError {
    SweepError::Io {
        path: PathBuf::from("<memory>"),
        message: "cannot format a CSV row".into(),
        source: io::Error::other(e.to_string()),
    }
}

fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), SweepError> {
    Ok(atomic::write(path, bytes)?)
}

/// Writes `header` then every file of `parts` in order; returns the data rows.
fn concat(dest: &Path, header: &[String], parts: &[PathBuf]) -> Result<u64, SweepError> {
    let mut f = AtomicFile::create(dest)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(csv_io)?;
    let head = w.into_inner().map_err(|e| csv_io(e.into_error().into()))?;
    f.write_all(&head).map_err(io_err(dest, "cannot write"))?;
    let mut rows = 0u64;
    for p in parts {
        let bytes = fs::read(p).map_err(io_err(p, "cannot read the chunk file"))?;
        rows += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        f.write_all(&bytes).map_err(io_err(dest, "cannot write"))?;
    }
    f.commit()?;
    Ok(rows)
}

/// Writes the final files from complete chunk files (in chunk order): `runs.csv`,
/// `traces.csv` (if given), `summary.csv`, then `manifest.json`.
pub fn finish(
    dir: &Path,
    state: &State,
    chunks: &[PathBuf],
    traces: Option<&[PathBuf]>,
    started: Instant,
) -> Result<Manifest, SweepError> {
    let mut files = Vec::new();
    let mut header = state.run_header();
    header.extend(state.metrics.iter().cloned());
    let rows = concat(&dir.join(RUNS), &header, chunks)?;
    if rows != state.runs {
        return Err(SweepError::Corrupt {
            path: dir.join(CHUNKS),
            message: format!("the chunk files hold {rows} runs, expected {}", state.runs),
        });
    }
    files.push(FileInfo {
        name: RUNS.into(),
        rows,
    });
    if let Some(t) = traces {
        let mut h = state.run_header();
        h.extend(trace_cols().iter().map(|s| s.to_string()));
        let rows = concat(&dir.join(TRACES), &h, t)?;
        files.push(FileInfo {
            name: TRACES.into(),
            rows,
        });
    }
    let (rows, headline) = write_summary(dir, state, chunks)?;
    files.push(FileInfo {
        name: SUMMARY.into(),
        rows,
    });
    let m = Manifest {
        state: state.clone(),
        files,
        headline,
        wall_seconds: started.elapsed().as_secs_f64(),
    };
    write_json(&dir.join(crate::output::MANIFEST), &m)?;
    Ok(m)
}

/// `summary.csv`: per point × variant × metric, the statistics of [`summary::STATS`];
/// for variants other than `base`, also `diff.<metric>`: the paired difference to
/// `base` over the same replicates (common random numbers).
fn write_summary(
    dir: &Path,
    state: &State,
    chunks: &[PathBuf],
) -> Result<(u64, Vec<Headline>), SweepError> {
    let pl = state.plan();
    let (np, nv, nr, nm) = (
        pl.points as usize,
        pl.variants as usize,
        pl.replicates as usize,
        state.metrics.len(),
    );
    let points = state
        .point_values()
        .map_err(|message| SweepError::Corrupt {
            path: dir.join(STATE),
            message,
        })?;
    let lead = 5 + state.axes.len();
    let per_point = (nv * nr * nm).max(1);
    let block = (SUMMARY_BUDGET / per_point).max(1);
    let dest = dir.join(SUMMARY);
    let mut f = AtomicFile::create(&dest)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = vec!["point".into(), "variant".into()];
    header.extend(state.axes.iter().cloned());
    header.push("metric".into());
    header.extend(summary::STATS.iter().map(|s| s.to_string()));
    w.write_record(&header).map_err(csv_io)?;
    let mut rows = 0u64;
    let mut headline = Vec::new();
    let mut p0 = 0;
    while p0 < np {
        // Flush the rows so far: memory holds one block of points at a time.
        let buf = w.into_inner().map_err(|e| csv_io(e.into_error().into()))?;
        f.write_all(&buf).map_err(io_err(&dest, "cannot write"))?;
        w = csv::Writer::from_writer(Vec::new());
        let p1 = (p0 + block).min(np);
        // values[((p - p0) * nv + v) * nm + m][replicate]
        let mut values = vec![vec![f64::NAN; nr]; (p1 - p0) * nv * nm];
        for path in chunks {
            let file = fs::File::open(path).map_err(io_err(path, "cannot read the chunk file"))?;
            for (i, line) in BufReader::new(file).split(b'\n').enumerate() {
                let line = line.map_err(io_err(path, "cannot read the chunk file"))?;
                let mut r = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(line.as_slice());
                let Some(rec) = r.records().next() else {
                    continue;
                };
                let bad = |m: &str| SweepError::Corrupt {
                    path: path.clone(),
                    message: format!("line {}: {m}", i + 1),
                };
                let rec = rec.map_err(|e| bad(&e.to_string()))?;
                let field = |j: usize| rec.get(j).ok_or_else(|| bad("too few fields"));
                let p: usize = field(0)?.parse().map_err(|_| bad("bad point"))?;
                if p < p0 || p >= p1 {
                    continue;
                }
                let v = state
                    .variants
                    .iter()
                    .position(|x| x.name == field(1).unwrap_or_default())
                    .ok_or_else(|| bad("unknown variant"))?;
                let rep: usize = field(2)?.parse().map_err(|_| bad("bad replicate"))?;
                if rep >= nr {
                    return Err(bad("replicate out of range"));
                }
                for m in 0..nm {
                    // Empty is NaN (folders of older versions wrote `NaN`, which parses too).
                    let t = field(lead + m)?;
                    let x: f64 = if t.is_empty() {
                        f64::NAN
                    } else {
                        t.parse().map_err(|_| bad("bad number"))?
                    };
                    values[((p - p0) * nv + v) * nm + m][rep] = x;
                }
            }
        }
        for p in p0..p1 {
            for v in 0..nv {
                for m in 0..nm {
                    let vals = &values[((p - p0) * nv + v) * nm + m];
                    let mut emit = |metric: String, vals: &[f64]| -> Result<(), SweepError> {
                        let d = summary::describe(vals);
                        if matches!(
                            metric.as_str(),
                            "ami" | "fragmentation" | "diff.ami" | "diff.fragmentation"
                        ) {
                            headline.push(Headline {
                                point: p as u32,
                                variant: state.variants[v].name.clone(),
                                metric: metric.clone(),
                                mean: d[1],
                                lo: d[8],
                                hi: d[9],
                            });
                        }
                        let mut row = vec![p.to_string(), state.variants[v].name.clone()];
                        row.extend(points.cells(p as u32));
                        row.push(metric);
                        row.extend(d.iter().map(|&x| num(x)));
                        w.write_record(&row).map_err(csv_io)?;
                        rows += 1;
                        Ok(())
                    };
                    emit(state.metrics[m].clone(), vals)?;
                    if v > 0 {
                        let basev = &values[((p - p0) * nv) * nm + m];
                        let diff: Vec<f64> = vals.iter().zip(basev).map(|(a, b)| a - b).collect();
                        emit(format!("diff.{}", state.metrics[m]), &diff)?;
                    }
                }
            }
        }
        p0 = p1;
    }
    let buf = w.into_inner().map_err(|e| csv_io(e.into_error().into()))?;
    f.write_all(&buf).map_err(io_err(&dest, "cannot write"))?;
    f.commit()?;
    Ok((rows, headline))
}

/// Combines the folders of shards into `out`: the same final files an unsharded sweep
/// writes. Refuses folders of different experiments and missing or duplicated chunks.
pub fn merge(dirs: &[PathBuf], out: &Path, traces: bool) -> Result<Manifest, SweepError> {
    let started = Instant::now();
    let mut state: Option<(State, &Path)> = None;
    for d in dirs {
        let s = State::read(d)?.ok_or_else(|| {
            SweepError::Usage(format!("{}: not a sweep folder (no {STATE})", d.display()))
        })?;
        match &state {
            None => state = Some((s, d)),
            Some((first, fd)) if !first.same_sweep(&s) => {
                let what = if first.experiment_sha256 != s.experiment_sha256 {
                    "a different experiment"
                } else if first.scenario_sha256 != s.scenario_sha256 {
                    "a different base scenario"
                } else {
                    "a different version of forumsim or of the design"
                };
                return Err(SweepError::Usage(format!(
                    "{} and {} are shards of {what}; merge only shards of one sweep",
                    fd.display(),
                    d.display()
                )));
            }
            Some(_) => {}
        }
    }
    let Some((state, _)) = state else {
        return Err(SweepError::Usage("merge needs at least one folder".into()));
    };
    let mut owner: Vec<Option<&Path>> = vec![None; state.chunks as usize];
    for d in dirs {
        for c in 0..state.chunks {
            if chunk_path(d, c).is_file() {
                if let Some(other) = owner[c as usize] {
                    return Err(SweepError::Usage(format!(
                        "chunk {c} is in both {} and {}: a shard was given twice or the shards overlap",
                        other.display(),
                        d.display()
                    )));
                }
                owner[c as usize] = Some(d);
            }
        }
    }
    let missing: Vec<u64> = (0..state.chunks)
        .filter(|&c| owner[c as usize].is_none())
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(8).map(u64::to_string).collect();
        return Err(SweepError::Usage(format!(
            "{} of {} chunks are missing (chunks {}{}): a shard is missing or unfinished (finish it with --resume)",
            missing.len(),
            state.chunks,
            shown.join(", "),
            if missing.len() > 8 { ", ..." } else { "" }
        )));
    }
    let chunks: Vec<PathBuf> = (0..state.chunks)
        .map(|c| chunk_path(owner[c as usize].unwrap_or(Path::new(".")), c))
        .collect();
    let trace_files: Vec<PathBuf> = (0..state.chunks)
        .map(|c| trace_path(owner[c as usize].unwrap_or(Path::new(".")), c))
        .collect();
    let traces = traces || trace_files.iter().all(|p| p.is_file());
    if traces && let Some(p) = trace_files.iter().find(|p| !p.is_file()) {
        return Err(SweepError::Usage(format!(
            "{}: missing; rerun that shard with --traces --resume",
            p.display()
        )));
    }
    // Every chunk is read before anything is written: a damaged one is named, and
    // `out` is left as it was.
    let pl = state.plan();
    for (c, path) in chunks.iter().enumerate() {
        check_chunk(&state, pl, c as u64, path)?;
    }
    // Written beside `out` and swapped in whole (as `run` does): never a partial
    // runs.csv in `out`, and a previous merge stays until this one is complete.
    // The merged folder is the whole sweep, not a shard.
    let state = State {
        shard: None,
        ..state
    };
    let staged = crate::output::publish::stage(out)?;
    state.write(staged.path())?;
    let m = finish(
        staged.path(),
        &state,
        &chunks,
        traces.then_some(&trace_files[..]),
        started,
    )?;
    staged.publish()?;
    Ok(m)
}

/// Checks that the chunk file `path` holds exactly the rows of chunk `c`, in order,
/// each with the sweep's columns.
fn check_chunk(state: &State, pl: Plan, c: u64, path: &Path) -> Result<(), SweepError> {
    let bytes = fs::read(path).map_err(io_err(path, "cannot read the chunk file"))?;
    let width = 5 + state.axes.len() + state.metrics.len();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut runs = pl.chunk_runs(c);
    for (i, rec) in rdr.records().enumerate() {
        let bad = |m: String| SweepError::Corrupt {
            path: path.to_path_buf(),
            message: format!("line {}: {m}", i + 1),
        };
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        let Some(k) = runs.next() else {
            return Err(bad(format!(
                "more rows than the {} runs of chunk {c}",
                pl.chunk_runs(c).count()
            )));
        };
        if rec.len() != width {
            return Err(bad(format!("{} fields, expected {width}", rec.len())));
        }
        let id = pl.run_at(k);
        let want = [
            id.point.to_string(),
            state.variants[id.variant as usize].name.clone(),
            id.replicate.to_string(),
        ];
        if (0..3).any(|j| rec.get(j) != Some(want[j].as_str())) {
            return Err(bad(format!(
                "expected the row of point {}, variant `{}`, replicate {}",
                want[0], want[1], want[2]
            )));
        }
    }
    if runs.next().is_some() {
        return Err(SweepError::Corrupt {
            path: path.to_path_buf(),
            message: format!(
                "{} rows, but chunk {c} has {} runs",
                bytes.iter().filter(|&&b| b == b'\n').count(),
                pl.chunk_runs(c).count()
            ),
        });
    }
    Ok(())
}
