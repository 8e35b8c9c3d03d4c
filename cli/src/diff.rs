//! `recgate diff OLD NEW --requests LOG.jsonl`: replays logged requests against
//! a candidate policy and lists every decision that would change — what an
//! administrator runs before a role change lands (seed 004: permission changes
//! take minutes to reach every session; check them before they do).
//!
//! Each line is a request (SPEC §2), or a decision-log line carrying the
//! request under `"request"`. Lines that cannot be replayed are counted and
//! named, never silently skipped. Exit code 0: no change; 1: some decisions change.

use std::io::BufRead;
use std::process::ExitCode;

use recgate_core::Request;
use serde_json::Value;

use crate::args::{policy_or_exit, Args};

/// The request in a log line: the line itself, or its `request` member.
fn request_of(line: &str) -> Result<Request, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let req = v.get("request").cloned().unwrap_or(v);
    Request::from_json(&req.to_string()).map_err(|e| e.message)
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
            println!(
                "{}",
                serde_json::json!({ "line": n + 1, "principal": req.principal, "actor": req.actor, "permission": req.permission,
                    "resource": { "type": req.resource.type_name(), "id": id }, "old": ra, "new": rb })
            );
        } else {
            println!(
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
