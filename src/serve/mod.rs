//! `forumsim serve`: a local web server with one page where a class changes a venue's
//! rules or a parameter, runs the batch, and sees the charts, the facts reproduced,
//! a run explained year by year, and the command that gives the same tables in a
//! terminal. It sits on top of every other layer and adds no model code: runs are
//! [`crate::experiment::batch`]'s, folders [`crate::output`]'s, charts
//! [`crate::plot`]'s, the report [`crate::report`]'s, frames [`crate::animate`]'s and
//! explanations [`crate::explain`]'s.
//!
//! The server listens on 127.0.0.1 unless told otherwise, writes only under its own
//! output folder, and serves only its embedded assets and the asking session's job
//! folders. One thread per request; runs go on their own threads ([`jobs`]).

pub mod assets;
pub mod form;
pub mod jobs;
pub mod routes;
pub mod zip;

use routes::{App, Request};
use std::io::Read;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

/// Largest request body read (a form is a few hundred bytes).
const MAX_BODY: u64 = 1 << 20;

/// How to serve.
#[derive(Debug, Clone)]
pub struct Options {
    /// The one scenario to offer; `None`: the shipped ones under `root`.
    pub scenario: Option<PathBuf>,
    /// Where scenario paths are relative to.
    pub root: PathBuf,
    /// The server's own output folder: one sub-folder per session.
    pub out: PathBuf,
    pub host: IpAddr,
    /// 0: any free port.
    pub port: u16,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {message}")]
    Bind { addr: SocketAddr, message: String },
    #[error("{}: cannot create the server's output folder", path.display())]
    Out {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no scenario to offer: {0}")]
    NoScenario(String),
}

/// A bound server, not yet answering.
pub struct Server {
    http: tiny_http::Server,
    app: Arc<App>,
    pub url: String,
}

/// Binds the server and loads the catalogue; requests are answered by [`Server::run`].
pub fn bind(opts: &Options) -> Result<Server, ServeError> {
    let offered = match &opts.scenario {
        Some(p) => {
            // The one given must load: say why it does not, as `run` would.
            crate::scenario::load(&opts.root.join(p))
                .map_err(|e| ServeError::NoScenario(e.to_string()))?;
            form::catalogue(&opts.root, Some(p))
        }
        None => form::catalogue(&opts.root, None),
    };
    if offered.is_empty() {
        return Err(ServeError::NoScenario(format!(
            "no scenario loads under {}; start the server in the repository's folder or name a scenario",
            opts.root.join("scenarios").display()
        )));
    }
    std::fs::create_dir_all(&opts.out).map_err(|source| ServeError::Out {
        path: opts.out.clone(),
        source,
    })?;
    jobs::remove_old_sessions(&opts.out);
    let addr = SocketAddr::new(opts.host, opts.port);
    let http = tiny_http::Server::http(addr).map_err(|e| ServeError::Bind {
        addr,
        message: e.to_string(),
    })?;
    let bound = http
        .server_addr()
        .to_ip()
        .map_or(addr, |a| SocketAddr::new(opts.host, a.port()));
    let url = format!("http://{bound}/");
    let app = Arc::new(App {
        root: opts.root.clone(),
        offered,
        sessions: jobs::Sessions::new(opts.out.clone()),
    });
    Ok(Server { http, app, url })
}

impl Server {
    /// Answers requests until the process ends.
    pub fn run(self) {
        for mut rq in self.http.incoming_requests() {
            let app = self.app.clone();
            std::thread::spawn(move || {
                let mut body = Vec::new();
                let _ = rq.as_reader().take(MAX_BODY).read_to_end(&mut body);
                let (path, query) = routes::split_url(rq.url());
                let session = rq
                    .headers()
                    .iter()
                    .find(|h| h.field.equiv("X-Session"))
                    .map(|h| h.value.as_str().to_string());
                let method = rq.method().as_str().to_string();
                let reply = routes::handle(
                    &app,
                    &Request {
                        method: &method,
                        path: &path,
                        query,
                        body: &body,
                        session: session.as_deref(),
                    },
                );
                let mut resp =
                    tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
                let mut headers = vec![
                    ("Content-Type", reply.content_type.to_string()),
                    ("Cache-Control", "no-store".to_string()),
                    ("X-Content-Type-Options", "nosniff".to_string()),
                ];
                if let Some(name) = reply.download {
                    headers.push((
                        "Content-Disposition",
                        format!("attachment; filename=\"{name}\""),
                    ));
                }
                for (k, v) in headers {
                    if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
                        resp.add_header(h);
                    }
                }
                // A browser that went away is not the server's problem.
                let _ = rq.respond(resp);
            });
        }
    }
}
