//! Builds the recgate/v1 policy from a read export: divisions, groups and
//! queues with their members, roles from permission policies (through
//! [`crate::permissions`] and [`crate::conditions`]), users and OAuth
//! clients with their grants, access policies as denies, and what the
//! overlay adds. Every map is sorted and every list ordered, so the same
//! export — whatever the order of its pages and entities — gives the same
//! policy text and content hash.

use std::collections::{BTreeMap, BTreeSet};

use recgate_core::catalog::Perm;
use recgate_core::Policy;
use serde_json::{json, Map, Value};

use crate::conditions::{describe, translate, Disjunct, ImportScope, Known};
use crate::model::{AuthorizationPolicy, Export};
use crate::permissions::{expand, split};
use crate::report::{
    AccessPolicyMapping, ConditionMapping, Dropped, ImportReport, PermissionMapping, RoleName,
};

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Import {
    /// The policy document.
    pub policy: Value,
    /// The document as pretty JSON (what `recgate import` writes).
    pub text: String,
    /// Its content hash (`recgate hash`).
    pub content_hash: String,
    /// What was mapped, translated and dropped.
    pub report: ImportReport,
}

/// Why no policy came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where the synthetic roles made from access policies start their ids.
pub const ACCESS_POLICY_ROLE: &str = "access-policy-";

struct Builder<'e> {
    export: &'e Export,
    report: ImportReport,
    /// Genesys permission → (catalog entries, roles holding it).
    permissions: BTreeMap<String, (Vec<Perm>, BTreeSet<RoleName>)>,
    divisions: BTreeMap<String, Value>,
    users: BTreeMap<String, Value>,
    /// Extra role assignments (access policies), by user.
    extra: BTreeMap<String, Vec<String>>,
    roles: BTreeMap<String, Value>,
}

fn role_name(id: &str, name: &Option<String>) -> RoleName {
    RoleName {
        id: id.to_string(),
        name: name.clone(),
    }
}

/// Sets a member of a JSON object (every value built here is one).
fn set(v: &mut Value, key: &str, value: Value) {
    if let Some(m) = v.as_object_mut() {
        m.insert(key.to_string(), value);
    }
}

/// Sets a string member when there is a value.
fn set_some(v: &mut Value, key: &str, value: Option<String>) {
    if let Some(x) = value {
        set(v, key, Value::String(x));
    }
}

fn grant_json(perm: Perm, d: &Disjunct) -> Value {
    let mut g = json!({ "permission": perm.name(), "scope": d.scope.clone().unwrap_or(ImportScope::All).to_json() });
    let mut when = Map::new();
    if let Some(q) = &d.queues {
        when.insert("queues".into(), json!(q));
    }
    if let Some(m) = &d.media {
        when.insert("media".into(), json!(m));
    }
    if let Some(x) = &d.directions {
        when.insert("directions".into(), json!(x));
    }
    if !when.is_empty() {
        set(&mut g, "when", Value::Object(when));
    }
    g
}

fn grant_text(d: &Disjunct) -> String {
    let list = |v: Vec<&str>| format!("[{}]", v.join(", "));
    let mut parts = vec![format!(
        "scope {}",
        d.scope.clone().unwrap_or(ImportScope::All).to_json()
    )];
    if let Some(q) = &d.queues {
        parts.push(format!(
            "when queues {}",
            list(q.iter().map(String::as_str).collect())
        ));
    }
    if let Some(m) = &d.media {
        parts.push(format!("when media {}", list(m.iter().copied().collect())));
    }
    if let Some(x) = &d.directions {
        parts.push(format!(
            "when directions {}",
            list(x.iter().copied().collect())
        ));
    }
    parts.join("; ")
}

impl<'e> Builder<'e> {
    fn note(&mut self, n: String) {
        self.report.notes.push(n);
    }

    fn divisions(&mut self) {
        for d in &self.export.divisions {
            let Some(id) = d.id.clone() else {
                self.note("a division without an id was skipped".into());
                continue;
            };
            let mut v = json!({});
            if let Some(n) = &d.name {
                set(&mut v, "name", json!(n));
            }
            self.divisions.insert(id, v);
        }
    }

    /// A division id users and queues may name: known, or added (and noted).
    fn division_ref(&mut self, id: &str, name: &Option<String>, by: &str) -> String {
        if !self.divisions.contains_key(id) {
            self.note(format!(
                "{by} names division {id}, not in divisions.json: added"
            ));
            let mut v = json!({});
            if let Some(n) = name {
                set(&mut v, "name", json!(n));
            }
            self.divisions.insert(id.to_string(), v);
        }
        id.to_string()
    }

    fn known_ids(&self) -> (BTreeSet<String>, BTreeSet<String>) {
        let groups = self
            .export
            .groups
            .iter()
            .filter_map(|g| g.id.clone())
            .collect();
        let queues = self
            .export
            .queues
            .iter()
            .filter_map(|q| q.id.clone())
            .collect();
        (groups, queues)
    }

    fn roles(&mut self) {
        let (groups, queues) = self.known_ids();
        let known = Known {
            groups: &groups,
            queues: &queues,
        };
        let export = self.export;
        for role in &export.roles {
            let Some(id) = role.id.clone() else {
                self.note(format!(
                    "role {} has no id: skipped",
                    role.name.as_deref().unwrap_or("(unnamed)")
                ));
                continue;
            };
            let who = role_name(&id, &role.name);
            let mut grants: BTreeSet<(Perm, Disjunct)> = BTreeSet::new();
            let mut covered: BTreeSet<String> = BTreeSet::new();
            for policy in &role.permission_policies {
                let domain = policy.domain.as_deref().unwrap_or("");
                let entity = policy.entity_name.as_deref().unwrap_or("");
                let label = format!("{domain}:{entity}:[{}]", policy.action_set.join(","));
                let mut perms: Vec<Perm> = Vec::new();
                for action in &policy.action_set {
                    let genesys = format!("{domain}:{entity}:{action}");
                    covered.insert(genesys.clone());
                    let found = expand(domain, entity, action);
                    let entry = self.permissions.entry(genesys).or_default();
                    entry.0 = found.clone();
                    entry.1.insert(who.clone());
                    perms.extend(found);
                }
                perms.sort();
                perms.dedup();
                if perms.is_empty() {
                    continue;
                }
                if domain.is_empty() || entity.is_empty() {
                    continue;
                }
                let dropped = |reason: String, condition: Option<String>| Dropped {
                    role: who.clone(),
                    policy: label.clone(),
                    permissions: perms.iter().map(|p| p.name()).collect(),
                    condition,
                    reason,
                };
                if !policy.named_resources.is_empty() {
                    let d = dropped(
                        format!("limited to {} named resource(s): recgate grants name no single objects", policy.named_resources.len()),
                        None,
                    );
                    self.report.dropped.push(d);
                    continue;
                }
                let disjuncts = match &policy.resource_condition_node {
                    None => vec![Disjunct::default()],
                    Some(node) => {
                        let text = describe(node);
                        match translate(node, &known) {
                            Err(reason) => {
                                let d = dropped(reason, Some(text));
                                self.report.dropped.push(d);
                                continue;
                            }
                            Ok(ds) if ds.is_empty() => {
                                let d = dropped("the condition can never hold".into(), Some(text));
                                self.report.dropped.push(d);
                                continue;
                            }
                            Ok(ds) => {
                                self.report.conditions.push(ConditionMapping {
                                    role: who.clone(),
                                    policy: label.clone(),
                                    condition: text,
                                    grants: ds.iter().map(grant_text).collect(),
                                });
                                ds
                            }
                        }
                    }
                };
                for p in &perms {
                    for d in &disjuncts {
                        grants.insert((*p, d.clone()));
                    }
                }
            }
            for flat in &role.permissions {
                if covered.contains(flat) {
                    continue;
                }
                let in_policies = split(flat).is_some_and(|(d, e, a)| {
                    let mine = expand(d, e, a);
                    !mine.is_empty() && mine.iter().all(|p| grants.iter().any(|(q, _)| q == p))
                });
                if !in_policies {
                    self.note(format!(
                        "role {} lists \"{flat}\" in permissions but not in permissionPolicies: not imported (the policies are authoritative)",
                        role.name.as_deref().unwrap_or(&id)
                    ));
                }
            }
            let cross: &[String] = export
                .overlay
                .cross_region
                .get(&id)
                .map_or(&[], Vec::as_slice);
            for c in cross {
                if !grants.iter().any(|(p, _)| p.name() == c) {
                    self.note(format!("recgate-overlay.json gives role {id} crossRegion on {c}, which the role does not grant"));
                }
            }
            let grants: Vec<Value> = grants
                .iter()
                .map(|(p, d)| {
                    let mut g = grant_json(*p, d);
                    if cross.iter().any(|c| c == p.name()) {
                        set(&mut g, "crossRegion", json!(true));
                    }
                    g
                })
                .collect();
            let mut v = json!({ "system": role.default.unwrap_or(false), "grants": grants });
            if let Some(n) = &role.name {
                set(&mut v, "name", json!(n));
            }
            if let Some(d) = role.description.as_ref().filter(|d| !d.is_empty()) {
                set(&mut v, "description", json!(d));
            }
            self.roles.insert(id, v);
        }
    }

    /// `[{ role, divisions }]` from (role id, division id) pairs, `*` winning.
    fn assignments(&mut self, who: &str, pairs: Vec<(String, String)>) -> Vec<Value> {
        let mut by_role: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (role, division) in pairs {
            if !self.roles.contains_key(&role) {
                self.note(format!(
                    "{who} is granted role {role}, not in roles.json: that grant is not imported"
                ));
                continue;
            }
            if division != "*" && !self.divisions.contains_key(&division) {
                self.note(format!("{who} is granted role {role} in division {division}, not in divisions.json: that grant is not imported"));
                continue;
            }
            by_role.entry(role).or_default().insert(division);
        }
        by_role
            .into_iter()
            .map(|(role, divisions)| {
                let divisions: Vec<String> = if divisions.contains("*") {
                    vec!["*".into()]
                } else {
                    divisions.into_iter().collect()
                };
                json!({ "role": role, "divisions": divisions })
            })
            .collect()
    }

    fn residency(&self, id: &str, division: Option<&str>) -> (Option<String>, bool) {
        let o = &self.export.overlay;
        let by_user = o.users.get(id);
        let by_division = division.and_then(|d| o.divisions.get(d));
        let region = by_user
            .and_then(|r| r.region.clone())
            .or_else(|| by_division.and_then(|r| r.region.clone()));
        let bpo = by_user
            .and_then(|r| r.bpo)
            .or_else(|| by_division.and_then(|r| r.bpo))
            .unwrap_or(false);
        (region, bpo)
    }

    fn users(&mut self) {
        let export = self.export;
        for u in &export.users {
            let Some(id) = u.id.clone() else {
                self.note("a user without an id was skipped".into());
                continue;
            };
            let division = u
                .division
                .as_ref()
                .and_then(|d| d.id.as_ref().map(|i| (i, &d.name)))
                .map(|(d, name)| self.division_ref(d, name, &format!("user {id}")));
            let pairs: Vec<(String, String)> = match export.subjects.get(&id) {
                Some(s) => s
                    .grants
                    .iter()
                    .filter_map(|g| {
                        Some((
                            g.role.as_ref()?.id.clone()?,
                            g.division.as_ref()?.id.clone()?,
                        ))
                    })
                    .collect(),
                None => {
                    self.note(format!(
                        "user {id} has no authorization/subjects/{id}.json: imported without roles"
                    ));
                    Vec::new()
                }
            };
            let roles = self.assignments(&format!("user {id}"), pairs);
            let (region, bpo) = self.residency(&id, division.as_deref());
            let lines: BTreeSet<String> = u
                .addresses
                .iter()
                .filter(|c| c.media_type.as_deref() == Some("PHONE"))
                .filter_map(|c| c.address.clone())
                .collect();
            let mut v = json!({
                "kind": "user", "roles": roles, "bpo": bpo, "lines": lines,
                "disabled": u.state.as_deref().is_some_and(|s| s != "active"),
            });
            set_some(&mut v, "name", u.name.clone());
            set_some(&mut v, "division", division);
            set_some(&mut v, "region", region);
            self.users.insert(id, v);
        }
        for c in &export.clients {
            let Some(id) = c.id.clone() else { continue };
            if c.authorized_grant_type.as_deref() != Some("CLIENT-CREDENTIALS") {
                if !c.role_divisions.is_empty() {
                    self.note(format!("OAuth client {id} ({}) acts as the user who signs in: its roles are not imported", c.authorized_grant_type.as_deref().unwrap_or("no grant type")));
                }
                continue;
            }
            if self.users.contains_key(&id) {
                self.note(format!("OAuth client {id} has the id of a user: skipped"));
                continue;
            }
            let pairs = c
                .role_divisions
                .iter()
                .filter_map(|rd| Some((rd.role_id.clone()?, rd.division_id.clone()?)))
                .collect();
            let roles = self.assignments(&format!("OAuth client {id}"), pairs);
            // Genesys gives a client no division: it lives in the org's home division.
            let home = export
                .divisions
                .iter()
                .find(|d| d.home_division == Some(true))
                .and_then(|d| d.id.clone());
            let (region, bpo) = self.residency(&id, home.as_deref());
            let mut v = json!({
                "kind": "service", "roles": roles, "bpo": bpo,
                "disabled": c.state.as_deref().is_some_and(|s| s != "active"),
            });
            set_some(&mut v, "name", c.name.clone());
            set_some(&mut v, "region", region);
            set_some(&mut v, "division", home);
            self.users.insert(id, v);
        }
        let overlay_ids: Vec<String> = export
            .overlay
            .users
            .keys()
            .filter(|k| !self.users.contains_key(*k))
            .cloned()
            .collect();
        for k in overlay_ids {
            self.note(format!(
                "recgate-overlay.json names user {k}, not in the export"
            ));
        }
        let unknown_roles: Vec<String> = export
            .overlay
            .cross_region
            .keys()
            .filter(|k| !self.roles.contains_key(*k))
            .cloned()
            .collect();
        for k in unknown_roles {
            self.note(format!(
                "recgate-overlay.json gives crossRegion to role {k}, not in roles.json"
            ));
        }
    }

    fn members_of(&mut self, what: &str, id: &str, list: Option<&Vec<String>>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for m in list.into_iter().flatten() {
            if self.users.contains_key(m) {
                out.insert(m.clone());
            } else {
                self.note(format!(
                    "{what} {id} lists member {m}, not a user of the export: left out"
                ));
            }
        }
        out
    }

    fn groups(&mut self) -> Value {
        let export = self.export;
        let mut out = Map::new();
        for g in &export.groups {
            let Some(id) = g.id.clone() else { continue };
            let members = self.members_of("group", &id, export.group_members.get(&id));
            let bpo = export
                .overlay
                .groups
                .get(&id)
                .and_then(|f| f.bpo)
                .unwrap_or(false);
            let mut v = json!({ "members": members, "bpo": bpo });
            set_some(&mut v, "name", g.name.clone());
            out.insert(id, v);
        }
        Value::Object(out)
    }

    fn queues(&mut self, groups: &Value) -> Value {
        let export = self.export;
        let mut out = Map::new();
        for q in &export.queues {
            let Some(id) = q.id.clone() else { continue };
            let division = match q
                .division
                .as_ref()
                .and_then(|d| d.id.as_ref().map(|i| (i, &d.name)))
            {
                Some((d, name)) => self.division_ref(d, name, &format!("queue {id}")),
                None => {
                    self.note(format!(
                        "queue {id} names no division: put in recgate's home division"
                    ));
                    "home".into()
                }
            };
            let members = self.members_of("queue", &id, export.queue_members.get(&id));
            let mut attached = BTreeSet::new();
            for mg in &q.member_groups {
                match (mg.kind.as_deref(), &mg.id) {
                    (Some("GROUP"), Some(g)) if groups.get(g).is_some() => {
                        attached.insert(g.clone());
                    }
                    (kind, g) => self.note(format!(
                        "queue {id}: member group {} of type {} is not a group of the export: left out",
                        g.as_deref().unwrap_or("?"),
                        kind.unwrap_or("?")
                    )),
                }
            }
            let mut v = json!({ "division": division, "members": members, "groups": attached });
            set_some(&mut v, "name", q.name.clone());
            out.insert(id, v);
        }
        Value::Object(out)
    }

    /// Everyone an access policy's subject names.
    fn subjects(
        &mut self,
        p: &AuthorizationPolicy,
        groups: &Value,
    ) -> (BTreeSet<String>, Option<String>) {
        let all: BTreeSet<String> = self.users.keys().cloned().collect();
        let Some(s) = &p.subject else {
            return (
                all,
                Some("names no subject: applied to everyone (narrower, never wider)".into()),
            );
        };
        match (s.kind.as_deref(), s.id.as_deref()) {
            (Some("USER") | Some("CLIENT"), Some(id)) => {
                if self.users.contains_key(id) {
                    ([id.to_string()].into(), None)
                } else {
                    (
                        BTreeSet::new(),
                        Some(format!("its subject {id} is not in the export")),
                    )
                }
            }
            (Some("GROUP"), Some(id)) => match groups.get(id).and_then(|g| g["members"].as_array())
            {
                Some(m) => (
                    m.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect(),
                    None,
                ),
                None => (
                    BTreeSet::new(),
                    Some(format!("its subject group {id} is not in the export")),
                ),
            },
            (kind, _) => (
                all,
                Some(format!(
                    "subject type {} is not read: applied to everyone (narrower, never wider)",
                    kind.unwrap_or("(none)")
                )),
            ),
        }
    }

    fn access_policies(&mut self, groups: &Value) {
        let export = self.export;
        // Permission → users an unconditioned ALLOW covers, for targets that have ALLOW policies.
        let mut allowed: BTreeMap<Perm, BTreeSet<String>> = BTreeMap::new();
        for p in &export.access_policies {
            let id = p.id.clone().unwrap_or_else(|| "(no id)".into());
            let mapping = |outcome: String| AccessPolicyMapping {
                id: id.clone(),
                name: p.name.clone(),
                outcome,
            };
            if p.active == Some(false) {
                let m = mapping("inactive: not imported".into());
                self.report.access_policies.push(m);
                continue;
            }
            let target = p.target_resource.as_deref().unwrap_or("");
            let perms = split(target)
                .map(|(d, e, a)| expand(d, e, a))
                .unwrap_or_default();
            if perms.is_empty() {
                let m = mapping(format!(
                    "target \"{target}\" is no catalog permission: nothing to carry over"
                ));
                self.report.access_policies.push(m);
                continue;
            }
            let conditioned = p
                .condition
                .as_ref()
                .is_some_and(|c| !(c.is_null() || c.as_object().is_some_and(Map::is_empty)));
            let (subjects, subject_note) = self.subjects(p, groups);
            let effect = p.effect.as_deref().unwrap_or("");
            if effect == "ALLOW" {
                for perm in &perms {
                    let covered = allowed.entry(*perm).or_default();
                    if !conditioned {
                        covered.extend(subjects.iter().cloned());
                    }
                }
                let mut outcome = format!(
                    "ALLOW on {}: everyone else is denied it{}",
                    perms
                        .iter()
                        .map(|p| p.name())
                        .collect::<Vec<_>>()
                        .join(", "),
                    if conditioned {
                        "; its condition is not read, so its own subjects are denied too (narrower, never wider)"
                    } else {
                        ""
                    }
                );
                if let Some(n) = subject_note {
                    outcome.push_str("; ");
                    outcome.push_str(&n);
                }
                let m = mapping(outcome);
                self.report.access_policies.push(m);
                continue;
            }
            let role = format!("{ACCESS_POLICY_ROLE}{id}");
            let denies: Vec<Value> = perms
                .iter()
                .map(|q| json!({ "permission": q.name(), "scope": "all" }))
                .collect();
            self.roles.insert(role.clone(), json!({ "name": format!("Access policy: {}", p.name.as_deref().unwrap_or(&id)), "denies": denies }));
            for s in &subjects {
                self.extra.entry(s.clone()).or_default().push(role.clone());
            }
            let mut outcome = format!(
                "{} on {} for {} subject(s): role {role}",
                if effect == "DENY" {
                    "DENY".to_string()
                } else {
                    format!("effect \"{effect}\" read as DENY (never wider)")
                },
                perms
                    .iter()
                    .map(|p| p.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                subjects.len()
            );
            if conditioned {
                outcome.push_str("; its condition is not read: the deny applies unconditionally (narrower, never wider)");
            }
            if let Some(n) = subject_note {
                outcome.push_str("; ");
                outcome.push_str(&n);
            }
            let m = mapping(outcome);
            self.report.access_policies.push(m);
        }
        for (perm, covered) in allowed {
            let role = format!(
                "{ACCESS_POLICY_ROLE}allow-only-{}",
                perm.name().replace(':', ".")
            );
            self.roles.insert(role.clone(), json!({ "name": format!("Access policies: only their subjects hold {}", perm.name()), "denies": [ { "permission": perm.name(), "scope": "all" } ] }));
            let others: Vec<String> = self
                .users
                .keys()
                .filter(|u| !covered.contains(*u))
                .cloned()
                .collect();
            for u in others {
                self.extra.entry(u).or_default().push(role.clone());
            }
        }
        for (user, mut roles) in std::mem::take(&mut self.extra) {
            roles.sort();
            roles.dedup();
            if let Some(list) = self
                .users
                .get_mut(&user)
                .and_then(|u| u["roles"].as_array_mut())
            {
                for r in roles {
                    list.push(json!({ "role": r, "divisions": ["*"] }));
                }
            }
        }
    }

    fn finish(mut self, groups: Value, queues: Value) -> Result<Import, ImportError> {
        let overlay = &self.export.overlay;
        for (id, (catalog, roles)) in std::mem::take(&mut self.permissions) {
            self.report.permissions.push(PermissionMapping {
                genesys: id,
                catalog: catalog.iter().map(|p| p.name()).collect(),
                roles: roles.into_iter().collect(),
            });
        }
        let count_rules = |key: &str| -> usize {
            self.roles
                .values()
                .map(|r| r[key].as_array().map_or(0, Vec::len))
                .sum()
        };
        let services = self
            .users
            .values()
            .filter(|u| u["kind"] == "service")
            .count();
        let counts = [
            ("divisions", self.divisions.len()),
            ("groups", groups.as_object().map_or(0, Map::len)),
            ("queues", queues.as_object().map_or(0, Map::len)),
            ("roles", self.roles.len()),
            ("grants", count_rules("grants")),
            ("denies", count_rules("denies")),
            ("users", self.users.len() - services),
            ("service accounts", services),
        ];
        self.report.imported = counts.into_iter().collect();
        self.report.notes.sort();
        self.report.notes.dedup();
        self.report
            .dropped
            .sort_by(|a, b| (&a.role, &a.policy).cmp(&(&b.role, &b.policy)));
        self.report
            .conditions
            .sort_by(|a, b| (&a.role, &a.policy).cmp(&(&b.role, &b.policy)));
        self.report.access_policies.sort_by(|a, b| a.id.cmp(&b.id));
        let mut doc = json!({
            "schema": "recgate/v1",
            "revision": overlay.revision.clone().unwrap_or_else(|| "genesys-import".into()),
            "divisions": self.divisions,
            "groups": groups,
            "queues": queues,
            "roles": self.roles,
            "users": self.users,
        });
        if let Some(s) = &overlay.settings {
            set(&mut doc, "settings", s.clone());
        }
        if let Some(p) = &overlay.prerequisites {
            set(&mut doc, "prerequisites", p.clone());
        }
        let load = |doc: &Value| {
            Policy::from_json(&doc.to_string()).map_err(|e| {
                let lines: Vec<String> = e.errors.iter().map(|x| format!("  {x}")).collect();
                ImportError(format!(
                    "the imported policy is not valid (check recgate-overlay.json):\n{}",
                    lines.join("\n")
                ))
            })
        };
        let mut policy = load(&doc)?;
        if overlay.revision.is_none() {
            // Named after its own content: the same export, the same revision.
            let hash = policy.content_hash().get(..12).unwrap_or("").to_string();
            set(&mut doc, "revision", json!(format!("genesys-{hash}")));
            policy = load(&doc)?;
        }
        let text =
            serde_json::to_string_pretty(&doc).map_err(|e| ImportError(e.to_string()))? + "\n";
        Ok(Import {
            content_hash: policy.content_hash().to_string(),
            policy: doc,
            text,
            report: self.report,
        })
    }
}

/// Imports a read export.
pub fn import(export: &Export) -> Result<Import, ImportError> {
    let mut b = Builder {
        export,
        report: ImportReport::default(),
        permissions: BTreeMap::new(),
        divisions: BTreeMap::new(),
        users: BTreeMap::new(),
        extra: BTreeMap::new(),
        roles: BTreeMap::new(),
    };
    b.divisions();
    b.roles();
    b.users();
    let groups = b.groups();
    let queues = b.queues(&groups);
    b.access_policies(&groups);
    b.finish(groups, queues)
}
