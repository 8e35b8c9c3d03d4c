//! Query plans, shape by shape (`recgate plan`, `docs/query-plans.md`): the
//! model test proves every plan matches exactly the recordings the reference
//! allows; this one pins what the plans look like — what a database is asked
//! — so that the simplifications (`and`/`or` of one part, a condition on an
//! empty list is `never`, a principal without a matching grant is `never`)
//! stay made, and plan errors say what is wrong. (Contradictions such as
//! `mediaIn[screen]` and `mediaIn[audio]` together are not folded: the plan
//! is still exact, a database evaluates it to false.) Filters are written compactly (`render`) to keep
//! the expectations reviewable. To refresh after a deliberate change:
//! `RECGATE_BLESS=1 cargo test -p recgate-tests --test plans -- --nocapture`.
#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test: a panic is a failure with its message"
)]

use recgate_core::{Policy, Timestamp};
use serde_json::Value;

const POLICY: &str = r#"{
 "schema": "recgate/v1",
 "revision": "plans",
 "settings": {
  "homeRegion": "us-east-1",
  "retentionDays": {
   "screen": 30
  }
 },
 "divisions": {
  "home": {},
  "emea": {}
 },
 "groups": {
  "g-sales": {
   "members": [
    "a1",
    "lead"
   ]
  },
  "g-empty": {
   "members": []
  }
 },
 "queues": {
  "q-sales": {
   "division": "emea",
   "members": [
    "a1"
   ]
  }
 },
 "views": {
  "v-sales": {
   "queues": [
    "q-sales"
   ],
   "users": [
    "a1"
   ]
  },
  "v-none": {
   "queues": []
  }
 },
 "roles": {
  "everything": {
   "grants": [
    {
     "permission": "recording:recording:view"
    }
   ]
  },
  "nobody": {
   "grants": [
    {
     "permission": "recording:recording:view",
     "scope": {
      "group": "g-empty"
     }
    },
    {
     "permission": "recording:screenRecording:view",
     "scope": {
      "view": "v-none"
     }
    }
   ]
  },
  "screen-when-audio": {
   "grants": [
    {
     "permission": "recording:screenRecording:view",
     "when": {
      "media": [
       "audio"
      ]
     }
    }
   ]
  },
  "lead": {
   "grants": [
    {
     "permission": "recording:recording:view",
     "scope": {
      "group": "g-sales"
     },
     "when": {
      "directions": [
       "inbound"
      ],
      "queues": [
       "q-sales"
      ]
     }
    },
    {
     "permission": "recording:recording:view",
     "scope": "lines"
    },
    {
     "permission": "recording:metadata:view",
     "scope": {
      "view": "v-sales"
     },
     "crossRegion": true
    },
    {
     "permission": "recording:recording:download",
     "scope": "assigned"
    }
   ],
   "denies": [
    {
     "permission": "recording:recording:view",
     "when": {
      "media": [
       "chat"
      ]
     }
    }
   ]
  }
 },
 "users": {
  "all": {
   "roles": [
    {
     "role": "everything",
     "divisions": [
      "*"
     ]
    }
   ]
  },
  "none": {
   "roles": [
    {
     "role": "nobody",
     "divisions": [
      "*"
     ]
    }
   ]
  },
  "odd": {
   "roles": [
    {
     "role": "screen-when-audio",
     "divisions": [
      "*"
     ]
    }
   ]
  },
  "lead": {
   "lines": [
    "l1"
   ],
   "roles": [
    {
     "role": "lead",
     "divisions": [
      "home",
      "emea"
     ]
    }
   ]
  },
  "a1": {},
  "off": {
   "disabled": true,
   "roles": [
    {
     "role": "everything"
    }
   ]
  }
 }
}"#;

/// A filter as a short expression: `and(a, b)`, `or(…)`, `not(…)`,
/// `always`, `never`, `attr[values]`.
fn render(f: &Value) -> String {
    let op = f["op"].as_str().unwrap_or("?");
    let args = &f["args"];
    match op {
        "and" | "or" => format!(
            "{op}({})",
            args.as_array()
                .map(|a| a.iter().map(render).collect::<Vec<_>>().join(", "))
                .unwrap_or_default()
        ),
        "not" => format!("not({})", render(args)),
        "cond" => {
            let attr = args["attr"].as_str().unwrap_or("?");
            let values: Vec<String> = match args.get("values").and_then(Value::as_array) {
                Some(v) => v
                    .iter()
                    .map(|x| x.as_str().map_or(x.to_string(), String::from))
                    .collect(),
                None => args
                    .as_object()
                    .map(|o| {
                        o.iter()
                            .filter(|(k, _)| *k != "attr")
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect()
                    })
                    .unwrap_or_default(),
            };
            format!("{attr}[{}]", values.join(","))
        }
        other => other.to_string(),
    }
}

/// (principal, permission, filter, redact filter).
const PLANS: &[(&str, &str, &str, &str)] = &[
    ("all", "recording:recording:view", "and(not(mediaIn[screen]), not(expired[defaultDays=null,now=1795348800000,screenDays=30]), regionIn[us-east-1])", "and(not(mediaIn[screen]), not(expired[defaultDays=null,now=1795348800000,screenDays=30]), regionIn[us-east-1], sensitive[])"),
    ("all", "recording:screenRecording:view", "never", "never"),
    ("all", "recording:metadata:view", "never", "never"),
    ("all", "recording:recording:download", "never", "never"),
    ("none", "recording:recording:view", "never", "never"),
    ("none", "recording:screenRecording:view", "never", "never"),
    ("none", "recording:metadata:view", "never", "never"),
    ("none", "recording:recording:download", "never", "never"),
    ("odd", "recording:recording:view", "never", "never"),
    ("odd", "recording:screenRecording:view", "and(mediaIn[screen], not(expired[defaultDays=null,now=1795348800000,screenDays=30]), mediaIn[audio], regionIn[us-east-1])", "and(mediaIn[screen], not(expired[defaultDays=null,now=1795348800000,screenDays=30]), mediaIn[audio], regionIn[us-east-1], sensitive[])"),
    ("odd", "recording:metadata:view", "never", "never"),
    ("odd", "recording:recording:download", "never", "never"),
    ("lead", "recording:recording:view", "and(not(mediaIn[screen]), not(expired[defaultDays=null,now=1795348800000,screenDays=30]), not(mediaIn[chat]), or(and(divisionIn[home,emea], ownerIn[a1,lead], queueIn[q-sales], directionIn[inbound]), and(divisionIn[home,emea], lineIn[l1])), regionIn[us-east-1])", "and(not(mediaIn[screen]), not(expired[defaultDays=null,now=1795348800000,screenDays=30]), not(mediaIn[chat]), or(and(divisionIn[home,emea], ownerIn[a1,lead], queueIn[q-sales], directionIn[inbound]), and(divisionIn[home,emea], lineIn[l1])), regionIn[us-east-1], sensitive[])"),
    ("lead", "recording:screenRecording:view", "never", "never"),
    ("lead", "recording:metadata:view", "and(not(expired[defaultDays=null,now=1795348800000,screenDays=30]), divisionIn[home,emea], or(queueIn[q-sales], ownerIn[a1]), or(regionIn[us-east-1], and(divisionIn[home,emea], or(queueIn[q-sales], ownerIn[a1]))))", "never"),
    ("lead", "recording:recording:download", "and(not(mediaIn[screen]), not(expired[defaultDays=null,now=1795348800000,screenDays=30]), divisionIn[home,emea], or(ownerIn[lead], participantIn[lead]), regionIn[us-east-1], not(mediaIn[screen]), not(mediaIn[screen]), not(expired[defaultDays=null,now=1795348800000,screenDays=30]), not(mediaIn[chat]), or(and(divisionIn[home,emea], ownerIn[a1,lead], queueIn[q-sales], directionIn[inbound]), and(divisionIn[home,emea], lineIn[l1])), regionIn[us-east-1], not(sensitive[]))", "never"),
    ("a1", "recording:recording:view", "never", "never"),
    ("a1", "recording:screenRecording:view", "never", "never"),
    ("a1", "recording:metadata:view", "never", "never"),
    ("a1", "recording:recording:download", "never", "never"),
    ("off", "recording:recording:view", "never", "never"),
    ("off", "recording:screenRecording:view", "never", "never"),
    ("off", "recording:metadata:view", "never", "never"),
    ("off", "recording:recording:download", "never", "never"),
    ("ghost", "recording:recording:view", "never", "never"),
    ("ghost", "recording:screenRecording:view", "never", "never"),
    ("ghost", "recording:metadata:view", "never", "never"),
    ("ghost", "recording:recording:download", "never", "never"),
];

#[test]
fn plans_have_the_shapes_a_database_is_asked() {
    let policy = Policy::from_json(POLICY).expect("valid");
    let now = Timestamp::parse("2026-11-22T12:00:00Z").expect("now");
    let bless = std::env::var_os("RECGATE_BLESS").is_some();
    let mut wrong = Vec::new();
    for (principal, permission, filter, redact) in PLANS {
        let plan = policy.plan(principal, permission, now).expect("a plan");
        let json = serde_json::to_value(&plan).expect("plans serialise");
        let (f, r) = (render(&json["filter"]), render(&json["redact"]));
        if bless {
            println!("    (\"{principal}\", \"{permission}\", \"{f}\", \"{r}\"),");
        }
        assert_eq!(json["revision"], "plans");
        assert_eq!(json["permission"], *permission);
        if f != *filter || r != *redact {
            wrong.push(format!("{principal} {permission}:\n  filter {f}\n  want   {filter}\n  redact {r}\n  want   {redact}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} plans differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn a_plan_refuses_what_it_cannot_plan_in_words() {
    let policy = Policy::from_json(POLICY).expect("valid");
    let now = Timestamp::parse("2026-11-22T12:00:00Z").expect("now");
    let unknown = policy
        .plan("all", "recording:recording:play", now)
        .expect_err("not a permission");
    assert_eq!(
        unknown.to_string(),
        "\"recording:recording:play\" is not a catalog permission"
    );
    let queue = policy
        .plan("all", "routing:queue:view", now)
        .expect_err("not on recordings");
    assert_eq!(
        queue.to_string(),
        "routing:queue:view does not apply to recordings: plans filter recordings"
    );
}

#[test]
fn a_grant_that_holds_everywhere_absorbs_the_others() {
    // A permission on any recording, every division, no scope or condition,
    // cross-region: that grant holds for every recording, so the narrower
    // one beside it and the region test fold away; only retention is left.
    let policy = Policy::from_json(
        r#"{ "schema": "recgate/v1", "revision": "always",
             "roles": { "meta": { "grants": [ { "permission": "recording:metadata:view", "crossRegion": true },
                                              { "permission": "recording:metadata:view", "scope": "self" } ] } },
             "users": { "auditor": { "roles": [ { "role": "meta", "divisions": ["*"] } ] } } }"#,
    )
    .expect("valid");
    let now = Timestamp::parse("2026-11-22T12:00:00Z").expect("now");
    let plan = policy
        .plan("auditor", "recording:metadata:view", now)
        .expect("a plan");
    let json = serde_json::to_value(&plan).expect("plans serialise");
    assert_eq!(
        render(&json["filter"]),
        "not(expired[defaultDays=null,now=1795348800000,screenDays=null])"
    );
    assert_eq!(render(&json["redact"]), "never");
}
