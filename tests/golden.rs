//! Golden files: two runs of the stylized world and small sweeps of every design, byte
//! for byte. Any change to the model, its defaults, the shipped scenarios or the output
//! format shows up here. When such a change is intended, regenerate with
//! `FORUMSIM_BLESS=1 cargo test --test golden` and say why in the commit (and in the changelog's reproducibility section).

use std::path::{Path, PathBuf};
use std::process::Command;

const FILES: &[&str] = &[
    "rounds.csv",
    "venues.csv",
    "rules.csv",
    "decisions.csv",
    "admissions.csv",
    "elections.csv",
    "choices.csv",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_into(dir: &Path, threads: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_forumsim"))
        .args([
            "run",
            "scenarios/stylized.toml",
            "--runs",
            "2",
            "--threads",
            threads,
            "--quiet",
            "--out",
        ])
        .arg(dir)
        .current_dir(root())
        .output()
        .expect("forumsim runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// On one thread and on two: `run` writes each run's rows as the runs finish, in run
/// order (issue #17 item 1), and the bytes are those of the golden files, which were
/// written when the whole batch was collected first.
#[test]
fn two_stylized_runs_match_the_golden_files() {
    let golden = root().join("tests/golden/stylized");
    for threads in ["2", "1"] {
        let dir = tempfile::tempdir().unwrap();
        run_into(dir.path(), threads);
        if std::env::var_os("FORUMSIM_BLESS").is_some() {
            std::fs::create_dir_all(&golden).unwrap();
            for f in FILES {
                std::fs::copy(dir.path().join(f), golden.join(f)).unwrap();
            }
            return;
        }
        for f in FILES {
            let want = std::fs::read_to_string(golden.join(f)).unwrap_or_else(|e| {
                panic!("tests/golden/stylized/{f}: {e} (FORUMSIM_BLESS=1 creates it)")
            });
            let got = std::fs::read_to_string(dir.path().join(f)).unwrap();
            if got != want {
                let line = got.lines().zip(want.lines()).position(|(a, b)| a != b);
                panic!(
                    "{f} with --threads {threads} differs from the golden file (first differing \
                     line: {:?}); if the change is intended, regenerate with FORUMSIM_BLESS=1 \
                     cargo test --test golden",
                    line.map(|l| l + 1)
                );
            }
        }
    }
}

/// A batch of more runs than `run` keeps in flight (four per thread), with every
/// table: streamed on one and on two threads, the folders are identical byte for byte,
/// and `verify`, which collects its re-run whole before writing it, finds the same
/// bytes (issue #17 item 1).
#[test]
fn a_streamed_batch_is_the_collected_batch_whatever_the_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("j{threads}"));
        forumsim(&[
            "run",
            "scenarios/stylized.toml",
            "--set",
            "rounds=4",
            "--runs",
            "40",
            "--votes",
            "--states",
            "--threads",
            threads,
            "-q",
            "--out",
            out.to_str().unwrap(),
        ]);
        dirs.push(out);
    }
    let mut files = FILES.to_vec();
    files.extend(["votes.csv", "attention.csv"]);
    for f in files {
        let (a, b) = (
            std::fs::read(dirs[0].join(f)).unwrap(),
            std::fs::read(dirs[1].join(f)).unwrap(),
        );
        assert!(a == b, "{f}: --threads 1 and --threads 2 differ");
    }
    forumsim(&["verify", dirs[1].to_str().unwrap(), "-q"]);
}

/// Runs `forumsim ARGS` in the crate root and checks it succeeded.
fn forumsim(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_forumsim"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("forumsim runs");
    assert!(
        out.status.success(),
        "forumsim {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Small sweeps of every design kind, byte for byte: `runs.csv` and `summary.csv`, and
/// for Sobol' and Morris the indices `sensitivity` computes from them. The designs'
/// points are made on demand from `sweep.json`'s description (issue #15); these files
/// were made when every point was listed, and must not change.
#[test]
fn small_sweeps_of_every_design_match_the_golden_files() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &[&str])] = &[
        ("lhs-tiny", "tests/fixtures/experiments/lhs-tiny.toml", &[]),
        (
            "sobol-tiny",
            "tests/fixtures/experiments/sobol-tiny.toml",
            &["sensitivity_sobol.csv", "seed_share.csv"],
        ),
        (
            "morris-tiny",
            "tests/fixtures/experiments/morris-tiny.toml",
            &["sensitivity_morris.csv", "seed_share.csv"],
        ),
        ("quick-grid", "scenarios/experiments/quick-grid.toml", &[]),
    ];
    let bless = std::env::var_os("FORUMSIM_BLESS").is_some();
    for (name, exp, extra) in cases {
        let out = tmp.path().join(name);
        let out_s = out.to_str().unwrap();
        forumsim(&["sweep", exp, "--out", out_s, "-q"]);
        if !extra.is_empty() {
            forumsim(&[
                "sensitivity",
                out_s,
                "--no-plots",
                "-q",
                "--bootstrap",
                "50",
            ]);
        }
        let golden = root().join("tests/golden/sweeps").join(name);
        for f in ["runs.csv", "summary.csv"].iter().chain(extra.iter()) {
            if bless {
                std::fs::create_dir_all(&golden).unwrap();
                std::fs::copy(out.join(f), golden.join(f)).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(golden.join(f)).unwrap_or_else(|e| {
                panic!("tests/golden/sweeps/{name}/{f}: {e} (FORUMSIM_BLESS=1 creates it)")
            });
            let got = std::fs::read_to_string(out.join(f)).unwrap();
            let line = got.lines().zip(want.lines()).position(|(a, b)| a != b);
            assert!(
                got == want,
                "{name}/{f} differs from the golden file (first differing line: {:?})",
                line.map(|l| l + 1)
            );
        }
    }
}
