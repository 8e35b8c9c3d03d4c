//! Requests (SPEC §2): who asks, on whose behalf, for which permission, on
//! which resource, at what time. A request's own unknown fields are refused —
//! a misspelt `actor` must not turn an impersonated call into a direct one;
//! a resource's are ignored unless they are near-misses of a field recgate
//! reads ([`fields`]), so that an API entity can be asked about as it is.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;

use crate::error::RequestError;
use crate::model::{Direction, Media};
use crate::time::Timestamp;
use crate::typed_json;

mod fields;
mod tagged;

/// One authorization question.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Request {
    /// On whose behalf the call is made.
    pub principal: String,
    /// Who authenticated; the principal when absent.
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
        let mut tree = typed_json::parse(text)?;
        match typed_json::from_tree(&tree) {
            Err(e) if tagged::is_tag_later(&e) => {
                tagged::tag_first(&mut tree)?;
                Ok(typed_json::from_tree(&tree)?)
            }
            read => Ok(read?),
        }
    }
    /// The actor, or the principal when the request names none.
    pub fn actor(&self) -> &str {
        self.actor.as_deref().unwrap_or(&self.principal)
    }
}

/// A resource (SPEC §2 table), tagged by `type` (read by [`tagged`]).
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

/// The field of a `kind` resource (`"recording"`, `"annotation"`, …) that a
/// member named `key` is probably a misspelling of: a resource with such a
/// member is unreadable rather than the member ignored ([`fields`]).
pub fn near_miss(kind: &str, key: &str) -> Option<&'static str> {
    let fields = fields_of(kind)?;
    if fields.contains(&key) {
        return None;
    }
    crate::typo::near_miss(key, fields)
}

/// The members a `kind` resource (`"recording"`, `"annotation"`, …) is read
/// from, besides `type`; `None` for a type recgate has no resource of. Any
/// other member is ignored, unless it is a near-miss of one of these
/// ([`near_miss`]).
pub fn fields_of(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        "recording" => Some(&Recording::FIELDS),
        "annotation" => Some(&Annotation::FIELDS),
        "report" => Some(&Report::FIELDS),
        "queue" | "user" | "role" | "schedule" => Some(&Named::FIELDS),
        _ => None,
    }
}

/// A resource known by id only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// Id.
    pub id: String,
}

impl Named {
    /// The attributes of a queue, user, role or schedule resource.
    pub const FIELDS: [&'static str; 1] = ["id"];
}

/// A reporting-data row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// The user the row is about.
    pub user: Option<String>,
    /// The queue the row is about.
    pub queue: Option<String>,
}

impl Report {
    /// The attributes of a report resource.
    pub const FIELDS: [&'static str; 2] = ["user", "queue"];
}

/// A recording's attributes, as the recordings store knows them (read by
/// [`fields`]: other members of an entity are ignored).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Recording {
    /// Id.
    pub id: String,
    /// The conversation it belongs to.
    pub conversation_id: Option<String>,
    /// Media.
    pub media: Option<Media>,
    /// Direction of the call.
    pub direction: Option<Direction>,
    /// The recorded agent.
    pub owner: Option<String>,
    /// Every user on the interaction.
    pub participants: Vec<String>,
    /// The queue it came through.
    pub queue: Option<String>,
    /// Divisions; `["home"]` when absent.
    pub divisions: Option<Vec<String>>,
    /// Data-residency region; the home region when absent.
    pub region: Option<String>,
    /// The phone line recorded.
    pub line: Option<String>,
    /// When it was recorded.
    pub created_at: Option<Timestamp>,
    /// Retention override, days.
    pub retention_days: Option<u32>,
    /// Under legal hold (deletion protection).
    pub legal_hold: bool,
    /// Holds sensitive segments (PCI, PHI).
    pub sensitive: bool,
    /// In progress (live monitoring).
    pub live: bool,
    /// Associated recordings (screen recordings, transcripts) deleted with it.
    pub related: Vec<String>,
}

impl Recording {
    /// Every attribute a recording resource has, as JSON field names, in
    /// the order [`fields`] reads them.
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

    /// Reads a recording given on its own as JSON (a recordings API entity:
    /// members recgate does not read are ignored, near-misses refused).
    pub fn from_json(text: &str) -> Result<Recording, RequestError> {
        Ok(typed_json::from_str(text)?)
    }
}

/// A bookmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// Id.
    pub id: String,
    /// Who wrote it.
    pub author: Option<String>,
    /// `public` (default) or `private`.
    pub visibility: AnnotationVisibility,
    /// The recording it is on.
    pub recording: Recording,
}

impl Annotation {
    /// The attributes of an annotation resource, in the order [`fields`] reads them.
    pub const FIELDS: [&'static str; 4] = ["id", "author", "visibility", "recording"];
}

/// Who may see an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AnnotationVisibility {
    /// Everyone with access to the recording.
    #[default]
    Public,
    /// Its author only.
    Private,
}
