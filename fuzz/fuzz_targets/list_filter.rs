//! Fuzz target: response-body rewriting of the Envoy filter. Any body is
//! either refused or yields valid JSON holding no more entities than it had,
//! each one judged by the core on the facts given (never on the body).
#![no_main]

use libfuzzer_sys::fuzz_target;
use recgate_core::enforce::{ConversationFacts, RecordingFacts};
use recgate_core::{Policy, Timestamp};
use recgate_proxy::config::METADATA_FIELDS;
use recgate_proxy::judging::{Reader, Rewrite};
use recgate_proxy::rewrite::Unfilterable;
use serde_json::Value;
use std::sync::OnceLock;

static POLICY: OnceLock<Policy> = OnceLock::new();

const FACTS: &str = r#"{"conversationId":"c-1","recordings":[
  {"id":"rec-us-call-1","media":"audio","owner":"a-us-1","queue":"q-us","annotations":[{"id":"ann-1","author":"qa-1","visibility":"public"},{"id":"ann-2","author":"sup-us","visibility":"private"}]},
  {"id":"rec-us-screen-1","media":"screen","owner":"a-us-1","queue":"q-us"}]}"#;

fuzz_target!(|data: &[u8]| {
    let policy = POLICY.get_or_init(|| Policy::from_json(include_str!("../../examples/acme.json")).expect("valid"));
    let now = Timestamp::parse("2026-11-22T12:00:00Z").expect("time");
    let conv = ConversationFacts::from_json(FACTS).expect("facts");
    let one = conv.recording("rec-us-call-1").cloned().expect("one");
    let fields: Vec<String> = METADATA_FIELDS.iter().map(|s| s.to_string()).collect();
    let none = |_: &str, _: &str| -> Option<RecordingFacts> { None };
    for user in ["qa-1", "audit-1", "a-us-1"] {
        let subject = policy.subject(user, None, now);
        let reader = Reader { subject: &subject, now, metadata_fields: &fields };
        for plan in [
            Rewrite::Recordings { facts: std::rc::Rc::new(conv.clone()), download: false, decided: None },
            Rewrite::MetadataList { facts: std::rc::Rc::new(conv.clone()) },
            Rewrite::Annotations { facts: Box::new(one.clone()) },
            Rewrite::Recording { facts: Box::new(one.clone()), metadata_only: true },
            Rewrite::Recording { facts: Box::new(one.clone()), metadata_only: false },
            Rewrite::Queues,
            Rewrite::BatchResults,
            Rewrite::ScreenMonitoringSessions,
        ] {
            let result = reader.apply(&plan, data, 1 << 16, &none);
            // A recording list is read as bytes: it must keep what the tree reader keeps, each entity the same JSON.
            let reference = reader.apply_through_tree(&plan, data, 1 << 16, &none);
            match (&result, &reference) {
                (Ok((a, ta)), Ok((b, tb))) => {
                    let a: Value = serde_json::from_slice(a).expect("JSON");
                    let b: Value = serde_json::from_slice(b).expect("JSON");
                    assert_eq!((a, ta), (b, tb), "the byte pass and the tree disagree");
                }
                (Err(_), Err(_)) => {}
                // serde_json's tree refuses nesting past 128 levels; its byte reader does not (rewrite.rs).
                (Ok(_), Err(Unfilterable::NotJson(m))) if m.contains("recursion limit") => {}
                _ => panic!("the byte pass and the tree disagree: {result:?} vs {reference:?}"),
            }
            if let Ok((out, tally)) = result {
                let v: Value = serde_json::from_slice(&out).expect("the filtered body is JSON");
                let before: Value = match serde_json::from_slice(data) {
                    Ok(v) => v,
                    Err(e) if e.to_string().contains("recursion limit") => continue,
                    Err(e) => panic!("the input was not JSON: {e}"),
                };
                assert!(tally.kept <= tally.seen);
                if let (Some(a), Some(b)) = (v.as_array(), before.as_array()) {
                    assert!(a.len() <= b.len());
                    assert_eq!((tally.seen, tally.kept), (b.len(), a.len()));
                }
                if let Rewrite::Recording { metadata_only: true, .. } = plan {
                    assert!(v.get("mediaUris").is_none(), "metadata only: no media");
                }
            }
        }
    }
});
