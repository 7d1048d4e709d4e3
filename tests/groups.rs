//! `forumsim plot DIR --groups` as a user runs it (issue #5): the chart and CSV it
//! writes for a run made with `--states --votes`, and exit 2 with a clear message
//! when the folder lacks a table or a group matches no state.

use std::fs;
use std::path::Path;

mod common;
use common::{arg, forumsim, stderr};

/// A short run of the competence demo (3 runs, 8 rounds) into `dir`.
fn short_run(dir: &Path, extra: &[&str]) {
    let out = arg(dir);
    let mut args = vec![
        "run",
        "scenarios/teaching/small-state-competence.toml",
        "--runs",
        "3",
        "--set",
        "rounds=8",
        "--out",
        &out,
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = forumsim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn groups_writes_the_chart_and_its_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    short_run(tmp.path(), &["--states", "--votes"]);
    let o = forumsim(&["plot", &arg(tmp.path()), "--groups", "SK,SU"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("groups.png") && said.contains("groups.csv"),
        "{said}"
    );
    let plots = tmp.path().join("plots");
    let png = fs::read(plots.join("groups.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let svg = fs::read_to_string(plots.join("groups.svg")).unwrap();
    assert!(svg.contains("Groups of states compared") && svg.contains("SK* (6 states)"));
    let csv = fs::read_to_string(plots.join("groups.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 1 + 6 * 2, "{csv}");
    assert!(rows[1].starts_with("seat_years,SK,6,3,"), "{csv}");
    assert!(rows[2].starts_with("seat_years,SU,6,3,"), "{csv}");
    // Only the groups chart: the four run charts are not drawn.
    let mut names: Vec<String> = fs::read_dir(&plots)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["groups.csv", "groups.png", "groups.svg"]);
}

#[test]
fn groups_without_per_state_tables_says_which_flags_to_run_with() {
    let tmp = tempfile::tempdir().unwrap();
    short_run(tmp.path(), &["--states"]);
    let o = forumsim(&["plot", &arg(tmp.path()), "--groups", "SK,SU"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("votes.csv") && err.contains("--states --votes"),
        "{err}"
    );
    assert!(!tmp.path().join("plots").join("groups.png").exists());
}

#[test]
fn a_group_matching_no_state_or_a_bad_list_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    short_run(tmp.path(), &["--states", "--votes"]);
    let o = forumsim(&["plot", &arg(tmp.path()), "--groups", "SK,ZZ"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("`ZZ`") && err.contains("SK"), "{err}");
    let o = forumsim(&["plot", &arg(tmp.path()), "--groups", "SK,,SU"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("prefixes"), "{}", stderr(&o));
}
