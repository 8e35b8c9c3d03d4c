//! Compilation: a validated [`PolicyDoc`] becomes the form decisions run on.
//! Ids are interned to indices, inheritance is flattened once per role, and
//! each role keeps its grants and denies bucketed by catalog permission, so a
//! decision walks only the principal's own assignments and the rules that can
//! match — its cost does not grow with the size of the organisation. Each
//! user's data is allocated in one run of memory, so that its cost does not
//! grow with the organisation's memory either (see `compile`).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use sha2::{Digest, Sha256};

use crate::catalog::{Perm, CATALOG};
use crate::decision::hex;
use crate::model::{PolicyDoc, Rule, Scope, UserKind};

pub(crate) type Ix = u32;

/// Id lookups on the decision path: FxHash is several times faster than a
/// DoS-resistant hasher on short ids, and these tables hold only policy ids
/// (requests look up, never insert), so there is no flooding to resist.
pub(crate) type HashMap<K, V> = hashbrown::HashMap<K, V, rustc_hash::FxBuildHasher>;
/// The set of [`HashMap`]'s hasher (one hasher in the binary, not two).
pub(crate) type HashSet<T> = hashbrown::HashSet<T, rustc_hash::FxBuildHasher>;

/// Compiled scope: group and view ids interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CScope {
    All,
    Own,
    Assigned,
    Lines,
    Group(Ix),
    View(Ix),
}

/// Compiled `when`: queues interned and sorted, media and directions as bit masks.
#[derive(Debug, Clone, Default)]
pub(crate) struct CWhen {
    pub queues: Option<Vec<Ix>>,
    pub media: Option<u8>,
    pub directions: Option<u8>,
}

/// One grant or deny, as written in its defining role.
#[derive(Debug, Clone)]
pub(crate) struct CRule {
    pub role: Ix,
    pub deny: bool,
    pub index: u32,
    pub scope: CScope,
    pub when: CWhen,
    pub cross_region: bool,
}

/// A role with inheritance flattened: rule indices per catalog permission.
#[derive(Debug, Clone)]
pub(crate) struct CRole {
    pub grants: Vec<Vec<Ix>>,
    pub denies: Vec<Vec<Ix>>,
}

#[derive(Debug, Clone)]
pub(crate) struct CAssignment {
    pub role: Ix,
    /// `None` is every division; otherwise sorted division indices.
    pub divisions: Option<Vec<Ix>>,
}

#[derive(Debug, Clone)]
pub(crate) struct CUser {
    pub id: String,
    pub service: bool,
    pub division: Ix,
    pub region: String,
    pub bpo: bool,
    pub lines: Vec<String>,
    pub disabled: bool,
    pub assignments: Vec<CAssignment>,
    /// Every grant and deny the user holds, by permission: sorted by `perm`, and
    /// within one permission in assignment order, each role's own rules before
    /// inherited ones. A decision reads only this user's data, however many
    /// roles the organisation has.
    pub entries: Vec<Entry>,
    /// Bit `p` set: `entries` holds some rule for catalog permission `p`.
    /// Asking for a permission the user holds no rule of — the usual
    /// `no_permission` — then reads no entry: on a large organisation the
    /// search through another user's entries is a run of cache misses.
    pub perms: u64,
}

/// One rule a user holds for one permission.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub perm: u8,
    pub deny: bool,
    pub assignment: u16,
    pub rule: Ix,
}

impl CUser {
    /// The user's rules for one permission.
    pub fn entries(&self, perm: Perm) -> impl Iterator<Item = &Entry> {
        let none = perm_bit(perm.index()).is_some_and(|bit| self.perms & bit == 0);
        let all: &[Entry] = if none { &[] } else { &self.entries };
        let p = u8::try_from(perm.index()).unwrap_or(u8::MAX);
        let start = all.partition_point(|e| e.perm < p);
        all.get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(move |e| e.perm == p)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CQueue {
    pub division: Ix,
    pub members: Vec<Ix>,
    pub groups: Vec<Ix>,
}

#[derive(Debug, Clone)]
pub(crate) struct CView {
    pub queues: Vec<Ix>,
    /// The ids of the users it names and of its groups' members.
    pub people: HashSet<String>,
}

/// Everything a decision needs, by index.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    /// Boxed: each user's record lies with the rest of its data (see
    /// `compile`), not in one array of records spread over its own pages.
    #[expect(
        clippy::vec_box,
        reason = "the box places the record beside its user's data"
    )]
    pub users: Vec<Box<CUser>>,
    pub user_ix: HashMap<String, Ix>,
    /// Each group's members, by id (users only). Scopes `group` and `view`
    /// test a recording's owner by its id, which the request brings: resolving
    /// it to a user and reading their groups cost three or four cache misses
    /// among thousands of users, while the few sets a principal's rules name
    /// stay in cache from one decision to the next (check() on a page's
    /// slice ×0.93–0.94 over 20,000 requests, paired; BENCHMARKS.md, issue #16).
    pub group_members: Vec<HashSet<String>>,
    pub queues: Vec<CQueue>,
    pub queue_ix: HashMap<String, Ix>,
    pub views: Vec<CView>,
    pub division_ix: HashMap<String, Ix>,
    pub roles: Vec<CRole>,
    pub rules: Vec<CRule>,
    pub prerequisites: Vec<Vec<Perm>>,
    pub hash: String,
    /// Catalog permission by name: requests name permissions as strings.
    pub perm_ix: HashMap<&'static str, Perm>,
}

fn ix(n: usize) -> Ix {
    Ix::try_from(n).unwrap_or(Ix::MAX)
}

fn intern<'a>(ids: impl Iterator<Item = &'a String>) -> HashMap<String, Ix> {
    ids.enumerate().map(|(i, k)| (k.clone(), ix(i))).collect()
}

fn lookup_all(map: &HashMap<String, Ix>, ids: &[String]) -> Vec<Ix> {
    let mut v: Vec<Ix> = ids
        .iter()
        .filter_map(|k| map.get(k.as_str()).copied())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A role's own rules: index into `Compiled::rules` and the permissions each matches.
type RuleList = Vec<(Ix, crate::catalog::PermSet)>;

pub(crate) fn compile(doc: &PolicyDoc) -> Compiled {
    let user_ix = intern(doc.users.iter().map(|(k, _)| k));
    let group_ix = intern(doc.groups.iter().map(|(k, _)| k));
    let queue_ix = intern(doc.queues.iter().map(|(k, _)| k));
    let view_ix = intern(doc.views.iter().map(|(k, _)| k));
    let role_ix = intern(doc.roles.iter().map(|(k, _)| k));
    let division_ix = intern(doc.divisions.iter().map(|(k, _)| k));
    let div = |d: &str| division_ix.get(d).copied().unwrap_or(Ix::MAX);

    let group_members: Vec<HashSet<String>> = doc
        .groups
        .iter()
        .map(|(_, group)| {
            group
                .members
                .iter()
                .filter(|m| user_ix.contains_key(m.as_str()))
                .cloned()
                .collect()
        })
        .collect();
    let queues = doc
        .queues
        .iter()
        .map(|(_, q)| CQueue {
            division: div(&q.division),
            members: lookup_all(&user_ix, &q.members),
            groups: lookup_all(&group_ix, &q.groups),
        })
        .collect();
    let views = doc
        .views
        .iter()
        .map(|(_, v)| {
            let listed = v.users.iter().filter(|u| user_ix.contains_key(u.as_str()));
            let via_groups = v
                .groups
                .iter()
                .filter_map(|g| group_ix.get(g.as_str()))
                .filter_map(|g| group_members.get(*g as usize))
                .flatten();
            CView {
                queues: lookup_all(&queue_ix, &v.queues),
                people: listed.chain(via_groups).cloned().collect(),
            }
        })
        .collect();

    // Every rule once, by defining role; roles then index into this list.
    let mut rules = Vec::new();
    let mut own: Vec<(RuleList, RuleList)> = Vec::new();
    for (r, (_, role)) in doc.roles.iter().enumerate() {
        let mut compile_rules =
            |list: &[Rule], deny: bool| -> RuleList {
                list.iter()
                    .enumerate()
                    .map(|(i, rule)| {
                        rules.push(CRule {
                            role: ix(r),
                            deny,
                            index: ix(i),
                            scope: match &rule.scope {
                                Scope::All => CScope::All,
                                Scope::Own => CScope::Own,
                                Scope::Assigned => CScope::Assigned,
                                Scope::Lines => CScope::Lines,
                                Scope::Group(g) => CScope::Group(
                                    group_ix.get(g.as_str()).copied().unwrap_or(Ix::MAX),
                                ),
                                Scope::View(v) => CScope::View(
                                    view_ix.get(v.as_str()).copied().unwrap_or(Ix::MAX),
                                ),
                            },
                            when: CWhen {
                                queues: rule.when.queues.as_ref().map(|q| lookup_all(&queue_ix, q)),
                                media: rule
                                    .when
                                    .media
                                    .as_ref()
                                    .map(|m| m.iter().fold(0u8, |acc, x| acc | media_bit(*x))),
                                directions: rule.when.directions.as_ref().map(|d| {
                                    d.iter().fold(0u8, |acc, x| acc | (1u8 << (*x as u8)))
                                }),
                            },
                            cross_region: rule.cross_region,
                        });
                        (ix(rules.len() - 1), rule.perms)
                    })
                    .collect()
            };
        let g = compile_rules(&role.grants, false);
        let d = compile_rules(&role.denies, true);
        own.push((g, d));
    }
    let roles: Vec<CRole> = (0..doc.roles.len())
        .map(|r| {
            let mut grants = alloc::vec![Vec::new(); CATALOG.len()];
            let mut denies = alloc::vec![Vec::new(); CATALOG.len()];
            for anc in doc.role_chain(r, |id| role_ix.get(id).map(|i| *i as usize)) {
                if let Some((g, d)) = own.get(anc) {
                    for (buckets, list) in [(&mut grants, g), (&mut denies, d)] {
                        for (rule, perms) in list {
                            for p in perms.iter() {
                                if let Some(b) = buckets.get_mut(p.index()) {
                                    b.push(*rule);
                                }
                            }
                        }
                    }
                }
            }
            CRole { grants, denies }
        })
        .collect();
    // Each user's data is allocated together, one user after another: its
    // assignments, entries, id, key and record. A decision about a
    // principal then reads one or two neighbouring pages of memory rather
    // than a page per field. Among 10,000 users asked about at random the
    // pages, not the instructions, are what costs (package check() ×0.92
    // over 20,000 requests, paired; BENCHMARKS.md, issue #16).
    let mut scratch = Vec::new();
    let (users, user_keys): (Vec<Box<CUser>>, Vec<String>) = doc
        .users
        .iter()
        .map(|(id, u)| {
            let assignments: Vec<CAssignment> = u
                .roles
                .iter()
                .filter_map(|a| {
                    let role = role_ix.get(a.role.as_str()).copied()?;
                    let divisions = if a.all_divisions() {
                        None
                    } else {
                        Some(lookup_all(&division_ix, &a.divisions))
                    };
                    Some(CAssignment { role, divisions })
                })
                .collect();
            user_entries(&assignments, &roles, &mut scratch);
            let key = id.clone();
            let user = Box::new(CUser {
                id: id.clone(),
                service: u.kind == UserKind::Service,
                division: div(&u.division),
                region: u.region.clone(),
                bpo: u.bpo,
                lines: u.lines.clone(),
                disabled: u.disabled,
                perms: scratch
                    .iter()
                    .filter_map(|e| perm_bit(usize::from(e.perm)))
                    .fold(0, |m, b| m | b),
                entries: scratch.as_slice().to_vec(),
                assignments,
            });
            (user, key)
        })
        .unzip();
    // The same numbers, each key now with its user's data.
    drop(user_ix);
    let user_ix: HashMap<String, Ix> = user_keys
        .into_iter()
        .enumerate()
        .map(|(i, k)| (k, ix(i)))
        .collect();
    let mut prerequisites = alloc::vec![Vec::new(); CATALOG.len()];
    for (p, list) in &doc.prerequisites {
        if let Some(slot) = prerequisites.get_mut(p.index()) {
            slot.extend(list.iter().copied());
        }
    }
    let hash = hex(&Sha256::digest(doc.to_json().as_bytes()));
    let perm_ix = Perm::all().map(|p| (p.name(), p)).collect();
    Compiled {
        users,
        user_ix,
        group_members,
        queues,
        queue_ix,
        views,
        division_ix,
        roles,
        rules,
        prerequisites,
        hash,
        perm_ix,
    }
}

/// The bit of catalog permission `index` in [`CUser::perms`]; `None` past
/// 64 permissions (the user's entries are then searched).
fn perm_bit(index: usize) -> Option<u64> {
    u32::try_from(index).ok().and_then(|i| 1u64.checked_shl(i))
}

pub(crate) fn media_bit(m: crate::model::Media) -> u8 {
    1u8 << (m as u8)
}

/// Every grant and deny of `assignments` by permission, into `entries` (emptied first).
fn user_entries(assignments: &[CAssignment], roles: &[CRole], entries: &mut Vec<Entry>) {
    entries.clear();
    for (ai, a) in assignments.iter().enumerate() {
        let (Some(role), Ok(assignment)) = (roles.get(a.role as usize), u16::try_from(ai)) else {
            continue;
        };
        for (deny, buckets) in [(false, &role.grants), (true, &role.denies)] {
            for (p, bucket) in buckets.iter().enumerate() {
                let perm = u8::try_from(p).unwrap_or(u8::MAX);
                entries.extend(bucket.iter().map(|&rule| Entry {
                    perm,
                    deny,
                    assignment,
                    rule,
                }));
            }
        }
    }
    // Stable: keeps assignment and rule order within a permission.
    entries.sort_by_key(|e| e.perm);
}
