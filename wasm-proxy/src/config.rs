//! The plugin configuration (docs/envoy-filter.md): parsed strictly, with
//! defaults, and validated before the filter serves a single request — a
//! configuration that cannot be understood stops the plugin, it never makes
//! it permissive.

use serde::Deserialize;
use serde_json::Value;

use crate::routes::{default_routes, RouteSpec};

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

/// The attributes service for recordings and annotations.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Attributes {
    /// Its Envoy cluster.
    pub cluster: String,
    /// `:authority` of its requests.
    #[serde(default = "default_attributes_authority")]
    pub authority: String,
    /// Path template of a recording, `{id}` replaced.
    #[serde(default = "default_recording_path")]
    pub recording_path: String,
    /// Path template of an annotation, `{id}` replaced.
    #[serde(default = "default_annotation_path")]
    pub annotation_path: String,
    /// Timeout of one lookup.
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    /// How long an answer is cached in shared data.
    #[serde(default = "default_ttl")]
    pub cache_ttl_seconds: u64,
}

/// Limits of list-response filtering.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListFilter {
    /// Largest list body filtered; larger ones are refused, never passed through.
    #[serde(default = "default_max_body")]
    pub max_body_bytes: usize,
    /// Entity fields that carry media (removed from metadata-only entities).
    #[serde(default = "default_media_fields")]
    pub media_fields: Vec<String>,
}

impl Default for ListFilter {
    fn default() -> ListFilter {
        ListFilter {
            max_body_bytes: default_max_body(),
            media_fields: default_media_fields(),
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
    list_filter: ListFilter,
    #[serde(default)]
    mode: Mode,
    #[serde(default = "default_true")]
    decision_log: bool,
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The inline policy text, if any.
    pub policy: Option<String>,
    /// The policy server, if any.
    pub policy_server: Option<PolicyServer>,
    /// Route table.
    pub routes: Vec<RouteSpec>,
    /// Path prefixes passed through without a decision.
    pub pass_through: Vec<String>,
    /// Identity source.
    pub identity: Identity,
    /// Header naming the principal an actor acts for (lower case).
    pub impersonation_header: String,
    /// Attributes service.
    pub attributes: Attributes,
    /// List filtering.
    pub list_filter: ListFilter,
    /// Enforce or shadow.
    pub mode: Mode,
    /// One log line per decision.
    pub decision_log: bool,
}

impl Config {
    /// Parses and checks a configuration; the error says what is wrong.
    pub fn parse(bytes: &[u8]) -> Result<Config, String> {
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
        for r in &routes {
            r.check()?;
        }
        if let Some(ps) = &raw.policy_server {
            if ps.poll_seconds == 0 {
                return Err(
                    "invalid configuration: policyServer.pollSeconds must be at least 1".into(),
                );
            }
        }
        let header = raw.impersonation_header.to_ascii_lowercase();
        if header.is_empty()
            || !header
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(format!(
                "invalid configuration: impersonationHeader \"{header}\" is not a header name"
            ));
        }
        Ok(Config {
            policy: raw.policy.map(|p| p.to_string()),
            policy_server: raw.policy_server,
            routes,
            pass_through: raw.pass_through,
            identity: raw.identity,
            impersonation_header: header,
            attributes: raw.attributes,
            list_filter: raw.list_filter,
            mode: raw.mode,
            decision_log: raw.decision_log,
        })
    }
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
fn default_recording_path() -> String {
    "/attributes/recordings/{id}".into()
}
fn default_annotation_path() -> String {
    "/attributes/annotations/{id}".into()
}
fn default_max_body() -> usize {
    1 << 20
}
fn default_media_fields() -> Vec<String> {
    ["mediaUris", "mediaUri", "downloadUrl"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}
fn default_impersonation_header() -> String {
    "gen-usersubject".into()
}
fn default_true() -> bool {
    true
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const ATTR: &str = r#""attributes":{"cluster":"attrs"}"#;

    #[test]
    fn defaults_fill_in() {
        let c =
            Config::parse(format!(r#"{{"policy":{{"schema":"recgate/v1"}},{ATTR}}}"#).as_bytes())
                .unwrap();
        assert_eq!(c.impersonation_header, "gen-usersubject");
        assert_eq!(c.mode, Mode::Enforce);
        assert!(c.routes.len() >= 15);
        assert_eq!(c.attributes.recording_path, "/attributes/recordings/{id}");
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
            format!(
                r#"{{"policy":{{}},{ATTR},"routes":[{{"method":"GET","path":"/x","permission":"recording:nope:view","resource":{{"type":"queue","id":"{{id}}"}}}}]}}"#
            ),
        ] {
            assert!(Config::parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
