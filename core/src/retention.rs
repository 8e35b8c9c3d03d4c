//! Retention (SPEC §3 step 4), the one place it is written: how long a
//! recording is kept, and when it expires. Decisions (`eval`), query plans
//! (`plan`), list plans and the targets' "kept until" all ask here.

use crate::model::Settings;
use crate::request::Recording;
use crate::time::Timestamp;

/// How long a recording is kept, as a player shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    /// The days that apply: the recording's own `retentionDays`, else
    /// [`Retention::default_days`]; `None`: kept for ever.
    pub days: Option<u32>,
    /// `settings.retentionDays` for the recording's media (`screen`, else
    /// `default`): what applies when the recording names none.
    pub default_days: Option<u32>,
    /// When it expires; `None` when it never does (legal hold, no
    /// `createdAt`, no period).
    pub until: Option<Timestamp>,
    /// Under legal hold: never expires.
    pub legal_hold: bool,
}

/// `settings.retentionDays` for a recording of this media kind.
pub fn default_days(
    screen: bool,
    screen_days: Option<u32>,
    default_days: Option<u32>,
) -> Option<u32> {
    if screen {
        screen_days
    } else {
        default_days
    }
}

/// When a recording kept `days` from `created_at` expires: `None` when it
/// never does — under legal hold, without `createdAt`, or with no period.
pub fn kept_until(
    legal_hold: bool,
    created_at: Option<Timestamp>,
    days: Option<u32>,
) -> Option<Timestamp> {
    match (legal_hold, created_at, days) {
        (false, Some(created), Some(days)) => Some(created.plus_days(days)),
        _ => None,
    }
}

/// Whether a recording that expires at `until` is past retention at `now`
/// (expiry is at exactly `createdAt + days × 24 h`).
pub fn is_expired(now: Timestamp, until: Option<Timestamp>) -> bool {
    until.is_some_and(|until| now >= until)
}

impl Settings {
    /// A recording's retention under these settings.
    pub fn retention(&self, rec: &Recording) -> Retention {
        let default_days = default_days(
            rec.is_screen(),
            self.retention_screen,
            self.retention_default,
        );
        let days = rec.retention_days.or(default_days);
        Retention {
            days,
            default_days,
            until: kept_until(rec.legal_hold, rec.created_at, days),
            legal_hold: rec.legal_hold,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn a_recording_expires_at_exactly_created_plus_days() {
        let settings = Settings {
            retention_screen: Some(30),
            retention_default: Some(365),
            ..Settings::default()
        };
        let screen = Recording {
            media: Some(crate::model::Media::Screen),
            created_at: Some(at("2026-11-01T00:00:00Z")),
            ..Recording::default()
        };
        let r = settings.retention(&screen);
        assert_eq!((r.days, r.default_days), (Some(30), Some(30)));
        assert_eq!(r.until, Some(at("2026-12-01T00:00:00Z")));
        assert!(!is_expired(at("2026-11-30T23:59:59Z"), r.until));
        assert!(is_expired(at("2026-12-01T00:00:00Z"), r.until));

        let own = Recording {
            retention_days: Some(1),
            ..screen.clone()
        };
        assert_eq!(
            settings.retention(&own).until,
            Some(at("2026-11-02T00:00:00Z"))
        );
        let held = Recording {
            legal_hold: true,
            ..screen.clone()
        };
        assert_eq!(settings.retention(&held).until, None);
        let undated = Recording {
            created_at: None,
            ..screen
        };
        assert_eq!(settings.retention(&undated).until, None);
        assert_eq!(
            Settings::default().retention(&Recording::default()).days,
            None
        );
    }
}
