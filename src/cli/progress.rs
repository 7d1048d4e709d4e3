//! Sweep progress on standard error: an indicatif bar on a terminal, plain periodic
//! lines otherwise (logs of cluster jobs), nothing with `--quiet`.

use forumsim::experiment::sweep::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Seconds between plain progress lines.
const EVERY: Duration = Duration::from_secs(10);

pub enum Reporter {
    /// Nothing shown; still counts the runs found done (for the summary's rate).
    Quiet(AtomicU64),
    /// A bar, and the runs found done when it started.
    Bar(ProgressBar, AtomicU64),
    Lines {
        started: Instant,
        last: Mutex<Instant>,
        done: AtomicU64,
        base: AtomicU64,
        total: AtomicU64,
    },
}

impl Reporter {
    pub fn new(quiet: bool) -> Reporter {
        if quiet {
            Reporter::Quiet(AtomicU64::new(0))
        } else if std::io::stderr().is_terminal() {
            Reporter::Bar(ProgressBar::hidden(), AtomicU64::new(0))
        } else {
            let now = Instant::now();
            Reporter::Lines {
                started: now,
                last: Mutex::new(now),
                done: AtomicU64::new(0),
                base: AtomicU64::new(0),
                total: AtomicU64::new(0),
            }
        }
    }

    pub fn finish(&self) {
        if let Reporter::Bar(b, _) = self {
            b.finish_and_clear();
        }
    }

    /// Runs that were already done when the sweep started (`--resume`).
    pub fn resumed(&self) -> u64 {
        match self {
            Reporter::Quiet(done) | Reporter::Bar(_, done) => done.load(Ordering::Relaxed),
            Reporter::Lines { base, .. } => base.load(Ordering::Relaxed),
        }
    }
}

impl Progress for Reporter {
    fn start(&self, done: u64, todo: u64) {
        match self {
            Reporter::Quiet(resumed) => resumed.store(done, Ordering::Relaxed),
            Reporter::Bar(b, resumed) => {
                resumed.store(done, Ordering::Relaxed);
                b.set_length(done + todo);
                b.set_position(done);
                b.reset_eta();
                b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                // Runs per second as a person reads it ("630 runs/s", not "628.4812/s").
                b.set_style(
                    ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {rate}  ETA {eta}")
                        .map(|s| {
                            s.with_key(
                                "rate",
                                |st: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                                    let _ = write!(w, "{}", rate_text(st.per_sec()));
                                },
                            )
                        })
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
            }
            Reporter::Lines { base, total, .. } => {
                base.store(done, Ordering::Relaxed);
                total.store(done + todo, Ordering::Relaxed);
                if done > 0 {
                    eprintln!(
                        "sweep: resuming, {done} of {} runs already done",
                        done + todo
                    );
                }
            }
        }
    }

    fn run_done(&self) {
        match self {
            Reporter::Quiet(_) => {}
            Reporter::Bar(b, _) => b.inc(1),
            Reporter::Lines {
                started,
                last,
                done,
                base,
                total,
            } => {
                let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                let Ok(mut last) = last.lock() else { return };
                if last.elapsed() < EVERY {
                    return;
                }
                *last = Instant::now();
                let secs = started.elapsed().as_secs_f64();
                let rate = d as f64 / secs.max(1e-9);
                let (base, total) = (base.load(Ordering::Relaxed), total.load(Ordering::Relaxed));
                let left = total.saturating_sub(base + d) as f64 / rate.max(1e-9);
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "sweep: {} of {total} runs, {}, about {left:.0} s left",
                    base + d,
                    rate_text(rate)
                );
            }
        }
    }
}

/// A rate of runs for people: whole runs per second, one decimal below 10.
fn rate_text(per_sec: f64) -> String {
    if per_sec >= 10.0 {
        format!("{per_sec:.0} runs/s")
    } else {
        format!("{per_sec:.1} runs/s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_runs_per_second() {
        assert_eq!(rate_text(628.4812), "628 runs/s");
        assert_eq!(rate_text(2.345), "2.3 runs/s");
    }
}
