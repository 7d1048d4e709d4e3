//! `forumsim sweep` + `forumsim sensitivity` (and `design --export salib`) as a user
//! runs them, checked against functions with known indices. The test functions run
//! through the same design, sweep and summary code as a scenario does.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::names;

const FIX: &str = "tests/fixtures/sensitivity";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_forumsim"))
        .current_dir(root())
        .args(args)
        .env_remove("FORUMSIM_SWEEP_STOP_AFTER")
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> Output {
    let out = run(args);
    assert!(
        out.status.success(),
        "forumsim {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Sweeps fixture `name` into a temporary folder and analyses it.
fn sweep_and_analyse(name: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf, Output) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    let exp = format!("{FIX}/{name}.toml");
    ok(&["sweep", &exp, "--out", s(&dir), "-q"]);
    let mut args = vec!["sensitivity", s(&dir)];
    args.extend(extra);
    let out = ok(&args);
    (tmp, dir, out)
}

/// Rows of a CSV file as header name -> cell.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut rd = csv::Reader::from_path(path).unwrap();
    let head: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    rd.records()
        .map(|r| {
            let r = r.unwrap();
            head.iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn f(row: &BTreeMap<String, String>, k: &str) -> f64 {
    row[k].parse().unwrap()
}

/// (estimate, lo, hi) of index `index` of `param` in sensitivity_sobol.csv.
fn sobol(dir: &Path, index: &str, param: &str) -> (f64, f64, f64) {
    let all = rows(&dir.join("sensitivity_sobol.csv"));
    let r = all
        .iter()
        .find(|r| r["index"] == index && r["parameter"] == param && r["parameter2"].is_empty())
        .unwrap_or_else(|| panic!("no {index} of {param}"));
    (f(r, "estimate"), f(r, "ci_lo"), f(r, "ci_hi"))
}

fn ishigami() -> ([f64; 3], [f64; 3], f64) {
    let (a, b) = (7.0, 0.1);
    let pi4 = std::f64::consts::PI.powi(4);
    let v1 = 0.5 * (1.0 + b * pi4 / 5.0f64).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * pi4 * pi4 * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v], v)
}

/// docs/SENSITIVITY.md's Ishigami table is what this run writes: figures in the docs
/// come from a command a test re-runs (issue #14 item 5). On a mismatch the message
/// holds the rows to paste.
fn doc_table_is_todays_output(dir: &Path, s1: [f64; 3], st: [f64; 3]) {
    let f3 = |v: f64| format!("{v:.3}").replace('-', "−");
    let mut want = Vec::new();
    for (index, analytic) in [("S1", s1), ("ST", st)] {
        for (i, x) in ["x1", "x2", "x3"].iter().enumerate() {
            let (e, lo, hi) = sobol(dir, index, x);
            want.push(format!(
                "| {index}({x}) | {} | {} | [{}, {}] |",
                f3(analytic[i]),
                f3(e),
                f3(lo),
                f3(hi)
            ));
        }
    }
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/SENSITIVITY.md"))
        .unwrap();
    let have: Vec<&str> = doc
        .lines()
        .filter(|l| l.starts_with("| S1(x") || l.starts_with("| ST(x"))
        .collect();
    assert_eq!(
        have,
        want,
        "docs/SENSITIVITY.md's Ishigami table is stale; today's rows:\n{}",
        want.join("\n")
    );
}

#[test]
fn ishigami_at_2_14_is_within_its_intervals_of_the_analytic_indices() {
    let (_tmp, dir, out) = sweep_and_analyse("ishigami", &[]);
    let (s1, st, _) = ishigami();
    for (i, x) in ["x1", "x2", "x3"].iter().enumerate() {
        for (index, want) in [("S1", s1[i]), ("ST", st[i])] {
            let (e, lo, hi) = sobol(&dir, index, x);
            assert!(
                lo <= want && want <= hi,
                "{index}({x}) = {e} [{lo}, {hi}], analytic {want}"
            );
            // The intervals are narrow enough to catch a wrong estimator.
            assert!(hi - lo < 0.06, "{index}({x}) interval [{lo}, {hi}]");
        }
    }
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("x1") && text.contains("S1"), "{text}");
    doc_table_is_todays_output(&dir, s1, st);
    for chart in ["sobol-y.png", "sobol-y.svg"] {
        assert!(dir.join("plots").join(chart).is_file(), "{chart}");
    }
}

#[test]
fn g_function_at_2_14_is_within_its_intervals_including_second_order() {
    let (_tmp, dir, _) = sweep_and_analyse("gfunction-sobol", &["--no-plots"]);
    let a = [0.0, 1.0, 4.5, 9.0];
    let vi: Vec<f64> = a
        .iter()
        .map(|a| 1.0 / (3.0 * (1.0 + a) * (1.0 + a)))
        .collect();
    let prod: f64 = vi.iter().map(|v| 1.0 + v).product();
    let v = prod - 1.0;
    for (i, vi) in vi.iter().enumerate() {
        let x = format!("x{}", i + 1);
        let s1 = vi / v;
        let st = vi * prod / (1.0 + vi) / v;
        for (index, want) in [("S1", s1), ("ST", st)] {
            let (e, lo, hi) = sobol(&dir, index, &x);
            assert!(
                lo <= want && want <= hi,
                "{index}({x}) = {e} [{lo}, {hi}], analytic {want}"
            );
        }
    }
    // S2(x1, x2) = V1 V2 / V.
    let all = rows(&dir.join("sensitivity_sobol.csv"));
    let r = all
        .iter()
        .find(|r| r["index"] == "S2" && r["parameter"] == "x1" && r["parameter2"] == "x2")
        .unwrap();
    let want = vi[0] * vi[1] / v;
    assert!(
        f(r, "ci_lo") <= want && want <= f(r, "ci_hi"),
        "{r:?} vs {want}"
    );
}

#[test]
fn morris_ranks_the_g_function_important_factors_first() {
    let (_tmp, dir, out) = sweep_and_analyse("gfunction-morris", &[]);
    let all = rows(&dir.join("sensitivity_morris.csv"));
    assert_eq!(all.len(), 8);
    let rank = |p: &str| -> u32 {
        all.iter().find(|r| r["parameter"] == p).unwrap()["rank"]
            .parse()
            .unwrap()
    };
    for (i, p) in ["x1", "x2", "x3", "x4"].iter().enumerate() {
        assert_eq!(rank(p), i as u32 + 1, "{all:?}");
    }
    assert!(dir.join("plots/morris-y.png").is_file());
    assert!(String::from_utf8_lossy(&out.stdout).contains("mu*"));
}

#[test]
fn pure_noise_moves_into_the_seed_share_not_into_the_indices() {
    let (_tmp, dir, out) = sweep_and_analyse("ishigami-noise", &["--no-plots"]);
    let (s1, st, v) = ishigami();
    let noise = 3.72f64 * 3.72;
    let share = rows(&dir.join("seed_share.csv"));
    let sh = &share[0];
    let want = noise / (noise + v);
    assert!(
        f(sh, "ci_lo") <= want && want <= f(sh, "ci_hi"),
        "seed share {sh:?}, expected {want}"
    );
    for (i, x) in ["x1", "x2", "x3"].iter().enumerate() {
        for (index, want) in [("S1", s1[i]), ("ST", st[i])] {
            let (e, lo, hi) = sobol(&dir, index, x);
            assert!(
                lo <= want && want <= hi,
                "{index}({x}) = {e} [{lo}, {hi}], analytic {want}"
            );
        }
    }
    // Uncorrected, the replicate means' noise (variance noise/4) would sit in every
    // total index: ST(x3) would read (V13 + noise/4) / (V + noise/4).
    let naive = (st[2] * v + noise / 4.0) / (v + noise / 4.0);
    let (_, lo, hi) = sobol(&dir, "ST", "x3");
    assert!(!(lo..=hi).contains(&naive), "{naive} in [{lo}, {hi}]");
    // Each index says how much of its interval is the seed's.
    let sd: f64 = rows(&dir.join("sensitivity_sobol.csv"))[0]["seed_sd"]
        .parse()
        .unwrap();
    assert!(sd > 0.0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("seed share 0."), "{text}");
}

#[test]
fn a_stylized_sobol_design_runs_through_sweep_and_sensitivity() {
    let (_tmp, dir, out) = sweep_and_analyse("stylized-tiny", &["--bootstrap", "50"]);
    let share = rows(&dir.join("seed_share.csv"));
    assert_eq!(
        share
            .iter()
            .map(|r| r["outcome"].as_str())
            .collect::<Vec<_>>(),
        ["ami", "fragmentation"]
    );
    assert!(share.iter().all(|r| r["replicates"] == "2"));
    let idx = rows(&dir.join("sensitivity_sobol.csv"));
    assert_eq!(idx.len(), 2 * 2 * 2, "2 outcomes x (S1, ST) x 2 parameters");
    assert!(dir.join("plots/sobol-ami.svg").is_file());
    assert!(dir.join("plots/seed-share.png").is_file());
    // Four base samples cannot pin anything down: the command says so, after the
    // results, in a few short lines, and writes the whole story to seed_share.csv.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning:"), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.len() <= 6,
        "at most 4 warnings, a count and the file: {err}"
    );
    assert!(lines.iter().all(|l| l.chars().count() <= 110), "{err}");
    assert!(
        lines.last().unwrap().contains("seed_share.csv"),
        "says where the details are: {err}"
    );
    // Each outcome's warnings name the seed noise as what swamps the indices (no
    // parameter-driven variance at all, or most of a run's variance).
    let full: Vec<&str> = share.iter().map(|r| r["warnings"].as_str()).collect();
    assert!(
        full.iter().all(
            |w| w.contains("no parameter-driven variance beyond the seed noise")
                || w.contains("seed noise dominates")
        ),
        "{full:?}"
    );
    assert!(
        err.contains("`ami`: ") && err.contains("seed noise"),
        "{err}"
    );
}

#[test]
fn the_shipped_stylized_experiment_exports_a_salib_design() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("salib");
    ok(&[
        "design",
        "scenarios/experiments/sensitivity-stylized.toml",
        "--export",
        "salib",
        "--out",
        s(&out),
        "-q",
    ]);
    let p: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("problem.json")).unwrap()).unwrap();
    assert_eq!(p["num_vars"], 8);
    assert_eq!(p["names"][0], "parameters.legit_cost");
    assert_eq!(p["bounds"][0][1], 0.6);
    let design = fs::read_to_string(out.join("design.csv")).unwrap();
    assert_eq!(design.lines().count(), 1 + 128 * 10);
}

#[test]
fn an_external_salib_folder_gives_the_same_indices_as_the_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let ext = tmp.path().join("ext");
    let exp = format!("{FIX}/ishigami-noise.toml");
    ok(&["design", &exp, "--export", "salib", "--out", s(&ext), "-q"]);
    let swept = tmp.path().join("swept");
    ok(&["sweep", &exp, "--out", s(&swept), "-q"]);
    // outputs.csv: the sweep's values, as an external runner would write them
    // (point and replicate columns, rows in any order: here replicate-major).
    let runs = rows(&swept.join("runs.csv"));
    let mut out = String::from("replicate,point,y\n");
    for rep in 0..4 {
        for r in runs.iter().filter(|r| r["replicate"] == rep.to_string()) {
            out.push_str(&format!("{},{},{}\n", r["replicate"], r["point"], r["y"]));
        }
    }
    fs::write(ext.join("outputs.csv"), out).unwrap();
    ok(&["sensitivity", s(&swept), "--no-plots", "-q"]);
    ok(&["sensitivity", s(&ext), "--no-plots", "-q"]);
    let a = rows(&swept.join("sensitivity_sobol.csv"));
    let b = rows(&ext.join("sensitivity_sobol.csv"));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x["estimate"], y["estimate"], "{x:?} vs {y:?}");
    }
}

#[test]
fn bad_folders_and_designs_exit_2_with_a_message() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&["sensitivity", s(tmp.path())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("problem.json"));

    // A grid sweep has no sensitivity design.
    let grid = tmp.path().join("grid");
    ok(&[
        "sweep",
        "scenarios/experiments/quick-grid.toml",
        "--out",
        s(&grid),
        "-q",
    ]);
    let out = run(&["sensitivity", s(&grid)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("design = \"sobol\" or \"morris\""));

    // Sobol' designs take no variants; test functions take no scenario patches.
    let bad = tmp.path().join("bad.toml");
    for (text, needle) in [
        (
            "function = \"ishigami\"\ndesign = \"sobol\"\nsamples = 8\nreplicates = 1\nseed = 1\n[[axis]]\npath = \"a\"\nrange = [0.0, 1.0]\n",
            "3 inputs",
        ),
        (
            "scenario = \"../x.toml\"\nfunction = \"ishigami\"\ndesign = \"sobol\"\nsamples = 8\nreplicates = 1\nseed = 1\n[[axis]]\npath = \"a\"\nrange = [0.0, 1.0]\n",
            "not both",
        ),
        (
            "function = \"g-function\"\ndesign = \"morris\"\ntrajectories = 4\nlevels = 3\nreplicates = 1\nseed = 1\n[[axis]]\npath = \"a\"\nrange = [0.0, 1.0]\n",
            "levels must be even",
        ),
        (
            "function = \"g-function\"\ndesign = \"sobol\"\nsamples = 8\nlevels = 4\nreplicates = 1\nseed = 1\n[[axis]]\npath = \"a\"\nrange = [0.0, 1.0]\n",
            "`levels` belongs to design = \"morris\"",
        ),
    ] {
        fs::write(&bad, text).unwrap();
        let out = run(&[
            "sweep",
            s(&bad),
            "--out",
            s(&tmp.path().join("never")),
            "-q",
        ]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle) && err.contains("bad.toml:"), "{err}");
    }
    let variant = format!(
        "scenario = {:?}\ndesign = \"sobol\"\nsamples = 4\nreplicates = 1\nseed = 1\n[[axis]]\npath = \"parameters.legit_cost\"\nrange = [0.1, 0.5]\n[[variant]]\nname = \"v\"\nset = {{ rounds = 3 }}\n",
        s(&root().join("scenarios/stylized.toml"))
    );
    fs::write(&bad, variant).unwrap();
    let out = run(&[
        "design",
        s(&bad),
        "--export",
        "salib",
        "--out",
        s(&tmp.path().join("v")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("takes no [[variant]]"));
}

#[test]
fn a_sobol_sweep_in_shards_merges_to_the_same_indices() {
    let tmp = tempfile::tempdir().unwrap();
    let exp = format!("{FIX}/ishigami-noise.toml");
    let whole = tmp.path().join("whole");
    ok(&["sweep", &exp, "--out", s(&whole), "-q", "-j", "1"]);
    let (a, b, m) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("m"),
    );
    ok(&["sweep", &exp, "--out", s(&a), "-q", "--shard", "1/2"]);
    ok(&["sweep", &exp, "--out", s(&b), "-q", "--shard", "2/2"]);
    ok(&["merge", s(&a), s(&b), "--out", s(&m), "-q"]);
    assert_eq!(
        fs::read(whole.join("runs.csv")).unwrap(),
        fs::read(m.join("runs.csv")).unwrap()
    );
    for d in [&whole, &m] {
        ok(&[
            "sensitivity",
            s(d),
            "--no-plots",
            "-q",
            "--bootstrap",
            "200",
        ]);
    }
    for f in ["sensitivity_sobol.csv", "seed_share.csv"] {
        assert_eq!(
            fs::read(whole.join(f)).unwrap(),
            fs::read(m.join(f)).unwrap(),
            "{f}"
        );
    }
}

/// The report of a sensitivity sweep leads with what the analysis found: the seed share,
/// the indices of every outcome and the index charts; the binned per-parameter charts
/// (misleading on a design whose rows share base samples) are left out. Before the
/// analysis it says how to get the indices (issue #14 item 1).
#[test]
fn a_sensitivity_sweeps_report_leads_with_its_indices() {
    for (name, heading) in [
        ("gfunction-sobol", "Sobol' indices: y"),
        ("gfunction-morris", "Morris elementary effects: y"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(name);
        ok(&[
            "sweep",
            &format!("{FIX}/{name}.toml"),
            "--out",
            s(&dir),
            "-q",
        ]);
        ok(&["report", s(&dir)]);
        let before = fs::read_to_string(dir.join("report.html")).unwrap();
        assert!(
            before.contains("forumsim sensitivity"),
            "{name}: how to get them"
        );
        assert!(!before.contains("<figure"), "{name}: no binned charts");
        ok(&["sensitivity", s(&dir), "--bootstrap", "50"]);
        ok(&["report", s(&dir)]);
        let html = fs::read_to_string(dir.join("report.html")).unwrap();
        let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{name}: no {s:?}"));
        assert!(at("Sensitivity indices") < at("<h2>Tables</h2>"));
        assert!(at("Seed share") < at(heading));
        let figs = html.matches("<figure").count();
        let svgs = fs::read_dir(dir.join("plots"))
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".svg"))
            .filter(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.starts_with("sobol-") || n.starts_with("morris-") || n == "seed-share.svg"
            })
            .count();
        assert!(
            svgs > 0 && figs == svgs,
            "{name}: {figs} figures, {svgs} index charts"
        );
        assert!(
            !html.contains("id=\"axis-"),
            "{name}: per-parameter charts left out"
        );
    }
}

/// The table of the shipped stylized Sobol' experiment in docs/SENSITIVITY.md (between
/// its `<!-- stylized-sobol -->` markers) is what the experiment gives today: the test
/// re-runs it (5,120 short runs) and compares; on a mismatch it prints the block to
/// paste (issue #14 item 5).
#[test]
fn the_documented_stylized_indices_are_todays() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sens");
    ok(&[
        "sweep",
        "scenarios/experiments/sensitivity-stylized.toml",
        "--out",
        s(&dir),
        "-q",
    ]);
    ok(&["sensitivity", s(&dir), "--no-plots", "-q"]);
    // A rounded zero has no sign; a negative value gets the typographic minus.
    let f2 = |v: f64| match format!("{v:.2}").as_str() {
        "-0.00" => "0.00".to_string(),
        t => t.replace('-', "−"),
    };
    let ci = |(e, lo, hi): (f64, f64, f64)| format!("{} [{}, {}]", f2(e), f2(lo), f2(hi));
    let share = rows(&dir.join("seed_share.csv"));
    let mut want = Vec::new();
    for outcome in ["ami", "fragmentation"] {
        let sh = share.iter().find(|r| r["outcome"] == outcome).unwrap();
        want.push(format!(
            "**{outcome}**: seed share {}",
            ci((f(sh, "seed_share"), f(sh, "ci_lo"), f(sh, "ci_hi")))
        ));
        want.push(String::new());
        want.push("| parameter | S1 [95% CI] | ST [95% CI] |".into());
        want.push("|---|---|---|".into());
        let all = rows(&dir.join("sensitivity_sobol.csv"));
        let get = |index: &str, p: &str| {
            let r = all
                .iter()
                .find(|r| r["outcome"] == outcome && r["index"] == index && r["parameter"] == p)
                .unwrap();
            (f(r, "estimate"), f(r, "ci_lo"), f(r, "ci_hi"))
        };
        let mut params: Vec<String> = all
            .iter()
            .filter(|r| r["outcome"] == outcome && r["index"] == "ST")
            .map(|r| r["parameter"].clone())
            .collect();
        params.sort_by(|a, b| get("ST", b).0.total_cmp(&get("ST", a).0));
        for p in params {
            let short = p.trim_start_matches("parameters.");
            want.push(format!(
                "| `{short}` | {} | {} |",
                ci(get("S1", &p)),
                ci(get("ST", &p))
            ));
        }
        want.push(String::new());
    }
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/SENSITIVITY.md"))
        .unwrap();
    let start = doc.find("<!-- stylized-sobol -->\n").expect("start marker") + 24;
    let end = doc.find("<!-- /stylized-sobol -->").expect("end marker");
    let have: Vec<&str> = doc[start..end].lines().collect();
    assert_eq!(
        have,
        want,
        "docs/SENSITIVITY.md's stylized Sobol' block is stale; today's block:\n{}",
        want.join("\n")
    );
}

#[test]
fn issue15_an_analysis_is_swapped_into_the_sweep_folder_whole() {
    // A first analysis (tables and charts), then the user's files and another chart.
    let (tmp, dir, _) = sweep_and_analyse("ishigami", &["-q", "--bootstrap", "50"]);
    let first = fs::read(dir.join("sensitivity_sobol.csv")).unwrap();
    let runs = fs::read(dir.join("runs.csv")).unwrap();
    fs::write(dir.join("notes.txt"), "mine").unwrap();
    fs::write(dir.join("plots/my-chart.png"), "mine").unwrap();
    assert!(dir.join("plots/sobol-y.png").is_file());
    fs::create_dir(tmp.path().join(".ishigami.new-999999999-0")).unwrap();

    // Again, without charts: this analysis's files replace the last one's, whole (no
    // chart of the earlier analysis is left to pass for this one's); the sweep's and
    // the user's files stay; a dead writer's staging folder is cleaned.
    ok(&[
        "sensitivity",
        s(&dir),
        "-q",
        "--bootstrap",
        "20",
        "--no-plots",
    ]);
    let second = fs::read(dir.join("sensitivity_sobol.csv")).unwrap();
    assert_ne!(second, first, "another bootstrap, other intervals");
    assert_eq!(fs::read(dir.join("runs.csv")).unwrap(), runs);
    assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
    assert_eq!(names(&dir.join("plots")), ["my-chart.png"]);
    assert_eq!(names(tmp.path()), ["ishigami"], "staging folders left");
    assert_eq!(code_of(&run(&["plot", s(&dir), "-q"])), Some(0));

    // A write that fails half-way (here the charts: `plots` is now a file) leaves the
    // previous analysis whole: before, its tables were already replaced.
    fs::remove_dir_all(dir.join("plots")).unwrap();
    fs::write(dir.join("plots"), "not a folder").unwrap();
    let o = run(&["sensitivity", s(&dir), "-q", "--bootstrap", "50"]);
    assert!(!o.status.success(), "drawing into a file succeeded");
    assert_eq!(fs::read(dir.join("sensitivity_sobol.csv")).unwrap(), second);
    assert_eq!(
        fs::read_to_string(dir.join("plots")).unwrap(),
        "not a folder"
    );
    assert_eq!(names(tmp.path()), ["ishigami"], "staging folders left");
}

fn code_of(o: &Output) -> Option<i32> {
    o.status.code()
}
