//! Query plans: a principal's access to recordings as a filter over recording
//! attributes, true for exactly the recordings the principal would be allowed
//! — so a back end holding millions of rows asks its database instead of
//! deciding every row. The filter folds in SPEC §3 steps 1 and 4–12 for one
//! principal, permission and time: applicability, retention, legal hold,
//! denies, grants with their divisions, scopes and conditions, region,
//! prerequisites, the access rule and export; the redact obligation comes
//! beside it as a second filter.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::catalog::{Applies, Perm};
use crate::compile::{CScope, CUser, CWhen, Compiled, Ix};
use crate::model::{Direction, Media, PolicyDoc};
use crate::policy::Policy;
use crate::request::Recording;
use crate::retention;
use crate::time::Timestamp;

/// A condition on one recording. Every condition is false when the attribute
/// it reads is absent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(
    tag = "attr",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Cond {
    /// `owner` is one of these users.
    OwnerIn {
        /// User ids.
        values: Vec<String>,
    },
    /// Some participant is one of these users.
    ParticipantIn {
        /// User ids.
        values: Vec<String>,
    },
    /// `queue` is one of these.
    QueueIn {
        /// Queue ids.
        values: Vec<String>,
    },
    /// Some division (`["home"]` when the recording names none) is one of these.
    DivisionIn {
        /// Division ids.
        values: Vec<String>,
    },
    /// The region (the home region when the recording names none) is one of these.
    RegionIn {
        /// Regions.
        values: Vec<String>,
    },
    /// `line` is one of these.
    LineIn {
        /// Lines.
        values: Vec<String>,
    },
    /// `media` is one of these.
    MediaIn {
        /// Media.
        values: Vec<Media>,
    },
    /// `direction` is one of these.
    DirectionIn {
        /// Directions.
        values: Vec<Direction>,
    },
    /// Under legal hold.
    LegalHold,
    /// Holds sensitive segments.
    Sensitive,
    /// In progress.
    Live,
    /// Past retention at `now`: not under legal hold, `createdAt` known, and
    /// `createdAt + days <= now` with days the recording's `retentionDays`,
    /// else `screenDays` for screen recordings or `defaultDays` for others
    /// (never when that is absent).
    Expired {
        /// The decision time, ms since the epoch.
        now: i64,
        /// `settings.retentionDays.screen`.
        screen_days: Option<u32>,
        /// `settings.retentionDays.default`.
        default_days: Option<u32>,
    },
}

/// A boolean filter over recordings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "op", content = "args", rename_all = "camelCase")]
pub enum RecordingFilter {
    /// Every recording.
    Always,
    /// No recording.
    Never,
    /// All of these.
    And(Vec<RecordingFilter>),
    /// Any of these.
    Or(Vec<RecordingFilter>),
    /// Not this.
    Not(Box<RecordingFilter>),
    /// One condition.
    Cond(Cond),
}

impl RecordingFilter {
    fn and(parts: Vec<RecordingFilter>) -> RecordingFilter {
        let mut out = Vec::new();
        for p in parts {
            match p {
                RecordingFilter::Always => {}
                RecordingFilter::Never => return RecordingFilter::Never,
                RecordingFilter::And(inner) => out.extend(inner),
                other => out.push(other),
            }
        }
        match out.len() {
            0 => RecordingFilter::Always,
            1 => out.pop().unwrap_or(RecordingFilter::Always),
            _ => RecordingFilter::And(out),
        }
    }

    fn or(parts: Vec<RecordingFilter>) -> RecordingFilter {
        let mut out = Vec::new();
        for p in parts {
            match p {
                RecordingFilter::Never => {}
                RecordingFilter::Always => return RecordingFilter::Always,
                RecordingFilter::Or(inner) => out.extend(inner),
                other => out.push(other),
            }
        }
        match out.len() {
            0 => RecordingFilter::Never,
            1 => out.pop().unwrap_or(RecordingFilter::Never),
            _ => RecordingFilter::Or(out),
        }
    }

    fn not(f: RecordingFilter) -> RecordingFilter {
        match f {
            RecordingFilter::Always => RecordingFilter::Never,
            RecordingFilter::Never => RecordingFilter::Always,
            RecordingFilter::Not(inner) => *inner,
            other => RecordingFilter::Not(Box::new(other)),
        }
    }

    fn cond(c: Cond) -> RecordingFilter {
        match &c {
            Cond::OwnerIn { values }
            | Cond::ParticipantIn { values }
            | Cond::QueueIn { values }
            | Cond::DivisionIn { values }
            | Cond::RegionIn { values }
            | Cond::LineIn { values }
                if values.is_empty() =>
            {
                RecordingFilter::Never
            }
            Cond::MediaIn { values } if values.is_empty() => RecordingFilter::Never,
            Cond::DirectionIn { values } if values.is_empty() => RecordingFilter::Never,
            _ => RecordingFilter::Cond(c),
        }
    }
}

/// A plan: which recordings are allowed, and which of those must be redacted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Plan {
    /// The policy revision.
    pub revision: String,
    /// The permission planned.
    pub permission: &'static str,
    /// True for exactly the allowed recordings.
    pub filter: RecordingFilter,
    /// True for the allowed recordings that carry the redact obligation.
    pub redact: RecordingFilter,
}

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// Not a catalog permission.
    UnknownPermission(String),
    /// A permission that does not apply to recordings.
    NotARecordingPermission(String),
}

impl core::fmt::Display for PlanError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self {
            PlanError::UnknownPermission(p) => write!(f, "\"{p}\" is not a catalog permission"),
            PlanError::NotARecordingPermission(p) => write!(
                f,
                "{p} does not apply to recordings: plans filter recordings"
            ),
        }
    }
}

impl core::error::Error for PlanError {}

const MAX_DEPTH: u8 = 64;

struct Planner<'p> {
    doc: &'p PolicyDoc,
    c: &'p Compiled,
    now: Timestamp,
}

impl Policy {
    /// The plan for `principal` (acting for themselves) and a permission on recordings at `now`.
    pub fn plan(
        &self,
        principal: &str,
        permission: &str,
        now: Timestamp,
    ) -> Result<Plan, PlanError> {
        let perm = Perm::parse(permission)
            .ok_or_else(|| PlanError::UnknownPermission(permission.into()))?;
        if !perm.on_recordings() {
            return Err(PlanError::NotARecordingPermission(permission.into()));
        }
        let revision = self.revision().to_string();
        let never = |revision| Plan {
            revision,
            permission: perm.name(),
            filter: RecordingFilter::Never,
            redact: RecordingFilter::Never,
        };
        let c = self.compiled();
        let Some(&p) = c.user_ix.get(principal) else {
            return Ok(never(revision));
        };
        match c.users.get(p as usize) {
            Some(u) if !u.disabled => {}
            _ => return Ok(never(revision)),
        }
        let planner = Planner {
            doc: self.doc(),
            c,
            now,
        };
        let filter = planner.allowed(p, perm, 0);
        let redact = if matches!(perm, Perm::RECORDING_VIEW | Perm::SCREEN_VIEW) {
            RecordingFilter::and(alloc::vec![
                filter.clone(),
                RecordingFilter::cond(Cond::Sensitive),
                RecordingFilter::not(planner.allowed(p, Perm::VIEW_SENSITIVE, 0))
            ])
        } else {
            RecordingFilter::Never
        };
        Ok(Plan {
            revision,
            permission: perm.name(),
            filter,
            redact,
        })
    }
}

fn screen() -> RecordingFilter {
    RecordingFilter::cond(Cond::MediaIn {
        values: alloc::vec![Media::Screen],
    })
}

impl<'p> Planner<'p> {
    fn user(&self, p: Ix) -> Option<&'p CUser> {
        self.c.users.get(p as usize).map(|u| &**u)
    }

    /// Steps 1 and 4–12 for principal `p` and `perm`, as a filter.
    fn allowed(&self, p: Ix, perm: Perm, depth: u8) -> RecordingFilter {
        let Some(pu) = self.user(p) else {
            return RecordingFilter::Never;
        };
        if depth > MAX_DEPTH {
            return RecordingFilter::Never;
        }
        let s = &self.doc.settings;
        let mut all = Vec::new();
        // Step 1: applicability.
        all.push(match perm.applies() {
            Applies::CallRecording => RecordingFilter::not(screen()),
            Applies::ScreenRecording => screen(),
            Applies::LiveRecording => RecordingFilter::cond(Cond::Live),
            _ => RecordingFilter::Always,
        });
        // Step 4: retention.
        all.push(RecordingFilter::not(RecordingFilter::cond(Cond::Expired {
            now: self.now.0,
            screen_days: s.retention_screen,
            default_days: s.retention_default,
        })));
        // Step 5: legal hold.
        if perm.is_destructive() {
            all.push(RecordingFilter::not(RecordingFilter::cond(Cond::LegalHold)));
        }
        // Step 7: denies (assignment divisions do not limit them).
        let denies: Vec<RecordingFilter> = pu
            .entries(perm)
            .filter(|e| e.deny)
            .filter_map(|e| self.c.rules.get(e.rule as usize))
            .map(|r| {
                RecordingFilter::and(alloc::vec![self.scope(pu, p, r.scope), self.when(&r.when)])
            })
            .collect();
        all.push(RecordingFilter::not(RecordingFilter::or(denies)));
        // Step 8: a grant whose division, scope and when hold; step 9: region.
        let mut grants = Vec::new();
        let mut cross = Vec::new();
        for e in pu.entries(perm).filter(|e| !e.deny) {
            let (Some(rule), Some(a)) = (
                self.c.rules.get(e.rule as usize),
                pu.assignments.get(usize::from(e.assignment)),
            ) else {
                continue;
            };
            let division = match &a.divisions {
                None => RecordingFilter::Always,
                Some(ix) => RecordingFilter::cond(Cond::DivisionIn {
                    values: ix
                        .iter()
                        .filter_map(|d| self.doc.divisions.get(*d as usize))
                        .map(|(k, _)| k.clone())
                        .collect(),
                }),
            };
            let g = RecordingFilter::and(alloc::vec![
                division,
                self.scope(pu, p, rule.scope),
                self.when(&rule.when)
            ]);
            if rule.cross_region {
                cross.push(g.clone());
            }
            grants.push(g);
        }
        all.push(RecordingFilter::or(grants));
        let same_region = RecordingFilter::cond(Cond::RegionIn {
            values: alloc::vec![pu.region.clone()],
        });
        let cross_ok = if perm == Perm::METADATA_VIEW && !pu.bpo {
            RecordingFilter::or(cross)
        } else {
            RecordingFilter::Never
        };
        all.push(RecordingFilter::or(alloc::vec![same_region, cross_ok]));
        // Step 10: prerequisites.
        for q in self
            .c
            .prerequisites
            .get(perm.index())
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            all.push(self.allowed(p, *q, depth + 1));
        }
        // Step 11: access to the media.
        if perm.needs_media_view() {
            all.push(RecordingFilter::or(alloc::vec![
                RecordingFilter::and(alloc::vec![
                    screen(),
                    self.allowed(p, Perm::media_view(true), depth + 1)
                ]),
                RecordingFilter::and(alloc::vec![
                    RecordingFilter::not(screen()),
                    self.allowed(p, Perm::media_view(false), depth + 1)
                ]),
            ]));
        }
        // Step 12: export.
        if let Some(needed) = perm.needs_on_sensitive() {
            if pu.bpo && !s.bpo_export {
                return RecordingFilter::Never;
            }
            all.push(RecordingFilter::or(alloc::vec![
                RecordingFilter::not(RecordingFilter::cond(Cond::Sensitive)),
                self.allowed(p, needed, depth + 1)
            ]));
        }
        RecordingFilter::and(all)
    }

    fn members(&self, g: Ix) -> Vec<String> {
        self.doc
            .groups
            .get(g as usize)
            .map(|(_, grp)| grp.members.clone())
            .unwrap_or_default()
    }

    fn scope(&self, pu: &CUser, _p: Ix, scope: CScope) -> RecordingFilter {
        let me = alloc::vec![pu.id.clone()];
        match scope {
            CScope::All => RecordingFilter::Always,
            CScope::Own => RecordingFilter::cond(Cond::OwnerIn { values: me }),
            CScope::Assigned => RecordingFilter::or(alloc::vec![
                RecordingFilter::cond(Cond::OwnerIn { values: me.clone() }),
                RecordingFilter::cond(Cond::ParticipantIn { values: me })
            ]),
            CScope::Lines => RecordingFilter::cond(Cond::LineIn {
                values: pu.lines.clone(),
            }),
            CScope::Group(g) => RecordingFilter::cond(Cond::OwnerIn {
                values: self.members(g),
            }),
            CScope::View(v) => {
                let Some((_, view)) = self.doc.views.get(v as usize) else {
                    return RecordingFilter::Never;
                };
                let mut owners = view.users.clone();
                for g in &view.groups {
                    if let Some(ix) = self.doc.groups.iter().position(|(k, _)| k == g) {
                        owners.extend(self.members(u32::try_from(ix).unwrap_or(u32::MAX)));
                    }
                }
                owners.sort_unstable();
                owners.dedup();
                RecordingFilter::or(alloc::vec![
                    RecordingFilter::cond(Cond::QueueIn {
                        values: view.queues.clone()
                    }),
                    RecordingFilter::cond(Cond::OwnerIn { values: owners })
                ])
            }
        }
    }

    fn when(&self, w: &CWhen) -> RecordingFilter {
        let mut parts = Vec::new();
        if let Some(queues) = &w.queues {
            parts.push(RecordingFilter::cond(Cond::QueueIn {
                values: queues
                    .iter()
                    .filter_map(|q| self.doc.queues.get(*q as usize))
                    .map(|(k, _)| k.clone())
                    .collect(),
            }));
        }
        if let Some(mask) = w.media {
            parts.push(RecordingFilter::cond(Cond::MediaIn {
                values: Media::ALL
                    .into_iter()
                    .filter(|m| mask & crate::compile::media_bit(*m) != 0)
                    .collect(),
            }));
        }
        if let Some(mask) = w.directions {
            parts.push(RecordingFilter::cond(Cond::DirectionIn {
                values: [Direction::Inbound, Direction::Outbound]
                    .into_iter()
                    .filter(|d| mask & (1u8 << (*d as u8)) != 0)
                    .collect(),
            }));
        }
        RecordingFilter::and(parts)
    }
}

impl RecordingFilter {
    /// Evaluates the filter on one recording (the reference the renderers are tested against).
    pub fn matches(&self, r: &Recording, home_region: &str) -> bool {
        match self {
            RecordingFilter::Always => true,
            RecordingFilter::Never => false,
            RecordingFilter::And(v) => v.iter().all(|f| f.matches(r, home_region)),
            RecordingFilter::Or(v) => v.iter().any(|f| f.matches(r, home_region)),
            RecordingFilter::Not(f) => !f.matches(r, home_region),
            RecordingFilter::Cond(c) => match c {
                Cond::OwnerIn { values } => r.owner.as_ref().is_some_and(|o| values.contains(o)),
                Cond::ParticipantIn { values } => r.participants.iter().any(|x| values.contains(x)),
                Cond::QueueIn { values } => r.queue.as_ref().is_some_and(|q| values.contains(q)),
                Cond::DivisionIn { values } => match &r.divisions {
                    None => values.iter().any(|v| v == "home"),
                    Some(d) => d.iter().any(|x| values.contains(x)),
                },
                Cond::RegionIn { values } => values
                    .iter()
                    .any(|v| v == r.region.as_deref().unwrap_or(home_region)),
                Cond::LineIn { values } => r.line.as_ref().is_some_and(|l| values.contains(l)),
                Cond::MediaIn { values } => r.media.is_some_and(|m| values.contains(&m)),
                Cond::DirectionIn { values } => r.direction.is_some_and(|d| values.contains(&d)),
                Cond::LegalHold => r.legal_hold,
                Cond::Sensitive => r.sensitive,
                Cond::Live => r.live,
                Cond::Expired {
                    now,
                    screen_days,
                    default_days,
                } => expired(
                    *now,
                    *screen_days,
                    *default_days,
                    r.legal_hold,
                    r.created_at,
                    r.retention_days,
                    r.is_screen(),
                ),
            },
        }
    }
}

/// [`Cond::Expired`] of a recording with these attributes ([`crate::retention`]).
pub(crate) fn expired(
    now: i64,
    screen_days: Option<u32>,
    default_days: Option<u32>,
    legal_hold: bool,
    created_at: Option<Timestamp>,
    retention_days: Option<u32>,
    is_screen: bool,
) -> bool {
    let days = retention_days.or(retention::default_days(
        is_screen,
        screen_days,
        default_days,
    ));
    retention::is_expired(
        Timestamp(now),
        retention::kept_until(legal_hold, created_at, days),
    )
}
