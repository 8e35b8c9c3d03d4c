//! `recgate verify --policy P CLAIMS.json [--now T] [--format json]`: claims
//! (`docs/claims.md`) proved over every possible recording; a failing claim
//! prints a counterexample recording and the grant responsible. Exit 0 when
//! every claim holds, 1 when one fails (or the policy is invalid), 2 when the
//! claims file cannot be read or a claim cannot be decided.

use crate::out::outln;
use std::process::ExitCode;

use recgate_analysis::claims::ClaimKind;
use recgate_analysis::{recording_json, verify as prove, ClaimSet};

use crate::args::{now, policy_or_exit, read, Args};
use crate::whocan::grant_text;

/// Counterexamples shown per failing claim in text; JSON has them all.
const SHOWN: usize = 3;

pub fn verify(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["policy", "now", "format"], &[])?;
    let json = args.json()?;
    let claims_path = args.one("CLAIMS.json")?;
    let policy = match policy_or_exit(args.required("policy")?, json)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let claims = ClaimSet::parse(&read(claims_path)?, policy.doc()).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        format!("{claims_path}: invalid claims:\n{}", lines.join("\n"))
    })?;
    let now = now(&args)?;
    let results = prove(&policy, &claims, now).map_err(|e| e.to_string())?;
    let failed = results.iter().filter(|r| !r.holds()).count();
    if json {
        let out: Vec<serde_json::Value> = results
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "description": r.description, "kind": r.kind,
                    "holds": r.holds(), "principals": r.principals, "permissions": r.permissions,
                    "violations": r.violations.iter().map(|v| serde_json::json!({
                        "principal": v.principal, "permission": v.permission,
                        "grant": v.grant, "recording": recording_json(&v.recording)
                    })).collect::<Vec<_>>()
                })
            })
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "revision": policy.revision(), "now": now.to_string(),
                "passed": results.len() - failed, "failed": failed, "claims": out
            }))
            .map_err(|e| e.to_string())?
        );
    } else {
        for r in &results {
            let scope = format!(
                "{} principal(s) × {} permission(s), every recording",
                r.principals,
                r.permissions.len()
            );
            if r.holds() {
                outln!("PASS {} ({scope})", r.id);
                continue;
            }
            let kind = match r.kind {
                ClaimKind::Never => "may act on a recording the claim rules out",
                ClaimKind::Only => "is not among those the claim allows",
            };
            outln!("FAIL {} ({scope})", r.id);
            if let Some(d) = &r.description {
                outln!("  claim: {d}");
            }
            for v in r.violations.iter().take(SHOWN) {
                outln!("  {} {kind}: {}", v.principal, v.permission);
                outln!("    through {}", grant_text(&v.grant));
                outln!("    counterexample: {}", recording_json(&v.recording));
            }
            if r.violations.len() > SHOWN {
                outln!(
                    "  … and {} more principal/permission pair(s) (--format json lists them all)",
                    r.violations.len() - SHOWN
                );
            }
        }
        outln!(
            "{} claim(s): {} held, {failed} failed (policy {}, at {now})",
            results.len(),
            results.len() - failed,
            policy.revision()
        );
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
