//! Scenario files: TOML (and CSV state tables) -> validated [`crate::model::Scenario`].
//!
//! Loading runs in stages, like ripgrep's low-level → high-level arguments:
//! 1. parse the text into the TOML parser's spanned tree (syntax errors), and
//!    resolve `extends` into the same tree ([`extends`]: parents merged by key and
//!    by id, their spans kept in a virtual range per file so errors name the file
//!    and line a value came from);
//! 2. apply `--set` overrides to that tree ([`overrides`]), so an override is
//!    checked exactly like the file and its errors name the override;
//! 3. deserialise into the raw mirror ([`raw`]: types and unknown keys);
//! 4. validate into a [`Scenario`] ([`validate`]: ranges, references,
//!    contradictions; populations are drawn here, from
//!    [`crate::model::rng::population_rng`]).
//!
//! Every error is one [`ScenarioError`] whose `Display` reads
//! `FILE:LINE:COL: message`. The format is documented in `docs/SCENARIOS.md`.
//!
//! Each file imports only files below it, never this one: the errors, reading and
//! message wording are in `error.rs`; validation is split by what it checks, over the
//! shared state of `builder.rs`, in the order `validate.rs` runs the passes
//! (`plan.rs` numbers venues and proposals, then `venues.rs`, `agenda.rs`,
//! `targets.rs` and `facts.rs`). What other modules use is re-exported here.

mod agenda;
mod builder;
pub mod diff;
mod error;
/// Shared by the other file formats' located errors (experiments, calibrations).
pub(crate) use error::did_you_mean;
pub(crate) use error::line_col;
mod extends;
mod facts;
pub mod limits;
mod overrides;
mod plan;
mod population;
mod raw;
mod states_csv;
mod targets;
#[cfg(test)]
mod tests;
mod until;
mod validate;
mod venues;

use std::path::Path;

use serde::Deserialize as _;
use toml::de::{DeTable, DeValue};

pub use error::{InputFileError, ScenarioError};
pub use overrides::{apply_override, lookup, parse_value};
pub use until::Cut;
pub use validate::LEGACY as DEFAULT_LEGACY;

use crate::model::Scenario;
pub use error::{MAX_INPUT_BYTES, read_scenario};
use error::{Source, Span, rewrite_serde_message, with_ctx};
pub(crate) use error::{TextError, excerpt, read_text};

/// Loads and validates the scenario at `path`.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    load_with(path, &[])
}

/// Loads the scenario at `path` with `overrides`: `path=value` strings from `--set`
/// (the value is parsed as a TOML value; a bare word is taken as a string).
pub fn load_with(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let text = read_scenario(path)?;
    from_str(&text, path, overrides)
}

/// Parses a scenario from `text`; `path` is used in messages, to find the scenario it
/// `extends` and to resolve a relative `states_csv` path (relative to the scenario
/// file's folder).
pub fn from_str(text: &str, path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    load_text(text, path, overrides, None, false).map(|r| r.scenario)
}

/// A scenario with its inheritance resolved, as TOML text as well as validated.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub scenario: Scenario,
    /// The scenario with every `extends` resolved and no `--set` applied: a
    /// self-contained file that loads to the same scenario (with the same overrides).
    pub text: String,
    /// The same with the `--set` overrides applied too.
    pub text_with_overrides: String,
    /// With `--until`: what the cut did. `text` is then the cut scenario with the
    /// overrides applied (the cut is made after them), so that it alone loads to the
    /// scenario that runs.
    pub cut: Option<Cut>,
}

/// Loads the scenario at `path` with `overrides`, and its resolved TOML text.
pub fn load_resolved(path: &Path, overrides: &[String]) -> Result<Resolved, ScenarioError> {
    load_resolved_until(path, overrides, None)
}

/// [`load_resolved`] cut at the year `until` (`--until`, see [`Cut`]): the scenario
/// ends with that year and its records dated later are left out. A year outside the
/// scenario is an error naming its years.
pub fn load_resolved_until(
    path: &Path,
    overrides: &[String],
    until: Option<i64>,
) -> Result<Resolved, ScenarioError> {
    let text = read_scenario(path)?;
    load_text(&text, path, overrides, until, true)
}

/// [`load_resolved`] for a scenario text in memory.
pub fn resolved_from_str(
    text: &str,
    path: &Path,
    overrides: &[String],
) -> Result<Resolved, ScenarioError> {
    load_text(text, path, overrides, None, true)
}

/// [`load_with`] cut at the year `until` (see [`load_resolved_until`]), with what the
/// cut did.
pub fn load_until(
    path: &Path,
    overrides: &[String],
    until: Option<i64>,
) -> Result<(Scenario, Option<Cut>), ScenarioError> {
    let text = read_scenario(path)?;
    from_str_until(&text, path, overrides, until)
}

/// [`load_until`] for a scenario text in memory.
pub fn from_str_until(
    text: &str,
    path: &Path,
    overrides: &[String],
    until: Option<i64>,
) -> Result<(Scenario, Option<Cut>), ScenarioError> {
    load_text(text, path, overrides, until, false).map(|r| (r.scenario, r.cut))
}

fn load_text(
    text: &str,
    path: &Path,
    overrides: &[String],
    until: Option<i64>,
    want_text: bool,
) -> Result<Resolved, ScenarioError> {
    // The cut's new `rounds`, as text the tree can borrow (declared first: it outlives
    // the tree).
    let rounds_text: String;
    let parents = extends::read_parents(path, text)?;
    let mut src = Source::new(path, text);
    let mut doc = extends::parse(&src, text, 0)?;
    extends::resolve(&mut src, &mut doc, &parents)?;
    // The texts are written after validation: a value the writer cannot take (a number
    // that overflows) is then reported where it is, as `check` reports it.
    let before_overrides =
        (want_text && !overrides.is_empty() && until.is_none()).then(|| doc.clone());
    let contexts = contexts(doc.get_ref(), src.files_end());
    for set in overrides {
        let span = src.add_set(set);
        let (key, value) = overrides::split_set(set).map_err(|m| src.set_error(set, m))?;
        overrides::apply_spanned(doc.get_mut(), key, overrides::parse_set_value(value), &span)
            .map_err(|m| src.set_error(set, m))?;
    }
    let cut = match until {
        Some(year) => until::plan(doc.get_ref(), year).map_err(|message| ScenarioError::Until {
            file: path.to_path_buf(),
            year,
            message,
        })?,
        None => None,
    };
    if let Some(cut) = &cut {
        rounds_text = cut.rounds.to_string();
        until::apply(doc.get_mut(), cut, overrides::parse_set_value(&rounds_text));
    }
    let text_doc = want_text.then(|| doc.clone());
    let raw = raw::RawScenario::deserialize(toml::de::Deserializer::from(doc)).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let ctx = innermost(&contexts, &span).unwrap_or_default();
        let mut msg = rewrite_serde_message(e.message());
        if msg == "invalid type: table, expected an array" {
            msg.push_str(" (a list of tables is written with double brackets, like `[[venue]]`)");
        }
        src.error(&span, with_ctx(ctx, msg))
    })?;
    let scenario = validate::validate(&raw, &src, extends::folder(path))?;
    let (resolved, with_overrides) = match (&before_overrides, &text_doc) {
        (Some(before), Some(after)) => (to_toml(before, path)?, to_toml(after, path)?),
        (None, Some(doc)) => {
            let t = to_toml(doc, path)?;
            (t.clone(), t)
        }
        _ => (String::new(), String::new()),
    };
    Ok(Resolved {
        scenario,
        text: resolved,
        text_with_overrides: with_overrides,
        cut,
    })
}

/// The tree as TOML text. Keys come out sorted, tables after values: a canonical
/// form, so equal trees give equal text.
fn to_toml(doc: &toml::Spanned<DeTable<'_>>, path: &Path) -> Result<String, ScenarioError> {
    let internal = |message: String| ScenarioError::Read {
        path: path.to_path_buf(),
        message: format!("cannot write the resolved scenario (a bug in forumsim): {message}"),
    };
    let table = toml::Table::deserialize(toml::de::Deserializer::from(doc.clone()))
        .map_err(|e| internal(e.message().to_string()))?;
    toml::to_string_pretty(&table).map_err(|e| internal(e.to_string()))
}

/// The extent of every identifiable table in the file (`venue "gge"`, `event #3`),
/// so that a type error found by serde can be reported with the table it is in.
/// Computed before overrides: override spans lie past the end of the files.
fn contexts(doc: &DeTable, text_len: usize) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    let list = |key: &str| {
        doc.get(key)
            .and_then(|v| v.get_ref().as_array())
            .map(|a| a.iter().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let label = |v: &DeValue, what: &str, id_key: &str, n: usize| match v
        .get(id_key)
        .and_then(|x| x.get_ref().as_str())
    {
        Some(id) => format!("{what} \"{id}\""),
        None => format!("{what} #{}", n + 1),
    };
    for (coll, id_key) in [
        ("bloc", "id"),
        ("state", "id"),
        ("population", "label"),
        ("venue", "id"),
        ("proposal", "id"),
        ("event", "id"),
        ("target", "id"),
        ("fact", "id"),
    ] {
        for (n, el) in list(coll).into_iter().enumerate() {
            if let Some(span) = extent(el, text_len) {
                out.push((span, label(el.get_ref(), coll, id_key, n)));
            }
            // Venues written inside proposals and events.
            let inner = [
                el.get_ref().get("create"),
                el.get_ref().get("venue"),
                el.get_ref().get("proposal"),
            ];
            for v in inner
                .into_iter()
                .flatten()
                .filter(|v| v.get_ref().is_table())
            {
                let what = if v.get_ref().get("membership").is_some() {
                    "venue"
                } else {
                    "proposal"
                };
                if let Some(span) = extent(v, text_len) {
                    out.push((span, label(v.get_ref(), what, "id", n)));
                }
                if let Some(c) = v.get_ref().get("create").filter(|c| c.get_ref().is_table())
                    && let Some(span) = extent(c, text_len)
                {
                    out.push((span, label(c.get_ref(), "venue", "id", n)));
                }
            }
        }
    }
    out
}

/// The smallest byte range (within the text) covering a value and all it contains.
fn extent(v: &toml::Spanned<DeValue>, text_len: usize) -> Option<Span> {
    let mut lo = usize::MAX;
    let mut hi = 0;
    let mut cover = |s: Span| {
        if s.end <= text_len {
            lo = lo.min(s.start);
            hi = hi.max(s.end);
        }
    };
    fn walk(v: &toml::Spanned<DeValue>, cover: &mut dyn FnMut(Span)) {
        cover(v.span());
        match v.get_ref() {
            DeValue::Table(t) => {
                for (k, child) in t.iter() {
                    cover(k.span());
                    walk(child, cover);
                }
            }
            DeValue::Array(a) => a.iter().for_each(|child| walk(child, cover)),
            _ => {}
        }
    }
    walk(v, &mut cover);
    (lo < hi).then_some(lo..hi)
}

/// The label of the smallest context containing `span`.
fn innermost<'c>(contexts: &'c [(Span, String)], span: &Span) -> Option<&'c str> {
    contexts
        .iter()
        .filter(|(c, _)| c.start <= span.start && span.start < c.end.max(c.start + 1))
        .min_by_key(|(c, _)| c.end - c.start)
        .map(|(_, label)| label.as_str())
}
