//! `forumsim calibrate` as a user runs it: a small search on the validate fixture, its
//! files, its determinism, and the errors of a bad calibration file (exit 2, located).

use std::fs;
use std::path::Path;
use std::process::Command;

mod common;
use common::names;

const BIN: &str = env!("CARGO_BIN_EXE_forumsim");

const CALIBRATION: &str = r#"
scenario = "target.toml"
target = "p1-vote"
runs = 6
search_seed = 7
samples = 6
refine = 1

[[parameter]]
name = "bloc_cohesion"
set = ["bloc.north.cohesion", "bloc.south.cohesion"]
range = [0.0, 1.0]

[[parameter]]
name = "yes_bias"
set = ["parameters.yes_bias"]
range = [-0.1, 0.2]
"#;

/// The validate fixture and a calibration file beside it, in a temp folder.
fn setup(calibration: &str) -> tempfile::TempDir {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate");
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "target.toml",
        "facts.toml",
        "states.csv",
        "votes.csv",
        "categories.csv",
    ] {
        fs::copy(fixtures.join(f), dir.path().join(f)).unwrap();
    }
    fs::write(dir.path().join("cal.toml"), calibration).unwrap();
    dir
}

fn calibrate(dir: &Path, out: &str) -> (i32, String, String) {
    let o = Command::new(BIN)
        .args(["calibrate", "cal.toml", "-q", "-j", "2", "--out", out])
        .current_dir(dir)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_search_writes_its_points_the_best_values_and_the_sensitivity() {
    let dir = setup(CALIBRATION);
    let (code, stdout, stderr) = calibrate(dir.path(), "a");
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("points evaluated (6 runs each)"),
        "{stdout}"
    );
    let points = fs::read_to_string(dir.path().join("a/points.csv")).unwrap();
    let mut lines = points.lines();
    assert_eq!(
        lines.next().unwrap(),
        "index,stage,bloc_cohesion,yes_bias,p1-vote.decided,p1-vote.yes,p1-vote.no,p1-vote.abstain,\
         p1-vote.absent,p1-vote.max_error,p1-vote.agreement,p1-vote.objective,facts_share,objective"
    );
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() >= 6, "the 6 hypercube points at least");
    assert_eq!(rows.iter().filter(|r| r.contains(",lhs,")).count(), 6);
    let best = fs::read_to_string(dir.path().join("a/best.toml")).unwrap();
    let values: toml::Table = toml::from_str(&best).unwrap();
    let v = values["values"].as_table().unwrap();
    let bias = v["yes_bias"].as_float().unwrap();
    assert!((-0.1..=0.2).contains(&bias), "{bias}");
    assert!(best.contains("--set bloc.north.cohesion="), "{best}");
    let sens = fs::read_to_string(dir.path().join("a/sensitivity.csv")).unwrap();
    assert_eq!(sens.lines().count(), 1 + 2 * 2, "{sens}");

    // The same file gives the same search, byte for byte.
    let (code, _, _) = calibrate(dir.path(), "b");
    assert_eq!(code, 0);
    for f in ["points.csv", "best.toml", "sensitivity.csv"] {
        assert_eq!(
            fs::read(dir.path().join("a").join(f)).unwrap(),
            fs::read(dir.path().join("b").join(f)).unwrap(),
            "{f} differs between two identical searches"
        );
    }
}

#[test]
fn bad_calibration_files_exit_2_with_a_location() {
    let typo = CALIBRATION.replace("samples = 6", "sample = 6");
    let dir = setup(&typo);
    let (code, _, stderr) = calibrate(dir.path(), "x");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cal.toml:6:1") && stderr.contains("unknown key"),
        "{stderr}"
    );

    let wrong_target = CALIBRATION.replace("\"p1-vote\"", "\"p2-vote\"");
    let dir = setup(&wrong_target);
    let (code, _, stderr) = calibrate(dir.path(), "x");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("no [[target]] `p2-vote`") && stderr.contains("p1-vote"),
        "{stderr}"
    );

    let bad_path = CALIBRATION.replace("parameters.yes_bias", "parameters.yes_bais");
    let dir = setup(&bad_path);
    let (code, _, stderr) = calibrate(dir.path(), "x");
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("yes_bias"),
        "a did-you-mean for the typo: {stderr}"
    );
}

/// Several targets (a vote and an election) and the facts, on the facts fixture.
const SEVERAL: &str = r#"
scenario = "facts.toml"
targets = ["p1-vote", "assembly-election"]
facts_weight = 0.5
runs = 6
search_seed = 7
samples = 5
refine = 1

[[parameter]]
name = "yes_bias"
set = ["parameters.yes_bias"]
range = [-0.1, 0.2]
"#;

fn cells(line: &str) -> Vec<String> {
    line.split(',').map(str::to_string).collect()
}

fn column(points: &str, name: &str) -> Vec<f64> {
    let mut lines = points.lines();
    let head = cells(lines.next().unwrap());
    let k = head
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {head:?}"));
    lines
        .map(|l| cells(l)[k].parse::<f64>().unwrap_or(f64::NAN))
        .collect()
}

#[test]
fn several_targets_and_facts_make_one_objective() {
    let dir = setup(SEVERAL);
    let (code, stdout, stderr) = calibrate(dir.path(), "m");
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let points = fs::read_to_string(dir.path().join("m/points.csv")).unwrap();
    let head = points.lines().next().unwrap();
    for col in [
        "p1-vote.decided",
        "p1-vote.abstain",
        "p1-vote.objective",
        "assembly-election.NOR",
        "assembly-election.SOU",
        "assembly-election.absent",
        "assembly-election.objective",
        "facts_share",
        "objective",
    ] {
        assert!(head.split(',').any(|h| h == col), "{col} missing: {head}");
    }
    // The objective is the mean of the targets' objectives plus 0.5 x the facts share.
    let (a, b) = (
        column(&points, "p1-vote.objective"),
        column(&points, "assembly-election.objective"),
    );
    let (facts, objective) = (column(&points, "facts_share"), column(&points, "objective"));
    assert!(facts.iter().all(|f| (0.0..=1.0).contains(f)), "{facts:?}");
    for i in 0..objective.len() {
        let expected = (a[i] + b[i]) / 2.0 + 0.5 * facts[i];
        assert!(
            (objective[i] - expected).abs() < 1e-9,
            "row {i}: {} vs {expected}",
            objective[i]
        );
    }
    let best: toml::Table =
        toml::from_str(&fs::read_to_string(dir.path().join("m/best.toml")).unwrap()).unwrap();
    let fit = best["fit"].as_table().unwrap();
    assert!(fit.contains_key("p1-vote") && fit.contains_key("assembly-election"));
    assert!(
        fit["assembly-election"]["means"]["NOR"]
            .as_float()
            .is_some()
    );
    assert_eq!(best["facts"]["facts"].as_integer(), Some(5));
    assert_eq!(best["facts"]["weight"].as_float(), Some(0.5));
    assert!(best["modal_votes"]["p1-vote"]["NOR"].as_str().is_some());
    let max = objective.iter().copied().fold(f64::MIN, f64::max);
    assert_eq!(best["objective"].as_float(), Some(max));
    assert!(
        stdout.contains("facts: ") && stdout.contains("target `assembly-election`"),
        "{stdout}"
    );
}

#[test]
fn leave_out_fits_the_others_and_reports_the_one_left_out() {
    let dir = setup(SEVERAL);
    let o = Command::new(BIN)
        .args([
            "calibrate",
            "cal.toml",
            "-q",
            "-j",
            "2",
            "--out",
            "loo",
            "--leave-out",
            "p1-vote",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    // The search saw only the election (and the facts).
    let points = fs::read_to_string(dir.path().join("loo/points.csv")).unwrap();
    let head = points.lines().next().unwrap();
    assert!(!head.contains("p1-vote"), "{head}");
    assert!(head.contains("assembly-election.objective"), "{head}");
    let (a, facts, objective) = (
        column(&points, "assembly-election.objective"),
        column(&points, "facts_share"),
        column(&points, "objective"),
    );
    for i in 0..objective.len() {
        assert!((objective[i] - (a[i] + 0.5 * facts[i])).abs() < 1e-9);
    }
    // The left-out target's fit at the best point, in validate's layouts.
    let loo = fs::read_to_string(dir.path().join("loo/loo.csv")).unwrap();
    let mut lines = loo.lines();
    assert_eq!(
        lines.next().unwrap(),
        "target,measure,recorded,mean,sd,p05,p95,error,reference"
    );
    let rows: Vec<Vec<String>> = lines.map(cells).collect();
    let measures: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(measures, ["yes", "no", "abstain", "absent"]);
    assert!(rows.iter().all(|r| r[0] == "p1-vote"));
    assert_eq!(rows[0][2], "2", "the recorded yes");
    let summary = fs::read_to_string(dir.path().join("loo/loo_summary.csv")).unwrap();
    let s = cells(summary.lines().nth(1).unwrap());
    assert_eq!(s[0], "p1-vote");
    let agreement: f64 = s[3].parse().unwrap();
    assert!((0.0..=1.0).contains(&agreement), "{summary}");
    assert!(!s[5].is_empty(), "baseline agreement: {summary}");
    assert!(
        stdout.contains("left out: target `p1-vote` at the best point")
            && stdout.contains("among voters"),
        "{stdout}"
    );

    // The same target evaluated with the same seeds at the same values gives the same
    // numbers through `validate`: the left-out fit is the validate fit there.
    let best: toml::Table =
        toml::from_str(&fs::read_to_string(dir.path().join("loo/best.toml")).unwrap()).unwrap();
    let bias = best["values"]["yes_bias"].as_float().unwrap();
    let v = Command::new(BIN)
        .args([
            "validate",
            "facts.toml",
            "--runs",
            "6",
            "-q",
            "-o",
            "val",
            "--set",
            &format!("parameters.yes_bias={bias}"),
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(v.status.code(), Some(0));
    let validate = fs::read_to_string(dir.path().join("val/validate.csv")).unwrap();
    let p1: Vec<&str> = validate
        .lines()
        .filter(|l| l.starts_with("p1-vote,"))
        .collect();
    assert_eq!(p1, loo.lines().skip(1).collect::<Vec<_>>());
}

#[test]
fn leave_out_and_facts_weight_errors_exit_2() {
    let dir = setup(SEVERAL);
    let o = Command::new(BIN)
        .args([
            "calibrate",
            "cal.toml",
            "-q",
            "--out",
            "x",
            "--leave-out",
            "p2-vote",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("its targets: p1-vote, assembly-election"),
        "{stderr}"
    );

    // Facts weighed in a scenario without facts.
    let dir = setup(&CALIBRATION.replace("runs = 6", "runs = 6\nfacts_weight = 1"));
    let (code, _, stderr) = calibrate(dir.path(), "x");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("has no [[fact]]"), "{stderr}");
}

/// `from_scenario = true`: the search's first point is the scenario's own values
/// (stage `scenario`); a knob the scenario does not set, or sets outside its range, is
/// a located usage error (exit 2).
#[test]
fn from_scenario_starts_the_search_at_the_scenarios_values() {
    let cal = r#"
scenario = "start.toml"
target = "p1-vote"
runs = 4
search_seed = 7
samples = 3
refine = 1
from_scenario = true

[[parameter]]
name = "yes_bias"
set = ["parameters.yes_bias"]
range = [-0.1, 0.2]
"#;
    let dir = setup(cal);
    let target = fs::read_to_string(dir.path().join("target.toml")).unwrap();
    let start = format!("{target}\n[parameters]\nyes_bias = 0.05\n");
    fs::write(dir.path().join("start.toml"), &start).unwrap();
    let (code, _, err) = calibrate(dir.path(), "out");
    assert_eq!(code, 0, "{err}");
    let points = fs::read_to_string(dir.path().join("out/points.csv")).unwrap();
    let first = cells(points.lines().nth(1).unwrap());
    assert_eq!(first[1], "scenario", "{points}");
    assert_eq!(column(&points, "yes_bias")[0], 0.05);
    assert!(points.lines().skip(2).all(|l| cells(l)[1] != "scenario"));

    // A knob the scenario leaves at its default.
    let unset = cal
        .replace("name = \"yes_bias\"", "name = \"cohesion\"")
        .replace(
            "set = [\"parameters.yes_bias\"]",
            "set = [\"bloc.north.cohesion\"]",
        );
    fs::write(dir.path().join("cal.toml"), unset).unwrap();
    let (code, _, err) = calibrate(dir.path(), "out2");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cal.toml") && err.contains("does not set `bloc.north.cohesion`"),
        "{err}"
    );
    // A value outside the knob's range.
    let narrow = cal.replace("range = [-0.1, 0.2]", "range = [0.1, 0.2]");
    fs::write(dir.path().join("cal.toml"), narrow).unwrap();
    let (code, _, err) = calibrate(dir.path(), "out3");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("outside its range [0.1, 0.2]"), "{err}");
}

#[test]
fn issue15_a_calibration_folder_is_the_old_one_or_the_new_one_whole() {
    let dir = setup(SEVERAL);
    let files = ["points.csv", "best.toml", "sensitivity.csv"];
    let read = |out: &str| -> Vec<Vec<u8>> {
        files
            .iter()
            .map(|f| fs::read(dir.path().join(out).join(f)).unwrap_or_default())
            .collect()
    };
    // A first calibration leaving one target out, and the user's notes beside it.
    let o = Command::new(BIN)
        .args(["calibrate", "cal.toml", "-q", "-j", "2", "--out", "out"])
        .args(["--leave-out", "p1-vote"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let old = read("out");
    fs::write(dir.path().join("out/notes.txt"), "mine").unwrap();
    // The new calibration (all targets), complete, for comparison.
    assert_eq!(calibrate(dir.path(), "new").0, 0);
    let new = read("new");
    assert_ne!(old, new);

    // Killed at any moment, `out` is the old calibration or the new one, never a mix.
    for (trial, ms) in [100u64, 300, 600, 1000, 1600, 2500].into_iter().enumerate() {
        let mut child = Command::new(BIN)
            .args(["calibrate", "cal.toml", "-q", "-j", "2", "--out", "out"])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = read("out");
        assert!(now == old || now == new, "trial {trial}: a mixed folder");
    }
    // Finished: the new calibration, whole; the left-out target's files of the old
    // one are gone (they would pass for this one's), the user's notes stay, and the
    // staging folders of the killed writers are cleaned.
    assert_eq!(calibrate(dir.path(), "out").0, 0);
    assert_eq!(read("out"), new);
    assert_eq!(
        names(&dir.path().join("out")),
        ["best.toml", "notes.txt", "points.csv", "sensitivity.csv"]
    );
    assert!(
        !names(dir.path()).iter().any(|n| n.starts_with(".out.")),
        "{:?}",
        names(dir.path())
    );
}
