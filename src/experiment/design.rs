//! Experiment files (`scenarios/experiments/*.toml`) and their expansion into runs.
//!
//! An experiment names a base scenario, a design (grid, Latin hypercube, or the
//! sensitivity designs Sobol' and Morris of [`super::sensdesign`]) over
//! scenario override paths, named variants (patches in the same path syntax),
//! replicates and a master seed. Every axis value and variant becomes a `--set`
//! string, so a point × variant is loaded and validated exactly like
//! `forumsim run BASE --set ...`, and any run can be rebuilt from the command line.
//!
//! Expansion ([`expand_lhs`], [`grid_points`], [`Plan::run_at`]) is pure: the same
//! file gives the same runs, in the same order, on every machine.

pub use super::points::{LHS_STREAM, expand_lhs, value_cell};
use super::points::{PointDesign, Points};
use super::sensdesign::{Method, SensInfo};
use crate::scenario::limits::MAX_DESIGN_VALUES;
use crate::scenario::{self, ScenarioError, TextError, line_col};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Runs per chunk file when the experiment does not say.
pub const DEFAULT_CHUNK: u32 = 50;

/// Designs of at most this many point × variant pairs are checked whole before any
/// run; larger ones are checked as they run (see [`load`]).
pub const CHECK_ALL_PAIRS: usize = 256;

/// Why an experiment file is not usable (`FILE:LINE:COL: message`).
pub type ExperimentError = crate::scenario::InputFileError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExperiment {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    scenario: Option<Spanned<String>>,
    /// A test function instead of a scenario (see [`super::testfn`]).
    #[serde(default)]
    function: Option<Spanned<String>>,
    #[serde(default)]
    noise: Option<Spanned<f64>>,
    replicates: Spanned<i64>,
    seed: u64,
    design: Spanned<String>,
    #[serde(default)]
    samples: Option<Spanned<i64>>,
    /// Sobol': also the `BA` rows for second-order indices.
    #[serde(default)]
    second_order: Option<Spanned<bool>>,
    /// Morris: trajectories r, grid levels p, optimised from this many candidates.
    #[serde(default)]
    trajectories: Option<Spanned<i64>>,
    #[serde(default)]
    levels: Option<Spanned<i64>>,
    #[serde(default)]
    candidates: Option<Spanned<i64>>,
    #[serde(default)]
    chunk: Option<Spanned<i64>>,
    /// Overrides applied to every run (base and variants), e.g. `rounds`.
    #[serde(default)]
    set: Option<Spanned<BTreeMap<String, toml::Value>>>,
    #[serde(default)]
    axis: Vec<Spanned<RawAxis>>,
    #[serde(default)]
    variant: Vec<Spanned<RawVariant>>,
    #[serde(default)]
    metrics: Option<Spanned<Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAxis {
    path: Spanned<String>,
    #[serde(default)]
    values: Option<Spanned<Vec<toml::Value>>>,
    #[serde(default)]
    range: Option<Spanned<Vec<f64>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariant {
    name: Spanned<String>,
    set: Spanned<BTreeMap<String, toml::Value>>,
}

/// How the points of an experiment are chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum DesignKind {
    /// Full factorial over the axes' `values`; the last axis varies fastest.
    Grid,
    /// Latin hypercube of `samples` points over the axes' `range`s.
    Lhs { samples: u32 },
    /// Saltelli's design on a Sobol' sequence: `samples` base samples (N), N(d+2)
    /// points, or N(2d+2) with `second_order` (see [`super::sensdesign`]).
    Sobol { samples: u32, second_order: bool },
    /// Morris trajectories: r(d+1) points on a `levels`-level grid; optimised
    /// (Campolongo 2007) from `candidates` when given.
    Morris {
        trajectories: u32,
        levels: u32,
        candidates: Option<u32>,
    },
    /// Rows read from a file made elsewhere (`sweep --design`, [`super::extdesign`]);
    /// `layout` says which sensitivity design they form, if any.
    External { rows: u32, layout: String },
}

impl DesignKind {
    /// Whether axes give `range = [lo, hi]` (all but grid).
    pub fn uses_ranges(&self) -> bool {
        !matches!(self, DesignKind::Grid)
    }

    /// The design as `sweep.json` names it.
    pub fn label(&self) -> String {
        match self {
            DesignKind::Grid => "grid".into(),
            DesignKind::Lhs { samples } => format!("lhs, {samples} samples"),
            DesignKind::Sobol {
                samples,
                second_order,
            } => format!(
                "sobol, {samples} base samples{}",
                if *second_order { ", second order" } else { "" }
            ),
            DesignKind::Morris {
                trajectories,
                levels,
                candidates,
            } => match candidates {
                Some(m) => format!(
                    "morris, {trajectories} trajectories, {levels} levels, optimised from {m}"
                ),
                None => format!("morris, {trajectories} trajectories, {levels} levels"),
            },
            DesignKind::External { rows, layout } => {
                format!("external, {rows} rows ({layout})")
            }
        }
    }
}

/// One axis: a scenario override path and (for grids) its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub path: String,
    /// Grid values (empty for LHS axes).
    pub values: Vec<toml::Value>,
    /// LHS range `[lo, hi]`.
    pub range: Option<(f64, f64)>,
}

/// A named set of overrides; variant 0 is always `base` (no overrides).
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    /// `path=value` strings, in path order.
    pub sets: Vec<String>,
}

/// A validated experiment, ready to expand.
#[derive(Debug, Clone)]
pub struct Experiment {
    pub name: String,
    pub path: PathBuf,
    /// The base scenario, resolved relative to the experiment file.
    pub scenario: PathBuf,
    /// As written in the file.
    pub scenario_rel: String,
    pub replicates: u32,
    /// The master seed: the file's, or `--seed`.
    pub seed: u64,
    /// `--seed`, when given.
    pub seed_override: Option<u64>,
    pub design: DesignKind,
    pub chunk: u32,
    /// The command line's `--set` strings, applied to the base scenario first.
    pub overrides: Vec<String>,
    /// `path=value` strings applied to every run, after `overrides` and before axes
    /// and variants.
    pub common: Vec<String>,
    pub axes: Vec<Axis>,
    pub variants: Vec<Variant>,
    /// Requested metrics (`None` = defaults).
    pub metrics: Option<Vec<String>>,
    /// Every point's value on every axis, in point order, made on demand.
    pub points: super::points::Points,
    /// A test function evaluated instead of a scenario (method checks).
    pub function: Option<super::testfn::TestFn>,
    /// For Sobol' and Morris designs: what the analysis needs to know.
    pub sens: Option<SensInfo>,
    /// An external design (`sweep --design`): the SALib problem file and its bytes.
    pub problem: Option<(PathBuf, Vec<u8>)>,
}

/// One run of a sweep, named by its place in the design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RunId {
    pub point: u32,
    pub variant: u32,
    pub replicate: u32,
}

/// The sizes that fix the run order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub points: u32,
    pub variants: u32,
    pub replicates: u32,
    pub chunk: u32,
}

impl Plan {
    pub fn total(&self) -> u64 {
        u64::from(self.points) * u64::from(self.variants) * u64::from(self.replicates)
    }

    /// Run `k` of the sweep order: variants fastest, then points, then replicates,
    /// so any prefix of the order (a partial sweep) covers the points evenly.
    pub fn run_at(&self, k: u64) -> RunId {
        let v = u64::from(self.variants);
        let p = u64::from(self.points);
        RunId {
            variant: (k % v) as u32,
            point: ((k / v) % p) as u32,
            replicate: (k / (v * p)) as u32,
        }
    }

    /// The engine's run index (ChaCha stream) of a run: `point * replicates + replicate`.
    /// It does not depend on the variant (common random numbers).
    pub fn run_index(&self, id: RunId) -> u64 {
        u64::from(id.point) * u64::from(self.replicates) + u64::from(id.replicate)
    }

    pub fn chunks(&self) -> u64 {
        self.total().div_ceil(u64::from(self.chunk))
    }

    /// The runs (positions in the sweep order) of chunk `c`.
    pub fn chunk_runs(&self, c: u64) -> std::ops::Range<u64> {
        let lo = c * u64::from(self.chunk);
        lo..(lo + u64::from(self.chunk)).min(self.total())
    }
}

impl Experiment {
    pub fn plan(&self) -> Plan {
        Plan {
            points: self.points.len() as u32,
            variants: self.variants.len() as u32,
            replicates: self.replicates,
            chunk: self.chunk,
        }
    }

    /// The `--set` strings of every run: the command line's, then the file's `set`.
    pub fn base_sets(&self) -> Vec<String> {
        let mut sets = self.overrides.clone();
        sets.extend(self.common.iter().cloned());
        sets
    }

    /// The `--set` strings of a point × variant: command line, common, then variant,
    /// then axes.
    pub fn sets(&self, point: u32, variant: u32) -> Vec<String> {
        let mut sets = self.base_sets();
        sets.extend(self.variants[variant as usize].sets.iter().cloned());
        sets.extend(self.point_sets(point));
        sets
    }

    /// The `--set` strings of a point's axis values.
    pub fn point_sets(&self, point: u32) -> Vec<String> {
        self.axes
            .iter()
            .zip(self.points.values(point))
            .map(|(a, v)| set_string(&a.path, &v))
            .collect()
    }

    /// Loads the scenario of a point × variant (validated like `forumsim run`).
    pub fn load(
        &self,
        text: &str,
        point: u32,
        variant: u32,
    ) -> Result<crate::model::Scenario, ScenarioError> {
        scenario::from_str(text, &self.scenario, &self.sets(point, variant))
    }
}

/// `path=value` with the value as TOML text (strings quoted), as `--set` reads it.
pub fn set_string(path: &str, v: &toml::Value) -> String {
    format!("{path}={}", value_text(v))
}

/// A value as TOML text (`0.5`, `1.0`, `"consensus"`, `{ type = "open" }`).
pub fn value_text(v: &toml::Value) -> String {
    v.to_string()
}

/// Full factorial over `values` (one list per axis); the last axis varies fastest.
pub fn grid_points(values: &[Vec<toml::Value>]) -> Vec<Vec<toml::Value>> {
    let mut points = vec![Vec::new()];
    for axis in values {
        points = points
            .into_iter()
            .flat_map(|p| {
                axis.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(v.clone());
                    q
                })
            })
            .collect();
    }
    points
}

struct Ctx<'a> {
    file: &'a Path,
    text: &'a str,
}

impl Ctx<'_> {
    fn at(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> ExperimentError {
        let (line, col) = line_col(self.text, span.start);
        ExperimentError::At {
            file: self.file.to_path_buf(),
            line,
            col,
            message: message.into(),
        }
    }
}

fn sets_of(map: &BTreeMap<String, toml::Value>) -> Vec<String> {
    map.iter().map(|(k, v)| set_string(k, v)).collect()
}

/// Reads a text input file (UTF-8, bounded), naming `what` it is when unreadable.
pub fn read(path: &Path, what: &'static str) -> Result<String, ExperimentError> {
    scenario::read_text(path).map_err(|e| match e {
        TextError::Io(message) => ExperimentError::Read {
            what,
            path: path.to_path_buf(),
            message,
        },
        TextError::Utf8 { line, col, message } => ExperimentError::At {
            file: path.to_path_buf(),
            line,
            col,
            message,
        },
    })
}

/// Reads and validates the experiment at `path`, loading every axis value, every
/// variant and every point × variant of the base scenario. Nothing runs.
pub fn load(path: &Path) -> Result<(Experiment, Vec<u8>, Vec<u8>), ExperimentError> {
    load_with(path, &[], None)
}

/// [`load`] with a command line's `--set` values (applied to the base scenario before
/// the experiment's own `set`, axes and variants) and `--seed` (read as if the file's
/// `seed` were `seed`: the runs' master seed and the draw of an LHS or Morris design).
pub fn load_with(
    path: &Path,
    overrides: &[String],
    seed: Option<u64>,
) -> Result<(Experiment, Vec<u8>, Vec<u8>), ExperimentError> {
    let text = read(path, "experiment")?;
    let bytes = text.clone().into_bytes();
    let cx = Ctx {
        file: path,
        text: &text,
    };
    let raw: RawExperiment = toml::from_str(&text).map_err(|e| {
        let msg = e.message().replace("unknown field", "unknown key");
        cx.at(e.span().unwrap_or(0..0), msg)
    })?;
    let _ = &raw.description;
    let seed_flag = seed;
    let seed = seed.unwrap_or(raw.seed);

    let replicates = match *raw.replicates.get_ref() {
        n if (1..=i64::from(u32::MAX)).contains(&n) => n as u32,
        n => {
            return Err(cx.at(
                raw.replicates.span(),
                format!("replicates must be at least 1, got {n}"),
            ));
        }
    };
    let chunk = match raw.chunk.as_ref().map(|c| (c.span(), *c.get_ref())) {
        None => DEFAULT_CHUNK,
        Some((_, n)) if (1..=1_000_000).contains(&n) => n as u32,
        Some((span, n)) => {
            return Err(cx.at(span, format!("chunk must be in 1..=1000000 runs, got {n}")));
        }
    };
    let kind = raw.design.get_ref().as_str();
    let not_here = |key: &str, span: Option<std::ops::Range<usize>>, owner: &str| match span {
        Some(span) if owner != kind => Err(cx.at(
            span,
            format!("`{key}` belongs to design = \"{owner}\", not \"{kind}\""),
        )),
        _ => Ok(()),
    };
    not_here(
        "second_order",
        raw.second_order.as_ref().map(Spanned::span),
        "sobol",
    )?;
    not_here(
        "trajectories",
        raw.trajectories.as_ref().map(Spanned::span),
        "morris",
    )?;
    not_here("levels", raw.levels.as_ref().map(Spanned::span), "morris")?;
    not_here(
        "candidates",
        raw.candidates.as_ref().map(Spanned::span),
        "morris",
    )?;
    let design = match kind {
        "grid" => {
            if let Some(s) = &raw.samples {
                return Err(cx.at(
                    s.span(),
                    "`samples` belongs to design = \"lhs\" or \"sobol\"",
                ));
            }
            DesignKind::Grid
        }
        "sobol" => match raw.samples.as_ref().map(|s| (s.span(), *s.get_ref())) {
            Some((_, n)) if (2..=1 << 20).contains(&n) && (n as u64).is_power_of_two() => {
                DesignKind::Sobol {
                    samples: n as u32,
                    second_order: raw.second_order.as_ref().is_some_and(|b| *b.get_ref()),
                }
            }
            Some((span, n)) => {
                return Err(cx.at(
                    span,
                    format!(
                        "samples (base samples N) must be a power of two in 2..=1048576 (Saltelli's estimators are balanced only then), got {n}{}",
                        match n {
                            2..=1048576 => format!("; use {}", (n as u64).next_power_of_two()),
                            _ => String::new(),
                        }
                    ),
                ));
            }
            None => {
                return Err(cx.at(
                    raw.design.span(),
                    "design = \"sobol\" needs `samples = N` (base samples; a power of two, e.g. 256)",
                ));
            }
        },
        "morris" => {
            if let Some(s) = &raw.samples {
                return Err(cx.at(
                    s.span(),
                    "design = \"morris\" counts `trajectories`, not `samples`",
                ));
            }
            let trajectories = match raw.trajectories.as_ref().map(|s| (s.span(), *s.get_ref())) {
                Some((_, n)) if (2..=100_000).contains(&n) => n as u32,
                Some((span, n)) => {
                    return Err(cx.at(span, format!("trajectories must be in 2..=100000, got {n}")));
                }
                None => {
                    return Err(cx.at(
                        raw.design.span(),
                        "design = \"morris\" needs `trajectories = r` (e.g. 20)",
                    ));
                }
            };
            let levels = match raw.levels.as_ref().map(|s| (s.span(), *s.get_ref())) {
                None => 4,
                Some((_, n)) if (2..=100).contains(&n) && n % 2 == 0 => n as u32,
                Some((span, n)) => {
                    return Err(cx.at(span, format!("levels must be even, in 2..=100, got {n}")));
                }
            };
            let candidates = match raw.candidates.as_ref().map(|s| (s.span(), *s.get_ref())) {
                None => None,
                Some((_, n)) if n > i64::from(trajectories) && n <= 2000 => Some(n as u32),
                Some((span, n)) => {
                    return Err(cx.at(
                        span,
                        format!("candidates must be more than trajectories ({trajectories}) and at most 2000, got {n}"),
                    ));
                }
            };
            DesignKind::Morris {
                trajectories,
                levels,
                candidates,
            }
        }
        "lhs" => match raw.samples.as_ref().map(|s| (s.span(), *s.get_ref())) {
            Some((_, n)) if (1..=1_000_000).contains(&n) => DesignKind::Lhs { samples: n as u32 },
            Some((span, n)) => {
                return Err(cx.at(span, format!("samples must be in 1..=1000000, got {n}")));
            }
            None => {
                return Err(cx.at(raw.design.span(), "design = \"lhs\" needs `samples = N`"));
            }
        },
        other => {
            return Err(cx.at(
                raw.design.span(),
                format!("unknown design `{other}`; expected `grid`, `lhs`, `sobol` or `morris`"),
            ));
        }
    };

    let mut axes = Vec::new();
    for a in &raw.axis {
        let ra = a.get_ref();
        let path_text = ra.path.get_ref().trim().to_string();
        if axes.iter().any(|x: &Axis| x.path == path_text) {
            return Err(cx.at(ra.path.span(), format!("axis `{path_text}` appears twice")));
        }
        let axis = match (&design, &ra.values, &ra.range) {
            (DesignKind::Grid, Some(v), None) => {
                if v.get_ref().is_empty() {
                    return Err(cx.at(v.span(), format!("axis `{path_text}` has no values")));
                }
                Axis {
                    path: path_text,
                    values: v.get_ref().clone(),
                    range: None,
                }
            }
            (d, None, Some(r)) if d.uses_ranges() => match r.get_ref().as_slice() {
                &[lo, hi] if lo.is_finite() && hi.is_finite() && lo <= hi => Axis {
                    path: path_text,
                    values: Vec::new(),
                    range: Some((lo, hi)),
                },
                _ => {
                    return Err(cx.at(
                        r.span(),
                        format!("axis `{path_text}`: range must be [lo, hi] with lo <= hi"),
                    ));
                }
            },
            (DesignKind::Grid, _, _) => {
                return Err(cx.at(
                    a.span(),
                    format!("grid axis `{path_text}` needs `values = [...]` (and no `range`)"),
                ));
            }
            (_, _, _) => {
                return Err(cx.at(
                    a.span(),
                    format!("{kind} axis `{path_text}` needs `range = [lo, hi]` (and no `values`)"),
                ));
            }
        };
        axes.push(axis);
    }
    if design.uses_ranges() && axes.is_empty() {
        return Err(cx.at(
            raw.design.span(),
            format!("design = \"{kind}\" needs at least one [[axis]]"),
        ));
    }
    let sensitive = matches!(design, DesignKind::Sobol { .. } | DesignKind::Morris { .. });
    if sensitive && 2 * axes.len() > super::sobolseq::MAX_DIMS {
        return Err(cx.at(
            raw.design.span(),
            format!(
                "design = \"{kind}\" supports at most {} axes, got {}",
                super::sobolseq::MAX_DIMS / 2,
                axes.len()
            ),
        ));
    }
    if sensitive && let Some(v) = raw.variant.first() {
        return Err(cx.at(
            v.span(),
            format!("design = \"{kind}\" takes no [[variant]]: sensitivity indices are per model; write one experiment per variant (put its patch in `set`)"),
        ));
    }
    // A test function instead of a scenario: exactly one of the two.
    let function = match (&raw.scenario, &raw.function) {
        (Some(_), Some(f)) => {
            return Err(cx.at(f.span(), "give `scenario` or `function`, not both"));
        }
        (None, Some(f)) => {
            let noise = raw.noise.as_ref().map_or(0.0, |n| *n.get_ref());
            let tf =
                super::testfn::TestFn::parse(f.get_ref(), noise).map_err(|m| cx.at(f.span(), m))?;
            if !design.uses_ranges() {
                return Err(cx.at(
                    raw.design.span(),
                    "a test function needs ranges: design = \"lhs\", \"sobol\" or \"morris\"",
                ));
            }
            tf.check_dims(axes.len()).map_err(|m| cx.at(f.span(), m))?;
            for (key, span) in [
                ("set", raw.set.as_ref().map(Spanned::span)),
                ("metrics", raw.metrics.as_ref().map(Spanned::span)),
                ("variant", raw.variant.first().map(Spanned::span)),
            ] {
                if let Some(span) = span {
                    return Err(cx.at(
                        span,
                        format!("`{key}` needs a scenario; a test function has one output, `y`"),
                    ));
                }
            }
            Some(tf)
        }
        (Some(_), None) => {
            if let Some(n) = &raw.noise {
                return Err(cx.at(
                    n.span(),
                    "`noise` belongs to a test `function`; a scenario's noise is its seed",
                ));
            }
            None
        }
        (None, None) => {
            return Err(cx.at(0..0, "missing `scenario = \"../x.toml\"` (or, to check a method, `function = \"ishigami\"`)"));
        }
    };

    let mut variants = vec![Variant {
        name: "base".into(),
        sets: Vec::new(),
    }];
    for v in &raw.variant {
        let rv = v.get_ref();
        let name = rv.name.get_ref().trim().to_string();
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !plain {
            return Err(cx.at(
                rv.name.span(),
                format!("variant name {name:?} must be non-empty letters, digits, `-`, `_` or `.`"),
            ));
        }
        if variants.iter().any(|x| x.name == name) {
            let why = if name == "base" {
                "`base` is the unpatched scenario, always included"
            } else {
                "appears twice"
            };
            return Err(cx.at(rv.name.span(), format!("variant `{name}`: {why}")));
        }
        if rv.set.get_ref().is_empty() {
            return Err(cx.at(rv.set.span(), format!("variant `{name}` sets nothing")));
        }
        variants.push(Variant {
            name,
            sets: sets_of(rv.set.get_ref()),
        });
    }

    let metrics = match &raw.metrics {
        Some(m) if m.get_ref().is_empty() => {
            return Err(cx.at(m.span(), "metrics is empty (leave it out for the defaults)"));
        }
        Some(m) => Some(m.get_ref().clone()),
        None => None,
    };

    let base_dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let (scenario_rel, scenario_span) = match &raw.scenario {
        Some(sc) => (sc.get_ref().clone(), sc.span()),
        None => (String::new(), raw.design.span()),
    };
    let scenario_path = if function.is_some() {
        PathBuf::new()
    } else {
        base_dir.join(&scenario_rel)
    };
    let scenario_bytes = if function.is_some() {
        Vec::new()
    } else {
        std::fs::read(&scenario_path).map_err(|e| {
            cx.at(
                scenario_span.clone(),
                format!("cannot read the scenario {}: {e}", scenario_path.display()),
            )
        })?
    };
    let scenario_text = match String::from_utf8(scenario_bytes.clone()) {
        Ok(t) => t,
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let (line, col) = line_col(&String::from_utf8_lossy(&scenario_bytes[..good]), good);
            return Err(cx.at(
                scenario_span,
                format!(
                    "the scenario {} is not UTF-8 (line {line}, column {col}); save it as UTF-8",
                    scenario_path.display()
                ),
            ));
        }
    };

    // The design's size, refused before anything is expanded.
    let d = axes.len() as u64;
    let size = match &design {
        DesignKind::Grid => axes
            .iter()
            .try_fold(1u64, |n, a| n.checked_mul(a.values.len() as u64)),
        DesignKind::Lhs { samples } => Some(u64::from(*samples)),
        DesignKind::Sobol {
            samples,
            second_order,
        } => Some(u64::from(*samples) * (if *second_order { 2 * d + 2 } else { d + 2 })),
        DesignKind::Morris { trajectories, .. } => Some(u64::from(*trajectories) * (d + 1)),
        DesignKind::External { rows, .. } => Some(u64::from(*rows)),
    };
    match size.and_then(|n| n.checked_mul(d.max(1))) {
        Some(values) if values <= MAX_DESIGN_VALUES => {}
        _ => {
            let points = size.map_or_else(|| "more than 2^64".into(), |n| n.to_string());
            return Err(cx.at(
                raw.design.span(),
                format!(
                    "the design has {points} points of {d} axes, more than the limit of {MAX_DESIGN_VALUES} values (points × axes; docs/SCENARIOS.md, Limits); use fewer values, samples or axes, or split the experiment"
                ),
            ));
        }
    }

    let bounds: Vec<[f64; 2]> = axes
        .iter()
        .filter_map(|a| a.range.map(|(lo, hi)| [lo, hi]))
        .collect();
    // The points are read on demand from this (sweep.json records it, not the points).
    let point_design = match &design {
        DesignKind::Grid => PointDesign::Grid {
            values: axes
                .iter()
                .map(|a| a.values.iter().map(value_text).collect())
                .collect(),
        },
        DesignKind::Lhs { samples } => PointDesign::Lhs {
            seed,
            samples: *samples,
            ranges: bounds.clone(),
        },
        DesignKind::Sobol {
            samples,
            second_order,
        } => PointDesign::Sobol {
            samples: *samples,
            second_order: *second_order,
            ranges: bounds.clone(),
        },
        DesignKind::Morris {
            trajectories,
            levels,
            candidates,
        } => PointDesign::Morris {
            seed,
            trajectories: *trajectories,
            levels: *levels,
            candidates: *candidates,
            ranges: bounds.clone(),
        },
        // An experiment file never names an external design.
        DesignKind::External { .. } => PointDesign::Rows { rows: Vec::new() },
    };
    let points = Points::new(point_design).map_err(|m| cx.at(raw.design.span(), m))?;
    let sens = match &design {
        DesignKind::Sobol {
            samples,
            second_order,
        } => Some(SensInfo {
            method: Method::Sobol,
            samples: *samples,
            second_order: *second_order,
            levels: 0,
            names: axes.iter().map(|a| a.path.clone()).collect(),
            bounds,
        }),
        DesignKind::Morris {
            trajectories,
            levels,
            ..
        } => Some(SensInfo {
            method: Method::Morris,
            samples: *trajectories,
            second_order: false,
            levels: *levels,
            names: axes.iter().map(|a| a.path.clone()).collect(),
            bounds,
        }),
        _ => None,
    };
    if points.len() > u32::MAX as usize {
        return Err(cx.at(raw.design.span(), "too many points"));
    }
    let exp = Experiment {
        name: raw.name.clone().unwrap_or_else(|| {
            path.file_stem()
                .map_or_else(|| "experiment".into(), |s| s.to_string_lossy().into_owned())
        }),
        path: path.to_path_buf(),
        scenario: scenario_path,
        scenario_rel,
        replicates,
        seed,
        seed_override: seed_flag,
        design,
        chunk,
        overrides: overrides.to_vec(),
        common: raw
            .set
            .as_ref()
            .map(|s| sets_of(s.get_ref()))
            .unwrap_or_default(),
        axes,
        variants,
        metrics,
        points,
        function,
        sens,
        problem: None,
    };
    if exp.plan().total() > u64::from(u32::MAX) {
        return Err(cx.at(raw.replicates.span(), "the sweep has more than 2^32 runs"));
    }
    if exp.function.is_some() {
        if let Some(set) = overrides.first() {
            return Err(cx.at(
                raw.function.as_ref().map_or(0..0, Spanned::span),
                format!("--set {set}: a test function has no scenario to set"),
            ));
        }
        // Nothing to load: the function takes any numbers.
        return Ok((exp, bytes, scenario_bytes));
    }

    // Validate: the command line's --set alone (reported as `forumsim run` reports
    // it), common overrides, each axis value, each variant, then every combination.
    let load = |sets: &[String]| scenario::from_str(&scenario_text, &exp.scenario, sets);
    if !overrides.is_empty() {
        load(overrides)?;
    }
    let sc_err = |span, what: &str, e: ScenarioError| cx.at(span, format!("{what}: {e}"));
    let base = load(&exp.base_sets()).map_err(|e| {
        let span = raw.set.as_ref().map_or(scenario_span.clone(), |s| s.span());
        sc_err(span, "base scenario", e)
    })?;
    for (a, ra) in exp.axes.iter().zip(&raw.axis) {
        let ra = ra.get_ref();
        let candidates: Vec<toml::Value> = match a.range {
            Some((lo, hi)) => vec![toml::Value::Float(lo), toml::Value::Float(hi)],
            None => a.values.clone(),
        };
        let span = ra
            .values
            .as_ref()
            .map(Spanned::span)
            .or(ra.range.as_ref().map(Spanned::span))
            .unwrap_or(ra.path.span());
        for v in &candidates {
            let mut sets = exp.base_sets();
            sets.push(set_string(&a.path, v));
            load(&sets).map_err(|e| {
                sc_err(
                    span.clone(),
                    &format!("axis `{}` value {}", a.path, value_text(v)),
                    e,
                )
            })?;
        }
    }
    for (k, v) in exp.variants.iter().enumerate().skip(1) {
        let mut sets = exp.base_sets();
        sets.extend(v.sets.iter().cloned());
        load(&sets).map_err(|e| {
            sc_err(
                raw.variant[k - 1].span(),
                &format!("variant `{}`", v.name),
                e,
            )
        })?;
    }
    // Every point × variant of a small design now; a large one streams: point 0 here,
    // the others as their chunks run (an error then names the point), so the first
    // runs start at once whatever the design's size.
    let pairs = exp.points.len() * exp.variants.len();
    let checked = if pairs <= CHECK_ALL_PAIRS {
        exp.points.len()
    } else {
        1
    };
    for p in 0..checked as u32 {
        for (k, v) in exp.variants.iter().enumerate() {
            exp.load(&scenario_text, p, k as u32).map_err(|e| {
                let span = if k == 0 {
                    raw.design.span()
                } else {
                    raw.variant[k - 1].span()
                };
                sc_err(span, &format!("point {p} with variant `{}`", v.name), e)
            })?;
        }
    }
    if let (Some(m), Some(raw_m)) = (&exp.metrics, &raw.metrics) {
        let known = super::metrics::metric_names(&base, None);
        for name in m {
            if !known.contains(name) {
                return Err(cx.at(
                    raw_m.span(),
                    format!("unknown metric `{name}`; known: {}", known.join(", ")),
                ));
            }
        }
    }
    Ok((exp, bytes, scenario_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn plan(p: u32, v: u32, r: u32, c: u32) -> Plan {
        Plan {
            points: p,
            variants: v,
            replicates: r,
            chunk: c,
        }
    }

    #[test]
    fn grid_is_the_full_factorial_last_axis_fastest() {
        let a = vec![toml::Value::Integer(1), toml::Value::Integer(2)];
        let b = vec![
            toml::Value::String("x".into()),
            toml::Value::String("y".into()),
            toml::Value::String("z".into()),
        ];
        let pts = grid_points(&[a, b]);
        assert_eq!(pts.len(), 6);
        assert_eq!(value_cell(&pts[0][0]), "1");
        assert_eq!(value_cell(&pts[1][1]), "y");
        assert_eq!(value_cell(&pts[3][0]), "2");
        assert_eq!(grid_points(&[]).len(), 1, "no axes = one point");
    }

    #[test]
    fn run_order_interleaves_points_and_keeps_streams_across_variants() {
        let pl = plan(3, 2, 4, 5);
        assert_eq!(
            pl.run_at(0),
            RunId {
                point: 0,
                variant: 0,
                replicate: 0
            }
        );
        assert_eq!(pl.run_at(1).variant, 1);
        assert_eq!(pl.run_at(2).point, 1);
        assert_eq!(pl.run_at(6).replicate, 1);
        let a = pl.run_at(2);
        let b = pl.run_at(3);
        assert_eq!((a.point, a.replicate), (b.point, b.replicate));
        assert_eq!(pl.run_index(a), pl.run_index(b));
        assert_eq!(pl.chunks(), 5);
        assert_eq!(pl.chunk_runs(4), 20..24);
    }

    #[test]
    fn floats_keep_a_decimal_point_in_set_strings() {
        assert_eq!(
            set_string("parameters.x", &toml::Value::Float(1.0)),
            "parameters.x=1.0"
        );
        assert_eq!(
            set_string(
                "venue.unga.decision",
                &toml::Value::String("consensus".into())
            ),
            "venue.unga.decision=\"consensus\""
        );
    }

    #[test]
    fn lhs_value_stability() {
        let pts = expand_lhs(7, 4, &[(0.0, 1.0)]);
        let again = expand_lhs(7, 4, &[(0.0, 1.0)]);
        assert_eq!(pts, again);
        assert_ne!(pts, expand_lhs(8, 4, &[(0.0, 1.0)]));
    }

    proptest! {
        #[test]
        fn sweep_size_is_the_product_and_ids_are_unique(
            sizes in proptest::collection::vec(1usize..4, 0..4),
            variants in 1u32..4,
            replicates in 1u32..5,
            chunk in 1u32..7,
        ) {
            let values: Vec<Vec<toml::Value>> = sizes
                .iter()
                .map(|&n| (0..n as i64).map(toml::Value::Integer).collect())
                .collect();
            let pts = grid_points(&values);
            prop_assert_eq!(pts.len(), sizes.iter().product::<usize>());
            let pl = plan(pts.len() as u32, variants, replicates, chunk);
            prop_assert_eq!(pl.total(), pts.len() as u64 * u64::from(variants) * u64::from(replicates));
            let ids: HashSet<RunId> = (0..pl.total()).map(|k| pl.run_at(k)).collect();
            prop_assert_eq!(ids.len() as u64, pl.total());
            let streams: HashSet<(u32, u64)> = (0..pl.total())
                .map(|k| { let id = pl.run_at(k); (id.variant, pl.run_index(id)) })
                .collect();
            prop_assert_eq!(streams.len() as u64, pl.total());
            let covered: u64 = (0..pl.chunks()).map(|c| pl.chunk_runs(c).count() as u64).sum();
            prop_assert_eq!(covered, pl.total());
            // Distinct points are distinct value tuples.
            let uniq: HashSet<String> = pts.iter().map(|p| format!("{p:?}")).collect();
            prop_assert_eq!(uniq.len(), pts.len());
        }

        #[test]
        fn lhs_hits_every_stratum_once_per_axis(
            seed in any::<u64>(),
            samples in 1u32..40,
            ranges in proptest::collection::vec((-5.0f64..5.0, 0.01f64..3.0), 1..4),
        ) {
            let ranges: Vec<(f64, f64)> = ranges.into_iter().map(|(lo, w)| (lo, lo + w)).collect();
            let pts = expand_lhs(seed, samples, &ranges);
            prop_assert_eq!(pts.len(), samples as usize);
            for (j, &(lo, hi)) in ranges.iter().enumerate() {
                let mut hit = vec![0u32; samples as usize];
                for p in &pts {
                    let x = p[j];
                    prop_assert!(x >= lo && x <= hi);
                    let s = (((x - lo) / (hi - lo)) * f64::from(samples)).floor() as usize;
                    hit[s.min(samples as usize - 1)] += 1;
                }
                prop_assert!(hit.iter().all(|&h| h == 1), "{:?}", hit);
            }
        }
    }
}
