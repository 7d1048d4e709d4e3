//! The run tables as pandas and R read them (issue #14 item 10): admissions in their
//! own `admissions.csv`, election votes one row per candidate in `elections.csv`, a
//! typed `direction` column instead of the packed `detail`, and `--votes-on` for a
//! compact `votes.csv`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

mod common;
use common::{Out, forumsim_in, root};

fn forumsim(args: &[&str]) -> Out {
    forumsim_in(&root(), args)
}

fn arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// A table as a header and rows of named fields.
fn table(dir: &Path, name: &str) -> Vec<BTreeMap<String, String>> {
    let text = fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn key(row: &BTreeMap<String, String>) -> (String, String) {
    (row["run"].clone(), row["decision"].clone())
}

#[test]
fn issue14_10_admissions_and_election_votes_have_their_own_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let o = forumsim(&[
        "run",
        "scenarios/stylized.toml",
        "--runs",
        "2",
        "--votes",
        "-q",
        "--out",
        &arg(&out),
    ]);
    assert_eq!(o.code, 0, "{}", o.show());

    let decisions = table(&out, "decisions.csv");
    let admissions = table(&out, "admissions.csv");
    let elections = table(&out, "elections.csv");
    assert!(!decisions.is_empty() && !admissions.is_empty() && !elections.is_empty());
    assert!(decisions.iter().all(|d| d["what"] != "admission"));
    assert!(!decisions[0].contains_key("detail"));
    // direction: up/down for reforms, empty for everything else.
    for d in &decisions {
        let ok = match d["what"].as_str() {
            "reform" => d["direction"] == "up" || d["direction"] == "down",
            _ => d["direction"].is_empty(),
        };
        assert!(ok, "{d:?}");
    }
    // One numbering of a run's decisions: admissions and the rest never share a number,
    // and every vote names one of them.
    let ids: BTreeSet<_> = decisions.iter().map(key).collect();
    let adm: BTreeSet<_> = admissions.iter().map(key).collect();
    assert!(ids.is_disjoint(&adm));
    assert_eq!(ids.len() + adm.len(), decisions.len() + admissions.len());
    for v in table(&out, "votes.csv") {
        assert!(ids.contains(&key(&v)) || adm.contains(&key(&v)), "{v:?}");
    }
    // An election's candidates add up to its decisions.csv tally; the winner's votes are
    // its `yes`, and it is the one elected.
    let by_id: BTreeMap<_, _> = decisions.iter().map(|d| (key(d), d)).collect();
    let mut totals: BTreeMap<(String, String), u64> = BTreeMap::new();
    for e in &elections {
        let d = by_id[&key(e)];
        assert_eq!(d["what"], "election");
        let votes: u64 = e["votes"].parse().unwrap();
        *totals.entry(key(e)).or_default() += votes;
        assert_eq!(
            e["elected"] == "true",
            e["candidate"] == d["sponsor"],
            "{e:?}"
        );
        if e["elected"] == "true" {
            assert_eq!(e["votes"], d["yes"]);
        }
    }
    for (k, total) in totals {
        let d = by_id[&k];
        let yes: u64 = d["yes"].parse().unwrap();
        let no: u64 = d["no"].parse().unwrap();
        assert_eq!(total, yes + no, "{d:?}");
    }
    // An admission row: applicant, tallies and outcome, no proposal columns.
    let a = &admissions[0];
    assert!(a.contains_key("applicant") && a.contains_key("admitted"));
    assert!(!a.contains_key("proposal") && !a.contains_key("position_m"));

    // The manifest lists both tables and verify re-checks them.
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"admissions.csv\"") && manifest.contains("\"elections.csv\""));
    let o = forumsim(&["verify", &arg(&out)]);
    assert_eq!(o.code, 0, "{}", o.show());
    assert!(o.stdout.contains("same     admissions.csv"), "{}", o.show());
    assert!(o.stdout.contains("same     elections.csv"), "{}", o.show());
    let path = out.join("admissions.csv");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen(",true,", ",false,", 1)).unwrap();
    let o = forumsim(&["verify", &arg(&out)]);
    assert_eq!(o.code, 1, "{}", o.show());
    assert!(o.stdout.contains("DIFFERS  admissions.csv"), "{}", o.show());
}

#[test]
fn issue14_10_votes_on_writes_only_the_chosen_decisions_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let (all, some) = (tmp.path().join("all"), tmp.path().join("some"));
    let run = |out: &Path, sel: &[&str]| {
        let mut args = vec!["run", "scenarios/world.toml", "--runs", "2", "-q", "--out"];
        let out = arg(out);
        args.push(&out);
        args.extend_from_slice(sel);
        let o = forumsim(&args);
        assert_eq!(o.code, 0, "{}", o.show());
    };
    run(&all, &["--votes"]);
    run(&some, &["--votes-on", "targets,reforms"]);
    // The same runs: the selection only filters what is written.
    for t in ["rounds.csv", "decisions.csv"] {
        assert_eq!(
            fs::read(all.join(t)).unwrap(),
            fs::read(some.join(t)).unwrap()
        );
    }
    let targets: BTreeSet<String> = {
        let sc = fs::read_to_string(root().join("scenarios/world.toml")).unwrap();
        let doc: toml::Table = sc.parse().unwrap();
        doc["target"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t.get("proposal").and_then(|p| p.as_str()))
            .map(str::to_string)
            .collect()
    };
    assert!(!targets.is_empty());
    let decisions = table(&all, "decisions.csv");
    let what: BTreeMap<_, _> = decisions
        .iter()
        .map(|d| (key(d), (d["what"].clone(), d["proposal"].clone())))
        .collect();
    let kept = |v: &BTreeMap<String, String>| {
        let (w, p) = &what[&key(v)];
        w == "reform" || (w == "proposal" && targets.contains(p))
    };
    let every = table(&all, "votes.csv");
    let chosen = table(&some, "votes.csv");
    let expected: Vec<_> = every.iter().filter(|v| kept(v)).cloned().collect();
    assert!(!chosen.is_empty() && chosen.len() < every.len());
    assert_eq!(chosen, expected);

    let manifest = fs::read_to_string(some.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"votes_on\": [\n      \"targets\",\n      \"reforms\"\n    ]"),
        "{manifest}"
    );
    assert!(
        !fs::read_to_string(all.join("manifest.json"))
            .unwrap()
            .contains("votes_on")
    );
    let o = forumsim(&["verify", &arg(&some)]);
    assert_eq!(o.code, 0, "{}", o.show());
    assert!(o.stdout.contains("same     votes.csv"), "{}", o.show());
    // A folder whose votes.csv holds every vote does not pass for the selection.
    fs::copy(all.join("votes.csv"), some.join("votes.csv")).unwrap();
    let o = forumsim(&["verify", &arg(&some)]);
    assert_eq!(o.code, 1, "{}", o.show());
    assert!(o.stdout.contains("DIFFERS  votes.csv"), "{}", o.show());
}

#[test]
fn issue14_10_an_unknown_votes_on_item_exits_2_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let o = forumsim(&[
        "run",
        "scenarios/world.toml",
        "--votes-on",
        "targets,reform",
        "--out",
        &arg(&out),
    ]);
    assert_eq!(o.code, 2, "{}", o.show());
    assert!(o.stderr.contains("--votes-on: `reform`"), "{}", o.show());
    assert!(o.stderr.contains("did you mean `reforms`?"), "{}", o.show());
    assert!(o.stderr.contains("proposal ids: "), "{}", o.show());
    assert!(!out.exists(), "nothing is written");
    let o = forumsim(&["run", "scenarios/stylized.toml", "--votes-on", "targets"]);
    assert_eq!(o.code, 2, "{}", o.show());
    assert!(o.stderr.contains("no [[target]]"), "{}", o.show());
}
