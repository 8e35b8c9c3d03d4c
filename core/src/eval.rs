//! Evaluation (SPEC §3): the thirteen steps, in order, the first that fails
//! deciding the reason. One generic walk serves both plain decisions and
//! explanations: with [`Silent`] every trace call compiles away.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::Perm;
use crate::compile::{CScope, Compiled, Ix};
use crate::decision::Reason;
use crate::model::PolicyDoc;
use crate::target::{TKind, Target};
use crate::time::Timestamp;

/// Receives the lines of an explanation.
pub(crate) trait Trace {
    /// Whether lines are wanted at all.
    const ON: bool;
    fn line(&mut self, step: u8, text: impl FnOnce() -> String);
    /// A scope was tested against the resource (coverage).
    #[inline(always)]
    fn scope(&mut self, _scope: CScope, _kind: TKind, _holds: bool) {}
}

/// No trace: decisions.
pub(crate) struct Silent;

impl Trace for Silent {
    const ON: bool = false;
    #[inline(always)]
    fn line(&mut self, _: u8, _: impl FnOnce() -> String) {}
}

/// One line of an explanation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TraceLine {
    /// The SPEC §3 step.
    pub step: u8,
    /// What happened, in words.
    pub text: String,
}

/// Collects lines: explanations.
#[derive(Default)]
pub(crate) struct Lines(pub Vec<TraceLine>);

impl Trace for Lines {
    const ON: bool = true;
    fn line(&mut self, step: u8, text: impl FnOnce() -> String) {
        self.0.push(TraceLine { step, text: text() });
    }
}

/// The result of the walk, before it is dressed as a [`crate::Decision`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub reason: Reason,
    pub rule: Option<Ix>,
    pub redact: bool,
    pub cascade: bool,
}

impl Outcome {
    pub fn deny(reason: Reason) -> Outcome {
        Outcome {
            reason,
            rule: None,
            redact: false,
            cascade: false,
        }
    }
    pub fn allowed(self) -> bool {
        self.reason == Reason::Allow
    }
}

/// Prerequisites and access checks nest; validation rejects cycles, so this
/// bound is never reached by a valid policy — and if it were, the answer is no.
const MAX_DEPTH: u8 = 64;

pub(crate) struct Evaluator<'p> {
    pub doc: &'p PolicyDoc,
    pub c: &'p Compiled,
}

impl<'p> Evaluator<'p> {
    /// Steps 2 (principal and actor) and 3 (impersonation): who decides.
    pub fn subject<T: Trace>(
        &self,
        principal: &str,
        actor: Option<&str>,
        now: Timestamp,
        t: &mut T,
    ) -> Result<Ix, Reason> {
        let Some(p) = self.c.user_ix.get(principal).copied() else {
            t.line(2, || format!("principal {principal} is not in the policy"));
            return Err(Reason::UnknownPrincipal);
        };
        let actor = actor.filter(|a| *a != principal);
        let a = match actor {
            None => None,
            Some(a) => match self.c.user_ix.get(a).copied() {
                Some(ai) => Some((a, ai)),
                None => {
                    t.line(2, || format!("actor {a} is not in the policy"));
                    return Err(Reason::UnknownPrincipal);
                }
            },
        };
        let pu = self
            .c
            .users
            .get(p as usize)
            .ok_or(Reason::UnknownPrincipal)?;
        if pu.disabled {
            t.line(2, || format!("principal {principal} is disabled"));
            return Err(Reason::PrincipalDisabled);
        }
        let Some((aid, ai)) = a else {
            t.line(2, || format!("principal {principal} exists and is enabled"));
            t.line(3, || {
                String::from("no impersonation: the principal acts for itself")
            });
            return Ok(p);
        };
        let au = self
            .c
            .users
            .get(ai as usize)
            .ok_or(Reason::UnknownPrincipal)?;
        if au.disabled {
            t.line(2, || format!("actor {aid} is disabled"));
            return Err(Reason::PrincipalDisabled);
        }
        t.line(2, || {
            format!("principal {principal} and actor {aid} exist and are enabled")
        });
        let as_user = Target::user(self.c, Some(p), principal);
        let o = self.steps(ai, Perm::IMPERSONATE, &as_user, now, 1, false, &mut Silent);
        if !o.allowed() {
            t.line(3, || format!("actor {aid} may not impersonate {principal}: directory:user:impersonate on user {principal} is {}", o.reason));
            return Err(Reason::ImpersonationDenied);
        }
        if pu.service {
            t.line(3, || {
                format!("{principal} is a service account and cannot be impersonated")
            });
            return Err(Reason::ImpersonationDenied);
        }
        if pu.region != au.region {
            t.line(3, || {
                format!(
                    "actor {aid} is in {} but {principal} is in {}",
                    au.region, pu.region
                )
            });
            return Err(Reason::ImpersonationDenied);
        }
        t.line(3, || format!("actor {aid} may impersonate {principal} ({}); from here on {principal}'s roles decide", self.rule_text(o.rule)));
        Ok(p)
    }

    /// Whether `perm` is allowed: steps 1 and 4–12 for the same principal and resource.
    pub fn allowed(&self, p: Ix, perm: Perm, tg: &Target, now: Timestamp, depth: u8) -> bool {
        self.steps(p, perm, tg, now, depth, false, &mut Silent)
            .allowed()
    }

    /// Step 1's applicability and steps 4–13 for a known, enabled principal.
    #[allow(clippy::too_many_arguments)]
    pub fn steps<T: Trace>(
        &self,
        p: Ix,
        perm: Perm,
        tg: &Target,
        now: Timestamp,
        depth: u8,
        top: bool,
        t: &mut T,
    ) -> Outcome {
        if depth > MAX_DEPTH {
            return Outcome::deny(Reason::PrerequisiteMissing);
        }
        if !tg.accepts(perm) {
            t.line(1, || {
                format!("{perm} does not apply to this {}", kind_name(tg))
            });
            return Outcome::deny(Reason::InvalidRequest);
        }
        let Some(pu) = self.c.users.get(p as usize) else {
            return Outcome::deny(Reason::UnknownPrincipal);
        };
        let settings = &self.doc.settings;

        // Step 4: retention.
        if let Some(rec) = tg.rec {
            let days = rec.retention_days.or(if rec.is_screen() {
                settings.retention_screen
            } else {
                settings.retention_default
            });
            match (rec.legal_hold, rec.created_at, days) {
                (true, _, _) => t.line(4, || String::from("under legal hold: never expires")),
                (false, Some(created), Some(days)) => {
                    let until = created.plus_days(days);
                    if now >= until {
                        t.line(4, || {
                            format!("created {created}, kept {days} days: expired at {until}")
                        });
                        return Outcome::deny(Reason::Expired);
                    }
                    t.line(4, || {
                        format!("created {created}, kept {days} days: until {until}")
                    });
                }
                (false, None, _) => t.line(4, || {
                    String::from("no createdAt: retention cannot expire it")
                }),
                (false, Some(_), None) => t.line(4, || String::from("no retention period applies")),
            }
        }
        // Step 5: legal hold.
        if tg.kind == TKind::Recording
            && tg.rec.is_some_and(|r| r.legal_hold)
            && is_destructive(perm)
        {
            t.line(5, || {
                format!("the recording is under legal hold, which refuses {perm}")
            });
            return Outcome::deny(Reason::LegalHold);
        }
        // Step 6: private and own annotations.
        let mut perm = perm;
        if let Some(ann) = tg.ann {
            let own = ann.author.as_deref() == Some(pu.id.as_str());
            if ann.visibility == crate::request::Visibility::Private && !own {
                t.line(6, || {
                    format!(
                        "the annotation is private to {}",
                        ann.author.as_deref().unwrap_or("its author")
                    )
                });
                return Outcome::deny(Reason::PrivateAnnotation);
            }
            if own && matches!(perm, Perm::ANNOTATION_EDIT | Perm::ANNOTATION_DELETE) {
                t.line(6, || {
                    format!(
                        "{} wrote this annotation: {perm} is evaluated as recording:annotation:add",
                        pu.id
                    )
                });
                perm = Perm::ANNOTATION_ADD;
            }
        }
        // Step 7: deny overrides.
        for e in pu.entries(perm).filter(|e| e.deny) {
            let ri = e.rule;
            {
                let Some(rule) = self.c.rules.get(ri as usize) else {
                    continue;
                };
                if self.in_scope(tg, rule.scope, p, t) && tg.when_holds(self.c, &rule.when) {
                    t.line(7, || format!("deny {} matches", self.rule_text(Some(ri))));
                    return Outcome {
                        reason: Reason::Denied,
                        rule: Some(ri),
                        redact: false,
                        cascade: false,
                    };
                }
            }
        }
        t.line(7, || String::from("no deny matches"));
        // Step 8: grants, then division, scope and when.
        let mut best = 0u8; // 1 matched, 2 division ok, 3 scope ok, 4 when ok
        let mut first: Option<Ix> = None;
        let mut cross: Option<Ix> = None;
        let mut matched = 0usize;
        for e in pu.entries(perm).filter(|e| !e.deny) {
            let ri = e.rule;
            {
                let (Some(rule), Some(a)) = (
                    self.c.rules.get(ri as usize),
                    pu.assignments.get(usize::from(e.assignment)),
                ) else {
                    continue;
                };
                matched += 1;
                let stage = if !tg.in_divisions(self.c, a.divisions.as_deref()) {
                    1
                } else if !self.in_scope(tg, rule.scope, p, t) {
                    2
                } else if !tg.when_holds(self.c, &rule.when) {
                    3
                } else {
                    4
                };
                if T::ON {
                    t.line(8, || {
                        let v = match stage {
                            1 => String::from(
                                "the role assignment's divisions do not include the resource's",
                            ),
                            2 => format!("division ok; scope does not cover {}", tg.label()),
                            3 => String::from(
                                "division ok; scope ok; its when condition does not hold",
                            ),
                            _ => String::from("division ok; scope ok; when ok"),
                        };
                        format!("grant {}: {v}", self.rule_text(Some(ri)))
                    });
                }
                best = best.max(stage);
                if stage == 4 {
                    first = first.or(Some(ri));
                    if rule.cross_region {
                        cross = cross.or(Some(ri));
                    }
                }
            }
        }
        let reason = match best {
            0 => Some(Reason::NoPermission),
            1 => Some(Reason::OutOfDivision),
            2 => Some(Reason::OutOfScope),
            3 => Some(Reason::ConditionUnmet),
            _ => None,
        };
        if let Some(reason) = reason {
            t.line(8, || {
                if matched == 0 {
                    format!("no grant of {} matches {perm} → {reason}", pu.id)
                } else {
                    format!("{matched} grant(s) match {perm}, none passes → {reason}")
                }
            });
            return Outcome::deny(reason);
        }
        let mut rule = first;
        // Step 9: region.
        if let Some(region) = tg.region(self.c, &settings.home_region) {
            if region != pu.region {
                match cross {
                    Some(ri) if perm == Perm::METADATA_VIEW && !pu.bpo => {
                        t.line(9, || {
                            format!(
                                "resource in {region}, {} in {}: allowed by cross-region grant",
                                pu.id, pu.region
                            )
                        });
                        rule = Some(ri);
                    }
                    _ => {
                        t.line(9, || {
                            format!("resource in {region} but {} is in {}", pu.id, pu.region)
                        });
                        return Outcome::deny(Reason::Region);
                    }
                }
            } else {
                t.line(9, || format!("same region ({region})"));
            }
        }
        // Step 10: prerequisites.
        for &q in self
            .c
            .prerequisites
            .get(perm.index())
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if !self.allowed(p, q, tg, now, depth + 1) {
                t.line(10, || format!("prerequisite {q} is not allowed"));
                return Outcome::deny(Reason::PrerequisiteMissing);
            }
            t.line(10, || format!("prerequisite {q} is allowed"));
        }
        // Step 11: access to the recording's media.
        match tg.kind {
            TKind::Recording if !perm.is_access() => {
                let view = tg.media_view();
                if !self.allowed(p, view, tg, now, depth + 1) {
                    t.line(11, || format!("{perm} needs {view}, which is not allowed"));
                    return Outcome::deny(Reason::NoAccess);
                }
                t.line(11, || format!("{view} is allowed"));
            }
            TKind::Annotation => {
                if let Some(rec) = tg.rec {
                    let rt = Target::recording(rec);
                    let view = rt.media_view();
                    if !self.allowed(p, view, &rt, now, depth + 1) {
                        t.line(11, || {
                            format!(
                                "annotations need {view} on recording {}, which is not allowed",
                                rec.id
                            )
                        });
                        return Outcome::deny(Reason::NoAccess);
                    }
                    t.line(11, || format!("{view} on recording {} is allowed", rec.id));
                }
            }
            _ => {}
        }
        // Step 12: export.
        let sensitive = tg.kind == TKind::Recording && tg.rec.is_some_and(|r| r.sensitive);
        if perm.is_download() {
            if pu.bpo && !settings.bpo_export {
                t.line(12, || {
                    format!("{} is a BPO user and settings.bpoExport is off", pu.id)
                });
                return Outcome::deny(Reason::BpoRestricted);
            }
            if sensitive && !self.allowed(p, Perm::VIEW_SENSITIVE, tg, now, depth + 1) {
                t.line(12, || String::from("the recording is sensitive and recording:recording:viewSensitiveData is not allowed"));
                return Outcome::deny(Reason::Sensitive);
            }
        }
        // Step 13: allow, with obligations for the request itself.
        let mut out = Outcome {
            reason: Reason::Allow,
            rule,
            redact: false,
            cascade: false,
        };
        if top {
            if matches!(perm, Perm::RECORDING_VIEW | Perm::SCREEN_VIEW)
                && sensitive
                && !self.allowed(p, Perm::VIEW_SENSITIVE, tg, now, depth + 1)
            {
                out.redact = true;
            }
            if perm == Perm::RECORDING_DELETE && tg.rec.is_some_and(|r| !r.related.is_empty()) {
                out.cascade = true;
            }
        }
        t.line(13, || {
            let mut s = format!("allow by {}", self.rule_text(rule));
            if out.redact {
                s.push_str("; obligation: redact sensitive segments");
            }
            if out.cascade {
                s.push_str("; obligation: cascade delete to related recordings");
            }
            s
        });
        out
    }

    fn in_scope<T: Trace>(&self, tg: &Target, scope: CScope, p: Ix, t: &mut T) -> bool {
        let holds = tg.in_scope(self.c, scope, p);
        t.scope(scope, tg.kind, holds);
        holds
    }

    /// `recording:*:delete (role no-destroy, scope all)`.
    pub fn rule_text(&self, rule: Option<Ix>) -> String {
        let Some((role, r)) = rule.and_then(|ri| self.rule_def(ri)) else {
            return String::from("no rule");
        };
        let mut scope = String::new();
        crate::model::write_scope(&mut scope, &r.scope);
        format!(
            "{} (role {role}, scope {})",
            r.permission,
            scope.replace('"', "")
        )
    }

    pub fn rule_def(&self, ri: Ix) -> Option<(&'p str, &'p crate::model::Rule)> {
        let rule = self.c.rules.get(ri as usize)?;
        let (role_id, role) = self.doc.roles.get(rule.role as usize)?;
        let list = if rule.deny {
            &role.denies
        } else {
            &role.grants
        };
        Some((role_id.as_str(), list.get(rule.index as usize)?))
    }
}

fn is_destructive(p: Perm) -> bool {
    matches!(
        p,
        Perm::RECORDING_DELETE
            | Perm::SCREEN_DELETE
            | Perm::EDIT_RETENTION
            | Perm::RECORDING_BLACKOUT
    )
}

fn kind_name(tg: &Target) -> &'static str {
    match tg.kind {
        TKind::Recording if tg.rec.is_some_and(|r| r.is_screen()) => "screen recording",
        TKind::Recording if tg.rec.is_some_and(|r| r.live) => "live recording",
        TKind::Recording => "recording",
        TKind::Annotation => "annotation",
        TKind::Queue => "queue",
        TKind::User => "user",
        TKind::Report => "report",
        TKind::Role => "role",
        TKind::Schedule => "schedule",
    }
}
