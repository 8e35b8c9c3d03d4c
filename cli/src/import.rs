//! `recgate import genesys DIR [--out POLICY.json] [--report REPORT.json]
//! [--format text|json] [--strict]`: a Genesys Cloud org export to a
//! recgate/v1 policy (`recgate_genesys`, rules in docs/genesys-import.md).
//! The policy goes to `--out` or stdout, the mapping report to stderr as text
//! and to `--report` as JSON; `--format json` writes both (and the content
//! hash) as one JSON document on stdout. Exit 0 on success; 1 with `--strict`
//! when anything was unmapped, dropped or noted; 2 when the export cannot be read.

use crate::out::{out, outln};
use std::process::ExitCode;

use crate::args::Args;

fn write(path: &str, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))
}

pub fn import(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["out", "report", "format"], &["strict"])?;
    let json = args.json()?;
    let (source, dir) = match args.positional.as_slice() {
        [source, dir] => (source.as_str(), dir.as_str()),
        _ => return Err("usage: recgate import genesys DIR [--out POLICY.json] [--report REPORT.json] [--format text|json] [--strict]".into()),
    };
    if source != "genesys" {
        return Err(format!(
            "unknown source \"{source}\" (recgate imports: genesys)"
        ));
    }
    let imported = recgate_genesys::import_dir(std::path::Path::new(dir))?;
    let report_json = serde_json::to_string_pretty(&imported.report).map_err(|e| e.to_string())?;
    if let Some(path) = args.value("report") {
        write(path, &(report_json + "\n"))?;
    }
    if let Some(path) = args.value("out") {
        write(path, &imported.text)?;
    }
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "contentHash": imported.content_hash,
                "policy": imported.policy,
                "report": imported.report,
            }))
            .map_err(|e| e.to_string())?
        );
    } else {
        if args.value("out").is_none() {
            out!("{}", imported.text);
        }
        eprint!("{}", imported.report.to_text());
        eprintln!("content hash {}", imported.content_hash);
    }
    Ok(if args.flag("strict") && !imported.report.lossless() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
