//! forumsim: agent-based simulation of forum shopping in global cyber governance.
//!
//! The modules below are the layers of the architecture, listed from the bottom up:
//! each may use the ones above it in this list and never one below it, and no two
//! files import each other (`tests/structure.rs` checks both from the sources and
//! names the file and line of any arrow that runs the wrong way). The binary
//! (`src/main.rs`, `src/cli/`) sits on top of them all: flags in, library calls, exit
//! code out.

/// Descriptive statistics of ensembles (mean, sd, type-7 quantiles, t); uses nothing.
pub mod stats;

/// The model: policy space, parameters, the validated scenario, the world state, the
/// RNG streams, and the submodels (`rules`) that decide; knows no scheduler.
pub mod model;

/// The round schedule: runs one run of a scenario on its own RNG stream and records
/// what happened; uses `model`.
pub mod engine;

/// Reading scenarios (TOML, `extends`, `--set`, state tables) into a validated
/// `model::Scenario`, with located errors; runs nothing. Uses `model`.
pub mod scenario;

/// One run told round by round in plain language (`forumsim explain`); uses
/// `engine`, `scenario`.
pub mod explain;

/// Output folders: CSV tables, manifest, atomic writes and whole-folder swaps; uses
/// `engine`'s records.
pub mod output;

/// Batches, sweeps, designs and sensitivity indices: the orchestration of many runs;
/// uses `output`, `scenario`, `engine`.
pub mod experiment;

/// Runs held against recorded votes and facts (`forumsim validate`); uses
/// `experiment`.
pub mod validate;

/// Parameter search against validation targets (`forumsim calibrate`); uses
/// `validate`.
pub mod calibrate;

/// Re-running an output folder's batch and comparing bytes (`forumsim verify`); uses
/// `experiment`, `output`.
pub mod verify;

/// Charts (PNG and SVG) of run, sweep, sensitivity and validate folders; reads what
/// the layers below wrote.
pub mod plot;

/// One offline HTML page of a folder: scenario, manifest, charts, tables.
pub mod report;

/// A GIF replay of one run of a folder; re-runs it through `verify`'s reader.
pub mod animate;

/// `forumsim serve`: a local page where a class changes rules, runs the batch and
/// reads charts, facts and explanations; uses every layer above.
pub mod serve;

/// The fuzz harness of the loaders and the engine's first rounds (tests and
/// cargo-fuzz only).
#[doc(hidden)]
pub mod fuzzing;
