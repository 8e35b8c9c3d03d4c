//! The root context — configuration and the policy's lifecycle, nothing
//! else: reads the plugin configuration, holds the active policy, polls the
//! policy server (ETag / If-None-Match) on a timer, judges each answer
//! ([`crate::reload`]: valid, signed by a trusted key, newer) and switches
//! to an accepted policy at once — keeping the last good one, with a counter
//! by reason and a log line, when anything is refused — and creates the
//! request contexts ([`crate::http::EdgeRequest`]).
//!
//! The last good policy from the server is also kept in the VM's shared
//! data, so a root context created later — another worker's, a new plugin
//! configuration delivered by ECDS, a VM restarted by `FAIL_RELOAD` —
//! starts deciding with it at once (its signature checked again against the
//! configuration it starts with) instead of refusing requests until its
//! first poll lands.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{BufferType, ContextType, LogLevel, MapType};
use recgate_core::Policy;
use serde_json::{json, Value};

use crate::config::{PluginConfig, PolicyServer};
use crate::headers::readable;
use crate::host;
use crate::host::log;
use crate::http::EdgeRequest;
use crate::metrics::{stat_safe, Metrics};
use crate::reload::{judge, Accepted, PolicyVerdict, ReloadFailure, Running};
use crate::shared::Shared;

/// Seconds between ticks: polls happen on the tick after `pollSeconds`, and
/// the policy-age gauges move once a second.
const TICK_SECONDS: u64 = 1;
const NANOS: u64 = 1_000_000_000;

/// The plugin's root context.
#[derive(Default)]
pub struct PolicyRoot {
    shared: Option<Rc<RefCell<Shared>>>,
    etag: Option<String>,
    revision_stat: Option<String>,
    /// The running policy's serial, when it was signed.
    serial: Option<u64>,
    /// When the running policy was installed (Envoy's clock, ns).
    installed_at: u64,
    /// When the policy server last answered with a good or unchanged policy.
    confirmed_at: u64,
    /// When the last poll was sent.
    polled_at: u64,
}

/// The shared-data key of a policy server's last good policy.
fn last_good_key(server: &PolicyServer) -> String {
    format!(
        "recgate.last_good_policy|{}|{}|{}",
        server.cluster, server.authority, server.path
    )
}

impl PolicyRoot {
    fn metrics(&self, f: impl FnOnce(&mut Metrics)) {
        if let Some(shared) = &self.shared {
            f(&mut shared.borrow_mut().metrics);
        }
    }

    fn install(&mut self, accepted: Accepted, source: &str) {
        let Some(shared) = &self.shared else { return };
        let policy = accepted.policy;
        let mut s = shared.borrow_mut();
        let stat = format!(
            "recgate.policy.active.{}.{}",
            stat_safe(policy.revision()),
            policy.content_hash().get(..12).unwrap_or("")
        );
        if let Some(old) = self.revision_stat.replace(stat.clone()) {
            s.metrics.gauge(&old, 0);
        }
        s.metrics.gauge(&stat, 1);
        s.metrics
            .gauge("recgate.policy.serial", accepted.serial.unwrap_or(0));
        let signed = match (&accepted.serial, &accepted.key_id) {
            (Some(serial), Some(key)) => format!(", serial {serial} signed by key {key}"),
            _ => String::new(),
        };
        log(
            LogLevel::Info,
            &format!(
                "recgate: policy revision {} (sha256 {}{signed}) active, from {source}",
                policy.revision(),
                policy.content_hash()
            ),
        );
        self.serial = accepted.serial;
        self.installed_at = host::now_nanos();
        s.policy = Some(Rc::new(policy));
    }

    fn failed(&self, failure: &ReloadFailure) {
        log(
            LogLevel::Warn,
            &format!("recgate: {failure}; keeping the active policy"),
        );
        let name = format!("recgate.policy.reload_failures.{}", failure.word());
        self.metrics(|m| m.count(&name));
    }

    fn running(&self) -> Option<(Rc<Policy>, Option<u64>)> {
        let shared = self.shared.as_ref()?;
        let policy = shared.borrow().policy.clone()?;
        Some((policy, self.serial))
    }

    fn poll(&mut self) {
        let Some(shared) = &self.shared else { return };
        let config = shared.borrow().config.clone();
        let Some(server) = &config.policy_server else {
            return;
        };
        self.polled_at = host::now_nanos();
        let mut headers = vec![
            (":method", "GET"),
            (":path", server.path.as_str()),
            (":authority", server.authority.as_str()),
        ];
        if let Some(tag) = &self.etag {
            headers.push(("if-none-match", tag.as_str()));
        }
        if self
            .dispatch_http_call(
                &server.cluster,
                headers,
                None,
                vec![],
                Duration::from_millis(server.timeout_ms),
            )
            .is_err()
        {
            self.failed(&ReloadFailure::Unreachable("it could not be sent".into()));
        }
    }

    /// Judges a policy and its envelope against the running policy.
    fn judged(&self, config: &PluginConfig, body: &[u8], envelope: Option<&[u8]>) -> PolicyVerdict {
        let running = self.running();
        let running = running.as_ref().map(|(p, serial)| Running {
            serial: *serial,
            content_hash: p.content_hash(),
        });
        judge(body, envelope, config.signing.as_ref(), running)
    }

    /// The policy server's answer with a body: judged, then installed or refused.
    fn answered(&mut self, headers: &crate::headers::HeaderMap, body: &[u8]) {
        let Some(shared) = &self.shared else { return };
        let config = shared.borrow().config.clone();
        let envelope = config.signing.as_ref().and_then(|s| headers.get(&s.header));
        match self.judged(&config, body, envelope) {
            PolicyVerdict::Install(accepted) => {
                // An ETag that is not printable text is not sent back; the next poll fetches in full.
                self.etag = headers.get("etag").and_then(readable).map(str::to_string);
                self.install(*accepted, "the policy server");
                self.confirmed_at = self.installed_at;
                self.metrics(|m| m.count("recgate.policy.reloads"));
                if let Some(server) = &config.policy_server {
                    let kept = json!({
                        "policy": String::from_utf8_lossy(body),
                        "signature": envelope.and_then(readable),
                    });
                    let _ =
                        host::set_shared_data(&last_good_key(server), kept.to_string().as_bytes());
                }
            }
            PolicyVerdict::Unchanged => {
                self.etag = headers.get("etag").and_then(readable).map(str::to_string);
                self.confirmed_at = host::now_nanos();
            }
            PolicyVerdict::Refused(failure) => self.failed(&failure),
        }
    }

    /// The last good policy this Envoy's VMs got from the server, checked
    /// again under this configuration.
    fn last_good(&self, config: &PluginConfig) -> Option<Accepted> {
        let server = config.policy_server.as_ref()?;
        let bytes = host::shared_data(&last_good_key(server))?;
        let kept: Value = serde_json::from_slice(&bytes).ok()?;
        let policy = kept.get("policy")?.as_str()?;
        let envelope = kept.get("signature").and_then(Value::as_str);
        match judge(
            policy.as_bytes(),
            envelope.map(str::as_bytes),
            config.signing.as_ref(),
            None,
        ) {
            PolicyVerdict::Install(accepted) => Some(*accepted),
            PolicyVerdict::Refused(failure) => {
                log(
                    LogLevel::Warn,
                    &format!("recgate: the last good policy of this Envoy is not used: {failure}"),
                );
                None
            }
            PolicyVerdict::Unchanged => None,
        }
    }

    /// The policy-age gauges (whole seconds).
    fn ages(&self) {
        let now = host::now_nanos();
        let age = |t: u64| {
            if t == 0 {
                0
            } else {
                now.saturating_sub(t) / NANOS
            }
        };
        let (installed, confirmed) = (age(self.installed_at), age(self.confirmed_at));
        let polled = self
            .shared
            .as_ref()
            .is_some_and(|s| s.borrow().config.policy_server.is_some());
        self.metrics(|m| {
            m.gauge("recgate.policy.age_seconds", installed);
            if polled {
                m.gauge("recgate.policy.confirmed_age_seconds", confirmed);
            }
        });
    }
}

impl Context for PolicyRoot {
    fn on_http_call_response(
        &mut self,
        _token: u32,
        _headers: usize,
        body_size: usize,
        _trailers: usize,
    ) {
        let headers = host::map(MapType::HttpCallResponseHeaders).unwrap_or_default();
        match headers.get(":status") {
            Some(b"304") => self.confirmed_at = host::now_nanos(),
            Some(b"200") => {
                let body = host::buffer(BufferType::HttpCallResponseBody, 0, body_size)
                    .unwrap_or_default();
                self.answered(&headers, &body);
            }
            other => {
                let status = other.map(String::from_utf8_lossy);
                self.failed(&ReloadFailure::Unreachable(format!("status {status:?}")));
            }
        }
    }
}

impl RootContext for PolicyRoot {
    fn on_configure(&mut self, size: usize) -> bool {
        let bytes = host::buffer(BufferType::PluginConfiguration, 0, size).unwrap_or_default();
        let config = match PluginConfig::parse(&bytes) {
            Ok(c) => Rc::new(c),
            Err(e) => {
                log(
                    LogLevel::Critical,
                    &format!("recgate: refusing to start: {e}"),
                );
                return false;
            }
        };
        let inline = match config.policy.as_deref().map(Policy::from_json) {
            None => None,
            Some(Ok(policy)) => Some(policy),
            Some(Err(e)) => {
                log(
                    LogLevel::Critical,
                    &format!("recgate: refusing to start: the inline policy is invalid: {e}"),
                );
                return false;
            }
        };
        self.shared = Some(Rc::new(RefCell::new(Shared {
            config: config.clone(),
            policy: None,
            metrics: Metrics::new(&config.route_names),
            facts_memo: Rc::default(),
        })));
        // The server's last good policy supersedes the inline one it was started with.
        if let Some(accepted) = self.last_good(&config) {
            self.install(
                accepted,
                "this Envoy's last good policy from the policy server",
            );
        } else if let Some(policy) = inline {
            let accepted = Accepted {
                policy,
                serial: None,
                key_id: None,
            };
            self.install(accepted, "the plugin configuration");
        }
        self.set_tick_period(Duration::from_secs(TICK_SECONDS));
        if config.policy_server.is_some() {
            self.poll();
        }
        self.ages();
        true
    }

    fn on_tick(&mut self) {
        let poll_seconds = self.shared.as_ref().and_then(|s| {
            s.borrow()
                .config
                .policy_server
                .as_ref()
                .map(|p| p.poll_seconds)
        });
        if let Some(every) = poll_seconds {
            let due = self.polled_at.saturating_add(every.saturating_mul(NANOS));
            // A tick can come a little early: half a tick of slack.
            if host::now_nanos().saturating_add(NANOS / 2) >= due {
                self.poll();
            }
        }
        self.ages();
    }

    fn create_http_context(&self, context_id: u32) -> Option<Box<dyn HttpContext>> {
        // Always a context: without a configuration it refuses every request.
        Some(Box::new(EdgeRequest::new(self.shared.clone(), context_id)))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}
