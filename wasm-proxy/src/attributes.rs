//! Resource attributes from the attributes service — the only source the
//! filter trusts (attribute-looking fields in upstream bodies are never
//! read): a conversation's facts (every recording, for lists and bulk
//! requests), one recording's facts (with its annotations), a bulk job's
//! query. Reads may be answered from a per-Envoy cache (proxy-wasm shared
//! data, `cacheTtlSeconds`); every request that changes something — every
//! method but GET — asks the service afresh, so a legal hold set a moment
//! ago is seen by the delete that follows it. A live interaction's facts
//! (monitoring, issue #20) are never cached at all: a monitor decision is
//! about now, whatever the method.
//!
//! Facts read from the cache are also kept parsed per VM ([`FactsMemo`]),
//! keyed by the shared-data entry's CAS number: Envoy gives every write of
//! an entry a new one, so the same number is the same bytes and parsing them
//! again would give the same facts (issue #14: a list's facts were parsed
//! again on every request, a third of a page's cost; one recording's, a
//! quarter of the allow path's own work).

use std::rc::Rc;

use recgate_core::enforce::{ConversationFacts, RecordingFacts};
use recgate_core::Timestamp;

use crate::config::Attributes;

/// What is looked up.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FactsKey {
    /// A conversation's recordings.
    Conversation(String),
    /// One recording of a conversation.
    Recording(String, String),
    /// A bulk job's query.
    Job(String),
    /// A live interaction as one participant is in it (conversation, participant).
    Participant(String, String),
}

impl FactsKey {
    /// The attributes service path for this key.
    pub fn path(&self, cfg: &Attributes) -> String {
        match self {
            FactsKey::Conversation(c) => cfg
                .conversation_path
                .replace("{conversationId}", &percent_encode(c)),
            FactsKey::Recording(c, r) => cfg
                .recording_path
                .replace("{conversationId}", &percent_encode(c))
                .replace("{recordingId}", &percent_encode(r)),
            FactsKey::Job(j) => cfg.job_path.replace("{jobId}", &percent_encode(j)),
            FactsKey::Participant(c, p) => cfg
                .participant_path
                .replace("{conversationId}", &percent_encode(c))
                .replace("{participantId}", &percent_encode(p)),
        }
    }

    /// Whether an answer may be kept and reused: not a live interaction's.
    pub fn cacheable(&self) -> bool {
        !matches!(self, FactsKey::Participant(..))
    }

    /// The shared-data key of its cache entry.
    pub fn cache_key(&self) -> String {
        match self {
            FactsKey::Conversation(c) => format!("recgate.facts.conversation.{c}"),
            FactsKey::Recording(c, r) => format!("recgate.facts.recording.{c}/{r}"),
            FactsKey::Job(j) => format!("recgate.facts.job.{j}"),
            FactsKey::Participant(c, p) => format!("recgate.facts.participant.{c}/{p}"),
        }
    }

    /// The keys whose cached answers an allowed change to this one makes stale.
    pub fn stale_after_change(&self) -> Vec<FactsKey> {
        match self {
            FactsKey::Recording(c, _) => vec![self.clone(), FactsKey::Conversation(c.clone())],
            FactsKey::Participant(..) => Vec::new(),
            other => vec![other.clone()],
        }
    }
}

/// The service's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// 200 with this body (valid UTF-8).
    Found(String),
    /// Facts fresh in the cache and already parsed from that very entry
    /// ([`FactsMemo`]): its text is not read again.
    Parsed(Parsed),
    /// 404: no such resource.
    NotFound,
    /// Anything else: an error, a timeout, an unreadable or oversized body.
    Unavailable,
}

/// Facts as parsed from one cache entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// A conversation's (every recording of it).
    Conversation(Rc<ConversationFacts>),
    /// One recording's.
    Recording(Rc<RecordingFacts>),
}

/// Facts already parsed, by key and the CAS number of the cache entry they
/// were parsed from; the last few entries only.
#[derive(Debug, Default)]
pub struct FactsMemo {
    entries: Vec<(FactsKey, u32, Parsed)>,
}

/// Entries whose parsed facts one VM keeps: a few conversations (a list's
/// facts are the large ones) and the recordings being opened.
const MEMO_ENTRIES: usize = 16;

impl FactsMemo {
    /// The facts parsed from the entry of `key` numbered `cas`.
    pub fn get(&self, key: &FactsKey, cas: u32) -> Option<Parsed> {
        self.entries
            .iter()
            .find(|(k, n, _)| k == key && *n == cas)
            .map(|(_, _, f)| f.clone())
    }

    /// Keeps `facts`, parsed from the entry of `key` numbered `cas`, in
    /// place of what was kept for `key` (the oldest entry goes when full).
    pub fn put(&mut self, key: &FactsKey, cas: u32, facts: Parsed) {
        self.entries.retain(|(k, _, _)| k != key);
        if self.entries.len() >= MEMO_ENTRIES {
            self.entries.remove(0);
        }
        self.entries.push((key.clone(), cas, facts));
    }
}

/// A cache entry: `<expiry ms>\n<body>`.
pub fn cache_entry(expires: Timestamp, body: &str) -> Vec<u8> {
    let mut entry = format!("{}\n", expires.0).into_bytes();
    entry.extend_from_slice(body.as_bytes());
    entry
}

/// A cache entry's body, if still fresh at `now`.
pub fn fresh(entry: &[u8], now: Timestamp) -> Option<String> {
    String::from_utf8(fresh_bytes(entry, now)?.to_vec()).ok()
}

/// A cache entry's body as bytes, if still fresh at `now`.
pub fn fresh_bytes(entry: &[u8], now: Timestamp) -> Option<&[u8]> {
    let nl = entry.iter().position(|b| *b == b'\n')?;
    let expiry: i64 = std::str::from_utf8(entry.get(..nl)?).ok()?.parse().ok()?;
    let body = entry.get(nl + 1..)?;
    (now.0 < expiry && !body.is_empty()).then_some(body)
}

/// Percent-encodes an id for a path segment.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_entries_expire() {
        let e = cache_entry(Timestamp(100), "{}");
        assert_eq!(fresh(&e, Timestamp(99)).as_deref(), Some("{}"));
        assert_eq!(fresh(&e, Timestamp(100)), None);
        assert_eq!(fresh(b"100\n", Timestamp(1)), None);
        assert_eq!(fresh(b"garbage", Timestamp(1)), None);
        assert_eq!(fresh(b"100\n\xff", Timestamp(1)), None);
        assert_eq!(fresh_bytes(b"100\n\xff", Timestamp(1)), Some(&b"\xff"[..]));
        assert_eq!(fresh_bytes(&e, Timestamp(100)), None);
    }

    #[test]
    fn parsed_facts_are_kept_by_entry_number() {
        let conv = |c: &str| {
            Parsed::Conversation(Rc::new(
                ConversationFacts::from_json(&format!(
                    r#"{{"conversationId":"{c}","recordings":[]}}"#
                ))
                .unwrap(),
            ))
        };
        let key = |c: &str| FactsKey::Conversation(c.into());
        let mut memo = FactsMemo::default();
        memo.put(&key("c1"), 7, conv("c1"));
        assert_eq!(memo.get(&key("c1"), 7), Some(conv("c1")));
        // Another write of the entry: another number, not the facts kept.
        assert!(memo.get(&key("c1"), 8).is_none());
        assert!(memo.get(&key("c2"), 7).is_none());
        let rec = FactsKey::Recording("c1".into(), "r1".into());
        assert!(
            memo.get(&rec, 7).is_none(),
            "a recording is not its conversation"
        );
        memo.put(&key("c1"), 8, conv("c1"));
        assert!(memo.get(&key("c1"), 7).is_none() && memo.get(&key("c1"), 8).is_some());
        for i in 0..MEMO_ENTRIES as u32 {
            memo.put(&key(&format!("x{i}")), i, conv("x"));
        }
        assert!(memo.get(&key("c1"), 8).is_none(), "the oldest went");
        assert!(memo.get(&key("x0"), 0).is_some());
    }

    #[test]
    fn paths_encode_ids() {
        let cfg: Attributes = serde_json::from_str(r#"{"cluster":"a"}"#).unwrap();
        assert_eq!(
            FactsKey::Recording("c 1".into(), "r/1".into()).path(&cfg),
            "/attributes/conversations/c%201/recordings/r%2F1"
        );
        assert_eq!(percent_encode("a/b c"), "a%2Fb%20c");
        let live = FactsKey::Participant("c 1".into(), "p/1".into());
        assert_eq!(
            live.path(&cfg),
            "/attributes/conversations/c%201/participants/p%2F1"
        );
        assert!(!live.cacheable() && live.stale_after_change().is_empty());
        assert!(FactsKey::Job("j".into()).cacheable());
    }
}
