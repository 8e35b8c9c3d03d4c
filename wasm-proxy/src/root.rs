//! The root context: reads the configuration, holds the active policy, polls
//! the policy server (ETag / If-None-Match) on a timer, compiles a new policy
//! off the request path and switches to it at once — keeping the last good
//! one when a fetch or a validation fails — and hands every request context
//! the policy of the moment.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{ContextType, LogLevel};
use recgate_core::Policy;

use crate::config::Config;
use crate::http::Gate;
use crate::metrics::{stat_safe, Metrics};

/// State shared by the root context and the request contexts of one VM.
pub struct Shared {
    /// The configuration.
    pub config: Rc<Config>,
    /// The active policy.
    pub policy: Option<Rc<Policy>>,
    /// Counters and gauges.
    pub metrics: Metrics,
}

/// The plugin's root context.
#[derive(Default)]
pub struct Root {
    shared: Option<Rc<RefCell<Shared>>>,
    etag: Option<String>,
    revision_stat: Option<String>,
}

pub(crate) fn log(level: LogLevel, msg: &str) {
    let _ = proxy_wasm::hostcalls::log(level, msg);
}

impl Root {
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
        if let Err(e) = self.dispatch_http_call(
            &server.cluster,
            headers,
            None,
            vec![],
            Duration::from_millis(server.timeout_ms),
        ) {
            log(
                LogLevel::Warn,
                &format!("recgate: policy poll could not be sent: {e:?}"),
            );
            shared
                .borrow_mut()
                .metrics
                .count("recgate.policy.reload_failures");
        }
    }
}

impl Context for Root {
    fn on_http_call_response(
        &mut self,
        _token: u32,
        _headers: usize,
        body_size: usize,
        _trailers: usize,
    ) {
        let status = self.get_http_call_response_header(":status");
        let Some(shared) = self.shared.clone() else {
            return;
        };
        match status.as_deref() {
            Some("304") => {}
            Some("200") => {
                let body = self
                    .get_http_call_response_body(0, body_size)
                    .unwrap_or_default();
                let text = String::from_utf8_lossy(&body);
                match Policy::from_json(&text) {
                    Ok(p) => {
                        self.etag = self.get_http_call_response_header("etag");
                        self.install(p, "the policy server");
                        shared.borrow_mut().metrics.count("recgate.policy.reloads");
                    }
                    Err(e) => {
                        let first = e.errors.first().map(|x| x.to_string()).unwrap_or_default();
                        log(LogLevel::Error, &format!("recgate: the policy server sent an invalid policy ({} problems, first: {first}); keeping the active one", e.errors.len()));
                        shared
                            .borrow_mut()
                            .metrics
                            .count("recgate.policy.reload_failures");
                    }
                }
            }
            other => {
                log(
                    LogLevel::Warn,
                    &format!(
                        "recgate: policy poll failed (status {other:?}); keeping the active policy"
                    ),
                );
                shared
                    .borrow_mut()
                    .metrics
                    .count("recgate.policy.reload_failures");
            }
        }
    }
}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        let bytes = self.get_plugin_configuration().unwrap_or_default();
        let config = match Config::parse(&bytes) {
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

    fn create_http_context(&self, _id: u32) -> Option<Box<dyn HttpContext>> {
        let shared = self.shared.clone()?;
        Some(Box::new(Gate::new(shared)))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}
