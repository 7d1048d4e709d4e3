//! Scenario inheritance: `extends = "base.toml"` makes a scenario a set of changes to
//! another one.
//!
//! Resolution works on the parser's spanned trees, before deserialising, so every
//! later error still points at the file and line a value came from: each parent's
//! spans are shifted into its own virtual range of the [`Source`]. The rules:
//! - `extends` is a path relative to the file that contains it; chains are allowed,
//!   cycles are errors.
//! - Top-level values replace the parent's; `[parameters]` and `[stakeholder]` are
//!   merged key by key.
//! - Lists of tables (`[[bloc]]`, `[[state]]`, `[[population]]` by `label`,
//!   `[[venue]]`, `[[proposal]]`, `[[event]]`) are merged by `id`: a table whose id
//!   the parent has is merged into it key by key (each key written replaces the
//!   parent's value whole: a `membership` table is replaced, not merged); a table
//!   with a new id is added after the parent's. A table with an unknown id that lacks
//!   the keys a new table needs is an error (a typo in an id, not an addition).
//! - `remove = { proposal = ["id"], venue = ["id"] }` deletes inherited tables
//!   before the child's are merged; an id the parent does not have is an error.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{
    ScenarioError, Source, Span, all_of, did_you_mean, excerpt, one_of, read_scenario,
};

/// The key naming the parent scenario.
pub(crate) const EXTENDS: &str = "extends";
/// The key listing inherited tables to delete.
pub(crate) const REMOVE: &str = "remove";

/// Lists of tables merged by id: (key, id key, keys a table needs to be a new one).
/// A `[[target]]` or `[[fact]]` comes in several shapes, each with its own keys: see
/// [`required_keys`].
const LISTS: &[(&str, &str, &[&str])] = &[
    ("bloc", "id", &[]),
    ("state", "id", &["regime", "power", "competence", "ict"]),
    (
        "population",
        "label",
        &["count", "id_prefix", "regime", "power", "competence", "ict"],
    ),
    (
        "venue",
        "id",
        &["membership", "decision", "transparency", "hosts"],
    ),
    ("proposal", "id", &["kind", "sponsor"]),
    ("event", "id", &["type"]),
    ("target", "id", &["venue", "proposal"]),
    ("fact", "id", &["outcome"]),
];

/// The keys a new table of `coll` needs, given the keys it has: the shape of a
/// `[[target]]` (a vote, or an election) or a `[[fact]]` (a member count has no
/// `outcome`) depends on them.
fn required_keys<'r>(coll: &str, required: &'r [&'r str], t: &DeTable<'_>) -> &'r [&'r str] {
    match coll {
        "target" if t.contains_key("election") => &["candidates"],
        "fact" if t.contains_key("members") => &["venue"],
        "fact" if t.contains_key("election") => &["candidate", "outcome"],
        _ => required,
    }
}

/// Top-level tables merged key by key (all other top-level values are replaced).
const MERGED_TABLES: &[&str] = &["parameters", "stakeholder"];

/// Longest chain of parents; far beyond any real use, it stops a runaway chain of
/// distinct files (a cycle is caught earlier).
const MAX_DEPTH: usize = 32;

/// A parent scenario file.
#[derive(Debug)]
pub(crate) struct Parent {
    /// The path as read (the child's folder joined with its `extends`).
    pub path: PathBuf,
    pub text: String,
    /// Its folder relative to the scenario's folder: relative paths in it
    /// (`states_csv`) are rewritten with this prefix.
    pub rel_dir: PathBuf,
}

/// Parses `text` (the file `file`) into the spanned tree; a syntax error is located.
pub(crate) fn parse<'a>(
    src: &Source<'_>,
    text: &'a str,
    base: usize,
) -> Result<Spanned<DeTable<'a>>, ScenarioError> {
    DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let mut message = first_lowercase(e.message());
        // The parser says "duplicate key" at the key: name it.
        if message.starts_with("duplicate key")
            && let Some(key) = text.get(span.clone()).filter(|k| !k.trim().is_empty())
        {
            message = format!("duplicate key `{}`", excerpt(key.trim()));
        }
        src.error(
            &(span.start + base..span.end + base),
            format!("invalid TOML: {message}"),
        )
    })
}

/// `s` with its first letter in lower case: the parser's messages start a sentence,
/// ours continue one (`invalid TOML: expected …`).
fn first_lowercase(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The `extends` value of a parsed file, with its span.
fn extends_of(
    doc: &DeTable<'_>,
    src: &Source<'_>,
) -> Result<Option<(String, Span)>, ScenarioError> {
    let Some(v) = doc.get(EXTENDS) else {
        return Ok(None);
    };
    match v.get_ref().as_str() {
        Some(s) if !s.trim().is_empty() => Ok(Some((s.to_string(), v.span()))),
        Some(_) => Err(src.error(&v.span(), "extends must name a scenario file, got \"\"")),
        None => Err(src.error(
            &v.span(),
            format!(
                "extends must be a file name (a string), got {}",
                v.get_ref().type_str()
            ),
        )),
    }
}

/// The identity of a file for cycle detection.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads the parents of the scenario `text` at `path`, nearest first (empty when it
/// extends nothing). Missing files, syntax errors and cycles are located errors.
pub(crate) fn read_parents(path: &Path, text: &str) -> Result<Vec<Parent>, ScenarioError> {
    let mut parents: Vec<Parent> = Vec::new();
    let mut seen = vec![identity(path)];
    let mut chain = vec![path.display().to_string()];
    let mut next = {
        let src = Source::new(path, text);
        let doc = parse(&src, text, 0)?;
        extends_of(doc.get_ref(), &src)?
    };
    while let Some((ext, span)) = next.take() {
        let (from_path, from_text, from_rel) = match parents.last() {
            Some(p) => (p.path.as_path(), p.text.as_str(), p.rel_dir.as_path()),
            None => (path, text, Path::new("")),
        };
        let src = Source::new(from_path, from_text);
        let dir = folder(from_path);
        let parent_path = dir.join(&ext);
        let id = identity(&parent_path);
        chain.push(parent_path.display().to_string());
        if seen.contains(&id) {
            return Err(src.error(
                &span,
                format!(
                    "extends: inheritance cannot be circular: {}",
                    chain.join(" -> ")
                ),
            ));
        }
        if parents.len() >= MAX_DEPTH {
            return Err(src.error(
                &span,
                format!("extends: a chain of more than {MAX_DEPTH} parents"),
            ));
        }
        let parent_text = read_scenario(&parent_path).map_err(|e| match e {
            ScenarioError::Read { message, .. } => src.error(
                &span,
                format!(
                    "extends: cannot read the parent scenario {}: {message}",
                    parent_path.display()
                ),
            ),
            located => located,
        })?;
        let rel_dir = from_rel.join(Path::new(&ext).parent().unwrap_or(Path::new("")));
        seen.push(id);
        parents.push(Parent {
            path: parent_path,
            text: parent_text,
            rel_dir,
        });
        let p = parents.last().expect("just pushed");
        let psrc = Source::new(&p.path, &p.text);
        let doc = parse(&psrc, &p.text, 0)?;
        next = extends_of(doc.get_ref(), &psrc)?;
    }
    Ok(parents)
}

/// The folder of a file, `.` for a bare file name.
pub(crate) fn folder(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Resolves `doc` (the scenario itself) against its parents, whose texts are in
/// `parents` (nearest first). Registers each parent's virtual range in `src`.
pub(crate) fn resolve<'a>(
    src: &mut Source<'a>,
    doc: &mut Spanned<DeTable<'a>>,
    parents: &'a [Parent],
) -> Result<(), ScenarioError> {
    let mut trees = Vec::with_capacity(parents.len());
    for p in parents {
        let base = src.add_parent(&p.path, &p.text);
        let mut tree = parse(src, &p.text, base)?.into_inner();
        shift_table(&mut tree, base);
        rebase_paths(&mut tree, &p.rel_dir);
        trees.push(tree);
    }
    // Fold from the farthest ancestor down to the scenario itself.
    let mut acc: Option<DeTable<'a>> = None;
    for tree in trees.into_iter().rev() {
        acc = Some(match acc {
            None => tree,
            Some(parent) => merge(src, parent, tree)?,
        });
    }
    let child = std::mem::take(doc.get_mut());
    let mut resolved = match acc {
        None => child,
        Some(parent) => merge(src, parent, child)?,
    };
    // A `remove` left now is in a file that extends nothing.
    if let Some((k, _)) = resolved.get_key_value(REMOVE) {
        return Err(src.error(
            &k.span(),
            "`remove` deletes tables inherited with `extends`, but this scenario extends nothing",
        ));
    }
    resolved.remove(EXTENDS);
    *doc.get_mut() = resolved;
    Ok(())
}

/// `child` merged over `parent` (both without the child's `extends`).
fn merge<'a>(
    src: &Source<'a>,
    mut parent: DeTable<'a>,
    mut child: DeTable<'a>,
) -> Result<DeTable<'a>, ScenarioError> {
    child.remove(EXTENDS);
    if let Some(remove) = child.remove(REMOVE) {
        apply_removals(src, &mut parent, &remove)?;
    }
    for (key, value) in child {
        let name = key.get_ref().to_string();
        if let Some(&(coll, id_key, required)) = LISTS.iter().find(|(c, _, _)| *c == name)
            && value.get_ref().is_array()
            && parent.get(coll).is_none_or(|v| v.get_ref().is_array())
        {
            merge_list(src, (coll, id_key, required), &mut parent, key, value)?;
            continue;
        }
        if MERGED_TABLES.contains(&name.as_str())
            && value.get_ref().is_table()
            && parent.get(&*name).is_some_and(|v| v.get_ref().is_table())
        {
            let slot = parent.get_mut(&*name).expect("checked above").get_mut();
            if let (DeValue::Table(into), DeValue::Table(from)) = (slot, value.into_inner()) {
                replace_keys(into, from);
            }
            continue;
        }
        // Remove first so that the key, too, carries the child's span.
        parent.remove(&*name);
        parent.insert(key, value);
    }
    Ok(parent)
}

/// Each key of `from` replaces the same key of `into` (or is added after its keys).
fn replace_keys<'a>(into: &mut DeTable<'a>, from: DeTable<'a>) {
    for (k, v) in from {
        into.remove(k.get_ref().as_ref());
        into.insert(k, v);
    }
}

/// The id of a table in a list, with its span.
fn id_of<'v>(el: &'v Spanned<DeValue<'_>>, id_key: &str) -> Option<(&'v str, Span)> {
    let v = el.get_ref().get(id_key)?;
    Some((v.get_ref().as_str()?, v.span()))
}

/// Where a table of a list sits in a scenario: in the list itself, or written inside
/// a proposal or an event (venues a proposal creates, proposals an event brings), as
/// `--set` finds them too.
#[derive(Debug, Clone, Copy)]
enum Place {
    Top(usize),
    /// `proposal[i].create`
    ProposalCreate(usize),
    /// `event[i].venue` (a table)
    EventVenue(usize),
    /// `event[i].proposal`
    EventProposal(usize),
    /// `event[i].proposal.create`
    EventProposalCreate(usize),
}

/// A place inside the tables of another list: (that list, the place, the key path).
type Nested = (&'static str, fn(usize) -> Place, &'static [&'static str]);

fn list<'t, 'a>(doc: &'t DeTable<'a>, key: &str) -> &'t [Spanned<DeValue<'a>>] {
    doc.get(key)
        .and_then(|v| v.get_ref().as_array())
        .map_or(&[], |a| a.as_ref())
}

/// Every table of `coll` in `doc` (the first `top` of its own list only), with its id.
fn places<'t>(doc: &'t DeTable<'_>, coll: &str, id_key: &str, top: usize) -> Vec<(Place, &'t str)> {
    let mut out = Vec::new();
    let table = |v: Option<&'t Spanned<DeValue<'_>>>| v.filter(|v| v.get_ref().is_table());
    for (i, el) in list(doc, coll).iter().take(top).enumerate() {
        out.extend(id_of(el, id_key).map(|(id, _)| (Place::Top(i), id)));
    }
    let nested: &[Nested] = match coll {
        "venue" => &[
            ("proposal", Place::ProposalCreate, &["create"]),
            ("event", Place::EventVenue, &["venue"]),
            ("event", Place::EventProposalCreate, &["proposal", "create"]),
        ],
        "proposal" => &[("event", Place::EventProposal, &["proposal"])],
        _ => &[],
    };
    for &(outer, place, path) in nested {
        for (i, el) in list(doc, outer).iter().enumerate() {
            let mut cur = Some(el);
            for k in path {
                cur = table(cur.and_then(|c| c.get_ref().get(*k)));
            }
            if let Some((id, _)) = cur.and_then(|c| id_of(c, id_key)) {
                out.push((place(i), id));
            }
        }
    }
    out
}

/// The table at `place` of `doc`.
fn slot<'t, 'a>(doc: &'t mut DeTable<'a>, coll: &str, place: Place) -> Option<&'t mut DeValue<'a>> {
    let (outer, i, path): (&str, usize, &[&str]) = match place {
        Place::Top(i) => (coll, i, &[]),
        Place::ProposalCreate(i) => ("proposal", i, &["create"]),
        Place::EventVenue(i) => ("event", i, &["venue"]),
        Place::EventProposal(i) => ("event", i, &["proposal"]),
        Place::EventProposalCreate(i) => ("event", i, &["proposal", "create"]),
    };
    let DeValue::Array(items) = doc.get_mut(outer)?.get_mut() else {
        return None;
    };
    let mut cur = items.as_mut().get_mut(i)?.get_mut();
    for k in path {
        let DeValue::Table(t) = cur else {
            return None;
        };
        cur = t.get_mut(*k)?.get_mut();
    }
    Some(cur)
}

/// Merges the child's list `value` (of `key`) into the parent, by id.
fn merge_list<'a>(
    src: &Source<'a>,
    (coll, id_key, required): (&str, &str, &[&str]),
    parent: &mut DeTable<'a>,
    key: Spanned<Cow<'a, str>>,
    value: Spanned<DeValue<'a>>,
) -> Result<(), ScenarioError> {
    let value_span = value.span();
    let DeValue::Array(child) = value.into_inner() else {
        return Ok(());
    };
    // Only the parent's tables: two tables of one id in the child stay a duplicate.
    let inherited = list(parent, coll).len();
    let mut added = Vec::new();
    for el in child {
        let found = id_of(&el, id_key).and_then(|(id, _)| {
            places(parent, coll, id_key, inherited)
                .into_iter()
                .find(|(_, p)| *p == id)
                .map(|(place, _)| place)
        });
        if let Some(place) = found
            && el.get_ref().is_table()
            && let Some(DeValue::Table(into)) = slot(parent, coll, place)
        {
            if let DeValue::Table(from) = el.into_inner() {
                replace_keys(into, from);
            }
            continue;
        }
        if let Some((id, span)) = id_of(&el, id_key)
            && let Some(t) = el.get_ref().as_table()
        {
            let missing: Vec<&str> = required_keys(coll, required, t)
                .iter()
                .copied()
                .filter(|k| t.get(*k).is_none())
                .collect();
            if !missing.is_empty() {
                let known = places(parent, coll, id_key, inherited);
                return Err(src.error(
                    &span,
                    format!(
                        "{coll} `{id}` is neither in the parent scenario nor a complete new {coll} \
                         (a new {coll} needs {}){}",
                        all_of(&missing),
                        did_you_mean(id, known.iter().map(|(_, id)| *id)),
                    ),
                ));
            }
        }
        added.push(el);
    }
    if !parent.contains_key(coll) {
        parent.insert(
            key,
            Spanned::new(value_span, DeValue::Array(toml::de::DeArray::new())),
        );
    }
    if let Some(DeValue::Array(items)) = parent.get_mut(coll).map(Spanned::get_mut) {
        for el in added {
            items.push(el);
        }
    }
    Ok(())
}

/// Applies `remove = { venue = ["id"], … }` to the parent tree.
fn apply_removals(
    src: &Source<'_>,
    parent: &mut DeTable<'_>,
    remove: &Spanned<DeValue<'_>>,
) -> Result<(), ScenarioError> {
    let colls: Vec<&str> = LISTS.iter().map(|(c, _, _)| *c).collect();
    let Some(table) = remove.get_ref().as_table() else {
        return Err(src.error(
            &remove.span(),
            "remove must be a table of id lists, as `remove = { proposal = [\"p1\"], venue = [\"v\"] }`",
        ));
    };
    for (k, ids) in table.iter() {
        let coll = k.get_ref().as_ref();
        let Some(&(_, id_key, _)) = LISTS.iter().find(|(c, _, _)| *c == coll) else {
            return Err(src.error(
                &k.span(),
                format!(
                    "remove: unknown list `{coll}`{}; expected {}",
                    did_you_mean(coll, colls.iter().copied()),
                    one_of(&colls)
                ),
            ));
        };
        let Some(ids) = ids.get_ref().as_array() else {
            return Err(src.error(
                &ids.span(),
                format!("remove.{coll} must be an array of {id_key}s, as `{coll} = [\"x\"]`"),
            ));
        };
        let mut gone = BTreeSet::new();
        for id in ids.iter() {
            let Some(name) = id.get_ref().as_str() else {
                return Err(src.error(
                    &id.span(),
                    format!("remove.{coll}: expected a {id_key} (a string)"),
                ));
            };
            let known: Vec<&str> = parent
                .get(coll)
                .and_then(|v| v.get_ref().as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|el| id_of(el, id_key))
                        .map(|(i, _)| i)
                        .collect()
                })
                .unwrap_or_default();
            if !known.contains(&name) {
                return Err(src.error(
                    &id.span(),
                    format!(
                        "remove: no {coll} with {id_key} `{name}` in the parent scenario{}",
                        did_you_mean(name, known.iter().copied())
                    ),
                ));
            }
            src.note_removed(coll, name, id.span());
            gone.insert(name.to_string());
        }
        if let Some(DeValue::Array(items)) = parent.get_mut(coll).map(Spanned::get_mut) {
            let all = std::mem::replace(items, toml::de::DeArray::new());
            *items = all
                .into_iter()
                .filter(|el| !id_of(el, id_key).is_some_and(|(i, _)| gone.contains(i)))
                .collect();
        }
    }
    Ok(())
}

/// Rewrites a parent's relative file paths (`states_csv`, a target's `votes` and
/// `baseline`) so they stay right when read from the scenario's folder.
fn rebase_paths(doc: &mut DeTable<'_>, rel_dir: &Path) {
    if rel_dir.as_os_str().is_empty() {
        return;
    }
    let rebase = |v: &mut Spanned<DeValue<'_>>| {
        if let DeValue::String(s) = v.get_mut()
            && Path::new(s.as_ref()).is_relative()
        {
            let joined = rel_dir.join(s.as_ref()).to_string_lossy().into_owned();
            *s = Cow::Owned(joined);
        }
    };
    if let Some(v) = doc.get_mut("states_csv") {
        rebase(v);
    }
    if let Some(DeValue::Array(targets)) = doc.get_mut("target").map(|v| v.get_mut()) {
        for t in targets.iter_mut() {
            if let DeValue::Table(t) = t.get_mut() {
                for key in ["votes", "baseline"] {
                    if let Some(v) = t.get_mut(key) {
                        rebase(v);
                    }
                }
            }
        }
    }
}

/// Moves every span in a tree by `by` bytes (into a parent's virtual range).
fn shift_table(t: &mut DeTable<'_>, by: usize) {
    let old = std::mem::take(t);
    for (k, v) in old {
        let ks = k.span();
        let vs = v.span();
        let mut inner = v.into_inner();
        shift_value(&mut inner, by);
        t.insert(
            Spanned::new(ks.start + by..ks.end + by, k.into_inner()),
            Spanned::new(vs.start + by..vs.end + by, inner),
        );
    }
}

fn shift_value(v: &mut DeValue<'_>, by: usize) {
    match v {
        DeValue::Table(t) => shift_table(t, by),
        DeValue::Array(a) => {
            for el in a.iter_mut() {
                let s = el.span();
                let mut inner = std::mem::replace(el.get_mut(), DeValue::Boolean(false));
                shift_value(&mut inner, by);
                *el = Spanned::new(s.start + by..s.end + by, inner);
            }
        }
        _ => {}
    }
}
