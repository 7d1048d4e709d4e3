//! What the page's form shows and sends: the catalogue of scenarios, one scenario's
//! controls (venue rules, documented parameters with their ranges, runs and seed),
//! and a submitted form turned into the `forumsim run` command that a student can
//! type to get the same tables. Loading reuses the batch commands' loader
//! ([`crate::experiment::batch`]), so a bad value gets the command line's message.

use crate::experiment::batch::{self, LoadError, Loaded};
use crate::model::PARAM_DEFS;
use crate::model::spec::{Decision, Membership, Stakeholders};
use crate::scenario::ScenarioError;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The parameters the teaching docs and the ODD's discussion of forum choice, joining
/// and consensus turn on, shown as sliders (any other can still be set with a `--set`
/// in the terminal).
pub const SLIDERS: &[&str] = &[
    "legit_cost",
    "choice_temperature",
    "break_cost",
    "erosion",
    "cohesion",
    "create_cost",
    "exit_cost",
    "yes_bias",
];

/// Most runs one click may ask for: a classroom machine is shared.
pub const MAX_RUNS: u32 = 1000;

/// One scenario the page offers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entry {
    /// The path as a student types it (`scenarios/world.toml`).
    pub path: String,
    pub name: String,
    pub description: String,
}

/// The scenarios to offer: `given` alone, or the shipped world, stylized and teaching
/// scenarios under `root` (those that load), in name order within each folder.
pub fn catalogue(root: &Path, given: Option<&Path>) -> Vec<Entry> {
    let paths: Vec<PathBuf> = match given {
        Some(p) => vec![p.to_path_buf()],
        None => ["scenarios", "scenarios/teaching"]
            .iter()
            .flat_map(|d| {
                let mut v: Vec<PathBuf> = std::fs::read_dir(root.join(d))
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e.ok())
                    .map(|e| Path::new(d).join(e.file_name()))
                    .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                    .collect();
                v.sort();
                v
            })
            .collect(),
    };
    paths
        .into_iter()
        .filter_map(|p| {
            let sc = crate::scenario::load(&root.join(&p)).ok()?;
            Some(Entry {
                path: p.to_string_lossy().replace('\\', "/"),
                name: sc.name,
                description: sc.description,
            })
        })
        .collect()
}

/// A venue's controls, with the scenario's values.
#[derive(Debug, Clone, Serialize)]
pub struct VenueControls {
    pub id: String,
    pub name: String,
    pub membership: String,
    pub decision: String,
    pub stakeholders: String,
    pub transparency: f64,
}

/// A slider: a global parameter with its documented range.
#[derive(Debug, Clone, Serialize)]
pub struct Slider {
    pub name: String,
    pub value: f64,
    pub min: f64,
    pub max: f64,
    pub doc: String,
}

/// Everything the page needs to draw one scenario's form.
#[derive(Debug, Clone, Serialize)]
pub struct Controls {
    pub path: String,
    pub name: String,
    pub description: String,
    pub runs: u32,
    pub seed: u64,
    pub start_year: i32,
    pub rounds: u32,
    pub venues: Vec<VenueControls>,
    pub sliders: Vec<Slider>,
    /// The rules a venue can be switched to, as `--set` values: a short name where
    /// one is enough, else the full table with the settings the label says.
    pub membership_choices: Vec<Choice>,
    pub decision_choices: Vec<Choice>,
    pub stakeholder_choices: Vec<Choice>,
}

/// One option of a select: what the page says and the `--set` value it sends.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub label: &'static str,
    pub value: &'static str,
}

const fn choice(label: &'static str, value: &'static str) -> Choice {
    Choice { label, value }
}

/// Membership rules one `--set` can switch a venue to (an invitation venue also needs
/// founders, so it is left to the scenario file).
pub const MEMBERSHIP: &[Choice] = &[
    choice("open", "open"),
    choice(
        "appointed (25 seats, 2-year terms)",
        r#"{ type = "appointed", seats = 25, term = 2 }"#,
    ),
    choice("individuals", "individuals"),
];

pub const DECISION: &[Choice] = &[
    choice("consensus", "consensus"),
    choice("consensus first, then majority", "consensus_first"),
    choice("majority", "majority"),
    choice("supermajority", "supermajority"),
    choice("rough consensus", "rough_consensus"),
];

pub const STAKEHOLDERS: &[Choice] = &[
    choice("none", "none"),
    choice(
        "consultative (weight 0.1)",
        r#"{ type = "consultative", weight = 0.1 }"#,
    ),
    choice("full (weight 0.6)", r#"{ type = "full", weight = 0.6 }"#),
];

/// The short name of a membership rule, as `--set venue.ID.membership=NAME` takes it.
fn membership(m: &Membership) -> &'static str {
    match m {
        Membership::Open { .. } => "open",
        Membership::Appointed { .. } => "appointed",
        Membership::Invitation { .. } => "invitation",
        Membership::Individuals => "individuals",
    }
}

fn decision(d: &Decision) -> &'static str {
    match d {
        Decision::Consensus => "consensus",
        Decision::ConsensusFirst { .. } => "consensus_first",
        Decision::Majority { .. } => "majority",
        Decision::Supermajority { .. } => "supermajority",
        Decision::RoughConsensus { .. } => "rough_consensus",
    }
}

fn stakeholders(s: &Stakeholders) -> &'static str {
    match s {
        Stakeholders::None => "none",
        Stakeholders::Consultative { .. } => "consultative",
        Stakeholders::Full { .. } => "full",
    }
}

/// The controls of the scenario at `path` (relative to `root`).
pub fn controls(root: &Path, path: &str) -> Result<Controls, ScenarioError> {
    let sc = crate::scenario::load(&root.join(path))?;
    Ok(Controls {
        path: path.to_string(),
        name: sc.name.clone(),
        description: sc.description.clone(),
        runs: sc.runs,
        seed: sc.seed,
        start_year: sc.start_year,
        rounds: sc.rounds,
        venues: sc
            .venues
            .iter()
            .map(|v| VenueControls {
                id: v.id.clone(),
                name: v.name.clone(),
                membership: membership(&v.membership).into(),
                decision: decision(&v.decision).into(),
                stakeholders: stakeholders(&v.stakeholders).into(),
                transparency: v.transparency,
            })
            .collect(),
        sliders: SLIDERS
            .iter()
            .filter_map(|n| PARAM_DEFS.iter().find(|d| d.name == *n))
            .map(|d| Slider {
                name: d.name.into(),
                value: sc.params.get(d.name).unwrap_or(d.default),
                min: d.min,
                max: d.max,
                doc: d.doc.into(),
            })
            .collect(),
        membership_choices: MEMBERSHIP.to_vec(),
        decision_choices: DECISION.to_vec(),
        stakeholder_choices: STAKEHOLDERS.to_vec(),
    })
}

/// A submitted form: the scenario, runs and seed as typed, and the `--set` overrides
/// of the controls the student changed (`path` is the control's `--set` path).
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Form {
    pub scenario: String,
    pub runs: String,
    pub seed: String,
    #[serde(default)]
    pub sets: Vec<SetValue>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SetValue {
    pub path: String,
    pub value: String,
}

/// A message for one control (`field` is a `--set` path, `runs`, `seed` or
/// `scenario`; empty for the whole form).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A form that loaded: the batch to run and the command that reproduces it.
#[derive(Debug)]
pub struct Plan {
    pub loaded: Loaded,
    pub runs: Vec<u64>,
    pub command: String,
}

/// Checks `form` against the catalogue and loads its scenario as `forumsim run` would
/// with the same flags. Errors name the control they belong to.
pub fn plan(root: &Path, offered: &[Entry], form: &Form) -> Result<Plan, Vec<FieldError>> {
    let err = |field: &str, message: String| {
        vec![FieldError {
            field: field.into(),
            message,
        }]
    };
    if !offered.iter().any(|e| e.path == form.scenario) {
        return Err(err(
            "scenario",
            format!(
                "{:?} is not one of the scenarios this page offers",
                form.scenario
            ),
        ));
    }
    let runs: u32 = form.runs.trim().parse().map_err(|e| {
        err(
            "runs",
            format!("invalid value '{}' for '--runs <N>': {e}", form.runs.trim()),
        )
    })?;
    if runs == 0 || runs > MAX_RUNS {
        return Err(err(
            "runs",
            format!(
                "--runs {runs}: the page runs 1 to {MAX_RUNS} runs; use the command line for more"
            ),
        ));
    }
    let seed: u64 = form.seed.trim().parse().map_err(|e| {
        err(
            "seed",
            format!("invalid value '{}' for '--seed <S>': {e}", form.seed.trim()),
        )
    })?;
    let mut overrides = Vec::new();
    for s in &form.sets {
        let (path, value) = (s.path.trim(), s.value.trim());
        if path.is_empty() || path.contains('=') {
            return Err(err(
                path,
                "expected PATH=VALUE, e.g. parameters.legit_cost=0.5".into(),
            ));
        }
        overrides.push(format!("{path}={value}"));
    }
    let loaded = batch::load(&root.join(&form.scenario), &overrides, None, Some(seed)).map_err(
        |e| match &e {
            LoadError::Scenario(ScenarioError::Override { set, .. }) => {
                let field = set.split_once('=').map_or(set.as_str(), |(p, _)| p);
                err(field, e.to_string())
            }
            _ => err("", e.to_string()),
        },
    )?;
    let command = command(&form.scenario, runs, seed, &overrides);
    Ok(Plan {
        loaded,
        runs: (0..u64::from(runs)).collect(),
        command,
    })
}

/// The `forumsim run` command line of a form, quoted for a POSIX shell.
pub fn command(scenario: &str, runs: u32, seed: u64, overrides: &[String]) -> String {
    let mut words = vec![
        "forumsim".to_string(),
        "run".into(),
        quote(scenario),
        "--runs".into(),
        runs.to_string(),
        "--seed".into(),
        seed.to_string(),
    ];
    for o in overrides {
        words.push("--set".into());
        words.push(quote(o));
    }
    words.join(" ")
}

/// `s` as one shell word: as it is when it holds only safe characters, else in single
/// quotes (a single quote inside written as `'\''`).
pub fn quote(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "._-/=,:+@%".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The words of a command made by [`command`] (the inverse of its quoting), for tests
/// that run it.
pub fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            '\\' if !quoted => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            ' ' if !quoted => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn form(sets: &[(&str, &str)]) -> Form {
        Form {
            scenario: "scenarios/stylized.toml".into(),
            runs: "3".into(),
            seed: "42".into(),
            sets: sets
                .iter()
                .map(|(p, v)| SetValue {
                    path: p.to_string(),
                    value: v.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_catalogue_offers_the_shipped_scenarios() {
        let c = catalogue(&root(), None);
        let paths: Vec<&str> = c.iter().map(|e| e.path.as_str()).collect();
        assert!(paths.contains(&"scenarios/world.toml"), "{paths:?}");
        assert!(paths.contains(&"scenarios/teaching/budapest-open.toml"));
        let one = catalogue(&root(), Some(Path::new("scenarios/stylized.toml")));
        assert_eq!(one.len(), 1);
    }

    #[test]
    fn controls_carry_the_venues_and_documented_ranges() {
        let c = controls(&root(), "scenarios/world.toml").unwrap();
        let oewg = c.venues.iter().find(|v| v.id == "oewg").unwrap();
        assert_eq!(oewg.membership, "open");
        assert_eq!(
            c.sliders.len(),
            SLIDERS.len(),
            "every slider is a parameter"
        );
        for s in &c.sliders {
            assert!(s.min < s.max && (s.min..=s.max).contains(&s.value), "{s:?}");
        }
        let bc = c.sliders.iter().find(|s| s.name == "break_cost").unwrap();
        assert_eq!(bc.value, 1.0, "the scenario's value, not the default");
    }

    #[test]
    fn a_form_becomes_the_command_a_student_types() {
        let c = catalogue(&root(), None);
        let p = plan(&root(), &c, &form(&[("venue.unga.decision", "consensus")])).unwrap();
        assert_eq!(
            p.command,
            "forumsim run scenarios/stylized.toml --runs 3 --seed 42 --set venue.unga.decision=consensus"
        );
        assert_eq!(p.runs, vec![0, 1, 2]);
        assert_eq!(p.loaded.scenario.seed, 42);
    }

    #[test]
    fn bad_values_name_their_control_with_the_cli_message() {
        let c = catalogue(&root(), None);
        let e = plan(&root(), &c, &form(&[("venue.unga.transparency", "1.5")])).unwrap_err();
        assert_eq!(e[0].field, "venue.unga.transparency");
        assert!(
            e[0].message.contains("--set venue.unga.transparency=1.5"),
            "{e:?}"
        );
        let mut f = form(&[]);
        f.runs = "x".into();
        assert_eq!(plan(&root(), &c, &f).unwrap_err()[0].field, "runs");
        f.runs = "0".into();
        assert_eq!(plan(&root(), &c, &f).unwrap_err()[0].field, "runs");
        f.runs = (MAX_RUNS + 1).to_string();
        let e = plan(&root(), &c, &f).unwrap_err();
        assert!(e[0].message.contains("use the command line"), "{e:?}");
        let mut f = form(&[]);
        f.seed = "-1".into();
        assert_eq!(plan(&root(), &c, &f).unwrap_err()[0].field, "seed");
        let mut f = form(&[]);
        f.scenario = "../../etc/passwd".into();
        assert_eq!(plan(&root(), &c, &f).unwrap_err()[0].field, "scenario");
    }

    #[test]
    fn quoting_round_trips() {
        for s in [
            "a",
            "venue.x.decision={type=\"majority\"}",
            "it's",
            "a b",
            "",
        ] {
            let cmd = command("s.toml", 1, 2, &[s.to_string()]);
            let w = words(&cmd);
            assert_eq!(w.last().unwrap(), s, "{cmd}");
        }
    }
}
