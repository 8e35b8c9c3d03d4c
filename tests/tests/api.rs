//! The policy API beyond single decisions: what a slice keeps and leaves out
//! (SPEC §5: everything the user's decisions need, nothing more — a BPO agent
//! must not learn the organisation), the content hash (SPEC-independent, but
//! equal on every target for the same document), revision and user ids,
//! `Subject::refusal`, `Subject::decide` and the list filter's "sees
//! nothing". The model test proves slices decide as the whole policy does;
//! this one proves they stay small.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test: a panic is a failure with its message"
)]

use std::collections::BTreeMap;

use recgate_core::{Policy, Reason, Request, Timestamp};
use sha2::Digest;

const POLICY: &str = r#"{
 "schema": "recgate/v1",
 "revision": "org-1",
 "divisions": {
  "home": {},
  "emea": {},
  "apac": {}
 },
 "groups": {
  "g-sales": {
   "members": [
    "a1",
    "a2"
   ]
  },
  "g-support": {
   "members": [
    "s1"
   ]
  }
 },
 "queues": {
  "q-sales": {
   "division": "emea",
   "members": [
    "a1"
   ],
   "groups": [
    "g-sales"
   ]
  },
  "q-support": {
   "division": "apac",
   "members": [
    "s1"
   ],
   "groups": [
    "g-support"
   ]
  }
 },
 "views": {
  "v-sales": {
   "queues": [
    "q-sales"
   ]
  }
 },
 "roles": {
  "agent": {
   "grants": [
    {
     "permission": "recording:recording:view",
     "scope": "self"
    }
   ]
  },
  "sales-lead": {
   "inherits": [
    "agent"
   ],
   "grants": [
    {
     "permission": "recording:recording:view",
     "scope": {
      "group": "g-sales"
     }
    },
    {
     "permission": "analytics:reportingData:view",
     "scope": {
      "view": "v-sales"
     }
    }
   ]
  },
  "support": {
   "grants": [
    {
     "permission": "routing:queue:view",
     "scope": "assigned"
    }
   ]
  },
  "imp": {
   "grants": [
    {
     "permission": "directory:user:impersonate",
     "scope": {
      "group": "g-sales"
     }
    }
   ]
  },
  "directory": {
   "grants": [
    {
     "permission": "directory:user:view"
    }
   ]
  }
 },
 "users": {
  "a1": {
   "roles": [
    {
     "role": "agent",
     "divisions": [
      "emea"
     ]
    }
   ]
  },
  "a2": {
   "roles": [
    {
     "role": "agent"
    }
   ]
  },
  "lead": {
   "roles": [
    {
     "role": "sales-lead",
     "divisions": [
      "*"
     ]
    }
   ]
  },
  "s1": {
   "roles": [
    {
     "role": "support",
     "divisions": [
      "apac"
     ]
    }
   ]
  },
  "svc": {
   "kind": "service",
   "roles": [
    {
     "role": "imp",
     "divisions": [
      "*"
     ]
    }
   ]
  },
  "hr": {
   "roles": [
    {
     "role": "directory"
    }
   ]
  }
 }
}"#;

const NOW: &str = "2026-11-22T12:00:00Z";

fn policy() -> Policy {
    Policy::from_json(POLICY).expect("valid")
}

/// A slice as sets of ids: divisions, groups (with members), queues (with
/// members), views, roles, users (with their roles).
fn shape(p: &Policy, user: &str) -> BTreeMap<&'static str, Vec<String>> {
    let doc = p.slice(user).expect("a slice");
    let mut out = BTreeMap::new();
    let ids = |v: Vec<String>| {
        let mut v = v;
        v.sort();
        v
    };
    out.insert(
        "divisions",
        ids(doc.divisions.iter().map(|(k, _)| k.clone()).collect()),
    );
    out.insert(
        "groups",
        ids(doc
            .groups
            .iter()
            .map(|(k, g)| format!("{k}:{}", g.members.join("+")))
            .collect()),
    );
    out.insert(
        "queues",
        ids(doc
            .queues
            .iter()
            .map(|(k, q)| format!("{k}:{}", q.members.join("+")))
            .collect()),
    );
    out.insert(
        "views",
        ids(doc.views.iter().map(|(k, _)| k.clone()).collect()),
    );
    out.insert(
        "roles",
        ids(doc.roles.iter().map(|(k, _)| k.clone()).collect()),
    );
    out.insert(
        "users",
        ids(doc
            .users
            .iter()
            .map(|(k, u)| {
                format!(
                    "{k}:{}",
                    u.roles
                        .iter()
                        .map(|a| a.role.as_str())
                        .collect::<Vec<_>>()
                        .join("+")
                )
            })
            .collect()),
    );
    out
}

fn expect(pairs: &[(&'static str, &[&str])]) -> BTreeMap<&'static str, Vec<String>> {
    pairs
        .iter()
        .map(|(k, v)| (*k, v.iter().map(|s| s.to_string()).collect()))
        .collect()
}

#[test]
fn a_slice_keeps_what_the_users_decisions_need_and_nothing_else() {
    let p = policy();
    // An agent: their own role; the service account that may impersonate them
    // (its impersonation role only) and that grant's group, whose other member is a stub.
    assert_eq!(
        shape(&p, "a1"),
        expect(&[
            ("divisions", &["emea", "home"]),
            ("groups", &["g-sales:a1+a2"]),
            ("queues", &[]),
            ("views", &[]),
            ("roles", &["agent", "imp"]),
            ("users", &["a1:agent", "a2:", "svc:imp"]),
        ])
    );
    // A lead: inherited roles, the group and view their grants name, the view's
    // queue (members other than slice users dropped), the group's members as stubs,
    // and — because their reporting grant reaches rows through the view's queue,
    // and such a row may name any user of their region (SPEC §2: a report's user
    // must exist, its region decides step 9) — every user of the home region as a stub.
    assert_eq!(
        shape(&p, "lead"),
        expect(&[
            ("divisions", &["emea", "home"]),
            ("groups", &["g-sales:a1+a2"]),
            ("queues", &["q-sales:"]),
            ("views", &["v-sales"]),
            ("roles", &["agent", "sales-lead"]),
            (
                "users",
                &["a1:", "a2:", "hr:", "lead:sales-lead", "s1:", "svc:"]
            ),
        ])
    );
    // Support in another division: nothing of sales at all.
    assert_eq!(
        shape(&p, "s1"),
        expect(&[
            ("divisions", &["apac", "home"]),
            ("groups", &["g-support:s1"]),
            ("queues", &["q-support:s1"]),
            ("views", &[]),
            ("roles", &["support"]),
            ("users", &["s1:support"]),
        ])
    );
    // An impersonator: everyone they may impersonate, in full.
    assert_eq!(
        shape(&p, "svc"),
        expect(&[
            ("divisions", &["emea", "home"]),
            ("groups", &["g-sales:a1+a2"]),
            ("queues", &[]),
            ("views", &[]),
            ("roles", &["agent", "imp"]),
            ("users", &["a1:agent", "a2:agent", "svc:imp"]),
        ])
    );
    // A directory reader: every user, as a stub (no roles, no lines), and nothing else.
    assert_eq!(
        shape(&p, "hr"),
        expect(&[
            ("divisions", &["home"]),
            ("groups", &[]),
            ("queues", &[]),
            ("views", &[]),
            ("roles", &["directory"]),
            (
                "users",
                &["a1:", "a2:", "hr:directory", "lead:", "s1:", "svc:"]
            ),
        ])
    );
    let refused = p
        .slice("nobody")
        .expect_err("an unknown principal has no slice");
    assert_eq!(refused.to_string(), "unknown principal \"nobody\"");
    let doc = p.slice("a1").unwrap();
    assert_eq!(doc.revision, "org-1");
    assert_eq!(doc.settings, p.doc().settings, "settings stay");
}

#[test]
fn the_content_hash_is_the_documents_and_only_the_documents() {
    let p = policy();
    // SHA-256 of the canonical document, as `recgate validate` prints it.
    assert_eq!(
        p.content_hash(),
        "93861ba9c9f844d53c66df012255e2b8707ef548a5bb25393b3bac8b88d535a4"
    );
    let digest = sha2::Sha256::digest(p.doc().to_json().as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        p.content_hash(),
        hex,
        "the hash is SHA-256 of the canonical document"
    );
    let compact: serde_json::Value = serde_json::from_str(POLICY).unwrap();
    assert_eq!(
        Policy::from_json(&compact.to_string())
            .unwrap()
            .content_hash(),
        p.content_hash()
    );
    let other = POLICY.replace("\"org-1\"", "\"org-2\"");
    assert_ne!(
        Policy::from_json(&other).unwrap().content_hash(),
        p.content_hash()
    );
    assert_eq!(p.revision(), "org-1");
    let mut users: Vec<&str> = p.user_ids().collect();
    users.sort_unstable();
    assert_eq!(users, ["a1", "a2", "hr", "lead", "s1", "svc"]);
}

#[test]
fn a_subject_refuses_once_and_decides_like_the_policy() {
    let p = policy();
    let now = Timestamp::parse(NOW).unwrap();
    assert_eq!(
        p.subject("zed", None, now).refusal(),
        Some(Reason::UnknownPrincipal)
    );
    assert_eq!(
        p.subject("a1", Some("zed"), now).refusal(),
        Some(Reason::UnknownPrincipal)
    );
    assert_eq!(
        p.subject("svc", Some("a1"), now).refusal(),
        Some(Reason::ImpersonationDenied)
    );
    assert_eq!(
        p.subject("s1", Some("svc"), now).refusal(),
        Some(Reason::ImpersonationDenied)
    );
    assert_eq!(p.subject("a1", Some("svc"), now).refusal(), None);
    assert_eq!(p.subject("a1", None, now).refusal(), None);
    // The refusal in the words a disabled control shows (the package's `refusal()`).
    let words = |principal, actor| p.subject(principal, actor, now).refusal_words();
    assert_eq!(words("zed", None).as_deref(), Some("unknown user zed"));
    assert_eq!(
        words("svc", Some("a1")).as_deref(),
        Some("a1 may not act for svc")
    );
    assert_eq!(words("a1", Some("svc")), None);
    assert_eq!(words("a1", None), None);
    let rec = |owner: &str| {
        let text = format!(
            r#"{{"principal":"a1","permission":"recording:recording:view","now":"{NOW}",
               "resource":{{"type":"recording","id":"r","media":"audio","owner":"{owner}","divisions":["emea"]}}}}"#
        );
        Request::from_json(&text).expect("a request").resource
    };
    let s = p.subject("a1", Some("svc"), now);
    for (owner, allow) in [("a1", true), ("a2", false)] {
        let r = rec(owner);
        let d = s.decide("recording:recording:view", &r, now);
        assert_eq!(d.allow, allow, "{owner}");
        let req = Request {
            principal: "a1".into(),
            actor: Some("svc".into()),
            permission: "recording:recording:view".into(),
            resource: r.clone(),
            now,
        };
        assert_eq!(d.record(None), p.decide(&req).record(None));
        let perm = recgate_core::Perm::parse("recording:recording:view").unwrap();
        assert_eq!(s.decide_perm(perm, &r, now).record(None), d.record(None));
    }
    assert_eq!(
        s.decide("recording:*:view", &rec("a1"), now).reason,
        Reason::InvalidRequest
    );
}

#[test]
fn the_list_plan_knows_who_sees_nothing() {
    let p = policy();
    let now = Timestamp::parse(NOW).unwrap();
    // Support holds no recording permission at all; an agent does.
    assert!(p.list_plan("s1", now).expect("a list plan").sees_nothing());
    assert!(!p.list_plan("a1", now).expect("a list plan").sees_nothing());
    assert!(!p
        .list_plan("lead", now)
        .expect("a list plan")
        .sees_nothing());
}

#[test]
fn list_entries_keep_what_the_principal_may_see() {
    let p = policy();
    let now = Timestamp::parse(NOW).unwrap();
    // Support sees the queues it is assigned to (in its division), nothing else.
    let s = p.subject("s1", None, now);
    assert!(s.keep_queue(Some("q-support"), now));
    assert!(!s.keep_queue(Some("q-sales"), now));
    assert!(!s.keep_queue(None, now), "an entry without an id");
    assert!(!p
        .subject("a1", None, now)
        .keep_queue(Some("q-support"), now));
}

/// A bulk job acts on finished recordings: a permission that needs a live
/// interaction (monitoring, SPEC §6) never holds on what a job can touch,
/// so a job whose permission requires it is restricted, while monitoring
/// in bulk (over live interactions) is not.
#[test]
fn a_bulk_job_is_over_finished_recordings() {
    use recgate_core::bulk::{BulkAction, BulkScope};
    let p = Policy::from_json(
        r#"{
 "schema": "recgate/v1", "revision": "bulk",
 "prerequisites": { "recording:recording:delete": ["conversation:call:monitor"] },
 "roles": { "all": { "grants": [
  { "permission": "recording:recording:*" },
  { "permission": "conversation:call:monitor" } ] } },
 "users": { "boss": { "roles": [ { "role": "all", "divisions": ["*"] } ] } }
}"#,
    )
    .expect("valid");
    let now = Timestamp::parse(NOW).unwrap();
    let calls = BulkScope {
        calls: true,
        screens: false,
        sensitive: false,
    };
    let bulk = |action| p.bulk("boss", None, action, calls, now);
    assert_eq!(bulk(BulkAction::Monitor), Ok(()));
    assert_eq!(bulk(BulkAction::Export), Ok(()));
    assert_eq!(
        bulk(BulkAction::Delete),
        Err(Reason::BulkRestricted),
        "deleting needs monitoring, which no finished recording allows"
    );
}

/// The operations an enforcement point asks (`recgate_core::enforce`): the
/// permission each action needs on each media, and what a list keeps.
#[test]
fn enforcement_operations_pick_the_permission_and_keep_what_is_seen() {
    use recgate_core::enforce::{obligations_of, AnnotationAction, Keep, RecordingAction};
    use recgate_core::{Annotation, AnnotationVisibility, Media, Perm, Recording};
    let p = Policy::from_json(
        r#"{
 "schema": "recgate/v1", "revision": "enforce",
 "roles": {
  "play": { "grants": [
   { "permission": "recording:recording:view" },
   { "permission": "recording:screenRecording:view" },
   { "permission": "recording:annotation:view" } ] },
  "meta": { "grants": [ { "permission": "recording:metadata:view" } ] }
 },
 "users": { "p": { "roles": [ { "role": "play" } ] }, "m": { "roles": [ { "role": "meta" } ] }, "n": {} }
}"#,
    )
    .expect("valid");
    let now = Timestamp::parse(NOW).unwrap();
    let rec = |media, sensitive| Recording {
        id: "r1".into(),
        media: Some(media),
        sensitive,
        ..Recording::default()
    };
    let (call, screen) = (rec(Media::Audio, false), rec(Media::Screen, false));
    for (action, on_call, on_screen) in [
        (
            RecordingAction::View,
            Perm::RECORDING_VIEW,
            Perm::SCREEN_VIEW,
        ),
        (
            RecordingAction::Download,
            Perm::RECORDING_DOWNLOAD,
            Perm::SCREEN_DOWNLOAD,
        ),
        (
            RecordingAction::Delete,
            Perm::RECORDING_DELETE,
            Perm::SCREEN_DELETE,
        ),
        (
            RecordingAction::EditRetention,
            Perm::EDIT_RETENTION,
            Perm::EDIT_RETENTION,
        ),
        (RecordingAction::Restore, Perm::RESTORE, Perm::RESTORE),
        (
            RecordingAction::Blackout,
            Perm::RECORDING_BLACKOUT,
            Perm::RECORDING_BLACKOUT,
        ),
        (
            RecordingAction::ProtectionApply,
            Perm::PROTECTION_APPLY,
            Perm::PROTECTION_APPLY,
        ),
        (
            RecordingAction::ProtectionRevoke,
            Perm::PROTECTION_REVOKE,
            Perm::PROTECTION_REVOKE,
        ),
        (
            RecordingAction::Transcript,
            Perm::TRANSCRIPT_VIEW,
            Perm::TRANSCRIPT_VIEW,
        ),
    ] {
        assert_eq!(action.permission(&call), on_call, "{action:?} on a call");
        assert_eq!(
            action.permission(&screen),
            on_screen,
            "{action:?} on a screen recording"
        );
    }
    for (action, perm) in [
        (AnnotationAction::View, Perm::ANNOTATION_VIEW),
        (AnnotationAction::Edit, Perm::ANNOTATION_EDIT),
        (AnnotationAction::Delete, Perm::ANNOTATION_DELETE),
    ] {
        assert_eq!(action.permission(), perm);
    }

    let (player, auditor, nobody) = (
        p.subject("p", None, now),
        p.subject("m", None, now),
        p.subject("n", None, now),
    );
    // A sensitive recording plays redacted without viewSensitiveData.
    let sensitive = rec(Media::Audio, true);
    let played = player.act(RecordingAction::View, &sensitive, now);
    assert!(played.allowed());
    assert_eq!(obligations_of(&played), [recgate_core::Obligation::Redact]);
    let refused = nobody.act(RecordingAction::View, &sensitive, now);
    assert!(!refused.allowed() && refused.hidden);
    assert!(obligations_of(&refused).is_empty());
    assert_eq!(
        player.keep_recording(Some(&sensitive), false, now),
        Keep::Media { redact: true }
    );
    assert_eq!(
        player.keep_recording(Some(&call), false, now),
        Keep::Media { redact: false }
    );
    assert_eq!(
        player.keep_recording(Some(&call), true, now),
        Keep::Metadata,
        "seen, not downloadable"
    );
    assert_eq!(
        auditor.keep_recording(Some(&call), false, now),
        Keep::Metadata
    );
    assert_eq!(nobody.keep_recording(Some(&call), false, now), Keep::Drop);
    // The metadata list: recording:metadata:view only.
    assert!(auditor.keep_metadata(Some(&call), now));
    assert!(!auditor.keep_metadata(None, now));
    assert!(!player.keep_metadata(Some(&call), now));
    let meta = auditor.read_metadata(&call, now);
    assert_eq!(meta.permission, Perm::METADATA_VIEW);
    assert!(meta.allowed());
    // Annotations: recording:annotation:view on a visible one.
    let public = Annotation {
        id: "a1".into(),
        author: Some("x".into()),
        visibility: AnnotationVisibility::Public,
        recording: call.clone(),
    };
    assert!(player.keep_annotation(Some(&public), now));
    assert!(!player.keep_annotation(None, now));
    assert!(!auditor.keep_annotation(Some(&public), now));
    let viewed = player.on_annotation(AnnotationAction::View, &public, now);
    assert_eq!(viewed.permission, Perm::ANNOTATION_VIEW);
    assert!(viewed.allowed());
    let edited = auditor.on_annotation(AnnotationAction::Edit, &public, now);
    assert!(
        !edited.allowed() && !edited.hidden,
        "the auditor sees its metadata"
    );
    // A conversation's facts: each recording found by its id.
    let conversation = recgate_core::enforce::ConversationFacts::from_json(
        r#"{"conversationId":"c1","recordings":[
            {"id":"r1","media":"audio","conversationId":"c1"},{"id":"r2","media":"screen"}]}"#,
    )
    .expect("conversation facts");
    assert_eq!(
        conversation
            .recording("r2")
            .map(|f| f.recording.id.as_str()),
        Some("r2")
    );
    assert!(conversation.recording("r3").is_none());
}

/// A reporting row reached through its user may name any queue of a
/// division the principal's assignments hold — every queue, for an
/// assignment over all divisions ("*") — so the slice keeps those queues and
/// decides such rows as the whole policy does.
#[test]
fn a_slice_keeps_the_queues_a_reporting_row_of_a_reached_user_may_name() {
    let p = Policy::from_json(
        r#"{
 "schema": "recgate/v1", "revision": "reports",
 "divisions": { "emea": {}, "apac": {} },
 "groups": { "g": { "members": ["ann"] } },
 "queues": { "q-emea": { "division": "emea" }, "q-apac": { "division": "apac" } },
 "roles": { "reports": { "grants": [
  { "permission": "analytics:reportingData:view", "scope": { "group": "g" } } ] } },
 "users": {
  "boss": { "roles": [ { "role": "reports", "divisions": ["*"] } ] },
  "emea-lead": { "roles": [ { "role": "reports", "divisions": ["emea"] } ] },
  "ann": {}
 }
}"#,
    )
    .expect("valid");
    let queues = |user| shape(&p, user).remove("queues").unwrap_or_default();
    assert_eq!(queues("boss"), ["q-apac:", "q-emea:"]);
    assert_eq!(queues("emea-lead"), ["q-emea:"]);
    for (user, queue, allow) in [
        ("boss", "q-apac", true),
        ("boss", "q-emea", true),
        ("emea-lead", "q-emea", true),
        ("emea-lead", "q-apac", false),
    ] {
        let text = format!(
            r#"{{"principal":"{user}","permission":"analytics:reportingData:view","now":"{NOW}",
               "resource":{{"type":"report","user":"ann","queue":"{queue}"}}}}"#
        );
        let req = Request::from_json(&text).expect("a request");
        let whole = p.decide(&req).record(None);
        let slice = Policy::from_doc(p.slice(user).expect("a slice"));
        assert_eq!(whole.allow, allow, "{user} {queue}");
        assert_eq!(
            slice.decide(&req).record(None).allow,
            allow,
            "{user} {queue} on the slice"
        );
    }
}

/// Sensitive recordings in a bulk operation (SPEC §3 step 12): exporting
/// or viewing them in bulk needs `recording:recording:viewSensitiveData`
/// everywhere, unless the operation leaves them out.
#[test]
fn a_bulk_operation_over_sensitive_recordings_needs_view_sensitive_data() {
    use recgate_core::bulk::{BulkAction, BulkScope};
    let p = Policy::from_json(
        r#"{
 "schema": "recgate/v1", "revision": "bulk-sensitive",
 "roles": {
  "plain": { "grants": [
   { "permission": "recording:recording:view" },
   { "permission": "recording:recording:download" } ] },
  "sensitive": { "grants": [ { "permission": "recording:recording:viewSensitiveData" } ] }
 },
 "users": {
  "cleared": { "roles": [ { "role": "plain", "divisions": ["*"] }, { "role": "sensitive", "divisions": ["*"] } ] },
  "plain": { "roles": [ { "role": "plain", "divisions": ["*"] } ] }
 }
}"#,
    )
    .expect("valid");
    let now = Timestamp::parse(NOW).unwrap();
    let scope = |sensitive| BulkScope {
        calls: true,
        screens: false,
        sensitive,
    };
    let bulk = |user, action, sensitive| p.bulk(user, None, action, scope(sensitive), now);
    for action in [BulkAction::View, BulkAction::Export] {
        assert_eq!(bulk("cleared", action, true), Ok(()), "{action:?}");
        assert_eq!(
            bulk("plain", action, false),
            Ok(()),
            "{action:?} leaving sensitive ones out"
        );
        assert_eq!(
            bulk("plain", action, true),
            Err(Reason::BulkRestricted),
            "{action:?} of sensitive recordings without viewSensitiveData"
        );
    }
}
