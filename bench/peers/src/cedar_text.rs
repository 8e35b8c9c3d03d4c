//! Cedar syntax helpers: string literals, entity uids in policy text and in
//! the JSON entity format, and the entity type names the translation uses.

use serde_json::{json, Value};

/// Entity types of the translation (see CEDAR.md).
pub const USER: &str = "User";
pub const ROLE: &str = "Role";
pub const GROUP: &str = "Group";
pub const VIEW: &str = "View";
pub const QUEUE: &str = "Queue";
pub const RECORDING: &str = "Recording";
pub const ACTION: &str = "Action";

/// A Cedar string literal, quotes included.
pub fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An entity uid in policy text: `Type::"id"`.
pub fn uid(ty: &str, id: &str) -> String {
    format!("{ty}::{}", lit(id))
}

/// An entity uid in the JSON formats (`{"type", "id"}`).
pub fn uid_json(ty: &str, id: &str) -> Value {
    json!({ "type": ty, "id": id })
}

/// An entity reference as an attribute value in the JSON entity format.
pub fn entity_ref(ty: &str, id: &str) -> Value {
    json!({ "__entity": { "type": ty, "id": id } })
}

/// `a || b || …`, or `false` for none. Long disjunctions (every role's view
/// grants, inlined where SPEC asks for another permission to be allowed) are
/// written as a balanced tree of parenthesised halves: Cedar evaluates
/// `a || b || c …` as a left-nested chain by recursion, and a chain of a few
/// hundred overflows the stack of cedar-wasm (`Maximum call stack size
/// exceeded`, then a corrupted instance). Balanced, the depth is log2(n).
pub fn any_of(terms: &[String]) -> String {
    match terms {
        [] => "false".into(),
        [one] => one.clone(),
        [a, b] => format!("({a} || {b})"),
        _ => {
            let (left, right) = terms.split_at(terms.len() / 2);
            format!("({} || {})", any_of(left), any_of(right))
        }
    }
}

/// `a && b && …` leaving out `true` terms, or `true` for none.
pub fn all_of(terms: &[String]) -> String {
    let kept: Vec<&String> = terms.iter().filter(|t| t.as_str() != "true").collect();
    match kept.as_slice() {
        [] => "true".into(),
        [one] => (*one).clone(),
        _ => format!(
            "({})",
            kept.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" && ")
        ),
    }
}
