//! What one run records (ODD §8): plain rows, in the order they happened.
//!
//! Rows hold indices, not strings, so the round loop does not allocate names; the
//! name tables at the top of [`RunResult`] resolve them (they include venues and
//! proposals created during the run, which differ between runs).

pub use crate::model::outcome::{AdmitRow, Choice, How, JoinRow, Vote};
use crate::model::{Camp, Kind, Pos};

/// Everything one run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// 0-based run index = ChaCha stream number.
    pub run: u64,
    /// Master seed of the batch.
    pub seed: u64,
    /// Venue ids: the scenario's venues, then venues created during this run.
    pub venue_names: Vec<String>,
    /// Proposal ids: the scenario's proposals, then mandates tabled during this run.
    pub proposal_names: Vec<String>,
    /// State ids (same as the scenario's).
    pub state_names: Vec<String>,
    pub rounds: Vec<RoundRow>,
    pub venues: Vec<VenueRow>,
    pub rules: Vec<RuleRow>,
    pub decisions: Vec<DecisionRow>,
    pub choices: Vec<ChoiceRow>,
    /// Per-state votes; filled only when [`RunOptions::votes`] is set.
    pub votes: Vec<VoteRow>,
    /// Per-state memberships and attention; filled only when [`RunOptions::states`] is set.
    pub attention: Vec<AttentionRow>,
    /// Why states joined, left or stayed out of venues; filled only when
    /// [`RunOptions::why`] is set.
    pub why: Why,
}

/// How many rows a run wrote to each table that grows round by round, and how many texts
/// it adopted by a recorded vote (each keeps a list of its dissenters). A batch makes
/// each run with the largest room its runs have taken so far
/// (`experiment::batch::Rooms`, [`super::Stepper::with_room`]), so that once a few runs
/// have finished no table grows by doubling in the round loop (issue #17 item 3).
/// Capacity only: the rows are the same whatever the room.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Room {
    pub venues: usize,
    pub rules: usize,
    pub decisions: usize,
    pub choices: usize,
    pub votes: usize,
    pub attention: usize,
    pub dissent: usize,
}

impl Room {
    /// The room `run` took.
    pub fn of(run: &RunResult) -> Room {
        Room {
            venues: run.venues.len(),
            rules: run.rules.len(),
            decisions: run.decisions.len(),
            choices: run.choices.len(),
            votes: run.votes.len(),
            attention: run.attention.len(),
            // A replaced rule's list is reused, so a run holds at most one per (venue,
            // kind) and one in hand.
            dissent: run
                .decisions
                .iter()
                .filter(|d| {
                    d.what == DecisionKind::Proposal
                        && d.adopted
                        && d.how == How::Vote
                        && d.kind.is_substantive()
                })
                .count()
                .min(run.venue_names.len() * Kind::SUBSTANTIVE.len() + 1),
        }
    }

    /// Room for either.
    pub fn max(self, o: Room) -> Room {
        Room {
            venues: self.venues.max(o.venues),
            rules: self.rules.max(o.rules),
            decisions: self.decisions.max(o.decisions),
            choices: self.choices.max(o.choices),
            votes: self.votes.max(o.votes),
            attention: self.attention.max(o.attention),
            dissent: self.dissent.max(o.dissent),
        }
    }
}

/// What a run records besides the always-on tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Record every state's vote in every decision.
    pub votes: bool,
    /// Record every state's membership and attention per venue and round.
    pub states: bool,
    /// Record the value of joining behind membership choices and the admission rules
    /// (for `forumsim explain`; not written to any table).
    pub why: bool,
}

/// Global metrics at the end of a round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundRow {
    pub round: u32,
    pub year: i32,
    /// Authoritarian-multilateralism index: reach-weighted mean modality of rules.
    pub ami: f64,
    /// The same for scope.
    pub scope_index: f64,
    /// `1 - Σ share²` of reach over (venue, kind) pairs.
    pub fragmentation: f64,
    /// Venues that exist at the end of the round.
    pub venues_active: u32,
    /// Venues created during the run so far (by blocs, events and procedural proposals).
    pub venues_created: u32,
    /// Tablings in a venue other than the proposal's last one, this round.
    pub moves: u32,
    pub adopted: u32,
    pub failed: u32,
    pub abandoned: u32,
    /// Proposals waiting or on an agenda at the end of the round.
    pub pending: u32,
}

/// Per-venue metrics at the end of a round (only for venues that exist).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VenueRow {
    pub round: u32,
    pub venue: u32,
    pub members: u32,
    /// Mean regime of members (NaN when there are none).
    pub mean_regime: f64,
    /// Share of members with regime < 0.5 (NaN when there are none).
    pub share_autocratic: f64,
    pub stakeholder_weight: f64,
    pub transparency: f64,
    pub privilege: f64,
    pub agenda: u32,
    /// Substantive and procedural adoptions in this venue this round.
    pub adoptions: u32,
}

#[cfg(test)]
impl VenueRow {
    /// A venue row for the unit tests of readers of records (metrics, facts): the
    /// counts given, the rest at neutral values.
    pub fn sample(round: u32, venue: u32, members: u32, adoptions: u32) -> VenueRow {
        VenueRow {
            round,
            venue,
            members,
            mean_regime: 0.5,
            share_autocratic: 0.5,
            stakeholder_weight: 0.0,
            transparency: 0.5,
            privilege: 0.0,
            agenda: 0,
            adoptions,
        }
    }
}

/// A venue's rule for one hosted substantive kind at the end of a round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RuleRow {
    pub round: u32,
    pub venue: u32,
    pub kind: Kind,
    pub rule: Pos,
    /// Camp of the rule-setter.
    pub camp: Camp,
    /// Power share the rule binds (1 for `global` venues).
    pub reach: f64,
}

/// What a decision was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionKind {
    /// A proposal (substantive or procedural) decided by the venue's rule.
    Proposal,
    /// An openness reform (§7.7).
    Reform,
    /// An admission vote on an applicant (§7.2); `sponsor` = the applicant.
    Admission,
    /// An election (§7.10); `sponsor` = the winner, yes = the winner's votes.
    Election,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Proposal => "proposal",
            DecisionKind::Reform => "reform",
            DecisionKind::Admission => "admission",
            DecisionKind::Election => "election",
        }
    }
}

/// One decision with its tallies. `yes + no + abstain + absent` = participants.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRow {
    pub round: u32,
    pub venue: u32,
    pub what: DecisionKind,
    /// Proposal index (for `Proposal`), else `u32::MAX`.
    pub proposal: u32,
    /// Kind of the proposal (`Procedural` for reforms, admissions and elections).
    pub kind: Kind,
    /// Sponsor (proposal), tabling member (reform), applicant (admission), winner (election).
    pub sponsor: u32,
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    pub absent: u32,
    pub adopted: bool,
    /// How the decision was taken: by a counted vote, without a vote (consensus-first
    /// venues where nobody called for one), or by consensus.
    pub how: How,
    /// Position voted on (for reforms: (new transparency, new stakeholder weight)).
    pub position: Pos,
    /// Camp of the venue's current rule-setter for the kind (before the decision).
    pub camp: Camp,
    /// What only reforms and elections carry; typed, so the tables can give each its
    /// own columns (`direction` in decisions.csv, one elections.csv row per candidate).
    pub detail: Detail,
}

/// The part of a decision only some kinds have.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Detail {
    /// Proposals and admissions.
    #[default]
    None,
    /// An openness reform (§7.7): `true` when it opens the venue (`up`), `false` when
    /// it closes it (`down`).
    Reform { up: bool },
    /// An election (§7.10): each candidate (state index) with its votes, in the
    /// event's candidate order.
    Election(Vec<(u32, u32)>),
}

impl Detail {
    /// The `direction` column of decisions.csv: `up`/`down` for reforms, else empty.
    pub fn direction(&self) -> &'static str {
        match self {
            Detail::Reform { up: true } => "up",
            Detail::Reform { up: false } => "down",
            _ => "",
        }
    }
}

impl DecisionRow {
    /// Each candidate of an election row (state index) with its votes, in candidate
    /// order; `None` for other rows.
    pub fn election_votes(&self) -> Option<&[(u32, u32)]> {
        match &self.detail {
            Detail::Election(votes) if self.what == DecisionKind::Election => Some(votes),
            _ => None,
        }
    }
}

/// One option a sponsor weighed when tabling (§7.3). One row per option.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceRow {
    pub round: u32,
    pub proposal: u32,
    pub sponsor: u32,
    /// Venue of this option; for creation, the created venue if picked, else `u32::MAX`.
    pub venue: u32,
    /// True for the "create a bloc venue" option.
    pub create: bool,
    /// Expected utility of the option.
    pub eu: f64,
    /// Forecast pass probability.
    pub p_pass: f64,
    /// Whether this option was picked (no option is picked when the proposal waits).
    pub chosen: bool,
    /// Whether the venue's rule for the kind was not set by the sponsor's other camp.
    pub proactive: bool,
}

/// A state's vote; `decision` indexes [`RunResult::decisions`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VoteRow {
    pub decision: u32,
    pub state: u32,
    pub vote: Vote,
}

/// A state's standing in one venue at the end of a round (only where it takes part).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttentionRow {
    pub round: u32,
    pub state: u32,
    pub venue: u32,
    pub attention: f64,
}

/// The reasons behind membership changes (§7.2), kept for `forumsim explain`. The
/// membership step computes them anyway and throws them away; recording them reads
/// nothing new and draws no random number, so a run with them is the same run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Why {
    /// Open, non-universal venues: every join and leave, every sponsor kept in by its
    /// proposal, and every non-member that stayed out although it had a stake, in
    /// (round, venue, state) order.
    pub joins: Vec<JoinRow>,
    /// Invitation venues that voted on applicants, with the rule they voted by.
    pub admissions: Vec<AdmitRow>,
    /// Appointed venues whose seats were drawn anew: (round, venue).
    pub seatings: Vec<(u32, u32)>,
}
