//! The request handlers: a request (method, path, query, body, session token) in, a
//! reply (status, type, bytes) out, with no socket in sight so that tests call them
//! directly. Files are served only from the page's embedded assets and from the
//! asking session's own job folders, by names checked segment by segment.

use super::assets;
use super::form::{self, Entry, FieldError, Form};
use super::jobs::{self, Job, Session, Sessions, State};
use crate::explain::{self, Style};
use serde::Serialize;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// What the server knows: where scenarios are read from, which are offered, and the
/// sessions.
pub struct App {
    /// The folder scenario paths are relative to (the working directory).
    pub root: PathBuf,
    pub offered: Vec<Entry>,
    pub sessions: Sessions,
}

/// A request, as the handlers see it.
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The path, percent-decoded, without the query.
    pub path: &'a str,
    /// `key=value` pairs of the query, percent-decoded.
    pub query: Vec<(String, String)>,
    pub body: &'a [u8],
    /// The `X-Session` header (or the `s` query parameter, for links and images).
    pub session: Option<&'a str>,
}

impl Request<'_> {
    fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .or(if key == "s" { self.session } else { None })
    }
}

/// A reply.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// `Content-Disposition: attachment; filename=...` for downloads.
    pub download: Option<String>,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body: body.into(),
            download: None,
        }
    }

    fn json(status: u16, v: &impl Serialize) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            body: serde_json::to_vec(v).unwrap_or_default(),
            download: None,
        }
    }

    fn error(status: u16, message: impl Into<String>) -> Reply {
        Reply::json(
            status,
            &json!({ "errors": [FieldError { field: String::new(), message: message.into() }] }),
        )
    }
}

/// Answers `req`.
pub fn handle(app: &App, req: &Request<'_>) -> Reply {
    match (req.method, req.path) {
        ("GET", "/") | ("GET", "/index.html") => {
            Reply::ok("text/html; charset=utf-8", assets::INDEX)
        }
        ("GET", "/app.js") => Reply::ok("text/javascript; charset=utf-8", assets::APP_JS),
        ("GET", "/style.css") => Reply::ok("text/css; charset=utf-8", assets::STYLE_CSS),
        ("GET", "/favicon.ico") => Reply {
            status: 204,
            content_type: "image/x-icon",
            body: Vec::new(),
            download: None,
        },
        ("POST", "/api/session") => {
            let s = app.sessions.create();
            Reply::json(200, &json!({ "session": s.id }))
        }
        ("GET", "/api/scenarios") => Reply::json(200, &app.offered),
        ("GET", "/api/scenario") => scenario(app, req),
        (_, p) if p.starts_with("/api/") || p.starts_with("/files/") => {
            let Some(session) = req.param("s").and_then(|t| app.sessions.get(t)) else {
                return Reply::error(403, "no such session: reload the page");
            };
            with_session(app, &session, req)
        }
        _ => Reply::error(404, format!("no such page: {}", req.path)),
    }
}

fn scenario(app: &App, req: &Request<'_>) -> Reply {
    let path = req.param("path").unwrap_or_default();
    if !app.offered.iter().any(|e| e.path == path) {
        return Reply::error(404, format!("{path:?} is not one of the scenarios offered"));
    }
    match form::controls(&app.root, path) {
        Ok(c) => Reply::json(200, &c),
        Err(e) => Reply::error(400, e.to_string()),
    }
}

fn with_session(app: &App, s: &Arc<Session>, req: &Request<'_>) -> Reply {
    if req.method == "POST" && req.path == "/api/run" {
        let form: Form = match serde_json::from_slice(req.body) {
            Ok(f) => f,
            Err(e) => return Reply::error(400, format!("the form could not be read: {e}")),
        };
        return match form::plan(&app.root, &app.offered, &form) {
            Ok(plan) => {
                let job = s.start(plan);
                Reply::json(200, &json!({ "job": job.id, "command": job.command }))
            }
            // A form with a bad value is an answer for the page to show beside the
            // control, not a failed request (which browsers log as an error).
            Err(errors) => Reply::json(200, &json!({ "errors": errors })),
        };
    }
    if let Some(rest) = req.path.strip_prefix("/files/") {
        return file(s, rest);
    }
    let job = match req.param("job").map(str::parse::<u64>) {
        Some(Ok(id)) => match s.job(id) {
            Some(j) => j,
            None => return Reply::error(404, format!("no job {id} in this session")),
        },
        _ => return Reply::error(400, "expected ?job=N"),
    };
    match (req.method, req.path) {
        ("GET", "/api/job") => Reply::json(200, &status(&job)),
        ("POST", "/api/cancel") => {
            job.stop.store(true, Ordering::Relaxed);
            Reply::json(200, &status(&job))
        }
        ("GET", "/api/compare") => compare(s, &job, req),
        ("GET", "/api/explain") => explain_year(&job, req),
        ("GET", "/api/frame") => frame(&job, req),
        ("GET", "/api/zip") => zip(&job),
        _ => Reply::error(404, format!("no such request: {} {}", req.method, req.path)),
    }
}

/// A job's state as the page polls it.
pub fn status(job: &Job) -> serde_json::Value {
    let state = jobs::lock(&job.state).clone();
    let (name, outcome, error) = match state {
        State::Running => ("running", None, None),
        State::Writing => ("writing", None, None),
        State::Done(o) => ("done", Some(o), None),
        State::Failed(e) => ("failed", None, Some(e)),
        State::Cancelled => ("cancelled", None, None),
    };
    json!({
        "job": job.id,
        "state": name,
        "done": job.done.load(Ordering::Relaxed),
        "total": job.runs.len(),
        "command": job.command,
        "seed": job.seed,
        "start_year": job.scenario.start_year,
        "last_year": job.scenario.year(job.scenario.rounds.saturating_sub(1)),
        "outcome": outcome,
        "error": error,
    })
}

fn done(job: &Job) -> Option<Box<jobs::Outcome>> {
    match &*jobs::lock(&job.state) {
        State::Done(o) => Some(o.clone()),
        _ => None,
    }
}

fn compare(s: &Session, job: &Job, req: &Request<'_>) -> Reply {
    let other = match req.param("with").map(str::parse::<u64>) {
        Some(Ok(id)) => match s.job(id) {
            Some(j) => j,
            None => return Reply::error(404, format!("no job {id} in this session")),
        },
        _ => return Reply::error(400, "expected ?with=N"),
    };
    let (Some(a), Some(b)) = (done(&other), done(job)) else {
        return Reply::error(409, "both runs must be finished");
    };
    let d = jobs::paired_ami(&other, &a, job, &b);
    Reply::json(200, &json!({ "with": other.id, "job": job.id, "diff": d }))
}

fn run_and_year(job: &Job, req: &Request<'_>) -> Result<(u64, i32), Reply> {
    let run = req
        .param("run")
        .unwrap_or("0")
        .parse::<u64>()
        .map_err(|_| Reply::error(400, "run: expected a run number (0, 1, ...)"))?;
    let year = req
        .param("year")
        .map_or(Ok(job.scenario.start_year), str::parse::<i32>)
        .map_err(|_| Reply::error(400, "year: expected a year such as 2018"))?;
    let first = job.scenario.start_year;
    let last = job.scenario.year(job.scenario.rounds.saturating_sub(1));
    if !(first..=last).contains(&year) {
        return Err(Reply::error(
            400,
            format!("year {year} is outside the run ({first}-{last})"),
        ));
    }
    Ok((run, year))
}

fn explain_year(job: &Job, req: &Request<'_>) -> Reply {
    let (run, year) = match run_and_year(job, req) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let r = match job.replay(run) {
        Ok(r) => r,
        Err(e) => return Reply::error(400, e),
    };
    let round = (year - job.scenario.start_year) as u32;
    let lines = explain::explain(&job.scenario, &r, Some((round, round)), Style::default());
    let cmd = format!(
        "forumsim explain {} --run {run} --rounds {year}",
        job.command
            .strip_prefix("forumsim run ")
            .unwrap_or(&job.command)
            .replacen(&format!(" --runs {}", job.runs.len()), "", 1)
    );
    Reply::json(
        200,
        &json!({ "run": run, "year": year, "lines": lines, "command": cmd }),
    )
}

fn frame(job: &Job, req: &Request<'_>) -> Reply {
    let (run, year) = match run_and_year(job, req) {
        Ok(x) => x,
        Err(r) => return r,
    };
    if done(job).is_none() {
        return Reply::error(409, "the batch is not finished");
    }
    if !crate::plot::style::register_font_once() {
        return Reply::error(500, "the charts' font could not be loaded");
    }
    let r = match job.replay(run) {
        Ok(r) => r,
        Err(e) => return Reply::error(400, e),
    };
    match crate::animate::still(&job.scenario, &r, year) {
        Ok(png) => Reply::ok("image/png", png),
        Err(e) => Reply::error(500, e.to_string()),
    }
}

fn zip(job: &Job) -> Reply {
    if done(job).is_none() {
        return Reply::error(409, "the batch is not finished");
    }
    let name = format!("{}-{}", job.scenario.name, job.id);
    match super::zip::files(job.folder()) {
        Ok(files) => Reply {
            status: 200,
            content_type: "application/zip",
            body: super::zip::archive(&name, &files),
            download: Some(format!("{name}.zip")),
        },
        Err(e) => Reply::error(500, format!("{}: cannot read: {e}", job.folder().display())),
    }
}

/// `rest` = `<job>/<file>` or `<job>/plots/<file>`: a file of the session's job
/// folder. Every segment must be a plain name (letters, digits, `-`, `_`, `.`, not
/// starting with a dot), so `..`, absolute paths and hidden files never resolve.
fn file(s: &Session, rest: &str) -> Reply {
    let segs: Vec<&str> = rest.split('/').collect();
    let plain = |x: &str| {
        !x.is_empty()
            && !x.starts_with('.')
            && x.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    if !(2..=3).contains(&segs.len()) || !segs.iter().all(|x| plain(x)) {
        return Reply::error(404, "no such file");
    }
    if segs.len() == 3 && segs[1] != crate::plot::PLOTS {
        return Reply::error(404, "no such file");
    }
    let Some(job) = segs[0].parse().ok().and_then(|id| s.job(id)) else {
        return Reply::error(404, "no such job in this session");
    };
    let path: PathBuf = segs[1..]
        .iter()
        .fold(job.folder().to_path_buf(), |p, x| p.join(x));
    let content_type = match Path::new(segs[segs.len() - 1])
        .extension()
        .and_then(|e| e.to_str())
    {
        Some("svg") => "image/svg+xml",
        Some("html") => "text/html; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        Some("toml") => "text/plain; charset=utf-8",
        Some("png") => "image/png",
        _ => return Reply::error(404, "no such file"),
    };
    match std::fs::read(&path) {
        Ok(b) => Reply::ok(content_type, b),
        Err(_) => Reply::error(404, "no such file"),
    }
}

/// Percent-decodes `s` (`+` as a space in queries); bytes that do not form UTF-8 are
/// replaced, so the result never names a different file than was asked.
pub fn decode(s: &str, plus: bool) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let pair = (b[i] == b'%' && i + 2 < b.len())
            .then(|| Some(hex(b[i + 1])? * 16 + hex(b[i + 2])?))
            .flatten();
        match (pair, b[i]) {
            (Some(x), _) => {
                out.push(x);
                i += 3;
                continue;
            }
            (None, b'+') if plus => out.push(b' '),
            (None, c) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits a request URL into its decoded path and query pairs.
pub fn split_url(url: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k, true), decode(v, true))
        })
        .collect();
    (decode(path, false), pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn app(out: &Path) -> App {
        // Tests run in the package's folder, as the server runs in the repository's.
        App {
            root: PathBuf::new(),
            offered: form::catalogue(Path::new(""), None),
            sessions: Sessions::new(out.to_path_buf()),
        }
    }

    fn get<'a>(path: &'a str, query: &[(&str, &str)], session: Option<&'a str>) -> Request<'a> {
        Request {
            method: "GET",
            path,
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: b"",
            session,
        }
    }

    fn body(r: &Reply) -> serde_json::Value {
        serde_json::from_slice(&r.body).unwrap()
    }

    fn session(app: &App) -> String {
        let r = handle(
            app,
            &Request {
                method: "POST",
                path: "/api/session",
                ..Default::default()
            },
        );
        body(&r)["session"].as_str().unwrap().to_string()
    }

    fn run(app: &App, s: &str, form: &str) -> serde_json::Value {
        let r = handle(
            app,
            &Request {
                method: "POST",
                path: "/api/run",
                body: form.as_bytes(),
                session: Some(s),
                ..Default::default()
            },
        );
        assert_eq!(r.status, 200);
        body(&r)
    }

    fn wait(app: &App, s: &str, job: u64) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let id = job.to_string();
            let st = body(&handle(app, &get("/api/job", &[("job", &id)], Some(s))));
            let state = st["state"].as_str().unwrap().to_string();
            if state != "running" && state != "writing" {
                return st;
            }
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "job {job} hangs"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    const SMALL: &str = r#"{"scenario":"scenarios/stylized.toml","runs":"2","seed":"5","sets":[{"path":"rounds","value":"4"}]}"#;

    #[test]
    fn the_page_and_its_assets_are_served_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path());
        for (p, ty) in [
            ("/", "text/html"),
            ("/app.js", "text/javascript"),
            ("/style.css", "text/css"),
        ] {
            let r = handle(&app, &get(p, &[], None));
            assert_eq!(r.status, 200, "{p}");
            assert!(r.content_type.starts_with(ty), "{p}");
        }
        for p in [
            "/Cargo.toml",
            "/../Cargo.toml",
            "/assets/serve/app.js",
            "/src/lib.rs",
        ] {
            assert_eq!(handle(&app, &get(p, &[], None)).status, 404, "{p}");
        }
        assert!(!assets::INDEX.contains("http"));
    }

    #[test]
    fn only_offered_scenarios_are_read() {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path());
        let ok = handle(
            &app,
            &get("/api/scenario", &[("path", "scenarios/world.toml")], None),
        );
        assert_eq!(ok.status, 200);
        assert!(body(&ok)["venues"].as_array().unwrap().len() > 5);
        for p in ["Cargo.toml", "/etc/passwd", "scenarios/../Cargo.toml"] {
            let r = handle(&app, &get("/api/scenario", &[("path", p)], None));
            assert_eq!(r.status, 404, "{p}");
        }
    }

    #[test]
    fn a_bad_value_is_answered_beside_its_control() {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path());
        let s = session(&app);
        let r = run(
            &app,
            &s,
            r#"{"scenario":"scenarios/world.toml","runs":"2","seed":"1","sets":[{"path":"venue.oewg.transparency","value":"1.5"}]}"#,
        );
        assert_eq!(r["errors"][0]["field"], "venue.oewg.transparency");
        let msg = r["errors"][0]["message"].as_str().unwrap();
        assert_eq!(
            msg,
            "scenarios/world.toml: --set venue.oewg.transparency=1.5: venue \"oewg\": transparency must be in [0, 1], got 1.5"
        );
        // Not a form at all (no page sends that): a bad request.
        let r = handle(
            &app,
            &Request {
                method: "POST",
                path: "/api/run",
                body: b"not json",
                session: Some(&s),
                ..Default::default()
            },
        );
        assert_eq!(r.status, 400);
        assert!(body(&r)["errors"][0]["message"].as_str().is_some());
        assert!(
            std::fs::read_dir(tmp.path()).unwrap().next().is_none(),
            "nothing written"
        );
    }

    #[test]
    fn a_run_writes_its_folder_charts_and_report_and_only_its_session_sees_them() {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path());
        let s = session(&app);
        let other = session(&app);
        let r = run(&app, &s, SMALL);
        assert_eq!(
            r["command"],
            "forumsim run scenarios/stylized.toml --runs 2 --seed 5 --set rounds=4"
        );
        let st = wait(&app, &s, 1);
        assert_eq!(st["state"], "done", "{st}");
        assert_eq!(st["outcome"]["charts"].as_array().unwrap().len(), 4);
        let svg = handle(&app, &get("/files/1/plots/ami.svg", &[], Some(&s)));
        assert_eq!(svg.status, 200);
        assert!(svg.body.starts_with(b"<svg"));
        assert_eq!(
            handle(&app, &get("/files/1/report.html", &[], Some(&s))).status,
            200
        );
        // Another tab, no tab, a made-up tab: nothing.
        assert_eq!(
            handle(&app, &get("/files/1/plots/ami.svg", &[], Some(&other))).status,
            404
        );
        assert_eq!(
            handle(&app, &get("/api/job", &[("job", "1")], Some(&other))).status,
            404
        );
        assert_eq!(
            handle(&app, &get("/files/1/plots/ami.svg", &[], None)).status,
            403
        );
        assert_eq!(
            handle(&app, &get("/api/job", &[("job", "1")], Some("x"))).status,
            403
        );
        // Paths out of the folder, however written.
        for url in [
            "/files/1/../../../Cargo.toml",
            "/files/1/%2e%2e/%2e%2e/Cargo.toml",
            "/files/1/plots/%2E%2E/manifest.json",
            "/files/%2Fetc/passwd",
            "/files//etc/passwd",
            "/files/1/.hidden",
            "/files/1/plots/x/ami.svg",
            "/files/1/scenario.resolved.toml%00.svg",
        ] {
            let (path, _) = split_url(url);
            let r = handle(&app, &get(&path, &[], Some(&s)));
            assert_eq!(r.status, 404, "{url}");
        }
        let z = handle(&app, &get("/api/zip", &[("job", "1")], Some(&s)));
        assert_eq!(z.status, 200);
        assert!(z.body.starts_with(b"PK\x03\x04"));
        assert_eq!(z.download.as_deref(), Some("stylized-1.zip"));
        let e = handle(
            &app,
            &get(
                "/api/explain",
                &[("job", "1"), ("run", "1"), ("year", "2000")],
                Some(&s),
            ),
        );
        let lines = body(&e)["lines"].as_array().unwrap().len();
        assert!(lines > 2, "{}", String::from_utf8_lossy(&e.body));
        let bad = handle(
            &app,
            &get(
                "/api/explain",
                &[("job", "1"), ("run", "9"), ("year", "2000")],
                Some(&s),
            ),
        );
        assert_eq!(bad.status, 400);
        let bad = handle(
            &app,
            &get(
                "/api/frame",
                &[("job", "1"), ("run", "0"), ("year", "1990")],
                Some(&s),
            ),
        );
        assert_eq!(bad.status, 400);
        let f = handle(
            &app,
            &get(
                "/api/frame",
                &[("job", "1"), ("run", "0"), ("year", "2001")],
                Some(&s),
            ),
        );
        assert_eq!(f.status, 200);
        assert!(f.body.starts_with(b"\x89PNG"));
        // Nothing outside the server's folder: every file is under OUT/<session>/.
        for e in std::fs::read_dir(tmp.path()).unwrap() {
            assert_eq!(e.unwrap().file_name().to_string_lossy(), s);
        }
    }

    #[test]
    fn a_second_run_is_compared_over_paired_seeds() {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path());
        let s = session(&app);
        run(&app, &s, SMALL);
        wait(&app, &s, 1);
        run(
            &app,
            &s,
            r#"{"scenario":"scenarios/stylized.toml","runs":"2","seed":"5","sets":[{"path":"rounds","value":"4"},{"path":"parameters.legit_cost","value":"2"}]}"#,
        );
        assert_eq!(wait(&app, &s, 2)["state"], "done");
        let c = body(&handle(
            &app,
            &get("/api/compare", &[("job", "2"), ("with", "1")], Some(&s)),
        ));
        assert_eq!(c["diff"]["n"], 2, "{c}");
        let same = body(&handle(
            &app,
            &get("/api/compare", &[("job", "1"), ("with", "1")], Some(&s)),
        ));
        assert_eq!(same["diff"]["mean"], 0.0, "{same}");
    }

    #[test]
    fn cancel_stops_a_run() {
        let tmp = tempfile::tempdir().unwrap();
        let app = app(tmp.path());
        let s = session(&app);
        run(
            &app,
            &s,
            r#"{"scenario":"scenarios/world.toml","runs":"1000","seed":"1"}"#,
        );
        let r = handle(
            &app,
            &Request {
                method: "POST",
                path: "/api/cancel",
                query: vec![("job".into(), "1".into())],
                session: Some(&s),
                ..Default::default()
            },
        );
        assert_eq!(r.status, 200);
        let st = wait(&app, &s, 1);
        assert_eq!(st["state"], "cancelled", "{st}");
        assert!(st["done"].as_u64().unwrap() < 1000);
    }

    #[test]
    fn urls_are_decoded_once() {
        let (p, q) = split_url("/files/1/%2e%2e/x?job=3&s=a%20b+c&empty");
        assert_eq!(p, "/files/1/../x");
        assert_eq!(q[0], ("job".into(), "3".into()));
        assert_eq!(q[1], ("s".into(), "a b c".into()));
        assert_eq!(decode("%zz%4", false), "%zz%4");
        assert_eq!(decode("%C3%A9", false), "é");
        assert_eq!(decode("é%", false), "é%");
    }
}
