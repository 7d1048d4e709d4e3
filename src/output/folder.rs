//! What an output folder is, for every writer and reader of one: the names of its fixed
//! files, the error of writing it and what a batch records besides its results. Its own
//! file, below the writers, so that they share these without importing `output/mod.rs`
//! (which imports them).

use crate::model::Scenario;
use serde::Serialize;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Name of the manifest file in an output folder.
pub const MANIFEST: &str = "manifest.json";

/// Name of the copy of the resolved scenario in an output folder: with the manifest's
/// overrides and seed, it is everything needed to run the batch again (`verify`).
pub const RESOLVED: &str = "scenario.resolved.toml";

/// Why an output could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{}: cannot create the output folder", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: cannot write", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: cannot remove the stale file from an earlier batch", path.display())]
    Remove {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A row points outside its run's name tables: a bug in the engine, not in the input.
    #[error(
        "{}: run {run} refers to {what} #{index}, but the run has only {len} (engine bug)",
        path.display()
    )]
    BadIndex {
        path: PathBuf,
        run: u64,
        what: &'static str,
        index: u64,
        len: usize,
    },
}

/// The optional tables (the engine records their rows only when asked, see
/// [`crate::engine::RunOptions`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tables {
    /// Write `votes.csv`.
    pub votes: bool,
    /// Write `attention.csv`.
    pub states: bool,
    /// Write only the votes of these decisions into `votes.csv` (`--votes-on`); the
    /// manifest records it only when given, so other manifests keep their bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub votes_on: Option<super::votes_on::VotesOn>,
}

/// A file written, as listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    pub name: String,
    /// Data rows (header excluded).
    pub rows: u64,
}

/// What the manifest records about a batch besides its results.
#[derive(Debug, Clone)]
pub struct Batch<'a> {
    /// The scenario as run (after `--set` and `--seed`).
    pub scenario: &'a Scenario,
    /// The scenario file as the user named it.
    pub scenario_path: &'a Path,
    /// The scenario file's bytes, hashed into the manifest.
    pub scenario_bytes: &'a [u8],
    /// The scenario with `extends` resolved and no override applied
    /// ([`crate::scenario::Resolved::text`]); written to [`RESOLVED`]. With `until`,
    /// the cut scenario with the overrides applied.
    pub resolved: &'a str,
    /// `path=value` overrides applied on top of the file, in order.
    pub overrides: &'a [String],
    /// `--until YEAR`: the scenario was cut after that year ([`crate::scenario::Cut`]).
    pub until: Option<i64>,
    /// Run indices of the batch, in order.
    pub runs: &'a [u64],
    /// Worker threads of the pool the batch ran on.
    pub threads: usize,
    pub tables: Tables,
    /// When the batch started; the manifest's wall time is measured from here.
    pub started: Instant,
}
