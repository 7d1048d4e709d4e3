//! `forumsim serve [SCENARIO]`: the classroom page on a local web server.

use super::error::CliError;
use clap::Args;
use forumsim::serve;
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;

pub const EXAMPLES: &str = "\
Examples:
  forumsim serve --open                         # the shipped scenarios, in the browser
  forumsim serve scenarios/world.toml --port 8080
  cargo run --release -- serve --open           # from a fresh clone

Serves one page on http://127.0.0.1:PORT/ (this machine only, unless --host says
otherwise): pick a scenario, change a venue's membership, decision rule, stakeholder
access or transparency, or a parameter, and press Run. The page runs the batch with
the same engine as `forumsim run`, shows the exact command that writes the same
tables, the charts, the recorded facts reproduced, a run explained year by year with
its replay frame, and the difference in AMI to the previous run over paired seeds.
Runs go to OUT/<session>/<job>/ (one session per browser tab); the server writes
nothing else and serves no other file. Scenario paths are relative to the working
directory: start it in the repository's folder. Stop it with Ctrl-C.";

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Offer only this scenario [default: the shipped world, stylized and teaching
    /// scenarios under scenarios/].
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Port to listen on (0: any free port).
    #[arg(long, value_name = "P", default_value_t = 8750)]
    pub port: u16,
    /// Address to listen on; 127.0.0.1 serves this machine only, 0.0.0.0 the network.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// The server's output folder (one sub-folder per browser tab).
    #[arg(long, short, value_name = "DIR", default_value = "outputs/serve")]
    pub out: PathBuf,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
}

pub fn serve(args: ServeArgs) -> Result<(), CliError> {
    // Scenario paths stay relative to the working directory, as the command shown on
    // the page names them (and as `forumsim run` would record them).
    let root = PathBuf::new();
    let server = serve::bind(&serve::Options {
        scenario: args.scenario.clone(),
        root,
        out: args.out.clone(),
        host: args.host,
        port: args.port,
    })?;
    let reach = if args.host.is_loopback() {
        "this machine only"
    } else {
        "every machine that can reach this address"
    };
    // The URL on its own line first: scripts and tests read it.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "serving {}", server.url);
    let _ = writeln!(
        out,
        "listening on {}:{} ({reach}); runs go to {}; Ctrl-C stops",
        args.host,
        server
            .url
            .rsplit(':')
            .next()
            .unwrap_or("")
            .trim_end_matches('/'),
        args.out.display()
    );
    let _ = out.flush();
    drop(out);
    if args.open {
        open_browser(&server.url);
    }
    server.run();
    Ok(())
}

/// Opens `url` in the desktop's browser; a failure is a note, the server goes on.
fn open_browser(url: &str) {
    let cmd: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["cmd", "/C", "start", ""]
    } else {
        &["xdg-open"]
    };
    let spawned = std::process::Command::new(cmd[0])
        .args(&cmd[1..])
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!(
            "note: could not open a browser ({}); open {url} yourself",
            cmd[0]
        );
    }
}
