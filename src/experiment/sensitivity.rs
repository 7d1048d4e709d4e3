//! Sobol' and Morris sensitivity indices of a stochastic model, separating parameter
//! effects from seed noise (the method is in docs/SENSITIVITY.md).
//!
//! Input: a design ([`SensInfo`] and its points) and, per outcome, every point's
//! replicate values. Each point is reduced to its replicate mean ȳ and sample
//! variance s². With R replicates, `W` (the mean of s², the seed variance) estimates
//! E[Var(Y|X)], and the indices are those of the mean response E[Y|X]: the seed's
//! contribution W/R to the variance of ȳ is removed from the denominator and from the
//! Jansen numerator, where it would otherwise add itself to every total index.
//!
//! Uncertainty: a bootstrap over base samples (Sobol') or trajectories (Morris), each
//! carried with its points' replicates: the units are independent, seed noise
//! included, so this interval covers both the design's and the seed's part; 95%
//! percentile intervals. (Also resampling the replicates inside would count the noise
//! twice and, with R = 4, bias the noise correction.) A second bootstrap over
//! replicates alone (design fixed; its variance scaled by R/(R-1)) gives `seed_sd`:
//! the part of an index's uncertainty that more replicates would shrink. Resample b of outcome o
//! draws from ChaCha12 stream `o · 2^32 + b` of the seed `seed ^ BOOT_SALT`, and
//! resamples are collected in order, so the results do not depend on threads.

use super::sensdesign::{Method, SensInfo};
use crate::engine::{SimRng, run_rng};
use crate::stats::quantile_sorted;
use rand::RngExt;
use rayon::prelude::*;

/// Mixed into the seed of bootstrap streams, so they never meet a run's stream.
pub const BOOT_SALT: u64 = 0xB007_5EED_5EED_B007;

/// How to analyse.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Bootstrap resamples (0: no intervals).
    pub bootstrap: u32,
    pub seed: u64,
    /// Warn when a 95% interval of an index is wider than this.
    pub ci_bound: f64,
    /// Warn when the seed's share of a run's variance is above this.
    pub seed_share_bound: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bootstrap: 1000,
            seed: 0,
            ci_bound: 0.1,
            seed_share_bound: 0.5,
        }
    }
}

/// An estimate with its 95% percentile-bootstrap interval and the sd of its
/// replicate-only bootstrap (NaN with one replicate).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Est {
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
    pub seed_sd: f64,
}

impl Est {
    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }
}

/// How much of a run's variance is the seed's.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedShare {
    /// W: mean within-point (replicate) variance; NaN with one replicate.
    pub within: f64,
    /// Var(E[Y|X]): the parameters' variance, seed noise removed.
    pub params: f64,
    /// W / (W + Var(E[Y|X])), with its interval.
    pub share: Est,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    pub s1: Vec<Est>,
    pub st: Vec<Est>,
    /// (i, j, S2_ij) for i < j, when designed.
    pub s2: Vec<(usize, usize, Est)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MorrisIndices {
    pub mu: Vec<f64>,
    pub mu_star: Vec<Est>,
    pub sigma: Vec<f64>,
    /// The sd of an elementary effect due to seed noise alone, sqrt(2W/R)/Δ.
    pub noise_floor: f64,
}

/// The result for one outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub outcome: String,
    pub replicates: usize,
    pub seed: SeedShare,
    pub sobol: Option<SobolIndices>,
    pub morris: Option<MorrisIndices>,
    pub warnings: Vec<Warning>,
}

/// A caution about one outcome's analysis: a line for the terminal, and the whole
/// story (which indices, how wide, what to raise) for `seed_share.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// One short line (under 100 characters for typical names).
    pub brief: String,
    /// Everything: the indices concerned and their widths.
    pub full: String,
}

impl Warning {
    fn new(brief: String, full: String) -> Self {
        Warning { brief, full }
    }

    /// A warning short enough to be its own brief.
    fn short(text: String) -> Self {
        Warning {
            brief: text.clone(),
            full: text,
        }
    }
}

/// A design and its outputs, ready to analyse.
#[derive(Debug, Clone)]
pub struct SensData {
    pub info: SensInfo,
    /// The points in the parameters' own units.
    pub x: Vec<Vec<f64>>,
    pub outcomes: Vec<String>,
    /// `y[outcome][point][replicate]`.
    pub y: Vec<Vec<Vec<f64>>>,
}

/// One Morris step: factor, point before, point after, Δ in unit-range scale.
#[derive(Debug, Clone, Copy)]
struct Step {
    factor: usize,
    before: usize,
    after: usize,
    delta: f64,
}

/// Checks that `x` has the row layout of `info` (see [`super::sensdesign`]);
/// returns why not.
pub fn check_layout(info: &SensInfo, x: &[Vec<f64>]) -> Result<(), String> {
    let d = info.names.len();
    let k = info.block();
    if d == 0 {
        return Err("the design has no parameters".into());
    }
    if x.is_empty() || !x.len().is_multiple_of(k) {
        return Err(format!(
            "{} rows is not a multiple of {k} (the rows per block of a {} design over {d} parameters)",
            x.len(),
            label(info)
        ));
    }
    if x.iter().any(|r| r.len() != d) {
        return Err(format!("every row must have {d} values"));
    }
    match info.method {
        Method::Sobol => {
            for (j, b) in x.chunks(k).enumerate() {
                let (a, bb) = (&b[0], &b[k - 1]);
                for i in 0..d {
                    let ab = &b[1 + i];
                    let ok = (0..d).all(|c| ab[c] == if c == i { bb[c] } else { a[c] });
                    let ok2 = !info.second_order || {
                        let ba = &b[1 + d + i];
                        (0..d).all(|c| ba[c] == if c == i { a[c] } else { bb[c] })
                    };
                    if !ok || !ok2 {
                        return Err(format!(
                            "row {}: not the Saltelli layout (A, AB_1..AB_d, {}B) of base sample {j}",
                            j * k + 1 + i,
                            if info.second_order {
                                "BA_1..BA_d, "
                            } else {
                                ""
                            }
                        ));
                    }
                }
            }
        }
        Method::Morris => {
            morris_steps(info, x)?;
        }
    }
    Ok(())
}

fn label(info: &SensInfo) -> &'static str {
    match (info.method, info.second_order) {
        (Method::Sobol, true) => "second-order Sobol'",
        (Method::Sobol, false) => "Sobol'",
        (Method::Morris, _) => "Morris",
    }
}

fn unit(info: &SensInfo, i: usize, v: f64) -> f64 {
    let [lo, hi] = info.bounds[i];
    if hi > lo { (v - lo) / (hi - lo) } else { 0.0 }
}

/// The steps of every trajectory, in trajectory order.
fn morris_steps(info: &SensInfo, x: &[Vec<f64>]) -> Result<Vec<Vec<Step>>, String> {
    let d = info.names.len();
    let mut out = Vec::new();
    for (t, tr) in x.chunks(d + 1).enumerate() {
        let mut seen = vec![false; d];
        let mut steps = Vec::with_capacity(d);
        for k in 0..d {
            let (a, b) = (&tr[k], &tr[k + 1]);
            let moved: Vec<usize> = (0..d).filter(|&i| a[i] != b[i]).collect();
            let row = t * (d + 1) + k + 1;
            let [i] = moved.as_slice() else {
                return Err(format!(
                    "row {row}: a Morris step changes exactly one parameter, this one changes {}",
                    moved.len()
                ));
            };
            if seen[*i] {
                return Err(format!(
                    "row {row}: trajectory {t} moves `{}` twice",
                    info.names[*i]
                ));
            }
            seen[*i] = true;
            steps.push(Step {
                factor: *i,
                before: t * (d + 1) + k,
                after: t * (d + 1) + k + 1,
                delta: unit(info, *i, b[*i]) - unit(info, *i, a[*i]),
            });
        }
        out.push(steps);
    }
    Ok(out)
}

/// Replicate mean and sample variance (NaN with fewer than two).
fn mean_var(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().fold(0.0, |a, x| a + x) / n;
    let s2 = if v.len() > 1 {
        v.iter().fold(0.0, |a, x| a + (x - m) * (x - m)) / (n - 1.0)
    } else {
        f64::NAN
    };
    (m, s2)
}

/// Per-point mean and variance, the replicates resampled with `rng` when given.
fn reduce(y: &[Vec<f64>], points: &[usize], rng: Option<&mut SimRng>) -> Vec<(f64, f64)> {
    match rng {
        None => points.iter().map(|&p| mean_var(&y[p])).collect(),
        Some(rng) => {
            let mut buf = Vec::new();
            points
                .iter()
                .map(|&p| {
                    let r = y[p].len();
                    buf.clear();
                    for _ in 0..r {
                        let k = ((rng.random::<f64>() * r as f64) as usize).min(r - 1);
                        buf.push(y[p][k]);
                    }
                    mean_var(&buf)
                })
                .collect()
        }
    }
}

/// The mean of the within-point variances (0 when they are unknown: one replicate).
fn within(mv: &[(f64, f64)]) -> f64 {
    let known: Vec<f64> = mv.iter().map(|x| x.1).filter(|v| !v.is_nan()).collect();
    if known.is_empty() {
        0.0
    } else {
        known.iter().fold(0.0, |a, x| a + x) / known.len() as f64
    }
}

/// Population variance.
fn pvar(v: impl Iterator<Item = f64> + Clone) -> f64 {
    let n = v.clone().count() as f64;
    let m = v.clone().fold(0.0, |a, x| a + x) / n;
    v.fold(0.0, |a, x| a + (x - m) * (x - m)) / n
}

/// Sobol' estimates on blocks `rows` (base-sample indices, repeats allowed):
/// `[S1 (d), ST (d), S2 (pairs), seed share, W, Var(E[Y|X])]`.
fn sobol_once(
    info: &SensInfo,
    y: &[Vec<f64>],
    rows: &[usize],
    rng: Option<&mut SimRng>,
) -> Vec<f64> {
    let d = info.names.len();
    let k = info.block();
    let reps = y.first().map_or(1, Vec::len) as f64;
    let points: Vec<usize> = rows.iter().flat_map(|&j| j * k..(j + 1) * k).collect();
    let mv = reduce(y, &points, rng);
    let at = |b: usize, off: usize| mv[b * k + off].0;
    let n = rows.len();
    let w = within(&mv);
    // Centred on the mean of A and B (as SALib standardises): the estimators' products
    // then do not carry the mean level, which for an outcome like AMI (mean 0.5, sd
    // 0.03) would swamp the S1 numerator's variance.
    let ab = (0..n).map(|b| at(b, 0)).chain((0..n).map(|b| at(b, k - 1)));
    let centre = ab.clone().fold(0.0, |a, x| a + x) / (2 * n) as f64;
    let at = |b: usize, off: usize| mv[b * k + off].0 - centre;
    let v = pvar(ab);
    let vp = v - w / reps;
    let nf = n as f64;
    let mut out = Vec::with_capacity(2 * d + 3);
    let mut s1 = vec![0.0; d];
    for (i, s) in s1.iter_mut().enumerate() {
        let num = (0..n).fold(0.0, |a, b| a + at(b, k - 1) * (at(b, 1 + i) - at(b, 0))) / nf;
        *s = num / vp;
    }
    out.extend(&s1);
    for i in 0..d {
        let jansen = (0..n).fold(0.0, |a, b| {
            let e = at(b, 0) - at(b, 1 + i);
            a + e * e
        }) / (2.0 * nf);
        out.push((jansen - w / reps) / vp);
    }
    if info.second_order {
        for i in 0..d {
            for j in (i + 1)..d {
                let vij = (0..n).fold(0.0, |a, b| {
                    a + at(b, 1 + d + i) * at(b, 1 + j) - at(b, 0) * at(b, k - 1)
                }) / nf;
                out.push(vij / vp - s1[i] - s1[j]);
            }
        }
    }
    let share = if reps > 1.0 { w / (w + vp) } else { f64::NAN };
    out.extend([share, if reps > 1.0 { w } else { f64::NAN }, vp]);
    out
}

/// Morris estimates on trajectories `trs`: `[μ (d), μ* (d), σ (d), seed share, W, Var]`.
fn morris_once(
    info: &SensInfo,
    steps: &[Vec<Step>],
    y: &[Vec<f64>],
    trs: &[usize],
    rng: Option<&mut SimRng>,
) -> Vec<f64> {
    let d = info.names.len();
    let reps = y.first().map_or(1, Vec::len) as f64;
    let points: Vec<usize> = trs
        .iter()
        .flat_map(|&t| t * (d + 1)..(t + 1) * (d + 1))
        .collect();
    let mv = reduce(y, &points, rng);
    // Position of a point of trajectory slot s in `mv`.
    let local = |slot: usize, p: usize| slot * (d + 1) + p % (d + 1);
    let mut ee = vec![Vec::with_capacity(trs.len()); d];
    for (slot, &t) in trs.iter().enumerate() {
        for s in &steps[t] {
            let dy = mv[local(slot, s.after)].0 - mv[local(slot, s.before)].0;
            ee[s.factor].push(dy / s.delta);
        }
    }
    let mut out = Vec::with_capacity(3 * d + 3);
    let n = trs.len() as f64;
    let mu: Vec<f64> = ee
        .iter()
        .map(|e| e.iter().fold(0.0, |a, x| a + x) / n)
        .collect();
    out.extend(&mu);
    out.extend(
        ee.iter()
            .map(|e| e.iter().fold(0.0, |a, x| a + x.abs()) / n),
    );
    out.extend(ee.iter().zip(&mu).map(|(e, m)| {
        if e.len() > 1 {
            (e.iter().fold(0.0, |a, x| a + (x - m) * (x - m)) / (n - 1.0)).sqrt()
        } else {
            f64::NAN
        }
    }));
    let w = within(&mv);
    let vp = pvar(mv.iter().map(|x| x.0)) - w / reps;
    let share = if reps > 1.0 { w / (w + vp) } else { f64::NAN };
    out.extend([share, if reps > 1.0 { w } else { f64::NAN }, vp]);
    out
}

/// Estimates from resampled units (base samples or trajectories) and, optionally,
/// a generator that resamples each point's replicates.
type Estimator<'a> = dyn Fn(&[usize], Option<&mut SimRng>) -> Vec<f64> + Sync + 'a;

/// Runs `f` on the full sample, on `b` resamples of the units (with their replicates)
/// and on `b` replicate-only resamples; returns per component (estimate, lo, hi, seed_sd).
fn bootstrap(
    units: usize,
    reps: usize,
    opts: &Options,
    outcome: usize,
    f: &Estimator<'_>,
) -> Vec<Est> {
    let all: Vec<usize> = (0..units).collect();
    let full = f(&all, None);
    let b = opts.bootstrap as u64;
    let seed = opts.seed ^ BOOT_SALT;
    let stream = |k: u64| ((outcome as u64) << 32) | k;
    let joint: Vec<Vec<f64>> = (0..b)
        .into_par_iter()
        .map(|k| {
            let mut rng = run_rng(seed, stream(k));
            let rows: Vec<usize> = (0..units)
                .map(|_| ((rng.random::<f64>() * units as f64) as usize).min(units - 1))
                .collect();
            f(&rows, None)
        })
        .collect();
    let seed_only: Vec<Vec<f64>> = if reps > 1 {
        (0..b)
            .into_par_iter()
            .map(|k| {
                let mut rng = run_rng(seed, stream(b + k));
                f(&all, Some(&mut rng))
            })
            .collect()
    } else {
        Vec::new()
    };
    (0..full.len())
        .map(|c| {
            let mut v: Vec<f64> = joint
                .iter()
                .map(|r| r[c])
                .filter(|x| x.is_finite())
                .collect();
            v.sort_by(f64::total_cmp);
            let s: Vec<f64> = seed_only
                .iter()
                .map(|r| r[c])
                .filter(|x| x.is_finite())
                .collect();
            let seed_sd = if s.len() > 1 {
                let m = s.iter().fold(0.0, |a, x| a + x) / s.len() as f64;
                let var = s.iter().fold(0.0, |a, x| a + (x - m) * (x - m)) / (s.len() - 1) as f64;
                // Resampling R values understates their variance by (R - 1) / R.
                (var * reps as f64 / (reps - 1) as f64).sqrt()
            } else {
                f64::NAN
            };
            Est {
                value: full[c],
                lo: quantile_sorted(&v, 0.025),
                hi: quantile_sorted(&v, 0.975),
                seed_sd,
            }
        })
        .collect()
}

/// Analyses every outcome of `data` (checked with [`check_layout`] first).
pub fn analyse(data: &SensData, opts: &Options) -> Result<Vec<Analysis>, String> {
    check_layout(&data.info, &data.x)?;
    let info = &data.info;
    let d = info.names.len();
    let steps = match info.method {
        Method::Morris => morris_steps(info, &data.x)?,
        Method::Sobol => Vec::new(),
    };
    let mut out = Vec::new();
    for (o, name) in data.outcomes.iter().enumerate() {
        let y = &data.y[o];
        let reps = y.iter().map(Vec::len).min().unwrap_or(0);
        if reps == 0 || y.iter().any(|r| r.len() != reps) {
            return Err(format!(
                "outcome `{name}`: every point needs the same number (>= 1) of replicates"
            ));
        }
        let mut warnings = Vec::new();
        if y.iter().flatten().any(|v| !v.is_finite()) {
            warnings.push(Warning::short(format!(
                "`{name}` has missing (NaN) values: not analysed"
            )));
            out.push(Analysis {
                outcome: name.clone(),
                replicates: reps,
                seed: SeedShare {
                    within: f64::NAN,
                    params: f64::NAN,
                    share: nan_est(),
                },
                sobol: None,
                morris: None,
                warnings,
            });
            continue;
        }
        let (est, sobol, morris) = match info.method {
            Method::Sobol => {
                let units = data.x.len() / info.block();
                let f = |rows: &[usize], rng: Option<&mut SimRng>| sobol_once(info, y, rows, rng);
                let e = bootstrap(units, reps, opts, o, &f);
                let pairs = if info.second_order {
                    d * (d - 1) / 2
                } else {
                    0
                };
                let mut s2 = Vec::new();
                let mut c = 2 * d;
                for i in 0..d {
                    for j in (i + 1)..d {
                        if pairs > 0 {
                            s2.push((i, j, e[c]));
                            c += 1;
                        }
                    }
                }
                let idx = SobolIndices {
                    s1: e[..d].to_vec(),
                    st: e[d..2 * d].to_vec(),
                    s2,
                };
                (e, Some(idx), None)
            }
            Method::Morris => {
                let f = |trs: &[usize], rng: Option<&mut SimRng>| {
                    morris_once(info, &steps, y, trs, rng)
                };
                let e = bootstrap(steps.len(), reps, opts, o, &f);
                let mean_delta = steps.iter().flatten().fold(0.0, |a, s| a + s.delta.abs())
                    / (steps.len() * d) as f64;
                let w = e[3 * d + 1].value;
                let floor = if reps > 1 {
                    (2.0 * w / reps as f64).sqrt() / mean_delta
                } else {
                    f64::NAN
                };
                let idx = MorrisIndices {
                    mu: e[..d].iter().map(|x| x.value).collect(),
                    mu_star: e[d..2 * d].to_vec(),
                    sigma: e[2 * d..3 * d].iter().map(|x| x.value).collect(),
                    noise_floor: floor,
                };
                (e, None, Some(idx))
            }
        };
        let n = est.len();
        let seed = SeedShare {
            within: est[n - 2].value,
            params: est[n - 1].value,
            share: est[n - 3],
        };
        warn(
            name,
            info,
            reps,
            &seed,
            sobol.as_ref(),
            morris.as_ref(),
            opts,
            &mut warnings,
        );
        out.push(Analysis {
            outcome: name.clone(),
            replicates: reps,
            seed,
            sobol,
            morris,
            warnings,
        });
    }
    Ok(out)
}

fn nan_est() -> Est {
    Est {
        value: f64::NAN,
        lo: f64::NAN,
        hi: f64::NAN,
        seed_sd: f64::NAN,
    }
}

/// The warnings that say whether the design and R were large enough.
#[allow(clippy::too_many_arguments)]
fn warn(
    name: &str,
    info: &SensInfo,
    reps: usize,
    seed: &SeedShare,
    sobol: Option<&SobolIndices>,
    morris: Option<&MorrisIndices>,
    opts: &Options,
    w: &mut Vec<Warning>,
) {
    if seed.params.is_nan() || seed.params <= 0.0 {
        w.push(Warning::new(
            format!("`{name}`: no variance beyond the seed noise; indices undefined"),
            format!(
                "`{name}`: no parameter-driven variance beyond the seed noise: indices are undefined"
            ),
        ));
        return;
    }
    if reps < 2 {
        w.push(Warning::new(
            format!("`{name}`: one replicate per point; the seed's share is not estimated"),
            format!(
                "`{name}`: one replicate per point: the seed's share cannot be estimated and any seed noise is inside the indices"
            ),
        ));
    } else if seed.share.value > opts.seed_share_bound {
        w.push(Warning::new(
            format!(
                "`{name}`: seed noise is {:.0}% of the variance (bound {:.0}%)",
                100.0 * seed.share.value,
                100.0 * opts.seed_share_bound
            ),
            format!(
                "`{name}`: seed noise dominates: {:.0}% of a run's variance is the seed (bound {:.0}%); the indices describe the mean over replicates",
                100.0 * seed.share.value,
                100.0 * opts.seed_share_bound
            ),
        ));
    }
    if let Some(s) = sobol {
        let mut wide = Vec::new();
        let mut seedy = Vec::new();
        for (i, p) in info.names.iter().enumerate() {
            for (what, e) in [("S1", s.s1[i]), ("ST", s.st[i])] {
                if e.width() > opts.ci_bound {
                    wide.push(format!("{what}({p}) {:.3}", e.width()));
                    // 3.92 sd is a 95% interval: is most of its width the seed's?
                    if 3.92 * e.seed_sd > 0.5 * e.width() {
                        seedy.push(format!("{what}({p})"));
                    }
                }
            }
        }
        if !wide.is_empty() {
            w.push(Warning::new(
                format!(
                    "`{name}`: {} of {} intervals wider than {}; raise samples (N){}",
                    wide.len(),
                    2 * info.names.len(),
                    opts.ci_bound,
                    if seedy.is_empty() {
                        ""
                    } else {
                        " and replicates (R)"
                    }
                ),
                format!(
                    "`{name}`: 95% intervals wider than {}: {}; raise samples (N){}",
                    opts.ci_bound,
                    wide.join(", "),
                    if seedy.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " and replicates (R = {reps} is too few: seed noise alone makes over half the width of {})",
                            seedy.join(", ")
                        )
                    }
                ),
            ));
        }
    }
    if let Some(m) = morris {
        let lost: Vec<&str> = info
            .names
            .iter()
            .zip(&m.mu_star)
            .filter(|(_, e)| e.value < 2.0 * m.noise_floor)
            .map(|(p, _)| p.as_str())
            .collect();
        if !lost.is_empty() {
            w.push(Warning::new(
                format!(
                    "`{name}`: μ* of {} of {} parameters within the seed noise (R = {reps})",
                    lost.len(),
                    info.names.len()
                ),
                format!(
                    "`{name}`: μ* of {} is below twice the seed-noise floor ({:.3}): not distinguishable from seed noise at R = {reps}",
                    lost.join(", "),
                    m.noise_floor
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::sensdesign::{morris, saltelli, scale};
    use super::super::testfn::{Kind, TestFn, analytic};
    use super::*;

    fn info(method: Method, samples: u32, d: usize, second: bool, bounds: [f64; 2]) -> SensInfo {
        SensInfo {
            method,
            samples,
            second_order: second,
            levels: if method == Method::Morris { 4 } else { 0 },
            names: (1..=d).map(|i| format!("x{i}")).collect(),
            bounds: vec![bounds; d],
        }
    }

    fn data(info: SensInfo, x: Vec<Vec<f64>>, f: TestFn, reps: usize) -> SensData {
        let y = x
            .iter()
            .enumerate()
            .map(|(p, xp)| {
                (0..reps)
                    .map(|r| f.eval(xp, 5, (p * reps + r) as u64))
                    .collect()
            })
            .collect();
        SensData {
            info,
            x,
            outcomes: vec!["y".into()],
            y: vec![y],
        }
    }

    fn opts() -> Options {
        Options {
            bootstrap: 200,
            seed: 1,
            ..Options::default()
        }
    }

    #[test]
    fn ishigami_second_order_matches_analytic_s13() {
        let pi = std::f64::consts::PI;
        let inf = info(Method::Sobol, 4096, 3, true, [-pi, pi]);
        let x = scale(&saltelli(4096, 3, true), &inf.bounds);
        let f = TestFn::parse("ishigami", 0.0).unwrap();
        let a = &analyse(&data(inf, x, f, 1), &opts()).unwrap()[0];
        let s = a.sobol.as_ref().unwrap();
        let (s1, st, _) = analytic(Kind::Ishigami, 3);
        for i in 0..3 {
            assert!(
                (s.s1[i].value - s1[i]).abs() < 0.03,
                "S1 {i}: {:?}",
                s.s1[i]
            );
            assert!(
                (s.st[i].value - st[i]).abs() < 0.03,
                "ST {i}: {:?}",
                s.st[i]
            );
        }
        // S13 = ST1 - S1 = 0.244; S12 and S23 are 0.
        let s13 = s.s2.iter().find(|x| (x.0, x.1) == (0, 2)).unwrap().2;
        assert!((s13.value - (st[0] - s1[0])).abs() < 0.05, "{s13:?}");
        assert!(s13.lo < st[0] - s1[0] && st[0] - s1[0] < s13.hi);
        let s12 = s.s2.iter().find(|x| (x.0, x.1) == (0, 1)).unwrap().2;
        assert!(s12.value.abs() < 0.05, "{s12:?}");
        assert!(a.seed.share.value.is_nan(), "one replicate: no seed share");
    }

    /// Too few base samples: the terminal line counts the wide intervals and says what
    /// to raise; the full text names each index and its width.
    #[test]
    fn a_small_design_warns_briefly_and_in_full() {
        let pi = std::f64::consts::PI;
        let inf = info(Method::Sobol, 16, 3, false, [-pi, pi]);
        let x = scale(&saltelli(16, 3, false), &inf.bounds);
        let f = TestFn::parse("ishigami", 0.0).unwrap();
        let a = &analyse(&data(inf, x, f, 1), &opts()).unwrap()[0];
        let w = a
            .warnings
            .iter()
            .find(|w| w.full.contains("95% intervals wider than"))
            .expect("16 base samples give wide intervals");
        assert!(w.brief.contains("intervals wider than"), "{}", w.brief);
        assert!(
            w.brief.contains("of 6"),
            "3 parameters, S1 and ST: {}",
            w.brief
        );
        assert!(
            w.full.contains("S1(x1)") || w.full.contains("ST(x1)"),
            "{}",
            w.full
        );
        assert!(w.brief.len() < w.full.len());
        assert!(w.brief.chars().count() <= 100, "{}", w.brief);
    }

    #[test]
    fn noise_goes_to_the_seed_share_not_the_indices() {
        let pi = std::f64::consts::PI;
        let inf = info(Method::Sobol, 2048, 3, false, [-pi, pi]);
        let x = scale(&saltelli(2048, 3, false), &inf.bounds);
        // Noise sd 3.72: variance 13.84, as much as the function's own.
        let f = TestFn::parse("ishigami", 3.72).unwrap();
        let a = &analyse(&data(inf, x, f, 4), &opts()).unwrap()[0];
        let (s1, st, v) = analytic(Kind::Ishigami, 3);
        let want_share = 3.72f64.powi(2) / (3.72f64.powi(2) + v);
        assert!(
            (a.seed.share.value - want_share).abs() < 0.05,
            "{:?}",
            a.seed
        );
        let s = a.sobol.as_ref().unwrap();
        for i in 0..3 {
            // Without the correction ST3 would read about 0.244 + 0.25 · (1 - 0.244).
            assert!(
                (s.st[i].value - st[i]).abs() < 0.08,
                "ST {i}: {:?}",
                s.st[i]
            );
            assert!(
                (s.s1[i].value - s1[i]).abs() < 0.08,
                "S1 {i}: {:?}",
                s.s1[i]
            );
            assert!(s.st[i].seed_sd > 0.0);
        }
    }

    #[test]
    fn morris_ranks_the_g_function_important_factors_first() {
        let d = 8;
        let inf = info(Method::Morris, 40, d, false, [0.0, 1.0]);
        let x = scale(&morris(3, d, 40, 4, Some(200)), &inf.bounds);
        let f = TestFn::parse("g-function", 0.0).unwrap();
        let a = &analyse(&data(inf, x, f, 1), &opts()).unwrap()[0];
        let m = a.morris.as_ref().unwrap();
        let mut order: Vec<usize> = (0..d).collect();
        order.sort_by(|&i, &j| m.mu_star[j].value.total_cmp(&m.mu_star[i].value));
        assert_eq!(&order[..4], &[0, 1, 2, 3], "{:?}", m.mu_star);
        assert!(m.mu_star[0].lo > m.mu_star[4].hi);
    }

    #[test]
    fn layout_errors_name_the_row() {
        let inf = info(Method::Sobol, 2, 2, false, [0.0, 1.0]);
        let mut x = saltelli(2, 2, false);
        assert!(check_layout(&inf, &x).is_ok());
        x[1][1] = 0.123;
        assert!(check_layout(&inf, &x).unwrap_err().starts_with("row 1:"));
        x.pop();
        assert!(
            check_layout(&inf, &x)
                .unwrap_err()
                .contains("multiple of 4")
        );
        let m = info(Method::Morris, 2, 2, false, [0.0, 1.0]);
        let mut y = morris(1, 2, 2, 4, None);
        assert!(check_layout(&m, &y).is_ok());
        y[1] = y[0].clone();
        assert!(check_layout(&m, &y).is_err());
    }

    #[test]
    fn results_do_not_depend_on_threads() {
        let pi = std::f64::consts::PI;
        let inf = info(Method::Sobol, 256, 3, false, [-pi, pi]);
        let x = scale(&saltelli(256, 3, false), &inf.bounds);
        let f = TestFn::parse("ishigami", 1.0).unwrap();
        let dat = data(inf, x, f, 3);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let a = one.install(|| analyse(&dat, &opts()).unwrap());
        let b = analyse(&dat, &opts()).unwrap();
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
}
