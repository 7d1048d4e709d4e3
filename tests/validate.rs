//! `forumsim validate` as a user runs it, and `[[target]]` tables as a user writes
//! them: the table, the files, `--fail-above`, determinism across thread counts, and
//! bad targets (exit 2, with file and line).

use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::forumsim_in as forumsim;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validate")
}

fn fixture() -> PathBuf {
    fixture_dir().join("target.toml")
}

fn arg(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// A copy of the fixture folder, with `edit` applied to the scenario text and
/// `files` written over the fixture's files.
fn variant(edit: impl Fn(&str) -> String, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["states.csv", "votes.csv", "categories.csv"] {
        fs::copy(fixture_dir().join(f), dir.path().join(f)).unwrap();
    }
    let text = fs::read_to_string(fixture()).unwrap();
    fs::write(dir.path().join("target.toml"), edit(&text)).unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn validate_prints_the_table_and_writes_the_files() {
    let cwd = tempfile::tempdir().unwrap();
    let out = cwd.path().join("val");
    let o = forumsim(
        cwd.path(),
        ["validate", arg(&fixture()), "--runs", "12", "-o", arg(&out)],
    );
    assert_eq!(o.code, 0, "{}", o.show());
    for text in [
        "validate target: 12 runs, seed 3, 1 target",
        "target p1-vote: proposal p1 in assembly, round 1 (2011)",
        "tally    recorded",
        "90% interval",
        "committee",
        "in-sample oracle",
        "predictor  agreement  among voters  kappa",
        "confusion, model",
        "confusion, baseline",
    ] {
        assert!(o.stdout.contains(text), "missing {text:?}\n{}", o.show());
    }
    let header = |name: &str| {
        fs::read_to_string(out.join(name))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        header("validate.csv"),
        "target,measure,recorded,mean,sd,p05,p95,error,reference"
    );
    assert_eq!(
        header("validate_countries.csv"),
        "target,iso3,recorded,modal,share_yes,share_no,share_abstain,share_absent,baseline,model_correct,baseline_correct"
    );
    assert_eq!(
        header("validate_summary.csv"),
        "target,decided_share,adopted_share,agreement,kappa,baseline_agreement,baseline_kappa,max_abs_error,agreement_voting,baseline_agreement_voting,elsewhere,best_forecast"
    );
    assert_eq!(
        header("confusion.csv"),
        "target,predictor,recorded,predicted,count"
    );
    let rows = |name: &str| fs::read_to_string(out.join(name)).unwrap().lines().count() - 1;
    assert_eq!(rows("validate.csv"), 4);
    assert_eq!(rows("validate_countries.csv"), 5);
    assert_eq!(rows("validate_summary.csv"), 1);
    assert_eq!(rows("confusion.csv"), 32);
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["kind"], "validate");
    assert_eq!(manifest["runs"]["count"], 12);
    assert_eq!(manifest["files"].as_array().unwrap().len(), 4);
    // The per-country tallies agree with the totals: 5 states, shares sum to 1.
    let countries = fs::read_to_string(out.join("validate_countries.csv")).unwrap();
    for line in countries.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let total: f64 = f[4..8].iter().map(|x| x.parse::<f64>().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-9, "{line}");
    }
}

#[test]
fn validate_draws_the_tallies_and_plot_redraws_them_from_validate_csv() {
    let cwd = tempfile::tempdir().unwrap();
    let out = cwd.path().join("val");
    let o = forumsim(
        cwd.path(),
        ["validate", arg(&fixture()), "--runs", "12", "-o", arg(&out)],
    );
    assert_eq!(o.code, 0, "{}", o.show());
    assert!(
        o.stdout.contains("plots/tallies.png, plots/tallies.svg"),
        "{}",
        o.show()
    );
    let svg_path = out.join("plots/tallies.svg");
    let svg = fs::read_to_string(&svg_path).unwrap();
    for text in ["p1-vote", "made up for the tests", "committee", "states"] {
        assert!(svg.contains(text), "{text} missing from tallies.svg");
    }
    assert!(
        fs::read(out.join("plots/tallies.png"))
            .unwrap()
            .starts_with(b"\x89PNG")
    );
    // `forumsim plot` on the folder redraws the same chart from validate.csv.
    fs::remove_dir_all(out.join("plots")).unwrap();
    let o = forumsim(cwd.path(), ["plot", arg(&out), "--format", "svg"]);
    assert_eq!(o.code, 0, "{}", o.show());
    assert!(o.stdout.contains("tallies.svg"), "{}", o.show());
    assert_eq!(fs::read_to_string(&svg_path).unwrap(), svg);
    // A validate.csv that is not one is bad input (exit 2), naming the file.
    fs::write(out.join("validate.csv"), "target,measure\nx,yes\n").unwrap();
    let o = forumsim(cwd.path(), ["plot", arg(&out)]);
    assert_eq!(o.code, 2, "{}", o.show());
    assert!(o.stderr.contains("validate.csv"), "{}", o.show());
}

#[test]
fn fail_above_exits_1_only_when_an_error_exceeds_it() {
    let cwd = tempfile::tempdir().unwrap();
    let out = cwd.path().join("val");
    let scenario = fixture();
    let base = [
        "validate",
        arg(&scenario),
        "--runs",
        "12",
        "-q",
        "-o",
        arg(&out),
    ];
    let o = forumsim(cwd.path(), [&base[..], &["--fail-above", "0"]].concat());
    assert_eq!(o.code, 1, "{}", o.show());
    assert!(
        o.stderr
            .contains("target `p1-vote`: largest absolute tally error")
            && o.stderr.contains("exceeds --fail-above 0"),
        "{}",
        o.show()
    );
    let o = forumsim(cwd.path(), [&base[..], &["--fail-above", "1000"]].concat());
    assert_eq!(o.code, 0, "{}", o.show());
    assert!(o.stdout.is_empty(), "{}", o.show());
    let o = forumsim(cwd.path(), [&base[..], &["--fail-above", "-1"]].concat());
    assert_eq!(o.code, 2, "{}", o.show());
}

#[test]
fn validate_files_are_identical_on_one_and_three_threads() {
    let cwd = tempfile::tempdir().unwrap();
    let (a, b) = (cwd.path().join("a"), cwd.path().join("b"));
    for (dir, threads) in [(&a, "1"), (&b, "3")] {
        let o = forumsim(
            cwd.path(),
            [
                "validate",
                arg(&fixture()),
                "--runs",
                "16",
                "--seed",
                "11",
                "-j",
                threads,
                "-q",
                "-o",
                arg(dir),
            ],
        );
        assert_eq!(o.code, 0, "{}", o.show());
    }
    for name in [
        "validate.csv",
        "validate_countries.csv",
        "validate_summary.csv",
        "confusion.csv",
        "plots/tallies.svg",
        "plots/tallies.png",
    ] {
        assert_eq!(
            fs::read(a.join(name)).unwrap(),
            fs::read(b.join(name)).unwrap(),
            "{name} differs between 1 and 3 threads"
        );
    }
}

#[test]
fn the_library_entry_point_is_deterministic_across_thread_counts() {
    let sc = forumsim::scenario::load(&fixture()).unwrap();
    let one = forumsim::validate::evaluate(&sc, 10, 5, 1).unwrap();
    let three = forumsim::validate::evaluate(&sc, 10, 5, 3).unwrap();
    assert_eq!(one, three);
    let t = &one.targets[0];
    assert_eq!(t.runs, 10);
    assert!(t.decided > 0);
    assert_eq!(t.countries.as_ref().unwrap().rows.len(), 5);
}

#[test]
fn a_scenario_without_targets_is_a_usage_error() {
    let cwd = tempfile::tempdir().unwrap();
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good/csv.toml");
    let o = forumsim(cwd.path(), ["validate", arg(&good), "--runs", "2"]);
    assert_eq!(o.code, 2, "{}", o.show());
    assert!(
        o.stderr.contains("no [[target]] and no [[fact]]"),
        "{}",
        o.show()
    );
}

/// Runs `check` on a variant and returns its stderr, asserting exit 2.
fn bad(edit: impl Fn(&str) -> String, files: &[(&str, &str)]) -> String {
    let dir = variant(edit, files);
    let o = forumsim(dir.path(), ["validate", "target.toml", "--runs", "2"]);
    assert_eq!(o.code, 2, "{}", o.show());
    o.stderr
}

#[test]
fn bad_targets_exit_2_with_file_and_line() {
    let e = bad(
        |t| {
            t.replace(
                "venue = \"assembly\"\nproposal",
                "venue = \"asembly\"\nproposal",
            )
        },
        &[],
    );
    assert!(
        e.contains("target.toml:46:9: target \"p1-vote\": unknown venue `asembly`; did you mean `assembly`?"),
        "{e}"
    );
    let e = bad(
        |t| t.replace("proposal = \"p1\"\nyear", "proposal = \"p2\"\nyear"),
        &[],
    );
    assert!(
        e.contains("target.toml:47:") && e.contains("unknown proposal `p2`"),
        "{e}"
    );
    let e = bad(|t| t.replace("year = 2011", "year = 2019"), &[]);
    assert!(
        e.contains("target.toml:48:8: target \"p1-vote\": year 2019 is outside the scenario, which runs 2010 to 2012"),
        "{e}"
    );
    let e = bad(|t| t.replace("year = 2011", "year = 2011\nround = 1"), &[]);
    assert!(e.contains("give `year` or `round`, not both"), "{e}");
    let e = bad(|t| t.replace("yes = 2\n", "yes = 3\n"), &[]);
    assert!(
        e.contains("target.toml:53:9:")
            && e.contains("the tallies (yes 3, no 2, abstain 1, absent 0) do not add up to the vote file `votes.csv` (yes 2, no 2, abstain 1, absent 0)"),
        "{e}"
    );
    let e = bad(
        |t| t.replace("absent = 0\nvotes", "absent = 0\nvotse = 1\nvotes"),
        &[],
    );
    assert!(
        e.contains(
            "target.toml:53:1: target \"p1-vote\": unknown key `votse`; did you mean `votes`?"
        ),
        "{e}"
    );
    let e = bad(
        |t| t.to_string(),
        &[("votes.csv", "iso3,vote\nNOR,N\nSOU,Q\n")],
    );
    assert!(e.contains("votes.csv:3: vote `Q`: expected Y"), "{e}");
    let e = bad(
        |t| t.to_string(),
        &[("votes.csv", "iso3,vote\nNOR,N\nXYZ,Y\n")],
    );
    assert!(e.contains("votes.csv:3: unknown state `XYZ`"), "{e}");
    let e = bad(|t| t.replace("votes.csv", "missing.csv"), &[]);
    assert!(
        e.contains("target.toml:53:9:") && e.contains("votes: cannot read"),
        "{e}"
    );
    let e = bad(
        |t| t.to_string(),
        &[("categories.csv", "iso3,category\nNOR,3\nSOU,0\n")],
    );
    assert!(e.contains("has no category for `EAS`"), "{e}");
}

#[test]
fn targets_can_be_set_extended_and_diffed() {
    // --set addresses a target by id; the tally check then applies to the override.
    let cwd = tempfile::tempdir().unwrap();
    let o = forumsim(
        cwd.path(),
        ["check", arg(&fixture()), "--set", "target.p1-vote.yes=4"],
    );
    assert_eq!(o.code, 2, "{}", o.show());
    assert!(o.stderr.contains("do not add up"), "{}", o.show());

    // A child in another folder inherits the target; its files stay relative to the
    // parent, and a table with the same id is merged into the parent's.
    let dir = variant(|t| t.to_string(), &[]);
    fs::create_dir(dir.path().join("child")).unwrap();
    fs::write(
        dir.path().join("child/mine.toml"),
        "extends = \"../target.toml\"\nname = \"mine\"\n\n[[target]]\nid = \"p1-vote\"\nsource = \"changed\"\n",
    )
    .unwrap();
    let o = forumsim(dir.path(), ["check", "child/mine.toml"]);
    assert_eq!(o.code, 0, "{}", o.show());
    assert!(
        o.stdout.contains("p1-vote  assembly on p1  recorded 2-2-1"),
        "{}",
        o.show()
    );
    let o = forumsim(dir.path(), ["diff", "target.toml", "child/mine.toml"]);
    assert_eq!(o.code, 1, "{}", o.show());
    assert!(
        o.stdout
            .contains("target.p1-vote.source: made up for the tests -> changed"),
        "{}",
        o.show()
    );
}
