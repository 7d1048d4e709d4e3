//! Generated worlds (`forumsim::model::generate`, used by the scaling benches and
//! `forumsim new --generate`) run in the engine and load back from the TOML they print.
//! Integration tests: the model layer's own tests cannot use the engine or the loader,
//! which sit above it.

use forumsim::model::generate::{Size, toml, world};

#[test]
fn a_generated_world_runs() {
    let size = Size {
        states: 300,
        venues: 12,
        proposals: 40,
        rounds: 3,
    };
    let sc = world(size, 1);
    let out = forumsim::engine::run(&sc, 0, Default::default());
    assert_eq!(out.rounds.len(), 3);
}

#[test]
fn the_scenario_file_loads_back_as_the_same_world() {
    for (states, venues) in [(40, 6), (300, 13)] {
        let size = Size {
            states,
            venues,
            proposals: 12,
            rounds: 4,
        };
        let text = toml(size, 7, None);
        let loaded = forumsim::scenario::from_str(&text, std::path::Path::new("gen.toml"), &[])
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        // The loader normalises power to sum 1 (docs/ODD.md) again: a last-bit change.
        let mut want = world(size, 7);
        let total: f64 = want.states.iter().map(|s| s.power).sum();
        want.states.iter_mut().for_each(|s| s.power /= total);
        let (a, b) = (format!("{loaded:?}"), format!("{want:?}"));
        // Report the first difference with some context, not two huge strings.
        if let Some(k) = a.bytes().zip(b.bytes()).position(|(x, y)| x != y) {
            let from = k.saturating_sub(200);
            panic!(
                "differs at byte {k}:\nloaded:    {}\ngenerated: {}",
                &a[from..(k + 80).min(a.len())],
                &b[from..(k + 80).min(b.len())]
            );
        }
        assert_eq!(a.len(), b.len());
    }
}
