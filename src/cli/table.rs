//! The end-of-sweep table: mean and 95% CI of final AMI and fragmentation per
//! variant (and point), and each variant's paired difference to `base`.

use forumsim::experiment::sweep::Manifest;
use std::io::{self, Write};
use std::path::Path;

/// Table rows shown at most; the rest is in summary.csv.
const MAX_ROWS: usize = 60;

pub fn write_sweep(w: &mut dyn Write, m: &Manifest, out: &Path, secs: f64) -> io::Result<()> {
    let runs = m.state.runs;
    writeln!(
        w,
        "{}: {runs} runs ({} points x {} variants x {} replicates) in {secs:.1} s ({:.1} runs/s)",
        m.state.experiment,
        m.state.points.len(),
        m.state.variants.len(),
        m.state.replicates,
        runs as f64 / secs.max(1e-9)
    )?;
    let points = m.state.points.len() > 1;
    if points {
        write!(w, "{:>6} ", "point")?;
    }
    writeln!(
        w,
        "{:<28} {:<20} {:>10} {:>22}",
        "variant", "metric", "mean", "95% CI"
    )?;
    for h in m.headline.iter().take(MAX_ROWS) {
        if points {
            write!(w, "{:>6} ", h.point)?;
        }
        writeln!(
            w,
            "{:<28} {:<20} {:>10.4} {:>22}",
            h.variant,
            h.metric,
            h.mean,
            format!("[{:.4}, {:.4}]", h.lo, h.hi)
        )?;
    }
    if m.headline.len() > MAX_ROWS {
        writeln!(w, "... {} more rows", m.headline.len() - MAX_ROWS)?;
    }
    writeln!(
        w,
        "diff.X = X minus base over the same seeds. All metrics: {}",
        out.join("summary.csv").display()
    )
}
