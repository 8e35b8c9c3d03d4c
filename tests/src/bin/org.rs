//! `recgate-org`: writes one generated organisation for engines outside this
//! workspace (peer benchmarks, the browser bench) to load: `policy.json` (the
//! recgate/v1 policy), `recordings.json` (recordings over its users, queues
//! and divisions) and `requests.jsonl` (sample requests, each with recgate's
//! decision, so a peer can prove it gives the same answers before it is timed).
//! Usage: `recgate-org OUT_DIR [USERS] [ROLES] [RECORDINGS] [REQUESTS]`.
#![expect(
    clippy::expect_used,
    reason = "a tool for the tests: a panic ends the run with its message"
)]

use recgate_core::Policy;
use recgate_tests::org::{org, recordings, sample_requests, OrgSize};
use std::io::Write;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .expect("usage: recgate-org OUT_DIR [USERS] [ROLES] [RECORDINGS] [REQUESTS]"),
    );
    let mut num = |default: usize| args.next().and_then(|a| a.parse().ok()).unwrap_or(default);
    let reference = OrgSize::reference();
    let size = OrgSize {
        users: num(reference.users),
        roles: num(reference.roles),
        ..reference
    };
    let n_recordings = num(100_000);
    let n_requests = num(2_000);
    std::fs::create_dir_all(&out).expect("create output directory");
    let doc = org(size, 42);
    let text = doc.to_string();
    let policy = Policy::from_json(&text).expect("the generated org is valid");
    std::fs::write(out.join("policy.json"), &text).expect("write policy.json");
    let recs = serde_json::Value::Array(recordings(size, n_recordings, 3));
    std::fs::write(out.join("recordings.json"), recs.to_string()).expect("write recordings.json");
    let file = std::fs::File::create(out.join("requests.jsonl")).expect("create requests.jsonl");
    let mut w = std::io::BufWriter::new(file);
    for req in sample_requests(size, n_requests) {
        let decision = policy.decide_json(&req.to_string());
        let line = serde_json::json!({ "request": req, "allow": decision.allow, "reason": decision.reason });
        writeln!(w, "{line}").expect("write requests.jsonl");
    }
    w.flush().expect("flush requests.jsonl");
    eprintln!(
        "recgate-org: {} users, {} roles, {n_recordings} recordings, {n_requests} requests in {}",
        size.users,
        size.roles,
        out.display()
    );
}
