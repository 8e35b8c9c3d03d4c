//! Fuzz target: the filter's byte-level handling of what Envoy hands it —
//! header and trailer maps in the proxy-wasm wire form, claims as Envoy
//! serialises metadata, the impersonation header, request bodies the filter
//! decides on, attribute facts and policy-server answers. Nothing panics;
//! what cannot be read is an error for that input alone.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recgate_core::enforce::{ConversationFacts, RecordingFacts};
use recgate_proxy::headers::{parse_map, readable, serialize_map};
use recgate_proxy::identity::{claims, principal, ClaimBytes};
use recgate_proxy::{bodies, path};

fuzz_target!(|data: &[u8]| {
    // As a serialised map: parsed with bounds checks, and what parses re-serialises to itself.
    if let Some(map) = parse_map(data) {
        let pairs: Vec<(String, &[u8])> = map
            .0
            .iter()
            .filter_map(|(k, v)| std::str::from_utf8(k).ok().map(|k| (k.to_string(), v.as_slice())))
            .collect();
        if pairs.len() == map.0.len() {
            let refs: Vec<(&str, &[u8])> = pairs.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            assert_eq!(parse_map(&serialize_map(&refs)), Some(map.clone()));
        }
        let _ = map.text(":path").map(|p| p.map(path::normalize));
        let _ = principal(&map, "gen-usersubject", "actor");
        let _ = map.names_with_prefix("x-recgate-");
    }
    // As claims and headers.
    let third = data.len() / 3;
    let (a, rest) = data.split_at(third);
    let (b, c) = rest.split_at(third);
    let claim = |x: &[u8]| ClaimBytes::Present(x.to_vec());
    if let Ok(cl) = claims(&claim(a), &claim(b), &claim(c)) {
        assert!(readable(cl.subject.as_bytes()).is_some());
    }
    // As bodies and facts.
    let _ = bodies::recording_update(data, "c-1", "r-1");
    let _ = bodies::annotation(data, "qa-1", Some("a-1"));
    let _ = bodies::conversation_ids(data, 100);
    let _ = bodies::batch_items(data, 100);
    let _ = bodies::job_query(data);
    let _ = bodies::job_state(data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = RecordingFacts::from_json(text);
        let _ = ConversationFacts::from_json(text);
        let _ = path::query_params(text);
        let _ = recgate_core::Policy::from_json(text).map(|p| p.revision().len());
    }
});
