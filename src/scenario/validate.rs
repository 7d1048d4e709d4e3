//! Raw scenario → validated [`Scenario`]: every range checked, every name resolved
//! to an index, every contradiction reported at the line that causes it.
//!
//! The order matters and is fixed: top-level numbers and `[parameters]` (venues
//! check stakeholder weights against `max_stakeholder_weight`), blocs, states (CSV,
//! then inline, then populations), then the ids of all venues and proposals
//! (`plan.rs`) — so any reference may name a venue created by a proposal or an
//! event — then venues (`venues.rs`), proposals and events (`agenda.rs`), the tags,
//! which need both the states that carry them and the venues and events that name
//! them, and last the records (`targets.rs`, then `facts.rs`), which may name any of
//! these. This file holds the first passes and runs them all; the state they share
//! is in `builder.rs`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use toml::Spanned as S;

use super::builder::{Builder, Result, Site};
use super::error::{Errors, Source, Span, all_of, did_you_mean};
use super::plan::Plan;
use super::population::{self, Attr, Dist, Group};
use super::raw::{Names, RawBloc, RawDist, RawPopulation, RawScenario, RawState, Short};
use super::{agenda, facts, limits, states_csv, targets, venues};
use crate::model::rng::population_rng;
use crate::model::{BlocSpec, Params, Pos, Scenario, StakeholderActor, StateSpec, TagIx};

/// The legacy multistakeholder rule of ODD §2 (the default of `legacy`).
pub const LEGACY: Pos = Pos::new(0.15, 0.2);

/// Largest group a `[[population]]` may draw: far above the 20,000-state synthetic
/// worlds the engine targets, low enough that a typo cannot exhaust memory.
const MAX_POPULATION: i64 = 1_000_000;

/// The message for a world of `n` states, more than [`limits::MAX_STATES`].
fn too_many_states(n: usize) -> String {
    format!(
        "the world would have {n} states, more than the limit of {} (docs/SCENARIOS.md, Limits)",
        limits::MAX_STATES
    )
}

/// The passes over the world's own tables: `[parameters]`, blocs, and states (from
/// the CSV table, inline, drawn from populations). The later passes, which only
/// read what these define, are free functions in their own files.
impl Builder<'_> {
    fn parameters(&mut self, raw: &RawScenario) -> Result<()> {
        let Some(table) = &raw.parameters else {
            return Ok(());
        };
        for (k, v) in table.get_ref() {
            let key = k.get_ref().as_str();
            if key == "allow_create" {
                match v.get_ref() {
                    toml::Value::Boolean(b) => self.params.allow_create = *b,
                    other => {
                        return Err(self.err(
                            &v.span(),
                            "parameters",
                            format!("allow_create must be true or false, got {other}"),
                        ));
                    }
                }
                continue;
            }
            let Some(def) = Params::def(key) else {
                let hint = did_you_mean(key, Params::names());
                return Err(self.err(
                    &k.span(),
                    "parameters",
                    format!("unknown parameter `{key}`{hint}"),
                ));
            };
            let x = match v.get_ref() {
                toml::Value::Float(f) => *f,
                toml::Value::Integer(i) => *i as f64,
                other => {
                    return Err(self.err(
                        &v.span(),
                        "parameters",
                        format!("{key} must be a number, got {other}"),
                    ));
                }
            };
            let x = self.range(&S::new(v.span(), x), def.min, def.max, "parameters", key)?;
            if let Some(slot) = self.params.slot(key) {
                *slot = x;
            }
        }
        Ok(())
    }

    /// Every bloc; each is checked on its own, and every bad one is reported.
    fn blocs(&mut self, raw: &RawScenario) -> Result<()> {
        let mut first: HashMap<String, Span> = HashMap::new();
        let mut errors = Errors::default();
        for b in &raw.bloc {
            errors.keep(self.bloc(b.get_ref(), &mut first));
        }
        errors.finish()
    }

    /// One bloc; `first` says where each id was first defined.
    fn bloc(&mut self, b: &RawBloc, first: &mut HashMap<String, Span>) -> Result<()> {
        let id = self.id(&b.id, "bloc", "id")?;
        let ctx = format!("bloc \"{id}\"");
        self.claim_id(first, "bloc", &id, b.id.span())?;
        let shift = match &b.shift {
            Some(v) => {
                let [dm, ds] = *v.get_ref();
                if !((-1.0..=1.0).contains(&dm) && (-1.0..=1.0).contains(&ds)) {
                    return Err(self.err(
                        &v.span(),
                        &ctx,
                        format!("shift must be [dm, ds] with both in [-1, 1], got [{dm}, {ds}]"),
                    ));
                }
                Pos::new(dm, ds)
            }
            None => Pos::new(0.0, 0.0),
        };
        let cohesion = b
            .cohesion
            .as_ref()
            .map(|c| self.unit(c, &ctx, "cohesion"))
            .transpose()?;
        let name = b
            .name
            .as_ref()
            .map_or_else(|| id.clone(), |n| n.get_ref().clone());
        self.add_bloc(BlocSpec {
            id,
            name,
            shift,
            cohesion,
        });
        Ok(())
    }

    fn states(&mut self, raw: &RawScenario, base_dir: &Path, population_seed: u64) -> Result<()> {
        // Where each id was first defined, for duplicate messages.
        let mut first: HashMap<String, String> = HashMap::new();
        // Each state (CSV row or inline table) is checked on its own: every bad one is
        // reported. A CSV file that cannot be read or parsed stops here, alone.
        let mut errors = Errors::default();

        if let Some(csv) = &raw.states_csv {
            let path = states_csv::resolve(base_dir, csv.get_ref());
            let rows = states_csv::read(&path).map_err(|e| {
                self.err(
                    &csv.span(),
                    "",
                    format!("states_csv: cannot read `{}`: {e}", path.display()),
                )
            })??;
            for row in rows {
                let site = Site::Csv(&path, row.line);
                let tags: Vec<(&str, Site)> = row
                    .tags
                    .iter()
                    .map(|t| (t.as_str(), site.clone()))
                    .collect();
                let Some(tags) = errors.keep(self.state_tags_at(&tags, "")) else {
                    continue;
                };
                let blocs: Vec<(&str, Site)> = row
                    .blocs
                    .iter()
                    .map(|b| (b.as_str(), site.clone()))
                    .collect();
                let Some(blocs) = errors.keep(self.blocs_at(&blocs, "", "blocs")) else {
                    continue;
                };
                let state = StateSpec {
                    id: row.id,
                    name: row.name,
                    regime: row.regime,
                    power: row.power,
                    competence: row.competence,
                    ict: row.ict,
                    tags,
                    blocs,
                    ideal: row.ideal,
                    salience: row.salience,
                };
                let here = format!("{}:{}", path.display(), row.line);
                errors.keep(self.add_state(state, &site, here, &mut first));
            }
        }

        for s in &raw.state {
            let Some(state) = errors.keep(self.inline_state(s.get_ref())) else {
                continue;
            };
            let here = self.place(&s.get_ref().id.span());
            let site = Site::Toml(s.get_ref().id.span());
            errors.keep(self.add_state(state, &site, here, &mut first));
        }
        errors.finish()?;

        if self.states.len() > limits::MAX_STATES {
            let span = raw.states_csv.as_ref().map_or(0..0, |c| c.span());
            return Err(self.err(&span, "", too_many_states(self.states.len())));
        }
        // Every group is read and the world's size checked before any state is drawn:
        // a world too large is refused at once, not after drawing the groups before it.
        let mut groups = Vec::with_capacity(raw.population.len());
        let mut total = self.states.len();
        for p in &raw.population {
            let p = p.get_ref();
            let group = self.group(p)?;
            total = total.saturating_add(group.count);
            if total > limits::MAX_STATES {
                let ctx = format!("population \"{}\"", group.label);
                return Err(self.err(
                    &p.count.span(),
                    &ctx,
                    format!("count: {}", too_many_states(total)),
                ));
            }
            groups.push(group);
        }
        let mut rng = population_rng(population_seed);
        for (p, group) in raw.population.iter().zip(groups) {
            let p = p.get_ref();
            let ctx = format!("population \"{}\"", group.label);
            for state in population::draw(&group, &mut rng) {
                if !state.power.is_finite() {
                    return Err(self.err(
                        &p.power.span(),
                        &ctx,
                        format!(
                            "power: state {} drew an infinite power; lower mu or sigma",
                            state.id
                        ),
                    ));
                }
                self.add_state(
                    state,
                    &Site::Toml(p.id_prefix.span()),
                    ctx.clone(),
                    &mut first,
                )?;
            }
        }

        if self.states.is_empty() {
            return Err(self.err(
                &(0..0),
                "",
                "the world has no states: add `[[state]]` tables, a `states_csv` table or a `[[population]]` group",
            ));
        }
        // Power is relative: normalise so the world sums to 1 (ODD §2).
        let total: f64 = self.states.iter().map(|s| s.power).sum();
        if !total.is_finite() {
            return Err(self.err(
                &(0..0),
                "",
                "the states' powers add up to more than a number can hold; scale them down",
            ));
        }
        for s in &mut self.states {
            s.power /= total;
        }
        Ok(())
    }

    fn state_tags_at(&mut self, names: &[(&str, Site)], ctx: &str) -> Result<Vec<TagIx>> {
        let mut out = Vec::new();
        for (name, site) in names {
            if name.trim().is_empty() {
                return Err(self.site_err(site, ctx, "a tag must not be empty"));
            }
            let ix = self.intern(name);
            if out.contains(&ix) {
                return Err(self.site_err(site, ctx, format!("tags name `{name}` twice")));
            }
            out.push(ix);
        }
        Ok(out)
    }

    fn tag_list(&mut self, names: Option<&Names>, ctx: &str) -> Result<Vec<TagIx>> {
        let Some(names) = names else {
            return Ok(Vec::new());
        };
        let named: Vec<(&str, Site)> = names
            .get_ref()
            .iter()
            .map(|n| (n.get_ref().as_str(), Site::Toml(n.span())))
            .collect();
        self.state_tags_at(&named, ctx)
    }

    fn inline_state(&mut self, s: &RawState) -> Result<StateSpec> {
        let id = self.id(&s.id, "state", "id")?;
        let ctx = format!("state \"{id}\"");
        let power = *s.power.get_ref();
        if !(power.is_finite() && power > 0.0) {
            return Err(self.err(
                &s.power.span(),
                &ctx,
                format!("power must be positive, got {power}"),
            ));
        }
        let salience = match &s.salience {
            Some(v) if !(*v.get_ref() > 0.0 && *v.get_ref() <= 1.0) => {
                return Err(self.err(
                    &v.span(),
                    &ctx,
                    format!("salience must be in (0, 1], got {}", v.get_ref()),
                ));
            }
            v => v.as_ref().map(|v| *v.get_ref()),
        };
        Ok(StateSpec {
            name: s
                .name
                .as_ref()
                .map_or_else(|| id.clone(), |n| n.get_ref().clone()),
            regime: self.unit(&s.regime, &ctx, "regime")?,
            power,
            competence: self.unit(&s.competence, &ctx, "competence")?,
            ict: self.unit(&s.ict, &ctx, "ict")?,
            tags: self.tag_list(s.tags.as_ref(), &ctx)?,
            blocs: match &s.blocs {
                Some(b) => self.bloc_list(b, &ctx, "blocs")?,
                None => Vec::new(),
            },
            ideal: s
                .ideal
                .as_ref()
                .map(|v| self.pos(v, &ctx, "ideal"))
                .transpose()?,
            salience,
            id,
        })
    }

    fn group(&mut self, p: &RawPopulation) -> Result<Group> {
        let label = p.label.get_ref().clone();
        let ctx = format!("population \"{label}\"");
        let count = self.int(&p.count, 1, MAX_POPULATION, &ctx, "count")? as usize;
        let id_prefix = self.id(&p.id_prefix, &ctx, "id_prefix")?;
        let mut home = Vec::new();
        if let Some(list) = &p.home_bloc {
            if list.get_ref().is_empty() {
                return Err(self.err(
                    &list.span(),
                    &ctx,
                    "home_bloc is empty: give at least one { bloc, weight } or drop it",
                ));
            }
            for h in list.get_ref() {
                let h = h.get_ref();
                let b = self.bloc_ref(&h.bloc, &ctx)?;
                if home.iter().any(|&(x, _)| x == b) {
                    return Err(self.err(
                        &h.bloc.span(),
                        &ctx,
                        format!("home_bloc names bloc `{}` twice", h.bloc.get_ref()),
                    ));
                }
                let w = *h.weight.get_ref();
                if !(w.is_finite() && w > 0.0) {
                    return Err(self.err(
                        &h.weight.span(),
                        &ctx,
                        format!("a home_bloc weight must be positive, got {w}"),
                    ));
                }
                home.push((b, w));
            }
        }
        Ok(Group {
            regime: self.dist(&p.regime, Attr::Regime, &ctx)?,
            power: self.dist(&p.power, Attr::Power, &ctx)?,
            competence: self.dist(&p.competence, Attr::Competence, &ctx)?,
            ict: self.dist(&p.ict, Attr::Ict, &ctx)?,
            tags: self.tag_list(p.tags.as_ref(), &ctx)?,
            blocs: match &p.blocs {
                Some(b) => self.bloc_list(b, &ctx, "blocs")?,
                None => Vec::new(),
            },
            label,
            count,
            id_prefix,
            home,
        })
    }

    fn dist(&self, v: &S<Short<RawDist>>, attr: Attr, ctx: &str) -> Result<Dist> {
        let key = attr.name();
        let d = match v.get_ref() {
            Short::Number(x) => {
                return if attr.admits(*x) {
                    Ok(Dist::Constant(*x))
                } else {
                    Err(self.err(
                        &v.span(),
                        ctx,
                        format!("{key} must be {}, got {x}", attr.range_text()),
                    ))
                };
            }
            Short::Name(n) => {
                return Err(self.err(
                    &v.span(),
                    ctx,
                    format!("{key} must be a number or a distribution table like {{ dist = \"uniform\", min = 0.2, max = 0.6 }}, got \"{n}\""),
                ));
            }
            Short::Full(d) => d,
        };
        const DISTS: [&str; 5] = ["constant", "uniform", "normal", "lognormal", "beta"];
        let kind = d.dist.get_ref().as_str();
        let params: &[&str] = match kind {
            "constant" => &["value"],
            "uniform" => &["min", "max"],
            "normal" => &["mean", "sd"],
            "lognormal" => &["mu", "sigma"],
            "beta" => &["a", "b"],
            _ => {
                let hint = did_you_mean(kind, DISTS);
                return Err(self.err(
                    &d.dist.span(),
                    ctx,
                    format!("{key}: unknown distribution `{kind}`{hint} (use one of constant, uniform, normal, lognormal, beta)"),
                ));
            }
        };
        let all = [
            ("value", &d.value),
            ("min", &d.min),
            ("max", &d.max),
            ("mean", &d.mean),
            ("sd", &d.sd),
            ("mu", &d.mu),
            ("sigma", &d.sigma),
            ("a", &d.a),
            ("b", &d.b),
        ];
        for (name, val) in &all {
            match (params.contains(name), val) {
                (false, Some(val)) => {
                    return Err(self.err(
                        &val.span(),
                        ctx,
                        format!(
                            "{key}: a {kind} distribution takes no `{name}` (it takes {})",
                            all_of(params)
                        ),
                    ));
                }
                (true, None) => {
                    return Err(self.err(
                        &d.dist.span(),
                        ctx,
                        format!("{key}: a {kind} distribution needs `{name}`"),
                    ));
                }
                _ => {}
            }
        }
        let get = |name: &str| -> Result<&S<f64>> {
            all.iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, v)| v.as_ref())
                .ok_or_else(|| {
                    self.err(
                        &d.dist.span(),
                        ctx,
                        format!("{key}: a {kind} distribution needs `{name}`"),
                    )
                })
        };
        let bad = |val: &S<f64>, what: &str| {
            self.err(
                &val.span(),
                ctx,
                format!("{key}: {what}, got {}", val.get_ref()),
            )
        };
        Ok(match kind {
            "constant" => {
                let v = get("value")?;
                if !attr.admits(*v.get_ref()) {
                    return Err(bad(v, &format!("value must be {}", attr.range_text())));
                }
                Dist::Constant(*v.get_ref())
            }
            "uniform" => {
                let (lo, hi) = (get("min")?, get("max")?);
                for b in [lo, hi] {
                    if !attr.admits(*b.get_ref()) {
                        return Err(bad(b, &format!("bounds must be {}", attr.range_text())));
                    }
                }
                if lo.get_ref() > hi.get_ref() {
                    return Err(bad(
                        hi,
                        &format!("max must be at least min ({})", lo.get_ref()),
                    ));
                }
                Dist::Uniform {
                    min: *lo.get_ref(),
                    max: *hi.get_ref(),
                }
            }
            "normal" => {
                let (mean, sd) = (get("mean")?, get("sd")?);
                if !mean.get_ref().is_finite() {
                    return Err(bad(mean, "mean must be finite"));
                }
                if !(sd.get_ref().is_finite() && *sd.get_ref() >= 0.0) {
                    return Err(bad(sd, "sd must be at least 0"));
                }
                Dist::Normal {
                    mean: *mean.get_ref(),
                    sd: *sd.get_ref(),
                }
            }
            "lognormal" => {
                let (mu, sigma) = (get("mu")?, get("sigma")?);
                if attr != Attr::Power {
                    return Err(self.err(
                        &d.dist.span(),
                        ctx,
                        format!("{key}: a lognormal distribution is unbounded and only fits `power`; use beta or uniform for values in [0, 1]"),
                    ));
                }
                if !mu.get_ref().is_finite() {
                    return Err(bad(mu, "mu must be finite"));
                }
                if !(sigma.get_ref().is_finite() && *sigma.get_ref() >= 0.0) {
                    return Err(bad(sigma, "sigma must be at least 0"));
                }
                Dist::LogNormal {
                    mu: *mu.get_ref(),
                    sigma: *sigma.get_ref(),
                }
            }
            _ => {
                let (a, b) = (get("a")?, get("b")?);
                for p in [a, b] {
                    if !(p.get_ref().is_finite() && *p.get_ref() > 0.0) {
                        return Err(bad(p, "beta parameters must be positive"));
                    }
                }
                Dist::Beta {
                    a: *a.get_ref(),
                    b: *b.get_ref(),
                }
            }
        })
    }
}

/// Validates a raw scenario; `base_dir` resolves the relative `states_csv` path.
pub(crate) fn validate(raw: &RawScenario, src: &Source, base_dir: &Path) -> Result<Scenario> {
    let mut b = Builder::new(src);
    let name = b.id(&raw.name, "", "name")?;
    let description = raw
        .description
        .as_ref()
        .map(|d| d.get_ref().clone())
        .unwrap_or_default();
    let rounds = b.int(&raw.rounds, 1, limits::MAX_ROUNDS, "", "rounds")? as u32;
    let start_year = match &raw.start_year {
        Some(y) => b.int(
            y,
            i64::from(i32::MIN),
            i64::from(i32::MAX) - i64::from(rounds),
            "",
            "start_year",
        )?,
        None => 0,
    };
    b.start_year = start_year;
    let seed = b.int(&raw.seed, 0, i64::MAX, "", "seed")? as u64;
    let population_seed = match &raw.population_seed {
        Some(s) => b.int(s, 0, i64::MAX, "", "population_seed")? as u64,
        None => seed,
    };
    let runs = match &raw.runs {
        Some(r) => b.count(r, 1, "", "runs")?,
        None => 1,
    };
    let legacy = raw
        .legacy
        .as_ref()
        .map(|l| b.pos(l, "", "legacy"))
        .transpose()?
        .unwrap_or(LEGACY);

    b.parameters(raw)?;
    let mut stakeholder = StakeholderActor::default();
    if let Some(s) = &raw.stakeholder {
        let s = s.get_ref();
        if let Some(ideal) = &s.ideal {
            stakeholder.ideal = b.pos(ideal, "stakeholder", "ideal")?;
        }
        if let Some(sal) = &s.salience {
            let x = *sal.get_ref();
            if !(x > 0.0 && x <= 1.0) {
                return Err(b.err(
                    &sal.span(),
                    "stakeholder",
                    format!("salience must be in (0, 1], got {x}"),
                ));
            }
            stakeholder.salience = x;
        }
    }
    b.blocs(raw)?;
    b.states(raw, base_dir, population_seed)?;

    let plan = Plan::new(&mut b, raw)?;
    let venues = venues::venues(&mut b, &plan)?;
    check_world_size(&b, raw, venues.len())?;
    // Proposals and events are checked independently of each other (both read only
    // the plan's ids and the venues): the problems of both are reported together.
    let mut errors = Errors::default();
    let proposals = errors.keep(agenda::proposals(&mut b, &plan, &venues));
    let events = errors.keep(agenda::events(&mut b, &plan, raw));
    errors.finish()?;
    let (proposals, events) = (proposals.unwrap_or_default(), events.unwrap_or_default());
    check_tags(&b)?;
    let known = facts::Known::new(&venues, &proposals, &events, rounds);
    // Targets and facts too (facts read only the targets' ids).
    let mut errors = Errors::default();
    let (targets, election_targets) = errors
        .keep(targets::targets(&b, raw, &known, base_dir))
        .unwrap_or_default();
    let target_ids: Vec<&str> = targets
        .iter()
        .map(|t| t.id.as_str())
        .chain(election_targets.iter().map(|t| t.id.as_str()))
        .collect();
    let facts = errors.keep(facts::facts(&b, raw, &known, &target_ids));
    errors.finish()?;
    let facts = facts.unwrap_or_default();

    Ok(Scenario {
        name,
        description,
        rounds,
        start_year: start_year as i32,
        seed,
        runs,
        params: b.params,
        legacy,
        stakeholder,
        tags: b.tags,
        blocs: b.blocs,
        states: b.states,
        venues,
        proposals,
        events,
        targets,
        election_targets,
        facts,
    })
}

/// States × venues within [`limits::MAX_STATE_VENUES`]; the error points at the first
/// `[[venue]]` past the limit (or the first one).
fn check_world_size(b: &Builder, raw: &RawScenario, venues: usize) -> Result<()> {
    let states = b.states.len() as u64;
    let cells = states * venues as u64;
    if cells <= limits::MAX_STATE_VENUES {
        return Ok(());
    }
    let fit = (limits::MAX_STATE_VENUES / states.max(1)) as usize;
    let span = raw
        .venue
        .get(fit)
        .or(raw.venue.first())
        .map_or(0..0, |v| v.get_ref().id.span());
    Err(b.err(
        &span,
        "",
        format!(
            "{states} states and {venues} venues make {cells} state-venue pairs, more than the limit of {} (docs/SCENARIOS.md, Limits); use fewer states or venues",
            limits::MAX_STATE_VENUES
        ),
    ))
}

/// Reserved tags must be carried by some state (at round 0 or through a `tag`
/// event), and `tag` events must name a tag that means something: one some state
/// carries or some venue reserves. Either failing is almost always a typo.
fn check_tags(b: &Builder) -> Result<()> {
    let added: HashSet<TagIx> = b
        .event_tag_refs
        .iter()
        .filter(|r| r.2)
        .map(|r| r.0)
        .collect();
    let carried: Vec<&str> = b.state_tags.iter().map(|&t| b.tags[t].as_str()).collect();
    for (tag, span, ctx) in &b.reserved_refs {
        if !b.state_tags.contains(tag) && !added.contains(tag) {
            let name = &b.tags[*tag];
            let hint = did_you_mean(name, carried.iter().copied());
            return Err(b.err(
                span,
                ctx,
                format!("reserved tag `{name}` is carried by no state{hint}"),
            ));
        }
    }
    let reserved: HashSet<TagIx> = b.reserved_refs.iter().map(|r| r.0).collect();
    for (tag, span, _) in &b.event_tag_refs {
        if !b.state_tags.contains(tag) && !reserved.contains(tag) {
            let name = &b.tags[*tag];
            let known: Vec<&str> = carried
                .iter()
                .copied()
                .chain(reserved.iter().map(|&t| b.tags[t].as_str()))
                .collect();
            let hint = did_you_mean(name, known.iter().copied());
            return Err(b.err(
                span,
                "",
                format!("tag `{name}` is carried by no state and reserved by no venue{hint}"),
            ));
        }
    }
    Ok(())
}
