//! Building the world of a run (ODD §5) and the structural changes the schedule
//! applies: bringing venues into being, changing their rules, creating bloc venues.

use crate::model::policy::{Camp, Kind, KindSet, Pos};
use crate::model::rng::SimRng;
use crate::model::rules::{init, seats};
use crate::model::spec::*;
use crate::model::world::{ProposalState, RuleState, Status, VenueState, World};

/// The world at round 0, before any step: ideals drawn, initial venues active with their
/// first members and seats, attention even.
pub fn world<'a>(sc: &'a Scenario, rng: &mut SimRng) -> World<'a> {
    let p = sc.params.clone();
    let ideal = init::ideals(sc, &p, rng);
    let salience = init::saliences(sc, &p);
    let n = sc.states.len();
    let w_state = (0..n)
        .map(|i| {
            let s = &sc.states[i];
            salience[i] * s.power.powf(p.alpha) * s.competence.powf(p.beta)
        })
        .collect();
    let w_tech = (0..n)
        .map(|i| salience[i] * sc.states[i].ict * sc.states[i].competence)
        .collect();
    let camp = sc
        .states
        .iter()
        .map(|s| Camp::of(s.regime, p.camp_threshold))
        .collect();
    let room = sc.max_proposals();
    let venues = sc.venues.iter().map(|v| venue_state(v, n, room)).collect();
    // Room for the mandates creating resolutions may table (issue #17 item 3).
    let mut proposals = Vec::with_capacity(room);
    proposals.extend(
        sc.proposals
            .iter()
            .map(|pr| proposal_state(pr, &ideal, sc.legacy)),
    );
    let mut w = World {
        sc,
        p,
        round: 0,
        ideal,
        salience,
        legitimacy: vec![1.0; n],
        w_state,
        w_tech,
        camp,
        competence: sc.states.iter().map(|s| s.competence).collect(),
        tags: sc.states.iter().map(|s| s.tags.clone()).collect(),
        n_venues: vec![0; n],
        state_blocs: sc
            .states
            .iter()
            .flat_map(|s| s.blocs.iter().copied())
            .collect(),
        bloc_start: std::iter::once(0)
            .chain(sc.states.iter().scan(0u32, |k, s| {
                *k += s.blocs.len() as u32;
                Some(*k)
            }))
            .collect(),
        bloc_lists: (0..sc.blocs.len())
            .map(|b| {
                (0..n)
                    .filter(|&i| sc.states[i].blocs.contains(&b))
                    .collect()
            })
            .collect(),
        venues,
        proposals,
        venues_created: 0,
    };
    for v in 0..sc.venues.len() {
        if sc.venues[v].origin == Origin::Initial {
            activate(&mut w, v, None, rng);
        }
    }
    even_attention(&mut w);
    w
}

/// A venue's state before it comes into being, with room for every state as a member
/// and `agenda` proposals on its agenda, so that neither list grows in the round loop
/// (issue #17 item 3).
fn venue_state(v: &VenueSpec, n: usize, agenda: usize) -> VenueState {
    let mut founder = vec![false; n];
    for &f in &v.founders {
        founder[f] = true;
    }
    let mut rules: [Option<RuleState>; 3] = [None, None, None];
    for &(k, pos) in &v.rules {
        if k.is_substantive() {
            rules[k.index()] = Some(RuleState {
                pos,
                camp: Camp::None,
                dissent: Vec::new(),
            });
        }
    }
    VenueState {
        id: v.id.clone(),
        active: false,
        membership: v.membership.clone(),
        decision: v.decision,
        stakeholders: v.stakeholders,
        transparency: v.transparency,
        privilege: v.privilege,
        hosts: v.hosts,
        reach: v.reach,
        binding: v.binding,
        negotiation_rounds: v.negotiation_rounds.max(1),
        founders: v.founders.clone(),
        founder,
        bloc: None,
        member: vec![false; n],
        members: Vec::with_capacity(n),
        attention: vec![0.0; n],
        absent: vec![false; n],
        rules,
        agenda: Vec::with_capacity(agenda),
        adoptions: 0,
        decided: 0,
        sat: false,
        seated: 0,
        until: v.until,
        existed: false,
        practice: 1.0,
        inherited: [false; 3],
        blank: [false; 3],
    }
}

/// A proposal before its introduction. Its text stands at the given point or the
/// sponsor's ideal; texts that endorse venues' rules or a room's compromise are drafted
/// when they are introduced or tabled (`rules::drafting`).
fn proposal_state(pr: &ProposalSpec, ideal: &[Pos], legacy: Pos) -> ProposalState {
    let place = match &pr.procedural {
        Some(Procedural {
            action: ProceduralAction::Create {
                mandate_position, ..
            },
            ..
        }) => mandate_position.clone(),
        _ => pr.position.clone(),
    };
    let pos = match (&place, pr.sponsor) {
        (PositionSpec::Given(p), _) => *p,
        (_, Some(s)) => ideal[s],
        (_, None) => legacy,
    };
    ProposalState {
        id: pr.id.clone(),
        kind: pr.kind,
        sponsor: pr.sponsor,
        cosponsors: pr.cosponsors.clone(),
        place,
        repeat_until: pr.repeat_until,
        ratifies: pr.ratifies,
        original: pos,
        pos,
        introduced: pr.introduced,
        fixed_venue: pr.venue,
        max_moves: pr.max_moves,
        procedural: pr.procedural.clone(),
        status: Status::Future,
        tries: 0,
        last_venue: None,
        last_failed: None,
        p_pass: 0.0,
        decided: None,
    }
}

/// Attention even over each state's venues (§5).
fn even_attention(w: &mut World) {
    for i in 0..w.n_states() {
        let k = w.venues.iter().filter(|v| v.active && v.member[i]).count();
        w.n_venues[i] = k as u32;
        for v in w.venues.iter_mut() {
            if v.active && v.member[i] {
                v.attention[i] = 1.0 / k as f64;
            }
        }
    }
}

/// Who belongs to venue `v` when it comes into being (§5, §7.11): everyone for universal
/// and individuals venues, a seat draw for appointed ones, the parent's participants for
/// an open venue created by a resolution, the founders otherwise.
/// Written into `members`.
fn first_members(
    w: &World,
    v: VenueIx,
    parent: Option<VenueIx>,
    rng: &mut SimRng,
    scratch: &mut seats::Scratch,
    members: &mut Vec<StateIx>,
) {
    let venue = &w.venues[v];
    members.clear();
    match &venue.membership {
        Membership::Open { universal: true } | Membership::Individuals => {
            members.extend(0..w.n_states())
        }
        Membership::Appointed { .. } => {
            seats::draw_into(w, &venue.membership, rng, scratch, members)
        }
        Membership::Open { universal: false } => match parent {
            Some(pv) => members.extend_from_slice(&w.venues[pv].members),
            None => members.extend_from_slice(&venue.founders),
        },
        Membership::Invitation { .. } => members.extend_from_slice(&venue.founders),
    }
}

/// Rules for every hosted substantive kind that has none: the predecessor's text
/// (`acquis`), else an invitation venue's charter (the founders' weighted mean ideal,
/// set by their majority camp), else the legacy rule.
fn fill_rules(w: &mut World, v: VenueIx) {
    if let Some(a) = w.sc.venues.get(v).and_then(|s| s.acquis) {
        for k in Kind::SUBSTANTIVE {
            let inherited = w.venues[a]
                .rule(k)
                .filter(|_| w.venues[a].existed)
                .map(|r| RuleState {
                    pos: r.pos,
                    camp: r.camp,
                    dissent: Vec::new(),
                });
            let blank = w.venues[a].blank[k.index()];
            let venue = &mut w.venues[v];
            if venue.hosts.contains(k) && venue.rules[k.index()].is_none() && inherited.is_some() {
                venue.rules[k.index()] = inherited;
                venue.inherited[k.index()] = true;
                venue.blank[k.index()] = blank;
            }
        }
    }
    let venue = &w.venues[v];
    let charter = match venue.membership {
        Membership::Invitation { .. } if !venue.founders.is_empty() => Some((
            w.weighted_ideal(&venue.founders),
            w.majority_camp(&venue.founders),
        )),
        _ => None,
    };
    let hosts = venue.hosts;
    let legacy = w.sc.legacy;
    // The legacy text is the status quo of the venues the world starts with; a venue
    // created later that starts from it has no rule of its own yet.
    let created =
        w.sc.venues
            .get(v)
            .is_none_or(|s| s.origin != Origin::Initial);
    let venue = &mut w.venues[v];
    for k in Kind::SUBSTANTIVE {
        if !hosts.contains(k) {
            venue.rules[k.index()] = None;
        } else if venue.rules[k.index()].is_none() {
            let (pos, camp) = charter.unwrap_or((legacy, Camp::None));
            venue.blank[k.index()] = created && charter.is_none();
            venue.rules[k.index()] = Some(RuleState {
                pos,
                camp,
                dissent: Vec::new(),
            });
        }
    }
}

/// Brings venue `v` into being (initial, event or procedural creation from `parent`).
pub fn activate(w: &mut World, v: VenueIx, parent: Option<VenueIx>, rng: &mut SimRng) {
    activate_in(w, v, parent, rng, &mut Scratch::default());
}

/// The working lists of [`activate_in`]: a seat draw's, and the first members. The
/// engine keeps one, as venues come into being during its rounds.
#[derive(Debug, Default)]
pub struct Scratch {
    seats: seats::Scratch,
    members: Vec<StateIx>,
}

impl Scratch {
    /// Room for any venue of `w`'s scenario to come into being without allocating
    /// (issue #17 item 3).
    pub fn with_room(w: &World) -> Self {
        Scratch {
            seats: seats::Scratch::with_room(w.n_states(), w.sc.max_quotas()),
            members: Vec::with_capacity(w.n_states()),
        }
    }
}

/// [`activate`] with its working lists in `scratch`.
pub fn activate_in(
    w: &mut World,
    v: VenueIx,
    parent: Option<VenueIx>,
    rng: &mut SimRng,
    scratch: &mut Scratch,
) {
    if w.venues[v].active {
        return;
    }
    let Scratch { seats, members } = scratch;
    first_members(w, v, parent, rng, seats, members);
    w.venues[v].set_members(members);
    w.venues[v].active = true;
    w.venues[v].existed = true;
    w.venues[v].seated = w.round;
    fill_rules(w, v);
    let spec = w.sc.venues.get(v);
    if spec.is_none_or(|s| s.origin != Origin::Initial) {
        // A body convened during the run has no practice of consensus yet: it builds
        // one session by session (ODD 7.8, departure 48).
        w.venues[v].practice = w.p.founding_practice;
    }
    if spec.is_some_and(|s| s.origin != Origin::Initial) {
        w.venues_created += 1;
    }
}

/// Applies a change to venue `v` (procedural proposals, `venue_change` events).
pub fn change(w: &mut World, v: VenueIx, ch: &VenueChange, rng: &mut SimRng) {
    let cap = w.p.max_stakeholder_weight;
    {
        let venue = &mut w.venues[v];
        if let Some(d) = ch.decision {
            venue.decision = d;
        }
        if let Some(s) = ch.stakeholders {
            venue.stakeholders = s.with_weight(s.weight().min(cap));
        }
        if let Some(t) = ch.transparency {
            venue.transparency = t;
        }
        if let Some(p) = ch.privilege {
            venue.privilege = p;
        }
        if let Some(h) = ch.hosts {
            venue.hosts = h;
        }
    }
    if let Some(m) = &ch.membership {
        w.venues[v].membership = m.clone();
        let members = match m {
            Membership::Open { universal: true } | Membership::Individuals => {
                (0..w.n_states()).collect()
            }
            Membership::Appointed { .. } => seats::draw(w, m, rng),
            _ => w.venues[v].members.clone(),
        };
        w.venues[v].set_members(&members);
        w.venues[v].seated = w.round;
    }
    if ch.hosts.is_some() {
        fill_rules(w, v);
    }
}

/// Stops venue `v` hosting `kind` (a procedural proposal's `replaces`).
pub fn unhost(w: &mut World, v: VenueIx, kind: Kind) {
    let venue = &mut w.venues[v];
    venue.hosts.remove(kind);
    if kind.is_substantive() {
        venue.rules[kind.index()] = None;
    }
}

/// Creates a bloc venue (§7.3): invitation by unanimity, consensus, no stakeholders, the
/// bloc as founders and the charter as its rule for `kind`. Returns its index.
pub fn create_bloc_venue(w: &mut World, bloc: BlocIx, kind: Kind, charter: Pos) -> VenueIx {
    let n = w.n_states();
    let founders = w.bloc_members(bloc).to_vec();
    let base = format!(
        "{}-{}-{}",
        w.sc.blocs[bloc].id,
        kind.as_str(),
        w.sc.year(w.round)
    );
    let mut id = base.clone();
    let mut k = 2;
    while w.venues.iter().any(|v| v.id == id) {
        id = format!("{base}-{k}");
        k += 1;
    }
    let spec = VenueSpec {
        id,
        name: format!("{} venue for {}", w.sc.blocs[bloc].name, kind.as_str()),
        origin: Origin::Initial,
        membership: Membership::Invitation {
            admit: Admit::Unanimity,
        },
        decision: Decision::Consensus,
        stakeholders: Stakeholders::None,
        transparency: w.p.create_transparency,
        privilege: w.p.create_privilege,
        hosts: KindSet::of(&[kind]),
        reach: Reach::Members,
        // A bloc's club adopts texts, not treaties (§7.3).
        binding: false,
        rules: vec![(kind, charter)],
        negotiation_rounds: 1,
        founders: founders.clone(),
        until: None,
        acquis: None,
    };
    let mut venue = venue_state(&spec, n, w.sc.max_proposals());
    venue.bloc = Some(bloc);
    venue.rules[kind.index()] = Some(RuleState {
        pos: charter,
        camp: w.majority_camp(&founders),
        dissent: Vec::new(),
    });
    venue.set_members(&founders);
    venue.active = true;
    venue.existed = true;
    w.venues.push(venue);
    w.venues_created += 1;
    w.venues.len() - 1
}
