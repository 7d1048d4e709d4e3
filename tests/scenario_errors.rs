//! Every bad scenario in `tests/fixtures/bad/` must fail to load with one clear
//! error: the fragment its first line promises (`# expect: …`), at a line number.
//! Those in `tests/fixtures/several/` have several problems, all reported by one check.
//!
//! Adding a fixture is the way to pin a new error message: no code change needed.

use std::path::{Path, PathBuf};

use forumsim::scenario::{self, ScenarioError};

fn bad_fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .map(|e| e.expect("fixture entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn expectation(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("fixture text");
    let first = text.lines().next().unwrap_or_default();
    first
        .strip_prefix("# expect: ")
        .unwrap_or_else(|| {
            panic!(
                "{}: first line must be `# expect: <message fragment>`",
                path.display()
            )
        })
        .to_string()
}

#[test]
fn every_bad_fixture_fails_with_its_message_at_a_line() {
    let files = bad_fixtures();
    assert!(files.len() >= 40, "only {} bad fixtures found", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let expect = expectation(path);
        match scenario::load(path) {
            Ok(_) => failures.push(format!(
                "{}: loaded, expected error `{expect}`",
                path.display()
            )),
            Err(e) => {
                let shown = e.to_string();
                if !shown.contains(&expect) {
                    failures.push(format!(
                        "{}: expected `{expect}`, got `{shown}`",
                        path.display()
                    ));
                }
                match &e {
                    ScenarioError::At { line, .. } if *line >= 1 => {}
                    _ => failures.push(format!("{}: error has no line: `{shown}`", path.display())),
                }
                if shown.contains('\n') {
                    failures.push(format!(
                        "{}: error is more than one line: `{shown}`",
                        path.display()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn errors_point_at_the_offending_line_and_column() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad/transparency_range.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("transparency = 1.5"))
        .unwrap()
        + 1;
    match scenario::load(&path).unwrap_err() {
        ScenarioError::At { line: l, col, .. } => {
            assert_eq!(l, line);
            assert_eq!(col, Some(16), "the column of the value 1.5");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn csv_errors_name_the_csv_file_and_row() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad/csv_bad_number.toml");
    let e = scenario::load(&path).unwrap_err().to_string();
    assert!(
        e.contains("csv_bad_number.csv:3: column 4 (`power`)"),
        "{e}"
    );
}

#[test]
fn a_missing_scenario_file_is_a_read_error() {
    let e = scenario::load(Path::new("no/such/scenario.toml")).unwrap_err();
    assert!(matches!(e, ScenarioError::Read { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("no/such/scenario.toml: cannot read the scenario file")
    );
}

#[test]
fn override_errors_name_the_override() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/stylized.toml");
    let cases = [
        (
            "venue.oewg.transparency=1.5",
            "--set venue.oewg.transparency=1.5: venue \"oewg\": transparency must be in [0, 1], got 1.5",
        ),
        (
            "venue.oewg.transparancy=0.5",
            "unknown key `transparancy`; did you mean `transparency`?",
        ),
        (
            "venue.ungaa.transparency=0.5",
            "no venue with id `ungaa`; did you mean `unga`?",
        ),
        (
            "venues.unga.transparency=0.5",
            "unknown key `venues`; did you mean `venue`?",
        ),
        (
            "parameters.legit_cst=0.5",
            "unknown parameter `legit_cst`; did you mean `legit_cost`?",
        ),
        (
            "rounds=0",
            "--set rounds=0: rounds must be at least 1, got 0",
        ),
        ("proposal.nope.max_moves=5", "no proposal with id `nope`"),
        (
            "bloc.sco.cohesion=2",
            "bloc \"sco\": cohesion must be in [0, 1], got 2",
        ),
        ("seed", "expected `path=value`"),
    ];
    for (set, fragment) in cases {
        let e = scenario::load_with(&path, &[set.to_string()]).unwrap_err();
        assert!(matches!(e, ScenarioError::Override { .. }), "{set}: {e}");
        assert!(e.to_string().contains(fragment), "{set}: {e}");
    }
}

// ---- several problems in one check (issue #14 item 15) --------------------------------

fn several(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/several")
        .join(name)
}

/// The line of each problem `e` reports.
fn lines(e: &ScenarioError) -> Vec<usize> {
    e.problems()
        .iter()
        .filter_map(ScenarioError::line)
        .collect()
}

#[test]
fn issue14_15_every_bad_venue_is_reported_in_one_check() {
    let e = scenario::load(&several("three_bad_venues.toml")).unwrap_err();
    assert!(matches!(e, ScenarioError::Several { more: 0, .. }), "{e}");
    assert_eq!(lines(&e), [24, 30, 39], "{e}");
    let shown = e.to_string();
    assert!(
        shown.starts_with("3 problems in the scenario:\n"),
        "{shown}"
    );
    for fragment in [
        "venue \"unga\": transparency must be in [0, 1], got 1.5",
        "venue \"gge\": decision: unknown type `majorty`; did you mean `majority`?",
        "venue \"itu\": hosts: unknown kind `norm`; did you mean `norms`?",
    ] {
        assert!(shown.contains(fragment), "{shown}");
    }

    // As a user runs it: exit 2, every problem on its own line with its file:line:col.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_forumsim"))
        .args(["check", "tests/fixtures/several/three_bad_venues.toml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for line in [24, 30, 39] {
        assert!(
            err.contains(&format!(
                "  tests/fixtures/several/three_bad_venues.toml:{line}:"
            )),
            "{err}"
        );
    }
}

#[test]
fn issue14_15_proposals_and_events_are_reported_together() {
    let e = scenario::load(&several("proposals_and_events.toml")).unwrap_err();
    assert_eq!(lines(&e), [44, 49, 58], "{e}");
    let shown = e.to_string();
    assert!(
        shown.contains("proposal \"p\": unknown state `Z`"),
        "{shown}"
    );
    assert!(shown.contains("event #1: a `legitimacy_shock` event takes no `tag`"));
}

#[test]
fn issue14_15_at_most_twenty_problems_are_listed_then_counted() {
    let mut text = String::from("name = \"many\"\nrounds = 3\nseed = 1\n");
    for i in 0..25 {
        text.push_str(&format!(
            "\n[[state]]\nid = \"S{i}\"\nregime = 2.0\npower = 1.0\ncompetence = 0.5\nict = 0.5\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.toml");
    std::fs::write(&path, text).unwrap();
    let e = scenario::load(&path).unwrap_err();
    assert!(matches!(e, ScenarioError::Several { more: 5, .. }), "{e}");
    assert_eq!(e.problems().len(), 20);
    let shown = e.to_string();
    assert!(
        shown.starts_with("25 problems in the scenario:\n"),
        "{shown}"
    );
    assert!(
        shown.ends_with("\n  and 5 more (fix these and check again)"),
        "{shown}"
    );
    assert!(
        shown.contains("state \"S19\": regime must be in [0, 1], got 2"),
        "{shown}"
    );
    assert!(!shown.contains("\"S20\""), "{shown}");
}

#[test]
fn issue14_15_a_toml_syntax_error_is_still_reported_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, "name = \"x\"\nrounds = \n[[venue]\n").unwrap();
    let e = scenario::load(&path).unwrap_err();
    assert!(matches!(e, ScenarioError::At { .. }), "{e}");
}
