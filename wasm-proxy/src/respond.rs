//! What the filter says back: local replies (the JSON body `{reason,
//! decisionId, revision}` with the decision headers) and the headers an
//! allowed request carries upstream. What it writes down is
//! [`crate::decision_log`]'s and [`crate::metadata`]'s.

use proxy_wasm::types::{LogLevel, MapType};
use recgate_core::{Obligation, Reason};
use serde_json::{json, Value};

use crate::host;
use crate::host::log;

/// A refusal's status for a reason (the edge's contract, docs/envoy-filter.md).
pub fn status_for(reason: Reason) -> u32 {
    match reason {
        Reason::TokenMissing
        | Reason::TokenExpired
        | Reason::TokenTooOld
        | Reason::SessionRevoked
        | Reason::TokenInvalid => 401,
        Reason::InvalidRequest => 400,
        Reason::ResourceUnavailable => 503,
        _ => 403,
    }
}

/// The JSON body of a local reply.
pub fn body(reason: &str, id: &str, revision: &str, extra: Option<Value>) -> Vec<u8> {
    let mut v = json!({ "reason": reason, "decisionId": id, "revision": revision });
    if let (Some(Value::Object(more)), Some(o)) = (extra, v.as_object_mut()) {
        o.extend(more);
    }
    v.to_string().into_bytes()
}

/// Answers the request locally; `false` when Envoy would not take the reply
/// (the stream is then reset: nothing undecided goes on).
pub fn reply(status: u32, reason: &str, id: &str, revision: &str, extra: Option<Value>) -> bool {
    let b = body(reason, id, revision, extra);
    let headers: [(&str, &[u8]); 4] = [
        ("content-type", b"application/json"),
        ("cache-control", b"no-store"),
        ("x-recgate-decision", id.as_bytes()),
        ("x-recgate-revision", revision.as_bytes()),
    ];
    if host::send_response(status, &headers, &b).is_ok() {
        return true;
    }
    log(
        LogLevel::Error,
        "recgate: a local reply was refused by Envoy; resetting the stream",
    );
    let _ = host::reset(host::Stream::Request);
    false
}

/// Sets (or removes) a request header towards the upstream.
pub fn set_request_header(name: &str, value: Option<&str>) {
    let _ = host::set_map_value(
        MapType::HttpRequestHeaders,
        name.as_bytes(),
        value.map(str::as_bytes),
    );
}

/// The obligations as the upstream receives them.
pub fn obligation_headers(obligations: &[Obligation]) -> Vec<(&'static str, String)> {
    let mut cascade: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for o in obligations {
        match o {
            Obligation::Redact => {
                if !out.iter().any(|(k, _)| *k == "x-recgate-redact") {
                    out.push(("x-recgate-redact", "1".to_string()));
                }
            }
            Obligation::Cascade { ids } => cascade.extend(ids.iter().cloned()),
        }
    }
    if !cascade.is_empty() {
        cascade.dedup();
        out.push(("x-recgate-cascade", cascade.join(",")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obligations_become_headers() {
        let h = obligation_headers(&[
            Obligation::Redact,
            Obligation::Cascade {
                ids: vec!["a".into()],
            },
            Obligation::Redact,
            Obligation::Cascade {
                ids: vec!["b".into()],
            },
        ]);
        assert_eq!(
            h,
            vec![
                ("x-recgate-redact", "1".into()),
                ("x-recgate-cascade", "a,b".into())
            ]
        );
        let b: Value =
            serde_json::from_slice(&body("x", "i", "r", Some(json!({"refused": []})))).unwrap();
        assert_eq!(b["refused"], json!([]));
        assert_eq!(status_for(Reason::TokenInvalid), 401);
    }
}
