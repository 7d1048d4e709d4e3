//! `forumsim run` end to end, as a user runs it: the world scenario's batch with every
//! table written (streamed by the workers, issue #17 item 1), on one thread and on two,
//! in runs per second. The ratio of the two is the parallel efficiency of the whole
//! command, output included, which the engine's `batch/` bench does not see.
//!
//! Run with `cargo bench --bench run`. Each sample is one process (its start-up and
//! the scenario's loading are part of what a user waits for). Tests never assert times.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use std::process::Command;

/// Runs per sample: long enough that start-up (≈ 20 ms) is a few per cent of it.
const RUNS: u64 = 200;

fn run_world(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = root.join("scenarios/world.toml");
    let bin = env!("CARGO_BIN_EXE_forumsim");
    let mut g = c.benchmark_group("run");
    g.sample_size(10);
    g.throughput(Throughput::Elements(RUNS));
    for threads in [1, 2] {
        g.bench_function(format!("world-{RUNS}-runs-{threads}-threads"), |b| {
            let tmp = tempfile::tempdir().expect("a temp folder");
            let out = tmp.path().join("out");
            b.iter(|| {
                let o = Command::new(bin)
                    .arg("run")
                    .arg(&scenario)
                    .args(["--runs", &RUNS.to_string()])
                    .args(["--threads", &threads.to_string(), "-q", "-o"])
                    .arg(&out)
                    .output()
                    .expect("forumsim runs");
                assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            })
        });
    }
    g.finish();
}

// No plots: criterion's plot backend needs system fonts, which a fresh machine lacks.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = run_world
}
criterion_main!(benches);
