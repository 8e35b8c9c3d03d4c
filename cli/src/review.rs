//! `recgate review --policy P [--format md|csv|html|json] [--now T]`: the
//! periodic access review (`recgate_analysis::review`) rendered for the
//! people who run it — Markdown for a ticket, CSV for a spreadsheet, one
//! self-contained HTML page (no script, no external resource) an auditor can
//! open and file.

use crate::out::out;
use std::fmt::Write as _;
use std::process::ExitCode;

use recgate_analysis::{review as build, Review, ReviewRow};

use crate::args::{now, policy_or_exit, scope_text, Args};

pub fn review(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["policy", "format", "now"], &[])?;
    let format = args.value("format").unwrap_or("md");
    if !matches!(format, "md" | "csv" | "html" | "json") {
        return Err(format!(
            "unknown format \"{format}\" (expected md, csv, html or json)"
        ));
    }
    let policy = match policy_or_exit(args.required("policy")?, format == "json")? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let r = build(&policy, now(&args)?);
    let out = match format {
        "json" => serde_json::to_string_pretty(&r).map_err(|e| e.to_string())? + "\n",
        "csv" => csv(&r),
        "html" => html(&r),
        _ => markdown(&r),
    };
    out!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn holder(row: &ReviewRow) -> String {
    let mut flags = Vec::new();
    if row.service {
        flags.push("service");
    }
    if row.bpo {
        flags.push("BPO");
    }
    if row.disabled {
        flags.push("disabled");
    }
    let name = row.name.as_deref().unwrap_or("");
    match (name.is_empty(), flags.is_empty()) {
        (true, true) => row.user.clone(),
        (false, true) => format!("{} — {name}", row.user),
        (true, false) => format!("{} [{}]", row.user, flags.join(", ")),
        (false, false) => format!("{} — {name} [{}]", row.user, flags.join(", ")),
    }
}

fn role_text(row: &ReviewRow) -> String {
    match &row.inherited_from {
        Some(from) => format!("{} (inherits {from})", row.role),
        None => row.role.clone(),
    }
}

fn conditions(row: &ReviewRow) -> String {
    let mut parts = row.when.clone();
    if row.cross_region {
        parts.push("crossRegion".into());
    }
    parts.join("; ")
}

fn finding_ids(r: &Review, row: &ReviewRow) -> Vec<String> {
    row.findings
        .iter()
        .filter_map(|i| r.findings.get(*i))
        .map(|f| f.id.to_string())
        .collect()
}

fn rows_of<'r>(r: &'r Review, perm: &str) -> Vec<&'r ReviewRow> {
    r.rows.iter().filter(|x| x.permission == perm).collect()
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn md_finding(o: &mut String, f: &recgate_core::lint::LintFinding) {
    let _ = writeln!(
        o,
        "- **{}** `{}` at `{}`: {} — fix: {}",
        f.severity.as_str(),
        f.id,
        f.path,
        md_cell(&f.message),
        f.fix
    );
}

fn markdown(r: &Review) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Access review: recordings\n");
    let _ = writeln!(
        o,
        "Policy revision `{}` (content hash `{}`), reviewed at {}. A row is a grant or a deny a user holds for the permission; **reaches** says whether their query plan reaches any recording at that time.\n",
        r.revision, r.content_hash, r.now
    );
    if !r.unattached.is_empty() {
        let _ = writeln!(o, "## Findings about the organisation\n");
        for f in r.unattached.iter().filter_map(|i| r.findings.get(*i)) {
            md_finding(&mut o, f);
        }
        o.push('\n');
    }
    for perm in &r.permissions {
        let rows = rows_of(r, perm);
        let _ = writeln!(o, "## `{perm}`\n");
        if rows.is_empty() {
            let _ = writeln!(o, "Nobody holds it.\n");
            continue;
        }
        let _ = writeln!(o, "| holder | effect | role | divisions | rule | scope | conditions | reaches | findings |");
        let _ = writeln!(o, "|---|---|---|---|---|---|---|---|---|");
        for row in rows {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | `{}` | `{}` | {} | {} | {} |",
                md_cell(&holder(row)),
                row.effect,
                md_cell(&role_text(row)),
                md_cell(&row.divisions.join(", ")),
                md_cell(&row.rule),
                md_cell(&scope_text(&row.scope)),
                md_cell(&conditions(row)),
                if row.reaches { "yes" } else { "no" },
                md_cell(&finding_ids(r, row).join(", "))
            );
        }
        o.push('\n');
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o, "## Lint findings\n");
        for f in &r.findings {
            md_finding(&mut o, f);
        }
    }
    o
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(r: &Review) -> String {
    let mut o = String::from("permission,effect,user,name,service,bpo,disabled,role,inherited_from,divisions,rule,scope,conditions,reaches,findings,revision\r\n");
    for row in &r.rows {
        let fields = [
            row.permission.to_string(),
            row.effect.to_string(),
            row.user.clone(),
            row.name.clone().unwrap_or_default(),
            row.service.to_string(),
            row.bpo.to_string(),
            row.disabled.to_string(),
            row.role.clone(),
            row.inherited_from.clone().unwrap_or_default(),
            row.divisions.join(" "),
            row.rule.clone(),
            scope_text(&row.scope),
            conditions(row),
            row.reaches.to_string(),
            finding_ids(r, row).join(" "),
            r.revision.clone(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        o.push_str(&line.join(","));
        o.push_str("\r\n");
    }
    o
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24}h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:2rem}code{font-family:ui-monospace,monospace;font-size:.9em}table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #c9ced6;padding:.3rem .45rem;text-align:left;vertical-align:top}th{background:#eef1f5}tr.deny td{background:#fff4f2}tr.unreached td{color:#66707c}.sev-error{color:#a1160a;font-weight:600}.sev-warning{color:#7a4d00;font-weight:600}.sev-info{color:#335}nav a{margin-right:.6rem}@media print{nav{display:none}}";

fn html(r: &Review) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Access review — {rev}</title><style>{STYLE}</style></head><body>\n<h1>Access review: recordings</h1>\n<p>Policy revision <code>{rev}</code>, content hash <code>{hash}</code>, reviewed at {now}. Each row is a grant or a deny a user holds for the permission; <em>reaches</em> says whether their query plan reaches any recording at that time.</p>\n<nav>",
        rev = esc(&r.revision),
        hash = esc(&r.content_hash),
        now = esc(&r.now)
    );
    for (i, perm) in r.permissions.iter().enumerate() {
        let n = rows_of(r, perm)
            .iter()
            .filter(|x| x.effect == "grant")
            .count();
        let _ = write!(o, "<a href=\"#p{i}\"><code>{}</code> ({n})</a>", esc(perm));
    }
    o.push_str("</nav>\n");
    let finding_li = |o: &mut String, i: usize| {
        if let Some(f) = r.findings.get(i) {
            let _ = writeln!(
                o,
                "<li id=\"f{i}\"><span class=\"sev-{sev}\">{sev}</span> <code>{id}</code> at <code>{path}</code>: {msg} — fix: {fix}</li>",
                sev = f.severity.as_str(),
                id = esc(f.id),
                path = esc(&f.path),
                msg = esc(&f.message),
                fix = esc(f.fix)
            );
        }
    };
    if !r.unattached.is_empty() {
        o.push_str("<h2>Findings about the organisation</h2>\n<ul>\n");
        for i in &r.unattached {
            finding_li(&mut o, *i);
        }
        o.push_str("</ul>\n");
    }
    for (i, perm) in r.permissions.iter().enumerate() {
        let rows = rows_of(r, perm);
        let _ = writeln!(o, "<h2 id=\"p{i}\"><code>{}</code></h2>", esc(perm));
        if rows.is_empty() {
            o.push_str("<p>Nobody holds it.</p>\n");
            continue;
        }
        o.push_str("<table><thead><tr><th>holder</th><th>effect</th><th>role</th><th>divisions</th><th>rule</th><th>scope</th><th>conditions</th><th>reaches</th><th>findings</th></tr></thead><tbody>\n");
        for row in rows {
            let mut class = Vec::new();
            if row.effect == "deny" {
                class.push("deny");
            }
            if !row.reaches {
                class.push("unreached");
            }
            let findings: Vec<String> = row
                .findings
                .iter()
                .filter_map(|j| r.findings.get(*j).map(|f| (j, f)))
                .map(|(j, f)| {
                    format!(
                        "<a class=\"sev-{}\" href=\"#f{j}\">{}</a>",
                        f.severity.as_str(),
                        esc(f.id)
                    )
                })
                .collect();
            let _ = writeln!(
                o,
                "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                class.join(" "),
                esc(&holder(row)),
                row.effect,
                esc(&role_text(row)),
                esc(&row.divisions.join(", ")),
                esc(&row.rule),
                esc(&scope_text(&row.scope)),
                esc(&conditions(row)),
                if row.reaches { "yes" } else { "no" },
                findings.join(" ")
            );
        }
        o.push_str("</tbody></table>\n");
    }
    if !r.findings.is_empty() {
        o.push_str("<h2>Lint findings</h2>\n<ul>\n");
        for i in 0..r.findings.len() {
            if !r.unattached.contains(&i) {
                finding_li(&mut o, i);
            }
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</body></html>\n");
    o
}
