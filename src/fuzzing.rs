//! One fuzz input through the loaders and the engine's first rounds: the body of the
//! cargo-fuzz target `fuzz/fuzz_targets/loaders.rs` and of the bounded mutation run in
//! `tests/fuzz.rs` (see `docs/RELIABILITY.md`). Not part of the model's API.
//!
//! An input is a kind byte and a payload. The kind (any other byte: modulo 3) says which loader
//! reads the payload: `S` a scenario file, `E` an experiment file (next to a small base
//! scenario `base.toml`), `C` a state table (named by a small scenario's
//! `states_csv`). Every loader must return `Ok` or an error; a panic, an abort or a
//! hang is a bug. A scenario that loads is run for its first [`ROUNDS`] rounds when it
//! is small enough for that to take milliseconds.

use std::path::{Path, PathBuf};

use crate::engine::{self, RunOptions};
use crate::experiment;
use crate::scenario;

/// Rounds of the engine played for a scenario that loads.
pub const ROUNDS: u32 = 3;

/// Largest world (states × named venues) the engine is run on; larger ones are only
/// loaded (their size is the loader's business, see the limits in `docs/SCENARIOS.md`).
const MAX_CELLS: usize = 20_000;

/// The base scenario an experiment input names as `scenario = "base.toml"`.
pub const BASE_SCENARIO: &str = r#"name = "base"
rounds = 2
seed = 1
[[state]]
id = "A"
regime = 0.9
power = 2
competence = 0.5
ict = 0.5
[[state]]
id = "B"
regime = 0.2
power = 1
competence = 0.5
ict = 0.5
[[venue]]
id = "v"
membership = "open"
decision = "majority"
transparency = 0.5
hosts = ["norms"]
"#;

/// The scenario a state-table input is loaded through.
const CSV_SCENARIO: &str = r#"name = "csv"
rounds = 2
seed = 1
states_csv = "states.csv"
[[venue]]
id = "v"
membership = "open"
decision = "majority"
transparency = 0.5
hosts = ["norms"]
"#;

/// The kind bytes of [`run`]; any other byte picks `KINDS[byte % 3]`.
pub const KINDS: [u8; 3] = [b'S', b'E', b'C'];

/// A folder for the files of one fuzzing process (written once, removed never: it is
/// in the system's temp folder and a few hundred bytes). Inputs are written to fixed
/// names in it: run one input at a time per process.
fn workdir() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("forumsim-fuzz-{}", std::process::id()));
        // The fuzz run cannot go on without its folder: failing loudly is right here.
        std::fs::create_dir_all(&dir).expect("cannot create the fuzzing folder");
        std::fs::write(dir.join("base.toml"), BASE_SCENARIO).expect("cannot write base.toml");
        std::fs::write(dir.join("csv.toml"), CSV_SCENARIO).expect("cannot write csv.toml");
        dir
    })
}

/// Runs one input (see the module docs). Panics only on a bug in forumsim.
pub fn run(input: &[u8]) {
    let Some((&kind, payload)) = input.split_first() else {
        return;
    };
    let dir = workdir();
    let kind = if KINDS.contains(&kind) {
        kind
    } else {
        KINDS[usize::from(kind) % KINDS.len()]
    };
    match kind {
        b'S' => {
            let Ok(text) = std::str::from_utf8(payload) else {
                // The file reader's UTF-8 check, on the same bytes.
                let path = dir.join("bytes.toml");
                if std::fs::write(&path, payload).is_ok() {
                    let _ = scenario::load(&path);
                }
                return;
            };
            let path = dir.join("input.toml");
            if let Ok(r) = scenario::resolved_from_str(text, &path, &[]) {
                // The resolved text must load back as the same scenario.
                let again = scenario::from_str(&r.text, &path, &[]);
                assert!(again.is_ok(), "the resolved text does not load: {again:?}");
                first_rounds(r.scenario);
            }
        }
        b'E' => {
            let path = dir.join("experiment.toml");
            if std::fs::write(&path, payload).is_ok()
                && let Ok((exp, _, sc_bytes)) = experiment::design::load(&path)
                && exp.function.is_none()
                && let Ok(text) = std::str::from_utf8(&sc_bytes)
                && let Ok(sc) = exp.load(text, 0, 0)
            {
                first_rounds(sc);
            }
        }
        _ => {
            let csv = dir.join("states.csv");
            if std::fs::write(&csv, payload).is_ok()
                && let Ok(sc) = scenario::load(&dir.join("csv.toml"))
            {
                first_rounds(sc);
            }
        }
    }
}

/// Plays the first [`ROUNDS`] rounds of `sc` when it is small.
fn first_rounds(mut sc: crate::model::Scenario) {
    if sc.states.len() * sc.venues.len().max(1) > MAX_CELLS {
        return;
    }
    sc.rounds = sc.rounds.min(ROUNDS);
    let opts = RunOptions {
        votes: true,
        states: true,
        why: true,
    };
    let _ = engine::run(&sc, 0, opts);
}

/// The seed corpus: every scenario, experiment and state table of `scenarios/` and
/// `tests/fixtures/` under `repo`, each with its kind byte. Experiments are pointed at
/// `base.toml`; their sets and axes may then not fit it, which is fine for a seed.
pub fn seed_corpus(repo: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for top in ["scenarios", "tests/fixtures"] {
        collect(&repo.join(top), &mut files);
    }
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let rel = path
            .strip_prefix(repo)
            .unwrap_or(&path)
            .display()
            .to_string();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let text = String::from_utf8_lossy(&bytes);
        let kind = match ext {
            "csv" if text.starts_with("id,") => b'C',
            "toml" if text.contains("replicates") && text.contains("design") => b'E',
            "toml" => b'S',
            _ => continue,
        };
        let payload = if kind == b'E' {
            text.lines()
                .map(|l| {
                    if l.trim_start().starts_with("scenario ")
                        || l.trim_start().starts_with("scenario=")
                    {
                        "scenario = \"base.toml\"".to_string()
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes()
        } else {
            bytes
        };
        let mut input = vec![kind];
        input.extend(payload);
        out.push((rel, input));
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}
