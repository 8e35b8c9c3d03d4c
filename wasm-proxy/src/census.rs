//! The host-call census of `bench/edge` (issue #14: "the number of host
//! calls per request for each path, in the table"). Built only with the
//! `hostcall-census` feature: every call the filter makes into Envoy ticks
//! a counter by kind, and at the end of each stream (`on_log`) the counts
//! are added to Envoy stats `recgate.census.<kind>` (those additions are
//! made after the count is taken, so they are not in it). Without the
//! feature every tick is an empty inline function and nothing is exported:
//! the deployed filter carries no census.

/// The kinds of host call the filter makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `proxy_get_header_map_pairs`.
    GetHeaders,
    /// `proxy_replace_header_map_value` / `proxy_remove_header_map_value`.
    SetHeader,
    /// `proxy_get_buffer_bytes`.
    GetBuffer,
    /// `proxy_set_buffer_bytes`.
    SetBuffer,
    /// `proxy_get_property`.
    GetProperty,
    /// `proxy_set_property`.
    SetProperty,
    /// `proxy_send_local_response`.
    SendResponse,
    /// `proxy_get_shared_data`.
    GetShared,
    /// `proxy_set_shared_data`.
    SetShared,
    /// `proxy_continue_stream` / `proxy_close_stream`.
    Stream,
    /// `proxy_get_current_time_nanoseconds`.
    Time,
    /// WASI `random_get`.
    Random,
    /// `proxy_define_metric` / `proxy_increment_metric` / `proxy_record_metric`.
    Metric,
    /// `proxy_log`.
    Log,
    /// `proxy_http_call`.
    Dispatch,
}

#[cfg(feature = "hostcall-census")]
mod counts {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::Call;

    pub(super) const KINDS: [(Call, &str); 15] = [
        (Call::GetHeaders, "get_headers"),
        (Call::SetHeader, "set_header"),
        (Call::GetBuffer, "get_buffer"),
        (Call::SetBuffer, "set_buffer"),
        (Call::GetProperty, "get_property"),
        (Call::SetProperty, "set_property"),
        (Call::SendResponse, "send_response"),
        (Call::GetShared, "get_shared_data"),
        (Call::SetShared, "set_shared_data"),
        (Call::Stream, "stream"),
        (Call::Time, "time"),
        (Call::Random, "random"),
        (Call::Metric, "metric"),
        (Call::Log, "log"),
        (Call::Dispatch, "http_call"),
    ];

    #[expect(
        clippy::declare_interior_mutable_const,
        reason = "an array initialiser of atomics, each element its own counter"
    )]
    const ZERO: AtomicU64 = AtomicU64::new(0);
    pub(super) static COUNTS: [AtomicU64; 15] = [ZERO; 15];

    pub(super) fn slot(call: Call) -> Option<&'static AtomicU64> {
        let at = KINDS.iter().position(|(c, _)| *c == call)?;
        COUNTS.get(at)
    }

    pub(super) fn drain() -> Vec<(&'static str, u64)> {
        KINDS
            .iter()
            .zip(COUNTS.iter())
            .map(|((_, name), n)| (*name, n.swap(0, Ordering::Relaxed)))
            .collect()
    }
}

/// Counts one host call (nothing without the `hostcall-census` feature).
#[inline(always)]
pub fn tick(call: Call) {
    #[cfg(feature = "hostcall-census")]
    if let Some(n) = counts::slot(call) {
        n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    #[cfg(not(feature = "hostcall-census"))]
    let _ = call;
}

/// The calls counted since the last drain, by kind name, and the counts
/// set to zero (`Metrics::report_census` adds them to Envoy stats).
#[cfg(feature = "hostcall-census")]
pub fn drain() -> Vec<(&'static str, u64)> {
    counts::drain()
}
