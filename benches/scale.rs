//! Scaling: one round of generated worlds (`forumsim::model::generate`) of 200, 2,000 and
//! 20,000 states × 6, 60 and 200 venues × 40 proposals.
//!
//! Run with `cargo bench --bench scale` (all sizes; the 20,000 × 200 world takes minutes)
//! or pick sizes with a filter, e.g. `cargo bench --bench scale -- 'x6$'`. The round timed
//! is round 2 (rounds 0 and 1 are played outside the timing, so agendas, memberships and
//! attention have moved off their initial state). Tests never assert times.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use forumsim::engine::{RunOptions, Stepper};
use forumsim::model::generate::{self, Size};

fn scale(c: &mut Criterion) {
    let mut g = c.benchmark_group("scale");
    g.sample_size(10);
    for venues in [6, 60, 200] {
        for states in [200, 2_000, 20_000] {
            let size = Size {
                states,
                venues,
                proposals: 40,
                rounds: 3,
            };
            let sc = generate::world(size, 1);
            let mut run = 0u64;
            g.bench_function(format!("{states}x{venues}"), |b| {
                b.iter_batched(
                    || {
                        run += 1;
                        let mut s = Stepper::new(&sc, run, RunOptions::default());
                        s.step();
                        s.step();
                        s
                    },
                    |mut s| {
                        s.step();
                        s
                    },
                    BatchSize::PerIteration,
                )
            });
        }
    }
    g.finish();
}

// No plots: criterion's plot backend needs system fonts, which a fresh machine lacks.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = scale
}
criterion_main!(benches);
