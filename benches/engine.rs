//! Speed of the engine: one round and one full run of the shipped scenarios, and a batch
//! on one thread and on all threads (parallel efficiency).
//!
//! Run with `cargo bench --bench engine`. `scenarios/world.toml` is benched when the file
//! exists (skipped with a message otherwise). Figures go in docs/PERFORMANCE.md; tests
//! never assert times.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use forumsim::engine::{self, RunOptions, Stepper};
use forumsim::experiment::run_batch;
use forumsim::model::Scenario;
use std::hint::black_box;

fn scenarios() -> Vec<(&'static str, Scenario)> {
    let mut out = vec![("toy", forumsim::model::testkit::toy())];
    for name in ["stylized", "world"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.toml"));
        if !path.exists() {
            eprintln!("skipping {name}: {} does not exist", path.display());
            continue;
        }
        match forumsim::scenario::load(&path) {
            Ok(sc) => out.push((name, sc)),
            Err(e) => eprintln!("skipping {name}: {e}"),
        }
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

/// One round in the middle of a run (the run is played up to it outside the timing).
fn one_round(c: &mut Criterion) {
    for (name, sc) in scenarios() {
        let mid = sc.rounds / 2;
        let mut run = 0u64;
        c.bench_function(&format!("round/{name}"), |b| {
            b.iter_batched(
                || {
                    run += 1;
                    let mut s = Stepper::new(&sc, run, RunOptions::default());
                    for _ in 0..mid {
                        s.step();
                    }
                    s
                },
                |mut s| {
                    s.step();
                    s
                },
                BatchSize::SmallInput,
            )
        });
    }
}

/// 64 runs on one thread and on every thread: throughput in runs/s, and the ratio of
/// the two is the parallel efficiency (× the thread count).
fn batch(c: &mut Criterion) {
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pools: Vec<(usize, rayon::ThreadPool)> = [1, all]
        .into_iter()
        .filter_map(|k| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .ok()?;
            Some((k, pool))
        })
        .collect();
    for (name, sc) in scenarios() {
        let runs: Vec<u64> = (0..64).collect();
        g.throughput(Throughput::Elements(runs.len() as u64));
        for (k, pool) in &pools {
            g.bench_function(format!("{name}/{k}-threads"), |b| {
                b.iter(|| pool.install(|| black_box(run_batch(&sc, &runs, RunOptions::default()))))
            });
        }
    }
    g.finish();
}

// No plots: criterion's plot backend needs system fonts, which a fresh machine lacks.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = one_run, one_round, batch
}
criterion_main!(benches);
