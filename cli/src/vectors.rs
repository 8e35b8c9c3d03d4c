//! `recgate test`: runs conformance vector files (SPEC §8) and reports every
//! failure, then `N passed, M failed`. Beyond SPEC's `cases`, a file may carry
//! `lint` (the exact lint ids the policy yields), `errors` (the exact JSON
//! pointers of an invalid policy) and `slices` (principals whose slice must
//! decide their cases as the full policy does; `--slices` checks every case).

use crate::out::{out, outln};
use std::process::ExitCode;

use std::collections::BTreeSet;

use recgate_core::coverage::{RESOURCES, SCOPES};
use recgate_core::{Policy, Reason, Request};
use serde_json::Value;

use crate::args::{read, Args};

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    coverage: Coverage,
}

/// What the vectors exercised: reason codes decided, scope-table cells tested
/// (with the outcomes seen), and lint rules expected.
#[derive(Default)]
struct Coverage {
    reasons: BTreeSet<&'static str>,
    cells: BTreeSet<(usize, usize, bool)>,
    lints: BTreeSet<String>,
}

impl Coverage {
    /// Prints the report; false when reason codes or scope cells fall short of 100%.
    fn report(&self) -> bool {
        let core_reasons: Vec<Reason> = Reason::ALL.into_iter().filter(|r| r.step() != 0).collect();
        let missing_reasons: Vec<&str> = core_reasons
            .iter()
            .map(|r| r.as_str())
            .filter(|r| !self.reasons.contains(r))
            .collect();
        let steps: BTreeSet<u8> = core_reasons
            .iter()
            .filter(|r| self.reasons.contains(r.as_str()))
            .map(|r| r.step())
            .collect();
        let mut missing_cells = Vec::new();
        let mut table = String::new();
        table.push_str(&format!("{:<10}", ""));
        for r in RESOURCES {
            table.push_str(&format!("{r:<15}"));
        }
        table.push('\n');
        for (si, s) in SCOPES.iter().enumerate() {
            table.push_str(&format!("{s:<10}"));
            for (ri, r) in RESOURCES.iter().enumerate() {
                let yes = self.cells.contains(&(si, ri, true));
                let no = self.cells.contains(&(si, ri, false));
                let mark = match (yes, no) {
                    (true, true) => "yes+no",
                    (true, false) => "yes",
                    (false, true) => "no",
                    (false, false) => {
                        missing_cells.push(format!("{s}×{r}"));
                        "-"
                    }
                };
                table.push_str(&format!("{mark:<15}"));
            }
            table.push('\n');
        }
        let lint_ids: Vec<&str> = recgate_core::lint::RULES.iter().map(|r| r.0).collect();
        let missing_lints: Vec<&&str> = lint_ids
            .iter()
            .filter(|id| !self.lints.contains(**id))
            .collect();
        outln!("coverage:");
        outln!("  steps of SPEC §3: {}/13", steps.len());
        outln!(
            "  reason codes: {}/{}{}",
            core_reasons.len() - missing_reasons.len(),
            core_reasons.len(),
            missing(&missing_reasons)
        );
        outln!(
            "  scope × resource cells: {}/36{}",
            36 - missing_cells.len(),
            missing(&missing_cells)
        );
        outln!(
            "  lint rules: {}/{}{}",
            lint_ids.len() - missing_lints.len(),
            lint_ids.len(),
            missing(&missing_lints)
        );
        out!("{table}");
        missing_reasons.is_empty() && missing_cells.is_empty()
    }
}

fn missing<T: std::fmt::Display>(list: &[T]) -> String {
    if list.is_empty() {
        String::new()
    } else {
        format!(
            " (missing: {})",
            list.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl Tally {
    fn check(&mut self, file: &str, name: &str, problem: Option<String>) {
        match problem {
            None => self.passed += 1,
            Some(p) => {
                self.failed += 1;
                outln!("FAIL {file}: {name}: {p}");
            }
        }
    }
}

pub fn test(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &[], &["slices", "coverage"])?;
    if args.positional.is_empty() {
        return Err("missing VECTORS.json".into());
    }
    let mut tally = Tally::default();
    for file in &args.positional {
        let text = read(file)?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| format!("{file}: not valid JSON: {e}"))?;
        // A file is one vector object, or `{"vectors": [ … ]}` holding several.
        match v.get("vectors").and_then(Value::as_array) {
            Some(list) => {
                for (i, one) in list.iter().enumerate() {
                    let label = match one.get("name").and_then(Value::as_str) {
                        Some(n) => format!("{file}#{n}"),
                        None => format!("{file}#{i}"),
                    };
                    run_file(&label, one, args.flag("slices"), &mut tally)?;
                }
            }
            None => run_file(file, &v, args.flag("slices"), &mut tally)?,
        }
    }
    let covered = !args.flag("coverage") || tally.coverage.report();
    if !covered {
        outln!("coverage below the required 100% of reason codes and scope cells");
    }
    outln!("{} passed, {} failed", tally.passed, tally.failed);
    Ok(if tally.failed == 0 && covered {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_file(file: &str, v: &Value, all_slices: bool, tally: &mut Tally) -> Result<(), String> {
    let policy_text = v
        .get("policy")
        .ok_or_else(|| format!("{file}: no \"policy\""))?
        .to_string();
    let parsed = Policy::from_json(&policy_text);
    if let Some(expected) = v.get("errors") {
        let want = sorted_strings(expected);
        let got = match &parsed {
            Ok(_) => Vec::new(),
            Err(e) => {
                let mut p: Vec<String> = e.errors.iter().map(|x| x.path.clone()).collect();
                p.sort();
                p
            }
        };
        let detail = parsed
            .as_ref()
            .err()
            .map(|e| {
                e.errors
                    .iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        tally.check(
            file,
            "validation errors",
            (want != got).then(|| format!("expected errors at {want:?}, got {got:?} {detail}")),
        );
        return Ok(());
    }
    let policy = match parsed {
        Ok(p) => p,
        Err(e) => {
            let cases = v
                .get("cases")
                .and_then(Value::as_array)
                .map_or(1, Vec::len)
                .max(1);
            for _ in 0..cases {
                tally.check(
                    file,
                    "policy",
                    Some(format!("policy does not validate: {e}")),
                );
            }
            return Ok(());
        }
    };
    if let Some(expected) = v.get("lint") {
        let want = sorted_strings(expected);
        tally.coverage.lints.extend(want.iter().cloned());
        let mut got: Vec<String> = recgate_core::lint::lint(policy.doc())
            .iter()
            .map(|f| f.id.to_string())
            .collect();
        got.sort();
        tally.check(
            file,
            "lint findings",
            (want != got).then(|| format!("expected {want:?}, got {got:?}")),
        );
    }
    let slice_for: Vec<String> = v.get("slices").map(sorted_strings).unwrap_or_default();
    for (i, case) in v
        .get("cases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = case
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("case {i}"), str::to_string);
        let problem = check_case(&policy, case, all_slices, &slice_for, &mut tally.coverage);
        tally.check(file, &name, problem);
    }
    Ok(())
}

fn sorted_strings(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    out.sort();
    out
}

fn check_case(
    policy: &Policy,
    case: &Value,
    all_slices: bool,
    slice_for: &[String],
    cov: &mut Coverage,
) -> Option<String> {
    let Some(request) = case.get("request") else {
        return Some("no request".into());
    };
    let Some(expect) = case.get("expect") else {
        return Some("no expect".into());
    };
    let parsed = Request::from_json(&request.to_string());
    let got = match &parsed {
        Ok(req) => {
            let (d, cells) = policy.decide_with_coverage(req);
            cov.cells
                .extend(cells.iter().map(|c| (c.scope, c.resource, c.holds)));
            d
        }
        Err(_) => policy.decide_json(&request.to_string()),
    };
    cov.reasons.insert(got.reason.as_str());
    if let Some(p) = compare(expect, &got) {
        return Some(p);
    }
    let Ok(req) = parsed else {
        return None;
    };
    let mut who = vec![req.principal.clone()];
    who.extend(req.actor.clone());
    for user in who {
        if !(all_slices || slice_for.contains(&user)) || policy.doc().user(&user).is_none() {
            continue;
        }
        let slice = match policy.slice(&user) {
            Ok(s) => s,
            Err(e) => return Some(format!("slice for {user}: {e}")),
        };
        let sliced = match Policy::from_json(&slice.to_json()) {
            Ok(p) => p,
            Err(e) => return Some(format!("slice for {user} does not validate: {e}")),
        };
        let d = sliced.decide(&req);
        let same_reason = d.reason == got.reason
            || (!got.allow
                && matches!(d.reason, Reason::UnknownResource | Reason::UnknownPrincipal));
        let full_obligations = serde_json::to_value(&got.obligations).ok();
        let slice_obligations =
            serde_json::to_value(recgate_core::decision::obligation_list(&d.obligations)).ok();
        if d.allow != got.allow || !same_reason || full_obligations != slice_obligations {
            return Some(format!(
                "slice for {user} decides {}/{} where the full policy decides {}/{}",
                verdict(d.allow),
                d.reason,
                verdict(got.allow),
                got.reason
            ));
        }
    }
    None
}

fn verdict(allow: bool) -> &'static str {
    if allow {
        "allow"
    } else {
        "deny"
    }
}

fn compare(expect: &Value, got: &recgate_core::DecisionRecord) -> Option<String> {
    let want_allow = expect.get("allow").and_then(Value::as_bool);
    let want_reason = expect.get("reason").and_then(Value::as_str);
    if want_allow.is_none() || want_reason.is_none() {
        return Some("expect needs \"allow\" and \"reason\"".into());
    }
    if want_allow != Some(got.allow) || want_reason != Some(got.reason.as_str()) {
        return Some(format!(
            "expected {}/{}, got {}/{}",
            verdict(want_allow == Some(true)),
            want_reason.unwrap_or(""),
            verdict(got.allow),
            got.reason
        ));
    }
    if let Some(want) = expect.get("obligations") {
        let got_o = serde_json::to_value(&got.obligations).unwrap_or(Value::Null);
        if *want != got_o {
            return Some(format!("expected obligations {want}, got {got_o}"));
        }
    }
    None
}
