//! [`Policy`]: a validated, compiled policy and everything that can be asked of
//! it — single decisions, explanations, and [`Subject`]: a principal resolved
//! once (SPEC §3 steps 2–3) for deciding many resources. The steps themselves
//! are [`crate::eval`]'s; this module dresses their outcome as a [`Decision`].

use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::Perm;
use crate::compile::{compile, Compiled};
use crate::decision::{Decision, DecisionRecord, Obligations, Reason, RuleRef};
use crate::error::PolicyError;
use crate::eval::{Evaluator, Lines, Outcome, Resolved, Silent, Trace, TraceLine};
use crate::model::PolicyDoc;
use crate::request::{Recording, Request, Resource};
use crate::target::Target;
use crate::time::Timestamp;
use crate::validate::{parse_policy, Limits};
use crate::words::{self, RuleBook, Told, Why};

/// A validated and compiled policy. Immutable; share it freely.
#[derive(Debug, Clone)]
pub struct Policy {
    doc: PolicyDoc,
    c: Compiled,
}

/// How much of a recording a principal may see in a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingVisibility {
    /// Not at all: leave it out.
    Hidden,
    /// Its metadata, not its media (`recording:metadata:view` only).
    Metadata,
    /// Its media (the media's view permission).
    Media,
}

/// A recording as the policy reads it, its defaults applied (SPEC §1–§2):
/// what a player shows beside the controls.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EffectiveRecording {
    /// Its divisions (`["home"]` when it names none).
    pub divisions: Vec<String>,
    /// Its data-residency region (the home region when it names none).
    pub region: String,
    /// How long it is kept (step 4).
    pub retention: crate::retention::Retention,
}

/// A step-by-step account of one decision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Explanation {
    /// The decision.
    pub decision: DecisionRecord,
    /// What each step found, in order.
    pub steps: Vec<TraceLine>,
    /// The decision in words for people ([`crate::words`]); empty for an
    /// allow without obligations.
    pub words: String,
}

impl core::fmt::Display for Explanation {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        for s in &self.steps {
            writeln!(f, "step {}: {}", s.step, s.text)?;
        }
        write!(
            f,
            "→ {} ({})",
            if self.decision.allow { "ALLOW" } else { "DENY" },
            self.decision.reason
        )
    }
}

impl Policy {
    /// Parses, validates and compiles a policy document with the default limits.
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        Policy::from_json_with(text, &Limits::default())
    }

    /// Parses, validates and compiles a policy document.
    pub fn from_json_with(text: &str, limits: &Limits) -> Result<Policy, PolicyError> {
        parse_policy(text, limits).map(Policy::from_doc)
    }

    /// Compiles an already validated document.
    pub fn from_doc(doc: PolicyDoc) -> Policy {
        let c = compile(&doc);
        Policy { doc, c }
    }

    /// The document, defaults applied.
    pub fn doc(&self) -> &PolicyDoc {
        &self.doc
    }

    /// A recording's retention under this policy: what step 4 decides on
    /// (`retention.rs`).
    pub fn retention(&self, rec: &Recording) -> crate::retention::Retention {
        self.doc.settings.retention(rec)
    }

    /// `revision`.
    pub fn revision(&self) -> &str {
        &self.doc.revision
    }

    /// SHA-256 of the canonical document, hex: equal on every target that
    /// loaded the same policy, whatever its formatting.
    pub fn content_hash(&self) -> &str {
        &self.c.hash
    }

    /// The content hash of the whole policy this one decides for: for a
    /// principal slice, its `sliceOf.revisionHash` (what the server's
    /// `recgate hash` of the whole policy prints); for any other policy, its
    /// own [`Policy::content_hash`].
    pub fn source_hash(&self) -> &str {
        self.doc
            .slice_of
            .as_ref()
            .map_or(self.content_hash(), |of| of.revision_hash.as_str())
    }

    fn ev(&self) -> Evaluator<'_> {
        Evaluator {
            doc: &self.doc,
            c: &self.c,
        }
    }

    /// Decides one request.
    pub fn decide<'a>(&'a self, req: &'a Request) -> Decision<'a> {
        self.run(req, &mut Silent)
    }

    /// Decides one request given as JSON; unreadable input is `invalid_request`.
    pub fn decide_json(&self, text: &str) -> DecisionRecord {
        match Request::from_json(text) {
            Ok(req) => self.decide(&req).record(None),
            Err(_) => Decision::deny(Reason::InvalidRequest, self.revision()).record(None),
        }
    }

    /// Decides one request and says how, step by step, and in words.
    pub fn explain(&self, req: &Request) -> Explanation {
        let mut lines = Lines::default();
        let ev = self.ev();
        let (d, words) = match ev.catalog_permission(&req.permission, &mut lines) {
            None => {
                let d = Decision::deny(Reason::InvalidRequest, self.revision());
                let words = ev.words(&told(&d, lines.why.as_ref()), Some(&req.resource));
                (d, words)
            }
            Some(perm) => {
                let subject = self.resolve::<Lines>(&req.principal, req.actor.as_deref(), req.now);
                let d = subject.decide_traced(perm, &req.resource, req.now, &mut lines);
                let words = subject.words(perm, &d, lines.why.take(), &req.resource);
                (d, words)
            }
        };
        Explanation {
            decision: d.record(None),
            steps: lines.lines,
            words,
        }
    }

    /// [`Policy::explain`] of a request given as JSON: an unreadable one is
    /// `invalid_request`, its one step and its words saying what is wrong.
    pub fn explain_json(&self, text: &str) -> Explanation {
        match Request::from_json(text) {
            Ok(req) => self.explain(&req),
            Err(e) => Explanation {
                decision: Decision::deny(Reason::InvalidRequest, self.revision()).record(None),
                steps: alloc::vec![TraceLine {
                    step: 1,
                    text: alloc::format!("{e}"),
                }],
                words: words::unreadable(&e),
            },
        }
    }

    pub(crate) fn run_traced<'a, T: Trace>(&'a self, req: &'a Request, t: &mut T) -> Decision<'a> {
        self.run(req, t)
    }

    fn run<'a, T: Trace>(&'a self, req: &'a Request, t: &mut T) -> Decision<'a> {
        let Some(perm) = self.ev().catalog_permission(&req.permission, t) else {
            return Decision::deny(Reason::InvalidRequest, self.revision());
        };
        let subject = self.resolve::<T>(&req.principal, req.actor.as_deref(), req.now);
        subject.decide_traced(perm, &req.resource, req.now, t)
    }

    /// Resolves the principal (and actor) once — SPEC §3 steps 2 and 3 — for
    /// deciding many resources: list filtering and player controls.
    pub fn subject<'a>(
        &'a self,
        principal: &str,
        actor: Option<&str>,
        now: Timestamp,
    ) -> Subject<'a> {
        let mut subject = self.resolve::<Silent>(principal, actor, now);
        if subject.resolved.who.is_err() {
            // Refused: walk steps 2–3 again to say why (rare; the common
            // case pays nothing for the words).
            let mut why = Lines::default();
            let _ = self.ev().subject(principal, actor, now, &mut why);
            subject.resolved.why = why.why;
        }
        let holds = |perm: Perm| {
            subject
                .resolved
                .who
                .is_ok_and(|p| self.ev().holds_grant(p, perm))
        };
        subject.list_grants = LIST_PERMS.map(holds);
        subject
    }

    /// Steps 2 and 3 (SPEC §3) for a session — `principal`, with `actor`
    /// acting on their behalf — at `now`: the lines of those steps that every
    /// explanation of its requests tells (the same walk; step 2's resource
    /// half goes between them), which say who the session is before any
    /// permission or resource is asked about ("actor svc may impersonate ann
    /// (…); from here on ann's roles decide"). For a page's banner, in the
    /// core's words.
    pub fn session_steps(
        &self,
        principal: &str,
        actor: Option<&str>,
        now: Timestamp,
    ) -> Vec<TraceLine> {
        self.resolve::<Lines>(principal, actor, now).resolved.lines
    }

    /// Steps 2 and 3, collecting what the trace `T` of the decision wants
    /// of them: their lines and words.
    fn resolve<T: Trace>(
        &self,
        principal: &str,
        actor: Option<&str>,
        now: Timestamp,
    ) -> Subject<'_> {
        let ev = self.ev();
        let resolved = if T::ON {
            let mut lines = Lines::default();
            let who = ev.subject(principal, actor, now, &mut lines);
            Resolved {
                who,
                lines: lines.lines,
                why: lines.why,
            }
        } else {
            Resolved {
                who: ev.subject(principal, actor, now, &mut Silent),
                lines: Vec::new(),
                why: None,
            }
        };
        Subject {
            policy: self,
            resolved,
            // Worked out by `subject` only: a single decision would not use it.
            list_grants: [true; 3],
        }
    }

    /// A recording as this policy reads it, defaults applied.
    pub fn effective(&self, rec: &Recording) -> EffectiveRecording {
        EffectiveRecording {
            divisions: rec
                .divisions
                .clone()
                .unwrap_or_else(|| alloc::vec![String::from("home")]),
            region: rec
                .region
                .clone()
                .unwrap_or_else(|| self.doc.settings.home_region.clone()),
            retention: self.retention(rec),
        }
    }

    /// The ids of every user.
    pub fn user_ids(&self) -> impl Iterator<Item = &str> {
        self.doc.users.iter().map(|(k, _)| k.as_str())
    }

    pub(crate) fn compiled(&self) -> &Compiled {
        &self.c
    }

    /// Whether any grant of `user` for `perm` has a scope covering the resource
    /// (divisions, conditions and denies aside): what a slice must keep.
    pub(crate) fn scope_reaches(&self, user: &str, perm: Perm, r: &Resource) -> bool {
        let Some(&p) = self.c.user_ix.get(user) else {
            return false;
        };
        let Some(u) = self.c.users.get(p as usize) else {
            return false;
        };
        let tg = Target::resolve(&self.c, r);
        u.assignments.iter().any(|a| {
            self.c
                .roles
                .get(a.role as usize)
                .and_then(|role| role.grants.get(perm.index()))
                .is_some_and(|rules| {
                    rules
                        .iter()
                        .filter_map(|ri| self.c.rules.get(*ri as usize))
                        .any(|rule| tg.in_scope(&self.c, rule.scope, p))
                })
        })
    }
}

/// What the words of decision `d` are about.
fn told<'a>(d: &Decision<'_>, why: Option<&'a Why>) -> Told<'a> {
    Told {
        reason: d.reason,
        why,
        redact: d.obligations.redact,
        cascade: d.obligations.cascade.map_or(0, <[String]>::len),
    }
}

/// The permissions [`Subject::visibility`] decides.
const LIST_PERMS: [Perm; 3] = [Perm::RECORDING_VIEW, Perm::SCREEN_VIEW, Perm::METADATA_VIEW];

/// A principal resolved once (steps 2 and 3), for deciding many resources.
#[derive(Debug, Clone)]
pub struct Subject<'p> {
    policy: &'p Policy,
    resolved: Resolved,
    /// For each of [`LIST_PERMS`], whether the principal may hold a grant of
    /// it (`false`: holds none). Without one, step 8 denies it on every
    /// recording (no grant matches), so list filtering need not walk the
    /// steps for it row by row.
    list_grants: [bool; 3],
}

impl<'p> Subject<'p> {
    /// Why this principal can decide nothing, if so (SPEC §3 steps 2–3:
    /// unknown or disabled principal or actor, impersonation refused).
    pub fn refusal(&self) -> Option<Reason> {
        self.resolved.who.err()
    }

    /// [`Subject::refusal`] in words ("svc-us may not act for b-em-1").
    pub fn refusal_words(&self) -> Option<String> {
        let reason = self.refusal()?;
        let told = Told {
            reason,
            why: self.resolved.why.as_ref(),
            redact: false,
            cascade: 0,
        };
        Some(self.policy.ev().words(&told, None))
    }

    /// The policy this principal was resolved in.
    pub(crate) fn policy(&self) -> &'p Policy {
        self.policy
    }

    /// The principal's id, when known and enabled (and any impersonation allowed).
    pub fn principal(&self) -> Option<&'p str> {
        let p = self.resolved.who.ok()?;
        self.policy.c.users.get(p as usize).map(|u| u.id.as_str())
    }

    /// Whether the principal holds any grant of `perm` at all (denies, scopes
    /// and conditions aside); `false` when nobody can decide.
    pub fn holds_grant(&self, perm: Perm) -> bool {
        self.resolved
            .who
            .is_ok_and(|p| self.policy.ev().holds_grant(p, perm))
    }

    /// Decides `permission` on `resource`, exactly as [`Policy::decide`] would
    /// for a request with this principal and actor.
    pub fn decide<'a>(
        &self,
        permission: &str,
        resource: &'a Resource,
        now: Timestamp,
    ) -> Decision<'a>
    where
        'p: 'a,
    {
        match self.policy.ev().catalog_permission(permission, &mut Silent) {
            Some(perm) => self.decide_traced(perm, resource, now, &mut Silent),
            None => Decision::deny(Reason::InvalidRequest, self.policy.revision()),
        }
    }

    /// Decides a catalog permission.
    pub fn decide_perm<'a>(
        &self,
        perm: Perm,
        resource: &'a Resource,
        now: Timestamp,
    ) -> Decision<'a>
    where
        'p: 'a,
    {
        self.decide_traced(perm, resource, now, &mut Silent)
    }

    /// Decides a catalog permission and puts the decision in words. When the
    /// principal holds no grant of the permission at all, the words say so
    /// even where an earlier step (retention, legal hold, a private
    /// annotation, a deny) decided: that is what stands in their way.
    pub fn decide_with_words<'a>(
        &self,
        perm: Perm,
        resource: &'a Resource,
        now: Timestamp,
    ) -> (Decision<'a>, String)
    where
        'p: 'a,
    {
        let mut lines = Lines::default();
        let d = self.decide_traced(perm, resource, now, &mut lines);
        let words = self.words(perm, &d, lines.why, resource);
        (d, words)
    }

    /// The words of decision `d` of `perm`, from what its walk found.
    fn words(&self, perm: Perm, d: &Decision<'_>, why: Option<Why>, resource: &Resource) -> String {
        let held_back = matches!(
            d.reason,
            Reason::Expired | Reason::LegalHold | Reason::PrivateAnnotation | Reason::Denied
        );
        let why = if held_back && !self.holds_grant(perm) {
            Some(Why::NoPermission(perm))
        } else {
            why
        };
        self.policy
            .ev()
            .words(&told(d, why.as_ref()), Some(resource))
    }

    fn decide_traced<'a, T: Trace>(
        &self,
        perm: Perm,
        resource: &'a Resource,
        now: Timestamp,
        t: &mut T,
    ) -> Decision<'a>
    where
        'p: 'a,
    {
        let tg = Target::resolve(self.policy.compiled(), resource);
        let o = self
            .policy
            .ev()
            .decide(&self.resolved, perm, resource, &tg, now, t);
        self.dress(o, resource)
    }

    fn dress<'a>(&self, o: Outcome, resource: &'a Resource) -> Decision<'a>
    where
        'p: 'a,
    {
        let ev = self.policy.ev();
        let grant = o.rule.and_then(|ri| {
            let (role, rule) = ev.rule_def(ri)?;
            Some(RuleRef {
                role,
                permission: &rule.permission,
                scope: &rule.scope,
                deny: o.reason == Reason::Denied,
            })
        });
        Decision {
            allow: o.allowed(),
            reason: o.reason,
            revision: self.policy.revision(),
            grant,
            obligations: Obligations {
                redact: o.redact,
                cascade: if o.cascade {
                    resource.recording().map(|r| r.related.as_slice())
                } else {
                    None
                },
            },
        }
    }

    /// How much of a recording this principal may see in a list: its media
    /// (the media's view permission), its metadata only, or nothing.
    pub fn visibility(&self, rec: &Recording, now: Timestamp) -> RecordingVisibility {
        let Ok(p) = self.resolved.who else {
            return RecordingVisibility::Hidden;
        };
        let tg = Target::recording(rec);
        let ev = self.policy.ev();
        let allowed = |perm: Perm| {
            let granted = LIST_PERMS
                .iter()
                .zip(self.list_grants)
                .find(|(q, _)| **q == perm)
                .map_or(true, |(_, g)| g);
            granted && ev.allowed(p, perm, &tg, now, 0)
        };
        if allowed(tg.media_view()) {
            RecordingVisibility::Media
        } else if allowed(Perm::METADATA_VIEW) {
            RecordingVisibility::Metadata
        } else {
            RecordingVisibility::Hidden
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Direction, Media};

    const POLICY: &str = r#"{
      "schema": "recgate/v1", "revision": "r",
      "settings": { "retentionDays": { "screen": 30, "default": 365 } },
      "prerequisites": { "recording:screenRecording:view": ["recording:recording:view"] },
      "roles": {
        "meta": { "grants": [ { "permission": "recording:metadata:view", "when": { "directions": ["inbound"] } } ] },
        "screen": { "grants": [ { "permission": "recording:screenRecording:view" } ] },
        "both": { "grants": [ { "permission": "recording:recording:view", "scope": "self" },
                              { "permission": "recording:screenRecording:view" } ] },
        "denied": { "grants": [ { "permission": "recording:recording:view" } ],
                    "denies": [ { "permission": "recording:recording:view" } ] },
        "other": { "grants": [ { "permission": "directory:user:view" } ] }
      },
      "users": {
        "meta": { "roles": [ { "role": "meta" } ] },
        "screen": { "roles": [ { "role": "screen" } ] },
        "both": { "roles": [ { "role": "both" }, { "role": "meta" } ] },
        "denied": { "roles": [ { "role": "denied" } ] },
        "other": { "roles": [ { "role": "other" } ] }
      }
    }"#;

    /// RecordingVisibility must be exactly what deciding the media's view permission,
    /// then metadata view, says — also for principals missing some of those
    /// grants, whose rows are decided without walking the steps.
    #[test]
    fn visibility_agrees_with_decide() {
        let policy = Policy::from_json(POLICY).unwrap();
        let now = Timestamp::parse("2026-11-22T12:00:00Z").unwrap();
        let mut recs = Vec::new();
        for media in [None, Some(Media::Audio), Some(Media::Screen)] {
            for direction in [None, Some(Direction::Inbound), Some(Direction::Outbound)] {
                for owner in [None, Some("both"), Some("meta")] {
                    for created in ["2026-11-20T00:00:00Z", "2020-01-01T00:00:00Z"] {
                        recs.push(Recording {
                            id: "r".into(),
                            media,
                            direction,
                            owner: owner.map(String::from),
                            created_at: Timestamp::parse(created),
                            ..Recording::default()
                        });
                    }
                }
            }
        }
        let mut seen = [0usize; 3];
        for user in ["meta", "screen", "both", "denied", "other", "nobody"] {
            let subject = policy.subject(user, None, now);
            for rec in &recs {
                let resource = Resource::Recording(rec.clone());
                let media_perm = if rec.media == Some(Media::Screen) {
                    "recording:screenRecording:view"
                } else {
                    "recording:recording:view"
                };
                let ask = |permission: &str| {
                    let req = Request {
                        principal: user.into(),
                        actor: None,
                        permission: permission.into(),
                        resource: resource.clone(),
                        now,
                    };
                    policy.decide(&req).allow
                };
                let expected = if ask(media_perm) {
                    RecordingVisibility::Media
                } else if ask("recording:metadata:view") {
                    RecordingVisibility::Metadata
                } else {
                    RecordingVisibility::Hidden
                };
                assert_eq!(subject.visibility(rec, now), expected, "{user} {rec:?}");
                seen[expected as usize] += 1;
            }
        }
        assert!(
            seen.iter().all(|n| *n > 0),
            "every outcome occurs: {seen:?}"
        );
    }

    /// A session's steps on their own are its explanations' steps 2 and 3,
    /// for a user, an unknown one and an actor refused.
    #[test]
    fn session_steps_are_the_explanations_steps_2_and_3() {
        let policy = Policy::from_json(POLICY).unwrap();
        let now = Timestamp::parse("2026-11-22T12:00:00Z").unwrap();
        for (principal, actor) in [("meta", None), ("nobody", None), ("meta", Some("screen"))] {
            let req = Request {
                principal: principal.into(),
                actor: actor.map(String::from),
                permission: "recording:recording:view".into(),
                resource: Resource::Recording(Recording::default()),
                now,
            };
            let explained: Vec<TraceLine> = policy
                .explain(&req)
                .steps
                .into_iter()
                .filter(|l| l.step == 2 || l.step == 3)
                .collect();
            assert!(!explained.is_empty());
            assert_eq!(policy.session_steps(principal, actor, now), explained);
        }
    }
}
