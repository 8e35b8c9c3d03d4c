//! `cedar-vectors FILE...`: the conformance vectors (SPEC §8 files) through
//! the Cedar translation — every case on a recording without impersonation
//! (the requests the translation covers), decided by Cedar against the
//! vector's expected `allow`. The generated org uses few of the policy
//! model's features; the vectors use all of them (inheritance, prerequisites,
//! crossRegion, BPO, lines, legal hold, retention overrides, live).

use cedar_policy::Authorizer;
use recgate_core::{Policy, Request};
use recgate_peers::{entities, native, policies, requests};
use serde_json::Value;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let (mut agree, mut total) = (0usize, 0usize);
    for f in &files {
        let doc: Value = match std::fs::read_to_string(f)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(d) => d,
            Err(e) => {
                eprintln!("cedar-vectors: {f}: {e}");
                std::process::exit(2);
            }
        };
        let vectors = match doc.get("vectors").and_then(Value::as_array) {
            Some(v) => v.clone(),
            None => vec![doc],
        };
        for (i, v) in vectors.iter().enumerate() {
            let Some(policy) = v.get("policy") else {
                continue;
            };
            let cases: Vec<&Value> = v["cases"]
                .as_array()
                .map(|c| c.iter().filter(|c| on_recording(&c["request"])).collect())
                .unwrap_or_default();
            if cases.is_empty() {
                continue;
            }
            let label = format!("{f}#{i}");
            let Ok(policy) = Policy::from_json(&policy.to_string()) else {
                continue; // an invalid policy: a validation vector, not a decision
            };
            let (a, t) = run(&label, &policy, &cases);
            agree += a;
            total += t;
        }
    }
    println!("conformance vectors, recording cases: agree {agree}/{total}");
    std::process::exit(if agree == total { 0 } else { 1 });
}

fn on_recording(r: &Value) -> bool {
    r["resource"]["type"] == "recording"
        && (r.get("actor").is_none() || r["actor"] == r["principal"])
}

fn run(label: &str, policy: &Policy, cases: &[&Value]) -> (usize, usize) {
    let doc = policy.doc();
    let set = policies::policy_set(doc);
    let ents = entities::org_entities(doc);
    let pset = match native::policy_set(&set.text) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("  {label}: Cedar rejects the policy set: {e}");
            return (0, cases.len());
        }
    };
    let authorizer = Authorizer::new();
    let mut agree = 0;
    for c in cases {
        let expect = c["expect"]["allow"].as_bool().unwrap_or(false);
        // A request recgate cannot even read is invalid_request: a deny.
        let got = match Request::from_json(&c["request"].to_string()) {
            Err(_) => Ok((false, vec![])),
            Ok(req) => requests::translate(&ents, &doc.settings.home_region, &req)
                .map_err(|e| e.to_string())
                .and_then(|r| {
                    let request = native::request(&r).map_err(|e| e.to_string())?;
                    let store = native::slice_entities(&ents, &r).map_err(|e| e.to_string())?;
                    Ok(native::decide(&authorizer, &request, &pset, &store))
                }),
        };
        match got {
            Ok((allow, errors)) if allow == expect && errors.is_empty() => agree += 1,
            other => eprintln!(
                "  disagree {label} {:?}: expected {expect} ({}), got {other:?}",
                c["name"], c["expect"]["reason"]
            ),
        }
    }
    (agree, cases.len())
}
