//! One list plan over a whole page of recordings: `ListPlan::visibility`
//! remembers each distinct vector of condition truths in a table of 256
//! slots (by a hash of the vector), and a remembered answer may be reused
//! only for the same vector. The other list tests ask one plan a few rows
//! each, too few for two vectors to meet in a slot; here the sample org's
//! every combination of attributes goes through one plan per principal, and
//! a policy of 60 conditions gives a page of 961 distinct vectors, so that
//! many share a slot with a vector whose answer differs (a memo that
//! answered for the wrong vector fails it: the mutation survivor
//! `replace == with != in ListPlan::visibility`).
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test: a panic is a failure with its message"
)]

use std::collections::BTreeSet;

use recgate_core::{Policy, Recording, RecordingVisibility, Timestamp};
use serde_json::{json, Value};

fn acme() -> Policy {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/acme.json");
    Policy::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Recordings over the sample organisation's owners, queues, media,
/// directions, regions, divisions, holds and sensitivity: every combination.
fn page(owners: &[&str]) -> Vec<Value> {
    let mut rows = Vec::new();
    for owner in owners {
        for queue in [
            None,
            Some("q-us"),
            Some("q-uk"),
            Some("q-bpo"),
            Some("q-escalation"),
        ] {
            for media in ["audio", "screen", "chat"] {
                for direction in ["inbound", "outbound"] {
                    for region in [None, Some("eu-west-1")] {
                        for division in [None, Some("home"), Some("bpo-emea")] {
                            for (hold, sensitive) in [(false, false), (true, false), (false, true)]
                            {
                                let mut r = json!({
                                    "id": format!("rec-{}", rows.len()),
                                    "owner": owner, "media": media, "direction": direction,
                                    "legalHold": hold, "sensitive": sensitive,
                                    "createdAt": "2026-11-20T09:00:00Z",
                                });
                                if let Some(q) = queue {
                                    r["queue"] = json!(q);
                                }
                                if let Some(x) = region {
                                    r["region"] = json!(x);
                                }
                                if let Some(d) = division {
                                    r["divisions"] = json!([d]);
                                }
                                rows.push(r);
                            }
                        }
                    }
                }
            }
        }
    }
    rows
}

#[test]
fn one_plan_per_principal_over_every_combination_of_the_sample_orgs_attributes() {
    let policy = acme();
    let now = Timestamp::parse("2026-11-22T12:00:00Z").unwrap();
    let users: Vec<String> = policy
        .doc()
        .users
        .iter()
        .map(|(id, _)| id.clone())
        .collect();
    let owners: Vec<&str> = users.iter().map(String::as_str).collect();
    let rows: Vec<Recording> = page(&owners)
        .into_iter()
        .map(|r| serde_json::from_value(r).unwrap())
        .collect();
    let mut most_vectors = 0;
    let mut shown = [0usize; 3];
    for who in &owners {
        let Some(mut plan) = policy.list_plan(who, now) else {
            continue;
        };
        let subject = policy.subject(who, None, now);
        let mut vectors = BTreeSet::new();
        for rec in &rows {
            let bits = plan.row_bits(rec);
            vectors.insert(format!("{bits:?}"));
            let want = subject.visibility(rec, now);
            assert_eq!(plan.visibility(&bits), want, "{who} on {rec:?}");
            shown[match want {
                RecordingVisibility::Media => 0,
                RecordingVisibility::Metadata => 1,
                RecordingVisibility::Hidden => 2,
            }] += 1;
        }
        most_vectors = most_vectors.max(vectors.len());
    }
    // A page worth the name: some plan saw a few hundred distinct rows of bits.
    assert!(
        most_vectors >= 200,
        "at most {most_vectors} distinct rows of bits"
    );
    assert!(
        shown.iter().all(|n| *n > 100),
        "media / metadata / hidden: {shown:?}"
    );
}

/// A principal whose grants reach 30 queues and 30 owners through a view
/// each — the media on some, only the metadata on others: 60 conditions, and
/// a row's vector holds its queue's bit and its owner's, so a page over every
/// pair has 961 distinct vectors for 256 slots, many of them sharing a slot
/// with a vector whose answer differs.
fn sixty_views() -> Policy {
    let n = 30;
    let mut views = serde_json::Map::new();
    let mut grants = Vec::new();
    let view = |media: bool| {
        if media {
            "recording:recording:view"
        } else {
            "recording:metadata:view"
        }
    };
    for i in 0..n {
        views.insert(format!("vq{i}"), json!({ "queues": [format!("q{i}")] }));
        grants
            .push(json!({ "permission": view(i % 2 == 0), "scope": { "view": format!("vq{i}") } }));
        views.insert(format!("vu{i}"), json!({ "users": [format!("u{i}")] }));
        grants
            .push(json!({ "permission": view(i % 3 == 0), "scope": { "view": format!("vu{i}") } }));
    }
    let queues: serde_json::Map<String, Value> = (0..n)
        .map(|i| {
            (
                format!("q{i}"),
                json!({ "division": "home", "members": [] }),
            )
        })
        .collect();
    let mut users: serde_json::Map<String, Value> =
        (0..n).map(|i| (format!("u{i}"), json!({}))).collect();
    users.insert("p".into(), json!({ "roles": [{ "role": "mixed" }] }));
    let doc = json!({
        "schema": "recgate/v1", "revision": "memo-1",
        "settings": { "homeRegion": "us-east-1" },
        "divisions": { "home": {} }, "groups": {}, "queues": queues, "views": views,
        "roles": { "mixed": { "grants": grants } },
        "users": users,
    });
    Policy::from_json(&doc.to_string()).unwrap()
}

#[test]
fn rows_whose_vectors_share_a_memo_slot_keep_their_own_answers() {
    let policy = sixty_views();
    let now = Timestamp::parse("2026-11-22T12:00:00Z").unwrap();
    let subject = policy.subject("p", None, now);
    let mut plan = policy
        .list_plan("p", now)
        .expect("60 conditions fit in a plan");
    let mut answers = BTreeSet::new();
    for i in 0..=30 {
        for j in 0..=30 {
            let mut r = json!({ "id": format!("rec-{i}-{j}"), "media": "audio", "createdAt": "2026-11-20T09:00:00Z" });
            if i < 30 {
                r["queue"] = json!(format!("q{i}"));
            }
            if j < 30 {
                r["owner"] = json!(format!("u{j}"));
            }
            let rec: Recording = serde_json::from_value(r).unwrap();
            let want = subject.visibility(&rec, now);
            answers.insert(format!("{want:?}"));
            assert_eq!(plan.visibility(&plan.row_bits(&rec)), want, "q{i} u{j}");
        }
    }
    assert_eq!(
        answers.len(),
        3,
        "media, metadata and hidden rows: {answers:?}"
    );
}
