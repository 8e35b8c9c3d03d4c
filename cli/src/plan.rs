//! `recgate plan --policy P --principal U --permission X [--now T] [--sql sqlite|postgres]`:
//! a principal's access to recordings as a filter — JSON for any back end, or
//! parameterised SQL over the documented table layout.

use crate::out::outln;
use std::process::ExitCode;

use crate::args::{policy_or_exit, Args};

pub fn plan(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(
        argv,
        &["policy", "principal", "permission", "now", "sql"],
        &[],
    )?;
    let path = args.required("policy")?;
    let policy = match policy_or_exit(path, false)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let now = crate::args::now(&args)?;
    let plan = policy
        .plan(
            args.required("principal")?,
            args.required("permission")?,
            now,
        )
        .map_err(|e| e.to_string())?;
    match args.value("sql") {
        None => outln!(
            "{}",
            serde_json::to_string_pretty(&plan).map_err(|e| e.to_string())?
        ),
        Some(d) => {
            let dialect = recgate_query::Dialect::parse(d).ok_or_else(|| {
                format!("unknown SQL dialect \"{d}\" (expected sqlite or postgres)")
            })?;
            let home = &policy.doc().settings.home_region;
            let q = recgate_query::select_ids(&plan.filter, dialect);
            let r = recgate_query::where_clause(&plan.redact, dialect, q.params.len());
            outln!("-- {} for {} at {} (policy {}; table layout: docs/query-plans.md; home region {home})", plan.permission, args.required("principal")?, now, plan.revision);
            outln!("{}", q.sql);
            outln!(
                "-- parameters: {}",
                serde_json::to_string(&q.params).map_err(|e| e.to_string())?
            );
            outln!("-- rows to redact (AND with the query above): {}", r.sql);
            outln!(
                "-- redact parameters: {}",
                serde_json::to_string(&r.params).map_err(|e| e.to_string())?
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
