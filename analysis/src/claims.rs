//! The claim language of `recgate verify` (documented in `docs/claims.md`):
//! statements about every possible recording, each a principal selector, a
//! permission pattern and either `never` (no selected principal is ever
//! allowed on a recording matching a constraint) or `only` (nobody outside a
//! second selector is). Constraints compile to plan filters through
//! [`crate::formula`], per principal (`$principal.region` and friends).
//!
//! Names a claim uses — users, roles, groups, queues, divisions — must exist
//! in the policy: a misspelt role would otherwise select nobody and make a
//! claim hold vacuously.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use recgate_core::catalog::{pattern_matches, Perm};
use recgate_core::model::{Direction, Media, PolicyDoc, UserKind};
use recgate_core::plan::RecordingFilter;

use crate::formula::{all_of, always, any_of, flag, member, not, Attr, RetentionParams};
use crate::roles::{holds_role, in_group};

/// One name or several.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum Names {
    /// `"x"`
    One(String),
    /// `["x", "y"]`
    Many(Vec<String>),
}

impl Names {
    fn list(&self) -> Vec<String> {
        match self {
            Names::One(s) => alloc::vec![s.clone()],
            Names::Many(v) => v.clone(),
        }
    }
}

/// Which principals a claim speaks of. Every present key must hold; `{}` is everyone.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Selector {
    /// These users.
    #[serde(default)]
    pub ids: Option<Vec<String>>,
    /// Holding one of these roles (assigned or inherited).
    #[serde(default)]
    pub role: Option<Names>,
    /// Member of one of these groups.
    #[serde(default)]
    pub group: Option<Names>,
    /// `bpo` flag.
    #[serde(default)]
    pub bpo: Option<bool>,
    /// `user` or `service`.
    #[serde(default)]
    pub kind: Option<String>,
    /// In one of these divisions.
    #[serde(default)]
    pub division: Option<Names>,
    /// In one of these regions.
    #[serde(default)]
    pub region: Option<Names>,
    /// Not this.
    #[serde(default)]
    pub not: Option<Box<Selector>>,
    /// Any of these.
    #[serde(default)]
    pub any_of: Option<Vec<Selector>>,
    /// All of these.
    #[serde(default)]
    pub all_of: Option<Vec<Selector>>,
}

/// A set of recordings. Every present key must hold; `{}` is every recording.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Constraint {
    /// `media` is one of these.
    #[serde(default)]
    pub media: Option<Names>,
    /// `direction` is one of these.
    #[serde(default)]
    pub direction: Option<Names>,
    /// `owner` is one of these users (`$principal`: the principal).
    #[serde(default)]
    pub owner: Option<Names>,
    /// The owner is a member of one of these groups (`*`: of any group; `$principal.groups`: of a group of the principal's).
    #[serde(default)]
    pub owner_group: Option<Names>,
    /// Some participant is one of these users (`$principal`).
    #[serde(default)]
    pub participant: Option<Names>,
    /// `queue` is one of these.
    #[serde(default)]
    pub queue: Option<Names>,
    /// Some division is one of these (`$principal.division`).
    #[serde(default)]
    pub division: Option<Names>,
    /// The region is one of these (`$principal.region`).
    #[serde(default)]
    pub region: Option<Names>,
    /// `line` is one of these (`$principal.lines`).
    #[serde(default)]
    pub line: Option<Names>,
    /// Under legal hold, or not.
    #[serde(default)]
    pub legal_hold: Option<bool>,
    /// Sensitive, or not.
    #[serde(default)]
    pub sensitive: Option<bool>,
    /// Live, or not.
    #[serde(default)]
    pub live: Option<bool>,
    /// Past retention at the time of the check, or not.
    #[serde(default)]
    pub expired: Option<bool>,
    /// Not this.
    #[serde(default)]
    pub not: Option<Box<Constraint>>,
    /// Any of these.
    #[serde(default)]
    pub any_of: Option<Vec<Constraint>>,
    /// All of these.
    #[serde(default)]
    pub all_of: Option<Vec<Constraint>>,
}

/// One claim as written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Claim {
    /// A stable name.
    pub id: String,
    /// What it means, in words.
    #[serde(default)]
    pub description: Option<String>,
    /// Whom it speaks of (default: everyone).
    #[serde(default)]
    pub principals: Option<Selector>,
    /// Permission patterns (`recording:*:download`); only recording permissions count.
    pub permissions: Vec<String>,
    /// No selected principal is ever allowed on a recording matching this.
    #[serde(default)]
    pub never: Option<Constraint>,
    /// Only principals matching this are ever allowed (on recordings matching `resource`).
    #[serde(default)]
    pub only: Option<Selector>,
    /// With `only`: the recordings it speaks of (default: all).
    #[serde(default)]
    pub resource: Option<Constraint>,
}

/// A claims file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimSet {
    /// `"recgate-claims/v1"` when present.
    #[serde(default)]
    pub schema: Option<String>,
    /// The claims, checked in order.
    pub claims: Vec<Claim>,
}

/// A problem with a claims file: where (a JSON pointer) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsFileError {
    /// JSON pointer into the claims file.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl core::fmt::Display for ClaimsFileError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// What a claim asserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimKind {
    /// `never`.
    Never,
    /// `only`.
    Only,
}

impl ClaimSet {
    /// Reads a claims file (JSON) and checks every name it uses against the policy.
    pub fn parse(text: &str, doc: &PolicyDoc) -> Result<ClaimSet, Vec<ClaimsFileError>> {
        let set: ClaimSet = serde_json::from_str(text).map_err(|e| {
            alloc::vec![ClaimsFileError {
                path: String::new(),
                message: alloc::format!("{e}"),
            }]
        })?;
        let mut errors = Vec::new();
        if let Some(s) = &set.schema {
            if s != "recgate-claims/v1" {
                errors.push(err(
                    "/schema",
                    alloc::format!("unknown schema \"{s}\" (expected recgate-claims/v1)"),
                ));
            }
        }
        for (i, c) in set.claims.iter().enumerate() {
            let at = alloc::format!("/claims/{i}");
            if set.claims.iter().take(i).any(|d| d.id == c.id) {
                errors.push(err(
                    &alloc::format!("{at}/id"),
                    alloc::format!("duplicate claim id \"{}\"", c.id),
                ));
            }
            if c.permissions.is_empty() {
                errors.push(err(
                    &alloc::format!("{at}/permissions"),
                    "name at least one permission".into(),
                ));
            }
            for (j, p) in c.permissions.iter().enumerate() {
                if !Perm::all().any(|q| q.on_recordings() && pattern_matches(p, q.name())) {
                    errors.push(err(
                        &alloc::format!("{at}/permissions/{j}"),
                        alloc::format!("\"{p}\" matches no recording permission of the catalog"),
                    ));
                }
            }
            match (&c.never, &c.only) {
                (Some(_), Some(_)) | (None, None) => errors.push(err(
                    &at,
                    "give exactly one of \"never\" and \"only\"".into(),
                )),
                _ => {}
            }
            if c.resource.is_some() && c.only.is_none() {
                errors.push(err(&alloc::format!("{at}/resource"), "\"resource\" goes with \"only\" (a \"never\" claim names its recordings in \"never\")".into()));
            }
            if let Some(s) = &c.principals {
                check_selector(s, doc, &alloc::format!("{at}/principals"), &mut errors);
            }
            if let Some(s) = &c.only {
                check_selector(s, doc, &alloc::format!("{at}/only"), &mut errors);
            }
            for (key, k) in [("never", &c.never), ("resource", &c.resource)] {
                if let Some(k) = k {
                    check_constraint(k, doc, &alloc::format!("{at}/{key}"), &mut errors);
                }
            }
        }
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(errors)
        }
    }
}

impl Claim {
    /// `never` or `only`.
    pub fn kind(&self) -> ClaimKind {
        if self.only.is_some() {
            ClaimKind::Only
        } else {
            ClaimKind::Never
        }
    }

    /// The recording permissions the patterns match, in catalog order.
    pub fn recording_permissions(&self) -> Vec<Perm> {
        Perm::all()
            .filter(|q| q.on_recordings())
            .filter(|q| {
                self.permissions
                    .iter()
                    .any(|p| pattern_matches(p, q.name()))
            })
            .collect()
    }

    /// Whether the claim speaks of `user` (for `only`: a user outside `only`).
    pub fn subject(&self, doc: &PolicyDoc, user: &str) -> bool {
        let selected = self
            .principals
            .as_ref()
            .map_or(true, |s| s.selects(doc, user));
        match &self.only {
            Some(only) => selected && !only.selects(doc, user),
            None => selected,
        }
    }

    /// The recordings the claim forbids to `user`, as a plan filter.
    pub fn forbidden(
        &self,
        doc: &PolicyDoc,
        user: &str,
        retention: RetentionParams,
    ) -> RecordingFilter {
        match (&self.never, &self.resource) {
            (Some(k), _) | (None, Some(k)) => k.filter(doc, user, retention),
            (None, None) => always(),
        }
    }
}

fn err(path: &str, message: String) -> ClaimsFileError {
    ClaimsFileError {
        path: path.into(),
        message,
    }
}

fn known(doc: &PolicyDoc, what: &str, id: &str) -> bool {
    match what {
        "user" => doc.user(id).is_some(),
        "role" => doc.role(id).is_some(),
        "group" => doc.groups.iter().any(|(k, _)| k == id),
        "queue" => doc.queues.iter().any(|(k, _)| k == id),
        "division" => doc.divisions.iter().any(|(k, _)| k == id),
        _ => true,
    }
}

fn check_names(
    names: &Option<Names>,
    what: &str,
    tokens: &[&str],
    doc: &PolicyDoc,
    at: &str,
    errors: &mut Vec<ClaimsFileError>,
) {
    let Some(names) = names else { return };
    let list = names.list();
    if list.is_empty() {
        errors.push(err(
            at,
            "an empty list can never match: remove the key or name what it means".into(),
        ));
    }
    for (i, n) in list.iter().enumerate() {
        let p = match names {
            Names::One(_) => at.to_string(),
            Names::Many(_) => alloc::format!("{at}/{i}"),
        };
        if n.starts_with('$') || n == "*" {
            if !tokens.contains(&n.as_str()) {
                errors.push(err(
                    &p,
                    alloc::format!(
                        "\"{n}\" is not a reference this key accepts ({})",
                        if tokens.is_empty() {
                            "none".to_string()
                        } else {
                            tokens.join(", ")
                        }
                    ),
                ));
            }
        } else if !known(doc, what, n) {
            errors.push(err(
                &p,
                alloc::format!("{what} \"{n}\" is not in the policy"),
            ));
        }
    }
}

fn check_selector(s: &Selector, doc: &PolicyDoc, at: &str, errors: &mut Vec<ClaimsFileError>) {
    if let Some(ids) = &s.ids {
        check_names(
            &Some(Names::Many(ids.clone())),
            "user",
            &[],
            doc,
            &alloc::format!("{at}/ids"),
            errors,
        );
    }
    check_names(
        &s.role,
        "role",
        &[],
        doc,
        &alloc::format!("{at}/role"),
        errors,
    );
    check_names(
        &s.group,
        "group",
        &[],
        doc,
        &alloc::format!("{at}/group"),
        errors,
    );
    check_names(
        &s.division,
        "division",
        &[],
        doc,
        &alloc::format!("{at}/division"),
        errors,
    );
    check_names(
        &s.region,
        "region",
        &[],
        doc,
        &alloc::format!("{at}/region"),
        errors,
    );
    if let Some(k) = &s.kind {
        if k != "user" && k != "service" {
            errors.push(err(
                &alloc::format!("{at}/kind"),
                alloc::format!("kind is \"user\" or \"service\", not \"{k}\""),
            ));
        }
    }
    if let Some(n) = &s.not {
        check_selector(n, doc, &alloc::format!("{at}/not"), errors);
    }
    for (key, list) in [("anyOf", &s.any_of), ("allOf", &s.all_of)] {
        for (i, x) in list.iter().flatten().enumerate() {
            check_selector(x, doc, &alloc::format!("{at}/{key}/{i}"), errors);
        }
    }
}

fn check_constraint(k: &Constraint, doc: &PolicyDoc, at: &str, errors: &mut Vec<ClaimsFileError>) {
    let p = |key: &str| alloc::format!("{at}/{key}");
    check_names(&k.owner, "user", &["$principal"], doc, &p("owner"), errors);
    check_names(
        &k.participant,
        "user",
        &["$principal"],
        doc,
        &p("participant"),
        errors,
    );
    check_names(
        &k.owner_group,
        "group",
        &["*", "$principal.groups"],
        doc,
        &p("ownerGroup"),
        errors,
    );
    check_names(&k.queue, "queue", &[], doc, &p("queue"), errors);
    check_names(
        &k.division,
        "division",
        &["$principal.division"],
        doc,
        &p("division"),
        errors,
    );
    check_names(
        &k.region,
        "region",
        &["$principal.region"],
        doc,
        &p("region"),
        errors,
    );
    check_names(
        &k.line,
        "line",
        &["$principal.lines"],
        doc,
        &p("line"),
        errors,
    );
    for (key, names, ok) in [
        (
            "media",
            &k.media,
            (|s: &str| Media::parse(s).is_some()) as fn(&str) -> bool,
        ),
        ("direction", &k.direction, |s: &str| {
            Direction::parse(s).is_some()
        }),
    ] {
        if let Some(n) = names {
            let list = n.list();
            if list.is_empty() {
                errors.push(err(&p(key), "an empty list can never match".into()));
            }
            for v in list.iter().filter(|v| !ok(v)) {
                errors.push(err(&p(key), alloc::format!("\"{v}\" is not a {key}")));
            }
        }
    }
    if let Some(n) = &k.not {
        check_constraint(n, doc, &p("not"), errors);
    }
    for (key, list) in [("anyOf", &k.any_of), ("allOf", &k.all_of)] {
        for (i, x) in list.iter().flatten().enumerate() {
            check_constraint(x, doc, &alloc::format!("{at}/{key}/{i}"), errors);
        }
    }
}

fn any_in(names: &Option<Names>, test: impl Fn(&str) -> bool) -> bool {
    names
        .as_ref()
        .map_or(true, |n| n.list().iter().any(|x| test(x)))
}

impl Selector {
    /// Whether `user` is selected.
    pub fn selects(&self, doc: &PolicyDoc, user: &str) -> bool {
        let Some(u) = doc.user(user) else {
            return false;
        };
        self.ids
            .as_ref()
            .map_or(true, |ids| ids.iter().any(|i| i == user))
            && any_in(&self.role, |r| holds_role(doc, user, r))
            && any_in(&self.group, |g| in_group(doc, user, g))
            && self.bpo.map_or(true, |b| u.bpo == b)
            && self.kind.as_deref().map_or(true, |k| {
                k == match u.kind {
                    UserKind::User => "user",
                    UserKind::Service => "service",
                }
            })
            && any_in(&self.division, |d| u.division == d)
            && any_in(&self.region, |r| u.region == r)
            && self.not.as_ref().map_or(true, |n| !n.selects(doc, user))
            && self
                .any_of
                .as_ref()
                .map_or(true, |l| l.iter().any(|s| s.selects(doc, user)))
            && self
                .all_of
                .as_ref()
                .map_or(true, |l| l.iter().all(|s| s.selects(doc, user)))
    }
}

impl Constraint {
    /// The recordings matching, for principal `user`, as a plan filter.
    pub fn filter(
        &self,
        doc: &PolicyDoc,
        user: &str,
        retention: RetentionParams,
    ) -> RecordingFilter {
        let u = doc.user(user);
        let expand = |names: &Names| -> Vec<String> {
            let mut out = Vec::new();
            for n in names.list() {
                match n.as_str() {
                    "$principal" => out.push(user.to_string()),
                    "$principal.region" => out.extend(u.map(|u| u.region.clone())),
                    "$principal.division" => out.extend(u.map(|u| u.division.clone())),
                    "$principal.lines" => {
                        out.extend(u.into_iter().flat_map(|u| u.lines.iter().cloned()))
                    }
                    _ => out.push(n),
                }
            }
            out
        };
        let mut parts = Vec::new();
        for (attr, names) in [
            (Attr::Media, &self.media),
            (Attr::Direction, &self.direction),
            (Attr::Owner, &self.owner),
            (Attr::Participant, &self.participant),
            (Attr::Queue, &self.queue),
            (Attr::Division, &self.division),
            (Attr::Region, &self.region),
            (Attr::Line, &self.line),
        ] {
            if let Some(n) = names {
                // Unparsable media or directions were refused when the file was read.
                parts.push(member(attr, expand(n)).unwrap_or(RecordingFilter::Never));
            }
        }
        if let Some(groups) = &self.owner_group {
            let mut owners = Vec::new();
            for g in groups.list() {
                for (id, group) in &doc.groups {
                    let wanted = match g.as_str() {
                        "*" => true,
                        "$principal.groups" => group.members.iter().any(|m| m == user),
                        other => id == other,
                    };
                    if wanted {
                        owners.extend(group.members.iter().cloned());
                    }
                }
            }
            parts.push(member(Attr::Owner, owners).unwrap_or(RecordingFilter::Never));
        }
        for (attr, value) in [
            (Attr::LegalHold, self.legal_hold),
            (Attr::Sensitive, self.sensitive),
            (Attr::Live, self.live),
            (Attr::Expired, self.expired),
        ] {
            if let Some(v) = value {
                let f = flag(attr, retention).unwrap_or(RecordingFilter::Never);
                parts.push(if v { f } else { not(f) });
            }
        }
        if let Some(n) = &self.not {
            parts.push(not(n.filter(doc, user, retention)));
        }
        if let Some(list) = &self.any_of {
            parts.push(any_of(
                list.iter()
                    .map(|k| k.filter(doc, user, retention))
                    .collect(),
            ));
        }
        if let Some(list) = &self.all_of {
            parts.push(all_of(
                list.iter()
                    .map(|k| k.filter(doc, user, retention))
                    .collect(),
            ));
        }
        all_of(parts)
    }
}
