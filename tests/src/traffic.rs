//! Requests aimed at one policy (issue #18): built from the policy's own
//! principals, actors and resources, so that the differentials exercise
//! decisions rather than agree on garbage.
//!
//! Most requests are *aimed*: a principal, one of their effective grants
//! (SPEC §1 role inheritance, with the assignment's divisions), a catalog
//! permission that grant's pattern matches, and a resource of a type that
//! permission applies to (SPEC §6) built to sit inside the grant's scope,
//! divisions, `when` and region (SPEC §2, §3 steps 8–9) and inside retention
//! (step 4). A share of them is then *perturbed* in one attribute (owner,
//! division, region, queue, media, direction, age, legal hold, private
//! annotation, another principal), which is what reaches each deny reason.
//! Some requests impersonate (an actor who holds `directory:user:impersonate`,
//! for a principal inside that grant's scope, or any other actor), some are
//! *unaimed* (any principal, any applicable permission, any resource of the
//! policy) and a controlled share is *malformed* (SPEC §3 step 1).
//!
//! Nothing here predicts a decision: the core decides, and the tests compare
//! targets and count what the traffic exercised (see `tests/cross/`).

use recgate_core::catalog::Applies;
use recgate_core::model::{PolicyDoc, Rule, Scope};
use recgate_core::{Perm, Timestamp};
use serde_json::{json, Value};

use crate::org::Rng;

/// Every media and direction SPEC §2 knows: the values a resource may carry.
pub const MEDIA: [&str; 5] = ["audio", "screen", "chat", "email", "messaging"];
/// Recording directions.
pub const DIRECTIONS: [&str; 2] = ["inbound", "outbound"];

/// Shares of the traffic, in percent of all requests.
#[derive(Debug, Clone, Copy)]
pub struct Mix {
    /// Malformed requests (`invalid_request` by construction).
    pub malformed: u64,
    /// Requests by any principal for any applicable permission on any resource.
    pub unaimed: u64,
    /// Aimed requests that then have one attribute perturbed.
    pub perturbed: u64,
    /// Requests with an actor (impersonation).
    pub impersonating: u64,
}

impl Default for Mix {
    fn default() -> Mix {
        Mix {
            malformed: 5,
            unaimed: 8,
            perturbed: 30,
            impersonating: 14,
        }
    }
}

/// One grant or deny a user holds, through one role assignment.
#[derive(Debug, Clone, Copy)]
struct Held<'p> {
    rule: &'p Rule,
    /// The assignment's divisions; `["*"]` is every division.
    divisions: &'p [String],
}

/// A user of the policy, as the generator needs them.
#[derive(Debug, Clone)]
struct Person<'p> {
    id: &'p str,
    region: &'p str,
    lines: &'p [String],
    disabled: bool,
    grants: Vec<Held<'p>>,
    denies: Vec<Held<'p>>,
}

/// The request generator for one policy.
pub struct Traffic<'p> {
    doc: &'p PolicyDoc,
    people: Vec<Person<'p>>,
    divisions: Vec<&'p str>,
    regions: Vec<&'p str>,
    lines: Vec<&'p str>,
    queues: Vec<&'p str>,
    /// Indices into `people` of users holding an impersonation grant.
    impersonators: Vec<usize>,
    /// Only these permissions (the edge's routes); empty: every catalog entry.
    only: Vec<Perm>,
    mix: Mix,
    now: Timestamp,
}

fn effective<'p>(
    doc: &'p PolicyDoc,
    role: &str,
    deny: bool,
    out: &mut Vec<&'p Rule>,
    seen: &mut Vec<String>,
) {
    if seen.iter().any(|s| s == role) || seen.len() > 64 {
        return;
    }
    seen.push(role.to_string());
    let Some(r) = doc.role(role) else { return };
    out.extend(if deny {
        r.denies.iter()
    } else {
        r.grants.iter()
    });
    for parent in &r.inherits {
        effective(doc, parent, deny, out, seen);
    }
}

fn perms_of(rule: &Rule) -> Vec<Perm> {
    Perm::all().filter(|p| rule.perms.contains(*p)).collect()
}

impl<'p> Traffic<'p> {
    /// A generator over `doc`'s users, groups, queues, views, divisions,
    /// regions and lines, deciding at `now`.
    pub fn new(doc: &'p PolicyDoc, now: Timestamp) -> Traffic<'p> {
        let home = doc.settings.home_region.as_str();
        let people: Vec<Person<'p>> = doc
            .users
            .iter()
            .map(|(id, u)| {
                let mut grants = Vec::new();
                let mut denies = Vec::new();
                for a in &u.roles {
                    for (deny, list) in [(false, &mut grants), (true, &mut denies)] {
                        let mut rules = Vec::new();
                        effective(doc, &a.role, deny, &mut rules, &mut Vec::new());
                        list.extend(rules.into_iter().map(|rule| Held {
                            rule,
                            divisions: a.divisions.as_slice(),
                        }));
                    }
                }
                Person {
                    id: id.as_str(),
                    region: u.region.as_str(),
                    lines: u.lines.as_slice(),
                    disabled: u.disabled,
                    grants,
                    denies,
                }
            })
            .collect();
        let mut divisions: Vec<&str> = doc.divisions.iter().map(|(d, _)| d.as_str()).collect();
        if !divisions.contains(&"home") {
            divisions.push("home");
        }
        let mut regions: Vec<&str> = vec![home];
        for (_, u) in &doc.users {
            if !regions.contains(&u.region.as_str()) {
                regions.push(u.region.as_str());
            }
        }
        if regions.len() < 2 {
            // A second region, so that step 9 has something to refuse.
            regions.push(if home == "eu-west-1" {
                "us-east-1"
            } else {
                "eu-west-1"
            });
        }
        let mut lines: Vec<&str> = Vec::new();
        for (_, u) in &doc.users {
            for l in &u.lines {
                if !lines.contains(&l.as_str()) {
                    lines.push(l.as_str());
                }
            }
        }
        let impersonators = people
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.grants
                    .iter()
                    .any(|g| g.rule.perms.contains(Perm::IMPERSONATE))
            })
            .map(|(i, _)| i)
            .collect();
        Traffic {
            doc,
            people,
            divisions,
            regions,
            lines,
            queues: doc.queues.iter().map(|(q, _)| q.as_str()).collect(),
            impersonators,
            only: Vec::new(),
            mix: Mix::default(),
            now,
        }
    }

    /// Restricts the traffic to these permissions (unknown names are ignored).
    pub fn only(mut self, permissions: &[&str]) -> Traffic<'p> {
        self.only = permissions.iter().filter_map(|p| Perm::parse(p)).collect();
        self
    }

    /// Sets the shares of the traffic.
    pub fn mix(mut self, mix: Mix) -> Traffic<'p> {
        self.mix = mix;
        self
    }

    fn allowed_perm(&self, p: Perm) -> bool {
        self.only.is_empty() || self.only.contains(&p)
    }

    /// One request.
    pub fn request(&self, rng: &mut Rng) -> Value {
        let roll = rng.below(100) as u64;
        let mut req = if roll < self.mix.malformed {
            let base = self.aimed(rng, None);
            return self.malform(base, rng);
        } else if roll < self.mix.malformed + self.mix.unaimed {
            self.unaimed(rng)
        } else {
            let who = self.impersonation(rng);
            let mut r = self.aimed(rng, who.map(|(_, p)| p));
            if rng.chance(self.mix.perturbed) {
                self.perturb(&mut r, rng);
            }
            if let Some((actor, _)) = who {
                r["actor"] = json!(actor);
            }
            r
        };
        // Names the policy does not have (SPEC §3 step 2).
        if rng.chance(2) {
            req[if rng.chance(50) { "principal" } else { "actor" }] = json!("ghost");
        } else if req.get("actor").is_none() && rng.chance(self.mix.impersonating / 3) {
            // Any other actor: mostly refused at step 3, sometimes allowed.
            if let Some(a) = self.any_user(rng) {
                req["actor"] = json!(a);
            }
        }
        req
    }

    /// An (actor, principal index) pair where the actor holds an impersonation
    /// grant whose scope should cover the principal, in `mix.impersonating`
    /// × ⅔ of the requests.
    fn impersonation(&self, rng: &mut Rng) -> Option<(&'p str, usize)> {
        if self.impersonators.is_empty() || !rng.chance(self.mix.impersonating * 2 / 3) {
            return None;
        }
        let a = *pick(rng, &self.impersonators)?;
        let actor = self.people.get(a)?;
        let grants: Vec<&Held> = actor
            .grants
            .iter()
            .filter(|g| g.rule.perms.contains(Perm::IMPERSONATE))
            .collect();
        let g = **pick(rng, &grants)?;
        let target = self.user_in_scope(actor, &g.rule.scope, rng)?;
        let p = self.people.iter().position(|x| x.id == target)?;
        (p != a).then_some((actor.id, p))
    }

    fn any_user(&self, rng: &mut Rng) -> Option<&'p str> {
        pick(rng, &self.people).map(|p| p.id)
    }

    /// A principal index: enabled users mostly (a disabled one decides nothing).
    fn principal(&self, rng: &mut Rng) -> Option<usize> {
        let enabled: Vec<usize> = (0..self.people.len())
            .filter(|i| self.people.get(*i).is_some_and(|p| !p.disabled))
            .collect();
        if enabled.is_empty() || rng.chance(4) {
            (!self.people.is_empty()).then(|| rng.below(self.people.len()))
        } else {
            pick(rng, &enabled).copied()
        }
    }

    /// A request aimed at one of the principal's grants.
    fn aimed(&self, rng: &mut Rng, principal: Option<usize>) -> Value {
        let Some(pi) = principal.or_else(|| self.principal(rng)) else {
            return self.unaimed(rng);
        };
        let Some(person) = self.people.get(pi) else {
            return self.unaimed(rng);
        };
        // Denies are aimed at too, a little, so that `denied` is reached.
        let use_deny = !person.denies.is_empty() && rng.chance(12);
        let pool = if use_deny {
            &person.denies
        } else {
            &person.grants
        };
        let candidates: Vec<(&Held, Vec<Perm>)> = pool
            .iter()
            .map(|h| {
                (
                    h,
                    perms_of(h.rule)
                        .into_iter()
                        .filter(|p| self.allowed_perm(*p))
                        .collect::<Vec<_>>(),
                )
            })
            .filter(|(_, ps)| !ps.is_empty())
            .collect();
        // Deleting a call recording (the cascade obligation) is one permission
        // among dozens: aim at it a little more often.
        let deleting: Vec<&(&Held, Vec<Perm>)> = candidates
            .iter()
            .filter(|(_, ps)| ps.contains(&Perm::RECORDING_DELETE))
            .collect();
        let chosen = if !deleting.is_empty() && rng.chance(8) {
            pick(rng, &deleting).copied()
        } else {
            pick(rng, &candidates)
        };
        let Some((held, perms)) = chosen else {
            return self.unaimed_for(rng, person.id);
        };
        let Some(&perm) = pick(rng, perms) else {
            return self.unaimed_for(rng, person.id);
        };
        // A wide pattern names dozens of permissions: deleting a call
        // recording (the cascade obligation) would be rare among them.
        let perm = if perms.contains(&Perm::RECORDING_DELETE) && rng.chance(30) {
            Perm::RECORDING_DELETE
        } else {
            perm
        };
        // A permission other than the access ones also needs the media's view
        // (step 11): aim the resource at a view grant half of the time.
        let view = if perm.on_recordings() && !perm.is_access() && rng.chance(50) {
            let screen = perm.applies() == Applies::ScreenRecording;
            let views: Vec<&Held> = person
                .grants
                .iter()
                .filter(|h| {
                    h.rule.perms.contains(if screen {
                        Perm::SCREEN_VIEW
                    } else {
                        Perm::RECORDING_VIEW
                    })
                })
                .collect();
            pick(rng, &views).copied()
        } else {
            None
        };
        let resource = self.resource_for(perm, Some((person, view.unwrap_or(held))), rng);
        json!({ "principal": person.id, "permission": perm.name(), "resource": resource, "now": self.now.to_string() })
    }

    /// Any principal, any applicable permission, any resource.
    fn unaimed(&self, rng: &mut Rng) -> Value {
        let who = self.any_user(rng).unwrap_or("nobody");
        self.unaimed_for(rng, who)
    }

    fn unaimed_for(&self, rng: &mut Rng, who: &str) -> Value {
        let perms: Vec<Perm> = Perm::all().filter(|p| self.allowed_perm(*p)).collect();
        let perm = pick(rng, &perms).copied().unwrap_or(Perm::RECORDING_VIEW);
        let resource = self.resource_for(perm, None, rng);
        json!({ "principal": who, "permission": perm.name(), "resource": resource, "now": self.now.to_string() })
    }

    /// A resource `perm` applies to; inside `aim`'s scope, divisions and `when` when given.
    fn resource_for(
        &self,
        perm: Perm,
        aim: Option<(&Person<'p>, &Held<'p>)>,
        rng: &mut Rng,
    ) -> Value {
        match perm.applies() {
            Applies::CallRecording
            | Applies::ScreenRecording
            | Applies::AnyRecording
            | Applies::LiveRecording => {
                let mut r = self.recording(perm, aim, rng);
                r["type"] = json!("recording");
                r
            }
            Applies::Annotation => {
                let rec = self.recording(Perm::RECORDING_VIEW, aim, rng);
                let me = aim.map(|(p, _)| p.id);
                let author = match rng.below(10) {
                    0..=4 => me.or_else(|| self.any_user(rng)),
                    5..=8 => self.any_user(rng),
                    _ => None,
                };
                let private = rng.chance(if author == me { 50 } else { 20 });
                let mut a = json!({ "type": "annotation", "id": "ann-1", "visibility": if private { "private" } else { "public" }, "recording": rec });
                if let Some(author) = author {
                    a["author"] = json!(author);
                }
                a
            }
            Applies::Queue => json!({ "type": "queue", "id": self.queue_for(aim, rng) }),
            Applies::User => {
                let id = match aim {
                    Some((p, h)) => self.user_in_scope(p, &h.rule.scope, rng),
                    None => self.any_user(rng),
                };
                let id = if rng.chance(5) { Some("ghost") } else { id };
                json!({ "type": "user", "id": id.unwrap_or("ghost") })
            }
            Applies::Report => {
                let mut r = json!({ "type": "report" });
                let user = match aim {
                    Some((p, h)) => self.user_in_scope(p, &h.rule.scope, rng),
                    None => self.any_user(rng),
                };
                match rng.below(6) {
                    0 => {}
                    1 | 2 => r["queue"] = json!(self.queue_for(aim, rng)),
                    3 => {
                        r["queue"] = json!(self.queue_for(aim, rng));
                        r["user"] = json!(user);
                    }
                    4 if rng.chance(15) => r["user"] = json!("ghost"),
                    _ => r["user"] = json!(user),
                }
                r
            }
            Applies::Role => json!({ "type": "role", "id": "r0" }),
            Applies::Schedule => json!({ "type": "schedule", "id": "s0" }),
        }
    }

    /// A user id inside `scope` for `person` (as a `user` resource).
    fn user_in_scope(&self, person: &Person<'p>, scope: &Scope, rng: &mut Rng) -> Option<&'p str> {
        let ids: Vec<&'p str> = match scope {
            Scope::Own | Scope::Assigned => vec![person.id],
            Scope::Group(g) => self.group_members(g),
            Scope::View(v) => self
                .doc
                .views
                .iter()
                .filter(|(id, _)| id == v)
                .flat_map(|(_, view)| {
                    view.users
                        .iter()
                        .map(String::as_str)
                        .chain(view.groups.iter().flat_map(|g| self.group_members(g)))
                })
                .collect(),
            Scope::All | Scope::Lines => Vec::new(),
        };
        pick(rng, &ids).copied().or_else(|| self.any_user(rng))
    }

    fn group_members(&self, g: &str) -> Vec<&'p str> {
        self.doc
            .groups
            .iter()
            .filter(|(id, _)| id == g)
            .flat_map(|(_, grp)| grp.members.iter().map(String::as_str))
            .collect()
    }

    /// A queue id: in the aim's scope, `when` and divisions where one is.
    fn queue_for(&self, aim: Option<(&Person<'p>, &Held<'p>)>, rng: &mut Rng) -> &'p str {
        if rng.chance(5) || self.queues.is_empty() {
            return "q-unknown";
        }
        let Some((person, held)) = aim else {
            return pick(rng, &self.queues).copied().unwrap_or("q-unknown");
        };
        let fits: Vec<&'p str> = self
            .doc
            .queues
            .iter()
            .filter(|(id, q)| {
                let scoped = match &held.rule.scope {
                    Scope::All => true,
                    Scope::Assigned => q.members.iter().any(|m| m == person.id),
                    Scope::Group(g) => q.groups.iter().any(|x| x == g),
                    Scope::View(v) => self.view_queues(v).contains(&id.as_str()),
                    Scope::Own | Scope::Lines => false,
                };
                let when = held
                    .rule
                    .when
                    .queues
                    .as_ref()
                    .map_or(true, |qs| qs.iter().any(|x| x == id));
                let division = held.divisions.iter().any(|d| d == "*" || *d == q.division);
                scoped && when && division
            })
            .map(|(id, _)| id.as_str())
            .collect();
        pick(rng, &fits)
            .or_else(|| pick(rng, &self.queues))
            .copied()
            .unwrap_or("q-unknown")
    }

    fn view_queues(&self, v: &str) -> Vec<&'p str> {
        self.doc
            .views
            .iter()
            .filter(|(id, _)| id == v)
            .flat_map(|(_, view)| view.queues.iter().map(String::as_str))
            .collect()
    }

    /// A recording (without `type`) `perm` applies to.
    fn recording(&self, perm: Perm, aim: Option<(&Person<'p>, &Held<'p>)>, rng: &mut Rng) -> Value {
        let when = aim.map(|(_, h)| &h.rule.when);
        // Media: what the permission applies to, and the grant's `when` where it can.
        let fits = |m: &str| match perm.applies() {
            Applies::CallRecording => m != "screen",
            Applies::ScreenRecording => m == "screen",
            _ => true,
        };
        let wanted: Vec<&str> = MEDIA
            .iter()
            .copied()
            .filter(|m| fits(m))
            .filter(|m| {
                when.and_then(|w| w.media.as_ref())
                    .map_or(true, |ms| ms.iter().any(|x| x.as_str() == *m))
            })
            .collect();
        let any: Vec<&str> = MEDIA.iter().copied().filter(|m| fits(m)).collect();
        let media = pick(rng, &wanted)
            .or_else(|| pick(rng, &any))
            .copied()
            .unwrap_or("audio");
        let direction = when
            .and_then(|w| w.directions.as_ref())
            .and_then(|ds| pick(rng, ds).map(|d| d.as_str()))
            .or_else(|| (!rng.chance(10)).then(|| DIRECTIONS[rng.below(2)]));
        let queue = match when.and_then(|w| w.queues.as_ref()) {
            Some(qs) => pick(rng, qs).map(String::as_str),
            None if rng.chance(15) => None,
            None => Some(self.queue_for(aim, rng)),
        };
        let mut owner = self.any_user(rng);
        let mut participants: Vec<&str> = Vec::new();
        let mut line = if rng.chance(30) {
            pick(rng, &self.lines).copied()
        } else {
            None
        };
        let mut queue = queue;
        if let Some((person, held)) = aim {
            match &held.rule.scope {
                Scope::Own => owner = Some(person.id),
                Scope::Assigned => {
                    if rng.chance(50) {
                        owner = Some(person.id);
                    } else {
                        participants.push(person.id);
                    }
                }
                Scope::Lines => line = pick(rng, person.lines).map(String::as_str).or(line),
                Scope::Group(g) => owner = pick(rng, &self.group_members(g)).copied().or(owner),
                Scope::View(v) => {
                    let qs = self.view_queues(v);
                    if !qs.is_empty() && rng.chance(50) {
                        queue = pick(rng, &qs).copied();
                    } else {
                        owner = self.user_in_scope(person, &held.rule.scope, rng);
                    }
                }
                Scope::All => {}
            }
        }
        if rng.chance(40) {
            if let Some(u) = self.any_user(rng) {
                participants.push(u);
            }
        }
        if let Some(o) = owner {
            if rng.chance(70) && !participants.contains(&o) {
                participants.insert(0, o);
            }
        }
        let divisions = self.divisions_for(aim.map(|(_, h)| h.divisions), rng);
        let region = match aim {
            Some((p, _)) if !rng.chance(8) => Some(p.region),
            _ => pick(rng, &self.regions).copied(),
        };
        let region = region.filter(|r| !(*r == self.doc.settings.home_region && rng.chance(30)));
        let mut r = json!({ "id": "rec-1", "media": media, "participants": participants });
        if let Some(d) = direction {
            r["direction"] = json!(d);
        }
        if let Some(o) = owner {
            r["owner"] = json!(o);
        }
        if let Some(q) = queue {
            r["queue"] = json!(q);
        }
        if let Some(d) = divisions {
            r["divisions"] = json!(d);
        }
        if let Some(x) = region {
            r["region"] = json!(x);
        }
        if let Some(l) = line {
            r["line"] = json!(l);
        }
        self.age(&mut r, media, rng, false);
        if rng.chance(6) {
            r["legalHold"] = json!(true);
        }
        if rng.chance(if perm.is_download() { 35 } else { 25 }) {
            r["sensitive"] = json!(true);
        }
        if perm == Perm::CALL_MONITOR || rng.chance(10) {
            r["live"] = json!(true);
        }
        if rng.chance(if perm == Perm::RECORDING_DELETE {
            85
        } else {
            10
        }) {
            let n = 1 + rng.below(2);
            r["related"] = json!((0..n).map(|i| format!("rel-{i}")).collect::<Vec<_>>());
        }
        if rng.chance(5) {
            r["conversationId"] = json!("c-1");
        }
        r
    }

    /// `divisions` for a recording: inside the assignment's where given
    /// (`None`: the attribute left out, meaning `["home"]`).
    fn divisions_for(&self, assignment: Option<&[String]>, rng: &mut Rng) -> Option<Vec<&'p str>> {
        let inside: Vec<&'p str> = match assignment {
            Some(ds) if !ds.iter().any(|d| d == "*") => self
                .divisions
                .iter()
                .copied()
                .filter(|d| ds.iter().any(|x| x == d))
                .collect(),
            _ => self.divisions.clone(),
        };
        let first = pick(rng, &inside)
            .or_else(|| pick(rng, &self.divisions))
            .copied()?;
        if first == "home" && rng.chance(30) {
            return None;
        }
        let mut out = vec![first];
        // Sometimes more: past four, the core reads them without its inline table.
        let extra = match rng.below(10) {
            0..=5 => 0,
            6..=8 => 1,
            _ => 4 + rng.below(2),
        };
        for _ in 0..extra {
            out.push(if rng.chance(20) {
                "d-unknown"
            } else {
                self.divisions[rng.below(self.divisions.len())]
            });
        }
        if extra >= 4 && rng.chance(50) {
            // The assignment's division last, behind four others (repeats
            // included): a reader that looked at only the first four would
            // refuse what the policy allows.
            let others: Vec<&'p str> = self
                .divisions
                .iter()
                .copied()
                .filter(|d| *d != first)
                .collect();
            if !others.is_empty() {
                out = (0..extra)
                    .map(|_| others[rng.below(others.len())])
                    .collect();
                out.push(first);
            }
        }
        Some(out)
    }

    /// `createdAt` (and sometimes `retentionDays`): mostly inside retention.
    fn age(&self, r: &mut Value, media: &str, rng: &mut Rng, expire: bool) {
        let settings = &self.doc.settings;
        let own_days = (rng.chance(15)).then(|| 1 + rng.below(90) as u32);
        let days = own_days.or(if media == "screen" {
            settings.retention_screen
        } else {
            settings.retention_default
        });
        if let Some(d) = own_days {
            r["retentionDays"] = json!(d);
        }
        if !expire && rng.chance(5) {
            if let Some(o) = r.as_object_mut() {
                o.remove("createdAt");
            }
            return;
        }
        let day_ms = 86_400_000i64;
        let ago_ms = match (days, expire) {
            (Some(d), false) => {
                (rng.below(d.max(1) as usize) as i64) * day_ms
                    + rng.below(day_ms as usize / 2) as i64
            }
            (Some(d), true) => (i64::from(d) + rng.below(30) as i64) * day_ms,
            (None, _) => (rng.below(400) as i64) * day_ms,
        };
        r["createdAt"] = json!(Timestamp(self.now.0 - ago_ms).to_string());
    }

    /// Changes one attribute of an aimed request.
    fn perturb(&self, req: &mut Value, rng: &mut Rng) {
        let res = &mut req["resource"];
        let rec_is_screen = |r: &Value| r["media"] == "screen";
        let rec: Option<&mut Value> = match res["type"].as_str() {
            Some("recording") => Some(res),
            Some("annotation") => Some(&mut res["recording"]),
            _ => None,
        };
        let Some(rec) = rec else {
            // Queues, users, reports, org-level: another principal or another id.
            match rng.below(3) {
                0 => req["principal"] = json!(self.any_user(rng)),
                1 if req["resource"]["type"] == "queue" => {
                    req["resource"]["id"] =
                        json!(pick(rng, &self.queues).copied().unwrap_or("q-unknown"))
                }
                _ if req["resource"]["type"] == "user" => {
                    req["resource"]["id"] = json!(self.any_user(rng))
                }
                _ => req["principal"] = json!(self.any_user(rng)),
            }
            return;
        };
        match rng.below(12) {
            0 => rec["owner"] = json!(self.any_user(rng)),
            1 => rec["divisions"] = json!([self.divisions[rng.below(self.divisions.len())]]),
            2 => rec["region"] = json!(self.regions[rng.below(self.regions.len())]),
            3 => rec["queue"] = json!(pick(rng, &self.queues).copied().unwrap_or("q-unknown")),
            4 => {
                // Another media the same permission still applies to.
                let screen = rec_is_screen(rec);
                let others: Vec<&str> = MEDIA
                    .iter()
                    .copied()
                    .filter(|m| (*m == "screen") == screen)
                    .collect();
                rec["media"] = json!(pick(rng, &others).copied().unwrap_or("audio"));
            }
            5 => rec["direction"] = json!(DIRECTIONS[rng.below(2)]),
            6 => {
                let media = rec["media"].as_str().unwrap_or("audio").to_string();
                self.age(rec, &media, rng, true);
            }
            7 => rec["legalHold"] = json!(true),
            8 => rec["sensitive"] = json!(true),
            9 => {
                if req["resource"]["type"] == "annotation" {
                    req["resource"]["visibility"] = json!("private");
                    req["resource"]["author"] = json!(self.any_user(rng));
                } else {
                    req["resource"]["participants"] = json!([]);
                }
            }
            10 => req["principal"] = json!(self.any_user(rng)),
            _ => {
                if let Some(o) = rec.as_object_mut() {
                    for k in ["region", "divisions", "queue", "direction"] {
                        if rng.chance(50) {
                            o.remove(k);
                        }
                    }
                }
            }
        }
    }

    /// One of the ways a request is not a request (SPEC §3 step 1).
    fn malform(&self, mut req: Value, rng: &mut Rng) -> Value {
        match rng.below(10) {
            0 => req["permission"] = json!("recording:*:view"),
            1 => req["permission"] = json!("recording:recording:play"),
            2 => {
                // A permission that does not apply to this resource type.
                let t = req["resource"]["type"].clone();
                req["permission"] = json!(if t == "queue" {
                    "recording:recording:view"
                } else {
                    "routing:queue:view"
                });
            }
            3 => {
                if let Some(o) = req.as_object_mut() {
                    o.remove("now");
                }
            }
            4 => req["now"] = json!("yesterday"),
            5 => req["resource"]["type"] = json!("tape"),
            6 => {
                req["resource"] = json!({ "type": "annotation", "id": "ann-x", "visibility": "public",
                    "recording": { "type": "queue", "id": "rec-x", "media": "audio" } });
                req["permission"] = json!("recording:annotation:view");
            }
            7 => {
                req["resource"] = json!({ "type": "recording", "id": "rec-x", "media": "vhs" });
                req["permission"] = json!("recording:metadata:view");
            }
            8 => req["principal"] = json!(7),
            _ => req["actr"] = json!("u0"),
        }
        req
    }
}

/// A uniformly chosen element.
pub fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        items.get(rng.below(items.len()))
    }
}

/// Roles every organisation has in some form, added to a generated policy so
/// that its traffic reaches the later steps: an agent who sees their own
/// recordings, queues and profile, an exporter (view, download, delete and
/// retention of call and screen recordings: steps 11–13, export, cascade),
/// and at least one role for
/// every user (a user without roles only ever says `no_permission`).
pub fn enrich(doc: &mut Value, rng: &mut Rng) {
    let Some(roles) = doc.get_mut("roles").and_then(Value::as_object_mut) else {
        return;
    };
    roles.insert(
        "agent".into(),
        json!({ "grants": [
            { "permission": "recording:recording:view", "scope": "assigned" },
            { "permission": "recording:screenRecording:view", "scope": "self" },
            { "permission": "recording:annotation:*", "scope": "assigned" },
            { "permission": "routing:queue:view", "scope": "assigned" },
            { "permission": "directory:user:view", "scope": "self" } ] }),
    );
    roles.insert(
        "exporter".into(),
        json!({ "grants": [
            { "permission": "recording:recording:view" },
            { "permission": "recording:screenRecording:view" },
            { "permission": "recording:*:download" },
            { "permission": "recording:recording:delete" },
            { "permission": "recording:recording:editRetention" },
            { "permission": "recording:metadata:view", "crossRegion": true } ] }),
    );
    let role_ids: Vec<String> = roles.keys().cloned().collect();
    if rng.chance(35) {
        // Prerequisites the exporter and the agent do not always meet (step 10).
        let extra = json!({ "conversation:transcript:view": ["recording:metadata:view"],
                            "routing:queue:edit": ["routing:queue:view"],
                            "recording:recording:blackout": ["recording:recording:editRetention"] });
        match doc.get_mut("prerequisites").and_then(Value::as_object_mut) {
            Some(p) => {
                for (k, v) in extra.as_object().into_iter().flatten() {
                    p.entry(k.clone()).or_insert(v.clone());
                }
            }
            None => doc["prerequisites"] = extra,
        }
    }
    let Some(users) = doc.get_mut("users").and_then(Value::as_object_mut) else {
        return;
    };
    for (_, u) in users.iter_mut() {
        // BPO agents who may export are what step 12's bpo_restricted is for.
        let exporter_share = if u["bpo"] == true { 50 } else { 30 };
        let Some(list) = u.get_mut("roles").and_then(Value::as_array_mut) else {
            continue;
        };
        let has = |list: &Vec<Value>, r: &str| list.iter().any(|a| a["role"] == r);
        if rng.chance(70) && !has(list, "agent") {
            list.push(json!({ "role": "agent", "divisions": ["*"] }));
        }
        if rng.chance(exporter_share) && !has(list, "exporter") {
            let divisions = if rng.chance(60) {
                json!(["*"])
            } else {
                json!(["home", "d1"])
            };
            list.push(json!({ "role": "exporter", "divisions": divisions }));
        }
        if list.is_empty() {
            if let Some(r) = pick(rng, &role_ids) {
                list.push(json!({ "role": r, "divisions": ["*"] }));
            }
        }
    }
}

/// Administrators, for the edge's organisation-level routes (opt-in:
/// `recgate-corpus --admins`; the default corpus never has them, so its
/// policies and floors are what they were). Random roles rarely hold the
/// organisation permissions — retention policies, recording settings,
/// recording jobs — nor the unrestricted delete, export, view and monitor
/// a bulk job or a figure over every recording needs (`Policy::bulk`): two
/// users get `records-admin`, two `bulk-admin` — the first assigned to
/// every division, the second to every division or (a restriction a bulk
/// check must refuse) to the home division only. Being unrestricted also
/// means every region the policy knows (SPEC §3 step 9: `crossRegion` is for
/// metadata only), so half of the organisations are single-region: every
/// user in the home region (the traffic still has recordings in a second
/// region). Deterministic for `rng`; nothing else of the policy changes.
pub fn add_admins(doc: &mut Value, rng: &mut Rng) {
    let single_region = rng.chance(50);
    let home = doc["settings"]["homeRegion"]
        .as_str()
        .unwrap_or("us-east-1")
        .to_string();
    let Some(roles) = doc.get_mut("roles").and_then(Value::as_object_mut) else {
        return;
    };
    roles.insert(
        "records-admin".into(),
        json!({ "grants": [
            { "permission": "recording:retentionPolicy:*" },
            { "permission": "recording:settings:*" },
            { "permission": "recording:job:*" } ] }),
    );
    roles.insert(
        "bulk-admin".into(),
        json!({ "grants": [
            { "permission": "recording:recording:*", "crossRegion": true },
            { "permission": "recording:screenRecording:*", "crossRegion": true },
            { "permission": "recording:metadata:view", "crossRegion": true },
            { "permission": "conversation:call:monitor", "crossRegion": true },
            { "permission": "recording:job:*" } ] }),
    );
    let Some(users) = doc.get_mut("users").and_then(Value::as_object_mut) else {
        return;
    };
    if single_region {
        for (_, u) in users.iter_mut() {
            u["region"] = json!(home);
        }
    }
    let ids: Vec<String> = users.keys().cloned().collect();
    for role in ["records-admin", "bulk-admin"] {
        let first = rng.below(ids.len());
        let second = (first + 1 + rng.below(ids.len().max(2) - 1)) % ids.len().max(1);
        for (n, at) in [first, second].into_iter().enumerate() {
            let divisions = if n == 0 || rng.chance(50) {
                json!(["*"])
            } else {
                json!(["home"])
            };
            if let Some(list) = ids
                .get(at)
                .and_then(|id| users.get_mut(id))
                .and_then(|u| u.get_mut("roles"))
                .and_then(Value::as_array_mut)
            {
                list.push(json!({ "role": role, "divisions": divisions }));
            }
        }
    }
}

/// The corpus's policies, deterministic for a seed: `gen::policy` drawn by a
/// ChaCha-seeded proptest runner, each [`enrich`]ed, with the generator its
/// requests are drawn from.
pub fn policies(seed: u64) -> impl Iterator<Item = (Value, Rng)> {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &key),
    );
    (0u64..).map_while(move |n| {
        let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(n));
        let mut doc = crate::gen::policy().new_tree(&mut runner).ok()?.current();
        enrich(&mut doc, &mut rng);
        Some((doc, rng))
    })
}
