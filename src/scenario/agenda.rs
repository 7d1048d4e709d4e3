//! Proposals and events: what is tabled, by whom, when, and what changes the world
//! from outside. Both are validated in the index order of the [`Plan`]; events are
//! then sorted by round, stably.

use std::collections::HashMap;

use toml::Spanned as S;

use super::builder::{Builder, Result};
use super::error::{Errors, Span, did_you_mean, one_of};
use super::plan::{Plan, ProposalSrc, event_ctx};
use super::raw::{RawEvent, RawScenario, Short};
use super::venues::{self, ChangeRefs, kinds_text};
use crate::model::{
    Event, EventSpec, Kind, PositionSpec, Procedural, ProceduralAction, ProposalSpec, Target,
    VenueIx, VenueSpec,
};

/// Validates every proposal of the plan, in index order.
pub(super) fn proposals(
    b: &mut Builder,
    plan: &Plan,
    venues: &[VenueSpec],
) -> Result<Vec<ProposalSpec>> {
    // Each proposal is checked on its own: every bad one is reported.
    let mut errors = Errors::default();
    let out: Vec<ProposalSpec> = plan
        .proposals
        .iter()
        .filter_map(|p| errors.keep(proposal(b, p, venues)))
        .collect();
    errors.finish()?;
    let mut errors = Errors::default();
    // A ratifying text adopts another text of its kind; one ratifier per text.
    // (Counted once: a check per text that scanned every text was quadratic.)
    let mut ratifiers = vec![0usize; out.len()];
    for r in out.iter().filter_map(|p| p.ratifies) {
        ratifiers[r] += 1;
    }
    for (i, (src, p)) in plan.proposals.iter().zip(&out).enumerate() {
        let (Some(r), Some(span)) = (p.ratifies, src.raw.ratifies.as_ref()) else {
            continue;
        };
        let ctx = format!("proposal \"{}\"", p.id);
        let other = &out[r];
        let problem = if other.kind != p.kind {
            Some(format!(
                "ratifies `{}`, a {} text, but this one is {}",
                other.id,
                other.kind.as_str(),
                p.kind.as_str()
            ))
        } else if other.ratifies.is_some() {
            Some(format!(
                "ratifies `{}`, which itself ratifies another text",
                other.id
            ))
        } else if r == i {
            Some("a text cannot ratify itself".to_string())
        } else if ratifiers[r] > 1 {
            Some(format!("`{}` is ratified by more than one text", other.id))
        } else {
            None
        };
        if let Some(msg) = problem {
            errors.push(b.err(&span.span(), &ctx, msg));
        }
    }
    errors.finish()?;
    Ok(out)
}

fn proposal(b: &mut Builder, p: &ProposalSrc, venues: &[VenueSpec]) -> Result<ProposalSpec> {
    let raw = p.raw;
    let id = raw.id.get_ref().trim().to_string();
    let ctx = format!("proposal \"{id}\"");
    let kind = venues::kind(b, &raw.kind, &ctx, "kind")?;
    let chair = raw.chair.as_ref().is_some_and(|c| *c.get_ref());
    let sponsor = match (&raw.sponsor, chair) {
        (Some(s), false) => Some(b.state_ref(s, &ctx)?),
        (None, true) => None,
        (Some(s), true) => {
            return Err(b.err(
                &s.span(),
                &ctx,
                "a chair's text (`chair = true`) has no sponsor: drop `sponsor` or `chair`",
            ));
        }
        (None, false) => {
            return Err(b.err(
                &raw.id.span(),
                &ctx,
                "a proposal needs `sponsor` (a state id), or `chair = true` for a chair's text",
            ));
        }
    };
    let cosponsors = match &raw.cosponsors {
        Some(c) => b.state_list(c, &ctx, "cosponsors")?,
        None => Vec::new(),
    };
    if let (Some(c), None) = (&raw.cosponsors, sponsor) {
        return Err(b.err(
            &c.span(),
            &ctx,
            "a chair's text has no co-sponsors: drop `cosponsors`",
        ));
    }
    if let Some(i) = cosponsors.iter().position(|&c| Some(c) == sponsor) {
        let span = raw.cosponsors.as_ref().map(|c| c.get_ref()[i].span());
        let name = raw.sponsor.as_ref().map_or("", |s| s.get_ref().as_str());
        return Err(b.err(
            &span.unwrap_or(raw.id.span()),
            &ctx,
            format!("the sponsor `{name}` cannot also be a cosponsor"),
        ));
    }
    let ratifies = raw
        .ratifies
        .as_ref()
        .map(|r| {
            b.proposal_ix
                .get(r.get_ref().trim())
                .copied()
                .ok_or_else(|| {
                    let hint = did_you_mean(r.get_ref(), b.proposal_ix.keys().map(String::as_str));
                    b.err(
                        &r.span(),
                        &ctx,
                        format!("ratifies: unknown proposal `{}`{hint}", r.get_ref()),
                    )
                })
        })
        .transpose()?;
    let introduced = match (p.event_round, &raw.introduced, &raw.introduced_year) {
        // A ratifying text is introduced when the text it ratifies is adopted.
        (None, None, None) if ratifies.is_some() => 0,
        (Some(_), Some(x), _) | (Some(_), None, Some(x)) => {
            return Err(b.err(
                &x.span(),
                &ctx,
                "a `new_proposal` event's proposal is introduced at the event's round: drop `introduced`/`introduced_year`",
            ));
        }
        (Some(round), None, None) => round,
        (None, Some(r), None) => b.count(r, 0, &ctx, "introduced")?,
        (None, None, Some(y)) => b.year_round(y, &ctx, "introduced_year")?,
        (None, Some(_), Some(y)) => {
            return Err(b.err(
                &y.span(),
                &ctx,
                "give `introduced` (a round) or `introduced_year`, not both",
            ));
        }
        (None, None, None) => {
            return Err(b.err(
                &raw.id.span(),
                &ctx,
                "a proposal needs `introduced` (a round) or `introduced_year`",
            ));
        }
    };
    let max_moves = match &raw.max_moves {
        Some(m) => b.count(m, 1, &ctx, "max_moves")?,
        None => 3,
    };
    let repeat_until = b.round_or_year(
        raw.repeat_until.as_ref(),
        raw.repeat_until_year.as_ref(),
        &ctx,
        "repeat_until",
    )?;
    if let Some(u) = repeat_until
        && u < introduced
    {
        let span = raw
            .repeat_until
            .as_ref()
            .or(raw.repeat_until_year.as_ref())
            .map_or(raw.id.span(), S::span);
        return Err(b.err(
            &span,
            &ctx,
            "repeat_until is before the proposal is introduced: it would never recur",
        ));
    }

    if kind != Kind::Procedural {
        let procedural_only = [
            ("parent", raw.parent.as_ref().map(S::span)),
            ("create", raw.create.as_ref().map(S::span)),
            ("change", raw.change.as_ref().map(S::span)),
            ("replaces", raw.replaces.as_ref().map(S::span)),
        ];
        if let Some((key, Some(span))) = procedural_only.iter().find(|(_, s)| s.is_some()) {
            return Err(b.err(
                span,
                &ctx,
                format!(
                    "only procedural proposals take `{key}` (this one's kind is `{}`)",
                    kind.as_str()
                ),
            ));
        }
        let venue = match &raw.venue {
            Some(v) => {
                let ix = b.venue_ref(v, &ctx)?;
                if !venues[ix].hosts.contains(kind) {
                    return Err(b.err(
                        &v.span(),
                        &ctx,
                        format!(
                            "venue `{}` does not host {} proposals (it hosts {})",
                            v.get_ref(),
                            kind.as_str(),
                            kinds_text(venues[ix].hosts)
                        ),
                    ));
                }
                Some(ix)
            }
            None => None,
        };
        let position = raw
            .position
            .as_ref()
            .map(|v| b.position(v, &ctx))
            .transpose()?
            .unwrap_or(if chair {
                PositionSpec::Compromise
            } else {
                PositionSpec::SponsorIdeal
            });
        if chair && venue.is_none() {
            return Err(b.err(
                &raw.id.span(),
                &ctx,
                "a chair's text belongs to one venue: give `venue`",
            ));
        }
        if let Some(r) = &raw.ratifies {
            let problem = if venue.is_none() {
                Some("a ratifying text is voted in one venue: give `venue`".to_string())
            } else if repeat_until.is_some() {
                Some("a ratifying text does not recur: drop `repeat_until`".to_string())
            } else if raw.introduced.is_some() || raw.introduced_year.is_some() {
                Some("a ratifying text is introduced when the text it ratifies is adopted: drop `introduced`/`introduced_year`".to_string())
            } else if raw.position.is_some() {
                Some("a ratifying text stands at the text it ratifies: drop `position`".to_string())
            } else {
                None
            };
            if let Some(msg) = problem {
                return Err(b.err(&r.span(), &ctx, msg));
            }
        }
        if position == PositionSpec::Compromise && venue.is_none() {
            let span = raw.position.as_ref().map_or(raw.id.span(), S::span);
            return Err(b.err(
                &span,
                &ctx,
                "position \"compromise\" is the compromise of a venue's room: give `venue`",
            ));
        }
        return Ok(ProposalSpec {
            id,
            kind,
            sponsor,
            cosponsors,
            position,
            repeat_until,
            ratifies,
            introduced,
            venue,
            max_moves,
            procedural: None,
        });
    }

    // Procedural: decided in `parent`, by the content of `create` or `change`.
    if let Some(v) = &raw.venue {
        return Err(b.err(
            &v.span(),
            &ctx,
            "a procedural proposal is tabled in its `parent`: drop `venue`",
        ));
    }
    if let Some(pos) = &raw.position {
        return Err(b.err(
            &pos.span(),
            &ctx,
            "a procedural proposal has no position of its own (a `create` takes its mandate's): drop `position`",
        ));
    }
    if chair {
        return Err(b.err(
            &raw.id.span(),
            &ctx,
            "a procedural proposal needs a sponsor: a chair's text is substantive",
        ));
    }
    if let Some(r) = &raw.ratifies {
        return Err(b.err(
            &r.span(),
            &ctx,
            "only substantive texts ratify another's adopted text",
        ));
    }
    let Some(parent_name) = &raw.parent else {
        return Err(b.err(
            &raw.kind.span(),
            &ctx,
            "a procedural proposal needs `parent`, the venue that votes on it (e.g. \"unga\")",
        ));
    };
    let parent = b.venue_ref(parent_name, &ctx)?;
    let action = match (&raw.create, &raw.change) {
        (Some(_), Some(ch)) => {
            return Err(b.err(&ch.span(), &ctx, "a procedural proposal takes `create` (a new venue) or `change` (a change to a venue), not both"));
        }
        (None, None) => {
            return Err(b.err(
                &raw.kind.span(),
                &ctx,
                "a procedural proposal needs `create` (a new venue) or `change` (a change to an existing venue)",
            ));
        }
        (Some(c), None) => {
            let venue = b.venue_ref(&c.get_ref().id, &ctx)?;
            if venue == parent {
                return Err(b.err(
                    &parent_name.span(),
                    &ctx,
                    "a venue cannot be created by a vote in itself",
                ));
            }
            let Some(mandate) = &c.get_ref().mandate else {
                return Err(b.err(
                    &c.span(),
                    &ctx,
                    "create needs a `mandate = { kind = \"norms\", position = [m, s] }`",
                ));
            };
            let m = mandate.get_ref();
            let mandate_kind = venues::kind(b, &m.kind, &ctx, "mandate kind")?;
            if !mandate_kind.is_substantive() {
                return Err(b.err(
                    &m.kind.span(),
                    &ctx,
                    "a mandate is substantive: its kind is norms, cybercrime or standards",
                ));
            }
            if !venues[venue].hosts.contains(mandate_kind) {
                return Err(b.err(
                    &m.kind.span(),
                    &ctx,
                    format!(
                        "the mandate is on {} but venue `{}` does not host it (it hosts {})",
                        mandate_kind.as_str(),
                        venues[venue].id,
                        kinds_text(venues[venue].hosts)
                    ),
                ));
            }
            let mandate_position = m
                .position
                .as_ref()
                .map(|v| b.position(v, &ctx))
                .transpose()?
                .unwrap_or(PositionSpec::SponsorIdeal);
            if mandate_position == PositionSpec::Compromise {
                return Err(b.err(
                    &m.kind.span(),
                    &ctx,
                    "a mandate's position is [m, s], \"sponsor_ideal\" or { rule_of = [...] }: a new venue has no room yet to draft a compromise in",
                ));
            }
            ProceduralAction::Create {
                venue,
                mandate_kind,
                mandate_position,
                table_mandate: m.table.as_ref().is_none_or(|t| *t.get_ref()),
            }
        }
        (None, Some(ch)) => {
            let c = ch.get_ref();
            let venue = b.venue_ref(&c.venue, &ctx)?;
            let refs = ChangeRefs {
                membership: c.membership.as_ref(),
                decision: c.decision.as_ref(),
                stakeholders: c.stakeholders.as_ref(),
                transparency: c.transparency.as_ref(),
                privilege: c.privilege.as_ref(),
                hosts: c.hosts.as_ref(),
            };
            let change = venues::change(b, &refs, &ctx, &ch.span())?;
            let openness = change.transparency.is_some() || change.stakeholders.is_some();
            if openness && !change.is_openness_only() {
                // Openness changes are voted on openness, the others on expected rules
                // (ODD §7.8): one proposal cannot be both.
                return Err(b.err(
                    &ch.span(),
                    &ctx,
                    "a change alters openness (transparency, stakeholders) or membership, decision, privilege and hosts, never both: split it into two proposals",
                ));
            }
            ProceduralAction::Change { venue, change }
        }
    };
    let mut replaces: Vec<VenueIx> = Vec::new();
    if let Some(list) = &raw.replaces {
        let ProceduralAction::Create {
            venue: created,
            mandate_kind,
            ..
        } = &action
        else {
            return Err(b.err(&list.span(), &ctx, "`replaces` goes with a `create`: the replaced venues stop hosting the new venue's mandate kind"));
        };
        for name in list.get_ref() {
            let ix = b.venue_ref(name, &ctx)?;
            if ix == *created {
                return Err(b.err(&name.span(), &ctx, "a venue cannot replace itself"));
            }
            if replaces.contains(&ix) {
                return Err(b.err(
                    &name.span(),
                    &ctx,
                    format!("replaces names venue `{}` twice", name.get_ref()),
                ));
            }
            if !venues[ix].hosts.contains(*mandate_kind) {
                return Err(b.err(
                    &name.span(),
                    &ctx,
                    format!(
                        "venue `{}` does not host {}, so it cannot be replaced for it",
                        name.get_ref(),
                        mandate_kind.as_str()
                    ),
                ));
            }
            replaces.push(ix);
        }
    }
    Ok(ProposalSpec {
        id,
        kind,
        sponsor,
        cosponsors,
        position: PositionSpec::SponsorIdeal,
        repeat_until,
        ratifies: None,
        introduced,
        venue: None,
        max_moves,
        procedural: Some(Procedural {
            parent,
            action,
            replaces,
        }),
    })
}

const EVENT_TYPES: [&str; 8] = [
    "legitimacy_shock",
    "ideal_shift",
    "venue_change",
    "new_venue",
    "new_proposal",
    "membership",
    "tag",
    "election",
];

/// Validates the events; `new_proposal` events became proposals in the [`Plan`].
pub(super) fn events(b: &mut Builder, plan: &Plan, raw: &RawScenario) -> Result<Vec<EventSpec>> {
    let mut out = Vec::new();
    let mut ids: HashMap<String, Span> = HashMap::new();
    // Each event is checked on its own: every bad one is reported.
    let mut errors = Errors::default();
    for (n, (e, &round)) in raw.event.iter().zip(&plan.event_rounds).enumerate() {
        let e = e.get_ref();
        let ctx = event_ctx(e, n);
        let label = match &e.id {
            Some(id) => {
                let claimed = b.id(id, &ctx, "id").and_then(|id_text| {
                    b.claim_id(&mut ids, "event", &id_text, id.span())?;
                    Ok(id_text)
                });
                match errors.keep(claimed) {
                    Some(id_text) => id_text,
                    None => continue,
                }
            }
            None => format!("event-{}", n + 1),
        };
        if let Some(Some(event)) = errors.keep(event(b, e, &ctx)) {
            out.push(EventSpec {
                round,
                event,
                label,
            });
        }
    }
    errors.finish()?;
    out.sort_by_key(|e| e.round);
    Ok(out)
}

fn event(b: &mut Builder, e: &RawEvent, ctx: &str) -> Result<Option<Event>> {
    let kind = e.kind.get_ref().as_str();
    let (allowed, required): (&[&str], &[&str]) = match kind {
        "legitimacy_shock" => (&["state", "delta"], &["state", "delta"]),
        "ideal_shift" => (&["state", "bloc", "dm", "ds"], &[]),
        "venue_change" => (
            &[
                "venue",
                "membership",
                "decision",
                "stakeholders",
                "transparency",
                "privilege",
                "hosts",
            ],
            &["venue"],
        ),
        "new_venue" => (&["venue"], &["venue"]),
        "new_proposal" => (&["proposal"], &["proposal"]),
        "membership" => (
            &["venue", "action", "states"],
            &["venue", "action", "states"],
        ),
        "tag" => (&["state", "tag", "action"], &["state", "tag", "action"]),
        "election" => (&["venue", "candidates"], &["venue", "candidates"]),
        _ => {
            let hint = did_you_mean(kind, EVENT_TYPES);
            return Err(b.err(
                &e.kind.span(),
                ctx,
                format!(
                    "unknown event type `{kind}`{hint} (types: {})",
                    one_of(&EVENT_TYPES)
                ),
            ));
        }
    };
    let present = [
        ("state", e.state.as_ref().map(S::span)),
        ("bloc", e.bloc.as_ref().map(S::span)),
        ("delta", e.delta.as_ref().map(S::span)),
        ("dm", e.dm.as_ref().map(S::span)),
        ("ds", e.ds.as_ref().map(S::span)),
        ("venue", e.venue.as_ref().map(S::span)),
        ("membership", e.membership.as_ref().map(S::span)),
        ("decision", e.decision.as_ref().map(S::span)),
        ("stakeholders", e.stakeholders.as_ref().map(S::span)),
        ("transparency", e.transparency.as_ref().map(S::span)),
        ("privilege", e.privilege.as_ref().map(S::span)),
        ("hosts", e.hosts.as_ref().map(S::span)),
        ("proposal", e.proposal.as_ref().map(S::span)),
        ("action", e.action.as_ref().map(S::span)),
        ("states", e.states.as_ref().map(S::span)),
        ("tag", e.tag.as_ref().map(S::span)),
        ("candidates", e.candidates.as_ref().map(S::span)),
    ];
    b.only(ctx, &format!("a `{kind}` event"), &present, allowed)?;
    for key in required {
        if present.iter().any(|(k, s)| k == key && s.is_none()) {
            return Err(b.err(
                &e.kind.span(),
                ctx,
                format!("a `{kind}` event needs `{key}`"),
            ));
        }
    }
    // The required keys are present from here on; each `let … else` below only
    // restates that for the compiler.
    let missing = |key: &str| {
        b.err(
            &e.kind.span(),
            ctx,
            format!("a `{kind}` event needs `{key}`"),
        )
    };
    let venue_id = |b: &Builder| -> Result<VenueIx> {
        let v = e.venue.as_ref().ok_or_else(|| missing("venue"))?;
        match v.get_ref() {
            Short::Name(n) => b.venue_ref(&S::new(v.span(), n.clone()), ctx),
            _ => Err(b.err(&v.span(), ctx, format!("`venue` must be a venue id in a `{kind}` event (only `new_venue` takes a venue table)"))),
        }
    };
    let shift = |v: &Option<S<f64>>, key: &str| {
        v.as_ref()
            .map(|v| b.range(v, -1.0, 1.0, ctx, key))
            .transpose()
    };
    Ok(Some(match kind {
        "legitimacy_shock" => {
            let (Some(s), Some(d)) = (&e.state, &e.delta) else {
                return Err(missing("delta"));
            };
            Event::LegitimacyShock {
                state: b.state_ref(s, ctx)?,
                delta: b.range(d, -1.0, 1.0, ctx, "delta")?,
            }
        }
        "ideal_shift" => {
            let target = match (&e.state, &e.bloc) {
                (Some(s), None) => Target::State(b.state_ref(s, ctx)?),
                (None, Some(x)) => Target::Bloc(b.bloc_ref(x, ctx)?),
                (Some(_), Some(x)) => {
                    return Err(b.err(
                        &x.span(),
                        ctx,
                        "an `ideal_shift` event shifts a `state` or a `bloc`, not both",
                    ));
                }
                (None, None) => {
                    return Err(b.err(
                        &e.kind.span(),
                        ctx,
                        "an `ideal_shift` event needs `state` or `bloc`",
                    ));
                }
            };
            let (dm, ds) = (shift(&e.dm, "dm")?, shift(&e.ds, "ds")?);
            if dm.is_none() && ds.is_none() {
                return Err(b.err(
                    &e.kind.span(),
                    ctx,
                    "an `ideal_shift` event needs `dm`, `ds` or both",
                ));
            }
            Event::IdealShift {
                target,
                dm: dm.unwrap_or(0.0),
                ds: ds.unwrap_or(0.0),
            }
        }
        "venue_change" => {
            let venue = venue_id(b)?;
            let refs = ChangeRefs {
                membership: e.membership.as_ref(),
                decision: e.decision.as_ref(),
                stakeholders: e.stakeholders.as_ref(),
                transparency: e.transparency.as_ref(),
                privilege: e.privilege.as_ref(),
                hosts: e.hosts.as_ref(),
            };
            Event::VenueChange {
                venue,
                change: venues::change(b, &refs, ctx, &e.kind.span())?,
            }
        }
        "new_venue" => {
            let Some(v) = &e.venue else {
                return Err(missing("venue"));
            };
            let Short::Full(table) = v.get_ref() else {
                return Err(b.err(&v.span(), ctx, "a `new_venue` event needs a venue table: venue = { id = \"…\", membership = …, … }"));
            };
            Event::NewVenue {
                venue: b.venue_ref(&table.id, ctx)?,
            }
        }
        // Became a proposal with `introduced` = this round (see `Plan`).
        "new_proposal" => return Ok(None),
        "membership" => {
            let (Some(action), Some(states)) = (&e.action, &e.states) else {
                return Err(missing("states"));
            };
            let join = match action.get_ref().as_str() {
                "join" => true,
                "leave" => false,
                other => {
                    let hint = did_you_mean(other, ["join", "leave"]);
                    return Err(b.err(
                        &action.span(),
                        ctx,
                        format!("action must be `join` or `leave`, got `{other}`{hint}"),
                    ));
                }
            };
            if states.get_ref().is_empty() {
                return Err(b.err(&states.span(), ctx, "states must name at least one state"));
            }
            Event::Membership {
                venue: venue_id(b)?,
                join,
                states: b.state_list(states, ctx, "states")?,
            }
        }
        "tag" => {
            let (Some(state), Some(tag), Some(action)) = (&e.state, &e.tag, &e.action) else {
                return Err(missing("tag"));
            };
            let add = match action.get_ref().as_str() {
                "add" => true,
                "remove" => false,
                other => {
                    let hint = did_you_mean(other, ["add", "remove"]);
                    return Err(b.err(
                        &action.span(),
                        ctx,
                        format!("action must be `add` or `remove`, got `{other}`{hint}"),
                    ));
                }
            };
            let state = b.state_ref(state, ctx)?;
            let ix = b.intern(tag.get_ref());
            b.event_tag_refs.push((ix, tag.span(), add));
            Event::Tag {
                state,
                tag: ix,
                add,
            }
        }
        _ => {
            let Some(c) = &e.candidates else {
                return Err(missing("candidates"));
            };
            let candidates = b.state_list(c, ctx, "candidates")?;
            if candidates.len() < 2 {
                return Err(b.err(&c.span(), ctx, "an election needs at least two candidates"));
            }
            Event::Election {
                venue: venue_id(b)?,
                candidates,
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_is_listed_once() {
        let mut t = EVENT_TYPES.to_vec();
        t.sort_unstable();
        t.dedup();
        assert_eq!(t.len(), EVENT_TYPES.len());
    }
}
