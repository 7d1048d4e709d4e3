//! The validation state every pass shares: [`Builder`] holds the source (for
//! messages), the parameters and the name → index maps built so far, with the
//! primitive checks (ranges, rounds and years, positions, ids) and the name lookups
//! that the passes in `validate.rs`, `plan.rs`, `venues.rs`, `agenda.rs`, `facts.rs`
//! and `targets.rs` are written in.
//!
//! It sits below all of them and imports none, so that each pass file can use it
//! without importing the file that drives the passes (`validate.rs`).

use std::collections::{HashMap, HashSet};
use std::fmt::Display;
use std::path::Path;

use toml::Spanned as S;

use super::error::{ScenarioError, Source, Span, all_of, did_you_mean, with_ctx};
use super::raw::{Names, Pair, RawPosition, Short};
use super::states_csv::csv_error;
use crate::model::{
    BlocIx, BlocSpec, Params, Pos, PositionSpec, ProposalIx, StateIx, StateSpec, TagIx, VenueIx,
};

/// What every check returns. A check stops at its first problem; the passes over
/// lists (states, blocs, venues, proposals, events, targets, facts) check each entry
/// on its own and report every bad one ([`super::error::Errors`]), then stop before
/// the next pass, whose checks would read what the bad entries left out.
pub(super) type Result<T> = std::result::Result<T, ScenarioError>;

/// Where a state (or a name it uses) was written: in the TOML or in a CSV row.
#[derive(Debug, Clone)]
pub(super) enum Site<'p> {
    Toml(Span),
    Csv(&'p Path, usize),
}

/// Validation state shared by the passes: the source for messages, the parameters,
/// and the name → index maps built so far. The tag, bloc and state maps are private:
/// those names are added only with their tables ([`Builder::intern`],
/// [`Builder::add_bloc`], [`Builder::add_state`]), so a map never disagrees with
/// the list it indexes.
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
    pub fn new(src: &'s Source<'s>) -> Self {
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

    pub fn site_err(&self, site: &Site, ctx: &str, msg: impl Display) -> ScenarioError {
        match site {
            Site::Toml(span) => self.err(span, ctx, msg),
            Site::Csv(file, line) => csv_error(file, *line, with_ctx(ctx, msg)),
        }
    }

    /// Where `span` is, in words, for "already defined at …" messages.
    pub fn place(&self, span: &Span) -> String {
        self.src.place(span)
    }

    /// Errors on the first key present in `present` that `allowed` does not list:
    /// tables whose keys depend on a `type` are read with every key any type takes,
    /// so which keys go together is checked here, where it can be said in words.
    pub fn only(
        &self,
        ctx: &str,
        what: &str,
        present: &[(&str, Option<Span>)],
        allowed: &[&str],
    ) -> Result<()> {
        for (key, span) in present {
            if let Some(span) = span
                && !allowed.contains(key)
            {
                let takes = if allowed.is_empty() {
                    "no other keys".to_string()
                } else {
                    all_of(allowed)
                };
                return Err(self.err(
                    span,
                    ctx,
                    format!("{what} takes no `{key}` (it takes {takes})"),
                ));
            }
        }
        Ok(())
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

    pub fn blocs_at(&self, names: &[(&str, Site)], ctx: &str, key: &str) -> Result<Vec<BlocIx>> {
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

    /// The states carrying `tag` at round 0, in index order.
    pub fn states_tagged(&self, tag: TagIx) -> impl Iterator<Item = StateIx> + '_ {
        (0..self.states.len()).filter(move |&i| self.states[i].tags.contains(&tag))
    }

    /// The states in bloc `bloc` (anywhere in their list), in index order.
    pub fn states_in_bloc(&self, bloc: BlocIx) -> impl Iterator<Item = StateIx> + '_ {
        (0..self.states.len()).filter(move |&i| self.states[i].blocs.contains(&bloc))
    }

    // ---- defining names -------------------------------------------------------------

    /// Records that the `what` id `id` is defined at `span`, in `seen` (the ids of
    /// that kind of table so far). A second definition is an error that names the
    /// first: the fix may be in either place.
    pub fn claim_id(
        &self,
        seen: &mut HashMap<String, Span>,
        what: &str,
        id: &str,
        span: Span,
    ) -> Result<()> {
        if let Some(prev) = seen.get(id) {
            return Err(self.err(
                &span,
                "",
                format!(
                    "duplicate {what} id `{id}` (first defined at {})",
                    self.place(prev)
                ),
            ));
        }
        seen.insert(id.to_string(), span);
        Ok(())
    }

    /// Adds a bloc, so that later tables may name it.
    pub fn add_bloc(&mut self, bloc: BlocSpec) {
        self.bloc_ix.insert(bloc.id.clone(), self.blocs.len());
        self.blocs.push(bloc);
    }

    /// Adds a state, so that later tables may name it; `here` is where it was defined
    /// in words, and `first` where each state id was first defined (the states of
    /// a CSV table are placed by file and line, not by span).
    pub fn add_state(
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

    /// The index of tag `name`, adding it to the table if new.
    pub fn intern(&mut self, name: &str) -> TagIx {
        if let Some(&ix) = self.tag_ix.get(name) {
            return ix;
        }
        self.tags.push(name.to_string());
        self.tag_ix.insert(name.to_string(), self.tags.len() - 1);
        self.tags.len() - 1
    }
}
