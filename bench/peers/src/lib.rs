//! recgate against its peers in native Rust (issue #6): a translation of a
//! recgate/v1 organisation into Cedar (policy set text, entities, requests),
//! the checks that Cedar then decides exactly as recgate does, and the
//! benchmarks that compare the two. Bench-only: this crate is its own
//! workspace so that nothing in the main workspace depends on `cedar-policy`.
//! The encoding is described in `CEDAR.md` beside this crate's `Cargo.toml`.

pub mod bench;
pub mod cedar_text;
pub mod entities;
pub mod native;
pub mod org_dir;
pub mod policies;
pub mod requests;
pub mod samples;
pub mod stats;

/// A construct of the policy or request that the Cedar translation does not
/// encode: reported instead of translated, so that a silent gap can never
/// pass for agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not encoded in Cedar: {}", self.0)
    }
}

impl std::error::Error for Unsupported {}
