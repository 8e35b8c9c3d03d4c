//! The importer on real exports: the sample export of the acme org decides
//! every acme vector, and every request of a generated universe, the way
//! `examples/acme.json` does; the same export gives the same content hash
//! whatever the order of its pages; what recgate cannot express is dropped,
//! never widened; wildcards stay inside their domain.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    reason = "a test: a panic is a failure with its message"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use recgate_core::catalog::Perm;
use recgate_core::{DecisionRecord, Policy, Reason, Request};
use recgate_genesys::{import, import_dir, load};
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sample() -> PathBuf {
    root().join("examples/genesys-export")
}

fn acme() -> Policy {
    Policy::from_json(&std::fs::read_to_string(root().join("examples/acme.json")).unwrap()).unwrap()
}

/// The spec's acme vectors: beside the repository (CI) or two levels up (a worktree).
fn acme_vectors() -> Value {
    let candidates = [
        std::env::var("RECGATE_SPEC_VECTORS")
            .ok()
            .map(PathBuf::from),
        Some(root().join("../shared/spec/vectors")),
        Some(root().join("../../shared/spec/vectors")),
    ];
    for dir in candidates.into_iter().flatten() {
        let f = dir.join("acme-seeds.json");
        if f.is_file() {
            return serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        }
    }
    panic!("acme-seeds.json not found: set RECGATE_SPEC_VECTORS to the spec's vectors directory");
}

/// acme id → Genesys id, per kind (what the sample export's ids stand for).
struct GenesysIds(BTreeMap<String, BTreeMap<String, String>>);

impl GenesysIds {
    fn load() -> GenesysIds {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/acme-ids.json"),
        )
        .unwrap();
        GenesysIds(serde_json::from_str(&text).unwrap())
    }
    fn map(&self, kind: &str, id: &str) -> String {
        self.0[kind]
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
    fn user(&self, v: &mut Value) {
        if let Some(s) = v.as_str() {
            *v = json!(self.map("users", s));
        }
    }
    fn recording(&self, r: &mut Value) {
        if let Some(o) = r.get_mut("owner") {
            self.user(o);
        }
        if let Some(ps) = r.get_mut("participants").and_then(Value::as_array_mut) {
            ps.iter_mut().for_each(|p| self.user(p));
        }
        if let Some(q) = r["queue"].as_str() {
            r["queue"] = json!(self.map("queues", q));
        }
        // acme's recordings without divisions are in its home division.
        let divisions = r["divisions"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![json!("home")]);
        r["divisions"] = divisions
            .iter()
            .map(|d| json!(self.map("divisions", d.as_str().unwrap())))
            .collect();
    }
    /// The request as the imported policy names things.
    fn request(&self, req: &Value) -> Value {
        let mut r = req.clone();
        self.user(&mut r["principal"]);
        if let Some(a) = r.get_mut("actor") {
            self.user(a);
        }
        let res = &mut r["resource"];
        match res["type"].as_str().unwrap() {
            "recording" => self.recording(res),
            "annotation" => {
                if let Some(a) = res.get_mut("author") {
                    self.user(a);
                }
                self.recording(&mut res["recording"]);
            }
            "user" => self.user(&mut res["id"]),
            "queue" => res["id"] = json!(self.map("queues", res["id"].as_str().unwrap())),
            "report" => {
                if let Some(u) = res.get_mut("user") {
                    self.user(u);
                }
                if let Some(q) = res.get("queue").and_then(Value::as_str) {
                    res["queue"] = json!(self.map("queues", q));
                }
            }
            _ => {}
        }
        r
    }
}

fn decide(p: &Policy, req: &Value) -> DecisionRecord {
    p.decide(&Request::from_json(&req.to_string()).unwrap())
        .record(None)
}

/// A queue condition imports as `when.queues`; acme wrote the BPO supervisor's
/// as a queue-only view scope. Same decisions, but the deny is named at the
/// condition step rather than the scope step.
fn same_reason(acme: Reason, imported: Reason) -> bool {
    acme == imported || (acme == Reason::OutOfScope && imported == Reason::ConditionUnmet)
}

/// Every acme principal (and impersonation pair) × every catalog permission
/// that applies × resources covering the org's owners, queues, divisions,
/// regions, media, directions, lines and flags.
fn universe(acme: &Policy) -> Vec<Value> {
    let users: Vec<String> = acme.user_ids().map(String::from).collect();
    let queues = ["q-us", "q-uk", "q-bpo", "q-escalation"];
    let mut resources = Vec::new();
    let mut n = 0u64;
    for owner in users.iter().map(Some).chain([None]) {
        for media in ["audio", "screen", "chat"] {
            for queue in queues.iter().map(Some).chain([None]) {
                for (divisions, region) in [
                    (Some(vec!["home"]), "us-east-1"),
                    (Some(vec!["bpo-emea"]), "eu-west-1"),
                    (None, "us-east-1"),
                    (Some(vec!["bpo-emea"]), "us-east-1"),
                ] {
                    n += 1;
                    let mut r = json!({ "type": "recording", "id": format!("rec-{n}"), "media": media,
                        "direction": if n % 3 == 0 { "outbound" } else { "inbound" },
                        "region": region, "createdAt": if n % 11 == 0 { "2026-09-01T09:00:00Z" } else { "2026-11-21T09:00:00Z" },
                        "sensitive": n % 4 == 0, "legalHold": n % 7 == 0, "live": n % 5 == 0, "related": if n % 2 == 0 { vec!["rec-x"] } else { vec![] } });
                    if let Some(o) = owner {
                        r["owner"] = json!(o);
                        r["participants"] = json!([o]);
                    }
                    if n % 6 == 1 {
                        r["participants"] = json!(["sup-us", "b-em-2"]);
                    }
                    if let Some(q) = queue {
                        r["queue"] = json!(q);
                    }
                    if let Some(d) = divisions {
                        r["divisions"] = json!(d);
                    }
                    if n % 9 == 0 {
                        r["line"] = json!("+1-555-0101");
                    }
                    resources.push(r);
                }
            }
        }
    }
    let recordings = resources.clone();
    for (i, rec) in recordings.iter().enumerate().step_by(7) {
        let mut rec = rec.clone();
        rec.as_object_mut().unwrap().remove("type");
        let author = users[i % users.len()].clone();
        resources.push(json!({ "type": "annotation", "id": format!("ann-{i}"), "author": author, "visibility": if i % 2 == 0 { "public" } else { "private" }, "recording": rec }));
    }
    for q in queues {
        resources.push(json!({ "type": "queue", "id": q }));
        resources.push(json!({ "type": "report", "queue": q }));
    }
    for u in &users {
        resources.push(json!({ "type": "user", "id": u }));
        resources.push(json!({ "type": "report", "user": u }));
    }
    resources.push(json!({ "type": "role", "id": "r" }));
    resources.push(json!({ "type": "schedule", "id": "s" }));
    let mut requests = Vec::new();
    let actors = ["svc-bpo", "svc-us", "sup-us"];
    for (i, res) in resources.iter().enumerate() {
        for perm in Perm::all() {
            let applies = recgate_analysis::whocan::applies_to_type(perm, &Request::from_json(&json!({ "principal": "x", "permission": "recording:recording:view", "resource": res, "now": "2026-11-22T12:00:00Z" }).to_string()).unwrap().resource);
            if !applies {
                continue;
            }
            for (j, p) in users.iter().enumerate() {
                let mut req = json!({ "principal": p, "permission": perm.name(), "resource": res, "now": "2026-11-22T12:00:00Z" });
                if (i + j) % 13 == 0 {
                    req["actor"] = json!(actors[(i + j) % actors.len()]);
                }
                requests.push(req);
            }
        }
    }
    requests
}

#[test]
fn the_sample_export_decides_every_acme_vector_like_acme_json() {
    let imported = import_dir(&sample()).unwrap();
    let policy = Policy::from_json(&imported.text).unwrap();
    let acme = acme();
    let ids = GenesysIds::load();
    let vectors = acme_vectors();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 14);
    for case in cases {
        let a = decide(&acme, &case["request"]);
        let b = decide(&policy, &ids.request(&case["request"]));
        assert_eq!(a.allow, b.allow, "{}", case["name"]);
        assert_eq!(a.reason, b.reason, "{}", case["name"]);
        assert_eq!(a.obligations, b.obligations, "{}", case["name"]);
    }
    let requests = universe(&acme);
    assert!(requests.len() > 100_000, "{} requests", requests.len());
    let (mut allowed, mut renamed) = (0, 0);
    for req in &requests {
        let a = decide(&acme, req);
        let b = decide(&policy, &ids.request(req));
        assert_eq!(
            a.allow, b.allow,
            "{req}: acme {} imported {}",
            a.reason, b.reason
        );
        assert!(
            same_reason(a.reason, b.reason),
            "{req}: acme {} imported {}",
            a.reason,
            b.reason
        );
        assert_eq!(a.obligations, b.obligations, "{req}");
        allowed += usize::from(a.allow);
        renamed += usize::from(a.reason != b.reason);
    }
    assert!(
        allowed > 1_000,
        "the universe must exercise allows: {allowed}"
    );
    eprintln!("{} requests decided alike ({allowed} allowed, {renamed} denied at the condition rather than the scope step)", requests.len());
}

#[test]
fn the_report_maps_every_permission_of_the_sample() {
    let imported = import_dir(&sample()).unwrap();
    let r = &imported.report;
    assert_eq!(r.unmapped().count(), 0);
    assert!(r.dropped.is_empty(), "{:?}", r.dropped);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let screen = r
        .permissions
        .iter()
        .find(|p| p.genesys == "recording:screenRecording:*")
        .unwrap();
    assert_eq!(screen.catalog.len(), 4);
    assert_eq!(r.access_policies.len(), 6);
    assert!(r
        .conditions
        .iter()
        .any(|c| c.grants.len() == 2 && c.condition.contains(" OR ")));
}

/// A copy of the sample export in a temporary directory, for mutations.
struct ScratchExport(PathBuf);

impl ScratchExport {
    fn new(name: &str) -> ScratchExport {
        let dir =
            std::env::temp_dir().join(format!("recgate-genesys-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy(&sample(), &dir);
        ScratchExport(dir)
    }
    fn edit(&self, rel: &str, f: impl FnOnce(&mut Value)) {
        let p = self.0.join(rel);
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        f(&mut v);
        std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    }
}

impl Drop for ScratchExport {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn the_same_export_gives_the_same_hash_whatever_the_order_of_its_pages() {
    let first = import_dir(&sample()).unwrap();
    let second = import_dir(&sample()).unwrap();
    assert_eq!(first.text, second.text);
    assert_eq!(first.content_hash, second.content_hash);
    assert_eq!(
        Policy::from_json(&first.text).unwrap().content_hash(),
        first.content_hash
    );
    // Entities reversed everywhere, and the roles split over two pages.
    let s = ScratchExport::new("order");
    let mut export = load(&s.0).unwrap();
    export.roles.reverse();
    export.users.reverse();
    export.groups.reverse();
    export.queues.reverse();
    export.access_policies.reverse();
    for r in &mut export.roles {
        r.permission_policies.reverse();
    }
    for m in export
        .group_members
        .values_mut()
        .chain(export.queue_members.values_mut())
    {
        m.reverse();
    }
    for subject in export.subjects.values_mut() {
        subject.grants.reverse();
    }
    let shuffled = import(&export).unwrap();
    assert_eq!(shuffled.content_hash, first.content_hash);
    s.edit("authorization/roles.json", |v| {
        let all = v["entities"].as_array().unwrap().clone();
        let (a, b) = all.split_at(all.len() / 2);
        v["entities"] = json!(a);
        std::fs::write(
            s.0.join("authorization/roles-2.json"),
            json!({ "entities": b, "pageNumber": 2 }).to_string(),
        )
        .unwrap();
    });
    assert_eq!(import_dir(&s.0).unwrap().content_hash, first.content_hash);
}

fn allowed_set(p: &Policy, requests: &[Value], ids: &GenesysIds) -> Vec<bool> {
    requests
        .iter()
        .map(|r| decide(p, &ids.request(r)).allow)
        .collect()
}

#[test]
fn what_recgate_cannot_express_is_dropped_and_reported_never_widened() {
    let ids = GenesysIds::load();
    let acme = acme();
    let requests: Vec<Value> = universe(&acme).into_iter().step_by(5).collect();
    let base = Policy::from_json(&import_dir(&sample()).unwrap().text).unwrap();
    let before = allowed_set(&base, &requests, &ids);
    let qa_role = ids.map("roles", "qa-screen-viewer");
    let sup_role = ids.map("roles", "internal-supervisor");
    let team = json!({ "variableName": "team", "operator": "EQ", "operands": [ { "type": "TEAM", "team": { "id": "t-1" } } ] });
    let ranged = json!({ "variableName": "queue", "operator": "GE", "operands": [ { "type": "SCALAR", "value": "x" } ] });
    // Each mutation adds something recgate cannot express to one condition.
    type Mutation<'a> = Box<dyn Fn(&mut Value) + 'a>;
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "a work-team term in an AND",
            Box::new(|p: &mut Value| {
                let node = p["resourceConditionNode"].take();
                p["resourceConditionNode"] =
                    json!({ "conjunction": "AND", "terms": [ node, team.clone() ] });
            }),
        ),
        (
            "a ranged operator in an OR",
            Box::new(|p: &mut Value| {
                let node = p["resourceConditionNode"].take();
                p["resourceConditionNode"] =
                    json!({ "conjunction": "OR", "terms": [ node, ranged.clone() ] });
            }),
        ),
        (
            "named resources",
            Box::new(|p: &mut Value| {
                p["namedResources"] = json!(["some-recording"]);
            }),
        ),
        (
            "a specific user",
            Box::new(|p: &mut Value| {
                p["resourceConditionNode"] = json!({ "variableName": "user", "operator": "EQ", "operands": [ { "type": "USER", "user": { "id": "someone" } } ] });
            }),
        ),
    ];
    for (what, mutate) in &mutations {
        let s = ScratchExport::new("drop");
        s.edit("authorization/roles.json", |v| {
            for role in v["entities"].as_array_mut().unwrap() {
                if role["id"] == json!(qa_role) || role["id"] == json!(sup_role) {
                    for p in role["permissionPolicies"].as_array_mut().unwrap() {
                        if p["domain"] == "recording" {
                            mutate(p);
                        }
                    }
                }
            }
        });
        let imported = import_dir(&s.0).unwrap();
        assert!(
            !imported.report.dropped.is_empty(),
            "{what}: nothing reported dropped"
        );
        assert!(
            imported
                .report
                .dropped
                .iter()
                .all(|d| d.role.id == qa_role || d.role.id == sup_role),
            "{what}"
        );
        let after = allowed_set(&Policy::from_json(&imported.text).unwrap(), &requests, &ids);
        let mut narrowed = 0;
        for (i, (b, a)) in before.iter().zip(&after).enumerate() {
            assert!(!*a || *b, "{what} widened {}", requests[i]);
            narrowed += usize::from(*b && !*a);
        }
        assert!(
            narrowed > 0,
            "{what}: the dropped grants allowed something before"
        );
    }
}

#[test]
fn entity_wildcards_expand_by_domain_first() {
    let s = ScratchExport::new("wildcard");
    let qa_role = GenesysIds::load().map("roles", "qa-screen-viewer");
    s.edit("authorization/roles.json", |v| {
        for role in v["entities"].as_array_mut().unwrap() {
            if role["id"] == json!(qa_role) {
                role["permissionPolicies"] = json!([ { "domain": "routing", "entityName": "*", "actionSet": ["*"] }, { "domain": "analytics", "entityName": "*", "actionSet": ["view"] } ]);
            }
        }
    });
    let imported = import_dir(&s.0).unwrap();
    let grants: Vec<&str> = imported.policy["roles"][&qa_role]["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["permission"].as_str().unwrap())
        .collect();
    assert_eq!(
        grants,
        [
            "routing:queue:view",
            "routing:queue:edit",
            "routing:queue:join",
            "analytics:reportingData:view"
        ]
    );
    let policy = Policy::from_json(&imported.text).unwrap();
    let qa = GenesysIds::load().map("users", "qa-1");
    for perm in Perm::all().filter(|p| p.on_recordings()) {
        let plan = policy
            .plan(
                &qa,
                perm.name(),
                recgate_core::Timestamp::parse("2026-11-22T12:00:00Z").unwrap(),
            )
            .unwrap();
        assert_eq!(
            plan.filter,
            recgate_core::plan::RecordingFilter::Never,
            "{perm} leaked across domains"
        );
    }
    let wild = imported
        .report
        .permissions
        .iter()
        .find(|p| p.genesys == "routing:*:*")
        .unwrap();
    assert_eq!(
        wild.catalog,
        [
            "routing:queue:view",
            "routing:queue:edit",
            "routing:queue:join"
        ]
    );
}

#[test]
fn access_policies_deny_and_allow_only_their_subjects() {
    let ids = GenesysIds::load();
    let s = ScratchExport::new("abac");
    let comp2 = ids.map("users", "comp-2");
    let sradmin = ids.map("users", "sradmin-1");
    s.edit("authorization/policies.json", |v| {
        let list = v["entities"].as_array_mut().unwrap();
        // An ALLOW for comp-2 alone: everyone else loses recording deletion.
        list.push(json!({ "id": "p-allow", "name": "Only the compliance lead deletes", "targetResource": "recording:recording:delete", "subject": { "type": "USER", "id": comp2 }, "effect": "ALLOW", "active": true }));
        // A conditioned DENY applies unconditionally.
        list.push(json!({ "id": "p-cond", "name": "No downloads at night", "targetResource": "recording:recording:download", "subject": { "type": "USER", "id": comp2 }, "effect": "DENY", "active": true, "condition": { "timeOfDay": "night" } }));
        list.push(json!({ "id": "p-off", "name": "Inactive", "targetResource": "recording:recording:view", "subject": { "type": "USER", "id": comp2 }, "effect": "DENY", "active": false }));
    });
    let imported = import_dir(&s.0).unwrap();
    let policy = Policy::from_json(&imported.text).unwrap();
    let call = |principal: &str, permission: &str| {
        let req = json!({ "principal": principal, "permission": permission, "resource": { "type": "recording", "id": "r", "media": "audio", "owner": ids.map("users", "a-us-1"), "divisions": [ids.map("divisions", "home")], "createdAt": "2026-11-21T09:00:00Z" }, "now": "2026-11-22T12:00:00Z" });
        decide(&policy, &req)
    };
    assert!(call(&comp2, "recording:recording:delete").allow);
    assert_eq!(
        call(&sradmin, "recording:recording:delete").reason,
        Reason::Denied
    );
    assert_eq!(
        call(&comp2, "recording:recording:download").reason,
        Reason::Denied
    );
    assert!(call(&comp2, "recording:recording:view").allow);
    let outcomes: Vec<&str> = imported
        .report
        .access_policies
        .iter()
        .map(|a| a.outcome.as_str())
        .collect();
    assert!(outcomes.iter().any(|o| o.starts_with("inactive")));
    assert!(outcomes
        .iter()
        .any(|o| o.contains("applies unconditionally")));
}
