//! A reader that goes away early (`recgate … | head -1`) ends the command
//! quietly with exit 0, as `grep` and `rg` do — never a panic from a write to a
//! closed pipe. Each command runs with its stdout a pipe whose reader the test
//! closes: after the first line, or before the command writes anything.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn acme() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/acme.json")
}

/// Runs `args` with `stdin` fed in, reads one line of stdout, closes it, and
/// returns the exit code and stderr.
fn first_line_then_close(args: &[&str], stdin: &[u8]) -> (String, i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_recgate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let feed = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // The child may stop reading once its stdout is gone: a failed write is expected.
        let _ = input.write_all(&feed);
    });
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    drop(reader);
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (
        line,
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn eval_ends_quietly_when_its_reader_goes() {
    let request = r#"{"principal":"qa-1","permission":"recording:recording:view","resource":{"type":"recording","id":"rec-uk-call-1"},"now":"2026-11-22T12:00:00Z"}"#;
    let stdin = format!("{request}\n").repeat(200_000);
    let policy = acme();
    let (line, code, stderr) = first_line_then_close(
        &["eval", "--policy", policy.to_str().unwrap()],
        stdin.as_bytes(),
    );
    assert!(line.starts_with("{\"allow\":"), "{line}");
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Runs `args` with the reading end of its stdout closed from the start.
fn stdout_closed(args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_recgate"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn line_by_line_commands_end_quietly_when_their_reader_goes() {
    let policy = acme();
    let policy = policy.to_str().unwrap();
    for args in [
        vec!["review", "--policy", policy, "--format", "csv"],
        vec!["lint", policy],
        vec!["slice", "--policy", policy, "--principal", "qa-1"],
        vec!["hash", policy],
        vec!["help"],
    ] {
        let (code, stderr) = stdout_closed(&args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
