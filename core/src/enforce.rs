//! Whole operations an enforcement point asks of the core, so that it only
//! translates its world (HTTP routes, API bodies) into them and back: opening
//! a recording (hidden, metadata only or media — with the download permission
//! too when a download is asked, SPEC §3 steps 11–12), an action on a
//! recording whose permission depends on its media (SPEC §6 "applies to"),
//! the annotation a principal would create, and the judgement of every entity
//! of a list response. The answers carry the reason and the obligations of
//! the decision that settled them, and whether a refusal must look like
//! "not found" (a recording the principal may not even see, SPEC §3 step 11).
//!
//! Attributes of recordings come from the enforcement point's attributes
//! source in the request format of SPEC §2 ([`RecordingFacts`]); they are read
//! strictly here, never guessed: an annotation whose `visibility` is missing
//! or not one of the SPEC's words is not an annotation anyone may see.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;

use crate::catalog::Perm;
use crate::decision::{DecisionRecord, Obligation};
use crate::error::RequestError;
use crate::json::Json;
use crate::policy::{RecordingVisibility, Subject};
use crate::request::{Annotation, AnnotationVisibility as Shown, Named, Recording, Resource};
use crate::time::Timestamp;
use crate::typed_json;

/// An action on one recording, as an API offers it; the permission it needs
/// depends on the recording's media where the catalog has one per media.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingAction {
    /// Play or fetch it: the media's view permission.
    View,
    /// Download or export it: the media's download permission.
    Download,
    /// Delete it (or schedule its deletion): the media's delete permission.
    Delete,
    /// Change its retention dates.
    EditRetention,
    /// Restore it from the archive.
    Restore,
    /// Black out part of it.
    Blackout,
    /// Put it under legal hold.
    ProtectionApply,
    /// Lift its legal hold.
    ProtectionRevoke,
    /// Read its transcript.
    Transcript,
}

impl RecordingAction {
    /// The catalog permission this action needs on `rec`.
    pub fn permission(self, rec: &Recording) -> Perm {
        let screen = rec.is_screen();
        match self {
            RecordingAction::View if screen => Perm::SCREEN_VIEW,
            RecordingAction::View => Perm::RECORDING_VIEW,
            RecordingAction::Download if screen => Perm::SCREEN_DOWNLOAD,
            RecordingAction::Download => Perm::RECORDING_DOWNLOAD,
            RecordingAction::Delete if screen => Perm::SCREEN_DELETE,
            RecordingAction::Delete => Perm::RECORDING_DELETE,
            RecordingAction::EditRetention => Perm::EDIT_RETENTION,
            RecordingAction::Restore => Perm::RESTORE,
            RecordingAction::Blackout => Perm::RECORDING_BLACKOUT,
            RecordingAction::ProtectionApply => Perm::PROTECTION_APPLY,
            RecordingAction::ProtectionRevoke => Perm::PROTECTION_REVOKE,
            RecordingAction::Transcript => Perm::TRANSCRIPT_VIEW,
        }
    }
}

/// An action on an existing annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnotationAction {
    /// Read it.
    View,
    /// Change it.
    Edit,
    /// Remove it.
    Delete,
}

impl AnnotationAction {
    /// The catalog permission (SPEC §3 step 6 turns edit/delete of one's own
    /// annotation into add; that happens in the decision, not here).
    pub fn permission(self) -> Perm {
        match self {
            AnnotationAction::View => Perm::ANNOTATION_VIEW,
            AnnotationAction::Edit => Perm::ANNOTATION_EDIT,
            AnnotationAction::Delete => Perm::ANNOTATION_DELETE,
        }
    }
}

/// The outcome of one operation: the permission that decided, the decision,
/// and whether a refusal must be answered as "not found".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ruling {
    /// The permission whose decision settled the operation.
    pub permission: Perm,
    /// That decision (obligations included on an allow).
    pub decision: DecisionRecord,
    /// Refused, and the principal may not even see the recording (neither
    /// its media nor its metadata): answer as if it did not exist.
    pub hidden: bool,
}

impl Ruling {
    /// Whether the operation is allowed.
    pub fn allowed(&self) -> bool {
        self.decision.allow
    }
}

/// Opening one recording: how much of it the principal sees, and the ruling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    /// Media, metadata only, or nothing (then the ruling is refused and hidden).
    pub visibility: RecordingVisibility,
    /// Media: the media view (or, with a download asked, the download)
    /// decision; metadata only: the metadata view decision (or the refused
    /// download); hidden: the refused media view.
    pub ruling: Ruling,
}

/// What becomes of one entity of a list response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Removed: the principal may not see it (or nothing is known about it).
    Drop,
    /// Kept with its metadata only.
    Metadata,
    /// Kept whole; `redact` when its sensitive segments must be redacted.
    Media {
        /// The redact obligation of the media view.
        redact: bool,
    },
}

/// The annotation `principal` would create on `rec`: a public one of theirs
/// (what adding a bookmark, or listing the public ones, is decided on).
pub fn annotation_to_create(principal: &str, rec: &Recording) -> Annotation {
    Annotation {
        id: String::from("new"),
        author: Some(String::from(principal)),
        visibility: Shown::Public,
        recording: rec.clone(),
    }
}

impl Subject<'_> {
    /// Decides `perm` on `resource` (about `rec`), and whether a refusal
    /// must look like "not found".
    pub(crate) fn rule(
        &self,
        perm: Perm,
        resource: &Resource,
        rec: &Recording,
        now: Timestamp,
    ) -> Ruling {
        let decision = self.decide_perm(perm, resource, now).record(None);
        // A principal refused as such (unknown, disabled, impersonation refused) is told so.
        let hidden = !decision.allow
            && self.refusal().is_none()
            && self.visibility(rec, now) == RecordingVisibility::Hidden;
        Ruling {
            permission: perm,
            decision,
            hidden,
        }
    }

    /// An action on a recording, the permission chosen for its media.
    pub fn act(&self, action: RecordingAction, rec: &Recording, now: Timestamp) -> Ruling {
        let resource = Resource::Recording(rec.clone());
        self.rule(action.permission(rec), &resource, rec, now)
    }

    /// Opens a recording: its media (the media's view permission), else its
    /// metadata (`recording:metadata:view`), else nothing. With `download`,
    /// media also needs the media's download permission (SPEC §3 step 12:
    /// BPO export, sensitive recordings), and metadata only is a refusal.
    pub fn open(&self, rec: &Recording, download: bool, now: Timestamp) -> Opening {
        let resource = Resource::Recording(rec.clone());
        let view_perm = RecordingAction::View.permission(rec);
        let view = self.decide_perm(view_perm, &resource, now).record(None);
        let visible = |permission, decision| Ruling {
            permission,
            decision,
            hidden: false,
        };
        if view.allow {
            let ruling = if download {
                let perm = RecordingAction::Download.permission(rec);
                visible(perm, self.decide_perm(perm, &resource, now).record(None))
            } else {
                visible(view_perm, view)
            };
            return Opening {
                visibility: RecordingVisibility::Media,
                ruling,
            };
        }
        let meta = self
            .decide_perm(Perm::METADATA_VIEW, &resource, now)
            .record(None);
        if meta.allow {
            let ruling = if download {
                let perm = RecordingAction::Download.permission(rec);
                visible(perm, self.decide_perm(perm, &resource, now).record(None))
            } else {
                visible(Perm::METADATA_VIEW, meta)
            };
            return Opening {
                visibility: RecordingVisibility::Metadata,
                ruling,
            };
        }
        Opening {
            visibility: RecordingVisibility::Hidden,
            ruling: Ruling {
                permission: view_perm,
                decision: view,
                hidden: self.refusal().is_none(),
            },
        }
    }

    /// An action on an existing annotation; hidden when its recording is.
    pub fn on_annotation(
        &self,
        action: AnnotationAction,
        annotation: &Annotation,
        now: Timestamp,
    ) -> Ruling {
        let resource = Resource::Annotation(annotation.clone());
        self.rule(action.permission(), &resource, &annotation.recording, now)
    }

    /// Reading a recording's metadata: `recording:metadata:view`.
    pub fn read_metadata(&self, rec: &Recording, now: Timestamp) -> Ruling {
        let resource = Resource::Recording(rec.clone());
        self.rule(Perm::METADATA_VIEW, &resource, rec, now)
    }

    /// Adding an annotation to `rec`, decided on [`annotation_to_create`].
    pub fn add_annotation(&self, principal: &str, rec: &Recording, now: Timestamp) -> Ruling {
        let resource = Resource::Annotation(annotation_to_create(principal, rec));
        self.rule(Perm::ANNOTATION_ADD, &resource, rec, now)
    }

    /// One recording of a list: its facts (`None`: none known — it is
    /// dropped), opened as [`Subject::open`] would.
    pub fn keep_recording(
        &self,
        facts: Option<&Recording>,
        download: bool,
        now: Timestamp,
    ) -> Keep {
        let Some(rec) = facts else {
            return Keep::Drop;
        };
        let opening = self.open(rec, download, now);
        match (opening.visibility, opening.ruling.decision.allow) {
            (RecordingVisibility::Media, true) => Keep::Media {
                redact: opening
                    .ruling
                    .decision
                    .obligations
                    .contains(&Obligation::Redact),
            },
            // Seen, but not downloadable: what a download list shows of it is its metadata.
            (RecordingVisibility::Media | RecordingVisibility::Metadata, _) => Keep::Metadata,
            (RecordingVisibility::Hidden, _) => Keep::Drop,
        }
    }

    /// One entry of a recording-metadata list: `recording:metadata:view`.
    pub fn keep_metadata(&self, facts: Option<&Recording>, now: Timestamp) -> bool {
        facts.is_some_and(|rec| {
            self.decide_perm(Perm::METADATA_VIEW, &Resource::Recording(rec.clone()), now)
                .allow
        })
    }

    /// One annotation of a list (or embedded in a recording):
    /// `recording:annotation:view` on its facts (`None`: dropped).
    pub fn keep_annotation(&self, facts: Option<&Annotation>, now: Timestamp) -> bool {
        facts.is_some_and(|a| {
            self.decide_perm(Perm::ANNOTATION_VIEW, &Resource::Annotation(a.clone()), now)
                .allow
        })
    }

    /// One queue of a list: `routing:queue:view` on its id.
    pub fn keep_queue(&self, id: Option<&str>, now: Timestamp) -> bool {
        id.is_some_and(|id| {
            let resource = Resource::Queue(Named { id: id.into() });
            self.decide_perm(Perm::QUEUE_VIEW, &resource, now).allow
        })
    }
}

/// The obligations of an allowed ruling, as a list (empty when refused).
pub fn obligations_of(ruling: &Ruling) -> &[Obligation] {
    if ruling.decision.allow {
        &ruling.decision.obligations
    } else {
        &[]
    }
}

/// What an attributes source knows about one recording: the recording
/// resource of SPEC §2 (without `type`), and the annotations on it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordingFacts {
    /// The recording's attributes.
    pub recording: Recording,
    /// Its annotations' attributes, by id; an entry that could not be read
    /// is left out (so that annotation is judged as unknown: dropped).
    pub annotations: Vec<Annotation>,
}

/// An annotation's attributes as an attributes source gives them: `id`,
/// `author` (absent: nobody's) and `visibility`, which is required.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnnotationFacts {
    id: String,
    #[serde(default)]
    author: Option<String>,
    visibility: Shown,
}

impl RecordingFacts {
    /// Reads `{<recording attributes>, "annotations"?: [{id, author?, visibility}]}`.
    /// The recording must name its `media` (which permission applies depends
    /// on it); an annotation entry that is not exactly as above is left out.
    pub fn from_json(text: &str) -> Result<RecordingFacts, RequestError> {
        RecordingFacts::from_tree(typed_json::parse(text)?)
    }

    fn from_tree(mut facts: Json) -> Result<RecordingFacts, RequestError> {
        if !matches!(facts, Json::Obj(_)) {
            return Err(RequestError {
                message: String::from("recording facts must be a JSON object"),
            });
        }
        let listed = facts.take_member("annotations");
        if !matches!(facts.member("media"), Some(Json::Str(_))) {
            return Err(RequestError {
                message: String::from("recording facts without \"media\""),
            });
        }
        let recording: Recording = typed_json::from_tree(&facts)?;
        let annotations = match listed {
            Some(Json::Arr(items)) => items
                .iter()
                .filter_map(|item| typed_json::from_tree::<AnnotationFacts>(item).ok())
                .map(|a| Annotation {
                    id: a.id,
                    author: a.author,
                    visibility: a.visibility,
                    recording: recording.clone(),
                })
                .collect(),
            None | Some(Json::Null) => Vec::new(),
            Some(_) => {
                return Err(RequestError {
                    message: String::from("\"annotations\" must be an array"),
                })
            }
        };
        Ok(RecordingFacts {
            recording,
            annotations,
        })
    }

    /// The facts of annotation `id`, if known.
    pub fn annotation(&self, id: &str) -> Option<&Annotation> {
        self.annotations.iter().find(|a| a.id == id)
    }
}

/// What an attributes source knows about one conversation: every recording
/// of it. A recording entry that cannot be read is left out (unknown: dropped
/// from lists, not found when named).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConversationFacts {
    /// The conversation.
    pub conversation_id: String,
    /// Its recordings.
    pub recordings: Vec<RecordingFacts>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ConversationFactsRaw {
    conversation_id: String,
    recordings: Vec<Json>,
}

impl ConversationFacts {
    /// Reads `{"conversationId", "recordings": [<recording facts>...]}`.
    pub fn from_json(text: &str) -> Result<ConversationFacts, RequestError> {
        let raw: ConversationFactsRaw = typed_json::from_str(text)?;
        let conversation_id = raw.conversation_id;
        let recordings = raw
            .recordings
            .into_iter()
            .filter_map(|v| RecordingFacts::from_tree(v).ok())
            // A recording that says it belongs elsewhere is not this conversation's.
            .filter(|f| {
                f.recording
                    .conversation_id
                    .as_deref()
                    .map_or(true, |c| c == conversation_id)
            })
            .collect();
        Ok(ConversationFacts {
            conversation_id,
            recordings,
        })
    }

    /// The facts of recording `id`, if known.
    pub fn recording(&self, id: &str) -> Option<&RecordingFacts> {
        self.recordings.iter().find(|f| f.recording.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::control_permission;
    use crate::decision::Reason;
    use crate::model::Media;
    use crate::policy::Policy;

    const POLICY: &str = r#"{
      "schema": "recgate/v1", "revision": "r",
      "settings": { "bpoExport": false },
      "roles": {
        "play": { "grants": [ { "permission": "recording:recording:view" },
                              { "permission": "recording:screenRecording:view" },
                              { "permission": "recording:annotation:view" },
                              { "permission": "recording:annotation:add" } ] },
        "dl": { "grants": [ { "permission": "recording:recording:download" } ] },
        "meta": { "grants": [ { "permission": "recording:metadata:view" } ] },
        "del": { "grants": [ { "permission": "recording:screenRecording:delete" } ] }
      },
      "users": {
        "p": { "roles": [ { "role": "play" } ] },
        "pd": { "roles": [ { "role": "play" }, { "role": "dl" }, { "role": "del" } ] },
        "bpo": { "bpo": true, "roles": [ { "role": "play" }, { "role": "dl" } ] },
        "m": { "roles": [ { "role": "meta" } ] },
        "n": {}
      }
    }"#;

    fn now() -> Timestamp {
        Timestamp::parse("2026-11-22T12:00:00Z").unwrap()
    }

    fn rec(media: Media, sensitive: bool) -> Recording {
        Recording {
            id: "r1".into(),
            media: Some(media),
            sensitive,
            ..Recording::default()
        }
    }

    #[test]
    fn open_is_visibility_plus_download() {
        let policy = Policy::from_json(POLICY).unwrap();
        for user in ["p", "pd", "bpo", "m", "n", "ghost"] {
            let s = policy.subject(user, None, now());
            for media in [Media::Audio, Media::Screen] {
                for sensitive in [false, true] {
                    let r = rec(media, sensitive);
                    let plain = s.open(&r, false, now());
                    assert_eq!(plain.visibility, s.visibility(&r, now()), "{user}");
                    assert_eq!(
                        plain.ruling.hidden,
                        plain.visibility == RecordingVisibility::Hidden && s.refusal().is_none()
                    );
                    let dl = s.open(&r, true, now());
                    let perm = RecordingAction::Download.permission(&r);
                    let res = Resource::Recording(r.clone());
                    let direct = s.decide_perm(perm, &res, now());
                    if dl.visibility != RecordingVisibility::Hidden {
                        assert_eq!(dl.ruling.permission, perm);
                        assert_eq!(dl.ruling.decision.allow, direct.allow, "{user} {media:?}");
                        assert_eq!(dl.ruling.decision.reason, direct.reason);
                    } else {
                        assert!(!dl.ruling.decision.allow);
                        assert_eq!(dl.ruling.hidden, s.refusal().is_none());
                    }
                }
            }
        }
        let s = policy.subject("bpo", None, now());
        let dl = s.open(&rec(Media::Audio, false), true, now());
        assert_eq!(dl.ruling.decision.reason, Reason::BpoRestricted);
        let s = policy.subject("p", None, now());
        let r = rec(Media::Audio, true);
        assert_eq!(
            s.keep_recording(Some(&r), false, now()),
            Keep::Media { redact: true }
        );
        assert_eq!(s.keep_recording(None, false, now()), Keep::Drop);
    }

    #[test]
    fn actions_pick_the_media_permission() {
        let policy = Policy::from_json(POLICY).unwrap();
        let s = policy.subject("pd", None, now());
        let screen = s.act(RecordingAction::Delete, &rec(Media::Screen, false), now());
        assert_eq!(screen.permission, Perm::SCREEN_DELETE);
        assert!(screen.allowed());
        let call = s.act(RecordingAction::Delete, &rec(Media::Audio, false), now());
        assert_eq!(call.permission, Perm::RECORDING_DELETE);
        assert!(!call.allowed() && !call.hidden);
        let n = policy.subject("n", None, now());
        assert!(
            n.act(RecordingAction::Delete, &rec(Media::Audio, false), now())
                .hidden
        );
        for (control, action) in [
            ("play", RecordingAction::View),
            ("download", RecordingAction::Download),
            ("delete", RecordingAction::Delete),
        ] {
            for media in [Media::Audio, Media::Screen] {
                let r = rec(media, false);
                assert_eq!(control_permission(control, &r), Some(action.permission(&r)));
            }
        }
    }

    #[test]
    fn annotations_are_read_strictly() {
        let policy = Policy::from_json(POLICY).unwrap();
        let facts = RecordingFacts::from_json(
            r#"{"id":"r1","media":"audio","annotations":[
                {"id":"a1","author":"x","visibility":"public"},
                {"id":"a2","author":"x","visibility":"PRIVATE"},
                {"id":"a3","author":"x"},
                {"id":"a4","author":"x","visibility":"private"},
                {"id":"a5","visibility":"public","text":"extra"}]}"#,
        )
        .unwrap();
        let ids: Vec<&str> = facts.annotations.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a1", "a4"]);
        let s = policy.subject("p", None, now());
        assert!(s.keep_annotation(facts.annotation("a1"), now()));
        for unknown in ["a2", "a3", "a4", "a5"] {
            assert!(
                !s.keep_annotation(facts.annotation(unknown), now()),
                "{unknown}"
            );
        }
        assert!(
            RecordingFacts::from_json(r#"{"id":"r1"}"#).is_err(),
            "media is required"
        );
        assert!(RecordingFacts::from_json(r#"{"id":"r1","media":"audio","owner":7}"#).is_err());
        // Facts are read as requests are: a member twice is refused, not the last one kept.
        let twice =
            RecordingFacts::from_json(r#"{"id":"r1","media":"audio","owner":"a","owner":"p"}"#);
        assert!(twice
            .unwrap_err()
            .message
            .starts_with("/owner: duplicate field `owner`"));
        assert!(RecordingFacts::from_json(r#"[{"id":"r1","media":"audio"}]"#).is_err());
        assert!(
            RecordingFacts::from_json(r#"{"id":"r1","media":"audio","annotations":{}}"#).is_err()
        );
        let add = s.add_annotation("p", &facts.recording, now());
        assert_eq!(add.permission, Perm::ANNOTATION_ADD);
        assert!(add.allowed());
        assert_eq!(
            annotation_to_create("p", &facts.recording)
                .author
                .as_deref(),
            Some("p")
        );
    }

    #[test]
    fn conversations_keep_only_their_own_readable_recordings() {
        let c = ConversationFacts::from_json(
            r#"{"conversationId":"c1","recordings":[
                {"id":"r1","media":"audio","conversationId":"c1"},
                {"id":"r2","media":"audio","conversationId":"c2"},
                {"id":"r3"},
                {"id":"r4","media":"screen"}]}"#,
        )
        .unwrap();
        let ids: Vec<&str> = c
            .recordings
            .iter()
            .map(|f| f.recording.id.as_str())
            .collect();
        assert_eq!(ids, ["r1", "r4"]);
        assert!(c.recording("r2").is_none());
        assert!(ConversationFacts::from_json(r#"{"recordings":[]}"#).is_err());
    }
}
