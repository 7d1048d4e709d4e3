//! Issue #15: no abort or hang on any accepted input, a run folder never half old and
//! half new, reads confined to what the user named, and located messages. Each test
//! is named after the item of the issue it covers; the scenario fixtures of the issue
//! are in `tests/fixtures/bad/` (`limit_*`, `pair_*`, `syntax_duplicate_key`).

mod common;

use common::big::{many_records, many_states};
use common::{BIN, arg, forumsim, names, stderr};
use forumsim::experiment::design;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stylized() -> String {
    arg(&root().join("scenarios/stylized.toml"))
}

fn code(o: &Output) -> Option<i32> {
    o.status.code()
}

/// Runs `forumsim ARGS`, killing it after `limit`: `None` if it had to be killed.
fn within(limit: Duration, args: &[&str]) -> Option<Output> {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("forumsim starts");
    let start = Instant::now();
    while start.elapsed() < limit {
        if child.try_wait().expect("wait").is_some() {
            return Some(child.wait_with_output().expect("output"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

// ---- 1, 2: sizes refused up front, designs that stream, no hang on inf ---------------

/// `o` is a bad-input refusal (exit 2) whose message contains `fragment`.
fn assert_bad_input(o: &Output, fragment: &str) {
    assert_eq!(code(o), Some(2), "{}", stderr(o));
    assert!(stderr(o).contains(fragment), "{}", stderr(o));
}

#[test]
fn issue15_1_huge_rounds_are_refused_not_aborted() {
    let o = forumsim(&["run", &stylized(), "--set", "rounds=1000000000", "-q"]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--set rounds=1000000000: rounds must be at most 100000"),
        "{}",
        stderr(&o)
    );
    let o = forumsim(&["check", &stylized(), "--set", "rounds=4294967295"]);
    assert_bad_input(&o, "rounds must be at most 100000");
}

#[test]
fn issue15_2_huge_negotiation_rounds_are_refused() {
    let o = within(
        Duration::from_secs(30),
        &[
            "run",
            &stylized(),
            "--set",
            "venue.gge.negotiation_rounds=4294967295",
            "--out",
            "/nonexistent/never-written",
        ],
    )
    .expect("refused at once, not run for ever");
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("negotiation_rounds must be at most 10000"),
        "{}",
        stderr(&o)
    );
}

fn experiment(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("exp.toml");
    let text = format!("scenario = {:?}\n{body}", stylized());
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn issue15_1_a_huge_grid_is_refused_before_it_is_expanded() {
    let tmp = tempfile::tempdir().unwrap();
    let values = (0..10)
        .map(|i| format!("0.{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let axes: String = (0..11)
        .map(|i| format!("[[axis]]\npath = \"parameters.p{i}\"\nvalues = [{values}]\n"))
        .collect();
    let path = experiment(
        tmp.path(),
        &format!("design = \"grid\"\nreplicates = 1\nseed = 1\n{axes}"),
    );
    let e = design::load(&path).unwrap_err().to_string();
    assert!(
        e.contains("100000000000 points") && e.contains("more than the limit"),
        "{e}"
    );
}

/// `forumsim sweep EXPERIMENT --out OUT -q EXTRA…`, stopped after its first chunk
/// (`FORUMSIM_SWEEP_STOP_AFTER`), as a Ctrl-C would.
fn sweep_one_chunk(path: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(["sweep", &arg(path), "--out", &arg(out), "-q"])
        .args(extra)
        .env("FORUMSIM_SWEEP_STOP_AFTER", "1")
        .output()
        .unwrap()
}

#[test]
fn issue15_1_large_designs_stream_their_first_runs_start_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let path = experiment(
        tmp.path(),
        "design = \"lhs\"\nsamples = 1000000\nreplicates = 1\nseed = 1\nchunk = 1\nset = { rounds = 2 }\n\
         [[axis]]\npath = \"parameters.legit_cost\"\nrange = [0.1, 0.9]\n",
    );
    // How long loading takes (every point was validated before the first run: > 20 s)
    // is timed by `benches/load.rs`, not asserted here.
    let (exp, _, _) = design::load(&path).unwrap();
    assert_eq!(exp.points.len(), 1_000_000);
    let o = sweep_one_chunk(&path, &tmp.path().join("out"), &[]);
    assert_eq!(code(&o), Some(130), "{}", stderr(&o));
    let done = fs::read_dir(tmp.path().join("out/chunks")).unwrap().count();
    assert!(done >= 1, "no chunk was run");
    // The plan file records the design, not its points: it was 100 MB, written before
    // the first run.
    let state = fs::metadata(tmp.path().join("out/sweep.json"))
        .unwrap()
        .len();
    assert!(state < 10_000, "sweep.json is {state} bytes");
    // It is enough to go on: --resume makes the same points again.
    let o = sweep_one_chunk(&path, &tmp.path().join("out"), &["--resume"]);
    assert_eq!(code(&o), Some(130), "{}", stderr(&o));
    let rows = fs::read_dir(tmp.path().join("out/chunks"))
        .unwrap()
        .map(|e| fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<Vec<_>>();
    assert!(rows.len() >= 2, "--resume ran no chunk");
    for r in &rows {
        // point, variant, replicate, seed, run_index, legit_cost, metrics...
        let x: f64 = r.split(',').nth(5).unwrap().parse().unwrap();
        assert!((0.1..=0.9).contains(&x), "{r}");
    }
}

#[test]
fn issue15_1_a_million_row_sobol_design_keeps_a_small_plan_file() {
    // 2^18 base samples of one axis: 786,432 points (the limit is 2^20 values).
    let tmp = tempfile::tempdir().unwrap();
    let path = experiment(
        tmp.path(),
        "design = \"sobol\"\nsamples = 262144\nreplicates = 1\nseed = 1\nchunk = 1\nset = { rounds = 2 }\n\
         [[axis]]\npath = \"parameters.legit_cost\"\nrange = [0.1, 0.9]\n",
    );
    let (exp, _, _) = design::load(&path).unwrap();
    assert_eq!(exp.points.len(), 3 << 18);
    let o = sweep_one_chunk(&path, &tmp.path().join("out"), &[]);
    assert_eq!(code(&o), Some(130), "{}", stderr(&o));
    let state = fs::read_to_string(tmp.path().join("out/sweep.json")).unwrap();
    assert!(state.len() < 10_000, "sweep.json is {} bytes", state.len());
    assert!(state.contains("\"kind\": \"sobol\""), "{state}");
}

/// The small LHS sweep of `tests/fixtures/experiments/` into `out`, which must succeed.
fn sweep_lhs_tiny(out: &Path) {
    let o = forumsim(&[
        "sweep",
        "tests/fixtures/experiments/lhs-tiny.toml",
        "--out",
        &arg(out),
        "-q",
    ]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
}

#[test]
fn issue15_2_plot_and_report_do_not_hang_on_inf() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    sweep_lhs_tiny(&out);
    let runs = fs::read_to_string(out.join("runs.csv")).unwrap();
    let mut lines: Vec<String> = runs.lines().map(String::from).collect();
    for (i, l) in lines.iter_mut().enumerate().skip(1) {
        let mut cells: Vec<String> = l.split(',').map(String::from).collect();
        let n = cells.len();
        cells[5] = if i % 2 == 0 { "inf" } else { "-inf" }.into();
        cells[n - 1] = "inf".into();
        cells[n - 3] = "-inf".into();
        *l = cells.join(",");
    }
    fs::write(out.join("runs.csv"), lines.join("\n") + "\n").unwrap();
    for cmd in ["plot", "report"] {
        let o = within(Duration::from_secs(60), &[cmd, &arg(&out), "-q"])
            .unwrap_or_else(|| panic!("`forumsim {cmd}` hangs on inf in runs.csv"));
        assert!(matches!(code(&o), Some(0 | 2)), "{cmd}: {}", stderr(&o));
    }
}

// ---- 3: large worlds load in linear time ---------------------------------------------

#[test]
fn issue15_3_thirty_thousand_states_load_in_seconds() {
    let text = many_states(30_000);
    // Quadratic (a scan from the top per state), this took ~50 s; `benches/load.rs`
    // times it.
    let sc = forumsim::scenario::from_str(&text, Path::new("many.toml"), &[]).unwrap();
    assert_eq!(sc.states.len(), 30_000);
    let dup = format!(
        "{text}\n[[state]]\nid = \"S7\"\nregime = 0.5\npower = 1\ncompetence = 0.5\nict = 0.5\n"
    );
    let e = forumsim::scenario::from_str(&dup, Path::new("many.toml"), &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("duplicate state id `S7` (first defined at line 55)"),
        "{e}"
    );
}

#[test]
fn issue15_3_records_and_ratifying_texts_load_in_linear_time() {
    let text = many_records(10_000);
    // Quadratic (a scan of every text per ratifying text, of every event and text per
    // record, of every target per fact), the checks grew with the square of the file:
    // 20,000 of each took 8.5 s in a release build; `benches/load.rs` times it.
    let sc = forumsim::scenario::from_str(&text, Path::new("records.toml"), &[]).unwrap();
    assert_eq!(
        (sc.proposals.len(), sc.targets.len(), sc.facts.len()),
        (20_000, 10_000, 10_000)
    );
    let twice = text.replacen("ratifies = \"p1\"\n", "ratifies = \"p0\"\n", 1);
    let e = forumsim::scenario::from_str(&twice, Path::new("records.toml"), &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("`p0` is ratified by more than one text"), "{e}");
}

#[test]
fn issue15_9_a_year_far_from_start_year_is_refused_at_its_key() {
    let text = many_records(1);
    for (key, at) in [
        ("until_year", "venue.v.until_year"),
        ("repeat_until_year", "proposal.p0.repeat_until_year"),
        ("introduced_year", "proposal.p0.introduced_year"),
    ] {
        let text = if key == "introduced_year" {
            text.replacen("introduced = 0\n", "", 1)
        } else {
            text.clone()
        };
        let sets = vec![
            "start_year=-2147483648".to_string(),
            format!("{at}=9223372036854775807"),
        ];
        let e = forumsim::scenario::from_str(&text, Path::new("records.toml"), &sets)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!(
                "{key} 9223372036854775807 is too far after start_year"
            )),
            "{key}: {e}"
        );
    }
}

// ---- 4, 5: a run folder is the old one or the new one, and user files stay --------------

fn run_into(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run".to_string(),
        stylized(),
        "--out".into(),
        arg(out),
        "-q".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    forumsim(&args)
}

#[test]
fn issue15_4_kill_during_a_run_leaves_the_old_or_the_new_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = run_into(
        &out,
        &["--runs", "60", "--votes", "--states", "--seed", "1"],
    );
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    let first = fs::read(out.join("rounds.csv")).unwrap();
    for (trial, ms) in [150u64, 400, 700, 1000, 1500, 2500].into_iter().enumerate() {
        let mut child = Command::new(BIN)
            .args([
                "run",
                &stylized(),
                "--out",
                &arg(&out),
                "-q",
                "--runs",
                "60",
            ])
            .args(["--votes", "--states", "--seed", &(2 + trial).to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        assert!(
            out.join("manifest.json").is_file(),
            "trial {trial}: no manifest"
        );
        forumsim::output::vouch::check(&out)
            .unwrap_or_else(|e| panic!("trial {trial}: a mixed folder: {e}"));
        // Still the first batch, or wholly a new one (its manifest vouches for it).
        let m: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
        if m["seed"] == 1 {
            assert_eq!(
                fs::read(out.join("rounds.csv")).unwrap(),
                first,
                "trial {trial}"
            );
        }
    }
    // The next run cleans up what the killed ones left (their staging folders).
    let o = run_into(&out, &["--runs", "2"]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    assert_eq!(names(tmp.path()), ["out"]);
    assert!(
        !names(&out).iter().any(|n| n.starts_with('.')),
        "{:?}",
        names(&out)
    );
}

#[test]
fn issue15_4_plot_report_and_animate_refuse_a_mixed_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert_eq!(
        code(&run_into(&a, &["--runs", "2", "--seed", "1"])),
        Some(0)
    );
    assert_eq!(
        code(&run_into(&b, &["--runs", "2", "--seed", "2"])),
        Some(0)
    );
    fs::copy(b.join("rounds.csv"), a.join("rounds.csv")).unwrap();
    for cmd in ["plot", "report", "animate"] {
        let o = forumsim(&[cmd, &arg(&a), "-q"]);
        assert_eq!(code(&o), Some(2), "{cmd}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("rounds.csv: not the table manifest.json describes"),
            "{cmd}: {}",
            stderr(&o)
        );
    }
    fs::remove_file(b.join("manifest.json")).unwrap();
    let o = forumsim(&["plot", &arg(&b), "-q"]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no manifest.json"), "{}", stderr(&o));
}

#[test]
fn issue15_4_a_validate_folder_is_swapped_in_whole_and_vouched_for() {
    // `validate` folders are read by `report` and `plot` (issue #13): written like a
    // run folder, beside the old one, with the SHA-256 of each table in the manifest.
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let facts = arg(&root().join("tests/fixtures/validate/facts.toml"));
    let o = forumsim(&[
        "validate",
        &facts,
        "--runs",
        "3",
        "--seed",
        "2",
        "--out",
        &arg(&a),
        "-q",
    ]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    let notes = a.join("notes.txt");
    fs::write(&notes, "mine").unwrap();
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(a.join("manifest.json")).unwrap()).unwrap();
    for table in ["validate.csv", "facts.csv"] {
        assert!(m["sha256"][table].is_string(), "{table}: {m}");
    }
    // Again into `a`: the user's file stays, no staging folder is left.
    let o = forumsim(&[
        "validate",
        &facts,
        "--runs",
        "3",
        "--seed",
        "1",
        "--out",
        &arg(&a),
        "-q",
    ]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&notes).unwrap(), "mine");
    assert_eq!(names(tmp.path()), ["a"], "staging folders left behind");
    assert_eq!(code(&forumsim(&["report", &arg(&a), "-q"])), Some(0));
    // A table of another batch (here: one row more) is refused.
    let table = fs::read_to_string(a.join("facts.csv")).unwrap();
    let last = table.lines().last().unwrap().to_string();
    fs::write(a.join("facts.csv"), format!("{table}{last}\n")).unwrap();
    for cmd in ["plot", "report"] {
        let o = forumsim(&[cmd, &arg(&a), "-q"]);
        assert_eq!(code(&o), Some(2), "{cmd}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("facts.csv: not the table manifest.json describes"),
            "{cmd}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn issue15_4_stale_temp_files_and_staging_folders_are_cleaned() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(code(&run_into(&out, &["--runs", "2"])), Some(0));
    // What a writer killed by an older forumsim (or this one) leaves behind.
    fs::write(out.join(".rounds.csv.999999999-0.tmp"), "half").unwrap();
    fs::create_dir(tmp.path().join(".out.new-999999999-0")).unwrap();
    assert_eq!(code(&run_into(&out, &["--runs", "2"])), Some(0));
    assert_eq!(names(tmp.path()), ["out"]);
    assert!(!out.join(".rounds.csv.999999999-0.tmp").exists());
}

#[test]
fn issue15_5_files_forumsim_did_not_list_are_never_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("votes.csv"), "my own votes\n").unwrap();
    fs::write(out.join("attention.csv"), "my own notes\n").unwrap();
    assert_eq!(code(&run_into(&out, &["--runs", "2"])), Some(0));
    assert_eq!(
        fs::read_to_string(out.join("votes.csv")).unwrap(),
        "my own votes\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("attention.csv")).unwrap(),
        "my own notes\n"
    );
    // Tables of forumsim's own earlier batch, listed in its manifest, do go.
    let other = tmp.path().join("other");
    assert_eq!(
        code(&run_into(&other, &["--runs", "2", "--votes"])),
        Some(0)
    );
    assert!(other.join("votes.csv").is_file());
    assert_eq!(code(&run_into(&other, &["--runs", "2"])), Some(0));
    assert!(!other.join("votes.csv").exists());
}

// ---- 6: merge of damaged input -----------------------------------------------------

fn shards(tmp: &Path) -> Vec<PathBuf> {
    let exp = "scenarios/experiments/quick-grid.toml";
    (1..=2)
        .map(|k| {
            let d = tmp.join(format!("s{k}"));
            let o = forumsim(&[
                "sweep",
                exp,
                "--out",
                &arg(&d),
                "--shard",
                &format!("{k}/2"),
                "-q",
            ]);
            assert_eq!(code(&o), Some(0), "{}", stderr(&o));
            d
        })
        .collect()
}

#[test]
fn issue15_6_merge_of_a_damaged_chunk_exits_2_names_it_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let s = shards(tmp.path());
    let chunk = s[1].join("chunks/chunk-000001.csv");
    let text = fs::read_to_string(&chunk).unwrap();
    fs::write(&chunk, &text[..text.len() / 2]).unwrap();
    let merged = tmp.path().join("merged");
    let o = forumsim(&[
        "merge",
        &arg(&s[0]),
        &arg(&s[1]),
        "--out",
        &arg(&merged),
        "-q",
    ]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(&arg(&chunk)), "{}", stderr(&o));
    assert!(!merged.join("runs.csv").exists(), "a partial runs.csv");
    // A damaged sweep.json is named too.
    fs::write(&chunk, text).unwrap();
    fs::write(s[1].join("sweep.json"), "{ \"forumsim\": ").unwrap();
    let o = forumsim(&[
        "merge",
        &arg(&s[0]),
        &arg(&s[1]),
        "--out",
        &arg(&merged),
        "-q",
    ]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&arg(&s[1].join("sweep.json"))),
        "{}",
        stderr(&o)
    );
}

// ---- 7: verify reads only its folder, and every table ------------------------------------

fn edit_manifest(dir: &Path, f: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    f(&mut m);
    fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
}

#[test]
fn issue15_7_verify_is_confined_to_the_folder_and_checks_every_table() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(code(&run_into(&out, &["--runs", "2"])), Some(0));
    edit_manifest(&out, |m| {
        m["files"][0]["name"] = "../../../../etc/passwd".into();
    });
    let o = forumsim(&["verify", &arg(&out)]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not a file of this folder"),
        "{}",
        stderr(&o)
    );

    assert_eq!(code(&run_into(&out, &["--runs", "2"])), Some(0));
    edit_manifest(&out, |m| m["files"] = serde_json::json!([]));
    fs::write(out.join("rounds.csv"), "run,seed\n").unwrap();
    let o = forumsim(&["verify", &arg(&out)]);
    assert_eq!(code(&o), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("UNLISTED rounds.csv"), "{text}");
    assert!(text.contains("MISMATCH"), "{text}");
}

// ---- 8: short, sanitised excerpts -------------------------------------------------------

#[test]
fn issue15_8_errors_never_dump_a_file_that_is_not_a_table() {
    let tmp = tempfile::tempdir().unwrap();
    let secret = "forumsim-secret-value-that-must-not-leak";
    let proc_env = "/proc/self/environ";
    if !Path::new(proc_env).exists() {
        return; // not Linux
    }
    let validate = root().join("tests/fixtures/validate");
    let target = fs::read_to_string(validate.join("target.toml")).unwrap();
    for (what, text) in [
        (
            "states_csv",
            target.replace(
                "states_csv = \"states.csv\"",
                &format!("states_csv = {proc_env:?}"),
            ),
        ),
        (
            "votes",
            target.replace("votes = \"votes.csv\"", &format!("votes = {proc_env:?}")),
        ),
        (
            "baseline",
            target.replace(
                "baseline = \"categories.csv\"",
                &format!("baseline = {proc_env:?}"),
            ),
        ),
    ] {
        let path = validate.join(format!("leak-{what}-{}.toml", std::process::id()));
        fs::write(&path, text).unwrap();
        let o = Command::new(BIN)
            .args(["check", &arg(&path)])
            .env("FORUMSIM_TEST_SECRET", secret)
            .output()
            .unwrap();
        let _ = fs::remove_file(&path);
        let e = stderr(&o);
        assert_eq!(code(&o), Some(2), "{what}: {e}");
        assert!(!e.contains(secret), "{what} leaks the environment: {e}");
        assert!(e.len() < 400, "{what}: {} bytes: {e}", e.len());
        assert!(!e.contains('\0'), "{what}: {e}");
    }
    let _ = tmp;
}

// ---- 9: locations kept ---------------------------------------------------------------

#[test]
fn issue15_9_a_number_that_overflows_is_located_by_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("x.toml");
    let text = fs::read_to_string(root().join("tests/fixtures/good/inline.toml")).unwrap();
    let bad = text.replacen("transparency = ", "transparency = 1e999 #", 1);
    assert_ne!(bad, text);
    fs::write(&path, bad).unwrap();
    for args in [
        vec!["check", "--resolved"],
        vec!["run", "-q", "--out", "/nonexistent/x"],
        vec!["check"],
    ] {
        let mut a = args.clone();
        let p = arg(&path);
        a.insert(1, &p);
        let o = forumsim(&a);
        let e = stderr(&o);
        assert_eq!(code(&o), Some(2), "{args:?}: {e}");
        assert!(
            e.contains(&format!("{p}:")) && !e.contains("a bug in forumsim"),
            "{args:?}: {e}"
        );
    }
}

#[test]
fn issue15_9_non_utf8_bytes_are_located() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("x.toml");
    fs::write(&path, b"name = \"x\"\nrounds = 1\xff\n").unwrap();
    let o = forumsim(&["check", &arg(&path)]);
    assert_bad_input(&o, "x.toml:2:11: not UTF-8: byte 0xff");
}

#[test]
fn issue15_9_a_child_remove_that_breaks_its_parent_is_reported_at_the_remove() {
    let o = forumsim(&["check", "tests/fixtures/extends/remove_dangling.toml"]);
    assert_bad_input(
        &o,
        "remove_dangling.toml:5:21: remove: state `GP2` is still named by",
    );
}

#[test]
fn issue15_9_negative_numbers_to_numeric_flags_name_the_flag() {
    for (flag, value) in [("--seed", "-1"), ("--runs", "-3")] {
        let o = forumsim(&["run", &stylized(), flag, value]);
        assert_eq!(code(&o), Some(2));
        assert!(
            stderr(&o).contains(&format!("invalid value '{value}' for '{flag}")),
            "{}",
            stderr(&o)
        );
    }
}

// ---- 10: what was accepted silently ---------------------------------------------------

#[test]
fn issue15_10_sobol_samples_must_be_a_power_of_two() {
    let tmp = tempfile::tempdir().unwrap();
    let path = experiment(
        tmp.path(),
        "design = \"sobol\"\nsamples = 1000\nreplicates = 1\nseed = 1\n\
         [[axis]]\npath = \"parameters.legit_cost\"\nrange = [0.1, 0.9]\n",
    );
    let e = design::load(&path).unwrap_err().to_string();
    assert!(
        e.contains("exp.toml:3:11: samples (base samples N) must be a power of two"),
        "{e}"
    );
    assert!(e.contains("use 1024"), "{e}");
}

#[test]
fn issue15_10_non_utf8_experiment_files_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("exp.toml");
    let mut bytes =
        format!("scenario = {:?}\ndesign = \"grid\"\nname = \"a", stylized()).into_bytes();
    bytes.extend(b"\xfe\"\nreplicates = 1\nseed = 1\n");
    fs::write(&path, bytes).unwrap();
    let e = design::load(&path).unwrap_err().to_string();
    assert!(e.contains("exp.toml:3:10: not UTF-8: byte 0xfe"), "{e}");
}

#[test]
fn issue15_10_salib_bounds_with_lo_above_hi_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let ext = tmp.path().join("ext");
    let o = forumsim(&[
        "design",
        "tests/fixtures/sensitivity/ishigami-noise.toml",
        "--export",
        "salib",
        "--out",
        &arg(&ext),
        "-q",
    ]);
    assert_eq!(code(&o), Some(0), "{}", stderr(&o));
    let pp = ext.join("problem.json");
    let mut p: serde_json::Value = serde_json::from_slice(&fs::read(&pp).unwrap()).unwrap();
    p["bounds"][0] = serde_json::json!([1.0, -1.0]);
    fs::write(&pp, serde_json::to_vec(&p).unwrap()).unwrap();
    let o = forumsim(&["sensitivity", &arg(&ext), "--no-plots", "-q"]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("lo <= hi, got [1.0, -1.0]"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn issue15_1_a_sweep_folder_of_an_earlier_version_is_named_not_called_damaged() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    sweep_lhs_tiny(&out);
    // What an earlier forumsim wrote: every point, as cells and as --set strings.
    let state = fs::read_to_string(out.join("sweep.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&state).unwrap();
    v["points"] = serde_json::json!([["0.5", "0.5"]]);
    v["point_sets"] = serde_json::json!([["a=0.5", "b=0.5"]]);
    fs::write(
        out.join("sweep.json"),
        serde_json::to_string_pretty(&v).unwrap(),
    )
    .unwrap();
    let o = forumsim(&[
        "sweep",
        "tests/fixtures/experiments/lhs-tiny.toml",
        "--out",
        &arg(&out),
        "--resume",
        "-q",
    ]);
    assert_eq!(code(&o), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("written by an earlier forumsim"),
        "{}",
        stderr(&o)
    );
}
