//! # recgate-analysis
//!
//! Questions asked of a whole policy rather than of one request, answered
//! from the principals' query plans (`recgate_core::Policy::plan`, see
//! `docs/query-plans.md`):
//!
//! - [`whocan`]: every principal allowed a permission on a resource, and every
//!   actor that may impersonate one of them into it, with the grant that allows;
//! - [`review`]: the access review — who holds each recording permission, over
//!   which scope, through which role and division, lint findings beside;
//! - [`verify`]: claims in a small JSON language ([`claims`], `docs/claims.md`)
//!   proved over every possible recording by an exact satisfiability check
//!   over the plans' finite-domain atoms ([`sat`]), a failing claim answered
//!   with a concrete recording.
//!
//! Like the core, this crate is `no_std` + `alloc`, has no clock and no I/O
//! (time comes in as an argument) and never panics, so the npm package can
//! expose it as it is. It reads the core's plan types in one module only
//! ([`formula`]). Everything that decides lives in the core; this crate only
//! asks the core's plans and decisions, and checks each answer it gives
//! against a decision of the core before giving it.
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

extern crate alloc;

pub mod claims;
pub mod formula;
pub mod review;
pub mod roles;
pub mod sat;
pub mod verify;
pub mod whocan;

pub use claims::{Claim, ClaimSet};
pub use review::{review, Review, ReviewRow};
pub use verify::{verify, ClaimResult, Violation};
pub use whocan::{who_can, WhoCan};

/// A recording as request JSON (with `"type": "recording"`), attributes
/// that are absent or default left out — how counterexamples are shown.
pub fn recording_json(r: &recgate_core::Recording) -> serde_json::Value {
    use serde_json::{Map, Value};
    let mut m = Map::new();
    let s = |v: &str| Value::String(v.into());
    let list = |v: &[alloc::string::String]| Value::Array(v.iter().map(|x| s(x)).collect());
    m.insert("type".into(), s("recording"));
    m.insert("id".into(), s(&r.id));
    if let Some(v) = &r.conversation_id {
        m.insert("conversationId".into(), s(v));
    }
    if let Some(v) = r.media {
        m.insert("media".into(), s(v.as_str()));
    }
    if let Some(v) = r.direction {
        m.insert("direction".into(), s(v.as_str()));
    }
    if let Some(v) = &r.owner {
        m.insert("owner".into(), s(v));
    }
    if !r.participants.is_empty() {
        m.insert("participants".into(), list(&r.participants));
    }
    if let Some(v) = &r.queue {
        m.insert("queue".into(), s(v));
    }
    if let Some(v) = &r.divisions {
        m.insert("divisions".into(), list(v));
    }
    if let Some(v) = &r.region {
        m.insert("region".into(), s(v));
    }
    if let Some(v) = &r.line {
        m.insert("line".into(), s(v));
    }
    if let Some(v) = r.created_at {
        m.insert(
            "createdAt".into(),
            s(&alloc::string::ToString::to_string(&v)),
        );
    }
    if let Some(v) = r.retention_days {
        m.insert("retentionDays".into(), Value::from(v));
    }
    for (k, v) in [
        ("legalHold", r.legal_hold),
        ("sensitive", r.sensitive),
        ("live", r.live),
    ] {
        if v {
            m.insert(k.into(), Value::Bool(true));
        }
    }
    if !r.related.is_empty() {
        m.insert("related".into(), list(&r.related));
    }
    Value::Object(m)
}
