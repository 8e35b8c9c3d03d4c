//! [`Policy`]: a validated, compiled policy and everything that can be asked of
//! it — single decisions, batches for one principal, explanations.

use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::Perm;
use crate::compile::{compile, Compiled, Ix};
use crate::decision::{Decision, DecisionRecord, Obligations, Reason, RuleRef};
use crate::error::PolicyError;
use crate::eval::{Evaluator, Lines, Outcome, Silent, Trace, TraceLine};
use crate::model::PolicyDoc;
use crate::request::{Recording, Request, Resource};
use crate::target::Target;
use crate::time::Timestamp;
use crate::validate::{parse_policy, Limits};

/// A validated and compiled policy. Immutable; share it freely.
#[derive(Debug, Clone)]
pub struct Policy {
    doc: PolicyDoc,
    c: Compiled,
}

/// How much of a recording a principal may see in a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Not at all: leave it out.
    Hidden,
    /// Its metadata, not its media (`recording:metadata:view` only).
    Metadata,
    /// Its media (the media's view permission).
    Media,
}

/// A step-by-step account of one decision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Explanation {
    /// The decision.
    pub decision: DecisionRecord,
    /// What each step found, in order.
    pub steps: Vec<TraceLine>,
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

    /// `revision`.
    pub fn revision(&self) -> &str {
        &self.doc.revision
    }

    /// SHA-256 of the canonical document, hex: equal on every target that
    /// loaded the same policy, whatever its formatting.
    pub fn content_hash(&self) -> &str {
        &self.c.hash
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

    /// Decides one request and says how, step by step.
    pub fn explain(&self, req: &Request) -> Explanation {
        let mut lines = Lines::default();
        let d = self.run(req, &mut lines);
        Explanation {
            decision: d.record(None),
            steps: lines.0,
        }
    }

    pub(crate) fn run_traced<'a, T: Trace>(&'a self, req: &'a Request, t: &mut T) -> Decision<'a> {
        self.run(req, t)
    }

    fn run<'a, T: Trace>(&'a self, req: &'a Request, t: &mut T) -> Decision<'a> {
        let Some(perm) = self.c.perm_ix.get(req.permission.as_str()).copied() else {
            t.line(1, || {
                alloc::format!(
                    "\"{}\" is not a catalog permission (patterns are for policies, not requests)",
                    req.permission
                )
            });
            return Decision::deny(Reason::InvalidRequest, self.revision());
        };
        let subject = self.subject_traced(&req.principal, req.actor.as_deref(), req.now, t);
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
        let mut subject = self.subject_traced(principal, actor, now, &mut Silent);
        let holds = |perm: Perm| {
            subject
                .who
                .ok()
                .and_then(|p| self.c.users.get(p as usize))
                .is_some_and(|u| u.entries(perm).any(|e| !e.deny))
        };
        subject.list_grants = LIST_PERMS.map(holds);
        subject
    }

    fn subject_traced<T: Trace>(
        &self,
        principal: &str,
        actor: Option<&str>,
        now: Timestamp,
        _t: &mut T,
    ) -> Subject<'_> {
        let mut lines = Lines::default();
        let who = if T::ON {
            self.ev().subject(principal, actor, now, &mut lines)
        } else {
            self.ev().subject(principal, actor, now, &mut Silent)
        };
        Subject {
            policy: self,
            who,
            lines: lines.0,
            // Worked out by `subject` only: a single decision would not use it.
            list_grants: [true; 3],
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

/// The permissions [`Subject::visibility`] decides.
const LIST_PERMS: [Perm; 3] = [Perm::RECORDING_VIEW, Perm::SCREEN_VIEW, Perm::METADATA_VIEW];

/// A principal resolved once (steps 2 and 3), for deciding many resources.
#[derive(Debug, Clone)]
pub struct Subject<'p> {
    policy: &'p Policy,
    who: Result<Ix, Reason>,
    lines: Vec<TraceLine>,
    /// For each of [`LIST_PERMS`], whether the principal may hold a grant of
    /// it (`false`: holds none). Without one, step 8 denies it on every
    /// recording (no grant matches), so list filtering need not walk the
    /// steps for it row by row.
    list_grants: [bool; 3],
}

impl<'p> Subject<'p> {
    /// Why this principal can decide nothing, if so.
    pub fn refusal(&self) -> Option<Reason> {
        self.who.err()
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
        match self.policy.c.perm_ix.get(permission).copied() {
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
        let policy = self.policy;
        let c = policy.compiled();
        let tg = Target::resolve(c, resource);
        let deny = |r| Decision::deny(r, policy.revision());
        if !tg.accepts(perm) {
            t.line(1, || {
                alloc::format!(
                    "{perm} does not apply to a {} resource",
                    resource.type_name()
                )
            });
            return deny(Reason::InvalidRequest);
        }
        t.line(1, || {
            alloc::format!(
                "{perm} is a catalog permission and applies to this {}",
                resource.type_name()
            )
        });
        let step2 = self.who.err().filter(|r| r.step() == 2);
        if T::ON {
            for l in self.lines.iter().filter(|l| l.step == 2) {
                t.line(2, || l.text.clone());
            }
        }
        if let Some(r) = step2 {
            return deny(r);
        }
        if let Some(missing) = missing_resource(c, resource) {
            t.line(2, || missing);
            return deny(Reason::UnknownResource);
        }
        if T::ON {
            for l in self.lines.iter().filter(|l| l.step == 3) {
                t.line(3, || l.text.clone());
            }
        }
        let p = match self.who {
            Ok(p) => p,
            Err(r) => return deny(r),
        };
        let o = policy.ev().steps(p, perm, &tg, now, 0, true, t);
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
    pub fn visibility(&self, rec: &Recording, now: Timestamp) -> Visibility {
        let Ok(p) = self.who else {
            return Visibility::Hidden;
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
            Visibility::Media
        } else if allowed(Perm::METADATA_VIEW) {
            Visibility::Metadata
        } else {
            Visibility::Hidden
        }
    }
}

fn missing_resource(c: &Compiled, r: &Resource) -> Option<String> {
    let user = |id: &str| {
        (!c.user_ix.contains_key(id)).then(|| alloc::format!("user {id} is not in the policy"))
    };
    let queue = |id: &str| {
        (!c.queue_ix.contains_key(id)).then(|| alloc::format!("queue {id} is not in the policy"))
    };
    match r {
        Resource::Queue(q) => queue(&q.id),
        Resource::User(u) => user(&u.id),
        Resource::Report(rep) => rep
            .user
            .as_deref()
            .and_then(user)
            .or_else(|| rep.queue.as_deref().and_then(queue)),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
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

    /// Visibility must be exactly what deciding the media's view permission,
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
                    Visibility::Media
                } else if ask("recording:metadata:view") {
                    Visibility::Metadata
                } else {
                    Visibility::Hidden
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
}
