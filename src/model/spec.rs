//! The validated scenario: everything a run needs, with every reference resolved to
//! an index. `crate::scenario` builds it from TOML; the engine only reads it.
//!
//! Invariants (checked by the scenario validator, relied on by the engine):
//! every index points into the right vector; every number lies in its documented
//! range; `power` is normalised to sum to 1 over `states`; ids are unique.

use super::params::Params;
use super::policy::{Kind, KindSet, Pos};

/// Index of a state in [`Scenario::states`].
pub type StateIx = usize;
/// Index of a venue in [`Scenario::venues`] (runtime-created venues are appended after).
pub type VenueIx = usize;
/// Index of a bloc in [`Scenario::blocs`].
pub type BlocIx = usize;
/// Index of a tag in [`Scenario::tags`].
pub type TagIx = usize;
/// Index of a proposal in [`Scenario::proposals`].
pub type ProposalIx = usize;

/// A whole scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short name; also the default output folder `outputs/<name>/`.
    pub name: String,
    pub description: String,
    /// Number of rounds (years) to simulate; ≥ 1.
    pub rounds: u32,
    /// Calendar year of round 0.
    pub start_year: i32,
    /// Master seed: run r uses ChaCha stream r of this seed.
    pub seed: u64,
    /// Default number of runs.
    pub runs: u32,
    pub params: Params,
    /// The legacy multistakeholder rule used where a venue has no rule (default (0.15, 0.2)).
    pub legacy: Pos,
    /// The aggregate non-state stakeholder actor (default ideal (0.1, 0.1), salience 1.0).
    pub stakeholder: StakeholderActor,
    /// Tag names (`p5`, `coe`, …), interned.
    pub tags: Vec<String>,
    pub blocs: Vec<BlocSpec>,
    pub states: Vec<StateSpec>,
    /// Every named venue: initial ones, and those an event or a procedural proposal may create.
    pub venues: Vec<VenueSpec>,
    pub proposals: Vec<ProposalSpec>,
    /// Events, sorted by round (stable: scenario order within a round).
    pub events: Vec<EventSpec>,
    /// Recorded decisions that `forumsim validate` compares runs with; no effect on runs.
    pub targets: Vec<TargetSpec>,
    // ---- recorded facts and elections (validation only; no effect on runs) ----
    /// Recorded elections (`[[target]]` tables with `election`), in file order.
    pub election_targets: Vec<ElectionTargetSpec>,
    /// Recorded outcomes without tallies (`[[fact]]`), in file order.
    pub facts: Vec<FactSpec>,
}

/// The aggregate stakeholder actor (ODD §2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StakeholderActor {
    pub ideal: Pos,
    pub salience: f64,
}

impl Default for StakeholderActor {
    fn default() -> Self {
        StakeholderActor {
            ideal: Pos::new(0.1, 0.1),
            salience: 1.0,
        }
    }
}

/// A voting bloc (ODD §2): shifts its members' derived ideals, may set its own cohesion.
#[derive(Debug, Clone, PartialEq)]
pub struct BlocSpec {
    pub id: String,
    pub name: String,
    /// Added to derived ideals of members (dm, ds).
    pub shift: Pos,
    /// Bloc-specific cohesion (§7.8); `None` = the global parameter.
    pub cohesion: Option<f64>,
}

/// A state (the agents).
#[derive(Debug, Clone, PartialEq)]
pub struct StateSpec {
    /// Identifier (ISO3 for real states, e.g. `GP1` for generated great powers).
    pub id: String,
    pub name: String,
    /// Liberal-democracy score in [0, 1].
    pub regime: f64,
    /// Material capability, normalised so that all states sum to 1.
    pub power: f64,
    /// Procedural competence in [0, 1].
    pub competence: f64,
    /// Technical-community capacity in [0, 1].
    pub ict: f64,
    pub tags: Vec<TagIx>,
    /// Blocs in order; the first is the home bloc.
    pub blocs: Vec<BlocIx>,
    /// Given ideal; `None` = derived per run (§2).
    pub ideal: Option<Pos>,
    /// Given salience in (0, 1]; `None` = derived (§2).
    pub salience: Option<f64>,
}

/// How a venue admits states (ODD §2).
#[derive(Debug, Clone, PartialEq)]
pub enum Membership {
    /// Any state may join or leave; `universal` = everyone is and stays a member.
    Open { universal: bool },
    /// `seats` in total, of which states carrying a `reserved` tag always sit; the rest are
    /// drawn every `term` rounds, split across the `quota_by` blocs by size.
    Appointed {
        seats: usize,
        reserved: Vec<TagIx>,
        term: u32,
        quota_by: Vec<BlocIx>,
    },
    /// Non-members apply; members vote to admit by `admit`.
    Invitation { admit: Admit },
    /// No state membership: every state takes part through its technical community.
    Individuals,
}

/// Admission rule of an invitation venue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    Unanimity,
    Majority,
    Supermajority,
    /// Nobody applies: the members invite, and the scenario records each invitation
    /// as a `membership` event (ODD 7.2). A treaty's accession by invitation or an
    /// organisation's enlargement by summit decision is a fact of the record, not a
    /// vote on every state close enough to apply.
    Invited,
}

impl Admit {
    /// The scenario file's name of the rule.
    pub fn as_str(self) -> &'static str {
        match self {
            Admit::Unanimity => "unanimity",
            Admit::Majority => "majority",
            Admit::Supermajority => "supermajority",
            Admit::Invited => "invited",
        }
    }
}

/// Decision rule of a venue (ODD §7.8).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    Consensus,
    /// The UN's practice: adopted without a vote unless a participant calls for one;
    /// then a vote, adopted when yes / (yes + no) > `threshold` (ODD 7.8).
    ConsensusFirst {
        threshold: f64,
    },
    Majority {
        threshold: f64,
    },
    Supermajority {
        threshold: f64,
    },
    RoughConsensus {
        threshold: f64,
    },
}

/// Role of the non-state stakeholder actor in a venue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stakeholders {
    None,
    Consultative { weight: f64 },
    Full { weight: f64 },
}

impl Stakeholders {
    pub fn weight(self) -> f64 {
        match self {
            Stakeholders::None => 0.0,
            Stakeholders::Consultative { weight } | Stakeholders::Full { weight } => weight,
        }
    }
    /// The same role with another weight (`None` stays `None`).
    pub fn with_weight(self, w: f64) -> Stakeholders {
        match self {
            Stakeholders::None => Stakeholders::None,
            Stakeholders::Consultative { .. } => Stakeholders::Consultative { weight: w },
            Stakeholders::Full { .. } => Stakeholders::Full { weight: w },
        }
    }
}

/// Whose power a venue's rule reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Members,
    Global,
}

/// How a named venue comes into being.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Exists from round 0.
    Initial,
    /// Created by a `new_venue` event at this round.
    Event { round: u32 },
    /// Created if this procedural proposal is adopted.
    Proposal { proposal: ProposalIx },
}

/// A venue as the scenario defines it (its initial state).
#[derive(Debug, Clone, PartialEq)]
pub struct VenueSpec {
    pub id: String,
    pub name: String,
    pub origin: Origin,
    pub membership: Membership,
    pub decision: Decision,
    pub stakeholders: Stakeholders,
    pub transparency: f64,
    pub privilege: f64,
    pub hosts: KindSet,
    pub reach: Reach,
    /// Whether its adopted texts bind its members as a treaty: they ratify or accede
    /// to them and write them into their law (the Budapest Convention, the SCO's
    /// agreements, a committee drafting a convention). Treaty loyalty (ODD 7.8,
    /// departure 52) runs only between binding venues; a report or a resolution binds
    /// no one. Default false.
    pub binding: bool,
    /// Initial rules by kind (only kinds it hosts). Missing kinds get the charter or legacy rule.
    pub rules: Vec<(Kind, Pos)>,
    /// Rounds a proposal spends on the agenda before it is decided; ≥ 1.
    pub negotiation_rounds: u32,
    pub founders: Vec<StateIx>,
    /// Last round of a venue with a term (an expert group, a working group): it is
    /// dissolved at the end of that round (ODD 7.11). `None`: it lasts.
    pub until: Option<u32>,
    /// A predecessor whose texts this venue starts from (a new group of experts builds
    /// on the last group's report): its rules for the kinds both host are copied when
    /// this venue comes into being (ODD 5).
    pub acquis: Option<VenueIx>,
}

/// A change to an existing venue (procedural proposals and `venue_change` events).
/// `None` fields are left as they are.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VenueChange {
    pub membership: Option<Membership>,
    pub decision: Option<Decision>,
    pub stakeholders: Option<Stakeholders>,
    pub transparency: Option<f64>,
    pub privilege: Option<f64>,
    pub hosts: Option<KindSet>,
}

impl VenueChange {
    /// True if the change touches openness only (transparency, stakeholders) — such
    /// changes are voted on openness (ODD §7.8).
    pub fn is_openness_only(&self) -> bool {
        self.membership.is_none()
            && self.decision.is_none()
            && self.privilege.is_none()
            && self.hosts.is_none()
            && (self.transparency.is_some() || self.stakeholders.is_some())
    }
}

/// What a procedural proposal does.
#[derive(Debug, Clone, PartialEq)]
pub enum ProceduralAction {
    /// Create venue `venue` (a `VenueSpec` with `Origin::Proposal`) with a mandate.
    Create {
        venue: VenueIx,
        mandate_kind: Kind,
        mandate_position: PositionSpec,
        /// Whether the mandate is tabled in the new venue as its first item. A
        /// negotiating body that works on its chair's texts instead (scenario proposals
        /// with the venue fixed) does not table the resolution's text (`false`).
        table_mandate: bool,
    },
    /// Change an existing venue.
    Change { venue: VenueIx, change: VenueChange },
}

/// The procedural part of a proposal of kind `procedural`.
#[derive(Debug, Clone, PartialEq)]
pub struct Procedural {
    /// Venue where it is decided (UNGA for UN bodies; the venue itself for its own rules).
    pub parent: VenueIx,
    pub action: ProceduralAction,
    /// Venues that stop hosting the mandate's kind when it is adopted.
    pub replaces: Vec<VenueIx>,
}

/// Where a proposal's text stands when it is introduced.
#[derive(Debug, Clone, PartialEq)]
pub enum PositionSpec {
    /// The sponsor's ideal (drawn per run when derived).
    SponsorIdeal,
    /// A given point of the policy plane.
    Given(Pos),
    /// The mean of these venues' rules for the proposal's kind as they stand when it is
    /// introduced: a text that endorses or restates what those venues adopted (a
    /// resolution welcoming a report, a convention adopted as negotiated). Venues that
    /// never existed are left out; with none left, the sponsor's ideal.
    RuleOf(Vec<VenueIx>),
    /// A chair's text: the compromise of the venue's members (their weighted mean
    /// ideal, as negotiation computes it) when it is tabled (ODD 7.3).
    Compromise,
}

/// A proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalSpec {
    pub id: String,
    pub kind: Kind,
    /// The state that tables it; `None` for a chair's text, which nobody sponsors: it
    /// is tabled in its fixed venue and drafted at the compromise of the room.
    pub sponsor: Option<StateIx>,
    pub cosponsors: Vec<StateIx>,
    /// Where its text stands (for procedural `Create`, the mandate's position is used
    /// instead).
    pub position: PositionSpec,
    /// A recurring text (the General Assembly's annual resolutions): once decided it is
    /// introduced again the next round, until this round.
    pub repeat_until: Option<u32>,
    /// A text that adopts another venue's adopted text (a convention adopted by the
    /// General Assembly after its committee agreed it): it is voted on in its own
    /// venue right after that proposal is adopted, in the same decision step, at the
    /// adopted text (ODD 7.8). It is never introduced otherwise.
    pub ratifies: Option<ProposalIx>,
    /// Round in which it first waits for tabling.
    pub introduced: u32,
    /// A fixed first venue (used even if its EU is not positive).
    pub venue: Option<VenueIx>,
    /// Waits and moves allowed before it is abandoned (default 3).
    pub max_moves: u32,
    /// `Some` exactly when `kind == Procedural`.
    pub procedural: Option<Procedural>,
}

/// Who an ideal shift applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    State(StateIx),
    Bloc(BlocIx),
}

/// A scheduled event (ODD §7.12).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    LegitimacyShock {
        state: StateIx,
        delta: f64,
    },
    IdealShift {
        target: Target,
        dm: f64,
        ds: f64,
    },
    VenueChange {
        venue: VenueIx,
        change: VenueChange,
    },
    /// Brings venue `venue` (a spec with `Origin::Event`) into being.
    NewVenue {
        venue: VenueIx,
    },
    Membership {
        venue: VenueIx,
        join: bool,
        states: Vec<StateIx>,
    },
    Tag {
        state: StateIx,
        tag: TagIx,
        add: bool,
    },
    Election {
        venue: VenueIx,
        candidates: Vec<StateIx>,
    },
}

/// An event at a round. (`new_proposal` events become proposals with `introduced` = round.)
#[derive(Debug, Clone, PartialEq)]
pub struct EventSpec {
    pub round: u32,
    pub event: Event,
    /// Label for logs (e.g. the scenario's `id` or a generated `event-3`).
    pub label: String,
}

/// A recorded vote, as coded in vote files: `Y`, `N`, `A`, and `X` for no vote
/// recorded (absent, not voting, or not a member of the venue).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ballot {
    Yes,
    No,
    Abstain,
    Absent,
}

impl Ballot {
    /// All four, in the fixed order that breaks ties (Y, N, A, X).
    pub const ALL: [Ballot; 4] = [Ballot::Yes, Ballot::No, Ballot::Abstain, Ballot::Absent];

    /// The code used in vote files.
    pub fn code(self) -> &'static str {
        match self {
            Ballot::Yes => "Y",
            Ballot::No => "N",
            Ballot::Abstain => "A",
            Ballot::Absent => "X",
        }
    }

    /// The ballot of a code (`Y`, `N`, `A`, `X`).
    pub fn from_code(code: &str) -> Option<Ballot> {
        Ballot::ALL.into_iter().find(|b| b.code() == code)
    }

    /// Position in [`Ballot::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Yes, no, abstain and absent counts of one decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    pub absent: u32,
}

impl Tally {
    /// The counts in [`Ballot::ALL`] order.
    pub fn as_array(self) -> [u32; 4] {
        [self.yes, self.no, self.abstain, self.absent]
    }
}

/// A recorded decision to hold simulated runs against (`[[target]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSpec {
    pub id: String,
    pub venue: VenueIx,
    pub proposal: ProposalIx,
    /// The round the decision is expected in.
    pub round: u32,
    pub recorded: Tally,
    /// Per-state recorded votes (`votes` file), in state index order; states the
    /// file does not list are absent from this list.
    pub votes: Vec<(StateIx, Ballot)>,
    /// The `votes` path as written (relative to the scenario), for reports.
    pub votes_file: Option<String>,
    /// Regime category of each state (`baseline` file), for the naive baseline.
    pub categories: Vec<(StateIx, u32)>,
    pub baseline_file: Option<String>,
    /// Free text: where the record comes from.
    pub source: String,
    /// Another tally shown beside (e.g. the committee vote); not used in any statistic.
    pub reference: Option<Reference>,
}

/// A second recorded tally shown beside a target's (e.g. the committee vote). The
/// record is often partial (a committee reports only yes and no), so each count is
/// optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// yes, no, abstain, absent, in [`Ballot::ALL`] order; `None` = not recorded.
    pub counts: [Option<u32>; 4],
    pub label: String,
}

// ---- recorded elections and facts (`[[target]]` with `election`, `[[fact]]`) --------
//
// Validation only: the engine never reads them. They live beside `TargetSpec` rather
// than inside it because they have no proposal and no yes/no tally.

/// A recorded election to hold simulated ones against: the votes each candidate got.
#[derive(Debug, Clone, PartialEq)]
pub struct ElectionTargetSpec {
    pub id: String,
    /// Index in [`Scenario::events`] of the `election` event it records.
    pub event: usize,
    /// The event's venue and round (copied so readers need not match on the event).
    pub venue: VenueIx,
    pub round: u32,
    /// Recorded votes per candidate, in the event's candidate order (every candidate).
    pub candidates: Vec<(StateIx, u32)>,
    /// Recorded absent / not voting, when the record gives it.
    pub absent: Option<u32>,
    pub source: String,
}

/// A recorded outcome without a tally that runs should reproduce (`[[fact]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct FactSpec {
    /// Unique over facts and targets.
    pub id: String,
    pub what: FactWhat,
    /// First and last round of the inclusive range the fact covers (equal for one year).
    pub first: u32,
    pub last: u32,
    /// Free text: where the record comes from.
    pub source: String,
}

/// What a fact is about.
#[derive(Debug, Clone, PartialEq)]
pub enum FactWhat {
    /// How `proposal` fared in `venue` in every year of the range.
    Proposal {
        proposal: ProposalIx,
        venue: VenueIx,
        outcome: ProposalOutcome,
    },
    /// `candidate` won the election of event `event` (an index in [`Scenario::events`]).
    Election {
        event: usize,
        venue: VenueIx,
        candidate: StateIx,
    },
    /// `venue` had `members` members at the end of every year of the range.
    Members { venue: VenueIx, members: u32 },
}

/// The recorded outcome of a proposal fact (docs/VALIDATION.md, "Facts").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalOutcome {
    /// Adopted in the venue in every year of the range.
    Adopted,
    /// Adopted every year, without a vote or by consensus.
    AdoptedWithoutVote,
    /// Adopted every year, by a counted vote.
    AdoptedByVote,
    /// Decided and not adopted in every year.
    Rejected,
    /// The same rule as `Rejected`, under the name the record uses for consensus bodies.
    NoConsensus,
    /// Adopted in no year of the range (failed, or never decided there).
    NotAdopted,
    /// Decided in no year of the range.
    NotPutToVote,
}

impl ProposalOutcome {
    pub const ALL: [ProposalOutcome; 7] = [
        ProposalOutcome::Adopted,
        ProposalOutcome::AdoptedWithoutVote,
        ProposalOutcome::AdoptedByVote,
        ProposalOutcome::Rejected,
        ProposalOutcome::NoConsensus,
        ProposalOutcome::NotAdopted,
        ProposalOutcome::NotPutToVote,
    ];

    /// The name used in scenario files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalOutcome::Adopted => "adopted",
            ProposalOutcome::AdoptedWithoutVote => "adopted_without_vote",
            ProposalOutcome::AdoptedByVote => "adopted_by_vote",
            ProposalOutcome::Rejected => "rejected",
            ProposalOutcome::NoConsensus => "no_consensus",
            ProposalOutcome::NotAdopted => "not_adopted",
            ProposalOutcome::NotPutToVote => "not_put_to_vote",
        }
    }

    pub fn from_name(name: &str) -> Option<ProposalOutcome> {
        ProposalOutcome::ALL
            .into_iter()
            .find(|o| o.as_str() == name)
    }

    /// Whether the outcome says the proposal was decided in the venue (every year):
    /// such a fact cannot hold before the venue can decide anything.
    pub fn needs_decision(self) -> bool {
        !matches!(
            self,
            ProposalOutcome::NotAdopted | ProposalOutcome::NotPutToVote
        )
    }
}

impl Scenario {
    /// Year of a round.
    pub fn year(&self, round: u32) -> i32 {
        self.start_year + round as i32
    }

    /// Index of a state by id.
    pub fn state_ix(&self, id: &str) -> Option<StateIx> {
        self.states.iter().position(|s| s.id == id)
    }
    /// Index of a venue by id.
    pub fn venue_ix(&self, id: &str) -> Option<VenueIx> {
        self.venues.iter().position(|v| v.id == id)
    }
    /// Index of a bloc by id.
    pub fn bloc_ix(&self, id: &str) -> Option<BlocIx> {
        self.blocs.iter().position(|b| b.id == id)
    }
    /// Index of a proposal by id.
    pub fn proposal_ix(&self, id: &str) -> Option<ProposalIx> {
        self.proposals.iter().position(|p| p.id == id)
    }
    /// The proposals a run holds when each creating resolution that tables a mandate is
    /// adopted once: the scenario's, and one mandate each. (A resolution that recurs may
    /// table more; the lists sized by this then grow.)
    pub fn max_proposals(&self) -> usize {
        let mandates = self
            .proposals
            .iter()
            .filter(|p| {
                matches!(
                    &p.procedural,
                    Some(Procedural {
                        action: ProceduralAction::Create {
                            table_mandate: true,
                            ..
                        },
                        ..
                    })
                )
            })
            .count();
        self.proposals.len() + mandates
    }
    /// The most quota blocs any appointed membership of the scenario shares its seats
    /// among (at least 1): its venues', and those reforms and `venue_change` events would
    /// give. The size a seat draw's and a seat forecast's working lists are made for.
    pub fn max_quotas(&self) -> usize {
        let quotas = |m: &Membership| match m {
            Membership::Appointed { quota_by, .. } => quota_by.len(),
            _ => 0,
        };
        let changes = self
            .proposals
            .iter()
            .filter_map(|p| match &p.procedural {
                Some(Procedural {
                    action: ProceduralAction::Change { change, .. },
                    ..
                }) => change.membership.as_ref(),
                _ => None,
            })
            .chain(self.events.iter().filter_map(|e| match &e.event {
                Event::VenueChange { change, .. } => change.membership.as_ref(),
                _ => None,
            }));
        self.venues
            .iter()
            .map(|v| &v.membership)
            .chain(changes)
            .map(quotas)
            .max()
            .unwrap_or(0)
            .max(1)
    }
}
