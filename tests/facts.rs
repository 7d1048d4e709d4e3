//! `[[fact]]` tables and election targets as a user writes them and `forumsim
//! validate` reports them: bad facts exit 2 at their file:line:col; facts.csv,
//! facts_summary.csv and the facts chart of a fixture with every kind of fact;
//! `plot` and `report` on the folder; inheritance, `--set` and `check --resolved`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{arg, forumsim, stderr};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `tests/fixtures/validate/facts.toml`: a vote target, an election target and five
/// facts (a rejected proposal, a not-adopted range, a proposal never decided, a
/// member count and an election).
fn facts_fixture() -> PathBuf {
    fixtures().join("validate/facts.toml")
}

/// The bad fixtures about facts and targets, each with its promised message
/// (`# expect: …`) and location (`# at: LINE:COL`).
fn bad_facts() -> Vec<(PathBuf, String, String)> {
    let dir = fixtures().join("bad");
    let mut out: Vec<(PathBuf, String, String)> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            (name.starts_with("fact_") || name.starts_with("target_")) && name.ends_with(".toml")
        })
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            let mut lines = text.lines();
            let expect = lines.next().unwrap().strip_prefix("# expect: ").unwrap();
            let at = lines.next().unwrap().strip_prefix("# at: ").unwrap();
            (p.clone(), expect.to_string(), at.to_string())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn bad_facts_exit_2_at_their_file_line_and_column() {
    let bad = bad_facts();
    assert!(bad.len() >= 20, "only {} fixtures", bad.len());
    for (path, expect, at) in &bad {
        for cmd in ["check", "validate"] {
            let o =
                forumsim(&[cmd, &arg(path), "--runs", "1"][..if cmd == "check" { 2 } else { 4 }]);
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{cmd} {}: {e}", path.display());
            let located = format!("{}:{at}: ", arg(path));
            assert!(e.contains(&located), "{cmd}: expected `{located}` in `{e}`");
            assert!(
                e.contains(expect.as_str()),
                "{cmd}: expected `{expect}` in `{e}`"
            );
            assert!(!e.contains("panicked"), "{e}");
        }
    }
}

fn read(dir: &Path, name: &str) -> String {
    fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The rows of a CSV file as maps from column name to cell (no quoted commas in
/// the columns the tests read).
fn rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            head.iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn validate_reports_each_fact_and_draws_the_facts_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("val");
    let o = forumsim(&[
        "validate",
        &arg(&facts_fixture()),
        "--runs",
        "12",
        "-j",
        "2",
        "-o",
        &arg(&out),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    for s in [
        "validate facts: 12 runs, seed 3, 2 targets, 5 facts",
        "target assembly-election: election assembly-election-2012 in assembly, round 2 (2012)",
        "votes   recorded",
        "facts: ",
        "years      fact",
        "2011-2014  p1-never-adopted",
        "p2-club, in the 12 runs that did not reproduce it:",
        "best forecast of passing in club",
        "facts.csv, facts_summary.csv",
        "plots/facts.png",
    ] {
        assert!(text.contains(s), "missing {s:?} in\n{text}");
    }

    let facts = read(&out, "facts.csv");
    assert_eq!(
        facts.lines().next().unwrap(),
        "id,venue,what,subject,outcome,first_year,last_year,runs,reproduced,share,\
         alternative,alternative_share,best_forecast,elsewhere,source"
    );
    let facts = rows(&facts);
    let ids: Vec<&str> = facts.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "p1-2011",
            "p1-never-adopted",
            "p2-club",
            "club-members",
            "nor-elected"
        ]
    );
    let by = |id: &str| facts.iter().find(|r| r["id"] == id).unwrap();
    let what = |id: &str| {
        let r = by(id);
        (
            r["what"].as_str(),
            r["subject"].as_str(),
            r["outcome"].as_str(),
            r["first_year"].as_str(),
            r["last_year"].as_str(),
        )
    };
    assert_eq!(
        what("p1-2011"),
        ("proposal", "p1", "rejected", "2011", "2011")
    );
    assert_eq!(
        what("p1-never-adopted"),
        ("proposal", "p1", "not_adopted", "2011", "2014")
    );
    assert_eq!(
        what("club-members"),
        ("members", "3", "members=3", "2011", "2011")
    );
    assert_eq!(
        what("nor-elected"),
        (
            "election",
            "assembly-election-2012",
            "elected:NOR",
            "2012",
            "2012"
        )
    );
    for r in &facts {
        let (runs, k): (f64, f64) = (r["runs"].parse().unwrap(), r["reproduced"].parse().unwrap());
        assert_eq!(runs, 12.0);
        let share: f64 = r["share"].parse().unwrap();
        assert!((share - k / runs).abs() < 1e-12, "{r:?}");
        // The alternative is another outcome, of the runs that did not reproduce it.
        if k < runs {
            assert_ne!(r["alternative"], r["outcome"], "{r:?}");
            let alt: f64 = r["alternative_share"].parse().unwrap();
            assert!(alt > 0.0 && alt <= 1.0 - share + 1e-12, "{r:?}");
        } else {
            assert!(r["alternative"].is_empty(), "{r:?}");
        }
    }
    // p2 is never decided in the club: never reproduced, and the report says so
    // with the sponsor's forecast there instead of only "0 runs".
    let p2 = by("p2-club");
    assert_eq!(p2["reproduced"], "0");
    assert_eq!(p2["alternative"], "not_put_to_vote");
    assert_eq!(p2["alternative_share"], "1");
    let forecast: f64 = p2["best_forecast"]
        .parse()
        .expect("a forecast for the club");
    assert!((0.0..=1.0).contains(&forecast));
    // The election's alternative is the other candidate or not held.
    let e = by("nor-elected");
    assert!(
        e["alternative"].is_empty()
            || ["elected:SOU", "not_held"].contains(&e["alternative"].as_str()),
        "{e:?}"
    );

    let summary = rows(&read(&out, "facts_summary.csv"));
    assert_eq!(summary.len(), 1);
    let s = &summary[0];
    assert_eq!((s["facts"].as_str(), s["runs"].as_str()), ("5", "12"));
    let shares: Vec<f64> = facts.iter().map(|r| r["share"].parse().unwrap()).collect();
    let two_thirds = shares.iter().filter(|&&x| x >= 2.0 / 3.0 - 1e-12).count();
    let half = shares.iter().filter(|&&x| x >= 0.5).count();
    assert_eq!(s["reproduced_two_thirds"], two_thirds.to_string());
    assert_eq!(s["reproduced_half"], half.to_string());
    let mean: f64 = s["mean_share"].parse().unwrap();
    assert!((mean - shares.iter().sum::<f64>() / 5.0).abs() < 1e-12);

    // The election target: one measure per candidate and absent.
    let measures: Vec<String> = rows(&read(&out, "validate.csv"))
        .into_iter()
        .filter(|r| r["target"] == "assembly-election")
        .map(|r| r["measure"].clone())
        .collect();
    assert_eq!(measures, ["NOR", "SOU", "absent"]);

    // The chart: one label per fact, ordered by year; `plot` redraws it from facts.csv.
    let svg_path = out.join("plots/facts.svg");
    let svg = fs::read_to_string(&svg_path).unwrap();
    for label in [
        "2011  p1-2011 — rejected",
        "2011–2014  p1-never-adopted — not adopted",
        "2012  p2-club — adopted without a vote",
        "2011  club-members — 3 members",
        "2012  nor-elected — NOR elected",
    ] {
        assert!(svg.contains(label), "{label} missing from facts.svg");
    }
    assert!(
        fs::read(out.join("plots/facts.png"))
            .unwrap()
            .starts_with(b"\x89PNG")
    );
    fs::remove_dir_all(out.join("plots")).unwrap();
    let o = forumsim(&["plot", &arg(&out), "--format", "svg"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("tallies.svg, facts.svg"),
        "{}",
        stdout(&o)
    );
    assert_eq!(fs::read_to_string(&svg_path).unwrap(), svg);

    // The report holds both charts and the facts table.
    let o = forumsim(&["report", &arg(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("(2 charts)"), "{}", stdout(&o));
    let html = read(&out, "report.html");
    for s in [
        "<figure id=\"tallies\">",
        "<figure id=\"facts\">",
        "Facts: recorded outcomes",
        "Targets: recorded decisions",
        "p1-never-adopted",
        "adopted without a vote",
    ] {
        assert!(html.contains(s), "{s} missing from report.html");
    }
}

#[test]
fn facts_files_are_identical_on_one_and_three_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for (dir, threads) in [(&a, "1"), (&b, "3")] {
        let o = forumsim(&[
            "validate",
            &arg(&facts_fixture()),
            "--runs",
            "9",
            "-j",
            threads,
            "-q",
            "-o",
            &arg(dir),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    for name in [
        "facts.csv",
        "facts_summary.csv",
        "plots/facts.svg",
        "plots/facts.png",
    ] {
        assert_eq!(
            fs::read(a.join(name)).unwrap(),
            fs::read(b.join(name)).unwrap(),
            "{name} differs between 1 and 3 threads"
        );
    }
}

/// The fixture folder copied into a temp folder, with `files` written into it.
fn copy_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "target.toml",
        "facts.toml",
        "states.csv",
        "votes.csv",
        "categories.csv",
    ] {
        fs::copy(fixtures().join("validate").join(f), dir.path().join(f)).unwrap();
    }
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn in_dir(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(common::BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn facts_are_inherited_removed_set_and_resolved() {
    let child = r#"extends = "facts.toml"
name = "child"
remove = { fact = ["p2-club"], target = ["assembly-election"] }

[[fact]]
id = "club-members"
members = 2

[[fact]]
id = "p1-2012"
proposal = "p1"
venue = "assembly"
year = 2012
outcome = "not_put_to_vote"
"#;
    let dir = copy_with(&[("child.toml", child)]);
    let o = in_dir(dir.path(), &["check", "child.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("facts (5)"), "{text}");
    assert!(text.contains("club: 2 members"), "{text}");
    assert!(
        text.contains("p1-2012  p1 in assembly: not_put_to_vote"),
        "{text}"
    );
    assert!(
        !text.contains("p2-club") && !text.contains("assembly-election "),
        "{text}"
    );
    assert!(text.contains("targets (1)"), "{text}");

    // --set addresses a fact by id, and is checked like the file.
    let o = in_dir(
        dir.path(),
        &[
            "check",
            "child.toml",
            "--set",
            "fact.p1-2012.outcome=adopted_by_consensus",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown outcome `adopted_by_consensus`"),
        "{}",
        stderr(&o)
    );

    // A typo in a fact id in a child is not taken for a new fact.
    let typo = "extends = \"facts.toml\"\n[[fact]]\nid = \"club-member\"\nyear = 2012\n";
    let dir2 = copy_with(&[("typo.toml", typo)]);
    let o = in_dir(dir2.path(), &["check", "typo.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `club-members`?"),
        "{}",
        stderr(&o)
    );

    // The resolved scenario round-trips: saved beside it, it loads to the same facts
    // and targets.
    let o = in_dir(dir.path(), &["check", "--resolved", "child.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    fs::write(dir.path().join("resolved.toml"), stdout(&o)).unwrap();
    let a = forumsim::scenario::load(&dir.path().join("child.toml")).unwrap();
    let b = forumsim::scenario::load(&dir.path().join("resolved.toml")).unwrap();
    assert_eq!(a.facts, b.facts);
    assert_eq!(a.targets, b.targets);
    assert_eq!(a.election_targets, b.election_targets);
    let full = forumsim::scenario::load(&facts_fixture()).unwrap();
    let o = in_dir(dir.path(), &["check", "--resolved", "facts.toml"]);
    fs::write(dir.path().join("resolved-full.toml"), stdout(&o)).unwrap();
    let c = forumsim::scenario::load(&dir.path().join("resolved-full.toml")).unwrap();
    assert_eq!(full.facts, c.facts);
    assert_eq!(full.election_targets, c.election_targets);

    // `diff` names the changed fact.
    let o = in_dir(dir.path(), &["diff", "facts.toml", "child.toml"]);
    assert!(
        stdout(&o).contains("fact.club-members.members: 3 -> 2"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_scenario_with_facts_only_validates_and_plots() {
    let only = r#"extends = "target.toml"
name = "only-facts"
remove = { target = ["p1-vote"] }

[[fact]]
id = "p1"
proposal = "p1"
venue = "assembly"
year = 2011
outcome = "adopted"
"#;
    let dir = copy_with(&[("only.toml", only)]);
    let o = in_dir(
        dir.path(),
        &["validate", "only.toml", "--runs", "4", "-o", "v"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = dir.path().join("v");
    assert!(v.join("facts.csv").is_file() && v.join("plots/facts.png").is_file());
    assert!(!v.join("validate.csv").exists() && !v.join("plots/tallies.png").exists());
    let manifest: serde_json::Value = serde_json::from_str(&read(&v, "manifest.json")).unwrap();
    let files: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["facts.csv", "facts_summary.csv"]);
    let o = in_dir(dir.path(), &["plot", "v"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("facts.png, facts.svg"),
        "{}",
        stdout(&o)
    );
    let o = in_dir(dir.path(), &["report", "v", "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
