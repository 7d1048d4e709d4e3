//! What a chart's subtitle says about the runs it shows. One wording for every run
//! and validate chart, so that "seed" and "runs" read the same on each of them.

use super::data::{RunData, describe, manifest_runs};
use crate::validate::ValidationReport;
use std::path::Path;

/// "stylized, seed 42, 20 runs": the scenario, then the seed and the number of runs
/// where the folder records them (a manifest that cannot be read leaves them out).
pub fn batch(scenario: &str, seed: Option<u64>, runs: Option<usize>) -> String {
    let seed = seed.map_or(String::new(), |s| format!(", seed {s}"));
    let runs = match runs {
        Some(1) => ", 1 run".to_string(),
        Some(n) => format!(", {n} runs"),
        None => String::new(),
    };
    format!("{scenario}{seed}{runs}")
}

/// "stylized, seed 42, 20 runs": what a title says about the batch.
pub fn subtitle(d: &RunData) -> String {
    batch(&d.scenario, d.seed, Some(d.runs.len()))
}

/// The runs a validate chart shows, as its subtitle names them. The `tallies` and
/// `facts` charts are each built from a report in memory or from a folder, and must
/// name the same runs either way.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub scenario: String,
    pub seed: Option<u64>,
    /// Number of runs, when known.
    pub runs: Option<usize>,
}

impl Batch {
    /// The runs of a validation just computed.
    pub fn of_report(scenario: &str, r: &ValidationReport) -> Batch {
        Batch {
            scenario: scenario.to_string(),
            seed: Some(r.seed),
            runs: Some(r.runs.len()),
        }
    }

    /// The runs of a validate folder, from its manifest: titles only, so what cannot
    /// be read is left out rather than an error.
    pub fn of_folder(dir: &Path) -> Batch {
        let (scenario, seed) = describe(dir);
        Batch {
            scenario,
            seed,
            runs: manifest_runs(dir),
        }
    }

    /// "world, seed 42, 20 runs".
    pub fn text(&self) -> String {
        batch(&self.scenario, self.seed, self.runs)
    }
}
