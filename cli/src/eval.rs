//! `recgate eval` (the conformance interface: one request per line in, one
//! decision per line out, in order) and `recgate explain`.

use crate::out::outln;
use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use recgate_core::{Decision, Reason, Request};

use crate::args::{decision_id, policy_and_lines, policy_or_exit, read, Args};

pub fn eval(argv: &[String]) -> Result<ExitCode, String> {
    let (policy, input) = match policy_and_lines(argv)? {
        Ok(read) => read,
        Err(code) => return Ok(code),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (n, line) in input.split(b'\n').enumerate() {
        let bytes = line.map_err(|e| format!("cannot read requests: {e}"))?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        let record = match Request::from_json(text) {
            Ok(req) => policy.decide(&req).record(decision_id()),
            Err(e) => {
                eprintln!("line {}: {e}", n + 1);
                Decision::deny(Reason::InvalidRequest, policy.revision()).record(decision_id())
            }
        };
        if let Err(e) = writeln!(out, "{}", record.to_json()) {
            crate::out::failed(&e);
        }
    }
    if let Err(e) = out.flush() {
        crate::out::failed(&e);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn explain(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["policy", "request", "format"], &[])?;
    let json = args.json()?;
    let path = args.required("policy")?;
    let policy = match policy_or_exit(path, false)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let text = read(args.required("request")?)?;
    if let Err(e) = Request::from_json(&text) {
        eprintln!("{e}");
    }
    let ex = policy.explain_json(&text);
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&ex).map_err(|e| e.to_string())?
        );
    } else {
        outln!("{ex}");
        if !ex.words.is_empty() {
            outln!("  {}", ex.words);
        }
    }
    Ok(ExitCode::SUCCESS)
}
