//! Property tests of the engine's invariants on randomly varied toy worlds: tallies add
//! up to participants, attention shares sum to 1, positions stay in [0, 1]², indices
//! stay in range.

use forumsim::engine::{self, DecisionKind, RunOptions};
use forumsim::model::Decision;
use forumsim::model::testkit::toy;
use proptest::prelude::*;

fn decision(k: u8) -> Decision {
    match k % 4 {
        0 => Decision::Consensus,
        1 => Decision::Majority { threshold: 0.5 },
        2 => Decision::Supermajority {
            threshold: 2.0 / 3.0,
        },
        _ => Decision::RoughConsensus {
            threshold: 2.0 / 3.0,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold(
        seed in any::<u64>(),
        run in 0u64..1000,
        absence in 0.0f64..0.6,
        noise in 0.0f64..0.3,
        cohesion in 0.0f64..1.0,
        lambda in 0.0f64..1.0,
        unga_rule in any::<u8>(),
        reform_rate in 0.0f64..0.5,
    ) {
        let mut sc = toy();
        sc.seed = seed;
        sc.rounds = 12;
        sc.params.absence = absence;
        sc.params.vote_noise = noise;
        sc.params.cohesion = cohesion;
        sc.params.lambda = lambda;
        sc.params.reform_rate = reform_rate;
        sc.venues[0].decision = decision(unga_rule);
        let r = engine::run(&sc, run, RunOptions { votes: true, states: true, why: false });

        // Tallies add up to the participants who were asked, and each voted once.
        for (d, row) in r.decisions.iter().enumerate() {
            let votes: Vec<_> = r.votes.iter().filter(|v| v.decision as usize == d).collect();
            if row.what != DecisionKind::Election {
                prop_assert_eq!((row.yes + row.no + row.abstain + row.absent) as usize, votes.len());
            }
            let mut states: Vec<u32> = votes.iter().map(|v| v.state).collect();
            states.dedup();
            prop_assert_eq!(states.len(), votes.len());
            if row.what == DecisionKind::Proposal && row.venue == 0 {
                prop_assert_eq!((row.yes + row.no + row.abstain + row.absent) as usize, sc.states.len());
            }
            prop_assert!((0.0..=1.0).contains(&row.position.m) && (0.0..=1.0).contains(&row.position.s));
        }
        // Attention shares of every state sum to 1 in every round.
        let mut sums = std::collections::BTreeMap::new();
        for a in &r.attention {
            *sums.entry((a.round, a.state)).or_insert(0.0) += a.attention;
        }
        for ((round, state), total) in sums {
            prop_assert!((total - 1.0f64).abs() < 1e-9, "round {} state {}: {}", round, state, total);
        }
        // Rules stay in the policy square; indices in range.
        for rule in &r.rules {
            prop_assert!((0.0..=1.0).contains(&rule.rule.m) && (0.0..=1.0).contains(&rule.rule.s));
            prop_assert!(rule.reach >= 0.0 && rule.reach <= 1.0 + 1e-9);
        }
        for row in &r.rounds {
            prop_assert!((0.0..=1.0).contains(&row.ami), "ami {}", row.ami);
            prop_assert!((0.0..1.0).contains(&row.fragmentation));
        }
    }
}
