//! The probe: plugin configuration `<op> <n>` (e.g. `claim 20`) makes every
//! request run host call `<op>` `n` times in `on_http_request_headers`, then
//! go on (`buffer <n>`: read the response body n times). `n = 0` is an empty
//! Rust proxy-wasm filter; `pattern 1` makes the host calls of recgate's allow
//! path once, without its work. Measurement only.

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType, LogLevel, MetricType};

const CLAIM: [&str; 5] = [
    "metadata",
    "filter_metadata",
    "envoy.filters.http.jwt_authn",
    "jwt_payload",
    "sub",
];
const PAYLOAD: [&str; 4] = [
    "metadata",
    "filter_metadata",
    "envoy.filters.http.jwt_authn",
    "jwt_payload",
];

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Warn);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root { op: String::new(), n: 0, metric: 0 }) });
}}

struct Root {
    op: String,
    n: u32,
    metric: u32,
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        let text = self
            .get_plugin_configuration()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        let mut parts = text.split_whitespace();
        self.op = parts.next().unwrap_or("none").to_string();
        self.n = parts.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        self.metric = hostcalls::define_metric(MetricType::Counter, "probe.count").unwrap_or(0);
        // An attributes-sized cache entry, like recgate's.
        let entry = vec![b'x'; 400];
        let _ = self.set_shared_data("probe.entry", Some(&entry), None);
        true
    }

    fn create_http_context(&self, _id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Probe {
            op: self.op.clone(),
            n: self.n,
            metric: self.metric,
        }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

struct Probe {
    op: String,
    n: u32,
    metric: u32,
}

impl Context for Probe {}

impl Probe {
    /// The request-header half of the host calls recgate's filter makes on
    /// an allowed media view (its census: bench/edge/census.mjs), in order,
    /// with none of its own work; the response half is in the response callbacks.
    fn recgate_pattern(&self) -> usize {
        let mut n = self
            .get_current_time()
            .elapsed()
            .map_or(0, |d| d.as_nanos() as usize & 1);
        n += self.get_http_request_headers().len();
        for claim in ["sub", "sid", "iat"] {
            let mut path = PAYLOAD.to_vec();
            path.push(claim);
            n += self.get_property(path).map_or(0, |b| b.len());
        }
        n += self.get_shared_data("probe.entry").0.map_or(0, |b| b.len());
        let mut id = [0u8; 16];
        n += getrandom::fill(&mut id).map_or(0, |_| usize::from(id[0]));
        n += hostcalls::increment_metric(self.metric, 1).map_or(0, |_| 1);
        for field in ["decision_id", "reason", "principal", "actor", "revision", "permission"] {
            self.set_property(vec!["probe", field], Some(b"0123456789abcdef"));
        }
        for name in ["x-probe-decision", "x-probe-revision", "x-probe-principal"] {
            self.set_http_request_header(name, Some("0123456789abcdef"));
        }
        n
    }
}

impl HttpContext for Probe {
    fn on_http_request_headers(&mut self, _headers: usize, _end: bool) -> Action {
        let mut sink = 0usize;
        for _ in 0..self.n {
            sink += match self.op.as_str() {
                "claim" => self.get_property(CLAIM.to_vec()).map_or(0, |b| b.len()),
                "payload" => self.get_property(PAYLOAD.to_vec()).map_or(0, |b| b.len()),
                "headers" => self.get_http_request_headers().len(),
                "header" => self.get_http_request_header(":path").map_or(0, |h| h.len()),
                "set_header" => {
                    self.set_http_request_header("x-probe", Some("1"));
                    1
                }
                "shared" => self.get_shared_data("probe.entry").0.map_or(0, |b| b.len()),
                "random" => {
                    let mut b = [0u8; 16];
                    getrandom::fill(&mut b).map_or(0, |_| usize::from(b[0]))
                }
                "metric" => hostcalls::increment_metric(self.metric, 1).map_or(0, |_| 1),
                "set_property" => {
                    self.set_property(vec!["probe", "field"], Some(b"0123456789abcdef"));
                    1
                }
                "time" => self
                    .get_current_time()
                    .elapsed()
                    .map_or(0, |d| d.as_nanos() as usize & 1),
                "pattern" => self.recgate_pattern(),
                _ => 0,
            };
        }
        if sink == usize::MAX {
            self.set_http_request_header("x-probe-sink", Some("never"));
        }
        Action::Continue
    }

    fn on_http_response_headers(&mut self, _headers: usize, _end: bool) -> Action {
        if self.op == "pattern" {
            self.set_http_response_header("x-probe-decision", Some("0123456789abcdef"));
            self.set_http_response_header("x-probe-revision", Some("0123456789abcdef"));
            self.set_http_response_header("x-probe-carrier", None);
            let _ = self.get_http_response_headers();
            self.set_http_response_header("cache-control", Some("private, no-store"));
            self.set_http_response_header("vary", Some("Authorization"));
            self.set_http_response_header("content-length", None);
        }
        Action::Continue
    }

    fn on_http_response_body(&mut self, body_size: usize, end: bool) -> Action {
        if !end {
            return Action::Continue;
        }
        let mut sink = 0usize;
        let reads = match self.op.as_str() {
            "buffer" => self.n,
            "pattern" => {
                sink += hostcalls::increment_metric(self.metric, 1).map_or(0, |_| 1);
                1
            }
            _ => 0,
        };
        for _ in 0..reads {
            sink += self
                .get_http_response_body(0, body_size)
                .map_or(0, |b| b.len());
        }
        if sink == usize::MAX {
            self.set_http_response_header("x-probe-sink", Some("never"));
        }
        Action::Continue
    }
}
