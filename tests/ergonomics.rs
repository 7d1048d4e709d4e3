//! Modeler ergonomics and reproducibility (issue 7), as a user runs them: the
//! generated parameter reference, scenario inheritance (`extends`), `check --resolved`,
//! `diff`, `verify` and `new`.

use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::{Out, forumsim_in, root};

fn forumsim<I, S>(args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    forumsim_in(&root(), args)
}

// ---- parameter reference ---------------------------------------------------------------

#[test]
fn the_committed_parameter_reference_is_up_to_date() {
    let path = root().join("docs/PARAMETERS.md");
    let committed = fs::read_to_string(&path).unwrap_or_default();
    let generated = forumsim::output::reference::markdown();
    assert!(
        committed == generated,
        "docs/PARAMETERS.md is stale (PARAM_DEFS changed); regenerate it with:\n  {}",
        forumsim::output::reference::REGENERATE
    );
}

#[test]
fn params_prints_the_reference() {
    let out = forumsim(["params"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, forumsim::output::reference::markdown());
    let out = forumsim(["params", "--format", "toml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("\nlegit_cost = 0.3\n"),
        "{}",
        out.stdout
    );
}

// ---- inheritance -----------------------------------------------------------------------

use forumsim::engine::{self, RunOptions};
use forumsim::scenario::{self, diff::diff};
use proptest::prelude::*;

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/extends").join(name)
}

fn stylized() -> PathBuf {
    root().join("scenarios/stylized.toml")
}

/// A child of the stylized world (by absolute path) with `body` after the header.
fn child_text(body: &str) -> String {
    format!(
        "extends = {:?}\n{body}\n",
        stylized().to_str().expect("UTF-8 path")
    )
}

/// The diff keys from the stylized world to a child written as `body`.
fn changed_keys(body: &str) -> Vec<String> {
    let parent = scenario::load(&stylized()).unwrap();
    let child = scenario::from_str(&child_text(body), Path::new("child.toml"), &[])
        .unwrap_or_else(|e| panic!("{e}\n{body}"));
    diff(&parent, &child).into_iter().map(|c| c.key).collect()
}

#[test]
fn broken_chains_are_located_errors() {
    for (file, expect) in [
        (
            "cycle_a.toml",
            "cycle_b.toml:2:11: extends: inheritance cannot be circular",
        ),
        (
            "missing_parent.toml",
            "missing_parent.toml:2:11: extends: cannot read",
        ),
        (
            "unknown_id.toml",
            "unknown_id.toml:5:6: venue `oewgg` is neither in the parent scenario nor a complete new venue",
        ),
        (
            "unknown_remove.toml",
            "unknown_remove.toml:3:43: remove: no proposal with id `infosec-norm`",
        ),
        (
            "remove_without_extends.toml",
            "remove_without_extends.toml:4:1: `remove` deletes tables inherited",
        ),
        // An error in a parent points at the parent's file and line.
        (
            "bad_child.toml",
            "bad_base.toml:5:16: venue \"gge\": transparency must be in [0, 1], got 1.5",
        ),
    ] {
        let out = forumsim(["check".as_ref(), fixture(file).as_os_str()]);
        assert_eq!(out.code, 2, "{file}: {}", out.stderr);
        assert!(out.stderr.contains(expect), "{file}: {}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{file}: {}", out.stderr);
    }
    assert!(
        scenario::load(&fixture("unknown_id.toml"))
            .unwrap_err()
            .to_string()
            .contains("did you mean `oewg`?")
    );
}

#[test]
fn a_child_that_overrides_nothing_resolves_to_its_parent() {
    let parent = scenario::load_resolved(&stylized(), &[]).unwrap();
    let child = scenario::load_resolved(&fixture("empty.toml"), &[]).unwrap();
    assert_eq!(child.text, parent.text);
    assert!(diff(&parent.scenario, &child.scenario).is_empty());
}

#[test]
fn removal_and_addition_change_exactly_those_tables() {
    let parent = scenario::load(&stylized()).unwrap();
    let child = scenario::load(&fixture("removed.toml")).unwrap();
    let lines: Vec<String> = diff(&parent, &child)
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        lines,
        [
            "event.itu-election-2022: removed",
            "name: stylized -> removed",
            "proposal.criminal-misuse: removed",
            "proposal.new-norms: added",
        ]
    );
}

#[test]
fn the_resolved_text_loads_and_runs_like_the_original() {
    let sets = ["rounds=6".to_string()];
    for file in ["child.toml", "removed.toml"] {
        let path = fixture(file);
        let original = scenario::load_resolved(&path, &sets).unwrap();
        // Saved next to the original, as `check --resolved > x` would.
        let again = scenario::resolved_from_str(&original.text, &path, &sets).unwrap();
        assert_eq!(again.text, original.text, "{file}: resolving twice = once");
        assert_eq!(
            format!("{:?}", again.scenario),
            format!("{:?}", original.scenario)
        );
        let opts = RunOptions {
            votes: true,
            states: false,
            why: false,
        };
        for run in 0..2 {
            assert_eq!(
                engine::run(&again.scenario, run, opts),
                engine::run(&original.scenario, run, opts),
                "{file} run {run}"
            );
        }
    }
}

#[test]
fn check_resolved_prints_a_self_contained_scenario() {
    let out = forumsim([
        "check".as_ref(),
        "--resolved".as_ref(),
        fixture("child.toml").as_os_str(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("extends"), "{}", out.stdout);
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("resolved.toml");
    fs::write(&saved, &out.stdout).unwrap();
    let a = scenario::load(&fixture("child.toml")).unwrap();
    let b = scenario::load(&saved).unwrap();
    assert!(diff(&a, &b).is_empty());
}

/// One-value changes to the stylized world: (TOML with `{}` for the value, the key
/// `diff` must report).
const CHANGES: &[(&str, &str)] = &[
    ("[parameters]\nlegit_cost = {}", "parameters.legit_cost"),
    ("[stakeholder]\nsalience = {}", "stakeholder.salience"),
    (
        "[[venue]]\nid = \"gge\"\ntransparency = {}",
        "venue.gge.transparency",
    ),
    // A venue written inside a proposal's `create` is found by id too.
    (
        "[[venue]]\nid = \"oewg\"\nprivilege = {}",
        "venue.oewg.privilege",
    ),
    ("[[bloc]]\nid = \"sco\"\ncohesion = {}", "bloc.sco.cohesion"),
    (
        "[[state]]\nid = \"GP1\"\ncompetence = {}",
        "state.GP1.competence",
    ),
    (
        "[[proposal]]\nid = \"infosec-norms\"\nposition = [{}, 0.6]",
        "proposal.infosec-norms.position",
    ),
    (
        "[[event]]\nid = \"invasion-2022\"\ndelta = -{}",
        "event.invasion-2022.delta",
    ),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_child_overriding_one_value_differs_in_exactly_that_value(
        pick in 0..CHANGES.len(),
        x in 0.01f64..0.99,
    ) {
        let (template, key) = CHANGES[pick];
        let body = template.replace("{}", &format!("{x}"));
        prop_assert_eq!(changed_keys(&body), vec![key.to_string()]);
    }

    #[test]
    fn resolving_twice_is_resolving_once(
        picks in proptest::sample::subsequence((0..CHANGES.len()).collect::<Vec<_>>(), 0..4),
        x in 0.01f64..0.99,
    ) {
        // Tables after top-level keys: write each change under its own header.
        let body: String = picks
            .iter()
            .map(|&i| CHANGES[i].0.replace("{}", &format!("{x}")) + "\n")
            .collect();
        let once = scenario::resolved_from_str(&child_text(&body), Path::new("c.toml"), &[]).unwrap();
        let twice = scenario::resolved_from_str(&once.text, Path::new("c.toml"), &[]).unwrap();
        prop_assert_eq!(&twice.text, &once.text);
        prop_assert!(diff(&once.scenario, &twice.scenario).is_empty());
    }
}

// ---- diff ------------------------------------------------------------------------------

#[test]
fn diff_of_a_scenario_with_itself_is_empty() {
    let s = stylized();
    let out = forumsim(["diff".as_ref(), s.as_os_str(), s.as_os_str()]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    // Another spelling of the same scenario: the resolved text.
    let dir = tempfile::tempdir().unwrap();
    let resolved = dir.path().join("same.toml");
    fs::write(&resolved, scenario::load_resolved(&s, &[]).unwrap().text).unwrap();
    let out = forumsim(["diff".as_ref(), s.as_os_str(), resolved.as_os_str()]);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
}

#[test]
fn diff_of_a_child_with_one_change_lists_that_key() {
    let out = forumsim([
        "diff".as_ref(),
        stylized().as_os_str(),
        fixture("child.toml").as_os_str(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout, "venue.oewg.transparency: 0.5 -> 0.9\n");
}

/// The venue key `binding` (departure 52): off unless set, reported by `diff` and
/// `check`, and a value that is not a boolean is refused with the key named.
#[test]
fn a_venue_marked_binding_is_reported_and_a_bad_value_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let child = dir.path().join("binding.toml");
    fs::write(
        &child,
        format!(
            "extends = {:?}\n\n[[venue]]\nid = \"oewg\"\nbinding = true\n",
            stylized().to_str().unwrap()
        ),
    )
    .unwrap();
    let out = forumsim(["diff".as_ref(), stylized().as_os_str(), child.as_os_str()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout, "venue.oewg.binding: false -> true\n");
    let out = forumsim(["check".as_ref(), child.as_os_str()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let line = |s: &str| {
        s.lines()
            .find(|l| l.trim_start().starts_with("oewg "))
            .unwrap_or_default()
            .to_string()
    };
    assert!(line(&out.stdout).contains(" binding "), "{}", out.stdout);
    let out = forumsim(["check".as_ref(), stylized().as_os_str()]);
    assert!(!line(&out.stdout).contains("binding"), "{}", out.stdout);
    let out = forumsim([
        "check".as_ref(),
        stylized().as_os_str(),
        "--set".as_ref(),
        "venue.oewg.binding=3".as_ref(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("binding"), "{}", out.stderr);
}

#[test]
fn diff_of_a_bad_scenario_exits_2() {
    let out = forumsim([
        "diff".as_ref(),
        stylized().as_os_str(),
        fixture("cycle_a.toml").as_os_str(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(out.stderr.contains("circular"), "{}", out.stderr);
}

// ---- verify ----------------------------------------------------------------------------

/// A fresh `run` of `scenario` into a temp folder (2 short runs).
fn fresh_run(scenario: &Path, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut args: Vec<std::ffi::OsString> = vec!["run".into(), scenario.into()];
    for a in ["--runs", "3", "--set", "rounds=5", "-q", "--out"] {
        args.push(a.into());
    }
    args.push(dir.path().into());
    args.extend(extra.iter().map(Into::into));
    let out = forumsim(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    dir
}

#[test]
fn verify_passes_on_fresh_run_outputs() {
    let dir = fresh_run(&stylized(), &["--votes", "--seed", "9"]);
    let out = forumsim(["verify".as_ref(), dir.path().as_os_str()]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("re-ran 3 of 3 runs"), "{}", out.stdout);
    assert!(out.stdout.contains("same     votes.csv"), "{}", out.stdout);
    assert!(
        out.stdout.contains("ok: 8 files identical"),
        "{}",
        out.stdout
    );
    let out = forumsim([
        "verify".as_ref(),
        dir.path().as_os_str(),
        "--sample".as_ref(),
        "1".as_ref(),
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("re-ran 1 of 3 runs"), "{}", out.stdout);
}

#[test]
fn verify_passes_for_a_scenario_that_extends_another() {
    let dir = fresh_run(&fixture("removed.toml"), &[]);
    let manifest = fs::read_to_string(dir.path().join("manifest.json")).unwrap();
    assert!(manifest.contains("\"resolved_sha256\""), "{manifest}");
    let out = forumsim(["verify".as_ref(), dir.path().as_os_str()]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn verify_reports_an_altered_file() {
    let dir = fresh_run(&stylized(), &[]);
    let path = dir.path().join("rounds.csv");
    let text = fs::read_to_string(&path).unwrap();
    // Change one character of the last row (run 2).
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let last = lines.last_mut().unwrap();
    let i = last.rfind(|c: char| c.is_ascii_digit()).unwrap();
    let d = if &last[i..=i] == "7" { "8" } else { "7" };
    last.replace_range(i..=i, d);
    fs::write(&path, lines.join("\n") + "\n").unwrap();
    let out = forumsim(["verify".as_ref(), dir.path().as_os_str()]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let n = lines.len();
    assert!(
        out.stdout.contains(&format!(
            "DIFFERS  rounds.csv (from line {n}; rows of run 2)"
        )),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("same     venues.csv"), "{}", out.stdout);
    assert!(
        out.stdout.contains("MISMATCH: 1 of 7 files differ"),
        "{}",
        out.stdout
    );

    // A deleted file and an altered scenario copy are mismatches too.
    fs::remove_file(dir.path().join("venues.csv")).unwrap();
    let out = forumsim(["verify".as_ref(), dir.path().as_os_str()]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("MISSING  venues.csv"), "{}", out.stdout);
    let copy = dir.path().join("scenario.resolved.toml");
    let altered = fs::read_to_string(&copy)
        .unwrap()
        .replace("rounds = 28", "rounds = 29");
    fs::write(&copy, altered).unwrap();
    let out = forumsim(["verify".as_ref(), dir.path().as_os_str()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("DIFFERS  scenario.resolved.toml"),
        "{}",
        out.stdout
    );
}

#[test]
fn verify_of_a_folder_without_a_manifest_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = forumsim(["verify".as_ref(), dir.path().as_os_str()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("manifest.json"), "{}", out.stderr);
    fs::write(dir.path().join("manifest.json"), "{}").unwrap();
    let out = forumsim(["verify".as_ref(), dir.path().as_os_str()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no `kind`"), "{}", out.stderr);
}

// ---- new -------------------------------------------------------------------------------

#[test]
fn new_writes_a_child_that_loads_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("scenarios")).unwrap();
    fs::copy(stylized(), dir.path().join("scenarios/stylized.toml")).unwrap();
    let out = forumsim_in(dir.path(), ["new", "mine"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mine = dir.path().join("scenarios/mine.toml");
    let text = fs::read_to_string(&mine).unwrap();
    assert!(text.contains("extends = \"stylized.toml\""), "{text}");
    let parent = scenario::load(&stylized()).unwrap();
    let child = scenario::load(&mine).unwrap();
    let keys: Vec<String> = diff(&parent, &child).into_iter().map(|c| c.key).collect();
    assert_eq!(keys, ["name"]);

    let out = forumsim_in(dir.path(), ["new", "mine"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert_eq!(fs::read_to_string(&mine).unwrap(), text);
    let out = forumsim_in(dir.path(), ["new", "other", "--from", "world"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("scenarios/world.toml"),
        "{}",
        out.stderr
    );
}

#[test]
fn new_generate_writes_a_world_of_the_asked_size_that_runs() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("scenarios")).unwrap();
    let out = forumsim_in(dir.path(), ["new", "big", "--generate", "60x13x9x3"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let big = dir.path().join("scenarios/big.toml");
    let sc = scenario::load(&big).unwrap();
    assert_eq!(sc.name, "big");
    assert_eq!(
        (
            sc.states.len(),
            sc.venues.len(),
            sc.proposals.len(),
            sc.rounds
        ),
        (60, 13, 9, 3)
    );
    // The same size and seed write the same file; another seed another world.
    let out = forumsim_in(dir.path(), ["new", "again", "--generate", "60x13x9x3"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text =
        |n: &str| fs::read_to_string(dir.path().join(format!("scenarios/{n}.toml"))).unwrap();
    let renamed = |t: String, from: &str, to: &str| {
        t.replace(&format!("\"{from}\""), &format!("\"{to}\""))
            .replace(&format!("new {from} "), &format!("new {to} "))
    };
    assert_eq!(renamed(text("big"), "big", "again"), text("again"));
    let out = forumsim_in(
        dir.path(),
        ["new", "other", "--generate", "60x13x9x3", "--seed", "2"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Not just the header's seed: the world itself differs.
    let body = |t: String| {
        t.lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_ne!(
        body(renamed(text("other"), "other", "big")),
        body(text("big"))
    );
    // It runs like any scenario.
    let out = forumsim_in(
        dir.path(),
        [
            "run",
            "scenarios/big.toml",
            "--runs",
            "2",
            "--out",
            "o",
            "--quiet",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(dir.path().join("o/decisions.csv").is_file());
    for bad in ["60", "60x", "4x6", "60x6x0", "ax6", "2000000x6", "60x20000"] {
        let out = forumsim_in(dir.path(), ["new", "bad", "--generate", bad]);
        assert_eq!(out.code, 2, "{bad}: {}", out.stderr);
        assert!(out.stderr.contains("--generate"), "{bad}: {}", out.stderr);
    }
}

#[test]
fn every_command_is_in_the_help() {
    let out = forumsim(["--help"]);
    for cmd in ["run", "check", "params", "diff", "verify", "new"] {
        assert!(
            out.stdout.lines().any(|l| l.trim_start().starts_with(cmd)),
            "{cmd}: {}",
            out.stdout
        );
        let sub = forumsim([cmd, "--help"]);
        assert_eq!(sub.code, 0, "{cmd}");
        assert!(sub.stdout.contains("Examples:"), "{cmd}: {}", sub.stdout);
    }
}

// ---- one name for one thing across commands (issue #14 item 8) -------------------------

#[test]
fn verify_names_its_sample_seed_for_what_it_is_and_can_be_quiet() {
    let dir = fresh_run(&stylized(), &[]);
    let d = dir.path().as_os_str();
    let picked = |flag: &str| {
        let out = forumsim([
            "verify".as_ref(),
            d,
            "--sample".as_ref(),
            "1".as_ref(),
            flag.as_ref(),
            "2".as_ref(),
        ]);
        assert_eq!(out.code, 0, "{}", out.show());
        out.stdout
    };
    // `--seed` (the old name) is an alias of `--sample-seed`: the same run is chosen.
    assert_eq!(picked("--sample-seed"), picked("--seed"));
    let help = forumsim(["verify", "--help"]);
    assert!(help.stdout.contains("--sample-seed <S>"), "{}", help.stdout);
    let quiet = forumsim(["verify".as_ref(), d, "-q".as_ref()]);
    assert_eq!(
        (quiet.code, quiet.stdout.as_str()),
        (0, ""),
        "{}",
        quiet.show()
    );
}

#[test]
fn plot_and_report_write_where_out_says() {
    let dir = fresh_run(&stylized(), &[]);
    let charts = dir.path().join("slides").join("charts");
    let page = dir.path().join("class").join("page.html");
    let out = forumsim([
        "plot".as_ref(),
        dir.path().as_os_str(),
        "--format".as_ref(),
        "svg".as_ref(),
        "-o".as_ref(),
        charts.as_os_str(),
    ]);
    assert_eq!(out.code, 0, "{}", out.show());
    assert!(charts.join("ami.svg").is_file(), "{}", out.show());
    assert!(!dir.path().join("plots").exists(), "nothing in DIR/plots/");
    assert!(
        out.stdout.contains(&charts.display().to_string()),
        "{}",
        out.stdout
    );
    let out = forumsim([
        "report".as_ref(),
        dir.path().as_os_str(),
        "--out".as_ref(),
        page.as_os_str(),
    ]);
    assert_eq!(out.code, 0, "{}", out.show());
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.contains("<svg"), "the page holds the charts");
    assert!(
        !dir.path().join("report.html").exists(),
        "not DIR/report.html"
    );
}

#[test]
fn every_command_that_writes_a_folder_takes_dash_o_and_every_one_that_talks_takes_dash_q() {
    // A short flag clap does not know is exit 2 with "unexpected argument"; a known
    // one gets past parsing (and fails later on the missing file, exit 2 too), so
    // look at the message.
    for (cmd, flag) in [
        ("run", "-o"),
        ("validate", "-o"),
        ("sweep", "-o"),
        ("merge", "-o"),
        ("calibrate", "-o"),
        ("design", "-o"),
        ("plot", "-o"),
        ("report", "-o"),
        ("animate", "-o"),
        ("serve", "-o"),
        ("run", "-q"),
        ("validate", "-q"),
        ("sweep", "-q"),
        ("merge", "-q"),
        ("calibrate", "-q"),
        ("design", "-q"),
        ("sensitivity", "-q"),
        ("plot", "-q"),
        ("report", "-q"),
        ("animate", "-q"),
        ("verify", "-q"),
        ("new", "-q"),
    ] {
        // `new` takes a name, not a file: one it refuses, so that nothing is written.
        let input = if cmd == "new" {
            "../not-a-plain-name"
        } else {
            "no-such-input.toml"
        };
        let mut args = vec![cmd, input, flag];
        if flag == "-o" {
            args.push("somewhere");
        }
        let out = forumsim(&args);
        assert!(
            !out.stderr.contains("unexpected argument"),
            "{cmd} {flag}: {}",
            out.show()
        );
    }
}

#[test]
fn design_exports_salib_without_being_told_the_only_format() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = forumsim([
        "design".as_ref(),
        root()
            .join("scenarios/experiments/sensitivity-stylized.toml")
            .as_os_str(),
        "-q".as_ref(),
        "-o".as_ref(),
        out_dir.path().as_os_str(),
    ]);
    assert_eq!(out.code, 0, "{}", out.show());
    assert!(out_dir.path().join("problem.json").is_file());
}
