//! The [`Plan`]: every venue and proposal in index order, numbered before any of
//! them is validated so that a reference may point forward (any reference may name a
//! venue that a proposal creates or an event brings in), and the round of every
//! event.
//!
//! Index order: venues are the `[[venue]]` tables, then the venues of procedural
//! proposals' `create` (in proposal order), then `new_venue` events' venues (in file
//! order). Proposals are the `[[proposal]]` tables, then `new_proposal` events'
//! proposals (in file order).

use std::collections::HashMap;

use super::builder::{Builder, Result};
use super::error::Span;
use super::raw::{RawEvent, RawProposal, RawScenario, RawVenue, Short};
use crate::model::Origin;

/// A venue to validate and how it comes into being.
pub(super) struct VenueSrc<'r> {
    pub raw: &'r RawVenue,
    pub origin: Origin,
}

/// A proposal to validate; `event_round` is set for `new_proposal` events.
pub(super) struct ProposalSrc<'r> {
    pub raw: &'r RawProposal,
    pub event_round: Option<u32>,
}

/// Every venue and proposal in index order, and every event's round.
pub(super) struct Plan<'r> {
    pub venues: Vec<VenueSrc<'r>>,
    pub proposals: Vec<ProposalSrc<'r>>,
    /// Round of each `[[event]]`, in file order.
    pub event_rounds: Vec<u32>,
}

/// `event "id"`, or `event #n` (1-based, file order) for events without an id.
pub(super) fn event_ctx(e: &RawEvent, n: usize) -> String {
    match &e.id {
        Some(id) => format!("event \"{}\"", id.get_ref()),
        None => format!("event #{}", n + 1),
    }
}

impl<'r> Plan<'r> {
    pub fn new(b: &mut Builder, raw: &'r RawScenario) -> Result<Self> {
        let mut event_rounds = Vec::with_capacity(raw.event.len());
        for (n, e) in raw.event.iter().enumerate() {
            let e = e.get_ref();
            let ctx = event_ctx(e, n);
            let round = match (&e.round, &e.year) {
                (Some(r), None) => b.count(r, 0, &ctx, "round")?,
                (None, Some(y)) => b.year_round(y, &ctx, "year")?,
                (Some(_), Some(y)) => {
                    return Err(b.err(&y.span(), &ctx, "give `round` or `year`, not both"));
                }
                (None, None) => {
                    return Err(b.err(&e.kind.span(), &ctx, "an event needs `round` or `year`"));
                }
            };
            event_rounds.push(round);
        }

        let mut proposals: Vec<ProposalSrc> = raw
            .proposal
            .iter()
            .map(|p| ProposalSrc {
                raw: p.get_ref(),
                event_round: None,
            })
            .collect();
        for (e, &round) in raw.event.iter().zip(&event_rounds) {
            let e = e.get_ref();
            if let (Some(p), "new_proposal") = (&e.proposal, e.kind.get_ref().as_str()) {
                proposals.push(ProposalSrc {
                    raw: p.get_ref(),
                    event_round: Some(round),
                });
            }
        }

        let mut venues: Vec<VenueSrc> = raw
            .venue
            .iter()
            .map(|v| VenueSrc {
                raw: v.get_ref(),
                origin: Origin::Initial,
            })
            .collect();
        for (ix, p) in proposals.iter().enumerate() {
            if let Some(c) = &p.raw.create {
                venues.push(VenueSrc {
                    raw: c.get_ref(),
                    origin: Origin::Proposal { proposal: ix },
                });
            }
        }
        for (e, &round) in raw.event.iter().zip(&event_rounds) {
            let e = e.get_ref();
            if let (Some(v), "new_venue") = (&e.venue, e.kind.get_ref().as_str())
                && let Short::Full(v) = v.get_ref()
            {
                venues.push(VenueSrc {
                    raw: v,
                    origin: Origin::Event { round },
                });
            }
        }

        let mut first: HashMap<String, Span> = HashMap::new();
        for (ix, v) in venues.iter().enumerate() {
            let id = b.id(&v.raw.id, "venue", "id")?;
            b.claim_id(&mut first, "venue", &id, v.raw.id.span())?;
            b.venue_ix.insert(id, ix);
        }
        first.clear();
        for (ix, p) in proposals.iter().enumerate() {
            let id = b.id(&p.raw.id, "proposal", "id")?;
            b.claim_id(&mut first, "proposal", &id, p.raw.id.span())?;
            b.proposal_ix.insert(id, ix);
        }
        Ok(Plan {
            venues,
            proposals,
            event_rounds,
        })
    }
}
