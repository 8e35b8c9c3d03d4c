//! Bulk operations that name no recording: a query-based job (the API's
//! recording jobs: delete or export whatever a conversation query matches)
//! or a figure over every recording of a kind. The edge cannot decide such a
//! request recording by recording, so it is allowed only to a principal
//! whose query plan (docs/query-plans.md) for each permission involved holds
//! for every recording the operation can touch — *unrestricted*.
//!
//! "Every recording it can touch" takes as given what the recordings store
//! itself enforces whoever asks: which media the permission applies to
//! (SPEC §3 step 1), retention (step 4: expired recordings are gone), legal
//! hold (step 5: protected recordings are never deleted), and that a job
//! acts on finished recordings (not `live` ones). Everything the principal's
//! roles restrict — scope, divisions, `when` conditions, denies, region
//! (step 9: every region the policy knows must be covered), prerequisites,
//! access (step 11), BPO export and sensitive data (step 12, unless the job
//! leaves sensitive recordings out) — must hold unconditionally. A plan is
//! judged with three-valued logic, so an unknown condition never passes.

use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::Perm;
use crate::decision::Reason;
use crate::model::Media;
use crate::plan::{Cond, RecordingFilter};
use crate::policy::Policy;
use crate::time::Timestamp;

/// What a bulk operation may touch, beyond what the store enforces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkScope {
    /// Recordings whose media is not `screen`.
    pub calls: bool,
    /// Screen recordings.
    pub screens: bool,
    /// Recordings holding sensitive segments.
    pub sensitive: bool,
}

/// What a bulk job does to every recording it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    /// Delete them.
    Delete,
    /// Export (download) them.
    Export,
    /// View them (a figure or listing over all of them).
    View,
    /// Monitor them live (a figure over every monitoring session): unlike
    /// jobs, this acts on live interactions.
    Monitor,
}

impl BulkAction {
    /// The permissions the action needs over `scope`, with the media each covers.
    pub fn permissions(self, scope: BulkScope) -> Vec<(Perm, bool)> {
        let (call, screen) = match self {
            BulkAction::Delete => (Perm::RECORDING_DELETE, Perm::SCREEN_DELETE),
            BulkAction::Export => (Perm::RECORDING_DOWNLOAD, Perm::SCREEN_DOWNLOAD),
            BulkAction::View => (Perm::RECORDING_VIEW, Perm::SCREEN_VIEW),
            BulkAction::Monitor => (Perm::CALL_MONITOR, Perm::CALL_MONITOR),
        };
        let mut out = Vec::new();
        if scope.calls {
            out.push((call, false));
        }
        if scope.screens {
            out.push((screen, true));
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown,
}

struct Given<'a> {
    screen: bool,
    /// Live interactions (monitoring), not finished recordings (jobs).
    live: bool,
    sensitive_excluded: bool,
    regions: &'a [String],
}

impl Given<'_> {
    fn cond(&self, c: &Cond) -> Truth {
        let media_of = |values: &[Media]| {
            let wanted: Vec<Media> = if self.screen {
                alloc::vec![Media::Screen]
            } else {
                Media::ALL
                    .into_iter()
                    .filter(|m| *m != Media::Screen)
                    .collect()
            };
            if wanted.iter().all(|m| values.contains(m)) {
                Truth::True
            } else if wanted.iter().all(|m| !values.contains(m)) {
                Truth::False
            } else {
                Truth::Unknown
            }
        };
        match c {
            Cond::MediaIn { values } => media_of(values),
            Cond::Live if self.live => Truth::True,
            Cond::LegalHold | Cond::Live | Cond::Expired { .. } => Truth::False,
            Cond::Sensitive if self.sensitive_excluded => Truth::False,
            Cond::RegionIn { values } if self.regions.iter().all(|r| values.contains(r)) => {
                Truth::True
            }
            _ => Truth::Unknown,
        }
    }

    fn eval(&self, f: &RecordingFilter) -> Truth {
        match f {
            RecordingFilter::Always => Truth::True,
            RecordingFilter::Never => Truth::False,
            RecordingFilter::Not(inner) => match self.eval(inner) {
                Truth::True => Truth::False,
                Truth::False => Truth::True,
                Truth::Unknown => Truth::Unknown,
            },
            RecordingFilter::And(parts) => {
                let mut out = Truth::True;
                for p in parts {
                    match self.eval(p) {
                        Truth::False => return Truth::False,
                        Truth::Unknown => out = Truth::Unknown,
                        Truth::True => {}
                    }
                }
                out
            }
            RecordingFilter::Or(parts) => {
                let mut out = Truth::False;
                for p in parts {
                    match self.eval(p) {
                        Truth::True => return Truth::True,
                        Truth::Unknown => out = Truth::Unknown,
                        Truth::False => {}
                    }
                }
                out
            }
            RecordingFilter::Cond(c) => self.cond(c),
        }
    }
}

impl Policy {
    /// Every region the policy knows recordings can be in: the home region
    /// and every user's.
    pub fn regions(&self) -> Vec<String> {
        let doc = self.doc();
        let mut out = alloc::vec![doc.settings.home_region.clone()];
        for (_, u) in &doc.users {
            if !out.contains(&u.region) {
                out.push(u.region.clone());
            }
        }
        out
    }

    /// Whether `principal` (acting through `actor`) may run `action` in bulk
    /// over `scope`: `Ok` when unrestricted, else the reason —
    /// the session refusal (unknown, disabled, impersonation refused) or
    /// [`Reason::BulkRestricted`].
    pub fn bulk(
        &self,
        principal: &str,
        actor: Option<&str>,
        action: BulkAction,
        scope: BulkScope,
        now: Timestamp,
    ) -> Result<(), Reason> {
        if let Some(reason) = self.subject(principal, actor, now).refusal() {
            return Err(reason);
        }
        let regions = self.regions();
        let permissions = action.permissions(scope);
        if permissions.is_empty() {
            return Err(Reason::InvalidRequest);
        }
        for (perm, screen) in permissions {
            let Ok(plan) = self.plan(principal, perm.name(), now) else {
                return Err(Reason::InvalidRequest);
            };
            let given = Given {
                screen,
                live: action == BulkAction::Monitor,
                sensitive_excluded: !scope.sensitive,
                regions: &regions,
            };
            if given.eval(&plan.filter) != Truth::True {
                return Err(Reason::BulkRestricted);
            }
            // Exporting sensitive recordings unredacted is the viewSensitiveData question of step 12.
            if action == BulkAction::View
                && scope.sensitive
                && given.eval(&plan.redact) != Truth::False
            {
                return Err(Reason::BulkRestricted);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"{
      "schema": "recgate/v1", "revision": "r",
      "settings": { "retentionDays": { "screen": 30, "default": 365 } },
      "groups": { "g": { "members": ["a"] } },
      "roles": {
        "all": { "grants": [ { "permission": "recording:recording:*" }, { "permission": "recording:screenRecording:*" } ] },
        "calls": { "grants": [ { "permission": "recording:recording:*" } ] },
        "group": { "grants": [ { "permission": "recording:recording:*", "scope": { "group": "g" } } ] },
        "nodelete": { "denies": [ { "permission": "recording:*:delete" } ] }
      },
      "users": {
        "boss": { "roles": [ { "role": "all", "divisions": ["*"] } ] },
        "home": { "roles": [ { "role": "all" } ] },
        "calls": { "roles": [ { "role": "calls", "divisions": ["*"] } ] },
        "team": { "roles": [ { "role": "group", "divisions": ["*"] } ] },
        "keeper": { "roles": [ { "role": "all", "divisions": ["*"] }, { "role": "nodelete" } ] },
        "a": {}
      }
    }"#;

    fn now() -> Timestamp {
        Timestamp::parse("2026-11-22T12:00:00Z").unwrap()
    }

    const CALLS: BulkScope = BulkScope {
        calls: true,
        screens: false,
        sensitive: false,
    };
    const BOTH: BulkScope = BulkScope {
        calls: true,
        screens: true,
        sensitive: true,
    };

    #[test]
    fn only_unrestricted_principals_run_bulk_jobs() {
        let p = Policy::from_json(POLICY).unwrap();
        let bulk = |u, a, s| p.bulk(u, None, a, s, now());
        assert_eq!(bulk("boss", BulkAction::Delete, BOTH), Ok(()));
        assert_eq!(
            bulk("boss", BulkAction::Export, BOTH),
            Ok(()),
            "sensitive: viewSensitiveData is granted"
        );
        assert_eq!(bulk("calls", BulkAction::Delete, CALLS), Ok(()));
        assert_eq!(
            bulk("calls", BulkAction::Delete, BOTH),
            Err(Reason::BulkRestricted)
        );
        assert_eq!(
            bulk("home", BulkAction::Delete, CALLS),
            Err(Reason::BulkRestricted),
            "home division only"
        );
        assert_eq!(
            bulk("team", BulkAction::Delete, CALLS),
            Err(Reason::BulkRestricted),
            "group scope"
        );
        assert_eq!(
            bulk("keeper", BulkAction::Delete, CALLS),
            Err(Reason::BulkRestricted),
            "a deny"
        );
        assert_eq!(bulk("keeper", BulkAction::Export, CALLS), Ok(()));
        assert_eq!(
            bulk("a", BulkAction::Delete, CALLS),
            Err(Reason::BulkRestricted)
        );
        assert_eq!(
            bulk("ghost", BulkAction::Delete, CALLS),
            Err(Reason::UnknownPrincipal)
        );
    }

    #[test]
    fn monitoring_in_bulk_is_over_live_interactions() {
        let with_monitor = POLICY
            .replace(
                r#""nodelete":"#,
                r#""live": { "grants": [ { "permission": "conversation:call:monitor" }, { "permission": "recording:screenRecording:view" } ] },
        "teamlive": { "grants": [ { "permission": "conversation:call:monitor", "scope": { "group": "g" } }, { "permission": "recording:screenRecording:view" } ] },
        "nodelete":"#,
            )
            .replace(
                r#""a": {}"#,
                r#""a": {}, "watcher": { "roles": [ { "role": "live", "divisions": ["*"] } ] },
        "teamwatcher": { "roles": [ { "role": "teamlive", "divisions": ["*"] } ] }"#,
            );
        let p = Policy::from_json(&with_monitor).unwrap();
        const SCREENS: BulkScope = BulkScope {
            calls: false,
            screens: true,
            sensitive: true,
        };
        let bulk = |u| p.bulk(u, None, BulkAction::Monitor, SCREENS, now());
        assert_eq!(
            bulk("watcher"),
            Ok(()),
            "monitor and screen view everywhere"
        );
        assert_eq!(
            bulk("teamwatcher"),
            Err(Reason::BulkRestricted),
            "one group only"
        );
        assert_eq!(
            bulk("boss"),
            Err(Reason::BulkRestricted),
            "viewing every screen recording is not monitoring"
        );
        let unredacted = BulkScope {
            sensitive: false,
            ..SCREENS
        };
        assert_eq!(
            p.bulk("watcher", None, BulkAction::View, unredacted, now()),
            Ok(()),
            "viewing every screen recording is what the screen view plan says"
        );
    }

    #[test]
    fn another_region_restricts() {
        let two = POLICY.replace(r#""a": {}"#, r#""a": { "region": "eu-west-1" }"#);
        let p = Policy::from_json(&two).unwrap();
        assert_eq!(p.regions(), ["us-east-1", "eu-west-1"]);
        assert_eq!(
            p.bulk("boss", None, BulkAction::Delete, CALLS, now()),
            Err(Reason::BulkRestricted)
        );
    }
}
