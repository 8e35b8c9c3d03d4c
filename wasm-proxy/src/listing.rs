//! List responses: a recordings, queues or annotations page from the upstream
//! API, with every entity the principal may not see removed, metadata-only
//! entities stripped of their media, and the counts made to agree. A body that
//! cannot be filtered is refused — never passed through unfiltered.

use recgate_core::Recording;
use serde_json::{Map, Value};

/// What to do with one entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Remove it.
    Drop,
    /// Keep its metadata, remove its media fields.
    Metadata,
    /// Keep it whole.
    Whole,
}

/// Why a list body could not be filtered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unfilterable {
    /// Larger than the configured cap.
    TooLarge(usize),
    /// Not JSON, or not an object with an `entities` array.
    NotAList(String),
}

/// Filters a list body; `judge` decides each entity.
pub fn filter_list(
    body: &[u8],
    max_bytes: usize,
    media_fields: &[String],
    mut judge: impl FnMut(&Value) -> Keep,
) -> Result<(Vec<u8>, usize, usize), Unfilterable> {
    if body.len() > max_bytes {
        return Err(Unfilterable::TooLarge(body.len()));
    }
    let mut doc: Value = serde_json::from_slice(body)
        .map_err(|e| Unfilterable::NotAList(format!("not JSON: {e}")))?;
    let obj = doc
        .as_object_mut()
        .ok_or_else(|| Unfilterable::NotAList("not a JSON object".into()))?;
    let entities = obj
        .get_mut("entities")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| Unfilterable::NotAList("no \"entities\" array".into()))?;
    let before = entities.len();
    let mut kept = Vec::with_capacity(before);
    for mut e in entities.drain(..) {
        match judge(&e) {
            Keep::Drop => {}
            Keep::Whole => kept.push(e),
            Keep::Metadata => {
                if let Some(m) = e.as_object_mut() {
                    for f in media_fields {
                        m.remove(f);
                    }
                }
                kept.push(e);
            }
        }
    }
    let after = kept.len();
    *entities = kept;
    fix_counts(obj, after);
    let out = serde_json::to_vec(&doc).map_err(|e| Unfilterable::NotAList(e.to_string()))?;
    Ok((out, before, after))
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

/// Reads a recording's attributes out of an API entity: the recording fields
/// the core knows, every other field ignored. `None` when they are not a valid
/// recording (the entity is then hidden: what cannot be decided is not shown).
pub fn recording_of(entity: &Value) -> Option<Recording> {
    let obj = entity.as_object()?;
    let picked: Map<String, Value> = Recording::FIELDS
        .iter()
        .filter_map(|f| obj.get(*f).map(|v| ((*f).to_string(), v.clone())))
        .collect();
    serde_json::from_value(Value::Object(picked)).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn media() -> Vec<String> {
        vec!["mediaUris".into()]
    }

    #[test]
    fn filters_strips_and_recounts() {
        let body = br#"{"entities":[{"id":"a","mediaUris":["x"]},{"id":"b","mediaUris":["y"]},{"id":"c"}],"total":3,"pageSize":2,"pageCount":2}"#;
        let (out, before, after) =
            filter_list(body, 1 << 20, &media(), |e| match e["id"].as_str() {
                Some("a") => Keep::Whole,
                Some("b") => Keep::Metadata,
                _ => Keep::Drop,
            })
            .unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!((before, after), (3, 2));
        assert_eq!(v["total"], 2);
        assert_eq!(v["pageCount"], 1);
        assert_eq!(v["entities"][0]["mediaUris"][0], "x");
        assert!(v["entities"][1].get("mediaUris").is_none());
    }

    #[test]
    fn refuses_what_it_cannot_filter() {
        assert_eq!(
            filter_list(b"{}", 1, &media(), |_| Keep::Whole),
            Err(Unfilterable::TooLarge(2))
        );
        for bad in [
            &b"not json"[..],
            b"[]",
            b"{\"entities\":{}}",
            b"{\"items\":[]}",
        ] {
            assert!(matches!(
                filter_list(bad, 1 << 20, &media(), |_| Keep::Whole),
                Err(Unfilterable::NotAList(_))
            ));
        }
    }

    #[test]
    fn entities_become_recordings_leniently() {
        let e: Value = serde_json::json!({"id":"r1","media":"screen","owner":"a","name":"Call","mediaUris":[]});
        let r = recording_of(&e).unwrap();
        assert_eq!(r.id, "r1");
        assert!(r.is_screen());
        assert!(recording_of(&serde_json::json!({"media":"screen"})).is_none());
        assert!(recording_of(&serde_json::json!({"id":"x","media":"hologram"})).is_none());
    }
}
