//! Venue validation: membership, decision and stakeholder rules, hosted kinds,
//! initial rules and founders, for initial venues, venues created by procedural
//! proposals and venues brought in by events — and the venue changes that
//! procedural proposals and events make.

use toml::Spanned as S;

use super::builder::{Builder, Result};
use super::error::{Errors, Span, did_you_mean, one_of};
use super::limits;
use super::plan::Plan;
use super::raw::{Names, RawDecision, RawMembership, RawStakeholders, RawVenue, Short};
use crate::model::{
    Admit, Decision, Kind, KindSet, Membership, Origin, Reach, Stakeholders, StateIx, VenueChange,
    VenueSpec,
};

/// Validates every venue of the plan, in index order.
/// Every venue, or every bad venue's error (each is checked on its own).
pub(super) fn venues(b: &mut Builder, plan: &Plan) -> Result<Vec<VenueSpec>> {
    let mut errors = Errors::default();
    let out: Vec<VenueSpec> = plan
        .venues
        .iter()
        .filter_map(|v| errors.keep(venue(b, v.raw, v.origin)))
        .collect();
    errors.finish()?;
    Ok(out)
}

fn venue(b: &mut Builder, v: &RawVenue, origin: Origin) -> Result<VenueSpec> {
    let id = v.id.get_ref().trim().to_string();
    let ctx = format!("venue \"{id}\"");
    let created = matches!(origin, Origin::Proposal { .. });
    let membership = membership(b, &v.membership, &ctx)?;
    let decision = decision(b, &v.decision, &ctx)?;
    let stakeholders = match &v.stakeholders {
        Some(s) => stakeholders(b, s, &ctx)?,
        None => Stakeholders::None,
    };
    let transparency = b.unit(&v.transparency, &ctx, "transparency")?;
    let privilege = v
        .privilege
        .as_ref()
        .map(|p| b.unit(p, &ctx, "privilege"))
        .transpose()?
        .unwrap_or(0.0);
    let hosts = hosts(b, &v.hosts, &ctx)?;
    let reach = match &v.reach {
        None => Reach::Members,
        Some(r) => match r.get_ref().as_str() {
            "members" => Reach::Members,
            "global" => Reach::Global,
            other => {
                let hint = did_you_mean(other, ["members", "global"]);
                return Err(b.err(
                    &r.span(),
                    &ctx,
                    format!("reach must be `members` or `global`, got `{other}`{hint}"),
                ));
            }
        },
    };
    let mut rules = Vec::new();
    if let Some(table) = &v.rules {
        for (k, pos) in table.get_ref() {
            let kind = kind(b, k, &ctx, "rules")?;
            if kind == Kind::Procedural {
                return Err(b.err(&k.span(), &ctx, "rules: procedural proposals set no rule; give rules for norms, cybercrime or standards"));
            }
            if !hosts.contains(kind) {
                return Err(b.err(
                    &k.span(),
                    &ctx,
                    format!(
                        "rules: a rule for `{}`, which the venue does not host (hosts: {})",
                        kind.as_str(),
                        kinds_text(hosts)
                    ),
                ));
            }
            rules.push((kind, b.pos(pos, &ctx, &format!("rules.{}", kind.as_str()))?));
        }
    }
    let negotiation_rounds = match &v.negotiation_rounds {
        Some(n) => b.int(
            n,
            1,
            limits::MAX_NEGOTIATION_ROUNDS,
            &ctx,
            "negotiation_rounds",
        )? as u32,
        None => 1,
    };
    let founders = founders(b, v, &membership, created, &ctx)?;
    let until = b.round_or_year(v.until.as_ref(), v.until_year.as_ref(), &ctx, "until")?;
    let acquis = v
        .acquis
        .as_ref()
        .map(|a| {
            let ix = b.venue_ref(a, &ctx)?;
            if b.venue_ix.get(id.as_str()) == Some(&ix) {
                return Err(b.err(
                    &a.span(),
                    &ctx,
                    "acquis names the venue itself: name its predecessor",
                ));
            }
            Ok(ix)
        })
        .transpose()?;
    match (&v.mandate, created) {
        (Some(m), false) => {
            return Err(b.err(
                &m.span(),
                &ctx,
                "`mandate` belongs to a venue in a procedural proposal's `create`",
            ));
        }
        (None, true) => {
            return Err(b.err(
                &v.id.span(),
                &ctx,
                "a venue created by a procedural proposal needs a `mandate = { kind = \"norms\", position = [m, s] }`",
            ));
        }
        _ => {}
    }
    Ok(VenueSpec {
        name: v
            .name
            .as_ref()
            .map_or_else(|| id.clone(), |n| n.get_ref().clone()),
        id,
        origin,
        membership,
        decision,
        stakeholders,
        transparency,
        privilege,
        hosts,
        reach,
        binding: v.binding.as_ref().is_some_and(|b| *b.get_ref()),
        rules,
        negotiation_rounds,
        founders,
        until,
        acquis,
    })
}

/// The founders of a venue: `founders` ∪ members of `founder_blocs` ∪ carriers of
/// `founder_tags`, in state index order — and only where the membership rule uses them.
fn founders(
    b: &mut Builder,
    v: &RawVenue,
    membership: &Membership,
    created: bool,
    ctx: &str,
) -> Result<Vec<StateIx>> {
    let given = [&v.founders, &v.founder_blocs, &v.founder_tags]
        .into_iter()
        .zip(["founders", "founder_blocs", "founder_tags"])
        .find_map(|(f, key)| f.as_ref().map(|f| (f.span(), key)));
    if let Some((span, key)) = &given {
        let why = match membership {
            Membership::Open { universal: true } => {
                Some("an open venue with initial = \"all\" has every state as a member")
            }
            Membership::Appointed { .. } => Some("an appointed venue's seats are drawn every term"),
            Membership::Individuals => Some("an `individuals` venue has no state members"),
            Membership::Open { universal: false } if created => Some(
                "an open venue created by a proposal starts with the parent venue's participants",
            ),
            _ => None,
        };
        if let Some(why) = why {
            return Err(b.err(span, ctx, format!("{why}: drop `{key}`")));
        }
    }
    let mut out = Vec::new();
    if let Some(f) = &v.founders {
        out.extend(b.state_list(f, ctx, "founders")?);
    }
    if let Some(blocs) = &v.founder_blocs {
        for (bloc, name) in b
            .bloc_list(blocs, ctx, "founder_blocs")?
            .into_iter()
            .zip(blocs.get_ref())
        {
            let members: Vec<StateIx> = b.states_in_bloc(bloc).collect();
            if members.is_empty() {
                return Err(b.err(
                    &name.span(),
                    ctx,
                    format!(
                        "founder_blocs: bloc `{}` has no member states",
                        name.get_ref()
                    ),
                ));
            }
            out.extend(members);
        }
    }
    if let Some(tags) = &v.founder_tags {
        for name in tags.get_ref() {
            let tag = b.intern(name.get_ref());
            if !b.state_tags.contains(&tag) {
                let carried: Vec<&str> = b.state_tags.iter().map(|&t| b.tags[t].as_str()).collect();
                let hint = did_you_mean(name.get_ref(), carried);
                return Err(b.err(
                    &name.span(),
                    ctx,
                    format!(
                        "founder_tags: no state carries tag `{}`{hint}",
                        name.get_ref()
                    ),
                ));
            }
            out.extend(b.states_tagged(tag).collect::<Vec<_>>());
        }
    }
    out.sort_unstable();
    out.dedup();
    if out.is_empty() && matches!(membership, Membership::Invitation { .. }) {
        let span = given.map_or_else(|| v.membership.span(), |(s, _)| s);
        return Err(b.err(
            &span,
            ctx,
            "an invitation venue needs founders (its first members, who admit the others): give `founders`, `founder_blocs` or `founder_tags`",
        ));
    }
    Ok(out)
}

/// A kind name.
pub(super) fn kind(b: &Builder, v: &S<String>, ctx: &str, key: &str) -> Result<Kind> {
    Kind::parse(v.get_ref()).ok_or_else(|| {
        let names = Kind::ALL.map(Kind::as_str);
        let hint = did_you_mean(v.get_ref(), names);
        b.err(
            &v.span(),
            ctx,
            format!(
                "{key}: unknown kind `{}`{hint} (kinds: norms, cybercrime, standards, procedural)",
                v.get_ref()
            ),
        )
    })
}

/// A non-empty list of distinct kinds.
pub(super) fn hosts(b: &Builder, names: &Names, ctx: &str) -> Result<KindSet> {
    if names.get_ref().is_empty() {
        return Err(b.err(
            &names.span(),
            ctx,
            "hosts must name at least one kind (norms, cybercrime, standards, procedural)",
        ));
    }
    let mut set = KindSet::EMPTY;
    for n in names.get_ref() {
        let k = kind(b, n, ctx, "hosts")?;
        if set.contains(k) {
            return Err(b.err(
                &n.span(),
                ctx,
                format!("hosts names `{}` twice", k.as_str()),
            ));
        }
        set.insert(k);
    }
    Ok(set)
}

/// `norms, cybercrime` — for messages.
pub(super) fn kinds_text(set: KindSet) -> String {
    set.iter().map(Kind::as_str).collect::<Vec<_>>().join(", ")
}

/// The `type` of a short-or-full table, its span, and the table when written in full.
fn typed<'r, T>(
    b: &Builder,
    v: &'r S<Short<T>>,
    type_of: fn(&T) -> &S<String>,
    ctx: &str,
    key: &str,
    types: &[&str],
) -> Result<(&'r str, Span, Option<&'r T>)> {
    let (name, span, full) = match v.get_ref() {
        Short::Name(n) => (n.as_str(), v.span(), None),
        Short::Full(t) => (type_of(t).get_ref().as_str(), type_of(t).span(), Some(t)),
        Short::Number(x) => {
            return Err(b.err(
                &v.span(),
                ctx,
                format!(
                    "{key} must be a type ({}) or a table, got {x}",
                    one_of(types)
                ),
            ));
        }
    };
    if !types.contains(&name) {
        let hint = did_you_mean(name, types.iter().copied());
        return Err(b.err(
            &span,
            ctx,
            format!(
                "{key}: unknown type `{name}`{hint} (types: {})",
                one_of(types)
            ),
        ));
    }
    Ok((name, span, full))
}

/// A membership rule (ODD §2).
pub(super) fn membership(
    b: &mut Builder,
    v: &S<Short<RawMembership>>,
    ctx: &str,
) -> Result<Membership> {
    const TYPES: [&str; 4] = ["open", "appointed", "invitation", "individuals"];
    let (kind, kind_span, full) =
        typed(b, v, |m: &RawMembership| &m.kind, ctx, "membership", &TYPES)?;
    if let Some(m) = full {
        let present = [
            ("initial", m.initial.as_ref().map(S::span)),
            ("seats", m.seats.as_ref().map(S::span)),
            ("reserved", m.reserved.as_ref().map(S::span)),
            ("term", m.term.as_ref().map(S::span)),
            ("quota_by", m.quota_by.as_ref().map(S::span)),
            ("admit", m.admit.as_ref().map(S::span)),
        ];
        let allowed: &[&str] = match kind {
            "open" => &["initial"],
            "appointed" => &["seats", "reserved", "term", "quota_by"],
            "invitation" => &["admit"],
            _ => &[],
        };
        b.only(ctx, &format!("membership `{kind}`"), &present, allowed)?;
    }
    Ok(match kind {
        "open" => {
            let universal = match full.and_then(|m| m.initial.as_ref()) {
                None => false,
                Some(i) => match i.get_ref().as_str() {
                    "all" => true,
                    "founders" => false,
                    other => {
                        return Err(b.err(&i.span(), ctx, format!("membership: initial must be \"all\" or \"founders\", got \"{other}\"")));
                    }
                },
            };
            Membership::Open { universal }
        }
        "individuals" => Membership::Individuals,
        "invitation" => {
            let admit = match full.and_then(|m| m.admit.as_ref()) {
                None => Admit::Unanimity,
                Some(a) => match a.get_ref().as_str() {
                    "unanimity" => Admit::Unanimity,
                    "majority" => Admit::Majority,
                    "supermajority" => Admit::Supermajority,
                    "invited" => Admit::Invited,
                    other => {
                        let hint = did_you_mean(
                            other,
                            ["unanimity", "majority", "supermajority", "invited"],
                        );
                        return Err(b.err(
                            &a.span(),
                            ctx,
                            format!("membership: admit must be `unanimity`, `majority`, `supermajority` or `invited`, got `{other}`{hint}"),
                        ));
                    }
                },
            };
            Membership::Invitation { admit }
        }
        _ => {
            let (Some(m), Some(seats)) = (full, full.and_then(|m| m.seats.as_ref())) else {
                return Err(b.err(
                    &kind_span,
                    ctx,
                    "membership `appointed` needs `seats`, e.g. { type = \"appointed\", seats = 25, reserved = [\"p5\"], term = 2 }",
                ));
            };
            appointed(b, m, seats, ctx)?
        }
    })
}

fn appointed(
    b: &mut Builder,
    m: &RawMembership,
    seats_v: &S<i64>,
    ctx: &str,
) -> Result<Membership> {
    let seats = b.count(seats_v, 1, ctx, "seats")? as usize;
    let term = match &m.term {
        Some(t) => b.count(t, 1, ctx, "term")?,
        None => 1,
    };
    let quota_by = match &m.quota_by {
        Some(q) => b.bloc_list(q, ctx, "quota_by")?,
        None => Vec::new(),
    };
    let mut reserved = Vec::new();
    if let Some(list) = &m.reserved {
        for name in list.get_ref() {
            let tag = b.intern(name.get_ref());
            if reserved.contains(&tag) {
                return Err(b.err(
                    &name.span(),
                    ctx,
                    format!("reserved names tag `{}` twice", name.get_ref()),
                ));
            }
            reserved.push(tag);
            b.reserved_refs.push((tag, name.span(), ctx.to_string()));
        }
    }
    let eligible = if quota_by.is_empty() {
        b.states.len()
    } else {
        b.states
            .iter()
            .filter(|s| s.blocs.iter().any(|x| quota_by.contains(x)))
            .count()
    };
    if seats > eligible {
        let among = if quota_by.is_empty() {
            "the world has"
        } else {
            "the quota_by blocs have"
        };
        return Err(b.err(
            &seats_v.span(),
            ctx,
            format!("membership: {seats} appointed seats but {among} only {eligible} states to fill them"),
        ));
    }
    let sitting = b
        .states
        .iter()
        .filter(|s| s.tags.iter().any(|t| reserved.contains(t)))
        .count();
    if sitting > seats {
        let span = m.reserved.as_ref().map_or_else(|| seats_v.span(), S::span);
        return Err(b.err(
            &span,
            ctx,
            format!(
                "membership: {sitting} states carry a reserved tag and always sit, but there {}",
                if seats == 1 {
                    "is only 1 seat".to_string()
                } else {
                    format!("are only {seats} seats")
                }
            ),
        ));
    }
    Ok(Membership::Appointed {
        seats,
        reserved,
        term,
        quota_by,
    })
}

/// A decision rule (ODD §7.8); thresholds default to MODEL.md's.
pub(super) fn decision(b: &Builder, v: &S<Short<RawDecision>>, ctx: &str) -> Result<Decision> {
    const TYPES: [&str; 5] = [
        "consensus",
        "consensus_first",
        "majority",
        "supermajority",
        "rough_consensus",
    ];
    let (kind, _, full) = typed(b, v, |d: &RawDecision| &d.kind, ctx, "decision", &TYPES)?;
    let threshold = full.and_then(|d| d.threshold.as_ref());
    if kind == "consensus" {
        if let Some(t) = threshold {
            return Err(b.err(
                &t.span(),
                ctx,
                "decision `consensus` takes no `threshold` (any no vote blocks it)",
            ));
        }
        return Ok(Decision::Consensus);
    }
    let default = if kind == "majority" || kind == "consensus_first" {
        0.5
    } else {
        2.0 / 3.0
    };
    let threshold = threshold
        .map(|t| b.unit(t, ctx, "decision threshold"))
        .transpose()?
        .unwrap_or(default);
    Ok(match kind {
        "consensus_first" => Decision::ConsensusFirst { threshold },
        "majority" => Decision::Majority { threshold },
        "supermajority" => Decision::Supermajority { threshold },
        _ => Decision::RoughConsensus { threshold },
    })
}

/// A stakeholder rule; the weight is capped by the `max_stakeholder_weight` parameter.
pub(super) fn stakeholders(
    b: &Builder,
    v: &S<Short<RawStakeholders>>,
    ctx: &str,
) -> Result<Stakeholders> {
    const TYPES: [&str; 3] = ["none", "consultative", "full"];
    let (kind, kind_span, full) = typed(
        b,
        v,
        |s: &RawStakeholders| &s.kind,
        ctx,
        "stakeholders",
        &TYPES,
    )?;
    let weight = full.and_then(|s| s.weight.as_ref());
    if kind == "none" {
        if let Some(w) = weight {
            return Err(b.err(&w.span(), ctx, "stakeholders `none` takes no `weight`"));
        }
        return Ok(Stakeholders::None);
    }
    let Some(w) = weight else {
        return Err(b.err(
            &kind_span,
            ctx,
            format!(
                "stakeholders `{kind}` needs a weight, e.g. {{ type = \"{kind}\", weight = 0.1 }}"
            ),
        ));
    };
    let cap = b.params.max_stakeholder_weight;
    let weight = b.range(w, 0.0, cap, ctx, "stakeholder weight").map_err(|_| {
        b.err(
            &w.span(),
            ctx,
            format!("stakeholder weight must be in [0, {cap}] (parameters.max_stakeholder_weight), got {}", w.get_ref()),
        )
    })?;
    Ok(if kind == "full" {
        Stakeholders::Full { weight }
    } else {
        Stakeholders::Consultative { weight }
    })
}

/// The fields a venue change may carry, borrowed from a proposal's `change` or an event.
pub(super) struct ChangeRefs<'r> {
    pub membership: Option<&'r S<Short<RawMembership>>>,
    pub decision: Option<&'r S<Short<RawDecision>>>,
    pub stakeholders: Option<&'r S<Short<RawStakeholders>>>,
    pub transparency: Option<&'r S<f64>>,
    pub privilege: Option<&'r S<f64>>,
    pub hosts: Option<&'r Names>,
}

/// A venue change; `at` is where to point if it changes nothing.
pub(super) fn change(b: &mut Builder, c: &ChangeRefs, ctx: &str, at: &Span) -> Result<VenueChange> {
    let out = VenueChange {
        membership: c.membership.map(|m| membership(b, m, ctx)).transpose()?,
        decision: c.decision.map(|d| decision(b, d, ctx)).transpose()?,
        stakeholders: c
            .stakeholders
            .map(|s| stakeholders(b, s, ctx))
            .transpose()?,
        transparency: c
            .transparency
            .map(|t| b.unit(t, ctx, "transparency"))
            .transpose()?,
        privilege: c
            .privilege
            .map(|p| b.unit(p, ctx, "privilege"))
            .transpose()?,
        hosts: c.hosts.map(|h| hosts(b, h, ctx)).transpose()?,
    };
    if out == VenueChange::default() {
        return Err(b.err(
            at,
            ctx,
            "a venue change must set at least one of membership, decision, stakeholders, transparency, privilege, hosts",
        ));
    }
    Ok(out)
}
