//! What happened in one run, round by round, as structured facts read off its records.
//!
//! Everything here is a pure function of a [`RunResult`] (recorded with votes, states
//! and why) and its [`Scenario`]: no re-simulation, no randomness, and every list keeps
//! the order of the records (or index order), so the facts — and the text made from
//! them — are the same on every machine.

use crate::engine::{Choice, DecisionKind, How, JoinRow, RunResult, Vote};
use crate::model::{
    Admit, Event, Kind, Origin, Pos, Procedural, ProceduralAction, Scenario, Target,
};
use std::collections::{BTreeMap, BTreeSet};

/// One option a sponsor weighed (venue id, or `None` for "create a bloc venue").
#[derive(Debug, Clone, PartialEq)]
pub struct Option_ {
    pub venue: Option<String>,
    pub eu: f64,
    pub p_pass: f64,
}

/// A state that voted against its home bloc's plurality.
#[derive(Debug, Clone, PartialEq)]
pub struct Breaker {
    pub state: String,
    pub vote: Vote,
    pub bloc: String,
    pub bloc_vote: Vote,
}

/// Counted votes of one decision (the model's tally).
pub use crate::model::Tally;

/// How a venue came into being during the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// A scheduled `new_venue` event.
    Event,
    /// The adoption of this procedural proposal.
    Proposal(String),
    /// A bloc founded it to table a proposal (§7.3).
    Bloc,
}

/// One thing that happened in a round.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    /// A scheduled event of the scenario (shock, shift, election call, ...).
    Event { label: String, text: String },
    /// A venue that did not exist before appears (by event, procedural proposal or bloc).
    VenueOpened {
        venue: String,
        name: String,
        members: u32,
        by: Opened,
    },
    /// A sponsor tabled a proposal in `chosen` (a created bloc venue when `created`).
    Tabled {
        proposal: String,
        sponsor: String,
        kind: Kind,
        chosen: Option_,
        created: bool,
        moved_from: Option<String>,
        /// The other options, best expected utility first.
        others: Vec<Option_>,
    },
    /// No option was worth it: the proposal waits (or, if `abandoned`, is dropped).
    Held {
        proposal: String,
        sponsor: String,
        best: Option<Option_>,
        abandoned: bool,
    },
    /// Joins and leaves of one venue this round (from the recorded memberships, or
    /// from the reasons when memberships were not recorded).
    Membership {
        venue: String,
        joined: Vec<String>,
        left: Vec<String>,
        members: usize,
        /// Why, for an open venue (when the run recorded [`crate::engine::Why`]).
        why: Option<Reasons>,
        /// The seats of an appointed venue were drawn anew (when the run recorded why).
        drawn: bool,
    },
    /// Admission votes of one venue this round.
    Admissions {
        venue: String,
        /// The rule applicants were voted on by (when the run recorded it).
        rule: Option<Admit>,
        /// (applicant, yes, no)
        admitted: Vec<(String, u32, u32)>,
        /// (applicant, yes, no)
        refused: Vec<(String, u32, u32)>,
    },
    /// A vote on a proposal.
    Decided {
        venue: String,
        proposal: String,
        sponsor: String,
        kind: Kind,
        position: Pos,
        tally: Tally,
        adopted: bool,
        /// How it was decided: the tally alone does not explain a consensus that one
        /// objection blocked, or a text adopted without a vote.
        how: How,
        breakers: Vec<Breaker>,
    },
    /// An openness reform vote (§7.7).
    Reform {
        venue: String,
        proposer: String,
        up: bool,
        transparency: f64,
        stakeholder_weight: f64,
        tally: Tally,
        passed: bool,
    },
    /// An election (§7.10).
    Election {
        venue: String,
        winner: String,
        /// Each candidate with its votes, in candidate order.
        votes: Vec<(String, u32)>,
    },
    /// The world at the end of the round.
    Summary {
        ami: f64,
        fragmentation: f64,
        venues_active: u32,
    },
}

/// One state's value of joining an open venue (§7.2), as told: `value = stake − cost`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub state: String,
    /// V_join.
    pub value: f64,
    /// The stake weighted by the state's weight relative to the members' mean.
    pub stake: f64,
    /// The legitimation cost.
    pub cost: f64,
    /// 0 for joining, `-exit_cost` for leaving.
    pub threshold: f64,
}

/// Why states joined, left, stayed or stayed out of one open venue in one round.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reasons {
    /// Joiners and leavers in index order.
    pub joined: Vec<Reason>,
    pub left: Vec<Reason>,
    /// Members whose value was below the exit threshold but who stay because they
    /// (co)sponsor this proposal on the agenda.
    pub kept: Vec<(Reason, String)>,
    /// Non-members with a stake (one that shows at 2 decimals) that stayed out: the
    /// legitimation cost outweighed it. Largest stake first.
    pub stayed_out: Vec<Reason>,
}

impl Reasons {
    pub fn reason(&self, state: &str) -> Option<&Reason> {
        self.joined
            .iter()
            .chain(&self.left)
            .find(|r| r.state == state)
    }
}

/// A stake below this rounds to 0.00: not told as a stake a state stayed out in spite of.
const VISIBLE: f64 = 0.005;

/// The facts of one round, in the order the round schedule produces them.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundFacts {
    pub round: u32,
    pub year: i32,
    pub facts: Vec<Fact>,
}

/// Every round's facts. `r` must come from the run of `sc` (its ids resolve against
/// `r`'s name tables); without recorded votes there are no breakers, without recorded
/// states only the joins and leaves of open venues (if why was recorded), without why
/// no reasons and no admission rules.
pub fn facts(sc: &Scenario, r: &RunResult) -> Vec<RoundFacts> {
    let state = |i: u32| {
        r.state_names
            .get(i as usize)
            .cloned()
            .unwrap_or_else(|| "the chair".to_string())
    };
    let venue = |i: u32| {
        r.venue_names
            .get(i as usize)
            .cloned()
            .unwrap_or_else(|| format!("venue {i}"))
    };
    let proposal = |i: u32| {
        r.proposal_names
            .get(i as usize)
            .cloned()
            .unwrap_or_else(|| format!("proposal {i}"))
    };
    let rounds = r.rounds.len() as u32;
    let mut out: Vec<RoundFacts> = r
        .rounds
        .iter()
        .map(|row| RoundFacts {
            round: row.round,
            year: row.year,
            facts: Vec::new(),
        })
        .collect();
    let at = |round: u32| round as usize;

    // 1. Scheduled events.
    for ev in &sc.events {
        if ev.round < rounds {
            out[at(ev.round)].facts.push(Fact::Event {
                label: ev.label.clone(),
                text: describe_event(sc, &ev.event),
            });
        }
    }

    // 2. Venues that appear during the run (first round with a venues row).
    let mut seen: BTreeSet<u32> = BTreeSet::new();
    for v in &r.venues {
        if seen.insert(v.venue) && v.round > 0 {
            let id = venue(v.venue);
            let spec = sc.venues.get(v.venue as usize);
            let name = spec.map_or_else(|| "a bloc's own venue".to_string(), |s| s.name.clone());
            let by = match spec.map(|s| s.origin) {
                Some(Origin::Proposal { proposal: p }) => Opened::Proposal(proposal(p as u32)),
                Some(_) => Opened::Event,
                None => Opened::Bloc,
            };
            out[at(v.round)].facts.push(Fact::VenueOpened {
                venue: id,
                name,
                members: v.members,
                by,
            });
        }
    }

    // 3. Forum shopping: the choice rows of each (round, proposal).
    let mut groups: BTreeMap<(u32, u32), Vec<usize>> = BTreeMap::new();
    for (k, c) in r.choices.iter().enumerate() {
        groups.entry((c.round, c.proposal)).or_default().push(k);
    }
    let shopped: BTreeSet<(u32, u32)> = groups.keys().copied().collect();
    let mut last_venue: BTreeMap<u32, String> = BTreeMap::new();
    for (&(round, p), rows) in &groups {
        let opt = |k: usize| {
            let c = &r.choices[k];
            Option_ {
                venue: (!c.create || c.chosen).then(|| venue(c.venue)),
                eu: c.eu,
                p_pass: c.p_pass,
            }
        };
        let first = &r.choices[rows[0]];
        let kind = proposal_kind(sc, &proposal(p));
        let mut others: Vec<Option_> = rows
            .iter()
            .filter(|&&k| !r.choices[k].chosen)
            .map(|&k| opt(k))
            .collect();
        others.sort_by(|a, b| b.eu.total_cmp(&a.eu));
        let fact = match rows.iter().find(|&&k| r.choices[k].chosen) {
            Some(&k) => {
                let chosen = opt(k);
                let here = chosen.venue.clone().unwrap_or_default();
                let moved_from = last_venue.insert(p, here.clone()).filter(|v| *v != here);
                Fact::Tabled {
                    proposal: proposal(p),
                    sponsor: state(first.sponsor),
                    kind,
                    chosen,
                    created: r.choices[k].create,
                    moved_from,
                    others,
                }
            }
            None => Fact::Held {
                proposal: proposal(p),
                sponsor: state(first.sponsor),
                abandoned: round + 1 < rounds && !shopped.contains(&(round + 1, p)),
                best: others.into_iter().next(),
            },
        };
        out[at(round)].facts.push(fact);
    }

    // 4. Membership changes, from the recorded per-state rows, with their reasons.
    // States admitted by vote are told in the admission line (5), and states moved by a
    // scheduled membership event in the event's line (1): not again here.
    let mut admitted: BTreeSet<(u32, u32, u32)> = r
        .decisions
        .iter()
        .filter(|d| d.what == DecisionKind::Admission && d.adopted)
        .map(|d| (d.round, d.venue, d.sponsor))
        .collect();
    let mut scheduled_leave: BTreeSet<(u32, u32, u32)> = BTreeSet::new();
    for ev in &sc.events {
        if let Event::Membership {
            venue,
            join,
            states,
        } = &ev.event
        {
            let set = if *join {
                &mut admitted
            } else {
                &mut scheduled_leave
            };
            set.extend(states.iter().map(|&i| (ev.round, *venue as u32, i as u32)));
        }
    }
    let mut why = reasons(r);
    if !r.attention.is_empty() {
        let mut members: BTreeMap<(u32, u32), BTreeSet<u32>> = BTreeMap::new();
        for a in &r.attention {
            members
                .entry((a.venue, a.round))
                .or_default()
                .insert(a.state);
        }
        let empty = BTreeSet::new();
        for (&(v, round), now) in &members {
            if round == 0 {
                continue;
            }
            let before = members.get(&(v, round - 1)).unwrap_or(&empty);
            if before.is_empty() {
                continue; // the venue's founding, told by VenueOpened (and its reasons)
            }
            let joined: Vec<String> = now
                .difference(before)
                .filter(|&&i| !admitted.contains(&(round, v, i)))
                .map(|&i| state(i))
                .collect();
            let left: Vec<String> = before
                .difference(now)
                .filter(|&&i| !scheduled_leave.contains(&(round, v, i)))
                .map(|&i| state(i))
                .collect();
            let why = why.remove(&(round, v));
            if !joined.is_empty() || !left.is_empty() || why.is_some() {
                out[at(round)].facts.push(Fact::Membership {
                    venue: venue(v),
                    joined,
                    left,
                    members: now.len(),
                    why,
                    drawn: r.why.seatings.contains(&(round, v)),
                });
            }
        }
        // Venues whose members all left (no rows this round, rows last round).
        for (&(v, round), before) in &members {
            let next = round + 1;
            if next < rounds && !members.contains_key(&(v, next)) && !before.is_empty() {
                let still = r.venues.iter().any(|x| x.venue == v && x.round == next);
                if still {
                    out[at(next)].facts.push(Fact::Membership {
                        venue: venue(v),
                        joined: Vec::new(),
                        left: before.iter().map(|&i| state(i)).collect(),
                        members: 0,
                        why: why.remove(&(next, v)),
                        drawn: r.why.seatings.contains(&(next, v)),
                    });
                }
            }
        }
    }
    // Reasons with no membership change told above: a founding round, stay-outs
    // only, or a run without recorded memberships.
    for ((round, v), w) in why {
        let members = r
            .venues
            .iter()
            .find(|x| x.venue == v && x.round == round)
            .map_or(0, |x| x.members as usize);
        out[at(round)].facts.push(Fact::Membership {
            venue: venue(v),
            joined: w.joined.iter().map(|x| x.state.clone()).collect(),
            left: w.left.iter().map(|x| x.state.clone()).collect(),
            members,
            why: Some(w),
            drawn: false,
        });
    }

    // 5. Decisions, in record order; admissions grouped per (round, venue).
    let ballots = ballots(r);
    let mut admissions: BTreeMap<(u32, u32), Admitted> = BTreeMap::new();
    for (k, d) in r.decisions.iter().enumerate() {
        let tally = Tally {
            yes: d.yes,
            no: d.no,
            abstain: d.abstain,
            absent: d.absent,
        };
        let fact = match d.what {
            DecisionKind::Admission => {
                let e = admissions.entry((d.round, d.venue)).or_default();
                let who = (state(d.sponsor), d.yes, d.no);
                if d.adopted {
                    e.0.push(who);
                } else {
                    e.1.push(who);
                }
                continue;
            }
            DecisionKind::Proposal => Fact::Decided {
                venue: venue(d.venue),
                proposal: proposal(d.proposal),
                sponsor: state(d.sponsor),
                kind: d.kind,
                position: d.position,
                tally,
                adopted: d.adopted,
                how: d.how,
                breakers: breakers(sc, r, ballots.get(&(k as u32))),
            },
            DecisionKind::Reform => Fact::Reform {
                venue: venue(d.venue),
                proposer: state(d.sponsor),
                up: d.detail == crate::engine::Detail::Reform { up: true },
                transparency: d.position.m,
                stakeholder_weight: d.position.s,
                tally,
                passed: d.adopted,
            },
            DecisionKind::Election => Fact::Election {
                venue: venue(d.venue),
                winner: state(d.sponsor),
                votes: d
                    .election_votes()
                    .unwrap_or_default()
                    .iter()
                    .map(|&(c, n)| (state(c), n))
                    .collect(),
            },
        };
        out[at(d.round)].facts.push(fact);
    }
    for ((round, v), (admitted, refused)) in admissions {
        let rule = r
            .why
            .admissions
            .iter()
            .find(|a| a.round == round && a.venue == v)
            .map(|a| a.rule);
        out[at(round)].facts.push(Fact::Admissions {
            venue: venue(v),
            rule,
            admitted,
            refused,
        });
    }

    // 6. End-of-round state of the world.
    for row in &r.rounds {
        out[at(row.round)].facts.push(Fact::Summary {
            ami: row.ami,
            fragmentation: row.fragmentation,
            venues_active: row.venues_active,
        });
    }
    for rf in &mut out {
        rf.facts.sort_by_key(order);
    }
    out
}

/// Admitted applicants and refused ones with their (yes, no) tally.
type Admitted = (Vec<(String, u32, u32)>, Vec<(String, u32, u32)>);

/// The run's recorded reasons by (round, venue). Stay-outs with a stake that rounds
/// to 0.00 are left out; the rest are sorted largest stake first (the stakes the
/// legitimation cost made a state give up, and its closest calls among them).
fn reasons(r: &RunResult) -> BTreeMap<(u32, u32), Reasons> {
    let reason = |j: &JoinRow| Reason {
        state: r.state_names[j.state as usize].clone(),
        value: j.value(),
        stake: j.weight * j.stake,
        cost: j.legitimation_cost,
        threshold: j.threshold,
    };
    let mut m: BTreeMap<(u32, u32), Reasons> = BTreeMap::new();
    for j in &r.why.joins {
        let e = m.entry((j.round, j.venue)).or_default();
        match j.choice {
            Choice::Joined => e.joined.push(reason(j)),
            Choice::Left => e.left.push(reason(j)),
            Choice::Sponsor(p) => {
                let p = r
                    .proposal_names
                    .get(p as usize)
                    .cloned()
                    .unwrap_or_else(|| format!("proposal {p}"));
                e.kept.push((reason(j), p));
            }
            Choice::StayedOut if j.weight * j.stake >= VISIBLE => e.stayed_out.push(reason(j)),
            Choice::StayedOut => {}
        }
    }
    m.retain(|_, w| {
        w.stayed_out.sort_by(|a, b| b.stake.total_cmp(&a.stake));
        !(w.joined.is_empty() && w.left.is_empty() && w.kept.is_empty() && w.stayed_out.is_empty())
    });
    m
}

/// Telling order within a round: the schedule's steps (events, shopping, membership,
/// votes, the summary). The sort is stable, so facts of one step keep record order.
fn order(f: &Fact) -> u8 {
    match f {
        Fact::Event { .. } => 0,
        Fact::VenueOpened {
            by: Opened::Proposal(_),
            ..
        } => 7,
        Fact::VenueOpened { .. } => 1,
        Fact::Tabled { .. } | Fact::Held { .. } => 2,
        Fact::Membership { .. } => 3,
        Fact::Admissions { .. } => 4,
        Fact::Reform { .. } => 5,
        Fact::Decided { .. } | Fact::Election { .. } => 6,
        Fact::Summary { .. } => 8,
    }
}

/// The kind of a proposal by id: the scenario's, or for a mandate tabled during the
/// run (`<procedural id>/mandate`) the kind its creating proposal gives it.
fn proposal_kind(sc: &Scenario, id: &str) -> Kind {
    if let Some(p) = sc.proposal_ix(id) {
        return sc.proposals[p].kind;
    }
    let parent = id.strip_suffix("/mandate").and_then(|b| sc.proposal_ix(b));
    match parent.and_then(|p| sc.proposals[p].procedural.as_ref()) {
        Some(Procedural {
            action: ProceduralAction::Create { mandate_kind, .. },
            ..
        }) => *mandate_kind,
        _ => Kind::Procedural,
    }
}

/// Per-state votes by decision index (votes rows are contiguous per decision).
fn ballots(r: &RunResult) -> BTreeMap<u32, Vec<(u32, Vote)>> {
    let mut m: BTreeMap<u32, Vec<(u32, Vote)>> = BTreeMap::new();
    for v in &r.votes {
        m.entry(v.decision).or_default().push((v.state, v.vote));
    }
    m
}

/// The states whose vote differs from the plurality of the present members of their
/// home bloc (first listed bloc) in this decision. Blocs with fewer than three present
/// voters, or a tied plurality, have no line to break.
pub fn breakers(sc: &Scenario, r: &RunResult, ballots: Option<&Vec<(u32, Vote)>>) -> Vec<Breaker> {
    let Some(ballots) = ballots else {
        return Vec::new();
    };
    let home = |i: u32| {
        sc.states
            .get(i as usize)
            .and_then(|s| s.blocs.first().copied())
    };
    // bloc -> counts of yes, no, abstain
    let mut counts: BTreeMap<usize, [u32; 3]> = BTreeMap::new();
    for &(i, v) in ballots {
        if let (Some(b), Some(k)) = (home(i), slot(v)) {
            counts.entry(b).or_default()[k] += 1;
        }
    }
    let plurality: BTreeMap<usize, Vote> = counts
        .iter()
        .filter(|(_, c)| c.iter().sum::<u32>() >= 3)
        .filter_map(|(&b, c)| {
            let max = *c.iter().max()?;
            let top: Vec<usize> = (0..3).filter(|&k| c[k] == max).collect();
            (top.len() == 1).then(|| (b, [Vote::Yes, Vote::No, Vote::Abstain][top[0]]))
        })
        .collect();
    ballots
        .iter()
        .filter_map(|&(i, v)| {
            slot(v)?;
            let b = home(i)?;
            let bv = *plurality.get(&b)?;
            (bv != v).then(|| Breaker {
                state: r.state_names[i as usize].clone(),
                vote: v,
                bloc: sc.blocs[b].id.clone(),
                bloc_vote: bv,
            })
        })
        .collect()
}

fn slot(v: Vote) -> Option<usize> {
    match v {
        Vote::Yes => Some(0),
        Vote::No => Some(1),
        Vote::Abstain => Some(2),
        Vote::Absent => None,
    }
}

/// A scheduled event in words.
pub fn describe_event(sc: &Scenario, e: &Event) -> String {
    let st = |i: usize| sc.states[i].id.clone();
    let ve = |i: usize| sc.venues[i].id.clone();
    let list = |v: &[usize]| v.iter().map(|&i| st(i)).collect::<Vec<_>>().join(", ");
    match e {
        Event::LegitimacyShock { state, delta } => {
            let dir = if *delta < 0.0 { "falls" } else { "rises" };
            format!("{}'s legitimacy {dir} by {:.2}", st(*state), delta.abs())
        }
        Event::IdealShift { target, dm, ds } => {
            let who = match target {
                Target::State(i) => st(*i),
                Target::Bloc(b) => format!("the {} bloc", sc.blocs[*b].id),
            };
            format!("{who}'s ideal shifts by ({dm:+.2} modality, {ds:+.2} scope)")
        }
        Event::VenueChange { venue, .. } => format!("{}'s rules are changed", ve(*venue)),
        Event::NewVenue { venue } => format!("{} is founded", ve(*venue)),
        Event::Membership {
            venue,
            join,
            states,
        } => {
            let one = states.len() == 1;
            let verb = match (*join, one) {
                (true, true) => "joins",
                (true, false) => "join",
                (false, true) => "leaves",
                (false, false) => "leave",
            };
            format!("{} {verb} {}", list(states), ve(*venue))
        }
        Event::Tag { state, tag, add } => {
            let verb = if *add { "gains" } else { "loses" };
            format!("{} {verb} the tag {}", st(*state), sc.tags[*tag])
        }
        Event::Election { venue, candidates } => {
            format!("{} holds an election: {}", ve(*venue), list(candidates))
        }
    }
}
