//! Player controls: which permission each button of a recordings player needs
//! on a given recording (screen or call media picks the permission), and the
//! decision for each. This is policy knowledge, so it lives here and not in
//! the browser package.

use alloc::vec::Vec;

use crate::catalog::Perm;
use crate::decision::{obligation_list, Obligation, Reason};
use crate::enforce::{annotation_to_create, RecordingAction};
use crate::policy::Subject;
use crate::request::{Recording, Resource};
use crate::time::Timestamp;

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

/// One control's state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ControlState {
    /// The control (`play`, `delete`, …).
    pub control: &'static str,
    /// Whether the control is enabled.
    pub allowed: bool,
    /// The decision's reason code.
    pub reason: Reason,
    /// The permission the control needs on this recording.
    pub permission: &'static str,
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
    /// decided on a public bookmark of that recording written by someone else,
    /// which is what adding or listing bookmarks needs.
    pub fn controls(&self, principal: &str, rec: &Recording, now: Timestamp) -> Vec<ControlState> {
        let as_recording = Resource::Recording(rec.clone());
        let as_annotation = Resource::Annotation(annotation_to_create(principal, rec));
        CONTROLS
            .iter()
            .filter_map(|control| {
                let perm = control_permission(control, rec)?;
                let resource = if perm.applies() == crate::catalog::Applies::Annotation {
                    &as_annotation
                } else {
                    &as_recording
                };
                let d = self.decide_perm(perm, resource, now);
                Some(ControlState {
                    control,
                    allowed: d.allow,
                    reason: d.reason,
                    permission: perm.name(),
                    obligations: obligation_list(&d.obligations),
                })
            })
            .collect()
    }
}
