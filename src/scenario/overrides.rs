//! `--set path=value` overrides: address one key of the raw TOML tree and replace
//! its value, before the tree is deserialised and validated like the file itself.
//!
//! Paths are dot-separated keys. The lists of tables `[[venue]]`, `[[bloc]]`,
//! `[[state]]`, `[[proposal]]`, `[[event]]` are addressed by `id` (populations by
//! `id_prefix`): `venue.gge.transparency`. A venue id also finds venues defined
//! inside a procedural proposal's `create` or a `new_venue` event, and a proposal id
//! finds `new_proposal` events, so every venue and proposal of the scenario can be
//! changed the same way. Other arrays are addressed by 0-based index
//! (`population.LD.home_bloc.0.weight`). Missing intermediate tables are created.
//!
//! The same resolver serves the spanned parser tree (`--set`, where overridden
//! values carry a virtual span so errors name the override) and a plain
//! `toml::Table` (for sweeps, which build documents programmatically).

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{Span, did_you_mean};
use super::raw::TOP_KEYS;

/// One step from a table or array to a child.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// The lists of tables addressed by an identifying key instead of an index.
const COLLECTIONS: &[(&str, &str)] = &[
    ("venue", "id"),
    ("bloc", "id"),
    ("state", "id"),
    ("proposal", "id"),
    ("population", "id_prefix"),
    ("event", "id"),
    ("target", "id"),
    ("fact", "id"),
];

/// Read access to a TOML tree, so one resolver serves both tree types.
trait Tree {
    fn child(&self, key: &str) -> Option<&Self>;
    fn items(&self) -> Option<Vec<&Self>>;
    fn is_table(&self) -> bool;
    fn text(&self) -> Option<&str>;
    fn type_name(&self) -> &'static str;
}

impl Tree for DeValue<'_> {
    fn child(&self, key: &str) -> Option<&Self> {
        self.as_table()?.get(key).map(Spanned::get_ref)
    }
    fn items(&self) -> Option<Vec<&Self>> {
        Some(self.as_array()?.iter().map(Spanned::get_ref).collect())
    }
    fn is_table(&self) -> bool {
        DeValue::is_table(self)
    }
    fn text(&self) -> Option<&str> {
        self.as_str()
    }
    fn type_name(&self) -> &'static str {
        self.type_str()
    }
}

impl Tree for toml::Value {
    fn child(&self, key: &str) -> Option<&Self> {
        self.as_table()?.get(key)
    }
    fn items(&self) -> Option<Vec<&Self>> {
        Some(self.as_array()?.iter().collect())
    }
    fn is_table(&self) -> bool {
        toml::Value::is_table(self)
    }
    fn text(&self) -> Option<&str> {
        self.as_str()
    }
    fn type_name(&self) -> &'static str {
        self.type_str()
    }
}

/// Turns `path` into concrete steps from the root of `root` (a table).
fn resolve<T: Tree>(root: &T, path: &str) -> Result<Vec<Step>, String> {
    let segs: Vec<&str> = path.split('.').map(str::trim).collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Err(format!("the path `{path}` has an empty segment"));
    }
    let (mut steps, rest, mut node, mut here) = match COLLECTIONS
        .iter()
        .find(|(c, _)| *c == segs[0])
    {
        Some(&(coll, id_key)) => {
            if segs.len() < 3 {
                return Err(format!(
                    "`{coll}` is a list of tables: set a key of one of them, as `{coll}.<{id_key}>.<key>=<value>`"
                ));
            }
            let (steps, node) = find_by_id(root, coll, id_key, segs[1])?;
            (steps, &segs[2..], Some(node), format!("{coll}.{}", segs[1]))
        }
        None => {
            if !TOP_KEYS.contains(&segs[0]) {
                return Err(format!(
                    "unknown key `{}`{}",
                    segs[0],
                    did_you_mean(segs[0], TOP_KEYS.iter().copied())
                ));
            }
            (Vec::new(), &segs[..], Some(root), String::new())
        }
    };
    for seg in rest {
        let (step, next) = match node {
            Some(n) => {
                if let Some(items) = n.items() {
                    let i: usize = seg.parse().map_err(|_| {
                        format!("`{here}` is an array: address an element by its 0-based index, not `{seg}`")
                    })?;
                    let el = items.get(i).copied().ok_or_else(|| {
                        format!(
                            "`{here}` has {} elements: index {i} is out of range",
                            items.len()
                        )
                    })?;
                    (Step::Index(i), Some(el))
                } else if n.is_table() {
                    (Step::Key(seg.to_string()), n.child(seg))
                } else {
                    let ty = n.type_name();
                    let a = if ty.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    };
                    return Err(format!(
                        "`{here}` is {a} {ty}, not a table: set it whole, as `{here}=<value>`"
                    ));
                }
            }
            None => (Step::Key(seg.to_string()), None),
        };
        steps.push(step);
        node = next;
        if !here.is_empty() {
            here.push('.');
        }
        here.push_str(seg);
    }
    Ok(steps)
}

/// The steps to the table of `coll` whose `id_key` is `id`.
fn find_by_id<'t, T: Tree>(
    root: &'t T,
    coll: &str,
    id_key: &str,
    id: &str,
) -> Result<(Vec<Step>, &'t T), String> {
    let key = |k: &str| Step::Key(k.to_string());
    // Every table of this collection, wherever the format allows one to be written.
    let mut places: Vec<(Vec<Step>, &T)> = Vec::new();
    for (i, el) in list(root, coll).into_iter().enumerate() {
        places.push((vec![key(coll), Step::Index(i)], el));
    }
    if coll == "venue" {
        for (i, p) in list(root, "proposal").into_iter().enumerate() {
            if let Some(c) = p.child("create") {
                places.push((vec![key("proposal"), Step::Index(i), key("create")], c));
            }
        }
    }
    for (i, e) in list(root, "event").into_iter().enumerate() {
        match coll {
            "venue" => {
                if let Some(v) = e.child("venue").filter(|v| v.is_table()) {
                    places.push((vec![key("event"), Step::Index(i), key("venue")], v));
                }
                if let Some(c) = e.child("proposal").and_then(|p| p.child("create")) {
                    places.push((
                        vec![key("event"), Step::Index(i), key("proposal"), key("create")],
                        c,
                    ));
                }
            }
            "proposal" => {
                if let Some(p) = e.child("proposal").filter(|p| p.is_table()) {
                    places.push((vec![key("event"), Step::Index(i), key("proposal")], p));
                }
            }
            _ => {}
        }
    }
    let ids: Vec<&str> = places
        .iter()
        .filter_map(|(_, t)| t.child(id_key)?.text())
        .collect();
    if let Some(found) = places
        .into_iter()
        .find(|(_, t)| t.child(id_key).and_then(Tree::text) == Some(id))
    {
        return Ok(found);
    }
    let hint = match coll {
        "state" => " (states from `states_csv` or a `[[population]]` cannot be set this way)",
        _ => "",
    };
    Err(format!(
        "no {coll} with {id_key} `{id}`{}{hint}",
        did_you_mean(id, ids.iter().copied())
    ))
}

/// The elements of array `key` of `root` (empty if there is none).
fn list<'t, T: Tree>(root: &'t T, key: &str) -> Vec<&'t T> {
    root.child(key).and_then(Tree::items).unwrap_or_default()
}

/// Sets `path` of a plain TOML document to `value`, creating missing tables.
/// The error is a message without the path (callers add their own context).
pub fn apply_override(doc: &mut toml::Table, path: &str, value: toml::Value) -> Result<(), String> {
    let mut root = toml::Value::Table(std::mem::take(doc));
    let result = resolve(&root, path).and_then(|steps| set_plain(&mut root, &steps, value));
    if let toml::Value::Table(t) = root {
        *doc = t;
    }
    result
}

/// The value at override `path` of a plain TOML document: `Ok(None)` when the path is
/// valid but the document does not set it (a default applies), an error when the path
/// itself is wrong. The reading counterpart of [`apply_override`].
pub fn lookup<'d>(doc: &'d toml::Table, path: &str) -> Result<Option<&'d toml::Value>, String> {
    let root = toml::Value::Table(doc.clone());
    let steps = resolve(&root, path)?;
    let mut cur = doc.get(match steps.first() {
        Some(Step::Key(k)) => k.as_str(),
        _ => return Err("the path does not lead to a value".into()),
    });
    for step in &steps[1..] {
        cur = match (step, cur) {
            (Step::Key(k), Some(toml::Value::Table(t))) => t.get(k),
            (Step::Index(i), Some(toml::Value::Array(a))) => a.get(*i),
            _ => None,
        };
    }
    Ok(cur)
}

fn set_plain(mut cur: &mut toml::Value, steps: &[Step], value: toml::Value) -> Result<(), String> {
    let Some((last, init)) = steps.split_last() else {
        return Err("the path is empty".into());
    };
    for step in init {
        cur = match (step, cur) {
            (Step::Key(k), toml::Value::Table(t)) => t
                .entry(k.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new())),
            (Step::Index(i), toml::Value::Array(a)) => a.get_mut(*i).ok_or("index out of range")?,
            _ => return Err("the path does not lead to a table".into()),
        };
    }
    match (last, cur) {
        (Step::Key(k), toml::Value::Table(t)) => {
            t.insert(k.clone(), value);
        }
        (Step::Index(i), toml::Value::Array(a)) => {
            *a.get_mut(*i).ok_or("index out of range")? = value
        }
        _ => return Err("the path does not lead to a table".into()),
    }
    Ok(())
}

/// Sets `path` of the parser's spanned tree to `value`; every key this creates and
/// every part of `value` get `span` (the override's virtual span).
pub(crate) fn apply_spanned<'a>(
    doc: &mut DeTable<'a>,
    path: &str,
    mut value: DeValue<'a>,
    span: &Span,
) -> Result<(), String> {
    respan(&mut value, span);
    let mut root = DeValue::Table(std::mem::take(doc));
    let result = resolve(&root, path).and_then(|steps| set_spanned(&mut root, &steps, value, span));
    if let DeValue::Table(t) = root {
        *doc = t;
    }
    result
}

fn set_spanned<'a>(
    mut cur: &mut DeValue<'a>,
    steps: &[Step],
    value: DeValue<'a>,
    span: &Span,
) -> Result<(), String> {
    let Some((last, init)) = steps.split_last() else {
        return Err("the path is empty".into());
    };
    let key = |k: &str| Spanned::new(span.clone(), Cow::Owned(k.to_string()));
    for step in init {
        cur = match (step, cur) {
            (Step::Key(k), DeValue::Table(t)) => t
                .entry(key(k))
                .or_insert_with(|| Spanned::new(span.clone(), DeValue::Table(DeTable::new())))
                .get_mut(),
            (Step::Index(i), DeValue::Array(a)) => {
                a.get_mut(*i).ok_or("index out of range")?.get_mut()
            }
            _ => return Err("the path does not lead to a table".into()),
        };
    }
    let value = Spanned::new(span.clone(), value);
    match (last, cur) {
        (Step::Key(k), DeValue::Table(t)) => {
            // Remove first so the key, too, carries the override's span.
            t.remove(k.as_str());
            t.insert(key(k), value);
        }
        (Step::Index(i), DeValue::Array(a)) => *a.get_mut(*i).ok_or("index out of range")? = value,
        _ => return Err("the path does not lead to a table".into()),
    }
    Ok(())
}

/// Gives every key and value inside `v` the span `span`.
fn respan(v: &mut DeValue<'_>, span: &Span) {
    match v {
        DeValue::Table(t) => {
            let old = std::mem::take(t);
            for (k, child) in old {
                let mut child = child.into_inner();
                respan(&mut child, span);
                t.insert(
                    Spanned::new(span.clone(), k.into_inner()),
                    Spanned::new(span.clone(), child),
                );
            }
        }
        DeValue::Array(a) => {
            for el in a.iter_mut() {
                let mut child = std::mem::replace(el.get_mut(), DeValue::Boolean(false));
                respan(&mut child, span);
                *el = Spanned::new(span.clone(), child);
            }
        }
        _ => {}
    }
}

/// Splits `path=value` at the first `=`.
pub(crate) fn split_set(set: &str) -> Result<(&str, &str), String> {
    match set.split_once('=') {
        Some((path, value)) if !path.trim().is_empty() => Ok((path.trim(), value.trim())),
        _ => Err("expected `path=value`, e.g. `parameters.legit_cost=0.5`".into()),
    }
}

/// The value of a `--set`: a TOML value (`0.5`, `"x"`, `[0.2, 0.3]`, `{ type = "open" }`),
/// or else the text itself as a string, so `decision=consensus` needs no quotes.
pub(crate) fn parse_set_value(text: &str) -> DeValue<'_> {
    match DeValue::parse(text) {
        Ok(v) => v.into_inner(),
        Err(_) => DeValue::String(Cow::Borrowed(text)),
    }
}

/// [`parse_set_value`] for plain documents: a TOML value, or else a bare string.
pub fn parse_value(text: &str) -> toml::Value {
    text.trim()
        .parse::<toml::Value>()
        .unwrap_or_else(|_| toml::Value::String(text.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
rounds = 3
[[venue]]
id = "unga"
transparency = 0.5
decision = "consensus"
[[proposal]]
id = "p1"
create = { id = "oewg", transparency = 0.5 }
[[event]]
type = "new_proposal"
proposal = { id = "p2" }
[[population]]
id_prefix = "LD"
home_bloc = [{ bloc = "a", weight = 1.0 }]
"#;

    fn doc() -> toml::Table {
        DOC.parse().unwrap()
    }

    fn set(path: &str, value: &str) -> Result<toml::Table, String> {
        let mut d = doc();
        apply_override(&mut d, path, parse_value(value)).map(|()| d)
    }

    #[test]
    fn top_level_and_nested_keys() {
        let d = set("rounds", "10").unwrap();
        assert_eq!(d["rounds"].as_integer(), Some(10));
        let d = set("parameters.legit_cost", "0.5").unwrap();
        assert_eq!(d["parameters"]["legit_cost"].as_float(), Some(0.5));
    }

    #[test]
    fn lists_of_tables_are_addressed_by_id() {
        let d = set("venue.unga.transparency", "0.8").unwrap();
        assert_eq!(d["venue"][0]["transparency"].as_float(), Some(0.8));
        let d = set("venue.oewg.transparency", "0.9").unwrap();
        assert_eq!(
            d["proposal"][0]["create"]["transparency"].as_float(),
            Some(0.9)
        );
        let d = set("proposal.p2.max_moves", "5").unwrap();
        assert_eq!(d["event"][0]["proposal"]["max_moves"].as_integer(), Some(5));
        let d = set("population.LD.home_bloc.0.weight", "2.0").unwrap();
        assert_eq!(
            d["population"][0]["home_bloc"][0]["weight"].as_float(),
            Some(2.0)
        );
    }

    #[test]
    fn bare_strings_and_tables_are_values() {
        let d = set("venue.unga.decision", "majority").unwrap();
        assert_eq!(d["venue"][0]["decision"].as_str(), Some("majority"));
        let d = set(
            "venue.unga.decision",
            r#"{ type = "majority", threshold = 0.6 }"#,
        )
        .unwrap();
        assert_eq!(d["venue"][0]["decision"]["threshold"].as_float(), Some(0.6));
    }

    #[test]
    fn bad_paths_explain_themselves() {
        assert_eq!(
            set("rounds.x", "1").unwrap_err(),
            "`rounds` is an integer, not a table: set it whole, as `rounds=<value>`"
        );
        assert!(
            set("venue.ungaa.transparency", "1")
                .unwrap_err()
                .contains("did you mean `unga`?")
        );
        assert!(
            set("venues.unga.x", "1")
                .unwrap_err()
                .contains("did you mean `venue`?")
        );
        assert!(
            set("venue.unga", "1")
                .unwrap_err()
                .contains("list of tables")
        );
        assert!(set("venue..x", "1").unwrap_err().contains("empty segment"));
        assert!(
            set("population.LD.home_bloc.x", "1")
                .unwrap_err()
                .contains("0-based index")
        );
        assert!(
            set("state.USA.power", "1")
                .unwrap_err()
                .contains("states_csv")
        );
    }

    #[test]
    fn split_set_needs_an_equals_sign() {
        assert_eq!(split_set(" a.b = 1 ").unwrap(), ("a.b", "1"));
        assert!(split_set("a.b").is_err());
        assert!(split_set("=1").is_err());
    }

    #[test]
    fn spanned_overrides_carry_their_span() {
        let mut d = DeTable::parse(DOC).unwrap().into_inner();
        let span = 1000..1010;
        apply_spanned(
            &mut d,
            "venue.unga.hosts",
            parse_set_value(r#"["norms"]"#),
            &span,
        )
        .unwrap();
        let v = d["venue"].get_ref().as_array().unwrap()[0].get_ref();
        let (k, hosts) = v.as_table().unwrap().get_key_value("hosts").unwrap();
        assert_eq!(k.span(), span);
        assert_eq!(hosts.span(), span);
        assert_eq!(hosts.get_ref().as_array().unwrap()[0].span(), span);
    }
}
