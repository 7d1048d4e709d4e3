//! `forumsim plot DIR` and `forumsim run --plot` as a user runs them: the files they
//! write, and the exit codes for a folder that is not a run folder.

use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::{arg, forumsim, stderr};

const CHARTS: [&str; 4] = ["ami", "members", "rules", "outcomes"];

/// A short run of the default scenario into `dir` (3 runs, 6 rounds).
fn short_run(dir: &Path, extra: &[&str]) {
    let out = arg(dir);
    let mut args = vec![
        "run",
        "scenarios/stylized.toml",
        "--runs",
        "3",
        "--set",
        "rounds=6",
        "--out",
        &out,
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = forumsim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

fn assert_all_charts(plots: &Path) {
    for chart in CHARTS {
        let png = fs::read(plots.join(format!("{chart}.png"))).unwrap();
        assert!(
            png.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{chart}.png is a PNG"
        );
        let svg = fs::read_to_string(plots.join(format!("{chart}.svg"))).unwrap();
        assert!(
            svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
            "{chart}.svg"
        );
    }
    let mut names: Vec<String> = fs::read_dir(plots)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 8, "no temp files left: {names:?}");
}

#[test]
fn plot_writes_eight_files_for_a_run_folder() {
    let tmp = tempfile::tempdir().unwrap();
    short_run(tmp.path(), &[]);
    let o = forumsim(&["plot", &arg(tmp.path())]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("ami.png") && said.contains("plots"), "{said}");
    assert_all_charts(&tmp.path().join("plots"));
}

#[test]
fn run_with_plot_plots_right_after_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    short_run(tmp.path(), &["--plot"]);
    assert_all_charts(&tmp.path().join("plots"));
}

#[test]
fn format_png_writes_only_pngs() {
    let tmp = tempfile::tempdir().unwrap();
    short_run(tmp.path(), &[]);
    let o = forumsim(&["plot", &arg(tmp.path()), "--format", "png", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let plots: PathBuf = tmp.path().join("plots");
    assert!(plots.join("rules.png").is_file());
    assert!(!plots.join("rules.svg").exists());
}

#[test]
fn plot_of_an_empty_folder_exits_2_naming_the_missing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let o = forumsim(&["plot", &arg(tmp.path())]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: ") && err.contains("rounds.csv"),
        "{err}"
    );
    assert!(
        !tmp.path().join("plots").exists(),
        "nothing written on bad input"
    );
}

#[test]
fn plot_of_a_missing_folder_or_garbled_table_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let o = forumsim(&["plot", &arg(&tmp.path().join("nope"))]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("nope") && stderr(&o).contains("no such folder"));
    short_run(tmp.path(), &[]);
    fs::write(
        tmp.path().join("venues.csv"),
        "run,year,venue\n0,1998,unga\n",
    )
    .unwrap();
    // Without checksums in the manifest (as an older forumsim wrote it), the garbled
    // table reaches the reader, which must locate the problem.
    let mpath = tmp.path().join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&fs::read(&mpath).unwrap()).unwrap();
    m.as_object_mut().unwrap().remove("sha256");
    fs::write(&mpath, serde_json::to_vec(&m).unwrap()).unwrap();
    let o = forumsim(&["plot", &arg(tmp.path())]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("venues.csv:1:") && err.contains("members"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn an_unwritable_plots_folder_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    short_run(tmp.path(), &[]);
    // A file where the plots folder should be: writing fails, the input was fine.
    fs::write(tmp.path().join("plots"), "x").unwrap();
    let o = forumsim(&["plot", &arg(tmp.path())]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("plots"), "{}", stderr(&o));
}

#[test]
fn plot_of_a_sweep_folder_writes_axis_heatmap_and_variant_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path());
    let o = forumsim(&[
        "sweep",
        "scenarios/experiments/quick-grid.toml",
        "--out",
        &out,
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = forumsim(&["plot", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plots = tmp.path().join("plots");
    let mut names: Vec<String> = fs::read_dir(&plots)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for stem in [
        "axis-parameters-legit_cost-1",
        "axis-venue-oewg-transparency-1",
        "heatmap-parameters-legit_cost-venue-oewg-transparency-1",
        "variants-1",
    ] {
        for ext in ["png", "svg"] {
            let name = format!("{stem}.{ext}");
            assert!(names.contains(&name), "{name}: {names:?}");
        }
    }
    assert!(
        names
            .iter()
            .all(|n| n.ends_with(".png") || n.ends_with(".svg"))
    );
    let svg = fs::read_to_string(plots.join("variants-1.svg")).unwrap();
    assert!(svg.contains("unga-consensus"), "the variant is labelled");
}

#[test]
fn plot_of_an_unfinished_sweep_exits_2_naming_runs_csv() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("sweep.json"), "{}").unwrap();
    let o = forumsim(&["plot", &arg(tmp.path())]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("manifest.json"), "{}", stderr(&o));
}
