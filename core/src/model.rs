//! The validated policy document (SPEC §1) with every default applied. This is
//! the form the linter, the slicer and the compiler read, and the form written
//! back out as JSON (a slice is a policy document too).

use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::{Perm, PermSet};
use crate::json::write_str;

/// A whole policy, valid and with defaults filled in. Maps keep document order.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDoc {
    /// `revision`, reported in every decision.
    pub revision: String,
    /// `settings`.
    pub settings: Settings,
    /// `divisions` (always contains `home`).
    pub divisions: Vec<(String, Division)>,
    /// `groups`.
    pub groups: Vec<(String, Group)>,
    /// `queues`.
    pub queues: Vec<(String, Queue)>,
    /// `views`.
    pub views: Vec<(String, View)>,
    /// `roles`.
    pub roles: Vec<(String, Role)>,
    /// `users`.
    pub users: Vec<(String, User)>,
    /// `prerequisites`: permission → permissions that must be allowed first.
    pub prerequisites: Vec<(Perm, Vec<Perm>)>,
    /// `sliceOf`: present in a principal slice (docs/policy.md, "Slices"):
    /// whose slice it is and the content hash of the policy it was cut from.
    pub slice_of: Option<SliceOf>,
}

/// `sliceOf` of a principal slice: a browser holding the slice compares
/// `revision_hash` with the server's `recgate hash` of the whole policy (the
/// slice's own hash differs: it is another document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliceOf {
    /// The principal the slice was made for.
    pub principal: String,
    /// SHA-256 (hex) of the canonical whole policy the slice was cut from.
    pub revision_hash: String,
}

/// `settings`.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Region of users and recordings that name none.
    pub home_region: String,
    /// Retention of screen recordings, days; `None` keeps them forever.
    pub retention_screen: Option<u32>,
    /// Retention of other recordings, days; `None` keeps them forever.
    pub retention_default: Option<u32>,
    /// Oldest token (by `iat`) the edge accepts, seconds.
    pub token_max_age_seconds: u64,
    /// Whether BPO principals may download.
    pub bpo_export: bool,
    /// `interactions` or `continuous`.
    pub recording_mode: RecordingMode,
    /// Interaction types recorded in `interactions` mode.
    pub interaction_types: Vec<String>,
    /// Whether agents are shown the recording consent notice.
    pub consent_notice: bool,
    /// Overrides of the license tier table: permission pattern → tier.
    pub license_tiers: Vec<(String, Tier)>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            home_region: "us-east-1".into(),
            retention_screen: None,
            retention_default: None,
            token_max_age_seconds: 300,
            bpo_export: false,
            recording_mode: RecordingMode::Interactions,
            interaction_types: ["voice", "chat", "email", "video"]
                .iter()
                .map(|s| String::from(*s))
                .collect(),
            consent_notice: true,
            license_tiers: Vec::new(),
        }
    }
}

/// License tiers, cheapest first (`settings.licenseTiers`; what each costs is
/// [`crate::license`]'s business).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Collaborate: chat and directory.
    Collaborate,
    /// Communicate: a phone, no contact centre.
    Communicate,
    /// CX 1: ACD agent.
    Cx1,
    /// CX 2: supervisor, reporting, administration.
    Cx2,
    /// CX 3: quality management and recordings.
    Cx3,
}

impl Tier {
    /// Every tier, cheapest first.
    pub const ALL: [Tier; 5] = [
        Tier::Collaborate,
        Tier::Communicate,
        Tier::Cx1,
        Tier::Cx2,
        Tier::Cx3,
    ];
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Collaborate => "collaborate",
            Tier::Communicate => "communicate",
            Tier::Cx1 => "cx1",
            Tier::Cx2 => "cx2",
            Tier::Cx3 => "cx3",
        }
    }
    /// Parses the JSON name.
    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// `settings.recordingMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingMode {
    /// Record during interactions only.
    Interactions,
    /// Record everything an agent does ("Record all").
    Continuous,
}

/// A division.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Division {
    /// Display name.
    pub name: Option<String>,
}

/// A group of users.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Group {
    /// Display name.
    pub name: Option<String>,
    /// Member user ids.
    pub members: Vec<String>,
    /// A BPO partner's group.
    pub bpo: bool,
}

/// A queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    /// Display name.
    pub name: Option<String>,
    /// Division id.
    pub division: String,
    /// Member user ids.
    pub members: Vec<String>,
    /// Group ids attached to the queue.
    pub groups: Vec<String>,
}

/// A view: a named set of queues, users and groups.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct View {
    /// Display name.
    pub name: Option<String>,
    /// Queue ids.
    pub queues: Vec<String>,
    /// User ids.
    pub users: Vec<String>,
    /// Group ids.
    pub groups: Vec<String>,
}

/// A role.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Role {
    /// Display name.
    pub name: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Role ids inherited.
    pub inherits: Vec<String>,
    /// A vendor system role.
    pub system: bool,
    /// Grants.
    pub grants: Vec<Rule>,
    /// Denies.
    pub denies: Vec<Rule>,
}

/// A grant or a deny.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The permission or pattern as written.
    pub permission: String,
    /// The catalog entries it matches.
    pub perms: PermSet,
    /// Scope.
    pub scope: Scope,
    /// Conditions.
    pub when: When,
    /// `crossRegion` (grants only).
    pub cross_region: bool,
}

/// A rule's scope (SPEC §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `"all"`
    All,
    /// `"self"`
    Own,
    /// `"assigned"`
    Assigned,
    /// `"lines"`
    Lines,
    /// `{ "group": ID }`
    Group(String),
    /// `{ "view": ID }`
    View(String),
}

/// A rule's `when`: each present list is "any of", all present must hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct When {
    /// Queue ids.
    pub queues: Option<Vec<String>>,
    /// Media.
    pub media: Option<Vec<Media>>,
    /// Directions.
    pub directions: Option<Vec<Direction>>,
}

impl When {
    /// No condition at all.
    pub fn is_empty(&self) -> bool {
        self.queues.is_none() && self.media.is_none() && self.directions.is_none()
    }
}

/// A recording's media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Media {
    /// A call.
    Audio,
    /// An agent's screen.
    Screen,
    /// A chat.
    Chat,
    /// An email.
    Email,
    /// Messaging.
    Messaging,
}

impl Media {
    /// All media, in a fixed order.
    pub const ALL: [Media; 5] = [
        Media::Audio,
        Media::Screen,
        Media::Chat,
        Media::Email,
        Media::Messaging,
    ];
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Media::Audio => "audio",
            Media::Screen => "screen",
            Media::Chat => "chat",
            Media::Email => "email",
            Media::Messaging => "messaging",
        }
    }
    /// Parses the JSON name.
    pub fn parse(s: &str) -> Option<Media> {
        Media::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// A recording's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Inbound.
    Inbound,
    /// Outbound.
    Outbound,
}

impl Direction {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
    /// Parses the JSON name.
    pub fn parse(s: &str) -> Option<Direction> {
        [Direction::Inbound, Direction::Outbound]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// A user or service account.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Display name.
    pub name: Option<String>,
    /// `user` or `service`.
    pub kind: UserKind,
    /// Role assignments.
    pub roles: Vec<Assignment>,
    /// Division id.
    pub division: String,
    /// Region.
    pub region: String,
    /// A BPO partner's user.
    pub bpo: bool,
    /// Phone lines whose recordings `lines` scope reaches.
    pub lines: Vec<String>,
    /// Session ids ended by logout or by an administrator.
    pub revoked_sessions: Vec<String>,
    /// Disabled users are refused everything.
    pub disabled: bool,
}

/// `kind` of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserKind {
    /// A person.
    User,
    /// A service account.
    Service,
}

/// A role assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Role id.
    pub role: String,
    /// Division ids, or `["*"]` for every division.
    pub divisions: Vec<String>,
}

impl Assignment {
    /// Whether the assignment covers every division.
    pub fn all_divisions(&self) -> bool {
        self.divisions.iter().any(|d| d == "*")
    }
}

impl PolicyDoc {
    /// Looks a user up by id.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|(k, _)| k == id).map(|(_, u)| u)
    }
    /// Looks a role up by id.
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|(k, _)| k == id).map(|(_, r)| r)
    }

    /// Role inheritance (SPEC §1), the one place it is written: the role at
    /// `start` (an index into `roles`) and every role it inherits,
    /// transitively, each once — the role itself first, then depth first,
    /// a role's first parent before its second. Validation has already
    /// refused cycles and unknown parents; this walk ends anyway.
    /// `index` finds a role by id: compilation passes its interned table,
    /// [`PolicyDoc::role_chain_of`] a linear search.
    pub fn role_chain(&self, start: usize, index: impl Fn(&str) -> Option<usize>) -> Vec<usize> {
        let mut seen = alloc::vec![false; self.roles.len()];
        let mut order = Vec::new();
        let mut stack = alloc::vec![start];
        while let Some(r) = stack.pop() {
            match seen.get_mut(r) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            order.push(r);
            if let Some((_, role)) = self.roles.get(r) {
                // Reversed so that the first parent is visited first.
                stack.extend(role.inherits.iter().rev().filter_map(|p| index(p)));
            }
        }
        order
    }

    /// [`PolicyDoc::role_chain`] of the role named `role`, as `(id, role)`
    /// pairs; empty when the policy has no such role.
    pub fn role_chain_of(&self, role: &str) -> Vec<(&str, &Role)> {
        let index = |id: &str| self.roles.iter().position(|(k, _)| k == id);
        index(role)
            .map(|start| self.role_chain(start, index))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|i| self.roles.get(i))
            .map(|(k, r)| (k.as_str(), r))
            .collect()
    }

    /// The document as canonical JSON: every field written, defaults explicit,
    /// map keys sorted. Equal documents give equal bytes, which is what
    /// the content hash is taken over.
    pub fn to_json(&self) -> String {
        let mut w = JsonWriter::default();
        w.open('{');
        w.key("schema");
        w.str("recgate/v1");
        w.key("revision");
        w.str(&self.revision);
        w.key("settings");
        write_settings(&mut w, &self.settings);
        w.key("divisions");
        w.map(&self.divisions, |w, d| {
            w.open('{');
            w.opt_str("name", d.name.as_deref());
            w.close('}');
        });
        w.key("groups");
        w.map(&self.groups, |w, g| {
            w.open('{');
            w.opt_str("name", g.name.as_deref());
            w.key("members");
            w.strs(&g.members);
            w.key("bpo");
            w.bool(g.bpo);
            w.close('}');
        });
        w.key("queues");
        w.map(&self.queues, |w, q| {
            w.open('{');
            w.opt_str("name", q.name.as_deref());
            w.key("division");
            w.str(&q.division);
            w.key("members");
            w.strs(&q.members);
            w.key("groups");
            w.strs(&q.groups);
            w.close('}');
        });
        w.key("views");
        w.map(&self.views, |w, v| {
            w.open('{');
            w.opt_str("name", v.name.as_deref());
            w.key("queues");
            w.strs(&v.queues);
            w.key("users");
            w.strs(&v.users);
            w.key("groups");
            w.strs(&v.groups);
            w.close('}');
        });
        w.key("roles");
        w.map(&self.roles, |w, r| {
            w.open('{');
            w.opt_str("name", r.name.as_deref());
            w.opt_str("description", r.description.as_deref());
            w.key("inherits");
            w.strs(&r.inherits);
            w.key("system");
            w.bool(r.system);
            w.key("grants");
            write_rules(w, &r.grants, true);
            w.key("denies");
            write_rules(w, &r.denies, false);
            w.close('}');
        });
        w.key("users");
        w.map(&self.users, |w, u| {
            w.open('{');
            w.opt_str("name", u.name.as_deref());
            w.key("kind");
            w.str(match u.kind {
                UserKind::User => "user",
                UserKind::Service => "service",
            });
            w.key("roles");
            w.open('[');
            for a in &u.roles {
                w.item();
                w.open('{');
                w.key("role");
                w.str(&a.role);
                w.key("divisions");
                w.strs(&a.divisions);
                w.close('}');
            }
            w.close(']');
            w.key("division");
            w.str(&u.division);
            w.key("region");
            w.str(&u.region);
            w.key("bpo");
            w.bool(u.bpo);
            w.key("lines");
            w.strs(&u.lines);
            w.key("revokedSessions");
            w.strs(&u.revoked_sessions);
            w.key("disabled");
            w.bool(u.disabled);
            w.close('}');
        });
        w.key("prerequisites");
        w.open('{');
        let prereqs = &self.prerequisites;
        for (p, list) in key_order(prereqs.iter().map(|(p, _)| p.name()))
            .into_iter()
            .filter_map(|i| prereqs.get(i))
        {
            w.key(p.name());
            w.open('[');
            for q in list {
                w.item();
                w.str(q.name());
            }
            w.close(']');
        }
        w.close('}');
        // Written only in a slice: a policy without it keeps its hash.
        if let Some(of) = &self.slice_of {
            w.key("sliceOf");
            w.open('{');
            w.key("principal");
            w.str(&of.principal);
            w.key("revisionHash");
            w.str(&of.revision_hash);
            w.close('}');
        }
        w.close('}');
        w.out
    }
}

fn write_settings(w: &mut JsonWriter, s: &Settings) {
    w.open('{');
    w.key("homeRegion");
    w.str(&s.home_region);
    if s.retention_screen.is_some() || s.retention_default.is_some() {
        w.key("retentionDays");
        w.open('{');
        if let Some(d) = s.retention_screen {
            w.key("screen");
            w.num(u64::from(d));
        }
        if let Some(d) = s.retention_default {
            w.key("default");
            w.num(u64::from(d));
        }
        w.close('}');
    }
    w.key("tokenMaxAgeSeconds");
    w.num(s.token_max_age_seconds);
    w.key("bpoExport");
    w.bool(s.bpo_export);
    w.key("recordingMode");
    w.str(match s.recording_mode {
        RecordingMode::Interactions => "interactions",
        RecordingMode::Continuous => "continuous",
    });
    w.key("interactionTypes");
    w.strs(&s.interaction_types);
    w.key("consentNotice");
    w.bool(s.consent_notice);
    if !s.license_tiers.is_empty() {
        w.key("licenseTiers");
        w.open('{');
        let tiers = &s.license_tiers;
        for (p, t) in key_order(tiers.iter().map(|(k, _)| k.as_str()))
            .into_iter()
            .filter_map(|i| tiers.get(i))
        {
            w.key(p);
            w.str(t.as_str());
        }
        w.close('}');
    }
    w.close('}');
}

fn write_rules(w: &mut JsonWriter, rules: &[Rule], grants: bool) {
    w.open('[');
    for r in rules {
        w.item();
        w.open('{');
        w.key("permission");
        w.str(&r.permission);
        w.key("scope");
        write_scope(&mut w.out, &r.scope);
        if !r.when.is_empty() {
            w.key("when");
            w.open('{');
            if let Some(q) = &r.when.queues {
                w.key("queues");
                w.strs(q);
            }
            if let Some(m) = &r.when.media {
                w.key("media");
                w.open('[');
                for x in m {
                    w.item();
                    w.str(x.as_str());
                }
                w.close(']');
            }
            if let Some(d) = &r.when.directions {
                w.key("directions");
                w.open('[');
                for x in d {
                    w.item();
                    w.str(x.as_str());
                }
                w.close(']');
            }
            w.close('}');
        }
        if grants && r.cross_region {
            w.key("crossRegion");
            w.bool(true);
        }
        w.close('}');
    }
    w.close(']');
}

/// Writes a scope the way a policy spells it: `"all"` or `{"group":"g"}`.
pub fn write_scope(out: &mut String, s: &Scope) {
    match s {
        Scope::All => write_str(out, "all"),
        Scope::Own => write_str(out, "self"),
        Scope::Assigned => write_str(out, "assigned"),
        Scope::Lines => write_str(out, "lines"),
        Scope::Group(g) => {
            out.push_str("{\"group\":");
            write_str(out, g);
            out.push('}');
        }
        Scope::View(v) => {
            out.push_str("{\"view\":");
            write_str(out, v);
            out.push('}');
        }
    }
}

/// A minimal compact JSON writer that tracks where commas go.
#[derive(Default)]
struct JsonWriter {
    out: String,
    first: Vec<bool>,
}

impl JsonWriter {
    fn open(&mut self, c: char) {
        self.out.push(c);
        self.first.push(true);
    }
    fn close(&mut self, c: char) {
        self.first.pop();
        self.out.push(c);
    }
    fn item(&mut self) {
        if let Some(f) = self.first.last_mut() {
            if !*f {
                self.out.push(',');
            }
            *f = false;
        }
    }
    fn key(&mut self, k: &str) {
        self.item();
        write_str(&mut self.out, k);
        self.out.push(':');
    }
    fn str(&mut self, s: &str) {
        write_str(&mut self.out, s);
    }
    fn bool(&mut self, b: bool) {
        self.out.push_str(if b { "true" } else { "false" });
    }
    fn num(&mut self, n: u64) {
        let _ = core::fmt::Write::write_fmt(&mut self.out, format_args!("{n}"));
    }
    fn strs(&mut self, list: &[String]) {
        self.open('[');
        for s in list {
            self.item();
            self.str(s);
        }
        self.close(']');
    }
    fn opt_str(&mut self, k: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.key(k);
            self.str(v);
        }
    }
    /// Writes a map with its keys sorted: the order of a policy's maps means
    /// nothing, so it must not change the canonical form (or the hash).
    fn map<T>(&mut self, entries: &[(String, T)], mut each: impl FnMut(&mut JsonWriter, &T)) {
        self.open('{');
        for (k, v) in key_order(entries.iter().map(|(k, _)| k.as_str()))
            .into_iter()
            .filter_map(|i| entries.get(i))
        {
            self.key(k);
            each(self, v);
        }
        self.close('}');
    }
}

/// The positions of `keys` in key order. One sort of `(&str, usize)` for
/// every map type: a sort per element type would add a copy of the sort
/// code per map to the WebAssembly builds.
fn key_order<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let mut order: Vec<(&str, usize)> = keys.enumerate().map(|(i, k)| (k, i)).collect();
    order.sort_unstable();
    order.into_iter().map(|(_, i)| i).collect()
}
