//! Loading large inputs: a scenario of 30,000 states, one of 10,000 ratified texts with
//! a target and a fact on each, and a Latin-hypercube experiment of 1,000,000 points.
//! Each once took seconds to minutes (a scan per state, per record, every point validated
//! before the first run); the tests check what is loaded (`tests/reliability.rs`,
//! issue #15), this bench how long it takes. Goals: docs/PERFORMANCE.md.
//!
//! `cargo bench --bench load`. Tests never assert times.

use criterion::{Criterion, criterion_group, criterion_main};
use std::path::Path;

#[path = "../tests/common/big.rs"]
mod big;

fn load(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    let states = big::many_states(30_000);
    g.bench_function("states-30000", |b| {
        b.iter(|| forumsim::scenario::from_str(&states, Path::new("many.toml"), &[]).unwrap())
    });
    let records = big::many_records(10_000);
    g.bench_function("records-10000", |b| {
        b.iter(|| forumsim::scenario::from_str(&records, Path::new("records.toml"), &[]).unwrap())
    });
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("exp.toml");
    let stylized = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/stylized.toml");
    std::fs::write(
        &path,
        format!(
            "scenario = {stylized:?}\ndesign = \"lhs\"\nsamples = 1000000\nreplicates = 1\nseed = 1\n\
             [[axis]]\npath = \"parameters.legit_cost\"\nrange = [0.1, 0.9]\n"
        ),
    )
    .unwrap();
    g.bench_function("lhs-1000000-points", |b| {
        b.iter(|| forumsim::experiment::design::load(&path).unwrap())
    });
    g.finish();
}

// No plots: criterion's plot backend needs system fonts, which a fresh machine lacks.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = load
}
criterion_main!(benches);
