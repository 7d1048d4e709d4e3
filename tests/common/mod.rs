//! Helpers shared by the CLI integration tests: run the built binary as a user would,
//! from the repository root. Each test file uses what it needs (`mod common;`), so the
//! rest would count as dead code there.
#![allow(dead_code)]

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
