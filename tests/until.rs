//! `--until YEAR` on `run`, `explain` and `animate`, as a user runs them (issue #14
//! item 7): the run stops after YEAR, later records are left out with one note, the
//! rows are the first rows of the whole run, and the folder verifies.

mod common;

use common::{Out, arg, forumsim_in, root};
use std::collections::BTreeSet;
use std::path::Path;

const WORLD: &str = "scenarios/world.toml";

fn run(args: &[&str]) -> Out {
    forumsim_in(&root(), args)
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The header and the rows of a run table whose `year` (4th column) is at most `last`.
fn rows_until(text: &str, last: i32) -> Vec<&str> {
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    assert!(header.starts_with("run,seed,round,year,"), "{header}");
    std::iter::once(header)
        .chain(lines.filter(|l| {
            let year: i32 = l.split(',').nth(3).unwrap().parse().unwrap();
            year <= last
        }))
        .collect()
}

/// Asserts exit 2 and a message naming the valid years.
fn refused(o: &Out, fragment: &str) {
    assert_eq!(o.code, 2, "{}", o.show());
    assert!(o.stderr.contains(fragment), "{}", o.show());
}

#[test]
fn world_until_2010_is_the_first_13_years_of_the_whole_run_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let (cut, full) = (tmp.path().join("cut"), tmp.path().join("full"));
    let o = run(&[
        "run",
        WORLD,
        "--runs",
        "3",
        "--until",
        "2010",
        "--out",
        &arg(&cut),
    ]);
    assert_eq!(o.code, 0, "{}", o.show());
    // One note, on stderr, saying what was cut.
    let notes: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.starts_with("note:"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", o.show());
    assert!(
        notes[0].starts_with("note: --until 2010: 13 rounds (1998-2010) of 28; left out "),
        "{}",
        notes[0]
    );
    assert!(notes[0].contains("targets") && notes[0].contains("facts dated after 2010"));
    assert!(o.stdout.contains("13 rounds"), "{}", o.show());

    let rounds = read(&cut, "rounds.csv");
    let years: BTreeSet<i32> = rounds
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap().parse().unwrap())
        .collect();
    assert_eq!(years, (1998..=2010).collect(), "rounds.csv has 13 years");

    // The folder describes itself: the manifest and the scenario copy say 13 rounds.
    let m: serde_json::Value = serde_json::from_str(&read(&cut, "manifest.json")).unwrap();
    assert_eq!(m["scenario"]["rounds"], 13);
    assert_eq!(m["scenario"]["until"], 2010);
    let resolved = read(&cut, "scenario.resolved.toml");
    assert!(resolved.contains("\nrounds = 13\n"), "{resolved}");
    assert!(
        !resolved.contains("ares73-27"),
        "the 2018 target is left out"
    );

    // The same runs of the whole scenario: their first 13 years are the cut run's,
    // in every table.
    let o = run(&["run", WORLD, "--runs", "3", "-q", "--out", &arg(&full)]);
    assert_eq!(o.code, 0, "{}", o.show());
    for table in [
        "rounds.csv",
        "venues.csv",
        "rules.csv",
        "decisions.csv",
        "admissions.csv",
        "elections.csv",
        "choices.csv",
    ] {
        let (whole, part) = (read(&full, table), read(&cut, table));
        assert_eq!(
            rows_until(&whole, 2010),
            part.lines().collect::<Vec<_>>(),
            "{table}: the cut run differs from the first 13 years of the whole run"
        );
        // The world has no venue that votes on applicants: admissions.csv is a header.
        if table != "admissions.csv" {
            assert!(whole.lines().count() > part.lines().count(), "{table}");
        }
    }

    let o = run(&["verify", &arg(&cut)]);
    assert_eq!(o.code, 0, "{}", o.show());
    assert!(o.stdout.contains("ok: 7 files identical"), "{}", o.show());

    // animate replays the folder up to a year of its own, beside the whole replay.
    let o = run(&["animate", &arg(&cut), "--until", "2000"]);
    assert_eq!(o.code, 0, "{}", o.show());
    assert!(
        o.stderr
            .contains("note: --until 2000: 3 rounds (1998-2000) of 13"),
        "{}",
        o.show()
    );
    assert!(cut.join("plots/replay-run0-until2000.gif").is_file());
    refused(
        &run(&["animate", &arg(&cut), "--until", "2015"]),
        "--until 2015: 2015 is outside the scenario, which runs 1998 to 2010; give a year from 1998 to 2010",
    );
}

/// `--set` applies first and the cut after; the folder's scenario copy has both, so
/// `verify` runs it as it is — even when an override names a record the cut leaves out.
#[test]
fn until_works_with_set_and_the_folder_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("set");
    let o = run(&[
        "run",
        WORLD,
        "--runs",
        "2",
        "--until",
        "2005",
        "--set",
        "parameters.legit_cost=0.4",
        "--set",
        "target.ares73-27.yes=100",
        "--out",
        &arg(&out),
    ]);
    assert_eq!(o.code, 0, "{}", o.show());
    let m: serde_json::Value = serde_json::from_str(&read(&out, "manifest.json")).unwrap();
    assert_eq!(m["scenario"]["rounds"], 8);
    assert_eq!(m["parameters"]["legit_cost"], 0.4);
    assert_eq!(m["scenario"]["overrides"][0], "parameters.legit_cost=0.4");
    let o = run(&["verify", &arg(&out)]);
    assert_eq!(o.code, 0, "{}", o.show());
    // Without the cut the same --set on a later target still fails as before.
    let o = run(&["check", WORLD, "--set", "rounds=8"]);
    refused(&o, "is outside the scenario, which runs 1998 to 2005");
}

#[test]
fn explain_tells_the_years_up_to_until() {
    let o = run(&["explain", WORLD, "--until", "2001"]);
    assert_eq!(o.code, 0, "{}", o.show());
    assert!(
        o.stdout
            .starts_with("world: run 0 of seed 42 (4 rounds, 1998-2001)."),
        "{}",
        o.show()
    );
    assert!(o.stdout.contains("\n2001 (round 3)\n"), "{}", o.show());
    assert!(!o.stdout.contains("\n2002 (round 4)\n"), "{}", o.show());
    assert_eq!(
        o.stderr
            .lines()
            .filter(|l| l.starts_with("note: --until 2001:"))
            .count(),
        1,
        "{}",
        o.show()
    );
}

#[test]
fn a_year_outside_the_scenario_is_refused_with_its_years() {
    let years = "give a year from 1998 to 2025";
    for year in ["1997", "2026", "-3"] {
        refused(&run(&["run", WORLD, "--until", year]), years);
        refused(&run(&["explain", WORLD, "--until", year]), years);
    }
    // A start moved by --set moves the range with it.
    refused(
        &run(&[
            "explain",
            WORLD,
            "--set",
            "start_year=2000",
            "--until",
            "1999",
        ]),
        "which runs 2000 to 2027",
    );
    // Not a year at all: clap's usage error.
    refused(&run(&["run", WORLD, "--until", "soon"]), "--until");
}
