//! `recgate bulk`: the core's bulk question (`Policy::bulk`, docs/query-plans.md)
//! from the command line — whether a principal may run an operation that
//! names no recording (a query-based recording job, a figure over every
//! screen recording or every screen-monitoring session) because they are
//! unrestricted over every recording it can touch. The edge asks it on
//! `POST/PUT /api/v2/recording/jobs…` and the two count endpoints; the edge
//! differential (`tests/envoy/generated.test.mjs`) asks it here to know what
//! the edge must answer. One question per line in, one answer per line out,
//! in order, like `recgate eval`.

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use recgate_core::bulk::{BulkAction, BulkScope};
use recgate_core::{Reason, Timestamp};
use serde::Deserialize;
use serde_json::json;

use crate::args::policy_and_lines;

/// One line of input.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Question {
    principal: String,
    #[serde(default)]
    actor: Option<String>,
    /// `delete`, `export`, `view` or `monitor`.
    action: String,
    /// Recordings whose media is not `screen`.
    #[serde(default)]
    calls: bool,
    /// Screen recordings.
    #[serde(default)]
    screens: bool,
    /// Recordings holding sensitive segments.
    #[serde(default)]
    sensitive: bool,
    now: String,
}

fn action(word: &str) -> Option<BulkAction> {
    Some(match word {
        "delete" => BulkAction::Delete,
        "export" => BulkAction::Export,
        "view" => BulkAction::View,
        "monitor" => BulkAction::Monitor,
        _ => return None,
    })
}

/// The answer to one line: `Ok` when unrestricted, else the reason
/// (`invalid_request` for a line that is not a question).
fn answer(policy: &recgate_core::Policy, text: &str) -> Result<(), (Reason, String)> {
    let bad = |m: String| (Reason::InvalidRequest, m);
    let q: Question = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let a = action(&q.action).ok_or_else(|| bad(format!("unknown action \"{}\"", q.action)))?;
    let now =
        Timestamp::parse(&q.now).ok_or_else(|| bad(format!("unreadable now \"{}\"", q.now)))?;
    let scope = BulkScope {
        calls: q.calls,
        screens: q.screens,
        sensitive: q.sensitive,
    };
    policy
        .bulk(&q.principal, q.actor.as_deref(), a, scope, now)
        .map_err(|r| (r, String::new()))
}

pub fn bulk(argv: &[String]) -> Result<ExitCode, String> {
    let (policy, input) = match policy_and_lines(argv)? {
        Ok(read) => read,
        Err(code) => return Ok(code),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (n, line) in input.split(b'\n').enumerate() {
        let bytes = line.map_err(|e| format!("cannot read questions: {e}"))?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        let line = match answer(&policy, text) {
            Ok(()) => json!({ "allow": true }),
            Err((reason, message)) => {
                if !message.is_empty() {
                    eprintln!("line {}: {message}", n + 1);
                }
                json!({ "allow": false, "reason": reason.as_str() })
            }
        };
        // A reader that goes away early ends the command quietly (`crate::out`).
        if let Err(e) = writeln!(out, "{line}") {
            crate::out::failed(&e);
        }
    }
    if let Err(e) = out.flush() {
        crate::out::failed(&e);
    }
    Ok(ExitCode::SUCCESS)
}
