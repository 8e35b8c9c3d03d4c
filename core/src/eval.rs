//! Evaluation (SPEC §3): the thirteen steps, in order, the first that fails
//! deciding the reason. Each step is one method below, written once; one
//! generic walk serves decisions, explanations, coverage and words: with
//! [`Silent`] every trace call compiles away.
//!
//! [`Evaluator::decide`] runs a request from step 1 to 13; the inner checks
//! of steps 3 and 10–13 ("X is allowed") run [`Evaluator::allowed`]: step 1's
//! applicability and steps 4–12, for the same principal and resource.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::Perm;
use crate::compile::{CScope, CUser, Compiled, Ix};
use crate::decision::Reason;
use crate::model::PolicyDoc;
use crate::request::{AnnotationVisibility, Resource};
use crate::retention;
use crate::target::{TKind, Target};
use crate::time::Timestamp;
use crate::words::{recording_mismatch, RuleBook, Why};

/// Receives what a walk found: the lines of an explanation, the scope-table
/// cells it tested (coverage) and why it denied (words). Every method is a
/// no-op by default, so a trace pays only for what it collects.
pub(crate) trait Trace {
    /// Whether lines (and why) are wanted at all.
    const ON: bool;
    fn line(&mut self, step: u8, text: impl FnOnce() -> String);
    /// A scope was tested against the resource (coverage).
    #[inline(always)]
    fn scope(&mut self, _scope: CScope, _kind: TKind, _holds: bool) {}
    /// What the step that decided found, for the decision's words; called
    /// only when [`Trace::ON`], so that a plain decision builds nothing.
    #[inline(always)]
    fn why(&mut self, _why: Why) {}
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

/// Collects lines and why: explanations and words (a decision's words come
/// from the same walk as its explanation — one more copy of the walk in the
/// WebAssembly builds would weigh more than the lines cost to write).
#[derive(Default)]
pub(crate) struct Lines {
    pub lines: Vec<TraceLine>,
    pub why: Option<Why>,
}

impl Trace for Lines {
    const ON: bool = true;
    fn line(&mut self, step: u8, text: impl FnOnce() -> String) {
        self.lines.push(TraceLine { step, text: text() });
    }
    fn why(&mut self, why: Why) {
        self.why = Some(why);
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

/// Who decides a request, worked out once by steps 2 and 3 (a
/// [`crate::Subject`] keeps it for deciding many resources).
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    /// The principal, or why nobody may decide anything.
    pub who: Result<Ix, Reason>,
    /// The explanation lines of steps 2 and 3 (only when asked for).
    pub lines: Vec<TraceLine>,
    /// Why steps 2–3 refused (only when asked for).
    pub why: Option<Why>,
}

/// The grants step 8 kept: the first that passes, and the first passing
/// grant with `crossRegion` (step 9).
struct Passing {
    first: Option<Ix>,
    cross: Option<Ix>,
}

pub(crate) struct Evaluator<'p> {
    pub doc: &'p PolicyDoc,
    pub c: &'p Compiled,
}

impl<'p> Evaluator<'p> {
    /// Step 1, the catalog half: a request names a catalog permission, not a pattern.
    pub fn catalog_permission<T: Trace>(&self, name: &str, t: &mut T) -> Option<Perm> {
        let perm = self.c.perm_ix.get(name).copied();
        if perm.is_none() {
            t.line(1, || {
                format!("\"{name}\" is not a catalog permission (patterns are for policies, not requests)")
            });
            if T::ON {
                t.why(Why::NotCatalog(String::from(name)));
            }
        }
        perm
    }

    /// Step 1, the resource half: the permission applies to the resource (SPEC §6).
    #[inline]
    fn applies<T: Trace>(&self, perm: Perm, tg: &Target, top: bool, t: &mut T) -> bool {
        if tg.accepts(perm) {
            if top {
                t.line(1, || {
                    format!(
                        "{perm} is a catalog permission and applies to this {}",
                        tg.kind.type_name()
                    )
                });
            }
            return true;
        }
        let screen = tg.rec.is_some_and(|r| r.is_screen());
        // The line names the cause the words give (`recording_mismatch`).
        t.line(1, || match recording_mismatch(perm, tg.kind, screen) {
            Some(cause) => format!("{perm} does not apply to this recording: {cause}"),
            None => format!(
                "{perm} does not apply to a {} resource",
                tg.kind.type_name()
            ),
        });
        if T::ON {
            t.why(Why::NotApplicable {
                perm,
                kind: tg.kind,
                screen,
            });
        }
        false
    }

    /// Steps 2 (principal and actor exist and are enabled) and 3
    /// (impersonation): who decides.
    pub fn subject<T: Trace>(
        &self,
        principal: &str,
        actor: Option<&str>,
        now: Timestamp,
        t: &mut T,
    ) -> Result<Ix, Reason> {
        let Some(p) = self.c.user_ix.get(principal).copied() else {
            t.line(2, || format!("principal {principal} is not in the policy"));
            if T::ON {
                t.why(Why::UnknownUser(String::from(principal)));
            }
            return Err(Reason::UnknownPrincipal);
        };
        let actor = actor.filter(|a| *a != principal);
        let a = match actor {
            None => None,
            Some(a) => match self.c.user_ix.get(a).copied() {
                Some(ai) => Some((a, ai)),
                None => {
                    t.line(2, || format!("actor {a} is not in the policy"));
                    if T::ON {
                        t.why(Why::UnknownUser(String::from(a)));
                    }
                    return Err(Reason::UnknownPrincipal);
                }
            },
        };
        let pu = self.user(p).ok_or(Reason::UnknownPrincipal)?;
        if pu.disabled {
            t.line(2, || format!("principal {principal} is disabled"));
            if T::ON {
                t.why(Why::Disabled(String::from(principal)));
            }
            return Err(Reason::PrincipalDisabled);
        }
        let Some((aid, ai)) = a else {
            t.line(2, || format!("principal {principal} exists and is enabled"));
            t.line(3, || {
                String::from("no impersonation: the principal acts for itself")
            });
            return Ok(p);
        };
        let au = self.user(ai).ok_or(Reason::UnknownPrincipal)?;
        if au.disabled {
            t.line(2, || format!("actor {aid} is disabled"));
            if T::ON {
                t.why(Why::Disabled(String::from(aid)));
            }
            return Err(Reason::PrincipalDisabled);
        }
        t.line(2, || {
            format!("principal {principal} and actor {aid} exist and are enabled")
        });
        let refused = |t: &mut T, cause: crate::words::Impersonation| {
            if T::ON {
                t.why(Why::Impersonation {
                    actor: String::from(aid),
                    principal: String::from(principal),
                    cause,
                });
            }
            Err(Reason::ImpersonationDenied)
        };
        let as_user = Target::user(self.c, Some(p), principal);
        let o = self.steps(ai, Perm::IMPERSONATE, &as_user, now, 1, false, &mut Silent);
        if !o.allowed() {
            t.line(3, || format!("actor {aid} may not impersonate {principal}: directory:user:impersonate on user {principal} is {}", o.reason));
            // Step 3 counts the actor's region like any grant's (step 9).
            let cause = if o.reason == Reason::Region {
                crate::words::Impersonation::Regions(au.region.clone(), pu.region.clone())
            } else {
                crate::words::Impersonation::NotAllowed
            };
            return refused(t, cause);
        }
        if pu.service {
            t.line(3, || {
                format!("{principal} is a service account and cannot be impersonated")
            });
            return refused(t, crate::words::Impersonation::Service);
        }
        if pu.region != au.region {
            t.line(3, || {
                format!(
                    "actor {aid} is in {} but {principal} is in {}",
                    au.region, pu.region
                )
            });
            return refused(
                t,
                crate::words::Impersonation::Regions(au.region.clone(), pu.region.clone()),
            );
        }
        t.line(3, || format!("actor {aid} may impersonate {principal} ({}); from here on {principal}'s roles decide", self.rule_text(o.rule)));
        Ok(p)
    }

    /// Step 2, the resource half: a queue or user resource, and a report's
    /// user and queue when given, exist in the policy.
    #[inline]
    fn resource_exists<T: Trace>(&self, r: &Resource, t: &mut T) -> bool {
        let c = self.c;
        let missing = |what: &'static str, id: &str, known: bool, t: &mut T| {
            if !known {
                t.line(2, || format!("{what} {id} is not in the policy"));
                if T::ON {
                    t.why(Why::UnknownResource(what, String::from(id)));
                }
            }
            known
        };
        let user = |id: &str, t: &mut T| missing("user", id, c.user_ix.contains_key(id), t);
        let queue = |id: &str, t: &mut T| missing("queue", id, c.queue_ix.contains_key(id), t);
        match r {
            Resource::Queue(q) => queue(&q.id, t),
            Resource::User(u) => user(&u.id, t),
            Resource::Report(rep) => {
                rep.user.as_deref().map_or(true, |u| user(u, t))
                    && rep.queue.as_deref().map_or(true, |q| queue(q, t))
            }
            _ => true,
        }
    }

    /// A request, from step 1 to 13, once step 1 has found its catalog
    /// permission and steps 2–3 have resolved who decides.
    pub fn decide<T: Trace>(
        &self,
        who: &Resolved,
        perm: Perm,
        resource: &Resource,
        tg: &Target,
        now: Timestamp,
        t: &mut T,
    ) -> Outcome {
        if !self.applies(perm, tg, true, t) {
            return Outcome::deny(Reason::InvalidRequest);
        }
        // Steps 2 and 3 ran when the subject was resolved: their lines are
        // told here, in step order around the resource half of step 2.
        let replay = |step: u8, t: &mut T| {
            if T::ON {
                for l in who.lines.iter().filter(|l| l.step == step) {
                    t.line(step, || l.text.clone());
                }
            }
        };
        let refused = |r: Reason, t: &mut T| {
            if let Some(why) = &who.why {
                if T::ON {
                    t.why(why.clone());
                }
            }
            Outcome::deny(r)
        };
        replay(2, t);
        if let Err(r) = who.who {
            if r.step() == 2 {
                return refused(r, t);
            }
        }
        if !self.resource_exists(resource, t) {
            return Outcome::deny(Reason::UnknownResource);
        }
        replay(3, t);
        match who.who {
            Ok(p) => self.steps_4_to_13(p, perm, tg, now, 0, true, t),
            Err(r) => refused(r, t),
        }
    }

    /// Whether `perm` is allowed: steps 1 and 4–12 for the same principal and resource.
    pub fn allowed(&self, p: Ix, perm: Perm, tg: &Target, now: Timestamp, depth: u8) -> bool {
        self.steps(p, perm, tg, now, depth, false, &mut Silent)
            .allowed()
    }

    /// Step 1's applicability and steps 4–13 for a known, enabled principal.
    #[expect(
        clippy::too_many_arguments,
        reason = "the walk's state; every call passes it on unchanged but `perm` and `depth`"
    )]
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
        if !self.applies(perm, tg, false, t) {
            return Outcome::deny(Reason::InvalidRequest);
        }
        self.steps_4_to_13(p, perm, tg, now, depth, top, t)
    }

    #[expect(clippy::too_many_arguments, reason = "the walk's state, as in `steps`")]
    fn steps_4_to_13<T: Trace>(
        &self,
        p: Ix,
        perm: Perm,
        tg: &Target,
        now: Timestamp,
        depth: u8,
        top: bool,
        t: &mut T,
    ) -> Outcome {
        let Some(pu) = self.user(p) else {
            return Outcome::deny(Reason::UnknownPrincipal);
        };
        if let Err(o) = self.retention(tg, now, t) {
            return o;
        }
        if let Err(o) = self.legal_hold(perm, tg, t) {
            return o;
        }
        let perm = match self.annotation(pu, perm, tg, t) {
            Ok(perm) => perm,
            Err(o) => return o,
        };
        if let Err(o) = self.denies(pu, p, perm, tg, t) {
            return o;
        }
        let passing = match self.grants(pu, p, perm, tg, t) {
            Ok(passing) => passing,
            Err(o) => return o,
        };
        let rule = match self.region(pu, perm, tg, &passing, t) {
            Ok(rule) => rule,
            Err(o) => return o,
        };
        if let Err(o) = self.prerequisites(p, perm, tg, now, depth, t) {
            return o;
        }
        if let Err(o) = self.access(p, perm, tg, now, depth, t) {
            return o;
        }
        if let Err(o) = self.export(pu, p, perm, tg, now, depth, t) {
            return o;
        }
        self.obligations(p, perm, tg, now, depth, top, rule, t)
    }

    /// Step 4: a recording (or an annotation's recording) past retention is `expired`.
    #[inline]
    fn retention<T: Trace>(&self, tg: &Target, now: Timestamp, t: &mut T) -> Result<(), Outcome> {
        let Some(rec) = tg.rec else { return Ok(()) };
        let settings = &self.doc.settings;
        let days = rec.retention_days.or(retention::default_days(
            rec.is_screen(),
            settings.retention_screen,
            settings.retention_default,
        ));
        let until = retention::kept_until(rec.legal_hold, rec.created_at, days);
        if retention::is_expired(now, until) {
            t.line(4, || match (rec.created_at, days) {
                (Some(created), Some(days)) => format!(
                    "created {created}, kept {days} days: expired at {}",
                    created.plus_days(days)
                ),
                _ => String::from("expired"),
            });
            if T::ON {
                t.why(Why::Expired(until));
            }
            return Err(Outcome::deny(Reason::Expired));
        }
        t.line(4, || match (rec.legal_hold, rec.created_at, days) {
            (true, _, _) => String::from("under legal hold: never expires"),
            (false, None, _) => String::from("no createdAt: retention cannot expire it"),
            (false, Some(_), None) => String::from("no retention period applies"),
            (false, Some(created), Some(days)) => format!(
                "created {created}, kept {days} days: until {}",
                created.plus_days(days)
            ),
        });
        Ok(())
    }

    /// Step 5: a recording under legal hold refuses the destructive permissions.
    #[inline]
    fn legal_hold<T: Trace>(&self, perm: Perm, tg: &Target, t: &mut T) -> Result<(), Outcome> {
        if tg.kind == TKind::Recording
            && tg.rec.is_some_and(|r| r.legal_hold)
            && perm.is_destructive()
        {
            t.line(5, || {
                format!("the recording is under legal hold, which refuses {perm}")
            });
            if T::ON {
                t.why(Why::LegalHold);
            }
            return Err(Outcome::deny(Reason::LegalHold));
        }
        Ok(())
    }

    /// Step 6: a private annotation is its author's alone; an author's own
    /// annotation is edited or deleted as `recording:annotation:add`. Returns
    /// the permission the following steps decide.
    #[inline]
    fn annotation<T: Trace>(
        &self,
        pu: &CUser,
        perm: Perm,
        tg: &Target,
        t: &mut T,
    ) -> Result<Perm, Outcome> {
        let Some(ann) = tg.ann else { return Ok(perm) };
        let own = ann.author.as_deref() == Some(pu.id.as_str());
        if ann.visibility == AnnotationVisibility::Private && !own {
            t.line(6, || {
                format!(
                    "the annotation is private to {}",
                    ann.author.as_deref().unwrap_or("its author")
                )
            });
            if T::ON {
                t.why(Why::PrivateAnnotation);
            }
            return Err(Outcome::deny(Reason::PrivateAnnotation));
        }
        if own && matches!(perm, Perm::ANNOTATION_EDIT | Perm::ANNOTATION_DELETE) {
            t.line(6, || {
                format!(
                    "{} wrote this annotation: {perm} is evaluated as recording:annotation:add",
                    pu.id
                )
            });
            return Ok(Perm::ANNOTATION_ADD);
        }
        Ok(perm)
    }

    /// Step 7: any matching deny of the principal wins (deny-overrides).
    #[inline]
    fn denies<T: Trace>(
        &self,
        pu: &CUser,
        p: Ix,
        perm: Perm,
        tg: &Target,
        t: &mut T,
    ) -> Result<(), Outcome> {
        for e in pu.entries(perm).filter(|e| e.deny) {
            let ri = e.rule;
            let Some(rule) = self.c.rules.get(ri as usize) else {
                continue;
            };
            if self.in_scope(tg, rule.scope, p, t) && tg.when_holds(self.c, &rule.when) {
                t.line(7, || format!("deny {} matches", self.rule_text(Some(ri))));
                if T::ON {
                    t.why(Why::Denied(ri));
                }
                return Err(Outcome {
                    reason: Reason::Denied,
                    rule: Some(ri),
                    redact: false,
                    cascade: false,
                });
            }
        }
        t.line(7, || String::from("no deny matches"));
        Ok(())
    }

    /// Step 8: a grant matches, then its division, scope and `when` hold.
    #[inline]
    fn grants<T: Trace>(
        &self,
        pu: &CUser,
        p: Ix,
        perm: Perm,
        tg: &Target,
        t: &mut T,
    ) -> Result<Passing, Outcome> {
        // How far the best grant got: 1 matched, 2 division ok, 3 scope ok, 4 when ok.
        let mut best = 0u8;
        let mut passing = Passing {
            first: None,
            cross: None,
        };
        let mut matched = 0usize;
        // The grants that stopped where the best one did (for words).
        let mut stopped: Vec<Ix> = Vec::new();
        for e in pu.entries(perm).filter(|e| !e.deny) {
            let ri = e.rule;
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
                        3 => {
                            String::from("division ok; scope ok; its when condition does not hold")
                        }
                        _ => String::from("division ok; scope ok; when ok"),
                    };
                    format!("grant {}: {v}", self.rule_text(Some(ri)))
                });
            }
            if T::ON && stage < 4 {
                if stage > best {
                    stopped.clear();
                }
                if stage >= best {
                    stopped.push(ri);
                }
            }
            best = best.max(stage);
            if stage == 4 {
                passing.first = passing.first.or(Some(ri));
                if rule.cross_region {
                    passing.cross = passing.cross.or(Some(ri));
                }
            }
        }
        let reason = match best {
            0 => Reason::NoPermission,
            1 => Reason::OutOfDivision,
            2 => Reason::OutOfScope,
            3 => Reason::ConditionUnmet,
            _ => return Ok(passing),
        };
        t.line(8, || {
            if matched == 0 {
                format!("no grant of {} matches {perm} → {reason}", pu.id)
            } else {
                format!("{matched} grant(s) match {perm}, none passes → {reason}")
            }
        });
        if T::ON {
            t.why(match reason {
                Reason::NoPermission => Why::NoPermission(perm),
                Reason::OutOfDivision => Why::OutOfDivision,
                Reason::OutOfScope => Why::OutOfScope(stopped),
                _ => Why::ConditionUnmet(stopped),
            });
        }
        Err(Outcome::deny(reason))
    }

    /// Step 9: the resource is in the principal's region, unless a passing
    /// `crossRegion` grant reaches it for `recording:metadata:view` by a
    /// non-BPO principal. Returns the grant to report.
    #[inline]
    fn region<T: Trace>(
        &self,
        pu: &CUser,
        perm: Perm,
        tg: &Target,
        passing: &Passing,
        t: &mut T,
    ) -> Result<Option<Ix>, Outcome> {
        let Some(region) = tg.region(self.c, &self.doc.settings.home_region) else {
            return Ok(passing.first);
        };
        if region == pu.region {
            t.line(9, || format!("same region ({region})"));
            return Ok(passing.first);
        }
        match passing.cross {
            Some(ri) if perm == Perm::METADATA_VIEW && !pu.bpo => {
                t.line(9, || {
                    format!(
                        "resource in {region}, {} in {}: allowed by cross-region grant",
                        pu.id, pu.region
                    )
                });
                Ok(Some(ri))
            }
            _ => {
                t.line(9, || {
                    format!("resource in {region} but {} is in {}", pu.id, pu.region)
                });
                if T::ON {
                    t.why(Why::Region {
                        resource: String::from(region),
                        principal: pu.region.clone(),
                    });
                }
                Err(Outcome::deny(Reason::Region))
            }
        }
    }

    /// Step 10: every prerequisite of the permission is allowed itself.
    #[inline]
    fn prerequisites<T: Trace>(
        &self,
        p: Ix,
        perm: Perm,
        tg: &Target,
        now: Timestamp,
        depth: u8,
        t: &mut T,
    ) -> Result<(), Outcome> {
        for &q in self
            .c
            .prerequisites
            .get(perm.index())
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if !self.allowed(p, q, tg, now, depth + 1) {
                t.line(10, || format!("prerequisite {q} is not allowed"));
                if T::ON {
                    t.why(Why::Prerequisite(q));
                }
                return Err(Outcome::deny(Reason::PrerequisiteMissing));
            }
            t.line(10, || format!("prerequisite {q} is allowed"));
        }
        Ok(())
    }

    /// Step 11: every recording permission but the access ones needs the
    /// media's view permission; annotation permissions need it on the
    /// annotation's recording.
    #[inline]
    fn access<T: Trace>(
        &self,
        p: Ix,
        perm: Perm,
        tg: &Target,
        now: Timestamp,
        depth: u8,
        t: &mut T,
    ) -> Result<(), Outcome> {
        if !perm.needs_media_view() {
            return Ok(());
        }
        let Some(rec) = tg.rec else { return Ok(()) };
        let view = Perm::media_view(rec.is_screen());
        let on_recording;
        let at = if tg.kind == TKind::Annotation {
            on_recording = Target::recording(rec);
            &on_recording
        } else {
            tg
        };
        if !self.allowed(p, view, at, now, depth + 1) {
            if tg.kind == TKind::Annotation {
                t.line(11, || {
                    format!(
                        "annotations need {view} on recording {}, which is not allowed",
                        rec.id
                    )
                });
            } else {
                t.line(11, || format!("{perm} needs {view}, which is not allowed"));
            }
            if T::ON {
                t.why(Why::NoAccess(view));
            }
            return Err(Outcome::deny(Reason::NoAccess));
        }
        if tg.kind == TKind::Annotation {
            t.line(11, || format!("{view} on recording {} is allowed", rec.id));
        } else {
            t.line(11, || format!("{view} is allowed"));
        }
        Ok(())
    }

    /// Step 12: downloads — not by a BPO principal unless `settings.bpoExport`,
    /// and of a sensitive recording only with sensitive-data access.
    #[expect(clippy::too_many_arguments, reason = "the walk's state, as in `steps`")]
    #[inline]
    fn export<T: Trace>(
        &self,
        pu: &CUser,
        p: Ix,
        perm: Perm,
        tg: &Target,
        now: Timestamp,
        depth: u8,
        t: &mut T,
    ) -> Result<(), Outcome> {
        let Some(needed) = perm.needs_on_sensitive() else {
            return Ok(());
        };
        if pu.bpo && !self.doc.settings.bpo_export {
            t.line(12, || {
                format!("{} is a BPO user and settings.bpoExport is off", pu.id)
            });
            if T::ON {
                t.why(Why::BpoRestricted);
            }
            return Err(Outcome::deny(Reason::BpoRestricted));
        }
        if is_sensitive(tg) && !self.allowed(p, needed, tg, now, depth + 1) {
            t.line(12, || String::from("the recording is sensitive and recording:recording:viewSensitiveData is not allowed"));
            if T::ON {
                t.why(Why::Sensitive);
            }
            return Err(Outcome::deny(Reason::Sensitive));
        }
        Ok(())
    }

    /// Step 13: allow, with the obligations of the request itself (never of
    /// an inner check).
    #[expect(clippy::too_many_arguments, reason = "the walk's state, as in `steps`")]
    #[inline]
    fn obligations<T: Trace>(
        &self,
        p: Ix,
        perm: Perm,
        tg: &Target,
        now: Timestamp,
        depth: u8,
        top: bool,
        rule: Option<Ix>,
        t: &mut T,
    ) -> Outcome {
        let mut out = Outcome {
            reason: Reason::Allow,
            rule,
            redact: false,
            cascade: false,
        };
        if top {
            out.redact = matches!(perm, Perm::RECORDING_VIEW | Perm::SCREEN_VIEW)
                && is_sensitive(tg)
                && !self.allowed(p, Perm::VIEW_SENSITIVE, tg, now, depth + 1);
            out.cascade =
                perm == Perm::RECORDING_DELETE && tg.rec.is_some_and(|r| !r.related.is_empty());
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

    fn user(&self, p: Ix) -> Option<&'p CUser> {
        self.c.users.get(p as usize).map(|u| &**u)
    }

    fn in_scope<T: Trace>(&self, tg: &Target, scope: CScope, p: Ix, t: &mut T) -> bool {
        let holds = tg.in_scope(self.c, scope, p);
        t.scope(scope, tg.kind, holds);
        holds
    }

    /// Whether principal `p` holds any grant of `perm` at all (denies,
    /// scopes and conditions aside).
    pub fn holds_grant(&self, p: Ix, perm: Perm) -> bool {
        self.user(p)
            .is_some_and(|u| u.entries(perm).any(|e| !e.deny))
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

impl RuleBook for Evaluator<'_> {
    fn rule_def(&self, ri: Ix) -> Option<(&str, &crate::model::Rule)> {
        Evaluator::rule_def(self, ri)
    }

    fn role(&self, id: &str) -> Option<&crate::model::Role> {
        self.doc.role(id)
    }
}

/// A `sensitive` recording (step 12 and the redact obligation read only
/// recordings: an annotation's recording is not exported by its permissions).
fn is_sensitive(tg: &Target) -> bool {
    tg.kind == TKind::Recording && tg.rec.is_some_and(|r| r.sensitive)
}

/// One test per SPEC §3 step: the reason it gives, the step's place in the
/// order (an earlier step's reason wins), and the words it finds.
#[cfg(test)]
mod tests {
    use alloc::format;
    use alloc::string::String;

    use crate::{Policy, Reason, Request};

    const POLICY: &str = r#"{
      "schema": "recgate/v1", "revision": "eval",
      "settings": { "retentionDays": { "screen": 30, "default": 365 } },
      "divisions": { "d1": {} },
      "groups": { "team": { "members": ["agent"] }, "bpo": { "members": ["partner"], "bpo": true } },
      "prerequisites": { "recording:recording:download": ["recording:recording:restore"] },
      "roles": {
        "qa": { "name": "QA", "grants": [
          { "permission": "recording:recording:view", "scope": { "group": "team" } },
          { "permission": "recording:screenRecording:view", "scope": { "group": "team" } },
          { "permission": "recording:annotation:*", "scope": { "group": "team" } },
          { "permission": "recording:recording:delete", "scope": { "group": "team" } },
          { "permission": "recording:recording:download", "scope": { "group": "team" } },
          { "permission": "conversation:transcript:view", "when": { "directions": ["inbound"] } },
          { "permission": "recording:metadata:view", "crossRegion": true } ] },
        "no-delete": { "name": "No Delete", "denies": [ { "permission": "recording:*:delete", "when": { "media": ["audio"] } } ] },
        "restorer": { "grants": [ { "permission": "recording:recording:restore" } ] },
        "impersonator": { "grants": [ { "permission": "directory:user:impersonate", "scope": { "group": "team" } } ] },
        "sensitive": { "grants": [ { "permission": "recording:recording:viewSensitiveData" } ] }
      },
      "users": {
        "quinn": { "roles": [ { "role": "qa" }, { "role": "restorer" } ] },
        "dee": { "roles": [ { "role": "qa" }, { "role": "no-delete" } ] },
        "div": { "roles": [ { "role": "qa", "divisions": ["d1"] } ] },
        "eu": { "region": "eu-west-1", "roles": [ { "role": "qa" } ] },
        "partner": { "bpo": true, "region": "eu-west-1", "roles": [ { "role": "qa" }, { "role": "restorer" } ] },
        "agent": {},
        "svc": { "kind": "service", "roles": [ { "role": "impersonator" } ] },
        "svc-eu": { "kind": "service", "region": "eu-west-1", "roles": [ { "role": "impersonator" } ] },
        "robot": { "kind": "service" },
        "off": { "disabled": true }
      }
    }"#;

    const NOW: &str = "2026-11-22T12:00:00Z";

    /// A recording of `agent`'s, with `extra` members.
    fn rec(extra: &str) -> String {
        format!(
            r#"{{"type":"recording","id":"r","media":"audio","direction":"inbound","owner":"agent","createdAt":"2026-11-20T09:00:00Z"{extra}}}"#
        )
    }

    /// The reason and words of `principal` (with `actor`) asking `permission` on `resource`.
    fn ask(who: &str, permission: &str, resource: &str) -> (Reason, String) {
        let (principal, actor) = match who.split_once('>') {
            Some((a, p)) => (p, format!(r#","actor":"{a}""#)),
            None => (who, String::new()),
        };
        let text = format!(
            r#"{{"principal":"{principal}"{actor},"permission":"{permission}","resource":{resource},"now":"{NOW}"}}"#
        );
        let policy = Policy::from_json(POLICY).unwrap();
        let req = Request::from_json(&text).unwrap();
        let ex = policy.explain(&req);
        assert_eq!(
            ex.decision.reason,
            policy.decide(&req).reason,
            "{text}: explain = decide"
        );
        (ex.decision.reason, ex.words)
    }

    fn reason(who: &str, permission: &str, resource: &str) -> Reason {
        ask(who, permission, resource).0
    }

    #[test]
    fn step_1_a_catalog_permission_that_applies() {
        let policy = Policy::from_json(POLICY).unwrap();
        let pattern = format!(
            r#"{{"principal":"quinn","permission":"recording:*:view","resource":{},"now":"{NOW}"}}"#,
            rec("")
        );
        let ex = policy.explain(&Request::from_json(&pattern).unwrap());
        assert_eq!(ex.decision.reason, Reason::InvalidRequest);
        assert_eq!(ex.words, "\"recording:*:view\" is not a catalog permission");
        assert_eq!(
            ask("quinn", "recording:screenRecording:view", &rec("")),
            (
                Reason::InvalidRequest,
                String::from("only for screen recordings")
            )
        );
        assert_eq!(
            ask("quinn", "conversation:call:monitor", &rec("")),
            (
                Reason::InvalidRequest,
                String::from("not a live interaction")
            )
        );
        // Step 1 comes before step 2.
        assert_eq!(
            reason("ghost", "routing:queue:view", &rec("")),
            Reason::InvalidRequest
        );
    }

    #[test]
    fn step_1_the_trace_line_names_the_cause_the_words_give() {
        let policy = Policy::from_json(POLICY).unwrap();
        let line = |permission: &str, resource: &str| {
            let text = format!(
                r#"{{"principal":"quinn","permission":"{permission}","resource":{resource},"now":"{NOW}"}}"#
            );
            let ex = policy.explain(&Request::from_json(&text).unwrap());
            let first = ex.steps.first().map(|l| (l.step, l.text.clone()));
            (first, ex.words)
        };
        // A live call: the screen permission fails on the media, not on liveness.
        assert_eq!(
            line("recording:screenRecording:view", &rec(r#","live":true"#)),
            (
                Some((1, String::from("recording:screenRecording:view does not apply to this recording: only for screen recordings"))),
                String::from("only for screen recordings")
            )
        );
        // A screen recording that has ended: monitoring fails on liveness, not on the media.
        let screen = r#"{"type":"recording","id":"s","media":"screen","owner":"agent"}"#;
        assert_eq!(
            line("conversation:call:monitor", screen),
            (
                Some((1, String::from("conversation:call:monitor does not apply to this recording: not a live interaction"))),
                String::from("not a live interaction")
            )
        );
        assert_eq!(
            line("recording:recording:view", screen).0,
            Some((1, String::from("recording:recording:view does not apply to this recording: not available for screen recordings")))
        );
        // Another type of resource altogether: the line names the type.
        assert_eq!(
            line("routing:queue:view", &rec("")),
            (
                Some((
                    1,
                    String::from("routing:queue:view does not apply to a recording resource")
                )),
                String::from("not applicable to this recording")
            )
        );
    }

    #[test]
    fn step_2_principal_actor_and_resource_exist() {
        assert_eq!(
            ask("ghost", "recording:recording:view", &rec("")),
            (Reason::UnknownPrincipal, String::from("unknown user ghost"))
        );
        assert_eq!(
            reason("nobody>quinn", "recording:recording:view", &rec("")),
            Reason::UnknownPrincipal
        );
        assert_eq!(
            ask("off", "recording:recording:view", &rec("")),
            (
                Reason::PrincipalDisabled,
                String::from("account off is disabled")
            )
        );
        assert_eq!(
            ask(
                "quinn",
                "routing:queue:view",
                r#"{"type":"queue","id":"q9"}"#
            ),
            (Reason::UnknownResource, String::from("unknown queue q9"))
        );
        assert_eq!(
            reason("off", "routing:queue:view", r#"{"type":"queue","id":"q9"}"#),
            Reason::PrincipalDisabled
        );
    }

    #[test]
    fn step_3_impersonation() {
        assert_eq!(
            reason("svc>agent", "recording:recording:view", &rec("")),
            Reason::NoPermission,
            "allowed: agent's roles decide"
        );
        assert_eq!(
            ask("svc>quinn", "recording:recording:view", &rec("")),
            (
                Reason::ImpersonationDenied,
                String::from("svc may not act for quinn")
            )
        );
        assert_eq!(
            ask("svc-eu>agent", "recording:recording:view", &rec("")),
            (
                Reason::ImpersonationDenied,
                String::from(
                    "svc-eu may not act for agent: svc-eu is in eu-west-1, agent in us-east-1"
                )
            )
        );
        assert_eq!(
            reason("robot>agent", "recording:recording:view", &rec("")),
            Reason::ImpersonationDenied
        );
        assert_eq!(
            reason("quinn>quinn", "recording:recording:view", &rec("")),
            Reason::Allow,
            "acting for oneself"
        );
    }

    #[test]
    fn step_4_retention() {
        let expired = r#"{"type":"recording","id":"r","media":"audio","owner":"agent","createdAt":"2025-11-22T12:00:00Z"}"#;
        assert_eq!(
            ask("quinn", "recording:recording:view", expired),
            (
                Reason::Expired,
                String::from("blocked: retention expired 2026-11-22")
            )
        );
        let last_moment = r#"{"type":"recording","id":"r","media":"audio","owner":"agent","createdAt":"2025-11-22T12:00:01Z"}"#;
        assert_eq!(
            reason("quinn", "recording:recording:view", last_moment),
            Reason::Allow
        );
        let held = r#"{"type":"recording","id":"r","media":"audio","owner":"agent","createdAt":"2020-01-01T00:00:00Z","legalHold":true}"#;
        assert_eq!(
            reason("quinn", "recording:recording:view", held),
            Reason::Allow,
            "a held recording never expires"
        );
    }

    #[test]
    fn step_5_legal_hold_refuses_destructive_permissions() {
        assert_eq!(
            ask(
                "quinn",
                "recording:recording:delete",
                &rec(r#","legalHold":true"#)
            ),
            (Reason::LegalHold, String::from("blocked: legal hold"))
        );
        assert_eq!(
            reason(
                "quinn",
                "recording:recording:view",
                &rec(r#","legalHold":true"#)
            ),
            Reason::Allow
        );
        // Someone with no delete grant at all is told that.
        assert_eq!(
            ask(
                "eu",
                "recording:recording:blackout",
                &rec(r#","legalHold":true"#)
            ),
            (
                Reason::LegalHold,
                String::from("not in your roles (recording:recording:blackout)")
            )
        );
    }

    #[test]
    fn step_6_private_and_own_annotations() {
        let ann = |author: &str, visibility: &str| {
            format!(
                r#"{{"type":"annotation","id":"a","author":"{author}","visibility":"{visibility}","recording":{}}}"#,
                rec("")
            )
        };
        assert_eq!(
            ask("quinn", "recording:annotation:view", &ann("dee", "private")),
            (Reason::PrivateAnnotation, String::from("private bookmark"))
        );
        assert_eq!(
            reason(
                "quinn",
                "recording:annotation:view",
                &ann("quinn", "private")
            ),
            Reason::Allow
        );
        assert_eq!(
            reason(
                "quinn",
                "recording:annotation:edit",
                &ann("quinn", "public")
            ),
            Reason::Allow,
            "own edit is add"
        );
    }

    #[test]
    fn step_7_a_matching_deny_wins() {
        assert_eq!(
            ask("dee", "recording:recording:delete", &rec("")),
            (Reason::Denied, String::from("denied by role No Delete"))
        );
        // The deny's `when` does not hold on a chat: the grant decides.
        let chat = r#"{"type":"recording","id":"r","media":"chat","owner":"agent","createdAt":"2026-11-20T09:00:00Z"}"#;
        assert_eq!(
            reason("dee", "recording:recording:delete", chat),
            Reason::Allow
        );
    }

    #[test]
    fn step_8_grants_divisions_scope_when() {
        assert_eq!(
            ask("agent", "recording:recording:view", &rec("")),
            (
                Reason::NoPermission,
                String::from("not in your roles (recording:recording:view)")
            )
        );
        assert_eq!(
            ask("div", "recording:recording:view", &rec("")),
            (
                Reason::OutOfDivision,
                String::from("outside your divisions (recording in home)")
            )
        );
        let strangers = r#"{"type":"recording","id":"r","media":"audio","owner":"quinn","createdAt":"2026-11-20T09:00:00Z"}"#;
        assert_eq!(
            ask("quinn", "recording:recording:view", strangers),
            (Reason::OutOfScope, String::from("outside your group team"))
        );
        let outbound = r#"{"type":"recording","id":"r","media":"audio","direction":"outbound","owner":"agent","createdAt":"2026-11-20T09:00:00Z"}"#;
        assert_eq!(
            ask("quinn", "conversation:transcript:view", outbound),
            (
                Reason::ConditionUnmet,
                String::from("only for inbound interactions")
            )
        );
    }

    /// Scopes `group` and `view` test the recording's owner (or the user
    /// resource) by id against the sets compiled for them: members of a
    /// group, users a view names and its groups' members.
    #[test]
    fn step_8_group_and_view_scopes_by_the_owners_id() {
        let policy = Policy::from_json(
            r#"{ "schema": "recgate/v1", "revision": "scopes",
                 "groups": { "team": { "members": ["agent"] }, "other": { "members": ["bob"] } },
                 "views": { "v": { "users": ["listed"], "groups": ["team"] } },
                 "roles": {
                   "g": { "grants": [
                     { "permission": "recording:recording:view", "scope": { "group": "team" } },
                     { "permission": "directory:user:view", "scope": { "group": "team" } } ] },
                   "v": { "grants": [ { "permission": "recording:recording:view", "scope": { "view": "v" } } ] } },
                 "users": { "grouper": { "roles": [ { "role": "g" } ] }, "viewer": { "roles": [ { "role": "v" } ] },
                            "agent": {}, "bob": {}, "listed": {} } }"#,
        )
        .unwrap();
        let decide = |who: &str, permission: &str, resource: &str| {
            let text = format!(
                r#"{{"principal":"{who}","permission":"{permission}","resource":{resource},"now":"{NOW}"}}"#
            );
            let req = Request::from_json(&text).unwrap();
            let reason = policy.decide(&req).reason;
            assert_eq!(policy.explain(&req).decision.reason, reason, "{text}");
            reason
        };
        let owned_by = |owner: &str| {
            format!(r#"{{"type":"recording","id":"r","media":"audio","owner":"{owner}"}}"#)
        };
        let view = "recording:recording:view";
        for (who, owner, want) in [
            ("grouper", "agent", Reason::Allow),
            ("grouper", "bob", Reason::OutOfScope),
            // A group's own id, or a user of no group: not a member.
            ("grouper", "team", Reason::OutOfScope),
            ("grouper", "listed", Reason::OutOfScope),
            ("viewer", "listed", Reason::Allow),
            ("viewer", "agent", Reason::Allow),
            ("viewer", "bob", Reason::OutOfScope),
            ("viewer", "v", Reason::OutOfScope),
        ] {
            assert_eq!(
                decide(who, view, &owned_by(owner)),
                want,
                "{who} on {owner}'s"
            );
        }
        let no_owner = r#"{"type":"recording","id":"r","media":"audio"}"#;
        assert_eq!(decide("grouper", view, no_owner), Reason::OutOfScope);
        assert_eq!(decide("viewer", view, no_owner), Reason::OutOfScope);
        let user = |id: &str| format!(r#"{{"type":"user","id":"{id}"}}"#);
        assert_eq!(
            decide("grouper", "directory:user:view", &user("agent")),
            Reason::Allow
        );
        assert_eq!(
            decide("grouper", "directory:user:view", &user("bob")),
            Reason::OutOfScope
        );
    }

    #[test]
    fn step_9_region() {
        let eu = rec(r#","region":"eu-west-1""#);
        assert_eq!(
            ask("quinn", "recording:recording:view", &eu),
            (
                Reason::Region,
                String::from("stored in eu-west-1, you are in us-east-1")
            )
        );
        assert_eq!(
            reason("quinn", "recording:metadata:view", &eu),
            Reason::Allow,
            "crossRegion metadata"
        );
        let us = rec("");
        assert_eq!(
            reason("partner", "recording:metadata:view", &us),
            Reason::Region,
            "never for a BPO user"
        );
    }

    #[test]
    fn step_10_prerequisites() {
        assert_eq!(
            ask("dee", "recording:recording:download", &rec("")),
            (
                Reason::PrerequisiteMissing,
                String::from("requires recording:recording:restore")
            )
        );
        assert_eq!(
            reason("quinn", "recording:recording:download", &rec("")),
            Reason::Allow
        );
    }

    #[test]
    fn step_11_access_to_the_media() {
        // A transcript (any direction-matching grant) needs the media view too.
        let strangers = r#"{"type":"recording","id":"r","media":"audio","direction":"inbound","owner":"quinn","createdAt":"2026-11-20T09:00:00Z"}"#;
        assert_eq!(
            ask("quinn", "conversation:transcript:view", strangers),
            (
                Reason::NoAccess,
                String::from("requires access to the recording")
            )
        );
        let on_screen = r#"{"type":"annotation","id":"a","author":"quinn","recording":{"id":"s","media":"screen","owner":"quinn"}}"#;
        assert_eq!(
            ask("quinn", "recording:annotation:view", on_screen),
            (Reason::OutOfScope, String::from("outside your group team")),
            "scope first (step 8), on the annotation's recording"
        );
    }

    #[test]
    fn step_12_export() {
        assert_eq!(
            ask(
                "partner",
                "recording:recording:download",
                &rec(r#","region":"eu-west-1""#)
            ),
            (
                Reason::BpoRestricted,
                String::from("exports are disabled for BPO users")
            )
        );
        assert_eq!(
            ask(
                "quinn",
                "recording:recording:download",
                &rec(r#","sensitive":true"#)
            ),
            (
                Reason::Sensitive,
                String::from("sensitive recording: needs sensitive-data access")
            )
        );
    }

    #[test]
    fn step_13_allow_with_obligations_of_the_request_only() {
        assert_eq!(
            ask(
                "quinn",
                "recording:recording:view",
                &rec(r#","sensitive":true"#)
            ),
            (Reason::Allow, String::from("sensitive parts redacted"))
        );
        assert_eq!(
            ask(
                "quinn",
                "recording:recording:delete",
                &rec(r#","related":["s1","s2"]"#)
            ),
            (
                Reason::Allow,
                String::from("also deletes 2 related recordings")
            )
        );
        // The inner view check of a sensitive recording's transcript carries no obligation.
        assert_eq!(
            ask(
                "quinn",
                "conversation:transcript:view",
                &rec(r#","sensitive":true"#)
            ),
            (Reason::Allow, String::new())
        );
    }
}
