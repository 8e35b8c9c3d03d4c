//! # recgate-core
//!
//! The decision core of recgate: who may play, download, delete, black out,
//! bookmark or live-monitor contact-centre recordings. A policy document
//! (`recgate/v1`, see the project's `docs/policy.md`) is validated and compiled
//! once into a [`Policy`]; every request is then decided by the thirteen steps
//! of the contract, with a reason code, the rule that decided and the
//! obligations to carry out.
//!
//! The crate is `no_std` + `alloc`, has no clock and no I/O (time arrives in
//! the request), never panics, and is the only place policy logic lives: the
//! CLI, the browser package and the Envoy filter all call it.
//!
//! ```
//! use recgate_core::{Policy, Request};
//! let policy = Policy::from_json(r#"{
//!   "schema": "recgate/v1", "revision": "r1",
//!   "roles": { "qa": { "grants": [ { "permission": "recording:recording:view" } ] } },
//!   "users": { "quinn": { "roles": [ { "role": "qa" } ] } }
//! }"#).unwrap();
//! let request = Request::from_json(r#"{
//!   "principal": "quinn", "permission": "recording:recording:view",
//!   "resource": { "type": "recording", "id": "rec-1", "media": "audio" },
//!   "now": "2026-11-22T12:00:00Z"
//! }"#).unwrap();
//! let decision = policy.decide(&request);
//! assert!(decision.allow);
//! assert_eq!(decision.reason.as_str(), "allow");
//! ```
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

pub mod bulk;
pub mod catalog;
mod compile;
pub mod controls;
pub mod coverage;
pub mod decision;
pub mod decision_log;
pub mod edge;
pub mod enforce;
mod error;
mod eval;
pub mod json;
pub mod license;
pub mod lint;
pub mod listing;
pub mod model;
pub mod plan;
mod policy;
pub mod request;
pub mod slice;
mod tagged;
mod target;
pub mod time;
pub mod validate;

pub use catalog::{Perm, PermSet};
pub use decision::{Decision, DecisionRecord, Obligation, Obligations, Reason, RuleRef};
pub use error::{PolicyError, RequestError, ValidationError};
pub use eval::TraceLine;
pub use listing::{ListFilter, RowBits};
pub use policy::{Explanation, Policy, Subject, Visibility};
pub use request::{Annotation, Recording, Request, Resource};
pub use time::Timestamp;
pub use validate::Limits;
