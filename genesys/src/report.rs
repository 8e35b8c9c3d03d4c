//! The mapping report: what the import did with every Genesys permission,
//! condition and access policy, and what it could not carry over. Nothing is
//! imported silently wider than the export: whatever has no exact recgate
//! equivalent is dropped here, by name, with the reason.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A role, by id and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct RoleName {
    /// Genesys id (the recgate role id).
    pub id: String,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A Genesys permission (`domain:entity:action`, parts may be `*`) and where it went.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PermissionMapping {
    /// As Genesys names it.
    pub genesys: String,
    /// The catalog entries it became (empty: unmapped).
    pub catalog: Vec<&'static str>,
    /// The roles that hold it.
    pub roles: Vec<RoleName>,
}

/// A condition carried over.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConditionMapping {
    /// The role.
    pub role: RoleName,
    /// The permission policy (`domain:entity:[actions]`).
    pub policy: String,
    /// The condition, as one line.
    pub condition: String,
    /// The grants it became, each as `scope …; when …`.
    pub grants: Vec<String>,
}

/// A permission policy whose grants were not imported.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Dropped {
    /// The role.
    pub role: RoleName,
    /// The permission policy (`domain:entity:[actions]`).
    pub policy: String,
    /// The catalog permissions the role therefore does not get.
    pub permissions: Vec<&'static str>,
    /// The condition, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Why.
    pub reason: String,
}

/// An access policy (ABAC) and what it became.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccessPolicyMapping {
    /// Its id.
    pub id: String,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What it became.
    pub outcome: String,
}

/// The whole report.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    /// Counts of what was imported.
    pub imported: BTreeMap<&'static str, usize>,
    /// Every Genesys permission held by a role, mapped or not.
    pub permissions: Vec<PermissionMapping>,
    /// Every condition translated into scopes and `when`.
    pub conditions: Vec<ConditionMapping>,
    /// Every permission policy dropped, with the reason.
    pub dropped: Vec<Dropped>,
    /// Every access policy and what it became.
    pub access_policies: Vec<AccessPolicyMapping>,
    /// Everything else worth knowing (references to missing objects, state not imported).
    pub notes: Vec<String>,
}

impl ImportReport {
    /// The permissions that map to nothing.
    pub fn unmapped(&self) -> impl Iterator<Item = &PermissionMapping> {
        self.permissions.iter().filter(|p| p.catalog.is_empty())
    }

    /// Whether anything was left out (unmapped, dropped or noted).
    pub fn lossless(&self) -> bool {
        self.unmapped().next().is_none() && self.dropped.is_empty() && self.notes.is_empty()
    }

    /// The report as text, for a terminal.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let role_list = |roles: &[RoleName]| {
            roles
                .iter()
                .map(|r| match &r.name {
                    Some(n) => format!("{n} ({})", r.id),
                    None => r.id.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let counts: Vec<String> = self
            .imported
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect();
        let _ = writeln!(o, "imported: {}", counts.join(", "));
        let mapped = self
            .permissions
            .iter()
            .filter(|p| !p.catalog.is_empty())
            .count();
        let _ = writeln!(
            o,
            "permissions: {mapped} mapped to the catalog, {} unmapped",
            self.unmapped().count()
        );
        for p in self.permissions.iter().filter(|p| !p.catalog.is_empty()) {
            let _ = writeln!(o, "  {} → {}", p.genesys, p.catalog.join(", "));
        }
        for p in self.unmapped() {
            let _ = writeln!(
                o,
                "  unmapped {} (roles: {})",
                p.genesys,
                role_list(&p.roles)
            );
        }
        if !self.conditions.is_empty() {
            let _ = writeln!(o, "conditions translated: {}", self.conditions.len());
            for c in &self.conditions {
                let _ = writeln!(
                    o,
                    "  {} / {}: {} → {}",
                    role_list(std::slice::from_ref(&c.role)),
                    c.policy,
                    c.condition,
                    c.grants.join(" | ")
                );
            }
        }
        if !self.dropped.is_empty() {
            let _ = writeln!(
                o,
                "dropped (not imported, never widened): {}",
                self.dropped.len()
            );
            for d in &self.dropped {
                let _ = writeln!(
                    o,
                    "  {} / {}{}: {} [{}]",
                    role_list(std::slice::from_ref(&d.role)),
                    d.policy,
                    d.condition
                        .as_deref()
                        .map(|c| format!(" if {c}"))
                        .unwrap_or_default(),
                    d.reason,
                    d.permissions.join(", ")
                );
            }
        }
        if !self.access_policies.is_empty() {
            let _ = writeln!(o, "access policies: {}", self.access_policies.len());
            for a in &self.access_policies {
                let _ = writeln!(
                    o,
                    "  {} ({}): {}",
                    a.name.as_deref().unwrap_or(""),
                    a.id,
                    a.outcome
                );
            }
        }
        for n in &self.notes {
            let _ = writeln!(o, "note: {n}");
        }
        o
    }
}
