//! `[[fact]]` tables: recorded outcomes without tallies — a proposal adopted without
//! a vote, a venue's membership, an election's winner — that `forumsim validate`
//! counts the runs reproducing (docs/VALIDATION.md). They have no effect on a run.
//!
//! Also the checks that facts and `[[target]]`s share: a record cannot be dated
//! outside the scenario or before its proposal is introduced, nor name a venue that
//! cannot exist yet or can never decide the proposal, nor a state that does not
//! stand in the election — such a record could never be reproduced, so it is almost
//! always a typo in a year, a venue, a proposal or a state id.

use std::collections::{HashMap, HashSet};

use toml::Spanned as S;

use super::builder::{Builder, Result};
use super::error::{Errors, Span, did_you_mean, one_of};
use super::raw::{RawFact, RawScenario};
use crate::model::{
    Event, EventSpec, FactSpec, FactWhat, Kind, KindSet, Origin, ProceduralAction, ProposalIx,
    ProposalOutcome, ProposalSpec, StateIx, VenueIx, VenueSpec,
};

/// The validated world records refer to: built before targets and facts.
pub(super) struct Known<'a> {
    pub venues: &'a [VenueSpec],
    pub proposals: &'a [ProposalSpec],
    /// Sorted by round, as in [`crate::model::Scenario::events`].
    pub events: &'a [EventSpec],
    pub rounds: u32,
    /// Per venue, the kinds it hosts at the start or gains by a venue change (an event
    /// or a procedural proposal): computed once, so that checking every record stays
    /// linear in the scenario's size.
    hosts_ever: Vec<KindSet>,
    /// The first `election` event of each label (index in `events`).
    elections: HashMap<&'a str, usize>,
}

impl<'a> Known<'a> {
    pub fn new(
        venues: &'a [VenueSpec],
        proposals: &'a [ProposalSpec],
        events: &'a [EventSpec],
        rounds: u32,
    ) -> Known<'a> {
        let mut hosts_ever: Vec<KindSet> = venues.iter().map(|v| v.hosts).collect();
        let mut gain = |venue: VenueIx, hosts: Option<KindSet>| {
            if let (Some(h), Some(set)) = (hosts, hosts_ever.get_mut(venue)) {
                for k in h.iter() {
                    set.insert(k);
                }
            }
        };
        for e in events {
            if let Event::VenueChange { venue, change } = &e.event {
                gain(*venue, change.hosts);
            }
        }
        for p in proposals {
            if let Some(pr) = &p.procedural
                && let ProceduralAction::Change { venue, change } = &pr.action
            {
                gain(*venue, change.hosts);
            }
        }
        let mut elections = HashMap::new();
        for (i, e) in events.iter().enumerate() {
            if matches!(e.event, Event::Election { .. }) {
                elections.entry(e.label.as_str()).or_insert(i);
            }
        }
        Known {
            venues,
            proposals,
            events,
            rounds,
            hosts_ever,
            elections,
        }
    }
}

/// The index of the proposal named `v`, or an error with a did-you-mean.
pub(super) fn proposal_ref(b: &Builder, v: &S<String>, ctx: &str) -> Result<ProposalIx> {
    b.proposal_ix
        .get(v.get_ref().as_str())
        .copied()
        .ok_or_else(|| {
            let hint = did_you_mean(v.get_ref(), b.proposal_ix.keys().map(String::as_str));
            b.err(
                &v.span(),
                ctx,
                format!("unknown proposal `{}`{hint}", v.get_ref()),
            )
        })
}

/// The index (in [`Known::events`]) of the `election` event labelled `v`.
pub(super) fn election_ref(b: &Builder, known: &Known, v: &S<String>, ctx: &str) -> Result<usize> {
    let name = v.get_ref().as_str();
    let is_election = |e: &EventSpec| matches!(e.event, Event::Election { .. });
    if let Some(&i) = known.elections.get(name) {
        return Ok(i);
    }
    if known.events.iter().any(|e| e.label == name) {
        return Err(b.err(
            &v.span(),
            ctx,
            format!("event `{name}` is not an election (an `[[event]]` with type = \"election\")"),
        ));
    }
    let elections: Vec<&str> = known
        .events
        .iter()
        .filter(|e| is_election(e))
        .map(|e| e.label.as_str())
        .collect();
    let listing = if elections.is_empty() {
        " (the scenario has no election event)".to_string()
    } else {
        format!(" (elections: {})", elections.join(", "))
    };
    Err(b.err(
        &v.span(),
        ctx,
        format!(
            "unknown election `{name}`{}{listing}",
            did_you_mean(name, elections.iter().copied())
        ),
    ))
}

/// An election must take place within the scenario, and a `year` given with it must
/// be the event's.
pub(super) fn check_event_year(
    b: &Builder,
    known: &Known,
    event: usize,
    year: Option<&S<i64>>,
    at: &Span,
    ctx: &str,
) -> Result<()> {
    let round = known.events[event].round;
    let event_year = b.start_year + i64::from(round);
    if round >= known.rounds {
        return Err(b.err(
            at,
            ctx,
            format!(
                "election `{}` is held in {event_year}, after the scenario ends ({})",
                known.events[event].label,
                b.start_year + i64::from(known.rounds) - 1
            ),
        ));
    }
    if let Some(y) = year
        && *y.get_ref() != event_year
    {
        return Err(b.err(
            &y.span(),
            ctx,
            format!(
                "year {} is not the year of election `{}` ({event_year}); the year may be left out",
                y.get_ref(),
                known.events[event].label
            ),
        ));
    }
    Ok(())
}

/// The round of `year`, which a record must date within the scenario's `rounds`: a
/// year outside it could never be simulated, so it is almost always a typo.
pub(super) fn round_in_scenario(b: &Builder, y: &S<i64>, rounds: u32, ctx: &str) -> Result<u32> {
    let (lo, hi) = (b.start_year, b.start_year + i64::from(rounds) - 1);
    let year = *y.get_ref();
    if !(lo..=hi).contains(&year) {
        return Err(b.err(
            &y.span(),
            ctx,
            format!("year {year} is outside the scenario, which runs {lo} to {hi}"),
        ));
    }
    Ok((year - lo) as u32)
}

/// The ids of an election's candidates, in the event's order: what records name them by.
pub(super) fn candidate_ids<'b>(b: &'b Builder, candidates: &[StateIx]) -> Vec<&'b str> {
    candidates
        .iter()
        .map(|&s| b.states[s].id.as_str())
        .collect()
}

/// The position of `c` among `ids`, the candidates of election `election` (see
/// [`candidate_ids`]); a state that does not stand is an error that lists those who
/// do.
pub(super) fn candidate_ix(
    b: &Builder,
    ids: &[&str],
    election: &str,
    c: &S<String>,
    ctx: &str,
) -> Result<usize> {
    ids.iter().position(|id| id == c.get_ref()).ok_or_else(|| {
        b.err(
            &c.span(),
            ctx,
            format!(
                "`{}` is not a candidate of election `{election}` (its candidates: {}){}",
                c.get_ref(),
                ids.join(", "),
                did_you_mean(c.get_ref(), ids.iter().copied())
            ),
        )
    })
}

/// The first round in which venue `v` can exist, and why not earlier (for messages).
fn earliest(known: &Known, v: VenueIx) -> (u32, String) {
    match known.venues[v].origin {
        Origin::Initial => (0, String::new()),
        Origin::Event { round } => (round, "created by a `new_venue` event".into()),
        Origin::Proposal { proposal } => {
            let p = &known.proposals[proposal];
            (
                p.introduced,
                format!("created by proposal `{}` if it is adopted", p.id),
            )
        }
    }
}

/// Whether venue `v` hosts `kind` at the start or gains it by a venue change (an
/// event or a procedural proposal).
fn may_host(known: &Known, v: VenueIx, kind: Kind) -> bool {
    known.hosts_ever[v].contains(kind)
}

/// Checks that venue `v` can exist when the record says: in every round of `range`
/// when `every_round` (a record of what happened there each year), else in at least
/// one (a record that something did not happen there, which would be empty before
/// the venue can exist).
pub(super) fn check_venue_exists(
    b: &Builder,
    known: &Known,
    v: VenueIx,
    (first, last): (u32, u32),
    every_round: bool,
    at: &Span,
    ctx: &str,
) -> Result<()> {
    let (from, why) = earliest(known, v);
    let when = if every_round { first } else { last };
    if when < from {
        return Err(b.err(
            at,
            ctx,
            format!(
                "venue `{}` cannot exist before {} ({why}), so nothing can be recorded there in {}",
                known.venues[v].id,
                b.start_year + i64::from(from),
                b.start_year + i64::from(when)
            ),
        ));
    }
    Ok(())
}

/// Checks that `proposal` can be decided in venue `v` at some round of `range`: not
/// before it is introduced, not before the venue can exist, and only in a venue that
/// takes it (a procedural proposal is decided by its parent; a substantive one by a
/// venue that hosts its kind, at the start or after a change).
pub(super) fn check_decidable(
    b: &Builder,
    known: &Known,
    (proposal, v): (ProposalIx, VenueIx),
    range: (u32, u32),
    every_round: bool,
    at: &Span,
    ctx: &str,
) -> Result<()> {
    let p = &known.proposals[proposal];
    let year = |r: u32| b.start_year + i64::from(r);
    if range.0 < p.introduced {
        return Err(b.err(
            at,
            ctx,
            format!(
                "dated {} but proposal `{}` is introduced in {}: a record cannot predate its proposal",
                year(range.0),
                p.id,
                year(p.introduced)
            ),
        ));
    }
    check_venue_exists(b, known, v, range, every_round, at, ctx)?;
    let venue = &known.venues[v].id;
    match &p.procedural {
        Some(pr) if pr.parent != v => Err(b.err(
            at,
            ctx,
            format!(
                "procedural proposal `{}` is decided by its parent venue `{}`, never in `{venue}`",
                p.id, known.venues[pr.parent].id
            ),
        )),
        None if !may_host(known, v, p.kind) => Err(b.err(
            at,
            ctx,
            format!(
                "venue `{venue}` never hosts {} proposals, so `{}` can never be decided there",
                p.kind.as_str(),
                p.id
            ),
        )),
        _ => Ok(()),
    }
}

/// The outcomes a proposal fact may record, for messages.
fn outcome_names() -> Vec<&'static str> {
    ProposalOutcome::ALL.iter().map(|o| o.as_str()).collect()
}

/// Validates every `[[fact]]`; `target_ids` are the ids the targets took (a fact may
/// not reuse one: outputs and `--set fact.ID` name them in one space).
pub(super) fn facts(
    b: &Builder,
    raw: &RawScenario,
    known: &Known,
    target_ids: &[&str],
) -> Result<Vec<FactSpec>> {
    let mut out = Vec::new();
    let mut first: HashMap<String, Span> = HashMap::new();
    let target_ids: HashSet<&str> = target_ids.iter().copied().collect();
    // Each fact is checked on its own: every bad one is reported.
    let mut errors = Errors::default();
    for f in &raw.fact {
        let f = f.get_ref();
        let Some(id) = errors.keep(b.id(&f.id, "fact", "id")) else {
            continue;
        };
        if errors
            .keep(b.claim_id(&mut first, "fact", &id, f.id.span()))
            .is_none()
        {
            continue;
        }
        if target_ids.contains(&id.as_str()) {
            errors.push(b.err(
                &f.id.span(),
                "",
                format!("fact id `{id}` is already a target's id: facts and targets share one set of ids"),
            ));
            continue;
        }
        let ctx = format!("fact \"{id}\"");
        out.extend(errors.keep(fact(b, f, id, &ctx, known)));
    }
    errors.finish()?;
    Ok(out)
}

/// The inclusive round range of `year` or `years = [a, b]` (exactly one), within the
/// scenario; with the span of the key that gave it.
fn range(b: &Builder, f: &RawFact, ctx: &str, rounds: u32) -> Result<((u32, u32), Span)> {
    let round = |y: &S<i64>| round_in_scenario(b, y, rounds, ctx);
    match (&f.year, &f.years) {
        (Some(y), None) => {
            let r = round(y)?;
            Ok(((r, r), y.span()))
        }
        (None, Some(ys)) => {
            let [a, z] = ys.get_ref().as_slice() else {
                return Err(b.err(
                    &ys.span(),
                    ctx,
                    format!(
                        "years must be [first, last] (two years, inclusive), got {} value{}",
                        ys.get_ref().len(),
                        if ys.get_ref().len() == 1 { "" } else { "s" }
                    ),
                ));
            };
            let (ra, rz) = (round(a)?, round(z)?);
            if ra > rz {
                return Err(b.err(
                    &ys.span(),
                    ctx,
                    format!(
                        "years [{}, {}] is reversed: write [first, last], as [{}, {}]",
                        a.get_ref(),
                        z.get_ref(),
                        z.get_ref(),
                        a.get_ref()
                    ),
                ));
            }
            Ok(((ra, rz), ys.span()))
        }
        (Some(_), Some(ys)) => Err(b.err(&ys.span(), ctx, "give `year` or `years`, not both")),
        (None, None) => Err(b.err(
            &f.id.span(),
            ctx,
            "needs `year` (one year) or `years = [first, last]` (an inclusive range)",
        )),
    }
}

fn fact(b: &Builder, f: &RawFact, id: String, ctx: &str, known: &Known) -> Result<FactSpec> {
    let span = |v: &Option<S<String>>| v.as_ref().map(S::span);
    let present = [
        ("proposal", span(&f.proposal)),
        ("venue", span(&f.venue)),
        ("election", span(&f.election)),
        ("candidate", span(&f.candidate)),
        ("members", f.members.as_ref().map(S::span)),
        ("year", f.year.as_ref().map(S::span)),
        ("years", f.years.as_ref().map(S::span)),
        ("outcome", span(&f.outcome)),
    ];
    let source = f
        .source
        .as_ref()
        .map(|s| s.get_ref().clone())
        .unwrap_or_default();
    let missing = |key: &str, what: &str| b.err(&f.id.span(), ctx, format!("{what} needs `{key}`"));

    // An election fact: its year is the election's.
    if let Some(name) = &f.election {
        b.only(
            ctx,
            "an election fact",
            &present,
            &["election", "candidate", "outcome", "year"],
        )?;
        let event = election_ref(b, known, name, ctx)?;
        check_event_year(b, known, event, f.year.as_ref(), &name.span(), ctx)?;
        let Event::Election { venue, candidates } = &known.events[event].event else {
            return Err(b.err(&name.span(), ctx, "not an election event"));
        };
        let outcome = f
            .outcome
            .as_ref()
            .ok_or_else(|| missing("outcome", "an election fact"))?;
        if outcome.get_ref() != "elected" {
            return Err(b.err(
                &outcome.span(),
                ctx,
                format!(
                    "outcome `{}`: an election fact records `elected` (with `candidate`){}",
                    outcome.get_ref(),
                    did_you_mean(outcome.get_ref(), ["elected"])
                ),
            ));
        }
        let c = f
            .candidate
            .as_ref()
            .ok_or_else(|| missing("candidate", "an election fact"))?;
        let ids = candidate_ids(b, candidates);
        let k = candidate_ix(b, &ids, name.get_ref(), c, ctx)?;
        let round = known.events[event].round;
        return Ok(FactSpec {
            id,
            what: FactWhat::Election {
                event,
                venue: *venue,
                candidate: candidates[k],
            },
            first: round,
            last: round,
            source,
        });
    }

    let (rounds, when) = range(b, f, ctx, known.rounds)?;

    // A member-count fact.
    if let Some(m) = &f.members {
        b.only(
            ctx,
            "a member-count fact",
            &present,
            &["venue", "members", "year", "years", "outcome"],
        )?;
        if let Some(o) = &f.outcome
            && o.get_ref() != "members"
        {
            return Err(b.err(
                &o.span(),
                ctx,
                format!(
                    "outcome `{}`: a fact with `members` records the venue's membership; leave `outcome` out (or write \"members\")",
                    o.get_ref()
                ),
            ));
        }
        let v = f
            .venue
            .as_ref()
            .ok_or_else(|| missing("venue", "a member-count fact"))?;
        let venue = b.venue_ref(v, ctx)?;
        check_venue_exists(b, known, venue, rounds, true, &when, ctx)?;
        let members = b.count(m, 0, ctx, "members")?;
        return Ok(FactSpec {
            id,
            what: FactWhat::Members { venue, members },
            first: rounds.0,
            last: rounds.1,
            source,
        });
    }

    // A proposal fact.
    if f.proposal.is_none() && f.venue.is_some() && f.outcome.is_none() {
        return Err(b.err(
            &f.id.span(),
            ctx,
            "a fact on a venue needs `proposal` and `outcome` (a proposal's fate there) or \
             `members` (its membership)",
        ));
    }
    b.only(
        ctx,
        "a proposal fact",
        &present,
        &["proposal", "venue", "year", "years", "outcome"],
    )?;
    let p = f.proposal.as_ref().ok_or_else(|| {
        b.err(
            &f.id.span(),
            ctx,
            "a fact needs `proposal` (with `venue` and `outcome`), `election` (with `candidate`) \
             or `members` (with `venue`)",
        )
    })?;
    let proposal = proposal_ref(b, p, ctx)?;
    let v = f
        .venue
        .as_ref()
        .ok_or_else(|| missing("venue", "a proposal fact"))?;
    let venue = b.venue_ref(v, ctx)?;
    let o = f
        .outcome
        .as_ref()
        .ok_or_else(|| missing("outcome", "a proposal fact"))?;
    let names = outcome_names();
    let outcome = ProposalOutcome::from_name(o.get_ref()).ok_or_else(|| {
        b.err(
            &o.span(),
            ctx,
            format!(
                "unknown outcome `{}`{}; a proposal fact records {}",
                o.get_ref(),
                did_you_mean(o.get_ref(), names.iter().copied()),
                one_of(&names)
            ),
        )
    })?;
    check_decidable(
        b,
        known,
        (proposal, venue),
        rounds,
        outcome.needs_decision(),
        &when,
        ctx,
    )?;
    Ok(FactSpec {
        id,
        what: FactWhat::Proposal {
            proposal,
            venue,
            outcome,
        },
        first: rounds.0,
        last: rounds.1,
        source,
    })
}
