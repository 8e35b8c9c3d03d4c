//! Generated organisations through Genesys and back: a recgate org from the
//! benchmark generator (`recgate_tests::org`) is written as a Genesys Cloud
//! export — roles as permission policies with conditions, grants as
//! subjects, denies as access policies, regions in the overlay — then
//! imported; the imported policy must decide the org's requests as the
//! original does. With `RECGATE_GENERATED_EXPORT=DIR` the export is kept in
//! DIR (scripts/test-import.sh type-checks it against the SDK's models).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    reason = "a test: a panic is a failure with its message"
)]

use std::path::{Path, PathBuf};

use recgate_core::{Policy, Reason, Request};
use recgate_tests::org::{org, recordings, OrgSize};
use serde_json::{json, Value};

fn write(dir: &Path, rel: &str, v: &Value) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, serde_json::to_string_pretty(v).unwrap()).unwrap();
}

fn listing(entities: Vec<Value>) -> Value {
    json!({ "entities": entities, "pageSize": entities.len().max(1), "pageNumber": 1, "total": entities.len(), "pageCount": 1 })
}

fn leaf(var: &str, operands: Value) -> Value {
    json!({ "variableName": var, "operator": "EQ", "operands": operands })
}

fn condition(grant: &Value, views: &Value) -> Option<Value> {
    let current =
        |var: &str, token: &str| leaf(var, json!([ { "type": "VARIABLE", "value": token } ]));
    let scope = match &grant["scope"] {
        Value::String(s) if s == "all" => None,
        Value::String(s) if s == "self" => Some(current("owner", "currentUser")),
        Value::String(s) if s == "assigned" => Some(current("user", "currentUser")),
        Value::String(s) if s == "lines" => Some(current("line", "currentUser.lines")),
        Value::Object(o) if o.contains_key("group") => Some(leaf(
            "group",
            json!([ { "type": "SCALAR", "value": o["group"] } ]),
        )),
        Value::Object(o) if o.contains_key("view") => {
            let v = &views[o["view"].as_str().unwrap()];
            assert!(
                v.get("users").is_none() && v.get("groups").is_none(),
                "the generator's views are queue views"
            );
            let terms: Vec<Value> = v["queues"]
                .as_array()
                .unwrap()
                .iter()
                .map(|q| {
                    leaf(
                        "queue",
                        json!([ { "type": "QUEUE", "queue": { "id": q } } ]),
                    )
                })
                .collect();
            Some(json!({ "conjunction": "OR", "terms": terms }))
        }
        other => panic!("scope {other}"),
    };
    let mut parts: Vec<Value> = scope.into_iter().collect();
    if let Some(d) = grant["when"]["directions"].as_array() {
        parts.push(json!({ "variableName": "direction", "operator": "IN", "operands": d.iter().map(|x| json!({ "type": "SCALAR", "value": x })).collect::<Vec<_>>() }));
    }
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(json!({ "conjunction": "AND", "terms": parts })),
    }
}

/// The recgate org as the Genesys API would return it.
fn export(policy: &Value, dir: &Path) {
    let divisions: Vec<Value> = policy["divisions"].as_object().unwrap().iter().map(|(id, d)| json!({ "id": id, "name": d["name"], "description": "", "homeDivision": id == "home" })).collect();
    write(dir, "authorization/divisions.json", &listing(divisions));
    let mut groups = Vec::new();
    for (id, g) in policy["groups"].as_object().unwrap() {
        groups.push(json!({ "id": id, "name": id, "type": "official", "rulesVisible": true, "visibility": "public" }));
        let members: Vec<Value> = g["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| json!({ "id": m, "version": 1 }))
            .collect();
        write(dir, &format!("groups/{id}/members.json"), &listing(members));
    }
    write(dir, "groups.json", &listing(groups));
    let mut queues = Vec::new();
    for (id, q) in policy["queues"].as_object().unwrap() {
        let member_groups: Vec<Value> = q["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| json!({ "id": g, "type": "GROUP" }))
            .collect();
        queues.push(json!({ "id": id, "name": id, "division": { "id": q["division"] }, "memberGroups": member_groups }));
        let members: Vec<Value> = q["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| json!({ "id": m, "user": { "id": m, "version": 1 }, "memberBy": "user" }))
            .collect();
        write(
            dir,
            &format!("routing/queues/{id}/members.json"),
            &json!({ "entities": members, "pageNumber": 1, "pageSize": 100 }),
        );
    }
    write(dir, "routing/queues.json", &listing(queues));
    let mut roles = Vec::new();
    for (id, r) in policy["roles"].as_object().unwrap() {
        let policies: Vec<Value> = r["grants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                let perm: Vec<&str> = g["permission"].as_str().unwrap().split(':').collect();
                let mut p =
                    json!({ "domain": perm[0], "entityName": perm[1], "actionSet": [perm[2]] });
                if let Some(c) = condition(g, &policy["views"]) {
                    p["resourceConditionNode"] = c;
                    p["allowConditions"] = json!(true);
                }
                p
            })
            .collect();
        roles.push(json!({ "id": id, "name": r.get("name").cloned().unwrap_or(json!(id)), "permissionPolicies": policies, "default": r.get("system").cloned().unwrap_or(json!(false)) }));
    }
    write(dir, "authorization/roles.json", &listing(roles));
    let mut users = Vec::new();
    let mut access = Vec::new();
    let mut regions = serde_json::Map::new();
    for (id, u) in policy["users"].as_object().unwrap() {
        users.push(json!({ "id": id, "name": id, "division": { "id": u["division"] }, "state": "active", "version": 1 }));
        let mut grants = Vec::new();
        for a in u["roles"].as_array().unwrap() {
            let divisions = a.get("divisions").cloned().unwrap_or(json!(["home"]));
            for d in divisions.as_array().unwrap() {
                grants.push(json!({ "subjectId": id, "role": { "id": a["role"] }, "division": { "id": d, "description": "" } }));
            }
            for deny in policy["roles"][a["role"].as_str().unwrap()]["denies"]
                .as_array()
                .into_iter()
                .flatten()
            {
                assert_eq!(deny["permission"], "recording:*:delete");
                for t in [
                    "recording:recording:delete",
                    "recording:screenRecording:delete",
                    "recording:annotation:delete",
                    "recording:recordingSchedule:delete",
                ] {
                    access.push(json!({ "id": format!("{}-{id}-{t}", a["role"].as_str().unwrap()), "targetResource": t, "subject": { "type": "USER", "id": id }, "effect": "DENY", "active": true }));
                }
            }
        }
        write(
            dir,
            &format!("authorization/subjects/{id}.json"),
            &json!({ "id": id, "grants": grants }),
        );
        if let Some(r) = u.get("region") {
            regions.insert(id.clone(), json!({ "region": r }));
        }
    }
    write(dir, "users.json", &listing(users));
    write(
        dir,
        "authorization/policies.json",
        &json!({ "entities": access }),
    );
    write(
        dir,
        "recgate-overlay.json",
        &json!({ "revision": policy["revision"], "settings": policy["settings"], "users": regions }),
    );
}

#[test]
fn generated_orgs_import_to_policies_that_decide_alike() {
    let size = OrgSize {
        users: 60,
        roles: 12,
        groups: 6,
        queues: 8,
        divisions: 3,
    };
    for seed in [1u64, 2, 3] {
        let original = org(size, seed);
        let kept = std::env::var("RECGATE_GENERATED_EXPORT")
            .ok()
            .filter(|_| seed == 1);
        let dir = match &kept {
            Some(d) => PathBuf::from(d),
            None => std::env::temp_dir().join(format!(
                "recgate-generated-export-{seed}-{}",
                std::process::id()
            )),
        };
        let _ = std::fs::remove_dir_all(&dir);
        export(&original, &dir);
        let imported = recgate_genesys::import_dir(&dir).unwrap();
        if kept.is_none() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        assert!(
            imported.report.dropped.is_empty() && imported.report.unmapped().count() == 0,
            "{}",
            imported.report.to_text()
        );
        let a = Policy::from_json(&original.to_string()).unwrap();
        let b = Policy::from_json(&imported.text).unwrap();
        let users: Vec<String> = a.user_ids().map(String::from).collect();
        let mut compared = 0;
        let mut allowed = 0;
        for mut rec in recordings(size, 120, seed + 10) {
            rec["type"] = json!("recording");
            for perm in [
                "recording:recording:view",
                "recording:screenRecording:view",
                "recording:metadata:view",
                "recording:recording:download",
                "recording:recording:delete",
                "recording:screenRecording:delete",
                "recording:annotation:view",
            ] {
                for u in &users {
                    let resource = if perm.contains("annotation") {
                        let mut inner = rec.clone();
                        inner.as_object_mut().unwrap().remove("type");
                        json!({ "type": "annotation", "id": "a", "author": u, "recording": inner })
                    } else {
                        rec.clone()
                    };
                    let req = Request::from_json(&json!({ "principal": u, "permission": perm, "resource": resource, "now": "2026-11-22T12:00:00Z" }).to_string()).unwrap();
                    let (x, y) = (a.decide(&req), b.decide(&req));
                    assert_eq!(
                        x.allow, y.allow,
                        "seed {seed} {u} {perm} {rec}: {} vs {}",
                        x.reason, y.reason
                    );
                    assert!(
                        x.reason == y.reason
                            || (x.reason == Reason::OutOfScope
                                && y.reason == Reason::ConditionUnmet),
                        "seed {seed} {u} {perm} {rec}: {} vs {}",
                        x.reason,
                        y.reason
                    );
                    assert_eq!(x.obligations, y.obligations);
                    compared += 1;
                    allowed += usize::from(x.allow);
                }
            }
        }
        for q in 0..size.queues {
            for u in &users {
                let req = Request::from_json(&json!({ "principal": u, "permission": "routing:queue:view", "resource": { "type": "queue", "id": format!("queue-{q}") }, "now": "2026-11-22T12:00:00Z" }).to_string()).unwrap();
                assert_eq!(
                    a.decide(&req).allow,
                    b.decide(&req).allow,
                    "seed {seed} {u} queue-{q}"
                );
            }
        }
        assert!(
            allowed > 100,
            "seed {seed}: only {allowed} of {compared} allowed"
        );
    }
}
