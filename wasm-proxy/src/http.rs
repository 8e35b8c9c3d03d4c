//! One API request — the request state machine, and only that: read the
//! request (bytes, [`crate::host`]), refuse what cannot be read, find the
//! route, establish who is asking ([`crate::identity`]), read the body when
//! the route decides on it ([`crate::bodies`]), gather the resource's facts
//! ([`crate::attributes`]), ask the core, and enforce the answer — reply,
//! or forward with the decision's headers and filter what comes back
//! ([`crate::judging`]). Every failure is an answer for this request alone.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext};
use proxy_wasm::types::{Action as Flow, BufferType, LogLevel, MapType};
use recgate_core::edge::TokenClaims;
use recgate_core::enforce::{obligations_of, RecordingAction, RecordingFacts};
use recgate_core::{Policy, Reason, Request, Timestamp};

use crate::attributes::{cache_entry, fresh_bytes, Answer, FactsKey, FactsMemo, Parsed};
use crate::config::{Mode, PluginConfig};
use crate::decision_log::{self, Logged};
use crate::host::log;
use crate::host::{self, Stream};
use crate::identity::{self, ClaimBytes, ClaimError};
use crate::ids::new_id;
use crate::judging::{batch_keys, ListTally, Reader, Rewrite};
use crate::metadata::{self, DecisionFields, FieldValues};
use crate::metrics::StatOutcome;
use crate::operations::{Ask, Refusal, Routed, Verdict};
use crate::path::normalize;
use crate::respond::{self, obligation_headers, set_request_header};
use crate::rewrite::{is_error_body, Unfilterable};
use crate::routes::{find, Action, AnnotationVerb};
use crate::shared::Shared;

/// Where the request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Nothing decided yet.
    Start,
    /// Waiting for facts that set the headers of a body route before they go on.
    FetchingForHeaders,
    /// Buffering the request body the decision needs.
    ReadingBody,
    /// Waiting for facts before deciding.
    FetchingForRequest,
    /// Forwarded; the response may need rewriting.
    Forwarded,
    /// Waiting for facts before rewriting the response body.
    FetchingForResponse,
    /// Answered or given up.
    Done,
}

/// The request context.
pub struct EdgeRequest {
    shared: Option<Rc<RefCell<Shared>>>,
    config: Option<Rc<PluginConfig>>,
    policy: Option<Rc<Policy>>,
    context_id: u32,
    now: Timestamp,
    method: String,
    actor: String,
    principal: String,
    routed: Option<Routed>,
    phase: Phase,
    body: Vec<u8>,
    pending: Vec<(u32, FactsKey)>,
    answers: BTreeMap<FactsKey, Answer>,
    /// The CAS numbers of the cache entries answers were read from.
    numbers: BTreeMap<FactsKey, u32>,
    /// The VM's parsed conversation facts.
    memo: Option<Rc<RefCell<FactsMemo>>>,
    rewrite: Rewrite,
    decision: Option<(String, String)>,
    /// The response's status is neither 200 nor 201: only an API error body may pass.
    error_status: bool,
    /// The decision id a body route's headers went upstream with.
    early_id: Option<String>,
    /// The matched route's position in the table.
    route: Option<usize>,
    /// The decision's fields for access logs (`decisionMetadata.headers`).
    fields: Option<DecisionFields>,
    /// Which of [`UNFILTERABLE_ASKS`] the request carries (only those are
    /// removed: each removal is a host call, and removing an absent header
    /// changes nothing).
    asks: Vec<&'static str>,
}

fn text_claim(bytes: Result<Option<Vec<u8>>, host::HostError>) -> ClaimBytes {
    match bytes {
        Ok(None) => ClaimBytes::Absent,
        Ok(Some(b)) => ClaimBytes::Present(b),
        Err(_) => ClaimBytes::Unreadable,
    }
}

const METHOD_OVERRIDES: [&str; 3] = [
    "x-http-method-override",
    "x-http-method",
    "x-method-override",
];

/// Request headers that would let the upstream answer with something other
/// than the whole, unencoded, fresh body the filter must judge.
const UNFILTERABLE_ASKS: [&str; 5] = [
    "accept-encoding",
    "range",
    "if-range",
    "if-none-match",
    "if-modified-since",
];

impl EdgeRequest {
    pub(crate) fn new(shared: Option<Rc<RefCell<Shared>>>, context_id: u32) -> EdgeRequest {
        let (config, policy, memo) = match &shared {
            Some(s) => {
                let s = s.borrow();
                (
                    Some(s.config.clone()),
                    s.policy.clone(),
                    Some(s.facts_memo.clone()),
                )
            }
            None => (None, None, None),
        };
        EdgeRequest {
            shared,
            config,
            policy,
            context_id,
            now: Timestamp(0),
            method: String::new(),
            actor: String::new(),
            principal: String::new(),
            routed: None,
            phase: Phase::Start,
            body: Vec::new(),
            pending: Vec::new(),
            answers: BTreeMap::new(),
            numbers: BTreeMap::new(),
            memo,
            rewrite: Rewrite::None,
            decision: None,
            error_status: false,
            early_id: None,
            route: None,
            fields: None,
            asks: Vec::new(),
        }
    }

    fn revision(&self) -> String {
        self.policy
            .as_ref()
            .map_or_else(String::new, |p| p.revision().to_string())
    }

    fn shadow(&self) -> bool {
        self.config.as_ref().is_some_and(|c| c.mode == Mode::Shadow)
    }

    fn count(&self, name: &str) {
        if let Some(s) = &self.shared {
            s.borrow_mut().metrics.count(name);
        }
    }

    /// Counts a decision, writes its fields for Envoy's access logs, and its
    /// decision-log line when sampled.
    fn record(
        &mut self,
        id: &str,
        permission: &str,
        request: Option<Request>,
        allow: bool,
        reason: Reason,
    ) {
        let shadow = self.shadow();
        let outcome = match (allow, shadow) {
            (true, _) => StatOutcome::Allow,
            (false, false) => StatOutcome::Deny,
            (false, true) => StatOutcome::ShadowDeny,
        };
        if let Some(s) = &self.shared {
            s.borrow_mut()
                .metrics
                .decisions
                .count(self.route, outcome, reason);
        }
        let Some(config) = self.config.clone() else {
            return;
        };
        let revision = self.revision();
        let log = config.decision_log.as_ref();
        let wanted = config.decision_metadata;
        if wanted.filter_state || wanted.headers {
            let fields = DecisionFields::new(
                FieldValues {
                    id,
                    reason: reason.as_str(),
                    principal: &self.principal,
                    actor: &self.actor,
                    revision: &revision,
                    permission,
                },
                log.is_some_and(|l| l.mask_principal),
                log.is_some_and(|l| l.mask_actor),
            );
            if wanted.filter_state {
                fields.write_filter_state();
            }
            if wanted.headers {
                self.fields = Some(fields);
            }
        }
        if let Some(settings) = log {
            decision_log::write(
                Logged {
                    id,
                    actor: &self.actor,
                    principal: &self.principal,
                    permission,
                    request,
                    allow,
                    reason,
                    revision: &revision,
                    shadow,
                },
                settings,
            );
        }
    }

    /// Refuses (or, in shadow mode, logs and lets go) before a resource is involved.
    fn refuse_early(&mut self, reason: Reason) -> Flow {
        self.enforce(Verdict::Refuse(Refusal {
            status: respond::status_for(reason),
            word: reason.as_str().to_string(),
            reason,
            permission: "",
            request: None,
            extra: None,
        }))
    }

    fn start(&mut self, end_of_stream: bool) -> Flow {
        let (Some(config), Some(_)) = (self.config.clone(), self.policy.clone()) else {
            log(
                LogLevel::Error,
                "recgate: no configuration or no active policy; refusing",
            );
            self.phase = Phase::Done;
            respond::reply(
                503,
                Reason::ResourceUnavailable.as_str(),
                &new_id(self.context_id),
                &self.revision(),
                None,
            );
            return Flow::Pause;
        };
        self.now = Timestamp(i64::try_from(host::now_nanos() / 1_000_000).unwrap_or(i64::MAX));
        // One host call for the whole map: each call into Envoy costs more than the decision.
        let Ok(headers) = host::map(MapType::HttpRequestHeaders) else {
            return self.refuse_early(Reason::InvalidRequest);
        };
        let (Ok(Some(method)), Ok(Some(raw))) = (headers.text(":method"), headers.text(":path"))
        else {
            log(
                LogLevel::Info,
                "recgate: a request whose method or path is not readable text",
            );
            return self.refuse_early(Reason::InvalidRequest);
        };
        self.method = method.to_ascii_uppercase();
        let canon = match normalize(raw) {
            Ok(c) => c,
            Err(bad) => {
                log(LogLevel::Info, &format!("recgate: refused path: {}", bad.0));
                return self.refuse_early(Reason::InvalidRequest);
            }
        };
        // Nobody but the filter speaks for the filter upstream, pass-through routes included.
        for name in headers.names_with_prefix("x-recgate-") {
            let _ = host::set_map_value(MapType::HttpRequestHeaders, &name, None);
        }
        let forwarded = format!("{}{}", canon.path, canon.query);
        if forwarded != raw {
            set_request_header(":path", Some(&forwarded));
        }
        let matched = match find(&config.routes, &self.method, &canon) {
            Ok(m) => m,
            Err(bad) => {
                log(
                    LogLevel::Info,
                    &format!("recgate: refused query: {}", bad.0),
                );
                return self.refuse_early(Reason::InvalidRequest);
            }
        };
        let Some(matched) = matched else {
            if config.pass_through.iter().any(|p| canon.under(p)) {
                self.phase = Phase::Done;
                return Flow::Continue;
            }
            return self.refuse_early(Reason::RouteUnknown);
        };
        self.route = Some(matched.index);
        self.routed = Some(Routed {
            action: matched.route.action.clone(),
            params: matched.params.clone(),
            query: matched.query.clone(),
        });
        // Identity: only what jwt_authn verified.
        let id = &config.identity;
        let claim = |name: &str| {
            text_claim(host::property(&[
                "metadata",
                "filter_metadata",
                &id.metadata_namespace,
                &id.payload_key,
                name,
            ]))
        };
        let claims = match identity::claims(&claim("sub"), &claim("sid"), &claim("iat")) {
            Ok(c) => c,
            Err(ClaimError::Missing) => return self.refuse_early(Reason::TokenMissing),
            Err(ClaimError::WrongType(which)) => {
                log(
                    LogLevel::Info,
                    &format!("recgate: claim {which} of the wrong type"),
                );
                return self.refuse_early(Reason::TokenInvalid);
            }
        };
        self.actor = claims.subject.clone();
        self.asks = UNFILTERABLE_ASKS
            .into_iter()
            .filter(|h| headers.has(h))
            .collect();
        // A method override would let an upstream act on another method than the one decided.
        if METHOD_OVERRIDES.iter().any(|h| headers.has(h)) {
            log(LogLevel::Info, "recgate: method-override header refused");
            return self.refuse_early(Reason::InvalidRequest);
        }
        match identity::principal(&headers, &config.impersonation_header, &claims.subject) {
            Ok(p) => self.principal = p,
            Err(_) => {
                log(
                    LogLevel::Info,
                    &format!(
                        "recgate: malformed or repeated {} header",
                        config.impersonation_header
                    ),
                );
                return self.refuse_early(Reason::InvalidRequest);
            }
        }
        let token = TokenClaims {
            subject: &claims.subject,
            session: claims.session.as_deref(),
            issued_at: claims.issued_at,
        };
        let checked = self
            .policy
            .as_ref()
            .map(|p| p.check_token(&token, &self.principal, self.now));
        if let Some(Err(reason)) = checked {
            return self.refuse_early(reason);
        }
        if self.reads_body() {
            return self.headers_of_body_route();
        }
        // A read or a delete is decided without a body; one sent anyway could be read by the API.
        let takes_none = self
            .routed
            .as_ref()
            .is_some_and(|r| r.action.takes_no_body());
        if !end_of_stream
            && (takes_none || matches!(self.method.as_str(), "GET" | "HEAD" | "DELETE"))
        {
            log(LogLevel::Info, "recgate: a body on a route that takes none");
            return self.refuse_early(Reason::InvalidRequest);
        }
        self.decide_and_enforce()
    }

    /// A route deciding on its body: Envoy turns a paused header phase into a
    /// full stop (no body reaches the filter), so the headers go on first —
    /// carrying the decision id and, for a recording update, the cascade a
    /// delete of that recording would carry — and the buffer filter after this
    /// one (docs/envoy-filter.md) holds them from the upstream until the body
    /// is decided; a refusal then answers before anything was sent.
    fn headers_of_body_route(&mut self) -> Flow {
        if self.early_id.is_none() {
            let id = new_id(self.context_id);
            set_request_header("x-recgate-decision", Some(&id));
            set_request_header("x-recgate-revision", Some(&self.revision()));
            set_request_header("x-recgate-principal", Some(&self.principal.clone()));
            self.early_id = Some(id);
        }
        let update = self.routed.as_ref().and_then(|r| match &r.action {
            Action::UpdateRecording {
                conversation,
                recording,
            } => Some((r.param(conversation), r.param(recording))),
            _ => None,
        });
        if let Some((c, r)) = update {
            let key = FactsKey::Recording(c.clone(), r.clone());
            if !self.answers.contains_key(&key) {
                return self.fetch(vec![key], Phase::FetchingForHeaders);
            }
            let facts = self.ask().and_then(|a| a.recording_facts(&c, &r).ok());
            if let (Some(f), Some(policy)) = (facts, self.policy.clone()) {
                let subject = policy.subject(&self.principal, Some(&self.actor), self.now);
                let delete = subject.act(RecordingAction::Delete, &f.recording, self.now);
                for (k, v) in obligation_headers(obligations_of(&delete)) {
                    set_request_header(k, Some(&v));
                }
            }
        }
        self.phase = Phase::ReadingBody;
        Flow::Continue
    }

    /// Whether the route decides on the request body.
    fn reads_body(&self) -> bool {
        self.routed.as_ref().is_some_and(|r| {
            matches!(
                r.action,
                Action::UpdateRecording { .. }
                    | Action::AddAnnotation { .. }
                    | Action::DeletionProtection
                    | Action::DeletionProtectionQuery
                    | Action::BatchDownload
                    | Action::BulkJob
                    | Action::ScreenMonitorUsers
            ) || matches!(
                r.action,
                Action::Annotation {
                    verb: AnnotationVerb::Edit,
                    ..
                }
            ) || matches!(&r.action, Action::Jobs { .. } if self.method == "PUT")
        })
    }

    /// The request as the decision sees it (`None` before a route and a policy).
    fn ask(&self) -> Option<Ask<'_>> {
        Some(Ask {
            policy: self.policy.as_deref()?,
            routed: self.routed.as_ref()?,
            answers: &self.answers,
            numbers: &self.numbers,
            memo: self.memo.as_deref(),
            body: &self.body,
            method: &self.method,
            actor: &self.actor,
            principal: &self.principal,
            now: self.now,
            max_items: self
                .config
                .as_ref()
                .map_or(100, |c| c.request_body.max_items),
        })
    }

    fn decide(&self) -> Verdict {
        match self.ask() {
            Some(ask) => ask.decide(),
            None => Verdict::Refuse(Refusal {
                status: 503,
                word: Reason::ResourceUnavailable.as_str().into(),
                reason: Reason::ResourceUnavailable,
                permission: "",
                request: None,
                extra: None,
            }),
        }
    }

    /// Decides with the facts at hand: fetch what is missing, or enforce.
    fn decide_and_enforce(&mut self) -> Flow {
        match self.decide() {
            Verdict::Need(keys) => self.fetch(keys, Phase::FetchingForRequest),
            verdict => self.enforce(verdict),
        }
    }

    fn fetch(&mut self, keys: Vec<FactsKey>, phase: Phase) -> Flow {
        let Some(config) = self.config.clone() else {
            return self.refuse_early(Reason::ResourceUnavailable);
        };
        let cfg = &config.attributes;
        let use_cache = self.method == "GET";
        for key in keys {
            if self.answers.contains_key(&key) || self.pending.iter().any(|(_, k)| *k == key) {
                continue;
            }
            if use_cache && key.cacheable() {
                if let Some((entry, number)) = host::shared_data_numbered(&key.cache_key()) {
                    if let Some(body) = fresh_bytes(&entry, self.now) {
                        // Facts already parsed from this very entry are not read again.
                        let parsed = self
                            .memo
                            .as_ref()
                            .and_then(|m| m.try_borrow().ok()?.get(&key, number));
                        let answer = match parsed {
                            Some(facts) => Some(Answer::Parsed(facts)),
                            None => String::from_utf8(body.to_vec()).ok().map(Answer::Found),
                        };
                        if let Some(answer) = answer {
                            self.numbers.insert(key.clone(), number);
                            self.answers.insert(key, answer);
                            continue;
                        }
                    }
                }
            }
            let path = key.path(cfg);
            crate::census::tick(crate::census::Call::Dispatch);
            let sent = hostcalls::dispatch_http_call(
                &cfg.cluster,
                vec![
                    (":method", "GET"),
                    (":path", &path),
                    (":authority", &cfg.authority),
                ],
                None,
                vec![],
                Duration::from_millis(cfg.timeout_ms),
            );
            match sent {
                Ok(token) => self.pending.push((token, key)),
                Err(e) => {
                    log(
                        LogLevel::Error,
                        &format!("recgate: attributes call not sent: {e:?}"),
                    );
                    self.answers.insert(key, Answer::Unavailable);
                }
            }
        }
        if self.pending.is_empty() {
            return match phase {
                Phase::FetchingForRequest => self.decide_and_enforce(),
                Phase::FetchingForHeaders => self.headers_of_body_route(),
                _ => self.finish_response(),
            };
        }
        self.phase = phase;
        Flow::Pause
    }

    /// Carries out a verdict: reply, or forward with the decision's headers.
    fn enforce(&mut self, verdict: Verdict) -> Flow {
        let early = self.early_id.clone();
        let id = early.clone().unwrap_or_else(|| new_id(self.context_id));
        let revision = self.revision();
        match verdict {
            Verdict::Need(_) => {
                // Facts were fetched and are still missing: cannot decide.
                self.phase = Phase::Done;
                self.record(&id, "", None, false, Reason::ResourceUnavailable);
                respond::reply(
                    503,
                    Reason::ResourceUnavailable.as_str(),
                    &id,
                    &revision,
                    None,
                );
                Flow::Pause
            }
            Verdict::Refuse(r) => {
                self.record(&id, r.permission, r.request, false, r.reason);
                if self.shadow() {
                    self.phase = Phase::Done;
                    return Flow::Continue;
                }
                self.phase = Phase::Done;
                respond::reply(r.status, &r.word, &id, &revision, r.extra);
                Flow::Pause
            }
            Verdict::Forward {
                permission,
                request,
                obligations,
                extra_headers,
                rewrite,
                stale,
            } => {
                self.record(&id, permission, request, true, Reason::Allow);
                set_request_header("x-recgate-decision", Some(&id));
                set_request_header("x-recgate-revision", Some(&revision));
                set_request_header("x-recgate-principal", Some(&self.principal.clone()));
                for (k, v) in obligation_headers(&obligations)
                    .into_iter()
                    .chain(extra_headers)
                {
                    set_request_header(k, Some(&v));
                }
                if rewrite.is_some() && !self.shadow() {
                    for h in std::mem::take(&mut self.asks) {
                        set_request_header(h, None);
                    }
                    self.rewrite = rewrite;
                }
                for key in stale {
                    let _ = host::set_shared_data(&key.cache_key(), b"");
                }
                self.decision = Some((id, revision));
                self.phase = Phase::Forwarded;
                Flow::Continue
            }
        }
    }

    fn request_body(&mut self, body_size: usize, end_of_stream: bool) -> Flow {
        if self.phase != Phase::ReadingBody {
            return if self.phase == Phase::Done {
                Flow::Pause
            } else {
                Flow::Continue
            };
        }
        let max = self
            .config
            .as_ref()
            .map_or(0, |c| c.request_body.max_body_bytes);
        if body_size > max {
            self.phase = Phase::Done;
            let id = new_id(self.context_id);
            self.record(&id, "", None, false, Reason::InvalidRequest);
            respond::reply(
                413,
                Reason::InvalidRequest.as_str(),
                &id,
                &self.revision(),
                None,
            );
            return Flow::Pause;
        }
        if !end_of_stream {
            return Flow::Pause;
        }
        self.body_complete(body_size)
    }

    fn body_complete(&mut self, body_size: usize) -> Flow {
        self.body = host::buffer(BufferType::HttpRequestBody, 0, body_size).unwrap_or_default();
        self.decide_and_enforce()
    }

    fn response_headers(&mut self, end_of_stream: bool) -> Flow {
        if self
            .config
            .as_ref()
            .is_some_and(|c| c.decision_metadata.headers)
        {
            metadata::write_response_headers(self.fields.as_ref());
        }
        if let Some((id, rev)) = &self.decision {
            let _ = host::set_map_value(
                MapType::HttpResponseHeaders,
                b"x-recgate-decision",
                Some(id.as_bytes()),
            );
            let _ = host::set_map_value(
                MapType::HttpResponseHeaders,
                b"x-recgate-revision",
                Some(rev.as_bytes()),
            );
        }
        if !self.rewrite.is_some() || self.phase != Phase::Forwarded {
            return Flow::Continue;
        }
        let read = host::map(MapType::HttpResponseHeaders);
        let unread = read.is_err();
        let headers = read.unwrap_or_default();
        let status = headers.get(":status").unwrap_or_default().to_vec();
        // Removing a header the response does not carry would be a host call for nothing
        // (when the map could not be read, every one is removed, as before).
        let present =
            |name: &[u8]| unread || std::str::from_utf8(name).is_ok_and(|n| headers.has(n));
        let encoded = headers
            .get("content-encoding")
            .is_some_and(|e| !e.eq_ignore_ascii_case(b"identity"));
        if encoded {
            return self.unfilterable("an encoded response body");
        }
        // Responses are per principal now: no shared caches, no upstream validators.
        for (name, value) in [
            (&b"cache-control"[..], Some(&b"private, no-store"[..])),
            (b"vary", Some(b"Authorization")),
            (b"etag", None),
            (b"last-modified", None),
            (b"content-length", None),
        ] {
            if value.is_some() || present(name) {
                let _ = host::set_map_value(MapType::HttpResponseHeaders, name, value);
            }
        }
        match status.as_slice() {
            b"200" | b"201" if end_of_stream => {
                self.unfilterable("an empty body where entities were due")
            }
            b"204" | b"304" => {
                self.rewrite = Rewrite::None;
                Flow::Continue
            }
            _ => {
                // Anything else must be an API error body: checked when complete.
                self.error_status = !matches!(status.as_slice(), b"200" | b"201");
                let declared = headers
                    .get("content-length")
                    .and_then(crate::headers::readable)
                    .and_then(|l| l.trim().parse::<usize>().ok());
                let max = self
                    .config
                    .as_ref()
                    .map_or(0, |c| c.list_filter.max_body_bytes);
                if declared.is_some_and(|l| l > max) {
                    return self.unfilterable("a declared length over maxBodyBytes");
                }
                // proxy-wasm in Envoy delivers no body to a filter that holds the headers: they go
                // on now, and a body that cannot be judged resets the stream.
                Flow::Continue
            }
        }
    }

    /// Counts and logs a response refused, and stops judging it.
    fn give_up_response(&mut self, how: &str, why: &str) {
        self.count("recgate.lists.unfilterable");
        log(
            LogLevel::Error,
            &format!("recgate: a response that cannot be filtered was {how}: {why}"),
        );
        self.rewrite = Rewrite::None;
        self.phase = Phase::Done;
    }

    /// Refuses a response before its headers left: a clean 502.
    fn unfilterable(&mut self, why: &str) -> Flow {
        self.give_up_response("refused", why);
        let id = self
            .decision
            .as_ref()
            .map_or_else(|| new_id(self.context_id), |d| d.0.clone());
        let body = respond::body("list_unfilterable", &id, &self.revision(), None);
        let headers: [(&str, &[u8]); 3] = [
            ("content-type", b"application/json"),
            ("cache-control", b"no-store"),
            ("x-recgate-decision", id.as_bytes()),
        ];
        if host::send_response(502, &headers, &body).is_err() {
            let _ = host::reset(Stream::Response);
        }
        Flow::Pause
    }

    fn response_body(&mut self, body_size: usize, end_of_stream: bool) -> Flow {
        if !self.rewrite.is_some() || self.phase != Phase::Forwarded {
            return Flow::Continue;
        }
        let max = self
            .config
            .as_ref()
            .map_or(0, |c| c.list_filter.max_body_bytes);
        if body_size > max {
            return self.reset_response("larger than maxBodyBytes");
        }
        if !end_of_stream {
            return Flow::Pause;
        }
        self.judge_response(body_size)
    }

    /// Refuses a response whose headers already left: the stream is reset,
    /// so nothing of the unfiltered body reaches the client.
    fn reset_response(&mut self, why: &str) -> Flow {
        self.give_up_response("reset", why);
        let _ = host::reset(Stream::Response);
        Flow::Pause
    }

    /// The whole body is in (at its last chunk, or at the trailers).
    fn judge_response(&mut self, body_size: usize) -> Flow {
        let Ok(body) = host::buffer(BufferType::HttpResponseBody, 0, body_size) else {
            return self.reset_response("the body could not be read");
        };
        if self.error_status {
            // An error status: only an API error body passes.
            if is_error_body(&body) {
                self.rewrite = Rewrite::None;
                self.phase = Phase::Done;
                return Flow::Continue;
            }
            return self.reset_response("a non-2xx status carrying more than an error");
        }
        if matches!(self.rewrite, Rewrite::BatchResults) {
            let (max_body, max_items) = self.config.as_ref().map_or((0, 0), |c| {
                (
                    c.list_filter.max_body_bytes,
                    c.request_body.max_items.saturating_mul(10),
                )
            });
            match batch_keys(&body, max_body, max_items) {
                Ok(keys) => {
                    self.body = body;
                    let keys = keys
                        .into_iter()
                        .map(|(c, r)| FactsKey::Recording(c, r))
                        .collect();
                    return self.fetch(keys, Phase::FetchingForResponse);
                }
                Err(e) => return self.reset_response(&format!("{e:?}")),
            }
        }
        self.body = body;
        self.finish_response()
    }

    fn finish_response(&mut self) -> Flow {
        let resumed = self.phase == Phase::FetchingForResponse;
        let (Some(policy), Some(config)) = (self.policy.clone(), self.config.clone()) else {
            return self.reset_response("no policy");
        };
        let subject = policy.subject(&self.principal, Some(&self.actor), self.now);
        let reader = Reader {
            subject: &subject,
            now: self.now,
            metadata_fields: &config.list_filter.metadata_fields,
        };
        let answers = &self.answers;
        let batch = |c: &str, r: &str| match answers.get(&FactsKey::Recording(c.into(), r.into())) {
            Some(Answer::Found(text)) => RecordingFacts::from_json(text).ok(),
            Some(Answer::Parsed(Parsed::Recording(f))) => Some(RecordingFacts::clone(f)),
            _ => None,
        };
        let result: Result<(Vec<u8>, ListTally), Unfilterable> = reader.apply(
            &self.rewrite,
            &self.body,
            config.list_filter.max_body_bytes,
            &batch,
        );
        match result {
            Ok((out, tally)) => {
                if let Some(s) = &self.shared {
                    let m = &mut s.borrow_mut().metrics;
                    m.count("recgate.lists.filtered");
                    m.add("recgate.lists.entities_seen", tally.seen as u64);
                    m.add("recgate.lists.entities_kept", tally.kept as u64);
                }
                let len = self.body.len();
                // A body the principal may have whole, as it came, is left in Envoy's buffer.
                if out != self.body
                    && host::set_buffer(BufferType::HttpResponseBody, 0, len, &out).is_err()
                {
                    return self.reset_response("the filtered body could not be written");
                }
                self.rewrite = Rewrite::None;
                self.phase = Phase::Done;
                if resumed {
                    let _ = host::resume(Stream::Response);
                    return Flow::Pause;
                }
                Flow::Continue
            }
            Err(e) => self.reset_response(&format!("{e:?}")),
        }
    }
}

impl Context for EdgeRequest {
    fn on_http_call_response(
        &mut self,
        token: u32,
        _headers: usize,
        body_size: usize,
        _trailers: usize,
    ) {
        let Some(at) = self.pending.iter().position(|(t, _)| *t == token) else {
            return;
        };
        let (_, key) = self.pending.remove(at);
        let (max, ttl) = self.config.as_ref().map_or((0, 0), |c| {
            (c.attributes.max_bytes, c.attributes.cache_ttl_seconds)
        });
        let headers = host::map(MapType::HttpCallResponseHeaders).unwrap_or_default();
        let answer = match headers.get(":status") {
            Some(b"200") if body_size <= max => {
                match host::buffer(BufferType::HttpCallResponseBody, 0, body_size)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                {
                    Some(text) => {
                        let expires =
                            Timestamp(self.now.0.saturating_add(
                                i64::try_from(ttl).unwrap_or(0).saturating_mul(1000),
                            ));
                        if key.cacheable() {
                            let _ = host::set_shared_data(
                                &key.cache_key(),
                                &cache_entry(expires, &text),
                            );
                        }
                        Answer::Found(text)
                    }
                    None => Answer::Unavailable,
                }
            }
            Some(b"404") => Answer::NotFound,
            other => {
                let status = other.map(String::from_utf8_lossy);
                log(
                    LogLevel::Error,
                    &format!("recgate: attributes service answered {status:?}"),
                );
                Answer::Unavailable
            }
        };
        self.answers.insert(key, answer);
        if !self.pending.is_empty() {
            return;
        }
        let (flow, stream) = match self.phase {
            Phase::FetchingForRequest => (self.decide_and_enforce(), Stream::Request),
            Phase::FetchingForHeaders => (self.headers_of_body_route(), Stream::Request),
            Phase::FetchingForResponse => (self.finish_response(), Stream::Response),
            _ => return,
        };
        if flow == Flow::Continue {
            let _ = host::resume(stream);
        }
    }
}

impl HttpContext for EdgeRequest {
    #[cfg(feature = "hostcall-census")]
    fn on_log(&mut self) {
        if let Some(s) = &self.shared {
            s.borrow_mut().metrics.report_census();
        }
    }

    fn on_http_request_headers(&mut self, _headers: usize, end_of_stream: bool) -> Flow {
        self.start(end_of_stream)
    }

    fn on_http_request_body(&mut self, body_size: usize, end_of_stream: bool) -> Flow {
        self.request_body(body_size, end_of_stream)
    }

    fn on_http_request_trailers(&mut self, _trailers: usize) -> Flow {
        if self.phase != Phase::ReadingBody {
            return if self.phase == Phase::Done {
                Flow::Pause
            } else {
                Flow::Continue
            };
        }
        // Trailers end the body.
        let size = host::buffer(BufferType::HttpRequestBody, 0, usize::MAX).map_or(0, |b| b.len());
        self.body_complete(size)
    }

    fn on_http_response_headers(&mut self, _headers: usize, end_of_stream: bool) -> Flow {
        self.response_headers(end_of_stream)
    }

    fn on_http_response_body(&mut self, body_size: usize, end_of_stream: bool) -> Flow {
        self.response_body(body_size, end_of_stream)
    }

    fn on_http_response_trailers(&mut self, _trailers: usize) -> Flow {
        if !self.rewrite.is_some() || self.phase != Phase::Forwarded {
            return Flow::Continue;
        }
        // The body ended with trailers: judge it now, and let no trailer of the unfiltered body through.
        if let Ok(trailers) = host::map(MapType::HttpResponseTrailers) {
            for (name, _) in trailers.0 {
                let _ = host::set_map_value(MapType::HttpResponseTrailers, &name, None);
            }
        }
        let size = host::buffer(BufferType::HttpResponseBody, 0, usize::MAX).map_or(0, |b| b.len());
        let max = self
            .config
            .as_ref()
            .map_or(0, |c| c.list_filter.max_body_bytes);
        if size > max {
            return self.reset_response("larger than maxBodyBytes");
        }
        self.judge_response(size)
    }
}
