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

const LHS: &str = "tests/fixtures/experiments/lhs-tiny.toml";

/// The value of column `name` in every data row of a CSV file.
fn column(path: &Path, name: &str) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let j = head.iter().position(|h| *h == name).unwrap();
    lines
        .map(|l| l.split(',').nth(j).unwrap().to_string())
        .collect()
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// Issue #14 item 4: `sweep --set` changes the runs, as `run --set` does, and the
/// manifest records it; a bad `--set` is reported in `run`'s words.
#[test]
fn set_changes_a_sweep_and_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&["sweep", LHS, "--out", s(&a), "-q"]);
    let set = "venue.unga.decision=\"consensus\"";
    ok(&["sweep", LHS, "--out", s(&b), "-q", "--set", set]);
    assert_ne!(
        fs::read(a.join("runs.csv")).unwrap(),
        fs::read(b.join("runs.csv")).unwrap()
    );
    let m = manifest(&b);
    assert_eq!(m["overrides"], serde_json::json!([set]));
    assert!(
        manifest(&a).get("overrides").is_none(),
        "unchanged without --set"
    );
    // A row is still rebuilt by `forumsim run` with the same --set first.
    let ami = column(&b.join("runs.csv"), "ami");
    let (lc, co) = (
        column(&b.join("runs.csv"), "parameters.legit_cost"),
        column(&b.join("runs.csv"), "bloc.sco.cohesion"),
    );
    let single = tmp.path().join("single");
    // Row 1: point 0, replicate 1 -> run index 1 (LHS of 3 points, 2 replicates).
    let idx = column(&b.join("runs.csv"), "run_index");
    ok(&[
        "run",
        "scenarios/stylized.toml",
        "--seed",
        "11",
        "--run",
        &idx[3],
        "--set",
        set,
        "--set",
        "rounds=4",
        "--set",
        &format!("parameters.legit_cost={}", lc[3]),
        "--set",
        &format!("bloc.sco.cohesion={}", co[3]),
        "--out",
        s(&single),
        "-q",
    ]);
    let again = column(&single.join("rounds.csv"), "ami");
    assert_eq!(again.last().unwrap(), &ami[3]);

    let bad = "parameters.nope=1";
    let sw = run(&[
        "sweep",
        LHS,
        "--out",
        s(&tmp.path().join("x")),
        "--set",
        bad,
    ]);
    let rn = run(&["run", "scenarios/stylized.toml", "--set", bad]);
    assert_eq!(sw.status.code(), Some(2));
    let tail = |o: &Output| {
        let e = String::from_utf8_lossy(&o.stderr).into_owned();
        e[e.find(": --set").unwrap()..].to_string()
    };
    assert_eq!(tail(&sw), tail(&rn));
}

/// `sweep --seed S` is the sweep with the experiment's seed set to S.
#[test]
fn seed_overrides_the_master_seed_and_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    ok(&["sweep", LHS, "--out", s(&a), "-q"]);
    ok(&["sweep", LHS, "--out", s(&b), "-q", "--seed", "12"]);
    ok(&["sweep", LHS, "--out", s(&c), "-q", "--seed", "11"]);
    assert!(
        column(&b.join("runs.csv"), "seed")
            .iter()
            .all(|x| x == "12")
    );
    assert_ne!(
        fs::read(a.join("runs.csv")).unwrap(),
        fs::read(b.join("runs.csv")).unwrap()
    );
    let m = manifest(&b);
    assert_eq!(
        (m["seed"].as_u64(), m["seed_override"].as_u64()),
        (Some(12), Some(12))
    );
    // The file's own seed given on the command line changes nothing but the record.
    assert_eq!(
        fs::read(a.join("runs.csv")).unwrap(),
        fs::read(c.join("runs.csv")).unwrap()
    );
}

#[test]
fn resume_refuses_another_set_or_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let part = tmp.path().join("part");
    let started = [
        "sweep",
        LHS,
        "--out",
        s(&part),
        "-q",
        "--set",
        "rounds=3",
        "--seed",
        "5",
    ];
    let o = forumsim(&started)
        .env("FORUMSIM_SWEEP_STOP_AFTER", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(130));
    for (flags, said) in [
        (
            vec!["--set", "rounds=2", "--seed", "5"],
            "started with --set 'rounds=3'; this command gives --set 'rounds=2'",
        ),
        (
            vec!["--seed", "5"],
            "started with --set 'rounds=3'; this command gives no --set",
        ),
        (
            vec!["--set", "rounds=3", "--seed", "6"],
            "started with --seed 5; this command gives --seed 6",
        ),
        (
            vec!["--set", "rounds=3"],
            "started with --seed 5; this command gives no --seed (seed 11)",
        ),
    ] {
        let mut args = vec!["sweep", LHS, "--out", s(&part), "-q", "--resume"];
        args.extend(flags);
        let o = run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("cannot resume") && err.contains(said), "{err}");
    }
    let mut again = started.to_vec();
    again.push("--resume");
    ok(&again);
    let whole = tmp.path().join("whole");
    ok(&[
        "sweep",
        LHS,
        "--out",
        s(&whole),
        "-q",
        "--set",
        "rounds=3",
        "--seed",
        "5",
    ]);
    assert_same(&whole, &part);
}

/// Issue #14 item 9: a shard folder resumed with another split was accepted silently.
#[test]
fn resume_refuses_another_shard_split() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("s1");
    ok(&["sweep", QUICK, "--out", s(&d), "--shard", "1/16", "-q"]);
    let entries = || fs::read_dir(d.join("chunks")).unwrap().count();
    let before = entries();
    for (flags, said) in [
        (
            vec!["--shard", "1/8"],
            "this folder was started as shard 1 of 16; --shard 1/8 asks for shard 1 of 8; use the same --shard, or a new folder",
        ),
        (
            vec![],
            "this folder was started as shard 1 of 16; this command, without --shard, asks for the whole sweep",
        ),
    ] {
        let mut args = vec!["sweep", QUICK, "--out", s(&d), "-q", "--resume"];
        args.extend(flags);
        let o = run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(said), "{err}");
    }
    ok(&[
        "sweep",
        QUICK,
        "--out",
        s(&d),
        "--shard",
        "1/16",
        "-q",
        "--resume",
    ]);
    assert_eq!(entries(), before, "no marker file in chunks/");
    // And the other way: a whole sweep is not resumed as a shard.
    let w = tmp.path().join("w");
    let o = forumsim(&["sweep", QUICK, "--out", s(&w), "-q"])
        .env("FORUMSIM_SWEEP_STOP_AFTER", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(130));
    let o = run(&[
        "sweep",
        QUICK,
        "--out",
        s(&w),
        "-q",
        "--resume",
        "--shard",
        "2/4",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(
        "this folder was started as the whole sweep (no --shard); --shard 2/4 asks for shard 2 of 4"
    ));
}

const SOBOL_TINY: &str = "tests/fixtures/experiments/sobol-tiny.toml";

/// A float as numpy's `savetxt` writes it by default (`%.18e`: `1.000000000000000000e+00`).
fn savetxt(x: f64) -> String {
    let t = format!("{x:.18e}");
    let (m, e) = t.split_once('e').unwrap();
    let e: i32 = e.parse().unwrap();
    format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// Issue #14 item 4, the round trip: `design --export salib` → (SALib) → `sweep
/// --design` gives the experiment's own runs.csv and summary.csv, byte for byte, from
/// the exporter's CSV and from the same matrix in numpy's `savetxt` format; and
/// `forumsim sensitivity` reads the folder.
#[test]
fn an_exported_design_swept_with_design_equals_the_experiments_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let (own, x) = (tmp.path().join("own"), tmp.path().join("x"));
    ok(&["sweep", SOBOL_TINY, "--out", s(&own), "-q"]);
    ok(&[
        "design",
        SOBOL_TINY,
        "--export",
        "salib",
        "--out",
        s(&x),
        "-q",
    ]);
    // SALib's own writing of the same matrix: space-separated %.18e, `#` header.
    let csv = fs::read_to_string(x.join("design.csv")).unwrap();
    let mut np = String::from("# parameters.legit_cost venue.oewg.transparency\n");
    for l in csv.lines().skip(1) {
        let v: Vec<String> = l.split(',').map(|t| savetxt(t.parse().unwrap())).collect();
        np.push_str(&v.join(" "));
        np.push('\n');
    }
    fs::write(x.join("sample.txt"), np).unwrap();
    let ext = [
        "--set",
        "rounds=4",
        "--seed",
        "3",
        "--replicates",
        "2",
        "-q",
    ];
    for (design, threads, dir) in [("design.csv", "1", "e1"), ("sample.txt", "2", "e2")] {
        let out = tmp.path().join(dir);
        let d = x.join(design);
        let mut args = vec![
            "sweep",
            "scenarios/stylized.toml",
            "--design",
            s(&d),
            "--out",
            s(&out),
            "-j",
            threads,
        ];
        args.extend(ext);
        ok(&args);
        for f in ["runs.csv", "summary.csv"] {
            assert!(
                fs::read(own.join(f)).unwrap() == fs::read(out.join(f)).unwrap(),
                "{f} of --design {design} differs from the experiment's"
            );
        }
        ok(&[
            "sensitivity",
            s(&out),
            "--no-plots",
            "-q",
            "--metric",
            "ami",
        ]);
    }
    ok(&[
        "sensitivity",
        s(&own),
        "--no-plots",
        "-q",
        "--metric",
        "ami",
    ]);
    let e1 = tmp.path().join("e1");
    assert_eq!(
        fs::read(own.join("sensitivity_sobol.csv")).unwrap(),
        fs::read(e1.join("sensitivity_sobol.csv")).unwrap()
    );
    // --problem names the problem file when it is not beside the design.
    let moved = tmp.path().join("elsewhere.json");
    fs::copy(x.join("problem.json"), &moved).unwrap();
    fs::remove_file(x.join("problem.json")).unwrap();
    let e3 = tmp.path().join("e3");
    let d = x.join("design.csv");
    let mut args = vec![
        "sweep",
        "scenarios/stylized.toml",
        "--design",
        s(&d),
        "--problem",
        s(&moved),
        "--out",
        s(&e3),
    ];
    args.extend(ext);
    ok(&args);
    assert_eq!(
        fs::read(own.join("runs.csv")).unwrap(),
        fs::read(e3.join("runs.csv")).unwrap()
    );
}

/// A design with no sensitivity layout runs too; each row is `forumsim run --set` of
/// its values, and a resumed folder refuses a changed problem file.
#[test]
fn a_salib_matrix_runs_row_by_row_as_run_set() {
    let tmp = tempfile::tempdir().unwrap();
    let x = tmp.path().join("x");
    fs::create_dir_all(&x).unwrap();
    fs::write(
        x.join("problem.json"),
        r#"{"num_vars": 2, "names": ["parameters.legit_cost", "venue.oewg.transparency"], "bounds": [[0.0, 1.0], [0.0, 1.0]]}"#,
    )
    .unwrap();
    fs::write(
        x.join("design.csv"),
        "2.500000000000000000e-01 7.500000000000000000e-01\n9.000000000000000000e-01 1.000000000000000000e-01\n",
    )
    .unwrap();
    let out = tmp.path().join("o");
    let d = x.join("design.csv");
    ok(&[
        "sweep",
        "scenarios/stylized.toml",
        "--design",
        s(&d),
        "--set",
        "rounds=3",
        "--out",
        s(&out),
        "-q",
    ]);
    let runs = out.join("runs.csv");
    assert_eq!(column(&runs, "point"), ["0", "1"]);
    assert_eq!(column(&runs, "parameters.legit_cost"), ["0.25", "0.9"]);
    let seed = column(&runs, "seed");
    let ami = column(&runs, "ami");
    let single = tmp.path().join("single");
    ok(&[
        "run",
        "scenarios/stylized.toml",
        "--seed",
        &seed[1],
        "--run",
        "1",
        "--set",
        "rounds=3",
        "--set",
        "parameters.legit_cost=0.9",
        "--set",
        "venue.oewg.transparency=0.1",
        "--out",
        s(&single),
        "-q",
    ]);
    assert_eq!(
        column(&single.join("rounds.csv"), "ami").last().unwrap(),
        &ami[1]
    );
    fs::write(
        x.join("problem.json"),
        r#"{"num_vars": 2, "names": ["parameters.legit_cost", "venue.oewg.transparency"], "bounds": [[0.0, 2.0], [0.0, 1.0]]}"#,
    )
    .unwrap();
    let o = run(&[
        "sweep",
        "scenarios/stylized.toml",
        "--design",
        s(&d),
        "--set",
        "rounds=3",
        "--out",
        s(&out),
        "--resume",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("problem file changed"));
}

/// Every bad external design exits 2 with `file:line:col` and what was expected.
#[test]
fn bad_designs_exit_2_with_a_located_message() {
    let tmp = tempfile::tempdir().unwrap();
    let x = tmp.path().join("x");
    fs::create_dir_all(&x).unwrap();
    let good_problem = r#"{"num_vars": 2, "names": ["parameters.legit_cost", "venue.oewg.transparency"], "bounds": [[0.0, 1.0], [0.0, 1.0]]}"#;
    let cases: &[(&str, &str, &[&str])] = &[
        (
            good_problem,
            "",
            &["design.csv:1:1:", "the design is empty"],
        ),
        (
            good_problem,
            "0.1 0.2\n0.1 0.2 0.3\n",
            &["design.csv:2:9:", "3 values, expected 2"],
        ),
        (
            good_problem,
            "0.1,0.2\n0.3,abc\n",
            &[
                "design.csv:2:5:",
                "`abc` is not a number",
                "venue.oewg.transparency",
            ],
        ),
        (
            good_problem,
            "# a header\n0.1 0.2\n1.5 0.2\n",
            &[
                "design.csv:3:1:",
                "1.5 is outside the bounds [0, 1] of `parameters.legit_cost`",
            ],
        ),
        (
            good_problem,
            "legit_cost,venue.oewg.transparency\n0.1,0.2\n",
            &[
                "design.csv:1:1:",
                "header column 1: `legit_cost` is not `parameters.legit_cost`",
            ],
        ),
        (
            r#"{"num_vars": 2,
 "names": ["parameters.legit_cost", "parameters.nope"],
 "bounds": [[0.0, 1.0], [0.0, 1.0]]}"#,
            "0.1 0.2\n",
            &[
                "problem.json:2:37:",
                "parameter `parameters.nope`",
                "unknown parameter `nope`",
            ],
        ),
        (
            r#"{"num_vars": 2, "names": ["parameters.legit_cost"], "bounds": [[0.0, 1.0]]}"#,
            "0.1 0.2\n",
            &["problem.json:1:2:", "num_vars is 2 but there are 1 names"],
        ),
        (
            "{\"num_vars\": 2,",
            "0.1 0.2\n",
            &["problem.json:1:", "expected a SALib problem"],
        ),
        (
            r#"{"num_vars": 1, "names": ["venue.oewg.transparency"], "bounds": [[0.0, 3.0]]}"#,
            "2.5\n",
            &[
                "problem.json:1:27:",
                "parameter `venue.oewg.transparency` at 3:",
                "transparency must be in [0, 1]",
            ],
        ),
    ];
    let d = x.join("design.csv");
    for (problem, design, want) in cases {
        fs::write(x.join("problem.json"), problem).unwrap();
        fs::write(&d, design).unwrap();
        let o = run(&[
            "sweep",
            "scenarios/stylized.toml",
            "--design",
            s(&d),
            "--out",
            s(&tmp.path().join("never")),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{design:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        for w in *want {
            assert!(err.contains(w), "expected {w:?} in {err}");
        }
    }
    // No problem file beside the design.
    fs::remove_file(x.join("problem.json")).unwrap();
    let o = run(&["sweep", "scenarios/stylized.toml", "--design", s(&d)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("problem.json: cannot read the problem file")
    );
    // --problem and --replicates belong to --design.
    let o = run(&["sweep", QUICK, "--replicates", "2"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!tmp.path().join("never").exists());
}
