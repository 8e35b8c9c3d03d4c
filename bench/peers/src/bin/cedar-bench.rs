//! `cedar-bench [--quick]`: recgate's native core against `cedar-policy` on
//! the generated organisations — 10 users-thousand orgs with 10, 500 and
//! 5,000 roles (plus the two sizes whose Cedar policy counts are near the
//! issue's 155 and 1,550), then 1k → 10k → 100k users at 500 roles. Per org:
//! load time of each, agreement of Cedar with recgate on the reference sample
//! and on an allow-rich one, and ns per decision over the same requests in
//! interleaved rounds (min and median). Prints a markdown fragment and writes
//! it to `target/bench-peers/native.md` under the repository root.
//! Benchmarks print numbers; nothing here asserts a speed.

use std::path::PathBuf;
use std::time::Duration;

use recgate_peers::bench::{cell, measure, Options, Row};
use recgate_peers::stats::median;
use recgate_tests::org::OrgSize;

fn cedar_version() -> String {
    // The lock file says which cedar-policy this binary was built against.
    let lock = include_str!("../../Cargo.lock");
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == "name = \"cedar-policy\"" {
            if let Some(v) = lines.next() {
                return v
                    .trim_start_matches("version = ")
                    .trim_matches('"')
                    .to_string();
            }
        }
    }
    "unknown".into()
}

/// ns → µs, for Cedar's columns.
fn us(v: &[f64]) -> Vec<f64> {
    v.iter().map(|x| x / 1e3).collect()
}

fn agree(a: (usize, usize, usize)) -> String {
    format!("{}/{} ({} allows)", a.0, a.1, a.2)
}

fn ratio(r: &Row) -> String {
    format!("{:.0}×", median(&r.cedar_ns) / median(&r.recgate_ns))
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let o = Options {
        rounds: if quick { 5 } else { 7 },
        cedar_round: Duration::from_millis(if quick { 500 } else { 1500 }),
        agreement: Duration::from_secs(if quick { 10 } else { 30 }),
        slices: true,
    };
    let reference = OrgSize::reference();
    let mut out = String::new();
    let mut emit = |s: String| {
        println!("{s}");
        out.push_str(&s);
        out.push('\n');
    };
    emit(format!(
        "Native, one process, same requests for both engines: recgate-core `Policy::decide` vs cedar-policy {} `Authorizer::is_authorized` (translation: bench/peers/CEDAR.md). Median (min) of {} interleaved rounds; load over 5 rounds.\n",
        cedar_version(),
        o.rounds
    ));
    emit("| org (10k users unless said) | Cedar policies | recgate load | Cedar load (policy set + entities) | recgate ns / decision (timed requests) | recgate ns / decision (all 2,000 reference requests) | Cedar µs / decision (whole-org store) | Cedar µs / decision (store assembled per request from the slice) | Cedar ÷ recgate | agree: reference sample | agree: allow-rich sample |".into());
    emit("|---|---|---|---|---|---|---|---|---|---|---|".into());
    let mut rows = Vec::new();
    for roles in [10usize, 30, 320, 500, 5000] {
        let size = OrgSize { roles, ..reference };
        match measure(size, 2000, 1000, &o) {
            Ok(r) => {
                emit(format!(
                    "| {roles} roles | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    r.cedar_policies,
                    cell(&r.recgate_load, "ms", 1),
                    cell(&r.cedar_load, "ms", 0),
                    cell(&r.recgate_ns, "ns", 0),
                    cell(&r.recgate_all_ns, "ns", 0),
                    cell(&us(&r.cedar_ns), "µs", 1),
                    cell(&us(&r.cedar_slice_ns), "µs", 1),
                    ratio(&r),
                    agree(r.agree_reference),
                    agree(r.agree_allow_rich)
                ));
                rows.push(r);
            }
            Err(e) => emit(format!("| {roles} roles | error: {e} |")),
        }
    }
    emit(String::new());
    emit("Scale, 500 roles:\n".into());
    emit("| users | Cedar policies | recgate load | Cedar load (policy set + entities) | recgate ns / decision (timed requests) | recgate ns / decision (all 2,000 reference requests) | Cedar µs / decision (whole-org store) | Cedar ÷ recgate | agree: reference sample | agree: allow-rich sample |".into());
    emit("|---|---|---|---|---|---|---|---|---|---|".into());
    let scale = Options { slices: false, ..o };
    for users in [1_000usize, 10_000, 100_000] {
        let size = OrgSize {
            users,
            roles: 500,
            ..reference
        };
        match measure(size, 2000, 1000, &scale) {
            Ok(r) => emit(format!(
                "| {users} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                r.cedar_policies,
                cell(&r.recgate_load, "ms", 1),
                cell(&r.cedar_load, "ms", 0),
                cell(&r.recgate_ns, "ns", 0),
                cell(&r.recgate_all_ns, "ns", 0),
                cell(&us(&r.cedar_ns), "µs", 1),
                ratio(&r),
                agree(r.agree_reference),
                agree(r.agree_allow_rich)
            )),
            Err(e) => emit(format!("| {users} | error: {e} |")),
        }
    }
    let timed: Vec<String> = rows
        .iter()
        .map(|r| format!("{} roles: {}", r.size.roles, r.timed))
        .collect();
    emit(format!(
        "\nTimed requests per round: the reference sample's first ones, as many as fit {:.1} s of Cedar ({}); recgate decides the same ones, repeated to ≥ 20,000 decisions a round (few distinct requests: warm caches), and separately all 2,000 reference requests once a round (cold). Cedar ÷ recgate compares the same timed requests. Agreement counts cover the requests Cedar decided within the agreement budget ({} s per sample); a Cedar policy error counts as a disagreement. Reference sample: `sample_requests` (random principal and recording); allow-rich sample: `samples::allow_rich` (built around the principals' own grants).",
        o.cedar_round.as_secs_f64(),
        timed.join(", "),
        o.agreement.as_secs()
    ));
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-peers");
    if let Err(e) =
        std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(dir.join("native.md"), &out))
    {
        eprintln!("cedar-bench: could not write {}: {e}", dir.display());
        std::process::exit(1);
    }
    eprintln!("cedar-bench: wrote {}", dir.join("native.md").display());
}
