//! The end-of-sweep table: mean and 95% CI of final AMI and fragmentation per
//! variant (and point), and each variant's paired difference to `base`.

use forumsim::experiment::sweep::Manifest;
use std::io::{self, Write};
use std::path::Path;

/// Table rows shown at most; the rest is in summary.csv.
const MAX_ROWS: usize = 60;

/// `n thing` or `n things`.
fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Writes the table of the sweep `m` in `out`. `ran` of its runs were run by this
/// command in `secs` seconds (fewer than all after `--resume`, none for `merge`): the
/// rate counts only those.
pub fn write_sweep(
    w: &mut dyn Write,
    m: &Manifest,
    out: &Path,
    ran: u64,
    secs: f64,
) -> io::Result<()> {
    let runs = m.state.runs;
    let design = format!(
        "{} ({} x {} x {})",
        count(runs as usize, "run"),
        count(m.state.points as usize, "point"),
        count(m.state.variants.len(), "variant"),
        count(m.state.replicates as usize, "replicate"),
    );
    let timing = if ran == 0 {
        format!("merged in {secs:.1} s")
    } else if ran < runs {
        format!(
            "{} run now, {} resumed, in {secs:.1} s ({:.1} runs/s)",
            ran,
            runs - ran,
            ran as f64 / secs.max(1e-9)
        )
    } else {
        format!("in {secs:.1} s ({:.1} runs/s)", ran as f64 / secs.max(1e-9))
    };
    writeln!(w, "{}: {design} {timing}", m.state.experiment)?;
    let points = m.state.points > 1;
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

/// Writes `rows` under `header` as aligned columns, each `indent` spaces in: the first
/// `left` columns left-aligned (labels), the rest right-aligned (numbers).
pub fn write_aligned(
    w: &mut dyn Write,
    indent: usize,
    left: usize,
    header: &[&str],
    rows: &[Vec<String>],
) -> io::Result<()> {
    let right: Vec<bool> = (0..header.len()).map(|i| i >= left).collect();
    write_columns(w, indent, &right, header, rows)
}

/// Writes `rows` under `header` as aligned columns, each `indent` spaces in; column
/// `i` is right-aligned (a number) where `right[i]`, else left-aligned (text).
pub fn write_columns(
    w: &mut dyn Write,
    indent: usize,
    right: &[bool],
    header: &[&str],
    rows: &[Vec<String>],
) -> io::Result<()> {
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(wd) = width.get_mut(i) {
                *wd = (*wd).max(c.chars().count());
            }
        }
    }
    let line = |w: &mut dyn Write, cells: &[&str]| -> io::Result<()> {
        let mut s = " ".repeat(indent);
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let pad = width[i].saturating_sub(c.chars().count());
            if right.get(i).copied().unwrap_or(true) {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            }
        }
        writeln!(w, "{}", s.trim_end())
    };
    line(w, header)?;
    for r in rows {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        line(w, &cells)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_tables_pad_labels_left_and_numbers_right() {
        let mut out = Vec::new();
        let rows = vec![
            vec!["yes".to_string(), "79".to_string()],
            vec!["abstain".to_string(), "3".to_string()],
        ];
        write_aligned(&mut out, 2, 1, &["measure", "recorded"], &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  measure  recorded\n  yes            79\n  abstain         3\n"
        );
    }

    #[test]
    fn counts_agree_with_their_number() {
        assert_eq!(count(1, "variant"), "1 variant");
        assert_eq!(count(2, "variant"), "2 variants");
        assert_eq!(count(0, "run"), "0 runs");
    }
}
