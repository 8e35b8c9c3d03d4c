//! What the sections say about each other (SPEC §1): every reference names
//! something that exists; role inheritance has no cycle and is at most
//! [`Limits::max_inheritance_depth`] deep; prerequisites have no cycle,
//! counting the inner checks evaluation makes on its own (SPEC §3 steps
//! 11–12, [`Perm::implicit_checks`]), so that evaluation always ends.

use alloc::format;

use alloc::vec::Vec;

use super::{Limits, Validator};
use crate::catalog::{Perm, CATALOG};
use crate::compile::{HashMap, HashSet};
use crate::error::ValidationError;
use crate::json::Pointer;
use crate::model::{PolicyDoc, Scope};

impl Validator {
    pub(super) fn references(&mut self, doc: &PolicyDoc) {
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

    pub(super) fn inheritance(&mut self, doc: &PolicyDoc, limits: &Limits) {
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

    pub(super) fn prerequisite_cycles(&mut self, doc: &PolicyDoc) {
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

#[cfg(test)]
mod tests {
    use super::super::tests::paths;
    use super::super::{parse_policy, Limits};

    fn problems(body: &str) -> alloc::vec::Vec<alloc::string::String> {
        paths(&alloc::format!(
            r#"{{"schema":"recgate/v1","revision":"r",{body}}}"#
        ))
    }

    #[test]
    fn every_reference_names_something_that_exists() {
        assert_eq!(
            problems(
                r#""groups":{"g":{"members":["ghost"]}},"queues":{"q":{"division":"d9","groups":["g9"]}},
                "views":{"v":{"queues":["q9"]}},
                "roles":{"r":{"inherits":["r9"],"grants":[{"permission":"recording:recording:view","scope":{"view":"v9"},"when":{"queues":["q8"]}}]}},
                "users":{"u":{"division":"d8","roles":[{"role":"r","divisions":["d7","*"]}]}}"#
            ),
            [
                "/groups/g/members/0",
                "/queues/q/division",
                "/queues/q/groups/0",
                "/views/v/queues/0",
                "/roles/r/inherits/0",
                "/roles/r/grants/0/scope/view",
                "/roles/r/grants/0/when/queues/0",
                "/users/u/division",
                "/users/u/roles/0/divisions/0"
            ]
        );
    }

    #[test]
    fn inheritance_has_no_cycle_and_a_bounded_depth() {
        let e = parse_policy(
            r#"{"schema":"recgate/v1","revision":"r","roles":{"a":{"inherits":["b"]},"b":{"inherits":["c"]},"c":{"inherits":["a"]}}}"#,
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(e.errors.len(), 1, "{e}");
        assert_eq!(e.errors[0].path, "/roles/c/inherits/0");
        assert_eq!(e.errors[0].message, "inheritance cycle: a → b → c → a");
        let chain: alloc::vec::Vec<alloc::string::String> = (0..5)
            .map(|i| alloc::format!(r#""r{i}":{{"inherits":["r{}"]}}"#, i + 1))
            .collect();
        let text = alloc::format!(
            r#"{{"schema":"recgate/v1","revision":"r","roles":{{{},"r5":{{}}}}}}"#,
            chain.join(",")
        );
        let shallow = Limits {
            max_inheritance_depth: 3,
            ..Limits::default()
        };
        let e = parse_policy(&text, &shallow).unwrap_err();
        assert_eq!(e.errors.len(), 1);
        assert!(e.errors[0].message.contains("over the limit of 3"), "{e}");
        assert!(parse_policy(&text, &Limits::default()).is_ok());
    }

    #[test]
    fn prerequisite_cycles_count_the_implicit_access_checks() {
        // download needs view by step 11; view needing download closes a cycle.
        let e = parse_policy(
            r#"{"schema":"recgate/v1","revision":"r","prerequisites":{"recording:recording:view":["recording:recording:download"]}}"#,
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(e.errors[0].path, "/prerequisites/recording:recording:view");
        assert!(e.errors[0].message.contains("recording:recording:view → recording:recording:download → recording:recording:view"), "{e}");
        // A call-only permission has no edge to the screen view: no false cycle.
        assert!(problems(
            r#""prerequisites":{"recording:screenRecording:view":["recording:recording:delete"]}"#
        )
        .is_empty());
        // A download does reach it, through step 12's sensitive-data check.
        assert_eq!(
            problems(
                r#""prerequisites":{"recording:screenRecording:view":["recording:recording:download"]}"#
            ),
            ["/prerequisites/recording:screenRecording:view"]
        );
        assert!(problems(
            r#""prerequisites":{"recording:recording:download":["recording:recording:view"]}"#
        )
        .is_empty());
    }
}
