//! What the filter says back and what it writes down: local replies (the
//! JSON body `{reason, decisionId, revision}` with the decision headers), the
//! headers an allowed request carries upstream, and the decision-log line —
//! the core's [`DecisionLogLine`], so that `recgate diff` reads exactly what
//! is written here.

use proxy_wasm::types::{LogLevel, MapType};
use recgate_core::decision_log::{DecisionLogLine, LoggedResource};
use recgate_core::{Obligation, Reason, Request};
use serde_json::{json, Value};

use crate::host;
use crate::shared::log;

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

/// One decision, as logged.
pub struct Logged<'a> {
    /// Decision id.
    pub id: &'a str,
    /// Actor and principal.
    pub actor: &'a str,
    /// Principal.
    pub principal: &'a str,
    /// Permission (empty before any).
    pub permission: &'a str,
    /// The core request, when one was formed.
    pub request: Option<Request>,
    /// Outcome.
    pub allow: bool,
    /// Reason.
    pub reason: Reason,
    /// Policy revision.
    pub revision: &'a str,
    /// Shadow mode.
    pub shadow: bool,
}

/// Writes the decision-log line.
pub fn log_decision(d: Logged<'_>) {
    let resource = d
        .request
        .as_ref()
        .map_or_else(LoggedResource::default, |r| LoggedResource {
            kind: Some(r.resource.type_name().to_string()),
            id: r.resource.id().map(str::to_string),
        });
    let line = DecisionLogLine {
        decision_id: d.id.to_string(),
        actor: d.actor.to_string(),
        principal: d.principal.to_string(),
        permission: d.permission.to_string(),
        resource,
        reason: d.reason,
        allow: d.allow,
        revision: d.revision.to_string(),
        mode: if d.shadow { "shadow" } else { "enforce" }.to_string(),
        request: d.request,
    };
    log(
        LogLevel::Info,
        &format!("recgate decision {}", line.to_json()),
    );
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test: a panic is a failure with its message"
)]
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
