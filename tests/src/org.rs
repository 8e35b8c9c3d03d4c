//! A deterministic generator of large organisations (users, roles, groups,
//! queues, divisions) and of recordings for them, for benchmarks: the same
//! seed gives the same org on every machine and for every engine compared.

use serde_json::{json, Value};

/// A tiny deterministic PRNG (SplitMix64): benchmarks need repeatable data, not quality randomness.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// Sizes of a generated organisation.
#[derive(Debug, Clone, Copy)]
pub struct OrgSize {
    pub users: usize,
    pub roles: usize,
    pub groups: usize,
    pub queues: usize,
    pub divisions: usize,
}

impl OrgSize {
    /// The issue's reference org: 10,000 users, 500 roles, 200 groups, 300 queues, 20 divisions.
    pub fn reference() -> OrgSize {
        OrgSize {
            users: 10_000,
            roles: 500,
            groups: 200,
            queues: 300,
            divisions: 20,
        }
    }
}

const GRANTABLE: [&str; 10] = [
    "recording:recording:view",
    "recording:screenRecording:view",
    "recording:metadata:view",
    "recording:recording:download",
    "recording:recording:delete",
    "recording:annotation:view",
    "recording:annotation:add",
    "conversation:transcript:view",
    "routing:queue:view",
    "analytics:reportingData:view",
];

pub fn user_id(i: usize) -> String {
    format!("user-{i}")
}

/// A valid recgate/v1 policy of the given size.
pub fn org(size: OrgSize, seed: u64) -> Value {
    let mut rng = Rng::new(seed);
    let division = |i: usize| {
        if i == 0 {
            "home".to_string()
        } else {
            format!("div-{i}")
        }
    };
    let mut divisions = serde_json::Map::new();
    for d in 0..size.divisions {
        divisions.insert(division(d), json!({ "name": format!("Division {d}") }));
    }
    let mut groups = serde_json::Map::new();
    for g in 0..size.groups {
        let members: Vec<String> = (0..size.users)
            .filter(|u| u % size.groups == g)
            .map(user_id)
            .collect();
        groups.insert(format!("group-{g}"), json!({ "members": members }));
    }
    let mut queues = serde_json::Map::new();
    for q in 0..size.queues {
        let members: Vec<String> = (0..size.users)
            .filter(|u| u % size.queues == q)
            .map(user_id)
            .collect();
        queues.insert(format!("queue-{q}"), json!({ "division": division(q % size.divisions), "members": members, "groups": [format!("group-{}", q % size.groups)] }));
    }
    let mut views = serde_json::Map::new();
    for v in 0..20 {
        let qs: Vec<String> = (0..5)
            .map(|k| format!("queue-{}", (v * 5 + k) % size.queues))
            .collect();
        views.insert(format!("view-{v}"), json!({ "queues": qs }));
    }
    let mut roles = serde_json::Map::new();
    roles.insert("employee".into(), json!({ "system": true, "grants": [ { "permission": "directory:user:view", "scope": "self" } ] }));
    for r in 0..size.roles {
        let mut grants = Vec::new();
        for _ in 0..(3 + rng.below(4)) {
            let perm = GRANTABLE[rng.below(GRANTABLE.len())];
            let scope = match rng.below(6) {
                0 => json!("all"),
                1 => json!("self"),
                2 => json!("assigned"),
                3 | 4 => json!({ "group": format!("group-{}", rng.below(size.groups)) }),
                _ => json!({ "view": format!("view-{}", rng.below(20)) }),
            };
            let mut g = json!({ "permission": perm, "scope": scope });
            if rng.chance(20) {
                g["when"] = json!({ "directions": ["inbound"] });
            }
            grants.push(g);
        }
        let denies = if rng.chance(10) {
            vec![json!({ "permission": "recording:*:delete" })]
        } else {
            vec![]
        };
        roles.insert(
            format!("role-{r}"),
            json!({ "name": format!("Role {r}"), "grants": grants, "denies": denies }),
        );
    }
    let mut users = serde_json::Map::new();
    for u in 0..size.users {
        let mut assignments = vec![json!({ "role": "employee" })];
        for _ in 0..(1 + rng.below(3)) {
            let divs: Vec<String> = if rng.chance(30) {
                vec!["*".into()]
            } else {
                (0..2)
                    .map(|_| division(rng.below(size.divisions)))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect()
            };
            assignments.push(
                json!({ "role": format!("role-{}", rng.below(size.roles)), "divisions": divs }),
            );
        }
        assignments.dedup_by(|a, b| a["role"] == b["role"]);
        let mut seen = std::collections::BTreeSet::new();
        assignments.retain(|a| seen.insert(a["role"].to_string()));
        users.insert(user_id(u), json!({ "roles": assignments, "division": division(u % size.divisions), "region": if u % 10 == 0 { "eu-west-1" } else { "us-east-1" } }));
    }
    json!({
        "schema": "recgate/v1", "revision": format!("bench-{}u-{}r", size.users, size.roles),
        "settings": { "homeRegion": "us-east-1", "retentionDays": { "screen": 30, "default": 365 } },
        "divisions": divisions, "groups": groups, "queues": queues, "views": views, "roles": roles, "users": users
    })
}

/// Recordings spread over the org's users, queues and divisions.
pub fn recordings(size: OrgSize, n: usize, seed: u64) -> Vec<Value> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let owner = rng.below(size.users);
            let screen = rng.chance(30);
            let d = rng.below(size.divisions);
            json!({
                "id": format!("rec-{i}"),
                "media": if screen { "screen" } else { "audio" },
                "direction": if rng.chance(50) { "inbound" } else { "outbound" },
                "owner": user_id(owner),
                "participants": [user_id(owner)],
                "queue": format!("queue-{}", rng.below(size.queues)),
                "divisions": [if d == 0 { "home".to_string() } else { format!("div-{d}") }],
                "region": if rng.chance(10) { "eu-west-1" } else { "us-east-1" },
                "createdAt": format!("2026-11-{:02}T09:00:00Z", 1 + rng.below(21)),
                "sensitive": rng.chance(5)
            })
        })
        .collect()
}

/// The benchmarks' requests: one per generated recording, by a random user,
/// for a view, metadata or download permission that fits the media. The same
/// requests are replayed by every engine compared.
pub fn sample_requests(size: OrgSize, n: usize) -> Vec<Value> {
    let mut rng = Rng::new(5);
    recordings(size, n, 11)
        .into_iter()
        .map(|mut r| {
            let media_screen = r["media"] == "screen";
            let perm = match rng.below(4) {
                0 => "recording:metadata:view",
                1 if !media_screen => "recording:recording:download",
                _ if media_screen => "recording:screenRecording:view",
                _ => "recording:recording:view",
            };
            r["type"] = "recording".into();
            json!({ "principal": user_id(rng.below(size.users)), "permission": perm, "resource": r, "now": "2026-11-22T12:00:00Z" })
        })
        .collect()
}
