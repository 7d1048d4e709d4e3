//! The round schedule of MODEL.md §3: one run of one scenario from one RNG stream.

pub mod record;
pub mod rng;

pub use record::*;
pub use rng::{SimRng, run_rng};

use crate::model::Scenario;

/// Runs run `run` (0-based) of `scenario`, from ChaCha stream `run` of `scenario.seed`.
pub fn run(scenario: &Scenario, run: u64, opts: RunOptions) -> RunResult {
    let _ = (scenario, run, opts);
    todo!("engine")
}
