//! Coverage of the contract by a set of requests: which reason codes, and
//! which cells of the SPEC §2 scope table (scope kind × resource type), a
//! conformance suite actually exercises — so a suite that never tests
//! `{view}` on a report cannot pass for complete.

use alloc::vec::Vec;

use crate::compile::CScope;
use crate::decision::DecisionRecord;
use crate::eval::Trace;
use crate::policy::Policy;
use crate::request::Request;
use crate::target::TKind;

/// The scope kinds of the SPEC §2 table, in its order.
pub const SCOPES: [&str; 6] = ["all", "self", "assigned", "lines", "group", "view"];
/// The resource columns of the SPEC §2 table, in its order.
pub const RESOURCES: [&str; 6] = [
    "recording",
    "annotation",
    "queue",
    "user",
    "report",
    "role/schedule",
];

/// One cell of the scope table that a decision tested, and whether it held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ScopeCell {
    /// Index into [`SCOPES`].
    pub scope: usize,
    /// Index into [`RESOURCES`].
    pub resource: usize,
    /// Whether the resource was in scope.
    pub holds: bool,
}

#[derive(Default)]
struct Cells(Vec<ScopeCell>);

impl Trace for Cells {
    const ON: bool = false;
    fn line(&mut self, _: u8, _: impl FnOnce() -> alloc::string::String) {}
    fn scope(&mut self, scope: CScope, kind: TKind, holds: bool) {
        let scope = match scope {
            CScope::All => 0,
            CScope::Own => 1,
            CScope::Assigned => 2,
            CScope::Lines => 3,
            CScope::Group(_) => 4,
            CScope::View(_) => 5,
        };
        let resource = match kind {
            TKind::Recording => 0,
            TKind::Annotation => 1,
            TKind::Queue => 2,
            TKind::User => 3,
            TKind::Report => 4,
            TKind::Role | TKind::Schedule => 5,
        };
        self.0.push(ScopeCell {
            scope,
            resource,
            holds,
        });
    }
}

impl Policy {
    /// Decides a request and reports the scope-table cells its top-level
    /// evaluation tested.
    pub fn decide_with_coverage(&self, req: &Request) -> (DecisionRecord, Vec<ScopeCell>) {
        let mut cells = Cells::default();
        let d = self.run_traced(req, &mut cells).record(None);
        cells.0.sort_unstable();
        cells.0.dedup();
        (d, cells.0)
    }
}
