//! `forumsim animate` as a user runs it: a GIF with one frame per year, the same bytes
//! every time, stills, and clear errors for folders and runs it cannot replay.

use std::path::{Path, PathBuf};

mod common;
use common::forumsim;

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// A short run folder: 2 runs of 4 rounds of the stylized world (no votes, no states).
fn folder(dir: &Path) -> PathBuf {
    let out = dir.join("run");
    let o = forumsim(&[
        "run",
        "scenarios/stylized.toml",
        "--runs",
        "2",
        "--set",
        "rounds=4",
        "--quiet",
        "--out",
        s(&out),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// (frame count, width, height, delays) of a GIF file.
fn frames(path: &Path) -> (usize, u16, u16, Vec<u16>) {
    let file = std::fs::File::open(path).expect("gif written");
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    let mut d = opts.read_info(file).expect("a valid GIF");
    let (w, h) = (d.width(), d.height());
    let mut delays = Vec::new();
    while let Some(f) = d.read_next_frame().expect("a valid frame") {
        delays.push(f.delay);
    }
    (delays.len(), w, h, delays)
}

#[test]
fn one_frame_per_year_and_the_same_bytes_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(tmp.path());
    let o = forumsim(&["animate", s(&dir), "--run", "1"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let gif = dir.join("plots/replay-run1.gif");
    assert!(String::from_utf8_lossy(&o.stdout).contains("replay-run1.gif"));
    let (n, w, h, delays) = frames(&gif);
    assert_eq!((n, w, h), (4, 1600, 900));
    assert_eq!(delays, vec![100, 100, 100, 400]);

    let again = tmp.path().join("again.gif");
    let o = forumsim(&["animate", s(&dir), "--run", "1", "--out", s(&again), "-q"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read(&gif).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn a_still_is_one_png_frame() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(tmp.path());
    let o = forumsim(&["animate", s(&dir), "--still", "2000", "-q"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let png = std::fs::read(dir.join("plots/replay-run0-2000.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    let o = forumsim(&["animate", s(&dir), "--still", "2010"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("1998-2001"));
}

#[test]
fn runs_not_in_the_folder_and_non_folders_are_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(tmp.path());
    let o = forumsim(&["animate", s(&dir), "--run", "5"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("run 5 is not in this folder (it holds runs 0, 1)"),
        "{err}"
    );

    let o = forumsim(&["animate", s(tmp.path())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("manifest"));
}
