//! License impact (seed 004): a user's license follows the most expensive
//! permission in any role they hold. The default tier table is illustrative —
//! vendors price differently — and `settings.licenseTiers` overrides it.

use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::{pattern_matches, Perm, PermSet};
use crate::model::PolicyDoc;
pub use crate::model::Tier;

/// The illustrative default: what each permission costs.
pub fn default_tier(p: Perm) -> Tier {
    let name = p.name();
    match name {
        "directory:user:view" => Tier::Collaborate,
        "telephony:callControl:access" => Tier::Communicate,
        "telephony:agent:access" | "routing:queue:join" | "routing:queue:view" => Tier::Cx1,
        _ if name.starts_with("recording:") || name.starts_with("conversation:transcript") => {
            Tier::Cx3
        }
        _ => Tier::Cx2,
    }
}

/// The tier of a permission under a policy's overrides: when several
/// override patterns match, the most expensive wins (a JSON object has no
/// order to rely on).
pub fn tier_of(doc: &PolicyDoc, p: Perm) -> Tier {
    doc.settings
        .license_tiers
        .iter()
        .filter(|(pat, _)| pattern_matches(pat, p.name()))
        .map(|(_, t)| *t)
        .max()
        .unwrap_or_else(|| default_tier(p))
}

/// One user's license.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserLicense {
    /// User id.
    pub user: String,
    /// The tier their roles require.
    pub tier: Tier,
    /// The permission that sets it (the first in catalog order at that tier); `None` when the user holds nothing.
    pub driver: Option<Perm>,
    /// The role that grants the driver.
    pub role: Option<String>,
}

/// Each user's tier, in document order. Denies do not lower a license: the
/// vendor bills for what roles grant.
pub fn licenses(doc: &PolicyDoc) -> Vec<UserLicense> {
    let mut out = Vec::new();
    for (uid, user) in &doc.users {
        let mut best: Option<(Tier, Perm, String)> = None;
        for a in &user.roles {
            for (role_id, perms) in effective_grant_perms(doc, &a.role) {
                for p in perms.iter() {
                    let t = tier_of(doc, p);
                    if best.as_ref().map_or(true, |(bt, _, _)| t > *bt) {
                        best = Some((t, p, role_id.clone()));
                    }
                }
            }
        }
        out.push(match best {
            Some((tier, p, role)) => UserLicense {
                user: uid.clone(),
                tier,
                driver: Some(p),
                role: Some(role),
            },
            None => UserLicense {
                user: uid.clone(),
                tier: Tier::Collaborate,
                driver: None,
                role: None,
            },
        });
    }
    out
}

/// The permissions granted by a role and everything it inherits, per
/// defining role, in [`PolicyDoc::role_chain`] order.
pub(crate) fn effective_grant_perms(doc: &PolicyDoc, role: &str) -> Vec<(String, PermSet)> {
    doc.role_chain_of(role)
        .into_iter()
        .map(|(id, def)| {
            let set = def
                .grants
                .iter()
                .fold(PermSet::EMPTY, |acc, g| acc.union(g.perms));
            (String::from(id), set)
        })
        .collect()
}
