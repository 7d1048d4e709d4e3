//! The raw serde mirror of a scenario file: exactly the keys a file may contain,
//! each with its span, and nothing checked beyond TOML types.
//!
//! Every table denies unknown keys, so a misspelt key is an error, never a silently
//! ignored setting. Tables whose keys depend on a `type` (membership, decision,
//! stakeholders, distributions, events) are mirrored as flat structs of all the
//! keys any type may take; `validate` checks which keys the chosen type accepts.
//! Integers are read as `i64` so that range checks (`rounds >= 1`) can say what is
//! wrong in the house style instead of serde's "expected u32".

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::Spanned as S;

/// A point or shift `[m, s]`.
pub type Pair = [f64; 2];
/// A list of names (ids, tags, kinds), each with its span.
pub type Names = S<Vec<S<String>>>;

/// The top-level table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: S<String>,
    pub description: Option<S<String>>,
    pub rounds: S<i64>,
    pub start_year: Option<S<i64>>,
    pub seed: S<i64>,
    pub population_seed: Option<S<i64>>,
    pub runs: Option<S<i64>>,
    #[serde(default, deserialize_with = "pair")]
    pub legacy: Option<S<Pair>>,
    pub parameters: Option<S<BTreeMap<S<String>, S<toml::Value>>>>,
    pub stakeholder: Option<S<RawStakeholderActor>>,
    pub states_csv: Option<S<String>>,
    #[serde(default)]
    pub bloc: Vec<S<RawBloc>>,
    #[serde(default)]
    pub state: Vec<S<RawState>>,
    #[serde(default)]
    pub population: Vec<S<RawPopulation>>,
    #[serde(default)]
    pub venue: Vec<S<RawVenue>>,
    #[serde(default)]
    pub proposal: Vec<S<RawProposal>>,
    #[serde(default)]
    pub event: Vec<S<RawEvent>>,
    #[serde(default)]
    pub target: Vec<S<RawTarget>>,
    #[serde(default)]
    pub fact: Vec<S<RawFact>>,
}

/// The keys of [`RawScenario`], for "did you mean" on `--set` paths (a unit test
/// keeps this list equal to the struct's fields).
pub const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "rounds",
    "start_year",
    "seed",
    "population_seed",
    "runs",
    "legacy",
    "parameters",
    "stakeholder",
    "states_csv",
    "bloc",
    "state",
    "population",
    "venue",
    "proposal",
    "event",
    "target",
    "fact",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStakeholderActor {
    #[serde(default, deserialize_with = "pair")]
    pub ideal: Option<S<Pair>>,
    pub salience: Option<S<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBloc {
    pub id: S<String>,
    pub name: Option<S<String>>,
    #[serde(default, deserialize_with = "pair")]
    pub shift: Option<S<Pair>>,
    pub cohesion: Option<S<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawState {
    pub id: S<String>,
    pub name: Option<S<String>>,
    pub regime: S<f64>,
    pub power: S<f64>,
    pub competence: S<f64>,
    pub ict: S<f64>,
    pub tags: Option<Names>,
    pub blocs: Option<Names>,
    #[serde(default, deserialize_with = "pair")]
    pub ideal: Option<S<Pair>>,
    pub salience: Option<S<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    pub label: S<String>,
    pub count: S<i64>,
    pub id_prefix: S<String>,
    pub regime: S<Short<RawDist>>,
    pub power: S<Short<RawDist>>,
    pub competence: S<Short<RawDist>>,
    pub ict: S<Short<RawDist>>,
    pub tags: Option<Names>,
    pub blocs: Option<Names>,
    pub home_bloc: Option<S<Vec<S<RawHomeBloc>>>>,
}

/// A distribution table `{ dist = "uniform", min = 0.2, max = 0.5 }` (or a bare number).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    pub dist: S<String>,
    pub value: Option<S<f64>>,
    pub min: Option<S<f64>>,
    pub max: Option<S<f64>>,
    pub mean: Option<S<f64>>,
    pub sd: Option<S<f64>>,
    pub mu: Option<S<f64>>,
    pub sigma: Option<S<f64>>,
    pub a: Option<S<f64>>,
    pub b: Option<S<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHomeBloc {
    pub bloc: S<String>,
    pub weight: S<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMembership {
    #[serde(rename = "type")]
    pub kind: S<String>,
    pub initial: Option<S<String>>,
    pub seats: Option<S<i64>>,
    pub reserved: Option<Names>,
    pub term: Option<S<i64>>,
    pub quota_by: Option<Names>,
    pub admit: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDecision {
    #[serde(rename = "type")]
    pub kind: S<String>,
    pub threshold: Option<S<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStakeholders {
    #[serde(rename = "type")]
    pub kind: S<String>,
    pub weight: Option<S<f64>>,
}

/// A venue: `[[venue]]`, a procedural proposal's `create`, a `new_venue` event's `venue`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVenue {
    pub id: S<String>,
    pub name: Option<S<String>>,
    pub membership: S<Short<RawMembership>>,
    pub decision: S<Short<RawDecision>>,
    pub stakeholders: Option<S<Short<RawStakeholders>>>,
    pub transparency: S<f64>,
    pub privilege: Option<S<f64>>,
    pub hosts: Names,
    pub reach: Option<S<String>>,
    /// Whether its texts bind its members as a treaty (default false).
    pub binding: Option<S<bool>>,
    #[serde(default, deserialize_with = "pair_map")]
    pub rules: Option<S<BTreeMap<S<String>, S<Pair>>>>,
    pub negotiation_rounds: Option<S<i64>>,
    pub founders: Option<Names>,
    pub founder_blocs: Option<Names>,
    pub founder_tags: Option<Names>,
    /// Last round (or year) of a venue with a term.
    pub until: Option<S<i64>>,
    pub until_year: Option<S<i64>>,
    /// The venue whose texts this one starts from.
    pub acquis: Option<S<String>>,
    /// Only in a procedural proposal's `create`.
    pub mandate: Option<S<RawMandate>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMandate {
    pub kind: S<String>,
    pub position: Option<S<Short<RawPosition>>>,
    /// Whether the mandate is tabled in the new venue (default true).
    pub table: Option<S<bool>>,
}

/// The full forms of a text's position: `[m, s]`, or `{ rule_of = ["gge"] }` (the short
/// forms are the names `"sponsor_ideal"` and `"compromise"`).
#[derive(Debug)]
pub enum RawPosition {
    At(Pair),
    RuleOf(Names),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleOf {
    rule_of: Names,
}

impl<'de> Deserialize<'de> for RawPosition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawPosition;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(RawPosition::EXPECTING)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                RawRuleOf::deserialize(MapAccessDeserializer::new(map))
                    .map(|r| RawPosition::RuleOf(r.rule_of))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                // Exactly two numbers: a third is an error, not dropped.
                Exact2::deserialize(SeqAccessDeserializer::new(seq)).map(|p| RawPosition::At(p.0))
            }
        }
        d.deserialize_any(V)
    }
}

/// A change to a venue: a procedural proposal's `change` (events carry the same keys flat).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChange {
    pub venue: S<String>,
    pub membership: Option<S<Short<RawMembership>>>,
    pub decision: Option<S<Short<RawDecision>>>,
    pub stakeholders: Option<S<Short<RawStakeholders>>>,
    pub transparency: Option<S<f64>>,
    pub privilege: Option<S<f64>>,
    pub hosts: Option<Names>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProposal {
    pub id: S<String>,
    pub kind: S<String>,
    pub sponsor: Option<S<String>>,
    /// A chair's text: no sponsor, drafted at the compromise of its venue.
    pub chair: Option<S<bool>>,
    pub cosponsors: Option<Names>,
    pub position: Option<S<Short<RawPosition>>>,
    /// A recurring text: introduced again each round after it is decided, until then.
    pub repeat_until: Option<S<i64>>,
    pub repeat_until_year: Option<S<i64>>,
    /// The proposal whose adopted text this one adopts in its own venue.
    pub ratifies: Option<S<String>>,
    pub introduced: Option<S<i64>>,
    pub introduced_year: Option<S<i64>>,
    pub venue: Option<S<String>>,
    pub max_moves: Option<S<i64>>,
    pub parent: Option<S<String>>,
    pub create: Option<S<RawVenue>>,
    pub change: Option<S<RawChange>>,
    pub replaces: Option<Names>,
}

/// An event, flat: which keys apply depends on `type` (checked in validation).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    #[serde(rename = "type")]
    pub kind: S<String>,
    pub id: Option<S<String>>,
    pub round: Option<S<i64>>,
    pub year: Option<S<i64>>,
    pub state: Option<S<String>>,
    pub bloc: Option<S<String>>,
    pub delta: Option<S<f64>>,
    pub dm: Option<S<f64>>,
    pub ds: Option<S<f64>>,
    /// A venue id, or (for `new_venue`) a whole venue table.
    pub venue: Option<S<Short<Box<RawVenue>>>>,
    pub membership: Option<S<Short<RawMembership>>>,
    pub decision: Option<S<Short<RawDecision>>>,
    pub stakeholders: Option<S<Short<RawStakeholders>>>,
    pub transparency: Option<S<f64>>,
    pub privilege: Option<S<f64>>,
    pub hosts: Option<Names>,
    pub proposal: Option<S<Box<RawProposal>>>,
    pub action: Option<S<String>>,
    pub states: Option<Names>,
    pub tag: Option<S<String>>,
    pub candidates: Option<Names>,
}

/// A recorded decision to compare simulated ones with (`forumsim validate`): a vote
/// on a proposal (`venue`, `proposal`, the four tallies) or an election (`election`,
/// `candidates`, optionally `absent`). Which keys go together is checked in
/// validation, so that a wrong mix can be told in words.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub id: S<String>,
    pub venue: Option<S<String>>,
    pub proposal: Option<S<String>>,
    pub year: Option<S<i64>>,
    pub round: Option<S<i64>>,
    pub yes: Option<S<i64>>,
    pub no: Option<S<i64>>,
    pub abstain: Option<S<i64>>,
    pub absent: Option<S<i64>>,
    pub votes: Option<S<String>>,
    pub baseline: Option<S<String>>,
    pub source: Option<S<String>>,
    pub reference: Option<S<RawReference>>,
    // ---- election targets ----
    pub election: Option<S<String>>,
    pub candidates: Option<S<BTreeMap<S<String>, S<i64>>>>,
}

/// Another recorded tally shown beside a target's (e.g. the committee vote); any
/// subset of the four counts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReference {
    pub yes: Option<S<i64>>,
    pub no: Option<S<i64>>,
    pub abstain: Option<S<i64>>,
    pub absent: Option<S<i64>>,
    pub label: Option<S<String>>,
}

/// A recorded outcome without a tally (`[[fact]]`): a proposal's fate in a venue, an
/// election's winner or a venue's membership. Which keys go together is checked in
/// validation (`facts.rs`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    pub id: S<String>,
    pub proposal: Option<S<String>>,
    pub venue: Option<S<String>>,
    pub election: Option<S<String>>,
    pub candidate: Option<S<String>>,
    pub members: Option<S<i64>>,
    pub year: Option<S<i64>>,
    pub years: Option<S<Vec<S<i64>>>>,
    pub outcome: Option<S<String>>,
    pub source: Option<S<String>>,
}

/// A value that may be written in short form (a name or a number) or in full (a
/// table or an array): `decision = "consensus"` or `decision = { type = "majority",
/// threshold = 0.5 }`; `regime = 0.8` or `regime = { dist = "uniform", … }`.
#[derive(Debug)]
pub enum Short<T> {
    Name(String),
    Number(f64),
    Full(T),
}

/// What the full form of a [`Short`] is, for serde's "expected …" message.
pub trait Expecting {
    const EXPECTING: &'static str;
    /// Whether the full form is an array (`[m, s]`) rather than a table. Tables are
    /// not accepted as arrays: serde would otherwise fill a struct positionally.
    const ARRAY: bool = false;
    /// The length of that array: more elements are an error, not dropped.
    const LEN: usize = 0;
}
impl Expecting for RawMembership {
    const EXPECTING: &'static str = "a membership type or table";
}
impl Expecting for RawDecision {
    const EXPECTING: &'static str = "a decision type or table";
}
impl Expecting for RawStakeholders {
    const EXPECTING: &'static str = "a stakeholder type or table";
}
impl Expecting for RawDist {
    const EXPECTING: &'static str = "a number or a distribution table";
}
impl Expecting for Pair {
    const EXPECTING: &'static str = "an array [m, s]";
    const ARRAY: bool = true;
    const LEN: usize = 2;
}
impl Expecting for RawPosition {
    const EXPECTING: &'static str =
        "[m, s], \"sponsor_ideal\", \"compromise\" or { rule_of = [venue ids] }";
    const ARRAY: bool = true;
    const LEN: usize = 2;
}
impl Expecting for Box<RawVenue> {
    const EXPECTING: &'static str = "a venue id or a venue table";
}

impl<'de, T: Deserialize<'de> + Expecting> Deserialize<'de> for Short<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Expecting> Visitor<'de> for V<T> {
            type Value = Short<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(T::EXPECTING)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Short::Name(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Short::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Short::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Short::Number(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Short::Full)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                if !T::ARRAY {
                    return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
                }
                let mut seq = seq;
                let full = T::deserialize(SeqAccessDeserializer::new(&mut seq))?;
                let extra = rest(&mut seq)?;
                if extra > 0 {
                    return Err(de::Error::invalid_length(T::LEN + extra, &self));
                }
                Ok(Short::Full(full))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// Exactly two numbers: serde's own `[f64; 2]` stops reading after two, so a third
/// value (`[0.2, 0.3, 0.4]`) would be dropped without a word.
struct Exact2(Pair);

impl<'de> Deserialize<'de> for Exact2 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pair;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array [m, s] of two numbers")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Pair, A::Error> {
                let m = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let s = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                let extra = rest(&mut seq)?;
                if extra > 0 {
                    return Err(de::Error::invalid_length(2 + extra, &self));
                }
                Ok([m, s])
            }
        }
        d.deserialize_seq(V).map(Exact2)
    }
}

/// Reads what is left of a sequence; returns how many elements that was.
fn rest<'de, A: SeqAccess<'de>>(seq: &mut A) -> Result<usize, A::Error> {
    let mut n = 0;
    while seq.next_element::<de::IgnoredAny>()?.is_some() {
        n += 1;
    }
    Ok(n)
}

/// An optional `[m, s]` key, exactly two numbers (see [`Exact2`]).
fn pair<'de, D: Deserializer<'de>>(d: D) -> Result<Option<S<Pair>>, D::Error> {
    let v = Option::<S<Exact2>>::deserialize(d)?;
    Ok(v.map(|p| S::new(p.span(), p.into_inner().0)))
}

/// An optional table of `[m, s]` values (a venue's `rules`).
type PairMap = BTreeMap<S<String>, S<Pair>>;
fn pair_map<'de, D: Deserializer<'de>>(d: D) -> Result<Option<S<PairMap>>, D::Error> {
    let v = Option::<S<BTreeMap<S<String>, S<Exact2>>>>::deserialize(d)?;
    Ok(v.map(|m| {
        let span = m.span();
        let map = m
            .into_inner()
            .into_iter()
            .map(|(k, p)| (k, S::new(p.span(), p.into_inner().0)))
            .collect();
        S::new(span, map)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RawScenario, toml::de::Error> {
        toml::from_str(text)
    }

    #[test]
    fn top_keys_match_the_struct() {
        let err = parse("no_such_key = 1").unwrap_err();
        let msg = err.message();
        for key in TOP_KEYS {
            assert!(
                msg.contains(&format!("`{key}`")),
                "{key} missing from {msg}"
            );
        }
        assert_eq!(msg.matches('`').count(), 2 * (TOP_KEYS.len() + 1), "{msg}");
    }

    #[test]
    fn short_forms_parse() {
        let raw = parse(
            r#"
name = "t"
rounds = 1
seed = 1
[[venue]]
id = "v"
membership = "open"
decision = { type = "majority", threshold = 0.6 }
transparency = 1
hosts = ["norms"]
[[population]]
label = "p"
count = 2
id_prefix = "P"
regime = 0.5
power = { dist = "lognormal", mu = 0.0, sigma = 1.0 }
competence = 1
ict = { dist = "constant", value = 0.5 }
"#,
        )
        .unwrap();
        let v = &raw.venue[0].get_ref();
        assert!(matches!(v.membership.get_ref(), Short::Name(n) if n == "open"));
        assert!(matches!(
            v.decision.get_ref(),
            Short::Full(RawDecision {
                threshold: Some(_),
                ..
            })
        ));
        assert_eq!(*v.transparency.get_ref(), 1.0);
        let p = raw.population[0].get_ref();
        assert!(matches!(p.regime.get_ref(), Short::Number(x) if *x == 0.5));
        assert!(matches!(p.power.get_ref(), Short::Full(_)));
    }

    #[test]
    fn unknown_keys_in_short_tables_are_rejected() {
        let err = parse(
            r#"
name = "t"
rounds = 1
seed = 1
[[venue]]
id = "v"
membership = { type = "open", seets = 3 }
decision = "consensus"
transparency = 0.5
hosts = ["norms"]
"#,
        )
        .unwrap_err();
        assert!(
            err.message().contains("unknown field `seets`"),
            "{}",
            err.message()
        );
    }
}
