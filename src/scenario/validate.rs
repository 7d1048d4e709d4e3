//! Raw scenario → validated [`Scenario`]: every range checked, every name resolved
//! to an index, every contradiction reported at the line that causes it.
//!
//! The order matters and is fixed: top-level numbers and `[parameters]` (venues
//! check stakeholder weights against `max_stakeholder_weight`), blocs, states (CSV,
//! then inline, then populations), then the ids of all venues and proposals — so
//! any reference may name a venue created by a proposal or an event — then venues
//! (`venues.rs`), proposals and events (`agenda.rs`), and last the tags, which
//! need both the states that carry them and the venues and events that name them.

use std::collections::{HashMap, HashSet};
use std::fmt::Display;
use std::path::Path;

use toml::Spanned as S;

use super::error::{ScenarioError, Source, Span, did_you_mean};
use super::limits;
use super::population::{self, Attr, Dist, Group};
use super::raw::{Names, Pair, RawDist, RawPopulation, RawPosition, RawScenario, RawState, Short};
use super::states_csv::{self, csv_error};
use crate::engine::rng::population_rng;
use crate::model::{
    BlocIx, BlocSpec, Params, Pos, PositionSpec, ProposalIx, Scenario, StakeholderActor, StateIx,
    StateSpec, TagIx, VenueIx,
};

pub(super) type Result<T> = std::result::Result<T, ScenarioError>;

/// The legacy multistakeholder rule of MODEL.md §2 (the default of `legacy`).
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

/// `ctx: message`, or just `message` at top level.
pub(super) fn with_ctx(ctx: &str, msg: impl Display) -> String {
    if ctx.is_empty() {
        msg.to_string()
    } else {
        format!("{ctx}: {msg}")
    }
}

/// Where a state (or a name it uses) was written: in the TOML or in a CSV row.
#[derive(Debug, Clone)]
pub(super) enum Site<'p> {
    Toml(Span),
    Csv(&'p Path, usize),
}

/// Validation state shared by the passes: the source for messages, the parameters,
/// and the name → index maps built so far.
pub(super) struct Builder<'s> {
    pub src: &'s Source<'s>,
    pub params: Params,
    pub start_year: i64,
    pub tags: Vec<String>,
    tag_ix: HashMap<String, TagIx>,
    pub blocs: Vec<BlocSpec>,
    bloc_ix: HashMap<String, BlocIx>,
    pub states: Vec<StateSpec>,
    state_ix: HashMap<String, StateIx>,
    pub venue_ix: HashMap<String, VenueIx>,
    pub proposal_ix: HashMap<String, ProposalIx>,
    /// Tags some state carries at round 0.
    pub state_tags: HashSet<TagIx>,
    /// Tags named in `reserved` lists, with where, for the final check.
    pub reserved_refs: Vec<(TagIx, Span, String)>,
    /// Tags named by `tag` events (`true` = added), with where.
    pub event_tag_refs: Vec<(TagIx, Span, bool)>,
}

impl<'s> Builder<'s> {
    fn new(src: &'s Source<'s>) -> Self {
        Builder {
            src,
            params: Params::default(),
            start_year: 0,
            tags: Vec::new(),
            tag_ix: HashMap::new(),
            blocs: Vec::new(),
            bloc_ix: HashMap::new(),
            states: Vec::new(),
            state_ix: HashMap::new(),
            venue_ix: HashMap::new(),
            proposal_ix: HashMap::new(),
            state_tags: HashSet::new(),
            reserved_refs: Vec::new(),
            event_tag_refs: Vec::new(),
        }
    }

    // ---- messages and primitive checks ------------------------------------------

    /// An error at `span`, prefixed with the context (`venue "oewg"`).
    pub fn err(&self, span: &Span, ctx: &str, msg: impl Display) -> ScenarioError {
        self.src.error(span, with_ctx(ctx, msg))
    }

    fn site_err(&self, site: &Site, ctx: &str, msg: impl Display) -> ScenarioError {
        match site {
            Site::Toml(span) => self.err(span, ctx, msg),
            Site::Csv(file, line) => csv_error(file, *line, with_ctx(ctx, msg)),
        }
    }

    /// Where `span` is, in words, for "already defined at …" messages.
    pub fn place(&self, span: &Span) -> String {
        self.src.place(span)
    }

    /// A number in the closed range [lo, hi].
    pub fn range(&self, v: &S<f64>, lo: f64, hi: f64, ctx: &str, key: &str) -> Result<f64> {
        let x = *v.get_ref();
        if lo <= x && x <= hi {
            Ok(x)
        } else {
            Err(self.err(
                &v.span(),
                ctx,
                format!("{key} must be in [{lo}, {hi}], got {x}"),
            ))
        }
    }

    /// A number in [0, 1].
    pub fn unit(&self, v: &S<f64>, ctx: &str, key: &str) -> Result<f64> {
        self.range(v, 0.0, 1.0, ctx, key)
    }

    /// An integer in [lo, hi].
    pub fn int(&self, v: &S<i64>, lo: i64, hi: i64, ctx: &str, key: &str) -> Result<i64> {
        let x = *v.get_ref();
        if (lo..=hi).contains(&x) {
            return Ok(x);
        }
        let expected = if hi == i64::MAX || x < lo {
            format!("at least {lo}")
        } else {
            format!("at most {hi}")
        };
        Err(self.err(&v.span(), ctx, format!("{key} must be {expected}, got {x}")))
    }

    /// An integer that fits a `u32` and is at least `lo`.
    pub fn count(&self, v: &S<i64>, lo: i64, ctx: &str, key: &str) -> Result<u32> {
        Ok(self.int(v, lo, i64::from(u32::MAX), ctx, key)? as u32)
    }

    /// The round of a calendar year (`key` names it in errors).
    pub fn year_round(&self, y: &S<i64>, ctx: &str, key: &str) -> Result<u32> {
        let year = *y.get_ref();
        if year < self.start_year {
            return Err(self.err(
                &y.span(),
                ctx,
                format!("{key} {year} is before start_year {}", self.start_year),
            ));
        }
        // `year` is any i64: the difference may not fit one (a hostile `--set`).
        let rounds = year.checked_sub(self.start_year).unwrap_or(i64::MAX);
        u32::try_from(rounds).map_err(|_| {
            self.err(
                &y.span(),
                ctx,
                format!("{key} {year} is too far after start_year"),
            )
        })
    }

    /// A round given either as a round (`key`) or as a calendar year (`key_year`), or
    /// neither (`None`); both is an error.
    pub fn round_or_year(
        &self,
        round: Option<&S<i64>>,
        year: Option<&S<i64>>,
        ctx: &str,
        key: &str,
    ) -> Result<Option<u32>> {
        match (round, year) {
            (None, None) => Ok(None),
            (Some(r), None) => self.count(r, 0, ctx, key).map(Some),
            (None, Some(y)) => self.year_round(y, ctx, &format!("{key}_year")).map(Some),
            (Some(_), Some(y)) => Err(self.err(
                &y.span(),
                ctx,
                format!("give `{key}` (a round) or `{key}_year`, not both"),
            )),
        }
    }

    /// A point `[m, s]` of the policy space.
    pub fn pos(&self, v: &S<Pair>, ctx: &str, key: &str) -> Result<Pos> {
        let [m, s] = *v.get_ref();
        if (0.0..=1.0).contains(&m) && (0.0..=1.0).contains(&s) {
            Ok(Pos::new(m, s))
        } else {
            Err(self.err(
                &v.span(),
                ctx,
                format!("{key} must be [m, s] with both in [0, 1], got [{m}, {s}]"),
            ))
        }
    }

    /// A text's position: `[m, s]`, `"sponsor_ideal"`, `"compromise"` (a chair's text,
    /// drafted at the room's compromise) or `{ rule_of = [venue ids] }`.
    pub fn position(&self, v: &S<Short<RawPosition>>, ctx: &str) -> Result<PositionSpec> {
        const EXPECTED: &str = "position must be [m, s], \"sponsor_ideal\", \"compromise\" or { rule_of = [venue ids] }";
        match v.get_ref() {
            Short::Full(RawPosition::At(p)) => self
                .pos(&S::new(v.span(), *p), ctx, "position")
                .map(PositionSpec::Given),
            Short::Full(RawPosition::RuleOf(names)) => {
                if names.get_ref().is_empty() {
                    return Err(self.err(
                        &names.span(),
                        ctx,
                        "rule_of names no venue: give the venues whose texts this one restates",
                    ));
                }
                let venues = names
                    .get_ref()
                    .iter()
                    .map(|n| self.venue_ref(n, ctx))
                    .collect::<Result<Vec<_>>>()?;
                Ok(PositionSpec::RuleOf(venues))
            }
            Short::Name(n) if n == "sponsor_ideal" => Ok(PositionSpec::SponsorIdeal),
            Short::Name(n) if n == "compromise" => Ok(PositionSpec::Compromise),
            Short::Name(n) => Err(self.err(&v.span(), ctx, format!("{EXPECTED}, got \"{n}\""))),
            Short::Number(x) => Err(self.err(&v.span(), ctx, format!("{EXPECTED}, got {x}"))),
        }
    }

    /// A non-empty identifier.
    pub fn id(&self, v: &S<String>, ctx: &str, key: &str) -> Result<String> {
        let id = v.get_ref().trim();
        if id.is_empty() {
            return Err(self.err(&v.span(), ctx, format!("{key} must not be empty")));
        }
        Ok(id.to_string())
    }

    // ---- name lookups -------------------------------------------------------------

    fn lookup<T: Copy>(
        &self,
        map: &HashMap<String, T>,
        what: &str,
        name: &str,
        site: &Site,
        ctx: &str,
    ) -> Result<T> {
        map.get(name).copied().ok_or_else(|| {
            // Deleted by a child's `remove`: the place to fix is that `remove`.
            if let Some(at) = self.src.removed_at(what, name) {
                let by = match site {
                    Site::Toml(span) => self.place(span),
                    Site::Csv(file, line) => format!("{}:{line}", file.display()),
                };
                let who = if ctx.is_empty() { "a table" } else { ctx };
                return self.err(
                    &at,
                    "",
                    format!("remove: {what} `{name}` is still named by {who} at {by}; remove that too, or keep the {what}"),
                );
            }
            let hint = did_you_mean(name, map.keys().map(String::as_str));
            self.site_err(site, ctx, format!("unknown {what} `{name}`{hint}"))
        })
    }

    pub fn state_ref(&self, v: &S<String>, ctx: &str) -> Result<StateIx> {
        self.lookup(
            &self.state_ix,
            "state",
            v.get_ref(),
            &Site::Toml(v.span()),
            ctx,
        )
    }

    pub fn bloc_ref(&self, v: &S<String>, ctx: &str) -> Result<BlocIx> {
        self.lookup(
            &self.bloc_ix,
            "bloc",
            v.get_ref(),
            &Site::Toml(v.span()),
            ctx,
        )
    }

    pub fn venue_ref(&self, v: &S<String>, ctx: &str) -> Result<VenueIx> {
        self.lookup(
            &self.venue_ix,
            "venue",
            v.get_ref(),
            &Site::Toml(v.span()),
            ctx,
        )
    }

    /// The index of the state with id `id`, if any.
    pub fn state_by_id(&self, id: &str) -> Option<StateIx> {
        self.state_ix.get(id).copied()
    }

    /// A list of distinct states.
    pub fn state_list(&self, names: &Names, ctx: &str, key: &str) -> Result<Vec<StateIx>> {
        let mut out = Vec::new();
        for n in names.get_ref() {
            let ix = self.state_ref(n, ctx)?;
            if out.contains(&ix) {
                return Err(self.err(
                    &n.span(),
                    ctx,
                    format!("{key} names state `{}` twice", n.get_ref()),
                ));
            }
            out.push(ix);
        }
        Ok(out)
    }

    /// A list of distinct blocs.
    pub fn bloc_list(&self, names: &Names, ctx: &str, key: &str) -> Result<Vec<BlocIx>> {
        let named: Vec<(&str, Site)> = names
            .get_ref()
            .iter()
            .map(|n| (n.get_ref().as_str(), Site::Toml(n.span())))
            .collect();
        self.blocs_at(&named, ctx, key)
    }

    fn blocs_at(&self, names: &[(&str, Site)], ctx: &str, key: &str) -> Result<Vec<BlocIx>> {
        let mut out = Vec::new();
        for (name, site) in names {
            let ix = self.lookup(&self.bloc_ix, "bloc", name, site, ctx)?;
            if out.contains(&ix) {
                return Err(self.site_err(site, ctx, format!("{key} names bloc `{name}` twice")));
            }
            out.push(ix);
        }
        Ok(out)
    }

    /// The index of tag `name`, adding it to the table if new.
    pub fn intern(&mut self, name: &str) -> TagIx {
        if let Some(&ix) = self.tag_ix.get(name) {
            return ix;
        }
        self.tags.push(name.to_string());
        self.tag_ix.insert(name.to_string(), self.tags.len() - 1);
        self.tags.len() - 1
    }

    /// The states carrying `tag` at round 0, in index order.
    pub fn states_tagged(&self, tag: TagIx) -> impl Iterator<Item = StateIx> + '_ {
        (0..self.states.len()).filter(move |&i| self.states[i].tags.contains(&tag))
    }

    /// The states in bloc `bloc` (anywhere in their list), in index order.
    pub fn states_in_bloc(&self, bloc: BlocIx) -> impl Iterator<Item = StateIx> + '_ {
        (0..self.states.len()).filter(move |&i| self.states[i].blocs.contains(&bloc))
    }

    // ---- passes -------------------------------------------------------------------

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

    fn blocs(&mut self, raw: &RawScenario) -> Result<()> {
        let mut first: HashMap<String, Span> = HashMap::new();
        for b in &raw.bloc {
            let b = b.get_ref();
            let id = self.id(&b.id, "bloc", "id")?;
            let ctx = format!("bloc \"{id}\"");
            if let Some(prev) = first.get(&id) {
                return Err(self.err(
                    &b.id.span(),
                    "",
                    format!(
                        "duplicate bloc id `{id}` (first defined at {})",
                        self.place(prev)
                    ),
                ));
            }
            first.insert(id.clone(), b.id.span());
            let shift = match &b.shift {
                Some(v) => {
                    let [dm, ds] = *v.get_ref();
                    if !((-1.0..=1.0).contains(&dm) && (-1.0..=1.0).contains(&ds)) {
                        return Err(self.err(
                            &v.span(),
                            &ctx,
                            format!(
                                "shift must be [dm, ds] with both in [-1, 1], got [{dm}, {ds}]"
                            ),
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
            self.bloc_ix.insert(id.clone(), self.blocs.len());
            self.blocs.push(BlocSpec {
                id,
                name,
                shift,
                cohesion,
            });
        }
        Ok(())
    }

    fn states(&mut self, raw: &RawScenario, base_dir: &Path, population_seed: u64) -> Result<()> {
        // Where each id was first defined, for duplicate messages.
        let mut first: HashMap<String, String> = HashMap::new();

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
                let tags = self.state_tags_at(&tags, "")?;
                let blocs: Vec<(&str, Site)> = row
                    .blocs
                    .iter()
                    .map(|b| (b.as_str(), site.clone()))
                    .collect();
                let blocs = self.blocs_at(&blocs, "", "blocs")?;
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
                self.add_state(state, &site, here, &mut first)?;
            }
        }

        for s in &raw.state {
            let state = self.inline_state(s.get_ref())?;
            let here = self.place(&s.get_ref().id.span());
            self.add_state(state, &Site::Toml(s.get_ref().id.span()), here, &mut first)?;
        }

        if self.states.len() > limits::MAX_STATES {
            let span = raw.states_csv.as_ref().map_or(0..0, |c| c.span());
            return Err(self.err(&span, "", too_many_states(self.states.len())));
        }
        let mut rng = population_rng(population_seed);
        for p in &raw.population {
            let p = p.get_ref();
            let group = self.group(p)?;
            let ctx = format!("population \"{}\"", group.label);
            // Refused before drawing: the states would be made first.
            let total = self.states.len() + group.count;
            if total > limits::MAX_STATES {
                return Err(self.err(
                    &p.count.span(),
                    &ctx,
                    format!("count: {}", too_many_states(total)),
                ));
            }
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
        // Power is relative: normalise so the world sums to 1 (MODEL.md §2).
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

    fn add_state(
        &mut self,
        state: StateSpec,
        site: &Site,
        here: String,
        first: &mut HashMap<String, String>,
    ) -> Result<()> {
        if let Some(prev) = first.get(&state.id) {
            return Err(self.site_err(
                site,
                "",
                format!(
                    "duplicate state id `{}` (first defined at {prev})",
                    state.id
                ),
            ));
        }
        first.insert(state.id.clone(), here);
        self.state_tags.extend(state.tags.iter().copied());
        self.state_ix.insert(state.id.clone(), self.states.len());
        self.states.push(state);
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
                            super::error::all_of(params)
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

    let plan = super::agenda::Plan::new(&mut b, raw)?;
    let venues = super::venues::venues(&mut b, &plan)?;
    check_world_size(&b, raw, venues.len())?;
    let proposals = super::agenda::proposals(&mut b, &plan, &venues)?;
    let events = super::agenda::events(&mut b, &plan, raw)?;
    check_tags(&b)?;
    let known = super::facts::Known::new(&venues, &proposals, &events, rounds);
    let (targets, election_targets) = super::targets::targets(&b, raw, &known, base_dir)?;
    let target_ids: Vec<&str> = targets
        .iter()
        .map(|t| t.id.as_str())
        .chain(election_targets.iter().map(|t| t.id.as_str()))
        .collect();
    let facts = super::facts::facts(&b, raw, &known, &target_ids)?;

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

#[cfg(test)]
mod tests {
    //! Error paths and resolutions not covered by the fixtures in `tests/fixtures/`.

    use std::path::Path;

    use crate::model::{Event, Scenario};

    const WORLD: &str = r#"
name = "t"
rounds = 5
seed = 1
[[bloc]]
id = "w"
[[bloc]]
id = "e"
shift = [0.1, 0.1]
[[state]]
id = "A"
regime = 0.9
power = 3
competence = 0.5
ict = 0.5
tags = ["p1"]
blocs = ["w"]
[[state]]
id = "B"
regime = 0.1
power = 1
competence = 0.5
ict = 0.5
blocs = ["e"]
[[state]]
id = "C"
regime = 0.5
power = 1
competence = 0.5
ict = 0.5
[[venue]]
id = "v"
membership = { type = "open", initial = "all" }
decision = "majority"
transparency = 0.5
hosts = ["procedural", "norms"]
"#;

    fn load(extra: &str) -> Result<Scenario, String> {
        super::super::from_str(&format!("{WORLD}{extra}"), Path::new("t.toml"), &[])
            .map_err(|e| e.to_string())
    }

    fn fails(extra: &str, fragment: &str) {
        match load(extra) {
            Ok(_) => panic!("loaded; expected `{fragment}`"),
            Err(e) => assert!(e.contains(fragment), "expected `{fragment}`, got `{e}`"),
        }
    }

    #[test]
    fn the_base_world_loads() {
        let s = load("").unwrap();
        assert_eq!(s.states.len(), 3);
        assert!((s.states[0].power - 0.6).abs() < 1e-12);
    }

    #[test]
    fn tags_must_mean_something() {
        let tag_event = "[[event]]\ntype = \"tag\"\nround = 1\nstate = \"C\"\naction = \"add\"\n";
        fails(
            &format!("{tag_event}tag = \"p2\"\n"),
            "tag `p2` is carried by no state and reserved by no venue",
        );
        // A reserved tag that only a tag event hands out is fine.
        let gge = "[[venue]]\nid = \"g\"\nmembership = { type = \"appointed\", seats = 2, reserved = [\"chair\"] }\n\
                   decision = \"consensus\"\ntransparency = 0.3\nhosts = [\"norms\"]\n";
        let s = load(&format!("{gge}{tag_event}tag = \"chair\"\n")).unwrap();
        assert_eq!(s.tags, ["p1", "chair"]);
        assert_eq!(
            s.events[0].event,
            Event::Tag {
                state: 2,
                tag: 1,
                add: true
            }
        );
    }

    #[test]
    fn founders_resolve_and_are_checked() {
        let club = "[[venue]]\nid = \"club\"\nmembership = \"invitation\"\ndecision = \"consensus\"\n\
                    transparency = 0.3\nhosts = [\"norms\"]\n";
        let s = load(&format!(
            "{club}founder_blocs = [\"e\", \"w\"]\nfounders = [\"B\"]\n"
        ))
        .unwrap();
        assert_eq!(s.venues[1].founders, [0, 1]);
        fails(
            &format!("{club}founder_tags = [\"p2\"]\n"),
            "founder_tags: no state carries tag `p2`; did you mean `p1`?",
        );
        fails(
            &format!("[[bloc]]\nid = \"empty\"\n{club}founder_blocs = [\"empty\"]\n"),
            "founder_blocs: bloc `empty` has no member states",
        );
    }

    #[test]
    fn bloc_and_state_values_are_checked() {
        fails(
            "[[bloc]]\nid = \"x\"\nshift = [2.0, 0.0]\n",
            "bloc \"x\": shift must be [dm, ds] with both in [-1, 1]",
        );
        fails(
            "[[state]]\nid = \"D\"\nregime = 0.5\npower = 1\ncompetence = 0.5\nict = 0.5\nsalience = 0\n",
            "state \"D\": salience must be in (0, 1], got 0",
        );
        fails(
            "[[state]]\nid = \"D\"\nregime = 0.5\npower = 1\ncompetence = 0.5\nict = 0.5\nblocs = [\"w\", \"w\"]\n",
            "blocs names bloc `w` twice",
        );
    }

    #[test]
    fn proposal_contradictions() {
        let p = "[[proposal]]\nid = \"p\"\nsponsor = \"A\"\nintroduced = 0\n";
        fails(
            &format!("{p}kind = \"norms\"\ncosponsors = [\"A\"]\n"),
            "the sponsor `A` cannot also be a cosponsor",
        );
        fails(
            &format!("{p}kind = \"norms\"\nintroduced_year = 3\n"),
            "not both",
        );
        fails(
            &format!("{p}kind = \"norms\"\nposition = \"median\"\n"),
            "position must be [m, s], \"sponsor_ideal\", \"compromise\" or { rule_of = [venue ids] }",
        );
        let create = "parent = \"v\"\ncreate = { id = \"new\", membership = \"open\", decision = \"consensus\", \
                      transparency = 0.5, hosts = [\"norms\"], mandate = { kind = \"norms\" } }\n";
        let s = load(&format!(
            "{p}kind = \"procedural\"\n{create}replaces = [\"v\"]\n"
        ))
        .unwrap();
        assert!(s.proposals[0].procedural.is_some());
        fails(
            &format!("{p}kind = \"procedural\"\n{create}replaces = [\"new\"]\n"),
            "a venue cannot replace itself",
        );
        fails(
            &format!(
                "{p}kind = \"procedural\"\nparent = \"v\"\nchange = {{ venue = \"v\", privilege = 0.1 }}\nreplaces = [\"v\"]\n"
            ),
            "`replaces` goes with a `create`",
        );
        fails(
            &format!("{p}kind = \"procedural\"\nparent = \"v\"\nchange = {{ venue = \"v\" }}\n"),
            "a venue change must set at least one of",
        );
        fails(
            &format!(
                "{p}kind = \"procedural\"\nparent = \"v\"\ncreate = {{ id = \"new\", membership = \"open\", decision = \"consensus\", transparency = 0.5, hosts = [\"norms\"], mandate = {{ kind = \"standards\" }} }}\n"
            ),
            "the mandate is on standards but venue `new` does not host it",
        );
    }

    #[test]
    fn event_contradictions() {
        let e = "[[event]]\nround = 1\n";
        fails(
            &format!("{e}type = \"ideal_shift\"\nstate = \"A\"\nbloc = \"w\"\ndm = 0.1\n"),
            "not both",
        );
        fails(
            &format!("{e}type = \"ideal_shift\"\nstate = \"A\"\n"),
            "needs `dm`, `ds` or both",
        );
        fails(
            &format!("{e}type = \"legitimacy_shock\"\nstate = \"A\"\n"),
            "a `legitimacy_shock` event needs `delta`",
        );
        fails(
            &format!(
                "{e}type = \"membership\"\nvenue = \"v\"\naction = \"enter\"\nstates = [\"A\"]\n"
            ),
            "action must be `join` or `leave`",
        );
        fails(
            &format!(
                "{e}id = \"x\"\ntype = \"legitimacy_shock\"\nstate = \"A\"\ndelta = -0.1\n{e}id = \"x\"\ntype = \"legitimacy_shock\"\nstate = \"B\"\ndelta = -0.1\n"
            ),
            "duplicate event id `x`",
        );
        fails(
            &format!("{e}type = \"new_venue\"\nvenue = \"v\"\n"),
            "a `new_venue` event needs a venue table",
        );
        fails(
            &format!(
                "{e}type = \"election\"\nvenue = {{ id = \"w\" }}\ncandidates = [\"A\", \"B\"]\n"
            ),
            "missing key",
        );
        fails(
            &format!(
                "{e}type = \"new_proposal\"\nproposal = {{ id = \"q\", kind = \"norms\", sponsor = \"A\", introduced = 2 }}\n"
            ),
            "a `new_proposal` event's proposal is introduced at the event's round",
        );
    }

    #[test]
    fn powers_are_normalised_over_every_source() {
        let pop = "[[population]]\nlabel = \"g\"\ncount = 4\nid_prefix = \"G\"\nregime = 0.5\npower = 0.25\n\
                   competence = 0.5\nict = 0.5\n";
        let s = load(pop).unwrap();
        assert_eq!(s.states.len(), 7);
        let total: f64 = s.states.iter().map(|st| st.power).sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!((s.states[3].power - 0.25 / 6.0).abs() < 1e-12);
    }
}
