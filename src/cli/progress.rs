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
    Quiet,
    Bar(ProgressBar),
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
            Reporter::Quiet
        } else if std::io::stderr().is_terminal() {
            Reporter::Bar(ProgressBar::hidden())
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
        if let Reporter::Bar(b) = self {
            b.finish_and_clear();
        }
    }
}

impl Progress for Reporter {
    fn start(&self, done: u64, todo: u64) {
        match self {
            Reporter::Quiet => {}
            Reporter::Bar(b) => {
                b.set_length(done + todo);
                b.set_position(done);
                b.reset_eta();
                b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                b.set_style(
                    ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
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
            Reporter::Quiet => {}
            Reporter::Bar(b) => b.inc(1),
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
                    "sweep: {} of {total} runs, {rate:.1} runs/s, about {left:.0} s left",
                    base + d
                );
            }
        }
    }
}
