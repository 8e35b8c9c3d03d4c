//! # recgate-genesys
//!
//! `recgate import genesys DIR`: a Genesys Cloud org, exported through the
//! public API (the JSON of the official SDK's models), turned into a valid
//! `recgate/v1` policy and a mapping report — roles from their permission
//! policies (wildcards expanded by domain first, conditions translated to
//! scopes and `when`), users and OAuth clients with their role grants and
//! divisions, groups and queues with their members, access policies as
//! denies. Whatever recgate has no exact equivalent for is dropped and
//! reported, never imported wider. `docs/genesys-import.md` has the rules.
//!
//! Its own crate, not a module of the CLI or the core: it reads another
//! system's JSON and the file system (`std`), while the core and
//! `recgate-analysis` stay `no_std` with no I/O. It depends on the core only
//! to validate what it builds and to name it by content hash.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        reason = "unit tests: a panic is a failed test with its message"
    )
)]

pub mod conditions;
pub mod import;
pub mod load;
pub mod model;
pub mod permissions;
pub mod report;

pub use import::{import, Import, ImportError};
pub use load::{load, LoadError};
pub use report::ImportReport;

/// Reads an export directory and imports it.
pub fn import_dir(dir: &std::path::Path) -> Result<Import, String> {
    let export = load(dir).map_err(|e| e.to_string())?;
    import(&export).map_err(|e| e.to_string())
}
