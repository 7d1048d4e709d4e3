//! The `forumsim` binary as a user runs it: help, exit codes, `check`, `run`'s files,
//! reproducibility (same seed, threads, `--run`), and the bad-scenario fixtures.
//!
//! Runs are kept short (`--set rounds=5`, few runs) so the whole file stays fast.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::{Out, forumsim_in, root};

/// Keeps runs short.
const SHORT: [&str; 2] = ["--set", "rounds=5"];

const CSV_HEADERS: [(&str, &str); 9] = [
    (
        "rounds.csv",
        "run,seed,round,year,ami,scope_index,fragmentation,venues_active,venues_created,moves,adopted,failed,abandoned,pending",
    ),
    (
        "venues.csv",
        "run,seed,round,year,venue,members,mean_regime,share_autocratic,stakeholder_weight,transparency,privilege,agenda,adoptions",
    ),
    (
        "rules.csv",
        "run,seed,round,year,venue,kind,rule_m,rule_s,camp,reach",
    ),
    (
        "decisions.csv",
        "run,seed,round,year,decision,venue,what,proposal,kind,sponsor,yes,no,abstain,absent,adopted,how,position_m,position_s,camp,direction",
    ),
    (
        "admissions.csv",
        "run,seed,round,year,decision,venue,applicant,yes,no,abstain,absent,admitted,camp",
    ),
    (
        "elections.csv",
        "run,seed,round,year,decision,venue,candidate,votes,elected",
    ),
    (
        "choices.csv",
        "run,seed,round,year,proposal,sponsor,option,eu,p_pass,chosen,proactive",
    ),
    (
        "votes.csv",
        "run,seed,round,year,decision,venue,proposal,state,vote",
    ),
    ("attention.csv", "run,seed,round,year,state,venue,attention"),
];

fn stylized() -> PathBuf {
    root().join("scenarios/stylized.toml")
}

/// A path as an argument (test paths are UTF-8).
fn arg(p: &Path) -> String {
    p.to_str().expect("UTF-8 path").to_string()
}

fn forumsim<S: AsRef<OsStr>>(args: &[S]) -> Out {
    forumsim_in(&root(), args)
}

/// `forumsim run stylized.toml --out DIR --set rounds=5 --quiet EXTRA...`; must succeed.
fn run_ok(out: &Path, extra: &[&str]) -> Out {
    let (s, out) = (arg(&stylized()), arg(out));
    let mut args = vec!["run", &s, "--out", &out, SHORT[0], SHORT[1], "--quiet"];
    args.extend(extra);
    let o = forumsim(&args);
    assert_eq!(o.code, 0, "forumsim {args:?}\n{}", o.show());
    assert_no_panic(&o);
    o
}

fn assert_no_panic(o: &Out) {
    assert!(!o.stderr.contains("panicked"), "{}", o.show());
}

/// Every CSV of an output folder, by name.
fn csvs(dir: &Path) -> BTreeMap<String, String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension() == Some(OsStr::new("csv")))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

fn manifest(dir: &Path) -> (String, serde_json::Value) {
    let text = fs::read_to_string(dir.join("manifest.json")).unwrap();
    let json = serde_json::from_str(&text).unwrap();
    (text, json)
}

/// The manifest up to its last field, `timing`, the only one allowed to differ.
fn manifest_without_timing(dir: &Path) -> String {
    let (text, _) = manifest(dir);
    let cut = text.find("\"timing\"").expect("manifest has timing");
    text[..cut].to_string()
}

/// True if `s` holds `:` followed by a digit (a `FILE:LINE` location).
fn has_line_number(s: &str) -> bool {
    s.as_bytes()
        .windows(2)
        .any(|w| w[0] == b':' && w[1].is_ascii_digit())
}

mod help {
    use super::*;

    #[test]
    fn every_command_has_help_with_examples() {
        for args in [
            &["--help"][..],
            &["run", "--help"],
            &["check", "--help"],
            &["help", "run"],
            &["help", "check"],
        ] {
            let o = forumsim(args);
            assert_eq!(o.code, 0, "{args:?}\n{}", o.show());
            assert!(
                o.stdout.contains("Usage:") && o.stdout.contains("Examples:"),
                "{args:?}\n{}",
                o.show()
            );
        }
    }

    #[test]
    fn top_level_help_lists_the_commands_with_one_line_descriptions() {
        let o = forumsim(&["--help"]);
        // Column widths depend on the longest command name: compare words only.
        let words = o.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
        for line in ["run Run a batch", "check Validate a scenario"] {
            assert!(words.contains(line), "{}", o.show());
        }
    }

    #[test]
    fn version_prints_the_crate_version() {
        let o = forumsim(&["--version"]);
        assert_eq!(o.code, 0);
        assert_eq!(
            o.stdout.trim(),
            format!("forumsim {}", env!("CARGO_PKG_VERSION"))
        );
    }
}

mod usage {
    use super::*;

    #[test]
    fn usage_errors_exit_2() {
        let s = stylized();
        let s = s.to_str().unwrap();
        for args in [
            &[][..],
            &["frobnicate"],
            &["run"],
            &["check"],
            &["run", s, "--bogus"],
            &["run", s, "--runs", "0"],
            &["run", s, "--runs", "many"],
            &["run", s, "--threads", "0"],
            &["run", s, "--seed", "-1"],
            &["run", s, "--set", "legit_cost"],
            &["check", s, "--set", "=0.5"],
            &["run", s, "--runs", "3", "--run-index", "3"],
        ] {
            let o = forumsim(args);
            assert_eq!(o.code, 2, "{args:?}\n{}", o.show());
            assert!(!o.stderr.is_empty(), "{args:?}\n{}", o.show());
            assert_no_panic(&o);
        }
    }

    #[test]
    fn run_index_outside_runs_says_why() {
        let o = forumsim(&["run", &arg(&stylized()), "--runs", "3", "--run", "5"]);
        assert_eq!(o.code, 2);
        assert!(o.stderr.starts_with("error: --run 5"), "{}", o.show());
    }

    #[test]
    fn a_missing_scenario_exits_2_naming_the_file() {
        for cmd in ["check", "run"] {
            let o = forumsim(&[cmd, "no/such/scenario.toml"]);
            assert_eq!(o.code, 2, "{}", o.show());
            assert!(
                o.stderr.starts_with("error: ") && o.stderr.contains("scenario.toml"),
                "{}",
                o.show()
            );
            assert_no_panic(&o);
        }
    }

    #[test]
    fn bad_set_values_exit_2_naming_the_key() {
        let s = arg(&stylized());
        for (set, key) in [
            ("parameters.legit_cost=abc", "legit_cost"),
            ("parameters.no_such_thing=1", "no_such_thing"),
        ] {
            for cmd in ["check", "run"] {
                let o = forumsim(&[cmd, &s, "--set", set]);
                assert_eq!(o.code, 2, "{set}\n{}", o.show());
                assert!(o.stderr.contains(key), "{set}\n{}", o.show());
                assert_no_panic(&o);
            }
        }
    }

    #[test]
    fn an_unwritable_output_folder_exits_1_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a-file");
        fs::write(&file, "not a folder").unwrap();
        let out = file.join("out");
        let o = forumsim(&["run", &arg(&stylized()), "--out", &arg(&out), "--quiet"]);
        assert_eq!(o.code, 1, "{}", o.show());
        assert!(
            o.stderr.starts_with("error: ") && o.stderr.contains(&*out.to_string_lossy()),
            "{}",
            o.show()
        );
        assert!(o.stderr.contains("caused by:"), "{}", o.show());
        assert_no_panic(&o);
    }
}

mod check {
    use super::*;

    #[test]
    fn check_summarises_the_stylized_scenario_and_writes_nothing() {
        let cwd = tempfile::tempdir().unwrap();
        let o = forumsim_in(cwd.path(), ["check", &arg(&stylized())]);
        assert_eq!(o.code, 0, "{}", o.show());
        for section in [
            "scenario ",
            "rounds ",
            "seed ",
            "runs ",
            "states ",
            "blocs (",
            "venues (",
            "proposals (",
            "events (",
            "parameters",
        ] {
            assert!(
                o.stdout.contains(section),
                "missing {section:?}\n{}",
                o.show()
            );
        }
        for d in forumsim::model::PARAM_DEFS {
            assert!(
                o.stdout.contains(&format!(" {} ", d.name)),
                "missing parameter {}\n{}",
                d.name,
                o.show()
            );
        }
        assert_eq!(
            fs::read_dir(cwd.path()).unwrap().count(),
            0,
            "check must not write files"
        );
    }

    #[test]
    fn check_marks_a_changed_parameter_with_its_default() {
        let o = forumsim(&[
            "check",
            &arg(&stylized()),
            "--set",
            "parameters.legit_cost=0.5",
        ]);
        assert_eq!(o.code, 0, "{}", o.show());
        let line = o
            .stdout
            .lines()
            .find(|l| l.contains(" legit_cost "))
            .expect("legit_cost line");
        assert!(
            line.starts_with('*') && line.contains("0.5") && line.contains("default 0.3"),
            "{line}"
        );
    }
}

mod run {
    use super::*;

    #[test]
    fn run_writes_every_file_with_its_header_and_no_temp_files() {
        let tmp = tempfile::tempdir().unwrap();
        run_ok(tmp.path(), &["--runs", "2", "--votes", "--states"]);
        let tables = csvs(tmp.path());
        for (name, header) in CSV_HEADERS {
            let text = tables.get(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(text.lines().next(), Some(header), "{name}");
        }
        let names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with('.')),
            "temp files left: {names:?}"
        );

        let (_, m) = manifest(tmp.path());
        let listed: Vec<&str> = m["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(listed, CSV_HEADERS.map(|(n, _)| n));
        for f in m["files"].as_array().unwrap() {
            let rows = tables[f["name"].as_str().unwrap()].lines().count() - 1;
            assert_eq!(f["rows"].as_u64(), Some(rows as u64), "{f}");
        }
        assert_eq!(m["forumsim"], env!("CARGO_PKG_VERSION"));
        assert_eq!(
            m["runs"],
            serde_json::json!({ "first": 0, "last": 1, "count": 2 })
        );
        assert_eq!(m["scenario"]["rounds"], 5);
        let bytes = fs::read(stylized()).unwrap();
        assert_eq!(
            m["scenario"]["sha256"],
            forumsim::output::sha256_hex(&bytes)
        );

        // Two runs of five rounds; year = start_year + round.
        let start = m["scenario"]["start_year"].as_i64().unwrap();
        let rows: Vec<Vec<&str>> = tables["rounds.csv"]
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect())
            .collect();
        assert_eq!(rows.len(), 10);
        for r in &rows {
            let (round, year): (i64, i64) = (r[2].parse().unwrap(), r[3].parse().unwrap());
            assert_eq!(year, start + round);
        }
    }

    #[test]
    fn optional_tables_are_written_only_when_asked() {
        let tmp = tempfile::tempdir().unwrap();
        run_ok(tmp.path(), &["--runs", "1"]);
        let tables = csvs(tmp.path());
        assert!(
            !tables.contains_key("votes.csv") && !tables.contains_key("attention.csv"),
            "{:?}",
            tables.keys()
        );
        assert_eq!(tables.len(), 7);
    }

    #[test]
    fn the_summary_names_the_folder_and_the_final_ami() {
        let tmp = tempfile::tempdir().unwrap();
        let (s, out) = (arg(&stylized()), arg(tmp.path()));
        let o = forumsim(&["run", &s, "--out", &out, "--runs", "2", SHORT[0], SHORT[1]]);
        assert_eq!(o.code, 0, "{}", o.show());
        assert!(
            o.stdout.contains("2 runs") && o.stdout.contains("final AMI"),
            "{}",
            o.show()
        );
        assert!(
            o.stdout.contains(&*tmp.path().to_string_lossy()),
            "{}",
            o.show()
        );
    }

    #[test]
    fn the_default_folder_is_outputs_slash_the_scenario_name() {
        let cwd = tempfile::tempdir().unwrap();
        let s = arg(&stylized());
        let o = forumsim_in(
            cwd.path(),
            ["run", &s, "--runs", "1", SHORT[0], SHORT[1], "-q"],
        );
        assert_eq!(o.code, 0, "{}", o.show());
        let outputs: Vec<PathBuf> = fs::read_dir(cwd.path().join("outputs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(outputs.len(), 1, "{outputs:?}");
        let (_, m) = manifest(&outputs[0]);
        assert_eq!(
            outputs[0].file_name().unwrap().to_str(),
            m["scenario"]["name"].as_str()
        );
    }

    #[test]
    fn set_shows_in_the_manifest() {
        let tmp = tempfile::tempdir().unwrap();
        run_ok(
            tmp.path(),
            &["--runs", "1", "--set", "parameters.legit_cost=0.5"],
        );
        let (_, m) = manifest(tmp.path());
        assert_eq!(m["parameters"]["legit_cost"], 0.5);
        let overrides = m["scenario"]["overrides"].as_array().unwrap();
        assert!(
            overrides.iter().any(|o| o == "parameters.legit_cost=0.5"),
            "{overrides:?}"
        );
    }

    #[test]
    fn seed_flag_sets_the_master_seed_of_every_row() {
        let tmp = tempfile::tempdir().unwrap();
        run_ok(tmp.path(), &["--runs", "2", "--seed", "99"]);
        let (_, m) = manifest(tmp.path());
        assert_eq!(m["seed"], 99);
        for (name, text) in csvs(tmp.path()) {
            for line in text.lines().skip(1) {
                assert_eq!(line.split(',').nth(1), Some("99"), "{name}: {line}");
            }
        }
    }
}

mod reproducibility {
    use super::*;

    #[test]
    fn the_same_seed_twice_gives_identical_bytes() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        for dir in [&a, &b] {
            run_ok(dir.path(), &["--runs", "2", "--votes", "--states"]);
        }
        let (ta, tb) = (csvs(a.path()), csvs(b.path()));
        assert_eq!(ta.len(), 9);
        assert_eq!(ta, tb);
        assert_eq!(
            manifest_without_timing(a.path()),
            manifest_without_timing(b.path())
        );
    }

    #[test]
    fn one_thread_and_four_threads_give_identical_tables() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        run_ok(
            a.path(),
            &["--runs", "4", "--threads", "1", "--votes", "--states"],
        );
        run_ok(
            b.path(),
            &["--runs", "4", "--threads", "4", "--votes", "--states"],
        );
        assert_eq!(csvs(a.path()), csvs(b.path()));
        // The manifests differ only in the thread count and the timing.
        let strip = |dir: &Path| {
            let (_, mut m) = manifest(dir);
            let o = m.as_object_mut().unwrap();
            o.remove("threads");
            o.remove("timing");
            m
        };
        assert_eq!(strip(a.path()), strip(b.path()));
    }

    #[test]
    fn a_different_seed_gives_different_rounds() {
        // Full length: five rounds might not yet separate two seeds.
        let drop_seed = |dir: &Path| -> Vec<String> {
            let text = fs::read_to_string(dir.join("rounds.csv")).unwrap();
            text.lines()
                .map(|l| {
                    let mut f: Vec<&str> = l.split(',').collect();
                    f.remove(1);
                    f.join(",")
                })
                .collect()
        };
        let mut rounds = Vec::new();
        for seed in ["1", "2"] {
            let tmp = tempfile::tempdir().unwrap();
            let (s, out) = (arg(&stylized()), arg(tmp.path()));
            let o = forumsim(&[
                "run", &s, "--out", &out, "--runs", "2", "--seed", seed, "-q",
            ]);
            assert_eq!(o.code, 0, "{}", o.show());
            rounds.push(drop_seed(tmp.path()));
        }
        assert_ne!(rounds[0], rounds[1], "seeds 1 and 2 gave the same rounds");
    }

    #[test]
    fn run_index_reproduces_that_run_of_a_batch() {
        let (batch, single) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        run_ok(batch.path(), &["--runs", "5", "--votes", "--states"]);
        run_ok(single.path(), &["--run", "3", "--votes", "--states"]);
        // The old name of the flag still works, with the same result.
        let alias = tempfile::tempdir().unwrap();
        run_ok(alias.path(), &["--run-index", "3", "--votes", "--states"]);
        assert_eq!(csvs(alias.path()), csvs(single.path()));
        let (tb, ts) = (csvs(batch.path()), csvs(single.path()));
        assert_eq!(tb.keys().collect::<Vec<_>>(), ts.keys().collect::<Vec<_>>());
        for (name, text) in &tb {
            let mut want: Vec<&str> = text.lines().take(1).collect();
            want.extend(
                text.lines()
                    .skip(1)
                    .filter(|l| l.split(',').next() == Some("3")),
            );
            let got: Vec<&str> = ts[name].lines().collect();
            assert_eq!(got, want, "{name}");
        }
        assert!(
            tb["rounds.csv"]
                .lines()
                .skip(1)
                .any(|l| l.starts_with("3,")),
            "run 3 has rounds"
        );
        let (_, m) = manifest(single.path());
        assert_eq!(
            m["runs"],
            serde_json::json!({ "first": 3, "last": 3, "count": 1 })
        );
    }
}

mod fixtures {
    use super::*;

    /// Every `tests/fixtures/bad/*.toml` opens with `# expect: <fragment>`; loading it
    /// must fail with exit 2, the fragment, a `FILE:LINE` location and no panic.
    #[test]
    fn every_bad_fixture_exits_2_with_its_message_and_line() {
        let dir = root().join("tests/fixtures/bad");
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension() == Some(OsStr::new("toml")))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no fixtures in {}", dir.display());

        let out_dir = tempfile::tempdir().unwrap();
        let out = arg(out_dir.path());
        let mut failures = Vec::new();
        for file in &files {
            let text = fs::read_to_string(file).unwrap();
            let Some(fragment) = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# expect:"))
                .map(str::trim)
            else {
                failures.push(format!(
                    "{}: first line is not `# expect: <fragment>`",
                    file.display()
                ));
                continue;
            };
            let file_arg = arg(file);
            let check = ["check", &file_arg];
            let run = ["run", &file_arg, "--out", &out, "--quiet"];
            for (cmd, args) in [("check", &check[..]), ("run", &run[..])] {
                let o = forumsim(args);
                let ok = o.code == 2
                    && o.stderr.contains(fragment)
                    && has_line_number(&o.stderr)
                    && !o.stderr.contains("panicked");
                if !ok {
                    failures.push(format!(
                        "{cmd} {} (expect {fragment:?}):\n{}",
                        file.display(),
                        o.show()
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} fixtures misbehave:\n\n{}",
            failures.len(),
            files.len(),
            failures.join("\n\n")
        );
    }
}

/// Every form of `choices.csv`'s `option` that a run writes is one the README's table
/// of columns names (issue #14 item 13: a bare `create` was undocumented).
#[test]
fn every_choice_option_form_is_documented_in_the_readme() {
    let dir = tempfile::tempdir().unwrap();
    let s = arg(&stylized());
    let out = arg(dir.path());
    let o = forumsim(&["run", &s, "--runs", "8", "--out", &out, "-q"]);
    assert_eq!(o.code, 0, "{}", o.show());
    let choices = fs::read_to_string(dir.path().join("choices.csv")).unwrap();
    let venues: Vec<String> = fs::read_to_string(dir.path().join("venues.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(4).map(str::to_string))
        .collect();
    let mut forms = std::collections::BTreeSet::new();
    for line in choices.lines().skip(1) {
        let option = line.split(',').nth(6).unwrap();
        let form = match option.split_once(':') {
            Some(("create", v)) => {
                assert!(venues.iter().any(|x| x == v), "{option}: no such venue");
                "`create:<venue>`"
            }
            None if option == "create" => "`create`",
            None if venues.iter().any(|x| x == option) => "a venue",
            _ => panic!("option {option:?} is none of the documented forms"),
        };
        forms.insert(form);
    }
    assert!(
        forms.contains("`create`") && forms.contains("`create:<venue>`"),
        "{forms:?}"
    );
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let row = readme
        .lines()
        .find(|l| l.starts_with("| `choices.csv` |"))
        .expect("the README's table has a row for choices.csv");
    for form in forms.iter().filter(|f| f.starts_with('`')) {
        assert!(
            row.contains(form),
            "README's choices.csv row lacks {form}: {row}"
        );
    }
    assert!(
        row.contains("`create` for"),
        "README names the bare `create` form: {row}"
    );
}
