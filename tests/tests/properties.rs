//! Properties of the decision core over random valid policies and requests:
//! slices decide like the full policy, denies and grants are monotone, and no
//! input — valid or not — makes validation or evaluation panic.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark harness: a panic is a failed run"
)]

use proptest::prelude::*;
use recgate_core::{Policy, Reason, Request};
use recgate_tests::cases::property_config;
use recgate_tests::gen;
use serde_json::{json, Value};

fn load(doc: &Value) -> Policy {
    Policy::from_json(&doc.to_string())
        .unwrap_or_else(|e| panic!("generated policy invalid: {e}\n{doc}"))
}

proptest! {
    #![proptest_config(property_config(400))]

    #[test]
    fn generated_policies_validate_and_requests_decide(doc in gen::policy(), reqs in proptest::collection::vec(gen::request(), 1..20)) {
        let p = load(&doc);
        for r in reqs {
            let d = p.decide_json(&r.to_string());
            prop_assert_eq!(d.allow, d.reason == Reason::Allow);
            if !d.allow {
                prop_assert!(d.obligations.is_empty());
            }
        }
    }

    #[test]
    fn slices_decide_like_the_full_policy(doc in gen::policy(), reqs in proptest::collection::vec(gen::request(), 1..20)) {
        let p = load(&doc);
        for r in reqs {
            let req = Request::from_json(&r.to_string()).unwrap();
            let full = p.decide(&req);
            let mut who = vec![req.principal.clone()];
            who.extend(req.actor.clone());
            for user in who {
                let slice = p.slice(&user).unwrap();
                let sliced = Policy::from_json(&slice.to_json()).unwrap_or_else(|e| panic!("slice invalid: {e}"));
                let d = sliced.decide(&req);
                prop_assert_eq!(d.allow, full.allow, "slice for {} on {}", user, r);
                prop_assert_eq!(d.obligations, full.obligations);
                let hidden = !full.allow && matches!(d.reason, Reason::UnknownResource | Reason::UnknownPrincipal);
                prop_assert!(d.reason == full.reason || hidden, "slice for {}: {} vs full {} on {}", user, d.reason, full.reason, r);
            }
        }
    }

    #[test]
    fn adding_a_deny_never_allows_more(doc in gen::policy(), role in 0usize..5, deny in gen::rule(true), reqs in proptest::collection::vec(gen::request(), 1..20)) {
        let before = load(&doc);
        let mut doc2 = doc.clone();
        doc2["roles"][gen::ROLES[role]]["denies"].as_array_mut().unwrap().push(deny);
        let after = load(&doc2);
        for r in reqs {
            let (a, b) = (before.decide_json(&r.to_string()), after.decide_json(&r.to_string()));
            prop_assert!(a.allow || !b.allow, "a deny turned {} into allow on {}", a.reason, r);
        }
    }

    #[test]
    fn adding_a_grant_never_allows_less(doc in gen::policy(), role in 0usize..5, grant in gen::rule(false), reqs in proptest::collection::vec(gen::request(), 1..20)) {
        let before = load(&doc);
        let mut doc2 = doc.clone();
        doc2["roles"][gen::ROLES[role]]["grants"].as_array_mut().unwrap().push(grant);
        let after = load(&doc2);
        for r in reqs {
            let (a, b) = (before.decide_json(&r.to_string()), after.decide_json(&r.to_string()));
            prop_assert!(!a.allow || b.allow, "a grant turned allow into {} on {}", b.reason, r);
        }
    }

    #[test]
    fn content_hash_ignores_formatting_and_key_order(doc in gen::policy()) {
        let compact = load(&doc);
        let pretty = Policy::from_json(&serde_json::to_string_pretty(&doc).unwrap()).unwrap();
        prop_assert_eq!(compact.content_hash(), pretty.content_hash());
        let reversed = Policy::from_json(&reversed_keys(&doc)).unwrap();
        prop_assert_eq!(compact.content_hash(), reversed.content_hash());
    }
}

/// The document with every object's keys written in reverse order.
fn reversed_keys(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .rev()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), reversed_keys(v)))
                .collect();
            format!("{{{}}}", items.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(reversed_keys).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "[a-z:*/~\\-]{0,12}".prop_map(Value::String),
        proptest::sample::select(vec![
            "recgate/v1",
            "all",
            "self",
            "home",
            "u0",
            "recording:recording:view",
            "*:*:*",
            "2026-11-22T12:00:00Z"
        ])
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        let keys = proptest::sample::select(vec![
            "schema",
            "revision",
            "settings",
            "roles",
            "users",
            "groups",
            "queues",
            "views",
            "divisions",
            "prerequisites",
            "grants",
            "denies",
            "inherits",
            "permission",
            "scope",
            "when",
            "role",
            "principal",
            "actor",
            "resource",
            "type",
            "id",
            "now",
            "media",
            "owner",
            "recording",
            "members",
            "group",
            "view",
            "crossRegion",
            "x",
        ]);
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((keys, inner), 0..6).prop_map(|kv| Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(property_config(2000))]

    #[test]
    fn arbitrary_json_never_panics(doc in arbitrary_json(), req in arbitrary_json()) {
        let _ = Policy::from_json(&doc.to_string());
        let fixed = Policy::from_json(r#"{"schema":"recgate/v1","revision":"r","users":{"u0":{}}}"#).unwrap();
        let d = fixed.decide_json(&req.to_string());
        prop_assert!(!d.allow);
    }

    #[test]
    fn mutated_valid_policies_never_panic(doc in gen::policy(), path in proptest::collection::vec(0usize..8, 1..4), replacement in arbitrary_json(), req in gen::request()) {
        let mut doc = doc;
        let mut pointer = String::new();
        let mut cursor = &doc;
        for i in path {
            let (key, next) = match cursor {
                Value::Object(m) if !m.is_empty() => { let k = m.keys().nth(i % m.len()).cloned().unwrap(); let v = &m[&k]; (k, v) }
                Value::Array(a) if !a.is_empty() => { let n = i % a.len(); (n.to_string(), &a[n]) }
                _ => break,
            };
            pointer.push('/');
            pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            cursor = next;
        }
        if let Some(slot) = doc.pointer_mut(&pointer) {
            *slot = replacement;
        }
        if let Ok(p) = Policy::from_json(&doc.to_string()) {
            let _ = p.decide_json(&req.to_string());
            let _ = recgate_core::lint::lint(p.doc());
            let _ = p.explain(&Request::from_json(&req.to_string()).unwrap());
        }
    }
}

proptest! {
    #![proptest_config(property_config(300))]

    /// A query plan is true for exactly the recordings a decision allows, and
    /// its redact filter for exactly those that carry the redact obligation.
    #[test]
    fn plans_agree_with_decisions(doc in gen::policy(), recs in proptest::collection::vec(gen::recording(), 1..40), who in proptest::sample::select(gen::USERS.to_vec()), perm in proptest::sample::select(vec![
        "recording:recording:view", "recording:screenRecording:view", "recording:metadata:view", "recording:recording:download",
        "recording:recording:delete", "recording:screenRecording:delete", "conversation:call:monitor", "recording:recording:viewSensitiveData",
    ])) {
        let p = load(&doc);
        let now = recgate_core::Timestamp::parse(gen::NOW).unwrap();
        let plan = p.plan(who, perm, now).unwrap();
        let home = &p.doc().settings.home_region;
        for r in recs {
            let rec: recgate_core::Recording = serde_json::from_value(r.clone()).unwrap();
            let res = recgate_core::Resource::Recording(rec.clone());
            let subject = p.subject(who, None, now);
            let d = subject.decide(perm, &res, now);
            prop_assert_eq!(plan.filter.matches(&rec, home), d.allow, "{} {} on {}", who, perm, r);
            prop_assert_eq!(plan.redact.matches(&rec, home), d.obligations.redact, "redact: {} {} on {}", who, perm, r);
        }
    }
}

proptest! {
    #![proptest_config(property_config(2000))]

    /// A list filter shows exactly what deciding each row's visibility shows,
    /// both from a recording's own strings and with its attributes as bits.
    #[test]
    fn list_filters_agree_with_visibility(doc in gen::policy(), recs in proptest::collection::vec(gen::recording(), 1..40), who in proptest::sample::select(gen::USERS.to_vec())) {
        let p = load(&doc);
        let now = recgate_core::Timestamp::parse(gen::NOW).unwrap();
        let subject = p.subject(who, None, now);
        let Some(mut lf) = p.list_plan(who, now) else {
            // Too many conditions to number: callers decide row by row.
            return Ok(());
        };
        for r in recs {
            let rec: recgate_core::Recording = serde_json::from_value(r.clone()).unwrap();
            let bits = lf.row_bits(&rec);
            prop_assert_eq!(lf.visibility(&bits), subject.visibility(&rec, now), "{} on {}", who, r);
            if lf.sees_nothing() {
                prop_assert_eq!(subject.visibility(&rec, now), recgate_core::RecordingVisibility::Hidden);
            }
        }
    }
}

/// `request` as JSON text with its resource's members in the order `order`
/// gives (a rotation of the sorted keys by `shift`, `type` first or not).
fn with_resource_order(request: &Value, shift: usize, type_first: bool) -> String {
    let res = request["resource"].as_object().unwrap();
    let mut keys: Vec<&String> = res.keys().collect();
    let n = keys.len().max(1);
    keys.rotate_left(shift % n);
    if type_first {
        keys.retain(|k| *k != "type");
        keys.insert(0, res.keys().find(|k| *k == "type").unwrap());
    }
    let members: Vec<String> = keys
        .iter()
        .map(|k| format!("{}:{}", Value::from(k.as_str()), res[k.as_str()]))
        .collect();
    let mut top = request.as_object().unwrap().clone();
    top.remove("resource");
    let rest: Vec<String> = top
        .iter()
        .map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), v))
        .collect();
    format!(
        "{{{},\"resource\":{{{}}}}}",
        rest.join(","),
        members.join(",")
    )
}

proptest! {
    #![proptest_config(property_config(500))]

    /// Where a resource's `type` stands among its members changes nothing:
    /// read straight from the stream when it is first, reordered otherwise.
    #[test]
    fn resource_member_order_changes_nothing(r in gen::request(), shift in 0usize..16) {
        let reference = Request::from_json(&r.to_string()).unwrap();
        let first = Request::from_json(&with_resource_order(&r, shift, true)).unwrap();
        let rotated = Request::from_json(&with_resource_order(&r, shift, false)).unwrap();
        prop_assert_eq!(&first, &reference);
        prop_assert_eq!(&rotated, &reference);
    }
}
