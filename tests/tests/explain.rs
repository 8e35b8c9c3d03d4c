//! Explanations, word for word (`recgate explain`, the package's `explain()`):
//! one policy and a request for every line each step of SPEC §3 can write —
//! every reason, the grant lines of step 8 (division, scope, `when`, how many
//! grants matched), impersonation, retention, legal hold, own and private
//! annotations, cross-region metadata, prerequisites, access, export and both
//! obligations. The model test checks that an explanation ends at the
//! deciding step; this one pins what it says, so that a change to the words
//! (or to the walk that produces them) is a decision someone made.
//! To refresh after a deliberate change: `RECGATE_BLESS=1 cargo test -p
//! recgate-tests --test explain -- --nocapture` prints every case's text.
#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a test: a panic is a failure with its message"
)]

use recgate_core::{Policy, Reason, Request};

const POLICY: &str = r#"{
 "schema": "recgate/v1",
 "revision": "explain",
 "settings": {
  "homeRegion": "us-east-1",
  "retentionDays": {
   "screen": 30,
   "default": 365
  }
 },
 "divisions": {
  "home": {},
  "emea": {}
 },
 "groups": {
  "team": {
   "members": [
    "ann",
    "bob",
    "svc",
    "eu",
    "bpo"
   ]
  }
 },
 "queues": {
  "q-sales": {
   "division": "home",
   "members": [
    "ann"
   ]
  },
  "q-other": {
   "division": "home"
  }
 },
 "views": {
  "v": {
   "queues": [
    "q-sales"
   ]
  }
 },
 "prerequisites": {
  "recording:recording:download": [
   "recording:metadata:view"
  ]
 },
 "roles": {
  "qa": {
   "grants": [
    {
     "permission": "recording:recording:view",
     "scope": {
      "group": "team"
     }
    },
    {
     "permission": "recording:screenRecording:view",
     "scope": "self"
    },
    {
     "permission": "recording:metadata:view",
     "crossRegion": true
    },
    {
     "permission": "recording:recording:download"
    },
    {
     "permission": "recording:annotation:*"
    },
    {
     "permission": "routing:queue:view",
     "scope": "assigned"
    },
    {
     "permission": "directory:user:view",
     "scope": "self"
    },
    {
     "permission": "analytics:reportingData:view",
     "scope": "self"
    }
   ],
   "denies": [
    {
     "permission": "recording:recording:delete",
     "scope": {
      "view": "v"
     }
    }
   ]
  },
  "imp": {
   "grants": [
    {
     "permission": "directory:user:impersonate",
     "scope": {
      "group": "team"
     }
    }
   ]
  },
  "emea-only": {
   "grants": [
    {
     "permission": "recording:recording:delete"
    }
   ]
  },
  "inbound-self": {
   "grants": [
    {
     "permission": "recording:recording:view",
     "scope": "self",
     "when": {
      "directions": [
       "inbound"
      ]
     }
    },
    {
     "permission": "recording:recording:download",
     "scope": "self"
    },
    {
     "permission": "recording:recording:view",
     "scope": "lines"
    }
   ]
  },
  "base": {
   "grants": [
    {
     "permission": "conversation:transcript:view"
    }
   ]
  },
  "left": {
   "inherits": [
    "base"
   ]
  },
  "right": {
   "inherits": [
    "base"
   ]
  },
  "both": {
   "inherits": [
    "left",
    "right"
   ]
  }
 },
 "users": {
  "ann": {
   "roles": [
    {
     "role": "qa"
    },
    {
     "role": "emea-only",
     "divisions": [
      "emea"
     ]
    }
   ]
  },
  "bob": {
   "roles": [
    {
     "role": "imp"
    }
   ]
  },
  "dee": {
   "roles": [
    {
     "role": "inbound-self"
    }
   ]
  },
  "bpo": {
   "bpo": true,
   "roles": [
    {
     "role": "qa"
    }
   ]
  },
  "svc": {
   "kind": "service"
  },
  "eu": {
   "region": "eu-west-1"
  },
  "off": {
   "disabled": true
  },
  "dia": {
   "roles": [
    {
     "role": "both"
    }
   ]
  }
 }
}"#;

/// (request, the explanation as `Display` writes it).
const CASES: &[(&str, &str)] = &[
    // Diamond inheritance: the shared ancestor's grant is listed once.
    (
        r#"{"principal":"dia","permission":"conversation:transcript:view","resource":{"type":"recording","id":"r1","media":"audio","direction":"inbound"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: conversation:transcript:view is a catalog permission and applies to this recording
step 2: principal dia exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant conversation:transcript:view (role base, scope all): division ok; scope ok; when ok
step 9: same region (us-east-1)
step 11: conversation:transcript:view needs recording:recording:view, which is not allowed
→ DENY (no_access)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:recording:view","resource":{"type":"recording","id":"r1","media":"audio","owner":"carl","queue":"q-sales","direction":"outbound"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:view is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant recording:recording:view (role qa, scope {group:team}): division ok; scope does not cover owner carl, queue q-sales
step 8: 1 grant(s) match recording:recording:view, none passes → out_of_scope
→ DENY (out_of_scope)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:recording:delete","resource":{"type":"recording","id":"r1","media":"audio","owner":"ann","queue":"q-sales"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:delete is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: deny recording:recording:delete (role qa, scope {view:v}) matches
→ DENY (denied)"#,
    ),
    (
        r#"{"principal":"ann","actor":"bob","permission":"recording:recording:download","resource":{"type":"recording","id":"r1","media":"audio","owner":"ann","region":"eu-west-1","createdAt":"2026-11-01T00:00:00Z"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:download is a catalog permission and applies to this recording
step 2: principal ann and actor bob exist and are enabled
step 3: actor bob may impersonate ann (directory:user:impersonate (role imp, scope {group:team})); from here on ann's roles decide
step 4: created 2026-11-01T00:00:00Z, kept 365 days: until 2027-11-01T00:00:00Z
step 7: no deny matches
step 8: grant recording:recording:download (role qa, scope all): division ok; scope ok; when ok
step 9: resource in eu-west-1 but ann is in us-east-1
→ DENY (region)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:metadata:view","resource":{"type":"recording","id":"r1","media":"audio","owner":"carl","region":"eu-west-1"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:metadata:view is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant recording:metadata:view (role qa, scope all): division ok; scope ok; when ok
step 9: resource in eu-west-1, ann in us-east-1: allowed by cross-region grant
step 13: allow by recording:metadata:view (role qa, scope all)
→ ALLOW (allow)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:recording:view","resource":{"type":"recording","id":"r1","media":"audio","owner":"ann","createdAt":"2020-01-01T00:00:00Z"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:view is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: created 2020-01-01T00:00:00Z, kept 365 days: expired at 2020-12-31T00:00:00Z
→ DENY (expired)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:recording:delete","resource":{"type":"recording","id":"r1","media":"audio","owner":"ann","legalHold":true,"createdAt":"2020-01-01T00:00:00Z"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:delete is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: under legal hold: never expires
step 5: the recording is under legal hold, which refuses recording:recording:delete
→ DENY (legal_hold)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:annotation:view","resource":{"type":"annotation","id":"a1","author":"bob","visibility":"private","recording":{"id":"r1","media":"audio","owner":"ann"}},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:annotation:view is a catalog permission and applies to this annotation
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 6: the annotation is private to bob
→ DENY (private_annotation)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:annotation:edit","resource":{"type":"annotation","id":"a1","author":"ann","visibility":"private","recording":{"id":"r1","media":"audio","owner":"ann"}},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:annotation:edit is a catalog permission and applies to this annotation
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 6: ann wrote this annotation: recording:annotation:edit is evaluated as recording:annotation:add
step 7: no deny matches
step 8: grant recording:annotation:* (role qa, scope all): division ok; scope ok; when ok
step 9: same region (us-east-1)
step 11: recording:recording:view on recording r1 is allowed
step 13: allow by recording:annotation:* (role qa, scope all)
→ ALLOW (allow)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:annotation:view","resource":{"type":"annotation","id":"a1","author":"bob","recording":{"id":"r9","media":"audio","owner":"carl"}},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:annotation:view is a catalog permission and applies to this annotation
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant recording:annotation:* (role qa, scope all): division ok; scope ok; when ok
step 9: same region (us-east-1)
step 11: annotations need recording:recording:view on recording r9, which is not allowed
→ DENY (no_access)"#,
    ),
    (
        r#"{"principal":"bob","permission":"recording:recording:view","resource":{"type":"recording","id":"r1","media":"audio","owner":"ann"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:view is a catalog permission and applies to this recording
step 2: principal bob exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: no grant of bob matches recording:recording:view → no_permission
→ DENY (no_permission)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:recording:delete","resource":{"type":"recording","id":"r1","media":"audio","owner":"ann","divisions":["home"]},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:delete is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant recording:recording:delete (role emea-only, scope all): the role assignment's divisions do not include the resource's
step 8: 1 grant(s) match recording:recording:delete, none passes → out_of_division
→ DENY (out_of_division)"#,
    ),
    (
        r#"{"principal":"dee","permission":"recording:recording:view","resource":{"type":"recording","id":"r1","media":"audio","owner":"dee","direction":"outbound"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:view is a catalog permission and applies to this recording
step 2: principal dee exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant recording:recording:view (role inbound-self, scope self): division ok; scope ok; its when condition does not hold
step 8: grant recording:recording:view (role inbound-self, scope lines): division ok; scope does not cover owner dee
step 8: 2 grant(s) match recording:recording:view, none passes → condition_unmet
→ DENY (condition_unmet)"#,
    ),
    (
        r#"{"principal":"dee","permission":"recording:recording:download","resource":{"type":"recording","id":"r1","media":"audio","owner":"dee","direction":"inbound"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:download is a catalog permission and applies to this recording
step 2: principal dee exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant recording:recording:download (role inbound-self, scope self): division ok; scope ok; when ok
step 9: same region (us-east-1)
step 10: prerequisite recording:metadata:view is not allowed
→ DENY (prerequisite_missing)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:recording:download","resource":{"type":"recording","id":"r1","media":"audio","owner":"ann","createdAt":"2026-11-01T00:00:00Z"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:download is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: created 2026-11-01T00:00:00Z, kept 365 days: until 2027-11-01T00:00:00Z
step 7: no deny matches
step 8: grant recording:recording:download (role qa, scope all): division ok; scope ok; when ok
step 9: same region (us-east-1)
step 10: prerequisite recording:metadata:view is allowed
step 11: recording:recording:view is allowed
step 13: allow by recording:recording:download (role qa, scope all)
→ ALLOW (allow)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:recording:download","resource":{"type":"recording","id":"r1","media":"audio","owner":"ann","sensitive":true},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:download is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant recording:recording:download (role qa, scope all): division ok; scope ok; when ok
step 9: same region (us-east-1)
step 10: prerequisite recording:metadata:view is allowed
step 11: recording:recording:view is allowed
step 12: the recording is sensitive and recording:recording:viewSensitiveData is not allowed
→ DENY (sensitive)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:recording:view","resource":{"type":"recording","id":"r1","media":"audio","owner":"bob","sensitive":true},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:view is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant recording:recording:view (role qa, scope {group:team}): division ok; scope ok; when ok
step 9: same region (us-east-1)
step 13: allow by recording:recording:view (role qa, scope {group:team}); obligation: redact sensitive segments
→ ALLOW (allow)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:recording:delete","resource":{"type":"recording","id":"r1","media":"audio","owner":"ann","divisions":["home","emea"],"related":["s1","t1"]},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:delete is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant recording:recording:delete (role emea-only, scope all): division ok; scope ok; when ok
step 9: same region (us-east-1)
step 11: recording:recording:view is allowed
step 13: allow by recording:recording:delete (role emea-only, scope all); obligation: cascade delete to related recordings
→ ALLOW (allow)"#,
    ),
    (
        r#"{"principal":"bpo","permission":"recording:recording:download","resource":{"type":"recording","id":"r1","media":"audio","owner":"bpo"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:download is a catalog permission and applies to this recording
step 2: principal bpo exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant recording:recording:download (role qa, scope all): division ok; scope ok; when ok
step 9: same region (us-east-1)
step 10: prerequisite recording:metadata:view is allowed
step 11: recording:recording:view is allowed
step 12: bpo is a BPO user and settings.bpoExport is off
→ DENY (bpo_restricted)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:deletionProtection:apply","resource":{"type":"recording","id":"r1","media":"screen","owner":"carl"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:deletionProtection:apply is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: no grant of ann matches recording:deletionProtection:apply → no_permission
→ DENY (no_permission)"#,
    ),
    (
        r#"{"principal":"ann","permission":"conversation:transcript:view","resource":{"type":"recording","id":"r1","media":"screen","owner":"ann"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: conversation:transcript:view is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: no grant of ann matches conversation:transcript:view → no_permission
→ DENY (no_permission)"#,
    ),
    (
        r#"{"principal":"off","permission":"recording:recording:view","resource":{"type":"recording","id":"r1","media":"audio"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:view is a catalog permission and applies to this recording
step 2: principal off is disabled
→ DENY (principal_disabled)"#,
    ),
    (
        r#"{"principal":"zed","permission":"recording:recording:view","resource":{"type":"recording","id":"r1","media":"audio"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:view is a catalog permission and applies to this recording
step 2: principal zed is not in the policy
→ DENY (unknown_principal)"#,
    ),
    (
        r#"{"principal":"ann","actor":"zed","permission":"recording:recording:view","resource":{"type":"recording","id":"r1","media":"audio"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:view is a catalog permission and applies to this recording
step 2: actor zed is not in the policy
→ DENY (unknown_principal)"#,
    ),
    (
        r#"{"principal":"ann","actor":"off","permission":"recording:recording:view","resource":{"type":"recording","id":"r1","media":"audio"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:view is a catalog permission and applies to this recording
step 2: actor off is disabled
→ DENY (principal_disabled)"#,
    ),
    (
        r#"{"principal":"svc","actor":"bob","permission":"directory:user:view","resource":{"type":"user","id":"svc"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: directory:user:view is a catalog permission and applies to this user
step 2: principal svc and actor bob exist and are enabled
step 3: svc is a service account and cannot be impersonated
→ DENY (impersonation_denied)"#,
    ),
    (
        r#"{"principal":"eu","actor":"bob","permission":"directory:user:view","resource":{"type":"user","id":"eu"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: directory:user:view is a catalog permission and applies to this user
step 2: principal eu and actor bob exist and are enabled
step 3: actor bob may not impersonate eu: directory:user:impersonate on user eu is region
→ DENY (impersonation_denied)"#,
    ),
    (
        r#"{"principal":"dee","actor":"bob","permission":"directory:user:view","resource":{"type":"user","id":"dee"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: directory:user:view is a catalog permission and applies to this user
step 2: principal dee and actor bob exist and are enabled
step 3: actor bob may not impersonate dee: directory:user:impersonate on user dee is out_of_scope
→ DENY (impersonation_denied)"#,
    ),
    (
        r#"{"principal":"ann","permission":"routing:queue:view","resource":{"type":"queue","id":"q-none"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: routing:queue:view is a catalog permission and applies to this queue
step 2: principal ann exists and is enabled
step 2: queue q-none is not in the policy
→ DENY (unknown_resource)"#,
    ),
    (
        r#"{"principal":"ann","permission":"directory:user:view","resource":{"type":"user","id":"zed"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: directory:user:view is a catalog permission and applies to this user
step 2: principal ann exists and is enabled
step 2: user zed is not in the policy
→ DENY (unknown_resource)"#,
    ),
    (
        r#"{"principal":"ann","permission":"analytics:reportingData:view","resource":{"type":"report","user":"zed"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: analytics:reportingData:view is a catalog permission and applies to this report
step 2: principal ann exists and is enabled
step 2: user zed is not in the policy
→ DENY (unknown_resource)"#,
    ),
    (
        r#"{"principal":"ann","permission":"routing:queue:view","resource":{"type":"queue","id":"q-other"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: routing:queue:view is a catalog permission and applies to this queue
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 7: no deny matches
step 8: grant routing:queue:view (role qa, scope assigned): division ok; scope does not cover queue q-other
step 8: 1 grant(s) match routing:queue:view, none passes → out_of_scope
→ DENY (out_of_scope)"#,
    ),
    (
        r#"{"principal":"ann","permission":"directory:user:view","resource":{"type":"user","id":"bob"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: directory:user:view is a catalog permission and applies to this user
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 7: no deny matches
step 8: grant directory:user:view (role qa, scope self): division ok; scope does not cover user bob
step 8: 1 grant(s) match directory:user:view, none passes → out_of_scope
→ DENY (out_of_scope)"#,
    ),
    (
        r#"{"principal":"ann","permission":"analytics:reportingData:view","resource":{"type":"report","user":"bob","queue":"q-sales"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: analytics:reportingData:view is a catalog permission and applies to this report
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 7: no deny matches
step 8: grant analytics:reportingData:view (role qa, scope self): division ok; scope does not cover user bob, queue q-sales
step 8: 1 grant(s) match analytics:reportingData:view, none passes → out_of_scope
→ DENY (out_of_scope)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:*:view","resource":{"type":"recording","id":"r1","media":"audio"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: "recording:*:view" is not a catalog permission (patterns are for policies, not requests)
→ DENY (invalid_request)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:recording:view","resource":{"type":"recording","id":"r1","media":"screen"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:view does not apply to this recording: not available for screen recordings
→ DENY (invalid_request)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:screenRecording:view","resource":{"type":"recording","id":"r1","media":"screen","owner":"ann"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:screenRecording:view is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant recording:screenRecording:view (role qa, scope self): division ok; scope ok; when ok
step 9: same region (us-east-1)
step 13: allow by recording:screenRecording:view (role qa, scope self)
→ ALLOW (allow)"#,
    ),
    (
        r#"{"principal":"ann","permission":"recording:recording:view","resource":{"type":"recording","id":"r1","media":"audio"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: recording:recording:view is a catalog permission and applies to this recording
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 4: no createdAt: retention cannot expire it
step 7: no deny matches
step 8: grant recording:recording:view (role qa, scope {group:team}): division ok; scope does not cover the resource
step 8: 1 grant(s) match recording:recording:view, none passes → out_of_scope
→ DENY (out_of_scope)"#,
    ),
    (
        r#"{"principal":"ann","permission":"routing:queue:view","resource":{"type":"queue","id":"q-sales"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: routing:queue:view is a catalog permission and applies to this queue
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 7: no deny matches
step 8: grant routing:queue:view (role qa, scope assigned): division ok; scope ok; when ok
step 13: allow by routing:queue:view (role qa, scope assigned)
→ ALLOW (allow)"#,
    ),
    (
        r#"{"principal":"ann","permission":"authorization:role:view","resource":{"type":"role","id":"qa"},"now":"2026-11-22T12:00:00Z"}"#,
        r#"step 1: authorization:role:view is a catalog permission and applies to this role
step 2: principal ann exists and is enabled
step 3: no impersonation: the principal acts for itself
step 7: no deny matches
step 8: no grant of ann matches authorization:role:view → no_permission
→ DENY (no_permission)"#,
    ),
];

#[test]
fn every_step_explains_itself_in_the_same_words() {
    let policy = Policy::from_json(POLICY).expect("the policy is valid");
    let bless = std::env::var_os("RECGATE_BLESS").is_some();
    let mut wrong = Vec::new();
    for (i, (request, want)) in CASES.iter().enumerate() {
        let req = Request::from_json(request).expect("the request is well-formed");
        let got = policy.explain(&req).to_string();
        if bless {
            println!("case {i}:\n{got}\n");
        }
        if got != *want {
            wrong.push(format!(
                "case {i} {request}\n--- expected\n{want}\n--- got\n{got}"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} explanations differ:\n{}",
        wrong.len(),
        wrong.join("\n\n")
    );
}

/// A session's steps 2–3 on their own (`Policy::session_steps`, the package's
/// `sessionSteps()`, the demo's banner) are the lines of steps 2 and 3 of
/// every explanation of that session's requests: the same walk, the same
/// words, whatever is asked.
#[test]
fn a_sessions_own_steps_are_those_of_its_explanations() {
    let policy = Policy::from_json(POLICY).expect("the policy is valid");
    let mut sessions = 0;
    for (request, _) in CASES {
        let req = Request::from_json(request).expect("the request is well-formed");
        let explanation = policy.explain(&req);
        // Step 2's resource half, told between the session's lines, ends an
        // explanation of a resource not in the policy before step 3.
        if explanation.decision.reason == Reason::UnknownResource {
            continue;
        }
        let explained: Vec<_> = explanation
            .steps
            .into_iter()
            .filter(|l| l.step == 2 || l.step == 3)
            .collect();
        if explained.is_empty() {
            continue; // step 1 refused it: no session was looked at
        }
        sessions += 1;
        assert_eq!(
            policy.session_steps(&req.principal, req.actor.as_deref(), req.now),
            explained,
            "{request}"
        );
    }
    assert!(sessions > 10, "only {sessions} cases reach step 2");
}

/// A decision's words name what every grant that got furthest would need —
/// each of them, in grant order — and only those: a grant stopped at an
/// earlier step (here: by its scope, when another's `when` fails) is left
/// out (SPEC §3 step 8 decides the reason by the furthest grant).
#[test]
fn the_words_name_every_grant_that_got_furthest() {
    let policy = Policy::from_json(
        r#"{
 "schema": "recgate/v1", "revision": "words",
 "groups": { "g": { "members": ["ann"] } },
 "queues": { "q1": {}, "q2": {} },
 "views": { "v": { "queues": ["q1"] } },
 "roles": {
  "scoped": { "grants": [
   { "permission": "recording:recording:view", "scope": { "group": "g" } },
   { "permission": "recording:recording:view", "scope": { "view": "v" } } ] },
  "conditioned": { "grants": [
   { "permission": "recording:recording:view", "scope": { "group": "g" } },
   { "permission": "recording:recording:view", "when": { "queues": ["q1"] } },
   { "permission": "recording:recording:view", "when": { "directions": ["inbound"] } } ] }
 },
 "users": {
  "ann": {},
  "sam": { "roles": [ { "role": "scoped" } ] },
  "cat": { "roles": [ { "role": "conditioned" } ] }
 }
}"#,
    )
    .expect("the policy is valid");
    let words = |principal: &str| {
        let request = format!(
            r#"{{"principal":"{principal}","permission":"recording:recording:view","now":"2026-11-22T12:00:00Z",
                "resource":{{"type":"recording","id":"r","media":"audio","owner":"bob","queue":"q2","direction":"outbound"}}}}"#
        );
        let e = policy.explain(&Request::from_json(&request).expect("the request is well-formed"));
        (e.decision.reason.to_string(), e.words)
    };
    assert_eq!(
        words("sam"),
        (
            "out_of_scope".to_string(),
            "outside your group g or outside your view v".to_string()
        )
    );
    assert_eq!(
        words("cat"),
        (
            "condition_unmet".to_string(),
            "only for queue q1 or only for inbound interactions".to_string()
        )
    );
}
