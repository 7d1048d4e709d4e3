//! Batches of runs in parallel, collected in run order (and loaded, stopped and
//! counted as the batch commands do: [`batch`]); and sweeps: experiment files
//! ([`design`]), designs made elsewhere ([`extdesign`]), a design's points made on
//! demand from its description ([`points`]), outcome metrics ([`metrics`]), statistics
//! ([`summary`]) and the chunked, resumable, shardable runner ([`sweep`]). Runs handed
//! over in order as they finish, a bounded number at a time: [`stream`]. Sensitivity
//! analysis: the Sobol' sequence ([`sobolseq`]), Saltelli and Morris designs
//! ([`sensdesign`]), test functions for method checks ([`testfn`]), the estimators
//! ([`sensitivity`]) and their input and output files ([`sensio`]).

pub mod batch;
pub mod design;
pub mod extdesign;
pub mod metrics;
pub mod points;
pub mod sensdesign;
pub mod sensio;
pub mod sensitivity;
pub mod sobolseq;
pub mod stream;
pub mod summary;
pub mod sweep;
pub mod testfn;

use crate::engine::{RunOptions, RunResult};
use crate::model::Scenario;
use rayon::prelude::*;

/// Runs `runs` (run indices) of `scenario` in parallel on the current rayon pool and
/// returns the results in run order, so output never depends on scheduling.
pub fn run_batch(scenario: &Scenario, runs: &[u64], opts: RunOptions) -> Vec<RunResult> {
    let rooms = batch::Rooms::default();
    runs.par_iter()
        .map(|&r| rooms.run(scenario, r, opts))
        .collect()
}
