//! `recgate who-can --policy P (--permission X | --control C) --resource R.json [--now T] [--format json]`:
//! every principal allowed X on the resource, and every actor that may
//! impersonate one of them into it, with the grant that allows
//! (`recgate_analysis::whocan`: from the principals' plans on a recording).
//! `--control play` (or `download`, `delete`, …) asks with the permission the
//! player's control needs on that recording — the core picks it by media, so
//! a caller never writes that rule again.

use crate::out::outln;
use std::process::ExitCode;

use recgate_analysis::who_can as ask;
use recgate_core::decision::{GrantRecord, Obligation};
use recgate_core::{Request, Resource};

use crate::args::{now, policy_or_exit, read, scope_text, Args};

/// Reads a resource (`{"type": "recording", …}`) as a request would carry it.
pub fn read_resource(path: &str) -> Result<Resource, String> {
    let text = read(path)?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{path}: not JSON: {e}"))?;
    let wrapped = serde_json::json!({
        "principal": "-", "permission": "recording:recording:view",
        "resource": value, "now": "1970-01-01T00:00:00Z"
    });
    Request::from_json(&wrapped.to_string())
        .map(|r| r.resource)
        .map_err(|e| format!("{path}: not a resource: {}", e.message))
}

/// The permission a player control needs on a recording resource.
fn control_permission(control: &str, resource: &Resource) -> Result<String, String> {
    let Resource::Recording(rec) = resource else {
        return Err("--control needs a recording resource".into());
    };
    let perm = recgate_core::controls::control_permission(control, rec).ok_or_else(|| {
        format!(
            "unknown control \"{control}\" (one of {})",
            recgate_core::controls::CONTROLS.join(", ")
        )
    })?;
    if perm.applies() == recgate_core::catalog::Applies::Annotation {
        return Err(format!(
            "control \"{control}\" acts on bookmarks: ask with --permission {} on an annotation resource",
            perm.name()
        ));
    }
    Ok(perm.name().to_string())
}

pub fn grant_text(g: &Option<GrantRecord>) -> String {
    match g {
        Some(g) => format!(
            "role {}: {} scope {}",
            g.role,
            g.permission,
            scope_text(&g.scope)
        ),
        None => "no grant named".into(),
    }
}

fn obligations_text(o: &[Obligation]) -> String {
    o.iter()
        .map(|o| match o {
            Obligation::Redact => " [redact]".to_string(),
            Obligation::Cascade { ids } => format!(" [cascade: {}]", ids.join(", ")),
        })
        .collect()
}

pub fn who_can(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(
        argv,
        &[
            "policy",
            "permission",
            "control",
            "resource",
            "now",
            "format",
        ],
        &[],
    )?;
    let json = args.json()?;
    let policy = match policy_or_exit(args.required("policy")?, json)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let resource = read_resource(args.required("resource")?)?;
    let now = now(&args)?;
    let permission = match (args.value("permission"), args.value("control")) {
        (Some(p), None) => p.to_string(),
        (None, Some(c)) => control_permission(c, &resource)?,
        _ => return Err("give exactly one of --permission and --control".into()),
    };
    let answer = ask(&policy, &permission, &resource, now).map_err(|e| e.to_string())?;
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&answer).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "who can {} on {} {} at {} (policy {}, from {}):",
        answer.permission,
        answer.resource,
        answer.id.as_deref().unwrap_or("(no id)"),
        answer.now,
        answer.revision,
        answer.method
    );
    let width = answer
        .principals
        .iter()
        .map(|p| p.principal.len())
        .chain(answer.actors.iter().map(|a| a.actor.len()))
        .max()
        .unwrap_or(0);
    for p in &answer.principals {
        outln!(
            "  {:width$}  {}{}{}",
            p.principal,
            p.name
                .as_deref()
                .map(|n| format!("{n} — "))
                .unwrap_or_default(),
            grant_text(&p.grant),
            obligations_text(&p.obligations)
        );
    }
    if !answer.actors.is_empty() {
        outln!("impersonating one of them:");
        for a in &answer.actors {
            outln!(
                "  {:width$}  as {} — impersonation {}",
                a.actor,
                a.principal,
                grant_text(&a.impersonation)
            );
        }
    }
    outln!(
        "{} principal(s), {} impersonating actor(s)",
        answer.principals.len(),
        answer.actors.len()
    );
    Ok(ExitCode::SUCCESS)
}
