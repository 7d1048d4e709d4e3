//! Calibration files (`scenarios/calibration/*.toml`): which scenario, which recorded
//! votes (one `target` or several `targets`) and how much the recorded facts weigh,
//! which global parameters may move and within what ranges, and how hard to search.
//!
//! A parameter may drive several override paths at once (`set = [...]`), so one global
//! value can be carried by several blocs that are real institutions — the five UN
//! regional groups share one cohesion — without ever becoming a per-country knob.

use crate::scenario::line_col;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Why a calibration file is not usable (`FILE:LINE:COL: message`).
pub type CalibrationError = crate::scenario::InputFileError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalibration {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    scenario: Spanned<String>,
    #[serde(default)]
    target: Option<Spanned<String>>,
    #[serde(default)]
    targets: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    facts_weight: Option<Spanned<f64>>,
    runs: Spanned<i64>,
    search_seed: u64,
    samples: Spanned<i64>,
    #[serde(default)]
    refine: Option<Spanned<i64>>,
    #[serde(default)]
    tolerance: Option<Spanned<f64>>,
    #[serde(default)]
    penalty: Option<Spanned<f64>>,
    #[serde(default)]
    from_scenario: bool,
    parameter: Vec<Spanned<RawParameter>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    name: Spanned<String>,
    set: Spanned<Vec<String>>,
    range: Spanned<Vec<f64>>,
}

/// One calibrated value and the override paths it sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Knob {
    pub name: String,
    pub paths: Vec<String>,
    pub lo: f64,
    pub hi: f64,
}

/// A validated calibration file.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    pub name: String,
    pub description: String,
    /// The scenario, resolved against the calibration file's folder.
    pub scenario: PathBuf,
    /// Ids of the scenario's `[[target]]`s to fit, in the file's order (`target = "a"`
    /// is one).
    pub targets: Vec<String>,
    /// Weight of the facts in the objective: `facts_weight × mean share of runs
    /// reproducing the scenario's [[fact]]s` is added to it (0 = facts ignored).
    pub facts_weight: f64,
    /// Runs (seeds) per evaluated point: run indices `0..runs` of the scenario's seed.
    pub runs: u32,
    pub search_seed: u64,
    /// Latin-hypercube points of the global stage.
    pub samples: u32,
    /// Step halvings of the local coordinate search after the global stage.
    pub refine: u32,
    /// Largest tally error (votes) that costs nothing.
    pub tolerance: f64,
    /// Agreement lost per vote of tally error beyond `tolerance`.
    pub penalty: f64,
    /// Also evaluate the scenario's own values first (stage `scenario`), so that a
    /// recalibration after a change to the model starts from the fit it had and can
    /// only improve on it ([`super::scenario_values`]).
    pub from_scenario: bool,
    pub knobs: Vec<Knob>,
}

impl Calibration {
    /// The same calibration without target `id` (`--leave-out`): the search then fits
    /// the others and the facts, from the hypercube alone (`from_scenario` off). The
    /// error lists the targets it has.
    pub fn without(&self, id: &str) -> Result<Calibration, String> {
        if !self.targets.iter().any(|t| t == id) {
            return Err(format!(
                "--leave-out {id}: not a target of calibration `{}` (its targets: {})",
                self.name,
                self.targets.join(", ")
            ));
        }
        let targets: Vec<String> = self.targets.iter().filter(|t| *t != id).cloned().collect();
        if targets.is_empty() && self.facts_weight == 0.0 {
            return Err(format!(
                "--leave-out {id}: nothing is left to calibrate on (no other target, and \
                 facts_weight is 0)"
            ));
        }
        // The scenario's values were fitted with `id` in view: starting there would
        // let the held-out target steer the search.
        Ok(Calibration {
            targets,
            from_scenario: false,
            ..self.clone()
        })
    }

    /// The `--set` strings that put the knobs at `x`.
    pub fn sets(&self, x: &[f64]) -> Vec<String> {
        self.knobs
            .iter()
            .zip(x)
            .flat_map(|(k, v)| {
                k.paths
                    .iter()
                    .map(move |p| format!("{p}={}", fmt_value(*v)))
            })
            .collect()
    }
}

/// A value rounded to 4 decimals: the search works on that grid, so every evaluated
/// point can be retyped exactly on a command line.
pub fn fmt_value(v: f64) -> String {
    let r = (v * 1e4).round() / 1e4;
    let s = format!("{r:.4}");
    let s = s.trim_end_matches('0');
    if s.ends_with('.') {
        format!("{s}0")
    } else {
        s.to_string()
    }
}

/// Rounds to the 4-decimal grid of [`fmt_value`].
pub fn snap(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

/// Reads and checks the calibration file at `path` (the scenario is not loaded here).
pub fn load(path: &Path) -> Result<Calibration, CalibrationError> {
    let text = std::fs::read_to_string(path).map_err(|e| CalibrationError::Read {
        what: "calibration",
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse(&text, path)
}

/// Parses the text of a calibration file; `path` names it in messages and anchors the
/// relative scenario path.
pub fn parse(text: &str, path: &Path) -> Result<Calibration, CalibrationError> {
    let at = |span: std::ops::Range<usize>, message: String| {
        let (line, col) = line_col(text, span.start);
        CalibrationError::At {
            file: path.to_path_buf(),
            line,
            col,
            message,
        }
    };
    let raw: RawCalibration = toml::from_str(text).map_err(|e| {
        let msg = e.message().replace("unknown field", "unknown key");
        at(e.span().unwrap_or(0..0), msg)
    })?;
    let count = |s: &Spanned<i64>, what: &str, lo: i64, hi: i64| -> Result<u32, CalibrationError> {
        let n = *s.get_ref();
        if (lo..=hi).contains(&n) {
            Ok(n as u32)
        } else {
            Err(at(
                s.span(),
                format!("{what} must be in {lo}..={hi}, got {n}"),
            ))
        }
    };
    let runs = count(&raw.runs, "runs", 1, 100_000)?;
    let samples = count(&raw.samples, "samples", 1, 1_000_000)?;
    let refine = match &raw.refine {
        Some(r) => count(r, "refine", 0, 30)?,
        None => 4,
    };
    let nonneg = |s: &Option<Spanned<f64>>, what: &str, default: f64| match s {
        None => Ok(default),
        Some(v) if v.get_ref().is_finite() && *v.get_ref() >= 0.0 => Ok(*v.get_ref()),
        Some(v) => Err(at(
            v.span(),
            format!("{what} must be a number >= 0, got {}", v.get_ref()),
        )),
    };
    let tolerance = nonneg(&raw.tolerance, "tolerance", 8.0)?;
    let penalty = nonneg(&raw.penalty, "penalty", 0.01)?;
    let facts_weight = nonneg(&raw.facts_weight, "facts_weight", 0.0)?;
    let targets: Vec<String> = match (&raw.target, &raw.targets) {
        (Some(t), None) => vec![t.get_ref().clone()],
        (None, Some(ts)) => {
            let mut out: Vec<String> = Vec::new();
            for t in ts.get_ref() {
                if out.contains(t.get_ref()) {
                    return Err(at(
                        t.span(),
                        format!("targets: `{}` appears twice", t.get_ref()),
                    ));
                }
                out.push(t.get_ref().clone());
            }
            if out.is_empty() && facts_weight == 0.0 {
                return Err(at(
                    ts.span(),
                    "targets is empty: name at least one [[target]] id, or set \
                     facts_weight > 0 to calibrate on the facts alone"
                        .into(),
                ));
            }
            out
        }
        (Some(_), Some(ts)) => {
            return Err(at(
                ts.span(),
                "give `target` (one id) or `targets` (a list), not both".into(),
            ));
        }
        (None, None) => {
            return Err(at(
                0..0,
                "no target: name the recorded votes to fit, `target = \"id\"` or \
                 `targets = [\"a\", \"b\"]`"
                    .into(),
            ));
        }
    };
    if raw.parameter.is_empty() {
        return Err(at(
            0..0,
            "no [[parameter]]: name at least one global parameter to calibrate".into(),
        ));
    }
    let mut knobs: Vec<Knob> = Vec::new();
    for p in &raw.parameter {
        let rp = p.get_ref();
        let name = rp.name.get_ref().trim().to_string();
        if knobs.iter().any(|k| k.name == name) {
            return Err(at(
                rp.name.span(),
                format!("parameter `{name}` appears twice"),
            ));
        }
        let paths: Vec<String> = rp
            .set
            .get_ref()
            .iter()
            .map(|s| s.trim().to_string())
            .collect();
        if paths.is_empty() || paths.iter().any(|s| s.is_empty() || s.contains('=')) {
            return Err(at(
                rp.set.span(),
                format!(
                    "parameter `{name}`: `set` must list override paths such as \
                     \"parameters.cohesion\" (without `=value`)"
                ),
            ));
        }
        let (lo, hi) = match rp.range.get_ref().as_slice() {
            &[lo, hi] if lo.is_finite() && hi.is_finite() && lo < hi => (lo, hi),
            _ => {
                return Err(at(
                    rp.range.span(),
                    format!("parameter `{name}`: range must be [lo, hi] with lo < hi"),
                ));
            }
        };
        knobs.push(Knob {
            name,
            paths,
            lo,
            hi,
        });
    }
    let base = path.parent().unwrap_or(Path::new("."));
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "calibration".into());
    Ok(Calibration {
        name: raw.name.unwrap_or(stem),
        description: raw.description.unwrap_or_default(),
        scenario: base.join(raw.scenario.get_ref()),
        targets,
        facts_weight,
        runs,
        search_seed: raw.search_seed,
        samples,
        refine,
        tolerance,
        penalty,
        from_scenario: raw.from_scenario,
        knobs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
scenario = "../world.toml"
target = "t"
runs = 10
search_seed = 1
samples = 8
[[parameter]]
name = "group_cohesion"
set = ["bloc.afr.cohesion", "bloc.apg.cohesion"]
range = [0.0, 1.0]
"#;

    #[test]
    fn a_good_file_loads_with_defaults() {
        let c = parse(GOOD, Path::new("cal/x.toml")).unwrap();
        assert_eq!(c.name, "x");
        assert_eq!(c.scenario, Path::new("cal/../world.toml"));
        assert_eq!((c.refine, c.tolerance, c.penalty), (4, 8.0, 0.01));
        assert_eq!(
            (c.targets.clone(), c.facts_weight),
            (vec!["t".to_string()], 0.0)
        );
        assert_eq!(
            c.sets(&[0.25]),
            vec!["bloc.afr.cohesion=0.25", "bloc.apg.cohesion=0.25"]
        );
    }

    #[test]
    fn unknown_keys_and_bad_ranges_are_errors_with_positions() {
        let typo = GOOD.replace("samples = 8", "sample = 8");
        let e = parse(&typo, Path::new("c.toml")).unwrap_err().to_string();
        assert!(
            e.starts_with("c.toml:6:1:") && e.contains("unknown key"),
            "{e}"
        );
        let bad = GOOD.replace("[0.0, 1.0]", "[1.0, 0.0]");
        let e = parse(&bad, Path::new("c.toml")).unwrap_err().to_string();
        assert!(e.contains(":10:") && e.contains("lo < hi"), "{e}");
        let eq = GOOD.replace("\"bloc.afr.cohesion\"", "\"bloc.afr.cohesion=1\"");
        assert!(parse(&eq, Path::new("c.toml")).is_err());
    }

    #[test]
    fn several_targets_facts_weight_and_leave_out() {
        let several = GOOD.replace(
            "target = \"t\"",
            "targets = [\"a\", \"b\"]\nfacts_weight = 0.5",
        );
        let c = parse(&several, Path::new("c.toml")).unwrap();
        assert_eq!(c.targets, ["a", "b"]);
        assert_eq!(c.facts_weight, 0.5);
        assert_eq!(c.without("a").unwrap().targets, ["b"]);
        assert!(c.without("z").unwrap_err().contains("its targets: a, b"));
        // The last target left out still leaves the facts.
        let one = c.without("a").unwrap();
        assert!(one.without("b").unwrap().targets.is_empty());
        let no_facts = parse(GOOD, Path::new("c.toml")).unwrap();
        assert!(
            no_facts
                .without("t")
                .unwrap_err()
                .contains("nothing is left")
        );

        // Leaving a target out never starts from values fitted with it in view.
        assert!(!c.from_scenario);
        let start = several.replace("samples = 8", "samples = 8\nfrom_scenario = true");
        let c = parse(&start, Path::new("c.toml")).unwrap();
        assert!(c.from_scenario);
        assert!(!c.without("a").unwrap().from_scenario);

        let both = GOOD.replace("target = \"t\"", "target = \"t\"\ntargets = [\"a\"]");
        let e = parse(&both, Path::new("c.toml")).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:4:") && e.contains("not both"), "{e}");
        let twice = GOOD.replace("target = \"t\"", "targets = [\"a\", \"a\"]");
        let e = parse(&twice, Path::new("c.toml")).unwrap_err().to_string();
        assert!(e.contains("`a` appears twice"), "{e}");
        let none = GOOD.replace("target = \"t\"\n", "");
        let e = parse(&none, Path::new("c.toml")).unwrap_err().to_string();
        assert!(e.contains("no target"), "{e}");
        let negative = GOOD.replace("target = \"t\"", "target = \"t\"\nfacts_weight = -1");
        let e = parse(&negative, Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("facts_weight must be a number >= 0"), "{e}");
    }

    #[test]
    fn values_are_written_on_a_four_decimal_grid() {
        assert_eq!(fmt_value(0.123456), "0.1235");
        assert_eq!(fmt_value(2.0), "2.0");
        assert_eq!(fmt_value(-0.05), "-0.05");
        assert_eq!(snap(0.333333), 0.3333);
    }
}
