//! Helpers shared by the CLI integration tests: run the built binary as a user would,
//! from the repository root. Each test file uses what it needs (`mod common;`), so the
//! rest would count as dead code there.
#![allow(dead_code)]

pub mod big;

use std::path::Path;
use std::process::{Command, Output};

/// The `forumsim` binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_forumsim");

/// Runs `forumsim ARGS` from the repository root and waits for it.
pub fn forumsim(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the forumsim binary starts")
}

/// A path as a command-line argument.
pub fn arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// What the command wrote to stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The repository root (where `scenarios/` and `docs/` are).
pub fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What a finished `forumsim` command left: its exit code and its output as text.
pub struct Out {
    /// The exit code; -1 when killed by a signal, which is never a valid outcome.
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// Everything the command said, for an assertion message.
    pub fn show(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs `forumsim ARGS` in `dir` and waits for it.
pub fn forumsim_in<I, S>(dir: &Path, args: I) -> Out
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let o = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the forumsim binary starts");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// `chromium` or `chromium-browser` on PATH (the browser checks skip without one).
pub fn chromium() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
        .find(|p| p.is_file())
}

/// The names of the entries of `dir`, sorted (what a folder holds, for comparisons).
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The flags every headless Chromium of the tests starts with: no sandbox (containers),
/// no GPU, and no network of its own, so a test sees only the page it loads.
pub const HEADLESS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
