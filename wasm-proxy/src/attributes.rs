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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 200 with this body (valid UTF-8).
    Found(String),
    /// 404: no such resource.
    NotFound,
    /// Anything else: an error, a timeout, an unreadable or oversized body.
    Unavailable,
}

/// A cache entry: `<expiry ms>\n<body>`.
pub fn cache_entry(expires: Timestamp, body: &str) -> Vec<u8> {
    let mut entry = format!("{}\n", expires.0).into_bytes();
    entry.extend_from_slice(body.as_bytes());
    entry
}

/// A cache entry's body, if still fresh at `now`.
pub fn fresh(entry: &[u8], now: Timestamp) -> Option<String> {
    let nl = entry.iter().position(|b| *b == b'\n')?;
    let expiry: i64 = std::str::from_utf8(entry.get(..nl)?).ok()?.parse().ok()?;
    let body = entry.get(nl + 1..)?;
    if now.0 < expiry && !body.is_empty() {
        String::from_utf8(body.to_vec()).ok()
    } else {
        None
    }
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
#[allow(
    clippy::unwrap_used,
    reason = "a test: a panic is a failure with its message"
)]
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
