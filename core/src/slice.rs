//! Principal slices (SPEC §5): the smallest policy that decides every request
//! whose principal or actor is one user as the full policy does, so that a
//! browser receives only what its user's decisions need — never the whole
//! organisation (a BPO agent must not learn internal headcount).
//!
//! Non-disclosure: a queue or user that no grant of the principal can ever
//! reach, or an actor that can never impersonate them, is left out. A request
//! naming one gets `unknown_resource` / `unknown_principal` from the slice where
//! the full policy says a different deny reason; allow, deny and obligations
//! are always identical.

use crate::compile::HashSet;
use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::{Applies, Perm};
use crate::model::{Group, PolicyDoc, Queue, Scope, SliceOf, User};
use crate::policy::Policy;
use crate::request::{Named, Report, Resource};

/// Why a slice could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SliceError {
    /// No such user.
    UnknownPrincipal(String),
}

impl core::fmt::Display for SliceError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self {
            SliceError::UnknownPrincipal(u) => write!(f, "unknown principal \"{u}\""),
        }
    }
}

impl core::error::Error for SliceError {}

#[derive(Default)]
struct SliceContents {
    full_users: Vec<String>,
    stub_users: HashSet<String>,
    roles: HashSet<String>,
    groups: HashSet<String>,
    views: HashSet<String>,
    queues: HashSet<String>,
    divisions: HashSet<String>,
}

impl Policy {
    /// The slice for one principal. It carries `sliceOf`: the principal and
    /// the content hash of the whole policy (of the policy this one was cut
    /// from, when this one is itself a slice).
    pub fn slice(&self, principal: &str) -> Result<PolicyDoc, SliceError> {
        let doc = self.doc();
        if doc.user(principal).is_none() {
            return Err(SliceError::UnknownPrincipal(principal.into()));
        }
        let mut keep = SliceContents::default();
        // The principal, everyone they may impersonate, and everyone who may impersonate them.
        let mut full: Vec<String> = alloc::vec![String::from(principal)];
        for (uid, _) in &doc.users {
            if uid != principal && impersonation_possible(self, principal, uid) {
                full.push(uid.clone());
            }
        }
        let mut actors: Vec<String> = Vec::new();
        for (uid, _) in &doc.users {
            if uid != principal && impersonation_possible(self, uid, principal) {
                actors.push(uid.clone());
            }
        }
        for u in &full {
            self.keep_user(u, &mut keep, false);
        }
        for a in &actors {
            self.keep_user(a, &mut keep, true);
        }
        let mut slice = self.build(&keep);
        slice.slice_of = Some(SliceOf {
            principal: principal.into(),
            revision_hash: self.source_hash().into(),
        });
        Ok(slice)
    }

    /// Keeps a user with the roles (all, or only those touching
    /// impersonation) and everything those roles' rules mention.
    fn keep_user(&self, uid: &str, keep: &mut SliceContents, impersonation_only: bool) {
        let doc = self.doc();
        let Some(user) = doc.user(uid) else { return };
        if !keep.full_users.iter().any(|u| u == uid) {
            keep.full_users.push(uid.into());
        }
        keep.divisions.insert(user.division.clone());
        let imp = crate::catalog::PermSet::of(Perm::IMPERSONATE);
        for a in &user.roles {
            let chain = crate::license::effective_grant_perms(doc, &a.role);
            let touches = chain.iter().any(|(r, _)| {
                doc.role(r).is_some_and(|role| {
                    role.grants
                        .iter()
                        .chain(&role.denies)
                        .any(|g| g.perms.intersects(imp))
                })
            });
            if impersonation_only && !touches {
                continue;
            }
            keep.divisions
                .extend(a.divisions.iter().filter(|d| *d != "*").cloned());
            for (rid, _) in chain {
                let Some(role) = doc.role(&rid) else { continue };
                keep.roles.insert(rid.clone());
                for rule in role.grants.iter().chain(&role.denies) {
                    match &rule.scope {
                        Scope::Group(g) => self.keep_group(g, keep),
                        Scope::View(v) => self.keep_view(v, keep),
                        _ => {}
                    }
                    for q in rule.when.queues.iter().flatten() {
                        self.keep_queue(q, keep);
                    }
                }
            }
        }
        // Queues and users this principal's grants can reach, as resources.
        if !impersonation_only {
            self.keep_reachable(uid, keep);
        }
    }

    fn keep_reachable(&self, uid: &str, keep: &mut SliceContents) {
        let doc = self.doc();
        // A reporting row names a user and a queue (SPEC §2) and both must exist
        // (step 2); its division is the queue's, its region the user's. A row
        // reached through one of them may name any other, and is allowed only
        // when that other exists: reached through a user, any queue of a
        // division the principal's assignments hold; through a queue, any user
        // of the principal's region (step 9). Those are kept; the rest would be
        // denied by the full policy too, which the slice may word as
        // `unknown_resource` (docs/policy.md, "Slices and non-disclosure").
        let mut report_by_user = false;
        let mut report_by_queue = false;
        for (qid, _) in &doc.queues {
            let as_queue = Resource::Queue(Named { id: qid.clone() });
            let as_report = Resource::Report(Report {
                user: None,
                queue: Some(qid.clone()),
            });
            let by_report = reachable(self, uid, &as_report, Applies::Report);
            report_by_queue |= by_report;
            if by_report || reachable(self, uid, &as_queue, Applies::Queue) {
                self.keep_queue(qid, keep);
            }
        }
        for (other, _) in &doc.users {
            let as_user = Resource::User(Named { id: other.clone() });
            let as_report = Resource::Report(Report {
                user: Some(other.clone()),
                queue: None,
            });
            let by_report = reachable(self, uid, &as_report, Applies::Report);
            report_by_user |= by_report;
            if by_report || reachable(self, uid, &as_user, Applies::User) {
                keep.stub_users.insert(other.clone());
            }
        }
        let Some(me) = doc.user(uid) else { return };
        if report_by_user {
            let every = me
                .roles
                .iter()
                .any(|a| a.divisions.iter().any(|d| d == "*"));
            for (qid, q) in &doc.queues {
                let held = me.roles.iter().any(|a| a.divisions.contains(&q.division));
                if every || held {
                    self.keep_queue(qid, keep);
                }
            }
        }
        if report_by_queue {
            let same_region = doc.users.iter().filter(|(_, u)| u.region == me.region);
            keep.stub_users
                .extend(same_region.map(|(other, _)| other.clone()));
        }
    }

    fn keep_group(&self, g: &str, keep: &mut SliceContents) {
        if !keep.groups.insert(g.into()) {
            return;
        }
        if let Some((_, group)) = self.doc().groups.iter().find(|(k, _)| k == g) {
            keep.stub_users.extend(group.members.iter().cloned());
        }
    }

    fn keep_view(&self, v: &str, keep: &mut SliceContents) {
        if !keep.views.insert(v.into()) {
            return;
        }
        if let Some((_, view)) = self.doc().views.iter().find(|(k, _)| k == v) {
            for q in &view.queues {
                self.keep_queue(q, keep);
            }
            keep.stub_users.extend(view.users.iter().cloned());
            for g in &view.groups {
                self.keep_group(g, keep);
            }
        }
    }

    fn keep_queue(&self, q: &str, keep: &mut SliceContents) {
        if !keep.queues.insert(q.into()) {
            return;
        }
        if let Some((_, queue)) = self.doc().queues.iter().find(|(k, _)| k == q) {
            keep.divisions.insert(queue.division.clone());
            for g in &queue.groups {
                self.keep_group(g, keep);
            }
        }
    }

    fn build(&self, keep: &SliceContents) -> PolicyDoc {
        let doc = self.doc();
        let full: HashSet<&str> = keep.full_users.iter().map(String::as_str).collect();
        let mut users: Vec<(String, User)> = Vec::new();
        let mut divisions: HashSet<String> = keep.divisions.clone();
        for (uid, u) in &doc.users {
            if full.contains(uid.as_str()) {
                users.push((uid.clone(), u.clone()));
            } else if keep.stub_users.contains(uid) {
                divisions.insert(u.division.clone());
                users.push((
                    uid.clone(),
                    User {
                        name: None,
                        kind: u.kind,
                        roles: Vec::new(),
                        division: u.division.clone(),
                        region: u.region.clone(),
                        bpo: u.bpo,
                        lines: Vec::new(),
                        revoked_sessions: Vec::new(),
                        disabled: u.disabled,
                    },
                ));
            }
        }
        let groups: Vec<(String, Group)> = doc
            .groups
            .iter()
            .filter(|(k, _)| keep.groups.contains(k))
            .cloned()
            .collect();
        let queues: Vec<(String, Queue)> = doc
            .queues
            .iter()
            .filter(|(k, _)| keep.queues.contains(k))
            .map(|(k, q)| {
                // Only slice users' own memberships matter to their decisions.
                let members = q
                    .members
                    .iter()
                    .filter(|m| full.contains(m.as_str()))
                    .cloned()
                    .collect();
                let groups = q
                    .groups
                    .iter()
                    .filter(|g| keep.groups.contains(*g))
                    .cloned()
                    .collect();
                (
                    k.clone(),
                    Queue {
                        members,
                        groups,
                        ..q.clone()
                    },
                )
            })
            .collect();
        let views = doc
            .views
            .iter()
            .filter(|(k, _)| keep.views.contains(k))
            .cloned()
            .collect();
        let roles = doc
            .roles
            .iter()
            .filter(|(k, _)| keep.roles.contains(k))
            .cloned()
            .collect();
        for (_, u) in users.iter_mut() {
            u.roles.retain(|a| keep.roles.contains(&a.role));
            divisions.extend(
                u.roles
                    .iter()
                    .flat_map(|a| a.divisions.iter())
                    .filter(|d| *d != "*")
                    .cloned(),
            );
        }
        PolicyDoc {
            revision: doc.revision.clone(),
            settings: doc.settings.clone(),
            divisions: doc
                .divisions
                .iter()
                .filter(|(k, _)| k == "home" || divisions.contains(k))
                .cloned()
                .collect(),
            groups,
            queues,
            views,
            roles,
            users,
            prerequisites: doc.prerequisites.clone(),
            slice_of: None,
        }
    }
}

/// Whether any grant of the subject for a permission of this kind could ever
/// reach the resource (scope only: divisions, denies and conditions aside).
fn reachable(policy: &Policy, user: &str, r: &Resource, applies: Applies) -> bool {
    Perm::all()
        .filter(|p| p.applies() == applies)
        .any(|p| policy.scope_reaches(user, p, r))
}

/// Whether `actor` holds an impersonation grant whose scope covers `principal`.
fn impersonation_possible(policy: &Policy, actor: &str, principal: &str) -> bool {
    policy.scope_reaches(
        actor,
        Perm::IMPERSONATE,
        &Resource::User(Named {
            id: principal.into(),
        }),
    )
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests: a panic is a failed test")]
mod tests {
    use crate::policy::Policy;

    const ORG: &str = r#"{"schema":"recgate/v1","revision":"r1",
      "roles":{"qa":{"grants":[{"permission":"recording:recording:view","scope":"self"}]}},
      "users":{"quinn":{"roles":[{"role":"qa"}]},"avery":{"roles":[{"role":"qa"}]}}}"#;

    /// A slice names its principal and the whole policy's hash; its own hash
    /// differs, a slice of it keeps the organisation's, and a policy that is
    /// no slice is its own source.
    #[test]
    fn a_slice_carries_the_whole_policys_hash() {
        let org = Policy::from_json(ORG).unwrap();
        assert_eq!(org.source_hash(), org.content_hash());
        let doc = org.slice("quinn").unwrap();
        let of = doc.slice_of.clone().unwrap();
        assert_eq!(of.principal, "quinn");
        assert_eq!(of.revision_hash, org.content_hash());
        let slice = Policy::from_json(&doc.to_json()).unwrap();
        assert_eq!(
            slice.doc().slice_of,
            doc.slice_of,
            "sliceOf survives the canonical form"
        );
        assert_eq!(slice.source_hash(), org.content_hash());
        assert_ne!(slice.content_hash(), org.content_hash());
        let again = Policy::from_json(&slice.slice("quinn").unwrap().to_json()).unwrap();
        assert_eq!(again.source_hash(), org.content_hash());
    }
}
