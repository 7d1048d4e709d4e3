//! `forumsim validate`: run a batch, compare it with the scenario's `[[target]]`s,
//! print the table, write the CSV files, the tallies chart and a manifest, and exit 1 only when
//! `--fail-above` is given and exceeded (a poor fit is a finding, not an error).

use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

use forumsim::model::Ballot;
use forumsim::output::{self, atomic::AtomicFile};
use forumsim::plot;
use forumsim::scenario;
use forumsim::validate::{self, MEASURES, TargetReport, ValidationReport};

use super::args::ValidateArgs;
use super::error::CliError;
use super::{plan, print, table};

/// What a validate folder's manifest says in its `kind`.
pub const KIND_VALIDATE: &str = "validate";

pub fn validate(args: ValidateArgs) -> Result<(), CliError> {
    let started = Instant::now();
    if let Some(v) = args.fail_above
        && !(v.is_finite() && v >= 0.0)
    {
        return Err(CliError::Usage(format!(
            "--fail-above must be a number of votes >= 0, got {v}"
        )));
    }
    let resolved = scenario::load_resolved(&args.scenario, &args.set.values)?;
    let mut sc = resolved.scenario;
    if sc.targets.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: the scenario has no [[target]] to validate against; add one (see docs/SCENARIOS.md, section Targets)",
            args.scenario.display()
        )));
    }
    let bytes = std::fs::read(&args.scenario).map_err(|source| CliError::Read {
        path: args.scenario.clone(),
        source,
    })?;
    if let Some(seed) = args.seed {
        sc.seed = seed;
    }
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => plan::out_dir(None, &sc.name)?.join("validate"),
    };
    output::prepare_dir(&out)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, |n| n as usize))
        .build()
        .map_err(CliError::Pool)?;
    let runs: Vec<u64> = (0..u64::from(args.runs)).collect();
    let report = panic::catch_unwind(AssertUnwindSafe(|| {
        pool.install(|| validate::evaluate_runs(&sc, &runs))
    }))
    .map_err(|_| CliError::Crash {
        seed: sc.seed,
        runs: runs.clone(),
    })?;

    let files = validate::output::write(&out, &report)?;
    let tallies = plot::tallies::Tallies::of_report(&sc.name, &report);
    plot::write_figures(&out, &[tallies], plot::Format::Both)?;
    write_resolved(&out, &resolved.text)?;
    let batch = output::Batch {
        scenario: &sc,
        scenario_path: &args.scenario,
        scenario_bytes: &bytes,
        resolved: &resolved.text,
        overrides: &args.set.values,
        runs: &runs,
        threads: pool.current_num_threads(),
        tables: output::Tables::default(),
        started,
    };
    let mut manifest = output::Manifest::new(&batch, files, started.elapsed().as_secs_f64());
    manifest.kind = KIND_VALIDATE.to_string();
    manifest.write(&out)?;

    if !args.quiet {
        print(|w| write_report(w, &sc.name, &report, &out))?;
    }
    if let Some(limit) = args.fail_above {
        let failed = failures(&report, limit);
        if !failed.is_empty() {
            let mut e = io::stderr().lock();
            for f in &failed {
                let _ = writeln!(e, "validate: {f}");
            }
            return Err(CliError::Exit(1));
        }
    }
    Ok(())
}

/// Targets whose largest absolute tally error exceeds `limit` (or that were never
/// decided, which has no error to compare), as messages.
pub fn failures(r: &ValidationReport, limit: f64) -> Vec<String> {
    r.targets
        .iter()
        .filter_map(|t| {
            let e = t.max_abs_error();
            if t.decided == 0 {
                Some(format!(
                    "target `{}`: never decided in {} runs, so its error cannot be within --fail-above {limit}",
                    t.id, t.runs
                ))
            } else if e > limit {
                Some(format!(
                    "target `{}`: largest absolute tally error {e:.1} exceeds --fail-above {limit}",
                    t.id
                ))
            } else {
                None
            }
        })
        .collect()
}

fn write_resolved(dir: &Path, text: &str) -> Result<(), CliError> {
    let path = dir.join(output::RESOLVED);
    let mut f = AtomicFile::create(&path)?;
    f.write_all(text.as_bytes())
        .map_err(|source| CliError::Write { path, source })?;
    f.commit()?;
    Ok(())
}

fn num(x: f64, digits: usize) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{x:.digits$}")
    }
}

fn pct(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * x)
    }
}

/// The terminal report: one block per target.
pub fn write_report(
    w: &mut dyn Write,
    name: &str,
    r: &ValidationReport,
    out: &Path,
) -> io::Result<()> {
    writeln!(
        w,
        "validate {name}: {} runs, seed {}, {} target{}",
        r.runs.len(),
        r.seed,
        r.targets.len(),
        if r.targets.len() == 1 { "" } else { "s" }
    )?;
    for t in &r.targets {
        write_target(w, t)?;
    }
    writeln!(
        w,
        "\nfiles: {} (validate.csv, validate_countries.csv, validate_summary.csv, confusion.csv, manifest.json, plots/tallies.png, plots/tallies.svg)",
        out.display()
    )
}

fn write_target(w: &mut dyn Write, t: &TargetReport) -> io::Result<()> {
    writeln!(
        w,
        "\ntarget {}: proposal {} in {}, round {} ({})",
        t.id, t.proposal, t.venue, t.round, t.year
    )?;
    if !t.source.is_empty() {
        writeln!(w, "  source: {}", t.source)?;
    }
    writeln!(
        w,
        "  decided in {} of {} runs ({}), adopted in {} ({})",
        t.decided,
        t.runs,
        pct(t.decided_share()),
        t.adopted,
        pct(t.adopted_share())
    )?;
    let mut header = vec!["tally", "recorded", "mean", "sd", "90% interval", "error"];
    if let Some((_, label)) = &t.reference {
        header.push(label);
    }
    let rows: Vec<Vec<String>> = MEASURES
        .iter()
        .zip(&t.measures)
        .enumerate()
        .map(|(i, (m, s))| {
            let mut row = vec![
                m.to_string(),
                s.recorded.to_string(),
                num(s.mean, 1),
                num(s.sd, 1),
                if s.p05.is_nan() {
                    "-".into()
                } else {
                    format!("[{:.1}, {:.1}]", s.p05, s.p95)
                },
                if s.error.is_nan() {
                    "-".into()
                } else {
                    format!("{:+.1}", s.error)
                },
            ];
            if let Some((r, _)) = &t.reference {
                row.push(r.as_array()[i].to_string());
            }
            row
        })
        .collect();
    table::write_aligned(w, 2, 1, &header, &rows)?;
    writeln!(w, "  largest |error|: {}", num(t.max_abs_error(), 1))?;

    let Some(c) = &t.countries else {
        return Ok(());
    };
    writeln!(
        w,
        "  countries ({}): modal simulated vote vs recorded vote; baseline = modal recorded vote of the state's regime category on this resolution (an in-sample oracle, deliberately generous)",
        c.rows.len()
    )?;
    let fits = [("model", c.model), ("baseline", c.baseline)];
    let rows: Vec<Vec<String>> = fits
        .iter()
        .map(|(n, f)| {
            vec![
                n.to_string(),
                f.map_or("-".into(), |f| pct(f.agreement)),
                f.map_or("-".into(), |f| pct(f.agreement_voting)),
                f.map_or("-".into(), |f| num(f.kappa, 3)),
            ]
        })
        .collect();
    table::write_aligned(
        w,
        2,
        1,
        &["predictor", "agreement", "among voters", "kappa"],
        &rows,
    )?;
    for (n, f) in fits {
        let Some(f) = f else { continue };
        writeln!(w, "  confusion, {n} (rows: recorded; columns: predicted)")?;
        let rows: Vec<Vec<String>> = Ballot::ALL
            .iter()
            .map(|r| {
                let mut row = vec![r.code().to_string()];
                row.extend(
                    Ballot::ALL
                        .iter()
                        .map(|p| f.confusion[r.index()][p.index()].to_string()),
                );
                row
            })
            .collect();
        table::write_aligned(w, 4, 1, &["", "Y", "N", "A", "X"], &rows)?;
    }
    Ok(())
}
