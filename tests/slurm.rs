//! The cluster path for real (issue #19): the job scripts of `scripts/slurm/` on a
//! single-node Slurm that `scripts/slurm/local-cluster.sh` starts for this test (Debian's
//! `slurm-wlm` and `munge`, as root). The merged files of a job array equal the unsharded
//! sweep byte for byte; a task requeued in the middle continues with `--resume`, and a
//! cancelled one fails the merge, naming its shard, until `submit.sh --retry` finishes it.
//!
//! Skipped, saying why, without root or the Slurm and munge programs (`.ci/run` installs
//! them when it can); `FORUMSIM_REQUIRE_SLURM=1` turns the skip into a failure.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const QUICK: &str = "scenarios/experiments/quick-grid.toml";
/// 3,600 runs in 24 chunks: several seconds a shard, time to stop one in the middle.
const KILL: &str = "tests/fixtures/experiments/slurm-kill.toml";
const TOOLS: [&str; 9] = [
    "munged",
    "mungekey",
    "slurmctld",
    "slurmd",
    "sbatch",
    "squeue",
    "scontrol",
    "scancel",
    "sinfo",
];
/// Longest wait for a set of jobs; the whole test takes well under a minute.
const PATIENCE: Duration = Duration::from_secs(180);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn script(name: &str) -> PathBuf {
    root().join("scripts/slurm").join(name)
}

/// PATH with the system folders the daemons live in (not always on a user's PATH).
fn path_var() -> String {
    let path = std::env::var("PATH").unwrap_or_default();
    format!("{path}:/usr/sbin:/sbin:/usr/bin:/bin")
}

/// Says something in the test output even when cargo captures the test's output.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Why this machine cannot run the test, if it cannot.
fn unavailable() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return Some("needs Linux".into());
    }
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("needs root (the test cluster's daemons run as root)".into());
    }
    let path = path_var();
    let missing: Vec<&str> = TOOLS
        .iter()
        .copied()
        .filter(|t| !std::env::split_paths(&path).any(|d| d.join(t).is_file()))
        .collect();
    if !missing.is_empty() {
        return Some(format!(
            "{} not found (apt-get install slurm-wlm munge)",
            missing.join(", ")
        ));
    }
    None
}

fn skip(reason: &str) {
    assert!(
        std::env::var("FORUMSIM_REQUIRE_SLURM").as_deref() != Ok("1"),
        "FORUMSIM_REQUIRE_SLURM=1, but the Slurm test cannot run: {reason}"
    );
    say(&format!("SKIPPED tests/slurm.rs: {reason}"));
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A single-node cluster in a folder of its own; stopped when dropped, also when the
/// test panics (every daemon, and any job left running).
struct Cluster {
    dir: PathBuf,
}

impl Cluster {
    fn start(dir: PathBuf) -> Result<Cluster, String> {
        let o = Command::new(script("local-cluster.sh"))
            .arg("start")
            .arg(&dir)
            .env("PATH", path_var())
            .output()
            .map_err(|e| format!("local-cluster.sh did not run: {e}"))?;
        if !o.status.success() {
            let logs: String = ["munged", "slurmctld", "slurmd"]
                .iter()
                .map(|d| tail(&dir.join("log").join(format!("{d}.log")), 5))
                .collect();
            return Err(format!("{}{logs}", text(&o)));
        }
        Ok(Cluster { dir })
    }

    fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.current_dir(root())
            .env("PATH", path_var())
            .env("SLURM_CONF", self.dir.join("slurm.conf"))
            .env("FORUMSIM", env!("CARGO_BIN_EXE_forumsim"))
            .env_remove("FORUMSIM_SWEEP_STOP_AFTER");
        c
    }

    /// Runs a Slurm command or script and returns what it printed; panics on failure.
    fn run(&self, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> String {
        let name = program.as_ref().to_string_lossy().into_owned();
        let o = self.cmd(program).args(args).output().unwrap();
        assert!(o.status.success(), "{name} {args:?}: {}", text(&o));
        text(&o)
    }

    /// `scripts/slurm/submit.sh ARGS`: the array job and the merge job it submitted.
    fn submit(&self, args: &[&str]) -> Submitted {
        let said = self.run(script("submit.sh"), args);
        let id = |after: &str| -> String {
            let at = said.find(after).unwrap_or_else(|| panic!("{said}")) + after.len();
            said[at..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect()
        };
        let s = Submitted {
            array: id("array job "),
            merge: id("merge job "),
        };
        say(&format!(
            "  submit.sh {}: array job {}, merge job {}",
            args.join(" ")
                .replace(&root().to_string_lossy().into_owned(), "."),
            s.array,
            s.merge
        ));
        s
    }

    /// Every job (array task) of `ids`, from `scontrol show job`.
    fn jobs(&self, ids: &[&str]) -> Vec<Job> {
        let mut out = Vec::new();
        for id in ids {
            let said = self.run("scontrol", &["show", "-o", "job", id]);
            out.extend(
                said.lines()
                    .filter(|l| l.contains("JobId="))
                    .map(Job::parse),
            );
        }
        // In submission order: by job number, then task number.
        let key =
            |j: &Job| -> Vec<u64> { j.id.split('_').map(|n| n.parse().unwrap_or(0)).collect() };
        out.sort_by_key(key);
        out
    }

    /// Waits until every job of `ids` has ended, and returns them.
    fn wait(&self, ids: &[&str]) -> Vec<Job> {
        let t = Instant::now();
        loop {
            let jobs = self.jobs(ids);
            if jobs.iter().all(Job::ended) {
                return jobs;
            }
            assert!(
                t.elapsed() < PATIENCE,
                "jobs still not done after {PATIENCE:?}: {jobs:?}\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Waits until the job `id` is in `state`.
    fn wait_for_state(&self, id: &str, state: &str) {
        let t = Instant::now();
        while self.jobs(&[id]).iter().any(|j| j.state != state) {
            assert!(t.elapsed() < PATIENCE, "{id} never {state}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the node runs nothing: Slurm calls it idle (no job allocated or still
    /// completing) and `local-cluster.sh steps` finds no job step's process left. A
    /// requeued task released then starts on a node with nothing left of the stopped
    /// tasks, as on a real cluster after Slurm's two-minute hold on a requeued job.
    fn wait_until_idle(&self) {
        let t = Instant::now();
        loop {
            let node = self.run("sinfo", &["-h", "-n", "localhost", "-o", "%t"]);
            let steps = self.run(
                script("local-cluster.sh"),
                &["steps", &self.dir.to_string_lossy()],
            );
            if node.trim() == "idle" && steps.trim().is_empty() {
                return;
            }
            assert!(
                t.elapsed() < PATIENCE,
                "the node is still busy ({}; step processes: {}) after {PATIENCE:?}\n{}",
                node.trim(),
                steps.trim(),
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// What a failed assertion about the jobs of the sweep in `out` shows: every job's log
    /// and the daemons' logs.
    fn explain(&self, out: &Path) -> String {
        format!("{}{}", job_logs(out), self.logs())
    }

    fn logs(&self) -> String {
        ["slurmctld", "slurmd"]
            .iter()
            .map(|d| tail(&self.dir.join("log").join(format!("{d}.log")), 20))
            .collect()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(script("local-cluster.sh"))
            .arg("stop")
            .arg(&self.dir)
            .env("PATH", path_var())
            .output();
    }
}

struct Submitted {
    array: String,
    merge: String,
}

impl Submitted {
    fn task(&self, k: u32) -> String {
        format!("{}_{k}", self.array)
    }
}

#[derive(Debug)]
struct Job {
    /// `12` or, for an array task, `12_3`.
    id: String,
    state: String,
    restarts: u32,
    exit: String,
}

impl Job {
    fn parse(line: &str) -> Job {
        let field = |key: &str| -> String {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(key).and_then(|w| w.strip_prefix('=')))
                .unwrap_or("")
                .to_string()
        };
        let (array, task) = (field("ArrayJobId"), field("ArrayTaskId"));
        Job {
            id: if array.is_empty() {
                field("JobId")
            } else {
                format!("{array}_{task}")
            },
            state: field("JobState"),
            restarts: field("Restarts").parse().unwrap_or(0),
            exit: field("ExitCode"),
        }
    }

    fn ended(&self) -> bool {
        matches!(
            self.state.as_str(),
            "COMPLETED"
                | "FAILED"
                | "CANCELLED"
                | "TIMEOUT"
                | "NODE_FAIL"
                | "OUT_OF_MEMORY"
                | "BOOT_FAIL"
                | "DEADLINE"
                | "PREEMPTED"
        )
    }
}

fn show(jobs: &[Job]) {
    for j in jobs {
        say(&format!(
            "    job {:<7} {:<10} exit {:<6} restarts {}",
            j.id, j.state, j.exit, j.restarts
        ));
    }
}

fn state<'a>(jobs: &'a [Job], id: &str) -> &'a Job {
    jobs.iter()
        .find(|j| j.id == id)
        .unwrap_or_else(|| panic!("no job {id} in {jobs:?}"))
}

fn tail(path: &Path, n: usize) -> String {
    let t = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = t.lines().collect();
    format!(
        "--- {}\n{}\n",
        path.display(),
        lines[lines.len().saturating_sub(n)..].join("\n")
    )
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every job log under `out/logs` (what submit.sh's jobs printed), for a failed assertion.
fn job_logs(out: &Path) -> String {
    let mut files: Vec<PathBuf> = fs::read_dir(out.join("logs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files.iter().map(|f| tail(f, 40)).collect()
}

/// The unsharded sweep of `exp` (an absolute path, as submit.sh gives the jobs: the
/// manifests then name the same file).
fn unsharded(exp: &Path, out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_forumsim"))
        .current_dir(root())
        .env_remove("FORUMSIM_SWEEP_STOP_AFTER")
        .args(["sweep", &exp.to_string_lossy(), "--out"])
        .arg(out)
        .arg("-q")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
}

/// runs.csv and summary.csv byte for byte, and the manifest but for its wall time.
fn assert_same(whole: &Path, merged: &Path) {
    for name in ["runs.csv", "summary.csv"] {
        let (a, b) = (
            fs::read(whole.join(name)).unwrap(),
            fs::read(merged.join(name)).unwrap(),
        );
        assert!(a == b, "{name} differs from the unsharded sweep's");
        say(&format!(
            "  {name}: identical to the unsharded sweep ({} bytes, {} lines)",
            a.len(),
            a.iter().filter(|&&c| c == b'\n').count()
        ));
    }
    let manifest = |d: &Path| -> String {
        read(&d.join("manifest.json"))
            .lines()
            .filter(|l| !l.contains("\"wall_seconds\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(manifest(whole), manifest(merged), "manifest.json differs");
    say("  manifest.json: identical but for wall_seconds");
}

/// Waits until a shard has written at least one chunk file.
fn wait_for_chunk(shard: &Path) {
    let t = Instant::now();
    let chunks = shard.join("chunks");
    while fs::read_dir(&chunks)
        .map(|d| {
            d.flatten()
                .all(|e| !e.file_name().to_string_lossy().ends_with(".csv"))
        })
        .unwrap_or(true)
    {
        assert!(
            t.elapsed() < PATIENCE,
            "{} never wrote a chunk",
            shard.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The number in "resuming, N of M runs already done" in a task's log.
fn resumed_runs(log: &str) -> Option<u64> {
    let at = log.rfind("resuming, ")? + "resuming, ".len();
    log[at..].split_whitespace().next()?.parse().ok()
}

#[test]
fn a_slurm_job_array_and_its_merge_equal_the_unsharded_sweep_and_recover_stopped_tasks() {
    if let Some(why) = unavailable() {
        skip(&why);
        return;
    }
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let cluster = match Cluster::start(tmp.path().join("cluster")) {
        Ok(c) => c,
        Err(e) => {
            skip(&format!("the test cluster did not start:\n{e}"));
            return;
        }
    };
    say(&format!(
        "slurm: single-node cluster up in {:.1} s ({})",
        started.elapsed().as_secs_f64(),
        cluster.run("sbatch", &["--version"]).trim()
    ));

    // 1. quick-grid as 4 shards, more tasks than the node's 2 CPUs: some wait their turn.
    let exp = root().join(QUICK);
    let (whole, out) = (tmp.path().join("quick-whole"), tmp.path().join("quick"));
    unsharded(&exp, &whole);
    say("slurm: quick-grid, 4 shards");
    let s = cluster.submit(&[&exp.to_string_lossy(), &out.to_string_lossy(), "4"]);
    let jobs = cluster.wait(&[&s.array, &s.merge]);
    show(&jobs);
    assert_eq!(jobs.len(), 5, "4 tasks and the merge: {jobs:?}");
    assert!(
        jobs.iter().all(|j| j.state == "COMPLETED"),
        "{jobs:?}\n{}",
        cluster.explain(&out)
    );
    assert_same(&whole, &out.join("all"));

    // 2. 2 shards stopped in the middle: task 1 requeued (as after a node failure or a
    // preemption: Slurm reruns it), task 2 cancelled (as a failed task: it stays so).
    let exp = root().join(KILL);
    let (whole, out) = (tmp.path().join("kill-whole"), tmp.path().join("kill"));
    unsharded(&exp, &whole);
    say(
        "slurm: slurm-kill, 2 shards; task 1 requeued and task 2 cancelled after their first chunk",
    );
    let s = cluster.submit(&[&exp.to_string_lossy(), &out.to_string_lossy(), "2"]);
    let (t1, t2) = (s.task(1), s.task(2));
    wait_for_chunk(&out.join("shard-1"));
    cluster.run("scontrol", &["requeue", &t1]);
    wait_for_chunk(&out.join("shard-2"));
    cluster.run("scancel", &[&t2]);
    // Slurm holds a requeued job back for two minutes (its BeginTime); release it once
    // the node has finished with both stopped tasks.
    cluster.wait_for_state(&t1, "PENDING");
    cluster.wait_for_state(&t2, "CANCELLED");
    cluster.wait_until_idle();
    // slurmd refuses a step whose job credential is not newer, in whole seconds, than the
    // revocation of the job's first attempt (cred_revoked: ctime <= revoked); two seconds
    // keep the relaunch clear of that.
    std::thread::sleep(Duration::from_secs(2));
    cluster.run(
        "scontrol",
        &["update", &format!("JobId={t1}"), "StartTime=now"],
    );
    let jobs = cluster.wait(&[&s.array, &s.merge]);
    show(&jobs);
    let first = state(&jobs, &t1);
    assert_eq!(
        (first.state.as_str(), first.restarts),
        ("COMPLETED", 1),
        "task 1 after its requeue\n{}",
        cluster.explain(&out)
    );
    assert_eq!(
        state(&jobs, &t2).state,
        "CANCELLED",
        "{}",
        cluster.explain(&out)
    );
    assert_eq!(
        state(&jobs, &s.merge).state,
        "FAILED",
        "{}",
        cluster.explain(&out)
    );
    let log1 = read(&out.join("logs/shard-1.out"));
    let again = resumed_runs(&log1).unwrap_or_else(|| panic!("task 1 resumed: {log1}"));
    assert!(again > 0 && again < 1800, "{log1}");
    say(&format!(
        "  task 1 requeued: restarted and resumed with {again} of 1800 runs done"
    ));
    let merge_log = read(&out.join("logs/merge.out"));
    assert!(
        merge_log.contains("shard 2/2: ") && merge_log.contains("--retry"),
        "the merge names the shard and the fix: {merge_log}"
    );
    assert!(!out.join("all").exists());
    for line in merge_log.lines().filter(|l| l.contains("shard 2/2")) {
        say(&format!("  merge.out: {line}"));
    }

    // The documented recovery: resubmit the unfinished shards with --resume.
    let r = cluster.submit(&["--retry", &out.to_string_lossy()]);
    let jobs = cluster.wait(&[&r.array, &r.merge]);
    show(&jobs);
    assert_eq!(jobs.len(), 2, "only shard 2 and the merge: {jobs:?}");
    assert_eq!(
        state(&jobs, &r.task(2)).state,
        "COMPLETED",
        "{}",
        cluster.explain(&out)
    );
    assert_eq!(
        state(&jobs, &r.merge).state,
        "COMPLETED",
        "{}",
        cluster.explain(&out)
    );
    let log2 = read(&out.join("logs/shard-2.out"));
    let again = resumed_runs(&log2).unwrap_or_else(|| panic!("task 2 resumed: {log2}"));
    assert!(again > 0 && again < 1800, "{log2}");
    say(&format!(
        "  task 2 resubmitted by --retry: resumed with {again} of 1800 runs done"
    ));
    assert_same(&whole, &out.join("all"));
    say(&format!(
        "slurm: passed in {:.1} s",
        started.elapsed().as_secs_f64()
    ));
}
