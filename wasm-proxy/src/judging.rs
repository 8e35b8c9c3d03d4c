//! What a response's body becomes for the principal a request was decided
//! for: each entity judged by the core (`recgate_core::enforce`) on facts
//! from the attributes service — never on attribute-looking fields of the
//! body — and rewritten by [`crate::rewrite`]. Host-free, so unit tests and
//! the fuzz targets drive it.

use std::collections::HashMap;
use std::rc::Rc;

use recgate_core::enforce::{ConversationFacts, Keep, RecordingFacts};
use recgate_core::{Subject, Timestamp};
use serde_json::Value;

use crate::rewrite::{self, Unfilterable};

/// How a response body is rewritten.
#[derive(Debug, Clone)]
pub enum Rewrite {
    /// Passed as it comes.
    None,
    /// One `Recording`: metadata only (allow-list) or whole; nested annotations filtered.
    Recording {
        /// Its facts.
        facts: Box<RecordingFacts>,
        /// Only its metadata may be seen.
        metadata_only: bool,
    },
    /// One `RecordingMetadata`, or one `Annotation`: nested annotations filtered (and, for
    /// metadata, the allow-list).
    Nested {
        /// The recording's facts.
        facts: Box<RecordingFacts>,
        /// Apply the metadata allow-list.
        metadata: bool,
    },
    /// A JSON array of `Recording`.
    Recordings {
        /// The conversation's facts (shared with the VM's memo of them).
        facts: Rc<ConversationFacts>,
        /// A download list.
        download: bool,
        /// What the principal keeps of each of `facts.recordings`, in their
        /// order, when the request was decided (it decides them all for the
        /// redact header): the same subject, time and facts, so not decided
        /// again per entity. `None`: decided while rewriting.
        decided: Option<Rc<[Keep]>>,
    },
    /// A JSON array of `RecordingMetadata`.
    MetadataList {
        /// The conversation's facts (shared with the VM's memo of them).
        facts: Rc<ConversationFacts>,
    },
    /// A JSON array of `Annotation` of one recording.
    Annotations {
        /// The recording's facts.
        facts: Box<RecordingFacts>,
    },
    /// A `QueueEntityListing`.
    Queues,
    /// A `BatchDownloadJobStatusResult`: items judged on facts fetched once
    /// the body is in (see [`batch_keys`]).
    BatchResults,
    /// A `ScreenMonitoringSessionEntityListing` or a
    /// `ScreenMonitoringUserDetailsEntityListing`: each entity judged on its
    /// `sourceUser` and `targetUser` (core `Subject::keep_screen_session`).
    ScreenMonitoringSessions,
}

impl Rewrite {
    /// Whether the body is rewritten at all.
    pub fn is_some(&self) -> bool {
        !matches!(self, Rewrite::None)
    }
}

/// What a rewrite did to a list (the `recgate_lists_*` counters): entities
/// in the upstream's body, and those kept. Zero for single entities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListTally {
    /// Entities the upstream sent.
    pub seen: usize,
    /// Entities the principal gets.
    pub kept: usize,
}

impl From<(usize, usize)> for ListTally {
    fn from((seen, kept): (usize, usize)) -> ListTally {
        ListTally { seen, kept }
    }
}

/// Who the body is rewritten for.
pub struct Reader<'a, 'p> {
    /// The principal, resolved.
    pub subject: &'a Subject<'p>,
    /// Decision time.
    pub now: Timestamp,
    /// The metadata allow-list.
    pub metadata_fields: &'a [String],
}

impl Reader<'_, '_> {
    fn nested(&self, facts: &RecordingFacts, entity: &mut Value) {
        rewrite::filter_annotations(entity, &|id| {
            self.subject.keep_annotation(facts.annotation(id), self.now)
        });
    }

    /// What the principal keeps of a list's entity whose facts were
    /// `found` (at that position of the conversation's recordings).
    fn keep_in_list(
        &self,
        found: Option<(usize, &RecordingFacts)>,
        decided: Option<&[Keep]>,
        download: bool,
    ) -> Keep {
        match found {
            None => self.subject.keep_recording(None, download, self.now),
            Some((at, f)) => decided.and_then(|d| d.get(at).copied()).unwrap_or_else(|| {
                self.subject
                    .keep_recording(Some(&f.recording), download, self.now)
            }),
        }
    }

    fn recording(&self, facts: Option<&RecordingFacts>, keep: Keep, e: &mut Value) -> bool {
        match keep {
            Keep::Drop => false,
            Keep::Metadata => {
                rewrite::keep_fields(e, self.metadata_fields);
                if let Some(f) = facts {
                    self.nested(f, e);
                }
                true
            }
            Keep::Media { .. } => {
                if let Some(f) = facts {
                    self.nested(f, e);
                }
                true
            }
        }
    }

    /// A JSON array of `Recording` in one pass over its bytes: each entity's
    /// head read ([`rewrite::entity_head`]), judged on its facts, and a kept
    /// one copied as it came — or, when it must change (metadata only,
    /// annotations to filter) or could be read two ways (a repeated member),
    /// rewritten through the tree exactly as [`Reader::apply`] rewrites any
    /// body. `None`: not a JSON array (the tree reader reports why).
    fn recordings_by_bytes(
        &self,
        facts: &ConversationFacts,
        download: bool,
        decided: Option<&[Keep]>,
        body: &[u8],
    ) -> Result<Option<(Vec<u8>, ListTally)>, Unfilterable> {
        let Some(items) = rewrite::raw_array(body) else {
            return Ok(None);
        };
        let index = index_of(facts);
        let mut out = Vec::with_capacity(body.len());
        out.push(b'[');
        let mut kept = 0;
        for raw in &items {
            let Some(head) = rewrite::entity_head(raw) else {
                continue;
            };
            let keep = if head.plain {
                let found = head.id.as_deref().and_then(|id| index.get(id).copied());
                match self.keep_in_list(found, decided, download) {
                    Keep::Drop => continue,
                    Keep::Media { .. } => Some(raw.get().as_bytes()),
                    Keep::Metadata => None,
                }
            } else {
                None
            };
            let tree;
            let bytes = match keep {
                Some(b) => b,
                None => {
                    let mut e: Value = serde_json::from_str(raw.get())
                        .map_err(|e| Unfilterable::NotJson(e.to_string()))?;
                    let id = e.get("id").and_then(Value::as_str).map(str::to_string);
                    let found = id.and_then(|id| index.get(id.as_str()).copied());
                    let keep = self.keep_in_list(found, decided, download);
                    if !self.recording(found.map(|(_, f)| f), keep, &mut e) {
                        continue;
                    }
                    tree = rewrite::to_bytes(&e)?;
                    &tree[..]
                }
            };
            if kept > 0 {
                out.push(b',');
            }
            out.extend_from_slice(bytes);
            kept += 1;
        }
        out.push(b']');
        Ok(Some((
            out,
            ListTally {
                seen: items.len(),
                kept,
            },
        )))
    }

    /// Rewrites `body` as `plan` says; `batch` holds the facts of a batch's
    /// items. With the body, what was done to a list.
    pub fn apply(
        &self,
        plan: &Rewrite,
        body: &[u8],
        max: usize,
        batch: &dyn Fn(&str, &str) -> Option<RecordingFacts>,
    ) -> Result<(Vec<u8>, ListTally), Unfilterable> {
        if body.len() > max {
            return Err(Unfilterable::TooLarge(body.len()));
        }
        if let Rewrite::Recording {
            facts,
            metadata_only: false,
        } = plan
        {
            // The recording asked for, kept whole with nothing to filter: as it came.
            let head = rewrite::raw_value(body).and_then(rewrite::entity_head);
            if head.is_some_and(|h| h.plain && h.id.as_deref() == Some(facts.recording.id.as_str()))
            {
                return Ok((body.to_vec(), ListTally::default()));
            }
        }
        if let Rewrite::Recordings {
            facts,
            download,
            decided,
        } = plan
        {
            if let Some(done) =
                self.recordings_by_bytes(facts, *download, decided.as_deref(), body)?
            {
                return Ok(done);
            }
        }
        self.apply_through_tree(plan, body, max, batch)
    }

    /// [`Reader::apply`] with every plan read into a JSON tree — a
    /// recording list included, which `apply` reads as bytes. The reference
    /// the fuzz target and the tests compare that byte pass with: the same
    /// entities kept, each the same JSON.
    pub fn apply_through_tree(
        &self,
        plan: &Rewrite,
        body: &[u8],
        max: usize,
        batch: &dyn Fn(&str, &str) -> Option<RecordingFacts>,
    ) -> Result<(Vec<u8>, ListTally), Unfilterable> {
        let mut doc = rewrite::parse(body, max)?;
        let id_of = |e: &Value| e.get("id").and_then(Value::as_str).map(str::to_string);
        let mut tally = ListTally::default();
        match plan {
            Rewrite::None => return Ok((body.to_vec(), tally)),
            Rewrite::Recording {
                facts,
                metadata_only,
            } => {
                if !doc.is_object() || id_of(&doc).as_deref() != Some(facts.recording.id.as_str()) {
                    return Err(Unfilterable::Shape("not the recording asked for"));
                }
                if *metadata_only {
                    rewrite::keep_fields(&mut doc, self.metadata_fields);
                }
                self.nested(facts, &mut doc);
            }
            Rewrite::Nested { facts, metadata } => {
                if !doc.is_object() {
                    return Err(Unfilterable::Shape("not a JSON object"));
                }
                if *metadata {
                    rewrite::keep_fields(&mut doc, self.metadata_fields);
                }
                self.nested(facts, &mut doc);
            }
            Rewrite::Recordings {
                facts, download, ..
            } => {
                let index = index_of(facts);
                tally = rewrite::filter_array(&mut doc, |e| {
                    let found = id_of(e).and_then(|id| index.get(id.as_str()).copied());
                    let keep = self.keep_in_list(found, None, *download);
                    self.recording(found.map(|(_, f)| f), keep, e)
                })?
                .into();
            }
            Rewrite::MetadataList { facts } => {
                let index = index_of(facts);
                tally = rewrite::filter_array(&mut doc, |e| {
                    let f = id_of(e).and_then(|id| index.get(id.as_str()).map(|(_, f)| *f));
                    let keep = self
                        .subject
                        .keep_metadata(f.map(|f| &f.recording), self.now);
                    if keep {
                        rewrite::keep_fields(e, self.metadata_fields);
                        if let Some(f) = f {
                            self.nested(f, e);
                        }
                    }
                    keep
                })?
                .into();
            }
            Rewrite::Annotations { facts } => {
                tally = rewrite::filter_array(&mut doc, |e| {
                    let keep = id_of(e).is_some_and(|id| {
                        self.subject
                            .keep_annotation(facts.annotation(&id), self.now)
                    });
                    if keep {
                        self.nested(facts, e);
                    }
                    keep
                })?
                .into();
            }
            Rewrite::ScreenMonitoringSessions => {
                let user = |e: &Value, k: &str| {
                    e.get(k)
                        .and_then(|u| u.get("id"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                };
                tally = rewrite::filter_listing(&mut doc, |e| {
                    let (source, target) = (user(e, "sourceUser"), user(e, "targetUser"));
                    self.subject
                        .keep_screen_session(source.as_deref(), target.as_deref(), self.now)
                })?
                .into();
            }
            Rewrite::Queues => {
                tally = rewrite::filter_listing(&mut doc, |e| {
                    self.subject
                        .keep_queue(e.get("id").and_then(Value::as_str), self.now)
                })?
                .into();
            }
            Rewrite::BatchResults => {
                let obj = doc
                    .as_object_mut()
                    .ok_or(Unfilterable::Shape("not a JSON object"))?;
                if let Some(results) = obj.get_mut("results") {
                    let (seen, kept) = rewrite::filter_array(results, |item| {
                        let (Some(c), Some(r)) = (
                            item.get("conversationId").and_then(Value::as_str),
                            item.get("recordingId").and_then(Value::as_str),
                        ) else {
                            return false;
                        };
                        batch(c, r).is_some_and(|f| {
                            self.subject
                                .open(&f.recording, true, self.now)
                                .ruling
                                .allowed()
                        })
                    })?;
                    if obj.contains_key("resultCount") {
                        obj.insert("resultCount".into(), Value::from(kept));
                    }
                    tally = ListTally { seen, kept };
                }
            }
        }
        Ok((rewrite::to_bytes(&doc)?, tally))
    }
}

/// A conversation's recordings by id, built once per list: the facts' own
/// lookup ([`ConversationFacts::recording`]) walks them all for each entity,
/// which made a page's cost grow with its square. The first recording of an
/// id wins, as in that lookup; with its position (for `decided`).
fn index_of(facts: &ConversationFacts) -> HashMap<&str, (usize, &RecordingFacts)> {
    let mut index = HashMap::with_capacity(facts.recordings.len());
    for (at, f) in facts.recordings.iter().enumerate() {
        index.entry(f.recording.id.as_str()).or_insert((at, f));
    }
    index
}

/// The `(conversationId, recordingId)` pairs of a batch result body (at most
/// `max`; more is refused), whose facts the rewrite needs.
pub fn batch_keys(
    body: &[u8],
    max_body: usize,
    max: usize,
) -> Result<Vec<(String, String)>, Unfilterable> {
    let doc = rewrite::parse(body, max_body)?;
    let obj = doc
        .as_object()
        .ok_or(Unfilterable::Shape("not a JSON object"))?;
    let mut out = Vec::new();
    if let Some(results) = obj.get("results") {
        for item in results
            .as_array()
            .ok_or(Unfilterable::Shape("\"results\" is not an array"))?
        {
            if let (Some(c), Some(r)) = (
                item.get("conversationId").and_then(Value::as_str),
                item.get("recordingId").and_then(Value::as_str),
            ) {
                let pair = (c.to_string(), r.to_string());
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
    }
    if out.len() > max {
        return Err(Unfilterable::Shape(
            "more batch results than the filter reads",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use recgate_core::Policy;

    const POLICY: &str = r#"{"schema":"recgate/v1","revision":"r",
      "roles":{"v":{"grants":[{"permission":"recording:recording:view"},{"permission":"recording:annotation:view"}]},
               "m":{"grants":[{"permission":"recording:metadata:view"}]}},
      "users":{"v":{"roles":[{"role":"v"}]},"m":{"roles":[{"role":"m"}]},"n":{}}}"#;

    fn facts() -> ConversationFacts {
        ConversationFacts::from_json(
            r#"{"conversationId":"c1","recordings":[
              {"id":"r1","media":"audio","annotations":[{"id":"a1","visibility":"public"},{"id":"a2","author":"x","visibility":"private"}]},
              {"id":"r2","media":"screen"}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn recordings_are_judged_on_facts_not_bodies() {
        let policy = Policy::from_json(POLICY).unwrap();
        let now = Timestamp::parse("2026-11-22T12:00:00Z").unwrap();
        let fields: Vec<String> = ["id", "name", "annotations"].map(String::from).to_vec();
        let body = br#"[{"id":"r1","name":"a","mediaUris":{"S":{"mediaUri":"u"}},"annotations":[{"id":"a1"},{"id":"a2"},{"id":"a9"}]},
                        {"id":"r2","media":"audio","owner":"v"},{"id":"r3"}]"#;
        let plan = Rewrite::Recordings {
            facts: Rc::new(facts()),
            download: false,
            decided: None,
        };
        let none = |_: &str, _: &str| None;
        for (user, want) in [
            (
                "v",
                r#"[{"annotations":[{"id":"a1"}],"id":"r1","mediaUris":{"S":{"mediaUri":"u"}},"name":"a"}]"#,
            ),
            (
                "m",
                r#"[{"annotations":[],"id":"r1","name":"a"},{"id":"r2"}]"#,
            ),
            ("n", "[]"),
        ] {
            let s = policy.subject(user, None, now);
            let reader = Reader {
                subject: &s,
                now,
                metadata_fields: &fields,
            };
            let (out, tally) = reader.apply(&plan, body, 1 << 20, &none).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), want, "{user}");
            assert_eq!(tally.seen, 3, "{user}");
            assert_eq!(tally.kept, want.matches("\"id\":\"r").count(), "{user}");
        }
        let s = policy.subject("v", None, now);
        let reader = Reader {
            subject: &s,
            now,
            metadata_fields: &fields,
        };
        assert!(reader
            .apply(&plan, br#"{"entities":[]}"#, 1 << 20, &none)
            .is_err());
    }

    #[test]
    fn recording_lists_read_as_bytes_agree_with_the_tree() {
        let policy = Policy::from_json(POLICY).unwrap();
        let now = Timestamp::parse("2026-11-22T12:00:00Z").unwrap();
        let fields: Vec<String> = ["id", "name", "annotations"].map(String::from).to_vec();
        let none = |_: &str, _: &str| None;
        let bodies: [&[u8]; 6] = [
            br#"[{"id":"r1","name":"a","mediaUris":{"S":{}},"annotations":[]},{"id":"r2"},{"id":"r3"},7,{"id":"r1"}]"#,
            br#"[{"id":"r1","annotations":[{"id":"a1"},{"id":"a2"}]},{"id":"r2","id":"r1"},{"id":"r1","id":"r2"}]"#,
            br#"[{"id":"r1","name":"escaped"},{"id":"r1","annotations":null},{"annotations":[ ],"id":"r1"}]"#,
            br#" [ ] "#,
            br#"{"entities":[]}"#,
            br#"[{"id":"r1"},"#,
        ];
        let plan = Rewrite::Recordings {
            facts: Rc::new(facts()),
            download: false,
            decided: None,
        };
        for user in ["v", "m", "n"] {
            let s = policy.subject(user, None, now);
            let reader = Reader {
                subject: &s,
                now,
                metadata_fields: &fields,
            };
            // Decided when the request was, as operations.rs does for the redact header.
            let conv = facts();
            let decided: Vec<Keep> = conv
                .recordings
                .iter()
                .map(|f| s.keep_recording(Some(&f.recording), false, now))
                .collect();
            let early = Rewrite::Recordings {
                facts: Rc::new(conv),
                download: false,
                decided: Some(decided.into()),
            };
            for (body, plan_used) in bodies.iter().flat_map(|b| [(b, &plan), (b, &early)]) {
                let fast = reader.apply(plan_used, body, 1 << 20, &none);
                let tree = reader.apply_through_tree(&plan, body, 1 << 20, &none);
                match (fast, tree) {
                    (Ok((a, ta)), Ok((b, tb))) => {
                        let a: Value = serde_json::from_slice(&a).unwrap();
                        let b: Value = serde_json::from_slice(&b).unwrap();
                        assert_eq!((a, ta), (b, tb), "{user} {}", String::from_utf8_lossy(body));
                    }
                    (Err(a), Err(b)) => assert_eq!(a, b),
                    (a, b) => {
                        unreachable!("{user} {}: {a:?} vs {b:?}", String::from_utf8_lossy(body))
                    }
                }
            }
        }
        // One recording, whole: as it came when nothing in it changes, else as the tree writes it.
        let one = Rewrite::Recording {
            facts: Box::new(facts().recordings[0].clone()),
            metadata_only: false,
        };
        let s = policy.subject("v", None, now);
        let reader = Reader {
            subject: &s,
            now,
            metadata_fields: &fields,
        };
        for (body, same) in [
            (&br#"{"name":"z", "id":"r1", "annotations":[]}"#[..], true),
            (br#"{"id":"r1","annotations":[{"id":"a2"}]}"#, false),
            (br#"{"id":"r1","id":"r1"}"#, false),
            (br#"{"id":"r2"}"#, false),
            (br#"[{"id":"r1"}]"#, false),
        ] {
            let fast = reader.apply(&one, body, 1 << 20, &none);
            let tree = reader.apply_through_tree(&one, body, 1 << 20, &none);
            match (&fast, &tree) {
                (Ok((a, _)), Ok((b, _))) => {
                    assert_eq!(a == body, same);
                    let a: Value = serde_json::from_slice(a).unwrap();
                    let b: Value = serde_json::from_slice(b).unwrap();
                    assert_eq!(a, b);
                }
                (Err(a), Err(b)) => assert_eq!((a, same), (b, false)),
                _ => unreachable!("{fast:?} vs {tree:?}"),
            }
        }
        // A kept entity that needs no change goes out as it came.
        let s = policy.subject("v", None, now);
        let reader = Reader {
            subject: &s,
            now,
            metadata_fields: &fields,
        };
        let body = br#"[{"name":"z", "id":"r1",  "annotations":[]},{"id":"r2"}]"#;
        let (out, tally) = reader.apply(&plan, body, 1 << 20, &none).unwrap();
        assert_eq!(out, br#"[{"name":"z", "id":"r1",  "annotations":[]}]"#);
        assert_eq!((tally.seen, tally.kept), (2, 1));
        assert_eq!(
            reader.apply(&plan, body, 10, &none),
            Err(Unfilterable::TooLarge(body.len()))
        );
    }

    #[test]
    fn screen_monitoring_sessions_are_judged_on_their_users() {
        let policy = Policy::from_json(
            r#"{"schema":"recgate/v1","revision":"r",
              "groups":{"team":{"members":["a1"]}},
              "roles":{"sup":{"grants":[{"permission":"conversation:call:monitor","scope":{"group":"team"}},
                                        {"permission":"recording:screenRecording:view","scope":{"group":"team"}}]}},
              "users":{"sup":{"roles":[{"role":"sup"}]},"other":{"roles":[{"role":"sup"}]},"a1":{},"a2":{}}}"#,
        )
        .unwrap();
        let now = Timestamp::parse("2026-11-22T12:00:00Z").unwrap();
        let s = policy.subject("sup", None, now);
        let reader = Reader {
            subject: &s,
            now,
            metadata_fields: &[],
        };
        let none = |_: &str, _: &str| None;
        let body = br#"{"entities":[
            {"screenMonitoringId":"s1","sourceUser":{"id":"other"},"targetUser":{"id":"a1"}},
            {"screenMonitoringId":"s2","sourceUser":{"id":"other"},"targetUser":{"id":"a2"}},
            {"screenMonitoringId":"s3","sourceUser":{"id":"sup"},"targetUser":{"id":"a2"}},
            {"screenMonitoringId":"s4","sourceUser":{"id":"other"}},
            {"count":2,"targetUser":{"id":"a1"}}]}"#;
        let (out, tally) = reader
            .apply(&Rewrite::ScreenMonitoringSessions, body, 1 << 20, &none)
            .unwrap();
        let doc: Value = serde_json::from_slice(&out).unwrap();
        let kept: Vec<String> = doc["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e.get("screenMonitoringId")
                    .and_then(Value::as_str)
                    .unwrap_or("count")
                    .to_string()
            })
            .collect();
        assert_eq!(kept, ["s1", "s3", "count"]);
        assert_eq!((tally.seen, tally.kept), (5, 3));
        assert!(reader
            .apply(&Rewrite::ScreenMonitoringSessions, b"[]", 1 << 20, &none)
            .is_err());
    }
}
