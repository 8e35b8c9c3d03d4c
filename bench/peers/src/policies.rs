//! The Cedar policy set of a recgate/v1 organisation: one `permit` per grant
//! (per resource kind its permissions apply to), one `forbid` per deny, and
//! the forbids that carry SPEC §3's fixed steps for recordings (applicability,
//! disabled principals, retention, legal hold, region, the media-view access
//! rule, prerequisites, BPO and sensitive-data export). Inherited grants and
//! denies are written again under the inheriting role. Cedar has no way for
//! one decision to depend on another, so "X must be allowed too" (steps 10,
//! 11 and 12) is written out as X's whole evaluation inlined into the
//! forbid's `unless` (`allowed_full`).

use recgate_core::catalog::Applies;
use recgate_core::model::{PolicyDoc, Role, Rule, Scope, When};
use recgate_core::Perm;

use crate::cedar_text::{all_of, any_of, lit, uid, ACTION, GROUP, QUEUE, ROLE, VIEW};

const DAY_MS: i64 = 86_400_000;

/// The Cedar entity type a permission's resources are (SPEC §6 "applies to").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Recording,
    Annotation,
    Queue,
    User,
    Report,
    Role,
    Schedule,
}

impl Kind {
    pub fn of(p: Perm) -> Kind {
        match p.applies() {
            Applies::CallRecording
            | Applies::ScreenRecording
            | Applies::AnyRecording
            | Applies::LiveRecording => Kind::Recording,
            Applies::Annotation => Kind::Annotation,
            Applies::Queue => Kind::Queue,
            Applies::User => Kind::User,
            Applies::Report => Kind::Report,
            Applies::Role => Kind::Role,
            Applies::Schedule => Kind::Schedule,
        }
    }
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Recording => "Recording",
            Kind::Annotation => "Annotation",
            Kind::Queue => "Queue",
            Kind::User => "User",
            Kind::Report => "Report",
            Kind::Role => "OrgRole",
            Kind::Schedule => "Schedule",
        }
    }
}

/// `action == A` or `action in [A, B]`.
fn action_is(perms: &[Perm]) -> String {
    match perms {
        [one] => format!("action == {}", uid(ACTION, one.name())),
        _ => format!(
            "action in [{}]",
            perms
                .iter()
                .map(|p| uid(ACTION, p.name()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Whether `r` (a resource expression) is inside `scope` for `principal` (SPEC §2 table).
fn scope_expr(kind: Kind, scope: &Scope, r: &str) -> String {
    // Recordings and annotations test the recording's owner, participants, queue, line.
    let rec = |r: &str| match scope {
        Scope::All => "true".to_string(),
        Scope::Own => format!("({r} has owner && {r}.owner == principal)"),
        Scope::Assigned => format!(
            "(({r} has owner && {r}.owner == principal) || {r}.participants.contains(principal))"
        ),
        Scope::Lines => format!("({r} has line && principal.lines.contains({r}.line))"),
        Scope::Group(g) => format!("({r} has owner && {r}.owner in {})", uid(GROUP, g)),
        // A queue's parents are the views listing it; a user's, the views listing
        // them and (through their groups) the views listing their groups.
        Scope::View(v) => format!(
            "(({r} has queue && {r}.queue in {view}) || ({r} has owner && {r}.owner in {view}))",
            view = uid(VIEW, v)
        ),
    };
    match kind {
        Kind::Recording => rec(r),
        Kind::Annotation => rec(&format!("{r}.recording")),
        Kind::Queue => match scope {
            Scope::All => "true".into(),
            Scope::Assigned => format!("{r}.members.contains(principal)"),
            Scope::Group(g) => format!("{r}.groups.contains({})", uid(GROUP, g)),
            Scope::View(v) => format!("{r} in {}", uid(VIEW, v)),
            Scope::Own | Scope::Lines => "false".into(),
        },
        Kind::User => match scope {
            Scope::All => "true".into(),
            Scope::Own | Scope::Assigned => format!("{r} == principal"),
            Scope::Group(g) => format!("{r} in {}", uid(GROUP, g)),
            Scope::View(v) => format!("{r} in {}", uid(VIEW, v)),
            Scope::Lines => "false".into(),
        },
        Kind::Report => match scope {
            Scope::All => "true".into(),
            Scope::Own | Scope::Assigned => format!("({r} has user && {r}.user == principal)"),
            Scope::Group(g) => format!("({r} has user && {r}.user in {})", uid(GROUP, g)),
            Scope::View(v) => format!(
                "(({r} has queue && {r}.queue in {view}) || ({r} has user && {r}.user in {view}))",
                view = uid(VIEW, v)
            ),
            Scope::Lines => "false".into(),
        },
        Kind::Role | Kind::Schedule => match scope {
            Scope::All => "true".into(),
            _ => "false".into(),
        },
    }
}

/// Whether a rule's `when` holds; a condition on an absent attribute does not.
fn when_expr(kind: Kind, when: &When, r: &str) -> String {
    let rec = match kind {
        Kind::Recording => Some(r.to_string()),
        Kind::Annotation => Some(format!("{r}.recording")),
        _ => None,
    };
    let mut terms = Vec::new();
    if let Some(queues) = &when.queues {
        let list = queues
            .iter()
            .map(|q| uid(QUEUE, q))
            .collect::<Vec<_>>()
            .join(", ");
        terms.push(match (kind, &rec) {
            (Kind::Queue, _) => format!("[{list}].contains({r})"),
            (_, Some(x)) => format!("({x} has queue && [{list}].contains({x}.queue))"),
            (Kind::Report, None) => format!("({r} has queue && [{list}].contains({r}.queue))"),
            _ => "false".into(),
        });
    }
    for (key, values) in [
        (
            "media",
            when.media
                .as_ref()
                .map(|m| m.iter().map(|x| x.as_str()).collect::<Vec<_>>()),
        ),
        (
            "direction",
            when.directions
                .as_ref()
                .map(|d| d.iter().map(|x| x.as_str()).collect::<Vec<_>>()),
        ),
    ] {
        if let Some(values) = values {
            let list = values.iter().map(|v| lit(v)).collect::<Vec<_>>().join(", ");
            terms.push(match &rec {
                Some(x) => format!("({x} has {key} && [{list}].contains({x}.{key}))"),
                None => "false".into(),
            });
        }
    }
    all_of(&terms)
}

/// Whether role `role`'s assignment to the principal covers the resource's divisions.
fn division_expr(kind: Kind, role: &str, r: &str) -> String {
    let d = format!("principal.roleDivisions[{}]", lit(role));
    match kind {
        Kind::Recording => format!("({d}.contains(\"*\") || {d}.containsAny({r}.divisions))"),
        Kind::Annotation => {
            format!("({d}.contains(\"*\") || {d}.containsAny({r}.recording.divisions))")
        }
        Kind::Queue | Kind::User | Kind::Report => {
            format!("({d}.contains(\"*\") || ({r} has division && {d}.contains({r}.division)))")
        }
        Kind::Role | Kind::Schedule => "true".into(),
    }
}

/// The policy set, with the number of policies in it.
pub struct PolicySetText {
    pub text: String,
    pub count: usize,
}

struct Writer {
    text: String,
    count: usize,
}

impl Writer {
    fn policy(&mut self, comment: &str, effect: &str, head: [&str; 3], when: &str, unless: &str) {
        self.text.push_str(&format!("// {comment}\n"));
        self.text
            .push_str(&format!("{effect}({}, {}, {})", head[0], head[1], head[2]));
        if when != "true" {
            self.text.push_str(&format!("\nwhen {{ {when} }}"));
        }
        if unless != "false" {
            self.text.push_str(&format!("\nunless {{ {unless} }}"));
        }
        self.text.push_str(";\n\n");
        self.count += 1;
    }
}

/// Catalog permissions of a rule grouped by the resource kind they apply to.
fn perms_by_kind(rule: &Rule) -> Vec<(Kind, Vec<Perm>)> {
    let mut out: Vec<(Kind, Vec<Perm>)> = Vec::new();
    for p in rule.perms.iter() {
        let k = Kind::of(p);
        match out.iter_mut().find(|(kk, _)| *kk == k) {
            Some((_, v)) => v.push(p),
            None => out.push((k, vec![p])),
        }
    }
    out.sort_by_key(|(k, _)| *k);
    out
}

fn rule_comment(role: &str, from: &str, what: &str, rule: &Rule) -> String {
    let mut scope = String::new();
    recgate_core::model::write_scope(&mut scope, &rule.scope);
    let inherited = if from == role {
        String::new()
    } else {
        format!(" (inherited from {from})")
    };
    format!("{role} {what}{inherited} {} scope {scope}", rule.permission)
}

/// A role and every role it inherits, transitively, each once (validation
/// rejects cycles; the visited set makes this terminate regardless).
pub fn effective_roles<'d>(doc: &'d PolicyDoc, role_id: &str) -> Vec<(&'d str, &'d Role)> {
    let mut out: Vec<(&str, &Role)> = Vec::new();
    let mut stack = vec![role_id.to_string()];
    while let Some(id) = stack.pop() {
        if out.iter().any(|(k, _)| *k == id) {
            continue;
        }
        if let Some((k, r)) = doc.roles.iter().find(|(k, _)| *k == id) {
            out.push((k.as_str(), r));
            stack.extend(r.inherits.iter().cloned());
        }
    }
    out
}

/// Whether some grant of `perm` held by the principal passes division, scope
/// and `when` on recording `r` (SPEC §3 step 8), optionally only crossRegion ones.
/// Inherited grants count under the inheriting role's assignment divisions.
fn grants_of(doc: &PolicyDoc, perm: Perm, r: &str, cross_only: bool) -> String {
    let mut terms = Vec::new();
    for (role_id, _) in &doc.roles {
        for (_, role) in effective_roles(doc, role_id) {
            for g in role
                .grants
                .iter()
                .filter(|g| g.perms.contains(perm) && (!cross_only || g.cross_region))
            {
                terms.push(all_of(&[
                    format!("principal in {}", uid(ROLE, role_id)),
                    division_expr(Kind::Recording, role_id, r),
                    scope_expr(Kind::Recording, &g.scope, r),
                    when_expr(Kind::Recording, &g.when, r),
                ]));
            }
        }
    }
    any_of(&terms)
}

/// Whether some deny of `perm` held by the principal matches recording `r` (step 7).
fn denies_of(doc: &PolicyDoc, perm: Perm, r: &str) -> String {
    let mut terms = Vec::new();
    for (role_id, _) in &doc.roles {
        for (_, role) in effective_roles(doc, role_id) {
            for d in role.denies.iter().filter(|d| d.perms.contains(perm)) {
                terms.push(all_of(&[
                    format!("principal in {}", uid(ROLE, role_id)),
                    scope_expr(Kind::Recording, &d.scope, r),
                    when_expr(Kind::Recording, &d.when, r),
                ]));
            }
        }
    }
    any_of(&terms)
}

const SCREEN: &str = "(resource has media && resource.media == \"screen\")";

/// Step 1's "applies to" for a permission on the recording `resource`.
fn applies_expr(p: Perm) -> String {
    match p.applies() {
        Applies::CallRecording => format!("!{SCREEN}"),
        Applies::ScreenRecording => SCREEN.into(),
        Applies::AnyRecording => "true".into(),
        Applies::LiveRecording => "resource.live".into(),
        _ => "false".into(),
    }
}

/// Step 9 for `p`: same region, or metadata through a crossRegion grant for a non-BPO principal.
fn region_ok(doc: &PolicyDoc, p: Perm) -> String {
    let same = "resource.region == principal.region".to_string();
    let cross = grants_of(doc, Perm::METADATA_VIEW, "resource", true);
    if p != Perm::METADATA_VIEW || cross == "false" {
        same
    } else {
        format!("({same} || (!principal.bpo && {cross}))")
    }
}

/// "`p` is allowed on the recording `resource`" as one Cedar expression:
/// SPEC §3 steps 1, 5 and 7–12 for `p`, recursively for prerequisites, the
/// media's view permission and viewSensitiveData. Used where SPEC asks for
/// another permission to be allowed, since Cedar cannot ask for another
/// decision. Steps 2 and 4 are left to the request's own forbids: the
/// principal and the recording are the same for every inner check.
fn allowed_full(doc: &PolicyDoc, p: Perm, depth: u8) -> String {
    // Validation rejects prerequisite cycles; this bound only makes the recursion total.
    if depth > 16 {
        return "false".into();
    }
    let grants = grants_of(doc, p, "resource", false);
    if grants == "false" || applies_expr(p) == "false" {
        return "false".into();
    }
    let mut t = vec![applies_expr(p)];
    if is_destructive(p) {
        t.push("!resource.legalHold".into());
    }
    t.push(grants);
    let denies = denies_of(doc, p, "resource");
    if denies != "false" {
        t.push(format!("!{denies}"));
    }
    t.push(region_ok(doc, p));
    for q in prerequisites(doc, p) {
        t.push(allowed_full(doc, q, depth + 1));
    }
    if !p.is_access() {
        t.push(format!(
            "(if {SCREEN} then {} else {})",
            allowed_full(doc, Perm::SCREEN_VIEW, depth + 1),
            allowed_full(doc, Perm::RECORDING_VIEW, depth + 1)
        ));
    }
    if p.is_download() {
        if !doc.settings.bpo_export {
            t.push("!principal.bpo".into());
        }
        let vsd = allowed_full(doc, Perm::VIEW_SENSITIVE, depth + 1);
        t.push(if vsd == "false" {
            "!resource.sensitive".into()
        } else {
            format!("(!resource.sensitive || {vsd})")
        });
    }
    if t.iter().any(|x| x == "false") {
        return "false".into();
    }
    all_of(&t)
}

fn prerequisites(doc: &PolicyDoc, p: Perm) -> Vec<Perm> {
    doc.prerequisites
        .iter()
        .filter(|(k, _)| *k == p)
        .flat_map(|(_, qs)| qs.iter().copied())
        .collect()
}

fn is_destructive(p: Perm) -> bool {
    matches!(
        p,
        Perm::RECORDING_DELETE
            | Perm::SCREEN_DELETE
            | Perm::EDIT_RETENTION
            | Perm::RECORDING_BLACKOUT
    )
}

/// The policy set text for a whole organisation.
pub fn policy_set(doc: &PolicyDoc) -> PolicySetText {
    let mut w = Writer {
        text: String::new(),
        count: 0,
    };
    w.text.push_str(&format!(
        "// recgate/v1 organisation {} translated to Cedar (bench/peers, CEDAR.md).\n\n",
        doc.revision
    ));
    let rec = "resource is Recording";
    let on = |perms: &[Perm]| action_is(perms);
    let recording_perms: Vec<Perm> = Perm::all().filter(|p| p.on_recordings()).collect();
    let of = |a: Applies| -> Vec<Perm> {
        recording_perms
            .iter()
            .copied()
            .filter(|p| p.applies() == a)
            .collect()
    };
    let screen = SCREEN;

    // Step 1: which recordings a permission applies to.
    w.policy(
        "step 1: call-recording permissions do not apply to screen recordings",
        "forbid",
        ["principal", &on(&of(Applies::CallRecording)), rec],
        screen,
        "false",
    );
    w.policy(
        "step 1: screen-recording permissions apply to screen recordings only",
        "forbid",
        ["principal", &on(&of(Applies::ScreenRecording)), rec],
        &format!("!{screen}"),
        "false",
    );
    w.policy(
        "step 1: live monitoring applies to live recordings only",
        "forbid",
        ["principal", &on(&of(Applies::LiveRecording)), rec],
        "!resource.live",
        "false",
    );
    // Step 2: disabled principals.
    w.policy(
        "step 2: an unknown (no entity) or disabled principal is refused everything",
        "forbid",
        ["principal", "action", "resource"],
        "!(principal has disabled) || principal.disabled",
        "false",
    );
    // Step 4: retention (times are epoch milliseconds, see CEDAR.md).
    let s = &doc.settings;
    let mut expired = vec![
        "(resource has retentionDays && context.now >= resource.createdAt + resource.retentionDays * 86400000)".to_string(),
    ];
    if let Some(days) = s.retention_screen {
        expired.push(format!(
            "(!(resource has retentionDays) && {screen} && context.now >= resource.createdAt + {})",
            i64::from(days) * DAY_MS
        ));
    }
    if let Some(days) = s.retention_default {
        expired.push(format!(
            "(!(resource has retentionDays) && !{screen} && context.now >= resource.createdAt + {})",
            i64::from(days) * DAY_MS
        ));
    }
    w.policy(
        "step 4: expired recordings (createdAt + retention days), unless under legal hold",
        "forbid",
        ["principal", "action", rec],
        &format!(
            "!resource.legalHold && resource has createdAt && {}",
            any_of(&expired)
        ),
        "false",
    );
    // Step 5: legal hold.
    w.policy(
        "step 5: legal hold refuses deletion, retention edits and blackout",
        "forbid",
        [
            "principal",
            &on(&[
                Perm::RECORDING_DELETE,
                Perm::SCREEN_DELETE,
                Perm::EDIT_RETENTION,
                Perm::RECORDING_BLACKOUT,
            ]),
            rec,
        ],
        "resource.legalHold",
        "false",
    );
    // Step 7: denies, whatever the assignment's divisions; inherited ones under the inheriting role.
    for (role_id, _) in &doc.roles {
        for (from, role) in effective_roles(doc, role_id) {
            for d in &role.denies {
                for (kind, perms) in perms_by_kind(d) {
                    let r = format!("resource is {}", kind.type_name());
                    w.policy(
                        &rule_comment(role_id, from, "deny", d),
                        "forbid",
                        [
                            &format!("principal in {}", uid(ROLE, role_id)),
                            &on(&perms),
                            &r,
                        ],
                        &all_of(&[
                            scope_expr(kind, &d.scope, "resource"),
                            when_expr(kind, &d.when, "resource"),
                        ]),
                        "false",
                    );
                }
            }
        }
    }
    // Step 8: one permit per grant and resource kind; an inherited grant is
    // written under the inheriting role, with that role's assignment divisions.
    for (role_id, _) in &doc.roles {
        for (from, role) in effective_roles(doc, role_id) {
            for g in &role.grants {
                for (kind, perms) in perms_by_kind(g) {
                    let r = format!("resource is {}", kind.type_name());
                    w.policy(
                        &rule_comment(role_id, from, "grant", g),
                        "permit",
                        [
                            &format!("principal in {}", uid(ROLE, role_id)),
                            &on(&perms),
                            &r,
                        ],
                        &all_of(&[
                            division_expr(kind, role_id, "resource"),
                            scope_expr(kind, &g.scope, "resource"),
                            when_expr(kind, &g.when, "resource"),
                        ]),
                        "false",
                    );
                }
            }
        }
    }
    // Step 9: region, with the crossRegion exception for metadata.
    let cross = grants_of(doc, Perm::METADATA_VIEW, "resource", true);
    w.policy(
        "step 9: the principal's region must be the recording's",
        "forbid",
        ["principal", "action", rec],
        "principal has region && resource.region != principal.region",
        &if cross == "false" {
            cross
        } else {
            format!(
                "action == {} && !principal.bpo && {cross}",
                uid(ACTION, Perm::METADATA_VIEW.name())
            )
        },
    );
    // Step 10: prerequisites (on recordings), each one fully allowed.
    for (p, qs) in &doc.prerequisites {
        if !p.on_recordings() {
            continue;
        }
        let all = all_of(
            &qs.iter()
                .map(|q| allowed_full(doc, *q, 1))
                .collect::<Vec<_>>(),
        );
        w.policy(
            &format!("step 10: {p} needs its prerequisites allowed"),
            "forbid",
            ["principal", &on(&[*p]), rec],
            "true",
            &all,
        );
    }
    // Step 11: every non-access recording permission needs the media's view permission.
    let non_access: Vec<Perm> = recording_perms
        .iter()
        .copied()
        .filter(|p| !p.is_access())
        .collect();
    w.policy(
        "step 11: on a screen recording, needs recording:screenRecording:view allowed",
        "forbid",
        ["principal", &on(&non_access), rec],
        screen,
        &allowed_full(doc, Perm::SCREEN_VIEW, 1),
    );
    w.policy(
        "step 11: on any other recording, needs recording:recording:view allowed",
        "forbid",
        ["principal", &on(&non_access), rec],
        &format!("!{screen}"),
        &allowed_full(doc, Perm::RECORDING_VIEW, 1),
    );
    // Step 12: export.
    let downloads: Vec<Perm> = recording_perms
        .iter()
        .copied()
        .filter(|p| p.is_download())
        .collect();
    if !s.bpo_export {
        w.policy(
            "step 12: BPO principals may not download (settings.bpoExport is off)",
            "forbid",
            ["principal", &on(&downloads), rec],
            "principal.bpo",
            "false",
        );
    }
    w.policy(
        "step 12: a sensitive recording needs recording:recording:viewSensitiveData allowed to download",
        "forbid",
        ["principal", &on(&downloads), rec],
        "resource.sensitive",
        &allowed_full(doc, Perm::VIEW_SENSITIVE, 1),
    );
    PolicySetText {
        text: w.text,
        count: w.count,
    }
}
