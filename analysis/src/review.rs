//! The periodic access review: for each recording permission, who holds it,
//! over which scope, through which role (assigned, or inherited from) and
//! which divisions — and who is denied it — with the lint findings (SPEC §7)
//! beside the rows they concern. A row marks whether the holder's query plan
//! reaches any recording at all at the review time (`reaches`): a grant that
//! a deny, a region or a prerequisite takes away entirely is still listed, as
//! an auditor expects, but flagged.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use recgate_core::catalog::Perm;
use recgate_core::lint::{lint, LintFinding};
use recgate_core::model::{Rule, Scope};
use recgate_core::{Policy, Timestamp};

use crate::formula::is_never;
use crate::roles::held_roles;

/// A grant or a deny a user holds for one permission.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewRow {
    /// The catalog permission reviewed.
    pub permission: &'static str,
    /// `grant` or `deny`.
    pub effect: &'static str,
    /// User id.
    pub user: String,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A service account.
    pub service: bool,
    /// A BPO partner's user.
    pub bpo: bool,
    /// Disabled users hold nothing in effect.
    pub disabled: bool,
    /// The role assigned.
    pub role: String,
    /// The role defining the rule, when inherited from another.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<String>,
    /// The assignment's divisions (`*`: every division).
    pub divisions: Vec<String>,
    /// The rule's permission or pattern as written.
    pub rule: String,
    /// Its scope.
    pub scope: Scope,
    /// Its conditions, as `key in [..]` phrases.
    pub when: Vec<String>,
    /// `crossRegion`.
    pub cross_region: bool,
    /// Whether the user's plan for the permission reaches any recording at the review time.
    pub reaches: bool,
    /// Indices into [`Review::findings`] of the findings about this row's user or role.
    pub findings: Vec<usize>,
}

/// The review.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    /// The policy revision.
    pub revision: String,
    /// The policy's content hash.
    pub content_hash: String,
    /// The review time.
    pub now: String,
    /// The permissions reviewed (every recording permission of the catalog), in catalog order.
    pub permissions: Vec<&'static str>,
    /// Rows: by permission, then user in document order, then role order.
    pub rows: Vec<ReviewRow>,
    /// Every lint finding.
    pub findings: Vec<LintFinding>,
    /// Indices of the findings that concern no row (settings, the organisation as a whole, or holders of other permissions).
    pub unattached: Vec<usize>,
}

/// The first reference tokens of a JSON pointer, unescaped (RFC 6901).
fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .take(2)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn when_phrases(rule: &Rule) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(q) = &rule.when.queues {
        out.push(alloc::format!("queue in [{}]", q.join(", ")));
    }
    if let Some(m) = &rule.when.media {
        let names: Vec<&str> = m.iter().map(|x| x.as_str()).collect();
        out.push(alloc::format!("media in [{}]", names.join(", ")));
    }
    if let Some(d) = &rule.when.directions {
        let names: Vec<&str> = d.iter().map(|x| x.as_str()).collect();
        out.push(alloc::format!("direction in [{}]", names.join(", ")));
    }
    out
}

/// The access review of `policy` at `now`.
pub fn review(policy: &Policy, now: Timestamp) -> Review {
    let doc = policy.doc();
    let findings = lint(doc);
    let about: Vec<Vec<String>> = findings.iter().map(|f| tokens(&f.path)).collect();
    let permissions: Vec<Perm> = Perm::all().filter(|p| p.on_recordings()).collect();
    let mut rows = Vec::new();
    for perm in &permissions {
        for (uid, user) in &doc.users {
            let held = held_roles(doc, uid);
            let mut mine: Vec<ReviewRow> = Vec::new();
            for h in &held {
                for (effect, rules) in [("grant", &h.role.grants), ("deny", &h.role.denies)] {
                    for rule in rules.iter().filter(|r| r.perms.contains(*perm)) {
                        let concern = |i: &usize| match about.get(*i).map(Vec::as_slice) {
                            Some([kind, id]) if kind == "users" => id == uid,
                            Some([kind, id]) if kind == "roles" => id == h.id,
                            _ => false,
                        };
                        mine.push(ReviewRow {
                            permission: perm.name(),
                            effect,
                            user: uid.clone(),
                            name: user.name.clone(),
                            service: user.kind == recgate_core::model::UserKind::Service,
                            bpo: user.bpo,
                            disabled: user.disabled,
                            role: h.assignment.role.clone(),
                            inherited_from: (h.id != h.assignment.role).then(|| h.id.to_string()),
                            divisions: h.assignment.divisions.clone(),
                            rule: rule.permission.clone(),
                            scope: rule.scope.clone(),
                            when: when_phrases(rule),
                            cross_region: rule.cross_region,
                            reaches: false,
                            findings: (0..findings.len()).filter(concern).collect(),
                        });
                    }
                }
            }
            if mine.is_empty() {
                continue;
            }
            let reaches = policy
                .plan(uid, perm.name(), now)
                .is_ok_and(|plan| !is_never(&plan.filter));
            for row in &mut mine {
                row.reaches = reaches;
            }
            rows.extend(mine);
        }
    }
    let unattached = (0..findings.len())
        .filter(|i| !rows.iter().any(|r| r.findings.contains(i)))
        .collect();
    Review {
        revision: policy.revision().into(),
        content_hash: policy.content_hash().into(),
        now: now.to_string(),
        permissions: permissions.iter().map(|p| p.name()).collect(),
        rows,
        findings,
        unattached,
    }
}
