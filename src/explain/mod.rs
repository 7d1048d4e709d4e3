//! `forumsim explain`: a plain-language, round-by-round account of one run.
//!
//! [`facts`] reads what happened off the run's records (choices with expected
//! utilities and pass probabilities, decisions and per-state votes, memberships and
//! the value of joining behind them, scheduled events); [`text`] turns each fact
//! into one short sentence. Both are pure functions of the scenario and the [`RunResult`], so the account of run N of seed S
//! is the same text on every machine. The animation reuses the facts for its captions.

pub mod facts;
pub mod text;

pub use facts::{Fact, Opened, RoundFacts, facts};
pub use text::Style;

use crate::engine::RunResult;
use crate::model::Scenario;

/// The opening lines: what was run and how to read the numbers.
pub fn header(sc: &Scenario, r: &RunResult) -> Vec<String> {
    let mut out = vec![
        format!(
            "{}: run {} of seed {} ({} rounds, {}-{}).",
            sc.name,
            r.run,
            r.seed,
            r.rounds.len(),
            sc.year(0),
            sc.year(r.rounds.len().saturating_sub(1) as u32)
        ),
        "EU = the sponsor's expected utility of a venue (pass probability times the gain, \
         minus costs); pass = forecast chance the venue adopts the text. AMI = authoritarian-\
         multilateralism index (0 multistakeholder, 1 state-centric)."
            .to_string(),
    ];
    if !r.why.joins.is_empty() {
        out.push(
            "value = a state's value of joining an open venue: stake (the chance each agenda \
             item passes times what it would gain or lose, weighted by its power relative to \
             the members') minus legitimation cost (what an opaque, state-centric club costs \
             a democracy). States join above 0 and leave below minus the exit cost."
                .to_string(),
        );
    }
    out
}

/// The whole account of rounds `from..=to` (all rounds when `None`).
pub fn explain(
    sc: &Scenario,
    r: &RunResult,
    rounds: Option<(u32, u32)>,
    style: Style,
) -> Vec<String> {
    let all = facts(sc, r);
    let picked: Vec<RoundFacts> = all
        .into_iter()
        .filter(|rf| rounds.is_none_or(|(a, b)| (a..=b).contains(&rf.round)))
        .collect();
    let mut out = header(sc, r);
    out.extend(text::lines(&picked, style));
    out
}

/// The few facts of a round worth a caption: events, new venues, decided proposals,
/// elections, moves and creations, passed reforms (in telling order).
pub fn key_facts(rf: &RoundFacts) -> Vec<&Fact> {
    rf.facts
        .iter()
        .filter(|f| match f {
            Fact::Event { .. }
            | Fact::VenueOpened { .. }
            | Fact::Decided { .. }
            | Fact::Election { .. } => true,
            Fact::Tabled {
                moved_from,
                created,
                ..
            } => moved_from.is_some() || *created,
            Fact::Held { abandoned, .. } => *abandoned,
            _ => false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, RunOptions};
    use crate::model::testkit;

    fn toy_run() -> (Scenario, RunResult) {
        let sc = testkit::toy();
        let r = engine::run(
            &sc,
            0,
            RunOptions {
                votes: true,
                states: true,
                why: true,
            },
        );
        (sc, r)
    }

    #[test]
    fn every_round_has_a_header_and_a_summary() {
        let (sc, r) = toy_run();
        let f = facts(&sc, &r);
        assert_eq!(f.len(), r.rounds.len());
        for (k, rf) in f.iter().enumerate() {
            assert_eq!(rf.round as usize, k);
            assert!(matches!(rf.facts.last(), Some(Fact::Summary { .. })));
        }
    }

    #[test]
    fn every_recorded_proposal_decision_is_told_once() {
        let (sc, r) = toy_run();
        let told: usize = facts(&sc, &r)
            .iter()
            .flat_map(|rf| &rf.facts)
            .filter(|f| matches!(f, Fact::Decided { .. }))
            .count();
        let recorded = r
            .decisions
            .iter()
            .filter(|d| d.what == engine::DecisionKind::Proposal)
            .count();
        assert_eq!(told, recorded);
        assert!(recorded > 0, "the toy world decides something");
    }

    #[test]
    fn breakers_voted_against_their_home_blocs_plurality() {
        let (sc, r) = toy_run();
        for rf in facts(&sc, &r) {
            for f in &rf.facts {
                if let Fact::Decided { breakers, .. } = f {
                    for b in breakers {
                        assert_ne!(b.vote, b.bloc_vote);
                        let i = sc.state_ix(&b.state).unwrap();
                        assert_eq!(sc.blocs[sc.states[i].blocs[0]].id, b.bloc);
                    }
                }
            }
        }
    }

    #[test]
    fn the_text_is_a_pure_function_of_the_run() {
        let (sc, r) = toy_run();
        let a = explain(&sc, &r, None, Style::default());
        let b = explain(&sc, &r, None, Style::default());
        assert_eq!(a, b);
        let some = explain(&sc, &r, Some((1, 2)), Style::default());
        let headers = some.iter().filter(|l| l.contains("(round ")).count();
        assert_eq!(headers, 2);
    }

    #[test]
    fn a_shock_event_is_told_in_its_round() {
        let mut sc = testkit::toy();
        sc.events.push(crate::model::EventSpec {
            round: 1,
            event: crate::model::Event::LegitimacyShock {
                state: 0,
                delta: -0.5,
            },
            label: "shock".into(),
        });
        let r = engine::run(&sc, 0, RunOptions::default());
        let f = facts(&sc, &r);
        let line = text::line(&f[1].facts[0], Style::default()).unwrap();
        assert_eq!(
            line,
            format!(
                "Event shock: {}'s legitimacy falls by 0.50.",
                sc.states[0].id
            )
        );
    }

    #[test]
    fn the_founding_round_of_an_open_forum_tells_who_joined_and_who_stayed_out() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/teaching/join-or-abstain.toml");
        let sc = crate::scenario::load(&path).expect("the teaching scenario loads");
        // Reasons are told with or without the recorded memberships.
        for states in [true, false] {
            let opts = RunOptions {
                votes: false,
                states,
                why: true,
            };
            let r = engine::run(&sc, 0, opts);
            let f = facts(&sc, &r);
            let founded = (2010 - sc.start_year) as u32;
            let why = f[founded as usize]
                .facts
                .iter()
                .find_map(|x| match x {
                    Fact::Membership {
                        venue,
                        joined,
                        why: Some(w),
                        ..
                    } if venue == "infosec-forum" => Some((joined.clone(), w.clone())),
                    _ => None,
                })
                .expect("the forum's joins are told with their reasons");
            let (joined, w) = why;
            assert_eq!(joined.len(), w.joined.len());
            assert!(w.joined.iter().all(|x| x.value > 0.0));
            assert!(!w.stayed_out.is_empty());
            assert!(
                w.stayed_out
                    .iter()
                    .all(|x| x.cost >= x.stake && x.stake > 0.0)
            );
            assert!(
                w.stayed_out.windows(2).all(|p| p[0].stake >= p[1].stake),
                "largest stake first"
            );
            let rules = f
                .iter()
                .flat_map(|rf| &rf.facts)
                .filter(|x| matches!(x, Fact::Admissions { rule: Some(_), .. }))
                .count();
            assert!(rules > 0, "admissions name their rule");
            assert!(header(&sc, &r)[2].starts_with("value = "));
        }
    }
}
