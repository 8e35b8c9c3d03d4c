//! Properties of the policy analyses (`recgate-analysis`) against the core's
//! own decisions:
//!
//! - `who_can` lists exactly the principals `decide` allows on a resource,
//!   and exactly the (actor, principal) pairs `decide` allows impersonated,
//!   on random policies and resources of every type;
//! - `verify` agrees with exhaustive `decide` over a universe of recordings
//!   that takes every value the small random policies and claims can tell
//!   apart (owners, participants, queues, divisions, regions, lines, media,
//!   directions, flags, retention): a claim holds exactly when no recording
//!   of the universe breaks it, and every counterexample `verify` gives is
//!   one the core allows.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test: a panic is a failure with its message"
)]

use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use recgate_analysis::claims::{Claim, ClaimKind, Constraint, Names};
use recgate_analysis::{verify, who_can, ClaimSet};
use recgate_core::catalog::Perm;
use recgate_core::model::PolicyDoc;
use recgate_core::{Policy, Recording, Request, Resource, Timestamp};
use recgate_tests::cases::property_config;
use recgate_tests::gen;
use serde_json::{json, Value};

fn now() -> Timestamp {
    Timestamp::parse(gen::NOW).unwrap()
}

fn request(principal: &str, actor: Option<&str>, perm: &str, resource: &Resource) -> Request {
    Request {
        principal: principal.into(),
        actor: actor.map(Into::into),
        permission: perm.into(),
        resource: resource.clone(),
        now: now(),
    }
}

proptest! {
    #![proptest_config(property_config(160))]

    #[test]
    fn who_can_lists_exactly_whom_decide_allows(doc in gen::policy(), res in gen::resource(), perm in select(gen::REQUEST_PERMISSIONS.to_vec())) {
        let policy = Policy::from_json(&doc.to_string()).unwrap();
        let resource = Request::from_json(&json!({ "principal": "u0", "permission": "recording:recording:view", "resource": res, "now": gen::NOW }).to_string()).unwrap().resource;
        let answer = who_can(&policy, perm, &resource, now());
        let Some(p) = Perm::parse(perm) else {
            prop_assert!(answer.is_err());
            return Ok(());
        };
        if !recgate_analysis::whocan::applies_to_type(p, &resource) {
            prop_assert!(answer.is_err());
            return Ok(());
        }
        let answer = answer.unwrap();
        let users: Vec<String> = policy.user_ids().map(String::from).collect();
        let expected: Vec<&String> = users.iter().filter(|u| policy.decide(&request(u, None, perm, &resource)).allow).collect();
        let got: Vec<&String> = answer.principals.iter().map(|a| &a.principal).collect();
        prop_assert_eq!(got, expected);
        let mut pairs = Vec::new();
        for p in &users {
            for a in users.iter().filter(|a| *a != p) {
                if policy.decide(&request(p, Some(a), perm, &resource)).allow {
                    pairs.push((a.clone(), p.clone()));
                }
            }
        }
        pairs.sort();
        let mut got: Vec<(String, String)> = answer.actors.iter().map(|a| (a.actor.clone(), a.principal.clone())).collect();
        got.sort();
        prop_assert_eq!(got, pairs);
    }
}

// A small world for verify: every value a policy or claim of it can tell
// apart has a representative in the universe below.
const USERS: [&str; 2] = ["u0", "u1"];
const REC_PERMS: [&str; 9] = [
    "recording:recording:view",
    "recording:screenRecording:view",
    "recording:metadata:view",
    "recording:recording:download",
    "recording:recording:delete",
    "recording:recording:blackout",
    "recording:recording:viewSensitiveData",
    "conversation:call:monitor",
    "recording:screenRecording:delete",
];

fn small_rule(deny: bool) -> impl Strategy<Value = Value> {
    let perms = prop_oneof![
        8 => select(REC_PERMS.to_vec()),
        1 => Just("recording:*:view"),
        1 => Just("recording:*:delete"),
    ];
    let scope = prop_oneof![
        3 => Just(json!("all")),
        1 => Just(json!("self")),
        2 => Just(json!("assigned")),
        1 => Just(json!("lines")),
        2 => Just(json!({ "group": "g0" })),
        1 => Just(json!({ "view": "v0" })),
    ];
    let when = (
        proptest::option::weighted(0.2, Just(vec!["q0"])),
        proptest::option::weighted(0.25, subsequence(vec!["audio", "screen"], 1..=2)),
        proptest::option::weighted(0.2, select(vec!["inbound", "outbound"])),
    );
    (perms, scope, when, proptest::bool::weighted(0.2)).prop_map(move |(p, s, (q, m, d), cross)| {
        let mut r = json!({ "permission": p, "scope": s });
        let mut w = serde_json::Map::new();
        if let Some(q) = q {
            w.insert("queues".into(), json!(q));
        }
        if let Some(m) = m {
            w.insert("media".into(), json!(m));
        }
        if let Some(d) = d {
            w.insert("directions".into(), json!([d]));
        }
        if !w.is_empty() {
            r["when"] = Value::Object(w);
        }
        if cross && !deny {
            r["crossRegion"] = json!(true);
        }
        r
    })
}

fn small_policy() -> impl Strategy<Value = Value> {
    let role = || {
        (
            proptest::collection::vec(small_rule(false), 1..5),
            proptest::collection::vec(small_rule(true), 0..=1),
        )
    };
    let assignment = (
        select(vec!["r0", "r1", "r2"]),
        prop_oneof![2 => Just(None), 3 => Just(Some(vec!["*"])), 2 => subsequence(vec!["home", "d1"], 1..=2).prop_map(Some)],
    );
    let user = (
        proptest::collection::vec(assignment, 1..3),
        select(vec!["home", "d1"]),
        prop_oneof![3 => Just("us-east-1"), 1 => Just("eu-west-1")],
        proptest::bool::weighted(0.3),
        proptest::bool::weighted(0.5),
        proptest::bool::weighted(0.05),
    );
    (
        (role(), role(), role()),
        proptest::collection::vec(user, 2..=2),
        subsequence(USERS.to_vec(), 0..=2),
        (proptest::option::of(1u32..60), proptest::option::of(1u32..400), proptest::bool::weighted(0.3), proptest::bool::weighted(0.3)),
    )
        .prop_map(|((r0, r1, r2), users, g0, (screen, default, bpo_export, prereq))| {
            let mut doc = json!({
                "schema": "recgate/v1", "revision": "small",
                "settings": { "homeRegion": "us-east-1", "bpoExport": bpo_export },
                "divisions": { "home": {}, "d1": {} },
                "groups": { "g0": { "members": g0 } },
                "queues": { "q0": { "division": "d1", "members": ["u1"] } },
                "views": { "v0": { "queues": ["q0"], "users": ["u0"] } },
                "roles": {}, "users": {}
            });
            let mut retention = serde_json::Map::new();
            if let Some(s) = screen { retention.insert("screen".into(), json!(s)); }
            if let Some(d) = default { retention.insert("default".into(), json!(d)); }
            if !retention.is_empty() { doc["settings"]["retentionDays"] = Value::Object(retention); }
            for (i, (grants, denies)) in [r0, r1, r2].into_iter().enumerate() {
                doc["roles"][format!("r{i}")] = json!({ "grants": grants, "denies": denies });
            }
            for (i, (assignments, division, region, bpo, lines, disabled)) in users.into_iter().enumerate() {
                let mut seen = Vec::new();
                let roles: Vec<Value> = assignments.into_iter().filter(|(r, _)| { let fresh = !seen.contains(r); seen.push(*r); fresh }).map(|(r, d)| match d {
                    None => json!({ "role": r }),
                    Some(d) => json!({ "role": r, "divisions": d }),
                }).collect();
                doc["users"][USERS[i]] = json!({ "roles": roles, "division": division, "region": region, "bpo": bpo, "lines": if lines { vec!["l0"] } else { vec![] }, "disabled": disabled });
            }
            if prereq {
                doc["prerequisites"] = json!({ "recording:recording:download": ["recording:metadata:view"] });
            }
            doc
        })
}

fn names(values: Vec<&'static str>) -> Names {
    Names::Many(values.into_iter().map(String::from).collect())
}

fn constraint() -> impl Strategy<Value = Constraint> {
    let leaf = prop_oneof![
        subsequence(vec!["audio", "screen"], 1..=2).prop_map(|v| Constraint {
            media: Some(names(v)),
            ..Constraint::default()
        }),
        select(vec!["inbound", "outbound"]).prop_map(|v| Constraint {
            direction: Some(names(vec![v])),
            ..Constraint::default()
        }),
        subsequence(vec!["u0", "u1", "$principal"], 1..=2).prop_map(|v| Constraint {
            owner: Some(names(v)),
            ..Constraint::default()
        }),
        subsequence(vec!["u0", "u1", "$principal"], 1..=2).prop_map(|v| Constraint {
            participant: Some(names(v)),
            ..Constraint::default()
        }),
        Just(Constraint {
            queue: Some(names(vec!["q0"])),
            ..Constraint::default()
        }),
        subsequence(vec!["home", "d1", "$principal.division"], 1..=2).prop_map(|v| Constraint {
            division: Some(names(v)),
            ..Constraint::default()
        }),
        subsequence(vec!["us-east-1", "eu-west-1", "$principal.region"], 1..=2).prop_map(|v| {
            Constraint {
                region: Some(names(v)),
                ..Constraint::default()
            }
        }),
        select(vec!["l0", "$principal.lines"]).prop_map(|v| Constraint {
            line: Some(names(vec![v])),
            ..Constraint::default()
        }),
        select(vec!["g0", "*", "$principal.groups"]).prop_map(|v| Constraint {
            owner_group: Some(names(vec![v])),
            ..Constraint::default()
        }),
        any::<bool>().prop_map(|b| Constraint {
            legal_hold: Some(b),
            ..Constraint::default()
        }),
        any::<bool>().prop_map(|b| Constraint {
            sensitive: Some(b),
            ..Constraint::default()
        }),
        any::<bool>().prop_map(|b| Constraint {
            live: Some(b),
            ..Constraint::default()
        }),
        any::<bool>().prop_map(|b| Constraint {
            expired: Some(b),
            ..Constraint::default()
        }),
        Just(Constraint::default()),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Constraint {
                not: Some(Box::new(c)),
                ..Constraint::default()
            }),
            proptest::collection::vec(inner.clone(), 1..3).prop_map(|v| Constraint {
                any_of: Some(v),
                ..Constraint::default()
            }),
            proptest::collection::vec(inner, 1..3).prop_map(|v| Constraint {
                all_of: Some(v),
                ..Constraint::default()
            }),
        ]
    })
}

fn claim() -> impl Strategy<Value = Value> {
    let selector = prop_oneof![
        Just(json!({})),
        any::<bool>().prop_map(|b| json!({ "bpo": b })),
        select(USERS.to_vec()).prop_map(|u| json!({ "ids": [u] })),
        select(vec!["r0", "r1"]).prop_map(|r| json!({ "role": r })),
        select(vec!["home", "d1"]).prop_map(|d| json!({ "not": { "division": d } })),
    ];
    let perms = prop_oneof![
        2 => subsequence(REC_PERMS[..3].to_vec(), 1..=2),
        1 => subsequence(REC_PERMS.to_vec(), 1..=2),
    ];
    (selector.clone(), perms, any::<bool>(), constraint(), selector).prop_map(|(principals, perms, never, k, only)| {
        let k = constraint_json(&k);
        if never {
            json!({ "id": "c", "principals": principals, "permissions": perms, "never": k })
        } else {
            json!({ "id": "c", "principals": principals, "permissions": perms, "only": only, "resource": k })
        }
    })
}

fn constraint_json(k: &Constraint) -> Value {
    let mut m = serde_json::Map::new();
    let list = |n: &Names| match n {
        Names::One(s) => json!([s]),
        Names::Many(v) => json!(v),
    };
    for (key, v) in [
        ("media", &k.media),
        ("direction", &k.direction),
        ("owner", &k.owner),
        ("participant", &k.participant),
        ("queue", &k.queue),
        ("division", &k.division),
        ("region", &k.region),
        ("line", &k.line),
        ("ownerGroup", &k.owner_group),
    ] {
        if let Some(n) = v {
            m.insert(key.into(), list(n));
        }
    }
    for (key, v) in [
        ("legalHold", k.legal_hold),
        ("sensitive", k.sensitive),
        ("live", k.live),
        ("expired", k.expired),
    ] {
        if let Some(b) = v {
            m.insert(key.into(), json!(b));
        }
    }
    if let Some(n) = &k.not {
        m.insert("not".into(), constraint_json(n));
    }
    if let Some(l) = &k.any_of {
        m.insert("anyOf".into(), l.iter().map(constraint_json).collect());
    }
    if let Some(l) = &k.all_of {
        m.insert("allOf".into(), l.iter().map(constraint_json).collect());
    }
    Value::Object(m)
}

/// Every recording the small world can tell apart.
fn universe(doc: &PolicyDoc) -> Vec<Recording> {
    let now = now();
    let mut out = Vec::new();
    let users = [None, Some("u0"), Some("u1")];
    let parts: [&[&str]; 4] = [&[], &["u0"], &["u1"], &["u0", "u1"]];
    let divisions: [Option<&[&str]>; 4] = [None, Some(&[]), Some(&["d1"]), Some(&["home", "d1"])];
    let media = [None, Some("audio"), Some("screen")];
    let directions = [None, Some("inbound"), Some("outbound")];
    // (legal hold, expired): an expired recording is never on hold.
    let holds = [(false, false), (false, true), (true, false)];
    for owner in users {
        for p in parts {
            for queue in [None, Some("q0")] {
                for d in divisions {
                    for region in [None, Some("eu-west-1"), Some("ap-south-1")] {
                        for line in [None, Some("l0")] {
                            for m in media {
                                for dir in directions {
                                    for (hold, expired) in holds {
                                        for flags in 0..4u8 {
                                            let screen = m == Some("screen");
                                            let days = if screen {
                                                doc.settings.retention_screen
                                            } else {
                                                doc.settings.retention_default
                                            };
                                            let (created, retention) = if expired {
                                                (Timestamp(now.0 - 3 * 86_400_000), Some(1))
                                            } else {
                                                (
                                                    Timestamp(now.0 - 3_600_000),
                                                    days.filter(|d| *d == 0).map(|_| 1),
                                                )
                                            };
                                            out.push(Recording {
                                                id: "r".into(),
                                                media: m
                                                    .and_then(recgate_core::model::Media::parse),
                                                direction: dir.and_then(
                                                    recgate_core::model::Direction::parse,
                                                ),
                                                owner: owner.map(String::from),
                                                participants: p
                                                    .iter()
                                                    .map(|x| x.to_string())
                                                    .collect(),
                                                queue: queue.map(String::from),
                                                divisions: d.map(|d| {
                                                    d.iter().map(|x| x.to_string()).collect()
                                                }),
                                                region: region.map(String::from),
                                                line: line.map(String::from),
                                                created_at: Some(created),
                                                retention_days: retention,
                                                legal_hold: hold,
                                                sensitive: flags & 1 != 0,
                                                live: flags & 2 != 0,
                                                ..Recording::default()
                                            });
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// The claim's constraint evaluated directly on a recording: the oracle, written
/// apart from the constraint's compilation to plan filters.
fn satisfies(k: &Constraint, doc: &PolicyDoc, user: &str, r: &Recording) -> bool {
    let u = doc.user(user).unwrap();
    let expand = |n: &Names| -> Vec<String> {
        let list = match n {
            Names::One(s) => vec![s.clone()],
            Names::Many(v) => v.clone(),
        };
        list.into_iter()
            .flat_map(|x| match x.as_str() {
                "$principal" => vec![user.to_string()],
                "$principal.region" => vec![u.region.clone()],
                "$principal.division" => vec![u.division.clone()],
                "$principal.lines" => u.lines.clone(),
                _ => vec![x],
            })
            .collect()
    };
    let one = |n: &Option<Names>, v: Option<&str>| {
        n.as_ref().map_or(true, |n| {
            v.is_some_and(|v| expand(n).iter().any(|x| x == v))
        })
    };
    let some = |n: &Option<Names>, vs: &[String]| {
        n.as_ref()
            .map_or(true, |n| vs.iter().any(|v| expand(n).contains(v)))
    };
    let region = r
        .region
        .clone()
        .unwrap_or_else(|| doc.settings.home_region.clone());
    let divisions = r.divisions.clone().unwrap_or_else(|| vec!["home".into()]);
    let days = r.retention_days.or(if r.is_screen() {
        doc.settings.retention_screen
    } else {
        doc.settings.retention_default
    });
    let expired = !r.legal_hold
        && r.created_at
            .zip(days)
            .is_some_and(|(c, d)| now().0 >= c.plus_days(d).0);
    let owner_group = k.owner_group.as_ref().map_or(true, |n| {
        let wanted = match n {
            Names::One(s) => vec![s.clone()],
            Names::Many(v) => v.clone(),
        };
        doc.groups.iter().any(|(id, g)| {
            let chosen = wanted.iter().any(|w| {
                w == "*"
                    || w == id
                    || (w == "$principal.groups" && g.members.iter().any(|m| m == user))
            });
            chosen && r.owner.as_ref().is_some_and(|o| g.members.contains(o))
        })
    });
    one(&k.media, r.media.map(|m| m.as_str()))
        && one(&k.direction, r.direction.map(|d| d.as_str()))
        && one(&k.owner, r.owner.as_deref())
        && some(&k.participant, &r.participants)
        && one(&k.queue, r.queue.as_deref())
        && some(&k.division, &divisions)
        && one(&k.region, Some(&region))
        && one(&k.line, r.line.as_deref())
        && owner_group
        && k.legal_hold.map_or(true, |b| r.legal_hold == b)
        && k.sensitive.map_or(true, |b| r.sensitive == b)
        && k.live.map_or(true, |b| r.live == b)
        && k.expired.map_or(true, |b| expired == b)
        && k.not.as_ref().map_or(true, |n| !satisfies(n, doc, user, r))
        && k.any_of
            .as_ref()
            .map_or(true, |l| l.iter().any(|x| satisfies(x, doc, user, r)))
        && k.all_of
            .as_ref()
            .map_or(true, |l| l.iter().all(|x| satisfies(x, doc, user, r)))
}

fn breaks(claim: &Claim, policy: &Policy, user: &str, perm: Perm, r: &Recording) -> bool {
    let doc = policy.doc();
    let forbidden = match (&claim.never, &claim.resource) {
        (Some(k), _) | (None, Some(k)) => satisfies(k, doc, user, r),
        (None, None) => true,
    };
    forbidden
        && policy
            .decide(&request(
                user,
                None,
                perm.name(),
                &Resource::Recording(r.clone()),
            ))
            .allow
}

proptest! {
    #![proptest_config(property_config(128))]

    #[test]
    fn verify_agrees_with_exhaustive_decide(doc in small_policy(), claims in proptest::collection::vec(claim(), 1..3)) {
        let policy = Policy::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("{e}\n{doc}"));
        let pdoc = policy.doc();
        let universe = universe(pdoc);
        for c in claims {
            let set = ClaimSet::parse(&json!({ "claims": [c] }).to_string(), pdoc).unwrap_or_else(|e| panic!("{e:?}\n{c}"));
            let claim = &set.claims[0];
            let results = verify(&policy, &set, now()).unwrap();
            let result = &results[0];
            for v in &result.violations {
                let perm = Perm::parse(v.permission).unwrap();
                prop_assert!(breaks(claim, &policy, &v.principal, perm, &v.recording), "a counterexample that is none: {:?}", v);
            }
            for user in policy.user_ids() {
                if !claim.subject(pdoc, user) {
                    continue;
                }
                for perm in claim.recording_permissions() {
                    let reported = result.violations.iter().any(|v| v.principal == user && v.permission == perm.name());
                    let exists = universe.iter().any(|r| breaks(claim, &policy, user, perm, r));
                    prop_assert_eq!(reported, exists, "claim {} ({:?}) for {} / {}: verify says {}, the universe {}\npolicy {}", c, claim.kind() == ClaimKind::Never, user, perm, reported, exists, doc);
                }
            }
        }
    }
}
