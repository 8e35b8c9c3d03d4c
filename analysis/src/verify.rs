//! `verify`: claims proved over every possible recording. For each principal
//! a claim speaks of and each recording permission it names, the principal's
//! query plan (`Policy::plan`) is a formula over recording attributes; the
//! claim fails exactly when plan ∧ forbidden is satisfiable, and the solver
//! ([`crate::sat`]) then gives a concrete recording. Every counterexample is
//! checked twice before it is reported — the formula holds on it, and the
//! core's own decision allows it — so a defect in the analysis can only show
//! up as an error, never as a wrong verdict in either direction unnoticed.
//!
//! Claims speak of principals (on whose behalf a call is made): an actor
//! impersonating a principal acts with the principal's rights (SPEC §3 step 3),
//! and `who-can` lists those actors.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use recgate_core::decision::GrantRecord;
use recgate_core::{Policy, Recording, Request, Resource, Timestamp};

use crate::claims::{Claim, ClaimKind, ClaimSet};
use crate::formula::{all_of, holds, is_never, Formula, RetentionParams};
use crate::sat::{solve, Context, DEFAULT_BUDGET};

/// A recording a principal may act on although the claim forbids it.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The principal.
    pub principal: String,
    /// The permission.
    pub permission: &'static str,
    /// The recording.
    pub recording: Recording,
    /// The grant that allows it (from the decision on the recording).
    pub grant: Option<GrantRecord>,
}

/// One claim's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimResult {
    /// The claim id.
    pub id: String,
    /// Its description.
    pub description: Option<String>,
    /// `never` or `only`.
    pub kind: ClaimKind,
    /// How many principals it speaks of.
    pub principals: usize,
    /// The recording permissions it covers.
    pub permissions: Vec<&'static str>,
    /// Every (principal, permission) that breaks it, each with a counterexample; empty: the claim holds.
    pub violations: Vec<Violation>,
}

impl ClaimResult {
    /// Whether the claim holds over every possible recording.
    pub fn holds(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Why verification could not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// The core refused to plan.
    Plan(String),
    /// A formula the analysis cannot read, or a search over budget.
    Undecided {
        /// The claim.
        claim: String,
        /// The principal.
        principal: String,
        /// Why.
        reason: String,
    },
    /// A counterexample failed its own check: an analysis or core defect.
    Inconsistent {
        /// The claim.
        claim: String,
        /// The principal.
        principal: String,
        /// The permission.
        permission: &'static str,
    },
}

impl core::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self {
            VerifyError::Plan(e) => f.write_str(e),
            VerifyError::Undecided { claim, principal, reason } => {
                write!(f, "claim {claim}, principal {principal}: {reason}")
            }
            VerifyError::Inconsistent { claim, principal, permission } => write!(
                f,
                "claim {claim}: the counterexample for {principal} / {permission} does not check out — please report this defect"
            ),
        }
    }
}

/// The retention every plan of `policy` at `now` uses.
pub fn retention(policy: &Policy, now: Timestamp) -> RetentionParams {
    let s = &policy.doc().settings;
    RetentionParams {
        now: now.0,
        screen_days: s.retention_screen,
        default_days: s.retention_default,
    }
}

fn check_claim(policy: &Policy, claim: &Claim, now: Timestamp) -> Result<ClaimResult, VerifyError> {
    let doc = policy.doc();
    let retention = retention(policy, now);
    let ctx = Context {
        home_region: &doc.settings.home_region,
        retention,
        budget: DEFAULT_BUDGET,
    };
    let perms = claim.recording_permissions();
    let mut principals = 0;
    let mut violations = Vec::new();
    for user in policy.user_ids() {
        if !claim.subject(doc, user) {
            continue;
        }
        principals += 1;
        let forbidden = claim.forbidden(doc, user, retention);
        for perm in &perms {
            let plan = policy
                .plan(user, perm.name(), now)
                .map_err(|e| VerifyError::Plan(e.to_string()))?;
            if is_never(&plan.filter) {
                continue;
            }
            let question = all_of(alloc::vec![plan.filter, forbidden.clone()]);
            let undecided = |reason: String| VerifyError::Undecided {
                claim: claim.id.clone(),
                principal: user.into(),
                reason,
            };
            let formula =
                Formula::from_filter(&question, retention).map_err(|e| undecided(e.to_string()))?;
            let Some(recording) = solve(&formula, &ctx).map_err(|e| undecided(e.to_string()))?
            else {
                continue;
            };
            let req = Request {
                principal: user.into(),
                actor: None,
                permission: perm.name().into(),
                resource: Resource::Recording(recording.clone()),
                now,
            };
            let decision = policy.decide(&req);
            if !holds(&question, &recording, ctx.home_region) || !decision.allow {
                return Err(VerifyError::Inconsistent {
                    claim: claim.id.clone(),
                    principal: user.into(),
                    permission: perm.name(),
                });
            }
            violations.push(Violation {
                principal: user.into(),
                permission: perm.name(),
                grant: decision.record(None).grant,
                recording,
            });
        }
    }
    Ok(ClaimResult {
        id: claim.id.clone(),
        description: claim.description.clone(),
        kind: claim.kind(),
        principals,
        permissions: perms.iter().map(|p| p.name()).collect(),
        violations,
    })
}

/// Checks every claim, in order.
pub fn verify(
    policy: &Policy,
    claims: &ClaimSet,
    now: Timestamp,
) -> Result<Vec<ClaimResult>, VerifyError> {
    claims
        .claims
        .iter()
        .map(|c| check_claim(policy, c, now))
        .collect()
}
