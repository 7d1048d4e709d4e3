//! Forum shopping and venue creation (ODD §7.3): a sponsor weighs every venue it may
//! use by the expected, reach-weighted gain of tabling there, may create a bloc venue after
//! a failure, and picks by softmax among the options worth taking.

use super::forecast;
use super::vote::Sponsors;
use crate::model::policy::{Camp, Pos};
use crate::model::rng::SimRng;
use crate::model::spec::*;
use crate::model::stats::softmax_pick;
use crate::model::world::{Status, World};

/// One option a sponsor weighed.
#[derive(Debug, Clone, PartialEq)]
pub struct Opt {
    /// Venue (for `create`: none yet).
    pub venue: Option<VenueIx>,
    pub eu: f64,
    pub p_pass: f64,
    /// The venue's rule for the kind was not set by the other camp.
    pub proactive: bool,
    /// The text the sponsor would table there, where it is not its own: in a
    /// consensus-first venue it drafts toward the room's compromise (ODD 7.3).
    pub draft: Option<Pos>,
}

/// What the sponsor does with a waiting proposal.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Table {
        venue: VenueIx,
    },
    /// Create a venue for bloc `bloc` with charter/rule `charter`, and table there.
    Create {
        bloc: BlocIx,
        charter: Pos,
    },
    Wait,
    Abandon,
}

/// The sponsor's decision and the options it weighed (for `choices.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub action: Action,
    pub options: Vec<Opt>,
    /// Index into `options` of the chosen one.
    pub chosen: Option<usize>,
}

/// Buffers of [`choose_in`], kept by the engine between proposals and rounds so that
/// forum shopping does not allocate: the options list travels out in each [`Choice`]
/// and comes back through [`Scratch::recycle`].
#[derive(Debug, Default)]
pub struct Scratch {
    options: Vec<Opt>,
    positive: Vec<usize>,
    scores: Vec<f64>,
}

impl Scratch {
    /// Takes back the options list of a choice once the caller has read it.
    pub fn recycle(&mut self, options: Vec<Opt>) {
        self.options = options;
    }
}

/// Whether a tabling in `v` for `kind` is proactive for a sponsor of camp `camp`.
fn proactive(world: &World, v: VenueIx, kind: crate::model::Kind, camp: Camp) -> bool {
    world.venues[v]
        .rule(kind)
        .is_none_or(|r| r.camp != camp.other())
}

/// Decides what the sponsor of waiting proposal `p` does this round.
pub fn choose(world: &World, p: ProposalIx, rng: &mut SimRng) -> Choice {
    choose_in(
        world,
        p,
        rng,
        &mut forecast::Memo::default(),
        &mut Scratch::default(),
    )
}

/// [`choose`] with forecast electorates shared through `memo` (the engine keeps one for
/// the whole forum-shopping step) and its lists in `scratch`.
pub fn choose_in(
    world: &World,
    p: ProposalIx,
    rng: &mut SimRng,
    memo: &mut forecast::Memo,
    scratch: &mut Scratch,
) -> Choice {
    let pr = &world.proposals[p];
    debug_assert_eq!(pr.status, Status::Waiting);
    let mut options = std::mem::take(&mut scratch.options);
    options.clear();
    let none = |action, options| Choice {
        action,
        options,
        chosen: None,
    };
    if pr.tries >= pr.max_moves {
        return none(Action::Abandon, options);
    }
    let Some(s) = pr.sponsor else {
        // A chair's text goes to its own venue when that venue sits; it does not shop.
        return match pr.fixed_venue {
            Some(v) if usable(world, v, pr.kind, None) => none(Action::Table { venue: v }, options),
            _ => none(Action::Wait, options),
        };
    };
    let sponsors = Sponsors::of(world, Some(s), &pr.cosponsors);
    let cost_to_move = world.p.shift_cost * (1.0 - world.sc.states[s].competence);

    if let Some(proc_) = &pr.procedural {
        let parent = proc_.parent;
        let venue = &world.venues[parent];
        if !venue.active || !(venue.member[s] || venue.may_enter()) {
            return none(Action::Wait, options);
        }
        let (pp, gain) = forecast::procedural_in(world, p, memo);
        let eu = pp * gain;
        options.push(Opt {
            venue: Some(parent),
            eu,
            p_pass: pp,
            proactive: true,
            draft: None,
        });
        return if eu > cost_to_move {
            Choice {
                action: Action::Table { venue: parent },
                options,
                chosen: Some(0),
            }
        } else {
            Choice {
                action: Action::Wait,
                options,
                chosen: None,
            }
        };
    }

    let kind = pr.kind;
    // A fixed first venue is used even if its EU is not positive.
    if let (Some(v), None) = (pr.fixed_venue, pr.last_venue) {
        if !usable(world, v, kind, Some(s)) {
            return none(Action::Wait, options);
        }
        options.push(venue_option(world, p, s, v, &sponsors, cost_to_move, memo));
        return Choice {
            action: Action::Table { venue: v },
            options,
            chosen: Some(0),
        };
    }

    options.extend(
        (0..world.venues.len())
            .filter(|&v| usable(world, v, kind, Some(s)))
            .map(|v| venue_option(world, p, s, v, &sponsors, cost_to_move, memo)),
    );
    let mut create = None;
    if let Some((bloc, charter, eu)) = creation(world, p) {
        create = Some((options.len(), bloc, charter));
        options.push(Opt {
            venue: None,
            eu,
            p_pass: 1.0,
            proactive: true,
            draft: None,
        });
    }

    // "Positive" EU means worth the trouble: an option whose EU is floating-point dust
    // (pass probabilities of 1e-40) must not be drawn at random over waiting.
    let (positive, scores) = (&mut scratch.positive, &mut scratch.scores);
    positive.clear();
    positive.extend((0..options.len()).filter(|&k| options[k].eu > world.p.min_eu));
    scores.clear();
    scores.extend(positive.iter().map(|&k| options[k].eu));
    match softmax_pick(scores, world.p.choice_temperature, rng) {
        None => Choice {
            action: Action::Wait,
            options,
            chosen: None,
        },
        Some(j) => {
            let k = positive[j];
            let action = match (options[k].venue, create) {
                (Some(v), _) => Action::Table { venue: v },
                (None, Some((_, bloc, charter))) => Action::Create { bloc, charter },
                (None, None) => Action::Wait,
            };
            Choice {
                action,
                options,
                chosen: Some(k),
            }
        }
    }
}

/// Whether sponsor `s` can table a `kind` proposal in venue `v` now: the venue exists,
/// hosts the kind, and `s` belongs to it or may enter.
/// A chair (`s = None`) needs only that its venue sits and hosts the kind.
fn usable(world: &World, v: VenueIx, kind: crate::model::Kind, s: Option<StateIx>) -> bool {
    let venue = &world.venues[v];
    venue.active
        && venue.hosts.contains(kind)
        && s.is_none_or(|s| venue.member[s] || venue.may_enter())
}

/// How far toward the room's compromise a sponsor may draft its text in a
/// consensus-first venue: its own text, a quarter, half, three quarters, the room's.
const DRAFTS: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];

/// The option of tabling proposal `p` of sponsor `s` in venue `v` (§7.3, ODD 7.3):
/// the expected gain, weighted by the power the adopted text would bind, less the cost
/// of moving, and in a consensus-first venue less what breaking its consensus costs
/// when the text comes to a vote:
///
/// `EU = gain(q') × (P_quiet × R + (P − P_quiet) × (R − D)) − move − break_cost × (1 − quiet)`
///
/// with `R` the forecast reach and `D` the power expected to vote no. In a
/// consensus-first venue the sponsor drafts for the room: it weighs its own text and
/// texts moved a quarter, half, three quarters and all the way toward the room's
/// compromise, and tables the best.
fn venue_option(
    world: &World,
    p: ProposalIx,
    s: StateIx,
    v: VenueIx,
    sponsors: &Sponsors,
    cost_to_move: f64,
    memo: &mut forecast::Memo,
) -> Opt {
    let pr = &world.proposals[p];
    let kind = pr.kind;
    let venue = &world.venues[v];
    let rule = venue.rule(kind).map_or(world.sc.legacy, |r| r.pos);
    let moved = pr.last_venue.is_some_and(|last| last != v);
    let reach = world.forecast_reach(v, Some(s));
    let consensus_first = matches!(venue.decision, Decision::ConsensusFirst { .. });
    let value = |t: &forecast::Tabling| {
        let quiet = t.quiet.min(t.p_pass);
        let gain = world.u(s, t.q2) - world.u(s, rule);
        let split = if consensus_first {
            world.break_cost(v) * (1.0 - t.quiet)
        } else {
            0.0
        };
        gain * (quiet * reach + (t.p_pass - quiet) * (reach - t.dissent))
            - if moved { cost_to_move } else { 0.0 }
            - split
    };
    let own = forecast::tabling(world, v, kind, pr.pos, sponsors, memo);
    let (mut best, mut eu, mut draft) = (own, value(&own), None);
    if consensus_first && let Some(c) = forecast::room(world, v, sponsors, memo) {
        for &t in &DRAFTS[1..] {
            let q = pr.pos.lerp(c, t * world.p.draft_reach);
            let f = forecast::tabling(world, v, kind, q, sponsors, memo);
            let x = value(&f);
            if x > eu {
                (best, eu, draft) = (f, x, Some(q));
            }
        }
    }
    Opt {
        venue: Some(v),
        eu,
        p_pass: best.p_pass,
        proactive: proactive(world, v, kind, world.camp[s]),
        draft,
    }
}

/// The creation option (§7.3), if open: (home bloc, its charter, EU).
pub fn creation(world: &World, p: ProposalIx) -> Option<(BlocIx, Pos, f64)> {
    let pr = &world.proposals[p];
    if !world.p.allow_create || pr.last_failed.is_none() || !pr.kind.is_substantive() {
        return None;
    }
    let s = pr.sponsor?;
    let &bloc = world.sc.states[s].blocs.first()?;
    let members = world.bloc_members(bloc);
    let power: f64 = members.iter().map(|&i| world.sc.states[i].power).sum();
    if power < world.p.create_power {
        return None;
    }
    let taken = world.venues.iter().any(|v| {
        v.active
            && v.hosts.contains(pr.kind)
            && !v.founders.is_empty()
            && v.founders
                .iter()
                .all(|&f| world.sc.states[f].blocs.contains(&bloc))
    });
    if taken {
        return None;
    }
    let charter = world.weighted_ideal(members);
    let rule_now = pr
        .last_failed
        .and_then(|v| world.venues[v].rule(pr.kind))
        .map_or(world.sc.legacy, |r| r.pos);
    let eu = power * (world.u(s, charter) - world.u(s, rule_now)) - world.p.create_cost;
    Some((bloc, charter, eu))
}
