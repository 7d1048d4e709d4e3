//! The semantic difference between two validated scenarios (`forumsim diff`).
//!
//! Each scenario is flattened into *facts*: a dotted key naming one value
//! (`venue.oewg.membership`, `parameters.legit_cost`, `state.GP1.tags`) and the value
//! in a short canonical form (`appointed{seats=25, reserved=[p5], term=2, quota_by=[]}`).
//! Tables of a list are keyed by id, references are written as ids, sets are sorted
//! where order carries no meaning, and defaults are explicit, so formatting, key
//! order, short versus full forms and omitted defaults never show up as changes.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{
    Decision, Event, FactWhat, KindSet, Membership, Origin, PARAM_DEFS, Pos, PositionSpec,
    ProceduralAction, Reach, Scenario, Stakeholders, Target, VenueChange,
};

/// One difference: a key and its value on either side (`None` = absent there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl std::fmt::Display for Change {
    /// `key: old -> new`, `key: added`, `key: removed`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.old, &self.new) {
            (Some(a), Some(b)) => write!(f, "{}: {a} -> {b}", self.key),
            (None, _) => write!(f, "{}: added", self.key),
            (_, None) => write!(f, "{}: removed", self.key),
        }
    }
}

/// Every difference from `a` to `b`, sorted by key. A table present on one side
/// only (a venue, a state, …) is one change, not one per key.
pub fn diff(a: &Scenario, b: &Scenario) -> Vec<Change> {
    let (fa, fb) = (Facts::of(a), Facts::of(b));
    let mut out = Vec::new();
    for e in fa.entities.difference(&fb.entities) {
        out.push(Change {
            key: e.clone(),
            old: Some(String::new()),
            new: None,
        });
    }
    for e in fb.entities.difference(&fa.entities) {
        out.push(Change {
            key: e.clone(),
            old: None,
            new: Some(String::new()),
        });
    }
    let only_one_side = |k: &str| {
        let entity = |set: &BTreeSet<String>| {
            set.iter().any(|e| {
                k.strip_prefix(e.as_str())
                    .is_some_and(|r| r.starts_with('.'))
            })
        };
        entity(&fa.entities) != entity(&fb.entities)
    };
    let keys: BTreeSet<&String> = fa.values.keys().chain(fb.values.keys()).collect();
    for k in keys {
        let (x, y) = (fa.values.get(k), fb.values.get(k));
        if x == y || only_one_side(k) {
            continue;
        }
        out.push(Change {
            key: k.clone(),
            old: Some(x.cloned().unwrap_or_else(|| "(none)".into())),
            new: Some(y.cloned().unwrap_or_else(|| "(none)".into())),
        });
    }
    out.sort_by(|p, q| p.key.cmp(&q.key));
    out
}

/// A scenario as facts.
#[derive(Debug, Default)]
pub struct Facts {
    /// `key -> value`.
    pub values: BTreeMap<String, String>,
    /// Tables of lists, as `venue.oewg`.
    pub entities: BTreeSet<String>,
}

fn num(x: f64) -> String {
    format!("{x}")
}

fn pos(p: Pos) -> String {
    format!("[{}, {}]", num(p.m), num(p.s))
}

fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    format!("[{}]", names.into_iter().collect::<Vec<_>>().join(", "))
}

fn sorted_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let set: BTreeSet<&str> = names.into_iter().collect();
    list(set)
}

fn kinds(k: KindSet) -> String {
    list(k.iter().map(|k| k.as_str()))
}

impl Facts {
    /// The facts of `sc`.
    pub fn of(sc: &Scenario) -> Facts {
        let mut f = Facts::default();
        let state = |i: usize| sc.states[i].id.as_str();
        let bloc = |i: usize| sc.blocs[i].id.as_str();
        let tag = |i: usize| sc.tags[i].as_str();
        let venue = |i: usize| sc.venues[i].id.as_str();
        let position = |p: &PositionSpec| match p {
            PositionSpec::SponsorIdeal => "(sponsor's ideal)".to_string(),
            PositionSpec::Given(p) => pos(*p),
            PositionSpec::Compromise => "(the room's compromise)".to_string(),
            PositionSpec::RuleOf(vs) => format!("rule_of{}", list(vs.iter().map(|&v| venue(v)))),
        };
        let membership = |m: &Membership| match m {
            Membership::Open { universal: false } => "open".to_string(),
            Membership::Open { universal: true } => "open{universal}".to_string(),
            Membership::Appointed {
                seats,
                reserved,
                term,
                quota_by,
            } => format!(
                "appointed{{seats={seats}, reserved={}, term={term}, quota_by={}}}",
                sorted_list(reserved.iter().map(|&t| tag(t))),
                sorted_list(quota_by.iter().map(|&b| bloc(b)))
            ),
            Membership::Invitation { admit } => {
                format!("invitation{{admit={}}}", admit.as_str())
            }
            Membership::Individuals => "individuals".to_string(),
        };
        let decision = |d: &Decision| match d {
            Decision::Consensus => "consensus".to_string(),
            Decision::ConsensusFirst { threshold } => {
                format!("consensus_first{{threshold={}}}", num(*threshold))
            }
            Decision::Majority { threshold } => {
                format!("majority{{threshold={}}}", num(*threshold))
            }
            Decision::Supermajority { threshold } => {
                format!("supermajority{{threshold={}}}", num(*threshold))
            }
            Decision::RoughConsensus { threshold } => {
                format!("rough_consensus{{threshold={}}}", num(*threshold))
            }
        };
        let stakeholders = |s: &Stakeholders| match s {
            Stakeholders::None => "none".to_string(),
            Stakeholders::Consultative { weight } => {
                format!("consultative{{weight={}}}", num(*weight))
            }
            Stakeholders::Full { weight } => format!("full{{weight={}}}", num(*weight)),
        };
        let change = |c: &VenueChange| {
            let mut parts = Vec::new();
            if let Some(m) = &c.membership {
                parts.push(format!("membership={}", membership(m)));
            }
            if let Some(d) = &c.decision {
                parts.push(format!("decision={}", decision(d)));
            }
            if let Some(s) = &c.stakeholders {
                parts.push(format!("stakeholders={}", stakeholders(s)));
            }
            if let Some(t) = c.transparency {
                parts.push(format!("transparency={}", num(t)));
            }
            if let Some(p) = c.privilege {
                parts.push(format!("privilege={}", num(p)));
            }
            if let Some(h) = c.hosts {
                parts.push(format!("hosts={}", kinds(h)));
            }
            format!("{{{}}}", parts.join(", "))
        };

        let mut put = |k: String, v: String| {
            f.values.insert(k, v);
        };
        put("name".into(), sc.name.clone());
        put("description".into(), sc.description.clone());
        put("rounds".into(), sc.rounds.to_string());
        put("start_year".into(), sc.start_year.to_string());
        put("seed".into(), sc.seed.to_string());
        put("runs".into(), sc.runs.to_string());
        for d in PARAM_DEFS {
            if let Some(x) = sc.params.get(d.name) {
                put(format!("parameters.{}", d.name), num(x));
            }
        }
        put(
            "parameters.allow_create".into(),
            sc.params.allow_create.to_string(),
        );
        put("legacy".into(), pos(sc.legacy));
        put("stakeholder.ideal".into(), pos(sc.stakeholder.ideal));
        put("stakeholder.salience".into(), num(sc.stakeholder.salience));

        let mut entities = BTreeSet::new();
        for b in &sc.blocs {
            let k = format!("bloc.{}", b.id);
            put(format!("{k}.name"), b.name.clone());
            put(format!("{k}.shift"), pos(b.shift));
            put(
                format!("{k}.cohesion"),
                b.cohesion.map_or("(global)".into(), num),
            );
            entities.insert(k);
        }
        for s in &sc.states {
            let k = format!("state.{}", s.id);
            put(format!("{k}.name"), s.name.clone());
            put(format!("{k}.regime"), num(s.regime));
            put(format!("{k}.power"), num(s.power));
            put(format!("{k}.competence"), num(s.competence));
            put(format!("{k}.ict"), num(s.ict));
            put(
                format!("{k}.tags"),
                sorted_list(s.tags.iter().map(|&t| tag(t))),
            );
            // Order matters: the first bloc is the home bloc.
            put(format!("{k}.blocs"), list(s.blocs.iter().map(|&b| bloc(b))));
            put(
                format!("{k}.ideal"),
                s.ideal.map_or("(derived)".into(), pos),
            );
            put(
                format!("{k}.salience"),
                s.salience.map_or("(derived)".into(), num),
            );
            entities.insert(k);
        }
        for v in &sc.venues {
            let k = format!("venue.{}", v.id);
            put(format!("{k}.name"), v.name.clone());
            let origin = match v.origin {
                Origin::Initial => "initial".to_string(),
                Origin::Event { round } => format!("event{{round={round}}}"),
                Origin::Proposal { proposal } => {
                    format!("proposal{{{}}}", sc.proposals[proposal].id)
                }
            };
            put(format!("{k}.origin"), origin);
            put(format!("{k}.membership"), membership(&v.membership));
            put(format!("{k}.decision"), decision(&v.decision));
            put(format!("{k}.stakeholders"), stakeholders(&v.stakeholders));
            put(format!("{k}.transparency"), num(v.transparency));
            put(format!("{k}.privilege"), num(v.privilege));
            put(format!("{k}.hosts"), kinds(v.hosts));
            let reach = match v.reach {
                Reach::Members => "members",
                Reach::Global => "global",
            };
            put(format!("{k}.reach"), reach.into());
            put(format!("{k}.binding"), v.binding.to_string());
            for (kind, p) in &v.rules {
                put(format!("{k}.rules.{}", kind.as_str()), pos(*p));
            }
            put(
                format!("{k}.negotiation_rounds"),
                v.negotiation_rounds.to_string(),
            );
            if let Some(u) = v.until {
                put(format!("{k}.until"), u.to_string());
            }
            if let Some(a) = v.acquis {
                put(format!("{k}.acquis"), venue(a).into());
            }
            put(
                format!("{k}.founders"),
                sorted_list(v.founders.iter().map(|&s| state(s))),
            );
            entities.insert(k);
        }
        for p in &sc.proposals {
            let k = format!("proposal.{}", p.id);
            put(format!("{k}.kind"), p.kind.as_str().into());
            put(
                format!("{k}.sponsor"),
                p.sponsor.map_or("(chair)", state).into(),
            );
            put(
                format!("{k}.cosponsors"),
                sorted_list(p.cosponsors.iter().map(|&s| state(s))),
            );
            put(format!("{k}.position"), position(&p.position));
            if let Some(u) = p.repeat_until {
                put(format!("{k}.repeat_until"), u.to_string());
            }
            if let Some(r) = p.ratifies {
                put(format!("{k}.ratifies"), sc.proposals[r].id.clone());
            }
            put(format!("{k}.introduced"), p.introduced.to_string());
            put(
                format!("{k}.venue"),
                p.venue.map_or("(chosen)".into(), |v| venue(v).into()),
            );
            put(format!("{k}.max_moves"), p.max_moves.to_string());
            if let Some(proc_) = &p.procedural {
                put(format!("{k}.parent"), venue(proc_.parent).into());
                let action = match &proc_.action {
                    ProceduralAction::Create {
                        venue: v,
                        mandate_kind,
                        mandate_position,
                        table_mandate,
                    } => format!(
                        "create{{venue={}, mandate={}, position={}{}}}",
                        venue(*v),
                        mandate_kind.as_str(),
                        position(mandate_position),
                        if *table_mandate { "" } else { ", not tabled" }
                    ),
                    ProceduralAction::Change {
                        venue: v,
                        change: c,
                    } => {
                        format!("change{{venue={}, {}}}", venue(*v), change(c))
                    }
                };
                put(format!("{k}.action"), action);
                put(
                    format!("{k}.replaces"),
                    sorted_list(proc_.replaces.iter().map(|&v| venue(v))),
                );
            }
            entities.insert(k);
        }
        for t in &sc.targets {
            let k = format!("target.{}", t.id);
            put(format!("{k}.venue"), venue(t.venue).into());
            put(format!("{k}.proposal"), sc.proposals[t.proposal].id.clone());
            put(format!("{k}.round"), t.round.to_string());
            let tally =
                |t: crate::model::Tally| format!("{}-{}-{}-{}", t.yes, t.no, t.abstain, t.absent);
            put(format!("{k}.recorded"), tally(t.recorded));
            put(
                format!("{k}.votes"),
                t.votes
                    .iter()
                    .map(|(s, b)| format!("{}:{}", state(*s), b.code()))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            put(
                format!("{k}.baseline"),
                t.categories
                    .iter()
                    .map(|(s, c)| format!("{}:{c}", state(*s)))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            put(format!("{k}.source"), t.source.clone());
            put(
                format!("{k}.reference"),
                t.reference.as_ref().map_or("(none)".into(), |r| {
                    let counts: Vec<String> = r
                        .counts
                        .iter()
                        .map(|c| c.map_or("?".into(), |n| n.to_string()))
                        .collect();
                    format!("{} {}", counts.join("-"), r.label)
                }),
            );
            entities.insert(k);
        }
        for t in &sc.election_targets {
            let k = format!("target.{}", t.id);
            put(format!("{k}.election"), sc.events[t.event].label.clone());
            put(
                format!("{k}.candidates"),
                t.candidates
                    .iter()
                    .map(|&(c, n)| format!("{}:{n}", state(c)))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            put(
                format!("{k}.absent"),
                t.absent.map_or("(not recorded)".into(), |a| a.to_string()),
            );
            put(format!("{k}.source"), t.source.clone());
            entities.insert(k);
        }
        for fa in &sc.facts {
            let k = format!("fact.{}", fa.id);
            let (what, fields): (&str, Vec<(&str, String)>) = match &fa.what {
                FactWhat::Proposal {
                    proposal,
                    venue: v,
                    outcome,
                } => (
                    "proposal",
                    vec![
                        ("proposal", sc.proposals[*proposal].id.clone()),
                        ("venue", venue(*v).to_string()),
                        ("outcome", outcome.as_str().to_string()),
                    ],
                ),
                FactWhat::Election {
                    event, candidate, ..
                } => (
                    "election",
                    vec![
                        ("election", sc.events[*event].label.clone()),
                        ("candidate", state(*candidate).to_string()),
                    ],
                ),
                FactWhat::Members { venue: v, members } => (
                    "members",
                    vec![
                        ("venue", venue(*v).to_string()),
                        ("members", members.to_string()),
                    ],
                ),
            };
            put(format!("{k}.what"), what.to_string());
            for (field, value) in fields {
                put(format!("{k}.{field}"), value);
            }
            put(
                format!("{k}.years"),
                format!("{}-{}", sc.year(fa.first), sc.year(fa.last)),
            );
            put(format!("{k}.source"), fa.source.clone());
            entities.insert(k);
        }
        for e in &sc.events {
            let k = format!("event.{}", e.label);
            put(format!("{k}.round"), e.round.to_string());
            // One key per field, named as in the file, so that a patch such as
            // `event.shock.delta=0` shows up as exactly that key.
            let (kind, fields): (&str, Vec<(&str, String)>) = match &e.event {
                Event::LegitimacyShock { state: s, delta } => (
                    "legitimacy_shock",
                    vec![("state", state(*s).to_string()), ("delta", num(*delta))],
                ),
                Event::IdealShift { target, dm, ds } => {
                    let t = match target {
                        Target::State(s) => ("state", state(*s).to_string()),
                        Target::Bloc(b) => ("bloc", bloc(*b).to_string()),
                    };
                    ("ideal_shift", vec![t, ("dm", num(*dm)), ("ds", num(*ds))])
                }
                Event::VenueChange {
                    venue: v,
                    change: c,
                } => (
                    "venue_change",
                    vec![("venue", venue(*v).to_string()), ("change", change(c))],
                ),
                Event::NewVenue { venue: v } => {
                    ("new_venue", vec![("venue", venue(*v).to_string())])
                }
                Event::Membership {
                    venue: v,
                    join,
                    states,
                } => (
                    "membership",
                    vec![
                        ("venue", venue(*v).to_string()),
                        ("action", if *join { "join" } else { "leave" }.to_string()),
                        ("states", sorted_list(states.iter().map(|&x| state(x)))),
                    ],
                ),
                Event::Tag {
                    state: s,
                    tag: t,
                    add,
                } => (
                    "tag",
                    vec![
                        ("state", state(*s).to_string()),
                        ("tag", tag(*t).to_string()),
                        ("action", if *add { "add" } else { "remove" }.to_string()),
                    ],
                ),
                Event::Election {
                    venue: v,
                    candidates,
                } => (
                    "election",
                    vec![
                        ("venue", venue(*v).to_string()),
                        ("candidates", list(candidates.iter().map(|&x| state(x)))),
                    ],
                ),
            };
            put(format!("{k}.type"), kind.to_string());
            for (field, value) in fields {
                put(format!("{k}.{field}"), value);
            }
            entities.insert(k);
        }
        f.entities = entities;
        f
    }
}
