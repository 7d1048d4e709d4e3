//! Scenario files: TOML (and CSV state tables) -> validated [`crate::model::Scenario`].

// STUB: replaced by the real module on merge. Only the signature of `load_with` and a
// `ScenarioError` implementing `Display` + `std::error::Error` are relied on by the CLI.
// It returns an error (rather than panicking) so the CLI's error path can be exercised.

use crate::model::Scenario;
use std::path::{Path, PathBuf};

/// Why a scenario could not be loaded. Display = "FILE:LINE:COL: message".
#[derive(Debug)]
pub struct ScenarioError {
    path: PathBuf,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:1:1: scenario loading is not in this build (stub)",
            self.path.display()
        )
    }
}

impl std::error::Error for ScenarioError {}

/// Loads, applies `path=value` overrides to, and validates a scenario file.
pub fn load_with(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let _ = overrides;
    Err(ScenarioError {
        path: path.to_path_buf(),
    })
}
