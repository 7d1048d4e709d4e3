//! Modeler ergonomics and reproducibility (issue 7), as a user runs them: the
//! generated parameter reference, scenario inheritance (`extends`), `check --resolved`,
//! `diff`, `verify` and `new`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_forumsim");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn forumsim<I, S>(args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    forumsim_in(&root(), args)
}

fn forumsim_in<I, S>(dir: &Path, args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the forumsim binary runs");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
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
