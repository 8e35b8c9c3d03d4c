//! `recgate diff OLD NEW --requests LOG.jsonl`: replays logged requests against
//! a candidate policy and lists every decision that would change — what an
//! administrator runs before a role change lands (seed 004: permission changes
//! take minutes to reach every session; check them before they do).
//!
//! Each line is a decision-log line as the Envoy filter writes it (the
//! core's [`DecisionLogLine`], read by the same type that wrote it), or a bare
//! request (SPEC §2). Lines that cannot be replayed — not JSON, a refusal made
//! before any request could be formed (token, route) — are counted and
//! named, never silently skipped. Exit code 0: no change; 1: some decisions change.

use crate::out::outln;
use std::io::BufRead;
use std::process::ExitCode;

use recgate_core::decision_log::DecisionLogLine;
use recgate_core::Request;

use crate::args::{policy_or_exit, Args};

/// The request in a log line: a decision-log line's `request`, or the line itself.
fn request_of(line: &str) -> Result<Request, String> {
    if let Some(logged) = DecisionLogLine::from_json(line) {
        return logged.request.ok_or_else(|| {
            format!(
                "a {} refusal made before any resource was involved",
                logged.reason
            )
        });
    }
    Request::from_json(line).map_err(|e| e.message)
}

pub fn diff(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["requests", "format"], &[])?;
    let json = args.json()?;
    let [old_path, new_path] = args.positional.as_slice() else {
        return Err("usage: recgate diff OLD NEW --requests LOG.jsonl".into());
    };
    let (old, new) = match (
        policy_or_exit(old_path, false)?,
        policy_or_exit(new_path, false)?,
    ) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(code), _) | (_, Err(code)) => return Ok(code),
    };
    let path = args.required("requests")?;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let (mut replayed, mut changed, mut widened, mut narrowed, mut skipped) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| format!("cannot read {path}: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let req = match request_of(&line) {
            Ok(r) => r,
            Err(e) => {
                skipped += 1;
                eprintln!("line {}: not replayable: {e}", n + 1);
                continue;
            }
        };
        replayed += 1;
        let (a, b) = (old.decide(&req), new.decide(&req));
        let (ra, rb) = (a.record(None), b.record(None));
        if ra == rb
            || (ra.allow == rb.allow && ra.reason == rb.reason && ra.obligations == rb.obligations)
        {
            continue;
        }
        changed += 1;
        match (a.allow, b.allow) {
            (false, true) => widened += 1,
            (true, false) => narrowed += 1,
            _ => {}
        }
        let id = req.resource.id().unwrap_or("-");
        if json {
            outln!(
                "{}",
                serde_json::json!({ "line": n + 1, "principal": req.principal, "actor": req.actor, "permission": req.permission,
                    "resource": { "type": req.resource.type_name(), "id": id }, "old": ra, "new": rb })
            );
        } else {
            outln!(
                "line {}: {} {} {} {}: {} ({}) → {} ({})",
                n + 1,
                req.principal,
                req.permission,
                req.resource.type_name(),
                id,
                if a.allow { "allow" } else { "deny" },
                a.reason,
                if b.allow { "allow" } else { "deny" },
                b.reason
            );
        }
    }
    eprintln!(
        "{replayed} replayed ({} → {}), {changed} would change: {widened} newly allowed, {narrowed} newly denied, {} other; {skipped} not replayable",
        old.revision(),
        new.revision(),
        changed - widened - narrowed
    );
    Ok(if changed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
