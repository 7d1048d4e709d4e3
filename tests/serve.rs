//! `forumsim serve` as a class uses it: the server starts on a free port, and headless
//! Chromium (driven over the DevTools protocol on a pipe, so no websocket client is
//! needed) loads the page, runs the world scenario, switches the OEWG to appointed
//! membership and runs again. The charts and the command shown change, the command
//! run in a terminal writes byte-identical tables, a bad value is shown beside its
//! control, Cancel stops a long batch, and the console stays silent. Skipped with a
//! message where Chromium is not installed.
//!
//! With `FORUMSIM_SERVE_SHOTS=DIR` the test also saves its screenshots (before and
//! after the rule change) there: docs/img/ holds the ones in docs/TEACHING.md.

mod common;

use common::{BIN, arg, chromium, root};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server, killed when the test ends however it ends.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(out: &std::path::Path, extra: &[&str]) -> Server {
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--out", &arg(out)])
        .args(extra)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("forumsim serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .strip_prefix("serving ")
        .unwrap_or_else(|| panic!("the first line names the URL: {line:?}"))
        .trim()
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    Server { child, url }
}

#[test]
fn serve_says_where_it_listens_and_a_bad_scenario_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start_server(tmp.path(), &[]);
    assert!(s.url.ends_with('/'));
    let o = common::forumsim(&[
        "serve",
        "no/such.toml",
        "--port",
        "0",
        "--out",
        &arg(tmp.path()),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("no/such.toml"));
}

#[cfg(target_os = "linux")]
mod browser {
    use super::*;
    use serde_json::{Value, json};
    use std::fs;
    use std::io::{Read, Write};
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;

    /// Headless Chromium with the DevTools protocol on fds 3 (commands in) and 4
    /// (replies and events out), one page attached in flat mode.
    pub struct Browser {
        child: Child,
        tx: std::io::PipeWriter,
        rx: BufReader<std::io::PipeReader>,
        next: u64,
        session: String,
        /// Console errors, uncaught exceptions and error log entries seen so far.
        pub errors: Vec<String>,
        _profile: tempfile::TempDir,
    }

    impl Drop for Browser {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    impl Browser {
        pub fn launch(browser: &std::path::Path) -> Browser {
            let profile = tempfile::tempdir().unwrap();
            let (to_chrome, tx) = std::io::pipe().unwrap();
            let (rx, from_chrome) = std::io::pipe().unwrap();
            let (a, b) = (to_chrome.as_raw_fd(), from_chrome.as_raw_fd());
            let mut cmd = Command::new(browser);
            cmd.args(crate::common::HEADLESS)
                .args(["--remote-debugging-pipe", "--window-size=1400,1000"])
                .arg(format!("--user-data-dir={}", profile.path().display()))
                .arg("about:blank")
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            // SAFETY: only async-signal-safe calls (fcntl, dup2) between fork and exec.
            unsafe {
                cmd.pre_exec(move || {
                    // Move both ends above 4 first, so that neither is overwritten.
                    let a2 = libc::fcntl(a, libc::F_DUPFD, 10);
                    let b2 = libc::fcntl(b, libc::F_DUPFD, 10);
                    if a2 < 0 || b2 < 0 || libc::dup2(a2, 3) < 0 || libc::dup2(b2, 4) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
            let child = cmd.spawn().expect("chromium starts");
            drop(to_chrome);
            drop(from_chrome);
            let mut b = Browser {
                child,
                tx,
                rx: BufReader::new(rx),
                next: 0,
                session: String::new(),
                errors: Vec::new(),
                _profile: profile,
            };
            let t = b.call(None, "Target.createTarget", json!({ "url": "about:blank" }));
            let target = t["targetId"].as_str().unwrap().to_string();
            let a = b.call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target, "flatten": true }),
            );
            b.session = a["sessionId"].as_str().unwrap().to_string();
            for m in ["Runtime.enable", "Page.enable", "Log.enable"] {
                b.send(m, json!({}));
            }
            b
        }

        fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
            self.next += 1;
            let id = self.next;
            let mut msg = json!({ "id": id, "method": method, "params": params });
            if let Some(s) = session {
                msg["sessionId"] = json!(s);
            }
            let mut bytes = serde_json::to_vec(&msg).unwrap();
            bytes.push(0);
            self.tx.write_all(&bytes).unwrap();
            loop {
                let mut buf = Vec::new();
                let n = self.rx.read_until(0, &mut buf).unwrap();
                assert!(n > 0, "chromium closed the pipe");
                buf.pop();
                let v: Value = serde_json::from_slice(&buf).unwrap();
                if v["id"] == json!(id) {
                    assert!(v.get("error").is_none(), "{method}: {v}");
                    return v["result"].clone();
                }
                self.note(&v);
            }
        }

        /// Keeps what the console or the log said in error.
        fn note(&mut self, v: &Value) {
            let p = &v["params"];
            match v["method"].as_str() {
                Some("Runtime.exceptionThrown") => self.errors.push(p.to_string()),
                Some("Runtime.consoleAPICalled") if p["type"] == "error" => {
                    self.errors.push(p.to_string())
                }
                Some("Log.entryAdded") if p["entry"]["level"] == "error" => {
                    self.errors.push(p["entry"].to_string())
                }
                _ => {}
            }
        }

        pub fn send(&mut self, method: &str, params: Value) -> Value {
            let s = self.session.clone();
            self.call(Some(&s), method, params)
        }

        /// The value of `expr` (awaited if a promise).
        pub fn eval(&mut self, expr: &str) -> Value {
            let r = self.send(
                "Runtime.evaluate",
                json!({ "expression": expr, "awaitPromise": true, "returnByValue": true }),
            );
            assert!(r.get("exceptionDetails").is_none(), "{expr}: {r}");
            r["result"]["value"].clone()
        }

        /// Waits until `expr` is true (at most `secs` seconds).
        pub fn wait(&mut self, expr: &str, secs: u64) {
            let start = Instant::now();
            while self.eval(expr) != json!(true) {
                assert!(
                    start.elapsed() < Duration::from_secs(secs),
                    "waited {secs} s for {expr}; state {}",
                    self.eval("document.body.dataset.state")
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }

        pub fn screenshot(&mut self) -> Vec<u8> {
            let r = self.send(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true }),
            );
            base64(r["data"].as_str().unwrap())
        }
    }

    fn base64(s: &str) -> Vec<u8> {
        let val = |c: u8| match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            _ => 63,
        };
        let clean: Vec<u8> = s.bytes().filter(|&c| c != b'=' && c != b'\n').collect();
        let mut out = Vec::new();
        for chunk in clean.chunks(4) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &c)| n | (u32::from(val(c)) << (18 - 6 * i)));
            for i in 0..chunk.len().saturating_sub(1) {
                out.push((n >> (16 - 8 * i)) as u8);
            }
        }
        out
    }

    #[test]
    fn base64_decodes() {
        assert_eq!(base64("aGVsbG8="), b"hello");
        assert_eq!(base64("aGk="), b"hi");
        assert_eq!(base64("YWJj"), b"abc");
    }

    /// The SVG text of every chart of a result column.
    fn charts(b: &mut Browser, column: &str) -> Vec<String> {
        let v = b.eval(&format!(
            "Promise.all([...document.querySelectorAll('#{column} img.chart')].map(i => fetch(i.src).then(r => r.text())))"
        ));
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    }

    fn save_shot(b: &mut Browser, name: &str) {
        let png = b.screenshot();
        assert!(png.starts_with(b"\x89PNG"), "a screenshot");
        if let Some(dir) = std::env::var_os("FORUMSIM_SERVE_SHOTS") {
            fs::create_dir_all(&dir).unwrap();
            fs::write(std::path::Path::new(&dir).join(name), png).unwrap();
        }
    }

    fn run_and_wait(b: &mut Browser, secs: u64) {
        b.eval("document.getElementById('run').click()");
        b.wait("document.body.dataset.state === 'running' || document.body.dataset.state === 'invalid'", 30);
        b.wait(
            "['done', 'failed', 'cancelled', 'invalid'].includes(document.body.dataset.state)",
            secs,
        );
        assert_eq!(b.eval("document.body.dataset.state"), json!("done"));
        // The step-through shows its frame and text once the results are drawn.
        b.wait("document.getElementById('frame').complete && document.getElementById('frame').naturalWidth > 0", 60);
    }

    #[test]
    fn a_class_changes_the_oewg_to_appointed_and_reproduces_the_run_in_a_terminal() {
        let Some(browser) = chromium() else {
            println!("skipped: chromium not found");
            return;
        };
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("served");
        let server = start_server(&out, &[]);
        let mut b = Browser::launch(&browser);
        b.send("Page.navigate", json!({ "url": server.url }));
        b.wait(
            "document.body && document.body.dataset.state === 'ready'",
            60,
        );
        assert_eq!(
            b.eval("document.getElementById('scenario').value"),
            json!("scenarios/world.toml")
        );
        let venues = b.eval("document.querySelectorAll('#venues tbody tr').length");
        assert!(venues.as_u64().unwrap() > 10, "{venues}");

        // The world as recorded, its 20 runs.
        run_and_wait(&mut b, 600);
        let before_cmd = b.eval("document.getElementById('command').textContent");
        assert_eq!(
            before_cmd,
            json!("forumsim run scenarios/world.toml --runs 20 --seed 42")
        );
        let ms = b.eval("document.getElementById('current').dataset.millis");
        println!(
            "world, 20 runs: {} ms from Run to the charts on the page",
            ms.as_str().unwrap()
        );
        let before = charts(&mut b, "current");
        assert_eq!(before.len(), 4);
        assert!(before.iter().all(|s| s.starts_with("<svg")));
        let facts = b.eval("document.querySelectorAll('#facts tbody tr').length");
        assert!(facts.as_u64().unwrap() > 0, "the world's facts are listed");
        let explain = b.eval("document.getElementById('explain').textContent");
        assert!(
            explain
                .as_str()
                .unwrap()
                .contains("world: run 0 of seed 42"),
            "{explain}"
        );
        save_shot(&mut b, "serve-before.png");

        // What if the OEWG had been an appointed body?
        b.eval(
            "(() => { const s = document.getElementById('venue.oewg.membership'); \
             s.value = [...s.options].find(o => o.text.startsWith('appointed')).value; \
             s.dispatchEvent(new Event('change')); })()",
        );
        run_and_wait(&mut b, 600);
        let cmd = b.eval("document.getElementById('command').textContent");
        let cmd = cmd.as_str().unwrap().to_string();
        assert_eq!(
            cmd,
            "forumsim run scenarios/world.toml --runs 20 --seed 42 --set 'venue.oewg.membership={ type = \"appointed\", seats = 25, term = 2 }'"
        );
        let after = charts(&mut b, "current");
        assert_ne!(before, after, "the charts changed");
        assert_eq!(
            charts(&mut b, "previous"),
            before,
            "the previous result is kept beside"
        );
        let diff = b.eval("document.getElementById('diff').textContent");
        assert!(
            diff.as_str().unwrap().contains("over 20 paired seeds"),
            "{diff}"
        );
        // The step-through at 2018: the year of the dual track, told and drawn.
        b.eval(
            "(() => { const y = document.getElementById('year'); y.value = '2018'; \
             y.dispatchEvent(new Event('input')); })()",
        );
        b.wait(
            "document.getElementById('explain').textContent.includes('2018 (round 20)') && \
             document.getElementById('frame').src.includes('year=2018') && \
             document.getElementById('frame').complete",
            60,
        );
        let told = b.eval("document.getElementById('explain').textContent");
        assert!(told.as_str().unwrap().contains("New venue oewg"), "{told}");
        save_shot(&mut b, "serve-after.png");

        // The command shown, typed in a terminal, writes the same tables.
        let session = b.eval("session");
        let served = out.join(session.as_str().unwrap()).join("2");
        let cli = tmp.path().join("cli");
        let words = forumsim::serve::form::words(&cmd);
        assert_eq!(words[0], "forumsim");
        let o = Command::new(BIN)
            .args(&words[1..])
            .args(["--out", &arg(&cli), "--quiet"])
            .current_dir(root())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let mut compared = 0;
        for e in fs::read_dir(&cli).unwrap() {
            let name = e.unwrap().file_name();
            if name.to_string_lossy().ends_with(".csv") || name == "scenario.resolved.toml" {
                let a = fs::read(cli.join(&name)).unwrap();
                let b = fs::read(served.join(&name)).unwrap();
                assert!(a == b, "{name:?} differs between the page and the terminal");
                compared += 1;
            }
        }
        assert!(compared >= 5, "{compared} tables compared");
        println!("compared {compared} files byte for byte with `{cmd}`");

        // A bad value is shown beside its control, and nothing runs.
        b.eval(
            "(() => { const i = document.getElementById('venue.oewg.transparency'); \
             i.value = '1.5'; i.dispatchEvent(new Event('input')); \
             document.getElementById('run').click(); })()",
        );
        b.wait("document.body.dataset.state === 'invalid'", 30);
        let msg = b.eval(
            "document.querySelector('.err[data-for=\"venue.oewg.transparency\"]').textContent",
        );
        assert_eq!(
            msg,
            json!(
                "scenarios/world.toml: --set venue.oewg.transparency=1.5: venue \"oewg\": transparency must be in [0, 1], got 1.5"
            )
        );

        // Cancel stops a long batch.
        b.eval(
            "(() => { const i = document.getElementById('venue.oewg.transparency'); \
             i.value = i.dataset.initial; i.dispatchEvent(new Event('input')); \
             document.getElementById('runs').value = '1000'; \
             document.getElementById('run').click(); })()",
        );
        b.wait("document.body.dataset.state === 'running'", 30);
        b.eval("document.getElementById('cancel').click()");
        b.wait("document.body.dataset.state === 'cancelled'", 120);
        let said = b.eval("document.getElementById('progress-text').textContent");
        assert!(
            said.as_str().unwrap().starts_with("cancelled after"),
            "{said}"
        );

        assert!(b.errors.is_empty(), "console: {:?}", b.errors);
        println!("page checks passed; console silent");
    }

    #[test]
    fn the_page_needs_no_network() {
        let html = fs::read_to_string(root().join("assets/serve/index.html")).unwrap()
            + &fs::read_to_string(root().join("assets/serve/app.js")).unwrap()
            + &fs::read_to_string(root().join("assets/serve/style.css")).unwrap();
        for s in ["http://", "https://", "//cdn", "@import"] {
            assert!(!html.contains(s), "{s}");
        }
        let mut f = fs::File::open(root().join("assets/serve/app.js")).unwrap();
        let mut js = String::new();
        f.read_to_string(&mut js).unwrap();
        assert!(js.starts_with("//") && js.contains("'use strict'"));
    }
}
