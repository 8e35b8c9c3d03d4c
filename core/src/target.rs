//! A request's resource resolved against the compiled policy once: owner,
//! queue and user ids become indices, so the scope, division, region and
//! `when` tests of every rule are index comparisons.

use alloc::string::String;

use crate::catalog::{Applies, Perm};
use crate::compile::{CScope, CWhen, Compiled, Ix};
use crate::model::Media;
use crate::request::{Annotation, Recording, Resource};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TKind {
    Recording,
    Annotation,
    Queue,
    User,
    Report,
    Role,
    Schedule,
}

/// Where a resource's divisions come from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TDivisions<'r> {
    /// A recording's own list (`None`: the default, `["home"]`).
    Listed(Option<&'r [String]>),
    /// From the policy (queue, user, report).
    One(Ix),
    /// A report naming neither user nor queue: no division.
    Unknown,
    /// Org-level: division checks pass.
    Org,
}

/// A resolved resource.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'r> {
    pub kind: TKind,
    pub rec: Option<&'r Recording>,
    pub ann: Option<&'r Annotation>,
    /// Recording owner, user resource, or report user, when a known user.
    pub person: Option<Ix>,
    /// Queue of a recording or report, or the queue resource, when known.
    pub queue: Option<Ix>,
    pub divisions: TDivisions<'r>,
}

impl<'r> Target<'r> {
    pub fn resolve(c: &Compiled, res: &'r Resource) -> Target<'r> {
        let user = |id: &str| c.user_ix.get(id).copied();
        let queue = |id: &str| c.queue_ix.get(id).copied();
        match res {
            Resource::Recording(r) => Target::recording(c, r),
            Resource::Annotation(a) => Target { kind: TKind::Annotation, ann: Some(a), ..Target::recording(c, &a.recording) },
            Resource::Queue(q) => {
                let qi = queue(&q.id);
                let divisions = qi.and_then(|i| c.queues.get(i as usize)).map_or(TDivisions::Unknown, |q| TDivisions::One(q.division));
                Target { kind: TKind::Queue, rec: None, ann: None, person: None, queue: qi, divisions }
            }
            Resource::User(u) => Target::user(c, user(&u.id)),
            Resource::Report(r) => {
                let person = r.user.as_deref().and_then(user);
                let qi = r.queue.as_deref().and_then(queue);
                let divisions = match (qi.and_then(|i| c.queues.get(i as usize)), person.and_then(|i| c.users.get(i as usize))) {
                    (Some(q), _) => TDivisions::One(q.division),
                    (None, Some(u)) => TDivisions::One(u.division),
                    (None, None) => TDivisions::Unknown,
                };
                Target { kind: TKind::Report, rec: None, ann: None, person, queue: qi, divisions }
            }
            Resource::Role(_) => Target::org(TKind::Role),
            Resource::Schedule(_) => Target::org(TKind::Schedule),
        }
    }

    pub fn recording(c: &Compiled, r: &'r Recording) -> Target<'r> {
        Target {
            kind: TKind::Recording,
            rec: Some(r),
            ann: None,
            person: r.owner.as_deref().and_then(|o| c.user_ix.get(o).copied()),
            queue: r.queue.as_deref().and_then(|q| c.queue_ix.get(q).copied()),
            divisions: TDivisions::Listed(r.divisions.as_deref()),
        }
    }

    pub fn user(c: &Compiled, u: Option<Ix>) -> Target<'r> {
        let divisions = u.and_then(|i| c.users.get(i as usize)).map_or(TDivisions::Unknown, |u| TDivisions::One(u.division));
        Target { kind: TKind::User, rec: None, ann: None, person: u, queue: None, divisions }
    }

    fn org(kind: TKind) -> Target<'r> {
        Target { kind, rec: None, ann: None, person: None, queue: None, divisions: TDivisions::Org }
    }

    /// SPEC §6 "applies to", as step 1 checks it.
    pub fn accepts(&self, perm: Perm) -> bool {
        let screen = self.rec.is_some_and(Recording::is_screen);
        match perm.applies() {
            Applies::CallRecording => self.kind == TKind::Recording && !screen,
            Applies::ScreenRecording => self.kind == TKind::Recording && screen,
            Applies::AnyRecording => self.kind == TKind::Recording,
            Applies::LiveRecording => self.kind == TKind::Recording && self.rec.is_some_and(|r| r.live),
            Applies::Annotation => self.kind == TKind::Annotation,
            Applies::Schedule => self.kind == TKind::Schedule,
            Applies::Queue => self.kind == TKind::Queue,
            Applies::Report => self.kind == TKind::Report,
            Applies::User => self.kind == TKind::User,
            Applies::Role => self.kind == TKind::Role,
        }
    }

    /// Whether a scope covers this resource for principal `p` (SPEC §2 table).
    pub fn in_scope(&self, c: &Compiled, scope: CScope, p: Ix) -> bool {
        let Some(pu) = c.users.get(p as usize) else { return false };
        let person_in_group = |g: Ix| self.person.and_then(|o| c.users.get(o as usize)).is_some_and(|u| u.groups.binary_search(&g).is_ok());
        let in_view = |v: Ix, by_queue: bool, by_person: bool| {
            let Some(view) = c.views.get(v as usize) else { return false };
            (by_queue && self.queue.is_some_and(|q| view.queues.binary_search(&q).is_ok()))
                || (by_person
                    && self.person.is_some_and(|o| {
                        view.users.binary_search(&o).is_ok()
                            || c.users.get(o as usize).is_some_and(|u| u.groups.iter().any(|g| view.groups.binary_search(g).is_ok()))
                    }))
        };
        match (self.kind, scope) {
            (_, CScope::All) => true,
            (TKind::Role | TKind::Schedule, _) => false,
            (TKind::Recording | TKind::Annotation, s) => {
                let Some(rec) = self.rec else { return false };
                match s {
                    CScope::Own => self.person == Some(p),
                    CScope::Assigned => self.person == Some(p) || rec.participants.contains(&pu.id),
                    CScope::Lines => rec.line.as_ref().is_some_and(|l| pu.lines.contains(l)),
                    CScope::Group(g) => person_in_group(g),
                    CScope::View(v) => in_view(v, true, true),
                    CScope::All => true,
                }
            }
            (TKind::Queue, s) => {
                let Some(q) = self.queue.and_then(|q| c.queues.get(q as usize)) else { return false };
                match s {
                    CScope::Assigned => q.members.binary_search(&p).is_ok(),
                    CScope::Group(g) => q.groups.binary_search(&g).is_ok(),
                    CScope::View(v) => in_view(v, true, false),
                    _ => false,
                }
            }
            (TKind::User | TKind::Report, s) => match s {
                CScope::Own | CScope::Assigned => self.person == Some(p),
                CScope::Group(g) => person_in_group(g),
                CScope::View(v) => in_view(v, self.kind == TKind::Report, true),
                _ => false,
            },
        }
    }

    /// Whether an assignment's divisions (`None`: every division) cover this resource.
    pub fn in_divisions(&self, c: &Compiled, divisions: Option<&[Ix]>) -> bool {
        let Some(list) = divisions else { return true };
        let has = |d: Ix| list.binary_search(&d).is_ok();
        match self.divisions {
            TDivisions::Org => true,
            TDivisions::Unknown => false,
            TDivisions::One(d) => has(d),
            TDivisions::Listed(None) => c.division_ix.get("home").is_some_and(|d| has(*d)),
            TDivisions::Listed(Some(names)) => names.iter().any(|n| c.division_ix.get(n.as_str()).is_some_and(|d| has(*d))),
        }
    }

    /// Whether a rule's `when` holds; an absent attribute fails its condition.
    pub fn when_holds(&self, w: &CWhen) -> bool {
        if let Some(queues) = &w.queues {
            if !self.queue.is_some_and(|q| queues.binary_search(&q).is_ok()) {
                return false;
            }
        }
        if let Some(mask) = w.media {
            if !self.rec.and_then(|r| r.media).is_some_and(|m| mask & crate::compile::media_bit(m) != 0) {
                return false;
            }
        }
        if let Some(mask) = w.directions {
            if !self.rec.and_then(|r| r.direction).is_some_and(|d| mask & (1u8 << (d as u8)) != 0) {
                return false;
            }
        }
        true
    }

    /// The resource's region, if it has one (step 9).
    pub fn region<'a>(&self, c: &'a Compiled, home: &'a str) -> Option<&'a str>
    where
        'r: 'a,
    {
        match self.kind {
            TKind::Recording | TKind::Annotation => Some(self.rec.and_then(|r| r.region.as_deref()).unwrap_or(home)),
            TKind::User | TKind::Report => self.person.and_then(|u| c.users.get(u as usize)).map(|u| u.region.as_str()),
            TKind::Queue | TKind::Role | TKind::Schedule => None,
        }
    }

    /// The media's view permission (step 11).
    pub fn media_view(&self) -> Perm {
        if self.rec.is_some_and(|r| r.media == Some(Media::Screen)) {
            Perm::SCREEN_VIEW
        } else {
            Perm::RECORDING_VIEW
        }
    }
}
