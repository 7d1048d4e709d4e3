//! The scenario, experiment and state-table loaders and the engine's first rounds,
//! on any bytes: see `forumsim::fuzzing` and docs/RELIABILITY.md.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    forumsim::fuzzing::run(data);
});
