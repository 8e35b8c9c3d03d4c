//! What the core says about one routed request: the translation of each
//! route's action into the core's whole operations (`recgate_core::enforce`,
//! `recgate_core::bulk`) on the facts gathered and the body read, and the
//! verdict — the facts still needed, a refusal (with the status and the
//! reason word the client sees), or a forward (with the obligations, the
//! response rewrite and the cache entries a write makes stale). No host
//! state: [`crate::http`] owns the request and carries the verdict out.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use proxy_wasm::types::LogLevel;
use recgate_core::bulk::{BulkAction, BulkScope};
use recgate_core::enforce::{
    obligations_of, AnnotationAction, ConversationFacts, Keep, RecordingAction, RecordingFacts,
    Ruling,
};
use recgate_core::request::Named;
use recgate_core::{
    Obligation, Perm, Policy, Reason, RecordingVisibility, Request, RequestError, Resource,
    Timestamp,
};
use serde_json::{json, Value};

use crate::attributes::{Answer, FactsKey, FactsMemo, Parsed};
use crate::bodies;
use crate::host::log;
use crate::judging::Rewrite;
use crate::respond;
use crate::routes::{Action, AnnotationVerb, ListKind, RecordingVerb};

mod monitoring;

/// A refusal, as decided.
pub(crate) struct Refusal {
    pub(crate) status: u32,
    /// The reason word in the body (`not_found` for hidden resources).
    pub(crate) word: String,
    pub(crate) reason: Reason,
    pub(crate) permission: &'static str,
    pub(crate) request: Option<Request>,
    pub(crate) extra: Option<Value>,
}

/// What deciding found.
pub(crate) enum Verdict {
    /// These facts are needed first.
    Need(Vec<FactsKey>),
    /// Refused.
    Refuse(Refusal),
    /// Allowed: forward.
    Forward {
        permission: &'static str,
        request: Option<Request>,
        obligations: Vec<Obligation>,
        extra_headers: Vec<(&'static str, String)>,
        rewrite: Rewrite,
        stale: Vec<FactsKey>,
    },
}

/// The route as matched, owned.
pub(crate) struct Routed {
    pub(crate) action: Action,
    pub(crate) params: BTreeMap<String, String>,
    pub(crate) query: Vec<(String, String)>,
}

impl Routed {
    pub(crate) fn param(&self, name: &str) -> String {
        self.params.get(name).cloned().unwrap_or_default()
    }
    /// A boolean query flag the decision depends on: `Ok(None)` when absent;
    /// given twice, or with a value other than `true`/`false`, it is `Err`
    /// (servers read `1`, `yes`, `on` as true, and differ on which of two counts).
    pub(crate) fn flag(&self, name: &str) -> Result<Option<bool>, ()> {
        let given: Vec<&str> = self
            .query
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        match given.as_slice() {
            [] => Ok(None),
            [v] if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            [v] if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            _ => Err(()),
        }
    }
}

/// One request as the decision sees it.
pub(crate) struct Ask<'a> {
    /// The active policy.
    pub policy: &'a Policy,
    /// The route matched.
    pub routed: &'a Routed,
    /// The facts gathered so far.
    pub answers: &'a BTreeMap<FactsKey, Answer>,
    /// The CAS numbers of the cache entries answers were read from.
    pub numbers: &'a BTreeMap<FactsKey, u32>,
    /// The VM's parsed conversation facts.
    pub memo: Option<&'a RefCell<FactsMemo>>,
    /// The request body read (empty on routes that read none).
    pub body: &'a [u8],
    /// The method, upper case.
    pub method: &'a str,
    /// Who authenticated.
    pub actor: &'a str,
    /// On whose behalf.
    pub principal: &'a str,
    /// Decision time.
    pub now: Timestamp,
    /// Most items one request may name.
    pub max_items: usize,
}

impl Ask<'_> {
    pub(crate) fn core_request(&self, permission: Perm, resource: Resource) -> Request {
        Request {
            principal: self.principal.to_string(),
            actor: (self.actor != self.principal).then(|| self.actor.to_string()),
            permission: permission.name().to_string(),
            resource,
            now: self.now,
        }
    }

    fn facts(&self, key: &FactsKey) -> Result<&str, Reason> {
        match self.answers.get(key) {
            Some(Answer::Found(body)) => Ok(body),
            Some(Answer::NotFound) => Err(Reason::UnknownResource),
            _ => Err(Reason::ResourceUnavailable),
        }
    }

    /// The facts under `key`, read by `read` and checked by `names_it` (an
    /// answer about another resource is not this one's: not found), or the
    /// refusal to answer without them.
    pub(crate) fn read_facts<T>(
        &self,
        key: FactsKey,
        what: &str,
        read: impl FnOnce(&str) -> Result<T, RequestError>,
        names_it: impl FnOnce(&T) -> bool,
    ) -> Result<T, Box<Verdict>> {
        if !self.answers.contains_key(&key) {
            return Err(Box::new(Verdict::Need(vec![key])));
        }
        let body = self
            .facts(&key)
            .map_err(|reason| Box::new(self.missing(reason)))?;
        match read(body) {
            Ok(f) if names_it(&f) => Ok(f),
            Ok(_) => Err(Box::new(self.missing(Reason::UnknownResource))),
            Err(e) => {
                log(
                    LogLevel::Error,
                    &format!("recgate: unreadable {what} facts: {}", e.message),
                );
                Err(Box::new(self.missing(Reason::ResourceUnavailable)))
            }
        }
    }

    /// One recording's facts, or the refusal to answer without them: parsed
    /// only when the cache entry they come from was not parsed before
    /// (attributes.rs, `FactsMemo`).
    pub(crate) fn recording_facts(&self, c: &str, r: &str) -> Result<RecordingFacts, Box<Verdict>> {
        let key = FactsKey::Recording(c.to_string(), r.to_string());
        if let Some(Answer::Parsed(Parsed::Recording(f))) = self.answers.get(&key) {
            return Ok(RecordingFacts::clone(f));
        }
        let number = self.numbers.get(&key).copied();
        // A recording that says it is in another conversation is not in this one.
        let f = self.read_facts(key.clone(), "recording", RecordingFacts::from_json, |f| {
            f.recording.id == r
                && f.recording
                    .conversation_id
                    .as_deref()
                    .map_or(true, |x| x == c)
        })?;
        self.remember(&key, number, || Parsed::Recording(Rc::new(f.clone())));
        Ok(f)
    }

    /// A conversation's facts: parsed only when the cache entry they come
    /// from was not parsed before (attributes.rs, `FactsMemo`).
    fn conversation_facts(&self, c: &str) -> Result<Rc<ConversationFacts>, Box<Verdict>> {
        let key = FactsKey::Conversation(c.to_string());
        if let Some(Answer::Parsed(Parsed::Conversation(f))) = self.answers.get(&key) {
            return Ok(Rc::clone(f));
        }
        let number = self.numbers.get(&key).copied();
        let f = Rc::new(self.read_facts(
            key.clone(),
            "conversation",
            ConversationFacts::from_json,
            |f| f.conversation_id == c,
        )?);
        self.remember(&key, number, || Parsed::Conversation(Rc::clone(&f)));
        Ok(f)
    }

    /// Keeps facts parsed from the cache entry numbered `number` (none: they
    /// did not come from the cache).
    fn remember(&self, key: &FactsKey, number: Option<u32>, parsed: impl FnOnce() -> Parsed) {
        if let (Some(n), Some(memo)) = (number, self.memo) {
            if let Ok(mut memo) = memo.try_borrow_mut() {
                memo.put(key, n, parsed());
            }
        }
    }

    fn missing(&self, reason: Reason) -> Verdict {
        let status = if reason == Reason::UnknownResource {
            404
        } else {
            503
        };
        Verdict::Refuse(Refusal {
            status,
            word: if status == 404 {
                "not_found".into()
            } else {
                reason.as_str().into()
            },
            reason,
            permission: "",
            request: None,
            extra: None,
        })
    }

    fn ruled(
        &self,
        ruling: &Ruling,
        resource: Resource,
        rewrite: Rewrite,
        stale: Vec<FactsKey>,
    ) -> Verdict {
        let request = Some(self.core_request(ruling.permission, resource));
        if ruling.allowed() {
            return Verdict::Forward {
                permission: ruling.permission.name(),
                request,
                obligations: obligations_of(ruling).to_vec(),
                extra_headers: Vec::new(),
                rewrite,
                stale,
            };
        }
        let (status, word) = if ruling.hidden {
            (404, "not_found".to_string())
        } else {
            (
                respond::status_for(ruling.decision.reason),
                ruling.decision.reason.as_str().to_string(),
            )
        };
        Verdict::Refuse(Refusal {
            status,
            word,
            reason: ruling.decision.reason,
            permission: ruling.permission.name(),
            request,
            extra: None,
        })
    }

    fn session_refused(&self) -> Option<Verdict> {
        let policy = self.policy;
        let reason = policy
            .subject(self.principal, Some(self.actor), self.now)
            .refusal()?;
        Some(Verdict::Refuse(Refusal {
            status: 403,
            word: reason.as_str().into(),
            reason,
            permission: "",
            request: None,
            extra: None,
        }))
    }

    fn body_refused(&self, why: &bodies::BadBody) -> Verdict {
        log(LogLevel::Info, &format!("recgate: refused body: {}", why.0));
        Verdict::Refuse(Refusal {
            status: 400,
            word: Reason::InvalidRequest.as_str().into(),
            reason: Reason::InvalidRequest,
            permission: "",
            request: None,
            extra: None,
        })
    }

    fn forward_plain(
        &self,
        permission: &'static str,
        request: Option<Request>,
        rewrite: Rewrite,
    ) -> Verdict {
        Verdict::Forward {
            permission,
            request,
            obligations: Vec::new(),
            extra_headers: Vec::new(),
            rewrite,
            stale: Vec::new(),
        }
    }

    /// The decision for the routed request with the facts at hand.
    pub(crate) fn decide(&self) -> Verdict {
        let (policy, routed) = (self.policy, self.routed);
        let max_items = self.max_items;
        let subject = policy.subject(self.principal, Some(self.actor), self.now);
        let now = self.now;
        let p = |name: &str| routed.param(name);
        let writes = self.method != "GET";
        macro_rules! facts {
            ($e:expr) => {
                match $e {
                    Ok(f) => f,
                    Err(v) => return *v,
                }
            };
        }
        macro_rules! body {
            ($e:expr) => {
                match $e {
                    Ok(b) => b,
                    Err(why) => return self.body_refused(&why),
                }
            };
        }
        let stale = |c: &str, r: &str| {
            if writes {
                FactsKey::Recording(c.into(), r.into()).stale_after_change()
            } else {
                Vec::new()
            }
        };
        match &routed.action {
            Action::Decide {
                permission,
                resource,
            } => {
                let id = match resource.id.as_str() {
                    "$principal" => self.principal.to_string(),
                    other => match other.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => p(name),
                        None => other.to_string(),
                    },
                };
                let res = match resource.kind.as_str() {
                    "queue" => Resource::Queue(Named { id }),
                    "user" => Resource::User(Named { id }),
                    "role" => Resource::Role(Named { id }),
                    _ => Resource::Schedule(Named { id }),
                };
                let Some(perm) = Perm::parse(permission) else {
                    return self.missing(Reason::ResourceUnavailable);
                };
                let d = subject.decide_perm(perm, &res, now).record(None);
                let ruling = Ruling {
                    permission: perm,
                    decision: d,
                    hidden: false,
                };
                self.ruled(&ruling, res, Rewrite::None, Vec::new())
            }
            Action::OpenRecording {
                conversation,
                recording,
                download,
            } => {
                let (c, r) = (p(conversation), p(recording));
                let f = facts!(self.recording_facts(&c, &r));
                let opening = subject.open(&f.recording, *download, now);
                let res = Resource::Recording(f.recording.clone());
                let metadata_only = opening.visibility == RecordingVisibility::Metadata;
                self.ruled(
                    &opening.ruling,
                    res,
                    Rewrite::Recording {
                        facts: Box::new(f),
                        metadata_only,
                    },
                    Vec::new(),
                )
            }
            Action::RecordingMetadata {
                conversation,
                recording,
            } => {
                let f = facts!(self.recording_facts(&p(conversation), &p(recording)));
                let ruling = subject.read_metadata(&f.recording, now);
                let res = Resource::Recording(f.recording.clone());
                self.ruled(
                    &ruling,
                    res,
                    Rewrite::Nested {
                        facts: Box::new(f),
                        metadata: true,
                    },
                    Vec::new(),
                )
            }
            Action::Recording {
                verb,
                conversation,
                recording,
            } => {
                let (c, r) = (p(conversation), p(recording));
                let f = facts!(self.recording_facts(&c, &r));
                let action = match verb {
                    RecordingVerb::Delete => RecordingAction::Delete,
                    RecordingVerb::EditRetention => RecordingAction::EditRetention,
                    RecordingVerb::Restore => RecordingAction::Restore,
                    RecordingVerb::ProtectionApply => RecordingAction::ProtectionApply,
                    RecordingVerb::ProtectionRevoke => RecordingAction::ProtectionRevoke,
                    RecordingVerb::Transcript => RecordingAction::Transcript,
                };
                let ruling = subject.act(action, &f.recording, now);
                self.ruled(
                    &ruling,
                    Resource::Recording(f.recording),
                    Rewrite::None,
                    stale(&c, &r),
                )
            }
            Action::UpdateRecording {
                conversation,
                recording,
            } => {
                let (c, r) = (p(conversation), p(recording));
                let update = body!(bodies::recording_update(self.body, &c, &r));
                let f = facts!(self.recording_facts(&c, &r));
                // deleteDate deletes, archiveDate edits retention, exportDate exports (downloads);
                // a body naming none of them is a retention edit.
                let mut actions = Vec::new();
                if update.delete_date {
                    actions.push(RecordingAction::Delete);
                }
                if update.archive_date {
                    actions.push(RecordingAction::EditRetention);
                }
                if update.export_date {
                    actions.push(RecordingAction::Download);
                }
                // clearExport=true clears a pending export: a retention edit too.
                let Ok(clear_export) = routed.flag("clearExport") else {
                    return self.body_refused(&bodies::BadBody(
                        "clearExport is neither true nor false".into(),
                    ));
                };
                if actions.is_empty() || clear_export == Some(true) {
                    actions.push(RecordingAction::EditRetention);
                }
                let mut obligations = Vec::new();
                let mut last = None;
                for a in actions {
                    let ruling = subject.act(a, &f.recording, now);
                    if !ruling.allowed() {
                        return self.ruled(
                            &ruling,
                            Resource::Recording(f.recording.clone()),
                            Rewrite::None,
                            Vec::new(),
                        );
                    }
                    obligations.extend(obligations_of(&ruling).iter().cloned());
                    last = Some(ruling);
                }
                let Some(ruling) = last else {
                    return self.missing(Reason::ResourceUnavailable);
                };
                let visibility = subject.open(&f.recording, false, now).visibility;
                let request = Some(
                    self.core_request(ruling.permission, Resource::Recording(f.recording.clone())),
                );
                Verdict::Forward {
                    permission: ruling.permission.name(),
                    request,
                    obligations,
                    extra_headers: Vec::new(),
                    rewrite: Rewrite::Recording {
                        facts: Box::new(f),
                        metadata_only: visibility != RecordingVisibility::Media,
                    },
                    stale: stale(&c, &r),
                }
            }
            Action::Annotation {
                verb,
                conversation,
                recording,
                annotation,
            } => {
                let (c, r, a) = (p(conversation), p(recording), p(annotation));
                if *verb == AnnotationVerb::Edit {
                    body!(bodies::annotation(self.body, self.principal, Some(&a)));
                }
                let f = facts!(self.recording_facts(&c, &r));
                let Some(ann) = f.annotation(&a).cloned() else {
                    if *verb == AnnotationVerb::Edit {
                        // The API's PUT creates an annotation that does not exist yet.
                        let ruling = subject.add_annotation(self.principal, &f.recording, now);
                        let res =
                            Resource::Annotation(recgate_core::enforce::annotation_to_create(
                                self.principal,
                                &f.recording,
                            ));
                        return self.ruled(&ruling, res, Rewrite::None, stale(&c, &r));
                    }
                    return self.missing(Reason::UnknownResource);
                };
                let action = match verb {
                    AnnotationVerb::View => AnnotationAction::View,
                    AnnotationVerb::Edit => AnnotationAction::Edit,
                    AnnotationVerb::Delete => AnnotationAction::Delete,
                };
                let ruling = subject.on_annotation(action, &ann, now);
                let rewrite = if *verb == AnnotationVerb::View {
                    Rewrite::Nested {
                        facts: Box::new(f),
                        metadata: false,
                    }
                } else {
                    Rewrite::None
                };
                self.ruled(&ruling, Resource::Annotation(ann), rewrite, stale(&c, &r))
            }
            Action::AddAnnotation {
                conversation,
                recording,
            } => {
                let (c, r) = (p(conversation), p(recording));
                body!(bodies::annotation(self.body, self.principal, None));
                let f = facts!(self.recording_facts(&c, &r));
                let ruling = subject.add_annotation(self.principal, &f.recording, now);
                let res = Resource::Annotation(recgate_core::enforce::annotation_to_create(
                    self.principal,
                    &f.recording,
                ));
                self.ruled(&ruling, res, Rewrite::None, stale(&c, &r))
            }
            Action::List {
                entities,
                conversation,
                recording,
                download,
            } => {
                if let Some(v) = self.session_refused() {
                    return v;
                }
                let c = conversation.as_deref().map(p).unwrap_or_default();
                match entities {
                    ListKind::Queues => self.forward_plain("", None, Rewrite::Queues),
                    ListKind::ScreenMonitoringSessions => {
                        self.forward_plain("", None, Rewrite::ScreenMonitoringSessions)
                    }
                    ListKind::Recordings | ListKind::Metadata => {
                        let f = facts!(self.conversation_facts(&c));
                        let rewrite = if *entities == ListKind::Recordings {
                            // Every recording decided once: for the redact header, and for the body.
                            let decided: Rc<[Keep]> = f
                                .recordings
                                .iter()
                                .map(|r| subject.keep_recording(Some(&r.recording), *download, now))
                                .collect();
                            let redact: Vec<String> = f
                                .recordings
                                .iter()
                                .zip(decided.iter())
                                .filter(|(_, k)| matches!(k, Keep::Media { redact: true }))
                                .map(|(r, _)| r.recording.id.clone())
                                .collect();
                            (
                                Rewrite::Recordings {
                                    facts: f,
                                    download: *download,
                                    decided: Some(decided),
                                },
                                redact,
                            )
                        } else {
                            (Rewrite::MetadataList { facts: f }, Vec::new())
                        };
                        let (rewrite, redact) = rewrite;
                        let mut v = self.forward_plain("", None, rewrite);
                        if let Verdict::Forward { extra_headers, .. } = &mut v {
                            if !redact.is_empty() {
                                extra_headers
                                    .push(("x-recgate-redact-recordings", redact.join(",")));
                            }
                        }
                        v
                    }
                    ListKind::Annotations => {
                        let r = recording.as_deref().map(p).unwrap_or_default();
                        let f = facts!(self.recording_facts(&c, &r));
                        // Listing the annotations of a recording one may not see would confirm it exists.
                        let opening = subject.open(&f.recording, false, now);
                        if opening.visibility == RecordingVisibility::Hidden {
                            return self.ruled(
                                &opening.ruling,
                                Resource::Recording(f.recording),
                                Rewrite::None,
                                Vec::new(),
                            );
                        }
                        self.forward_plain("", None, Rewrite::Annotations { facts: Box::new(f) })
                    }
                }
            }
            Action::DeletionProtection | Action::DeletionProtectionQuery => {
                let ids = body!(bodies::conversation_ids(self.body, max_items));
                let missing: Vec<FactsKey> = ids
                    .iter()
                    .map(|c| FactsKey::Conversation(c.clone()))
                    .filter(|k| !self.answers.contains_key(k))
                    .collect();
                if !missing.is_empty() {
                    return Verdict::Need(missing);
                }
                let Ok(protect) = routed.flag("protect") else {
                    return self.body_refused(&bodies::BadBody(
                        "protect is neither true nor false".into(),
                    ));
                };
                let protect = protect.unwrap_or(true);
                let query = matches!(routed.action, Action::DeletionProtectionQuery);
                let mut refused = Vec::new();
                let mut stale_keys = Vec::new();
                let mut permission = Perm::PROTECTION_APPLY;
                for c in &ids {
                    let f = match self.conversation_facts(c) {
                        Ok(f) => f,
                        Err(v) => match *v {
                            Verdict::Refuse(r) if r.status == 404 => {
                                refused.push(json!({ "conversationId": c, "reason": "not_found" }));
                                continue;
                            }
                            other => return other,
                        },
                    };
                    for rf in &f.recordings {
                        let ruling = if query {
                            subject.read_metadata(&rf.recording, now)
                        } else if protect {
                            subject.act(RecordingAction::ProtectionApply, &rf.recording, now)
                        } else {
                            subject.act(RecordingAction::ProtectionRevoke, &rf.recording, now)
                        };
                        permission = ruling.permission;
                        if !ruling.allowed() {
                            let word = if ruling.hidden {
                                "not_found"
                            } else {
                                ruling.decision.reason.as_str()
                            };
                            refused.push(json!({ "conversationId": c, "recordingId": rf.recording.id, "reason": word }));
                        }
                        if !query {
                            stale_keys.extend(
                                FactsKey::Recording(c.clone(), rf.recording.id.clone())
                                    .stale_after_change(),
                            );
                        }
                    }
                }
                self.batch_verdict(permission, refused, stale_keys)
            }
            Action::BatchDownload => {
                let items = body!(bodies::batch_items(self.body, max_items));
                let missing: Vec<FactsKey> = items
                    .iter()
                    .map(|(c, r)| FactsKey::Recording(c.clone(), r.clone()))
                    .filter(|k| !self.answers.contains_key(k))
                    .collect();
                if !missing.is_empty() {
                    return Verdict::Need(missing);
                }
                let mut refused = Vec::new();
                for (c, r) in &items {
                    let word = match self.recording_facts(c, r) {
                        Ok(f) => {
                            let o = subject.open(&f.recording, true, now);
                            if o.ruling.allowed() {
                                continue;
                            }
                            if o.ruling.hidden {
                                "not_found".to_string()
                            } else {
                                o.ruling.decision.reason.as_str().to_string()
                            }
                        }
                        Err(v) => match *v {
                            Verdict::Refuse(rf) => rf.word,
                            _ => Reason::ResourceUnavailable.as_str().to_string(),
                        },
                    };
                    refused.push(json!({ "conversationId": c, "recordingId": r, "reason": word }));
                }
                self.batch_verdict(Perm::RECORDING_DOWNLOAD, refused, Vec::new())
            }
            Action::BatchResults => {
                if let Some(v) = self.session_refused() {
                    return v;
                }
                self.forward_plain("", None, Rewrite::BatchResults)
            }
            Action::BulkJob => {
                let job = body!(bodies::job_query(self.body));
                self.bulk(Perm::JOB_ADD, Some((job.action, job.scope)))
            }
            Action::Jobs {
                permission,
                unrestricted,
            } => {
                let Some(perm) = Perm::parse(permission) else {
                    return self.missing(Reason::ResourceUnavailable);
                };
                if self.method == "PUT" {
                    body!(bodies::job_state(self.body));
                }
                if !*unrestricted {
                    return self.bulk(perm, None);
                }
                let key = FactsKey::Job(p("jobId"));
                if !self.answers.contains_key(&key) {
                    return Verdict::Need(vec![key]);
                }
                let job = match self.facts(&key) {
                    Ok(text) => match bodies::job_query(text.as_bytes()) {
                        Ok(j) => j,
                        Err(why) => {
                            log(
                                LogLevel::Error,
                                &format!("recgate: unreadable job facts: {}", why.0),
                            );
                            return self.missing(Reason::ResourceUnavailable);
                        }
                    },
                    Err(reason) => return self.missing(reason),
                };
                self.bulk(perm, Some((job.action, job.scope)))
            }
            Action::Monitor { .. }
            | Action::MonitorAgent { .. }
            | Action::ScreenMonitorUsers
            | Action::ScreenMonitorCount => self.decide_monitoring(),
            Action::ScreenSessions => self.bulk(
                Perm::SCREEN_VIEW,
                Some((
                    BulkAction::View,
                    BulkScope {
                        calls: false,
                        screens: true,
                        sensitive: false,
                    },
                )),
            ),
        }
    }

    /// An organisation-level permission on bulk jobs, and being unrestricted for `action`.
    fn bulk(&self, perm: Perm, action: Option<(BulkAction, BulkScope)>) -> Verdict {
        let policy = self.policy;
        let subject = policy.subject(self.principal, Some(self.actor), self.now);
        let jobs = Resource::Schedule(Named {
            id: "recording-jobs".into(),
        });
        let request = Some(self.core_request(perm, jobs.clone()));
        if perm != Perm::SCREEN_VIEW {
            let d = subject.decide_perm(perm, &jobs, self.now).record(None);
            if !d.allow {
                let ruling = Ruling {
                    permission: perm,
                    decision: d,
                    hidden: false,
                };
                return self.ruled(&ruling, jobs, Rewrite::None, Vec::new());
            }
        }
        if let Some((a, scope)) = action {
            if let Err(reason) = policy.bulk(self.principal, Some(self.actor), a, scope, self.now) {
                return Verdict::Refuse(Refusal {
                    status: 403,
                    word: reason.as_str().into(),
                    reason,
                    permission: perm.name(),
                    request,
                    extra: None,
                });
            }
        }
        self.forward_plain(perm.name(), request, Rewrite::None)
    }

    fn batch_verdict(&self, perm: Perm, refused: Vec<Value>, stale: Vec<FactsKey>) -> Verdict {
        if refused.is_empty() {
            return Verdict::Forward {
                permission: perm.name(),
                request: None,
                obligations: Vec::new(),
                extra_headers: Vec::new(),
                rewrite: Rewrite::None,
                stale,
            };
        }
        let word = refused
            .first()
            .and_then(|v| v.get("reason"))
            .and_then(Value::as_str)
            .unwrap_or("not_found")
            .to_string();
        let reason = Reason::parse(&word).unwrap_or(Reason::UnknownResource);
        Verdict::Refuse(Refusal {
            status: 403,
            word,
            reason,
            permission: perm.name(),
            request: None,
            extra: Some(json!({ "refused": refused })),
        })
    }
}
