//! The plugin configuration (docs/envoy-filter.md): parsed strictly, with
//! defaults, and validated before the filter serves a single request — a
//! configuration that cannot be understood stops the plugin, it never makes
//! it permissive.

use recgate_sign::TrustedKeys;
use serde::Deserialize;
use serde_json::Value;

use crate::decision_log::LogSettings;
use crate::routes::{default_routes, valid_route_name, RouteSpec};

/// Enforce decisions, or only observe them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Deny what the policy denies.
    #[default]
    Enforce,
    /// Decide, count and log, but let everything through (like RBAC shadow rules).
    Shadow,
}

/// Where policies come from when they are served by a policy server.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicyServer {
    /// The Envoy cluster of the policy server.
    pub cluster: String,
    /// `:authority` of the poll.
    #[serde(default = "default_policy_authority")]
    pub authority: String,
    /// Path of the policy document.
    #[serde(default = "default_policy_path")]
    pub path: String,
    /// Seconds between polls.
    #[serde(default = "default_poll")]
    pub poll_seconds: u64,
    /// Timeout of one poll.
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
}

/// Signed policies (docs/signing.md): every policy the policy server sends
/// must carry a `recgate-signature/v1` envelope by one of these keys.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawSigning {
    trusted_keys: Vec<String>,
    #[serde(default = "default_signature_header")]
    header: String,
    #[serde(default)]
    minimum_serial: u64,
}

/// Signed policies, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Signing {
    /// The public keys a policy may be signed by (two at once while keys rotate).
    pub trusted: TrustedKeys,
    /// The policy server's response header carrying the envelope (lower case).
    pub header: String,
    /// No policy with a lower serial is ever installed, even on a fresh start.
    pub minimum_serial: u64,
}

/// Where each decision is written for Envoy's access logs (docs/envoy-filter.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DecisionMetadata {
    /// As filter state `wasm.recgate.<field>` (`%FILTER_STATE(wasm.recgate.reason:PLAIN)%`).
    #[serde(default = "default_true")]
    pub filter_state: bool,
    /// As `x-recgate-meta-<field>` response headers, for Envoy's
    /// `header_to_metadata` filter to turn into dynamic metadata `recgate`
    /// (and remove): Envoy 1.40 gives Wasm no way to write dynamic metadata.
    #[serde(default)]
    pub headers: bool,
}

impl Default for DecisionMetadata {
    fn default() -> DecisionMetadata {
        DecisionMetadata {
            filter_state: true,
            headers: false,
        }
    }
}

/// Where verified identities are read.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Identity {
    /// Dynamic metadata namespace written by jwt_authn.
    #[serde(default = "default_namespace")]
    pub metadata_namespace: String,
    /// The provider's `payload_in_metadata` key.
    #[serde(default = "default_payload_key")]
    pub payload_key: String,
}

impl Default for Identity {
    fn default() -> Identity {
        Identity {
            metadata_namespace: default_namespace(),
            payload_key: default_payload_key(),
        }
    }
}

/// The attributes service: what the recordings store knows about
/// conversations, recordings (with their annotations) and bulk jobs — the
/// only source of attributes the filter trusts (never upstream bodies).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Attributes {
    /// Its Envoy cluster.
    pub cluster: String,
    /// `:authority` of its requests.
    #[serde(default = "default_attributes_authority")]
    pub authority: String,
    /// Path template of a conversation's facts, `{conversationId}` replaced.
    #[serde(default = "default_conversation_path")]
    pub conversation_path: String,
    /// Path template of one recording's facts, `{conversationId}` and `{recordingId}` replaced.
    #[serde(default = "default_recording_path")]
    pub recording_path: String,
    /// Path template of a bulk job's query, `{jobId}` replaced.
    #[serde(default = "default_job_path")]
    pub job_path: String,
    /// Path template of a live interaction as one participant is in it
    /// (monitoring), `{conversationId}` and `{participantId}` replaced; never cached.
    #[serde(default = "default_participant_path")]
    pub participant_path: String,
    /// Timeout of one lookup.
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    /// How long an answer is cached in shared data for reads (writes never use the cache).
    #[serde(default = "default_ttl")]
    pub cache_ttl_seconds: u64,
    /// Largest answer read; a larger one is `resource_unavailable`.
    #[serde(default = "default_max_body")]
    pub max_bytes: usize,
}

/// Limits and shapes of response filtering.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ResponseLimits {
    /// Largest response body filtered; larger ones are refused, never passed through.
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
    /// The fields a metadata-only recording keeps (an allow-list: the SDK's
    /// `RecordingMetadata` model); every other field is removed.
    #[serde(default = "default_metadata_fields")]
    pub metadata_fields: Vec<String>,
}

impl Default for ResponseLimits {
    fn default() -> ResponseLimits {
        ResponseLimits {
            max_body_bytes: default_max_body(),
            metadata_fields: default_metadata_fields(),
        }
    }
}

/// Limits of request bodies the filter reads to decide.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RequestLimits {
    /// Largest request body read; a larger one is refused (413).
    #[serde(default = "default_max_request")]
    pub max_body_bytes: usize,
    /// Most items (conversations, recordings) one request may name.
    #[serde(default = "default_max_items")]
    pub max_items: usize,
}

impl Default for RequestLimits {
    fn default() -> RequestLimits {
        RequestLimits {
            max_body_bytes: default_max_request(),
            max_items: default_max_items(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawConfig {
    #[serde(default)]
    policy: Option<Value>,
    #[serde(default)]
    policy_server: Option<PolicyServer>,
    #[serde(default)]
    routes: Option<Value>,
    #[serde(default)]
    pass_through: Vec<String>,
    #[serde(default)]
    identity: Identity,
    #[serde(default = "default_impersonation_header")]
    impersonation_header: String,
    attributes: Attributes,
    #[serde(default)]
    list_filter: ResponseLimits,
    #[serde(default)]
    request_body: RequestLimits,
    #[serde(default)]
    mode: Mode,
    #[serde(default)]
    decision_log: Option<Value>,
    #[serde(default)]
    decision_metadata: DecisionMetadata,
    #[serde(default)]
    signing: Option<RawSigning>,
}

/// A validated plugin configuration.
#[derive(Debug, Clone)]
pub struct PluginConfig {
    /// The inline policy text, if any.
    pub policy: Option<String>,
    /// The policy server, if any.
    pub policy_server: Option<PolicyServer>,
    /// Route table.
    pub routes: Vec<RouteSpec>,
    /// Path prefixes passed through without a decision (whole segments).
    pub pass_through: Vec<String>,
    /// Identity source.
    pub identity: Identity,
    /// Header naming the principal an actor acts for (lower case).
    pub impersonation_header: String,
    /// Attributes service.
    pub attributes: Attributes,
    /// Response filtering.
    pub list_filter: ResponseLimits,
    /// Request bodies read.
    pub request_body: RequestLimits,
    /// Enforce or shadow.
    pub mode: Mode,
    /// The decision log: off, or which decisions are written and what is masked.
    pub decision_log: Option<LogSettings>,
    /// Decision fields for Envoy's access logs.
    pub decision_metadata: DecisionMetadata,
    /// Signed policies, when required.
    pub signing: Option<Signing>,
    /// Each route's name in stats, by position in `routes` (unique).
    pub route_names: Vec<String>,
}

impl PluginConfig {
    /// Parses and checks a configuration; the error says what is wrong.
    pub fn parse(bytes: &[u8]) -> Result<PluginConfig, String> {
        let raw: RawConfig =
            serde_json::from_slice(bytes).map_err(|e| format!("invalid configuration: {e}"))?;
        if raw.policy.is_none() && raw.policy_server.is_none() {
            return Err(
                "invalid configuration: neither \"policy\" nor \"policyServer\" is given".into(),
            );
        }
        let routes = match raw.routes {
            None => default_routes(),
            Some(Value::String(s)) if s == "default" => default_routes(),
            Some(v @ Value::Array(_)) => serde_json::from_value(v)
                .map_err(|e| format!("invalid configuration: routes: {e}"))?,
            Some(_) => {
                return Err("invalid configuration: routes must be \"default\" or an array".into())
            }
        };
        let mut route_names: Vec<String> = Vec::with_capacity(routes.len());
        for r in &routes {
            r.check()?;
            let mut name = r.stat_name();
            if !valid_route_name(&name) {
                return Err(format!(
                    "invalid configuration: route {} {}: name \"{name}\" is not [a-z0-9_], 1 to 64 long",
                    r.method, r.path
                ));
            }
            if route_names.contains(&name) {
                if r.name.is_some() {
                    return Err(format!(
                        "invalid configuration: route name \"{name}\" is used twice"
                    ));
                }
                let base = name.clone();
                let mut n = 2;
                while route_names.contains(&name) {
                    name = format!("{base}_{n}");
                    n += 1;
                }
            }
            route_names.push(name);
        }
        if let Some(ps) = &raw.policy_server {
            if ps.poll_seconds == 0 {
                return Err(
                    "invalid configuration: policyServer.pollSeconds must be at least 1".into(),
                );
            }
        }
        let header = header_name(&raw.impersonation_header, "impersonationHeader")?;
        let mut pass_through = Vec::new();
        for p in raw.pass_through {
            let canon = crate::path::normalize(&p)
                .ok()
                .filter(|c| c.query.is_empty() && c.path == p.trim_end_matches('/'))
                .ok_or_else(|| {
                    format!("invalid configuration: passThrough \"{p}\" is not a canonical path")
                })?;
            pass_through.push(canon.path);
        }
        let decision_log = match raw.decision_log {
            None | Some(Value::Bool(true)) => Some(LogSettings::default()),
            Some(Value::Bool(false)) => None,
            Some(v) => Some(
                LogSettings::from_value(v)
                    .map_err(|e| format!("invalid configuration: decisionLog: {e}"))?,
            ),
        };
        let signing = match raw.signing {
            None => None,
            Some(s) => {
                if s.trusted_keys.is_empty() {
                    return Err("invalid configuration: signing.trustedKeys lists no key".into());
                }
                let trusted = TrustedKeys::parse(s.trusted_keys.iter().map(String::as_str))
                    .map_err(|(i, e)| {
                        format!("invalid configuration: signing.trustedKeys[{i}]: {e}")
                    })?;
                Some(Signing {
                    trusted,
                    header: header_name(&s.header, "signing.header")?,
                    minimum_serial: s.minimum_serial,
                })
            }
        };
        Ok(PluginConfig {
            policy: raw.policy.map(|p| p.to_string()),
            policy_server: raw.policy_server,
            routes,
            pass_through,
            identity: raw.identity,
            impersonation_header: header,
            attributes: raw.attributes,
            list_filter: raw.list_filter,
            request_body: raw.request_body,
            mode: raw.mode,
            decision_log,
            decision_metadata: raw.decision_metadata,
            signing,
            route_names,
        })
    }
}

/// A header name the configuration gives (`what` names the member), lower-cased.
fn header_name(given: &str, what: &str) -> Result<String, String> {
    let header = given.to_ascii_lowercase();
    if header.is_empty()
        || !header
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(format!(
            "invalid configuration: {what} \"{header}\" is not a header name"
        ));
    }
    Ok(header)
}

fn default_policy_authority() -> String {
    "policy.local".into()
}
fn default_policy_path() -> String {
    "/policy".into()
}
fn default_poll() -> u64 {
    5
}
fn default_timeout() -> u64 {
    1000
}
fn default_ttl() -> u64 {
    30
}
fn default_namespace() -> String {
    "envoy.filters.http.jwt_authn".into()
}
fn default_payload_key() -> String {
    "jwt_payload".into()
}
fn default_attributes_authority() -> String {
    "attributes.local".into()
}
fn default_conversation_path() -> String {
    "/attributes/conversations/{conversationId}".into()
}
fn default_recording_path() -> String {
    "/attributes/conversations/{conversationId}/recordings/{recordingId}".into()
}
fn default_job_path() -> String {
    "/attributes/recordingjobs/{jobId}".into()
}
fn default_participant_path() -> String {
    "/attributes/conversations/{conversationId}/participants/{participantId}".into()
}
fn default_max_body() -> usize {
    1 << 20
}
fn default_max_request() -> usize {
    64 << 10
}
fn default_max_items() -> usize {
    100
}
/// The SDK's `RecordingMetadata` model (index.d.ts of
/// purecloud-platform-client-v2 262.0.0); `tests/envoy/sdk.test.mjs` checks
/// this list against it.
pub const METADATA_FIELDS: [&str; 22] = [
    "id",
    "name",
    "conversationId",
    "path",
    "startTime",
    "endTime",
    "media",
    "mediaSubtype",
    "mediaSubject",
    "annotations",
    "fileState",
    "restoreExpirationTime",
    "archiveDate",
    "archiveMedium",
    "deleteDate",
    "exportDate",
    "exportedDate",
    "maxAllowedRestorationsForOrg",
    "remainingRestorationsAllowedForOrg",
    "sessionId",
    "region",
    "selfUri",
];
fn default_metadata_fields() -> Vec<String> {
    METADATA_FIELDS.iter().map(|s| s.to_string()).collect()
}
fn default_impersonation_header() -> String {
    "gen-usersubject".into()
}
fn default_true() -> bool {
    true
}
fn default_signature_header() -> String {
    "x-recgate-signature".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ATTR: &str = r#""attributes":{"cluster":"attrs"}"#;
    // RFC 8032 §7.1 test 1's public key.
    const KEY: &str = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

    #[test]
    fn defaults_fill_in() {
        let c = PluginConfig::parse(
            format!(r#"{{"policy":{{"schema":"recgate/v1"}},{ATTR}}}"#).as_bytes(),
        )
        .unwrap();
        assert_eq!(c.impersonation_header, "gen-usersubject");
        assert_eq!(c.mode, Mode::Enforce);
        assert!(c.routes.len() >= 15);
        assert_eq!(
            c.attributes.conversation_path,
            "/attributes/conversations/{conversationId}"
        );
        assert!(c.decision_log.is_some() && c.signing.is_none());
        assert!(c.decision_metadata.filter_state && !c.decision_metadata.headers);
        assert_eq!(c.route_names.len(), c.routes.len());
    }

    #[test]
    fn signing_and_logging_are_read() {
        let c = PluginConfig::parse(
            format!(
                r#"{{"policy":{{}},{ATTR},"decisionLog":false,
                "signing":{{"trustedKeys":["{KEY}","-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n"],"header":"X-Sig","minimumSerial":7}}}}"#
            )
            .as_bytes(),
        )
        .unwrap();
        assert!(c.decision_log.is_none());
        let s = c.signing.unwrap();
        assert_eq!((s.header.as_str(), s.minimum_serial), ("x-sig", 7));
        assert_eq!(s.trusted.keys().len(), 2);
    }

    #[test]
    fn route_names_are_unique() {
        let twice = r#"{"method":"GET","path":"/api/v2/recording/jobs","action":{"kind":"jobs","permission":"recording:job:view"}}"#;
        let c = PluginConfig::parse(
            format!(r#"{{"policy":{{}},{ATTR},"routes":[{twice},{twice}]}}"#).as_bytes(),
        )
        .unwrap();
        assert_eq!(
            c.route_names,
            ["get_recording_jobs", "get_recording_jobs_2"]
        );
        let named = r#"{"name":"jobs","method":"GET","path":"/api/v2/recording/jobs","action":{"kind":"jobs","permission":"recording:job:view"}}"#;
        assert!(PluginConfig::parse(
            format!(r#"{{"policy":{{}},{ATTR},"routes":[{named},{named}]}}"#).as_bytes()
        )
        .is_err());
    }

    #[test]
    fn bad_configurations_are_refused() {
        for bad in [
            "not json".to_string(),
            format!(r#"{{{ATTR}}}"#),
            format!(r#"{{"policy":{{}},{ATTR},"mode":"permissive"}}"#),
            format!(r#"{{"policy":{{}},{ATTR},"unknown":1}}"#),
            r#"{"policy":{}}"#.to_string(),
            format!(r#"{{"policy":{{}},{ATTR},"impersonationHeader":"bad header"}}"#),
            format!(r#"{{"policyServer":{{"cluster":"p","pollSeconds":0}},{ATTR}}}"#),
            format!(r#"{{"policy":{{}},{ATTR},"passThrough":["/healthz/..;"]}}"#),
            format!(r#"{{"policy":{{}},{ATTR},"passThrough":["healthz"]}}"#),
            format!(r#"{{"policy":{{}},{ATTR},"listFilter":{{"mediaFields":["x"]}}}}"#),
            format!(r#"{{"policy":{{}},{ATTR},"signing":{{"trustedKeys":[]}}}}"#),
            format!(r#"{{"policy":{{}},{ATTR},"signing":{{"trustedKeys":["not a key"]}}}}"#),
            format!(
                r#"{{"policy":{{}},{ATTR},"signing":{{"trustedKeys":["{KEY}"],"header":"a b"}}}}"#
            ),
            format!(r#"{{"policy":{{}},{ATTR},"decisionLog":{{"sample":{{"allow":2}}}}}}"#),
            format!(r#"{{"policy":{{}},{ATTR},"decisionLog":{{"mask":["nobody"]}}}}"#),
            format!(r#"{{"policy":{{}},{ATTR},"decisionMetadata":{{"dynamic":true}}}}"#),
            format!(
                r#"{{"policy":{{}},{ATTR},"routes":[{{"name":"Bad Name","method":"GET","path":"/x","action":{{"kind":"jobs","permission":"recording:job:view"}}}}]}}"#
            ),
            format!(
                r#"{{"policy":{{}},{ATTR},"routes":[{{"method":"GET","path":"/x","action":{{"kind":"decide","permission":"recording:nope:view","resource":{{"type":"queue","id":"{{id}}"}}}}}}]}}"#
            ),
        ] {
            assert!(PluginConfig::parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
