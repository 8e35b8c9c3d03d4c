//! Each decision written where Envoy's own access logs (file, OpenTelemetry,
//! gRPC) read it, so that no custom log line is needed to know why a
//! request was refused (docs/envoy-filter.md, "Decisions in Envoy's access
//! logs").
//!
//! Envoy 1.40 gives Wasm no host call that writes dynamic metadata:
//! `proxy_set_property` lands in filter state under `wasm.<path>` whatever
//! the path (`["metadata", "filter_metadata", …]` included: tried against
//! 1.40, invisible to `%DYNAMIC_METADATA%`), and its foreign functions are
//! `declare_property`, `set_envoy_filter_state` and `clear_route_cache`.
//! So the fields go out two ways, chosen in `decisionMetadata`:
//! - filter state `wasm.recgate.<field>` (default): read with
//!   `%FILTER_STATE(wasm.recgate.reason:PLAIN)%`;
//! - response headers `x-recgate-meta-<field>` (opt-in), which Envoy's
//!   `header_to_metadata` filter, placed before this one, turns into dynamic
//!   metadata namespace `recgate` and removes before the client sees them:
//!   then `%DYNAMIC_METADATA(recgate:reason)%` works, and so do other filters
//!   that read dynamic metadata. The filter sets or removes all of them on
//!   every response, so an upstream cannot forge them.
//!
//! Principals and actors are masked here when the decision log masks them.

use proxy_wasm::types::MapType;

use crate::host;

/// The fields, by their metadata key.
pub const KEYS: [&str; 6] = [
    "decision_id",
    "reason",
    "principal",
    "actor",
    "revision",
    "permission",
];

/// Filter state property paths (Envoy prefixes `wasm.`), by field.
const PROPERTIES: [&str; 6] = [
    "recgate.decision_id",
    "recgate.reason",
    "recgate.principal",
    "recgate.actor",
    "recgate.revision",
    "recgate.permission",
];

/// Response header names, by field.
pub const HEADERS: [&str; 6] = [
    "x-recgate-meta-decision-id",
    "x-recgate-meta-reason",
    "x-recgate-meta-principal",
    "x-recgate-meta-actor",
    "x-recgate-meta-revision",
    "x-recgate-meta-permission",
];

/// One decision's fields, masked where configured, in [`KEYS`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionFields(pub [String; 6]);

/// What a decision is, for its fields.
pub struct FieldValues<'a> {
    /// Decision id.
    pub id: &'a str,
    /// Reason code.
    pub reason: &'a str,
    /// Principal.
    pub principal: &'a str,
    /// Actor.
    pub actor: &'a str,
    /// Policy revision.
    pub revision: &'a str,
    /// Permission (empty before any).
    pub permission: &'a str,
}

impl DecisionFields {
    /// The fields, with the principal and the actor masked as asked.
    pub fn new(v: FieldValues<'_>, mask_principal: bool, mask_actor: bool) -> DecisionFields {
        let masked = |s: &str, m: bool| {
            if m && !s.is_empty() {
                crate::decision_log::MASKED.to_string()
            } else {
                s.to_string()
            }
        };
        DecisionFields([
            v.id.to_string(),
            v.reason.to_string(),
            masked(v.principal, mask_principal),
            masked(v.actor, mask_actor),
            v.revision.to_string(),
            v.permission.to_string(),
        ])
    }

    /// Writes the non-empty fields as filter state.
    pub fn write_filter_state(&self) {
        for (path, value) in PROPERTIES.iter().zip(&self.0) {
            if !value.is_empty() {
                let _ = host::set_property(&[path], value.as_bytes());
            }
        }
    }

    /// The header pairs of a local reply: the fields a header may carry.
    pub fn header_pairs(&self) -> Vec<(&'static str, &[u8])> {
        HEADERS
            .iter()
            .zip(&self.0)
            .filter(|(_, v)| header_safe(v))
            .map(|(h, v)| (*h, v.as_bytes()))
            .collect()
    }
}

/// A value a header may carry: not empty, no control byte.
fn header_safe(v: &str) -> bool {
    !v.is_empty() && v.bytes().all(|b| b >= 0x20 && b != 0x7f)
}

/// Sets every metadata header of a response to this decision's fields, or
/// removes it — whatever the upstream sent under those names never stays.
pub fn write_response_headers(fields: Option<&DecisionFields>) {
    for (i, name) in HEADERS.iter().enumerate() {
        let value = fields
            .and_then(|f| f.0.get(i))
            .filter(|v| header_safe(v))
            .map(String::as_bytes);
        let _ = host::set_map_value(MapType::HttpResponseHeaders, name.as_bytes(), value);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn values() -> FieldValues<'static> {
        FieldValues {
            id: "0123",
            reason: "out_of_scope",
            principal: "sup-us",
            actor: "",
            revision: "r\n1",
            permission: "recording:recording:view",
        }
    }

    #[test]
    fn fields_are_masked_and_header_safe() {
        let f = DecisionFields::new(values(), true, true);
        assert_eq!(f.0[2], "<masked>");
        assert_eq!(f.0[3], "", "an absent actor stays absent");
        let headers: Vec<&str> = f.header_pairs().into_iter().map(|(h, _)| h).collect();
        assert_eq!(
            headers,
            [
                "x-recgate-meta-decision-id",
                "x-recgate-meta-reason",
                "x-recgate-meta-principal",
                "x-recgate-meta-permission"
            ],
            "no empty value, no value with a control byte"
        );
        let plain = DecisionFields::new(values(), false, false);
        assert_eq!(plain.0[2], "sup-us");
        assert_eq!(KEYS.len(), HEADERS.len());
        for (k, h) in KEYS.iter().zip(HEADERS) {
            assert_eq!(h.trim_start_matches("x-recgate-meta-"), k.replace('_', "-"));
        }
    }
}
