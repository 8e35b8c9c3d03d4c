//! The roles a user holds, inheritance followed (SPEC §1 "Role inheritance"):
//! what the access review lists and what claim selectors and the impersonation
//! search read. Order follows the decision's own (docs/policy.md, "Which grant
//! is reported"): assignments in order, each role before the roles it inherits.

use alloc::string::String;
use alloc::vec::Vec;

use recgate_core::catalog::Perm;
use recgate_core::model::{Assignment, PolicyDoc, Role};

/// One role reached through one assignment.
#[derive(Debug, Clone, Copy)]
pub struct HeldRole<'d> {
    /// The assignment (the role assigned and its divisions).
    pub assignment: &'d Assignment,
    /// The id of the role whose rules these are: the assigned role or one it inherits.
    pub id: &'d str,
    /// Its definition.
    pub role: &'d Role,
}

/// Every role `user` holds, each assignment's own role before those it inherits.
pub fn held_roles<'d>(doc: &'d PolicyDoc, user: &str) -> Vec<HeldRole<'d>> {
    let mut out = Vec::new();
    let Some(u) = doc.user(user) else {
        return out;
    };
    for assignment in &u.roles {
        let mut seen: Vec<&str> = Vec::new();
        let mut queue: Vec<&str> = alloc::vec![assignment.role.as_str()];
        // Breadth first: the assigned role, then what it inherits, in order.
        let mut at = 0;
        while let Some(id) = queue.get(at).copied() {
            at += 1;
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            if let Some((key, role)) = doc.roles.iter().find(|(k, _)| k == id) {
                out.push(HeldRole {
                    assignment,
                    id: key.as_str(),
                    role,
                });
                queue.extend(role.inherits.iter().map(String::as_str));
            }
        }
    }
    out
}

/// Whether `user` holds role `role` (assigned, or inherited through an assignment).
pub fn holds_role(doc: &PolicyDoc, user: &str, role: &str) -> bool {
    held_roles(doc, user).iter().any(|h| h.id == role)
}

/// Whether any role of `user` grants a rule matching `perm`.
pub fn has_grant(doc: &PolicyDoc, user: &str, perm: Perm) -> bool {
    held_roles(doc, user)
        .iter()
        .any(|h| h.role.grants.iter().any(|g| g.perms.contains(perm)))
}

/// Whether `user` is a member of group `group`.
pub fn in_group(doc: &PolicyDoc, user: &str, group: &str) -> bool {
    doc.groups
        .iter()
        .any(|(k, g)| k == group && g.members.iter().any(|m| m == user))
}
