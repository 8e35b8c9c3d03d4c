//! Fuzz target: any bytes as a policy document — parse, validate, compile,
//! lint, slice and license must never panic, hang or run out of memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recgate_core::Policy;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(policy) = Policy::from_json(text) {
        let _ = recgate_core::lint::lint(policy.doc());
        let _ = recgate_core::license::licenses(policy.doc());
        for user in policy.user_ids().take(3).map(str::to_string).collect::<Vec<_>>() {
            if let Ok(slice) = policy.slice(&user) {
                // A slice must itself be a valid policy.
                assert!(Policy::from_json(&slice.to_json()).is_ok(), "slice of {user} does not validate");
            }
        }
    }
});
