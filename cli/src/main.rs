//! `recgate`: the command line for recgate/v1 policies — validate, lint,
//! decide, explain, slice, run conformance vectors, report license impact, and
//! sign policies (`keygen`, `sign`, `verify-signature`).
//! Exit codes: 0 success, 1 the answer is "no" (invalid policy, failed test,
//! strict lint), 2 the command could not run (usage, unreadable file).

mod args;
mod bulk;
mod diff;
mod eval;
mod import;
mod inspect;
mod out;
mod plan;
mod review;
mod signing;
mod vectors;
mod verify;
mod whocan;

use crate::out::{out, outln};
use std::process::ExitCode;

const USAGE: &str = "\
recgate — recording access policies (recgate/v1)

USAGE:
  recgate validate POLICY [--format text|json]
  recgate lint POLICY [--format text|json] [--strict]
  recgate eval --policy POLICY [--requests FILE.jsonl]
  recgate explain --policy POLICY --request REQ.json [--format text|json]
  recgate bulk --policy POLICY [--requests FILE.jsonl]
  recgate slice --policy POLICY --principal ID
  recgate test VECTORS.json... [--slices] [--coverage]
  recgate plan --policy POLICY --principal ID --permission PERM [--now T] [--sql sqlite|postgres]
  recgate diff OLD NEW --requests LOG.jsonl [--format text|json]
  recgate licenses POLICY [--format text|json]
  recgate hash POLICY
  recgate keygen --out KEY.pem [--public-out PUB.pem] [--format text|json]
  recgate sign --key KEY.pem POLICY [--serial N] [--out SIG] [--format text|json]
  recgate verify-signature --key PUB [--key PUB2]... POLICY SIG [--minimum-serial N] [--format text|json]
  recgate import genesys DIR [--out POLICY.json] [--report REPORT.json] [--format text|json] [--strict]
  recgate who-can --policy POLICY (--permission PERM | --control C) --resource RES.json [--now T] [--format text|json]
  recgate review --policy POLICY [--format md|csv|html|json] [--now T]
  recgate verify --policy POLICY CLAIMS.json [--now T] [--format text|json]

Exit codes: 0 success; 1 invalid policy, failed vector or (with --strict) an
error-level lint finding, or a claim that does not hold; 2 usage or I/O
error, or an invalid claims file. verify-signature: 0 the signature holds,
1 it is refused (malformed, unknown_key, bad_signature, hash_mismatch, stale)
or the policy is invalid, 2 a file or key cannot be read.
";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((cmd, rest)) = argv.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match cmd.as_str() {
        "validate" => inspect::validate(rest),
        "lint" => inspect::lint(rest),
        "eval" => eval::eval(rest),
        "explain" => eval::explain(rest),
        "bulk" => bulk::bulk(rest),
        "slice" => inspect::slice(rest),
        "test" => vectors::test(rest),
        "licenses" => inspect::licenses(rest),
        "diff" => diff::diff(rest),
        "plan" => plan::plan(rest),
        "hash" => inspect::hash(rest),
        "keygen" => signing::keygen(rest),
        "sign" => signing::sign(rest),
        "verify-signature" => signing::verify_signature(rest),
        "import" => import::import(rest),
        "who-can" => whocan::who_can(rest),
        "review" => review::review(rest),
        "verify" => verify::verify(rest),
        "help" | "--help" | "-h" => {
            out!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        "--version" | "-V" => {
            outln!("recgate {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command \"{other}\"\n\n{USAGE}")),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("recgate: {message}");
            ExitCode::from(2)
        }
    }
}
