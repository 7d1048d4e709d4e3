//! The round schedule of ODD §3: one run of one scenario from one RNG stream.
//!
//! Each round: events → forum shopping → membership → attention → negotiation and
//! reforms → decisions (and elections) → outcomes → observation. Submodels in
//! [`crate::model::rules`] decide; this module applies their actions in index order and
//! records what happened. All randomness of a run comes from its own [`SimRng`], drawn in
//! a fixed order, so a run is a pure function of (scenario, seed, run index).

pub mod observe;
pub mod record;
pub use crate::model::rng;

pub use record::*;
pub use rng::{SimRng, population_rng, run_rng};

use crate::model::policy::{Camp, Kind, Pos};
use crate::model::rules::forum::{self, Action};
use crate::model::rules::vote::{self, Electorate, Sponsors, Subject};
use crate::model::rules::{
    attention, drafting, election, forecast, membership, negotiation, reform,
};
use crate::model::setup;
use crate::model::spec::*;
use crate::model::world::{ProposalState, RuleState, Status, World};
use observe::Counts;

/// Runs run `run` (0-based) of `scenario`, from ChaCha stream `run` of `scenario.seed`.
pub fn run(scenario: &Scenario, run: u64, opts: RunOptions) -> RunResult {
    let mut stepper = Stepper::new(scenario, run, opts);
    while stepper.step() {}
    stepper.finish()
}

/// A run played one round at a time: [`run`] is `step` until it returns false, then
/// `finish`. The benches use it to time single rounds.
pub struct Stepper<'a> {
    eng: Engine<'a>,
    rng: SimRng,
    next: u32,
}

impl<'a> Stepper<'a> {
    /// Sets up run `run` of `scenario` (the world at round 0, before any step).
    pub fn new(scenario: &'a Scenario, run: u64, opts: RunOptions) -> Self {
        Self::with_room(scenario, run, opts, Room::default())
    }

    /// [`Stepper::new`] with its tables and dissenter lists made with `room` (a
    /// previous run's [`Room::of`]): the same run, allocated up front.
    pub fn with_room(scenario: &'a Scenario, run: u64, opts: RunOptions, room: Room) -> Self {
        let mut rng = run_rng(scenario.seed, run);
        let world = setup::world(scenario, &mut rng);
        let (n_venues, n_states, n_proposals) =
            (world.venues.len(), world.n_states(), world.proposals.len());
        let eng = Engine {
            out: RunResult {
                run,
                seed: scenario.seed,
                venue_names: Vec::new(),
                proposal_names: Vec::new(),
                state_names: scenario.states.iter().map(|s| s.id.clone()).collect(),
                rounds: Vec::with_capacity(scenario.rounds as usize),
                venues: Vec::with_capacity(room.venues),
                rules: Vec::with_capacity(room.rules),
                decisions: Vec::with_capacity(room.decisions),
                choices: Vec::with_capacity(room.choices),
                votes: Vec::with_capacity(room.votes),
                attention: Vec::with_capacity(room.attention),
                why: Why::default(),
            },
            opts,
            counts: Counts::default(),
            elections: Vec::with_capacity(scenario.events.len()),
            tally: Vec::with_capacity(n_states),
            attention: attention::Attention::with_room(&world),
            attention_scratch: attention::Scratch::with_room(&world),
            present: Electorate::with_room(n_states),
            agreed: Vec::with_capacity(n_states),
            absent_draws: Vec::with_capacity(n_states),
            agenda: Vec::with_capacity(n_proposals),
            vote_scratch: vote::VoteScratch::with_room(n_states, scenario.blocs.len()),
            reform_votes: Vec::with_capacity(n_states),
            changes: membership::Changes::with_room(&world),
            membership_scratch: membership::Scratch::with_room(&world),
            pairs: Vec::with_capacity(n_venues * Kind::SUBSTANTIVE.len()),
            memo: forecast::Memo::with_room(&world),
            shopping: forum::Scratch::default(),
            joins: Vec::new(),
            p_pass: Vec::with_capacity(n_proposals),
            decided: Vec::with_capacity(n_proposals),
            restating: Vec::with_capacity(n_proposals),
            spare_dissent: (0..room.dissent)
                .map(|_| Vec::with_capacity(n_states))
                .collect(),
            drafting: Electorate::with_room(n_states),
            activation: setup::Scratch::with_room(&world),
            procedural: forecast::ProceduralScratch::with_room(&world),
            odds: (0..n_venues)
                .map(|_| (Vec::with_capacity(n_states), (0.0, 0.0)))
                .collect(),
            w: world,
        };
        Stepper { eng, rng, next: 0 }
    }

    /// Plays the next round; false (and nothing played) once every round has been.
    pub fn step(&mut self) -> bool {
        if self.next >= self.eng.w.sc.rounds {
            return false;
        }
        self.eng.round(self.next, &mut self.rng);
        self.next += 1;
        true
    }

    /// The world as the rounds played so far left it (for benches, probes and tests).
    pub fn world(&self) -> &World<'a> {
        &self.eng.w
    }

    /// The run's records so far.
    pub fn finish(self) -> RunResult {
        let mut eng = self.eng;
        eng.out.venue_names = eng.w.venues.iter().map(|v| v.id.clone()).collect();
        eng.out.proposal_names = eng.w.proposals.iter().map(|p| p.id.clone()).collect();
        eng.out
    }
}

/// One decided proposal, applied at the outcome step.
struct Outcome {
    proposal: ProposalIx,
    venue: VenueIx,
    adopted: bool,
    how: How,
    dissent: Vec<StateIx>,
}

struct Engine<'a> {
    w: World<'a>,
    out: RunResult,
    opts: RunOptions,
    counts: Counts,
    /// Elections scheduled for this round's decision step.
    elections: Vec<(VenueIx, &'a [StateIx])>,
    /// An election's votes per candidate.
    tally: Vec<u32>,
    /// Reused buffer of the attention step.
    attention: attention::Attention,
    attention_scratch: attention::Scratch,
    /// Reused buffers of the round loop: a present electorate, a venue's absence
    /// draws, a copy of a venue's agenda.
    present: Electorate,
    /// Who let a ratified text pass where it was negotiated (a copy of that venue's
    /// membership flags).
    agreed: Vec<bool>,
    absent_draws: Vec<bool>,
    agenda: Vec<ProposalIx>,
    vote_scratch: vote::VoteScratch,
    reform_votes: Vec<(StateIx, Vote)>,
    changes: membership::Changes,
    membership_scratch: membership::Scratch,
    /// Reused buffer of (reach, rule) pairs for the observation step.
    pairs: Vec<(f64, Pos)>,
    /// Forecast electorates shared within a step (cleared when memberships may change).
    memo: forecast::Memo,
    /// Reused lists of forum shopping: the options a sponsor weighs, the sponsors who
    /// join an open venue by tabling there, and the agenda's refreshed pass
    /// probabilities.
    shopping: forum::Scratch,
    joins: Vec<(VenueIx, StateIx)>,
    p_pass: Vec<(ProposalIx, f64)>,
    /// Reused lists of the decision step: its outcomes, and the restating texts it
    /// leaves for after them.
    decided: Vec<Outcome>,
    restating: Vec<(ProposalIx, VenueIx)>,
    /// Dissenter lists of replaced rules, for the next adoption by a recorded vote.
    spare_dissent: Vec<Vec<StateIx>>,
    /// The electorate a chair drafts for.
    drafting: Electorate,
    /// The lists of a venue coming into being.
    activation: setup::Scratch,
    /// The lists of a procedural text's subject in a vote.
    procedural: forecast::ProceduralScratch,
    /// Per venue: the member list its reform odds were computed for, and the odds.
    odds: Vec<(Vec<StateIx>, (f64, f64))>,
}

/// The tallies of a decision, `[yes, no, abstain, absent]`, from one vote per
/// participant, in one pass.
fn tally(votes: &[(StateIx, Vote)]) -> [u32; 4] {
    let mut counts = [0u32; 4];
    for &(_, x) in votes {
        counts[match x {
            Vote::Yes => 0,
            Vote::No => 1,
            Vote::Abstain => 2,
            Vote::Absent => 3,
        }] += 1;
    }
    counts
}

impl Engine<'_> {
    fn round(&mut self, round: u32, rng: &mut SimRng) {
        self.w.round = round;
        self.counts = Counts::default();
        for v in self.w.venues.iter_mut() {
            v.adoptions = 0;
            v.decided = 0;
            v.sat = false;
        }
        self.events(rng);
        self.shop(rng);
        self.membership(rng);
        self.attention();
        self.negotiate(rng);
        let (outcomes, restating) = self.decide(rng);
        self.outcomes(outcomes, rng);
        let outcomes = self.restate(restating, rng);
        self.outcomes(outcomes, rng);
        self.build_practice();
        self.observe();
        self.dissolve_ended();
    }

    /// After the round's outcomes: a consensus or consensus-first venue that sat this
    /// round and decided nothing held a session without a vote, which restores its
    /// practice of consensus as an adoption without a vote does (ODD 7.8, departure
    /// 48). A body convened during the run so builds its practice over the sessions
    /// before its first decision.
    fn build_practice(&mut self) {
        let recovery = self.w.p.recovery;
        for venue in &mut self.w.venues {
            if venue.sat
                && venue.decided == 0
                && matches!(
                    venue.decision,
                    Decision::Consensus | Decision::ConsensusFirst { .. }
                )
            {
                venue.practice += recovery * (1.0 - venue.practice);
            }
        }
    }

    /// After observation: venues whose term ends this round are dissolved. Their agenda
    /// goes back to the sponsors (a chair's text lapses), their members leave; their
    /// texts stay on record for successors and endorsing resolutions (ODD 7.11).
    fn dissolve_ended(&mut self) {
        let round = self.w.round;
        for v in 0..self.w.venues.len() {
            let venue = &self.w.venues[v];
            if !venue.active || venue.until.is_none_or(|u| round < u) {
                continue;
            }
            for p in venue.agenda.clone() {
                self.withdraw(p, v);
                // Nobody takes a chair's text elsewhere: it lapses with its venue.
                if self.w.proposals[p].sponsor.is_none() {
                    self.w.proposals[p].status = Status::Abandoned;
                }
            }
            let venue = &mut self.w.venues[v];
            venue.active = false;
            venue.set_members(&[]);
        }
    }

    /// Step 1: scheduled events (§7.12), then proposals introduced this round start waiting.
    fn events(&mut self, rng: &mut SimRng) {
        let sc = self.w.sc;
        let round = self.w.round;
        for ev in sc.events.iter().filter(|e| e.round == round) {
            let w = &mut self.w;
            match &ev.event {
                Event::LegitimacyShock { state, delta } => {
                    w.legitimacy[*state] = (w.legitimacy[*state] + delta).clamp(0.0, 1.0);
                }
                Event::IdealShift { target, dm, ds } => {
                    let states = match target {
                        Target::State(i) => vec![*i],
                        Target::Bloc(b) => w.bloc_members(*b).to_vec(),
                    };
                    for i in states {
                        w.ideal[i] = Pos::new(w.ideal[i].m + dm, w.ideal[i].s + ds).clamped();
                    }
                }
                Event::VenueChange { venue, change } => setup::change(w, *venue, change, rng),
                Event::NewVenue { venue } => {
                    setup::activate_in(w, *venue, None, rng, &mut self.activation)
                }
                Event::Membership {
                    venue,
                    join,
                    states,
                } => {
                    let v = &mut w.venues[*venue];
                    if v.active && !v.is_universal() && v.has_state_membership() {
                        for &i in states {
                            v.set_member(i, *join);
                        }
                    }
                }
                Event::Tag { state, tag, add } => {
                    let tags = &mut w.tags[*state];
                    tags.retain(|t| t != tag);
                    if *add {
                        tags.push(*tag);
                    }
                }
                Event::Election { venue, candidates } => {
                    self.elections.push((*venue, candidates.as_slice()))
                }
            }
        }
        for p in 0..self.w.proposals.len() {
            let pr = &self.w.proposals[p];
            if pr.status == Status::Future && pr.introduced <= round && pr.ratifies.is_none() {
                let q = drafting::introduced(&self.w, p);
                let pr = &mut self.w.proposals[p];
                pr.original = q;
                pr.pos = q;
                pr.status = Status::Waiting;
            }
        }
    }

    /// Step 2: forum shopping and creation (§7.3), in proposal order.
    fn shop(&mut self, rng: &mut SimRng) {
        // Memberships, attention and legitimacy changed since the last forecasts.
        self.memo.clear();
        let mut joins = std::mem::take(&mut self.joins);
        joins.clear();
        for p in 0..self.w.proposals.len() {
            if self.w.proposals[p].status != Status::Waiting {
                continue;
            }
            let forum::Choice {
                action,
                options,
                chosen: pick,
            } = forum::choose_in(&self.w, p, rng, &mut self.memo, &mut self.shopping);
            let sponsor = self.w.proposals[p].sponsor;
            // A picked creation gets the next venue index; an unpicked one names none.
            let first_new = self.w.venues.len() as u32;
            for (k, o) in options.iter().enumerate() {
                let chosen = pick == Some(k);
                self.out.choices.push(ChoiceRow {
                    round: self.w.round,
                    proposal: p as u32,
                    sponsor: sponsor.map_or(u32::MAX, |s| s as u32),
                    venue: o
                        .venue
                        .map_or(if chosen { first_new } else { u32::MAX }, |v| v as u32),
                    create: o.venue.is_none(),
                    eu: o.eu,
                    p_pass: o.p_pass,
                    chosen,
                    proactive: o.proactive,
                });
            }
            let draft = pick.and_then(|k| options[k].draft);
            self.shopping.recycle(options);
            let venue = match action {
                Action::Abandon => {
                    self.w.proposals[p].status = Status::Abandoned;
                    self.counts.abandoned += 1;
                    continue;
                }
                Action::Wait => {
                    self.w.proposals[p].tries += 1;
                    continue;
                }
                Action::Table { venue } => venue,
                Action::Create { bloc, charter } => {
                    let kind = self.w.proposals[p].kind;
                    setup::create_bloc_venue(&mut self.w, bloc, kind, charter)
                }
            };
            // A sponsor drafting for a consensus-first room tables that text (its own
            // stays its `original`, to which it returns after a failure).
            if let Some(q) = draft {
                self.w.proposals[p].pos = q;
            }
            // A chair drafts for the room it has.
            if self.w.proposals[p].place == PositionSpec::Compromise
                && let Some(q) = drafting::chair_text_into(&self.w, venue, &mut self.drafting)
            {
                let pr = &mut self.w.proposals[p];
                pr.original = q;
                pr.pos = q;
            }
            let pr = &mut self.w.proposals[p];
            if pr.last_venue.is_some_and(|last| last != venue) {
                self.counts.moves += 1;
            }
            pr.status = Status::Agenda { venue, rounds: 0 };
            pr.last_venue = Some(venue);
            self.w.venues[venue].agenda.push(p);
            if let Some(s) = sponsor
                && !self.w.venues[venue].member[s]
            {
                joins.push((venue, s));
            }
        }
        // Tabling in an open venue makes the sponsor a member (applied after the step, §3).
        for &(v, i) in &joins {
            self.w.venues[v].set_member(i, true);
            // Only these memberships changed since the forecasts above.
            self.memo.forget(v);
        }
        self.joins = joins;
        self.refresh_pass_probabilities();
    }

    /// The forecast pass probability of every proposal on an agenda, read by stakes.
    fn refresh_pass_probabilities(&mut self) {
        let mut pp = std::mem::take(&mut self.p_pass);
        pp.clear();
        for (p, pr) in self.w.proposals.iter().enumerate() {
            if let Status::Agenda { venue, .. } = pr.status {
                let prob = if pr.procedural.is_some() {
                    forecast::procedural_in(&self.w, p, &mut self.memo).0
                } else {
                    let sponsors = Sponsors::of(&self.w, pr.sponsor, &pr.cosponsors);
                    let memo = &mut self.memo;
                    forecast::substantive_in(&self.w, venue, pr.kind, pr.pos, &sponsors, memo).1
                };
                pp.push((p, prob));
            }
        }
        for &(p, prob) in &pp {
            self.w.proposals[p].p_pass = prob;
        }
        self.p_pass = pp;
    }

    /// Step 3: joins, leaves, admissions, seat draws (§7.2), applied simultaneously.
    fn membership(&mut self, rng: &mut SimRng) {
        let mut ch = std::mem::take(&mut self.changes);
        membership::step_into(
            &self.w,
            rng,
            self.opts.why,
            &mut ch,
            &mut self.membership_scratch,
        );
        self.out.why.joins.append(&mut ch.why);
        self.out.why.admissions.append(&mut ch.rules);
        for &(v, i) in &ch.leaves {
            self.w.venues[v].set_member(i, false);
        }
        for &(v, i) in &ch.joins {
            self.w.venues[v].set_member(i, true);
        }
        for (v, members) in &ch.seatings {
            self.w.venues[*v].set_members(members);
            self.w.venues[*v].seated = self.w.round;
            if self.opts.why {
                self.out.why.seatings.push((self.w.round, *v as u32));
            }
        }
        for adm in &ch.admissions {
            if adm.admitted {
                self.w.venues[adm.venue].set_member(adm.applicant, true);
            }
            let session = &ch.sessions[adm.session];
            let counts = [adm.yes, adm.no, 0, session.absent()];
            let d = self.counted_row(
                adm.venue,
                DecisionKind::Admission,
                u32::MAX,
                Kind::Procedural,
                Some(adm.applicant),
                counts,
                adm.admitted,
            );
            self.out.decisions.push(d);
            if self.opts.votes {
                // The session's members as they were before this step's admissions.
                let votes = session.votes(&self.w, adm.applicant);
                self.record_votes(&votes);
            }
        }
        self.changes = ch;
    }

    /// Step 4: attention (§7.5).
    fn attention(&mut self) {
        attention::step_into(&self.w, &mut self.attention, &mut self.attention_scratch);
        // Swap rather than move: last round's vectors become next round's buffer.
        for (venue, a) in self.w.venues.iter_mut().zip(self.attention.a.iter_mut()) {
            std::mem::swap(&mut venue.attention, a);
        }
        std::mem::swap(&mut self.w.n_venues, &mut self.attention.n);
        if self.opts.states {
            for (v, venue) in self.w.venues.iter().enumerate() {
                for &i in &venue.members {
                    self.out.attention.push(AttentionRow {
                        round: self.w.round,
                        state: i as u32,
                        venue: v as u32,
                        attention: venue.attention[i],
                    });
                }
            }
        }
    }

    /// Step 5: absences, negotiation (§7.6), openness reforms.
    fn negotiate(&mut self, rng: &mut SimRng) {
        for v in 0..self.w.venues.len() {
            if !self.w.venues[v].active {
                continue;
            }
            let members = std::mem::take(&mut self.w.venues[v].members);
            let mut draws = std::mem::take(&mut self.absent_draws);
            draws.clear();
            draws.extend(
                members
                    .iter()
                    .map(|&i| vote::draw_absent(&self.w, i, v, rng)),
            );
            let venue = &mut self.w.venues[v];
            for (&i, &a) in members.iter().zip(&draws) {
                venue.absent[i] = a;
            }
            venue.members = members;
            self.absent_draws = draws;
        }
        for p in 0..self.w.proposals.len() {
            let Status::Agenda { venue: v, rounds } = self.w.proposals[p].status else {
                continue;
            };
            // In a consensus-first venue the first session's bargaining went into the
            // sponsor's draft (ODD 7.3): the text is bargained over in the later
            // sessions only, as `bargaining_rounds` (and so the forecasts) count them.
            let venue = &self.w.venues[v];
            let bargains = venue.bargaining_rounds();
            if self.w.proposals[p].is_negotiated()
                && bargains > 0
                && rounds >= venue.negotiation_rounds - bargains
            {
                Electorate::present_into(&self.w, v, &mut self.present);
                if let Some(c) =
                    negotiation::compromise(&self.w, &self.present, self.w.venues[v].stakeholders)
                {
                    let pr = &self.w.proposals[p];
                    let q = negotiation::step(
                        pr.pos,
                        c,
                        self.w.p.lambda,
                        pr.sponsor.map(|s| self.w.ideal[s]),
                        self.w.p.agenda_power,
                        self.w.p.scope_weight,
                    );
                    self.w.proposals[p].pos = q;
                }
            }
            self.w.proposals[p].status = Status::Agenda {
                venue: v,
                rounds: rounds + 1,
            };
        }
        for v in 0..self.w.venues.len() {
            if self.odds.len() <= v {
                // Room for every state: a growing membership never reallocates it.
                let n = self.w.n_states();
                self.odds
                    .resize_with(v + 1, || (Vec::with_capacity(n), (0.0, 0.0)));
            }
            let (w, memo) = (&self.w, &mut self.odds[v]);
            let odds = || {
                if memo.0 != w.venues[v].members {
                    memo.0.clone_from(&w.venues[v].members);
                    memo.1 = reform::odds(w, v);
                }
                memo.1
            };
            let Some(r) = reform::step_with(w, v, odds, rng, &mut self.reform_votes) else {
                continue;
            };
            if r.passed {
                let venue = &mut self.w.venues[v];
                venue.transparency = r.transparency;
                venue.stakeholders = venue.stakeholders.with_weight(r.stakeholder_weight);
            }
            let d = self.counted_row(
                v,
                DecisionKind::Reform,
                u32::MAX,
                Kind::Procedural,
                Some(r.proposer),
                tally(&self.reform_votes),
                r.passed,
            );
            self.out.decisions.push(DecisionRow {
                position: Pos::new(r.transparency, r.stakeholder_weight),
                detail: Detail::Reform { up: r.dir > 0.0 },
                ..d
            });
            let votes = std::mem::take(&mut self.reform_votes);
            self.record_votes(&votes);
            self.reform_votes = votes;
        }
    }

    /// Step 6: every proposal that has spent its negotiation rounds is decided (§7.8,
    /// §7.8); elections are held. Texts that restate other venues' work are held back
    /// for [`Engine::restate`] and returned with their venues.
    fn decide(&mut self, rng: &mut SimRng) -> (Vec<Outcome>, Vec<(ProposalIx, VenueIx)>) {
        let mut outcomes = std::mem::take(&mut self.decided);
        outcomes.clear();
        let mut restating = std::mem::take(&mut self.restating);
        restating.clear();
        for v in 0..self.w.venues.len() {
            if !self.w.venues[v].active {
                continue;
            }
            self.w.venues[v].sat = !self.w.venues[v].members.is_empty();
            let mut agenda = std::mem::take(&mut self.agenda);
            agenda.clear();
            agenda.extend_from_slice(&self.w.venues[v].agenda);
            let mut el = std::mem::take(&mut self.present);
            let mut built = false;
            for &p in &agenda {
                let Status::Agenda { rounds, .. } = self.w.proposals[p].status else {
                    continue;
                };
                let kind = self.w.proposals[p].kind;
                if kind.is_substantive() && !self.w.venues[v].hosts.contains(kind) {
                    // The venue stopped hosting the kind (`replaces`, a change): the
                    // proposal goes back to its sponsor without counting as a failure.
                    self.withdraw(p, v);
                    continue;
                }
                if rounds < self.w.venues[v].negotiation_rounds {
                    continue;
                }
                if matches!(self.w.proposals[p].place, PositionSpec::RuleOf(_)) {
                    restating.push((p, v));
                    continue;
                }
                if !built {
                    Electorate::present_into(&self.w, v, &mut el);
                    built = true;
                }
                if (el.parts.len() as f64) < self.w.p.min_present {
                    continue; // stays on the agenda to the next round (§7.8)
                }
                outcomes.push(self.vote(p, v, &el, None, rng));
            }
            self.present = el;
            self.agenda = agenda;
        }
        self.ratify(&mut outcomes, rng);
        let mut elections = std::mem::take(&mut self.elections);
        for (v, candidates) in elections.drain(..) {
            if !self.w.venues[v].active {
                continue;
            }
            let tally = &mut self.tally;
            let (k, absent) = election::hold(&self.w, v, candidates, rng, tally);
            // The row's own list: the one allocation an election makes.
            let detail = Detail::Election(
                candidates
                    .iter()
                    .zip(tally.iter())
                    .map(|(&c, &t)| (c as u32, t))
                    .collect(),
            );
            let (winner, yes) = (candidates[k], tally[k]);
            let total: u32 = tally.iter().sum();
            self.out.decisions.push(DecisionRow {
                round: self.w.round,
                venue: v as u32,
                what: DecisionKind::Election,
                proposal: u32::MAX,
                kind: Kind::Procedural,
                sponsor: winner as u32,
                yes,
                no: total - yes,
                abstain: 0,
                absent,
                adopted: true,
                how: How::Vote,
                position: self.w.ideal[winner],
                // Who won, as an election row is read: the winner's camp (ODD 7.10).
                camp: self.w.camp[winner],
                detail,
            });
        }
        self.elections = elections;
        (outcomes, restating)
    }

    /// Step 6, last: a text that restates other venues' work (a resolution welcoming
    /// their reports) is decided after the session's other decisions have taken effect,
    /// at those venues' texts as they then stand (ODD 7.3, departure 47): the bodies
    /// report before the Assembly that welcomes their reports closes its session.
    fn restate(&mut self, restating: Vec<(ProposalIx, VenueIx)>, rng: &mut SimRng) -> Vec<Outcome> {
        let mut outcomes = std::mem::take(&mut self.decided);
        outcomes.clear();
        let mut el = std::mem::take(&mut self.present);
        for &(p, v) in &restating {
            Electorate::present_into(&self.w, v, &mut el);
            if (el.parts.len() as f64) < self.w.p.min_present {
                continue; // stays on the agenda to the next round (§7.8)
            }
            let q = drafting::introduced(&self.w, p);
            let pr = &mut self.w.proposals[p];
            pr.original = q;
            pr.pos = q;
            let mut agreed = std::mem::take(&mut self.agreed);
            self.restated_by(p, &mut agreed);
            outcomes.push(self.vote(p, v, &el, Some(&agreed), rng));
            self.agreed = agreed;
        }
        self.restating = restating;
        self.present = el;
        self.ratify(&mut outcomes, rng);
        outcomes
    }

    /// Texts adopted in this decision step that another venue ratifies are voted on there
    /// now, at the adopted text, after every ordinary decision (a convention adopted by
    /// its committee and then by the General Assembly in the same session). A ratifying
    /// venue without a quorum lets the text lapse.
    fn ratify(&mut self, outcomes: &mut Vec<Outcome>, rng: &mut SimRng) {
        let mut k = 0;
        while k < outcomes.len() {
            let o = &outcomes[k];
            k += 1;
            if !o.adopted {
                continue;
            }
            let (adopted, how, venue_of) = (o.proposal, o.how, o.venue);
            let Some(r) = (0..self.w.proposals.len()).find(|&r| {
                self.w.proposals[r].ratifies == Some(adopted)
                    && self.w.proposals[r].status == Status::Future
            }) else {
                continue;
            };
            let Some(v) = self.w.proposals[r].fixed_venue.filter(|&v| {
                let venue = &self.w.venues[v];
                venue.active && venue.hosts.contains(self.w.proposals[r].kind)
            }) else {
                continue;
            };
            let text = self.w.proposals[adopted].pos;
            let pr = &mut self.w.proposals[r];
            pr.original = text;
            pr.pos = text;
            pr.introduced = self.w.round;
            pr.status = Status::Agenda {
                venue: v,
                rounds: self.w.venues[v].negotiation_rounds,
            };
            pr.last_venue = Some(v);
            self.w.venues[v].agenda.push(r);
            let mut el = std::mem::take(&mut self.present);
            Electorate::present_into(&self.w, v, &mut el);
            if (el.parts.len() as f64) < self.w.p.min_present {
                self.present = el;
                let pr = &mut self.w.proposals[r];
                pr.status = Status::Abandoned;
                self.w.venues[v].agenda.retain(|&x| x != r);
                continue;
            }
            // Those who let the text pass without objection where it was negotiated
            // do not call for a vote on it here (ODD 7.8).
            let mut agreed = std::mem::take(&mut self.agreed);
            let bound = how != How::Vote;
            if bound {
                agreed.clone_from(&self.w.venues[venue_of].member);
            }
            let out = self.vote(r, v, &el, bound.then_some(&agreed[..]), rng);
            self.present = el;
            self.agreed = agreed;
            outcomes.push(out);
        }
    }

    /// Who let the texts that restating proposal `p` restates pass: the members of each
    /// named venue that holds a text for `p`'s kind, less those who voted against that
    /// text. They do not call for a vote on a resolution that welcomes it (departure 47).
    /// Written into `agreed`, a reused buffer.
    fn restated_by(&self, p: ProposalIx, agreed: &mut Vec<bool>) {
        let pr = &self.w.proposals[p];
        agreed.clear();
        agreed.resize(self.w.n_states(), false);
        let PositionSpec::RuleOf(venues) = &pr.place else {
            return;
        };
        let kind = pr.subject_kind();
        for &w in venues {
            let venue = &self.w.venues[w];
            let Some(rule) = venue.rule(kind).filter(|_| !venue.blank[kind.index()]) else {
                continue;
            };
            for &i in &venue.members {
                if !rule.dissent.contains(&i) {
                    agreed[i] = true;
                }
            }
        }
    }

    /// Takes `p` off `v`'s agenda and back to waiting at its original position.
    fn withdraw(&mut self, p: ProposalIx, v: VenueIx) {
        self.w.venues[v].agenda.retain(|&x| x != p);
        let pr = &mut self.w.proposals[p];
        pr.status = Status::Waiting;
        pr.pos = pr.original;
    }

    /// One proposal's vote in venue `v` by its present participants.
    ///
    /// `agreed[i]`: `i` already let the text (or the texts it restates) pass where it
    /// was negotiated; it does not object to it here.
    fn vote(
        &mut self,
        p: ProposalIx,
        v: VenueIx,
        el: &Electorate,
        agreed: Option<&[bool]>,
        rng: &mut SimRng,
    ) -> Outcome {
        let w = &self.w;
        let pr = &w.proposals[p];
        let venue = &w.venues[v];
        let sponsors = Sponsors::of(w, pr.sponsor, &pr.cosponsors);
        let subject = match &pr.procedural {
            Some(proc_) => {
                forecast::procedural_subject_in(w, proc_, pr.pos, pr.sponsor, &mut self.procedural)
            }
            None => Subject::Rule {
                q: pr.pos,
                reference: venue.rule(pr.kind).map_or(w.sc.legacy, |r| r.pos),
            },
        };
        let mut sc = std::mem::take(&mut self.vote_scratch);
        vote::raw_deltas_into(w, el, &subject, &sponsors, &mut sc.raw);
        vote::mean_deltas_into(w, el, &sc.raw, &sponsors, &mut sc.blocs, &mut sc.means);
        vote::positions_into(w, el, &sc.means, &sponsors, rng, &mut sc.positions);
        vote::ballots_into(w, &sc.positions, &mut sc.votes);
        let (positions, votes) = (&sc.positions, &sc.votes);
        let stake_w = venue.stakeholders.weight() * el.weight.iter().sum::<f64>();
        let stake_vote = match venue.stakeholders {
            Stakeholders::Full { .. } => vote::stakeholder_vote(w, &subject),
            _ => 0.0,
        };
        // Only a ratification masks positions; other votes read them as drawn.
        let objecting: &[f64] = match agreed {
            Some(a) => {
                vote::bound_by_consensus_into(positions, &el.parts, a, &mut sc.masked);
                &sc.masked
            }
            None => positions,
        };
        let (adopted, how) = vote::decide(
            venue.decision,
            votes,
            objecting,
            &el.weight,
            stake_w,
            stake_vote,
            w.p.abstain_band,
            w.p.yes_bias,
            w.break_cost(v),
        );
        // A session that split on a text finds the next split easier; consensus kept
        // restores the practice (ODD 7.8).
        let practice = match (venue.decision, how) {
            (Decision::ConsensusFirst { .. }, How::Vote) => venue.practice * (1.0 - w.p.erosion),
            (Decision::ConsensusFirst { .. }, _) | (Decision::Consensus, _) if adopted => {
                venue.practice + w.p.recovery * (1.0 - venue.practice)
            }
            _ => venue.practice,
        };
        let camp = venue.rule(pr.subject_kind()).map_or(Camp::None, |r| r.camp);
        // Only a text adopted by a recorded vote keeps its dissenters (`adopt_rule`);
        // the list is not built for any other outcome, and it reuses the list of a rule
        // that an adoption replaced.
        let mut dissent = Vec::new();
        if adopted && how == How::Vote && pr.procedural.is_none() {
            dissent = self.spare_dissent.pop().unwrap_or_default();
            dissent.clear();
            dissent.reserve(votes.iter().filter(|v| **v == Vote::No).count());
            dissent.extend(
                el.parts
                    .iter()
                    .zip(votes)
                    .filter(|(_, v)| **v == Vote::No)
                    .map(|(&i, _)| i),
            );
        }
        // Every participant's vote, absent ones included, in index order.
        let all = &mut sc.all;
        all.clear();
        let mut k = 0;
        for &i in &venue.members {
            if k < el.parts.len() && el.parts[k] == i {
                all.push((i, votes[k]));
                k += 1;
            } else {
                all.push((i, Vote::Absent));
            }
        }
        let (kind, sponsor, pos) = (pr.kind, pr.sponsor, pr.pos);
        let d = self.counted_row(
            v,
            DecisionKind::Proposal,
            p as u32,
            kind,
            sponsor,
            tally(&sc.all),
            adopted,
        );
        self.out.decisions.push(DecisionRow {
            position: pos,
            camp,
            how,
            ..d
        });
        self.record_votes(&sc.all);
        self.vote_scratch = sc;
        self.procedural.recycle(subject);
        self.w.venues[v].practice = practice;
        self.w.venues[v].decided += 1;
        Outcome {
            proposal: p,
            venue: v,
            adopted,
            how,
            dissent,
        }
    }

    /// Step 7: adopted proposals become rules or take effect; failed ones go back (§7.11).
    fn outcomes(&mut self, mut outcomes: Vec<Outcome>, rng: &mut SimRng) {
        for o in outcomes.drain(..) {
            let p = o.proposal;
            self.w.venues[o.venue].agenda.retain(|&x| x != p);
            self.w.proposals[p].decided = Some(self.w.round);
            if !o.adopted {
                let pr = &mut self.w.proposals[p];
                // A chair's text that fails lapses: nobody takes it elsewhere.
                pr.status = if pr.sponsor.is_some() {
                    Status::Waiting
                } else {
                    Status::Abandoned
                };
                pr.pos = pr.original;
                pr.tries += 1;
                pr.last_failed = Some(o.venue);
                self.counts.failed += 1;
                self.repeat(p);
                continue;
            }
            self.counts.adopted += 1;
            self.w.venues[o.venue].adoptions += 1;
            self.w.proposals[p].status = Status::Adopted;
            // Taken out while it takes effect and put back (not cloned): an adopted
            // text is on no agenda, so nothing reads it meanwhile.
            match self.w.proposals[p].procedural.take() {
                None => self.adopt_rule(p, o.venue, o.how, o.dissent),
                Some(proc_) => {
                    self.take_effect(p, &proc_, rng);
                    self.w.proposals[p].procedural = Some(proc_);
                }
            }
            self.repeat(p);
        }
        // The emptied list is next step's buffer.
        self.decided = outcomes;
    }

    /// A recurring text decided this round (adopted or not) is introduced again next
    /// round, afresh, until its last round: the General Assembly's annual resolutions.
    fn repeat(&mut self, p: ProposalIx) {
        let round = self.w.round;
        let pr = &mut self.w.proposals[p];
        if pr.repeat_until.is_some_and(|u| round < u) {
            pr.status = Status::Future;
            pr.introduced = round + 1;
            pr.tries = 0;
            pr.last_venue = None;
            pr.last_failed = None;
            pr.pos = pr.original;
        }
    }

    fn adopt_rule(&mut self, p: ProposalIx, v: VenueIx, how: How, dissent: Vec<StateIx>) {
        let pr = &self.w.proposals[p];
        // A chair's text is the room's: it carries the camp most of its members belong to.
        let camp = match pr.sponsor {
            Some(s) => self.w.camp[s],
            None => self.w.majority_camp(&self.w.venues[v].members),
        };
        let (kind, pos) = (pr.kind, pr.pos);
        // A text adopted without a vote, or by consensus, binds every member: `vote`
        // lists dissenters only for a recorded vote.
        debug_assert!(how == How::Vote || dissent.is_empty());
        self.w.venues[v].inherited[kind.index()] = false;
        self.w.venues[v].blank[kind.index()] = false;
        // Successors still on this venue's texts take up the new one (a working group
        // created before its predecessor reported starts from that report).
        for w in 0..self.w.venues.len() {
            let successor = self.w.sc.venues.get(w).and_then(|s| s.acquis) == Some(v);
            if successor && self.w.venues[w].inherited[kind.index()] {
                self.w.venues[w].blank[kind.index()] = false;
                self.w.venues[w].rules[kind.index()] = Some(RuleState {
                    pos,
                    camp,
                    dissent: Vec::new(),
                });
            }
        }
        let old = self.w.venues[v].rules[kind.index()].replace(RuleState { pos, camp, dissent });
        if let Some(old) = old.filter(|r| r.dissent.capacity() > 0) {
            self.spare_dissent.push(old.dissent);
        }
        let s = self.w.p.socialisation;
        if s > 0.0 {
            for &i in &self.w.venues[v].members {
                let th = self.w.ideal[i];
                self.w.ideal[i] = th.lerp(pos, s);
            }
        }
    }

    fn take_effect(&mut self, p: ProposalIx, proc_: &Procedural, rng: &mut SimRng) {
        match &proc_.action {
            ProceduralAction::Change { venue, change } => {
                setup::change(&mut self.w, *venue, change, rng)
            }
            ProceduralAction::Create {
                venue,
                mandate_kind,
                table_mandate,
                ..
            } => {
                let nv = *venue;
                let parent = Some(proc_.parent);
                setup::activate_in(&mut self.w, nv, parent, rng, &mut self.activation);
                for &r in &proc_.replaces {
                    setup::unhost(&mut self.w, r, *mandate_kind);
                }
                // The mandate is tabled in the new venue, first negotiated next round;
                // a mandate that is not tabled is not written at all.
                if !(*table_mandate && self.w.venues[nv].hosts.contains(*mandate_kind)) {
                    return;
                }
                let pr = &self.w.proposals[p];
                let mandate = ProposalState {
                    id: [pr.id.as_str(), "/mandate"].concat(),
                    kind: *mandate_kind,
                    sponsor: pr.sponsor,
                    cosponsors: pr.cosponsors.clone(),
                    place: PositionSpec::Given(pr.original),
                    repeat_until: None,
                    ratifies: None,
                    original: pr.original,
                    pos: pr.original,
                    introduced: self.w.round,
                    fixed_venue: Some(nv),
                    max_moves: pr.max_moves,
                    procedural: None,
                    status: Status::Agenda {
                        venue: nv,
                        rounds: 0,
                    },
                    tries: 0,
                    last_venue: Some(nv),
                    last_failed: None,
                    p_pass: 0.0,
                    decided: None,
                };
                self.w.proposals.push(mandate);
                let m = self.w.proposals.len() - 1;
                self.w.venues[nv].agenda.push(m);
            }
        }
    }

    /// Step 8: observation (§8).
    fn observe(&mut self) {
        observe::venues(
            &self.w,
            &mut self.out.venues,
            &mut self.out.rules,
            &mut self.pairs,
        );
        let row = observe::round_row(&self.w, &self.counts, &self.pairs);
        self.out.rounds.push(row);
    }

    /// A decision row with its tallies counted: `[yes, no, abstain, absent]` ([`tally`]).
    #[allow(clippy::too_many_arguments)]
    fn counted_row(
        &self,
        v: VenueIx,
        what: DecisionKind,
        proposal: u32,
        kind: Kind,
        sponsor: Option<StateIx>,
        [yes, no, abstain, absent]: [u32; 4],
        adopted: bool,
    ) -> DecisionRow {
        DecisionRow {
            round: self.w.round,
            venue: v as u32,
            what,
            proposal,
            kind,
            sponsor: sponsor.map_or(u32::MAX, |s| s as u32),
            yes,
            no,
            abstain,
            absent,
            adopted,
            how: How::Vote,
            position: Pos::default(),
            camp: self.w.venue_camp(v),
            detail: Detail::None,
        }
    }

    /// Records per-state votes of the decision just pushed (with `--votes`).
    fn record_votes(&mut self, votes: &[(StateIx, Vote)]) {
        if !self.opts.votes {
            return;
        }
        let d = (self.out.decisions.len() - 1) as u32;
        self.out
            .votes
            .extend(votes.iter().map(|&(state, vote)| VoteRow {
                decision: d,
                state: state as u32,
                vote,
            }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Event, EventSpec, testkit};

    #[test]
    fn election_votes_reads_the_tally_the_engine_writes() {
        let mut sc = testkit::toy();
        sc.events.push(EventSpec {
            round: 1,
            event: Event::Election {
                venue: 0,
                candidates: vec![0, 6],
            },
            label: "e".into(),
        });
        let res = run(&sc, 0, RunOptions::default());
        let row = res
            .decisions
            .iter()
            .find(|d| d.what == DecisionKind::Election)
            .expect("the unga exists, so the election is held");
        let votes = row.election_votes().expect("an election detail");
        let ids: Vec<&str> = votes
            .iter()
            .map(|&(c, _)| res.state_names[c as usize].as_str())
            .collect();
        assert_eq!(ids, ["L0", "A0"]);
        let total: u32 = votes.iter().map(|(_, n)| n).sum();
        assert_eq!(total, row.yes + row.no);
        let winner = &res.state_names[row.sponsor as usize];
        let won = votes
            .iter()
            .find(|&&(c, _)| res.state_names[c as usize] == *winner)
            .unwrap()
            .1;
        assert_eq!(won, row.yes);
        let mut other = row.clone();
        other.what = DecisionKind::Proposal;
        assert!(other.election_votes().is_none());
    }
}
