//! Negotiation (ODD §7.6): a proposal moves toward the venue's weighted compromise,
//! but the sponsor's agenda power stops the step where its utility would fall too far.

use super::vote::Electorate;
use crate::model::policy::Pos;
use crate::model::spec::{Stakeholders, StateIx};
use crate::model::world::World;

/// The compromise C: the weighted mean ideal of the electorate (weight × presence) and of
/// the stakeholder actor, whose weight is the venue's stakeholder weight × Σ the states'.
pub fn compromise(world: &World, el: &Electorate, stakeholders: Stakeholders) -> Option<Pos> {
    let (mut m, mut s, mut w) = (0.0, 0.0, 0.0);
    for (k, &i) in el.parts.iter().enumerate() {
        let wi = el.weight[k] * el.presence[k];
        m += wi * world.ideal[i].m;
        s += wi * world.ideal[i].s;
        w += wi;
    }
    if w <= 0.0 {
        return None;
    }
    let ws = stakeholders.weight() * w;
    let sh = world.sc.stakeholder.ideal;
    Some(Pos::new(
        (m + ws * sh.m) / (w + ws),
        (s + ws * sh.s) / (w + ws),
    ))
}

/// One round of negotiation: `q + t λ (C − q)` with the largest `t ≤ 1` at which the
/// sponsor's utility falls by at most `agenda_power × salience`. A chair's text
/// (`sponsor_ideal = None`) has nobody holding it back: `t = 1`.
pub fn step(
    q: Pos,
    c: Pos,
    lambda: f64,
    sponsor_ideal: Option<Pos>,
    agenda_power: f64,
    w_s: f64,
) -> Pos {
    let d = Pos::new(lambda * (c.m - q.m), lambda * (c.s - q.s));
    let Some(sponsor_ideal) = sponsor_ideal else {
        return Pos::new(q.m + d.m, q.s + d.s).clamped();
    };
    // Loss/salience along the step: a t² + b t, with a = |d|²_w, b = 2 (q − θ)·_w d.
    let a = d.m * d.m + w_s * d.s * d.s;
    if a <= 0.0 {
        return q;
    }
    let b = 2.0 * ((q.m - sponsor_ideal.m) * d.m + w_s * (q.s - sponsor_ideal.s) * d.s);
    let t = if a + b <= agenda_power {
        1.0
    } else {
        // Positive root of a t² + b t − agenda_power = 0 (loss is 0 at t = 0).
        ((-b + (b * b + 4.0 * a * agenda_power).sqrt()) / (2.0 * a)).clamp(0.0, 1.0)
    };
    Pos::new(q.m + t * d.m, q.s + t * d.s).clamped()
}

/// The position expected after `rounds` of negotiation with this electorate, without
/// sampling (§7.3 q'_v).
pub fn forecast(
    world: &World,
    el: &Electorate,
    stakeholders: Stakeholders,
    q: Pos,
    sponsor: Option<StateIx>,
    rounds: u32,
) -> Pos {
    let Some(c) = compromise(world, el, stakeholders) else {
        return q;
    };
    let mut q = q;
    for _ in 0..rounds {
        q = step(
            q,
            c,
            world.p.lambda,
            sponsor.map(|s| world.ideal[s]),
            world.p.agenda_power,
            world.p.scope_weight,
        );
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_moves_lambda_of_the_way_when_the_sponsor_loses_little() {
        let q = Pos::new(0.5, 0.5);
        let c = Pos::new(0.6, 0.5);
        let out = step(q, c, 0.3, Some(Pos::new(0.5, 0.5)), 0.05, 1.0);
        assert!((out.m - 0.53).abs() < 1e-12 && (out.s - 0.5).abs() < 1e-12);
    }

    #[test]
    fn agenda_power_bounds_the_sponsors_loss() {
        let theta = Pos::new(0.9, 0.9);
        let q = theta;
        let c = Pos::new(0.1, 0.1);
        let out = step(q, c, 0.3, Some(theta), 0.05, 1.0);
        let loss = theta.dist2(out, 1.0);
        assert!((loss - 0.05).abs() < 1e-9, "{loss}");
        // Moving toward the sponsor is never limited.
        let back = step(Pos::new(0.1, 0.1), theta, 0.3, Some(theta), 0.0, 1.0);
        assert!((back.m - 0.34).abs() < 1e-12);
    }

    #[test]
    fn a_chairs_text_moves_the_whole_step() {
        let out = step(Pos::new(0.9, 0.9), Pos::new(0.1, 0.1), 0.3, None, 0.0, 1.0);
        assert!((out.m - 0.66).abs() < 1e-12 && (out.s - 0.66).abs() < 1e-12);
    }
}
