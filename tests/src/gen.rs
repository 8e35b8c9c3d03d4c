//! Proptest strategies over a small universe of ids (so that random requests
//! hit the random policy's users, groups and queues often), covering every
//! scope kind, divisions, `when`, denies, prerequisites, regions, BPO flags,
//! service accounts, impersonation, retention, legal hold, sensitive data and
//! annotations.

use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use serde_json::{json, Value};

pub const USERS: [&str; 6] = ["u0", "u1", "u2", "u3", "u4", "u5"];
pub const GROUPS: [&str; 3] = ["g0", "g1", "g2"];
pub const QUEUES: [&str; 4] = ["q0", "q1", "q2", "q3"];
pub const VIEWS: [&str; 2] = ["v0", "v1"];
pub const DIVISIONS: [&str; 3] = ["home", "d1", "d2"];
pub const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
pub const ROLES: [&str; 5] = ["r0", "r1", "r2", "r3", "r4"];
pub const LINES: [&str; 3] = ["l0", "l1", "l2"];
pub const NOW: &str = "2026-11-22T12:00:00Z";

/// Permissions and patterns rules draw from: weighted towards recordings.
pub const RULE_PERMISSIONS: [&str; 24] = [
    "recording:recording:view",
    "recording:recording:view",
    "recording:screenRecording:view",
    "recording:screenRecording:view",
    "recording:metadata:view",
    "recording:recording:download",
    "recording:screenRecording:download",
    "recording:recording:delete",
    "recording:screenRecording:delete",
    "recording:recording:blackout",
    "recording:recording:viewSensitiveData",
    "recording:recording:editRetention",
    "recording:annotation:*",
    "recording:annotation:view",
    "recording:*:delete",
    "recording:*:view",
    "conversation:transcript:view",
    "conversation:call:monitor",
    "routing:queue:view",
    "analytics:reportingData:view",
    "directory:user:view",
    "directory:user:impersonate",
    "authorization:role:view",
    "*:*:*",
];

/// Permissions requests ask for (exact catalog entries, plus two invalid ones).
pub const REQUEST_PERMISSIONS: [&str; 30] = [
    "recording:recording:view",
    "recording:recording:view",
    "recording:screenRecording:view",
    "recording:screenRecording:view",
    "recording:metadata:view",
    "recording:metadata:view",
    "recording:recording:download",
    "recording:screenRecording:download",
    "recording:recording:delete",
    "recording:screenRecording:delete",
    "recording:recording:blackout",
    "recording:recording:viewSensitiveData",
    "recording:recording:editRetention",
    "recording:deletionProtection:apply",
    "recording:annotation:view",
    "recording:annotation:add",
    "recording:annotation:edit",
    "recording:annotation:delete",
    "conversation:transcript:view",
    "conversation:call:monitor",
    "routing:queue:view",
    "routing:queue:edit",
    "analytics:reportingData:view",
    "directory:user:view",
    "directory:user:impersonate",
    "authorization:role:view",
    "recording:retentionPolicy:view",
    "recording:recording:view",
    "recording:*:view",
    "recording:recording:play",
];

fn ids(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<&'static str>> {
    subsequence(pool.to_vec(), 0..=max.min(pool.len()))
}

fn scope() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => Just(json!("all")),
        1 => Just(json!("self")),
        2 => Just(json!("assigned")),
        1 => Just(json!("lines")),
        2 => select(GROUPS.to_vec()).prop_map(|g| json!({ "group": g })),
        2 => select(VIEWS.to_vec()).prop_map(|v| json!({ "view": v })),
    ]
}

fn when() -> impl Strategy<Value = Option<Value>> {
    let queues = proptest::option::weighted(0.2, subsequence(QUEUES.to_vec(), 1..=2));
    let media = proptest::option::weighted(
        0.2,
        subsequence(vec!["audio", "screen", "chat", "email"], 1..=2),
    );
    let dirs = proptest::option::weighted(0.2, subsequence(vec!["inbound", "outbound"], 1..=1));
    (queues, media, dirs).prop_map(|(q, m, d)| {
        let mut w = serde_json::Map::new();
        if let Some(q) = q {
            w.insert("queues".into(), json!(q));
        }
        if let Some(m) = m {
            w.insert("media".into(), json!(m));
        }
        if let Some(d) = d {
            w.insert("directions".into(), json!(d));
        }
        (!w.is_empty()).then_some(Value::Object(w))
    })
}

/// A grant (or, with `deny`, a deny).
pub fn rule(deny: bool) -> impl Strategy<Value = Value> {
    (
        select(RULE_PERMISSIONS.to_vec()),
        scope(),
        when(),
        proptest::bool::weighted(0.15),
    )
        .prop_map(move |(p, s, w, cross)| {
            let mut r = json!({ "permission": p, "scope": s });
            if let Some(w) = w {
                r["when"] = w;
            }
            if cross && !deny {
                r["crossRegion"] = json!(true);
            }
            r
        })
}

fn role(index: usize) -> impl Strategy<Value = Value> {
    // Inherit only from later roles: no cycles.
    let later: Vec<&'static str> = ROLES[index + 1..].to_vec();
    let inherits = if later.is_empty() {
        Just(Vec::new()).boxed()
    } else {
        subsequence(later.clone(), 0..=later.len().min(2)).boxed()
    };
    (inherits, proptest::collection::vec(rule(false), 0..5), proptest::collection::vec(rule(true), 0..2), proptest::bool::weighted(0.2))
        .prop_map(|(inh, grants, denies, system)| json!({ "inherits": inh, "grants": grants, "denies": denies, "system": system }))
}

fn assignment() -> impl Strategy<Value = Value> {
    let divisions = prop_oneof![
        2 => Just(None),
        2 => Just(Some(vec!["*"])),
        3 => subsequence(DIVISIONS.to_vec(), 1..=2).prop_map(Some),
    ];
    (select(ROLES.to_vec()), divisions).prop_map(|(r, d)| match d {
        None => json!({ "role": r }),
        Some(d) => json!({ "role": r, "divisions": d }),
    })
}

fn user() -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec(assignment(), 0..4),
        select(DIVISIONS.to_vec()),
        select(REGIONS.to_vec()),
        proptest::bool::weighted(0.25),
        proptest::bool::weighted(0.15),
        proptest::bool::weighted(0.05),
        ids(&LINES, 2),
    )
        .prop_map(|(roles, division, region, bpo, service, disabled, lines)| {
            let mut seen = Vec::new();
            let roles: Vec<Value> = roles.into_iter().filter(|a| {
                let key = a.to_string();
                let fresh = !seen.contains(&key);
                seen.push(key);
                fresh
            }).collect();
            json!({ "roles": roles, "division": division, "region": region, "bpo": bpo,
                    "kind": if service { "service" } else { "user" }, "disabled": disabled, "lines": lines })
        })
}

/// A whole valid policy over the fixed universe.
pub fn policy() -> impl Strategy<Value = Value> {
    let groups = proptest::collection::vec((ids(&USERS, 3), proptest::bool::weighted(0.3)), 3..=3);
    let queues = proptest::collection::vec(
        (select(DIVISIONS.to_vec()), ids(&USERS, 3), ids(&GROUPS, 2)),
        4..=4,
    );
    let views =
        proptest::collection::vec((ids(&QUEUES, 2), ids(&USERS, 2), ids(&GROUPS, 1)), 2..=2);
    let roles = (role(0), role(1), role(2), role(3), role(4));
    let users = proptest::collection::vec(user(), 6..=6);
    let retention = (
        proptest::option::of(1u32..60),
        proptest::option::of(1u32..400),
    );
    let prereqs = proptest::bool::weighted(0.3);
    (
        groups,
        queues,
        views,
        roles,
        users,
        retention,
        proptest::bool::weighted(0.2),
        prereqs,
    )
        .prop_map(
            |(groups, queues, views, roles, users, (screen, default), bpo_export, prereqs)| {
                let mut doc = json!({
                    "schema": "recgate/v1",
                    "revision": "gen",
                    "settings": { "homeRegion": "us-east-1", "bpoExport": bpo_export },
                    "divisions": { "home": {}, "d1": {}, "d2": {} },
                    "groups": {}, "queues": {}, "views": {}, "roles": {}, "users": {}
                });
                let mut retention = serde_json::Map::new();
                if let Some(s) = screen {
                    retention.insert("screen".into(), json!(s));
                }
                if let Some(d) = default {
                    retention.insert("default".into(), json!(d));
                }
                if !retention.is_empty() {
                    doc["settings"]["retentionDays"] = Value::Object(retention);
                }
                for (i, (members, bpo)) in groups.into_iter().enumerate() {
                    doc["groups"][GROUPS[i]] = json!({ "members": members, "bpo": bpo });
                }
                for (i, (division, members, groups)) in queues.into_iter().enumerate() {
                    doc["queues"][QUEUES[i]] =
                        json!({ "division": division, "members": members, "groups": groups });
                }
                for (i, (queues, users, groups)) in views.into_iter().enumerate() {
                    doc["views"][VIEWS[i]] =
                        json!({ "queues": queues, "users": users, "groups": groups });
                }
                let (a, b, c, d, e) = roles;
                for (i, r) in [a, b, c, d, e].into_iter().enumerate() {
                    doc["roles"][ROLES[i]] = r;
                }
                for (i, u) in users.into_iter().enumerate() {
                    doc["users"][USERS[i]] = u;
                }
                if prereqs {
                    doc["prerequisites"] = json!({
                        "recording:recording:download": ["recording:metadata:view"],
                        "routing:queue:edit": ["routing:queue:view"]
                    });
                }
                doc
            },
        )
}

fn maybe_user() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        9 => select(USERS.to_vec()).prop_map(|u| Some(u.to_string())),
        1 => Just(Some("ghost".to_string())),
        2 => Just(None),
    ]
}

fn timestamp() -> impl Strategy<Value = String> {
    // Around NOW: from 400 days before to a day after.
    (0i64..401, 0i64..24).prop_map(|(days, hours)| {
        let t = recgate_core::Timestamp::parse(NOW)
            .map(|t| t.0)
            .unwrap_or(0)
            - days * 86_400_000
            + hours * 3_600_000;
        recgate_core::Timestamp(t).to_string()
    })
}

/// A recording resource (without `type`).
pub fn recording() -> impl Strategy<Value = Value> {
    (
        (select(vec!["audio", "screen", "chat", "email", "messaging"]), proptest::option::of(select(vec!["inbound", "outbound"]))),
        (maybe_user(), ids(&USERS, 2), proptest::option::of(select(vec!["q0", "q1", "q2", "q3", "q-unknown"]))),
        (proptest::option::of(subsequence(vec!["home", "d1", "d2", "d-unknown"], 0..=2)), proptest::option::of(select(REGIONS.to_vec())), proptest::option::of(select(LINES.to_vec()))),
        (proptest::option::weighted(0.9, timestamp()), proptest::option::weighted(0.2, 1u32..400)),
        (proptest::bool::weighted(0.15), proptest::bool::weighted(0.2), proptest::bool::weighted(0.2), ids(&["rel-1", "rel-2"], 2)),
    )
        .prop_map(|((media, direction), (owner, participants, queue), (divisions, region, line), (created, retention), (hold, sensitive, live, related))| {
            let mut r = json!({ "id": "rec-1", "media": media, "participants": participants, "legalHold": hold, "sensitive": sensitive, "live": live, "related": related });
            let set = |r: &mut Value, k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    r[k] = v;
                }
            };
            set(&mut r, "direction", direction.map(|d| json!(d)));
            set(&mut r, "owner", owner.map(|o| json!(o)));
            set(&mut r, "queue", queue.map(|q| json!(q)));
            set(&mut r, "divisions", divisions.map(|d| json!(d)));
            set(&mut r, "region", region.map(|x| json!(x)));
            set(&mut r, "line", line.map(|x| json!(x)));
            set(&mut r, "createdAt", created.map(|x| json!(x)));
            set(&mut r, "retentionDays", retention.map(|x| json!(x)));
            r
        })
}

/// Any resource, with `type`.
pub fn resource() -> impl Strategy<Value = Value> {
    prop_oneof![
        8 => recording().prop_map(|mut r| { r["type"] = json!("recording"); r }),
        3 => (recording(), maybe_user(), proptest::bool::weighted(0.3)).prop_map(|(rec, author, private)| {
            let mut a = json!({ "type": "annotation", "id": "ann-1", "visibility": if private { "private" } else { "public" }, "recording": rec });
            if let Some(author) = author { a["author"] = json!(author); }
            a
        }),
        2 => select(vec!["q0", "q1", "q2", "q3", "q-unknown"]).prop_map(|q| json!({ "type": "queue", "id": q })),
        2 => select(vec!["u0", "u1", "u2", "u3", "u4", "u5", "ghost"]).prop_map(|u| json!({ "type": "user", "id": u })),
        1 => (proptest::option::of(select(USERS.to_vec())), proptest::option::of(select(QUEUES.to_vec()))).prop_map(|(u, q)| {
            let mut r = json!({ "type": "report" });
            if let Some(u) = u { r["user"] = json!(u); }
            if let Some(q) = q { r["queue"] = json!(q); }
            r
        }),
        1 => Just(json!({ "type": "role", "id": "r0" })),
        1 => Just(json!({ "type": "schedule", "id": "s0" })),
    ]
}

/// A request against the generated universe (occasionally impersonating).
pub fn request() -> impl Strategy<Value = Value> {
    (
        select(USERS.to_vec()),
        proptest::option::weighted(0.2, select(USERS.to_vec())),
        select(REQUEST_PERMISSIONS.to_vec()),
        resource(),
    )
        .prop_map(|(p, actor, perm, res)| {
            let mut r = json!({ "principal": p, "permission": perm, "resource": res, "now": NOW });
            if let Some(a) = actor {
                r["actor"] = json!(a);
            }
            r
        })
}
