//! Generators of random but valid recgate/v1 policies and requests, shared by
//! the property tests and by the cross-target corpus (`recgate-corpus`), so the
//! CLI, the npm package and the Envoy filter are all fed the same cases.
#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    missing_docs,
    reason = "test generators and fixtures: a panic is a failed run (each module uses some of these)"
)]

pub mod cases;
pub mod gen;
pub mod org;
pub mod reference;
pub mod traffic;
