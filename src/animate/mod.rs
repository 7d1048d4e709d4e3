//! `forumsim animate`: an animated replay of one run of a run folder, one frame a year.
//!
//! The run is not read back from CSV: it is re-run from the folder's manifest and its
//! copy of the resolved scenario (as `forumsim verify` does), with votes and
//! memberships recorded, so any run of any folder can be animated whatever tables it
//! was written with. [`frames`] turns the run into what each frame shows, [`draw`]
//! draws a frame with plotters (embedded font, colour-blind-safe colours), [`encode`]
//! writes the GIF with one fixed palette. Same folder and run, same bytes.

pub mod draw;
pub mod encode;
pub mod frames;

use crate::engine::{self, RunOptions, RunResult};
use crate::model::Scenario;
use crate::output::OutputError;
use crate::output::atomic;
use crate::plot::{render, style};
use crate::scenario::Cut;
use crate::verify::{self, VerifyError};
use std::path::{Path, PathBuf};

/// Hundredths of a second each year is shown; the last year stays longer.
pub const DELAY: u16 = 100;
pub const LAST_DELAY: u16 = 400;

#[derive(Debug, thiserror::Error)]
pub enum AnimateError {
    /// The folder has no usable manifest or scenario copy.
    #[error(transparent)]
    Folder(#[from] VerifyError),
    #[error("{}: run {run} is not in this folder (it holds runs {})", dir.display(), crate::output::summary::runs_text(recorded))]
    NotRecorded {
        dir: PathBuf,
        run: u64,
        recorded: Vec<u64>,
    },
    #[error("--still {year}: the run covers {first}-{last}; pick a year in that span")]
    NoYear { year: i32, first: i32, last: i32 },
    #[error("the font compiled into forumsim cannot be loaded (a build bug)")]
    Font,
    #[error("{}: cannot draw the animation: {msg}", path.display())]
    Draw { path: PathBuf, msg: String },
    #[error(transparent)]
    Write(#[from] OutputError),
}

impl AnimateError {
    /// Whether the user's input is at fault (exit 2) rather than the machine (exit 1).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            AnimateError::Folder(_)
                | AnimateError::NotRecorded { .. }
                | AnimateError::NoYear { .. }
        )
    }
}

/// Re-runs run `run` of the folder `dir` (default: its first run) with votes and
/// memberships recorded, up to the year `until` if given (`--until`).
pub fn replay(
    dir: &Path,
    run: Option<u64>,
    until: Option<i64>,
) -> Result<(Scenario, RunResult, Option<Cut>), AnimateError> {
    let (sc, recorded, cut) = verify::recorded_until(dir, until)?;
    let run = run.unwrap_or_else(|| recorded.first().copied().unwrap_or(0));
    if !recorded.contains(&run) {
        return Err(AnimateError::NotRecorded {
            dir: dir.to_path_buf(),
            run,
            recorded,
        });
    }
    let r = engine::run(
        &sc,
        run,
        RunOptions {
            votes: true,
            states: true,
            why: false,
        },
    );
    Ok((sc, r, cut))
}

/// The default file: `DIR/plots/replay-run<N>.gif` (`replay-run<N>-until<YEAR>.gif`
/// with `--until`, so the whole run's replay stays), or `-<year>.png` for a still
/// (the same frame with or without `--until`).
pub fn default_path(dir: &Path, run: u64, still: Option<i32>, until: Option<i64>) -> PathBuf {
    let name = match (still, until) {
        (Some(year), _) => format!("replay-run{run}-{year}.png"),
        (None, Some(until)) => format!("replay-run{run}-until{until}.gif"),
        (None, None) => format!("replay-run{run}.gif"),
    };
    dir.join(crate::plot::PLOTS).join(name)
}

fn heading(sc: &Scenario, r: &RunResult) -> draw::Heading {
    draw::Heading {
        scenario: sc.name.clone(),
        run: r.run,
        seed: r.seed,
        states: sc.states.len(),
    }
}

/// One frame as RGB pixels of [`style::SIZE`].
pub fn rgb(f: &frames::Frame, h: &draw::Heading) -> Result<Vec<u8>, String> {
    render::rgb_with(|root| draw::draw(root, f, h))
}

/// The whole run as GIF bytes: one frame per round.
pub fn gif(sc: &Scenario, r: &RunResult) -> Result<Vec<u8>, String> {
    let h = heading(sc, r);
    let all = frames::frames(sc, r);
    let mut rgbs = Vec::with_capacity(all.len());
    for f in &all {
        rgbs.push(rgb(f, &h)?);
    }
    let mut delays = vec![DELAY; all.len()];
    if let Some(last) = delays.last_mut() {
        *last = LAST_DELAY;
    }
    encode::gif(&rgbs, style::SIZE, &delays)
}

/// The frame of `year` as PNG bytes.
pub fn still(sc: &Scenario, r: &RunResult, year: i32) -> Result<Vec<u8>, AnimateError> {
    let all = frames::frames(sc, r);
    let Some(f) = all.iter().find(|f| f.year == year) else {
        return Err(AnimateError::NoYear {
            year,
            first: sc.start_year,
            last: sc.year(r.rounds.len().saturating_sub(1) as u32),
        });
    };
    let draw_err = |msg: String| AnimateError::Draw {
        path: PathBuf::from(format!("frame {year}")),
        msg,
    };
    let pixels = rgb(f, &heading(sc, r)).map_err(draw_err)?;
    render::encode_png(&pixels).map_err(draw_err)
}

/// Animates run `run` of `dir` into `out` (a GIF, or the PNG of year `still`), up to
/// the year `until` if given. Returns the path written and what `until` cut.
pub fn animate(
    dir: &Path,
    run: Option<u64>,
    out: Option<&Path>,
    still_year: Option<i32>,
    until: Option<i64>,
) -> Result<(PathBuf, Option<Cut>), AnimateError> {
    if !style::register_font_once() {
        return Err(AnimateError::Font);
    }
    let (sc, r, cut) = replay(dir, run, until)?;
    let path = out.map_or_else(
        || default_path(dir, r.run, still_year, until),
        Path::to_path_buf,
    );
    let bytes = match still_year {
        Some(year) => still(&sc, &r, year)?,
        None => gif(&sc, &r).map_err(|msg| AnimateError::Draw {
            path: path.clone(),
            msg,
        })?,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| OutputError::CreateDir {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    atomic::write(&path, &bytes)?;
    Ok((path, cut))
}
