//! Response bodies rewritten for one principal, host-free (unit tests and
//! fuzz targets drive it): the API's JSON arrays and entity listings with
//! every entity the principal may not see removed and counts made to agree,
//! a metadata-only entity cut down to an allow-list of fields, annotations
//! nested anywhere in an entity filtered like top-level ones. What cannot be
//! read as the shape the route promises is refused, never passed through.

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
#[allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test: a panic is a failure with its message"
)]
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
