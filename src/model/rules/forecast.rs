//! Forecasts without sampling (ODD §7.3, §7.8, §7.4): where negotiation would take a
//! proposal and how likely it is to pass, from all participants with absence
//! probabilities from last round's attention. Forum shopping, stakes and procedural votes
//! all read these.

use super::negotiation;
use super::seats;
use super::vote::{self, Electorate, Sponsors, Subject};
use crate::model::policy::{Kind, Pos};
use crate::model::spec::*;
use crate::model::world::World;

/// Pass probability of `subject` in venue `v` with electorate `el`, under `decision`.
pub fn pass_probability(
    world: &World,
    v: VenueIx,
    el: &Electorate,
    subject: &Subject,
    sponsors: &Sponsors,
    decision: Decision,
) -> f64 {
    pass_probability_in(
        world,
        v,
        el,
        subject,
        sponsors,
        decision,
        &mut Scratch::default(),
    )
}

/// Buffers of one forecast (raw gains, mean Δs, bloc sums), reused across forecasts.
#[derive(Debug, Clone, Default)]
struct Scratch {
    raw: Vec<f64>,
    means: Vec<f64>,
    blocs: vote::BlocScratch,
    parts: vote::PassParts,
}

/// [`pass_probability`] with reused buffers.
fn pass_probability_in(
    world: &World,
    v: VenueIx,
    el: &Electorate,
    subject: &Subject,
    sponsors: &Sponsors,
    decision: Decision,
    sc: &mut Scratch,
) -> f64 {
    vote::raw_deltas_into(world, el, subject, sponsors, &mut sc.raw);
    vote::mean_deltas_into(world, el, &sc.raw, sponsors, &mut sc.blocs, &mut sc.means);
    let stake = vote::stakeholder_vote(world, subject);
    vote::p_pass(
        world,
        el,
        &sc.means,
        sponsors,
        decision,
        world.venues[v].stakeholders,
        stake,
        world.break_cost(v),
        &mut sc.parts,
    )
}

/// Where a substantive proposal at `q` would end in venue `v` and how likely it passes
/// there, if `sponsor` tabled it now (joining `v` if it may enter).
pub fn substantive(
    world: &World,
    v: VenueIx,
    kind: Kind,
    q: Pos,
    sponsors: &Sponsors,
) -> (Pos, f64) {
    substantive_in(world, v, kind, q, sponsors, &mut Memo::default())
}

/// [`substantive`] reading the forecast electorate from `memo` (see [`Memo`]).
pub fn substantive_in(
    world: &World,
    v: VenueIx,
    kind: Kind,
    q: Pos,
    sponsors: &Sponsors,
    memo: &mut Memo,
) -> (Pos, f64) {
    let t = forecast_tabling(world, v, kind, q, sponsors, memo, false);
    (t.q2, t.p_pass)
}

/// What a sponsor foresees of tabling a text in a venue (§7.3, ODD 7.3).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tabling {
    /// The text after negotiation.
    pub q2: Pos,
    /// Its pass probability.
    pub p_pass: f64,
    /// The probability that nobody objects: adopted without a vote in a consensus-first
    /// venue (1 where no vote can split the venue: consensus, rough consensus; 0 where
    /// every decision is a vote).
    pub quiet: f64,
    /// The expected power of the participants voting no if it comes to a vote: they are
    /// not bound by a text adopted over their dissent (0 for `reach = global` venues).
    pub dissent: f64,
}

/// [`substantive_in`] with what a sponsor needs to weigh a split vote: the chance that
/// nobody objects and the power that would dissent.
pub fn tabling(
    world: &World,
    v: VenueIx,
    kind: Kind,
    q: Pos,
    sponsors: &Sponsors,
    memo: &mut Memo,
) -> Tabling {
    forecast_tabling(world, v, kind, q, sponsors, memo, true)
}

fn forecast_tabling(
    world: &World,
    v: VenueIx,
    kind: Kind,
    q: Pos,
    sponsors: &Sponsors,
    memo: &mut Memo,
    split: bool,
) -> Tabling {
    let venue = &world.venues[v];
    let Memo {
        base, el, scratch, ..
    } = memo;
    let el = electorate(world, v, sponsors.sponsor, base, el);
    let q2 = negotiation::forecast(
        world,
        el,
        venue.stakeholders,
        q,
        sponsors.sponsor,
        venue.bargaining_rounds(),
    );
    let reference = venue.rule(kind).map_or(world.sc.legacy, |r| r.pos);
    let subject = Subject::Rule { q: q2, reference };
    let p_pass = pass_probability_in(world, v, el, &subject, sponsors, venue.decision, scratch);
    let (quiet, votes) = match venue.decision {
        Decision::ConsensusFirst { .. } if split => (
            scratch.parts.quiet.unwrap_or_else(|| {
                vote::quiet(world, el, &scratch.means, sponsors, world.break_cost(v))
            }),
            true,
        ),
        Decision::Majority { .. } | Decision::Supermajority { .. } => (0.0, true),
        _ => (1.0, false),
    };
    let dissent = if split && votes && venue.reach == Reach::Members {
        vote::no_power_of(world, el, &scratch.means, sponsors, &scratch.parts)
    } else {
        0.0
    };
    Tabling {
        q2,
        p_pass,
        quiet,
        dissent,
    }
}

/// The compromise of venue `v`'s room as a sponsor drafting for it sees it: its
/// forecast electorate (with the sponsor, who would join) and the stakeholders.
pub fn room(world: &World, v: VenueIx, sponsors: &Sponsors, memo: &mut Memo) -> Option<Pos> {
    let Memo { base, el, .. } = memo;
    let el = electorate(world, v, sponsors.sponsor, base, el);
    negotiation::compromise(world, el, world.venues[v].stakeholders)
}

/// Forecast electorates of the venues, computed once and read by every forecast until the
/// engine calls [`Memo::clear`]. Within forum shopping nothing a forecast electorate depends
/// on changes (memberships change only after the step, attention and weights at other
/// steps; a created venue gets a new index), so the sponsors of all waiting proposals can
/// share one per venue. Values are computed by [`Electorate::forecast`]'s own arithmetic,
/// so results are bit-identical to computing them afresh.
#[derive(Debug, Clone, Default)]
pub struct Memo {
    /// `base[v]`: (valid, forecast electorate of `v` without an extra participant).
    base: Vec<(bool, Electorate)>,
    /// Buffer for an electorate with a sponsor who would join.
    el: Electorate,
    /// Buffers of the pass-probability computation.
    scratch: Scratch,
    /// Buffers of a procedural text's subject.
    procedural: ProceduralScratch,
}

impl Memo {
    /// A memo with room for the electorates of `venues` venues of up to `states`
    /// participants, so that forecasts in the rounds never allocate for them (a venue
    /// added later gets its room at its first forecast).
    pub fn with_room(world: &World) -> Memo {
        let (venues, states) = (world.venues.len(), world.n_states());
        let mut memo = Memo {
            procedural: ProceduralScratch::with_room(world),
            ..Memo::default()
        };
        memo.base.resize_with(venues, Default::default);
        for (_, el) in &mut memo.base {
            el.reserve(states);
        }
        memo.el.reserve(states);
        memo
    }

    /// Forgets every electorate (call after anything that changes memberships, attention,
    /// weights or legitimacy).
    pub fn clear(&mut self) {
        for b in &mut self.base {
            b.0 = false;
        }
    }

    /// Forgets venue `v`'s electorate (its membership changed).
    pub fn forget(&mut self, v: VenueIx) {
        if let Some(b) = self.base.get_mut(v) {
            b.0 = false;
        }
    }
}

/// `v`'s forecast electorate from `base[v]` (computed there first if it is not valid);
/// if `extra` would join, the electorate with it, written into `buf`.
fn electorate<'b>(
    world: &World,
    v: VenueIx,
    extra: Option<StateIx>,
    base: &'b mut Vec<(bool, Electorate)>,
    buf: &'b mut Electorate,
) -> &'b Electorate {
    if base.len() <= v {
        base.resize_with(v + 1, Default::default);
    }
    let (valid, b) = &mut base[v];
    if !*valid {
        // Room for every state (a no-op for the venues `Memo::with_room` made room for;
        // a venue created during the run gets it here, once): a growing membership never
        // reallocates it.
        b.reserve(world.n_states());
        Electorate::forecast_into(world, v, b);
        *valid = true;
    }
    // A participant already in the electorate does not join twice.
    let Some((extra, pos)) = extra.and_then(|x| Some((x, b.parts.binary_search(&x).err()?))) else {
        return b;
    };
    buf.reserve(world.n_states());
    buf.parts.clone_from(&b.parts);
    buf.weight.clone_from(&b.weight);
    buf.presence.clone_from(&b.presence);
    buf.parts.insert(pos, extra);
    buf.weight.insert(pos, world.eff_weight(extra, v));
    buf.presence.insert(pos, 1.0 - world.p_absent(extra, v));
    buf
}

/// The working lists of a procedural text's subject ([`procedural_subject_in`]): the
/// venue's forecast electorates before and after the change, a seat forecast's pools, a
/// pass probability's buffers, and the agenda lists of subjects handed back with
/// [`ProceduralScratch::recycle`]. Membership, attention, forecasts and votes each keep
/// one, so that a pending reform's subject is built without allocating (issue #17 item 3).
#[derive(Debug, Clone, Default)]
pub struct ProceduralScratch {
    before: Electorate,
    after: Electorate,
    seats: seats::Scratch,
    pass: Scratch,
    spare: Vec<Vec<AgendaItem>>,
}

/// One item of [`Subject::Agenda`]: (P before, q' before, P after, q' after, rule).
type AgendaItem = (f64, Pos, f64, Pos, Pos);

impl ProceduralScratch {
    /// Room for electorates and seat pools of every state of `world`. Only a text that
    /// changes a venue's rules uses these lists: a scenario without one (the world) gets
    /// empty ones and pays nothing at set-up.
    pub fn with_room(world: &World) -> Self {
        // Only a text that changes a venue is not negotiated.
        if world.proposals.iter().all(|p| p.is_negotiated()) {
            return ProceduralScratch::default();
        }
        let n = world.n_states();
        ProceduralScratch {
            before: Electorate::with_room(n),
            after: Electorate::with_room(n),
            seats: seats::Scratch::with_room(n, world.sc.max_quotas()),
            pass: Scratch::default(),
            // One list per procedural text at most can be out at a time.
            spare: Vec::with_capacity(
                world
                    .proposals
                    .iter()
                    .filter(|p| p.procedural.is_some())
                    .count(),
            ),
        }
    }

    /// Takes back `subject`'s agenda list (if it has one) for the next subject.
    pub fn recycle(&mut self, subject: Subject) {
        if let Subject::Agenda { items } = subject {
            self.spare.push(items);
        }
    }
}

/// What a procedural proposal sponsored by `sponsor` asks voters to weigh (§7.8), at
/// mandate position `q`.
pub fn procedural_subject(
    world: &World,
    proc_: &Procedural,
    q: Pos,
    sponsor: Option<StateIx>,
) -> Subject {
    procedural_subject_in(world, proc_, q, sponsor, &mut ProceduralScratch::default())
}

/// [`procedural_subject`] computing in `sc`'s buffers (the same arithmetic: bit-identical).
pub fn procedural_subject_in(
    world: &World,
    proc_: &Procedural,
    q: Pos,
    sponsor: Option<StateIx>,
    sc: &mut ProceduralScratch,
) -> Subject {
    match &proc_.action {
        ProceduralAction::Create {
            venue,
            mandate_kind,
            ..
        } => {
            let camp = world.camp_of(sponsor);
            Subject::Create {
                q,
                kind: *mandate_kind,
                camp,
                reference: world.rule_in_force(*mandate_kind),
                binding: world.venues[*venue].binding,
                rivals: vote::rival_texts(world, *mandate_kind, camp)
                    .next()
                    .is_some(),
            }
        }
        ProceduralAction::Change { venue, change } => {
            let v = *venue;
            let target = &world.venues[v];
            if change.is_openness_only() {
                let t_new = change.transparency.unwrap_or(target.transparency);
                let w_new = change
                    .stakeholders
                    .map_or(target.stakeholders.weight(), |s| s.weight());
                let d = (t_new - target.transparency) + (w_new - target.stakeholders.weight());
                let dir = if d >= 0.0 { 1.0 } else { -1.0 };
                return Subject::Openness {
                    transparency: target.transparency,
                    dir,
                };
            }
            Subject::Agenda {
                items: agenda_before_after(world, v, change, sc),
            }
        }
    }
}

/// For each substantive item on `v`'s agenda: (P, q') before and after `change`, and the
/// rule; in `sc`'s buffers, the list from its spare ones.
fn agenda_before_after(
    world: &World,
    v: VenueIx,
    change: &VenueChange,
    sc: &mut ProceduralScratch,
) -> Vec<AgendaItem> {
    let venue = &world.venues[v];
    let ProceduralScratch {
        before: before_el,
        after: after_el,
        seats: seat_scratch,
        pass,
        spare,
    } = sc;
    Electorate::forecast_into(world, v, before_el);
    match &change.membership {
        Some(m) => forecast_members_into(world, v, m, seat_scratch, &mut after_el.parts),
        None => after_el.parts.clone_from(&venue.members),
    }
    after_el.reweigh(world, v);
    let (before_el, after_el) = (&*before_el, &*after_el);
    let decision_after = change.decision.unwrap_or(venue.decision);
    let stake_after = change.stakeholders.unwrap_or(venue.stakeholders);
    let mut items = spare.pop().unwrap_or_default();
    items.clear();
    for &p in &venue.agenda {
        let pr = &world.proposals[p];
        if !pr.kind.is_substantive() {
            continue;
        }
        let sponsors = Sponsors::of(world, pr.sponsor, &pr.cosponsors);
        let rule = venue.rule(pr.kind).map_or(world.sc.legacy, |r| r.pos);
        let left = negotiation_rounds_left(world, p, venue.bargaining_rounds());
        let qb = negotiation::forecast(
            world,
            before_el,
            venue.stakeholders,
            pr.pos,
            pr.sponsor,
            left,
        );
        let pb = pass_probability_in(
            world,
            v,
            before_el,
            &Subject::Rule {
                q: qb,
                reference: rule,
            },
            &sponsors,
            venue.decision,
            pass,
        );
        let qa = negotiation::forecast(world, after_el, stake_after, pr.pos, pr.sponsor, left);
        let pa = pass_probability_in(
            world,
            v,
            after_el,
            &Subject::Rule {
                q: qa,
                reference: rule,
            },
            &sponsors,
            decision_after,
            pass,
        );
        items.push((pb, qb, pa, qa, rule));
    }
    items
}

fn negotiation_rounds_left(world: &World, p: ProposalIx, total: u32) -> u32 {
    match world.proposals[p].status {
        crate::model::world::Status::Agenda { rounds, .. } => total.saturating_sub(rounds),
        _ => total,
    }
}

/// Who would take part in `v` under `membership` (§7.11: appointed venues use the
/// strongest candidates per quota instead of a draw), into `members`, with `sc` for a
/// seat forecast (both reused buffers).
fn forecast_members_into(
    world: &World,
    v: VenueIx,
    membership: &Membership,
    sc: &mut seats::Scratch,
    members: &mut Vec<StateIx>,
) {
    match membership {
        Membership::Open { universal: true } | Membership::Individuals => {
            members.clear();
            members.extend(0..world.n_states());
        }
        Membership::Open { universal: false } | Membership::Invitation { .. } => {
            members.clone_from(&world.venues[v].members)
        }
        Membership::Appointed { .. } => seats::strongest_into(world, membership, sc, members),
    }
}

/// Pass probability of a procedural proposal in its parent and the sponsor's raw gain
/// (§7.3: it is tabled when `P × Δ_S^raw` exceeds the cost of acting).
pub fn procedural(world: &World, p: ProposalIx) -> (f64, f64) {
    procedural_in(world, p, &mut Memo::default())
}

/// [`procedural`] reading the parent's forecast electorate from `memo` and computing in
/// its buffers (the same arithmetic as a fresh electorate: bit-identical).
pub fn procedural_in(world: &World, p: ProposalIx, memo: &mut Memo) -> (f64, f64) {
    let pr = &world.proposals[p];
    let Some(proc_) = &pr.procedural else {
        return (0.0, 0.0);
    };
    let parent = proc_.parent;
    let venue = &world.venues[parent];
    let sponsors = Sponsors::of(world, pr.sponsor, &pr.cosponsors);
    let Memo {
        base,
        el,
        scratch,
        procedural,
    } = memo;
    let el = electorate(world, parent, None, base, el);
    let q = if pr.is_negotiated() {
        negotiation::forecast(
            world,
            el,
            venue.stakeholders,
            pr.pos,
            pr.sponsor,
            venue.bargaining_rounds(),
        )
    } else {
        pr.pos
    };
    let subject = procedural_subject_in(world, proc_, q, pr.sponsor, procedural);
    let gain = pr
        .sponsor
        .map_or(0.0, |s| vote::raw_delta(world, s, &subject, false));
    let pass = pass_probability_in(
        world,
        parent,
        el,
        &subject,
        &sponsors,
        venue.decision,
        scratch,
    );
    procedural.recycle(subject);
    (pass, gain)
}
