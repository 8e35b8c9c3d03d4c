//! The route table: how an API request (method, canonical path, query
//! flags) maps to an operation of the core. The default table is the Genesys
//! Cloud Platform API's recording endpoints as the official SDK
//! (`purecloud-platform-client-v2` 262.0.0, `RecordingApi`) calls them, its
//! live-monitoring endpoints (`ConversationsApi`'s participant monitors and
//! `ScreenMonitoringApi`, issue #20), plus the queue and user reads an
//! integration makes beside them; every other
//! endpoint is refused (`route_unknown`). docs/envoy-filter.md has the table
//! with the reason for every endpoint left out, and `tests/envoy/sdk` checks
//! it against the SDK's own source.

use std::collections::BTreeMap;

use recgate_core::Perm;
use serde::Deserialize;

use crate::path::CanonicalPath;

/// An action on one recording (`recording` routes), as the core names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RecordingVerb {
    /// The media's delete permission.
    Delete,
    /// Retention dates.
    EditRetention,
    /// Restore from the archive.
    Restore,
    /// Legal hold on.
    ProtectionApply,
    /// Legal hold off.
    ProtectionRevoke,
    /// Transcript.
    Transcript,
}

/// What an annotation route does to an existing annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AnnotationVerb {
    /// Read it.
    View,
    /// Change it (or create it, when it does not exist: the API's PUT).
    Edit,
    /// Remove it.
    Delete,
}

/// The entities of a list response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ListKind {
    /// A JSON array of `Recording`: kept whole, as metadata only, or removed.
    Recordings,
    /// A JSON array of `RecordingMetadata`: `recording:metadata:view` each.
    Metadata,
    /// A JSON array of `Annotation` of one recording: `recording:annotation:view` each.
    Annotations,
    /// A `QueueEntityListing` (`{"entities": [...]}`): `routing:queue:view` each.
    Queues,
    /// A `ScreenMonitoringSessionEntityListing`: each session kept for the
    /// supervisor who started it and for whoever may monitor its `targetUser`.
    ScreenMonitoringSessions,
}

/// What a monitor route watches of a live interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MonitorChannel {
    /// Listen in on a call.
    Call,
    /// Follow a messaging conversation.
    Messages,
    /// Watch the participant's screen during the interaction.
    Screen,
}

/// What a route decides.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum Action {
    /// A permission on a queue, user, role or schedule named by the route.
    Decide {
        /// The catalog permission.
        permission: String,
        /// The resource.
        resource: ResourceRef,
    },
    /// Fetching one recording: its media, or its metadata only (media
    /// fields removed), or 404. With `download`, the media's download
    /// permission too.
    OpenRecording {
        /// Path parameter holding the conversation id.
        conversation: String,
        /// Path parameter holding the recording id.
        recording: String,
        /// A download is asked.
        #[serde(default)]
        download: bool,
    },
    /// One recording's metadata: `recording:metadata:view`.
    RecordingMetadata {
        /// Path parameter holding the conversation id.
        conversation: String,
        /// Path parameter holding the recording id.
        recording: String,
    },
    /// An action on a recording, its permission picked by its media.
    Recording {
        /// The action.
        verb: RecordingVerb,
        /// Path parameter holding the conversation id.
        conversation: String,
        /// Path parameter holding the recording id.
        recording: String,
    },
    /// The API's `PUT` of a recording: decided on the fields of its body
    /// (`deleteDate`, `archiveDate`, `exportDate`; see docs/envoy-filter.md).
    UpdateRecording {
        /// Path parameter holding the conversation id.
        conversation: String,
        /// Path parameter holding the recording id.
        recording: String,
    },
    /// An existing annotation (attributes from the recording's facts).
    Annotation {
        /// What is done to it.
        verb: AnnotationVerb,
        /// Path parameter holding the conversation id.
        conversation: String,
        /// Path parameter holding the recording id.
        recording: String,
        /// Path parameter holding the annotation id.
        annotation: String,
    },
    /// Adding an annotation: `recording:annotation:add` on one by the principal.
    AddAnnotation {
        /// Path parameter holding the conversation id.
        conversation: String,
        /// Path parameter holding the recording id.
        recording: String,
    },
    /// A list response, filtered entity by entity.
    List {
        /// What the entities are.
        entities: ListKind,
        /// Path parameter holding the conversation (recording lists).
        #[serde(default)]
        conversation: Option<String>,
        /// Path parameter holding the recording (annotation lists).
        #[serde(default)]
        recording: Option<String>,
        /// A download is asked (recording lists).
        #[serde(default)]
        download: bool,
    },
    /// Legal hold on the recordings of the conversations a body names
    /// (`{"conversationIds": [...]}`); `protect` flag true (the default) or false.
    DeletionProtection,
    /// Which of the named conversations hold protected recordings: every
    /// recording of each must be visible to the principal.
    DeletionProtectionQuery,
    /// A batch download: every `{conversationId, recordingId}` of the body
    /// needs the download permission; one refusal refuses the batch.
    BatchDownload,
    /// A batch download's results: items the principal may not download are removed.
    BatchResults,
    /// A query-based bulk job: allowed only to a principal unrestricted over
    /// every recording the job can touch (`recgate_core::bulk`).
    BulkJob,
    /// Reading or managing bulk jobs: `recording:job:*` on the organisation,
    /// plus being unrestricted for every bulk action when `unrestricted`.
    Jobs {
        /// The catalog permission.
        permission: String,
        /// Whether the principal must be unrestricted over every recording too.
        #[serde(default)]
        unrestricted: bool,
    },
    /// A figure over every screen recording: unrestricted screen-recording view.
    ScreenSessions,
    /// Monitoring a participant of a live interaction: `conversation:call:monitor`
    /// on the interaction's facts, always asked afresh (core `Subject::monitor`).
    Monitor {
        /// What is watched.
        channel: MonitorChannel,
        /// Path parameter holding the conversation id.
        conversation: String,
        /// Path parameter holding the participant id.
        participant: String,
    },
    /// Monitoring an agent's screen across interactions (core `Subject::monitor_agent`).
    MonitorAgent {
        /// Path parameter holding the agent's user id.
        user: String,
    },
    /// Screen-monitoring figures of the users a body names (`Array<string>`):
    /// each must be one the principal may monitor; one refusal refuses all.
    ScreenMonitorUsers,
    /// A figure over every screen-monitoring session: unrestricted monitoring
    /// of every live screen (core `Policy::bulk`).
    ScreenMonitorCount,
}

impl Action {
    /// Routes the API calls without a body (the SDK sends none): one sent
    /// anyway is refused, since the decision did not read it.
    pub fn takes_no_body(&self) -> bool {
        matches!(self, Action::Monitor { .. } | Action::MonitorAgent { .. })
    }
}

/// A resource named by a route: `{param}`, `$principal` or a literal id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceRef {
    /// `queue`, `user`, `role` or `schedule`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The id.
    pub id: String,
}

/// One route.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// HTTP method, upper case.
    pub method: String,
    /// Path template: literal segments and `{param}` segments.
    pub path: String,
    /// Query parameters the route requires, by value (names and values
    /// compared without case; `true`/`false` values make the parameter a
    /// flag whose value must then be `true` or `false`).
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// The decision.
    pub action: Action,
    /// Its name in stats and logs ([`RouteSpec::stat_name`] when absent).
    #[serde(default)]
    pub name: Option<String>,
}

/// Whether a route name is one stats can carry: `[a-z0-9_]`, 1 to 64 long.
pub fn valid_route_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn template_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

impl RouteSpec {
    /// The route's name in stats: its `name`, else the method, the literal
    /// path segments after `/api/v2`, `id` when the path ends in a
    /// parameter, and the query keys it requires —
    /// `get_conversations_recordings_id_download`.
    pub fn stat_name(&self) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        let segments: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        let rest = match segments.as_slice() {
            ["api", "v2", rest @ ..] => rest,
            all => all,
        };
        let mut out = self.method.to_ascii_lowercase();
        for s in rest.iter().filter(|s| !s.starts_with('{')) {
            out.push('_');
            out.push_str(s);
        }
        if rest.last().is_some_and(|s| s.starts_with('{')) {
            out.push_str("_id");
        }
        for k in self.query.keys() {
            out.push('_');
            out.push_str(k);
        }
        out.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect()
    }

    /// Checks permissions and parameters; the error names the route.
    pub fn check(&self) -> Result<(), String> {
        let params = template_params(&self.path);
        let name = format!("{} {}", self.method, self.path);
        let err = |m: String| Err(format!("invalid configuration: route {name}: {m}"));
        let param = |p: &str| -> Result<(), String> {
            if params.contains(&p) {
                Ok(())
            } else {
                Err(format!(
                    "invalid configuration: route {name}: no path parameter {{{p}}}"
                ))
            }
        };
        let permission = |p: &str| -> Result<(), String> {
            if Perm::parse(p).is_some() {
                Ok(())
            } else {
                Err(format!(
                    "invalid configuration: route {name}: unknown permission \"{p}\""
                ))
            }
        };
        if !self.path.starts_with('/') {
            return err("the path must start with /".into());
        }
        match &self.action {
            Action::Decide {
                permission: p,
                resource,
            } => {
                permission(p)?;
                if !["queue", "user", "role", "schedule"].contains(&resource.kind.as_str()) {
                    return err(format!(
                        "resource type \"{}\" needs attributes: use a recording action",
                        resource.kind
                    ));
                }
                if let Some(p) = resource
                    .id
                    .strip_prefix('{')
                    .and_then(|s| s.strip_suffix('}'))
                {
                    param(p)?;
                }
            }
            Action::OpenRecording {
                conversation,
                recording,
                ..
            }
            | Action::RecordingMetadata {
                conversation,
                recording,
            }
            | Action::Recording {
                conversation,
                recording,
                ..
            }
            | Action::UpdateRecording {
                conversation,
                recording,
            }
            | Action::AddAnnotation {
                conversation,
                recording,
            } => {
                param(conversation)?;
                param(recording)?;
            }
            Action::Annotation {
                conversation,
                recording,
                annotation,
                ..
            } => {
                param(conversation)?;
                param(recording)?;
                param(annotation)?;
            }
            Action::List {
                entities,
                conversation,
                recording,
                ..
            } => {
                let needs = match entities {
                    ListKind::Recordings | ListKind::Metadata => (true, false),
                    ListKind::Annotations => (true, true),
                    ListKind::Queues | ListKind::ScreenMonitoringSessions => (false, false),
                };
                match (needs.0, conversation) {
                    (true, Some(c)) => param(c)?,
                    (true, None) => return err("a recording list needs \"conversation\"".into()),
                    _ => {}
                }
                match (needs.1, recording) {
                    (true, Some(r)) => param(r)?,
                    (true, None) => return err("an annotation list needs \"recording\"".into()),
                    _ => {}
                }
            }
            Action::Jobs { permission: p, .. } => permission(p)?,
            Action::Monitor {
                conversation,
                participant,
                ..
            } => {
                param(conversation)?;
                param(participant)?;
            }
            Action::MonitorAgent { user } => param(user)?,
            Action::DeletionProtection
            | Action::DeletionProtectionQuery
            | Action::BatchDownload
            | Action::BatchResults
            | Action::BulkJob
            | Action::ScreenSessions
            | Action::ScreenMonitorUsers
            | Action::ScreenMonitorCount => {}
        }
        Ok(())
    }
}

fn route(method: &str, path: &str, action: Action) -> RouteSpec {
    RouteSpec {
        method: method.into(),
        path: path.into(),
        query: BTreeMap::new(),
        action,
        name: None,
    }
}

const CONV: &str = "conversationId";
const REC: &str = "recordingId";
const PARTICIPANT: &str = "participantId";

/// The live-monitoring endpoints (issue #20): `ConversationsApi`'s
/// participant monitors and every decided `ScreenMonitoringApi` endpoint
/// (its settings are left out: docs/envoy-filter.md says why).
fn monitoring_routes() -> Vec<RouteSpec> {
    let on = |channel| Action::Monitor {
        channel,
        conversation: CONV.into(),
        participant: PARTICIPANT.into(),
    };
    let agent = || Action::MonitorAgent {
        user: "userId".into(),
    };
    let sessions = "/api/v2/conversations/{conversationId}/participants/{participantId}/screenmonitors/sessions";
    let session = format!("{sessions}/{{screenMonitoringId}}");
    let agent_sessions = "/api/v2/users/{userId}/screenmonitors/sessions";
    let agent_session = format!("{agent_sessions}/{{screenMonitoringId}}");
    vec![
        route(
            "POST",
            "/api/v2/conversations/calls/{conversationId}/participants/{participantId}/monitor",
            on(MonitorChannel::Call),
        ),
        route(
            "POST",
            "/api/v2/conversations/messages/{conversationId}/participants/{participantId}/monitor",
            on(MonitorChannel::Messages),
        ),
        route("POST", sessions, on(MonitorChannel::Screen)),
        route("GET", &session, on(MonitorChannel::Screen)),
        route("DELETE", &session, on(MonitorChannel::Screen)),
        route("POST", agent_sessions, agent()),
        route("GET", &agent_session, agent()),
        route("DELETE", &agent_session, agent()),
        route(
            "GET",
            "/api/v2/screenmonitors/users/{userId}/sessions",
            Action::List {
                entities: ListKind::ScreenMonitoringSessions,
                conversation: None,
                recording: None,
                download: false,
            },
        ),
        route(
            "POST",
            "/api/v2/screenmonitors/sessions/users/details",
            Action::ScreenMonitorUsers,
        ),
        route(
            "GET",
            "/api/v2/screenmonitors/sessions/details",
            Action::ScreenMonitorCount,
        ),
    ]
}

/// The default table: the real API (see the module documentation).
pub fn default_routes() -> Vec<RouteSpec> {
    let c = || CONV.to_string();
    let r = || REC.to_string();
    let rec = "/api/v2/conversations/{conversationId}/recordings/{recordingId}";
    let anns = format!("{rec}/annotations");
    let ann = format!("{rec}/annotations/{{annotationId}}");
    let on_ann = |verb| Action::Annotation {
        verb,
        conversation: c(),
        recording: r(),
        annotation: "annotationId".into(),
    };
    let schedule = |permission: &str, id: &str| Action::Decide {
        permission: permission.into(),
        resource: ResourceRef {
            kind: "schedule".into(),
            id: id.into(),
        },
    };
    let policies = "/api/v2/recording/mediaretentionpolicies";
    let policy = "/api/v2/recording/mediaretentionpolicies/{policyId}";
    let xpolicies = "/api/v2/recording/crossplatform/mediaretentionpolicies";
    let xpolicy = "/api/v2/recording/crossplatform/mediaretentionpolicies/{policyId}";
    let jobs = |permission: &str, unrestricted| Action::Jobs {
        permission: permission.into(),
        unrestricted,
    };
    let mut download = route(
        "GET",
        rec,
        Action::OpenRecording {
            conversation: c(),
            recording: r(),
            download: true,
        },
    );
    download.query.insert("download".into(), "true".into());
    // The SDK sends no download flag on lists; an API that honoured one would hand out downloads.
    let mut download_list = route(
        "GET",
        "/api/v2/conversations/{conversationId}/recordings",
        Action::List {
            entities: ListKind::Recordings,
            conversation: Some(c()),
            recording: None,
            download: true,
        },
    );
    download_list.query.insert("download".into(), "true".into());
    let mut table = vec![
        download,
        download_list,
        route(
            "GET",
            rec,
            Action::OpenRecording {
                conversation: c(),
                recording: r(),
                download: false,
            },
        ),
        route(
            "PUT",
            rec,
            Action::UpdateRecording {
                conversation: c(),
                recording: r(),
            },
        ),
        route(
            "GET",
            "/api/v2/conversations/{conversationId}/recordings",
            Action::List {
                entities: ListKind::Recordings,
                conversation: Some(c()),
                recording: None,
                download: false,
            },
        ),
        route(
            "GET",
            "/api/v2/conversations/{conversationId}/recordingmetadata",
            Action::List {
                entities: ListKind::Metadata,
                conversation: Some(c()),
                recording: None,
                download: false,
            },
        ),
        route(
            "GET",
            "/api/v2/conversations/{conversationId}/recordingmetadata/{recordingId}",
            Action::RecordingMetadata {
                conversation: c(),
                recording: r(),
            },
        ),
        route(
            "GET",
            &anns,
            Action::List {
                entities: ListKind::Annotations,
                conversation: Some(c()),
                recording: Some(r()),
                download: false,
            },
        ),
        route(
            "POST",
            &anns,
            Action::AddAnnotation {
                conversation: c(),
                recording: r(),
            },
        ),
        route("GET", &ann, on_ann(AnnotationVerb::View)),
        route("PUT", &ann, on_ann(AnnotationVerb::Edit)),
        route("DELETE", &ann, on_ann(AnnotationVerb::Delete)),
        route(
            "PUT",
            "/api/v2/recordings/deletionprotection",
            Action::DeletionProtection,
        ),
        route(
            "POST",
            "/api/v2/recordings/deletionprotection",
            Action::DeletionProtectionQuery,
        ),
        route(
            "POST",
            "/api/v2/recording/batchrequests",
            Action::BatchDownload,
        ),
        route(
            "GET",
            "/api/v2/recording/batchrequests/{jobId}",
            Action::BatchResults,
        ),
        route("POST", "/api/v2/recording/jobs", Action::BulkJob),
        route(
            "GET",
            "/api/v2/recording/jobs",
            jobs("recording:job:view", false),
        ),
        route(
            "GET",
            "/api/v2/recording/jobs/{jobId}",
            jobs("recording:job:view", false),
        ),
        route(
            "GET",
            "/api/v2/recording/jobs/{jobId}/failedrecordings",
            jobs("recording:job:view", false),
        ),
        route(
            "PUT",
            "/api/v2/recording/jobs/{jobId}",
            jobs("recording:job:edit", true),
        ),
        route(
            "DELETE",
            "/api/v2/recording/jobs/{jobId}",
            jobs("recording:job:delete", false),
        ),
        route(
            "GET",
            policies,
            schedule("recording:retentionPolicy:view", "mediaretentionpolicies"),
        ),
        route(
            "POST",
            policies,
            schedule("recording:retentionPolicy:edit", "mediaretentionpolicies"),
        ),
        route(
            "DELETE",
            policies,
            schedule("recording:retentionPolicy:edit", "mediaretentionpolicies"),
        ),
        route(
            "GET",
            policy,
            schedule("recording:retentionPolicy:view", "{policyId}"),
        ),
        route(
            "PUT",
            policy,
            schedule("recording:retentionPolicy:edit", "{policyId}"),
        ),
        route(
            "PATCH",
            policy,
            schedule("recording:retentionPolicy:edit", "{policyId}"),
        ),
        route(
            "DELETE",
            policy,
            schedule("recording:retentionPolicy:edit", "{policyId}"),
        ),
        route(
            "GET",
            xpolicies,
            schedule("recording:retentionPolicy:view", "crossplatform"),
        ),
        route(
            "POST",
            xpolicies,
            schedule("recording:retentionPolicy:edit", "crossplatform"),
        ),
        route(
            "DELETE",
            xpolicies,
            schedule("recording:retentionPolicy:edit", "crossplatform"),
        ),
        route(
            "GET",
            xpolicy,
            schedule("recording:retentionPolicy:view", "{policyId}"),
        ),
        route(
            "PUT",
            xpolicy,
            schedule("recording:retentionPolicy:edit", "{policyId}"),
        ),
        route(
            "PATCH",
            xpolicy,
            schedule("recording:retentionPolicy:edit", "{policyId}"),
        ),
        route(
            "DELETE",
            xpolicy,
            schedule("recording:retentionPolicy:edit", "{policyId}"),
        ),
        route(
            "GET",
            "/api/v2/recording/settings",
            schedule("recording:settings:view", "settings"),
        ),
        route(
            "PUT",
            "/api/v2/recording/settings",
            schedule("recording:settings:edit", "settings"),
        ),
        route(
            "GET",
            "/api/v2/recordings/screensessions/details",
            Action::ScreenSessions,
        ),
        route(
            "GET",
            "/api/v2/routing/queues",
            Action::List {
                entities: ListKind::Queues,
                conversation: None,
                recording: None,
                download: false,
            },
        ),
        route(
            "GET",
            "/api/v2/routing/queues/{queueId}",
            Action::Decide {
                permission: "routing:queue:view".into(),
                resource: ResourceRef {
                    kind: "queue".into(),
                    id: "{queueId}".into(),
                },
            },
        ),
        route(
            "GET",
            "/api/v2/users/{userId}",
            Action::Decide {
                permission: "directory:user:view".into(),
                resource: ResourceRef {
                    kind: "user".into(),
                    id: "{userId}".into(),
                },
            },
        ),
    ];
    table.extend(monitoring_routes());
    table
}

/// A matched route, its path parameters (decoded) and query flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched<'r> {
    /// The route.
    pub route: &'r RouteSpec,
    /// Its position in the table.
    pub index: usize,
    /// Parameter values by name.
    pub params: BTreeMap<String, String>,
    /// The request's query, decoded.
    pub query: Vec<(String, String)>,
}

impl Matched<'_> {
    /// A path parameter's value (empty when the route has none by that name).
    pub fn param(&self, name: &str) -> String {
        self.params.get(name).cloned().unwrap_or_default()
    }
}

/// Why a request cannot be matched at all (answered 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadQuery(pub String);

/// The route for a method, canonical path and query. A query parameter some
/// route conditions on must appear at most once, and a flag's value must be
/// `true` or `false`: servers disagree on which of two values counts, and
/// read `1`, `yes` or `on` as true.
pub fn find<'r>(
    routes: &'r [RouteSpec],
    method: &str,
    path: &CanonicalPath,
) -> Result<Option<Matched<'r>>, BadQuery> {
    let query = crate::path::query_params(&path.query)
        .ok_or_else(|| BadQuery("an unreadable query string".into()))?;
    let segs: Vec<&str> = path.segments().collect();
    for (index, r) in routes
        .iter()
        .enumerate()
        .filter(|(_, r)| r.method.eq_ignore_ascii_case(method))
    {
        // Read in place, not collected: most routes differ in their length.
        let tpl = r.path.split('/').filter(|s| !s.is_empty());
        if tpl.clone().count() != segs.len() {
            continue;
        }
        let mut params = BTreeMap::new();
        let mut ok = true;
        for (t, s) in tpl.zip(&segs) {
            match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) => {
                    let value = crate::path::decode_segment(s)
                        .ok_or_else(|| BadQuery(format!("an unreadable path segment {s}")))?;
                    params.insert(name.to_string(), value);
                }
                None if t == *s => {}
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            continue;
        }
        // Conditions on the query, checked strictly for every route of this path.
        let mut holds = true;
        for (name, want) in &r.query {
            let given: Vec<&str> = query
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
                .collect();
            if given.len() > 1 {
                return Err(BadQuery(format!("query parameter {name} given twice")));
            }
            let flag = want.eq_ignore_ascii_case("true") || want.eq_ignore_ascii_case("false");
            match given.first() {
                Some(v)
                    if flag
                        && !(v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")) =>
                {
                    return Err(BadQuery(format!(
                        "query flag {name} is neither true nor false"
                    )));
                }
                Some(v) if v.eq_ignore_ascii_case(want) => {}
                _ => holds = false,
            }
        }
        if holds {
            return Ok(Some(Matched {
                route: r,
                index,
                params,
                query,
            }));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::normalize;

    fn m<'r>(
        routes: &'r [RouteSpec],
        method: &str,
        raw: &str,
    ) -> Result<Option<Matched<'r>>, BadQuery> {
        find(routes, method, &normalize(raw).unwrap())
    }

    #[test]
    fn matches_templates_and_flags() {
        let routes = default_routes();
        for r in &routes {
            r.check().unwrap();
        }
        let rec = "/api/v2/conversations/c1/recordings/r1";
        let plain = m(&routes, "GET", rec).unwrap().unwrap();
        assert_eq!(
            plain.route.action,
            Action::OpenRecording {
                conversation: CONV.into(),
                recording: REC.into(),
                download: false
            }
        );
        assert_eq!(plain.param(REC), "r1");
        for q in [
            "?download=true&formatId=MP3",
            "?DOWNLOAD=TRUE",
            "?%64ownload=true",
        ] {
            let d = m(&routes, "GET", &format!("{rec}{q}")).unwrap().unwrap();
            assert!(
                matches!(d.route.action, Action::OpenRecording { download: true, .. }),
                "{q}"
            );
        }
        let no = m(&routes, "GET", &format!("{rec}?download=false"))
            .unwrap()
            .unwrap();
        assert!(matches!(
            no.route.action,
            Action::OpenRecording {
                download: false,
                ..
            }
        ));
        for bad in [
            "?download=1",
            "?download=yes",
            "?download=true&download=false",
            "?download=%zz",
        ] {
            assert!(m(&routes, "GET", &format!("{rec}{bad}")).is_err(), "{bad}");
        }
        // Other parameters may repeat (the SDK's multi collections).
        assert!(m(
            &routes,
            "GET",
            &format!("{rec}?mediaFormats=MP3&mediaFormats=WAV")
        )
        .unwrap()
        .is_some());
        let a = m(
            &routes,
            "GET",
            "/api/v2/conversations/c1/recordings/r1/annotations/a%20b",
        )
        .unwrap()
        .unwrap();
        assert_eq!(a.param("annotationId"), "a b");
        assert!(m(&routes, "PATCH", "/api/v2/users/u1").unwrap().is_none());
        assert!(m(&routes, "GET", "/api/v2/Users/u1").unwrap().is_none());
        assert!(
            m(&routes, "DELETE", rec).unwrap().is_none(),
            "the real API has no DELETE of a recording"
        );
        assert!(m(&routes, "GET", "/api/v2/screenrecordings")
            .unwrap()
            .is_none());
    }

    #[test]
    fn monitoring_routes_name_their_interaction() {
        let routes = default_routes();
        let call = m(
            &routes,
            "POST",
            "/api/v2/conversations/calls/c1/participants/p%201/monitor",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            call.route.action,
            Action::Monitor {
                channel: MonitorChannel::Call,
                conversation: CONV.into(),
                participant: PARTICIPANT.into()
            }
        );
        assert_eq!(call.param(PARTICIPANT), "p 1");
        assert!(call.route.action.takes_no_body());
        let screen = m(
            &routes,
            "DELETE",
            "/api/v2/conversations/c1/participants/p1/screenmonitors/sessions/s1",
        )
        .unwrap()
        .unwrap();
        assert!(matches!(
            screen.route.action,
            Action::Monitor {
                channel: MonitorChannel::Screen,
                ..
            }
        ));
        let agent = m(
            &routes,
            "GET",
            "/api/v2/users/u1/screenmonitors/sessions/s1",
        )
        .unwrap()
        .unwrap();
        assert_eq!(agent.param("userId"), "u1");
        assert!(matches!(agent.route.action, Action::MonitorAgent { .. }));
        // The real API has no GET of a conversation's monitor, and its settings are refused.
        for (method, path) in [
            (
                "GET",
                "/api/v2/conversations/calls/c1/participants/p1/monitor",
            ),
            ("GET", "/api/v2/screenmonitors/settings"),
            ("PUT", "/api/v2/screenmonitors/settings"),
        ] {
            assert!(
                m(&routes, method, path).unwrap().is_none(),
                "{method} {path}"
            );
        }
        let users = m(
            &routes,
            "POST",
            "/api/v2/screenmonitors/sessions/users/details",
        )
        .unwrap()
        .unwrap();
        assert_eq!(users.route.action, Action::ScreenMonitorUsers);
        assert!(!users.route.action.takes_no_body());
    }

    #[test]
    fn routes_have_stat_names() {
        let routes = default_routes();
        let names: Vec<String> = routes.iter().map(RouteSpec::stat_name).collect();
        for n in &names {
            assert!(valid_route_name(n), "{n}");
        }
        assert!(names.contains(&"get_conversations_recordings_id".to_string()));
        assert!(names.contains(&"get_conversations_recordings_id_download".to_string()));
        assert!(names.contains(&"get_conversations_recordings".to_string()));
        assert!(names.contains(&"put_recording_jobs_id".to_string()));
        let found = m(&routes, "GET", "/api/v2/users/u1").unwrap().unwrap();
        assert_eq!(names[found.index], "get_users_id");
        assert!(!valid_route_name("Get-X") && !valid_route_name(""));
    }
}
