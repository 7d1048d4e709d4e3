//! Observation (ODD §8): the per-round global metrics, venue rows and rule rows.

use super::record::{RoundRow, RuleRow, VenueRow};
use crate::model::policy::Pos;
use crate::model::world::World;

/// Reach-weighted indices over the (reach, rule) of every (active venue, hosted
/// substantive kind) pair: (AMI, scope index, fragmentation). With no reach at all:
/// (NaN, NaN, 0).
pub fn indices(pairs: &[(f64, Pos)]) -> (f64, f64, f64) {
    let total: f64 = pairs.iter().map(|p| p.0).sum();
    if total <= 0.0 {
        return (f64::NAN, f64::NAN, 0.0);
    }
    let ami = pairs.iter().map(|(r, x)| r * x.m).sum::<f64>() / total;
    let scope = pairs.iter().map(|(r, x)| r * x.s).sum::<f64>() / total;
    let frag = 1.0 - pairs.iter().map(|(r, _)| (r / total).powi(2)).sum::<f64>();
    (ami, scope, frag)
}

/// Appends the venue and rule rows of the end of this round, and fills `pairs` with the
/// (reach, rule) of every hosted substantive kind — a kind without a rule counts with
/// the legacy rule (§8) — so the indices reuse each reach instead of recomputing it.
pub fn venues(
    w: &World,
    venue_rows: &mut Vec<VenueRow>,
    rule_rows: &mut Vec<RuleRow>,
    pairs: &mut Vec<(f64, Pos)>,
) {
    pairs.clear();
    for (v, venue) in w.venues.iter().enumerate() {
        if !venue.active {
            continue;
        }
        let n = venue.members.len();
        let (mut regime, mut auto) = (0.0, 0usize);
        for &i in &venue.members {
            let r = w.sc.states[i].regime;
            regime += r;
            auto += (r < 0.5) as usize;
        }
        let (mean_regime, share) = if n == 0 {
            (f64::NAN, f64::NAN)
        } else {
            (regime / n as f64, auto as f64 / n as f64)
        };
        venue_rows.push(VenueRow {
            round: w.round,
            venue: v as u32,
            members: n as u32,
            mean_regime,
            share_autocratic: share,
            stakeholder_weight: venue.stakeholders.weight(),
            transparency: venue.transparency,
            privilege: venue.privilege,
            agenda: venue.agenda.len() as u32,
            adoptions: venue.adoptions,
        });
        for k in venue.hosts.substantive() {
            let reach = w.reach(v, k);
            let rule = venue.rule(k);
            pairs.push((reach, rule.map_or(w.sc.legacy, |r| r.pos)));
            if let Some(rule) = rule {
                rule_rows.push(RuleRow {
                    round: w.round,
                    venue: v as u32,
                    kind: k,
                    rule: rule.pos,
                    camp: rule.camp,
                    reach,
                });
            }
        }
    }
}

/// The round row, given this round's counts and (reach, rule) pairs.
pub fn round_row(w: &World, counts: &Counts, pairs: &[(f64, Pos)]) -> RoundRow {
    let (ami, scope_index, fragmentation) = indices(pairs);
    let pending = w
        .proposals
        .iter()
        .filter(|p| {
            matches!(
                p.status,
                crate::model::world::Status::Waiting | crate::model::world::Status::Agenda { .. }
            )
        })
        .count() as u32;
    RoundRow {
        round: w.round,
        year: w.sc.year(w.round),
        ami,
        scope_index,
        fragmentation,
        venues_active: w.venues.iter().filter(|v| v.active).count() as u32,
        venues_created: w.venues_created,
        moves: counts.moves,
        adopted: counts.adopted,
        failed: counts.failed,
        abandoned: counts.abandoned,
        pending,
    }
}

/// What happened during one round, for the round row.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub moves: u32,
    pub adopted: u32,
    pub failed: u32,
    pub abandoned: u32,
}
