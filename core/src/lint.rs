//! Lint (SPEC §7): the traps the seeds warn about, each a stable id with a
//! severity, the JSON pointer of the element at fault and a one-line fix.
//! A lint finding never changes a decision; it tells an administrator what a
//! valid policy probably gets wrong.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::{Perm, PermSet};
use crate::json::Pointer;
use crate::license::effective_grant_perms;
use crate::model::{PolicyDoc, RecordingMode, Scope, UserKind};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Probably wrong.
    Warning,
    /// A known privilege-escalation or data-leak trap.
    Error,
}

impl Severity {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LintFinding {
    /// Stable rule id.
    pub id: &'static str,
    /// Severity.
    pub severity: Severity,
    /// JSON pointer of the element at fault.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, in one line.
    pub fix: &'static str,
}

/// Every lint rule: id, severity, fix.
pub const RULES: [(&str, Severity, &str); 14] = [
    ("system-role-inheritance", Severity::Warning, "copy the permissions you need into the custom role instead of inheriting a system role"),
    ("impersonate-scope-all", Severity::Error, "scope directory:user:impersonate to the partner's group: {\"group\": ID}"),
    ("bpo-reporting-scope-all", Severity::Error, "scope reporting to \"assigned\" for BPO agents, or to a view of the BPO's queues for supervisors"),
    ("bpo-queue-scope-all", Severity::Error, "scope routing:queue:view to \"assigned\" (agents) or a BPO queue view (supervisors)"),
    ("bpo-flag-missing", Severity::Error, "set \"bpo\": true on every member of a BPO group"),
    ("cross-region-media", Severity::Error, "use crossRegion only on recording:metadata:view grants"),
    ("agent-can-view-screens", Severity::Warning, "agents generate recordings but should not view or delete screen recordings: remove the grant"),
    ("destructive-spread", Severity::Warning, "keep delete and blackout with a few administrators; deny them for everyone else"),
    ("record-all", Severity::Warning, "set settings.recordingMode to \"interactions\""),
    ("retention-range", Severity::Warning, "set settings.retentionDays.screen between 7 and 365 days"),
    ("consent-notice-off", Severity::Warning, "set settings.consentNotice to true"),
    ("token-max-age", Severity::Error, "set settings.tokenMaxAgeSeconds to 300 or less while service accounts may impersonate"),
    ("unused-role", Severity::Info, "assign the role or remove it"),
    ("over-privileged", Severity::Warning, "give QA staff a QA role only, never *:*:*"),
];

struct Out(Vec<LintFinding>);

impl Out {
    fn push(&mut self, id: &'static str, path: Pointer, message: String) {
        let (severity, fix) = RULES
            .iter()
            .find(|(r, _, _)| *r == id)
            .map_or((Severity::Warning, ""), |(_, s, f)| (*s, *f));
        self.0.push(LintFinding {
            id,
            severity,
            path: path.as_str().into(),
            message,
            fix,
        });
    }
}

/// Lints a document. Findings come grouped by rule, in [`RULES`] order.
pub fn lint(doc: &PolicyDoc) -> Vec<LintFinding> {
    let mut out = Out(Vec::new());
    let root = Pointer::root();
    let roles = root.key("roles");
    let users = root.key("users");
    let settings = root.key("settings");

    for (rid, role) in &doc.roles {
        if role.system {
            continue;
        }
        for (i, parent) in role.inherits.iter().enumerate() {
            if doc.role(parent).is_some_and(|r| r.system) {
                out.push("system-role-inheritance", roles.key(rid).key("inherits").index(i), format!("custom role {rid} inherits system role {parent}: vendor updates to it flow into {rid}"));
            }
        }
    }
    for (rid, role) in &doc.roles {
        for (i, g) in role.grants.iter().enumerate() {
            if g.perms.contains(Perm::IMPERSONATE) && g.scope == Scope::All {
                out.push(
                    "impersonate-scope-all",
                    roles.key(rid).key("grants").index(i),
                    format!("role {rid} may impersonate anyone, internal administrators included"),
                );
            }
        }
    }
    let bpo = bpo_roles(doc);
    for (id, perm, what) in [
        (
            "bpo-reporting-scope-all",
            Perm::REPORTING_VIEW,
            "reporting data",
        ),
        ("bpo-queue-scope-all", Perm::QUEUE_VIEW, "queues"),
    ] {
        for (rid, role) in &doc.roles {
            if !bpo.contains(rid.as_str()) {
                continue;
            }
            for (i, g) in role.grants.iter().enumerate() {
                if g.perms.contains(perm) && g.scope == Scope::All {
                    out.push(id, roles.key(rid).key("grants").index(i), format!("role {rid} is held by BPO users and shows {what} of the whole organisation"));
                }
            }
        }
    }
    for (gid, group) in doc.groups.iter().filter(|(_, g)| g.bpo) {
        for m in &group.members {
            if doc.user(m).is_some_and(|u| !u.bpo) {
                out.push("bpo-flag-missing", users.key(m), format!("{m} is in BPO group {gid} but is not flagged bpo: treated as an internal user"));
            }
        }
    }
    for (rid, role) in &doc.roles {
        for (i, g) in role.grants.iter().enumerate() {
            if g.cross_region && g.perms != PermSet::of(Perm::METADATA_VIEW) {
                out.push(
                    "cross-region-media",
                    roles.key(rid).key("grants").index(i).key("crossRegion"),
                    format!(
                        "crossRegion on {}: only recording:metadata:view may cross regions",
                        g.permission
                    ),
                );
            }
        }
    }
    let screen = PermSet::of(Perm::SCREEN_VIEW).union(PermSet::of(Perm::SCREEN_DELETE));
    let agents: crate::compile::HashSet<&str> = doc
        .queues
        .iter()
        .flat_map(|(_, q)| q.members.iter().map(String::as_str))
        .collect();
    for (uid, _) in &doc.users {
        if agents.contains(uid.as_str()) && user_perms(doc, uid).intersects(screen) {
            out.push(
                "agent-can-view-screens",
                users.key(uid),
                format!(
                    "{uid} is a queue member (an agent) and can view or delete screen recordings"
                ),
            );
        }
    }
    let destructive = PermSet::of(Perm::RECORDING_DELETE)
        .union(PermSet::of(Perm::SCREEN_DELETE))
        .union(PermSet::of(Perm::RECORDING_BLACKOUT));
    let active: Vec<&String> = doc
        .users
        .iter()
        .filter(|(_, u)| !u.disabled)
        .map(|(k, _)| k)
        .collect();
    let holders = active
        .iter()
        .filter(|u| {
            let granted = user_perms(doc, u);
            let denied = user_blanket_denies(doc, u);
            destructive
                .iter()
                .any(|p| granted.contains(p) && !denied.contains(p))
        })
        .count();
    if !active.is_empty() && holders * 10 > active.len() {
        out.push(
            "destructive-spread",
            users.clone(),
            format!(
                "{holders} of {} active users can delete or black out recordings (over 10%)",
                active.len()
            ),
        );
    }
    if doc.settings.recording_mode == RecordingMode::Continuous {
        out.push(
            "record-all",
            settings.key("recordingMode"),
            String::from("continuous recording captures idle time and personal activity"),
        );
    }
    match doc.settings.retention_screen {
        Some(d) if !(7..=365).contains(&d) => out.push(
            "retention-range",
            settings.key("retentionDays").key("screen"),
            format!("screen recordings kept {d} days, outside 7–365"),
        ),
        None => out.push(
            "retention-range",
            settings.key("retentionDays"),
            String::from("no screen retention: screen recordings are kept forever"),
        ),
        _ => {}
    }
    if !doc.settings.consent_notice {
        out.push(
            "consent-notice-off",
            settings.key("consentNotice"),
            String::from("agents are not told their screens may be recorded"),
        );
    }
    let impersonating_services: Vec<&String> = doc
        .users
        .iter()
        .filter(|(k, u)| {
            u.kind == UserKind::Service && user_perms(doc, k).contains(Perm::IMPERSONATE)
        })
        .map(|(k, _)| k)
        .collect();
    if doc.settings.token_max_age_seconds > 300 && !impersonating_services.is_empty() {
        out.push(
            "token-max-age",
            settings.key("tokenMaxAgeSeconds"),
            format!(
                "tokens live {} s while service accounts may impersonate ({})",
                doc.settings.token_max_age_seconds,
                impersonating_services
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let mut used: Vec<&str> = Vec::new();
    for (_, u) in &doc.users {
        for a in &u.roles {
            for (r, _) in effective_grant_perms(doc, &a.role) {
                if let Some((k, _)) = doc.roles.iter().find(|(k, _)| *k == r) {
                    used.push(k.as_str());
                }
            }
        }
    }
    for (rid, role) in &doc.roles {
        if !used.contains(&rid.as_str()) && !role.system {
            out.push(
                "unused-role",
                roles.key(rid),
                format!("role {rid} is assigned to no one, directly or by inheritance"),
            );
        }
    }
    for (uid, u) in &doc.users {
        let mut admin = false;
        let mut qa = false;
        for a in &u.roles {
            let set = effective_grant_perms(doc, &a.role)
                .into_iter()
                .fold(PermSet::EMPTY, |acc, (_, s)| acc.union(s));
            if doc
                .role(&a.role)
                .is_some_and(|r| r.grants.iter().any(|g| g.permission == "*:*:*"))
            {
                admin = true;
            } else if set.contains(Perm::ANNOTATION_ADD) || set.contains(Perm::SCREEN_VIEW) {
                qa = true;
            }
        }
        if admin && qa {
            out.push(
                "over-privileged",
                users.key(uid),
                format!("{uid} holds *:*:* together with a QA role"),
            );
        }
    }
    out.0
}

/// Permissions a user is denied everywhere: denies with scope `all` and no
/// `when` (denies ignore assignment divisions).
fn user_blanket_denies(doc: &PolicyDoc, uid: &str) -> PermSet {
    let Some(u) = doc.user(uid) else {
        return PermSet::EMPTY;
    };
    let mut out = PermSet::EMPTY;
    for a in &u.roles {
        for (rid, _) in effective_grant_perms(doc, &a.role) {
            if let Some(role) = doc.role(&rid) {
                for d in role
                    .denies
                    .iter()
                    .filter(|d| d.scope == Scope::All && d.when.is_empty())
                {
                    out = out.union(d.perms);
                }
            }
        }
    }
    out
}

/// Every permission any of the user's roles grants (denies and scopes aside).
fn user_perms(doc: &PolicyDoc, uid: &str) -> PermSet {
    doc.user(uid).map_or(PermSet::EMPTY, |u| {
        u.roles
            .iter()
            .flat_map(|a| effective_grant_perms(doc, &a.role))
            .fold(PermSet::EMPTY, |acc, (_, s)| acc.union(s))
    })
}

fn bpo_roles(doc: &PolicyDoc) -> crate::compile::HashSet<String> {
    doc.users
        .iter()
        .filter(|(_, u)| u.bpo)
        .flat_map(|(_, u)| {
            u.roles
                .iter()
                .flat_map(|a| effective_grant_perms(doc, &a.role))
        })
        .map(|(r, _)| r)
        .collect()
}
