//! The translated org loaded into `cedar-policy` in this process: the parsed
//! policy set, entity stores (the whole org plus recordings, or a per-request
//! slice as a Node caller would pass) and requests.

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityUid, PolicySet, Request,
};
use serde_json::Value;

use crate::entities::OrgEntities;
use crate::requests::CedarRequest;

type Error = Box<dyn std::error::Error>;

/// Parses the policy set text.
pub fn policy_set(text: &str) -> Result<PolicySet, Error> {
    Ok(text.parse::<PolicySet>()?)
}

/// One entity store: the org's entities plus `extra` (recordings).
pub fn entities<'a>(
    org: &'a OrgEntities,
    extra: impl IntoIterator<Item = &'a Value>,
) -> Result<Entities, Error> {
    let all: Vec<Value> = org.entities.iter().chain(extra).cloned().collect();
    Ok(Entities::from_json_value(Value::Array(all), None)?)
}

/// The entities one request reads: its slice of the org and its recording.
/// Policies on recordings read the attributes of the principal only; every
/// other slice entity (owner, participants, queue, roles, groups, views) is
/// reached by `==` or `in`, so it is passed with its parents and no
/// attributes — Cedar parses every attribute it is given, and a queue's
/// member list is most of a slice's bytes.
pub fn slice_entities(org: &OrgEntities, req: &CedarRequest) -> Result<Entities, Error> {
    let principal = req.principal["id"].as_str().unwrap_or("");
    let all: Vec<Value> = req
        .slice
        .iter()
        .zip(org.pick_all(&req.slice))
        .filter_map(|((ty, id), e)| {
            let e = e?;
            Some(if *ty == crate::cedar_text::USER && id == principal {
                e.clone()
            } else {
                serde_json::json!({ "uid": e["uid"], "attrs": {}, "parents": e["parents"] })
            })
        })
        .chain(std::iter::once(req.resource_entity.clone()))
        .collect();
    Ok(Entities::from_json_value(Value::Array(all), None)?)
}

/// A request's slice, parsed ahead: the uids of its org entities and its
/// recording as an `Entity`, so that a per-request store can be assembled
/// from already-parsed entities (what a Rust service holding the org in
/// memory would do) rather than from JSON.
pub struct ParsedSlice {
    pub uids: Vec<EntityUid>,
    pub recording: Entity,
}

/// Parses `req`'s slice uids and recording entity.
pub fn parsed_slice(req: &CedarRequest) -> Result<ParsedSlice, Error> {
    let uids = req
        .slice
        .iter()
        .map(|(t, i)| EntityUid::from_json(crate::cedar_text::uid_json(t, i)))
        .collect::<Result<Vec<_>, _>>()?;
    let one = Entities::from_json_value(Value::Array(vec![req.resource_entity.clone()]), None)?;
    let recording = one
        .iter()
        .next()
        .cloned()
        .ok_or("the recording entity did not parse")?;
    Ok(ParsedSlice { uids, recording })
}

/// A per-request store: the slice's entities cloned out of the whole-org
/// store, plus the recording (transitive closure computed again, as Cedar does
/// for every new store).
pub fn store_from_slice(org: &Entities, s: &ParsedSlice) -> Result<Entities, Error> {
    let picked = s
        .uids
        .iter()
        .filter_map(|u| org.get(u).cloned())
        .chain(std::iter::once(s.recording.clone()));
    Ok(Entities::from_entities(picked, None)?)
}

/// The `cedar_policy::Request`.
pub fn request(req: &CedarRequest) -> Result<Request, Error> {
    Ok(Request::new(
        EntityUid::from_json(req.principal.clone())?,
        EntityUid::from_json(req.action.clone())?,
        EntityUid::from_json(req.resource.clone())?,
        Context::from_json_value(req.context.clone(), None)?,
        None,
    )?)
}

/// Cedar's answer, with the policy errors it met (an erroring policy is
/// skipped by Cedar, which would hide a translation bug: callers report them).
pub fn decide(
    authorizer: &Authorizer,
    request: &Request,
    policies: &PolicySet,
    entities: &Entities,
) -> (bool, Vec<String>) {
    let r = authorizer.is_authorized(request, policies, entities);
    let errors = r.diagnostics().errors().map(|e| e.to_string()).collect();
    (r.decision() == Decision::Allow, errors)
}
