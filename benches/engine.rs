//! Speed of the engine: one full run of a scenario, and a batch on all threads.
//!
//! Run with `cargo bench --bench engine`. Figures go in docs/PERFORMANCE.md; tests never
//! assert times.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use forumsim::engine::{self, RunOptions};
use forumsim::experiment::run_batch;
use forumsim::model::Scenario;
use std::hint::black_box;

fn scenarios() -> Vec<(&'static str, Scenario)> {
    let mut out = vec![("toy", forumsim::model::testkit::toy())];
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/stylized.toml");
    match forumsim::scenario::load(&path) {
        Ok(sc) => out.push(("stylized", sc)),
        Err(e) => eprintln!("skipping stylized: {e}"),
    }
    out
}

fn one_run(c: &mut Criterion) {
    for (name, sc) in scenarios() {
        let mut run = 0u64;
        c.bench_function(&format!("run/{name}"), |b| {
            b.iter(|| {
                run += 1;
                black_box(engine::run(&sc, run, RunOptions::default()))
            })
        });
    }
}

fn batch(c: &mut Criterion) {
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    for (name, sc) in scenarios() {
        let runs: Vec<u64> = (0..64).collect();
        g.throughput(Throughput::Elements(runs.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| black_box(run_batch(&sc, &runs, RunOptions::default())))
        });
    }
    g.finish();
}

// No plots: criterion's plot backend needs system fonts, which a fresh machine lacks.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = one_run, batch
}
criterion_main!(benches);
