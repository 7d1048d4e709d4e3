//! Unit tests of the submodels on the toy world: each pins one rule of ODD §7.

use super::vote::{self, Electorate, Sponsors, Subject};
use super::{attention, forecast, forum, membership, reform, seats};
use crate::model::outcome::Vote;
use crate::model::policy::{Kind, KindSet, Pos};
use crate::model::rng::run_rng;
use crate::model::setup;
use crate::model::spec::*;
use crate::model::testkit::toy;
use crate::model::world::{Status, World};

const UNGA: VenueIx = 0;
const SCO: VenueIx = 3;

fn world(sc: &Scenario) -> World<'_> {
    setup::world(sc, &mut run_rng(sc.seed, 0))
}

#[test]
fn unanimity_rejects_an_applicant_one_member_dislikes() {
    let mut sc = toy();
    sc.params.absence = 0.0;
    let mut w = world(&sc);
    for i in 6..12 {
        w.ideal[i] = Pos::new(0.8, 0.8);
    }
    w.venues[SCO].rules[Kind::Norms.index()]
        .as_mut()
        .unwrap()
        .pos = Pos::new(0.8, 0.8);
    w.ideal[1] = Pos::new(0.7, 0.75); // a liberal state drawn to the SCO's rule
    let admission = |w: &World| {
        let ch = membership::step(w, &mut run_rng(1, 0));
        ch.admissions
            .into_iter()
            .find(|a| a.venue == SCO && a.applicant == 1)
            .expect("state 1 applies")
    };
    assert!(admission(&w).admitted, "all members are close: admitted");
    w.ideal[11] = Pos::new(0.2, 0.2); // one member far from the applicant
    let a = admission(&w);
    assert!(!a.admitted);
    assert_eq!((a.yes, a.no), (5, 1));
    // Under a majority rule the same applicant gets in.
    w.venues[SCO].membership = Membership::Invitation {
        admit: Admit::Majority,
    };
    assert!(admission(&w).admitted);
}

/// Departure 49: a round's applicants are heard at one admission session. Each member
/// attends or not once, every applicant's tally counts the same absent members, and
/// the tallies are the members' votes ([`membership::Session::votes`]) counted.
#[test]
fn the_applicants_of_a_round_are_heard_at_one_session() {
    let mut sc = toy();
    sc.params.absence = 0.6;
    let mut w = world(&sc);
    w.venues[SCO].rules[Kind::Norms.index()]
        .as_mut()
        .unwrap()
        .pos = Pos::new(0.7, 0.7);
    for i in 0..6 {
        w.ideal[i] = Pos::new(0.65, 0.7); // non-members drawn to the SCO's rule
    }
    let mut sessions_with_absences = 0;
    for seed in 0..20 {
        let ch = membership::step(&w, &mut run_rng(seed, 0));
        let adm: Vec<_> = ch.admissions.iter().filter(|a| a.venue == SCO).collect();
        assert!(adm.len() >= 2, "{} applicants", adm.len());
        let session = &ch.sessions[adm[0].session];
        assert_eq!(session.venue, SCO);
        assert_eq!(ch.sessions.iter().filter(|s| s.venue == SCO).count(), 1);
        let members: Vec<StateIx> = session.members.iter().map(|m| m.0).collect();
        assert_eq!(members, w.venues[SCO].members);
        let present = session.members.iter().filter(|m| m.1).count();
        sessions_with_absences += usize::from(present < members.len());
        for a in &adm {
            assert_eq!(a.session, adm[0].session);
            let votes = session.votes(&w, a.applicant);
            let count = |x: Vote| votes.iter().filter(|v| v.1 == x).count() as u32;
            assert_eq!((count(Vote::Yes), count(Vote::No)), (a.yes, a.no));
            assert_eq!(count(Vote::Absent), session.absent());
            let rule = match w.venues[SCO].membership {
                Membership::Invitation { admit } => admit,
                _ => unreachable!(),
            };
            assert_eq!(
                a.admitted,
                membership::admitted(rule, a.yes as usize, present)
            );
        }
    }
    assert!(
        sessions_with_absences >= 15,
        "{sessions_with_absences} of 20"
    );
}

#[test]
fn states_far_from_an_invitation_venues_rule_do_not_apply() {
    let sc = toy();
    let mut w = world(&sc);
    w.venues[SCO].rules[Kind::Norms.index()]
        .as_mut()
        .unwrap()
        .pos = Pos::new(0.9, 0.9);
    w.ideal[0] = Pos::new(0.1, 0.1);
    assert!(!membership::applies(&w, 0, SCO));
}

#[test]
fn creation_is_offered_only_when_its_conditions_hold() {
    let mut sc = toy();
    let p = 0; // east-norms, sponsored by A0 (home bloc "east", which founded the SCO)
    let mut w = world(&sc);
    w.proposals[p].status = Status::Waiting;
    assert!(
        forum::creation(&w, p).is_none(),
        "never failed: no creation"
    );
    w.proposals[p].last_failed = Some(UNGA);
    assert!(
        forum::creation(&w, p).is_none(),
        "the SCO (founded by the bloc) already hosts norms"
    );
    w.venues[SCO].hosts = KindSet::of(&[Kind::Cybercrime]);
    let (bloc, charter, _) = forum::creation(&w, p).expect("now creation is open");
    assert_eq!(bloc, 1);
    assert!(
        charter.m > 0.5,
        "the charter is the authoritarian bloc's mean ideal"
    );
    w.p.create_power = 0.9;
    assert!(forum::creation(&w, p).is_none(), "bloc too weak");
    w.p.create_power = 0.15;
    w.p.allow_create = false;
    assert!(forum::creation(&w, p).is_none(), "creation switched off");
    sc.params.allow_create = true;
}

/// A UNGA resolution creating the SCO venue (a stand-in for any new venue) for `kind`.
fn create(kind: Kind) -> Procedural {
    Procedural {
        parent: UNGA,
        action: ProceduralAction::Create {
            venue: SCO,
            mandate_kind: kind,
            mandate_position: PositionSpec::SponsorIdeal,
            table_mandate: true,
        },
        replaces: Vec::new(),
    }
}

#[test]
fn a_vote_creating_a_venue_follows_positions_on_its_mandate() {
    let sc = toy();
    let mut w = world(&sc);
    let proc_ = create(Kind::Norms);
    let mandate = Pos::new(0.8, 0.8);
    let subject = forecast::procedural_subject(&w, &proc_, mandate, Some(0));
    let Subject::Create { q, .. } = subject.clone() else {
        panic!("a creation is a vote on its mandate")
    };
    assert_eq!(q, mandate);
    // Each voter weighs the mandate against the rule in force (§7.8).
    let reference = w.rule_in_force(Kind::Norms);
    w.ideal[2] = Pos::new(0.8, 0.8);
    w.ideal[3] = reference;
    assert!(
        vote::raw_delta(&w, 2, &subject, false) > 0.0,
        "near the mandate: for"
    );
    assert!(
        vote::raw_delta(&w, 3, &subject, false) < 0.0,
        "at the rule in force: against"
    );
    // The vote does not depend on the created venue's decision rule (a forecast of
    // what a consensus body would later agree): changing it leaves Δ unchanged.
    let before = vote::raw_delta(&w, 2, &subject, false);
    w.venues[SCO].decision = Decision::Majority { threshold: 0.5 };
    let again = forecast::procedural_subject(&w, &proc_, mandate, Some(0));
    assert_eq!(vote::raw_delta(&w, 2, &again, false), before);
}

/// Treaty loyalty (ODD 7.8, departures 31 and 52): a party to a binding venue whose rule
/// for the kind the sponsor's camp did not set pays `treaty_loyalty` when voting to
/// create a rival binding venue for that kind, whatever it thinks of the mandate; never
/// for a venue the sponsor's camp ruled, for a venue whose texts bind no one, nor in a
/// vote creating a venue that adopts no treaty (an expert group, a working group).
#[test]
fn parties_to_a_rival_treaty_pay_the_loyalty_cost() {
    use crate::model::Camp;
    use crate::model::world::RuleState;
    let sc = toy();
    let mut w = world(&sc);
    let mandate = Pos::new(0.9, 0.9);
    let subject = |w: &World, binding: bool| Subject::Create {
        q: mandate,
        kind: Kind::Cybercrime,
        camp: Camp::Authoritarian,
        reference: w.rule_in_force(Kind::Cybercrime),
        binding,
        rivals: false,
    };
    // A party to a binding venue hosting cybercrime, with a liberal rule at its ideal.
    let v = SCO;
    let i = w.venues[v].members[0];
    w.venues[v].binding = true;
    w.venues[v].hosts = KindSet::of(&[Kind::Cybercrime]);
    w.venues[v].rules[Kind::Cybercrime.index()] = Some(RuleState {
        pos: w.ideal[i],
        camp: Camp::Liberal,
        dissent: Vec::new(),
    });
    w.p.treaty_loyalty = 0.0;
    let free = vote::raw_delta(&w, i, &subject(&w, true), false);
    w.p.treaty_loyalty = 0.4;
    let bound = vote::raw_delta(&w, i, &subject(&w, true), false);
    assert!((free - bound - 0.4).abs() < 1e-12, "{free} vs {bound}");
    // A vote creating a venue whose texts bind no one: no cost.
    assert_eq!(vote::raw_delta(&w, i, &subject(&w, false), false), free);
    // The same venue ruled by the sponsor's own camp: no cost.
    w.venues[v].rules[Kind::Cybercrime.index()]
        .as_mut()
        .unwrap()
        .camp = Camp::Authoritarian;
    assert_eq!(vote::raw_delta(&w, i, &subject(&w, true), false), free);
    // A liberal rule the voter likes less than the mandate: the party still pays
    // (departure 52: the commitment, not the preference).
    w.venues[v].rules[Kind::Cybercrime.index()] = Some(RuleState {
        pos: Pos::new(
            (2.0 * mandate.m - w.ideal[i].m).clamp(0.0, 1.0),
            (2.0 * mandate.s - w.ideal[i].s).clamp(0.0, 1.0),
        ),
        camp: Camp::Liberal,
        dissent: Vec::new(),
    });
    w.ideal[i] = mandate;
    assert!(w.u(i, mandate) > w.u(i, w.venues[v].rule(Kind::Cybercrime).unwrap().pos));
    let at_mandate = vote::raw_delta(&w, i, &subject(&w, true), false);
    w.p.treaty_loyalty = 0.0;
    let free_at_mandate = vote::raw_delta(&w, i, &subject(&w, true), false);
    assert!((free_at_mandate - at_mandate - 0.4).abs() < 1e-12);
    // The same venue, its texts not binding (a club's, a group's report): no cost.
    w.p.treaty_loyalty = 0.4;
    w.venues[v].binding = false;
    assert_eq!(
        vote::raw_delta(&w, i, &subject(&w, true), false),
        free_at_mandate
    );
}

/// Departure 53: the sponsors and co-sponsors of a text creating a venue for a kind pay
/// `rival_cost` when voting on the other camp's text creating a venue for that kind, while
/// their own is before the states (waiting, on an agenda, or introduced this round) —
/// not for a text of their own camp, another kind, or a rival text decided in an
/// earlier round, and nobody else does.
#[test]
fn sponsors_of_a_rival_venue_vote_against_the_other_camps() {
    use crate::model::Camp;
    let sc = toy();
    let mut w = world(&sc);
    w.p.rival_cost = 0.3;
    let (sponsor, cosponsor, other) = (0, 1, 2);
    // The rival text: proposal 0, sponsored by a state of the other camp, waiting.
    let camp = match w.camp[sponsor] {
        Camp::Liberal => Camp::Authoritarian,
        _ => Camp::Liberal,
    };
    w.proposals[0].sponsor = Some(sponsor);
    w.proposals[0].cosponsors = vec![cosponsor];
    w.proposals[0].procedural = Some(create(Kind::Norms));
    w.proposals[0].status = Status::Waiting;
    let subject = |w: &World, kind: Kind, camp: Camp| Subject::Create {
        q: Pos::new(0.5, 0.5),
        kind,
        camp,
        reference: w.rule_in_force(kind),
        binding: false,
        rivals: vote::rival_texts(w, kind, camp).next().is_some(),
    };
    let cost = |w: &mut World, i: StateIx, kind: Kind, camp: Camp| {
        let s = subject(w, kind, camp);
        let with = vote::raw_delta(w, i, &s, false);
        w.p.rival_cost = 0.0;
        let without = vote::raw_delta(w, i, &s, false);
        w.p.rival_cost = 0.3;
        without - with
    };
    assert!((cost(&mut w, sponsor, Kind::Norms, camp) - 0.3).abs() < 1e-12);
    assert!((cost(&mut w, cosponsor, Kind::Norms, camp) - 0.3).abs() < 1e-12);
    assert_eq!(cost(&mut w, other, Kind::Norms, camp), 0.0, "not a sponsor");
    assert_eq!(
        cost(&mut w, sponsor, Kind::Cybercrime, camp),
        0.0,
        "another kind"
    );
    let own = w.camp[sponsor];
    assert_eq!(
        cost(&mut w, sponsor, Kind::Norms, own),
        0.0,
        "a text of its own camp"
    );
    // On an agenda: before the states.
    w.proposals[0].status = Status::Agenda {
        venue: UNGA,
        rounds: 0,
    };
    assert!((cost(&mut w, sponsor, Kind::Norms, camp) - 0.3).abs() < 1e-12);
    // Adopted this round (introduced in an earlier one): still this session's rival.
    w.round += 1;
    w.proposals[0].status = Status::Adopted;
    w.proposals[0].decided = Some(w.round);
    assert!((cost(&mut w, sponsor, Kind::Norms, camp) - 0.3).abs() < 1e-12);
    // Decided in an earlier round: no longer a rival.
    w.round += 1;
    assert!(matches!(
        subject(&w, Kind::Norms, camp),
        Subject::Create { rivals: false, .. }
    ));
    assert_eq!(
        cost(&mut w, sponsor, Kind::Norms, camp),
        0.0,
        "decided before"
    );
}

/// What a vote on creating a venue is about carries whether the new venue is binding
/// (departure 52) and whether a rival text is before the states (departure 53), as the
/// scenario and the world say, in votes and forecasts alike.
#[test]
fn a_creation_subject_knows_its_treaty_and_its_rivals() {
    use crate::model::Camp;
    let sc = toy();
    let mut w = world(&sc);
    let flags = |w: &World, sponsor: StateIx| match forecast::procedural_subject(
        w,
        &create(Kind::Norms),
        Pos::new(0.5, 0.5),
        Some(sponsor),
    ) {
        Subject::Create {
            binding, rivals, ..
        } => (binding, rivals),
        other => panic!("a creation is a Create subject, not {other:?}"),
    };
    let (a, b) = (0..w.camp.len())
        .flat_map(|a| (0..w.camp.len()).map(move |b| (a, b)))
        .find(|&(a, b)| w.camp[a] == Camp::Liberal && w.camp[b] == Camp::Authoritarian)
        .expect("the toy world has both camps");
    assert_eq!(flags(&w, a), (false, false));
    w.venues[SCO].binding = true;
    assert_eq!(flags(&w, a), (true, false));
    // B's text creating a venue for norms waits: a rival to A's, not to B's own camp.
    w.proposals[0].sponsor = Some(b);
    w.proposals[0].procedural = Some(create(Kind::Norms));
    w.proposals[0].status = Status::Waiting;
    assert_eq!(flags(&w, a), (true, true));
    assert_eq!(flags(&w, b), (true, false));
}

/// A world where every SCO founder but A5 wants more openness, with certainty of tabling.
fn reform_world(sc: &Scenario, privilege: f64) -> World<'_> {
    let mut w = world(sc);
    w.p.reform_rate = 1.0;
    let v = &mut w.venues[SCO];
    v.transparency = 0.3;
    v.privilege = privilege;
    for i in 6..11 {
        w.ideal[i] = Pos::new(0.1, 0.5); // openness 0.9 > 0.3 + band
    }
    w.ideal[11] = Pos::new(0.95, 0.5); // openness 0.05 < 0.3 − band: votes no
    w
}

#[test]
fn a_reform_passes_on_effective_weight_and_a_privileged_member_vetoes_it() {
    let mut sc = toy();
    for i in 6..12 {
        sc.states[i].competence = 1.0;
    }
    sc.states[11].competence = 1e-9; // cannot be drawn as proposer
    let w = reform_world(&sc, 0.4);
    let r = reform::step(&w, SCO, &mut run_rng(5, 0)).expect("tabled with certainty");
    assert_eq!(r.dir, 1.0);
    assert!(
        r.passed,
        "five of six by weight, no veto below privilege 0.5"
    );
    let w = reform_world(&sc, 0.5);
    let r = reform::step(&w, SCO, &mut run_rng(5, 0)).unwrap();
    assert!(
        !r.passed,
        "A5 is a founder, hence privileged: its no vetoes at privilege 0.5"
    );
    // Without the veto, weight decides: make the lone no-voter outweigh the rest.
    let mut w = reform_world(&sc, 0.4);
    w.w_state[11] = 1e6;
    let r = reform::step(&w, SCO, &mut run_rng(5, 0)).unwrap();
    assert!(!r.passed, "the heavier side wins");
}

#[test]
fn attention_shares_sum_to_one_and_follow_stakes() {
    let sc = toy();
    let mut w = world(&sc);
    w.proposals[0].status = Status::Agenda {
        venue: UNGA,
        rounds: 0,
    };
    w.proposals[0].p_pass = 0.9;
    w.proposals[0].pos = Pos::new(0.9, 0.9);
    w.venues[UNGA].agenda.push(0);
    let att = attention::step(&w);
    for i in 0..w.n_states() {
        let total: f64 = att.a.iter().map(|a| a[i]).sum();
        assert!((total - 1.0).abs() < 1e-9, "state {i}: {total}");
    }
    // A liberal state has a lot at stake in UNGA now: its share rises above the even share.
    let even = 1.0 / att.n[1] as f64;
    assert!(att.a[UNGA][1] > even);
}

#[test]
fn forecast_and_sampled_votes_agree() {
    // The analytic pass probability matches the frequency of sampled adoptions, across
    // positions from a sure pass to a sure failure.
    let sc = toy();
    let w = world(&sc);
    let sponsors = Sponsors::of(&w, Some(6), &[]);
    let el = Electorate::forecast(&w, UNGA, None);
    let mut rng = run_rng(11, 0);
    let mut spread = Vec::new();
    for k in 0..8 {
        let x = 0.35 + 0.06 * k as f64;
        let subject = Subject::Rule {
            q: Pos::new(x, x),
            reference: sc.legacy,
        };
        let p =
            forecast::pass_probability(&w, UNGA, &el, &subject, &sponsors, w.venues[UNGA].decision);
        let trials = 2000;
        let mut passed = 0;
        for _ in 0..trials {
            let present: Vec<StateIx> = el
                .parts
                .iter()
                .copied()
                .filter(|&i| crate::model::stats::uniform(&mut rng) >= w.p_absent(i, UNGA))
                .collect();
            let e = Electorate::forecast_of(&w, UNGA, present);
            let e = Electorate {
                presence: vec![1.0; e.parts.len()],
                ..e
            };
            let raw = vote::raw_deltas(&w, &e, &subject, &sponsors);
            let means = vote::mean_deltas(&w, &e, &raw, &sponsors);
            let votes = vote::cast(&w, &e, &means, &sponsors, &mut rng);
            passed += vote::adopts(w.venues[UNGA].decision, &votes, &e.weight, 0.0, 0.0) as u32;
        }
        let freq = passed as f64 / trials as f64;
        assert!(
            (freq - p).abs() < 0.12,
            "at {x:.2}: forecast {p:.3} vs sampled {freq:.3}"
        );
        spread.push(p);
    }
    let (lo, hi) = spread
        .iter()
        .fold((1.0f64, 0.0f64), |(a, b), &p| (a.min(p), b.max(p)));
    assert!(
        lo < 0.3 && hi > 0.8,
        "the positions span passes and failures: {spread:?}"
    );
}

#[test]
fn a_venue_without_a_quorum_forecasts_no_pass() {
    // Two members of a consensus venue can never be three present: nothing can pass,
    // although no one would object.
    let sc = toy();
    let mut w = world(&sc);
    w.venues[SCO].set_members(&[6, 7]);
    let sponsors = Sponsors::of(&w, Some(6), &[]);
    let el = Electorate::forecast(&w, SCO, None);
    let subject = Subject::Rule {
        q: w.ideal[6],
        reference: sc.legacy,
    };
    let p = forecast::pass_probability(&w, SCO, &el, &subject, &sponsors, Decision::Consensus);
    assert_eq!(p, 0.0);
    w.venues[SCO].set_members(&[6, 7, 8, 9]);
    let el = Electorate::forecast(&w, SCO, None);
    assert!(
        forecast::pass_probability(&w, SCO, &el, &subject, &sponsors, Decision::Consensus) > 0.0
    );
}

#[test]
fn forecasts_through_a_shared_memo_equal_fresh_ones_bit_for_bit() {
    // One memo serves every (venue, sponsor) pair, members and would-be joiners alike,
    // and a venue forgotten after a membership change is recomputed.
    let sc = toy();
    let mut w = world(&sc);
    w.venues[SCO].set_member(1, false);
    let mut memo = forecast::Memo::default();
    let check = |w: &World, memo: &mut forecast::Memo| {
        for v in 0..w.venues.len() {
            for s in [0, 1, 6, 11] {
                let sponsors = Sponsors::of(w, Some(s), &[]);
                let q = Pos::new(0.6, 0.55);
                let fresh = forecast::substantive(w, v, Kind::Norms, q, &sponsors);
                let shared = forecast::substantive_in(w, v, Kind::Norms, q, &sponsors, memo);
                assert_eq!(
                    fresh.0.m.to_bits(),
                    shared.0.m.to_bits(),
                    "venue {v} sponsor {s}"
                );
                assert_eq!(
                    fresh.1.to_bits(),
                    shared.1.to_bits(),
                    "venue {v} sponsor {s}"
                );
            }
        }
    };
    check(&w, &mut memo);
    w.venues[SCO].set_member(1, true);
    memo.forget(SCO);
    check(&w, &mut memo);
}

#[test]
fn mean_deltas_equal_the_per_voter_formula_bit_for_bit() {
    // §7.8 written per voter and bloc, as the model states it: the engine's version
    // computes each bloc's mean once per call and must give the same bits.
    let mut sc = toy();
    sc.params.stigma = 0.3;
    let mut w = world(&sc);
    w.legitimacy[2] = 0.4;
    let el = Electorate::forecast(&w, UNGA, None);
    let subject = Subject::Rule {
        q: Pos::new(0.7, 0.4),
        reference: sc.legacy,
    };
    let sponsors = Sponsors::of(&w, Some(2), &[5]);
    let raw = vote::raw_deltas(&w, &el, &subject, &sponsors);
    let got = vote::mean_deltas(&w, &el, &raw, &sponsors);
    let stigma = w.p.stigma * (1.0 - sponsors.legitimacy);
    let mine = &sc.states[2].blocs;
    for (k, &i) in el.parts.iter().enumerate() {
        let blocs = &sc.states[i].blocs;
        let mut pull = 0.0;
        for &b in blocs {
            let (mut sw, mut swd) = (0.0, 0.0);
            for (m, &j) in el.parts.iter().enumerate() {
                if sc.states[j].blocs.contains(&b) {
                    let wt = el.weight[m] * el.presence[m];
                    sw += wt;
                    swd += wt * raw[m];
                }
            }
            let coh = sc.blocs[b].cohesion.unwrap_or(w.p.cohesion);
            let avg = if sw > 0.0 { swd / sw } else { raw[k] };
            pull += coh * (avg - raw[k]);
        }
        if !blocs.is_empty() {
            pull /= blocs.len() as f64;
        }
        let exempt = blocs.iter().any(|b| mine.contains(b));
        let want = raw[k] + w.p.yes_bias + pull - if exempt { 0.0 } else { stigma };
        assert_eq!(got[k].to_bits(), want.to_bits(), "voter {i}");
    }
    assert!(got.iter().zip(&raw).any(|(g, r)| g != r), "blocs pull");
}

#[test]
fn forecast_weights_are_eff_weight_and_presence_bit_for_bit() {
    let sc = toy();
    let mut w = world(&sc);
    // Uneven attention, a newcomer (attention 0) and a capped multiplier.
    for (k, a) in w.venues[UNGA].attention.iter_mut().enumerate() {
        *a = [0.0, 0.2, 0.9, 0.5][k % 4];
    }
    for v in 0..w.venues.len() {
        let parts: Vec<StateIx> = (0..w.n_states()).collect();
        let (mut wt, mut pr) = (Vec::new(), Vec::new());
        w.weights_into(v, &parts, &mut wt, &mut pr);
        for &i in &parts {
            assert_eq!(wt[i].to_bits(), w.eff_weight(i, v).to_bits());
            assert_eq!(pr[i].to_bits(), (1.0 - w.p_absent(i, v)).to_bits());
        }
    }
}

// ---- The UN's practice (ODD 7.3, 7.8): consensus first, objections, drafting ----------

/// Consensus first: a text nobody objects to is adopted without a vote whatever the
/// ballots; one objection brings the vote, which the head count decides.
#[test]
fn consensus_first_adopts_without_a_vote_unless_someone_objects() {
    use crate::model::outcome::How;
    let d = Decision::ConsensusFirst { threshold: 0.5 };
    let (band, bias, cost) = (0.15, 0.1, 0.3);
    let w = [1.0; 3];
    // Positions: two mild no's (−0.2, −0.3: ballots "no") but nobody below −0.15 − 0.3
    // once the courtesy 0.1 is taken off (the cut is −0.35): adopted without a vote.
    let pos = [0.5, -0.2, -0.3];
    let votes: Vec<Vote> = pos.iter().map(|&x| vote::vote_from(x, band)).collect();
    assert_eq!(
        vote::decide(d, &votes, &pos, &w, 0.0, 0.0, band, bias, cost),
        (true, How::WithoutVote)
    );
    // −0.4 < −0.35: an objection. The vote: 1 yes, 2 no: rejected.
    let pos = [0.5, -0.2, -0.4];
    let votes: Vec<Vote> = pos.iter().map(|&x| vote::vote_from(x, band)).collect();
    assert_eq!(
        vote::decide(d, &votes, &pos, &w, 0.0, 0.0, band, bias, cost),
        (false, How::Vote)
    );
    // With break_cost = 0 and no courtesy, consensus is MODEL.md's "no one votes no".
    let pos = [0.5, 0.0, -0.16];
    let votes: Vec<Vote> = pos.iter().map(|&x| vote::vote_from(x, band)).collect();
    assert_eq!(
        vote::decide(
            Decision::Consensus,
            &votes,
            &pos,
            &w,
            0.0,
            0.0,
            band,
            0.0,
            0.0
        ),
        (false, How::Consensus)
    );
    assert!(vote::objects(-0.16, 0.0, band, 0.0));
    // An objector always votes no: with a courtesy above the break cost, the cut is the
    // no vote's.
    assert_eq!(vote::objection_cut(0.5, band, 0.3), -band);
    assert!(!vote::objects(-0.1, 0.5, band, 0.3));
}

/// What `p_pass` keeps for the sponsor's weighing (the chance nobody objects, each
/// voter's presence × P(no)) is, bit for bit, what `quiet` and `no_power` compute
/// afresh, under every rule that keeps it; a rule that keeps nothing falls back.
#[test]
fn the_parts_a_forecast_keeps_are_the_ones_computed_afresh() {
    let mut sc = toy();
    sc.params.break_cost = 0.2;
    sc.params.vote_noise = 0.2;
    for decision in [
        Decision::ConsensusFirst { threshold: 0.5 },
        Decision::Majority { threshold: 0.5 },
        Decision::Consensus,
        Decision::RoughConsensus { threshold: 0.5 },
    ] {
        sc.venues[UNGA].decision = decision;
        let w = world(&sc);
        let el = Electorate::forecast(&w, UNGA, None);
        for sponsor in [None, Some(6)] {
            let sponsors = Sponsors::of(&w, sponsor, &[]);
            for q in [Pos::new(0.3, 0.3), Pos::new(0.55, 0.5), Pos::new(0.8, 0.8)] {
                let subject = Subject::Rule {
                    q,
                    reference: sc.legacy,
                };
                let raw = vote::raw_deltas(&w, &el, &subject, &sponsors);
                let means = vote::mean_deltas(&w, &el, &raw, &sponsors);
                let mut parts = vote::PassParts::default();
                let p = vote::p_pass(
                    &w,
                    &el,
                    &means,
                    &sponsors,
                    decision,
                    w.venues[UNGA].stakeholders,
                    0.0,
                    w.break_cost(UNGA),
                    &mut parts,
                );
                assert!((0.0..=1.0).contains(&p));
                let quiet = vote::quiet(&w, &el, &means, &sponsors, w.break_cost(UNGA));
                let keeps_quiet = matches!(
                    decision,
                    Decision::Consensus | Decision::ConsensusFirst { .. }
                );
                assert_eq!(
                    parts.quiet.map(f64::to_bits),
                    keeps_quiet.then(|| quiet.to_bits())
                );
                let head_count = matches!(
                    decision,
                    Decision::Majority { .. } | Decision::ConsensusFirst { .. }
                );
                assert_eq!(parts.no.len(), if head_count { el.parts.len() } else { 0 });
                let afresh = vote::no_power(&w, &el, &means, &sponsors);
                let kept = vote::no_power_of(&w, &el, &means, &sponsors, &parts);
                assert_eq!(kept.to_bits(), afresh.to_bits(), "{decision:?} at {q:?}");
                assert!(afresh > 0.0);
            }
        }
    }
}

/// The forecast of a consensus-first decision (no objection, else the vote) matches the
/// frequency of sampled decisions.
#[test]
fn consensus_first_forecast_matches_sampled_decisions() {
    let mut sc = toy();
    sc.venues[UNGA].decision = Decision::ConsensusFirst { threshold: 0.5 };
    sc.params.break_cost = 0.2;
    sc.params.vote_noise = 0.2;
    let w = world(&sc);
    let sponsors = Sponsors::of(&w, Some(6), &[]);
    let el = Electorate::forecast(&w, UNGA, None);
    let mut rng = run_rng(5, 0);
    for q in [Pos::new(0.3, 0.3), Pos::new(0.55, 0.5), Pos::new(0.8, 0.8)] {
        let subject = Subject::Rule {
            q,
            reference: sc.legacy,
        };
        let p =
            forecast::pass_probability(&w, UNGA, &el, &subject, &sponsors, w.venues[UNGA].decision);
        let raw = vote::raw_deltas(&w, &el, &subject, &sponsors);
        let means = vote::mean_deltas(&w, &el, &raw, &sponsors);
        let n = 4000;
        let mut adopted = 0;
        for _ in 0..n {
            // Presence as forecast: every participant present with its probability.
            let pos = vote::positions(&w, &el, &means, &sponsors, &mut rng);
            let present: Vec<usize> = (0..el.parts.len())
                .filter(|&k| crate::model::stats::uniform(&mut rng) < el.presence[k])
                .collect();
            let pos: Vec<f64> = present.iter().map(|&k| pos[k]).collect();
            let votes = vote::ballots(&w, &pos);
            let wts = vec![1.0; pos.len()];
            let (ok, _) = vote::decide(
                w.venues[UNGA].decision,
                &votes,
                &pos,
                &wts,
                0.0,
                0.0,
                w.p.abstain_band,
                w.p.yes_bias,
                w.break_cost(UNGA),
            );
            adopted += ok as u32;
        }
        let freq = f64::from(adopted) / f64::from(n);
        assert!(
            (freq - p).abs() < 0.08,
            "at {q:?}: forecast {p:.3}, sampled {freq:.3}"
        );
    }
}

/// A sponsor in a consensus-first venue drafts toward the room when its own text would
/// be objected to and split the venue: it tables a text between its ideal and the room's
/// compromise, and never a text the room would object to more than its own.
#[test]
fn a_sponsor_drafts_for_a_consensus_first_room() {
    let mut sc = toy();
    sc.venues[UNGA].decision = Decision::ConsensusFirst { threshold: 0.5 };
    sc.params.break_cost = 0.3;
    sc.params.vote_noise = 0.05;
    let mut w = world(&sc);
    let p = 0; // east-norms, sponsored by the authoritarian great power
    w.proposals[p].status = Status::Waiting;
    w.proposals[p].fixed_venue = Some(UNGA);
    let choice = forum::choose(&w, p, &mut run_rng(1, 0));
    let opt = &choice.options[0];
    let draft = opt.draft.expect("the sponsor drafts toward the room");
    let own = w.proposals[p].pos;
    assert!(
        draft.m < own.m && draft.s < own.s,
        "drafted {draft:?} from {own:?}"
    );
    // With drafting off, the own text is tabled.
    w.p.draft_reach = 0.0;
    let choice = forum::choose(&w, p, &mut run_rng(1, 0));
    assert_eq!(choice.options[0].draft, None);
}

/// Chairs draft for the rule that decides: a head count where the venue votes, the
/// negotiated compromise where it decides by consensus.
#[test]
fn a_chair_drafts_for_the_rule_that_decides() {
    use super::drafting;
    let mut sc = toy();
    sc.params.absence = 0.0;
    let mut w = world(&sc);
    // Make the liberal great power weigh far more than anyone else.
    w.w_state[0] *= 50.0;
    let mean_ideal = {
        let n = w.n_states() as f64;
        Pos::new(
            w.ideal.iter().map(|p| p.m).sum::<f64>() / n,
            w.ideal.iter().map(|p| p.s).sum::<f64>() / n,
        )
    };
    w.venues[UNGA].decision = Decision::ConsensusFirst { threshold: 0.5 };
    let heads = drafting::chair_text(&w, UNGA).unwrap();
    assert!((heads.m - mean_ideal.m).abs() < 1e-9 && (heads.s - mean_ideal.s).abs() < 1e-9);
    w.venues[UNGA].decision = Decision::Consensus;
    let weighted = drafting::chair_text(&w, UNGA).unwrap();
    assert!(
        weighted.dist(w.ideal[0]) < heads.dist(w.ideal[0]),
        "the heavy member pulls a consensus draft"
    );
}

/// A text that endorses venues' work stands at the mean of their rules; venues that
/// never existed are left out; with none, the sponsor's ideal.
#[test]
fn an_endorsing_text_restates_the_venues_it_names() {
    use super::drafting;
    let sc = toy();
    let mut w = world(&sc);
    let p = 1;
    w.proposals[p].place = PositionSpec::RuleOf(vec![UNGA, SCO]);
    w.venues[UNGA].rules[Kind::Norms.index()] = Some(crate::model::world::RuleState {
        pos: Pos::new(0.2, 0.4),
        camp: crate::model::Camp::Liberal,
        dissent: vec![],
    });
    // Suppose the SCO has not existed yet: only the Assembly's text counts.
    w.venues[SCO].existed = false;
    assert_eq!(drafting::introduced(&w, p), Pos::new(0.2, 0.4));
    w.venues[SCO].existed = true;
    w.venues[SCO].rules[Kind::Norms.index()] = Some(crate::model::world::RuleState {
        pos: Pos::new(0.6, 0.8),
        camp: crate::model::Camp::Authoritarian,
        dissent: vec![],
    });
    let q = drafting::introduced(&w, p);
    assert!((q.m - 0.4).abs() < 1e-12 && (q.s - 0.6).abs() < 1e-12);
    w.proposals[p].place = PositionSpec::RuleOf(vec![2]);
    assert_eq!(
        drafting::introduced(&w, p),
        w.ideal[0],
        "the sponsor's own text"
    );
}

/// A venue whose members invite (`admit = "invited"`) hears no applications: its
/// membership changes only by events.
#[test]
fn an_invited_only_venue_hears_no_applications() {
    let sc = toy();
    let mut w = world(&sc);
    w.venues[SCO].active = true;
    w.venues[SCO].set_members(&(6..12).collect::<Vec<_>>());
    for r in w.venues[SCO].rules.iter_mut().flatten() {
        r.pos = Pos::new(0.5, 0.5);
    }
    for i in 0..6 {
        w.ideal[i] = Pos::new(0.5, 0.5);
    }
    let applied = |w: &World| {
        membership::step(w, &mut run_rng(1, 0))
            .admissions
            .iter()
            .filter(|a| a.venue == SCO)
            .count()
    };
    assert!(applied(&w) > 0, "by unanimity, close states apply");
    w.venues[SCO].membership = Membership::Invitation {
        admit: Admit::Invited,
    };
    assert_eq!(applied(&w), 0);
}

/// A toy world with a working group that comes into being during the run (`wg`, open,
/// reach members, hosting norms), not yet active.
fn with_working_group() -> Scenario {
    let mut sc = toy();
    let mut wg = crate::model::testkit::venue(
        "wg",
        Membership::Open { universal: false },
        Decision::ConsensusFirst { threshold: 0.5 },
        &[Kind::Norms],
    );
    wg.origin = Origin::Event { round: 1 };
    sc.venues.push(wg);
    sc
}

/// Departure 45: a venue created during the run that has adopted (or inherited)
/// nothing for a kind holds no rule of its own for it — it neither enters the rule in
/// force nor binds its members against a rival mandate; its first text does.
#[test]
fn a_venue_that_has_adopted_nothing_adds_nothing_to_the_rule_in_force() {
    use crate::model::Camp;
    use crate::model::world::RuleState;
    let sc = with_working_group();
    let mut w = world(&sc);
    let wg = sc.venues.len() - 1;
    w.venues[UNGA].rules[Kind::Norms.index()] = Some(RuleState {
        pos: Pos::new(0.8, 0.8),
        camp: Camp::Authoritarian,
        dissent: Vec::new(),
    });
    let before = w.rule_in_force(Kind::Norms);
    assert!(
        !w.venues[UNGA].blank[Kind::Norms.index()],
        "the world's venues hold the legacy"
    );
    setup::activate(&mut w, wg, None, &mut run_rng(1, 0));
    assert!(w.venues[wg].active);
    w.venues[wg].set_members(&[0, 1, 2, 3]);
    assert!(w.venues[wg].blank[Kind::Norms.index()]);
    assert_eq!(
        w.rule_in_force(Kind::Norms),
        before,
        "legacy placeholder left out"
    );
    // Its members, were its texts binding, are bound by nothing there against a
    // mandate of the other camp.
    w.venues[wg].binding = true;
    let i = w.venues[wg].members[0];
    assert!(!vote::bound_elsewhere(
        &w,
        i,
        Kind::Norms,
        Camp::Authoritarian
    ));
    // Once it has a text of its own, the text counts and binds.
    w.venues[wg].rules[Kind::Norms.index()] = Some(RuleState {
        pos: Pos::new(0.2, 0.2),
        camp: Camp::Liberal,
        dissent: Vec::new(),
    });
    w.venues[wg].blank[Kind::Norms.index()] = false;
    assert!(w.rule_in_force(Kind::Norms).m < before.m);
    assert!(vote::bound_elsewhere(
        &w,
        i,
        Kind::Norms,
        Camp::Authoritarian
    ));
}

/// Departure 45: a resolution restating other venues' texts (`rule_of`) restates only
/// the texts they have: a venue still on its legacy placeholder is skipped.
#[test]
fn a_restating_text_skips_a_venue_that_has_no_text_yet() {
    use super::drafting;
    use crate::model::Camp;
    use crate::model::world::RuleState;
    let mut sc = with_working_group();
    let wg = sc.venues.len() - 1;
    sc.proposals[0].position = PositionSpec::RuleOf(vec![UNGA, wg]);
    let mut w = world(&sc);
    setup::activate(&mut w, wg, None, &mut run_rng(1, 0));
    let text = Pos::new(0.6, 0.4);
    w.venues[UNGA].rules[Kind::Norms.index()] = Some(RuleState {
        pos: text,
        camp: Camp::Liberal,
        dissent: Vec::new(),
    });
    w.proposals[0].place = PositionSpec::RuleOf(vec![UNGA, wg]);
    assert_eq!(drafting::introduced(&w, 0), text);
    w.venues[wg].blank[Kind::Norms.index()] = false;
    let both = drafting::introduced(&w, 0);
    assert!(
        (both.m - (0.6 + sc.legacy.m) / 2.0).abs() < 1e-12,
        "{both:?}"
    );
}

/// Departure 46: members of the body that let a text pass without objection do not
/// call for a vote on it when the parent ratifies it; others still may, and every
/// ballot still counts once a vote is called.
#[test]
fn who_let_a_text_pass_does_not_call_a_vote_on_it() {
    use crate::model::outcome::How;
    let decision = Decision::ConsensusFirst { threshold: 0.5 };
    let positions = [0.5, -2.0, 0.3];
    let parts = [0, 1, 2];
    let votes: Vec<Vote> = positions.iter().map(|&x| vote::vote_from(x, 0.1)).collect();
    let decide =
        |pos: &[f64]| vote::decide(decision, &votes, pos, &[1.0; 3], 0.0, 0.0, 0.1, 0.0, 0.5);
    assert_eq!(decide(&positions), (true, How::Vote), "state 1 objects");
    let joined = [false, true, false];
    let masked = vote::bound_by_consensus(&positions, &parts, &joined);
    assert_eq!(masked, vec![0.5, f64::INFINITY, 0.3]);
    assert_eq!(decide(&masked), (true, How::WithoutVote));
    // Not a member of that body: it may still object.
    let masked = vote::bound_by_consensus(&positions, &parts, &[true, false, true]);
    assert_eq!(decide(&masked), (true, How::Vote));
}

/// Departure 50: seats drawn by Efraimidis–Spirakis keys fall to each candidate with the
/// probability of successive weighted draws without replacement (ODD 7.9). Three seats
/// among the toy world's twelve states: the exact inclusion probabilities, summed over
/// every ordered sequence of three picks, against the frequencies of 20,000 draws
/// (each within 4.5 standard errors).
#[test]
fn seat_keys_seat_as_successive_weighted_draws_would() {
    let sc = toy();
    let w = world(&sc);
    let n = w.n_states();
    let weight: Vec<f64> = (0..n)
        .map(|i| sc.states[i].power.sqrt() * sc.states[i].competence)
        .collect();
    let total: f64 = weight.iter().sum();
    let mut exact = vec![0.0; n];
    for a in 0..n {
        let pa = weight[a] / total;
        for b in (0..n).filter(|&b| b != a) {
            let pb = weight[b] / (total - weight[a]);
            for c in (0..n).filter(|&c| c != a && c != b) {
                let pc = weight[c] / (total - weight[a] - weight[b]);
                for i in [a, b, c] {
                    exact[i] += pa * pb * pc;
                }
            }
        }
    }
    let membership = Membership::Appointed {
        seats: 3,
        reserved: vec![],
        term: 1,
        quota_by: vec![],
    };
    let draws = 20_000;
    let mut seen = vec![0u32; n];
    for run in 0..draws {
        let members = seats::draw(&w, &membership, &mut run_rng(11, run));
        assert_eq!(members.len(), 3);
        for i in members {
            seen[i] += 1;
        }
    }
    for i in 0..n {
        let (p, f) = (exact[i], f64::from(seen[i]) / draws as f64);
        let se = (p * (1.0 - p) / draws as f64).sqrt();
        assert!(
            (f - p).abs() < 4.5 * se,
            "state {i}: drawn {f:.4}, exact {p:.4}"
        );
    }
}

/// A reform's subject built in reused buffers (`procedural_subject_in`, with lists left
/// over from another reform's subject and handed back by `recycle`) is the subject
/// built afresh, bit for bit: the before and after forecasts, an appointed membership's
/// strongest candidates per quota included. (Both sides are the same function; that the
/// arithmetic is the one before the buffers were reused is checked by the golden files
/// and the byte comparison in docs/PERFORMANCE.md.)
#[test]
fn a_reform_subject_from_reused_buffers_is_the_fresh_one() {
    let sc = toy();
    let mut w = world(&sc);
    for (p, pos) in [(0, Pos::new(0.9, 0.8)), (1, Pos::new(0.2, 0.3))] {
        w.proposals[p].status = Status::Agenda {
            venue: UNGA,
            rounds: 0,
        };
        w.proposals[p].pos = pos;
        w.venues[UNGA].agenda.push(p);
    }
    let reform = |membership: Membership, decision: Decision| Procedural {
        parent: UNGA,
        action: ProceduralAction::Change {
            venue: UNGA,
            change: VenueChange {
                membership: Some(membership),
                decision: Some(decision),
                stakeholders: None,
                transparency: None,
                privilege: None,
                hosts: None,
            },
        },
        replaces: Vec::new(),
    };
    let appointed = reform(
        Membership::Appointed {
            seats: 5,
            reserved: vec![],
            term: 1,
            // Two pools (the toy world's two blocs), each sorted in place.
            quota_by: vec![0, 1],
        },
        Decision::Consensus,
    );
    let open = reform(
        Membership::Open { universal: true },
        Decision::Majority { threshold: 0.5 },
    );
    let q = Pos::new(0.5, 0.5);
    let mut sc_ = forecast::ProceduralScratch::with_room(&w);
    for (first, second) in [(&open, &appointed), (&appointed, &open)] {
        let used = forecast::procedural_subject_in(&w, first, q, Some(0), &mut sc_);
        sc_.recycle(used);
        let reused = forecast::procedural_subject_in(&w, second, q, Some(0), &mut sc_);
        let fresh = forecast::procedural_subject(&w, second, q, Some(0));
        assert!(
            matches!(&fresh, Subject::Agenda { items } if items.len() == 2),
            "two items before and after: {fresh:?}"
        );
        // Debug prints each f64 as the shortest text that reads back to the same bits.
        assert_eq!(format!("{reused:?}"), format!("{fresh:?}"));
        sc_.recycle(reused);
    }
}
