//! `recgate-corpus`: writes a deterministic corpus of generated cases for the
//! other targets (npm package, Envoy) to replay and compare: JSON lines, a
//! `{"policy": …}` line followed by that policy's `{"request": …, "decision": …,
//! "slices": {user: decision}}` lines carrying the native decision (without its
//! random id) on the whole policy and on the principal's and the actor's slices
//! (SPEC §5). Policies come from `gen::policy`, requests from
//! `traffic::Traffic` (aimed at each policy's own principals and resources).
//! Usage: `recgate-corpus [N_POLICIES] [REQUESTS_PER_POLICY] [SEED] [--only PERM,PERM…] [--well-formed] [--admins]`
//! (`--only`: requests for those permissions alone — the edge's routes;
//! `--well-formed`: no malformed share — the edge builds its own requests
//! from HTTP, and its malformed input is the hostile suite's; `--admins`:
//! each policy also has administrators (`traffic::add_admins`, drawn from
//! their own generator), for the edge's organisation-level and bulk routes —
//! the same policy for a seed and index whatever `--only` asks).
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a tool for the tests: a panic ends the run with its message"
)]

use recgate_core::{Policy, Timestamp};
use recgate_tests::gen::NOW;
use recgate_tests::traffic::{Mix, Traffic};
use serde_json::{json, Map, Value};
use std::io::{ErrorKind, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    match write_corpus() {
        Ok(()) => ExitCode::SUCCESS,
        // The reader stopped (`recgate-corpus | head`): nothing more is wanted.
        Err(e) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("recgate-corpus: writing the corpus: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write_corpus() -> std::io::Result<()> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let only: Vec<String> = raw
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| raw.get(i + 1))
        .map(|list| {
            list.split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let well_formed = raw.iter().any(|a| a == "--well-formed");
    let admins = raw.iter().any(|a| a == "--admins");
    let args: Vec<u64> = raw.iter().filter_map(|a| a.parse().ok()).collect();
    let n_policies = args.first().copied().unwrap_or(100);
    let per = args.get(1).copied().unwrap_or(100);
    let seed = args.get(2).copied().unwrap_or(7);
    let now = Timestamp::parse(NOW).expect("NOW parses");
    let only: Vec<&str> = only.iter().map(String::as_str).collect();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let count = usize::try_from(n_policies).unwrap_or(usize::MAX);
    for (index, (mut doc, mut rng)) in recgate_tests::traffic::policies(seed)
        .take(count)
        .enumerate()
    {
        if admins {
            // Their own stream: the requests' generator is the policy's, as without them.
            let mut admin_rng = recgate_tests::org::Rng::new(
                seed.wrapping_mul(7_919).wrapping_add(index as u64) ^ 0xad31_a5ad,
            );
            recgate_tests::traffic::add_admins(&mut doc, &mut admin_rng);
        }
        let policy = Policy::from_json(&doc.to_string()).expect("generated policies are valid");
        writeln!(out, "{}", json!({ "policy": doc }))?;
        let slices: Vec<(String, Policy)> = policy
            .user_ids()
            .map(|u| {
                let slice = policy.slice(u).expect("a slice for every user");
                let sliced = Policy::from_json(&slice.to_json()).expect("slices validate");
                (u.to_string(), sliced)
            })
            .collect();
        let mut traffic = Traffic::new(policy.doc(), now).only(&only);
        if well_formed {
            traffic = traffic.mix(Mix {
                malformed: 0,
                ..Mix::default()
            });
        }
        for _ in 0..per {
            let req = traffic.request(&mut rng);
            let text = req.to_string();
            let decision = policy.decide_json(&text);
            let mut on_slices = Map::new();
            for who in ["principal", "actor"] {
                let Some(user) = req.get(who).and_then(Value::as_str) else {
                    continue;
                };
                if let Some((_, sliced)) = slices.iter().find(|(u, _)| u == user) {
                    on_slices.insert(user.to_string(), json!(sliced.decide_json(&text)));
                }
            }
            let line = json!({ "request": req, "decision": decision, "slices": on_slices });
            writeln!(out, "{line}")?;
        }
    }
    out.flush()
}
