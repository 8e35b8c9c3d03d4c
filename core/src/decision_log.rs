//! The decision-log line: one JSON object per decision an enforcement point
//! made, written by the Envoy filter and read back by `recgate diff` to
//! replay a day of traffic against a candidate policy. One type for both
//! sides, so that what is written is exactly what can be replayed: the whole
//! core request (SPEC §2) travels in `request`, the decision's outcome beside
//! it (SPEC §4 reason codes, the edge's codes included).

use alloc::string::String;
use alloc::vec::Vec;

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::decision::Reason;
use crate::request::{Annotation, Recording, Request, Resource};

/// What the line names as the decided resource: its type and id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LoggedResource {
    /// The resource type (`recording`, `annotation`, …); absent for refusals
    /// made before any resource was involved (token, route, path).
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    /// Its id, where it has one.
    #[serde(default)]
    pub id: Option<String>,
}

/// One decision as logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionLogLine {
    /// The decision id the client and the upstream saw.
    pub decision_id: String,
    /// Who authenticated.
    pub actor: String,
    /// On whose behalf.
    pub principal: String,
    /// The catalog permission decided (empty before any was involved).
    pub permission: String,
    /// The resource's type and id.
    pub resource: LoggedResource,
    /// The reason code.
    #[serde(serialize_with = "reason_out", deserialize_with = "reason_in")]
    pub reason: Reason,
    /// Allowed or not.
    pub allow: bool,
    /// The policy revision that decided.
    pub revision: String,
    /// `enforce` or `shadow`.
    pub mode: String,
    /// The whole core request, replayable; absent when the refusal came
    /// before one could be formed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "request_out"
    )]
    pub request: Option<Request>,
}

impl DecisionLogLine {
    /// The line as JSON text (no newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a line; `None` when it is not a decision-log line.
    pub fn from_json(text: &str) -> Option<DecisionLogLine> {
        crate::typed_json::from_str(text).ok()
    }
}

fn reason_out<S: Serializer>(r: &Reason, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(r.as_str())
}

fn reason_in<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Reason, D::Error> {
    let s = String::deserialize(d)?;
    Reason::parse(&s).ok_or_else(|| serde::de::Error::custom("not a reason code"))
}

#[expect(
    clippy::ref_option,
    reason = "serde's serialize_with hands the field by reference"
)]
fn request_out<S: Serializer>(r: &Option<Request>, s: S) -> Result<S::Ok, S::Error> {
    match r {
        Some(req) => RequestJson(req).serialize(s),
        None => s.serialize_none(),
    }
}

/// A request written in the SPEC §2 format `Request::from_json` reads back.
struct RequestJson<'a>(&'a Request);

impl Serialize for RequestJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("principal", &r.principal)?;
        if let Some(actor) = &r.actor {
            m.serialize_entry("actor", actor)?;
        }
        m.serialize_entry("permission", &r.permission)?;
        m.serialize_entry("resource", &ResourceJson(&r.resource))?;
        m.serialize_entry("now", &alloc::format!("{}", r.now))?;
        m.end()
    }
}

struct ResourceJson<'a>(&'a Resource);

impl Serialize for ResourceJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("type", self.0.type_name())?;
        match self.0 {
            Resource::Recording(r) => recording_fields(&mut m, r)?,
            Resource::Annotation(a) => annotation_fields(&mut m, a)?,
            Resource::Queue(n) | Resource::User(n) | Resource::Role(n) | Resource::Schedule(n) => {
                m.serialize_entry("id", &n.id)?;
            }
            Resource::Report(rep) => {
                if let Some(u) = &rep.user {
                    m.serialize_entry("user", u)?;
                }
                if let Some(q) = &rep.queue {
                    m.serialize_entry("queue", q)?;
                }
            }
        }
        m.end()
    }
}

struct RecordingJson<'a>(&'a Recording);

impl Serialize for RecordingJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        recording_fields(&mut m, self.0)?;
        m.end()
    }
}

fn annotation_fields<M: SerializeMap>(m: &mut M, a: &Annotation) -> Result<(), M::Error> {
    m.serialize_entry("id", &a.id)?;
    if let Some(author) = &a.author {
        m.serialize_entry("author", author)?;
    }
    m.serialize_entry(
        "visibility",
        match a.visibility {
            crate::request::AnnotationVisibility::Public => "public",
            crate::request::AnnotationVisibility::Private => "private",
        },
    )?;
    m.serialize_entry("recording", &RecordingJson(&a.recording))
}

/// Every attribute of a recording that differs from its default, under the
/// names of [`Recording::FIELDS`].
fn recording_fields<M: SerializeMap>(m: &mut M, r: &Recording) -> Result<(), M::Error> {
    m.serialize_entry("id", &r.id)?;
    let opt = |m: &mut M, k: &str, v: &Option<String>| match v {
        Some(v) => m.serialize_entry(k, v),
        None => Ok(()),
    };
    let list = |m: &mut M, k: &str, v: &Vec<String>| {
        if v.is_empty() {
            Ok(())
        } else {
            m.serialize_entry(k, v)
        }
    };
    let flag = |m: &mut M, k: &str, v: bool| {
        if v {
            m.serialize_entry(k, &true)
        } else {
            Ok(())
        }
    };
    opt(m, "conversationId", &r.conversation_id)?;
    if let Some(media) = r.media {
        m.serialize_entry("media", media.as_str())?;
    }
    if let Some(d) = r.direction {
        m.serialize_entry("direction", d.as_str())?;
    }
    opt(m, "owner", &r.owner)?;
    list(m, "participants", &r.participants)?;
    opt(m, "queue", &r.queue)?;
    if let Some(d) = &r.divisions {
        m.serialize_entry("divisions", d)?;
    }
    opt(m, "region", &r.region)?;
    opt(m, "line", &r.line)?;
    if let Some(t) = r.created_at {
        m.serialize_entry("createdAt", &alloc::format!("{t}"))?;
    }
    if let Some(days) = r.retention_days {
        m.serialize_entry("retentionDays", &days)?;
    }
    flag(m, "legalHold", r.legal_hold)?;
    flag(m, "sensitive", r.sensitive)?;
    flag(m, "live", r.live)?;
    list(m, "related", &r.related)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Media};
    use crate::request::{AnnotationVisibility, Named};
    use crate::time::Timestamp;

    fn line(request: Option<Request>) -> DecisionLogLine {
        DecisionLogLine {
            decision_id: "0123456789abcdef0123456789abcdef".into(),
            actor: "svc".into(),
            principal: "p".into(),
            permission: "recording:recording:view".into(),
            resource: LoggedResource {
                kind: Some("recording".into()),
                id: Some("r1".into()),
            },
            reason: Reason::OutOfScope,
            allow: false,
            revision: "r7".into(),
            mode: "enforce".into(),
            request,
        }
    }

    #[test]
    fn lines_round_trip_with_their_requests() {
        let now = Timestamp::parse("2026-11-22T12:00:00.250Z").unwrap();
        let rec = Recording {
            id: "r1".into(),
            conversation_id: Some("c1".into()),
            media: Some(Media::Screen),
            direction: Some(Direction::Inbound),
            owner: Some("a".into()),
            participants: alloc::vec!["a".into(), "b".into()],
            queue: Some("q".into()),
            divisions: Some(alloc::vec!["home".into()]),
            region: Some("eu-west-1".into()),
            line: Some("+1".into()),
            created_at: Timestamp::parse("2026-11-20T09:00:00Z"),
            retention_days: Some(3),
            legal_hold: true,
            sensitive: true,
            live: true,
            related: alloc::vec!["r2".into()],
        };
        let resources = [
            Resource::Recording(rec.clone()),
            Resource::Recording(Recording {
                id: "bare".into(),
                ..Recording::default()
            }),
            Resource::Annotation(Annotation {
                id: "a1".into(),
                author: Some("x".into()),
                visibility: AnnotationVisibility::Private,
                recording: rec,
            }),
            Resource::Queue(Named { id: "q".into() }),
            Resource::Schedule(Named { id: "s".into() }),
        ];
        for resource in resources {
            let req = Request {
                principal: "p".into(),
                actor: Some("svc".into()),
                permission: "recording:recording:view".into(),
                resource,
                now,
            };
            let l = line(Some(req.clone()));
            let text = l.to_json();
            let back = DecisionLogLine::from_json(&text).unwrap();
            assert_eq!(back, l, "{text}");
            // The request member alone is a request any target reads.
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(
                Request::from_json(&alloc::format!("{}", v["request"])).unwrap(),
                req
            );
        }
        let bare = line(None);
        let text = bare.to_json();
        assert!(!text.contains("\"request\""));
        assert_eq!(DecisionLogLine::from_json(&text).unwrap(), bare);
        assert!(DecisionLogLine::from_json(r#"{"principal":"p"}"#).is_none());
    }
}
