//! The real-world state data in `scenarios/data/`: the conversion's unit tests (by
//! including `examples/world_data.rs`), a check that the committed files are exactly
//! what the conversion produces from `scenarios/data/raw/` now, and `forumsim check`
//! of a small scenario that loads the committed `states.csv`.

#[allow(dead_code)]
#[path = "../examples/world_data.rs"]
mod world_data;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data")
}

#[test]
fn committed_outputs_equal_the_conversion() {
    let data = data_dir();
    let out = world_data::convert(&data.join("raw"), &data.join("gathered")).unwrap();
    assert_eq!(out.files.len(), 6);
    for (name, text) in &out.files {
        let committed = std::fs::read_to_string(data.join(name)).unwrap();
        assert!(
            committed == *text,
            "scenarios/data/{name} differs from the conversion: run `cargo run --example world_data`"
        );
    }
}

/// The three recorded roll calls have the published tallies (Y, N, A, X).
#[test]
fn the_vote_files_hold_the_recorded_tallies() {
    for (file, want) in [
        ("votes/ares73_27.csv", [119, 46, 14, 14]),
        ("votes/ares73_266.csv", [138, 12, 16, 27]),
        ("votes/ares74_247.csv", [79, 60, 33, 21]),
    ] {
        let text = std::fs::read_to_string(data_dir().join(file)).unwrap();
        let mut n = [0usize; 4];
        for line in text.lines().skip(1) {
            let code = line.split(',').nth(1).unwrap();
            n["YNAX"
                .find(code)
                .unwrap_or_else(|| panic!("{file}: code {code}"))] += 1;
        }
        assert_eq!(n, want, "{file}");
    }
}

/// Group sizes against the real UN regional groups (Africa 54, Asia-Pacific 53 plus
/// Kiribati, EEG 23, GRULAC 33, WEOG 28 plus the United States), home blocs, totals.
#[test]
fn states_csv_has_the_documented_shape() {
    let rows = committed_states();
    assert_eq!(rows.len(), 193);
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "sorted by iso3");
    let total: f64 = rows.iter().map(|r| r.power).sum();
    assert!((total - 1.0).abs() < 1e-6, "power sums to {total}");
    let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        let g = ["afr", "apg", "eeg", "grulac", "weog"]
            .into_iter()
            .filter(|g| r.blocs.iter().any(|b| b == g))
            .collect::<Vec<_>>();
        assert_eq!(g.len(), 1, "{} has one regional group: {:?}", r.id, r.blocs);
        *groups.entry(g[0]).or_default() += 1;
        let tagged = |t: &str| r.tags.iter().any(|x| x == t);
        let home = r.blocs[0].as_str();
        if tagged("brics") {
            assert_eq!(home, "brics", "{}", r.id);
        } else if tagged("sco") {
            assert_eq!(home, "sco", "{}", r.id);
        } else if tagged("eu") {
            assert_eq!(home, "eu", "{}", r.id);
        } else {
            assert_eq!(home, g[0], "{}", r.id);
        }
    }
    let want: BTreeMap<&str, usize> = [
        ("afr", 54),
        ("apg", 54),
        ("eeg", 23),
        ("grulac", 33),
        ("weog", 29),
    ]
    .into_iter()
    .collect();
    assert_eq!(groups, want);
    let by_id = |id: &str| rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(by_id("USA").competence, 1.0);
    assert!(by_id("KIR").competence < 0.1);
    assert!(by_id("RUS").tags.iter().any(|t| t == "coe"));
    assert!(!by_id("RUS").tags.iter().any(|t| t == "coe2022"));

    // One M49 sub-region each, 22 in all (departure 54).
    let mut subregions: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        let m49: Vec<&String> = r.blocs.iter().filter(|b| b.starts_with("m49_")).collect();
        assert_eq!(m49.len(), 1, "{} has one sub-region: {:?}", r.id, r.blocs);
        *subregions.entry(m49[0]).or_default() += 1;
    }
    assert_eq!(subregions.len(), 22);
    assert_eq!(subregions["m49_caribbean"], 13);
    assert_eq!(subregions["m49_northern_america"], 2);
    // Nauru is in Micronesia, as M49 has it (the raw file says Polynesia).
    assert_eq!(subregions["m49_micronesia"], 5);
    assert_eq!(subregions["m49_polynesia"], 3);
    // Security ties in force in 2019: 17 major non-NATO allies (Afghanistan's until
    // 2022, Brazil's from 2019; Colombia, Qatar and Kenya came later), 3 freely
    // associated states and the United States; the 6 CSTO members (Uzbekistan left in
    // 2012).
    let members = |bloc: &str| -> Vec<&str> {
        rows.iter()
            .filter(|r| r.blocs.iter().any(|b| b == bloc))
            .map(|r| r.id.as_str())
            .collect()
    };
    let us = members("us_allies");
    assert_eq!(us.len(), 21, "{us:?}");
    for id in ["USA", "AFG", "BRA", "FSM", "JPN", "PLW"] {
        assert!(us.contains(&id), "{id} in us_allies");
    }
    for id in ["COL", "QAT", "KEN", "GBR"] {
        assert!(!us.contains(&id), "{id} not in us_allies in 2019");
    }
    assert_eq!(members("csto"), ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]);
}

/// The committed `states.csv`.
fn committed_states() -> Vec<Row> {
    parse_states(&std::fs::read_to_string(data_dir().join("states.csv")).unwrap())
}

/// The columns of `states.csv` this file checks (the loader itself is exercised by
/// `forumsim check` below).
struct Row {
    id: String,
    power: f64,
    competence: f64,
    tags: Vec<String>,
    blocs: Vec<String>,
}

fn parse_states(text: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let h = reader.headers().unwrap().clone();
    assert_eq!(
        h.iter().collect::<Vec<_>>(),
        [
            "id",
            "name",
            "regime",
            "power",
            "competence",
            "ict",
            "tags",
            "blocs"
        ]
    );
    let list = |s: &str| s.split(';').map(str::to_string).collect::<Vec<_>>();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            for (i, col) in [(2, "regime"), (4, "competence"), (5, "ict")] {
                let x: f64 = r[i].parse().unwrap();
                assert!((0.0..=1.0).contains(&x), "{} {col} {x}", &r[0]);
            }
            Row {
                id: r[0].to_string(),
                power: r[3].parse().unwrap(),
                competence: r[4].parse().unwrap(),
                tags: list(&r[6]),
                blocs: list(&r[7]),
            }
        })
        .collect()
}

/// A scenario using `states_csv = "data/states.csv"`; `tiny_world` adds a `[[bloc]]`
/// for every bloc the table names.
const TINY: &str = r#"
name = "world-data-check"
rounds = 2
start_year = 2019
seed = 1
states_csv = "data/states.csv"

[[venue]]
id = "unga"
membership = { type = "open", initial = "all" }
decision = "majority"
transparency = 0.8
hosts = ["cybercrime", "procedural"]

[[proposal]]
id = "cybercrime"
kind = "cybercrime"
sponsor = "RUS"
introduced = 0
"#;

/// The recorded A/RES/74/247 vote as a target on the committed files.
const TARGET: &str = r#"
[[target]]
id = "ares74-247"
venue = "unga"
proposal = "cybercrime"
year = 2019
yes = 79
no = 60
abstain = 33
absent = 21
votes = "data/votes/ares74_247.csv"
baseline = "data/regime_category.csv"
source = "A/RES/74/247"
"#;

/// A temporary folder with the tiny scenario (plus `extra`) and the committed data.
fn tiny_world(extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data/votes")).unwrap();
    for f in ["states.csv", "regime_category.csv", "votes/ares74_247.csv"] {
        std::fs::copy(data_dir().join(f), dir.path().join("data").join(f)).unwrap();
    }
    let mut blocs: Vec<String> = committed_states()
        .into_iter()
        .flat_map(|r| r.blocs)
        .collect();
    blocs.sort();
    blocs.dedup();
    let blocs: String = blocs
        .iter()
        .map(|b| format!("[[bloc]]\nid = \"{b}\"\n"))
        .collect();
    let scenario = dir.path().join("tiny.toml");
    std::fs::write(&scenario, format!("{TINY}{blocs}{extra}")).unwrap();
    (dir, scenario)
}

/// The naive baseline on the real vote: 114 states vote as most of their regime
/// category did, of 193 (59.1 %) and of the 172 that voted (66.3 %, issue 3's 66 %).
#[test]
fn the_baseline_on_the_recorded_cybercrime_vote() {
    let (dir, scenario) = tiny_world(TARGET);
    let out = dir.path().join("val");
    let o = Command::new(env!("CARGO_BIN_EXE_forumsim"))
        .args(["validate", "--runs", "2", "-q", "-o"])
        .arg(&out)
        .arg(&scenario)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let summary = std::fs::read_to_string(out.join("validate_summary.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(summary.as_bytes());
    let h = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let get = |name: &str| -> f64 {
        let i = h.iter().position(|c| c == name).unwrap();
        row[i].parse().unwrap()
    };
    assert!((get("baseline_agreement") - 114.0 / 193.0).abs() < 1e-12);
    assert!((get("baseline_agreement_voting") - 114.0 / 172.0).abs() < 1e-12);
}

#[test]
fn forumsim_check_accepts_a_scenario_on_the_committed_states() {
    let (dir, scenario) = tiny_world("");
    let out = Command::new(env!("CARGO_BIN_EXE_forumsim"))
        .arg("check")
        .arg(&scenario)
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("193"), "{stdout}");
}
