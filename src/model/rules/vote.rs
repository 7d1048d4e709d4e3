//! Votes (ODD §7.8): what each voter gains from a proposal, how blocs and
//! stigma pull on it, the sampled vote, the decision rules, and the analytic pass
//! probability that forecasts (§7.3) use instead of sampling.

use crate::model::outcome::{How, Vote};
use crate::model::policy::{Camp, Kind, Pos};
use crate::model::rng::SimRng;
use crate::model::spec::{Decision, ProceduralAction, Reach, Stakeholders, StateIx, VenueIx};
use crate::model::stats::{PhiTable, prob_positive, std_normal, uniform};
use crate::model::world::{ProposalState, Status, World};

/// Who votes in a decision: participants in index order, each with an effective weight
/// and a probability of being present (0/1 for a real vote, a probability in forecasts).
#[derive(Debug, Clone, Default)]
pub struct Electorate {
    pub parts: Vec<StateIx>,
    pub weight: Vec<f64>,
    pub presence: Vec<f64>,
}

impl Electorate {
    /// Forecast electorate of venue `v`: every participant, plus `extra` (a sponsor who
    /// would join by tabling), with presence probabilities from last round's attention.
    pub fn forecast(world: &World, v: VenueIx, extra: Option<StateIx>) -> Electorate {
        let venue = &world.venues[v];
        let mut parts = venue.members.clone();
        if let Some(e) = extra
            && let Err(pos) = parts.binary_search(&e)
        {
            parts.insert(pos, e);
        }
        Self::forecast_of(world, v, parts)
    }

    /// [`Electorate::forecast`] without an extra participant, into a reused buffer.
    pub fn forecast_into(world: &World, v: VenueIx, out: &mut Electorate) {
        out.parts.clone_from(&world.venues[v].members);
        out.reweigh(world, v);
    }

    /// Forecast electorate made of `parts`, weighted as in venue `v`.
    pub fn forecast_of(world: &World, v: VenueIx, parts: Vec<StateIx>) -> Electorate {
        let mut el = Electorate {
            parts,
            ..Electorate::default()
        };
        el.reweigh(world, v);
        el
    }

    /// The forecast weights and presences of the participants in `parts`, as in venue
    /// `v` (the one place a forecast electorate is weighted).
    pub fn reweigh(&mut self, world: &World, v: VenueIx) {
        self.weight.clear();
        self.presence.clear();
        world.weights_into(v, &self.parts, &mut self.weight, &mut self.presence);
    }

    /// The participants of `v` actually present this round (absences drawn in step 5).
    pub fn present(world: &World, v: VenueIx) -> Electorate {
        let mut el = Electorate::default();
        Electorate::present_into(world, v, &mut el);
        el
    }

    /// [`Electorate::present`] into a reused electorate (the engine builds one for
    /// every negotiated item and every venue that decides, each round).
    pub fn present_into(world: &World, v: VenueIx, el: &mut Electorate) {
        let venue = &world.venues[v];
        el.parts.clear();
        el.parts
            .extend(venue.members.iter().copied().filter(|&i| !venue.absent[i]));
        el.weight.clear();
        el.weight
            .extend(el.parts.iter().map(|&i| world.eff_weight(i, v)));
        el.presence.clear();
        el.presence.resize(el.parts.len(), 1.0);
    }

    /// An empty electorate with room for `n` participants.
    pub fn with_room(n: usize) -> Self {
        let mut el = Electorate::default();
        el.reserve(n);
        el
    }

    /// Makes room for `n` participants in each list (one allocation at most, none
    /// once there is room), so that a reused electorate never grows by doubling.
    pub fn reserve(&mut self, n: usize) {
        self.parts.reserve(n.saturating_sub(self.parts.len()));
        self.weight.reserve(n.saturating_sub(self.weight.len()));
        self.presence.reserve(n.saturating_sub(self.presence.len()));
    }

    /// Σ weight × presence: the expected weight present.
    pub fn expected_weight(&self) -> f64 {
        self.weight
            .iter()
            .zip(&self.presence)
            .map(|(w, p)| w * p)
            .sum()
    }
}

/// The sponsor side of a proposal: who votes yes unconditionally, whose legitimacy
/// sets the stigma, whose blocs are exempt from it. It borrows the proposal's
/// co-sponsor list rather than copying it: thousands are made per run (one per
/// forecast and vote), and none allocates.
#[derive(Debug, Clone, Copy)]
pub struct Sponsors<'a> {
    /// The sponsor's own state index (its blocs are exempt from stigma); `None` for a
    /// chair's text, reforms and admissions.
    pub sponsor: Option<StateIx>,
    pub cosponsors: &'a [StateIx],
    /// Lowest legitimacy among sponsor and co-sponsors.
    pub legitimacy: f64,
}

impl<'a> Sponsors<'a> {
    /// The sponsor side of a proposal; a chair's text (`sponsor = None`) has its
    /// co-sponsors only (none, as scenarios are validated), and nobody's blocs exempt.
    pub fn of(world: &World, sponsor: Option<StateIx>, cosponsors: &'a [StateIx]) -> Sponsors<'a> {
        let legitimacy = sponsor
            .iter()
            .chain(cosponsors)
            .map(|&i| world.legitimacy[i])
            .fold(1.0, f64::min);
        Sponsors {
            sponsor,
            cosponsors,
            legitimacy,
        }
    }
    /// Whether `i` is the sponsor or a co-sponsor.
    pub fn contains(&self, i: StateIx) -> bool {
        self.sponsor == Some(i) || self.cosponsors.contains(&i)
    }
    /// Nobody sponsors (reforms, admissions).
    pub fn none() -> Sponsors<'static> {
        Sponsors {
            sponsor: None,
            cosponsors: &[],
            legitimacy: 1.0,
        }
    }
}

/// What a vote is about, from which each voter's raw gain Δ^raw is computed.
#[derive(Debug, Clone)]
pub enum Subject {
    /// A rule at `q` replacing `reference` (substantive proposals; mandates, §7.8).
    Rule { q: Pos, reference: Pos },
    /// A resolution creating a venue for `kind` with mandate `q` (§7.8), sponsored by
    /// `camp`: each voter weighs the mandate against the rule in force `reference`
    /// (§7.8), less `treaty_loyalty` if the new venue is `binding` and the voter is
    /// bound by a rival binding venue's rule (departures 31, 52), less `rival_cost` if
    /// it sponsors a rival text (departure 53). `reference` is
    /// [`World::rule_in_force`] when the subject is made, computed once rather than once
    /// per voter (it sums every venue's membership; nothing it reads changes during one
    /// vote or forecast); `rivals` says whether any rival text is before the states, so
    /// that voters are looked up only then.
    Create {
        q: Pos,
        kind: Kind,
        camp: Camp,
        reference: Pos,
        binding: bool,
        rivals: bool,
    },
    /// A change of a venue's membership or decision rule: the expected utility of its
    /// agenda after minus before (§7.8). Items: (P before, q' before, P after, q' after, rule).
    Agenda {
        items: Vec<(f64, Pos, f64, Pos, Pos)>,
    },
    /// A change of openness, voted on openness alone (§7.7, §7.8): `(1 - θm - transparency) × dir`.
    Openness { transparency: f64, dir: f64 },
}

/// Voter `i`'s raw gain Δ^raw from `subject`; `framed` applies the framing of §7.8.
pub fn raw_delta(world: &World, i: StateIx, subject: &Subject, framed: bool) -> f64 {
    match subject {
        Subject::Rule { q, reference } => {
            let seen = if framed { world.framed(i, *q) } else { *q };
            world.u(i, seen) - world.u(i, *reference)
        }
        Subject::Create {
            q,
            kind,
            camp,
            reference,
            binding,
            rivals,
        } => {
            let seen = if framed { world.framed(i, *q) } else { *q };
            let bound = *binding && bound_elsewhere(world, i, *kind, *camp);
            let rival = *rivals && sponsors_rival(world, i, *kind, *camp);
            world.u(i, seen)
                - world.u(i, *reference)
                - world.p.treaty_loyalty * f64::from(u8::from(bound))
                - world.p.rival_cost * f64::from(u8::from(rival))
        }
        Subject::Agenda { items } => items
            .iter()
            .map(|&(pb, qb, pa, qa, r)| {
                let ur = world.u(i, r);
                (pa * world.u(i, qa) + (1.0 - pa) * ur) - (pb * world.u(i, qb) + (1.0 - pb) * ur)
            })
            .sum(),
        Subject::Openness { transparency, dir } => (1.0 - world.ideal[i].m - transparency) * dir,
    }
}

/// Whether `i` is bound by a rival instrument for `kind`: a party to an active binding
/// venue (`binding = true`: its texts are treaties its members ratify or accede to) that
/// hosts the kind, binds only its members (`reach = members`), and has a rule for it set
/// by a camp other than `camp`. Parties to such an instrument have written it into
/// their law and defend it against a rival treaty for the same matter (as Budapest
/// Convention parties argued against a UN cybercrime treaty in 2019), whatever they
/// think of the rival's mandate: the cost is the commitment, not a preference. It is
/// paid only when the venue voted on is binding too ([`Subject::Create`]): an expert
/// group's or a working group's report creates no conflicting obligation (departure 52).
pub fn bound_elsewhere(world: &World, i: StateIx, kind: Kind, camp: Camp) -> bool {
    world.venues.iter().any(|w| {
        w.active
            && w.binding
            && w.member.get(i).copied().unwrap_or(false)
            && w.hosts.contains(kind)
            && w.reach == Reach::Members
            && !w.blank[kind.index()]
            && w.rule(kind).is_some_and(|r| r.camp != camp)
    })
}

/// The texts before the states that rival a venue-creating text of `camp` for `kind`:
/// procedural proposals creating a venue for the same kind, sponsored by another camp,
/// waiting, on an agenda, or decided this round: the session in which a delegation
/// voted for its own venue is the session in which it votes against the rival one (the
/// two resolutions of 2018's "dual track"; the US text, which restated the expert
/// groups' work, was decided after Russia's had taken effect, departure 47).
pub fn rival_texts<'w>(
    world: &'w World,
    kind: Kind,
    camp: Camp,
) -> impl Iterator<Item = &'w ProposalState> + 'w {
    world.proposals.iter().filter(move |p| {
        matches!(
            p.procedural.as_ref().map(|pr| &pr.action),
            Some(ProceduralAction::Create { mandate_kind, .. }) if *mandate_kind == kind
        ) && p.sponsor.is_some_and(|s| world.camp[s] != camp)
            && (matches!(p.status, Status::Waiting | Status::Agenda { .. })
                || p.decided == Some(world.round))
    })
}

/// Whether `i` sponsors or co-sponsors a rival text ([`rival_texts`]): a delegation
/// that tables its own venue for a matter votes against the other camp's venue for
/// it, whatever it thinks of the mandate (departure 53).
pub fn sponsors_rival(world: &World, i: StateIx, kind: Kind, camp: Camp) -> bool {
    rival_texts(world, kind, camp).any(|p| p.sponsor == Some(i) || p.cosponsors.contains(&i))
}

/// Raw gains of every participant (sponsors see the text unframed).
pub fn raw_deltas(
    world: &World,
    el: &Electorate,
    subject: &Subject,
    sponsors: &Sponsors,
) -> Vec<f64> {
    let mut out = Vec::with_capacity(el.parts.len());
    raw_deltas_into(world, el, subject, sponsors, &mut out);
    out
}

/// [`raw_deltas`] into a reused buffer.
pub fn raw_deltas_into(
    world: &World,
    el: &Electorate,
    subject: &Subject,
    sponsors: &Sponsors,
    out: &mut Vec<f64>,
) {
    out.clear();
    out.extend(
        el.parts
            .iter()
            .map(|&i| raw_delta(world, i, subject, !sponsors.contains(i))),
    );
}

/// Deterministic part of each voter's Δ (§7.8): raw gain + yes bias + bloc cohesion −
/// stigma. Bloc averages weigh participants by weight × presence (one pass).
pub fn mean_deltas(world: &World, el: &Electorate, raw: &[f64], sponsors: &Sponsors) -> Vec<f64> {
    let mut out = Vec::with_capacity(raw.len());
    mean_deltas_into(
        world,
        el,
        raw,
        sponsors,
        &mut BlocScratch::default(),
        &mut out,
    );
    out
}

/// The working buffers of one vote (raw and mean gains, drawn positions, ballots,
/// positions masked for the objection cut, every member's vote), kept by the engine
/// between votes so that deciding a proposal does not allocate.
#[derive(Debug, Default)]
pub struct VoteScratch {
    pub raw: Vec<f64>,
    pub means: Vec<f64>,
    pub blocs: BlocScratch,
    pub positions: Vec<f64>,
    pub masked: Vec<f64>,
    pub votes: Vec<Vote>,
    pub all: Vec<(StateIx, Vote)>,
}

impl VoteScratch {
    /// Room for a vote of every one of `n` states in a world of `blocs` blocs (issue
    /// #17 item 3): a vote then never allocates.
    pub fn with_room(n: usize, blocs: usize) -> Self {
        VoteScratch {
            raw: Vec::with_capacity(n),
            means: Vec::with_capacity(n),
            blocs: BlocScratch::with_room(blocs),
            positions: Vec::with_capacity(n),
            masked: Vec::with_capacity(n),
            votes: Vec::with_capacity(n),
            all: Vec::with_capacity(n),
        }
    }
}

/// Per-bloc sums and terms of [`mean_deltas_into`], kept between calls so that forecasts
/// (thousands per run) do not allocate.
#[derive(Debug, Clone, Default)]
pub struct BlocScratch {
    /// Σ weight × presence of the bloc's participants.
    sw: Vec<f64>,
    /// Σ weight × presence × raw gain.
    swd: Vec<f64>,
    /// The bloc's weighted mean raw gain; `None` when nobody of it is (expected) present.
    avg: Vec<Option<f64>>,
    /// The bloc's cohesion (its own or the default).
    coh: Vec<f64>,
    /// The bloc is one of the sponsor's (exempt from stigma).
    exempt: Vec<bool>,
}

impl BlocScratch {
    /// Room for `blocs` blocs.
    pub fn with_room(blocs: usize) -> Self {
        BlocScratch {
            sw: Vec::with_capacity(blocs),
            swd: Vec::with_capacity(blocs),
            avg: Vec::with_capacity(blocs),
            coh: Vec::with_capacity(blocs),
            exempt: Vec::with_capacity(blocs),
        }
    }
}

/// [`mean_deltas`] into reused buffers. Every per-bloc quantity (mean gain, cohesion,
/// stigma exemption) is computed once per call instead of once per voter and bloc; each
/// voter's Δ is then the same expression in the same order, so results are bit-identical.
pub fn mean_deltas_into(
    world: &World,
    el: &Electorate,
    raw: &[f64],
    sponsors: &Sponsors,
    bs: &mut BlocScratch,
    out: &mut Vec<f64>,
) {
    let sc = world.sc;
    let nb = sc.blocs.len();
    bs.sw.clear();
    bs.sw.resize(nb, 0.0);
    bs.swd.clear();
    bs.swd.resize(nb, 0.0);
    for (k, &j) in el.parts.iter().enumerate() {
        let w = el.weight[k] * el.presence[k];
        for &b in world.blocs_of(j) {
            bs.sw[b] += w;
            bs.swd[b] += w * raw[k];
        }
    }
    let stigma = world.p.stigma * (1.0 - sponsors.legitimacy);
    let sponsor_blocs: &[usize] = match sponsors.sponsor {
        Some(s) => world.blocs_of(s),
        None => &[],
    };
    bs.avg.clear();
    bs.avg.extend(
        bs.sw
            .iter()
            .zip(&bs.swd)
            .map(|(&sw, &swd)| (sw > 0.0).then(|| swd / sw)),
    );
    bs.coh.clear();
    bs.coh.extend(
        sc.blocs
            .iter()
            .map(|b| b.cohesion.unwrap_or(world.p.cohesion)),
    );
    bs.exempt.clear();
    bs.exempt
        .extend((0..nb).map(|b| sponsor_blocs.contains(&b)));
    out.clear();
    out.extend(el.parts.iter().enumerate().map(|(k, &i)| {
        let blocs = world.blocs_of(i);
        let r = raw[k];
        let mut pull = 0.0;
        let mut exempt = false;
        for &b in blocs {
            let avg = bs.avg[b].unwrap_or(r);
            pull += bs.coh[b] * (avg - r);
            exempt |= bs.exempt[b];
        }
        if !blocs.is_empty() {
            pull /= blocs.len() as f64;
        }
        r + world.p.yes_bias + pull - if exempt { 0.0 } else { stigma }
    }));
}

/// A vote from a deterministic Δ and a drawn shock (§7.8 bands).
pub fn vote_from(delta: f64, band: f64) -> Vote {
    if delta > band {
        Vote::Yes
    } else if delta < -band {
        Vote::No
    } else {
        Vote::Abstain
    }
}

/// The stakeholder actor's vote in a rough-consensus venue: +1 yes, −1 no, 0 neither.
pub fn stakeholder_vote(world: &World, subject: &Subject) -> f64 {
    let sh = world.sc.stakeholder;
    let gain = match subject {
        Subject::Rule { q, reference } => {
            crate::model::utility(sh.ideal, sh.salience, *q, world.p.scope_weight)
                - crate::model::utility(sh.ideal, sh.salience, *reference, world.p.scope_weight)
        }
        // The stakeholders belong to no venue: the rule in force is theirs.
        Subject::Create { q, reference, .. } => {
            crate::model::utility(sh.ideal, sh.salience, *q, world.p.scope_weight)
                - crate::model::utility(sh.ideal, sh.salience, *reference, world.p.scope_weight)
        }
        _ => 0.0,
    };
    if gain > world.p.abstain_band {
        1.0
    } else if gain < -world.p.abstain_band {
        -1.0
    } else {
        0.0
    }
}

/// Draws the positions of a present electorate: `Δ + ε` for everyone but the sponsors,
/// who stand at `+∞` (they vote yes). One normal per non-sponsor voter, in index order.
pub fn positions(
    world: &World,
    el: &Electorate,
    means: &[f64],
    sponsors: &Sponsors,
    rng: &mut SimRng,
) -> Vec<f64> {
    let mut out = Vec::with_capacity(el.parts.len());
    positions_into(world, el, means, sponsors, rng, &mut out);
    out
}

/// [`positions`] into a reused buffer (the engine's votes).
pub fn positions_into(
    world: &World,
    el: &Electorate,
    means: &[f64],
    sponsors: &Sponsors,
    rng: &mut SimRng,
    out: &mut Vec<f64>,
) {
    let sd = world.p.vote_noise;
    out.clear();
    out.extend(el.parts.iter().enumerate().map(|(k, &i)| {
        if sponsors.contains(i) {
            f64::INFINITY
        } else {
            means[k] + sd * std_normal(rng)
        }
    }));
}

/// Casts the votes of a present electorate: sponsors yes, everyone else by Δ + ε.
/// Draws one normal per non-sponsor voter, in index order.
pub fn cast(
    world: &World,
    el: &Electorate,
    means: &[f64],
    sponsors: &Sponsors,
    rng: &mut SimRng,
) -> Vec<Vote> {
    ballots(world, &positions(world, el, means, sponsors, rng))
}

/// The ballots of drawn positions (§7.8 bands).
pub fn ballots(world: &World, positions: &[f64]) -> Vec<Vote> {
    let mut out = Vec::with_capacity(positions.len());
    ballots_into(world, positions, &mut out);
    out
}

/// [`ballots`] into a reused buffer.
pub fn ballots_into(world: &World, positions: &[f64], out: &mut Vec<Vote>) {
    let band = world.p.abstain_band;
    out.clear();
    out.extend(positions.iter().map(|&x| vote_from(x, band)));
}

/// Whether a participant at `position` objects — blocks a consensus, or calls for a
/// vote in a consensus-first venue (ODD 7.8): it would vote no, and its position
/// without the courtesy of `yes_bias` falls below `−(abstain_band + break_cost)`.
/// Deference decides how a delegation votes on a text it will not stop; whether it
/// stops it depends on its stakes, and a delegation that merely leans against a text
/// joins the consensus and explains its position. With `break_cost = 0` (MODEL.md)
/// every no vote objects.
pub fn objects(position: f64, yes_bias: f64, band: f64, break_cost: f64) -> bool {
    position < objection_cut(yes_bias, band, break_cost)
}

/// The position below which a participant objects: `min(−band, −band − break_cost +
/// yes_bias)` (see [`objects`]).
pub fn objection_cut(yes_bias: f64, band: f64, break_cost: f64) -> f64 {
    (-band).min(-band - break_cost + yes_bias)
}

/// The positions that count for objections to a text its electorate's members already
/// let pass without objection where it was negotiated (a convention agreed by consensus
/// in a committee, then put to the plenary that created it): a member of that body,
/// `joined[i]`, stands at `+∞` — it may still vote no if somebody else calls for a vote,
/// but it does not call for one on a text it let through (ODD 7.8, departure 45). At the
/// UN, a text adopted without a vote in a Main Committee is adopted without a vote in
/// plenary unless a delegation that objected there asks again.
pub fn bound_by_consensus(positions: &[f64], parts: &[StateIx], joined: &[bool]) -> Vec<f64> {
    let mut out = Vec::with_capacity(positions.len());
    bound_by_consensus_into(positions, parts, joined, &mut out);
    out
}

/// [`bound_by_consensus`] into a reused buffer.
pub fn bound_by_consensus_into(
    positions: &[f64],
    parts: &[StateIx],
    joined: &[bool],
    out: &mut Vec<f64>,
) {
    out.clear();
    out.extend(positions.iter().zip(parts).map(|(&x, &i)| {
        if joined.get(i).copied().unwrap_or(false) {
            f64::INFINITY
        } else {
            x
        }
    }));
}

/// Whether a decision adopts, and how (§7.8, ODD 7.8). `positions` are the drawn
/// positions behind `votes` (read by consensus-first venues only); `stake_w` is the
/// weight the full stakeholder actor adds in rough consensus, `stake_vote` its vote.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    decision: Decision,
    votes: &[Vote],
    positions: &[f64],
    weights: &[f64],
    stake_w: f64,
    stake_vote: f64,
    band: f64,
    yes_bias: f64,
    break_cost: f64,
) -> (bool, How) {
    let quiet = || {
        !positions
            .iter()
            .any(|&x| objects(x, yes_bias, band, break_cost))
    };
    match decision {
        // Consensus: adopted unless somebody objects (with `break_cost = 0`, unless
        // somebody votes no: MODEL.md's rule).
        Decision::Consensus => (quiet(), How::Consensus),
        Decision::ConsensusFirst { .. } if quiet() => (true, How::WithoutVote),
        _ => (
            adopts(decision, votes, weights, stake_w, stake_vote),
            How::Vote,
        ),
    }
}

/// Whether a vote adopts under `decision` (§7.8). `stake_w` is the weight the full
/// stakeholder actor adds in rough consensus, `stake_vote` its vote (+1/−1/0).
pub fn adopts(
    decision: Decision,
    votes: &[Vote],
    weights: &[f64],
    stake_w: f64,
    stake_vote: f64,
) -> bool {
    match decision {
        Decision::Consensus => !votes.contains(&Vote::No),
        Decision::Majority { threshold }
        | Decision::Supermajority { threshold }
        | Decision::ConsensusFirst { threshold } => {
            let yes = votes.iter().filter(|&&v| v == Vote::Yes).count() as f64;
            let no = votes.iter().filter(|&&v| v == Vote::No).count() as f64;
            yes + no > 0.0 && yes / (yes + no) > threshold
        }
        Decision::RoughConsensus { threshold } => {
            let (mut yes, mut no) = (0.0, 0.0);
            for (v, w) in votes.iter().zip(weights) {
                match v {
                    Vote::Yes => yes += w,
                    Vote::No => no += w,
                    _ => {}
                }
            }
            if stake_vote > 0.0 {
                yes += stake_w;
            } else if stake_vote < 0.0 {
                no += stake_w;
            }
            yes + no > 0.0 && yes >= threshold * (yes + no)
        }
    }
}

/// The analytic pass probability (§7.3): each voter is yes / no / abstain with the
/// probabilities its normal shock implies, times its presence; consensus is the
/// product of non-veto probabilities, the other rules a normal approximation of the
/// Poisson-binomial margin.
#[allow(clippy::too_many_arguments)]
pub fn p_pass(
    world: &World,
    el: &Electorate,
    means: &[f64],
    sponsors: &Sponsors,
    decision: Decision,
    stakeholders: Stakeholders,
    stake_vote: f64,
    break_cost: f64,
    parts: &mut PassParts,
) -> f64 {
    parts.quiet = None;
    parts.no.clear();
    // A venue that cannot muster a quorum decides nothing (§7.8): no pass to forecast.
    if el.presence.iter().sum::<f64>() < world.p.min_present {
        return 0.0;
    }
    let band = world.p.abstain_band;
    let sd = world.p.vote_noise;
    let phi = PhiTable::get();
    let probs = |k: usize, i: StateIx| -> (f64, f64) {
        let pres = el.presence[k];
        if sponsors.contains(i) {
            return (pres, 0.0);
        }
        let mu = means[k];
        let (py, pn) = if sd > 0.0 {
            (phi.cdf((mu - band) / sd), phi.cdf((-band - mu) / sd))
        } else {
            ((mu > band) as u8 as f64, (mu < -band) as u8 as f64)
        };
        (pres * py, pres * pn)
    };
    // Each voter's presence × P(no), kept for `no_power_of` as the head count reads it.
    let no = &mut parts.no;
    let recorded = |k: usize, i: StateIx| -> (f64, f64) {
        let (py, pn) = probs(k, i);
        no.push(pn);
        (py, pn)
    };
    match decision {
        Decision::Consensus => {
            let q = quiet(world, el, means, sponsors, break_cost);
            parts.quiet = Some(q);
            q
        }
        Decision::Majority { threshold: t } | Decision::Supermajority { threshold: t } => {
            majority_pass(el, t, recorded)
        }
        Decision::ConsensusFirst { threshold: t } => {
            // Adopted without a vote when nobody objects; otherwise the vote decides. The
            // two are treated as independent (an objection is one strongly negative draw).
            let q = quiet(world, el, means, sponsors, break_cost);
            parts.quiet = Some(q);
            q + (1.0 - q) * majority_pass(el, t, recorded)
        }
        Decision::RoughConsensus { threshold: t } => {
            let (mut mean, mut var) = (0.0, 0.0);
            let mut total_w = 0.0;
            for (k, &i) in el.parts.iter().enumerate() {
                let (py, pn) = probs(k, i);
                let w = el.weight[k];
                total_w += w * el.presence[k];
                let (a, b) = ((1.0 - t) * w, -t * w);
                let m = a * py + b * pn;
                mean += m;
                var += a * a * py + b * b * pn - m * m;
            }
            if let Stakeholders::Full { weight } = stakeholders {
                let sw = weight * total_w;
                if stake_vote > 0.0 {
                    mean += (1.0 - t) * sw;
                } else if stake_vote < 0.0 {
                    mean -= t * sw;
                }
            }
            // Ties adopt under rough consensus (≥), so a zero margin counts as a pass.
            prob_positive(mean + 1e-12, var)
        }
    }
}

/// The probability that no participant objects (§7.8, ODD 7.8): the product over
/// non-sponsors of `1 − presence × P(Δ + ε < −abstain_band − break_cost)`, with the
/// venue's cost of breaking consensus ([`World::break_cost`]). Only the objection
/// side's CDF is computed.
pub fn quiet(
    world: &World,
    el: &Electorate,
    means: &[f64],
    sponsors: &Sponsors,
    break_cost: f64,
) -> f64 {
    let (sd, cut) = (
        world.p.vote_noise,
        objection_cut(world.p.yes_bias, world.p.abstain_band, break_cost),
    );
    let phi = PhiTable::get();
    let mut p = 1.0;
    for (k, &i) in el.parts.iter().enumerate() {
        let po = if sponsors.contains(i) {
            0.0
        } else {
            let mu = means[k];
            let po = if sd > 0.0 {
                phi.cdf((cut - mu) / sd)
            } else {
                (mu < cut) as u8 as f64
            };
            el.presence[k] * po
        };
        p *= 1.0 - po;
    }
    p
}

/// What [`p_pass`] computed on its way that a forecast reads again (ODD 7.3: the
/// sponsor weighs the chance of a quiet adoption and the dissent of a split vote): the
/// probability nobody objects, where the rule asked for it, and each participant's
/// presence × P(no), where a head count was forecast. Reading them instead of computing
/// them again halves the normal CDFs of a consensus-first forecast; the values are the
/// same floating-point operations, so forecasts are bit-identical.
#[derive(Debug, Clone, Default)]
pub struct PassParts {
    /// [`quiet`] of the forecast, if the decision rule computed it.
    pub quiet: Option<f64>,
    /// Presence × P(no) per participant (in `el.parts` order), if a head count was
    /// forecast; empty otherwise.
    pub no: Vec<f64>,
}

/// [`no_power`] from the presence × P(no) that [`p_pass`] kept in `parts`, or computed
/// afresh when it kept none.
pub fn no_power_of(
    world: &World,
    el: &Electorate,
    means: &[f64],
    sponsors: &Sponsors,
    parts: &PassParts,
) -> f64 {
    if parts.no.len() != el.parts.len() {
        return no_power(world, el, means, sponsors);
    }
    let mut d = 0.0;
    for (k, &i) in el.parts.iter().enumerate() {
        if sponsors.contains(i) {
            continue;
        }
        d += parts.no[k] * world.sc.states[i].power;
    }
    d
}

/// The expected power of the participants who would vote no (presence × P(no) ×
/// power): the part of the world a text adopted by vote would not bind (§2 `reach`).
pub fn no_power(world: &World, el: &Electorate, means: &[f64], sponsors: &Sponsors) -> f64 {
    let (sd, band) = (world.p.vote_noise, world.p.abstain_band);
    let phi = PhiTable::get();
    let mut d = 0.0;
    for (k, &i) in el.parts.iter().enumerate() {
        if sponsors.contains(i) {
            continue;
        }
        let mu = means[k];
        let pn = if sd > 0.0 {
            phi.cdf((-band - mu) / sd)
        } else {
            (mu < -band) as u8 as f64
        };
        d += el.presence[k] * pn * world.sc.states[i].power;
    }
    d
}

/// Pass probability of a head-count vote with threshold `t`: a normal approximation of
/// the Poisson-binomial margin, `probs(k, i)` giving voter k's (P yes, P no).
fn majority_pass(
    el: &Electorate,
    t: f64,
    mut probs: impl FnMut(usize, StateIx) -> (f64, f64),
) -> f64 {
    let (mut mean, mut var) = (0.0, 0.0);
    for (k, &i) in el.parts.iter().enumerate() {
        let (py, pn) = probs(k, i);
        let (a, b) = (1.0 - t, -t);
        let m = a * py + b * pn;
        mean += m;
        var += a * a * py + b * b * pn - m * m;
    }
    // The margin lives on a lattice and a tie fails: continuity correction of half
    // the smallest step (yes − no ≥ 1 under a simple majority).
    prob_positive(mean - 0.5 * t.min(1.0 - t), var)
}

/// Draws whether state `i` misses a session of venue `v`: one uniform, absent if it
/// falls below `p_absent` (ODD 7.8). Every absence of the model is this draw: the
/// round's absences (step 5) and an admission session's (step 3, departure 49).
pub fn draw_absent(world: &World, i: StateIx, v: VenueIx, rng: &mut SimRng) -> bool {
    uniform(rng) < world.p_absent(i, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consensus_fails_on_one_no_and_majority_ignores_abstentions() {
        use Vote::*;
        let w = [1.0; 5];
        assert!(!adopts(
            Decision::Consensus,
            &[Yes, Yes, No, Yes, Abstain],
            &w,
            0.0,
            0.0
        ));
        assert!(adopts(
            Decision::Consensus,
            &[Yes, Yes, Abstain, Yes, Abstain],
            &w,
            0.0,
            0.0
        ));
        assert!(adopts(
            Decision::Consensus,
            &[Absent, Abstain, Yes, Absent, Yes],
            &w,
            0.0,
            0.0
        ));
        // 2 yes, 1 no, 2 abstain: 2/3 > 0.5 passes although yes is not a majority of voters.
        let m = Decision::Majority { threshold: 0.5 };
        assert!(adopts(m, &[Yes, Yes, No, Abstain, Abstain], &w, 0.0, 0.0));
        assert!(!adopts(
            m,
            &[Yes, No, Abstain, Abstain, Abstain],
            &w,
            0.0,
            0.0
        ));
        assert!(!adopts(m, &[Abstain; 5], &w, 0.0, 0.0));
        let s = Decision::Supermajority {
            threshold: 2.0 / 3.0,
        };
        assert!(!adopts(s, &[Yes, Yes, No, Abstain, Abstain], &w, 0.0, 0.0));
        assert!(adopts(s, &[Yes, Yes, Yes, No, Abstain], &w, 0.0, 0.0));
    }

    #[test]
    fn rough_consensus_counts_weights_and_the_stakeholders() {
        use Vote::*;
        let r = Decision::RoughConsensus {
            threshold: 2.0 / 3.0,
        };
        // Weighted: yes 3, no 2 → 0.6 < 2/3 fails; the stakeholders' yes (weight 2) carries it.
        let w = [3.0, 2.0];
        assert!(!adopts(r, &[Yes, No], &w, 0.0, 0.0));
        assert!(adopts(r, &[Yes, No], &w, 2.0, 1.0));
        assert!(!adopts(r, &[Yes, No], &w, 2.0, -1.0));
    }

    #[test]
    fn vote_bands() {
        assert_eq!(vote_from(0.2, 0.15), Vote::Yes);
        assert_eq!(vote_from(-0.2, 0.15), Vote::No);
        assert_eq!(vote_from(0.1, 0.15), Vote::Abstain);
    }
}
