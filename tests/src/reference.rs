//! A reference evaluation of SPEC §3, written from the contract alone and
//! deliberately naive: ids stay strings, every rule is walked for every
//! question, nothing is cached or compiled. It shares no code with the
//! core's decision walk (`eval.rs`, `compile.rs`, `target.rs`); only the
//! parsed document and request and the catalog are the core's. The model test
//! (`tests/tests/model.rs`) decides generated traffic with both and with the
//! core's query plans, list filters and slices: a mutant of the core that
//! changes any decision is caught there.

use recgate_core::catalog::Applies;
use recgate_core::model::{PolicyDoc, Rule, Scope, User, When};
use recgate_core::request::AnnotationVisibility;
use recgate_core::{Perm, Recording, Request, Resource, Timestamp};

/// What the reference decides: the fields every target must agree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceVerdict {
    /// The reason code (`allow` when allowed).
    pub reason: &'static str,
    /// The redact obligation.
    pub redact: bool,
    /// The cascade obligation's ids, when it applies.
    pub cascade: Option<Vec<String>>,
    /// The rules SPEC §4's `grant` may name: for an allow, every grant that
    /// passed steps 8 and 9; for `denied`, every deny that matched.
    pub rules: Vec<(String, String, Scope)>,
}

impl ReferenceVerdict {
    fn deny(reason: &'static str) -> ReferenceVerdict {
        ReferenceVerdict {
            reason,
            redact: false,
            cascade: None,
            rules: Vec::new(),
        }
    }
    /// Whether it allows.
    pub fn allow(&self) -> bool {
        self.reason == "allow"
    }
}

/// One rule a user holds, with the divisions of the assignment that gives it.
struct Holding<'d> {
    role: &'d str,
    rule: &'d Rule,
    divisions: &'d [String],
}

/// The reference evaluator over one policy document.
pub struct Reference<'d> {
    doc: &'d PolicyDoc,
}

const DAY_MS: i64 = 86_400_000;

fn named(h: &Holding) -> (String, String, Scope) {
    (
        h.role.to_string(),
        h.rule.permission.clone(),
        h.rule.scope.clone(),
    )
}

fn applies(perm: Perm, res: &Resource) -> bool {
    let rec = match res {
        Resource::Recording(r) => Some(r),
        _ => None,
    };
    let screen = rec.is_some_and(|r| r.media == Some(recgate_core::model::Media::Screen));
    match perm.applies() {
        Applies::CallRecording => rec.is_some() && !screen,
        Applies::ScreenRecording => rec.is_some() && screen,
        Applies::AnyRecording => rec.is_some(),
        Applies::LiveRecording => rec.is_some_and(|r| r.live),
        Applies::Annotation => matches!(res, Resource::Annotation(_)),
        Applies::Schedule => matches!(res, Resource::Schedule(_)),
        Applies::Queue => matches!(res, Resource::Queue(_)),
        Applies::Report => matches!(res, Resource::Report(_)),
        Applies::User => matches!(res, Resource::User(_)),
        Applies::Role => matches!(res, Resource::Role(_)),
    }
}

/// The recording a resource is about (a recording, or an annotation's).
fn recording_of(res: &Resource) -> Option<&Recording> {
    match res {
        Resource::Recording(r) => Some(r),
        Resource::Annotation(a) => Some(&a.recording),
        _ => None,
    }
}

fn media_view(rec: &Recording) -> Perm {
    if rec.media == Some(recgate_core::model::Media::Screen) {
        Perm::SCREEN_VIEW
    } else {
        Perm::RECORDING_VIEW
    }
}

const ACCESS: [Perm; 3] = [Perm::RECORDING_VIEW, Perm::SCREEN_VIEW, Perm::METADATA_VIEW];
const DESTRUCTIVE: [Perm; 4] = [
    Perm::RECORDING_DELETE,
    Perm::SCREEN_DELETE,
    Perm::EDIT_RETENTION,
    Perm::RECORDING_BLACKOUT,
];

impl<'d> Reference<'d> {
    /// The reference over `doc` (defaults applied, as the core parsed it).
    pub fn new(doc: &'d PolicyDoc) -> Reference<'d> {
        Reference { doc }
    }

    fn user(&self, id: &str) -> Option<&'d User> {
        self.doc.users.iter().find(|(k, _)| k == id).map(|(_, u)| u)
    }

    fn members(&self, group: &str) -> Vec<&'d str> {
        self.doc
            .groups
            .iter()
            .filter(|(k, _)| k == group)
            .flat_map(|(_, g)| g.members.iter().map(String::as_str))
            .collect()
    }

    fn in_group(&self, user: Option<&str>, group: &str) -> bool {
        user.is_some_and(|u| self.members(group).contains(&u))
    }

    /// A role's rules and those of every role it inherits, transitively.
    fn role_rules(
        &self,
        role: &str,
        deny: bool,
        seen: &mut Vec<String>,
        out: &mut Vec<(&'d str, &'d Rule)>,
    ) {
        if seen.iter().any(|s| s == role) {
            return;
        }
        seen.push(role.to_string());
        if let Some((id, r)) = self.doc.roles.iter().find(|(k, _)| k == role) {
            out.extend(
                (if deny {
                    r.denies.iter()
                } else {
                    r.grants.iter()
                })
                .map(|rule| (id.as_str(), rule)),
            );
            for parent in &r.inherits {
                self.role_rules(parent, deny, seen, out);
            }
        }
    }

    fn holdings(&self, user: &'d User, deny: bool, perm: Perm) -> Vec<Holding<'d>> {
        let mut out = Vec::new();
        for a in &user.roles {
            let mut rules = Vec::new();
            self.role_rules(&a.role, deny, &mut Vec::new(), &mut rules);
            for (role, rule) in rules {
                if rule.perms.contains(perm) {
                    out.push(Holding {
                        role,
                        rule,
                        divisions: &a.divisions,
                    });
                }
            }
        }
        out
    }

    /// SPEC §2 "Divisions": the resource's divisions, `None` for org-level.
    fn resource_divisions(&self, res: &Resource) -> Option<Vec<String>> {
        let queue_division = |q: &str| {
            self.doc
                .queues
                .iter()
                .find(|(k, _)| k == q)
                .map(|(_, q)| q.division.clone())
        };
        match res {
            Resource::Recording(_) | Resource::Annotation(_) => {
                let rec = recording_of(res)?;
                Some(
                    rec.divisions
                        .clone()
                        .unwrap_or_else(|| vec!["home".to_string()]),
                )
            }
            Resource::Queue(q) => Some(queue_division(&q.id).into_iter().collect()),
            Resource::User(u) => Some(
                self.user(&u.id)
                    .map(|u| u.division.clone())
                    .into_iter()
                    .collect(),
            ),
            Resource::Report(r) => Some(
                r.queue
                    .as_deref()
                    .and_then(queue_division)
                    .or_else(|| {
                        r.user
                            .as_deref()
                            .and_then(|u| self.user(u))
                            .map(|u| u.division.clone())
                    })
                    .into_iter()
                    .collect(),
            ),
            Resource::Role(_) | Resource::Schedule(_) => None,
        }
    }

    fn division_holds(&self, assignment: &[String], res: &Resource) -> bool {
        if assignment.iter().any(|d| d == "*") {
            return true;
        }
        match self.resource_divisions(res) {
            None => true,
            Some(ds) => ds.iter().any(|d| assignment.contains(d)),
        }
    }

    fn view_has(&self, view: &str, f: impl Fn(&recgate_core::model::View) -> bool) -> bool {
        self.doc.views.iter().any(|(k, v)| k == view && f(v))
    }

    fn in_view_people(&self, view: &str, who: Option<&str>) -> bool {
        let Some(who) = who else { return false };
        self.view_has(view, |v| {
            v.users.iter().any(|u| u == who) || v.groups.iter().any(|g| self.in_group(Some(who), g))
        })
    }

    fn in_view_queues(&self, view: &str, queue: Option<&str>) -> bool {
        let Some(q) = queue else { return false };
        self.view_has(view, |v| v.queues.iter().any(|x| x == q))
    }

    /// The SPEC §2 scope table.
    fn scope_holds(&self, scope: &Scope, p: &str, pu: &User, res: &Resource) -> bool {
        if *scope == Scope::All {
            return true;
        }
        match res {
            Resource::Recording(_) | Resource::Annotation(_) => {
                let Some(rec) = recording_of(res) else {
                    return false;
                };
                let owner = rec.owner.as_deref();
                match scope {
                    Scope::All => true,
                    Scope::Own => owner == Some(p),
                    Scope::Assigned => owner == Some(p) || rec.participants.iter().any(|x| x == p),
                    Scope::Lines => rec.line.as_ref().is_some_and(|l| pu.lines.contains(l)),
                    Scope::Group(g) => self.in_group(owner, g),
                    Scope::View(v) => {
                        self.in_view_queues(v, rec.queue.as_deref())
                            || self.in_view_people(v, owner)
                    }
                }
            }
            Resource::Queue(q) => {
                let Some((_, queue)) = self.doc.queues.iter().find(|(k, _)| *k == q.id) else {
                    return false;
                };
                match scope {
                    Scope::Assigned => queue.members.iter().any(|m| m == p),
                    Scope::Group(g) => queue.groups.iter().any(|x| x == g),
                    Scope::View(v) => self.in_view_queues(v, Some(&q.id)),
                    _ => false,
                }
            }
            Resource::User(u) => match scope {
                Scope::Own | Scope::Assigned => u.id == p,
                Scope::Group(g) => self.in_group(Some(&u.id), g),
                Scope::View(v) => self.in_view_people(v, Some(&u.id)),
                _ => false,
            },
            Resource::Report(r) => match scope {
                Scope::Own | Scope::Assigned => r.user.as_deref() == Some(p),
                Scope::Group(g) => self.in_group(r.user.as_deref(), g),
                Scope::View(v) => {
                    self.in_view_queues(v, r.queue.as_deref())
                        || self.in_view_people(v, r.user.as_deref())
                }
                _ => false,
            },
            Resource::Role(_) | Resource::Schedule(_) => false,
        }
    }

    /// SPEC §2 "`when`": every present list holds; an absent attribute fails.
    fn when_holds(&self, w: &When, res: &Resource) -> bool {
        let queue = match res {
            Resource::Recording(_) | Resource::Annotation(_) => {
                recording_of(res).and_then(|r| r.queue.as_deref())
            }
            Resource::Report(r) => r.queue.as_deref(),
            Resource::Queue(q) => Some(q.id.as_str()),
            _ => None,
        };
        let rec = recording_of(res);
        if let Some(qs) = &w.queues {
            if !queue.is_some_and(|q| qs.iter().any(|x| x == q)) {
                return false;
            }
        }
        if let Some(ms) = &w.media {
            if !rec.and_then(|r| r.media).is_some_and(|m| ms.contains(&m)) {
                return false;
            }
        }
        if let Some(ds) = &w.directions {
            if !rec
                .and_then(|r| r.direction)
                .is_some_and(|d| ds.contains(&d))
            {
                return false;
            }
        }
        true
    }

    /// Step 9: the resource's region, if it has one.
    fn region(&self, res: &Resource) -> Option<String> {
        let home = &self.doc.settings.home_region;
        match res {
            Resource::Recording(_) | Resource::Annotation(_) => Some(
                recording_of(res)
                    .and_then(|r| r.region.clone())
                    .unwrap_or_else(|| home.clone()),
            ),
            Resource::User(u) => self.user(&u.id).map(|u| u.region.clone()),
            Resource::Report(r) => r
                .user
                .as_deref()
                .and_then(|u| self.user(u))
                .map(|u| u.region.clone()),
            _ => None,
        }
    }

    /// "X is allowed" (SPEC §3): steps 1 and 4–12, no obligations.
    fn allowed(&self, p: &str, perm: Perm, res: &Resource, now: Timestamp, depth: u32) -> bool {
        depth < 64 && self.steps(p, perm, res, now, depth, false).allow()
    }

    /// Step 1's applicability and steps 4–13 for a known, enabled user.
    fn steps(
        &self,
        p: &str,
        perm: Perm,
        res: &Resource,
        now: Timestamp,
        depth: u32,
        top: bool,
    ) -> ReferenceVerdict {
        if !applies(perm, res) {
            return ReferenceVerdict::deny("invalid_request");
        }
        let Some(pu) = self.user(p) else {
            return ReferenceVerdict::deny("unknown_principal");
        };
        let settings = &self.doc.settings;
        let rec = recording_of(res);
        // 4. Retention.
        if let Some(r) = rec {
            let days =
                r.retention_days
                    .or(if r.media == Some(recgate_core::model::Media::Screen) {
                        settings.retention_screen
                    } else {
                        settings.retention_default
                    });
            if let (false, Some(created), Some(days)) = (r.legal_hold, r.created_at, days) {
                if now.0 >= created.0 + i64::from(days) * DAY_MS {
                    return ReferenceVerdict::deny("expired");
                }
            }
        }
        // 5. Legal hold (recordings, not annotations).
        if let Resource::Recording(r) = res {
            if r.legal_hold && DESTRUCTIVE.contains(&perm) {
                return ReferenceVerdict::deny("legal_hold");
            }
        }
        // 6. Private and own annotations.
        let mut perm = perm;
        if let Resource::Annotation(a) = res {
            let own = a.author.as_deref() == Some(p);
            if a.visibility == AnnotationVisibility::Private && !own {
                return ReferenceVerdict::deny("private_annotation");
            }
            if own && (perm == Perm::ANNOTATION_EDIT || perm == Perm::ANNOTATION_DELETE) {
                perm = Perm::ANNOTATION_ADD;
            }
        }
        // 7. Deny overrides.
        let denies: Vec<(String, String, Scope)> = self
            .holdings(pu, true, perm)
            .into_iter()
            .filter(|h| {
                self.scope_holds(&h.rule.scope, p, pu, res) && self.when_holds(&h.rule.when, res)
            })
            .map(|h| named(&h))
            .collect();
        if !denies.is_empty() {
            return ReferenceVerdict {
                rules: denies,
                ..ReferenceVerdict::deny("denied")
            };
        }
        // 8. Grants: division, then scope, then when.
        let grants = self.holdings(pu, false, perm);
        if grants.is_empty() {
            return ReferenceVerdict::deny("no_permission");
        }
        let in_division: Vec<&Holding> = grants
            .iter()
            .filter(|h| self.division_holds(h.divisions, res))
            .collect();
        if in_division.is_empty() {
            return ReferenceVerdict::deny("out_of_division");
        }
        let in_scope: Vec<&&Holding> = in_division
            .iter()
            .filter(|h| self.scope_holds(&h.rule.scope, p, pu, res))
            .collect();
        if in_scope.is_empty() {
            return ReferenceVerdict::deny("out_of_scope");
        }
        let remaining: Vec<&&&Holding> = in_scope
            .iter()
            .filter(|h| self.when_holds(&h.rule.when, res))
            .collect();
        if remaining.is_empty() {
            return ReferenceVerdict::deny("condition_unmet");
        }
        // 9. Region.
        let mut rules: Vec<(String, String, Scope)> = remaining.iter().map(|h| named(h)).collect();
        if let Some(region) = self.region(res) {
            if region != pu.region {
                let cross: Vec<(String, String, Scope)> = remaining
                    .iter()
                    .filter(|h| h.rule.cross_region)
                    .map(|h| named(h))
                    .collect();
                if cross.is_empty() || perm != Perm::METADATA_VIEW || pu.bpo {
                    return ReferenceVerdict::deny("region");
                }
                rules = cross;
            }
        }
        // 10. Prerequisites.
        for (q, needs) in &self.doc.prerequisites {
            if *q == perm {
                for n in needs {
                    if !self.allowed(p, *n, res, now, depth + 1) {
                        return ReferenceVerdict::deny("prerequisite_missing");
                    }
                }
            }
        }
        // 11. Access to the recording's media.
        match res {
            Resource::Recording(r)
                if !ACCESS.contains(&perm)
                    && !self.allowed(p, media_view(r), res, now, depth + 1) =>
            {
                return ReferenceVerdict::deny("no_access");
            }
            Resource::Annotation(a) => {
                let on = Resource::Recording(a.recording.clone());
                if !self.allowed(p, media_view(&a.recording), &on, now, depth + 1) {
                    return ReferenceVerdict::deny("no_access");
                }
            }
            _ => {}
        }
        // 12. Export.
        let sensitive = matches!(res, Resource::Recording(r) if r.sensitive);
        if perm.name().ends_with(":download") {
            if pu.bpo && !settings.bpo_export {
                return ReferenceVerdict::deny("bpo_restricted");
            }
            if sensitive && !self.allowed(p, Perm::VIEW_SENSITIVE, res, now, depth + 1) {
                return ReferenceVerdict::deny("sensitive");
            }
        }
        // 13. Allow, with obligations for the request itself.
        let mut v = ReferenceVerdict {
            rules,
            ..ReferenceVerdict::deny("allow")
        };
        if top {
            v.redact = (perm == Perm::RECORDING_VIEW || perm == Perm::SCREEN_VIEW)
                && sensitive
                && !self.allowed(p, Perm::VIEW_SENSITIVE, res, now, depth + 1);
            if let Resource::Recording(r) = res {
                if perm == Perm::RECORDING_DELETE && !r.related.is_empty() {
                    v.cascade = Some(r.related.clone());
                }
            }
        }
        v
    }

    /// A whole request, steps 1–13.
    pub fn decide(&self, req: &Request) -> ReferenceVerdict {
        let Some(perm) = Perm::parse(&req.permission) else {
            return ReferenceVerdict::deny("invalid_request");
        };
        if !applies(perm, &req.resource) {
            return ReferenceVerdict::deny("invalid_request");
        }
        let p = req.principal.as_str();
        let actor = req.actor.as_deref().filter(|a| *a != p);
        // 2. Principal, actor, resource.
        let Some(pu) = self.user(p) else {
            return ReferenceVerdict::deny("unknown_principal");
        };
        let au = match actor {
            Some(a) => match self.user(a) {
                Some(u) => Some((a, u)),
                None => return ReferenceVerdict::deny("unknown_principal"),
            },
            None => None,
        };
        if pu.disabled || au.is_some_and(|(_, u)| u.disabled) {
            return ReferenceVerdict::deny("principal_disabled");
        }
        let known_queue = |q: &str| self.doc.queues.iter().any(|(k, _)| k == q);
        let missing = match &req.resource {
            Resource::Queue(q) => !known_queue(&q.id),
            Resource::User(u) => self.user(&u.id).is_none(),
            Resource::Report(r) => {
                r.user.as_deref().is_some_and(|u| self.user(u).is_none())
                    || r.queue.as_deref().is_some_and(|q| !known_queue(q))
            }
            _ => false,
        };
        if missing {
            return ReferenceVerdict::deny("unknown_resource");
        }
        // 3. Impersonation.
        if let Some((a, au)) = au {
            let as_user = Resource::User(recgate_core::request::Named { id: p.to_string() });
            let may = self.allowed(a, Perm::IMPERSONATE, &as_user, req.now, 1);
            if !may || pu.kind == recgate_core::model::UserKind::Service || pu.region != au.region {
                return ReferenceVerdict::deny("impersonation_denied");
            }
        }
        self.steps(p, perm, &req.resource, req.now, 0, true)
    }

    /// List visibility (what `Subject::visibility` and the list filter answer):
    /// the media's view permission, else metadata view, else hidden.
    pub fn visibility(
        &self,
        principal: &str,
        rec: &Recording,
        now: Timestamp,
    ) -> recgate_core::RecordingVisibility {
        let ok = self.user(principal).is_some_and(|u| !u.disabled);
        let res = Resource::Recording(rec.clone());
        if ok && self.allowed(principal, media_view(rec), &res, now, 0) {
            recgate_core::RecordingVisibility::Media
        } else if ok && self.allowed(principal, Perm::METADATA_VIEW, &res, now, 0) {
            recgate_core::RecordingVisibility::Metadata
        } else {
            recgate_core::RecordingVisibility::Hidden
        }
    }
}
