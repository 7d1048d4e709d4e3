//! `forumsim report DIR` as a user runs it: one self-contained HTML page holding every
//! chart, with no network references; and, when Chromium is installed, the page loads
//! in headless Chromium with every chart in the DOM and no console errors.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{arg, chromium, forumsim, stderr};

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", stderr(o));
}

/// A short run of the default scenario (3 runs, 6 rounds) into `dir`.
fn short_run(dir: &Path) {
    let out = arg(dir);
    ok(&forumsim(&[
        "run",
        "scenarios/stylized.toml",
        "--runs",
        "3",
        "--set",
        "rounds=6",
        "--out",
        &out,
        "--quiet",
    ]));
}

/// The charts `forumsim plot` writes for `dir` (its SVG files).
fn plotted_charts(dir: &Path) -> usize {
    ok(&forumsim(&[
        "plot",
        &arg(dir),
        "--format",
        "svg",
        "--quiet",
    ]));
    fs::read_dir(dir.join("plots"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".svg")
        })
        .count()
}

/// Runs `forumsim report DIR`, checks what it says and returns the page.
fn report(dir: &Path) -> String {
    let o = forumsim(&["report", &arg(dir)]);
    ok(&o);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("report.html"), "{said}");
    fs::read_to_string(dir.join("report.html")).unwrap()
}

/// The page references nothing on the network: the only URLs are the SVG namespace.
fn assert_offline(html: &str) {
    let rest = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for scheme in ["http://", "https://"] {
        assert!(
            !rest.contains(scheme),
            "{scheme} at {:?}",
            &rest[rest.find(scheme).unwrap().saturating_sub(80)..][..160]
        );
    }
    assert!(!html.contains("<script"), "no scripts");
    assert!(!html.contains("<link"), "no external style sheets");
    assert!(html.contains("@font-face") && html.contains("data:font/ttf;base64,"));
}

#[test]
fn a_run_report_holds_every_chart_and_no_network_reference() {
    let tmp = tempfile::tempdir().unwrap();
    short_run(tmp.path());
    let html = report(tmp.path());
    let charts = plotted_charts(tmp.path());
    assert_eq!(charts, 4);
    assert_eq!(
        html.matches("<svg").count(),
        charts,
        "one inline SVG per chart"
    );
    assert_offline(&html);
    for text in [
        "forumsim report: stylized",
        "Loaded from <code>scenarios/stylized.toml</code>",
        "Votes on proposals per venue",
        "Indices in the final year",
        "legit_cost",
    ] {
        assert!(html.contains(text), "{text}");
    }
    browser_check(&tmp.path().join("report.html"), charts);
}

#[test]
fn a_sweep_report_holds_every_sweep_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path());
    ok(&forumsim(&[
        "sweep",
        "scenarios/experiments/quick-grid.toml",
        "--out",
        &out,
        "--quiet",
    ]));
    let html = report(tmp.path());
    let charts = plotted_charts(tmp.path());
    assert!(charts >= 4, "{charts}");
    assert_eq!(html.matches("<svg").count(), charts);
    assert_offline(&html);
    for text in [
        "forumsim report: sweep quick-grid",
        "Global metrics per variant",
        "unga-consensus",
    ] {
        assert!(html.contains(text), "{text}");
    }
    browser_check(&tmp.path().join("report.html"), charts);
}

/// A Sobol' sweep after `forumsim sensitivity`: the page leads with the indices and
/// their charts (inlined from `plots/`), loads in Chromium and holds every chart.
#[test]
fn a_sensitivity_sweeps_report_loads_with_its_index_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = arg(tmp.path());
    ok(&forumsim(&[
        "sweep",
        "tests/fixtures/sensitivity/gfunction-sobol.toml",
        "--out",
        &out,
        "--quiet",
    ]));
    ok(&forumsim(&["sensitivity", &out, "--bootstrap", "50", "-q"]));
    let html = report(tmp.path());
    let charts = html.matches("<svg").count();
    assert!(charts >= 1, "the Sobol' chart: {charts}");
    assert_offline(&html);
    assert!(html.contains("Sensitivity indices") && html.contains("Sobol' indices: y"));
    browser_check(&tmp.path().join("report.html"), charts);
}

#[test]
fn a_run_folder_whose_scenario_is_gone_says_so_and_uses_its_resolved_copy() {
    let tmp = tempfile::tempdir().unwrap();
    short_run(tmp.path());
    let manifest = tmp.path().join("manifest.json");
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(
        &manifest,
        text.replace("scenarios/stylized.toml", "scenarios/deleted.toml"),
    )
    .unwrap();
    let html = report(tmp.path());
    assert!(html.contains("no longer exists"), "says the file is gone");
    assert!(
        html.contains("scenario.resolved.toml"),
        "names the copy used"
    );
    assert!(html.contains("<td>states</td><td>150</td>"));
}

#[test]
fn report_of_a_folder_that_is_not_an_output_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let o = forumsim(&["report", &arg(tmp.path())]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("rounds.csv"), "{}", stderr(&o));
    assert!(!tmp.path().join("report.html").exists());
}

/// Runs headless Chromium on `page` with `extra` arguments; returns (stdout, stderr).
/// A browser that hangs is killed after two minutes and fails the test.
fn headless(browser: &Path, page: &Path, extra: &[String]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let mut child = Command::new(browser)
        .args(common::HEADLESS)
        .args([
            "--enable-logging=stderr",
            "--v=0",
            // Let the embedded web font load before the page is dumped or captured.
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        out.read_to_end(&mut s).unwrap();
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        err.read_to_end(&mut s).unwrap();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stdout = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    assert!(status.success(), "chromium failed: {stderr}");
    (stdout, stderr)
}

/// Console messages (errors from scripts, blocked resources) in Chromium's log.
fn console_errors(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect()
}

/// Loads the page in headless Chromium: it loads, the DOM holds every chart, the
/// console stays silent, and a screenshot can be taken. Skipped without Chromium.
fn browser_check(page: &Path, charts: usize) {
    let Some(browser) = chromium() else {
        println!("skipped: chromium not found");
        return;
    };
    let (dom, log) = headless(&browser, page, &["--dump-dom".to_string()]);
    assert!(dom.contains("forumsim report"), "page loaded: {log}");
    assert_eq!(
        dom.matches("<svg").count(),
        charts,
        "every chart in the DOM"
    );
    assert!(dom.contains("</svg>"));
    let errors = console_errors(&log);
    assert!(errors.is_empty(), "console: {errors:?}");
    let shot = tempfile::tempdir().unwrap();
    let png = shot.path().join("report.png");
    let (_, log) = headless(
        &browser,
        page,
        &[
            "--window-size=1280,1600".to_string(),
            format!("--screenshot={}", png.display()),
        ],
    );
    assert!(console_errors(&log).is_empty(), "{log}");
    let bytes = fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "a screenshot was written");
}

#[test]
fn console_lines_are_found_in_a_chromium_log() {
    let log = "[1:1:ERROR:dbus] bus\n[1:1:INFO:CONSOLE(3)] \"Uncaught ReferenceError\", source: x";
    assert_eq!(console_errors(log).len(), 1);
    assert!(console_errors("[1:1:ERROR:dbus] bus").is_empty());
}
