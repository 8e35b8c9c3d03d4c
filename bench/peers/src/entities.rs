//! The organisation as Cedar entities (JSON entity format): users, roles,
//! groups, views and queues, with the parents that make scopes `in` tests,
//! and the parent map from which a request's entity slice is cut.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use recgate_core::model::PolicyDoc;
use serde_json::{json, Map, Value};

use crate::cedar_text::{entity_ref, uid_json, GROUP, QUEUE, ROLE, USER, VIEW};

/// `Type::"id"` key of the parent map.
pub type Key = (&'static str, String);

/// The org's entities and, for slicing, every entity's direct parents.
pub struct OrgEntities {
    pub entities: Vec<Value>,
    pub parents: HashMap<Key, Vec<Key>>,
    /// Position of each entity in `entities`.
    pub index: HashMap<Key, usize>,
}

fn entity(ty: &str, id: &str, attrs: Value, parents: &[Key]) -> Value {
    json!({
        "uid": uid_json(ty, id),
        "attrs": attrs,
        "parents": parents.iter().map(|(t, i)| uid_json(t, i)).collect::<Vec<_>>(),
    })
}

/// Builds the entities of `doc`.
pub fn org_entities(doc: &PolicyDoc) -> OrgEntities {
    // Reverse indexes: who lists whom.
    let mut groups_of_user: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for (gid, g) in &doc.groups {
        for m in &g.members {
            groups_of_user.entry(m).or_default().insert(gid);
        }
    }
    let mut views_of: HashMap<(&str, &str), BTreeSet<&str>> = HashMap::new();
    for (vid, v) in &doc.views {
        for u in &v.users {
            views_of.entry((USER, u)).or_default().insert(vid);
        }
        for g in &v.groups {
            views_of.entry((GROUP, g)).or_default().insert(vid);
        }
        for q in &v.queues {
            views_of.entry((QUEUE, q)).or_default().insert(vid);
        }
    }
    let view_keys = |ty: &'static str, id: &str| -> Vec<Key> {
        views_of
            .get(&(ty, id))
            .map(|vs| vs.iter().map(|v| (VIEW, v.to_string())).collect())
            .unwrap_or_default()
    };

    let mut entities = Vec::new();
    let mut parents: HashMap<Key, Vec<Key>> = HashMap::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut push = |ty: &'static str, id: &str, attrs: Value, ps: Vec<Key>| {
        index.insert((ty, id.to_string()), entities.len());
        entities.push(entity(ty, id, attrs, &ps));
        parents.insert((ty, id.to_string()), ps);
    };
    for (rid, _) in &doc.roles {
        push(ROLE, rid, json!({}), vec![]);
    }
    for (vid, _) in &doc.views {
        push(VIEW, vid, json!({}), vec![]);
    }
    for (gid, g) in &doc.groups {
        push(GROUP, gid, json!({ "bpo": g.bpo }), view_keys(GROUP, gid));
    }
    for (qid, q) in &doc.queues {
        let attrs = json!({
            "division": q.division,
            "members": q.members.iter().map(|m| entity_ref(USER, m)).collect::<Vec<_>>(),
            "groups": q.groups.iter().map(|g| entity_ref(GROUP, g)).collect::<Vec<_>>(),
        });
        push(QUEUE, qid, attrs, view_keys(QUEUE, qid));
    }
    for (uid, u) in &doc.users {
        // Divisions of each role assignment; the same role assigned twice
        // passes when either assignment does, so their divisions are united.
        let mut role_divisions: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for a in &u.roles {
            role_divisions
                .entry(&a.role)
                .or_default()
                .extend(a.divisions.iter().map(String::as_str));
        }
        let mut ps: Vec<Key> = role_divisions
            .keys()
            .map(|r| (ROLE, r.to_string()))
            .collect();
        if let Some(gs) = groups_of_user.get(uid.as_str()) {
            ps.extend(gs.iter().map(|g| (GROUP, g.to_string())));
        }
        ps.extend(view_keys(USER, uid));
        let role_divisions: Map<String, Value> = role_divisions
            .into_iter()
            .map(|(r, ds)| (r.to_string(), json!(ds.into_iter().collect::<Vec<_>>())))
            .collect();
        let attrs = json!({
            "region": u.region,
            "division": u.division,
            "bpo": u.bpo,
            "disabled": u.disabled,
            "service": u.kind == recgate_core::model::UserKind::Service,
            "lines": u.lines,
            "roleDivisions": role_divisions,
        });
        push(USER, uid, attrs, ps);
    }
    OrgEntities {
        entities,
        parents,
        index,
    }
}

impl OrgEntities {
    /// `keys` and all their ancestors, each once, in a stable order.
    pub fn closure(&self, keys: impl IntoIterator<Item = Key>) -> Vec<Key> {
        let mut seen: BTreeSet<Key> = BTreeSet::new();
        let mut stack: Vec<Key> = keys.into_iter().collect();
        while let Some(k) = stack.pop() {
            if let Some(ps) = self.parents.get(&k) {
                if seen.insert(k.clone()) {
                    stack.extend(ps.iter().cloned());
                }
            }
        }
        seen.into_iter().collect()
    }

    /// The JSON of each entity named by `keys`, `None` where there is none.
    pub fn pick_all<'a>(&'a self, keys: &'a [Key]) -> impl Iterator<Item = Option<&'a Value>> + 'a {
        keys.iter()
            .map(|k| self.index.get(k).and_then(|&i| self.entities.get(i)))
    }

    /// The JSON of the entities named by `keys` (those that exist).
    pub fn pick<'a>(&'a self, keys: &'a [Key]) -> impl Iterator<Item = &'a Value> + 'a {
        keys.iter()
            .filter_map(|k| self.index.get(k).and_then(|&i| self.entities.get(i)))
    }
}
