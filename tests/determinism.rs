//! Determinism of the engine: a run is a pure function of (scenario, seed, run index),
//! whatever the number of threads.

use forumsim::engine::{self, RunOptions};
use forumsim::experiment::run_batch;
use forumsim::model::testkit::toy;

const OPTS: RunOptions = RunOptions {
    votes: true,
    states: true,
    why: false,
};

#[test]
fn the_same_run_twice_is_identical() {
    let sc = toy();
    assert_eq!(engine::run(&sc, 3, OPTS), engine::run(&sc, 3, OPTS));
}

#[test]
fn different_seeds_and_runs_differ() {
    let sc = toy();
    let a = engine::run(&sc, 0, OPTS);
    assert_ne!(a.decisions, engine::run(&sc, 1, OPTS).decisions);
    let mut other = toy();
    other.seed += 1;
    assert_ne!(a.decisions, engine::run(&other, 0, OPTS).decisions);
}

#[test]
fn thread_count_does_not_change_results() {
    let sc = toy();
    let runs: Vec<u64> = (0..16).collect();
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = pool(1).install(|| run_batch(&sc, &runs, OPTS));
    let four = pool(4).install(|| run_batch(&sc, &runs, OPTS));
    assert_eq!(one, four);
    // And a run in a batch equals the same run alone.
    assert_eq!(one[7], engine::run(&sc, 7, OPTS));
}
