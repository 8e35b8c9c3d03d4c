//! # recgate-proxy
//!
//! The recgate Envoy filter: a proxy-wasm HTTP filter that decides every API
//! request with the recgate core — the same decisions the browser package
//! makes, enforced at the edge. Configuration and wire contract:
//! `docs/envoy-filter.md`. Module map: [`config`] (plugin configuration),
//! [`routes`] (path normalisation and the route table), [`listing`] (list
//! response filtering), `root` (policy lifecycle), `http` (one request),
//! `metrics` (stats).

pub mod config;
mod http;
pub mod listing;
mod metrics;
mod root;
pub mod routes;

/// The proxy-wasm entry point. The SDK's macro needs `unsafe` (module
/// constructors) and `#[no_mangle]`; nothing else in the crate does.
#[allow(unsafe_code)]
mod entry {
    use proxy_wasm::traits::RootContext;
    use proxy_wasm::types::LogLevel;

    proxy_wasm::main! {{
        proxy_wasm::set_log_level(LogLevel::Info);
        proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(crate::root::Root::default()) });
    }}
}
