//! Requests (SPEC §2): who asks, on whose behalf, for which permission, on
//! which resource, at what time. Unknown fields are refused here too — a
//! misspelt `actor` must not turn an impersonated call into a direct one.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::error::RequestError;
use crate::model::{Direction, Media};
use crate::time::Timestamp;

/// One authorization question.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Request {
    /// On whose behalf the call is made.
    pub principal: String,
    /// Who authenticated; the principal when absent.
    #[serde(default)]
    pub actor: Option<String>,
    /// A catalog permission (not a pattern).
    pub permission: String,
    /// What it is about.
    pub resource: Resource,
    /// The time of the decision.
    pub now: Timestamp,
}

impl Request {
    /// Reads a request from JSON text.
    pub fn from_json(text: &str) -> Result<Request, RequestError> {
        let error = |e: serde_json::Error| RequestError {
            message: alloc::format!("{e}"),
        };
        match serde_json::from_str(text) {
            Err(e) if crate::tagged::is_tag_later(&e) => {
                let reordered = crate::tagged::tag_first(text).map_err(error)?;
                serde_json::from_str(&reordered).map_err(error)
            }
            parsed => parsed.map_err(error),
        }
    }
    /// The actor, or the principal when the request names none.
    pub fn actor(&self) -> &str {
        self.actor.as_deref().unwrap_or(&self.principal)
    }
}

/// A resource (SPEC §2 table), tagged by `type` (read by [`crate::tagged`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    /// A call, screen, chat, email or messaging recording.
    Recording(Recording),
    /// A bookmark on a recording.
    Annotation(Annotation),
    /// A queue, by id; the rest comes from the policy.
    Queue(Named),
    /// A user, by id; the rest comes from the policy.
    User(Named),
    /// A reporting-data row.
    Report(Report),
    /// A role (org-level).
    Role(Named),
    /// A retention policy or recording schedule (org-level).
    Schedule(Named),
}

impl Resource {
    /// The `type` name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Resource::Recording(_) => "recording",
            Resource::Annotation(_) => "annotation",
            Resource::Queue(_) => "queue",
            Resource::User(_) => "user",
            Resource::Report(_) => "report",
            Resource::Role(_) => "role",
            Resource::Schedule(_) => "schedule",
        }
    }
    /// The resource id, where it has one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Resource::Recording(r) => Some(&r.id),
            Resource::Annotation(a) => Some(&a.id),
            Resource::Queue(n) | Resource::User(n) | Resource::Role(n) | Resource::Schedule(n) => {
                Some(&n.id)
            }
            Resource::Report(_) => None,
        }
    }
    /// The recording this resource is or belongs to.
    pub fn recording(&self) -> Option<&Recording> {
        match self {
            Resource::Recording(r) => Some(r),
            Resource::Annotation(a) => Some(&a.recording),
            _ => None,
        }
    }
}

/// A resource known by id only.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Named {
    /// Id.
    pub id: String,
}

/// A reporting-data row.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The user the row is about.
    #[serde(default)]
    pub user: Option<String>,
    /// The queue the row is about.
    #[serde(default)]
    pub queue: Option<String>,
}

/// A recording's attributes, as the recordings store knows them.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Recording {
    /// Id.
    pub id: String,
    /// The conversation it belongs to.
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// Media.
    #[serde(default)]
    pub media: Option<Media>,
    /// Direction of the call.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// The recorded agent.
    #[serde(default)]
    pub owner: Option<String>,
    /// Every user on the interaction.
    #[serde(default)]
    pub participants: Vec<String>,
    /// The queue it came through.
    #[serde(default)]
    pub queue: Option<String>,
    /// Divisions; `["home"]` when absent.
    #[serde(default)]
    pub divisions: Option<Vec<String>>,
    /// Data-residency region; the home region when absent.
    #[serde(default)]
    pub region: Option<String>,
    /// The phone line recorded.
    #[serde(default)]
    pub line: Option<String>,
    /// When it was recorded.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Retention override, days.
    #[serde(default)]
    pub retention_days: Option<u32>,
    /// Under legal hold (deletion protection).
    #[serde(default)]
    pub legal_hold: bool,
    /// Holds sensitive segments (PCI, PHI).
    #[serde(default)]
    pub sensitive: bool,
    /// In progress (live monitoring).
    #[serde(default)]
    pub live: bool,
    /// Associated recordings (screen recordings, transcripts) deleted with it.
    #[serde(default)]
    pub related: Vec<String>,
}

impl Recording {
    /// Every attribute a recording resource has, as JSON field names: what an
    /// enforcement point picks out of a recordings API entity (which carries
    /// many other fields) before handing it to the core.
    pub const FIELDS: [&'static str; 16] = [
        "id",
        "conversationId",
        "media",
        "direction",
        "owner",
        "participants",
        "queue",
        "divisions",
        "region",
        "line",
        "createdAt",
        "retentionDays",
        "legalHold",
        "sensitive",
        "live",
        "related",
    ];

    /// Whether this is a screen recording.
    pub fn is_screen(&self) -> bool {
        self.media == Some(Media::Screen)
    }
}

/// A bookmark.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    /// Id.
    pub id: String,
    /// Who wrote it.
    #[serde(default)]
    pub author: Option<String>,
    /// `public` (default) or `private`.
    #[serde(default)]
    pub visibility: Visibility,
    /// The recording it is on.
    pub recording: Recording,
}

/// Who may see an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Everyone with access to the recording.
    #[default]
    Public,
    /// Its author only.
    Private,
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp such as \"2026-11-22T12:00:00Z\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Timestamp, E> {
                Timestamp::parse(s).ok_or_else(|| E::invalid_value(de::Unexpected::Str(s), &self))
            }
        }
        d.deserialize_str(V)
    }
}
