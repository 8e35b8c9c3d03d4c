//! `recgate bulk` as a user runs it: one question per line, the core's
//! answer per line, in order; a malformed line is `invalid_request` and the
//! rest are still answered.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::Write;
use std::process::{Command, Stdio};

const POLICY: &str = r#"{
  "schema": "recgate/v1", "revision": "r",
  "roles": {
    "all": { "grants": [ { "permission": "recording:recording:*" }, { "permission": "recording:screenRecording:*" } ] },
    "calls": { "grants": [ { "permission": "recording:recording:*" } ] }
  },
  "users": {
    "boss": { "roles": [ { "role": "all", "divisions": ["*"] } ] },
    "calls": { "roles": [ { "role": "calls", "divisions": ["*"] } ] },
    "off": { "roles": [ { "role": "all", "divisions": ["*"] } ], "disabled": true }
  }
}"#;

#[test]
fn answers_each_bulk_question_in_order() {
    let dir = std::env::temp_dir().join(format!("recgate-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("policy.json");
    std::fs::write(&policy, POLICY).unwrap();
    let now = "2026-11-22T12:00:00Z";
    let lines = [
        format!(
            r#"{{"principal":"boss","action":"delete","calls":true,"screens":true,"now":"{now}"}}"#
        ),
        format!(
            r#"{{"principal":"calls","action":"delete","calls":true,"screens":true,"now":"{now}"}}"#
        ),
        format!(r#"{{"principal":"calls","action":"delete","calls":true,"now":"{now}"}}"#),
        format!(r#"{{"principal":"off","action":"export","calls":true,"now":"{now}"}}"#),
        format!(r#"{{"principal":"boss","action":"erase","calls":true,"now":"{now}"}}"#),
        "not json".to_string(),
        format!(r#"{{"principal":"boss","action":"view","screens":true,"now":"{now}"}}"#),
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_recgate"))
        .args(["bulk", "--policy", policy.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all((lines.join("\n") + "\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let answers: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let words: Vec<String> = answers
        .iter()
        .map(|a| match a["allow"].as_bool() {
            Some(true) => "allow".to_string(),
            _ => a["reason"].as_str().unwrap().to_string(),
        })
        .collect();
    assert_eq!(
        words,
        [
            "allow",
            "bulk_restricted",
            "allow",
            "principal_disabled",
            "invalid_request",
            "invalid_request",
            "allow"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
