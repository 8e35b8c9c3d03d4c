//! Player controls: which permission each button of a recordings player needs
//! on a given recording (screen or call media picks the permission), the
//! decision for each, and what the player tells its user about it. This is
//! policy knowledge, so it lives here and not in the browser package.

use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::{Applies, Perm};
use crate::decision::{obligation_list, Obligation, Reason};
use crate::enforce::{annotation_to_create, RecordingAction};
use crate::error::RequestError;
use crate::policy::Subject;
use crate::request::{Recording, Resource};
use crate::time::Timestamp;
use crate::words;

/// The player's controls, in the order a player shows them.
pub const CONTROLS: [&str; 10] = [
    "play",
    "download",
    "delete",
    "blackout",
    "bookmark",
    "viewBookmarks",
    "transcript",
    "monitorLive",
    "editRetention",
    "legalHold",
];

/// Where a control stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ControlStatus {
    /// Enabled.
    Allowed,
    /// Disabled: the decision says no.
    Denied,
    /// The control does not apply to this recording at all (monitoring a
    /// recording that is not live, blacking out a screen recording): no
    /// decision is asked, so no reason either.
    NotApplicable,
}

/// One control's state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ControlState {
    /// The control (`play`, `delete`, …).
    pub control: &'static str,
    /// Allowed, denied or not applicable.
    pub status: ControlStatus,
    /// Whether the control is enabled.
    pub allowed: bool,
    /// The decision's reason code; `None` when the control does not apply.
    pub reason: Option<Reason>,
    /// The permission the control needs on this recording; `None` when the
    /// recording could not be read.
    pub permission: Option<&'static str>,
    /// Whether the principal holds any grant of that permission at all
    /// (denies, scopes and conditions aside): `false` means no role of
    /// theirs ever gives them this control.
    pub granted: bool,
    /// The state in words ([`crate::words`]): why it is disabled or does not
    /// apply, or the obligations of an allow ("sensitive parts redacted");
    /// empty for an allow without obligations.
    pub words: String,
    /// Obligations of the allow (redact on play, cascade on delete).
    pub obligations: Vec<Obligation>,
}

/// The permission a control needs on a recording.
pub fn control_permission(control: &str, rec: &Recording) -> Option<Perm> {
    Some(match control {
        "play" => RecordingAction::View.permission(rec),
        "download" => RecordingAction::Download.permission(rec),
        "delete" => RecordingAction::Delete.permission(rec),
        "blackout" => Perm::RECORDING_BLACKOUT,
        "bookmark" => Perm::ANNOTATION_ADD,
        "viewBookmarks" => Perm::ANNOTATION_VIEW,
        "transcript" => Perm::TRANSCRIPT_VIEW,
        "monitorLive" => Perm::CALL_MONITOR,
        "editRetention" => Perm::EDIT_RETENTION,
        "legalHold" if rec.legal_hold => Perm::PROTECTION_REVOKE,
        "legalHold" => Perm::PROTECTION_APPLY,
        _ => return None,
    })
}

impl Subject<'_> {
    /// Every player control's state for one recording. Bookmark controls are
    /// decided on a public bookmark of that recording written by the
    /// principal, which is what adding or listing bookmarks needs.
    pub fn controls(&self, rec: &Recording, now: Timestamp) -> Vec<ControlState> {
        let as_recording = Resource::Recording(rec.clone());
        // A principal who cannot be resolved decides nothing: the author is moot.
        let author = self.principal().unwrap_or_default();
        let as_annotation = Resource::Annotation(annotation_to_create(author, rec));
        CONTROLS
            .iter()
            .filter_map(|control| {
                let perm = control_permission(control, rec)?;
                let resource = if perm.applies() == Applies::Annotation {
                    &as_annotation
                } else {
                    &as_recording
                };
                let (d, words) = self.decide_with_words(perm, resource, now);
                // Step 1 refuses only a permission that does not apply: the
                // resource is built here, from a recording already read.
                let applies = d.reason != Reason::InvalidRequest;
                Some(ControlState {
                    control,
                    status: if d.allow {
                        ControlStatus::Allowed
                    } else if applies {
                        ControlStatus::Denied
                    } else {
                        ControlStatus::NotApplicable
                    },
                    allowed: d.allow,
                    reason: applies.then_some(d.reason),
                    permission: Some(perm.name()),
                    granted: self.holds_grant(perm),
                    words,
                    obligations: obligation_list(&d.obligations),
                })
            })
            .collect()
    }
}

/// The controls of a recording that could not be read: every one denied
/// with `invalid_request`, the words saying what is wrong.
pub fn unreadable_controls(e: &RequestError) -> Vec<ControlState> {
    let words = words::unreadable(e);
    CONTROLS
        .iter()
        .map(|control| ControlState {
            control,
            status: ControlStatus::Denied,
            allowed: false,
            reason: Some(Reason::InvalidRequest),
            permission: None,
            granted: false,
            words: words.clone(),
            obligations: Vec::new(),
        })
        .collect()
}
