//! Who can: every principal allowed one permission on one resource, and every
//! actor that may impersonate one of them into it (SPEC §3 step 3: an
//! impersonated call is decided by the principal's roles once the actor may
//! impersonate them, which does not depend on the resource).
//!
//! On a recording the allowed principals come from their query plans
//! (`Policy::plan`, `docs/query-plans.md`): a plan is made once per principal,
//! permission and time, and answers for any recording — the same plans the
//! access review and `verify` read. The grant named beside each principal and
//! the obligations come from the principal's decision; a plan that disagrees
//! with that decision is reported as an error, never papered over. Other
//! resources (annotations, queues, users, reports, roles, schedules) have no
//! plans: each principal's decision answers.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use recgate_core::catalog::{Applies, Perm};
use recgate_core::decision::{GrantRecord, Obligation};
use recgate_core::request::Named;
use recgate_core::{Policy, Request, Resource, Timestamp};

use crate::roles::has_grant;

/// A principal allowed, acting for themselves.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AllowedPrincipal {
    /// User id.
    pub principal: String,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The grant that allows.
    pub grant: Option<GrantRecord>,
    /// What the enforcement point must do along with the allow.
    pub obligations: Vec<Obligation>,
}

/// An actor allowed by impersonating an allowed principal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AllowedActor {
    /// Who authenticates.
    pub actor: String,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// On whose behalf.
    pub principal: String,
    /// The principal's grant that allows.
    pub grant: Option<GrantRecord>,
    /// The actor's `directory:user:impersonate` grant that reaches the principal.
    pub impersonation: Option<GrantRecord>,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WhoCan {
    /// The policy revision.
    pub revision: String,
    /// The permission asked about.
    pub permission: &'static str,
    /// The resource type.
    pub resource: &'static str,
    /// The resource id, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The time of the decisions.
    pub now: String,
    /// `plans` (recordings) or `decisions` (other resources).
    pub method: &'static str,
    /// Principals allowed, in document order.
    pub principals: Vec<AllowedPrincipal>,
    /// Actors allowed through impersonation, by principal then actor, in document order.
    pub actors: Vec<AllowedActor>,
}

/// Why who-can cannot answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhoCanError {
    /// Not a catalog permission (patterns are for policies).
    UnknownPermission(String),
    /// The permission never applies to this type of resource.
    NotApplicable {
        /// The permission.
        permission: &'static str,
        /// The resource type.
        resource: &'static str,
    },
    /// A principal's plan and decision disagree: a core defect, reported rather than guessed around.
    PlanDisagrees {
        /// The principal.
        principal: String,
    },
    /// The core refused to plan.
    Plan(String),
}

impl core::fmt::Display for WhoCanError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self {
            WhoCanError::UnknownPermission(p) => write!(
                f,
                "\"{p}\" is not a catalog permission (patterns are for policies, not questions)"
            ),
            WhoCanError::NotApplicable {
                permission,
                resource,
            } => write!(f, "{permission} does not apply to a {resource} resource"),
            WhoCanError::PlanDisagrees { principal } => write!(
                f,
                "the plan and the decision of {principal} disagree: please report this defect"
            ),
            WhoCanError::Plan(e) => f.write_str(e),
        }
    }
}

/// Whether `perm` can apply to a resource of this type at all.
pub fn applies_to_type(perm: Perm, resource: &Resource) -> bool {
    match perm.applies() {
        Applies::CallRecording
        | Applies::ScreenRecording
        | Applies::AnyRecording
        | Applies::LiveRecording => matches!(resource, Resource::Recording(_)),
        Applies::Annotation => matches!(resource, Resource::Annotation(_)),
        Applies::Schedule => matches!(resource, Resource::Schedule(_)),
        Applies::Queue => matches!(resource, Resource::Queue(_)),
        Applies::Report => matches!(resource, Resource::Report(_)),
        Applies::User => matches!(resource, Resource::User(_)),
        Applies::Role => matches!(resource, Resource::Role(_)),
    }
}

fn request(
    principal: &str,
    actor: Option<&str>,
    perm: Perm,
    resource: &Resource,
    now: Timestamp,
) -> Request {
    Request {
        principal: principal.into(),
        actor: actor.map(Into::into),
        permission: perm.name().into(),
        resource: resource.clone(),
        now,
    }
}

/// Every principal (and impersonating actor) allowed `permission` on `resource` at `now`.
pub fn who_can(
    policy: &Policy,
    permission: &str,
    resource: &Resource,
    now: Timestamp,
) -> Result<WhoCan, WhoCanError> {
    let perm =
        Perm::parse(permission).ok_or_else(|| WhoCanError::UnknownPermission(permission.into()))?;
    if !applies_to_type(perm, resource) {
        return Err(WhoCanError::NotApplicable {
            permission: perm.name(),
            resource: resource.type_name(),
        });
    }
    let doc = policy.doc();
    let name = |id: &str| doc.user(id).and_then(|u| u.name.clone());
    let home = doc.settings.home_region.as_str();
    let mut principals = Vec::new();
    for user in policy.user_ids() {
        let decision_of = |_: ()| {
            let req = request(user, None, perm, resource, now);
            let d = policy.decide(&req);
            (d.allow, d.record(None))
        };
        let allowed = match resource {
            Resource::Recording(rec) => {
                let plan = policy
                    .plan(user, perm.name(), now)
                    .map_err(|e| WhoCanError::Plan(e.to_string()))?;
                let by_plan = crate::formula::holds(&plan.filter, rec, home);
                let (by_decision, record) = decision_of(());
                if by_plan != by_decision {
                    return Err(WhoCanError::PlanDisagrees {
                        principal: user.into(),
                    });
                }
                by_plan.then_some(record)
            }
            _ => {
                let (allow, record) = decision_of(());
                allow.then_some(record)
            }
        };
        if let Some(record) = allowed {
            principals.push(AllowedPrincipal {
                principal: user.into(),
                name: name(user),
                grant: record.grant,
                obligations: record.obligations,
            });
        }
    }
    // Only users holding an impersonation grant can impersonate anyone.
    let impersonators: Vec<&str> = policy
        .user_ids()
        .filter(|u| has_grant(doc, u, Perm::IMPERSONATE))
        .collect();
    let mut actors = Vec::new();
    for p in &principals {
        for actor in impersonators.iter().copied().filter(|a| *a != p.principal) {
            if policy
                .subject(&p.principal, Some(actor), now)
                .refusal()
                .is_some()
            {
                continue;
            }
            let as_actor = request(&p.principal, Some(actor), perm, resource, now);
            let d = policy.decide(&as_actor);
            if !d.allow {
                return Err(WhoCanError::PlanDisagrees {
                    principal: p.principal.clone(),
                });
            }
            let as_user = Resource::User(Named {
                id: p.principal.clone(),
            });
            let impersonate = request(actor, None, Perm::IMPERSONATE, &as_user, now);
            let imp = policy.decide(&impersonate);
            actors.push(AllowedActor {
                actor: actor.into(),
                name: name(actor),
                principal: p.principal.clone(),
                grant: d.record(None).grant,
                impersonation: imp.record(None).grant,
            });
        }
    }
    Ok(WhoCan {
        revision: policy.revision().into(),
        permission: perm.name(),
        resource: resource.type_name(),
        id: resource.id().map(Into::into),
        now: now.to_string(),
        method: if matches!(resource, Resource::Recording(_)) {
            "plans"
        } else {
            "decisions"
        },
        principals,
        actors,
    })
}
