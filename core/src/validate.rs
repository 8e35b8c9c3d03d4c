//! Validation (SPEC §1): a JSON document becomes a [`PolicyDoc`] or a list of
//! every problem in it. Unknown and duplicate keys, wrong types, dangling
//! references, unknown permissions and cycles are all reported with a JSON
//! pointer, so a typo can never silently widen or narrow access.

use crate::compile::{HashMap, HashSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::{is_pattern, Perm, PermSet, CATALOG};
use crate::error::{PolicyError, ValidationError};
use crate::json::{Json, Pointer};
use crate::model::*;

/// Limits on what a policy document may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted document, bytes (default 16 MiB).
    pub max_bytes: usize,
    /// Longest role inheritance chain (default 32).
    pub max_inheritance_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 16 * 1024 * 1024,
            max_inheritance_depth: 32,
        }
    }
}

/// Parses and validates a policy document.
pub fn parse_policy(text: &str, limits: &Limits) -> Result<PolicyDoc, PolicyError> {
    if text.len() > limits.max_bytes {
        return Err(one(
            "",
            format!(
                "document is {} bytes, over the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
        ));
    }
    let json = Json::parse(text).map_err(|e| one("", format!("not valid JSON: {e}")))?;
    validate_json(&json, limits)
}

/// Validates an already parsed document.
pub fn validate_json(json: &Json, limits: &Limits) -> Result<PolicyDoc, PolicyError> {
    let mut v = Validator { errors: Vec::new() };
    let doc = v.document(json, limits);
    match doc {
        Some(doc) if v.errors.is_empty() => Ok(doc),
        _ => Err(PolicyError { errors: v.errors }),
    }
}

fn one(path: &str, message: String) -> PolicyError {
    PolicyError {
        errors: alloc::vec![ValidationError {
            path: path.into(),
            message
        }],
    }
}

struct Validator {
    errors: Vec<ValidationError>,
}

type Members<'a> = &'a [(String, Json)];

impl Validator {
    fn err(&mut self, path: &Pointer, message: impl Into<String>) {
        self.errors.push(ValidationError {
            path: path.as_str().into(),
            message: message.into(),
        });
    }

    /// Checks that `v` is an object with only `allowed` keys, each once.
    fn object<'a>(&mut self, v: &'a Json, path: &Pointer, allowed: &[&str]) -> Option<Members<'a>> {
        let Json::Obj(members) = v else {
            self.err(path, format!("expected an object, found {}", v.kind()));
            return None;
        };
        let mut seen: HashSet<&str> = HashSet::default();
        for (k, _) in members {
            if !seen.insert(k.as_str()) {
                self.err(&path.key(k), format!("duplicate key \"{k}\""));
            } else if !allowed.is_empty() && !allowed.contains(&k.as_str()) {
                self.err(
                    &path.key(k),
                    format!(
                        "unknown field \"{k}\" (expected one of: {})",
                        allowed.join(", ")
                    ),
                );
            }
        }
        Some(members)
    }

    /// A map object (any keys, each once), entries in document order.
    fn map<'a>(&mut self, v: Option<&'a Json>, path: &Pointer) -> Members<'a> {
        match v {
            None => &[],
            Some(v) => self.object(v, path, &[]).unwrap_or(&[]),
        }
    }

    fn string(&mut self, v: &Json, path: &Pointer) -> Option<String> {
        match v {
            Json::Str(s) => Some(s.clone()),
            other => {
                self.err(path, format!("expected a string, found {}", other.kind()));
                None
            }
        }
    }

    fn id(&mut self, v: &Json, path: &Pointer) -> Option<String> {
        let s = self.string(v, path)?;
        self.check_id(&s, path);
        Some(s)
    }

    fn check_id(&mut self, s: &str, path: &Pointer) {
        if s.is_empty() {
            self.err(path, "an id must not be empty");
        } else if s.len() > 256 {
            self.err(path, "an id must be at most 256 bytes");
        } else if s.chars().any(char::is_control) {
            self.err(path, "an id must not contain control characters");
        }
    }

    fn boolean(&mut self, v: Option<&Json>, path: &Pointer, default: bool) -> bool {
        match v {
            None => default,
            Some(Json::Bool(b)) => *b,
            Some(other) => {
                self.err(
                    path,
                    format!("expected true or false, found {}", other.kind()),
                );
                default
            }
        }
    }

    fn count(&mut self, v: &Json, path: &Pointer, max: i64) -> Option<i64> {
        match v {
            Json::Int(n) if (0..=max).contains(n) => Some(*n),
            Json::Int(_) => {
                self.err(path, format!("expected a whole number from 0 to {max}"));
                None
            }
            other => {
                self.err(
                    path,
                    format!("expected a whole number, found {}", other.kind()),
                );
                None
            }
        }
    }

    fn id_list(&mut self, v: Option<&Json>, path: &Pointer) -> Vec<String> {
        let Some(v) = v else { return Vec::new() };
        let Json::Arr(items) = v else {
            self.err(
                path,
                format!("expected an array of ids, found {}", v.kind()),
            );
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Some(s) = self.id(item, &path.index(i)) {
                if out.contains(&s) {
                    self.err(&path.index(i), format!("\"{s}\" is listed twice"));
                } else {
                    out.push(s);
                }
            }
        }
        out
    }

    fn opt_text(&mut self, v: Option<&Json>, path: &Pointer) -> Option<String> {
        v.and_then(|v| self.string(v, path))
    }

    fn document(&mut self, json: &Json, limits: &Limits) -> Option<PolicyDoc> {
        let root = Pointer::root();
        let m = self.object(
            json,
            &root,
            &[
                "schema",
                "revision",
                "settings",
                "divisions",
                "groups",
                "queues",
                "views",
                "roles",
                "users",
                "prerequisites",
            ],
        )?;
        match get(m, "schema") {
            Some(Json::Str(s)) if s == "recgate/v1" => {}
            Some(Json::Str(s)) => self.err(
                &root.key("schema"),
                format!("unsupported schema \"{s}\" (expected \"recgate/v1\")"),
            ),
            Some(other) => self.err(
                &root.key("schema"),
                format!("expected \"recgate/v1\", found {}", other.kind()),
            ),
            None => self.err(
                &root.key("schema"),
                "missing required field \"schema\" (\"recgate/v1\")",
            ),
        }
        let revision = match get(m, "revision") {
            Some(v) => {
                let r = self.string(v, &root.key("revision")).unwrap_or_default();
                if r.is_empty() || r.len() > 256 || r.chars().any(char::is_control) {
                    self.err(
                        &root.key("revision"),
                        "revision must be 1 to 256 printable characters",
                    );
                }
                r
            }
            None => {
                self.err(&root.key("revision"), "missing required field \"revision\"");
                String::new()
            }
        };
        let settings = self.settings(get(m, "settings"), &root.key("settings"));
        let mut divisions = Vec::new();
        let dp = root.key("divisions");
        for (k, v) in self.map(get(m, "divisions"), &dp) {
            let p = dp.key(k);
            self.check_id(k, &p);
            if k == "*" {
                self.err(
                    &p,
                    "\"*\" is reserved for \"every division\" in role assignments",
                );
            }
            if let Some(o) = self.object(v, &p, &["name", "description"]) {
                divisions.push((
                    k.clone(),
                    Division {
                        name: self.opt_text(get(o, "name"), &p.key("name")),
                    },
                ));
            }
        }
        if !divisions.iter().any(|(k, _)| k == "home") {
            divisions.insert(0, ("home".into(), Division::default()));
        }
        let mut groups = Vec::new();
        let gp = root.key("groups");
        for (k, v) in self.map(get(m, "groups"), &gp) {
            let p = gp.key(k);
            self.check_id(k, &p);
            if let Some(o) = self.object(v, &p, &["name", "description", "members", "bpo"]) {
                groups.push((
                    k.clone(),
                    Group {
                        name: self.opt_text(get(o, "name"), &p.key("name")),
                        members: self.id_list(get(o, "members"), &p.key("members")),
                        bpo: self.boolean(get(o, "bpo"), &p.key("bpo"), false),
                    },
                ));
            }
        }
        let mut queues = Vec::new();
        let qp = root.key("queues");
        for (k, v) in self.map(get(m, "queues"), &qp) {
            let p = qp.key(k);
            self.check_id(k, &p);
            if let Some(o) = self.object(
                v,
                &p,
                &["name", "description", "division", "members", "groups"],
            ) {
                let division = get(o, "division")
                    .and_then(|d| self.id(d, &p.key("division")))
                    .unwrap_or_else(|| "home".into());
                queues.push((
                    k.clone(),
                    Queue {
                        name: self.opt_text(get(o, "name"), &p.key("name")),
                        division,
                        members: self.id_list(get(o, "members"), &p.key("members")),
                        groups: self.id_list(get(o, "groups"), &p.key("groups")),
                    },
                ));
            }
        }
        let mut views = Vec::new();
        let vp = root.key("views");
        for (k, v) in self.map(get(m, "views"), &vp) {
            let p = vp.key(k);
            self.check_id(k, &p);
            if let Some(o) =
                self.object(v, &p, &["name", "description", "queues", "users", "groups"])
            {
                views.push((
                    k.clone(),
                    View {
                        name: self.opt_text(get(o, "name"), &p.key("name")),
                        queues: self.id_list(get(o, "queues"), &p.key("queues")),
                        users: self.id_list(get(o, "users"), &p.key("users")),
                        groups: self.id_list(get(o, "groups"), &p.key("groups")),
                    },
                ));
            }
        }
        let mut roles = Vec::new();
        let rp = root.key("roles");
        for (k, v) in self.map(get(m, "roles"), &rp) {
            let p = rp.key(k);
            self.check_id(k, &p);
            if let Some(o) = self.object(
                v,
                &p,
                &[
                    "name",
                    "description",
                    "inherits",
                    "system",
                    "grants",
                    "denies",
                ],
            ) {
                roles.push((
                    k.clone(),
                    Role {
                        name: self.opt_text(get(o, "name"), &p.key("name")),
                        description: self.opt_text(get(o, "description"), &p.key("description")),
                        inherits: self.id_list(get(o, "inherits"), &p.key("inherits")),
                        system: self.boolean(get(o, "system"), &p.key("system"), false),
                        grants: self.rules(get(o, "grants"), &p.key("grants"), true),
                        denies: self.rules(get(o, "denies"), &p.key("denies"), false),
                    },
                ));
            }
        }
        let mut users = Vec::new();
        let up = root.key("users");
        for (k, v) in self.map(get(m, "users"), &up) {
            let p = up.key(k);
            self.check_id(k, &p);
            if let Some(u) = self.user(v, &p, &settings) {
                users.push((k.clone(), u));
            }
        }
        let prerequisites = self.prerequisites(get(m, "prerequisites"), &root.key("prerequisites"));
        let doc = PolicyDoc {
            revision,
            settings,
            divisions,
            groups,
            queues,
            views,
            roles,
            users,
            prerequisites,
        };
        self.references(&doc);
        self.inheritance(&doc, limits);
        self.prerequisite_cycles(&doc);
        Some(doc)
    }

    fn settings(&mut self, v: Option<&Json>, p: &Pointer) -> Settings {
        let mut s = Settings::default();
        let Some(v) = v else { return s };
        let Some(o) = self.object(
            v,
            p,
            &[
                "homeRegion",
                "retentionDays",
                "tokenMaxAgeSeconds",
                "bpoExport",
                "recordingMode",
                "interactionTypes",
                "consentNotice",
                "licenseTiers",
            ],
        ) else {
            return s;
        };
        if let Some(r) = get(o, "homeRegion").and_then(|r| self.id(r, &p.key("homeRegion"))) {
            s.home_region = r;
        }
        if let Some(rd) = get(o, "retentionDays") {
            let rp = p.key("retentionDays");
            if let Some(ro) = self.object(rd, &rp, &["screen", "default"]) {
                s.retention_screen = get(ro, "screen")
                    .and_then(|d| self.count(d, &rp.key("screen"), 36_500))
                    .and_then(|d| u32::try_from(d).ok());
                s.retention_default = get(ro, "default")
                    .and_then(|d| self.count(d, &rp.key("default"), 36_500))
                    .and_then(|d| u32::try_from(d).ok());
            }
        }
        if let Some(t) = get(o, "tokenMaxAgeSeconds")
            .and_then(|t| self.count(t, &p.key("tokenMaxAgeSeconds"), 31_536_000))
        {
            s.token_max_age_seconds = u64::try_from(t).unwrap_or(0);
        }
        s.bpo_export = self.boolean(get(o, "bpoExport"), &p.key("bpoExport"), false);
        s.consent_notice = self.boolean(get(o, "consentNotice"), &p.key("consentNotice"), true);
        if let Some(mode) = get(o, "recordingMode") {
            match self.string(mode, &p.key("recordingMode")).as_deref() {
                Some("interactions") => s.recording_mode = RecordingMode::Interactions,
                Some("continuous") => s.recording_mode = RecordingMode::Continuous,
                Some(other) => self.err(&p.key("recordingMode"), format!("unknown recording mode \"{other}\" (expected \"interactions\" or \"continuous\")")),
                None => {}
            }
        }
        if let Some(types) = get(o, "interactionTypes") {
            let tp = p.key("interactionTypes");
            let list = self.id_list(Some(types), &tp);
            for (i, t) in list.iter().enumerate() {
                if !["voice", "chat", "email", "video"].contains(&t.as_str()) {
                    self.err(&tp.index(i), format!("unknown interaction type \"{t}\" (expected voice, chat, email or video)"));
                }
            }
            s.interaction_types = list;
        }
        let lp = p.key("licenseTiers");
        for (k, v) in self.map(get(o, "licenseTiers"), &lp) {
            let kp = lp.key(k);
            self.permission_pattern(k, &kp);
            match self.string(v, &kp).as_deref().map(|t| (t, Tier::parse(t))) {
                Some((_, Some(t))) => s.license_tiers.push((k.clone(), t)),
                Some((t, None)) => self.err(
                    &kp,
                    format!(
                        "unknown tier \"{t}\" (expected collaborate, communicate, cx1, cx2 or cx3)"
                    ),
                ),
                None => {}
            }
        }
        s
    }

    fn user(&mut self, v: &Json, p: &Pointer, settings: &Settings) -> Option<User> {
        let o = self.object(
            v,
            p,
            &[
                "name",
                "description",
                "kind",
                "roles",
                "division",
                "region",
                "bpo",
                "lines",
                "revokedSessions",
                "disabled",
            ],
        )?;
        let kind = match get(o, "kind").map(|k| self.string(k, &p.key("kind"))) {
            None | Some(None) => Kind::User,
            Some(Some(k)) if k == "user" => Kind::User,
            Some(Some(k)) if k == "service" => Kind::Service,
            Some(Some(k)) => {
                self.err(
                    &p.key("kind"),
                    format!("unknown kind \"{k}\" (expected \"user\" or \"service\")"),
                );
                Kind::User
            }
        };
        let mut roles = Vec::new();
        if let Some(list) = get(o, "roles") {
            let rp = p.key("roles");
            match list {
                Json::Arr(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let ip = rp.index(i);
                        if let Some(a) = self.object(item, &ip, &["role", "divisions"]) {
                            let role = match get(a, "role") {
                                Some(r) => self.id(r, &ip.key("role")),
                                None => {
                                    self.err(&ip, "missing required field \"role\"");
                                    None
                                }
                            };
                            let divisions = match get(a, "divisions") {
                                None => alloc::vec!["home".into()],
                                Some(d) => self.id_list(Some(d), &ip.key("divisions")),
                            };
                            if let Some(role) = role {
                                roles.push(Assignment { role, divisions });
                            }
                        }
                    }
                }
                other => self.err(
                    &rp,
                    format!(
                        "expected an array of role assignments, found {}",
                        other.kind()
                    ),
                ),
            }
        }
        Some(User {
            name: self.opt_text(get(o, "name"), &p.key("name")),
            kind,
            roles,
            division: get(o, "division")
                .and_then(|d| self.id(d, &p.key("division")))
                .unwrap_or_else(|| "home".into()),
            region: get(o, "region")
                .and_then(|d| self.id(d, &p.key("region")))
                .unwrap_or_else(|| settings.home_region.clone()),
            bpo: self.boolean(get(o, "bpo"), &p.key("bpo"), false),
            lines: self.id_list(get(o, "lines"), &p.key("lines")),
            revoked_sessions: self.id_list(get(o, "revokedSessions"), &p.key("revokedSessions")),
            disabled: self.boolean(get(o, "disabled"), &p.key("disabled"), false),
        })
    }

    fn rules(&mut self, v: Option<&Json>, p: &Pointer, grants: bool) -> Vec<Rule> {
        let Some(v) = v else { return Vec::new() };
        let Json::Arr(items) = v else {
            self.err(p, format!("expected an array, found {}", v.kind()));
            return Vec::new();
        };
        let allowed: &[&str] = if grants {
            &["permission", "scope", "when", "crossRegion"]
        } else {
            &["permission", "scope", "when"]
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let ip = p.index(i);
            let Some(o) = self.object(item, &ip, allowed) else {
                continue;
            };
            let Some(permission) = (match get(o, "permission") {
                Some(s) => self.string(s, &ip.key("permission")),
                None => {
                    self.err(&ip, "missing required field \"permission\"");
                    None
                }
            }) else {
                continue;
            };
            let perms = self.permission_pattern(&permission, &ip.key("permission"));
            let scope = match get(o, "scope") {
                None => Scope::All,
                Some(s) => self.scope(s, &ip.key("scope")),
            };
            let when = match get(o, "when") {
                None => When::default(),
                Some(w) => self.when(w, &ip.key("when")),
            };
            let cross_region = self.boolean(get(o, "crossRegion"), &ip.key("crossRegion"), false);
            out.push(Rule {
                permission,
                perms,
                scope,
                when,
                cross_region,
            });
        }
        out
    }

    fn permission_pattern(&mut self, s: &str, p: &Pointer) -> PermSet {
        let set = PermSet::matching(s);
        if set.is_empty() {
            let hint = suggest(s)
                .map(|h| format!(" (did you mean \"{h}\"?)"))
                .unwrap_or_default();
            if is_pattern(s) {
                self.err(
                    p,
                    format!("permission pattern \"{s}\" matches no catalog permission{hint}"),
                );
            } else {
                self.err(p, format!("unknown permission \"{s}\"{hint}"));
            }
        }
        set
    }

    fn scope(&mut self, v: &Json, p: &Pointer) -> Scope {
        match v {
            Json::Str(s) => match s.as_str() {
                "all" => Scope::All,
                "self" => Scope::Own,
                "assigned" => Scope::Assigned,
                "lines" => Scope::Lines,
                other => {
                    self.err(p, format!("unknown scope \"{other}\" (expected \"all\", \"self\", \"assigned\", \"lines\", {{\"group\": ID}} or {{\"view\": ID}})"));
                    Scope::All
                }
            },
            Json::Obj(_) => {
                let Some(o) = self.object(v, p, &["group", "view"]) else {
                    return Scope::All;
                };
                match (get(o, "group"), get(o, "view")) {
                    (Some(g), None) => self.id(g, &p.key("group")).map_or(Scope::All, Scope::Group),
                    (None, Some(w)) => self.id(w, &p.key("view")).map_or(Scope::All, Scope::View),
                    _ => {
                        self.err(p, "a scope object has exactly one of \"group\" or \"view\"");
                        Scope::All
                    }
                }
            }
            other => {
                self.err(p, format!("expected a scope, found {}", other.kind()));
                Scope::All
            }
        }
    }

    fn when(&mut self, v: &Json, p: &Pointer) -> When {
        let Some(o) = self.object(v, p, &["queues", "media", "directions"]) else {
            return When::default();
        };
        let mut w = When::default();
        if let Some(q) = get(o, "queues") {
            let list = self.id_list(Some(q), &p.key("queues"));
            self.non_empty(&list, &p.key("queues"));
            w.queues = Some(list);
        }
        if let Some(m) = get(o, "media") {
            let mp = p.key("media");
            let list = self.id_list(Some(m), &mp);
            self.non_empty(&list, &mp);
            let mut media = Vec::new();
            for (i, s) in list.iter().enumerate() {
                match Media::parse(s) {
                    Some(x) => media.push(x),
                    None => self.err(&mp.index(i), format!("unknown media \"{s}\" (expected audio, screen, chat, email or messaging)")),
                }
            }
            w.media = Some(media);
        }
        if let Some(d) = get(o, "directions") {
            let dp = p.key("directions");
            let list = self.id_list(Some(d), &dp);
            self.non_empty(&list, &dp);
            let mut dirs = Vec::new();
            for (i, s) in list.iter().enumerate() {
                match Direction::parse(s) {
                    Some(x) => dirs.push(x),
                    None => self.err(
                        &dp.index(i),
                        format!("unknown direction \"{s}\" (expected inbound or outbound)"),
                    ),
                }
            }
            w.directions = Some(dirs);
        }
        w
    }

    fn non_empty(&mut self, list: &[String], p: &Pointer) {
        if list.is_empty() {
            self.err(
                p,
                "an empty list can never match: remove the condition or name what it allows",
            );
        }
    }

    fn prerequisites(&mut self, v: Option<&Json>, p: &Pointer) -> Vec<(Perm, Vec<Perm>)> {
        let mut out = Vec::new();
        for (k, v) in self.map(v, p) {
            let kp = p.key(k);
            let key = self.exact_permission(k, &kp);
            let mut list = Vec::new();
            match v {
                Json::Arr(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(s) = self.string(item, &kp.index(i)) {
                            if let Some(q) = self.exact_permission(&s, &kp.index(i)) {
                                list.push(q);
                            }
                        }
                    }
                }
                other => self.err(
                    &kp,
                    format!("expected an array of permissions, found {}", other.kind()),
                ),
            }
            if let Some(key) = key {
                out.push((key, list));
            }
        }
        out
    }

    fn exact_permission(&mut self, s: &str, p: &Pointer) -> Option<Perm> {
        let found = Perm::parse(s);
        if found.is_none() {
            if is_pattern(s) {
                self.err(
                    p,
                    format!("prerequisites name exact permissions, not patterns: \"{s}\""),
                );
            } else {
                let hint = suggest(s)
                    .map(|h| format!(" (did you mean \"{h}\"?)"))
                    .unwrap_or_default();
                self.err(p, format!("unknown permission \"{s}\"{hint}"));
            }
        }
        found
    }

    fn references(&mut self, doc: &PolicyDoc) {
        let users: HashSet<&str> = doc.users.iter().map(|(k, _)| k.as_str()).collect();
        let groups: HashSet<&str> = doc.groups.iter().map(|(k, _)| k.as_str()).collect();
        let queues: HashSet<&str> = doc.queues.iter().map(|(k, _)| k.as_str()).collect();
        let views: HashSet<&str> = doc.views.iter().map(|(k, _)| k.as_str()).collect();
        let roles: HashSet<&str> = doc.roles.iter().map(|(k, _)| k.as_str()).collect();
        let divisions: HashSet<&str> = doc.divisions.iter().map(|(k, _)| k.as_str()).collect();
        let root = Pointer::root();
        let check = |errs: &mut Vec<ValidationError>,
                     set: &HashSet<&str>,
                     what: &str,
                     id: &str,
                     p: Pointer| {
            if !set.contains(id) {
                errs.push(ValidationError {
                    path: p.as_str().into(),
                    message: format!("unknown {what} \"{id}\""),
                });
            }
        };
        let e = &mut self.errors;
        for (g, group) in &doc.groups {
            for (i, m) in group.members.iter().enumerate() {
                check(
                    e,
                    &users,
                    "user",
                    m,
                    root.key("groups").key(g).key("members").index(i),
                );
            }
        }
        for (q, queue) in &doc.queues {
            let qp = root.key("queues").key(q);
            check(
                e,
                &divisions,
                "division",
                &queue.division,
                qp.key("division"),
            );
            for (i, m) in queue.members.iter().enumerate() {
                check(e, &users, "user", m, qp.key("members").index(i));
            }
            for (i, g) in queue.groups.iter().enumerate() {
                check(e, &groups, "group", g, qp.key("groups").index(i));
            }
        }
        for (v, view) in &doc.views {
            let vp = root.key("views").key(v);
            for (i, x) in view.queues.iter().enumerate() {
                check(e, &queues, "queue", x, vp.key("queues").index(i));
            }
            for (i, x) in view.users.iter().enumerate() {
                check(e, &users, "user", x, vp.key("users").index(i));
            }
            for (i, x) in view.groups.iter().enumerate() {
                check(e, &groups, "group", x, vp.key("groups").index(i));
            }
        }
        for (r, role) in &doc.roles {
            let rp = root.key("roles").key(r);
            for (i, x) in role.inherits.iter().enumerate() {
                check(e, &roles, "role", x, rp.key("inherits").index(i));
            }
            for (kind, rules) in [("grants", &role.grants), ("denies", &role.denies)] {
                for (i, rule) in rules.iter().enumerate() {
                    let ip = rp.key(kind).index(i);
                    match &rule.scope {
                        Scope::Group(g) => {
                            check(e, &groups, "group", g, ip.key("scope").key("group"))
                        }
                        Scope::View(v) => check(e, &views, "view", v, ip.key("scope").key("view")),
                        _ => {}
                    }
                    for (j, q) in rule.when.queues.iter().flatten().enumerate() {
                        check(
                            e,
                            &queues,
                            "queue",
                            q,
                            ip.key("when").key("queues").index(j),
                        );
                    }
                }
            }
        }
        for (u, user) in &doc.users {
            let up = root.key("users").key(u);
            check(
                e,
                &divisions,
                "division",
                &user.division,
                up.key("division"),
            );
            for (i, a) in user.roles.iter().enumerate() {
                let ap = up.key("roles").index(i);
                check(e, &roles, "role", &a.role, ap.key("role"));
                for (j, d) in a.divisions.iter().enumerate() {
                    if d != "*" {
                        check(e, &divisions, "division", d, ap.key("divisions").index(j));
                    }
                }
            }
        }
    }

    fn inheritance(&mut self, doc: &PolicyDoc, limits: &Limits) {
        let index: HashMap<&str, usize> = doc
            .roles
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (k.as_str(), i))
            .collect();
        // 0 = unvisited, 1 = on the current path, 2 = done; depth memoised per role.
        let mut state = alloc::vec![0u8; doc.roles.len()];
        let mut depth = alloc::vec![0usize; doc.roles.len()];
        let mut reported_depth = false;
        for start in 0..doc.roles.len() {
            let mut path: Vec<(usize, usize)> = alloc::vec![(start, 0)];
            if state.get(start) != Some(&0) {
                continue;
            }
            set(&mut state, start, 1);
            while let Some(&(node, next)) = path.last() {
                let inherits = doc
                    .roles
                    .get(node)
                    .map(|(_, r)| r.inherits.as_slice())
                    .unwrap_or(&[]);
                if let Some(child_id) = inherits.get(next) {
                    if let Some(top) = path.last_mut() {
                        top.1 += 1;
                    }
                    let Some(&child) = index.get(child_id.as_str()) else {
                        continue;
                    };
                    match state.get(child) {
                        Some(0) => {
                            set(&mut state, child, 1);
                            path.push((child, 0));
                        }
                        Some(1) => {
                            let names: Vec<&str> = path
                                .iter()
                                .skip_while(|(n, _)| *n != child)
                                .filter_map(|(n, _)| doc.roles.get(*n).map(|(k, _)| k.as_str()))
                                .chain(core::iter::once(child_id.as_str()))
                                .collect();
                            let (rid, _) = doc
                                .roles
                                .get(node)
                                .map_or(("", 0), |(k, _)| (k.as_str(), 0));
                            self.err(
                                &Pointer::root()
                                    .key("roles")
                                    .key(rid)
                                    .key("inherits")
                                    .index(next),
                                format!("inheritance cycle: {}", names.join(" → ")),
                            );
                        }
                        _ => {}
                    }
                } else {
                    path.pop();
                    set(&mut state, node, 2);
                    let d = inherits
                        .iter()
                        .filter_map(|c| index.get(c.as_str()))
                        .filter_map(|c| depth.get(*c))
                        .map(|d| d + 1)
                        .max()
                        .unwrap_or(0);
                    if let Some(slot) = depth.get_mut(node) {
                        *slot = d;
                    }
                    if d > limits.max_inheritance_depth && !reported_depth {
                        reported_depth = true;
                        let rid = doc.roles.get(node).map_or("", |(k, _)| k.as_str());
                        self.err(
                            &Pointer::root().key("roles").key(rid).key("inherits"),
                            format!(
                                "inheritance is {d} levels deep, over the limit of {}",
                                limits.max_inheritance_depth
                            ),
                        );
                    }
                }
            }
        }
    }

    fn prerequisite_cycles(&mut self, doc: &PolicyDoc) {
        let n = CATALOG.len();
        let mut edges: Vec<Vec<Perm>> = alloc::vec![Vec::new(); n];
        for (p, list) in &doc.prerequisites {
            if let Some(e) = edges.get_mut(p.index()) {
                e.extend(list.iter().copied());
            }
        }
        for p in Perm::all() {
            if let Some(e) = edges.get_mut(p.index()) {
                e.extend(p.implicit_checks());
            }
        }
        let mut state = alloc::vec![0u8; n];
        let mut reported: Vec<Perm> = Vec::new();
        for start in Perm::all() {
            if state.get(start.index()) != Some(&0) {
                continue;
            }
            let mut path: Vec<(Perm, usize)> = alloc::vec![(start, 0)];
            set(&mut state, start.index(), 1);
            while let Some(&(node, next)) = path.last() {
                if let Some(&child) = edges.get(node.index()).and_then(|e| e.get(next)) {
                    if let Some(top) = path.last_mut() {
                        top.1 += 1;
                    }
                    match state.get(child.index()) {
                        Some(0) => {
                            set(&mut state, child.index(), 1);
                            path.push((child, 0));
                        }
                        Some(1) => {
                            let names: Vec<&str> = path
                                .iter()
                                .skip_while(|(p, _)| *p != child)
                                .map(|(p, _)| p.name())
                                .chain(core::iter::once(child.name()))
                                .collect();
                            let at = path
                                .iter()
                                .skip_while(|(p, _)| *p != child)
                                .find(|(p, _)| doc.prerequisites.iter().any(|(k, _)| k == p))
                                .map_or(node, |(p, _)| *p);
                            if reported.contains(&at) {
                                continue;
                            }
                            reported.push(at);
                            self.err(
                                &Pointer::root().key("prerequisites").key(at.name()),
                                format!("prerequisite cycle (counting the implicit access edges of SPEC §3 steps 11–12): {}", names.join(" → ")),
                            );
                        }
                        _ => {}
                    }
                } else {
                    path.pop();
                    set(&mut state, node.index(), 2);
                }
            }
        }
    }
}

fn set(state: &mut [u8], i: usize, v: u8) {
    if let Some(s) = state.get_mut(i) {
        *s = v;
    }
}

fn get<'a>(m: Members<'a>, key: &str) -> Option<&'a Json> {
    m.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The closest catalog permission by edit distance, when close enough to be a typo.
fn suggest(s: &str) -> Option<&'static str> {
    crate::typo::closest(s, CATALOG.iter().map(|(name, _)| *name), 3)
}
