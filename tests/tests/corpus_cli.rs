//! `recgate-corpus` as the other targets' scripts run it: piped into a reader
//! that may stop early (`| head`), which must end the tool quietly rather
//! than with a panic, and into a file that cannot be written, which must end
//! it with a message and a failing exit code.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a test: a panic is a failure with its message"
)]

use std::io::Read;
use std::process::{Command, Stdio};

fn corpus() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_recgate-corpus"));
    // Far more than a pipe's buffer: the reader is gone long before the end.
    c.args(["50", "200", "3"]);
    c
}

#[test]
fn a_reader_that_stops_early_ends_the_tool_quietly() {
    let mut child = corpus()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe's read end is closed here.
    let out = child.wait_with_output().unwrap();
    assert!(
        first.starts_with(b"{\"policy\":"),
        "{:?}",
        String::from_utf8_lossy(&first)
    );
    assert!(out.status.success(), "exit {:?}", out.status);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "no panic, no message"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_write_that_fails_is_a_message_and_a_failing_exit() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = corpus()
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("recgate-corpus: writing the corpus:"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
