//! One API request: identity from jwt_authn's verified claims, the route, the
//! resource's attributes, the decision, and its enforcement — deny, hide,
//! forward with obligations, or filter the list that comes back.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, UNIX_EPOCH};

use proxy_wasm::traits::{Context, HttpContext};
use proxy_wasm::types::{Action as Flow, LogLevel};
use recgate_core::decision::{decision_id, obligation_list};
use recgate_core::edge::TokenClaims;
use recgate_core::request::{AnnotationVisibility as Shown, Named};
use recgate_core::{
    Annotation, Obligation, Perm, Policy, Reason, Recording, RecordingVisibility, Resource,
    Subject, Timestamp,
};
use serde_json::{json, Value};

use crate::config::{Config, Mode};
use crate::listing::{filter_list, recording_of, Keep};
use crate::root::{log, Shared};
use crate::routes::{find, normalize, Action, ListKind};

/// What the response needs done to it.
#[derive(Debug, Clone)]
enum Filter {
    None,
    List(ListKind, Option<Box<Recording>>),
    MediaFields,
}

/// What waits for attributes from the attributes service.
#[derive(Debug, Clone)]
enum Waiting {
    Nothing,
    Recording { action: Action, id: String },
    Annotation { permission: Perm, id: String },
}

/// The request context.
pub struct Gate {
    shared: Rc<RefCell<Shared>>,
    config: Rc<Config>,
    policy: Option<Rc<Policy>>,
    principal: String,
    actor: String,
    now: Timestamp,
    waiting: Waiting,
    filter: Filter,
    decision: Option<(String, String)>,
}

impl Gate {
    pub(crate) fn new(shared: Rc<RefCell<Shared>>) -> Gate {
        let (config, policy) = {
            let s = shared.borrow();
            (s.config.clone(), s.policy.clone())
        };
        Gate {
            shared,
            config,
            policy,
            principal: String::new(),
            actor: String::new(),
            now: Timestamp(0),
            waiting: Waiting::Nothing,
            filter: Filter::None,
            decision: None,
        }
    }

    fn revision(&self) -> String {
        self.policy
            .as_ref()
            .map_or_else(String::new, |p| p.revision().to_string())
    }

    fn count(&self, name: &str) {
        self.shared.borrow_mut().metrics.count(name);
    }

    /// Logs and counts a decision; returns whether the request may go on.
    fn record(
        &self,
        id: &str,
        permission: &str,
        resource: &Value,
        allow: bool,
        reason: Reason,
    ) -> bool {
        let shadow = self.config.mode == Mode::Shadow;
        let outcome = match (allow, shadow) {
            (true, _) => "allow",
            (false, false) => "deny",
            (false, true) => "shadow_deny",
        };
        self.count(&format!("recgate.decisions.{outcome}.{}", reason.as_str()));
        if self.config.decision_log {
            let line = json!({
                "decisionId": id, "actor": self.actor, "principal": self.principal, "permission": permission,
                "resource": { "type": resource.get("type"), "id": resource.get("id") },
                "reason": reason.as_str(), "allow": allow, "revision": self.revision(),
                "mode": if shadow { "shadow" } else { "enforce" },
                "request": { "principal": self.principal, "actor": self.actor, "permission": permission, "resource": resource, "now": self.now.to_string() },
            });
            log(LogLevel::Info, &format!("recgate decision {line}"));
        }
        allow || shadow
    }

    /// The attributes as the decision log shows them; without a decision log
    /// nothing reads them, so they are not parsed a second time.
    fn logged(&self, body: &[u8]) -> Value {
        if self.config.decision_log {
            serde_json::from_slice(body).unwrap_or(Value::Null)
        } else {
            Value::Null
        }
    }

    fn reply(&self, status: u32, reason: &str, id: &str) -> Flow {
        let body =
            json!({ "reason": reason, "decisionId": id, "revision": self.revision() }).to_string();
        let rev = self.revision();
        self.send_http_response(
            status,
            vec![
                ("content-type", "application/json"),
                ("x-recgate-decision", id),
                ("x-recgate-revision", rev.as_str()),
            ],
            Some(body.as_bytes()),
        );
        Flow::Pause
    }

    /// A refusal before any resource is involved (path, identity, token, route).
    fn refuse(&mut self, status: u32, reason: Reason, permission: &str) -> Flow {
        let id = new_id();
        if self.record(&id, permission, &Value::Null, false, reason) {
            return Flow::Continue;
        }
        self.reply(status, reason.as_str(), &id)
    }

    fn claim(&self, name: &str) -> Option<Vec<u8>> {
        let id = &self.config.identity;
        self.get_property(vec![
            "metadata",
            "filter_metadata",
            &id.metadata_namespace,
            &id.payload_key,
            name,
        ])
    }

    fn start(&mut self) -> Flow {
        let Some(policy) = self.policy.clone() else {
            log(
                LogLevel::Error,
                "recgate: no policy is active yet; refusing",
            );
            return self.reply(503, Reason::ResourceUnavailable.as_str(), &new_id());
        };
        self.now = Timestamp(
            self.get_current_time()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
        );
        // One host call for the whole header map: each call into Envoy costs more than the decision.
        let headers = self.get_http_request_headers();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let method = header(":method").to_ascii_uppercase();
        let raw = header(":path");
        let canon = match normalize(&raw) {
            Ok(c) => c,
            Err(bad) => {
                log(LogLevel::Info, &format!("recgate: refused path: {}", bad.0));
                return self.refuse(400, Reason::InvalidRequest, "");
            }
        };
        let forwarded = format!("{}{}", canon.path, canon.query);
        if forwarded != raw {
            self.set_http_request_header(":path", Some(&forwarded));
        }
        let config = self.config.clone();
        let Some(matched) = find(&config.routes, &method, &canon.path) else {
            if config
                .pass_through
                .iter()
                .any(|p| canon.path.starts_with(p.as_str()))
            {
                return Flow::Continue;
            }
            return self.refuse(403, Reason::RouteUnknown, "");
        };
        // Identity: only what jwt_authn verified.
        let Some(sub) = self
            .claim("sub")
            .and_then(|b| String::from_utf8(b).ok())
            .filter(|s| !s.is_empty())
        else {
            return self.refuse(401, Reason::TokenMissing, "");
        };
        let sid = self.claim("sid").and_then(|b| String::from_utf8(b).ok());
        let iat = self.claim("iat").and_then(|b| number(&b));
        // A method override would let an upstream act on another method than the one decided.
        if headers.iter().any(|(k, _)| is_method_override(k)) {
            log(LogLevel::Info, "recgate: method-override header refused");
            return self.refuse(400, Reason::InvalidRequest, "");
        }
        let impersonation = config.impersonation_header.as_str();
        let named: Vec<&String> = headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(impersonation))
            .map(|(_, v)| v)
            .collect();
        let principal = match named.as_slice() {
            [] => sub.clone(),
            [one] if is_plain_id(one.trim()) => one.trim().to_string(),
            _ => {
                log(
                    LogLevel::Info,
                    &format!("recgate: malformed or repeated {impersonation} header"),
                );
                self.actor = sub;
                return self.refuse(400, Reason::InvalidRequest, "");
            }
        };
        self.actor = sub;
        self.principal = principal;
        let claims = TokenClaims {
            subject: &self.actor,
            session: sid.as_deref(),
            issued_at: iat,
        };
        if let Err(reason) = policy.check_token(&claims, &self.principal, self.now) {
            return self.refuse(401, reason, "");
        }
        for (name, _) in &headers {
            if name.to_ascii_lowercase().starts_with("x-recgate-") {
                self.set_http_request_header(name, None);
            }
        }
        let param = |name: &str| matched.params.get(name).cloned().unwrap_or_default();
        match matched.route.action.clone() {
            Action::Decide {
                permission,
                resource,
            } => {
                let id = match resource.id.as_str() {
                    "$principal" => self.principal.clone(),
                    other => match other.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(p) => param(p),
                        None => other.to_string(),
                    },
                };
                let res = match resource.kind.as_str() {
                    "queue" => Resource::Queue(Named { id: id.clone() }),
                    "user" => Resource::User(Named { id: id.clone() }),
                    "role" => Resource::Role(Named { id: id.clone() }),
                    _ => Resource::Schedule(Named { id: id.clone() }),
                };
                let value = json!({ "type": resource.kind, "id": id });
                self.enforce(&permission, &res, value, None)
            }
            Action::List {
                entities,
                recording,
            } => {
                // The principal must be able to decide at all (exists, enabled, may be impersonated).
                if let Some(reason) = policy
                    .subject(&self.principal, Some(&self.actor), self.now)
                    .refusal()
                {
                    return self.refuse(403, reason, "");
                }
                match (entities, recording) {
                    (ListKind::Annotations, Some(p)) => self.fetch(Waiting::Recording {
                        action: Action::List {
                            entities,
                            recording: None,
                        },
                        id: param(&p),
                    }),
                    _ => {
                        self.filter = Filter::List(entities, None);
                        self.mark_list();
                        Flow::Continue
                    }
                }
            }
            Action::OnAnnotation {
                permission,
                annotation,
            } => {
                let perm = Perm::parse(&permission).unwrap_or(Perm::ANNOTATION_VIEW);
                self.fetch(Waiting::Annotation {
                    permission: perm,
                    id: param(&annotation),
                })
            }
            action @ (Action::ViewRecording { .. }
            | Action::DeleteRecording { .. }
            | Action::OnRecording { .. }
            | Action::AddAnnotation { .. }) => {
                let id = match &action {
                    Action::ViewRecording { recording }
                    | Action::DeleteRecording { recording }
                    | Action::OnRecording { recording, .. }
                    | Action::AddAnnotation { recording } => param(recording),
                    _ => String::new(),
                };
                self.fetch(Waiting::Recording { action, id })
            }
        }
    }

    /// Decides and enforces: forward with the decision's headers, or answer.
    fn enforce(
        &mut self,
        permission: &str,
        res: &Resource,
        value: Value,
        hidden_if_denied: Option<&Recording>,
    ) -> Flow {
        let Some(policy) = self.policy.clone() else {
            return self.reply(503, Reason::ResourceUnavailable.as_str(), &new_id());
        };
        let subject = policy.subject(&self.principal, Some(&self.actor), self.now);
        let d = subject.decide(permission, res, self.now);
        let id = new_id();
        let go = self.record(&id, permission, &value, d.allow, d.reason);
        if !go {
            let hidden = hidden_if_denied.is_some_and(|rec| {
                subject.visibility(rec, self.now) == RecordingVisibility::Hidden
            });
            return if hidden {
                self.reply(404, "not_found", &id)
            } else {
                self.reply(403, d.reason.as_str(), &id)
            };
        }
        self.set_http_request_header("x-recgate-decision", Some(&id));
        self.set_http_request_header("x-recgate-revision", Some(policy.revision()));
        self.set_http_request_header("x-recgate-principal", Some(&self.principal.clone()));
        for o in obligation_list(&d.obligations) {
            match o {
                Obligation::Redact => self.set_http_request_header("x-recgate-redact", Some("1")),
                Obligation::Cascade { ids } => {
                    self.set_http_request_header("x-recgate-cascade", Some(&ids.join(",")))
                }
            }
        }
        if d.allow
            && matches!(
                Perm::parse(permission),
                Some(Perm::RECORDING_DELETE | Perm::SCREEN_DELETE)
            )
        {
            if let Some(rec_id) = res.recording().map(|r| r.id.clone()) {
                self.forget(&rec_id);
            }
        }
        self.decision = Some((id, policy.revision().to_string()));
        Flow::Continue
    }

    /// A list request goes upstream with a decision id too: its entities are
    /// decided one by one on the way back, but nothing reaches the API undecided.
    fn mark_list(&mut self) {
        let id = new_id();
        let revision = self.revision();
        self.set_http_request_header("x-recgate-decision", Some(&id));
        self.set_http_request_header("x-recgate-revision", Some(&revision));
        let principal = self.principal.clone();
        self.set_http_request_header("x-recgate-principal", Some(&principal));
        self.decision = Some((id, revision));
    }

    fn cache_key(kind: &str, id: &str) -> String {
        format!("recgate.attributes.{kind}.{id}")
    }

    fn forget(&self, recording: &str) {
        let _ = self.set_shared_data(&Self::cache_key("recording", recording), Some(b""), None);
    }

    fn fetch(&mut self, waiting: Waiting) -> Flow {
        let (kind, id, template) = match &waiting {
            Waiting::Recording { id, .. } => (
                "recording",
                id.clone(),
                self.config.attributes.recording_path.clone(),
            ),
            Waiting::Annotation { id, .. } => (
                "annotation",
                id.clone(),
                self.config.attributes.annotation_path.clone(),
            ),
            Waiting::Nothing => return Flow::Continue,
        };
        self.waiting = waiting;
        if let (Some(cached), _) = self.get_shared_data(&Self::cache_key(kind, &id)) {
            if let Some(body) = fresh(&cached, self.now) {
                return self.with_attributes(body);
            }
        }
        let path = template.replace("{id}", &percent_encode(&id));
        let a = &self.config.attributes;
        let sent = self.dispatch_http_call(
            &a.cluster,
            vec![
                (":method", "GET"),
                (":path", &path),
                (":authority", &a.authority),
            ],
            None,
            vec![],
            Duration::from_millis(a.timeout_ms),
        );
        match sent {
            Ok(_) => Flow::Pause,
            Err(e) => {
                log(
                    LogLevel::Error,
                    &format!("recgate: attributes service unreachable: {e:?}"),
                );
                self.refuse(503, Reason::ResourceUnavailable, "")
            }
        }
    }

    fn with_attributes(&mut self, body: &[u8]) -> Flow {
        match std::mem::replace(&mut self.waiting, Waiting::Nothing) {
            Waiting::Nothing => Flow::Continue,
            Waiting::Annotation { permission, .. } => {
                let Ok(ann) = serde_json::from_slice::<Annotation>(body) else {
                    return self.refuse(503, Reason::ResourceUnavailable, permission.name());
                };
                let mut value = self.logged(body);
                set_type(&mut value, "annotation");
                let rec = ann.recording.clone();
                self.enforce(
                    permission.name(),
                    &Resource::Annotation(ann),
                    value,
                    Some(&rec),
                )
            }
            Waiting::Recording { action, .. } => {
                let Ok(rec) = serde_json::from_slice::<Recording>(body) else {
                    return self.refuse(503, Reason::ResourceUnavailable, "");
                };
                let mut value = self.logged(body);
                set_type(&mut value, "recording");
                let screen = rec.is_screen();
                match action {
                    Action::List { .. } => {
                        self.filter = Filter::List(ListKind::Annotations, Some(Box::new(rec)));
                        self.mark_list();
                        Flow::Continue
                    }
                    Action::AddAnnotation { .. } => {
                        let ann = Annotation {
                            id: "new".into(),
                            author: Some(self.principal.clone()),
                            visibility: Shown::Public,
                            recording: rec.clone(),
                        };
                        let v = json!({ "type": "annotation", "id": "new", "author": self.principal, "visibility": "public", "recording": value });
                        self.enforce(
                            Perm::ANNOTATION_ADD.name(),
                            &Resource::Annotation(ann),
                            v,
                            Some(&rec),
                        )
                    }
                    Action::ViewRecording { .. } => {
                        let Some(policy) = self.policy.clone() else {
                            return self.refuse(503, Reason::ResourceUnavailable, "");
                        };
                        let view = if screen {
                            Perm::SCREEN_VIEW
                        } else {
                            Perm::RECORDING_VIEW
                        };
                        let metadata_only = policy
                            .subject(&self.principal, Some(&self.actor), self.now)
                            .visibility(&rec, self.now)
                            == RecordingVisibility::Metadata;
                        if metadata_only {
                            // Metadata without media: decided as metadata view, media fields removed.
                            self.filter = Filter::MediaFields;
                            self.enforce(
                                Perm::METADATA_VIEW.name(),
                                &Resource::Recording(rec.clone()),
                                value,
                                Some(&rec),
                            )
                        } else {
                            self.enforce(
                                view.name(),
                                &Resource::Recording(rec.clone()),
                                value,
                                Some(&rec),
                            )
                        }
                    }
                    Action::DeleteRecording { .. } => {
                        let perm = if screen {
                            Perm::SCREEN_DELETE
                        } else {
                            Perm::RECORDING_DELETE
                        };
                        self.enforce(
                            perm.name(),
                            &Resource::Recording(rec.clone()),
                            value,
                            Some(&rec),
                        )
                    }
                    Action::OnRecording { permission, .. } => self.enforce(
                        &permission,
                        &Resource::Recording(rec.clone()),
                        value,
                        Some(&rec),
                    ),
                    Action::Decide { .. } | Action::OnAnnotation { .. } => {
                        self.refuse(503, Reason::ResourceUnavailable, "")
                    }
                }
            }
        }
    }
}

impl Context for Gate {
    fn on_http_call_response(
        &mut self,
        _token: u32,
        _headers: usize,
        body_size: usize,
        _trailers: usize,
    ) {
        let status = self.get_http_call_response_header(":status");
        let flow = match status.as_deref() {
            Some("200") => {
                let body = self
                    .get_http_call_response_body(0, body_size)
                    .unwrap_or_default();
                let key = match &self.waiting {
                    Waiting::Recording { id, .. } => Some(Self::cache_key("recording", id)),
                    Waiting::Annotation { id, .. } => Some(Self::cache_key("annotation", id)),
                    Waiting::Nothing => None,
                };
                if let Some(key) = key {
                    let expires = self.now.0.saturating_add(
                        i64::try_from(self.config.attributes.cache_ttl_seconds)
                            .unwrap_or(0)
                            .saturating_mul(1000),
                    );
                    let mut entry = format!("{expires}\n").into_bytes();
                    entry.extend_from_slice(&body);
                    let _ = self.set_shared_data(&key, Some(&entry), None);
                }
                self.with_attributes(&body)
            }
            Some("404") => {
                self.waiting = Waiting::Nothing;
                let id = new_id();
                if self.record(&id, "", &Value::Null, false, Reason::UnknownResource) {
                    Flow::Continue
                } else {
                    self.reply(404, "not_found", &id)
                }
            }
            other => {
                log(
                    LogLevel::Error,
                    &format!("recgate: attributes service answered {other:?}"),
                );
                self.waiting = Waiting::Nothing;
                self.refuse(503, Reason::ResourceUnavailable, "")
            }
        };
        if flow == Flow::Continue {
            self.resume_http_request();
        }
    }
}

impl HttpContext for Gate {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Flow {
        self.start()
    }

    fn on_http_response_headers(&mut self, _headers: usize, end_of_stream: bool) -> Flow {
        if let Some((id, rev)) = &self.decision {
            self.set_http_response_header("x-recgate-decision", Some(id));
            self.set_http_response_header("x-recgate-revision", Some(rev));
        }
        let filtering = !matches!(self.filter, Filter::None) && self.config.mode == Mode::Enforce;
        if !filtering {
            return Flow::Continue;
        }
        if self.get_http_response_header(":status").as_deref() != Some("200") {
            // Error bodies carry no entities.
            self.filter = Filter::None;
            return Flow::Continue;
        }
        let declared = self
            .get_http_response_header("content-length")
            .and_then(|l| l.trim().parse::<usize>().ok());
        if end_of_stream || declared.is_some_and(|l| l > self.config.list_filter.max_body_bytes) {
            // Nothing to filter, or too much: refused before anything reaches the client.
            self.filter = Filter::None;
            self.count("recgate.lists.unfilterable");
            log(
                LogLevel::Error,
                "recgate: a response that cannot be filtered (empty or over the cap) was refused",
            );
            let body =
                json!({ "reason": "list_unfilterable", "revision": self.revision() }).to_string();
            self.send_http_response(
                502,
                vec![("content-type", "application/json")],
                Some(body.as_bytes()),
            );
            return Flow::Pause;
        }
        // The headers go on (proxy-wasm cannot hold them while it reads the
        // body); the body is held until it is complete and filtered.
        self.set_http_response_header("content-length", None);
        Flow::Continue
    }

    fn on_http_response_body(&mut self, body_size: usize, end_of_stream: bool) -> Flow {
        let filter = std::mem::replace(&mut self.filter, Filter::None);
        if matches!(filter, Filter::None) {
            return Flow::Continue;
        }
        if !end_of_stream {
            self.filter = filter;
            return Flow::Pause;
        }
        let body = self
            .get_http_response_body(0, body_size)
            .unwrap_or_default();
        let max = self.config.list_filter.max_body_bytes;
        let media = self.config.list_filter.media_fields.clone();
        let result = match &filter {
            Filter::List(kind, rec) => match self.policy.clone() {
                Some(policy) => {
                    let subject = policy.subject(&self.principal, Some(&self.actor), self.now);
                    let now = self.now;
                    filter_list(&body, max, &media, |e| {
                        judge(&subject, now, *kind, rec.as_deref(), e)
                    })
                    .map(|(out, _, _)| out)
                }
                None => Err(crate::listing::Unfilterable::NotAList(
                    "no policy to filter with".into(),
                )),
            },
            Filter::MediaFields => strip_media(&body, max, &media),
            Filter::None => Ok(body.clone()),
        };
        match result {
            Ok(out) => {
                self.set_http_response_body(0, body_size, &out);
                Flow::Continue
            }
            Err(e) => {
                // The headers are on their way: the only refusal left is to reset
                // the stream, so nothing unfiltered reaches the client.
                log(
                    LogLevel::Error,
                    &format!("recgate: a response could not be filtered, stream reset: {e:?}"),
                );
                self.count("recgate.lists.unfilterable");
                self.reset_http_response();
                Flow::Pause
            }
        }
    }
}

/// Decides one entity of a list response for the request's principal (the
/// subject is resolved once per response, not per entity).
fn judge(
    subject: &Subject<'_>,
    now: Timestamp,
    kind: ListKind,
    recording: Option<&Recording>,
    entity: &Value,
) -> Keep {
    match kind {
        ListKind::Recordings => match recording_of(entity) {
            Some(rec) => match subject.visibility(&rec, now) {
                RecordingVisibility::Media => Keep::Whole,
                RecordingVisibility::Metadata => Keep::Metadata,
                RecordingVisibility::Hidden => Keep::Drop,
            },
            None => Keep::Drop,
        },
        ListKind::Metadata => match recording_of(entity) {
            Some(rec) => {
                let res = Resource::Recording(rec);
                if subject.decide_perm(Perm::METADATA_VIEW, &res, now).allow {
                    Keep::Whole
                } else {
                    Keep::Drop
                }
            }
            None => Keep::Drop,
        },
        ListKind::Queues => match entity.get("id").and_then(Value::as_str) {
            Some(id) => {
                let res = Resource::Queue(Named { id: id.to_string() });
                if subject.decide_perm(Perm::QUEUE_VIEW, &res, now).allow {
                    Keep::Whole
                } else {
                    Keep::Drop
                }
            }
            None => Keep::Drop,
        },
        ListKind::Annotations => {
            let (Some(rec), Some(id)) = (recording, entity.get("id").and_then(Value::as_str))
            else {
                return Keep::Drop;
            };
            let visibility = match entity.get("visibility").and_then(Value::as_str) {
                Some("private") => Shown::Private,
                _ => Shown::Public,
            };
            let author = entity
                .get("author")
                .and_then(Value::as_str)
                .map(str::to_string);
            let res = Resource::Annotation(Annotation {
                id: id.to_string(),
                author,
                visibility,
                recording: rec.clone(),
            });
            if subject.decide_perm(Perm::ANNOTATION_VIEW, &res, now).allow {
                Keep::Whole
            } else {
                Keep::Drop
            }
        }
    }
}

/// A single recording shown as metadata only: its media fields removed.
fn strip_media(
    body: &[u8],
    max: usize,
    media: &[String],
) -> Result<Vec<u8>, crate::listing::Unfilterable> {
    use crate::listing::Unfilterable;
    if body.len() > max {
        return Err(Unfilterable::TooLarge(body.len()));
    }
    let mut v: Value =
        serde_json::from_slice(body).map_err(|e| Unfilterable::NotAList(e.to_string()))?;
    let o = v
        .as_object_mut()
        .ok_or_else(|| Unfilterable::NotAList("not a JSON object".into()))?;
    for f in media {
        o.remove(f);
    }
    Ok(v.to_string().into_bytes())
}

/// Marks an attributes document with its resource type.
fn set_type(value: &mut Value, kind: &str) {
    if let Some(o) = value.as_object_mut() {
        o.insert("type".into(), json!(kind));
    }
}

/// A fresh 128-bit decision id from WASI's random source.
fn new_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Ids must still differ per request: fall back to a counter-free but distinct mark.
        return String::from("unavailable");
    }
    decision_id(bytes)
}

/// An attributes cache entry (`<expiry ms>\n<body>`) still fresh at `now`.
fn fresh(entry: &[u8], now: Timestamp) -> Option<&[u8]> {
    let nl = entry.iter().position(|b| *b == b'\n')?;
    let expiry: i64 = std::str::from_utf8(entry.get(..nl)?).ok()?.parse().ok()?;
    let body = entry.get(nl + 1..)?;
    (now.0 < expiry && !body.is_empty()).then_some(body)
}

/// A JSON number claim as Envoy hands it out: 8 bytes of a little-endian
/// double, or decimal text.
fn number(bytes: &[u8]) -> Option<i64> {
    if let Ok(arr) = <[u8; 8]>::try_from(bytes) {
        let f = f64::from_le_bytes(arr);
        if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
            return Some(f as i64);
        }
    }
    std::str::from_utf8(bytes)
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(|f| f as i64)
}

/// Headers some frameworks read to change the HTTP method.
fn is_method_override(name: &str) -> bool {
    [
        "x-http-method-override",
        "x-http-method",
        "x-method-override",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

/// A user id as a header may carry it: printable, no spaces or separators.
fn is_plain_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@'))
}

fn percent_encode(s: &str) -> String {
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
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn claims_and_ids() {
        assert_eq!(number(&1_700_000_000f64.to_le_bytes()), Some(1_700_000_000));
        assert_eq!(number(b"1700000000"), Some(1_700_000_000));
        assert_eq!(number(b"soon"), None);
        assert!(is_plain_id("b-em-1"));
        for bad in ["", "a b", "a,b", "a;b", "a\u{7f}"] {
            assert!(!is_plain_id(bad), "{bad:?}");
        }
        assert_eq!(percent_encode("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn cache_entries_expire() {
        assert_eq!(fresh(b"100\n{}", Timestamp(99)), Some(&b"{}"[..]));
        assert_eq!(fresh(b"100\n{}", Timestamp(100)), None);
        assert_eq!(fresh(b"100\n", Timestamp(1)), None);
        assert_eq!(fresh(b"garbage", Timestamp(1)), None);
    }
}
