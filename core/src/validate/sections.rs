//! The sections of a policy document (SPEC §1), each read into the model
//! with its defaults: settings, divisions, groups, queues, views, roles with
//! their grants and denies (permission patterns, scopes, `when`), users with
//! their role assignments, and prerequisites.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{get, Limits, Validator};
use crate::catalog::{is_pattern, Perm, PermSet, CATALOG};
use crate::json::{Json, Pointer};
use crate::model::*;

impl Validator {
    pub(super) fn document(&mut self, json: &Json, limits: &Limits) -> Option<PolicyDoc> {
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
                "sliceOf",
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
        let slice_of =
            get(m, "sliceOf").and_then(|v| self.slice_of(v, &root.key("sliceOf"), &users));
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
            slice_of,
        };
        self.references(&doc);
        self.inheritance(&doc, limits);
        self.prerequisite_cycles(&doc);
        Some(doc)
    }

    /// `sliceOf` (docs/policy.md, "Slices"): the principal, a user of this
    /// document, and the whole policy's content hash, 64 lowercase hex digits.
    fn slice_of(&mut self, v: &Json, p: &Pointer, users: &[(String, User)]) -> Option<SliceOf> {
        let o = self.object(v, p, &["principal", "revisionHash"])?;
        let principal = match get(o, "principal") {
            Some(v) => self.string(v, &p.key("principal")),
            None => {
                self.err(&p.key("principal"), "missing required field \"principal\"");
                None
            }
        };
        if let Some(id) = &principal {
            if !users.iter().any(|(k, _)| k == id) {
                self.err(
                    &p.key("principal"),
                    format!("a slice's principal must be one of its users; \"{id}\" is not"),
                );
            }
        }
        let hash = match get(o, "revisionHash") {
            Some(v) => self.string(v, &p.key("revisionHash")),
            None => {
                self.err(
                    &p.key("revisionHash"),
                    "missing required field \"revisionHash\"",
                );
                None
            }
        };
        if let Some(h) = &hash {
            if h.len() != 64
                || !h
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                self.err(
                    &p.key("revisionHash"),
                    "expected a SHA-256 content hash: 64 lowercase hex digits",
                );
            }
        }
        Some(SliceOf {
            principal: principal?,
            revision_hash: hash?,
        })
    }

    pub(super) fn settings(&mut self, v: Option<&Json>, p: &Pointer) -> Settings {
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

    pub(super) fn user(&mut self, v: &Json, p: &Pointer, settings: &Settings) -> Option<User> {
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
            None | Some(None) => UserKind::User,
            Some(Some(k)) if k == "user" => UserKind::User,
            Some(Some(k)) if k == "service" => UserKind::Service,
            Some(Some(k)) => {
                self.err(
                    &p.key("kind"),
                    format!("unknown kind \"{k}\" (expected \"user\" or \"service\")"),
                );
                UserKind::User
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

    pub(super) fn rules(&mut self, v: Option<&Json>, p: &Pointer, grants: bool) -> Vec<Rule> {
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

    pub(super) fn permission_pattern(&mut self, s: &str, p: &Pointer) -> PermSet {
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

    pub(super) fn scope(&mut self, v: &Json, p: &Pointer) -> Scope {
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

    pub(super) fn when(&mut self, v: &Json, p: &Pointer) -> When {
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

    pub(super) fn prerequisites(
        &mut self,
        v: Option<&Json>,
        p: &Pointer,
    ) -> Vec<(Perm, Vec<Perm>)> {
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

    pub(super) fn exact_permission(&mut self, s: &str, p: &Pointer) -> Option<Perm> {
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
}

/// The closest catalog permission by edit distance, when close enough to be a typo.
fn suggest(s: &str) -> Option<&'static str> {
    crate::typo::closest(s, CATALOG.iter().map(|(name, _)| *name), 3)
}

#[cfg(test)]
mod tests {
    use super::super::tests::paths;
    use super::super::{parse_policy, Limits};
    use crate::model::{Media, RecordingMode, Scope, Tier, UserKind};

    fn doc(body: &str) -> crate::model::PolicyDoc {
        parse_policy(
            &alloc::format!(r#"{{"schema":"recgate/v1","revision":"r",{body}}}"#),
            &Limits::default(),
        )
        .unwrap()
    }

    fn problems(body: &str) -> alloc::vec::Vec<alloc::string::String> {
        paths(&alloc::format!(
            r#"{{"schema":"recgate/v1","revision":"r",{body}}}"#
        ))
    }

    #[test]
    fn defaults_are_filled_in() {
        let d = doc(
            r#""settings":{"homeRegion":"eu-west-1"},"roles":{"r":{"grants":[{"permission":"recording:*:view"}]}},
                       "users":{"u":{"roles":[{"role":"r"}]}}"#,
        );
        assert_eq!(d.divisions[0].0, "home", "home always exists");
        let u = d.user("u").unwrap();
        assert_eq!(
            (u.division.as_str(), u.region.as_str(), u.kind),
            ("home", "eu-west-1", UserKind::User)
        );
        assert_eq!(
            u.roles[0].divisions,
            ["home"],
            "an assignment without divisions is home"
        );
        let g = &d.role("r").unwrap().grants[0];
        assert_eq!(g.scope, Scope::All);
        assert!(g.when.is_empty());
        // recording:{recording,screenRecording,metadata,annotation,retentionPolicy,
        // recordingSchedule,job,settings}:view
        assert_eq!(g.perms.iter().count(), 8, "the pattern's catalog entries");
        assert_eq!(d.settings.recording_mode, RecordingMode::Interactions);
        assert_eq!(d.settings.token_max_age_seconds, 300);
        assert_eq!(
            d.settings.retention_screen, None,
            "no retention: nothing expires"
        );
    }

    #[test]
    fn scopes_and_conditions() {
        let d = doc(r#""groups":{"g":{}},"views":{"v":{}},"queues":{"q":{}},
            "roles":{"r":{"grants":[
              {"permission":"recording:recording:view","scope":"self"},
              {"permission":"recording:recording:view","scope":{"group":"g"}},
              {"permission":"recording:recording:view","scope":{"view":"v"},"when":{"media":["audio"],"queues":["q"]}}]}}"#);
        let grants = &d.role("r").unwrap().grants;
        assert_eq!(grants[0].scope, Scope::Own);
        assert_eq!(grants[1].scope, Scope::Group("g".into()));
        assert_eq!(grants[2].when.media.as_deref(), Some(&[Media::Audio][..]));
        assert_eq!(
            problems(
                r#""roles":{"r":{"grants":[{"permission":"recording:recording:view","scope":"own"},
                {"permission":"recording:recording:view","scope":{"group":"g","view":"v"}},
                {"permission":"recording:recording:view","when":{"media":["video"],"directions":[]}}]}}"#
            ),
            [
                "/roles/r/grants/0/scope",
                "/roles/r/grants/1/scope",
                "/roles/r/grants/2/when/media/0",
                "/roles/r/grants/2/when/directions"
            ]
        );
    }

    #[test]
    fn permissions_must_be_in_the_catalog_with_a_hint_for_typos() {
        let e = parse_policy(
            r#"{"schema":"recgate/v1","revision":"r","roles":{"r":{"grants":[
                {"permission":"recording:screnRecording:view"},{"permission":"recording:*:fly"}]}}}"#,
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.errors[0].message,
            "unknown permission \"recording:screnRecording:view\" (did you mean \"recording:screenRecording:view\"?)"
        );
        assert!(e.errors[1]
            .message
            .starts_with("permission pattern \"recording:*:fly\" matches no catalog permission"));
        assert_eq!(
            problems(r#""prerequisites":{"recording:recording:download":["recording:*:view"]}"#),
            ["/prerequisites/recording:recording:download/0"]
        );
        assert_eq!(
            problems(
                r#""roles":{"r":{"denies":[{"permission":"recording:recording:view","crossRegion":true}]}}"#
            ),
            ["/roles/r/denies/0/crossRegion"],
            "crossRegion is for grants"
        );
    }

    #[test]
    fn settings_are_checked_value_by_value() {
        let d = doc(
            r#""settings":{"retentionDays":{"screen":30},"licenseTiers":{"recording:*:*":"cx2"},"recordingMode":"continuous"}"#,
        );
        assert_eq!(d.settings.retention_screen, Some(30));
        assert_eq!(
            d.settings.license_tiers,
            [("recording:*:*".into(), Tier::Cx2)]
        );
        assert_eq!(d.settings.recording_mode, RecordingMode::Continuous);
        assert_eq!(
            problems(
                r#""settings":{"retentionDays":{"screen":-1},"recordingMode":"always","interactionTypes":["fax"],"licenseTiers":{"recording:*:*":"cx9"}}"#
            ),
            [
                "/settings/retentionDays/screen",
                "/settings/recordingMode",
                "/settings/interactionTypes/0",
                "/settings/licenseTiers/recording:*:*"
            ]
        );
        assert_eq!(
            problems(r#""users":{"u":{"kind":"robot","bpo":"yes"}}"#),
            ["/users/u/kind", "/users/u/bpo"]
        );
    }
}
