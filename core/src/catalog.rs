//! The permission catalog of SPEC §6: every permission recgate knows, which
//! resources each applies to, and pattern matching (`recording:*:delete`) done
//! once at compile time into bit sets so that decisions never match strings.

use core::fmt;

/// What a permission applies to (SPEC §6 "applies to").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// Recordings whose `media` is not `screen`.
    CallRecording,
    /// Recordings with `media: screen`.
    ScreenRecording,
    /// Any recording.
    AnyRecording,
    /// Recordings with `live: true`.
    LiveRecording,
    /// Annotations (bookmarks).
    Annotation,
    /// Retention policies and recording schedules.
    Schedule,
    /// Queues.
    Queue,
    /// Reporting data rows.
    Report,
    /// Users.
    User,
    /// Roles.
    Role,
}

/// The catalog, in a fixed order: a permission's index is its position here.
pub const CATALOG: [(&str, Applies); 46] = [
    ("recording:recording:view", Applies::CallRecording),
    ("recording:recording:delete", Applies::CallRecording),
    ("recording:recording:download", Applies::CallRecording),
    ("recording:recording:blackout", Applies::CallRecording),
    ("recording:recording:editRetention", Applies::AnyRecording),
    ("recording:recording:restore", Applies::AnyRecording),
    (
        "recording:recording:viewSensitiveData",
        Applies::AnyRecording,
    ),
    ("recording:screenRecording:view", Applies::ScreenRecording),
    ("recording:screenRecording:delete", Applies::ScreenRecording),
    ("recording:screenRecording:edit", Applies::ScreenRecording),
    (
        "recording:screenRecording:download",
        Applies::ScreenRecording,
    ),
    ("recording:metadata:view", Applies::AnyRecording),
    ("recording:annotation:view", Applies::Annotation),
    ("recording:annotation:add", Applies::Annotation),
    ("recording:annotation:edit", Applies::Annotation),
    ("recording:annotation:delete", Applies::Annotation),
    ("recording:deletionProtection:apply", Applies::AnyRecording),
    ("recording:deletionProtection:revoke", Applies::AnyRecording),
    ("conversation:transcript:view", Applies::AnyRecording),
    ("conversation:call:monitor", Applies::LiveRecording),
    ("recording:retentionPolicy:view", Applies::Schedule),
    ("recording:retentionPolicy:edit", Applies::Schedule),
    ("recording:recordingSchedule:view", Applies::Schedule),
    ("recording:recordingSchedule:add", Applies::Schedule),
    ("recording:recordingSchedule:edit", Applies::Schedule),
    ("recording:recordingSchedule:delete", Applies::Schedule),
    ("routing:queue:view", Applies::Queue),
    ("routing:queue:edit", Applies::Queue),
    ("routing:queue:join", Applies::Queue),
    ("analytics:reportingData:view", Applies::Report),
    ("directory:user:view", Applies::User),
    ("directory:user:add", Applies::User),
    ("directory:user:edit", Applies::User),
    ("directory:user:impersonate", Applies::User),
    ("telephony:agent:access", Applies::User),
    ("telephony:callControl:access", Applies::User),
    ("authorization:role:view", Applies::Role),
    ("authorization:role:add", Applies::Role),
    ("authorization:role:edit", Applies::Role),
    ("authorization:role:delete", Applies::Role),
    ("recording:job:view", Applies::Schedule),
    ("recording:job:add", Applies::Schedule),
    ("recording:job:edit", Applies::Schedule),
    ("recording:job:delete", Applies::Schedule),
    ("recording:settings:view", Applies::Schedule),
    ("recording:settings:edit", Applies::Schedule),
];

/// A catalog permission, by index into [`CATALOG`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Perm(u8);

/// The catalog permissions decisions name, by constant.
impl Perm {
    /// `recording:recording:view`.
    pub const RECORDING_VIEW: Perm = Perm(0);
    /// `recording:recording:delete`.
    pub const RECORDING_DELETE: Perm = Perm(1);
    /// `recording:recording:download`.
    pub const RECORDING_DOWNLOAD: Perm = Perm(2);
    /// `recording:recording:blackout`.
    pub const RECORDING_BLACKOUT: Perm = Perm(3);
    /// `recording:recording:editRetention`.
    pub const EDIT_RETENTION: Perm = Perm(4);
    /// `recording:recording:restore`.
    pub const RESTORE: Perm = Perm(5);
    /// `recording:recording:viewSensitiveData`.
    pub const VIEW_SENSITIVE: Perm = Perm(6);
    /// `recording:screenRecording:view`.
    pub const SCREEN_VIEW: Perm = Perm(7);
    /// `recording:screenRecording:delete`.
    pub const SCREEN_DELETE: Perm = Perm(8);
    /// `recording:screenRecording:edit`.
    pub const SCREEN_EDIT: Perm = Perm(9);
    /// `recording:screenRecording:download`.
    pub const SCREEN_DOWNLOAD: Perm = Perm(10);
    /// `recording:metadata:view`.
    pub const METADATA_VIEW: Perm = Perm(11);
    /// `recording:annotation:view`.
    pub const ANNOTATION_VIEW: Perm = Perm(12);
    /// `recording:annotation:add`.
    pub const ANNOTATION_ADD: Perm = Perm(13);
    /// `recording:annotation:edit`.
    pub const ANNOTATION_EDIT: Perm = Perm(14);
    /// `recording:annotation:delete`.
    pub const ANNOTATION_DELETE: Perm = Perm(15);
    /// `recording:deletionProtection:apply`.
    pub const PROTECTION_APPLY: Perm = Perm(16);
    /// `recording:deletionProtection:revoke`.
    pub const PROTECTION_REVOKE: Perm = Perm(17);
    /// `conversation:transcript:view`.
    pub const TRANSCRIPT_VIEW: Perm = Perm(18);
    /// `conversation:call:monitor`.
    pub const CALL_MONITOR: Perm = Perm(19);
    /// `routing:queue:view`.
    pub const QUEUE_VIEW: Perm = Perm(26);
    /// `analytics:reportingData:view`.
    pub const REPORTING_VIEW: Perm = Perm(29);
    /// `directory:user:view`.
    pub const USER_VIEW: Perm = Perm(30);
    /// `directory:user:impersonate`.
    pub const IMPERSONATE: Perm = Perm(33);
    /// `recording:job:view`.
    pub const JOB_VIEW: Perm = Perm(40);
    /// `recording:job:add`.
    pub const JOB_ADD: Perm = Perm(41);
    /// `recording:job:edit`.
    pub const JOB_EDIT: Perm = Perm(42);
    /// `recording:job:delete`.
    pub const JOB_DELETE: Perm = Perm(43);
}

impl Perm {
    /// Looks up an exact catalog entry (no patterns).
    pub fn parse(s: &str) -> Option<Perm> {
        CATALOG
            .iter()
            .position(|(name, _)| *name == s)
            .and_then(|i| u8::try_from(i).ok())
            .map(Perm)
    }
    /// All catalog permissions, in catalog order.
    pub fn all() -> impl Iterator<Item = Perm> {
        (0..CATALOG.len())
            .filter_map(|i| u8::try_from(i).ok())
            .map(Perm)
    }
    /// The catalog index.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
    /// The permission string.
    pub fn name(self) -> &'static str {
        CATALOG.get(self.index()).map_or("", |e| e.0)
    }
    /// What it applies to.
    pub fn applies(self) -> Applies {
        CATALOG.get(self.index()).map_or(Applies::Role, |e| e.1)
    }
    /// The action segment (`delete` in `recording:screenRecording:delete`).
    pub fn action(self) -> &'static str {
        self.name().rsplit(':').next().unwrap_or("")
    }
    /// The three access permissions of SPEC §3 step 11.
    pub fn is_access(self) -> bool {
        matches!(
            self,
            Perm::RECORDING_VIEW | Perm::SCREEN_VIEW | Perm::METADATA_VIEW
        )
    }
    /// Whether this permission applies to some kind of recording.
    pub fn on_recordings(self) -> bool {
        matches!(
            self.applies(),
            Applies::CallRecording
                | Applies::ScreenRecording
                | Applies::AnyRecording
                | Applies::LiveRecording
        )
    }
    /// `*:*:download` of SPEC §3 step 12.
    pub fn is_download(self) -> bool {
        self.action() == "download"
    }
    /// SPEC §3 step 5: what a recording under legal hold refuses (deleting,
    /// blacking out, changing retention) — the one list of them.
    pub fn is_destructive(self) -> bool {
        matches!(
            self,
            Perm::RECORDING_DELETE
                | Perm::SCREEN_DELETE
                | Perm::EDIT_RETENTION
                | Perm::RECORDING_BLACKOUT
        )
    }
    /// Whether the permission applies to a recording of this media kind
    /// (`screen`: a screen recording), liveness aside (SPEC §6).
    pub fn applies_to_media(self, screen: bool) -> bool {
        match self.applies() {
            Applies::CallRecording => !screen,
            Applies::ScreenRecording => screen,
            Applies::AnyRecording | Applies::LiveRecording | Applies::Annotation => true,
            _ => false,
        }
    }
    /// SPEC §3 step 11: the media's view permission of a recording (`screen`:
    /// a screen recording) — what every other recording permission, and
    /// every annotation permission on the annotation's recording, also needs.
    pub fn media_view(screen: bool) -> Perm {
        if screen {
            Perm::SCREEN_VIEW
        } else {
            Perm::RECORDING_VIEW
        }
    }
    /// SPEC §3 step 11: whether allowing this permission needs the media's
    /// view permission ([`Perm::media_view`]) allowed too.
    pub fn needs_media_view(self) -> bool {
        !self.is_access() && (self.on_recordings() || self.applies() == Applies::Annotation)
    }
    /// SPEC §3 step 12: the permission a sensitive recording also needs for
    /// this one (downloads: `recording:recording:viewSensitiveData`).
    pub fn needs_on_sensitive(self) -> Option<Perm> {
        self.is_download().then_some(Perm::VIEW_SENSITIVE)
    }
    /// Every inner check evaluation makes on its own before allowing this
    /// permission (steps 11 and 12), on any recording it applies to: the
    /// implicit edges that prerequisite cycles are counted with.
    pub fn implicit_checks(self) -> impl Iterator<Item = Perm> {
        let views = [false, true]
            .into_iter()
            .filter(move |screen| self.needs_media_view() && self.applies_to_media(*screen))
            .map(Perm::media_view);
        views.chain(self.needs_on_sensitive())
    }
}

impl fmt::Display for Perm {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of catalog permissions (the catalog has fewer than 64 entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct PermSet(u64);

impl PermSet {
    /// No permission.
    pub const EMPTY: PermSet = PermSet(0);

    /// The set of catalog entries a pattern matches; empty when it matches none
    /// or is not a three-segment permission.
    pub fn matching(pattern: &str) -> PermSet {
        let mut bits = 0u64;
        for p in Perm::all() {
            if pattern_matches(pattern, p.name()) {
                bits |= 1u64 << p.0;
            }
        }
        PermSet(bits)
    }
    /// A set of one.
    pub fn of(p: Perm) -> PermSet {
        PermSet(1u64 << p.0)
    }
    /// Membership.
    pub fn contains(self, p: Perm) -> bool {
        self.0 & (1u64 << p.0) != 0
    }
    /// Whether empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Union.
    pub fn union(self, other: PermSet) -> PermSet {
        PermSet(self.0 | other.0)
    }
    /// Whether the two share a permission.
    pub fn intersects(self, other: PermSet) -> bool {
        self.0 & other.0 != 0
    }
    /// The members, in catalog order.
    pub fn iter(self) -> impl Iterator<Item = Perm> {
        Perm::all().filter(move |p| self.contains(*p))
    }
}

/// Whether a `domain:entity:action` pattern (any segment may be `*`) matches a
/// permission. Segments match whole; `*` inside a segment is not a wildcard.
pub fn pattern_matches(pattern: &str, perm: &str) -> bool {
    let mut pat = pattern.split(':');
    let mut per = perm.split(':');
    for _ in 0..3 {
        match (pat.next(), per.next()) {
            (Some(a), Some(b)) if a == "*" || a == b => {}
            _ => return false,
        }
    }
    pat.next().is_none() && per.next().is_none()
}

/// Whether a string is a pattern rather than a plain permission.
pub fn is_pattern(s: &str) -> bool {
    s.contains('*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_segments() {
        assert!(pattern_matches(
            "recording:*:delete",
            "recording:screenRecording:delete"
        ));
        assert!(pattern_matches("*:*:*", "routing:queue:view"));
        assert!(!pattern_matches("recording:*", "recording:recording:view"));
        assert!(!pattern_matches(
            "recording:rec*:view",
            "recording:recording:view"
        ));
        assert!(!pattern_matches(
            "recording:recording:view:x",
            "recording:recording:view"
        ));
    }

    #[test]
    fn catalog_constants_point_at_their_names() {
        assert_eq!(Perm::QUEUE_VIEW.name(), "routing:queue:view");
        assert_eq!(Perm::REPORTING_VIEW.name(), "analytics:reportingData:view");
        assert_eq!(Perm::USER_VIEW.name(), "directory:user:view");
        assert_eq!(Perm::IMPERSONATE.name(), "directory:user:impersonate");
        assert_eq!(Perm::CALL_MONITOR.name(), "conversation:call:monitor");
        assert_eq!(Perm::TRANSCRIPT_VIEW.name(), "conversation:transcript:view");
        assert_eq!(
            Perm::PROTECTION_REVOKE.name(),
            "recording:deletionProtection:revoke"
        );
        assert_eq!(PermSet::matching("recording:*:delete").iter().count(), 5);
        assert_eq!(Perm::JOB_ADD.name(), "recording:job:add");
        assert_eq!(Perm::JOB_DELETE.name(), "recording:job:delete");
    }
}
