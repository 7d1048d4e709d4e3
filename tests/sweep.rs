//! `forumsim sweep` and `forumsim merge` as a user runs them: tiny sweeps, compared
//! byte for byte across threads, shards, interruptions and kills.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const QUICK: &str = "scenarios/experiments/quick-grid.toml";
const FIX: &str = "tests/fixtures/experiments";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn forumsim(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_forumsim"));
    c.current_dir(root()).args(args);
    c.env_remove("FORUMSIM_SWEEP_STOP_AFTER");
    c
}

fn run(args: &[&str]) -> Output {
    forumsim(args).output().expect("the binary runs")
}

fn ok(args: &[&str]) -> Output {
    let out = run(args);
    assert!(
        out.status.success(),
        "forumsim {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The final files of a sweep folder; the manifest without its wall time.
fn finals(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in ["runs.csv", "summary.csv", "traces.csv", "manifest.json"] {
        let p = dir.join(name);
        if !p.exists() {
            continue;
        }
        let mut text = fs::read_to_string(&p).unwrap();
        if name == "manifest.json" {
            text = text
                .lines()
                .filter(|l| !l.contains("\"wall_seconds\""))
                .collect::<Vec<_>>()
                .join("\n");
        }
        out.push((name.to_string(), text));
    }
    assert!(out.len() >= 3, "{} lacks final files", dir.display());
    out
}

fn assert_same(a: &Path, b: &Path) {
    let (fa, fb) = (finals(a), finals(b));
    assert_eq!(
        fa.iter().map(|f| &f.0).collect::<Vec<_>>(),
        fb.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        assert!(
            x == y,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn a_tiny_sweep_writes_one_row_per_run_and_a_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("q");
    let o = ok(&["sweep", QUICK, "--out", s(&out), "-j", "2"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("diff.ami"), "{stdout}");
    assert!(
        stdout.starts_with("quick-grid: 40 runs (4 points x 2 variants x 5 replicates) in "),
        "{stdout}"
    );
    let runs = fs::read_to_string(out.join("runs.csv")).unwrap();
    // 4 points x 2 variants x 5 replicates.
    assert_eq!(runs.lines().count(), 1 + 40);
    let header = runs.lines().next().unwrap();
    assert!(header.starts_with(
        "point,variant,replicate,seed,run_index,parameters.legit_cost,venue.oewg.transparency,ami,"
    ));
    assert!(header.contains("members.oewg") && header.contains("adoptions.unga"));
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.starts_with(
        "point,variant,parameters.legit_cost,venue.oewg.transparency,metric,n,mean,sd,q05,q25,q50,q75,q95,ci95_lo,ci95_hi\n"
    ));
    assert!(summary.contains("\n3,unga-consensus,0.6,0.8,diff.fragmentation,5,"));
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    let wall = manifest.rfind("\"wall_seconds\"").unwrap();
    assert!(manifest[..wall].contains("\"files\""), "wall time is last");
}

/// Run-indexing contract: a row of runs.csv is rebuilt by `forumsim run` with the
/// row's seed and run index and the point's and variant's overrides.
#[test]
fn a_row_is_reproduced_by_forumsim_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("q");
    ok(&["sweep", QUICK, "--out", s(&out), "-q"]);
    let runs = fs::read_to_string(out.join("runs.csv")).unwrap();
    // Point 3 (legit_cost 0.6, transparency 0.8), variant unga-consensus, replicate 2.
    let row = runs
        .lines()
        .find(|l| l.starts_with("3,unga-consensus,2,"))
        .unwrap();
    let f: Vec<&str> = row.split(',').collect();
    assert_eq!((f[3], f[4]), ("7", "17"), "seed 7, run index 3 * 5 + 2");
    let ami: f64 = f[7].parse().unwrap();
    let single = tmp.path().join("single");
    ok(&[
        "run",
        "scenarios/stylized.toml",
        "--seed",
        f[3],
        "--run",
        f[4],
        "--set",
        "rounds=6",
        "--set",
        "venue.unga.decision=\"consensus\"",
        "--set",
        &format!("parameters.legit_cost={}", f[5]),
        "--set",
        &format!("venue.oewg.transparency={}", f[6]),
        "--out",
        s(&single),
        "-q",
    ]);
    let rounds = fs::read_to_string(single.join("rounds.csv")).unwrap();
    let mut lines = rounds.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = head.iter().position(|h| *h == "ami").unwrap();
    let last: Vec<&str> = lines.last().unwrap().split(',').collect();
    let again: f64 = last[col].parse().unwrap();
    assert!((ami - again).abs() < 1e-12, "{ami} vs {again}");
}

#[test]
fn one_thread_and_four_threads_write_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&["sweep", QUICK, "--out", s(&a), "-j", "1", "-q", "--traces"]);
    ok(&["sweep", QUICK, "--out", s(&b), "-j", "4", "-q", "--traces"]);
    assert_same(&a, &b);
    assert!(a.join("traces.csv").exists());
}

#[test]
fn merged_shards_equal_the_unsharded_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    ok(&["sweep", QUICK, "--out", s(&whole), "-q"]);
    let shards: Vec<PathBuf> = (1..=3).map(|k| tmp.path().join(format!("s{k}"))).collect();
    for (k, d) in shards.iter().enumerate() {
        let spec = format!("{}/3", k + 1);
        ok(&["sweep", QUICK, "--out", s(d), "--shard", &spec, "-q"]);
        assert!(!d.join("runs.csv").exists(), "a shard writes chunks only");
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|d| s(d)));
    args.extend(["--out", s(&merged), "-q"]);
    ok(&args);
    assert_same(&whole, &merged);

    // A missing shard, a duplicated shard.
    let o = run(&["merge", s(&shards[0]), s(&shards[1]), "--out", s(&merged)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing"));
    let o = run(&[
        "merge",
        s(&shards[0]),
        s(&shards[1]),
        s(&shards[2]),
        s(&whole),
        "--out",
        s(&merged),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is in both"));
}

#[test]
fn merge_refuses_shards_of_different_experiments() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&["sweep", QUICK, "--out", s(&a), "--shard", "1/2", "-q"]);
    let lhs = format!("{FIX}/lhs-tiny.toml");
    ok(&["sweep", &lhs, "--out", s(&b), "--shard", "2/2", "-q"]);
    let o = run(&["merge", s(&a), s(&b), "--out", s(&tmp.path().join("m"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("different experiment"));
}

#[test]
fn resume_after_a_stop_equals_an_uninterrupted_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let (whole, part) = (tmp.path().join("whole"), tmp.path().join("part"));
    ok(&["sweep", QUICK, "--out", s(&whole), "-q", "--traces"]);
    for k in ["1", "3"] {
        let o = forumsim(&[
            "sweep",
            QUICK,
            "--out",
            s(&part),
            "-q",
            "--traces",
            "--resume",
        ])
        .env("FORUMSIM_SWEEP_STOP_AFTER", k)
        .output()
        .unwrap();
        assert_eq!(
            o.status.code(),
            Some(130),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let err = String::from_utf8_lossy(&o.stderr);
        // Stopping on request is said plainly, not as an error.
        assert!(
            err.starts_with("stopped: ") && err.contains("--resume"),
            "{err}"
        );
        assert!(!err.contains("error"), "{err}");
        assert!(!part.join("runs.csv").exists());
    }
    let done = fs::read_dir(part.join("chunks")).unwrap().count();
    assert_eq!(done, 2 * 4, "4 chunks, each with its traces file");
    // Without --resume, a started folder is not overwritten.
    let o = run(&["sweep", QUICK, "--out", s(&part), "-q"]);
    assert_eq!(o.status.code(), Some(2));
    let o = ok(&["sweep", QUICK, "--out", s(&part), "--traces", "--resume"]);
    // The rate counts the runs run now, not the 16 of the 4 chunks found done.
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains(" 24 run now, 16 resumed, in "), "{stdout}");
    assert_same(&whole, &part);
}

#[test]
fn resume_refuses_a_folder_of_another_experiment() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("q");
    ok(&["sweep", QUICK, "--out", s(&out), "-q"]);
    let lhs = format!("{FIX}/lhs-tiny.toml");
    let o = run(&["sweep", &lhs, "--out", s(&out), "--resume"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("different experiment"), "{err}");
}

#[test]
fn a_killed_sweep_resumes_to_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let slow = format!("{FIX}/slow.toml");
    let (whole, killed) = (tmp.path().join("whole"), tmp.path().join("killed"));
    ok(&["sweep", &slow, "--out", s(&whole), "-q"]);
    let mut child = forumsim(&["sweep", &slow, "--out", s(&killed), "-q", "-j", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let first = killed.join("chunks").join("chunk-000003.csv");
    let t = Instant::now();
    while !first.exists() && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    let chunks = fs::read_dir(killed.join("chunks")).unwrap().count();
    assert!(chunks >= 4, "some chunks were done before the kill");
    ok(&["sweep", &slow, "--out", s(&killed), "-q", "--resume"]);
    assert_same(&whole, &killed);
}

#[test]
fn an_lhs_sweep_samples_each_stratum_once() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("lhs");
    let lhs = format!("{FIX}/lhs-tiny.toml");
    ok(&["sweep", &lhs, "--out", s(&out), "-q"]);
    let runs = fs::read_to_string(out.join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 3 * 2);
    let mut strata: Vec<usize> = runs
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(2) == Some("0"))
        .map(|l| {
            let x: f64 = l.split(',').nth(5).unwrap().parse().unwrap();
            ((x - 0.1) / 0.8 * 3.0).floor() as usize
        })
        .collect();
    strata.sort();
    assert_eq!(strata, vec![0, 1, 2]);
}

fn bad(file: &str, expect: &[&str]) {
    let path = format!("{FIX}/{file}");
    let o = run(&["sweep", &path, "--out", "/nonexistent/never-written"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{file}: {err}");
    for e in expect {
        assert!(err.contains(e), "{file}: expected {e:?} in {err}");
    }
}

#[test]
fn bad_experiment_files_give_located_errors() {
    bad(
        "unknown-path.toml",
        &[
            "unknown-path.toml:8:",
            "axis `parameters.legit_costt`",
            "legit_cost",
        ],
    );
    bad(
        "wrong-type.toml",
        &[
            "wrong-type.toml:6:",
            "variant `bad`",
            "venue.unga.transparency",
        ],
    );
    bad("empty-axis.toml", &["empty-axis.toml:8:", "has no values"]);
    bad(
        "zero-replicates.toml",
        &["zero-replicates.toml:3:", "replicates must be at least 1"],
    );
    bad("unknown-key.toml", &["unknown-key.toml:5:", "replicate"]);
}

#[test]
fn a_shard_beyond_the_count_is_a_usage_error() {
    let o = run(&["sweep", QUICK, "--shard", "3/2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("3/2"));
}

/// One convention for an undefined number in every table (issue #14 item 12): an empty
/// field, as in the run tables, never the literal `NaN` (one replicate has no sd).
#[test]
fn an_undefined_statistic_is_an_empty_field() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = tmp.path().join("one.toml");
    let scenario = root().join("scenarios/stylized.toml");
    fs::write(
        &exp,
        format!(
            "name = \"one\"\nscenario = {:?}\ndesign = \"grid\"\nreplicates = 1\nseed = 7\n\
             set = {{ rounds = 4 }}\n[[axis]]\npath = \"parameters.legit_cost\"\nvalues = [0.2, 0.6]\n",
            scenario.to_str().unwrap()
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    ok(&["sweep", s(&exp), "--out", s(&out), "-q"]);
    for name in ["summary.csv", "runs.csv"] {
        let text = fs::read_to_string(out.join(name)).unwrap();
        assert!(!text.contains("NaN"), "{name}:\n{text}");
    }
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    // n = 1: mean and quantiles are the value; sd and the CI are undefined.
    let row = summary.lines().nth(1).unwrap();
    assert!(row.ends_with(",,"), "{row}");
}
