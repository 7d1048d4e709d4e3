//! Sweep throughput: the quick grid (40 short runs) end to end — expansion, chunk
//! files, runs.csv and summary.csv — on all threads, in runs per second.
//!
//! Run with `cargo bench --bench sweep`. Tests never assert times.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use forumsim::experiment::{design, sweep};
use std::path::Path;
use std::sync::atomic::AtomicBool;

fn quick_grid(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/experiments/quick-grid.toml");
    let (exp, exp_bytes, sc_bytes) = match design::load(&path) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("skipping: {e}");
            return;
        }
    };
    let stop = AtomicBool::new(false);
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.throughput(Throughput::Elements(exp.plan().total()));
    g.bench_function("quick-grid", |b| {
        b.iter(|| {
            let tmp = tempfile::tempdir().expect("a temp folder");
            let opts = sweep::Options {
                out: tmp.path().join("out"),
                shard: (1, 1),
                resume: false,
                traces: false,
                stop: &stop,
                max_chunks: None,
                progress: &sweep::Silent,
            };
            sweep::run(&exp, &exp_bytes, &sc_bytes, &opts).expect("the sweep runs")
        })
    });
    g.finish();
}

// No plots: criterion's plot backend needs system fonts, which a fresh machine lacks.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = quick_grid
}
criterion_main!(benches);
