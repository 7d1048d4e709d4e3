//! What the rules decide that the engine records: how a decision was taken, each
//! state's vote, and the reasons behind membership changes. These are values of the
//! model (the rules compute them); `engine::record` re-exports them beside the rows it
//! writes, so the rules need not know the engine.

use crate::model::Admit;

/// How a decision was taken (the record's "adopted without a vote", "recorded vote",
/// "consensus" / "no consensus").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Votes were counted: a recorded vote, a show of hands, an admission or reform
    /// tally, an election.
    Vote,
    /// A consensus-first venue adopted the text without a vote: no participant called
    /// for one (ODD 7.8). The tallies are the positions delegations held.
    WithoutVote,
    /// A consensus venue decided: adopted by consensus, or no consensus (someone objected).
    Consensus,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Vote => "vote",
            How::WithoutVote => "without_vote",
            How::Consensus => "consensus",
        }
    }
}

/// How one state voted in one decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vote {
    Yes,
    No,
    Abstain,
    Absent,
}

impl Vote {
    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Yes => "yes",
            Vote::No => "no",
            Vote::Abstain => "abstain",
            Vote::Absent => "absent",
        }
    }
}

/// What a state did about an open venue in the membership step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Joined: its value of joining was above 0.
    Joined,
    /// Left: its value was below `-exit_cost`.
    Left,
    /// Stayed although its value was below `-exit_cost`: it (co)sponsors this
    /// proposal on the venue's agenda.
    Sponsor(u32),
    /// Stayed out although it had a stake: the legitimation cost outweighed it.
    StayedOut,
}

/// One state's value of joining an open venue, `V_join = weight × stake −
/// legitimation_cost` (§7.2), and the threshold it was compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JoinRow {
    pub round: u32,
    pub venue: u32,
    pub state: u32,
    pub choice: Choice,
    /// The state's weight relative to the mean weight of the venue's members (1 when
    /// it has none).
    pub weight: f64,
    /// Σ P(pass) × |gain| over the venue's agenda.
    pub stake: f64,
    pub legitimation_cost: f64,
    /// 0 for joining, `-exit_cost` for leaving.
    pub threshold: f64,
}

impl JoinRow {
    /// The value of joining, computed as the membership step computes it.
    pub fn value(&self) -> f64 {
        self.weight * self.stake - self.legitimation_cost
    }
}

/// An invitation venue that voted on applicants in `round`, and its admission rule
/// then (a venue change can alter it during a run).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdmitRow {
    pub round: u32,
    pub venue: u32,
    pub rule: Admit,
}
