//! Files a calibration writes: every evaluated point (`points.csv`), and the best one
//! as scenario overrides (`best.toml`), ready to paste into the scenario's tables.

use super::spec::fmt_value;
use super::{Calibration, Point};
use crate::output::OutputError;
use crate::output::atomic::AtomicFile;
use std::io::Write;
use std::path::Path;

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// `points.csv`: one row per evaluated point, in evaluation order.
pub fn write_points(dir: &Path, cal: &Calibration, points: &[Point]) -> Result<(), OutputError> {
    let path = dir.join("points.csv");
    let mut f = AtomicFile::create(&path)?;
    let e = io_err(&path);
    let mut head = vec!["index".to_string(), "stage".into()];
    head.extend(cal.knobs.iter().map(|k| k.name.clone()));
    head.extend(
        [
            "decided",
            "yes",
            "no",
            "abstain",
            "absent",
            "max_error",
            "agreement",
            "objective",
        ]
        .map(String::from),
    );
    writeln!(f, "{}", head.join(",")).map_err(&e)?;
    for (i, p) in points.iter().enumerate() {
        let mut row = vec![i.to_string(), p.stage.to_string()];
        row.extend(p.x.iter().map(|v| fmt_value(*v)));
        row.push(format!("{}", p.fit.decided));
        row.extend(p.fit.mean.iter().map(|v| format!("{v}")));
        row.push(format!("{}", p.fit.max_error));
        row.push(format!("{}", p.fit.agreement));
        row.push(format!("{}", p.objective));
        writeln!(f, "{}", row.join(",")).map_err(&e)?;
    }
    f.commit()
}

/// `best.toml`: the best point as `--set` lines and as the fit it reached.
pub fn write_best(dir: &Path, cal: &Calibration, best: &Point) -> Result<(), OutputError> {
    let path = dir.join("best.toml");
    let mut f = AtomicFile::create(&path)?;
    let e = io_err(&path);
    writeln!(
        f,
        "# Best point of calibration `{}` on target `{}` ({} runs per point).",
        cal.name, cal.target, cal.runs
    )
    .map_err(&e)?;
    writeln!(
        f,
        "# agreement {:.4}, tallies yes {:.1} no {:.1} abstain {:.1} absent {:.1}, \
         largest tally error {:.1}, decided in {:.0} % of runs",
        best.fit.agreement,
        best.fit.mean[0],
        best.fit.mean[1],
        best.fit.mean[2],
        best.fit.mean[3],
        best.fit.max_error,
        100.0 * best.fit.decided
    )
    .map_err(&e)?;
    writeln!(f, "# As overrides (forumsim run SCENARIO --set ...):").map_err(&e)?;
    for s in cal.sets(&best.x) {
        writeln!(f, "#   --set {s}").map_err(&e)?;
    }
    writeln!(f, "[values]").map_err(&e)?;
    for (k, v) in cal.knobs.iter().zip(&best.x) {
        writeln!(f, "{} = {}", k.name, fmt_value(*v)).map_err(&e)?;
    }
    writeln!(f, "\n[modal_votes]").map_err(&e)?;
    for (id, v) in &best.fit.modal {
        let code = v.map_or("-", |b| b.code());
        writeln!(f, "{id} = \"{code}\"").map_err(&e)?;
    }
    f.commit()
}

/// `sensitivity.csv`: the fit with each knob moved down and up from the best point.
pub fn write_sensitivity(dir: &Path, rows: &[super::Sensitivity]) -> Result<(), OutputError> {
    let path = dir.join("sensitivity.csv");
    let mut f = AtomicFile::create(&path)?;
    let e = io_err(&path);
    writeln!(
        f,
        "parameter,best,value,side,agreement,max_error,yes,no,abstain,absent"
    )
    .map_err(&e)?;
    for r in rows {
        for (side, v, fit) in [("low", r.low, &r.fit_low), ("high", r.high, &r.fit_high)] {
            writeln!(
                f,
                "{},{},{},{side},{},{},{},{},{},{}",
                r.knob,
                fmt_value(r.at),
                fmt_value(v),
                fit.agreement,
                fit.max_error,
                fit.mean[0],
                fit.mean[1],
                fit.mean[2],
                fit.mean[3]
            )
            .map_err(&e)?;
        }
    }
    f.commit()
}
