//! `recgate-corpus`: writes a deterministic corpus of generated cases for the
#![expect(
    clippy::expect_used,
    reason = "a tool for the tests: a panic ends the run with its message"
)]
//! other targets (npm package, Envoy) to replay and compare: JSON lines, a
//! `{"policy": …}` line followed by that policy's `{"request": …, "decision": …}`
//! lines carrying the native decision (without its random id).
//! Usage: `recgate-corpus [N_POLICIES] [REQUESTS_PER_POLICY] [SEED]`.

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use recgate_core::Policy;
use std::io::Write;

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let policies = args.first().copied().unwrap_or(100);
    let per = args.get(1).copied().unwrap_or(100);
    let seed = args.get(2).copied().unwrap_or(7);
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &key),
    );
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    for _ in 0..policies {
        let doc = recgate_tests::gen::policy()
            .new_tree(&mut runner)
            .expect("policy")
            .current();
        let policy = Policy::from_json(&doc.to_string()).expect("generated policies are valid");
        writeln!(out, "{}", serde_json::json!({ "policy": doc })).expect("write");
        for _ in 0..per {
            let req = recgate_tests::gen::request()
                .new_tree(&mut runner)
                .expect("request")
                .current();
            let decision = policy.decide_json(&req.to_string());
            let line = serde_json::json!({ "request": req, "decision": decision });
            writeln!(out, "{line}").expect("write");
        }
    }
}
