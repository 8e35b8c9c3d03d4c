//! Reasons in words: what a person is told about a decision. This is the one
//! source of those words — `recgate explain`, the npm package (a player
//! control's tooltip, a session's refusal) and the edge's response bodies
//! all take them from here, so no target writes its own.
//!
//! A reason code says which SPEC §3 step decided; the words add what that
//! step found, worked out during the same evaluation walk ([`Why`], collected
//! through `Trace::why` in `eval`): which scopes or conditions failed,
//! which deny matched, when retention ended, which prerequisite is missing,
//! which regions differ, why an impersonation was refused. Without that
//! context (edge codes, a decision made elsewhere) [`Reason::describe`] says
//! what the code means.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::{Applies, Perm};
use crate::compile::Ix;
use crate::decision::Reason;
use crate::error::RequestError;
use crate::model::{Role, Rule, Scope};
use crate::request::Resource;
use crate::target::TKind;
use crate::time::Timestamp;

/// What the step that decided found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Why {
    /// Step 1: not a catalog permission.
    NotCatalog(String),
    /// Step 1: the permission does not apply to this resource.
    NotApplicable {
        perm: Perm,
        kind: TKind,
        /// A screen recording.
        screen: bool,
    },
    /// Step 2: this principal or actor is not in the policy.
    UnknownUser(String),
    /// Step 2: this principal or actor is disabled.
    Disabled(String),
    /// Step 2: this queue or user (the first word) is not in the policy.
    UnknownResource(&'static str, String),
    /// Step 3.
    Impersonation {
        actor: String,
        principal: String,
        cause: Impersonation,
    },
    /// Step 4: expired at this time.
    Expired(Option<Timestamp>),
    /// Step 5.
    LegalHold,
    /// Step 6.
    PrivateAnnotation,
    /// Step 7: this deny matched.
    Denied(Ix),
    /// Step 8: no grant of this permission.
    NoPermission(Perm),
    /// Step 8: no grant in the resource's divisions.
    OutOfDivision,
    /// Step 8: these grants' scopes do not cover the resource.
    OutOfScope(Vec<Ix>),
    /// Step 8: these grants' `when` does not hold.
    ConditionUnmet(Vec<Ix>),
    /// Step 9: the resource's region and the principal's.
    Region { resource: String, principal: String },
    /// Step 10: this prerequisite is not allowed.
    Prerequisite(Perm),
    /// Step 11: this view permission is not allowed.
    NoAccess(Perm),
    /// Step 12.
    BpoRestricted,
    /// Step 12.
    Sensitive,
}

/// Why step 3 refused an impersonation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Impersonation {
    /// The actor may not impersonate the principal.
    NotAllowed,
    /// The principal is a service account.
    Service,
    /// The actor's region and the principal's.
    Regions(String, String),
}

/// What the words of a decision are about: its reason, why, and (for an
/// allow) its obligations.
pub(crate) struct Told<'a> {
    pub reason: Reason,
    pub why: Option<&'a Why>,
    pub redact: bool,
    /// How many related recordings a delete cascades to.
    pub cascade: usize,
}

/// Why a recording permission does not apply to this recording (SPEC §6):
/// its media, or a live-only permission on a recording that is not live.
/// `None` when it does apply, or is for another type of resource. Step 1's
/// trace line and the words both say it, so the two never disagree.
pub(crate) fn recording_mismatch(perm: Perm, kind: TKind, screen: bool) -> Option<&'static str> {
    match (perm.applies(), kind) {
        (Applies::LiveRecording, TKind::Recording) => Some("not a live interaction"),
        (Applies::CallRecording, TKind::Recording) if screen => {
            Some("not available for screen recordings")
        }
        (Applies::ScreenRecording, TKind::Recording) if !screen => {
            Some("only for screen recordings")
        }
        _ => None,
    }
}

/// The words of a request that could not be read.
pub fn unreadable(e: &RequestError) -> String {
    format!("unreadable request: {}", e.message)
}

/// Where the words find the rule a decision names (its role id and its
/// text): the evaluator is the one book (`eval.rs`). A trait, so that the
/// words depend on no evaluator and the evaluator on the words only.
pub(crate) trait RuleBook {
    /// The role id and the rule behind compiled rule `ri`.
    fn rule_def(&self, ri: Ix) -> Option<(&str, &Rule)>;

    /// The role with this id.
    fn role(&self, id: &str) -> Option<&Role>;

    /// A decision in words. An allow has words only for its obligations
    /// ("sensitive parts redacted"); without any, it has none.
    fn words(&self, told: &Told<'_>, resource: Option<&Resource>) -> String {
        if told.reason == Reason::Allow {
            let mut notes = Vec::new();
            if told.redact {
                notes.push(String::from("sensitive parts redacted"));
            }
            if told.cascade > 0 {
                let n = told.cascade;
                notes.push(format!(
                    "also deletes {n} related recording{}",
                    if n == 1 { "" } else { "s" }
                ));
            }
            return notes.join("; ");
        }
        let Some(why) = told.why else {
            return String::from(told.reason.describe());
        };
        match why {
            Why::NotCatalog(name) => format!("\"{name}\" is not a catalog permission"),
            Why::NotApplicable { perm, kind, screen } => recording_mismatch(*perm, *kind, *screen)
                .map_or_else(
                    || format!("not applicable to this {}", kind.type_name()),
                    String::from,
                ),
            Why::UnknownUser(id) => format!("unknown user {id}"),
            Why::Disabled(id) => format!("account {id} is disabled"),
            Why::UnknownResource(what, id) => format!("unknown {what} {id}"),
            Why::Impersonation {
                actor,
                principal,
                cause,
            } => {
                let base = format!("{actor} may not act for {principal}");
                match cause {
                    Impersonation::NotAllowed => base,
                    Impersonation::Service => format!("{base}: {principal} is a service account"),
                    Impersonation::Regions(a, p) => {
                        format!("{base}: {actor} is in {a}, {principal} in {p}")
                    }
                }
            }
            Why::Expired(Some(until)) => {
                let mut day = String::new();
                let _ = core::fmt::Write::write_fmt(&mut day, format_args!("{until}"));
                day.truncate(10);
                format!("blocked: retention expired {day}")
            }
            Why::Expired(None) => String::from(Reason::Expired.describe()),
            Why::LegalHold => String::from(Reason::LegalHold.describe()),
            Why::PrivateAnnotation => String::from(Reason::PrivateAnnotation.describe()),
            Why::Denied(ri) => match self.rule_def(*ri) {
                Some((role, _)) => {
                    let name = self
                        .role(role)
                        .and_then(|r| r.name.as_deref())
                        .unwrap_or(role);
                    format!("denied by role {name}")
                }
                None => String::from(Reason::Denied.describe()),
            },
            Why::NoPermission(perm) => format!("not in your roles ({perm})"),
            Why::OutOfDivision => match resource.and_then(Resource::recording) {
                Some(rec) => {
                    let home = [String::from("home")];
                    let divisions = rec.divisions.as_deref().unwrap_or(&home);
                    format!(
                        "outside your divisions (recording in {})",
                        divisions.join(", ")
                    )
                }
                None => String::from(Reason::OutOfDivision.describe()),
            },
            Why::OutOfScope(rules) => {
                self.each_rule(rules, resource, scope_words, Reason::OutOfScope)
            }
            Why::ConditionUnmet(rules) => {
                self.each_rule(rules, resource, when_words, Reason::ConditionUnmet)
            }
            Why::Region {
                resource,
                principal,
            } => format!("stored in {resource}, you are in {principal}"),
            Why::Prerequisite(q) => format!("requires {q}"),
            Why::NoAccess(view) if *view == Perm::SCREEN_VIEW => {
                String::from("requires access to the screen recording")
            }
            Why::NoAccess(_) => String::from("requires access to the recording"),
            Why::BpoRestricted => String::from(Reason::BpoRestricted.describe()),
            Why::Sensitive => String::from(Reason::Sensitive.describe()),
        }
    }

    /// `words` of each rule, each distinct text once, in rule order, joined
    /// by "or" — what any of the grants would need; `reason`'s own words
    /// when no rule is known.
    fn each_rule(
        &self,
        rules: &[Ix],
        resource: Option<&Resource>,
        words: fn(&Rule, Option<&Resource>) -> String,
        reason: Reason,
    ) -> String {
        let mut out: Vec<String> = Vec::new();
        for (_, rule) in rules.iter().filter_map(|ri| self.rule_def(*ri)) {
            let w = words(rule, resource);
            if !out.contains(&w) {
                out.push(w);
            }
        }
        if out.is_empty() {
            String::from(reason.describe())
        } else {
            out.join(" or ")
        }
    }
}

/// Why a rule's scope does not reach the resource, for the principal holding it.
fn scope_words(rule: &Rule, resource: Option<&Resource>) -> String {
    let recording = resource.and_then(Resource::recording);
    match (&rule.scope, resource) {
        (Scope::Group(g), _) => format!("outside your group {g}"),
        (Scope::View(v), _) => format!("outside your view {v}"),
        (Scope::Own, Some(Resource::Recording(_) | Resource::Annotation(_))) => {
            String::from("not your own recording")
        }
        (Scope::Assigned, Some(Resource::Recording(_) | Resource::Annotation(_))) => {
            String::from("you did not take part in this interaction")
        }
        (Scope::Lines, _) => match recording.and_then(|r| r.line.as_deref()) {
            Some(line) => format!("line {line} is not one of your lines"),
            None => String::from("not recorded on one of your lines"),
        },
        (Scope::Assigned, Some(Resource::Queue(_))) => {
            String::from("you are not a member of this queue")
        }
        (Scope::Own | Scope::Assigned, Some(Resource::User(_))) => {
            String::from("only your own user")
        }
        (Scope::Own | Scope::Assigned, Some(Resource::Report(_))) => {
            String::from("only your own reporting data")
        }
        _ => String::from(Reason::OutOfScope.describe()),
    }
}

/// What a rule's `when` allows: "only for inbound interactions, queue q-us".
fn when_words(rule: &Rule, _: Option<&Resource>) -> String {
    let when = &rule.when;
    let mut parts = Vec::new();
    if let Some(d) = &when.directions {
        let names: Vec<&str> = d.iter().map(|x| x.as_str()).collect();
        parts.push(format!("{} interactions", names.join(" or ")));
    }
    if let Some(m) = &when.media {
        let names: Vec<&str> = m.iter().map(|x| x.as_str()).collect();
        parts.push(format!("{} recordings", names.join(" or ")));
    }
    if let Some(q) = &when.queues {
        parts.push(format!("queue {}", q.join(" or ")));
    }
    if parts.is_empty() {
        String::from(Reason::ConditionUnmet.describe())
    } else {
        format!("only for {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::recording_mismatch;
    use crate::catalog::Perm;
    use crate::target::TKind;

    #[test]
    fn a_recording_permission_that_applies_has_no_mismatch() {
        let rec = TKind::Recording;
        assert_eq!(recording_mismatch(Perm::RECORDING_VIEW, rec, false), None);
        assert_eq!(recording_mismatch(Perm::SCREEN_VIEW, rec, true), None);
        assert_eq!(
            recording_mismatch(Perm::RECORDING_VIEW, rec, true),
            Some("not available for screen recordings")
        );
        assert_eq!(
            recording_mismatch(Perm::SCREEN_VIEW, rec, false),
            Some("only for screen recordings")
        );
        assert_eq!(
            recording_mismatch(Perm::SCREEN_VIEW, TKind::Queue, false),
            None
        );
    }
}
