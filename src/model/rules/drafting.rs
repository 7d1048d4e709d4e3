//! Drafting (ODD 7.3): where a proposal's text stands when it is introduced and when it
//! is tabled. A sponsor drafts at its own ideal unless the scenario gives the text; a
//! resolution that endorses other venues' work restates their texts as they stand
//! then; a chair drafts at the compromise of the room.

use super::negotiation;
use super::vote::Electorate;
use crate::model::policy::Pos;
use crate::model::spec::{PositionSpec, ProposalIx, VenueIx};
use crate::model::world::World;

/// The text of proposal `p` when it is introduced (it starts waiting): the given point,
/// the sponsor's ideal, or the mean of the named venues' rules for its kind. A chair's
/// text keeps its position until it is tabled ([`chair_text`]).
pub fn introduced(world: &World, p: ProposalIx) -> Pos {
    let pr = &world.proposals[p];
    let own = pr.sponsor.map_or(pr.pos, |s| world.ideal[s]);
    match &pr.place {
        PositionSpec::Given(q) => *q,
        PositionSpec::SponsorIdeal => own,
        PositionSpec::Compromise => pr.pos,
        PositionSpec::RuleOf(venues) => endorsed(world, venues, pr.subject_kind()).unwrap_or(own),
    }
}

/// The mean of the rules for `kind` of those `venues` that have existed (a dissolved
/// venue keeps its texts); `None` when none of them has a rule for it.
fn endorsed(world: &World, venues: &[VenueIx], kind: crate::model::Kind) -> Option<Pos> {
    let (mut m, mut s, mut n) = (0.0, 0.0, 0.0);
    for &v in venues {
        let venue = &world.venues[v];
        if let Some(r) = venue
            .rule(kind)
            .filter(|_| venue.existed && !venue.blank[kind.index()])
        {
            m += r.pos.m;
            s += r.pos.s;
            n += 1.0;
        }
    }
    (n > 0.0).then(|| Pos::new(m / n, s / n))
}

/// A chair's text for venue `v`: the compromise of the members it must carry, with
/// their expected presence. Where the venue counts heads (a vote, or consensus failing
/// which a vote) every delegation weighs the same, as it will in the vote; where it
/// decides by consensus the chair drafts where negotiation would lead (effective
/// weights, and the stakeholders'). `None` when nobody is expected to take part.
pub fn chair_text(world: &World, v: VenueIx) -> Option<Pos> {
    chair_text_into(world, v, &mut Electorate::default())
}

/// [`chair_text`] with the members' electorate built in `el`, a reused buffer.
pub fn chair_text_into(world: &World, v: VenueIx, el: &mut Electorate) -> Option<Pos> {
    Electorate::forecast_into(world, v, el);
    let venue = &world.venues[v];
    if venue.counts_heads() {
        el.weight.iter_mut().for_each(|w| *w = 1.0);
    }
    negotiation::compromise(world, el, venue.stakeholders)
}
