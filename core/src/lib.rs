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
        clippy::indexing_slicing,
        reason = "unit tests: a panic is a failed test (each module uses some of these)"
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
pub mod list_plan;
pub mod model;
pub mod monitor;
pub mod plan;
mod policy;
pub mod request;
pub mod retention;
pub mod slice;
mod target;
pub mod time;
pub mod typed_json;
mod typo;
pub mod validate;
pub mod words;

// What the targets (CLI, npm package, Envoy filter, query renderer) use, by
// one path each.
pub use catalog::{Applies, Perm, PermSet};
pub use controls::{unreadable_controls, ControlState, ControlStatus, CONTROLS};
pub use decision::{
    decision_id, obligation_list, Decision, DecisionRecord, GrantRecord, Obligation, Obligations,
    Reason, RuleRef,
};
pub use edge::TokenClaims;
pub use error::{PolicyError, RequestError, ValidationError};
pub use eval::TraceLine;
pub use license::{licenses, Tier, UserLicense};
pub use lint::{lint, LintFinding, Severity};
pub use list_plan::{ListPlan, RowBits, RowPrefilter};
pub use model::{Direction, Media, PolicyDoc};
pub use plan::{Cond, Plan, PlanError, RecordingFilter};
pub use policy::{EffectiveRecording, Explanation, Policy, RecordingVisibility, Subject};
pub use request::{Annotation, AnnotationVisibility, Named, Recording, Report, Request, Resource};
pub use retention::Retention;
pub use slice::SliceError;
pub use time::Timestamp;
pub use validate::Limits;
