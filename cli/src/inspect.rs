//! `recgate validate`, `lint`, `slice`, `licenses` and `hash`: questions about
//! a policy rather than about a request.

use crate::out::{out, outln};
use std::process::ExitCode;

use recgate_core::lint::{lint as lint_doc, Severity};

use crate::args::{policy_or_exit, Args};

pub fn validate(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["format"], &[])?;
    let json = args.json()?;
    let path = args.one("POLICY")?;
    let policy = match policy_or_exit(path, json)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let doc = policy.doc();
    if json {
        outln!(
            "{}",
            serde_json::json!({ "valid": true, "revision": policy.revision(), "hash": policy.content_hash(), "users": doc.users.len(), "roles": doc.roles.len() })
        );
    } else {
        outln!(
            "{path}: valid (revision {}, {} users, {} roles, hash {})",
            policy.revision(),
            doc.users.len(),
            doc.roles.len(),
            policy.content_hash()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn lint(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["format"], &["strict"])?;
    let json = args.json()?;
    let path = args.one("POLICY")?;
    let policy = match policy_or_exit(path, json)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let findings = lint_doc(policy.doc());
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&findings).map_err(|e| e.to_string())?
        );
    } else if findings.is_empty() {
        outln!("{path}: no findings");
    } else {
        for f in &findings {
            outln!(
                "{} [{}] {}: {}\n    fix: {}",
                f.severity.as_str(),
                f.id,
                if f.path.is_empty() { "/" } else { &f.path },
                f.message,
                f.fix
            );
        }
        let errors = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        outln!("{} finding(s), {errors} error(s)", findings.len());
    }
    let failing = args.flag("strict") && findings.iter().any(|f| f.severity == Severity::Error);
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn slice(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["policy", "principal"], &[])?;
    let path = args.required("policy")?;
    let principal = args.required("principal")?;
    let policy = match policy_or_exit(path, false)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let doc = policy.slice(principal).map_err(|e| e.to_string())?;
    let value: serde_json::Value =
        serde_json::from_str(&doc.to_json()).map_err(|e| e.to_string())?;
    outln!(
        "{}",
        serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?
    );
    Ok(ExitCode::SUCCESS)
}

pub fn licenses(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["format"], &[])?;
    let json = args.json()?;
    let path = args.one("POLICY")?;
    let policy = match policy_or_exit(path, json)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let report = recgate_core::license::licenses(policy.doc());
    if json {
        let rows: Vec<_> = report
            .iter()
            .map(|l| serde_json::json!({ "user": l.user, "tier": l.tier.as_str(), "permission": l.driver.map(|p| p.name()), "role": l.role }))
            .collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?
        );
    } else {
        outln!("{:<16} {:<12} {:<40} role", "user", "tier", "set by");
        for l in &report {
            outln!(
                "{:<16} {:<12} {:<40} {}",
                l.user,
                l.tier.as_str(),
                l.driver.map_or("-", |p| p.name()),
                l.role.as_deref().unwrap_or("-")
            );
        }
        for t in recgate_core::license::Tier::ALL {
            let n = report.iter().filter(|l| l.tier == t).count();
            out!("{}: {n}  ", t.as_str());
        }
        outln!(
            "\n(the default tier table is illustrative; override it with settings.licenseTiers)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn hash(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &[], &[])?;
    let path = args.one("POLICY")?;
    let policy = match policy_or_exit(path, false)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    outln!("{}", policy.content_hash());
    Ok(ExitCode::SUCCESS)
}
