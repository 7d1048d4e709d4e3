//! `forumsim calibrate` as a user runs it: a small search on the validate fixture, its
//! files, its determinism, and the errors of a bad calibration file (exit 2, located).

use std::fs;
use std::path::Path;
use std::process::Command;

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
    for f in ["target.toml", "states.csv", "votes.csv", "categories.csv"] {
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
        "index,stage,bloc_cohesion,yes_bias,decided,yes,no,abstain,absent,max_error,agreement,objective"
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
