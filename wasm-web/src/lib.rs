//! # recgate-web
//!
//! The recgate decision core compiled for browsers (and Node). This crate is a
//! thin binding: every decision, explanation, lint finding and slice comes from
//! `recgate-core`; what lives here is moving data across the JS/wasm boundary
//! cheaply. Its exports are consumed only by the typed ES module in `js/`
//! (the npm package's public API is documented in `README.md` there), so their
//! shapes are chosen for speed rather than for direct use:
//!
//! - requests arrive as JSON text and are read by the core's own strict
//!   deserializer (unknown fields, bad types → `invalid_request`), exactly as
//!   `recgate eval` reads them;
//! - a decision leaves [`LoadedPolicy::check`] as a few integers (allow, reason,
//!   redact, the index of the rule that decided, 16 random id bytes) that the
//!   wrapper turns back into the SPEC §4 object; decisions with a cascade
//!   obligation, and every slow path, are whole JSON records serialised by the
//!   core;
//! - list filtering reads columns prepared by the wrapper ([`rows`]).

mod ids;
pub mod layout;
pub mod request;
pub mod rows;

type HashMap<K, V> = hashbrown::HashMap<K, V, rustc_hash::FxBuildHasher>;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use recgate_core::{
    unreadable_controls, Decision, GrantRecord, Limits, ListPlan, Policy, PolicyError, Reason,
    Recording, RecordingVisibility, Request, RuleRef, Timestamp, TraceLine,
};

use crate::ids::Ids;
use crate::request::{Read, RequestScratch, WORDS};
use crate::rows::{Rows, Scratch, Table};

/// [`LoadedPolicy::check`] result bit: allowed.
pub const ALLOW: u32 = 1;
/// [`LoadedPolicy::check`] result bit: the `redact` obligation.
pub const REDACT: u32 = 2;
/// [`LoadedPolicy::check`] result bit: the decision has a cascade obligation; read
/// the whole record with [`LoadedPolicy::last_json`].
pub const FULL: u32 = 4;
/// [`LoadedPolicy::check`] result bit: no random id could be drawn.
pub const NO_ID: u32 = 8;
/// [`LoadedPolicy::check_words`] result bit: the words hold no request this path
/// reads; decide the request's JSON with [`LoadedPolicy::check`] instead.
pub const RETRY: u32 = 16;
/// [`LoadedPolicy::check_words`] result bit (with [`RETRY`]): the gate's
/// request string table did not hold the `base` strings the wrapper counted
/// on, or could not take the new ones; it is empty now: number every string
/// again from 0.
pub const RESYNC: u32 = 32;
/// [`LoadedPolicy::check`] result: the reason's index in `reasons()` starts at this bit.
pub const REASON_SHIFT: u32 = 8;
/// `out` word: the number of the rule that decided (0: none).
pub const OUT_GRANT: usize = 0;
/// `out` words from here: the decision id's 16 bytes.
pub const OUT_ID: usize = 1;

/// [`LoadedPolicy::visibility`] code: hidden.
pub const VISIBILITY_HIDDEN: u8 = 0;
/// [`LoadedPolicy::visibility`] code: metadata only.
pub const VISIBILITY_METADATA: u8 = 1;
/// [`LoadedPolicy::visibility`] code: media.
pub const VISIBILITY_MEDIA: u8 = 2;

/// The codes of [`LoadedPolicy::visibility`].
fn visibility_code(v: RecordingVisibility) -> u8 {
    match v {
        RecordingVisibility::Hidden => VISIBILITY_HIDDEN,
        RecordingVisibility::Metadata => VISIBILITY_METADATA,
        RecordingVisibility::Media => VISIBILITY_MEDIA,
    }
}

/// The field of a `kind` resource (`"recording"`, `"annotation"`, …) that
/// the member `key` is probably a misspelling of, or `""`. The wrapper skips
/// members recgate does not read; a near-miss it sends on, and the core
/// refuses the request, saying which field was meant.
#[wasm_bindgen]
pub fn near_miss(kind: &str, key: &str) -> String {
    recgate_core::request::near_miss(kind, key)
        .unwrap_or_default()
        .into()
}

fn reason_index(r: Reason) -> u32 {
    Reason::ALL
        .iter()
        .position(|x| *x == r)
        .and_then(|i| u32::try_from(i).ok())
        .unwrap_or(1)
}

/// Every reason code, in the order of the reason indices [`LoadedPolicy::check`] returns.
#[wasm_bindgen]
pub fn reasons() -> String {
    let codes: Vec<&str> = Reason::ALL.iter().map(|r| r.as_str()).collect();
    serde_json::to_string(&codes).unwrap_or_default()
}

/// The module's linear memory, where [`LoadedPolicy::out_ptr`] points.
#[wasm_bindgen]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct LoadFailure<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<ErrorOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fatal: Option<&'a str>,
}

fn load_failure(e: &PolicyError) -> String {
    let errors = e
        .errors
        .iter()
        .map(|v| ErrorOut {
            path: &v.path,
            message: &v.message,
        })
        .collect();
    serde_json::to_string(&LoadFailure {
        errors,
        fatal: None,
    })
    .unwrap_or_default()
}

/// The rules that decided so far, each serialised once, by identity.
#[derive(Default)]
struct Grants {
    index: HashMap<(usize, usize, usize, bool), u32>,
    json: Vec<String>,
}

impl Grants {
    /// The rule's number (from 1) in [`LoadedPolicy::grant_json`]. Rules are
    /// keyed by the address of their strings inside the immutable policy, so
    /// a lookup hashes four words instead of the rule's text.
    fn number(&mut self, g: &RuleRef<'_>) -> u32 {
        let key = (
            g.role.as_ptr() as usize,
            g.permission.as_ptr() as usize,
            core::ptr::from_ref(g.scope) as usize,
            g.deny,
        );
        if let Some(n) = self.index.get(&key) {
            return *n;
        }
        let record = GrantRecord {
            role: g.role.into(),
            permission: g.permission.into(),
            scope: g.scope.clone(),
        };
        self.json
            .push(serde_json::to_string(&record).unwrap_or_else(|_| String::from("null")));
        let n = u32::try_from(self.json.len()).unwrap_or(u32::MAX);
        self.index.insert(key, n);
        n
    }
}

#[derive(Serialize)]
struct ExplainOut<'a> {
    decision: &'a recgate_core::DecisionRecord,
    steps: &'a [TraceLine],
    text: String,
    words: &'a str,
}

#[derive(Serialize)]
struct RefusalOut {
    reason: Reason,
    words: String,
}

/// Decides every row: 0 hidden, 1 metadata, 2 media. No table (an
/// inconsistent one), an unreadable `now` or a principal who can decide
/// nothing (unknown, disabled, an impersonation refused) hides every row.
fn decide_rows(
    policy: &Policy,
    filters: &mut FilterCache,
    scratch: &mut Scratch,
    who: Asker<'_>,
    now_text: &str,
    table: Option<&mut Table>,
    rows: &Rows<'_>,
) -> Vec<u8> {
    let mut out = vec![0u8; rows.len()];
    let (Some(table), Some(now)) = (table, Timestamp::parse(now_text)) else {
        return out;
    };
    if who.refused(policy, now) {
        return out;
    }
    if let Some(filter) = filters.get(policy, who.principal, now_text, now) {
        if filter.sees_nothing() {
            return out;
        }
        let mut bits = vec![None; table.len()];
        for (i, slot) in out.iter_mut().enumerate() {
            if let Some(row) = rows::row_bits(table, rows, i, filter, &mut bits) {
                *slot = visibility_code(filter.visibility(&row));
            }
        }
        return out;
    }
    // Too many conditions for a list plan: decide row by row.
    let subject = policy.subject(who.principal, who.actor, now);
    if subject.refusal().is_some() {
        return out;
    }
    scratch.clear();
    for (i, slot) in out.iter_mut().enumerate() {
        if scratch.load(table, rows, i) {
            *slot = visibility_code(subject.visibility(&scratch.rec, now));
        }
    }
    out
}

/// Who asks: a principal, and who acts for them (`None`: the principal).
#[derive(Clone, Copy)]
struct Asker<'a> {
    principal: &'a str,
    actor: Option<&'a str>,
}

impl Asker<'_> {
    /// Whether SPEC §3 steps 2–3 refuse an actor acting for the principal.
    /// The principal on their own needs no check: their list plan is empty
    /// when they are unknown or disabled. From step 3 on, the principal's
    /// roles decide — their list plan.
    fn refused(&self, policy: &Policy, now: Timestamp) -> bool {
        self.actor.is_some_and(|a| a != self.principal)
            && policy
                .subject(self.principal, self.actor, now)
                .refusal()
                .is_some()
    }
}

/// `now` as the core reads it, or why it cannot be read.
fn parse_now(now: &str) -> Result<Timestamp, recgate_core::RequestError> {
    Timestamp::parse(now).ok_or_else(|| recgate_core::RequestError {
        message: format!("\"{now}\" is not an RFC 3339 time"),
    })
}

/// The list filter of the last principal and time asked about: the wrapper
/// asks [`LoadedPolicy::list_shortcut`] before encoding a list, then the list is
/// decided with the same filter.
#[derive(Default)]
struct FilterCache {
    /// Principal, `now` as given, and the filter (`None`: too many conditions).
    last: Option<(String, String, Option<ListPlan>)>,
}

impl FilterCache {
    fn get(
        &mut self,
        policy: &Policy,
        principal: &str,
        now_text: &str,
        now: Timestamp,
    ) -> Option<&mut ListPlan> {
        let fresh = !matches!(&self.last, Some((p, t, _)) if p == principal && t == now_text);
        if fresh {
            let filter = policy.list_plan(principal, now);
            self.last = Some((principal.into(), now_text.into(), filter));
        }
        self.last.as_mut().and_then(|(_, _, f)| f.as_mut())
    }
}

/// Recording rows encoded once and kept in wasm memory: a list decided
/// repeatedly (another principal, another `now`, a reloaded slice) is not
/// encoded again.
#[wasm_bindgen]
pub struct WasmRows {
    /// The string table; `None` when it was inconsistent (every row hides).
    table: Option<Table>,
    cols: Vec<u32>,
    lists: Vec<u32>,
}

/// A loaded policy (a whole organisation's or a principal slice) and the
/// state that makes repeated decisions cheap.
#[wasm_bindgen]
pub struct LoadedPolicy {
    policy: Policy,
    grants: Grants,
    ids: Ids,
    /// `[grant number or 0, id bytes 0..4, 4..8, 8..12, 12..16]`, read by the
    /// wrapper through a view of [`wasm_memory`]; boxed so its address is fixed.
    out: Box<[u32; 5]>,
    /// The last decision with a cascade obligation, as JSON.
    last: String,
    scratch: Scratch,
    /// The columns of the next [`LoadedPolicy::visibility`] batch, written by the
    /// wrapper straight into [`wasm_memory`] (see [`LoadedPolicy::cols_buffer`]).
    cols: Vec<u32>,
    /// The request of the next [`LoadedPolicy::check_words`], written by the
    /// wrapper into [`wasm_memory`]; boxed so its address is fixed.
    words: Box<[u32; WORDS]>,
    /// The string table of the next [`LoadedPolicy::check_words`], UTF-8 written
    /// by the wrapper (`TextEncoder.encodeInto`) into [`wasm_memory`].
    text: Box<[u8; TEXT]>,
    /// Where each string of the text buffer ends, written by the wrapper.
    ends: Box<[u32; ENDS]>,
    request: RequestScratch,
    /// The strings of [`LoadedPolicy::check_words`]' requests, kept between
    /// calls: the wrapper numbers each distinct string once per gate and
    /// sends only the strings this table does not hold yet.
    request_table: Table,
    /// The strings of [`LoadedPolicy::visibility`] batches, kept between batches:
    /// the wrapper numbers each distinct string once per gate and sends only
    /// the strings this table does not hold yet.
    rows_table: Table,
    filters: FilterCache,
}

/// Bytes of the request string-table buffer.
pub const TEXT: usize = 8192;
/// Most strings in one request's text buffer.
pub const ENDS: usize = 256;

#[wasm_bindgen]
impl LoadedPolicy {
    /// Parses, validates and compiles a policy document. `max_bytes` 0 keeps
    /// the default limit (16 MiB). The error is JSON: `{"errors":[{path,
    /// message}]}` for an invalid document, `{"fatal": message}` when no
    /// random source is available.
    pub fn load(text: &str, max_bytes: u32) -> Result<LoadedPolicy, String> {
        let mut limits = Limits::default();
        if max_bytes > 0 {
            limits.max_bytes = max_bytes as usize;
        }
        let policy = Policy::from_json_with(text, &limits).map_err(|e| load_failure(&e))?;
        let mut ids = Ids::new();
        if ids.next().is_none() {
            return Err(serde_json::to_string(&LoadFailure {
                errors: Vec::new(),
                fatal: Some("no secure random source (crypto.getRandomValues) for decision ids"),
            })
            .unwrap_or_default());
        }
        Ok(LoadedPolicy {
            policy,
            grants: Grants::default(),
            ids,
            out: Box::new([0; 5]),
            last: String::new(),
            scratch: Scratch::default(),
            cols: Vec::new(),
            words: Box::new([0; WORDS]),
            text: Box::new([0; TEXT]),
            ends: Box::new([0; ENDS]),
            request: RequestScratch::default(),
            request_table: Table::default(),
            rows_table: Table::default(),
            filters: FilterCache::default(),
        })
    }

    /// The policy's `revision`.
    pub fn revision(&self) -> String {
        self.policy.revision().into()
    }

    /// The core's content hash of the policy (what `recgate hash` prints).
    pub fn content_hash(&self) -> String {
        self.policy.content_hash().into()
    }

    /// The content hash of the whole policy this one decides for: a slice's
    /// `sliceOf.revisionHash`, or [`LoadedPolicy::content_hash`].
    pub fn source_hash(&self) -> String {
        self.policy.source_hash().into()
    }

    /// Where the `out` words are in [`wasm_memory`].
    pub fn out_ptr(&self) -> usize {
        self.out.as_ptr() as usize
    }

    /// Decides one request given as JSON. Returns the result bits ([`ALLOW`],
    /// [`REDACT`], [`FULL`], [`NO_ID`]) with the reason index from
    /// [`REASON_SHIFT`]; writes the rule number and, when `with_id`, 16 random
    /// id bytes to `out`. Unreadable requests decide `invalid_request`.
    pub fn check(&mut self, request: &str, with_id: bool) -> u32 {
        let parsed = Request::from_json(request);
        let decision = match &parsed {
            Ok(req) => self.policy.decide(req),
            Err(_) => Decision::deny(Reason::InvalidRequest, self.policy.revision()),
        };
        Self::answer(
            &decision,
            &mut self.grants,
            &mut self.ids,
            &mut self.out,
            &mut self.last,
            with_id,
        )
    }

    /// Where the request words of [`LoadedPolicy::check_words`] are in [`wasm_memory`].
    pub fn words_ptr(&self) -> usize {
        self.words.as_ptr() as usize
    }

    /// Where the string-table buffer of [`LoadedPolicy::check_words`] is in
    /// [`wasm_memory`]; it holds [`TEXT`] bytes.
    pub fn text_ptr(&self) -> usize {
        self.text.as_ptr() as usize
    }

    /// Where the string ends of [`LoadedPolicy::check_words`] are in
    /// [`wasm_memory`]; it holds [`ENDS`] words.
    pub fn ends_ptr(&self) -> usize {
        self.ends.as_ptr() as usize
    }

    /// Decides the request the wrapper wrote into the words ([`request`]).
    /// Its string indices number the gate's request string table: the `base`
    /// strings it already holds (0: start the table again), then the `count`
    /// new ones in the first `len` bytes of the text buffer (UTF-8, back to
    /// back, ending where the ends buffer says). The table is kept from call
    /// to call, so a string the wrapper has sent once — a principal, a
    /// permission, a timestamp — never crosses again, and what it parses to
    /// is remembered. Answers as [`LoadedPolicy::check`]; [`RETRY`] when the
    /// words hold no request this path reads (the new strings are kept);
    /// [`RETRY`] | [`RESYNC`] when the table does not hold `base` strings or
    /// cannot take the new ones (it is emptied).
    pub fn check_words(&mut self, len: u32, count: u32, base: u32, with_id: bool) -> u32 {
        let LoadedPolicy {
            policy,
            grants,
            ids,
            out,
            last,
            words,
            text,
            ends,
            request,
            request_table: table,
            ..
        } = self;
        if base == 0 {
            table.clear();
        }
        let fresh = text
            .get(..len as usize)
            .and_then(|b| core::str::from_utf8(b).ok())
            .zip(ends.get(..count as usize));
        let synced = table.len() == base as usize
            && fresh.is_some_and(|(joined, ends)| table.push_ends(joined, ends));
        if !synced {
            table.clear();
            return RETRY | RESYNC;
        }
        let decision = match request.read(table, words) {
            Read::Request(req) => policy.decide(req),
            Read::Unreadable => Decision::deny(Reason::InvalidRequest, policy.revision()),
            Read::Retry => return RETRY,
        };
        Self::answer(&decision, grants, ids, out, last, with_id)
    }

    /// Packs a decision into result bits and `out`.
    fn answer(
        decision: &Decision<'_>,
        grants: &mut Grants,
        ids: &mut Ids,
        out: &mut [u32; 5],
        last: &mut String,
        with_id: bool,
    ) -> u32 {
        let mut code = u32::from(decision.allow) | reason_index(decision.reason) << REASON_SHIFT;
        if decision.obligations.redact {
            code |= REDACT;
        }
        if decision.obligations.cascade.is_some() {
            code |= FULL;
            *last = decision.record(None).to_json();
        }
        let grant = decision.grant.map_or(0, |g| grants.number(&g));
        let id = if with_id { ids.next() } else { Some([0; 16]) };
        let words = match id {
            Some(b) => [
                u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
                u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
                u32::from_le_bytes([b[8], b[9], b[10], b[11]]),
                u32::from_le_bytes([b[12], b[13], b[14], b[15]]),
            ],
            None => {
                code |= NO_ID;
                [0; 4]
            }
        };
        *out = [grant, words[0], words[1], words[2], words[3]];
        code
    }

    /// The last decision that had a cascade obligation, as SPEC §4 JSON
    /// (without `decisionId`, which `out` carries).
    pub fn last_json(&self) -> String {
        self.last.clone()
    }

    /// The rule numbered `n` by [`LoadedPolicy::check`], as `{role, permission, scope}` JSON.
    pub fn grant_json(&self, n: u32) -> String {
        n.checked_sub(1)
            .and_then(|i| self.grants.json.get(i as usize))
            .cloned()
            .unwrap_or_else(|| String::from("null"))
    }

    /// Decides one request given as JSON and returns the whole record, with a
    /// decision id, serialised by the core: the path `recgate eval` takes.
    pub fn decide_json(&mut self, request: &str) -> String {
        let mut record = self.policy.decide_json(request);
        record.decision_id = self.ids.next_hex();
        record.to_json()
    }

    /// `{decision, steps: [{step, text}], text, words}` for one request given
    /// as JSON (an unreadable one too: the core says what is wrong).
    pub fn explain(&mut self, request: &str) -> String {
        let ex = self.policy.explain_json(request);
        let mut decision = ex.decision.clone();
        decision.decision_id = self.ids.next_hex();
        serde_json::to_string(&ExplainOut {
            decision: &decision,
            steps: &ex.steps,
            text: ex.to_string(),
            words: &ex.words,
        })
        .unwrap_or_default()
    }

    /// Every lint finding, as a JSON array.
    pub fn lint(&self) -> String {
        serde_json::to_string(&recgate_core::lint::lint(self.policy.doc())).unwrap_or_default()
    }

    /// The principal's slice as a policy document (JSON).
    pub fn slice(&self, principal: &str) -> Result<String, String> {
        self.policy
            .slice(principal)
            .map(|doc| doc.to_json())
            .map_err(|e| e.to_string())
    }

    /// The query plan (JSON form, docs/query-plans.md) for a principal and a
    /// permission on recordings at `now`.
    pub fn plan(&self, principal: &str, permission: &str, now: &str) -> Result<String, String> {
        let now =
            Timestamp::parse(now).ok_or_else(|| format!("\"{now}\" is not an RFC 3339 time"))?;
        let plan = self
            .policy
            .plan(principal, permission, now)
            .map_err(|e| e.to_string())?;
        serde_json::to_string(&plan).map_err(|e| e.to_string())
    }

    /// Every player control's state for one recording given as JSON (an
    /// API entity: members recgate does not read are ignored), for
    /// `principal` with `actor` acting for them. An unreadable recording
    /// denies every control with `invalid_request` and no permission; an
    /// unreadable `now` hides every control behind an unreadable request too.
    pub fn controls(
        &self,
        principal: &str,
        actor: Option<String>,
        recording: &str,
        now: &str,
    ) -> String {
        let states = match (Recording::from_json(recording), parse_now(now)) {
            (Ok(rec), Ok(now)) => self
                .policy
                .subject(principal, actor.as_deref(), now)
                .controls(&rec, now),
            (Err(e), _) | (_, Err(e)) => unreadable_controls(&e),
        };
        serde_json::to_string(&states).unwrap_or_default()
    }

    /// Steps 2 and 3 for `principal` with `actor` acting for them at `now`
    /// (`Policy::session_steps`): `[{step, text}]` as JSON, `"[]"` when `now`
    /// cannot be read.
    pub fn session_steps(&self, principal: &str, actor: Option<String>, now: &str) -> String {
        let Ok(now) = parse_now(now) else {
            return String::from("[]");
        };
        let steps = self.policy.session_steps(principal, actor.as_deref(), now);
        serde_json::to_string(&steps).unwrap_or_else(|_| String::from("[]"))
    }

    /// Why `principal` (with `actor` acting for them) can decide nothing at
    /// `now` — `{reason, words}` as JSON — or `""` when they can.
    pub fn refusal(&self, principal: &str, actor: Option<String>, now: &str) -> String {
        let Ok(now) = parse_now(now) else {
            return String::new();
        };
        let subject = self.policy.subject(principal, actor.as_deref(), now);
        match (subject.refusal(), subject.refusal_words()) {
            (Some(reason), Some(words)) => {
                serde_json::to_string(&RefusalOut { reason, words }).unwrap_or_default()
            }
            _ => String::new(),
        }
    }

    /// A recording as this policy reads it, defaults applied (`{divisions,
    /// region, retention: {days, defaultDays, until, legalHold}}`, JSON);
    /// `""` when the recording cannot be read.
    pub fn effective(&self, recording: &str) -> String {
        Recording::from_json(recording)
            .ok()
            .and_then(|rec| serde_json::to_string(&self.policy.effective(&rec)).ok())
            .unwrap_or_default()
    }

    /// Makes room for `words` column words (`rows::STRIDE` per row) and
    /// returns where they are in [`wasm_memory`]: the wrapper encodes the
    /// rows there directly (every word of every row: the buffer still holds
    /// the previous batch), then calls [`LoadedPolicy::visibility`].
    pub fn cols_buffer(&mut self, words: u32) -> usize {
        self.cols.resize(words as usize, 0);
        self.cols.as_mut_ptr() as usize
    }

    /// How much of each row of the columns in [`LoadedPolicy::cols_buffer`]
    /// `principal` may see: 0 hidden, 1 metadata, 2 media, one byte per row.
    /// The rows' string indices number the strings of the gate's row table:
    /// the `base` strings it already holds (0: start a new table), then the
    /// `count` new ones in `table`, joined by NUL or, when `table_is_json`, a
    /// JSON array. `lists` holds the list items, `times` the timestamps
    /// written as text (`rows::CREATED_AT_TEXT`). An unreadable row or `now`
    /// hides (fail closed). When the table does not hold `base` strings (the
    /// wrapper and the gate disagree) or the new ones cannot be read, the
    /// table is emptied and the answer is empty: the wrapper starts again.
    #[expect(
        clippy::too_many_arguments,
        reason = "a wasm-bindgen export: each argument crosses as itself, no object to build"
    )]
    pub fn visibility(
        &mut self,
        principal: &str,
        actor: Option<String>,
        now: &str,
        table: &str,
        count: u32,
        table_is_json: bool,
        base: u32,
        lists: &[u32],
        times: &[u8],
    ) -> Vec<u8> {
        let LoadedPolicy {
            policy,
            scratch,
            cols,
            rows_table,
            filters,
            ..
        } = self;
        if base == 0 {
            rows_table.clear();
        }
        let synced = rows_table.len() == base as usize
            && if table_is_json {
                rows_table.push_json(table, count as usize)
            } else {
                rows_table.push_joined(table, count as usize)
            };
        if !synced {
            rows_table.clear();
            return Vec::new();
        }
        let who = Asker {
            principal,
            actor: actor.as_deref(),
        };
        decide_rows(
            policy,
            filters,
            scratch,
            who,
            now,
            Some(rows_table),
            &Rows { cols, lists, times },
        )
    }

    /// What the wrapper may know of a list for `principal` (with `actor`
    /// acting for them) at `now` before encoding it: `"hidden"` when they see
    /// no recording at all, whatever the rows hold (an unreadable `now` too,
    /// as in [`LoadedPolicy::visibility`]); else the
    /// [`recgate_core::RowPrefilter`] of their list filter as `{"fields":
    /// [...], "values": [...]}` — the wrapper writes a row whose fields it
    /// names hold only strings outside `values` hidden, unread, as the core
    /// would decide it; else `""`: every row is read.
    pub fn list_shortcut(&mut self, principal: &str, actor: Option<String>, now: &str) -> String {
        let Some(at) = Timestamp::parse(now) else {
            return String::from("hidden");
        };
        let who = Asker {
            principal,
            actor: actor.as_deref(),
        };
        if who.refused(&self.policy, at) {
            return String::from("hidden");
        }
        match self.filters.get(&self.policy, principal, now, at) {
            Some(f) if f.sees_nothing() => String::from("hidden"),
            Some(f) => f.prefilter().map(|p| p.to_json()).unwrap_or_default(),
            None => String::new(),
        }
    }

    /// Keeps the columns just written in [`LoadedPolicy::cols_buffer`], with their
    /// string table and list items, for deciding them again and again
    /// ([`LoadedPolicy::visibility_of_rows`]) without encoding them again.
    pub fn prepare(
        &mut self,
        table: &str,
        count: u32,
        table_is_json: bool,
        lists: Vec<u32>,
    ) -> WasmRows {
        let mut strings = Table::default();
        let ok = if table_is_json {
            strings.push_json(table, count as usize)
        } else {
            strings.push_joined(table, count as usize)
        };
        WasmRows {
            table: ok.then_some(strings),
            cols: core::mem::take(&mut self.cols),
            lists,
        }
    }

    /// [`LoadedPolicy::visibility`] of prepared rows.
    pub fn visibility_of_rows(
        &mut self,
        principal: &str,
        actor: Option<String>,
        now: &str,
        rows: &mut WasmRows,
    ) -> Vec<u8> {
        let view = Rows {
            cols: &rows.cols,
            lists: &rows.lists,
            times: &[],
        };
        let who = Asker {
            principal,
            actor: actor.as_deref(),
        };
        decide_rows(
            &self.policy,
            &mut self.filters,
            &mut self.scratch,
            who,
            now,
            rows.table.as_mut(),
            &view,
        )
    }

    /// The reference path of [`LoadedPolicy::visibility`] for one recording
    /// given as JSON, read by the core's deserializer and decided by a
    /// subject: what the tests hold the column path to.
    pub fn visibility_json(
        &self,
        principal: &str,
        actor: Option<String>,
        recording: &str,
        now: &str,
    ) -> u8 {
        match (Recording::from_json(recording), Timestamp::parse(now)) {
            (Ok(rec), Some(now)) => visibility_code(
                self.policy
                    .subject(principal, actor.as_deref(), now)
                    .visibility(&rec, now),
            ),
            _ => 0,
        }
    }
}

#[cfg(test)]
#[expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "tests: a panic is a failed test"
)]
mod tests {
    use super::*;

    const POLICY: &str = r#"{
      "schema": "recgate/v1", "revision": "r1",
      "roles": {
        "qa": { "grants": [
          { "permission": "recording:recording:view" },
          { "permission": "recording:recording:delete" } ] },
        "meta": { "grants": [ { "permission": "recording:metadata:view" } ] }
      },
      "users": { "quinn": { "roles": [ { "role": "qa" } ] },
                 "mia": { "roles": [ { "role": "meta" } ] } }
    }"#;

    fn gate() -> LoadedPolicy {
        LoadedPolicy::load(POLICY, 0).ok().unwrap()
    }

    #[test]
    fn check_packs_the_core_decision() {
        let mut g = gate();
        let req = r#"{"principal":"quinn","permission":"recording:recording:view",
          "resource":{"type":"recording","id":"r","media":"audio","sensitive":true},
          "now":"2026-11-22T12:00:00Z"}"#;
        let code = g.check(req, true);
        assert_eq!(code & ALLOW, ALLOW);
        assert_eq!(code & REDACT, REDACT);
        assert_eq!(code >> REASON_SHIFT, 0, "allow is reason 0");
        assert_eq!(
            g.grant_json(g.out[0]),
            r#"{"role":"qa","permission":"recording:recording:view","scope":"all"}"#
        );
        assert_ne!(g.out[1..], [0; 4]);
        // The same rule keeps its number.
        let n = g.out[0];
        g.check(req, false);
        assert_eq!(g.out[0], n);
        assert_eq!(g.out[1..], [0; 4]);
        let bad = g.check(r#"{"principal":"quinn","oops":1}"#, true);
        assert_eq!(bad & ALLOW, 0);
        assert_eq!(bad >> REASON_SHIFT, reason_index(Reason::InvalidRequest));
    }

    #[test]
    fn cascades_are_returned_whole() {
        let mut g = gate();
        let code = g.check(
            r#"{"principal":"quinn","permission":"recording:recording:delete",
              "resource":{"type":"recording","id":"r","media":"audio","related":["s1"]},
              "now":"2026-11-22T12:00:00Z"}"#,
            true,
        );
        assert_eq!(code & (ALLOW | FULL), ALLOW | FULL);
        let v: serde_json::Value = serde_json::from_str(&g.last_json()).unwrap();
        assert_eq!(v["obligations"][0]["type"], "cascade");
        assert_eq!(v["obligations"][0]["ids"][0], "s1");
    }

    #[test]
    fn load_reports_every_error() {
        let err = LoadedPolicy::load(r#"{"schema":"recgate/v1","revision":"r","bogus":1,"users":{"u":{"roles":[{"role":"nope"}]}}}"#, 0)
            .err()
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&err).unwrap();
        let paths: Vec<&str> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["path"].as_str().unwrap())
            .collect();
        assert!(paths.contains(&"/bogus"), "{paths:?}");
        assert!(paths.contains(&"/users/u/roles/0/role"), "{paths:?}");
    }

    #[test]
    fn columns_decide_as_the_reference_path() {
        let mut g = gate();
        let now = "2026-11-22T12:00:00Z";
        let joined = "audio\0screen";
        let mut audio = [rows::NONE; rows::STRIDE];
        audio[rows::FLAGS] = rows::VALID;
        audio[rows::MEDIA] = 0;
        audio[rows::RETENTION] = 0;
        audio[rows::DIVISIONS_AT] = 0;
        audio[rows::PARTICIPANTS_AT] = 0;
        audio[rows::PARTICIPANTS_LEN] = 0;
        let mut screen = audio;
        screen[rows::MEDIA] = 1;
        let mut broken = audio;
        broken[rows::FLAGS] = 0;
        let cols: Vec<u32> = [audio, screen, broken].concat();
        let run = |g: &mut LoadedPolicy, p: &str, now: &str, table: &str, json: bool| {
            g.cols_buffer(u32::try_from(cols.len()).unwrap());
            g.cols.copy_from_slice(&cols);
            g.visibility(p, None, now, table, 2, json, 0, &[], &[])
        };
        let v = run(&mut g, "quinn", now, joined, false);
        assert_eq!(v, vec![2, 0, 0]);
        assert_eq!(
            g.visibility_json("quinn", None, r#"{"id":"a","media":"audio"}"#, now),
            2
        );
        assert_eq!(
            g.visibility_json("quinn", None, r#"{"id":"a","media":"screen"}"#, now),
            0
        );
        let v = run(&mut g, "mia", now, joined, false);
        assert_eq!(v, vec![1, 1, 0]);
        assert_eq!(run(&mut g, "nobody", now, joined, false), vec![0, 0, 0]);
        assert_eq!(g.list_shortcut("nobody", None, now), "hidden");
        assert_eq!(g.list_shortcut("quinn", None, "soon"), "hidden");
        assert_ne!(g.list_shortcut("quinn", None, now), "hidden");
        assert_ne!(g.list_shortcut("mia", None, now), "hidden");
        assert_eq!(run(&mut g, "quinn", "soon", joined, false), vec![0, 0, 0]);
        let json = run(&mut g, "quinn", now, r#"["audio","screen"]"#, true);
        assert_eq!(json, vec![2, 0, 0]);
    }

    /// A principal whose plans hold more conditions than a list filter
    /// numbers is decided row by row, with the same answers.
    #[test]
    fn rows_beyond_a_list_filter_are_decided_one_by_one() {
        let queues: Vec<String> = (0..70).map(|i| format!("\"q{i}\": {{}}")).collect();
        let grants: Vec<String> = (0..70)
            .map(|i| format!(r#"{{ "permission": "recording:recording:view", "when": {{ "queues": ["q{i}"] }} }}"#))
            .collect();
        let policy = format!(
            r#"{{ "schema": "recgate/v1", "revision": "r", "queues": {{ {} }},
                 "roles": {{ "r": {{ "grants": [ {} ] }} }},
                 "users": {{ "u": {{ "roles": [ {{ "role": "r" }} ] }} }} }}"#,
            queues.join(","),
            grants.join(",")
        );
        let mut g = LoadedPolicy::load(&policy, 0).ok().unwrap();
        let now = "2026-11-22T12:00:00Z";
        let at = Timestamp::parse(now).unwrap();
        assert!(g.policy.list_plan("u", at).is_none());
        let names = ["q0", "q5", "q69", "qx"];
        let mut cols = Vec::new();
        for q in 0..names.len() {
            let mut r = [rows::NONE; rows::STRIDE];
            r[rows::FLAGS] = rows::VALID;
            r[rows::MEDIA] = 0;
            r[rows::QUEUE] = u32::try_from(q + 1).unwrap();
            r[rows::RETENTION] = 0;
            r[rows::DIVISIONS_AT] = 0;
            r[rows::PARTICIPANTS_AT] = 0;
            r[rows::PARTICIPANTS_LEN] = 0;
            cols.extend_from_slice(&r);
        }
        g.cols_buffer(u32::try_from(cols.len()).unwrap());
        g.cols.copy_from_slice(&cols);
        let table = format!("audio\0{}", names.join("\0"));
        let v = g.visibility("u", None, now, &table, 5, false, 0, &[], &[]);
        assert_eq!(v, vec![2, 2, 2, 0]);
        for (q, want) in names.iter().zip(v) {
            let rec = format!(r#"{{"id":"a","media":"audio","queue":"{q}"}}"#);
            assert_eq!(g.visibility_json("u", None, &rec, now), want, "{q}");
        }
    }

    #[test]
    fn controls_of_an_unreadable_recording_are_all_denied() {
        let g = gate();
        let v: serde_json::Value = serde_json::from_str(&g.controls(
            "quinn",
            None,
            r#"{"media":"audio"}"#,
            "2026-11-22T12:00:00Z",
        ))
        .unwrap();
        let list = v.as_array().unwrap();
        assert_eq!(list.len(), recgate_core::CONTROLS.len());
        assert!(list.iter().all(|c| c["allowed"] == false
            && c["reason"] == "invalid_request"
            && c["permission"].is_null()));
        let ok: serde_json::Value = serde_json::from_str(&g.controls(
            "quinn",
            None,
            r#"{"id":"r","media":"audio","title":"a call"}"#,
            "2026-11-22T12:00:00Z",
        ))
        .unwrap();
        assert_eq!(ok[0]["control"], "play");
        assert_eq!(ok[0]["allowed"], true);
        assert_eq!(ok[0]["status"], "allowed");
        let monitor = &ok[7];
        assert_eq!(monitor["control"], "monitorLive");
        assert_eq!(monitor["status"], "notApplicable");
        assert!(monitor["reason"].is_null());
        assert_eq!(monitor["words"], "not a live interaction");
    }
}
