//! `manifest.json`: everything needed to say what a batch was and to run it again.
//!
//! Field order is fixed (struct order, parameters in `PARAM_DEFS` order), so identical
//! batches give identical bytes up to `timing`, the only field allowed to differ,
//! which is therefore last.

use super::folder::{Batch, FileInfo, MANIFEST, OutputError, RESOLVED, Tables};
use crate::model::{PARAM_DEFS, Pos, Scenario};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// What a `run` folder's manifest says in [`Manifest::kind`].
pub const KIND_RUN: &str = "run";

/// How a run's generator is derived, as recorded in the manifest.
pub const SEEDS_RULE: &str = "run r uses ChaCha12Rng::seed_from_u64(seed) on stream r; generated \
populations use stream u64::MAX of population_seed (default: the scenario's seed)";

/// The manifest of one batch.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// What wrote the folder: `run` (a future `sweep` folder says `sweep`), so that
    /// `verify` knows how to re-run it.
    pub kind: String,
    /// forumsim version that wrote the batch.
    pub forumsim: String,
    pub build: BuildInfo,
    pub scenario: ScenarioInfo,
    /// Master seed: run r used ChaCha stream r of it.
    pub seed: u64,
    /// How seeds become generators ([`SEEDS_RULE`]).
    pub seeds: String,
    pub runs: RunSet,
    pub threads: usize,
    /// Optional tables written (`--votes`, `--states`, `--votes-on`).
    pub tables: Tables,
    /// Every resolved parameter, numeric ones in `PARAM_DEFS` order.
    pub parameters: Parameters,
    pub counts: Counts,
    /// Data files written, in writing order.
    pub files: Vec<FileInfo>,
    /// SHA-256 of each file of `files`, by name: how readers (`plot`, `report`,
    /// `animate`) know the tables in the folder are the ones this manifest describes.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub sha256: BTreeMap<String, String>,
    /// Wall time; the one field that differs between identical batches. Keep it last.
    pub timing: Timing,
}

/// Where and on what the batch was built and run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildInfo {
    /// `git rev-parse HEAD` when forumsim was built, or "unknown".
    pub git_commit: String,
    /// `std::env::consts::OS`.
    pub os: String,
    /// `std::env::consts::ARCH`.
    pub arch: String,
}

impl BuildInfo {
    /// This binary's build.
    pub fn current() -> BuildInfo {
        BuildInfo {
            git_commit: env!("FORUMSIM_GIT_COMMIT").to_string(),
            os: std::env::consts::OS.to_string(),
            arch: std::env::consts::ARCH.to_string(),
        }
    }
}

/// Which scenario, exactly.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    pub name: String,
    /// As given on the command line (not canonicalised, so manifests compare across machines).
    pub path: String,
    /// SHA-256 of the scenario file's bytes (files it references are not included).
    pub sha256: String,
    /// The copy of the resolved scenario in the folder (`scenario.resolved.toml`).
    pub resolved: String,
    /// SHA-256 of that copy: the scenario and every file it `extends`.
    pub resolved_sha256: String,
    /// `--set` overrides applied on top of the file, in order.
    pub overrides: Vec<String>,
    /// `--until YEAR`: the batch ran the scenario up to YEAR. `resolved` is then the
    /// cut scenario with the overrides already applied: it loads as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    pub rounds: u32,
    pub start_year: i32,
}

/// Run indices: a contiguous range when they are one, else the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RunSet {
    /// `first..=last`, `count` of them.
    Range {
        first: u64,
        last: u64,
        count: u64,
    },
    List(Vec<u64>),
}

impl RunSet {
    pub fn of(runs: &[u64]) -> RunSet {
        let contiguous = runs.windows(2).all(|w| w[0].checked_add(1) == Some(w[1]));
        match (runs.first(), runs.last()) {
            (Some(&first), Some(&last)) if contiguous => RunSet::Range {
                first,
                last,
                count: runs.len() as u64,
            },
            _ => RunSet::List(runs.to_vec()),
        }
    }
}

/// A parameter's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Bool(bool),
    Pos(Pos),
    Actor { ideal: Pos, salience: f64 },
}

/// Parameters as an ordered JSON object (serde_json's map would sort the keys).
#[derive(Debug, Clone, PartialEq)]
pub struct Parameters(pub Vec<(&'static str, Value)>);

impl Parameters {
    /// Every resolved parameter of `sc`: the numeric table, then `allow_create`,
    /// `legacy` and `stakeholder`.
    pub fn of(sc: &Scenario) -> Parameters {
        let mut v: Vec<(&'static str, Value)> = PARAM_DEFS
            .iter()
            .filter_map(|d| sc.params.get(d.name).map(|x| (d.name, Value::Number(x))))
            .collect();
        v.push(("allow_create", Value::Bool(sc.params.allow_create)));
        v.push(("legacy", Value::Pos(sc.legacy)));
        let s = sc.stakeholder;
        v.push((
            "stakeholder",
            Value::Actor {
                ideal: s.ideal,
                salience: s.salience,
            },
        ));
        Parameters(v)
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

impl Serialize for Parameters {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Sizes of the scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub states: usize,
    pub blocs: usize,
    /// Named venues, including those an event or a proposal may create.
    pub venues: usize,
    pub proposals: usize,
    pub events: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Timing {
    pub wall_seconds: f64,
}

impl Manifest {
    /// The manifest of `batch`, which wrote `files` in `wall_seconds`.
    pub fn new(batch: &Batch<'_>, files: Vec<FileInfo>, wall_seconds: f64) -> Manifest {
        let sc = batch.scenario;
        Manifest {
            kind: KIND_RUN.to_string(),
            forumsim: env!("CARGO_PKG_VERSION").to_string(),
            build: BuildInfo::current(),
            scenario: ScenarioInfo {
                name: sc.name.clone(),
                path: batch.scenario_path.display().to_string(),
                sha256: sha256_hex(batch.scenario_bytes),
                resolved: RESOLVED.to_string(),
                resolved_sha256: sha256_hex(batch.resolved.as_bytes()),
                overrides: batch.overrides.to_vec(),
                until: batch.until,
                rounds: sc.rounds,
                start_year: sc.start_year,
            },
            seed: sc.seed,
            seeds: SEEDS_RULE.to_string(),
            runs: RunSet::of(batch.runs),
            threads: batch.threads,
            tables: batch.tables.clone(),
            parameters: Parameters::of(sc),
            counts: Counts {
                states: sc.states.len(),
                blocs: sc.blocs.len(),
                venues: sc.venues.len(),
                proposals: sc.proposals.len(),
                events: sc.events.len(),
            },
            files,
            sha256: BTreeMap::new(),
            timing: Timing { wall_seconds },
        }
    }

    /// Writes `dir/manifest.json` atomically (pretty JSON, trailing newline).
    pub fn write(&self, dir: &Path) -> Result<(), OutputError> {
        let path = dir.join(MANIFEST);
        super::atomic::write_json(&path, self)
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Tables;
    use crate::output::testdata::scenario;
    use std::time::Instant;

    #[test]
    fn sha256_of_a_known_string() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn run_sets_are_ranges_when_contiguous() {
        assert_eq!(
            RunSet::of(&[0, 1, 2]),
            RunSet::Range {
                first: 0,
                last: 2,
                count: 3
            }
        );
        assert_eq!(
            RunSet::of(&[3]),
            RunSet::Range {
                first: 3,
                last: 3,
                count: 1
            }
        );
        assert_eq!(RunSet::of(&[0, 2]), RunSet::List(vec![0, 2]));
        assert_eq!(RunSet::of(&[]), RunSet::List(vec![]));
    }

    #[test]
    fn manifest_lists_parameters_in_table_order_and_ends_with_timing() {
        let sc = scenario();
        let overrides = ["parameters.legit_cost=0.5".to_string()];
        let batch = Batch {
            scenario: &sc,
            scenario_path: Path::new("scenarios/tiny.toml"),
            scenario_bytes: b"abc",
            resolved: "abc",
            overrides: &overrides,
            until: None,
            runs: &[0, 1],
            threads: 4,
            tables: Tables::default(),
            started: Instant::now(),
        };
        let m = Manifest::new(
            &batch,
            vec![FileInfo {
                name: "rounds.csv".into(),
                rows: 2,
            }],
            1.5,
        );
        let dir = tempfile::tempdir().unwrap();
        m.write(dir.path()).unwrap();
        let text = std::fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["scenario"]["sha256"], sha256_hex(b"abc"));
        assert_eq!(json["scenario"]["resolved_sha256"], sha256_hex(b"abc"));
        assert_eq!(json["kind"], "run");
        assert_eq!(json["build"]["os"], std::env::consts::OS);
        assert!(!json["build"]["git_commit"].as_str().unwrap().is_empty());
        assert_eq!(
            json["scenario"]["overrides"][0],
            "parameters.legit_cost=0.5"
        );
        assert_eq!(json["parameters"]["legit_cost"], 0.5);
        assert_eq!(json["parameters"]["allow_create"], true);
        assert_eq!(json["parameters"]["legacy"]["m"], 0.15);
        assert_eq!(json["parameters"]["stakeholder"]["salience"], 1.0);
        assert_eq!(json["runs"]["count"], 2);
        assert_eq!(json["counts"]["venues"], 2);
        // Order: parameters as in PARAM_DEFS; timing is the last field.
        let first = PARAM_DEFS[0].name;
        let last = PARAM_DEFS[PARAM_DEFS.len() - 1].name;
        assert!(text.find(first).unwrap() < text.find(last).unwrap());
        let tail = &text[text.find("\"timing\"").unwrap()..];
        assert_eq!(tail, "\"timing\": {\n    \"wall_seconds\": 1.5\n  }\n}\n");
    }
}
