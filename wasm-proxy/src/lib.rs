//! # recgate-proxy
//!
//! The recgate Envoy filter: a proxy-wasm HTTP filter that decides every API
//! request with the recgate core — the same decisions the browser package
//! makes, enforced at the edge. Configuration and wire contract:
//! `docs/envoy-filter.md`.
//!
//! Module map, one job each (the proxy-wasm Rust SDK's layout: a root
//! context and an HTTP context):
//! - [`root`]: the root context — configuration and the policy lifecycle
//!   (what a policy-server answer becomes: [`reload`], signatures included);
//! - [`http`]: the HTTP context — one request's state machine;
//! - [`operations`]: each route's action as the core's operations, and the verdict;
//! - [`shared`]: what both contexts of a VM share;
//! - [`host`]: the byte-safe host-call layer (no SDK call that can panic on
//!   bytes from the network);
//! - host-free, driven by unit tests and fuzz targets: [`headers`] (header
//!   maps as bytes), [`path`] (canonical paths, queries), [`routes`] (the
//!   route table), [`config`] (plugin configuration), [`identity`] (claims,
//!   impersonation), [`attributes`] (facts lookups and their cache),
//!   [`bodies`] (request bodies decided on), [`rewrite`] (JSON bodies),
//!   [`judging`] (entities judged by the core), [`respond`] (replies),
//!   [`decision_log`] (sampled, masked decision-log lines), [`metadata`]
//!   (decision fields for Envoy's access logs), [`ids`] (decision ids),
//!   [`metrics`] (stats); [`census`] (host calls counted for bench/edge,
//!   feature `hostcall-census` only).
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        reason = "unit tests: a panic is a failed test with its message"
    )
)]

pub mod attributes;
pub mod bodies;
mod census;
pub mod config;
pub mod decision_log;
pub mod headers;
mod host;
mod http;
pub mod identity;
pub mod ids;
pub mod judging;
pub mod metadata;
mod metrics;
mod operations;
pub mod path;
pub mod reload;
mod respond;
pub mod rewrite;
mod root;
pub mod routes;
mod shared;

/// The proxy-wasm entry point. The SDK's macro needs `unsafe` (module
/// constructors) and `#[no_mangle]`; only [`host`] needs it besides.
#[allow(
    unsafe_code,
    reason = "the proxy-wasm entry macro needs `unsafe` (module constructors) and `#[no_mangle]`"
)]
mod entry {
    use proxy_wasm::traits::RootContext;
    use proxy_wasm::types::LogLevel;

    proxy_wasm::main! {{
        proxy_wasm::set_log_level(LogLevel::Info);
        proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(crate::root::PolicyRoot::default()) });
    }}
}
