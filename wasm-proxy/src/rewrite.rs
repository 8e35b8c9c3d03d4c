//! Response bodies rewritten for one principal, host-free (unit tests and
//! fuzz targets drive it): the API's JSON arrays and entity listings with
//! every entity the principal may not see removed and counts made to agree,
//! a metadata-only entity cut down to an allow-list of fields, annotations
//! nested anywhere in an entity filtered like top-level ones. What cannot be
//! read as the shape the route promises is refused, never passed through.
//!
//! A JSON array of entities can also be read without building a tree
//! ([`raw_array`], [`entity_head`]): each entity as its own bytes, with the
//! little the judge needs of it, so an entity kept unchanged is copied as it
//! came (issue #14: a 1,000-entity page costs what its kept bytes cost, not
//! a parse, a tree and a serialisation). The one difference from the tree:
//! serde_json's tree refuses nesting deeper than 128 levels, its byte reader
//! does not, so an entity passed unchanged may nest deeper — still JSON
//! validated whole, still judged on its facts.

use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// Why a body could not be rewritten (the response is then refused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unfilterable {
    /// Larger than the configured cap.
    TooLarge(usize),
    /// Not JSON.
    NotJson(String),
    /// JSON, but not the shape the route's API returns.
    Shape(&'static str),
}

/// Parses a body no larger than `max`.
pub fn parse(body: &[u8], max: usize) -> Result<Value, Unfilterable> {
    if body.len() > max {
        return Err(Unfilterable::TooLarge(body.len()));
    }
    serde_json::from_slice(body).map_err(|e| Unfilterable::NotJson(e.to_string()))
}

/// The body as bytes again.
pub fn to_bytes(doc: &Value) -> Result<Vec<u8>, Unfilterable> {
    serde_json::to_vec(doc).map_err(|e| Unfilterable::NotJson(e.to_string()))
}

/// A JSON array of entities: each kept when `keep` says so (it may trim the
/// entity in place).
pub fn filter_array(
    doc: &mut Value,
    mut keep: impl FnMut(&mut Value) -> bool,
) -> Result<(usize, usize), Unfilterable> {
    let items = doc
        .as_array_mut()
        .ok_or(Unfilterable::Shape("not a JSON array"))?;
    let before = items.len();
    items.retain_mut(|e| e.is_object() && keep(e));
    Ok((before, items.len()))
}

/// An entity listing (`{"entities": [...], "total", "pageCount", ...}`).
pub fn filter_listing(
    doc: &mut Value,
    keep: impl FnMut(&mut Value) -> bool,
) -> Result<(usize, usize), Unfilterable> {
    let obj = doc
        .as_object_mut()
        .ok_or(Unfilterable::Shape("not a JSON object"))?;
    let entities = obj
        .get_mut("entities")
        .ok_or(Unfilterable::Shape("no \"entities\" array"))?;
    let counts = filter_array(entities, keep)?;
    fix_counts(obj, counts.1);
    Ok(counts)
}

/// Counts describe what this principal sees on this page.
fn fix_counts(obj: &mut Map<String, Value>, kept: usize) {
    if obj.contains_key("total") {
        obj.insert("total".into(), Value::from(kept));
    }
    if obj.contains_key("pageCount") {
        let size = obj
            .get("pageSize")
            .and_then(Value::as_u64)
            .filter(|s| *s > 0);
        let pages = match size {
            Some(s) => (kept as u64).div_ceil(s),
            None => u64::from(kept > 0),
        };
        obj.insert("pageCount".into(), Value::from(pages));
    }
}

/// Keeps only the `allowed` fields of an entity.
pub fn keep_fields(entity: &mut Value, allowed: &[String]) {
    if let Some(o) = entity.as_object_mut() {
        o.retain(|k, _| allowed.iter().any(|a| a == k));
    }
}

/// Filters the `annotations` array of an entity, and theirs in turn, by
/// annotation id; an entry without a string id is removed. A non-array
/// `annotations` is removed whole.
pub fn filter_annotations(entity: &mut Value, keep: &dyn Fn(&str) -> bool) {
    let Some(o) = entity.as_object_mut() else {
        return;
    };
    match o.get_mut("annotations") {
        None => {}
        Some(Value::Array(items)) => {
            items.retain_mut(|a| {
                let ok = a.get("id").and_then(Value::as_str).is_some_and(keep);
                if ok {
                    filter_annotations(a, keep);
                }
                ok
            });
        }
        Some(_) => {
            o.remove("annotations");
        }
    }
}

/// A JSON array's elements as their own bytes (`None`: not a JSON array,
/// or not JSON at all — the tree reader then says which). The whole body is
/// validated as JSON by this one pass.
pub fn raw_array(body: &[u8]) -> Option<Vec<&RawValue>> {
    serde_json::from_slice(body).ok()
}

/// A body validated as one JSON value, as its bytes (`None`: not JSON).
pub fn raw_value(body: &[u8]) -> Option<&RawValue> {
    serde_json::from_slice(body).ok()
}

/// What the judge of a recording list needs of one entity read as bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityHead {
    /// Its `id`, when that is a string.
    pub id: Option<String>,
    /// Its bytes may be passed as they came once it is kept whole: no
    /// member name repeats (a repeated `id` or `annotations` would be read
    /// differently by different clients) and its `annotations` is absent or
    /// an empty array (nothing to filter). Otherwise the entity is rewritten
    /// through the tree like every other body.
    pub plain: bool,
}

/// An entity's head (`None`: not a JSON object, which a list drops), read
/// from bytes serde_json has already validated as one JSON value
/// ([`raw_array`]): the object's own member names, its `id` and its
/// `annotations`. Anything this reader does not take at face value — an
/// escape in a member name or in the `id`, a repeated name, annotations to
/// filter — makes the entity not [`EntityHead::plain`], and the tree reads it.
pub fn entity_head(raw: &RawValue) -> Option<EntityHead> {
    let b = raw.get().as_bytes();
    let mut at = skip_space(b, 0);
    if b.get(at) != Some(&b'{') {
        return None;
    }
    let tree = EntityHead {
        id: None,
        plain: false,
    };
    let mut head = EntityHead {
        id: None,
        plain: true,
    };
    let mut names: Vec<&[u8]> = Vec::new();
    at += 1;
    loop {
        at = skip_space(b, at);
        match b.get(at) {
            Some(b'}') => return Some(head),
            Some(b'"') => {}
            _ => return Some(tree),
        }
        let Some((name, escaped, after)) = string_at(b, at) else {
            return Some(tree);
        };
        if escaped || names.contains(&name) {
            return Some(tree);
        }
        names.push(name);
        at = skip_space(b, after);
        if b.get(at) != Some(&b':') {
            return Some(tree);
        }
        at = skip_space(b, at + 1);
        let Some(end) = value_end(b, at) else {
            return Some(tree);
        };
        let value = b.get(at..end).unwrap_or_default();
        match name {
            b"id" => match string_at(b, at) {
                Some((_, true, _)) => return Some(tree),
                Some((id, false, _)) => match std::str::from_utf8(id) {
                    Ok(id) => head.id = Some(id.to_string()),
                    Err(_) => return Some(tree),
                },
                None => head.id = None,
            },
            b"annotations" => {
                let mut rest = value.iter().filter(|c| !c.is_ascii_whitespace());
                if !(rest.next() == Some(&b'[')
                    && rest.next() == Some(&b']')
                    && rest.next().is_none())
                {
                    return Some(tree);
                }
            }
            _ => {}
        }
        at = skip_space(b, end);
        match b.get(at) {
            Some(b',') => at += 1,
            Some(b'}') => return Some(head),
            _ => return Some(tree),
        }
    }
}

fn skip_space(b: &[u8], mut at: usize) -> usize {
    while b
        .get(at)
        .is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    {
        at += 1;
    }
    at
}

/// The string starting at `at` (a `"`): its raw content, whether it holds
/// an escape, and the position after its closing quote. `None`: not a string.
fn string_at(b: &[u8], at: usize) -> Option<(&[u8], bool, usize)> {
    if b.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    let mut escaped = false;
    loop {
        match b.get(i)? {
            b'"' => return Some((b.get(at + 1..i)?, escaped, i + 1)),
            b'\\' => {
                escaped = true;
                i += 2;
            }
            _ => i += 1,
        }
    }
}

/// The position after the JSON value starting at `at` (validated JSON).
fn value_end(b: &[u8], at: usize) -> Option<usize> {
    match b.get(at)? {
        b'"' => string_at(b, at).map(|(_, _, end)| end),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match b.get(i)? {
                    b'"' => {
                        i = string_at(b, i)?.2;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = at;
            while b
                .get(i)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                i += 1;
            }
            Some(i)
        }
    }
}

/// The fields of the SDK's `ErrorBody` model: what an error status may carry.
const ERROR_FIELDS: [&str; 11] = [
    "message",
    "code",
    "status",
    "entityId",
    "entityName",
    "messageWithParams",
    "messageParams",
    "contextId",
    "details",
    "errors",
    "limit",
];

/// Whether a body is an API error (`ErrorBody`) and nothing else; an empty
/// body is one too.
pub fn is_error_body(body: &[u8]) -> bool {
    if body.iter().all(u8::is_ascii_whitespace) {
        return true;
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => o.keys().all(|k| ERROR_FIELDS.contains(&k.as_str())),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arrays_and_listings() {
        let mut doc = json!([{"id":"a"},{"id":"b"},7,{"id":"c"}]);
        let (before, after) = filter_array(&mut doc, |e| e["id"] != "b").unwrap();
        assert_eq!((before, after), (4, 2));
        assert_eq!(doc, json!([{"id":"a"},{"id":"c"}]));
        let mut l =
            json!({"entities":[{"id":"a"},{"id":"b"}],"total":2,"pageSize":1,"pageCount":2});
        filter_listing(&mut l, |e| e["id"] == "a").unwrap();
        assert_eq!(l["total"], 1);
        assert_eq!(l["pageCount"], 1);
        for bad in [json!({}), json!([]), json!({"entities":{}})] {
            let mut b = bad.clone();
            assert!(filter_listing(&mut b, |_| true).is_err(), "{bad}");
        }
        assert!(filter_array(&mut json!({}), |_| true).is_err());
        assert_eq!(parse(b"{}", 1), Err(Unfilterable::TooLarge(2)));
    }

    #[test]
    fn metadata_is_an_allow_list_and_annotations_nest() {
        let mut e = json!({"id":"r","name":"n","mediaUris":{"x":{}},"messagingTranscript":[1],
            "annotations":[{"id":"a1","annotations":[{"id":"a2"},{"id":"a3"}]},{"id":"a4"},{"x":1}]});
        keep_fields(&mut e, &["id".into(), "name".into(), "annotations".into()]);
        filter_annotations(&mut e, &|id| id != "a3" && id != "a4");
        assert_eq!(
            e,
            json!({"id":"r","name":"n","annotations":[{"id":"a1","annotations":[{"id":"a2"}]}]})
        );
        let mut odd = json!({"annotations": "x"});
        filter_annotations(&mut odd, &|_| true);
        assert_eq!(odd, json!({}));
    }

    #[test]
    fn entities_read_as_bytes() {
        let body = br#" [ {"id":"a","annotations":[ ]}, 7, {"id":"b","id":"c"}, {"annotations":[{"id":"x"}],"id":"d"},
            {"id":1}, {"a\u0069":"x","annotations":null}, {"i\u0064":"e","id":"f"},
            {"x":{"id":"r1"},"y":["id","r2"],"name":"n"}, {"x":"\"id\":\"r3\"","id":"r4"},
            { "id" : "r5" , "annotations" : [ ] , "n" : -1.5e3 , "t" : true , "z" : null } , {"id":"r\u0036"}, [{"id":"r7"}], "r8",
            {"annotations":{},"id":"r9"}, {"id":"r10","annotations":[]} ] "#;
        let items = raw_array(body).unwrap();
        let heads: Vec<Option<EntityHead>> = items.iter().map(|r| entity_head(r)).collect();
        let head = |id: Option<&str>, plain| {
            Some(EntityHead {
                id: id.map(str::to_string),
                plain,
            })
        };
        let tree = head(None, false);
        assert_eq!(
            heads,
            [
                head(Some("a"), true),
                None,
                // A repeated name: rewritten through the tree, where the last one counts.
                tree.clone(),
                // Annotations to filter.
                tree.clone(),
                head(None, true),
                // An escaped name (it could spell "id"): the tree reads it.
                tree.clone(),
                tree.clone(),
                // Only the object's own members count, never a nested or quoted "id".
                head(None, true),
                head(Some("r4"), true),
                head(Some("r5"), true),
                // An escaped id: the tree decodes it.
                tree.clone(),
                None,
                None,
                tree.clone(),
                head(Some("r10"), true),
            ]
        );
        assert_eq!(items[0].get(), r#"{"id":"a","annotations":[ ]}"#);
        // Nesting deeper than the tree reader's limit (128) is valid JSON to this reader.
        let deep = format!(
            r#"[{{"id":"a","x":{}1{}}}]"#,
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(
            matches!(parse(deep.as_bytes(), 1 << 20), Err(Unfilterable::NotJson(m)) if m.contains("recursion limit"))
        );
        let items = raw_array(deep.as_bytes()).unwrap();
        assert_eq!(entity_head(items[0]).unwrap().id.as_deref(), Some("a"));
        for bad in [&b"{}"[..], b"[1,", b"[\"\xff\"]", b"x", b""] {
            assert!(raw_array(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn error_bodies() {
        assert!(is_error_body(
            br#"{"message":"not found","code":"not.found","status":404}"#
        ));
        assert!(is_error_body(b""));
        assert!(!is_error_body(br#"[{"id":"r"}]"#));
        assert!(!is_error_body(br#"{"message":"x","mediaUris":{}}"#));
        assert!(!is_error_body(b"\xff"));
    }
}
