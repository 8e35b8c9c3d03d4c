//! Permission conditions (`resourceConditionNode`) to recgate scopes and
//! `when` (SPEC §1 "Grant"). A condition is a tree: leaves test a variable
//! (`variableName`, `operator`, `operands`), junctions combine `terms` with a
//! `conjunction`. It is read into disjunctive form — one recgate grant per
//! disjunct, since a grant's scope and `when` are a conjunction and a role's
//! grants are a disjunction. Anything recgate has no exact equivalent for
//! makes the whole policy's grants dropped and reported: a condition is never
//! dropped on its own, which would widen the grant.
//!
//! The variables read (`docs/genesys-import.md` has the table):
//!
//! | `variableName` | operands | recgate |
//! |---|---|---|
//! | `user` | `VARIABLE currentUser` | scope `assigned` (interactions the user took part in) |
//! | `owner` | `VARIABLE currentUser` | scope `self` (the user's own recordings) |
//! | `line` | `VARIABLE currentUser.lines` | scope `lines` |
//! | `group` | `SCALAR` group ids | scope `{group}` |
//! | `queue` | `QUEUE` / `SCALAR` queue ids | `when.queues` |
//! | `mediaType` | `SCALAR` `voice`, `screen`, `chat`, `email`, `message` | `when.media` |
//! | `direction` | `SCALAR` `inbound`, `outbound` | `when.directions` |

use std::collections::BTreeSet;

use crate::model::{ConditionNode, ConditionValue};

/// A grant's scope, as the importer writes it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ImportScope {
    /// `"all"`
    All,
    /// `"self"`
    Own,
    /// `"assigned"`
    Assigned,
    /// `"lines"`
    Lines,
    /// `{"group": id}`
    Group(String),
}

impl ImportScope {
    /// The policy's JSON for it.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            ImportScope::All => "all".into(),
            ImportScope::Own => "self".into(),
            ImportScope::Assigned => "assigned".into(),
            ImportScope::Lines => "lines".into(),
            ImportScope::Group(g) => serde_json::json!({ "group": g }),
        }
    }
}

/// One disjunct: a scope and the `when` lists (each "any of"; all must hold).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Disjunct {
    /// The scope (`None`: no scope condition, i.e. `all`).
    pub scope: Option<ImportScope>,
    /// `when.queues`.
    pub queues: Option<BTreeSet<String>>,
    /// `when.media`.
    pub media: Option<BTreeSet<&'static str>>,
    /// `when.directions`.
    pub directions: Option<BTreeSet<&'static str>>,
}

/// The ids conditions may name.
pub struct Known<'a> {
    /// Group ids of the export.
    pub groups: &'a BTreeSet<String>,
    /// Queue ids of the export.
    pub queues: &'a BTreeSet<String>,
}

/// The most disjuncts one condition may expand to.
pub const MAX_DISJUNCTS: usize = 64;

fn intersect<T: Ord + Clone>(
    a: &Option<BTreeSet<T>>,
    b: &Option<BTreeSet<T>>,
) -> Option<BTreeSet<T>> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.intersection(y).cloned().collect()),
        (Some(x), None) | (None, Some(x)) => Some(x.clone()),
        (None, None) => None,
    }
}

/// Both disjuncts at once; `Ok(None)` when they can never hold together.
fn conjoin(a: &Disjunct, b: &Disjunct) -> Result<Option<Disjunct>, String> {
    let scope = match (&a.scope, &b.scope) {
        (Some(x), Some(y)) if x != y => {
            return Err(format!(
                "a conjunction of two scopes ({} and {}): a recgate grant has one scope",
                scope_name(x),
                scope_name(y)
            ))
        }
        (Some(x), _) | (None, Some(x)) => Some(x.clone()),
        (None, None) => None,
    };
    let d = Disjunct {
        scope,
        queues: intersect(&a.queues, &b.queues),
        media: intersect(&a.media, &b.media),
        directions: intersect(&a.directions, &b.directions),
    };
    let empty = d.queues.as_ref().is_some_and(BTreeSet::is_empty)
        || d.media.as_ref().is_some_and(BTreeSet::is_empty)
        || d.directions.as_ref().is_some_and(BTreeSet::is_empty);
    Ok((!empty).then_some(d))
}

fn scope_name(s: &ImportScope) -> String {
    match s {
        ImportScope::Group(g) => format!("group {g}"),
        other => other.to_json().as_str().unwrap_or("").to_string(),
    }
}

/// The condition in disjunctive form, or why recgate cannot express it.
pub fn translate(node: &ConditionNode, known: &Known) -> Result<Vec<Disjunct>, String> {
    match (&node.variable_name, &node.conjunction) {
        (Some(_), Some(_)) => Err("a node with both a variable and a conjunction".into()),
        (Some(var), None) => {
            if !node.terms.is_empty() {
                return Err(format!("the leaf on \"{var}\" also has terms"));
            }
            leaf(var, node, known)
        }
        (None, Some(conj)) => {
            if node.terms.is_empty() {
                return Err(format!("a {conj} with no terms"));
            }
            let parts: Vec<Vec<Disjunct>> = node
                .terms
                .iter()
                .map(|t| translate(t, known))
                .collect::<Result<_, _>>()?;
            match conj.as_str() {
                "OR" => {
                    let out: Vec<Disjunct> = parts.into_iter().flatten().collect();
                    if out.len() > MAX_DISJUNCTS {
                        return Err(format!("expands to more than {MAX_DISJUNCTS} grants"));
                    }
                    Ok(out)
                }
                "AND" => {
                    let mut acc = vec![Disjunct::default()];
                    for part in parts {
                        let mut next = Vec::new();
                        for a in &acc {
                            for b in &part {
                                if let Some(d) = conjoin(a, b)? {
                                    next.push(d);
                                }
                            }
                        }
                        if next.len() > MAX_DISJUNCTS {
                            return Err(format!("expands to more than {MAX_DISJUNCTS} grants"));
                        }
                        acc = next;
                    }
                    Ok(acc)
                }
                other => Err(format!("unknown conjunction \"{other}\"")),
            }
        }
        (None, None) => Err("a node with neither a variable nor a conjunction".into()),
    }
}

fn operand_text(o: &ConditionValue) -> String {
    let kind = o.kind.as_deref().unwrap_or("?");
    let id = o
        .value
        .as_deref()
        .or(o.queue.as_ref().and_then(|q| q.id.as_deref()))
        .or(o.user.as_ref().and_then(|u| u.id.as_deref()))
        .or(o.team.as_ref().and_then(|t| t.id.as_deref()))
        .unwrap_or("?");
    format!("{kind} {id}")
}

/// The condition as one line, for the report.
pub fn describe(node: &ConditionNode) -> String {
    match (&node.variable_name, &node.conjunction) {
        (Some(var), _) => {
            let ops: Vec<String> = node.operands.iter().map(operand_text).collect();
            format!(
                "{var} {} [{}]",
                node.operator.as_deref().unwrap_or("?"),
                ops.join(", ")
            )
        }
        (None, Some(conj)) => {
            let terms: Vec<String> = node
                .terms
                .iter()
                .map(|t| format!("({})", describe(t)))
                .collect();
            terms.join(&format!(" {conj} "))
        }
        (None, None) => "(empty)".into(),
    }
}

/// A leaf's operands as values, checking the operator's arity.
fn values<'n>(var: &str, node: &'n ConditionNode) -> Result<&'n [ConditionValue], String> {
    match node.operator.as_deref() {
        Some("EQ") if node.operands.len() == 1 => Ok(&node.operands),
        Some("EQ") => Err(format!("{var} EQ with {} operands", node.operands.len())),
        Some("IN") if !node.operands.is_empty() => Ok(&node.operands),
        Some("IN") => Err(format!("{var} IN with no operands")),
        Some(op) => Err(format!(
            "operator {op} on \"{var}\" has no recgate equivalent (recgate tests membership only)"
        )),
        None => Err(format!("the leaf on \"{var}\" has no operator")),
    }
}

fn current_user(
    var: &str,
    node: &ConditionNode,
    token: &str,
    scope: ImportScope,
) -> Result<Vec<Disjunct>, String> {
    let ops = values(var, node)?;
    if ops
        .iter()
        .all(|o| o.kind.as_deref() == Some("VARIABLE") && o.value.as_deref() == Some(token))
    {
        Ok(vec![Disjunct {
            scope: Some(scope),
            ..Disjunct::default()
        }])
    } else {
        Err(format!(
            "\"{var}\" compared with {}: recgate scopes a grant by its holder ({var} = VARIABLE {token}), not by named users",
            ops.iter().map(operand_text).collect::<Vec<_>>().join(", ")
        ))
    }
}

fn scalars<'n>(var: &str, ops: &'n [ConditionValue]) -> Result<Vec<&'n str>, String> {
    ops.iter()
        .map(|o| match (o.kind.as_deref(), o.value.as_deref()) {
            (Some("SCALAR"), Some(v)) => Ok(v),
            _ => Err(format!(
                "\"{var}\" compared with {} (expected SCALAR values)",
                operand_text(o)
            )),
        })
        .collect()
}

fn leaf(var: &str, node: &ConditionNode, known: &Known) -> Result<Vec<Disjunct>, String> {
    match var {
        "user" => current_user(var, node, "currentUser", ImportScope::Assigned),
        "owner" => current_user(var, node, "currentUser", ImportScope::Own),
        "line" => current_user(var, node, "currentUser.lines", ImportScope::Lines),
        "group" => {
            let ids = scalars(var, values(var, node)?)?;
            ids.into_iter()
                .map(|g| {
                    if known.groups.contains(g) {
                        Ok(Disjunct {
                            scope: Some(ImportScope::Group(g.to_string())),
                            ..Disjunct::default()
                        })
                    } else {
                        Err(format!("group {g} is not in groups.json"))
                    }
                })
                .collect()
        }
        "queue" => {
            let mut ids = BTreeSet::new();
            for o in values(var, node)? {
                let by_ref = o.queue.as_ref().and_then(|q| q.id.as_deref());
                let id = match (o.kind.as_deref(), by_ref, o.value.as_deref()) {
                    (Some("QUEUE"), Some(a), Some(b)) if a != b => {
                        return Err(format!("a QUEUE operand naming two queues ({a}, {b})"))
                    }
                    (Some("QUEUE"), Some(a), _) | (Some("QUEUE") | Some("SCALAR"), None, Some(a)) => a,
                    _ => return Err(format!("\"queue\" compared with {}", operand_text(o))),
                };
                if !known.queues.contains(id) {
                    return Err(format!("queue {id} is not in routing/queues.json"));
                }
                ids.insert(id.to_string());
            }
            Ok(vec![Disjunct {
                queues: Some(ids),
                ..Disjunct::default()
            }])
        }
        "mediaType" => {
            let mut media = BTreeSet::new();
            for v in scalars(var, values(var, node)?)? {
                media.insert(match v {
                    "voice" => "audio",
                    "screen" => "screen",
                    "chat" => "chat",
                    "email" => "email",
                    "message" => "messaging",
                    other => return Err(format!("media type \"{other}\" has no recgate equivalent")),
                });
            }
            Ok(vec![Disjunct {
                media: Some(media),
                ..Disjunct::default()
            }])
        }
        "direction" => {
            let mut dirs = BTreeSet::new();
            for v in scalars(var, values(var, node)?)? {
                dirs.insert(match v {
                    "inbound" => "inbound",
                    "outbound" => "outbound",
                    other => return Err(format!("direction \"{other}\" is not inbound or outbound")),
                });
            }
            Ok(vec![Disjunct {
                directions: Some(dirs),
                ..Disjunct::default()
            }])
        }
        "team" => Err("work-team conditions are resolved at interaction time; recgate's groups are current membership, which could widen the grant".into()),
        other => Err(format!("a condition on \"{other}\" has no recgate equivalent")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(v: serde_json::Value) -> ConditionNode {
        serde_json::from_value(v).unwrap()
    }

    fn known() -> (BTreeSet<String>, BTreeSet<String>) {
        (
            ["g1".to_string(), "g2".to_string()].into(),
            ["q1".to_string(), "q2".to_string()].into(),
        )
    }

    #[test]
    fn or_of_groups_gives_one_grant_each_and_and_intersects_whens() {
        let (g, q) = known();
        let k = Known {
            groups: &g,
            queues: &q,
        };
        let n = node(serde_json::json!({ "conjunction": "AND", "terms": [
            { "variableName": "group", "operator": "IN", "operands": [ { "type": "SCALAR", "value": "g1" }, { "type": "SCALAR", "value": "g2" } ] },
            { "variableName": "queue", "operator": "IN", "operands": [ { "type": "QUEUE", "queue": { "id": "q1" } }, { "type": "SCALAR", "value": "q2" } ] },
            { "variableName": "queue", "operator": "EQ", "operands": [ { "type": "QUEUE", "value": "q2" } ] }
        ]}));
        let d = translate(&n, &k).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].scope, Some(ImportScope::Group("g1".into())));
        assert_eq!(d[1].queues, Some(["q2".to_string()].into()));
    }

    #[test]
    fn what_recgate_cannot_express_is_refused_whole() {
        let (g, q) = known();
        let k = Known {
            groups: &g,
            queues: &q,
        };
        for bad in [
            serde_json::json!({ "variableName": "user", "operator": "EQ", "operands": [ { "type": "USER", "user": { "id": "u9" } } ] }),
            serde_json::json!({ "variableName": "queue", "operator": "GE", "operands": [ { "type": "SCALAR", "value": "q1" } ] }),
            serde_json::json!({ "variableName": "team", "operator": "EQ", "operands": [ { "type": "TEAM", "team": { "id": "t1" } } ] }),
            serde_json::json!({ "variableName": "wrapupCode", "operator": "EQ", "operands": [ { "type": "SCALAR", "value": "x" } ] }),
            serde_json::json!({ "variableName": "group", "operator": "EQ", "operands": [ { "type": "SCALAR", "value": "g-unknown" } ] }),
            serde_json::json!({ "conjunction": "AND", "terms": [
                { "variableName": "owner", "operator": "EQ", "operands": [ { "type": "VARIABLE", "value": "currentUser" } ] },
                { "variableName": "group", "operator": "EQ", "operands": [ { "type": "SCALAR", "value": "g1" } ] } ] }),
            serde_json::json!({ "conjunction": "AND", "terms": [
                { "variableName": "queue", "operator": "EQ", "operands": [ { "type": "SCALAR", "value": "q1" } ] },
                { "variableName": "wrapupCode", "operator": "EQ", "operands": [ { "type": "SCALAR", "value": "x" } ] } ] }),
        ] {
            assert!(translate(&node(bad.clone()), &k).is_err(), "{bad}");
        }
        // A conjunction that can never hold is no grant at all, not an error.
        let never = node(serde_json::json!({ "conjunction": "AND", "terms": [
            { "variableName": "direction", "operator": "EQ", "operands": [ { "type": "SCALAR", "value": "inbound" } ] },
            { "variableName": "direction", "operator": "EQ", "operands": [ { "type": "SCALAR", "value": "outbound" } ] } ] }));
        assert_eq!(translate(&never, &k).unwrap(), vec![]);
    }
}
