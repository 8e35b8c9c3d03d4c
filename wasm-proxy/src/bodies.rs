//! Request bodies the filter must read to decide, host-free: what a body
//! asks for is what is decided, and a body that asks for something the
//! filter does not map (an unknown field, another author, another
//! recording, an unmapped job action) is refused — never forwarded undecided.
//! Field names are the SDK's models (`Recording`, `Annotation`,
//! `ConversationDeletionProtectionQuery`, `BatchDownloadJobSubmission`,
//! `RecordingJobsQuery`, and `ScreenMonitoringApi`'s `Array<string>` of user ids).

use recgate_core::bulk::{BulkAction, BulkScope};
use serde_json::{Map, Value};

/// Why a body is refused (400 `invalid_request`; the text goes to the log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBody(pub String);

fn object(body: &[u8]) -> Result<Map<String, Value>, BadBody> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(_) => Err(BadBody("the body is not a JSON object".into())),
        Err(e) => Err(BadBody(format!("the body is not JSON: {e}"))),
    }
}

fn only(o: &Map<String, Value>, allowed: &[&str]) -> Result<(), BadBody> {
    match o.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(BadBody(format!(
            "field \"{k}\" is not one the edge decides on"
        ))),
        None => Ok(()),
    }
}

fn same_id(o: &Map<String, Value>, field: &str, want: &str) -> Result<(), BadBody> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if s == want => Ok(()),
        Some(_) => Err(BadBody(format!(
            "\"{field}\" names another resource than the path"
        ))),
    }
}

/// Reads the body of `POST /api/v2/screenmonitors/sessions/users/details`:
/// a JSON array of user ids (non-empty strings, at most `max`, repeats read once).
pub fn user_ids(body: &[u8], max: usize) -> Result<Vec<String>, BadBody> {
    let items = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(items)) => items,
        Ok(_) => return Err(BadBody("the body is not a JSON array of user ids".into())),
        Err(e) => return Err(BadBody(format!("the body is not JSON: {e}"))),
    };
    if items.len() > max {
        return Err(BadBody(format!("more than {max} users")));
    }
    let mut out: Vec<String> = Vec::new();
    for item in items {
        match item {
            Value::String(id) if !id.is_empty() => {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
            _ => return Err(BadBody("a user id that is not a non-empty string".into())),
        }
    }
    Ok(out)
}

/// What a `PUT` of a recording changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecordingUpdate {
    /// `deleteDate` set or cleared: deleting it.
    pub delete_date: bool,
    /// `archiveDate`: its retention.
    pub archive_date: bool,
    /// `exportDate`: retention, and an export (download).
    pub export_date: bool,
}

/// Reads the body of `PUT …/recordings/{recordingId}`.
pub fn recording_update(
    body: &[u8],
    conversation: &str,
    recording: &str,
) -> Result<RecordingUpdate, BadBody> {
    let o = object(body)?;
    only(
        &o,
        &[
            "id",
            "conversationId",
            "deleteDate",
            "archiveDate",
            "exportDate",
        ],
    )?;
    same_id(&o, "id", recording)?;
    same_id(&o, "conversationId", conversation)?;
    let date = |k: &str| -> Result<bool, BadBody> {
        match o.get(k) {
            None => Ok(false),
            Some(Value::Null | Value::String(_)) => Ok(true),
            Some(_) => Err(BadBody(format!("\"{k}\" is not a date"))),
        }
    };
    Ok(RecordingUpdate {
        delete_date: date("deleteDate")?,
        archive_date: date("archiveDate")?,
        export_date: date("exportDate")?,
    })
}

/// The SDK's `Annotation` fields a client may send (nested `annotations`
/// are not: each annotation is decided on its own).
const ANNOTATION_FIELDS: [&str; 14] = [
    "id",
    "name",
    "type",
    "location",
    "durationMs",
    "absoluteLocation",
    "absoluteDurationMs",
    "recordingLocation",
    "recordingDurationMs",
    "user",
    "description",
    "reason",
    "realtimeLocation",
    "selfUri",
];

/// Checks an annotation body: known fields only, its `user` (the author)
/// the principal, its `id` the path's (on a `PUT`).
pub fn annotation(body: &[u8], principal: &str, id: Option<&str>) -> Result<(), BadBody> {
    let o = object(body)?;
    only(&o, &ANNOTATION_FIELDS)?;
    if let Some(id) = id {
        same_id(&o, "id", id)?;
    }
    match o.get("user") {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Object(u)) if u.get("id").and_then(Value::as_str) == Some(principal) => Ok(()),
        Some(_) => Err(BadBody("the annotation's user is not the principal".into())),
    }
}

fn ids(v: Option<&Value>, field: &str, max: usize) -> Result<Vec<String>, BadBody> {
    let items = v
        .and_then(Value::as_array)
        .ok_or_else(|| BadBody(format!("\"{field}\" must be an array")))?;
    if items.is_empty() || items.len() > max {
        return Err(BadBody(format!("\"{field}\" must name 1 to {max} items")));
    }
    items
        .iter()
        .map(|i| {
            i.as_str()
                .filter(|s| crate::identity::is_plain_id(s))
                .map(str::to_string)
                .ok_or_else(|| BadBody(format!("\"{field}\" holds an unreadable id")))
        })
        .collect()
}

/// The conversations of a `ConversationDeletionProtectionQuery`.
pub fn conversation_ids(body: &[u8], max: usize) -> Result<Vec<String>, BadBody> {
    let o = object(body)?;
    only(&o, &["conversationIds"])?;
    let mut out = ids(o.get("conversationIds"), "conversationIds", max)?;
    out.sort();
    out.dedup();
    Ok(out)
}

/// The `(conversationId, recordingId)` items of a `BatchDownloadJobSubmission`.
pub fn batch_items(body: &[u8], max: usize) -> Result<Vec<(String, String)>, BadBody> {
    let o = object(body)?;
    only(&o, &["batchDownloadRequestList"])?;
    let items = o
        .get("batchDownloadRequestList")
        .and_then(Value::as_array)
        .ok_or_else(|| BadBody("\"batchDownloadRequestList\" must be an array".into()))?;
    if items.is_empty() || items.len() > max {
        return Err(BadBody(format!("a batch names 1 to {max} recordings")));
    }
    items
        .iter()
        .map(|i| {
            let o = i
                .as_object()
                .ok_or_else(|| BadBody("a batch item is not an object".into()))?;
            only(o, &["conversationId", "recordingId"])?;
            let id = |k: &str| {
                o.get(k)
                    .and_then(Value::as_str)
                    .filter(|s| crate::identity::is_plain_id(s))
                    .map(str::to_string)
                    .ok_or_else(|| BadBody(format!("a batch item has no readable \"{k}\"")))
            };
            Ok((id("conversationId")?, id("recordingId")?))
        })
        .collect()
}

/// What a `RecordingJobsQuery` (a bulk job's body, or its facts) asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobQuery {
    /// The action.
    pub action: BulkAction,
    /// What it may touch.
    pub scope: BulkScope,
}

/// The SDK's `RecordingJobsQuery` fields.
const JOB_FIELDS: [&str; 13] = [
    "action",
    "actionDate",
    "actionAge",
    "screenRecordingActionDate",
    "screenRecordingActionAge",
    "integrationId",
    "includeRecordingsWithSensitiveData",
    "includeScreenRecordings",
    "includePolicyBasedRecordings",
    "includeSnippetRecordings",
    "clearExport",
    "conversationQuery",
    "agedConversationInterval",
];

/// Reads a `RecordingJobsQuery`: `DELETE` or `EXPORT` (any other action is
/// refused); screen recordings are included unless `includeScreenRecordings`
/// is false, sensitive ones only when `includeRecordingsWithSensitiveData`.
pub fn job_query(body: &[u8]) -> Result<JobQuery, BadBody> {
    let o = object(body)?;
    only(&o, &JOB_FIELDS)?;
    let action = match o.get("action").and_then(Value::as_str) {
        Some("DELETE") => BulkAction::Delete,
        Some("EXPORT") => BulkAction::Export,
        Some(other) => {
            return Err(BadBody(format!(
                "job action \"{other}\" is not one the edge decides"
            )))
        }
        None => return Err(BadBody("a job names no action".into())),
    };
    let flag = |k: &str, default: bool| match o.get(k) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(BadBody(format!("\"{k}\" is not a boolean"))),
    };
    Ok(JobQuery {
        action,
        scope: BulkScope {
            calls: true,
            screens: flag("includeScreenRecordings", true)?,
            sensitive: flag("includeRecordingsWithSensitiveData", false)?,
        },
    })
}

/// An `ExecuteRecordingJobsQuery` (`{"state": ...}`): readable, or refused.
pub fn job_state(body: &[u8]) -> Result<String, BadBody> {
    let o = object(body)?;
    only(&o, &["state"])?;
    o.get("state")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| BadBody("\"state\" must be a string".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_lists() {
        assert_eq!(
            user_ids(br#"["a","b","a"]"#, 3).unwrap(),
            ["a".to_string(), "b".to_string()]
        );
        assert_eq!(user_ids(b"[]", 3).unwrap(), Vec::<String>::new());
        for bad in [
            &b"{}"[..],
            b"[1]",
            br#"[""]"#,
            br#"["a",null]"#,
            b"\xff",
            br#"["a","b","c","d"]"#,
        ] {
            assert!(user_ids(bad, 3).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn recording_updates() {
        let u = recording_update(
            br#"{"deleteDate":"2026-12-01T00:00:00Z","id":"r1"}"#,
            "c1",
            "r1",
        )
        .unwrap();
        assert!(u.delete_date && !u.archive_date && !u.export_date);
        assert!(recording_update(br#"{"name":"x"}"#, "c1", "r1").is_err());
        assert!(recording_update(br#"{"id":"r2","deleteDate":null}"#, "c1", "r1").is_err());
        assert!(recording_update(br#"{"conversationId":"c2"}"#, "c1", "r1").is_err());
        assert!(recording_update(br#"{"exportDate":7}"#, "c1", "r1").is_err());
        assert!(recording_update(b"[]", "c1", "r1").is_err());
        assert_eq!(
            recording_update(b"{}", "c1", "r1").unwrap(),
            RecordingUpdate::default()
        );
    }

    #[test]
    fn annotation_bodies() {
        assert!(annotation(br#"{"name":"n","location":5}"#, "qa-1", None).is_ok());
        assert!(annotation(br#"{"user":{"id":"qa-1"}}"#, "qa-1", None).is_ok());
        for bad in [
            &br#"{"user":{"id":"sup-us"}}"#[..],
            br#"{"user":{}}"#,
            br#"{"visibility":"private"}"#,
            br#"{"author":"sup-us"}"#,
            br#"{"annotations":[]}"#,
            b"nope",
        ] {
            assert!(annotation(bad, "qa-1", None).is_err());
        }
        assert!(annotation(br#"{"id":"a2"}"#, "qa-1", Some("a1")).is_err());
    }

    #[test]
    fn lists_of_ids() {
        assert_eq!(
            conversation_ids(br#"{"conversationIds":["c2","c1","c2"]}"#, 10).unwrap(),
            ["c1", "c2"]
        );
        assert!(conversation_ids(br#"{"conversationIds":[]}"#, 10).is_err());
        assert!(conversation_ids(br#"{"conversationIds":["a b"]}"#, 10).is_err());
        assert!(conversation_ids(br#"{"conversationIds":["a","b"]}"#, 1).is_err());
        let b = batch_items(
            br#"{"batchDownloadRequestList":[{"conversationId":"c1","recordingId":"r1"}]}"#,
            5,
        )
        .unwrap();
        assert_eq!(b, [("c1".to_string(), "r1".to_string())]);
        assert!(batch_items(
            br#"{"batchDownloadRequestList":[{"conversationId":"c1"}]}"#,
            5
        )
        .is_err());
    }

    #[test]
    fn jobs() {
        let j = job_query(br#"{"action":"DELETE","actionDate":"2026-12-01T00:00:00Z","includeScreenRecordings":false}"#).unwrap();
        assert_eq!(j.action, BulkAction::Delete);
        assert!(j.scope.calls && !j.scope.screens && !j.scope.sensitive);
        assert!(job_query(br#"{"action":"ARCHIVE"}"#).is_err());
        assert!(job_query(br#"{"action":"EXPORT","includeScreenRecordings":"yes"}"#).is_err());
        assert!(job_query(br#"{"action":"EXPORT","owner":"x"}"#).is_err());
        assert_eq!(
            job_state(br#"{"state":"PROCESSING"}"#).unwrap(),
            "PROCESSING"
        );
    }
}
