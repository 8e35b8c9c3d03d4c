//! The wire layout the JS wrapper (`js/gate.js`) writes and reads, by name:
//! the row columns and flags of [`crate::rows`], the request words of
//! [`crate::request`], the result bits of [`crate::LoadedPolicy::check`] and
//! the buffer sizes. The wrapper reads it once when it binds the module, so
//! the two sides cannot drift apart: there is no second copy of a number.

use wasm_bindgen::prelude::*;

use crate::request as req;
use crate::rows;

/// Every named number of the layout.
const LAYOUT: [(&str, usize); 53] = [
    ("STRIDE", rows::STRIDE),
    ("FLAGS", rows::FLAGS),
    ("MEDIA", rows::MEDIA),
    ("DIRECTION", rows::DIRECTION),
    ("OWNER", rows::OWNER),
    ("QUEUE", rows::QUEUE),
    ("REGION", rows::REGION),
    ("LINE", rows::LINE),
    ("CREATED_AT", rows::CREATED_AT),
    ("RETENTION", rows::RETENTION),
    ("DIVISIONS_AT", rows::DIVISIONS_AT),
    ("DIVISIONS_LEN", rows::DIVISIONS_LEN),
    ("PARTICIPANTS_AT", rows::PARTICIPANTS_AT),
    ("PARTICIPANTS_LEN", rows::PARTICIPANTS_LEN),
    ("VALID", rows::VALID as usize),
    ("LEGAL_HOLD", rows::LEGAL_HOLD as usize),
    ("SENSITIVE", rows::SENSITIVE as usize),
    ("LIVE", rows::LIVE as usize),
    ("HAS_RETENTION", rows::HAS_RETENTION as usize),
    ("CREATED_AT_TEXT", rows::CREATED_AT_TEXT as usize),
    ("NONE", rows::NONE as usize),
    ("REQ_WORDS", req::WORDS),
    ("REQ_PRINCIPAL", req::PRINCIPAL),
    ("REQ_ACTOR", req::ACTOR),
    ("REQ_PERMISSION", req::PERMISSION),
    ("REQ_NOW", req::NOW),
    ("REQ_KIND", req::KIND),
    ("REQ_ID", req::ID),
    ("REQ_AUX", req::AUX),
    ("REQ_RELATED_AT", req::RELATED_AT),
    ("REQ_RELATED_LEN", req::RELATED_LEN),
    ("REQ_ROW", req::ROW),
    ("REQ_LISTS", req::LISTS),
    ("KIND_RECORDING", req::KIND_RECORDING as usize),
    ("KIND_QUEUE", req::KIND_QUEUE as usize),
    ("KIND_USER", req::KIND_USER as usize),
    ("KIND_ROLE", req::KIND_ROLE as usize),
    ("KIND_SCHEDULE", req::KIND_SCHEDULE as usize),
    ("KIND_REPORT", req::KIND_REPORT as usize),
    ("ALLOW", crate::ALLOW as usize),
    ("REDACT", crate::REDACT as usize),
    ("FULL", crate::FULL as usize),
    ("NO_ID", crate::NO_ID as usize),
    ("RETRY", crate::RETRY as usize),
    ("RESYNC", crate::RESYNC as usize),
    ("REASON_SHIFT", crate::REASON_SHIFT as usize),
    ("OUT_GRANT", crate::OUT_GRANT),
    ("OUT_ID", crate::OUT_ID),
    ("TEXT", crate::TEXT),
    ("ENDS", crate::ENDS),
    ("VISIBILITY_HIDDEN", crate::VISIBILITY_HIDDEN as usize),
    ("VISIBILITY_METADATA", crate::VISIBILITY_METADATA as usize),
    ("VISIBILITY_MEDIA", crate::VISIBILITY_MEDIA as usize),
];

/// The layout's names, comma-separated, in the order of [`layout_values`].
#[wasm_bindgen]
pub fn layout_names() -> String {
    let mut out = String::new();
    for (i, (name, _)) in LAYOUT.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(name);
    }
    out
}

/// The layout's numbers, in the order of [`layout_names`] (a `u32` each:
/// `NONE` is `u32::MAX`).
#[wasm_bindgen]
pub fn layout_values() -> Vec<u32> {
    LAYOUT
        .iter()
        .map(|(_, v)| u32::try_from(*v).unwrap_or(u32::MAX))
        .collect()
}

/// The recording attributes (SPEC §2), in the core's order, comma-separated.
#[wasm_bindgen]
pub fn recording_fields() -> String {
    recgate_core::Recording::FIELDS.join(",")
}

/// The members a `kind` resource is read from (besides `type`),
/// comma-separated; `""` for a type recgate has no resource of. The wrapper
/// leaves every other member out of the JSON it sends (keeping only
/// near-misses, which the core refuses), so a value JSON cannot carry in a
/// member recgate ignores (a `Date`) does not make the request unreadable.
#[wasm_bindgen]
pub fn resource_fields(kind: &str) -> String {
    recgate_core::request::fields_of(kind)
        .map(|f| f.join(","))
        .unwrap_or_default()
}

#[cfg(test)]
#[expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests: a panic is a failed test"
)]
mod tests {
    #[test]
    fn every_name_has_its_number_once() {
        let names = super::layout_names();
        let names: Vec<&str> = names.split(',').collect();
        let values = super::layout_values();
        assert_eq!(names.len(), values.len());
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "names are unique");
        let at = |n: &str| values[names.iter().position(|x| *x == n).unwrap()];
        assert_eq!(at("STRIDE"), 13);
        assert_eq!(at("NONE"), u32::MAX);
        assert!(super::recording_fields().starts_with("id,conversationId,"));
        assert_eq!(
            super::resource_fields("annotation"),
            "id,author,visibility,recording"
        );
        assert_eq!(super::resource_fields("bookmark"), "");
    }
}
