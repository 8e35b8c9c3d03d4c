//! The root context — configuration and the policy's lifecycle, nothing
//! else: reads the plugin configuration, holds the active policy, polls the
//! policy server (ETag / If-None-Match) on a timer, compiles a new policy off
//! the request path and switches to it at once — keeping the last good one
//! when a fetch, an answer's bytes or a validation fail — and creates the
//! request contexts ([`crate::http::EdgeRequest`]).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{BufferType, ContextType, LogLevel, MapType};
use recgate_core::Policy;

use crate::config::PluginConfig;
use crate::headers::readable;
use crate::host;
use crate::http::EdgeRequest;
use crate::metrics::{stat_safe, Metrics};
use crate::shared::{log, Shared};

/// The plugin's root context.
#[derive(Default)]
pub struct PolicyRoot {
    shared: Option<Rc<RefCell<Shared>>>,
    etag: Option<String>,
    revision_stat: Option<String>,
}

impl PolicyRoot {
    fn install(&mut self, policy: Policy, source: &str) {
        let Some(shared) = &self.shared else { return };
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
        log(
            LogLevel::Info,
            &format!(
                "recgate: policy revision {} (sha256 {}) active, from {source}",
                policy.revision(),
                policy.content_hash()
            ),
        );
        s.policy = Some(Rc::new(policy));
    }

    fn failed(&self, why: &str) {
        log(
            LogLevel::Warn,
            &format!("recgate: {why}; keeping the active policy"),
        );
        if let Some(shared) = &self.shared {
            shared
                .borrow_mut()
                .metrics
                .count("recgate.policy.reload_failures");
        }
    }

    fn poll(&mut self) {
        let Some(shared) = &self.shared else { return };
        let config = shared.borrow().config.clone();
        let Some(server) = &config.policy_server else {
            return;
        };
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
            self.failed("the policy poll could not be sent");
        }
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
            Some(b"304") => {}
            Some(b"200") => {
                let body = host::buffer(BufferType::HttpCallResponseBody, 0, body_size)
                    .unwrap_or_default();
                let Ok(text) = std::str::from_utf8(&body) else {
                    return self.failed("the policy server sent a policy that is not UTF-8");
                };
                match Policy::from_json(text) {
                    Ok(p) => {
                        // An ETag that is not printable text is not sent back; the next poll fetches in full.
                        self.etag = headers.get("etag").and_then(readable).map(str::to_string);
                        self.install(p, "the policy server");
                        if let Some(shared) = &self.shared {
                            shared.borrow_mut().metrics.count("recgate.policy.reloads");
                        }
                    }
                    Err(e) => {
                        let first = e.errors.first().map(|x| x.to_string()).unwrap_or_default();
                        self.failed(&format!(
                            "the policy server sent an invalid policy ({} problems, first: {first})",
                            e.errors.len()
                        ));
                    }
                }
            }
            other => {
                let status = other.map(String::from_utf8_lossy);
                self.failed(&format!("policy poll failed (status {status:?})"));
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
        self.shared = Some(Rc::new(RefCell::new(Shared {
            config: config.clone(),
            policy: None,
            metrics: Metrics::default(),
        })));
        if let Some(text) = &config.policy {
            match Policy::from_json(text) {
                Ok(p) => self.install(p, "the plugin configuration"),
                Err(e) => {
                    log(
                        LogLevel::Critical,
                        &format!("recgate: refusing to start: the inline policy is invalid: {e}"),
                    );
                    return false;
                }
            }
        }
        if let Some(server) = &config.policy_server {
            self.set_tick_period(Duration::from_secs(server.poll_seconds));
            self.poll();
        }
        true
    }

    fn on_tick(&mut self) {
        self.poll();
    }

    fn create_http_context(&self, context_id: u32) -> Option<Box<dyn HttpContext>> {
        // Always a context: without a configuration it refuses every request.
        Some(Box::new(EdgeRequest::new(self.shared.clone(), context_id)))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}
