//! Fuzz target: any bytes as a request against a fixed sample policy —
//! decisions and explanations must never panic, and anything unreadable is a
//! deny with `invalid_request`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recgate_core::{Policy, Reason, Request};
use std::sync::OnceLock;

static POLICY: OnceLock<Policy> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let policy = POLICY.get_or_init(|| {
        Policy::from_json(include_str!("../../examples/acme.json")).expect("the sample org is valid")
    });
    let Ok(text) = std::str::from_utf8(data) else { return };
    let d = policy.decide_json(text);
    match Request::from_json(text) {
        Ok(req) => {
            let ex = policy.explain(&req);
            assert_eq!(ex.decision.allow, d.allow);
            assert_eq!(ex.decision.reason, d.reason);
        }
        Err(_) => assert!(!d.allow && d.reason == Reason::InvalidRequest),
    }
});
