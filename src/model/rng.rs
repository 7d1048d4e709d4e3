//! The one random-number generator of the model and how runs get their streams.
//!
//! `SimRng` is ChaCha12 from `rand_chacha` (pinned): named after its algorithm, its
//! output is fixed across platforms and crate releases, unlike `StdRng`. Run `r` of
//! master seed `S` is `ChaCha12Rng::seed_from_u64(S)` on stream `r`, so every run is
//! reproducible alone (`forumsim run --run r`) and runs never share a generator.

use rand::SeedableRng;
use rand_chacha::ChaCha12Rng;

/// The model's generator.
pub type SimRng = ChaCha12Rng;

/// Stream reserved for drawing generated populations (same states in every run).
pub const POPULATION_STREAM: u64 = u64::MAX;

/// The generator of run `run` of master seed `seed`.
pub fn run_rng(seed: u64, run: u64) -> SimRng {
    let mut rng = ChaCha12Rng::seed_from_u64(seed);
    rng.set_stream(run);
    rng
}

/// The generator used once per scenario to draw generated populations.
pub fn population_rng(seed: u64) -> SimRng {
    run_rng(seed, POPULATION_STREAM)
}
