//! One recgate request as a Cedar request: principal, action, resource and
//! context uids/values, the recording as an entity of its own (recgate gets
//! the recording's attributes in the request; Cedar gets them as an entity),
//! and the uids of the org entities the decision can read (the slice).

use recgate_core::{Recording, Request, Resource};
use serde_json::{json, Map, Value};

use crate::cedar_text::{entity_ref, uid_json, ACTION, QUEUE, RECORDING, USER};
use crate::entities::{Key, OrgEntities};
use crate::Unsupported;

/// A translated request, in the JSON shapes of `cedar/requests.jsonl`.
pub struct CedarRequest {
    pub principal: Value,
    pub action: Value,
    pub resource: Value,
    pub context: Value,
    /// The recording entity.
    pub resource_entity: Value,
    /// Org entities the decision may read: principal, owner, participants,
    /// queue, and all their ancestors.
    pub slice: Vec<Key>,
}

/// A recording as a Cedar entity, its defaults filled in (divisions `["home"]`,
/// region the home region) so that policies need no `has` for them.
pub fn recording_entity(rec: &Recording, home_region: &str) -> Value {
    let mut a = Map::new();
    if let Some(m) = rec.media {
        a.insert("media".into(), json!(m.as_str()));
    }
    if let Some(d) = rec.direction {
        a.insert("direction".into(), json!(d.as_str()));
    }
    if let Some(o) = &rec.owner {
        a.insert("owner".into(), entity_ref(USER, o));
    }
    a.insert(
        "participants".into(),
        json!(rec
            .participants
            .iter()
            .map(|p| entity_ref(USER, p))
            .collect::<Vec<_>>()),
    );
    if let Some(q) = &rec.queue {
        a.insert("queue".into(), entity_ref(QUEUE, q));
    }
    let home = vec!["home".to_string()];
    a.insert(
        "divisions".into(),
        json!(rec.divisions.as_ref().unwrap_or(&home)),
    );
    a.insert(
        "region".into(),
        json!(rec.region.as_deref().unwrap_or(home_region)),
    );
    if let Some(l) = &rec.line {
        a.insert("line".into(), json!(l));
    }
    if let Some(t) = rec.created_at {
        a.insert("createdAt".into(), json!(t.0));
    }
    if let Some(d) = rec.retention_days {
        a.insert("retentionDays".into(), json!(d));
    }
    a.insert("legalHold".into(), json!(rec.legal_hold));
    a.insert("sensitive".into(), json!(rec.sensitive));
    a.insert("live".into(), json!(rec.live));
    json!({ "uid": uid_json(RECORDING, &rec.id), "attrs": a, "parents": [] })
}

/// Translates `req`; requests outside what the encoding covers are refused.
pub fn translate(
    org: &OrgEntities,
    home_region: &str,
    req: &Request,
) -> Result<CedarRequest, Unsupported> {
    if req.actor.as_deref().is_some_and(|a| a != req.principal) {
        return Err(Unsupported("impersonation (SPEC §3 step 3)".into()));
    }
    // A permission outside the catalog (or a pattern) needs no refusal: no
    // policy names such an action, so Cedar denies it, as recgate does
    // (invalid_request).
    let Resource::Recording(rec) = &req.resource else {
        return Err(Unsupported(format!(
            "requests on {} resources",
            req.resource.type_name()
        )));
    };
    let mut keys: Vec<Key> = vec![(USER, req.principal.clone())];
    keys.extend(rec.owner.iter().map(|o| (USER, o.clone())));
    keys.extend(rec.participants.iter().map(|p| (USER, p.clone())));
    keys.extend(rec.queue.iter().map(|q| (QUEUE, q.clone())));
    Ok(CedarRequest {
        principal: uid_json(USER, &req.principal),
        action: uid_json(ACTION, &req.permission),
        resource: uid_json(RECORDING, &rec.id),
        context: json!({ "now": req.now.0 }),
        resource_entity: recording_entity(rec, home_region),
        slice: org.closure(keys),
    })
}

impl CedarRequest {
    /// One line of `cedar/requests.jsonl`.
    pub fn to_line(&self, expected_allow: Option<bool>) -> Value {
        let mut v = json!({
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "context": self.context,
            "entities": [self.resource_entity],
            "slice": self.slice.iter().map(|(t, i)| uid_json(t, i)).collect::<Vec<_>>(),
        });
        if let Some(a) = expected_allow {
            v["allow"] = json!(a);
        }
        v
    }
}
