//! A request's resource resolved against the compiled policy once: owner,
//! queue and user ids become indices, so the scope, division, region and
//! `when` tests of every rule are index comparisons.

use alloc::string::String;
use core::cell::Cell;

use crate::catalog::{Applies, Perm};
use crate::compile::{CScope, CWhen, Compiled, Ix};
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

impl TKind {
    /// The resource's `type` (SPEC §2).
    pub fn type_name(self) -> &'static str {
        match self {
            TKind::Recording => "recording",
            TKind::Annotation => "annotation",
            TKind::Queue => "queue",
            TKind::User => "user",
            TKind::Report => "report",
            TKind::Role => "role",
            TKind::Schedule => "schedule",
        }
    }
}

/// How many of a recording's divisions are resolved once, up front.
pub(crate) const INLINE_DIVISIONS: usize = 4;

/// Where a resource's divisions come from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TDivisions<'r> {
    /// A recording's own list (`None`: the default, `["home"]`), more than [`INLINE_DIVISIONS`] long.
    Listed(Option<&'r [String]>),
    /// A recording's divisions resolved to indices up front (unknown ones dropped).
    Resolved([Ix; INLINE_DIVISIONS], u8),
    /// From the policy (queue, user, report).
    One(Ix),
    /// A report naming neither user nor queue: no division.
    Unknown,
    /// Org-level: division checks pass.
    Org,
}

/// A resource, its ids resolved to indices on first use: most decisions end
/// before a scope or condition needs the owner or the queue, and every id
/// lookup is a hash and a probable cache miss.
#[derive(Debug, Clone)]
pub(crate) struct Target<'r> {
    pub kind: TKind,
    pub rec: Option<&'r Recording>,
    pub ann: Option<&'r Annotation>,
    /// Recording owner, user resource, or report user, as named.
    person_id: Option<&'r str>,
    person: Cell<Option<Option<Ix>>>,
    /// Queue of a recording or report, or the queue resource, as named.
    queue_id: Option<&'r str>,
    queue: Cell<Option<Option<Ix>>>,
    /// A recording's divisions as named; resolved on first use into `divisions`.
    division_names: Option<Option<&'r [String]>>,
    divisions: Cell<Option<TDivisions<'r>>>,
}

impl<'r> Target<'r> {
    fn new(
        kind: TKind,
        person_id: Option<&'r str>,
        queue_id: Option<&'r str>,
        divisions: Option<TDivisions<'r>>,
    ) -> Target<'r> {
        Target {
            kind,
            rec: None,
            ann: None,
            person_id,
            person: Cell::new(None),
            queue_id,
            queue: Cell::new(None),
            division_names: None,
            divisions: Cell::new(divisions),
        }
    }

    pub fn resolve(c: &Compiled, res: &'r Resource) -> Target<'r> {
        match res {
            Resource::Recording(r) => Target::recording(r),
            Resource::Annotation(a) => Target {
                kind: TKind::Annotation,
                ann: Some(a),
                ..Target::recording(&a.recording)
            },
            Resource::Queue(q) => {
                let t = Target::new(TKind::Queue, None, Some(&q.id), None);
                let d = t
                    .queue(c)
                    .and_then(|i| c.queues.get(i as usize))
                    .map_or(TDivisions::Unknown, |q| TDivisions::One(q.division));
                t.divisions.set(Some(d));
                t
            }
            Resource::User(u) => Target::user(c, c.user_ix.get(u.id.as_str()).copied(), &u.id),
            Resource::Report(r) => {
                let t = Target::new(TKind::Report, r.user.as_deref(), r.queue.as_deref(), None);
                let d = match (
                    t.queue(c).and_then(|i| c.queues.get(i as usize)),
                    t.person(c).and_then(|i| c.users.get(i as usize)),
                ) {
                    (Some(q), _) => TDivisions::One(q.division),
                    (None, Some(u)) => TDivisions::One(u.division),
                    (None, None) => TDivisions::Unknown,
                };
                t.divisions.set(Some(d));
                t
            }
            Resource::Role(_) => Target::new(TKind::Role, None, None, Some(TDivisions::Org)),
            Resource::Schedule(_) => {
                Target::new(TKind::Schedule, None, None, Some(TDivisions::Org))
            }
        }
    }

    pub fn recording(r: &'r Recording) -> Target<'r> {
        Target {
            rec: Some(r),
            division_names: Some(r.divisions.as_deref()),
            ..Target::new(
                TKind::Recording,
                r.owner.as_deref(),
                r.queue.as_deref(),
                None,
            )
        }
    }

    pub fn user(c: &Compiled, u: Option<Ix>, id: &'r str) -> Target<'r> {
        let divisions = u
            .and_then(|i| c.users.get(i as usize))
            .map_or(TDivisions::Unknown, |u| TDivisions::One(u.division));
        let t = Target::new(TKind::User, Some(id), None, Some(divisions));
        t.person.set(Some(u));
        t
    }

    /// Names what a scope is tested against, for explanations (`owner a-uk-1, queue q-uk`).
    pub fn label(&self) -> String {
        let mut parts = alloc::vec::Vec::new();
        let who = match self.kind {
            TKind::Recording | TKind::Annotation => "owner",
            TKind::Report => "user",
            _ => "user",
        };
        if let Some(p) = self.person_id {
            parts.push(alloc::format!("{who} {p}"));
        }
        if let Some(q) = self.queue_id {
            parts.push(alloc::format!("queue {q}"));
        }
        if parts.is_empty() {
            String::from("the resource")
        } else {
            parts.join(", ")
        }
    }

    /// The recording owner, user or report user, if a known user.
    pub fn person(&self, c: &Compiled) -> Option<Ix> {
        if let Some(p) = self.person.get() {
            return p;
        }
        let p = self.person_id.and_then(|id| c.user_ix.get(id).copied());
        self.person.set(Some(p));
        p
    }

    /// Whether the owner, user or report user is principal `p`.
    fn is_person(&self, c: &Compiled, p: Ix) -> bool {
        match (self.person.get(), self.person_id) {
            (Some(resolved), _) => resolved == Some(p),
            (None, Some(id)) => c.users.get(p as usize).is_some_and(|u| u.id == id),
            (None, None) => false,
        }
    }

    /// The queue of a recording or report, or the queue resource, if known.
    pub fn queue(&self, c: &Compiled) -> Option<Ix> {
        if let Some(q) = self.queue.get() {
            return q;
        }
        let q = self.queue_id.and_then(|id| c.queue_ix.get(id).copied());
        self.queue.set(Some(q));
        q
    }

    fn divisions(&self, c: &Compiled) -> TDivisions<'r> {
        if let Some(d) = self.divisions.get() {
            return d;
        }
        let d = resolve_divisions(c, self.division_names.flatten());
        self.divisions.set(Some(d));
        d
    }

    /// SPEC §6 "applies to", as step 1 checks it.
    pub fn accepts(&self, perm: Perm) -> bool {
        let screen = self.rec.is_some_and(Recording::is_screen);
        match perm.applies() {
            Applies::CallRecording => self.kind == TKind::Recording && !screen,
            Applies::ScreenRecording => self.kind == TKind::Recording && screen,
            Applies::AnyRecording => self.kind == TKind::Recording,
            Applies::LiveRecording => {
                self.kind == TKind::Recording && self.rec.is_some_and(|r| r.live)
            }
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
        let Some(pu) = c.users.get(p as usize) else {
            return false;
        };
        // By the person's id: see `Compiled::group_members`.
        let person_in_group = |g: Ix| {
            self.person_id.is_some_and(|id| {
                c.group_members
                    .get(g as usize)
                    .is_some_and(|m| m.contains(id))
            })
        };
        let in_view = |v: Ix, by_queue: bool, by_person: bool| {
            let Some(view) = c.views.get(v as usize) else {
                return false;
            };
            (by_queue
                && self
                    .queue(c)
                    .is_some_and(|q| view.queues.binary_search(&q).is_ok()))
                || (by_person && self.person_id.is_some_and(|id| view.people.contains(id)))
        };
        match (self.kind, scope) {
            (_, CScope::All) => true,
            (TKind::Role | TKind::Schedule, _) => false,
            (TKind::Recording | TKind::Annotation, s) => {
                let Some(rec) = self.rec else { return false };
                match s {
                    CScope::Own => self.is_person(c, p),
                    CScope::Assigned => self.is_person(c, p) || rec.participants.contains(&pu.id),
                    CScope::Lines => rec.line.as_ref().is_some_and(|l| pu.lines.contains(l)),
                    CScope::Group(g) => person_in_group(g),
                    CScope::View(v) => in_view(v, true, true),
                    CScope::All => true,
                }
            }
            (TKind::Queue, s) => {
                let Some(q) = self.queue(c).and_then(|q| c.queues.get(q as usize)) else {
                    return false;
                };
                match s {
                    CScope::Assigned => q.members.binary_search(&p).is_ok(),
                    CScope::Group(g) => q.groups.binary_search(&g).is_ok(),
                    CScope::View(v) => in_view(v, true, false),
                    _ => false,
                }
            }
            (TKind::User | TKind::Report, s) => match s {
                CScope::Own | CScope::Assigned => self.is_person(c, p),
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
        match self.divisions(c) {
            TDivisions::Org => true,
            TDivisions::Unknown => false,
            TDivisions::One(d) => has(d),
            TDivisions::Resolved(ids, n) => ids.iter().take(usize::from(n)).any(|d| has(*d)),
            TDivisions::Listed(None) => c.division_ix.get("home").is_some_and(|d| has(*d)),
            TDivisions::Listed(Some(names)) => names
                .iter()
                .any(|n| c.division_ix.get(n.as_str()).is_some_and(|d| has(*d))),
        }
    }

    /// Whether a rule's `when` holds; an absent attribute fails its condition.
    pub fn when_holds(&self, c: &Compiled, w: &CWhen) -> bool {
        if let Some(queues) = &w.queues {
            if !self
                .queue(c)
                .is_some_and(|q| queues.binary_search(&q).is_ok())
            {
                return false;
            }
        }
        if let Some(mask) = w.media {
            if !self
                .rec
                .and_then(|r| r.media)
                .is_some_and(|m| mask & crate::compile::media_bit(m) != 0)
            {
                return false;
            }
        }
        if let Some(mask) = w.directions {
            if !self
                .rec
                .and_then(|r| r.direction)
                .is_some_and(|d| mask & (1u8 << (d as u8)) != 0)
            {
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
            TKind::Recording | TKind::Annotation => {
                Some(self.rec.and_then(|r| r.region.as_deref()).unwrap_or(home))
            }
            TKind::User | TKind::Report => self
                .person(c)
                .and_then(|u| c.users.get(u as usize))
                .map(|u| u.region.as_str()),
            TKind::Queue | TKind::Role | TKind::Schedule => None,
        }
    }

    /// The media's view permission (step 11).
    pub fn media_view(&self) -> Perm {
        Perm::media_view(self.rec.is_some_and(Recording::is_screen))
    }
}

fn resolve_divisions<'r>(c: &Compiled, names: Option<&'r [String]>) -> TDivisions<'r> {
    let mut ids = [Ix::MAX; INLINE_DIVISIONS];
    let Some(list) = names else {
        let home = c.division_ix.get("home").copied();
        if let (Some(h), Some(slot)) = (home, ids.first_mut()) {
            *slot = h;
        }
        return TDivisions::Resolved(ids, u8::from(home.is_some()));
    };
    if list.len() > INLINE_DIVISIONS {
        return TDivisions::Listed(names);
    }
    let mut n = 0u8;
    for name in list {
        if let (Some(d), Some(slot)) = (
            c.division_ix.get(name.as_str()),
            ids.get_mut(usize::from(n)),
        ) {
            *slot = *d;
            n += 1;
        }
    }
    TDivisions::Resolved(ids, n)
}
