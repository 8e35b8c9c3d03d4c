//! Fuzz target: list-response filtering of the Envoy filter. Any body either
//! is refused or yields valid JSON whose entities are a subset of the input's,
//! with `total` equal to what is left.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recgate_proxy::listing::{filter_list, recording_of, Keep};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let media = vec!["mediaUris".to_string()];
    let mut n = 0u32;
    let result = filter_list(data, 1 << 16, &media, |e| {
        n += 1;
        let _ = recording_of(e);
        match n % 3 {
            0 => Keep::Drop,
            1 => Keep::Metadata,
            _ => Keep::Whole,
        }
    });
    if let Ok((out, before, after)) = result {
        assert!(after <= before);
        let v: Value = serde_json::from_slice(&out).expect("the filtered body is JSON");
        let entities = v.get("entities").and_then(Value::as_array).expect("entities kept");
        assert_eq!(entities.len(), after);
        if let Some(total) = v.get("total") {
            assert_eq!(total.as_u64(), Some(after as u64));
        }
    }
});
