//! Golden files: two runs of the stylized world, byte for byte. Any change to the model,
//! its defaults, the shipped scenario or the output format shows up here. When such a
//! change is intended, regenerate with `FORUMSIM_BLESS=1 cargo test --test golden` and
//! say why in the commit (and in the changelog's reproducibility section).

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

fn run_into(dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_forumsim"))
        .args([
            "run",
            "scenarios/stylized.toml",
            "--runs",
            "2",
            "--threads",
            "2",
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

#[test]
fn two_stylized_runs_match_the_golden_files() {
    let dir = tempfile::tempdir().unwrap();
    run_into(dir.path());
    let golden = root().join("tests/golden/stylized");
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
                "{f} differs from the golden file (first differing line: {:?}); if the change \
                 is intended, regenerate with FORUMSIM_BLESS=1 cargo test --test golden",
                line.map(|l| l + 1)
            );
        }
    }
}
