//! Every bad scenario in `tests/fixtures/bad/` must fail to load with one clear
//! error: the fragment its first line promises (`# expect: …`), at a line number.
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
