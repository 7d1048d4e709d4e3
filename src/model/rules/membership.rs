//! Membership (ODD §7.2): joining and leaving open venues, applying to and admitting
//! into invitation venues, and the seat draws of appointed venues. Every decision reads
//! the memberships as they were at the start of the step; the engine applies them after.

use super::vote::{Subject, raw_delta};
use super::{forecast, seats};
use crate::model::outcome::{AdmitRow, Choice, JoinRow, Vote};
use crate::model::policy::Grid;
use crate::model::rng::SimRng;
use crate::model::spec::*;
use crate::model::world::World;

/// An admission vote on one applicant, at its venue's admission session.
#[derive(Debug, Clone, PartialEq)]
pub struct Admission {
    pub venue: VenueIx,
    pub applicant: StateIx,
    /// The session it was voted at (an index into [`Changes::sessions`]).
    pub session: usize,
    /// Present members who voted yes, and who voted no.
    pub yes: u32,
    pub no: u32,
    pub admitted: bool,
}

/// An invitation venue's admission session in one round: its members at the start of
/// the step, each present or absent (one draw per member, ODD 7.2). Every applicant of
/// the round is voted on by the same members.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub venue: VenueIx,
    /// Every member, in index order, and whether it attends.
    pub members: Vec<(StateIx, bool)>,
}

impl Session {
    /// Members absent from the session.
    pub fn absent(&self) -> u32 {
        self.members.iter().filter(|m| !m.1).count() as u32
    }

    /// Every member's vote on `applicant`, in index order: absent, or yes if its ideal
    /// lies within `admit_distance` of the applicant's, else no. Only `--votes` needs
    /// them: the tallies are counted without them.
    pub fn votes(&self, world: &World, applicant: StateIx) -> Vec<(StateIx, Vote)> {
        let to = world.ideal[applicant];
        self.members
            .iter()
            .map(|&(j, here)| {
                let vote = if !here {
                    Vote::Absent
                } else if admits(world, j, to) {
                    Vote::Yes
                } else {
                    Vote::No
                };
                (j, vote)
            })
            .collect()
    }
}

/// Whether member `j` votes to admit an applicant whose ideal is `to` (ODD 7.2): the
/// expression [`Grid::count_within`] counts.
fn admits(world: &World, j: StateIx, to: crate::model::Pos) -> bool {
    world.ideal[j].dist(to) < world.p.admit_distance
}

/// Everything the membership step changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    pub joins: Vec<(VenueIx, StateIx)>,
    pub leaves: Vec<(VenueIx, StateIx)>,
    pub admissions: Vec<Admission>,
    /// The admission sessions the admissions were voted at.
    pub sessions: Vec<Session>,
    /// New seat holders of appointed venues at a term boundary.
    pub seatings: Vec<(VenueIx, Vec<StateIx>)>,
    /// Why (§7.2 V_join and its parts) for every join and leave, every sponsor kept in,
    /// and every non-member with a stake that stayed out; only from [`step_with`]`(.., true)`.
    pub why: Vec<JoinRow>,
    /// The admission rule of every invitation venue with applicants; only with `why`.
    pub rules: Vec<AdmitRow>,
}

/// Pass probability and subject of every item on `v`'s agenda (for stakes, §7.2 and
/// §7.5), into a reused buffer: membership and attention compute them every round. The
/// subjects `out` held go back to `sc` first (their agenda lists are reused).
pub fn agenda_subjects_into(
    world: &World,
    v: VenueIx,
    out: &mut Vec<(f64, Subject)>,
    sc: &mut forecast::ProceduralScratch,
) {
    let venue = &world.venues[v];
    for (_, subject) in out.drain(..) {
        sc.recycle(subject);
    }
    out.extend(venue.agenda.iter().map(|&p| {
        let pr = &world.proposals[p];
        let subject = match &pr.procedural {
            Some(proc_) => forecast::procedural_subject_in(world, proc_, pr.pos, pr.sponsor, sc),
            None => Subject::Rule {
                q: pr.pos,
                reference: venue.rule(pr.kind).map_or(world.sc.legacy, |r| r.pos),
            },
        };
        (pr.p_pass, subject)
    }));
}

/// State `i`'s total stake in an agenda: Σ P(pass) × |gain| (§7.2).
pub fn stake(world: &World, i: StateIx, subjects: &[(f64, Subject)]) -> f64 {
    subjects
        .iter()
        .map(|(pp, s)| pp * raw_delta(world, i, s, false).abs())
        .sum()
}

/// The cost for a democracy of lending an opaque, state-centric, privileged venue its
/// legitimacy (§7.2).
pub fn legitimation_cost(world: &World, i: StateIx, v: VenueIx) -> f64 {
    let venue = &world.venues[v];
    let rule = venue.mean_rule(world.sc.legacy);
    world.p.legit_cost
        * world.sc.states[i].regime
        * ((rule.m - world.ideal[i].m).max(0.0) + venue.privilege)
        * (1.0 - venue.transparency)
}

/// The value of taking part in open venue `v` for state `i` (§7.2 V_join).
pub fn join_value(
    world: &World,
    i: StateIx,
    v: VenueIx,
    subjects: &[(f64, Subject)],
    mean_w: f64,
) -> f64 {
    join_parts(world, i, v, subjects, mean_w).value()
}

/// The parts of [`join_value`] (relative weight, stake, legitimation cost) in a row of
/// the run's `why` record; `choice` and `threshold` are the caller's.
fn join_parts(
    world: &World,
    i: StateIx,
    v: VenueIx,
    subjects: &[(f64, Subject)],
    mean_w: f64,
) -> JoinRow {
    let st = if subjects.is_empty() {
        0.0
    } else {
        stake(world, i, subjects)
    };
    let rel = if mean_w > 0.0 {
        world.plain_weight(i) / mean_w
    } else {
        1.0
    };
    JoinRow {
        round: world.round,
        venue: v as u32,
        state: i as u32,
        choice: Choice::StayedOut,
        weight: rel,
        stake: st,
        legitimation_cost: legitimation_cost(world, i, v),
        threshold: 0.0,
    }
}

/// Whether `i` would apply to invitation venue `v`: its rules lie within `apply_distance`.
pub fn applies(world: &World, i: StateIx, v: VenueIx) -> bool {
    applies_to(world, i, world.venues[v].mean_rule(world.sc.legacy))
}

/// Whether `i` would apply to a venue whose mean rule is `rule`.
fn applies_to(world: &World, i: StateIx, rule: crate::model::Pos) -> bool {
    world.u(i, rule) > -world.p.apply_distance.powi(2) * world.salience[i]
}

/// Whether the votes admit under the venue's admission rule (counts of present members).
pub fn admitted(admit: Admit, yes: usize, present: usize) -> bool {
    if present == 0 {
        return false;
    }
    match admit {
        Admit::Unanimity => yes == present,
        Admit::Majority => 2 * yes > present,
        Admit::Supermajority => 3 * yes >= 2 * present,
        Admit::Invited => false,
    }
}

/// The membership step for every active venue, in venue order.
pub fn step(world: &World, rng: &mut SimRng) -> Changes {
    step_with(world, rng, false)
}

/// The membership step; with `why`, also the reasons behind its choices
/// ([`Changes::why`], [`Changes::rules`]). The reasons only keep values the step
/// computes anyway (plus the values of sponsors it would otherwise skip): the same
/// decisions, the same random draws.
pub fn step_with(world: &World, rng: &mut SimRng, why: bool) -> Changes {
    let mut out = Changes::default();
    step_into(world, rng, why, &mut out, &mut Scratch::default());
    out
}

/// The working buffers of [`step_into`], kept by the engine between rounds.
#[derive(Debug, Default)]
pub struct Scratch {
    subjects: Vec<(f64, Subject)>,
    sponsoring: Vec<(StateIx, ProposalIx)>,
    present: Vec<crate::model::Pos>,
    grid: Grid,
    seats: seats::Scratch,
    /// The lists of last round's sessions and seatings, emptied, for this round's.
    spare_attendance: Vec<Vec<(StateIx, bool)>>,
    spare_seated: Vec<Vec<StateIx>>,
    procedural: forecast::ProceduralScratch,
}

impl Scratch {
    /// Room for every list at its largest in `world` (issue #17 item 3): an agenda of
    /// every proposal, a session of every state, and a seating of every venue.
    pub fn with_room(world: &World) -> Self {
        let (n, p, v) = (world.n_states(), world.proposals.len(), world.venues.len());
        Scratch {
            subjects: Vec::with_capacity(p),
            sponsoring: Vec::with_capacity(
                world.proposals.iter().map(|p| 1 + p.cosponsors.len()).sum(),
            ),
            present: Vec::with_capacity(n),
            grid: Grid::with_room(n),
            seats: seats::Scratch::with_room(n, world.sc.max_quotas()),
            spare_attendance: (0..v).map(|_| Vec::with_capacity(n)).collect(),
            spare_seated: (0..v).map(|_| Vec::with_capacity(n)).collect(),
            procedural: forecast::ProceduralScratch::with_room(world),
        }
    }
}

impl Changes {
    /// Room for a round of `world` in which every state joins or leaves a venue, is
    /// admitted somewhere, and every venue seats or admits (issue #17 item 3).
    pub fn with_room(world: &World) -> Self {
        let (n, v) = (world.n_states(), world.venues.len());
        Changes {
            joins: Vec::with_capacity(n),
            leaves: Vec::with_capacity(n),
            admissions: Vec::with_capacity(n),
            sessions: Vec::with_capacity(v),
            seatings: Vec::with_capacity(v),
            why: Vec::new(),
            rules: Vec::new(),
        }
    }

    /// Empties every list, keeping their capacity.
    pub fn clear(&mut self) {
        self.joins.clear();
        self.leaves.clear();
        self.admissions.clear();
        self.sessions.clear();
        self.seatings.clear();
        self.why.clear();
        self.rules.clear();
    }
}

/// [`step_with`] into reused buffers: `out` is cleared first.
pub fn step_into(
    world: &World,
    rng: &mut SimRng,
    why: bool,
    out: &mut Changes,
    scratch: &mut Scratch,
) {
    // Last round's member lists become this round's buffers.
    scratch
        .spare_attendance
        .extend(out.sessions.drain(..).map(|s| s.members));
    scratch
        .spare_seated
        .extend(out.seatings.drain(..).map(|(_, m)| m));
    out.clear();
    let n = world.n_states();
    for (v, venue) in world.venues.iter().enumerate() {
        if !venue.active {
            continue;
        }
        match &venue.membership {
            Membership::Open { universal: true } | Membership::Individuals => {}
            Membership::Open { universal: false } => {
                agenda_subjects_into(world, v, &mut scratch.subjects, &mut scratch.procedural);
                let subjects = &scratch.subjects;
                let mean_w = if venue.members.is_empty() {
                    0.0
                } else {
                    venue
                        .members
                        .iter()
                        .map(|&i| world.plain_weight(i))
                        .sum::<f64>()
                        / venue.members.len() as f64
                };
                // (sponsor or cosponsor, proposal) of every agenda item.
                let sponsoring = &mut scratch.sponsoring;
                sponsoring.clear();
                sponsoring.extend(venue.agenda.iter().flat_map(|&p| {
                    (world.proposals[p].sponsor.into_iter())
                        .chain(world.proposals[p].cosponsors.iter().copied())
                        .map(move |i| (i, p))
                }));
                let exit = -world.p.exit_cost;
                for i in 0..n {
                    if venue.member[i] {
                        // Sponsors stay while their proposals are on the agenda.
                        let sponsor = sponsoring.iter().find(|s| s.0 == i).map(|s| s.1);
                        if sponsor.is_some() && !why {
                            continue;
                        }
                        let parts = join_parts(world, i, v, subjects, mean_w);
                        if parts.value() < exit {
                            let choice = match sponsor {
                                None => {
                                    out.leaves.push((v, i));
                                    Choice::Left
                                }
                                Some(p) => Choice::Sponsor(p as u32),
                            };
                            if why {
                                out.why.push(JoinRow {
                                    choice,
                                    threshold: exit,
                                    ..parts
                                });
                            }
                        }
                    } else if !subjects.is_empty() {
                        let parts = join_parts(world, i, v, subjects, mean_w);
                        if parts.value() > 0.0 {
                            out.joins.push((v, i));
                            if why {
                                out.why.push(JoinRow {
                                    choice: Choice::Joined,
                                    ..parts
                                });
                            }
                        } else if why && parts.weight * parts.stake > 0.0 {
                            out.why.push(parts); // stayed out although it had a stake
                        }
                    }
                }
            }
            // Members invite; the record's invitations are `membership` events.
            Membership::Invitation {
                admit: Admit::Invited,
            } => {}
            Membership::Invitation { admit } => {
                // The rule applicants compare with, per venue; the applicants, in
                // state order.
                let rule = venue.mean_rule(world.sc.legacy);
                let first = out.admissions.len();
                for i in 0..n {
                    if !venue.member[i] && applies_to(world, i, rule) {
                        out.admissions.push(Admission {
                            venue: v,
                            applicant: i,
                            session: out.sessions.len(),
                            yes: 0,
                            no: 0,
                            admitted: false,
                        });
                    }
                }
                if out.admissions.len() == first {
                    continue;
                }
                // One session for all of them: each member attends or not (one draw
                // per member), and the present ones vote on every applicant.
                let mut members = scratch.spare_attendance.pop().unwrap_or_default();
                members.clear();
                members.extend(
                    venue
                        .members
                        .iter()
                        .map(|&j| (j, !super::vote::draw_absent(world, j, v, rng))),
                );
                let present = &mut scratch.present;
                present.clear();
                present.extend(members.iter().filter(|m| m.1).map(|&(j, _)| world.ideal[j]));
                let grid = &mut scratch.grid;
                grid.rebuild(present, world.p.admit_distance);
                for adm in &mut out.admissions[first..] {
                    let yes = grid.count_within(world.ideal[adm.applicant]);
                    adm.yes = yes as u32;
                    adm.no = (present.len() - yes) as u32;
                    adm.admitted = admitted(*admit, yes, present.len());
                }
                out.sessions.push(Session { venue: v, members });
                if why {
                    out.rules.push(AdmitRow {
                        round: world.round,
                        venue: v as u32,
                        rule: *admit,
                    });
                }
            }
            Membership::Appointed { term, .. } => {
                // A term runs from the venue's last draw (its creation, a change of
                // its membership rule, or the previous term's end).
                if world.round >= venue.seated + term.max(&1) {
                    let mut members = scratch.spare_seated.pop().unwrap_or_default();
                    seats::draw_into(
                        world,
                        &venue.membership,
                        rng,
                        &mut scratch.seats,
                        &mut members,
                    );
                    out.seatings.push((v, members));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admission_rules() {
        assert!(admitted(Admit::Unanimity, 5, 5));
        assert!(!admitted(Admit::Unanimity, 4, 5));
        assert!(admitted(Admit::Majority, 3, 5));
        assert!(!admitted(Admit::Majority, 2, 4));
        assert!(admitted(Admit::Supermajority, 4, 6));
        assert!(!admitted(Admit::Supermajority, 3, 6));
        assert!(!admitted(Admit::Majority, 0, 0));
    }
}
