//! The dynamic state of one run: states, venues and proposals as they change.
//!
//! The submodels in [`crate::model::rules`] read a `&World` and return actions; the
//! engine applies those actions in index order. Struct-of-arrays for states keeps the
//! hot loops (votes, attention) over contiguous `f64`s.

use super::params::Params;
use super::policy::{Camp, Kind, KindSet, Pos};
use super::spec::*;

/// A venue's rule for one substantive kind.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleState {
    pub pos: Pos,
    /// Camp of whoever set it (`None` for the legacy rule).
    pub camp: Camp,
    /// States that voted against it when adopted: the rule does not bind them.
    pub dissent: Vec<StateIx>,
}

/// A venue as it is now.
#[derive(Debug, Clone)]
pub struct VenueState {
    pub id: String,
    pub active: bool,
    pub membership: Membership,
    pub decision: Decision,
    pub stakeholders: Stakeholders,
    pub transparency: f64,
    pub privilege: f64,
    pub hosts: KindSet,
    pub reach: Reach,
    /// Its texts bind its members as a treaty ([`crate::model::spec::VenueSpec::binding`]).
    pub binding: bool,
    pub negotiation_rounds: u32,
    pub founders: Vec<StateIx>,
    /// `founder[i]`: i is a founder (privileged in invitation venues).
    pub founder: Vec<bool>,
    /// Bloc that created it (§7.3), if any.
    pub bloc: Option<BlocIx>,
    /// `member[i]`: i takes part (all true for `individuals` venues).
    pub member: Vec<bool>,
    /// Participants in index order (kept in step with `member`).
    pub members: Vec<StateIx>,
    /// Attention share a_iv of each state (0 where it does not take part).
    pub attention: Vec<f64>,
    /// Absence drawn at the start of step 5 of this round.
    pub absent: Vec<bool>,
    /// Rule per substantive kind (index = `Kind::index()`); `Some` for hosted kinds.
    pub rules: [Option<RuleState>; 3],
    /// Proposals on the agenda, in tabling order.
    pub agenda: Vec<ProposalIx>,
    /// Adoptions in the current round (observation).
    pub adoptions: u32,
    /// Proposals it decided this round (ordinary, restating and ratifying decisions):
    /// a session that decided none builds its practice of consensus (departure 48).
    pub decided: u32,
    /// It sat this round: it was active with members when the round's decisions were
    /// taken (step 6), so it held a session, whether or not it decided anything.
    pub sat: bool,
    /// Round of the last seat draw (appointed venues): seats last `term` rounds from it.
    pub seated: u32,
    /// Last round of a venue with a term; dissolved at its end.
    pub until: Option<u32>,
    /// Whether it has ever been active (a dissolved venue keeps its texts, which a
    /// successor or an endorsing resolution may take up).
    pub existed: bool,
    /// How firmly its practice of consensus holds, in [0, 1] (1 for the venues that
    /// exist from the start, `founding_practice` for those created during the run):
    /// what breaking consensus costs there is `break_cost × practice`. Recorded votes
    /// wear it down; adoptions without a vote and sessions that decide nothing restore
    /// it (ODD 7.8, departures 34 and 48).
    pub practice: f64,
    /// Per substantive kind: its rule is still its predecessor's (`acquis`); a text its
    /// predecessor adopts later is then its rule too, until it adopts its own.
    pub inherited: [bool; 3],
    /// Per substantive kind: its rule is the legacy text a venue created during the run
    /// starts from — it has adopted nothing for the kind and inherited nothing — so it
    /// binds its members to nothing beyond what other venues' rules do and is left out
    /// of the rule in force (ODD departure 45).
    pub blank: [bool; 3],
}

impl VenueState {
    /// True if the venue has state membership (not `individuals`).
    pub fn has_state_membership(&self) -> bool {
        !matches!(self.membership, Membership::Individuals)
    }
    /// True for open venues whose membership is everyone, always.
    pub fn is_universal(&self) -> bool {
        matches!(self.membership, Membership::Open { universal: true })
    }
    /// True if a non-member may take part by simply showing up (§7.3).
    pub fn may_enter(&self) -> bool {
        matches!(
            self.membership,
            Membership::Open { .. } | Membership::Individuals
        )
    }
    /// Rounds a tabled text is bargained over before the decision. In a consensus-first
    /// venue the first session's negotiation happens before the text is tabled (its
    /// sponsor drafts for the room, ODD 7.3): a one-session assembly votes the text as
    /// tabled, a committee that sits for several sessions bargains in the later ones.
    pub fn bargaining_rounds(&self) -> u32 {
        match self.decision {
            Decision::ConsensusFirst { .. } => self.negotiation_rounds - 1,
            _ => self.negotiation_rounds,
        }
    }

    /// Whether the venue decides by counting heads (a vote, or consensus failing which a
    /// vote): there every delegation's support counts the same.
    pub fn counts_heads(&self) -> bool {
        matches!(
            self.decision,
            Decision::ConsensusFirst { .. }
                | Decision::Majority { .. }
                | Decision::Supermajority { .. }
        )
    }
    /// The rule for `kind` (substantive kinds only).
    pub fn rule(&self, kind: Kind) -> Option<&RuleState> {
        self.rules.get(kind.index()).and_then(|r| r.as_ref())
    }
    /// Mean of the rules over the hosted substantive kinds (§7.2), `legacy` if none.
    pub fn mean_rule(&self, legacy: Pos) -> Pos {
        let (mut m, mut s, mut n) = (0.0, 0.0, 0.0);
        for r in self.rules.iter().flatten() {
            m += r.pos.m;
            s += r.pos.s;
            n += 1.0;
        }
        if n == 0.0 {
            legacy
        } else {
            Pos::new(m / n, s / n)
        }
    }
    /// Sets `member[i]` and keeps `members` sorted.
    pub fn set_member(&mut self, i: StateIx, on: bool) {
        if self.member[i] == on {
            return;
        }
        self.member[i] = on;
        match self.members.binary_search(&i) {
            Ok(pos) if !on => {
                self.members.remove(pos);
            }
            Err(pos) if on => self.members.insert(pos, i),
            _ => {}
        }
        if !on {
            self.attention[i] = 0.0;
        }
    }
    /// Replaces the whole membership.
    pub fn set_members(&mut self, members: &[StateIx]) {
        self.member.iter_mut().for_each(|m| *m = false);
        for &i in members {
            self.member[i] = true;
        }
        // Refilled in place: seatings reset member lists at every term boundary.
        let member = &self.member;
        self.members.clear();
        // At most one allocation, for a list longer than any before.
        self.members.reserve(members.len());
        self.members
            .extend((0..member.len()).filter(|&i| member[i]));
        for (i, a) in self.attention.iter_mut().enumerate() {
            if !self.member[i] {
                *a = 0.0;
            }
        }
    }
}

/// Where a proposal is in its life (ODD §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not introduced yet.
    Future,
    Waiting,
    /// On `venue`'s agenda for `rounds` rounds of negotiation so far.
    Agenda {
        venue: VenueIx,
        rounds: u32,
    },
    Adopted,
    Abandoned,
}

/// A proposal as it is now.
#[derive(Debug, Clone)]
pub struct ProposalState {
    pub id: String,
    pub kind: Kind,
    /// `None` for a chair's text.
    pub sponsor: Option<StateIx>,
    pub cosponsors: Vec<StateIx>,
    /// Where its text is drafted (resolved when it is introduced or tabled).
    pub place: PositionSpec,
    /// Introduced again each round after it is decided, until this round.
    pub repeat_until: Option<u32>,
    /// Voted on right after this proposal is adopted (see `ProposalSpec::ratifies`).
    pub ratifies: Option<ProposalIx>,
    /// Position it returns to after a failure.
    pub original: Pos,
    /// Current (negotiated) position. For a procedural `Create`: the mandate's.
    pub pos: Pos,
    pub introduced: u32,
    pub fixed_venue: Option<VenueIx>,
    pub max_moves: u32,
    pub procedural: Option<Procedural>,
    pub status: Status,
    /// Waits and failures so far (abandoned at `max_moves`).
    pub tries: u32,
    /// Venue it was last tabled in.
    pub last_venue: Option<VenueIx>,
    /// Venue it last failed in.
    pub last_failed: Option<VenueIx>,
    /// Forecast pass probability on its current agenda (refreshed after step 2).
    pub p_pass: f64,
    /// The last round it was decided in (adopted or not), if any: a rival venue's text
    /// decided this round still counts as before the states (departure 53).
    pub decided: Option<u32>,
}

impl ProposalState {
    /// The kind whose rules this proposal is about (the mandate's kind for a creation).
    pub fn subject_kind(&self) -> Kind {
        match &self.procedural {
            Some(Procedural {
                action: ProceduralAction::Create { mandate_kind, .. },
                ..
            }) => *mandate_kind,
            _ => self.kind,
        }
    }
    /// Whether it is negotiated on an agenda (change proposals are not, §7.3).
    pub fn is_negotiated(&self) -> bool {
        !matches!(
            &self.procedural,
            Some(Procedural {
                action: ProceduralAction::Change { .. },
                ..
            })
        )
    }
}

/// The whole dynamic state of a run.
#[derive(Debug, Clone)]
pub struct World<'a> {
    pub sc: &'a Scenario,
    pub p: Params,
    pub round: u32,
    pub ideal: Vec<Pos>,
    pub salience: Vec<f64>,
    pub legitimacy: Vec<f64>,
    /// Base weight without legitimacy: `salience × power^α × competence^β`.
    pub w_state: Vec<f64>,
    /// Base weight in `individuals` venues without legitimacy: `salience × ict × competence`.
    pub w_tech: Vec<f64>,
    pub camp: Vec<Camp>,
    /// Procedural competence per state: a copy of the scenario's, in one flat array
    /// because every forecast reads it per voter (presence, framing).
    pub competence: Vec<f64>,
    /// Tags per state (events may change them).
    pub tags: Vec<Vec<TagIx>>,
    /// Number of venues each state takes part in (n_i, §7.5), as of the last attention step.
    pub n_venues: Vec<u32>,
    /// Members of each bloc, in index order (blocs do not change during a run; a
    /// sponsor weighing a creation reads its bloc's every round).
    pub(crate) bloc_lists: Vec<Vec<StateIx>>,
    /// Each state's blocs, flat, with `bloc_start[i]..bloc_start[i + 1]` the range of
    /// state `i`'s ([`World::blocs_of`]). Every vote and forecast reads them per voter;
    /// read from the scenario's state records they cost two cache misses per voter in a
    /// large world (the record, then its list), read from here a sequential scan.
    pub(crate) state_blocs: Vec<BlocIx>,
    pub(crate) bloc_start: Vec<u32>,
    pub venues: Vec<VenueState>,
    pub proposals: Vec<ProposalState>,
    /// Venues created during the run so far.
    pub venues_created: u32,
}

impl<'a> World<'a> {
    pub fn n_states(&self) -> usize {
        self.ideal.len()
    }

    /// Base weight of `i` in venue `v` (§7), with legitimacy and privilege.
    #[inline]
    pub fn base_weight(&self, i: StateIx, v: VenueIx) -> f64 {
        let venue = &self.venues[v];
        let w = match venue.membership {
            Membership::Individuals => self.w_tech[i],
            _ => self.w_state[i],
        } * self.legitimacy[i];
        if venue.privilege > 0.0 && self.is_privileged(i, v) {
            w * (1.0 + self.p.privilege_gain * venue.privilege)
        } else {
            w
        }
    }

    /// Base weight of `i` outside any venue (admissions, creation): no privilege.
    #[inline]
    pub fn plain_weight(&self, i: StateIx) -> f64 {
        self.w_state[i] * self.legitimacy[i]
    }

    /// Privileged members: carriers of a reserved tag, founders of invitation venues.
    pub fn is_privileged(&self, i: StateIx, v: VenueIx) -> bool {
        let venue = &self.venues[v];
        match &venue.membership {
            Membership::Appointed { reserved, .. } => {
                self.tags[i].iter().any(|t| reserved.contains(t))
            }
            Membership::Invitation { .. } => venue.founder[i],
            _ => false,
        }
    }

    /// The attention multiplier `min(a_iv × n_i, cap)` (§7.5); 1 for a newcomer.
    #[inline]
    pub fn multiplier(&self, i: StateIx, v: VenueIx) -> f64 {
        let a = self.venues[v].attention[i];
        if a <= 0.0 {
            return 1.0;
        }
        (a * self.n_venues[i] as f64).min(self.p.attention_cap)
    }

    /// Effective weight `w_iv = w_i × a_iv × n_i` (§7).
    #[inline]
    pub fn eff_weight(&self, i: StateIx, v: VenueIx) -> f64 {
        self.base_weight(i, v) * self.multiplier(i, v)
    }

    /// Probability that `i` misses a session of `v` (§7.5), from current attention.
    #[inline]
    pub fn p_absent(&self, i: StateIx, v: VenueIx) -> f64 {
        let m = self.multiplier(i, v).min(1.0);
        self.p.absence * (1.0 - self.competence[i] * m)
    }

    /// Effective weight and presence probability (`1 − p_absent`) of each of `parts` in
    /// `v`, appended to `weight` and `presence`: the same expressions as [`eff_weight`]
    /// and [`p_absent`] (so the same bits), with the attention multiplier computed once
    /// per participant instead of twice. Forecast electorates are built thousands of
    /// times per run.
    ///
    /// [`eff_weight`]: World::eff_weight
    /// [`p_absent`]: World::p_absent
    pub fn weights_into(
        &self,
        v: VenueIx,
        parts: &[StateIx],
        weight: &mut Vec<f64>,
        presence: &mut Vec<f64>,
    ) {
        weight.reserve(parts.len());
        presence.reserve(parts.len());
        for &i in parts {
            let m = self.multiplier(i, v);
            weight.push(self.base_weight(i, v) * m);
            let pa = self.p.absence * (1.0 - self.competence[i] * m.min(1.0));
            presence.push(1.0 - pa);
        }
    }

    /// Utility of `i` for a rule at `x`.
    #[inline]
    pub fn u(&self, i: StateIx, x: Pos) -> f64 {
        super::policy::utility(self.ideal[i], self.salience[i], x, self.p.scope_weight)
    }

    /// `x` as the less competent delegation `i` perceives it (§7.8 framing).
    #[inline]
    pub fn framed(&self, i: StateIx, x: Pos) -> Pos {
        let c = self.competence[i];
        Pos::new(x.m, x.s * (1.0 - self.p.framing * (1.0 - c)))
    }

    /// Whether `i` is the sponsor or a co-sponsor of proposal `p`.
    pub fn is_sponsor(&self, i: StateIx, p: ProposalIx) -> bool {
        let pr = &self.proposals[p];
        pr.sponsor == Some(i) || pr.cosponsors.contains(&i)
    }

    /// Whether `a` and `b` share a bloc.
    pub fn share_bloc(&self, a: StateIx, b: StateIx) -> bool {
        let ba = &self.sc.states[a].blocs;
        self.sc.states[b].blocs.iter().any(|x| ba.contains(x))
    }

    /// Camp of the setter of venue `v`'s rule for its first hosted substantive kind: the
    /// camp logged with reforms and admissions (§8, departure 24).
    pub fn venue_camp(&self, v: VenueIx) -> Camp {
        let venue = &self.venues[v];
        venue
            .hosts
            .substantive()
            .find_map(|k| venue.rule(k))
            .map_or(Camp::None, |r| r.camp)
    }

    /// Power a venue's rule for `kind` reaches now (§2 `reach`).
    pub fn reach(&self, v: VenueIx, kind: Kind) -> f64 {
        let venue = &self.venues[v];
        if venue.reach == Reach::Global {
            return 1.0;
        }
        let mut r: f64 = venue.members.iter().map(|&i| self.sc.states[i].power).sum();
        if let Some(rule) = venue.rule(kind) {
            for &d in &rule.dissent {
                if venue.member[d] {
                    r -= self.sc.states[d].power;
                }
            }
        }
        r.max(0.0)
    }

    /// Power of the current members (forecasts, §7.3), plus `extra` if not a member.
    pub fn forecast_reach(&self, v: VenueIx, extra: Option<StateIx>) -> f64 {
        let venue = &self.venues[v];
        if venue.reach == Reach::Global {
            return 1.0;
        }
        let mut r: f64 = venue.members.iter().map(|&i| self.sc.states[i].power).sum();
        if let Some(e) = extra
            && !venue.member[e]
        {
            r += self.sc.states[e].power;
        }
        r
    }

    /// The rule in force for `kind` across the complex: the reach-weighted mean over the
    /// venues hosting it (§7.8 `r_before`), `legacy` if none.
    pub fn rule_in_force(&self, kind: Kind) -> Pos {
        let (mut m, mut s, mut w) = (0.0, 0.0, 0.0);
        for (v, venue) in self.venues.iter().enumerate() {
            if !venue.active || !venue.hosts.contains(kind) {
                continue;
            }
            if venue.blank[kind.index()] {
                continue;
            }
            let r = self.reach(v, kind);
            let pos = venue.rule(kind).map_or(self.sc.legacy, |x| x.pos);
            m += r * pos.m;
            s += r * pos.s;
            w += r;
        }
        if w > 0.0 {
            Pos::new(m / w, s / w)
        } else {
            self.sc.legacy
        }
    }

    /// The weighted mean ideal of `states` with plain weights (bloc charters, §7.3).
    pub fn weighted_ideal(&self, states: &[StateIx]) -> Pos {
        let (mut m, mut s, mut w) = (0.0, 0.0, 0.0);
        for &i in states {
            let wi = self.plain_weight(i);
            m += wi * self.ideal[i].m;
            s += wi * self.ideal[i].s;
            w += wi;
        }
        if w > 0.0 {
            Pos::new(m / w, s / w)
        } else if states.is_empty() {
            self.sc.legacy
        } else {
            let n = states.len() as f64;
            Pos::new(
                states.iter().map(|&i| self.ideal[i].m).sum::<f64>() / n,
                states.iter().map(|&i| self.ideal[i].s).sum::<f64>() / n,
            )
        }
    }

    /// The majority camp of `states` (ties: liberal).
    pub fn majority_camp(&self, states: &[StateIx]) -> Camp {
        let auth = states
            .iter()
            .filter(|&&i| self.camp[i] == Camp::Authoritarian)
            .count();
        if states.is_empty() {
            Camp::None
        } else if 2 * auth > states.len() {
            Camp::Authoritarian
        } else {
            Camp::Liberal
        }
    }

    /// What breaking consensus costs in venue `v` now: `break_cost` times how firmly the
    /// venue's practice of consensus holds (ODD 7.8).
    pub fn break_cost(&self, v: VenueIx) -> f64 {
        self.p.break_cost * self.venues[v].practice
    }

    /// The camp of a proposal's sponsor (`None` for a chair's text).
    pub fn camp_of(&self, sponsor: Option<StateIx>) -> Camp {
        sponsor.map_or(Camp::None, |s| self.camp[s])
    }

    /// State `i`'s blocs, as in its scenario record.
    #[inline]
    pub fn blocs_of(&self, i: StateIx) -> &[BlocIx] {
        &self.state_blocs[self.bloc_start[i] as usize..self.bloc_start[i + 1] as usize]
    }

    /// Members of bloc `b`, in index order.
    pub fn bloc_members(&self, b: BlocIx) -> &[StateIx] {
        &self.bloc_lists[b]
    }
}
