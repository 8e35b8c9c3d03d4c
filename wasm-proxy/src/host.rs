//! The byte-safe host-call layer: every call into Envoy that carries data
//! from outside the filter — request and response headers and trailers,
//! bodies, dispatch responses, properties, shared data — goes through here.
//!
//! Why not the proxy-wasm SDK's wrappers: in 0.2.5 the `String`-returning
//! ones (`get_http_request_header(s)`, `get_http_response_header(s)`, the
//! trailer ones, `get_http_call_response_header(s)`, `hostcalls::get_map`,
//! `get_map_value`) call `String::from_utf8(..).unwrap()` on bytes a client,
//! an upstream or a policy server chose, and the `*_bytes` map variants still
//! unwrap the header *names*; every wrapper also `panic!`s on a host status
//! it did not expect (`set_buffer`, `continue_stream`, `send_local_response`,
//! `get_shared_data`…). A panic in the VM takes the filter down for every
//! request of every user until Envoy restarts it (docs/envoy-filter.md lists
//! each avoided function). Here the ABI is called directly: names and values
//! stay bytes, a host map is parsed with bounds checks ([`crate::headers`]),
//! and every status is a value the caller decides on.
//!
//! `dispatch_http_call` stays the SDK's: its dispatcher must learn the token
//! to route the answer back to this context, and it only sends strings the
//! filter built itself.
#![expect(
    unsafe_code,
    reason = "the proxy-wasm ABI is foreign functions; this module is the only place they are called"
)]

use std::ptr::{null, null_mut};

use proxy_wasm::types::{BufferType, MapType};

use crate::census::{tick, Call};
use crate::headers::{parse_map, serialize_map, HeaderMap};

/// Logs through Envoy (a failed log call is not worth failing a request for;
/// the SDK's `log` carries only strings the filter built, and returns its status).
pub fn log(level: proxy_wasm::types::LogLevel, msg: &str) {
    tick(Call::Log);
    let _ = proxy_wasm::hostcalls::log(level, msg);
}

/// A host status other than Ok, as the ABI numbers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostError(pub u32);

const OK: u32 = 0;
const NOT_FOUND: u32 = 1;
// The SDK declares these imports returning its `Status` enum; they are
// declared here returning `u32`, which cannot hold an invalid enum value.

#[link(wasm_import_module = "env")]
extern "C" {
    fn proxy_get_header_map_pairs(map_type: u32, data: *mut *mut u8, size: *mut usize) -> u32;
    fn proxy_replace_header_map_value(
        map_type: u32,
        key_data: *const u8,
        key_size: usize,
        value_data: *const u8,
        value_size: usize,
    ) -> u32;
    fn proxy_remove_header_map_value(map_type: u32, key_data: *const u8, key_size: usize) -> u32;
    fn proxy_get_buffer_bytes(
        buffer_type: u32,
        start: usize,
        max_size: usize,
        data: *mut *mut u8,
        size: *mut usize,
    ) -> u32;
    fn proxy_set_buffer_bytes(
        buffer_type: u32,
        start: usize,
        size: usize,
        data: *const u8,
        data_size: usize,
    ) -> u32;
    fn proxy_get_property(
        path_data: *const u8,
        path_size: usize,
        data: *mut *mut u8,
        size: *mut usize,
    ) -> u32;
    fn proxy_send_local_response(
        status_code: u32,
        details_data: *const u8,
        details_size: usize,
        body_data: *const u8,
        body_size: usize,
        headers_data: *const u8,
        headers_size: usize,
        grpc_status: i32,
    ) -> u32;
    fn proxy_get_shared_data(
        key_data: *const u8,
        key_size: usize,
        data: *mut *mut u8,
        size: *mut usize,
        cas: *mut u32,
    ) -> u32;
    fn proxy_set_shared_data(
        key_data: *const u8,
        key_size: usize,
        value_data: *const u8,
        value_size: usize,
        cas: u32,
    ) -> u32;
    fn proxy_set_property(
        path_data: *const u8,
        path_size: usize,
        value_data: *const u8,
        value_size: usize,
    ) -> u32;
    fn proxy_continue_stream(stream_type: u32) -> u32;
    fn proxy_close_stream(stream_type: u32) -> u32;
    fn proxy_get_current_time_nanoseconds(time: *mut u64) -> u32;
}

/// Takes ownership of a buffer the host allocated through the SDK's
/// `proxy_on_memory_allocate` (a boxed slice of exactly `size` bytes).
fn owned(data: *mut u8, size: usize) -> Vec<u8> {
    if data.is_null() {
        return Vec::new();
    }
    // SAFETY: the host wrote `size` bytes into memory it obtained from
    // `proxy_on_memory_allocate(size)`, which hands out a leaked boxed slice
    // of that length; rebuilding the Vec with capacity `size` frees it.
    unsafe { Vec::from_raw_parts(data, size, size) }
}

fn status(code: u32) -> Result<(), HostError> {
    if code == OK {
        Ok(())
    } else {
        Err(HostError(code))
    }
}

/// A whole header (or trailer) map as bytes; an unreadable map is an error.
pub fn map(map: MapType) -> Result<HeaderMap, HostError> {
    tick(Call::GetHeaders);
    let mut data = null_mut();
    let mut size = 0usize;
    // SAFETY: out-pointers to locals; the host fills them or leaves them null.
    let code = unsafe { proxy_get_header_map_pairs(map as u32, &mut data, &mut size) };
    let bytes = owned(data, size);
    status(code)?;
    parse_map(&bytes).ok_or(HostError(u32::MAX))
}

/// Sets (replacing every value) or, with `None`, removes a header.
pub fn set_map_value(map: MapType, name: &[u8], value: Option<&[u8]>) -> Result<(), HostError> {
    tick(Call::SetHeader);
    // SAFETY: name and value are valid for their lengths.
    let code = unsafe {
        match value {
            Some(v) => proxy_replace_header_map_value(
                map as u32,
                name.as_ptr(),
                name.len(),
                v.as_ptr(),
                v.len(),
            ),
            None => proxy_remove_header_map_value(map as u32, name.as_ptr(), name.len()),
        }
    };
    status(code)
}

/// `size` bytes of a buffer from `start` (empty when there is none).
pub fn buffer(kind: BufferType, start: usize, size: usize) -> Result<Vec<u8>, HostError> {
    tick(Call::GetBuffer);
    let mut data = null_mut();
    let mut got = 0usize;
    // SAFETY: out-pointers to locals.
    let code = unsafe { proxy_get_buffer_bytes(kind as u32, start, size, &mut data, &mut got) };
    let bytes = owned(data, got);
    match code {
        OK => Ok(bytes),
        NOT_FOUND => Ok(Vec::new()),
        other => Err(HostError(other)),
    }
}

/// Replaces `size` bytes of a buffer from `start` with `value`.
pub fn set_buffer(
    kind: BufferType,
    start: usize,
    size: usize,
    value: &[u8],
) -> Result<(), HostError> {
    tick(Call::SetBuffer);
    // SAFETY: value is valid for its length.
    status(unsafe { proxy_set_buffer_bytes(kind as u32, start, size, value.as_ptr(), value.len()) })
}

/// A property (request metadata, filter state) as Envoy serialises it.
pub fn property(path: &[&str]) -> Result<Option<Vec<u8>>, HostError> {
    tick(Call::GetProperty);
    let serialized = path.join("\0");
    let mut data = null_mut();
    let mut size = 0usize;
    // SAFETY: the path is valid for its length; out-pointers to locals.
    let code =
        unsafe { proxy_get_property(serialized.as_ptr(), serialized.len(), &mut data, &mut size) };
    let bytes = owned(data, size);
    match code {
        OK if data.is_null() => Ok(None),
        OK => Ok(Some(bytes)),
        NOT_FOUND => Ok(None),
        other => Err(HostError(other)),
    }
}

/// Writes a property of the stream (Envoy keeps it as filter state `wasm.<path>`).
pub fn set_property(path: &[&str], value: &[u8]) -> Result<(), HostError> {
    tick(Call::SetProperty);
    let serialized = path.join("\0");
    // SAFETY: path and value are valid for their lengths.
    status(unsafe {
        proxy_set_property(
            serialized.as_ptr(),
            serialized.len(),
            value.as_ptr(),
            value.len(),
        )
    })
}

/// Answers the request locally.
pub fn send_response(
    status_code: u32,
    headers: &[(&str, &[u8])],
    body: &[u8],
) -> Result<(), HostError> {
    tick(Call::SendResponse);
    let serialized = serialize_map(headers);
    // SAFETY: every pointer is valid for its length.
    status(unsafe {
        proxy_send_local_response(
            status_code,
            null(),
            0,
            body.as_ptr(),
            body.len(),
            serialized.as_ptr(),
            serialized.len(),
            -1,
        )
    })
}

/// A shared-data entry (`None`: absent).
pub fn shared_data(key: &str) -> Option<Vec<u8>> {
    shared_data_numbered(key).map(|(bytes, _)| bytes)
}

/// A shared-data entry and its CAS number, which Envoy renews on every
/// write of the entry (`None`: absent).
pub fn shared_data_numbered(key: &str) -> Option<(Vec<u8>, u32)> {
    tick(Call::GetShared);
    let mut data = null_mut();
    let mut size = 0usize;
    let mut cas = 0u32;
    // SAFETY: key valid for its length; out-pointers to locals.
    let code =
        unsafe { proxy_get_shared_data(key.as_ptr(), key.len(), &mut data, &mut size, &mut cas) };
    let bytes = owned(data, size);
    (code == OK && !data.is_null()).then_some((bytes, cas))
}

/// Writes a shared-data entry (last writer wins).
pub fn set_shared_data(key: &str, value: &[u8]) -> Result<(), HostError> {
    tick(Call::SetShared);
    // SAFETY: key and value valid for their lengths.
    status(unsafe {
        proxy_set_shared_data(key.as_ptr(), key.len(), value.as_ptr(), value.len(), 0)
    })
}

/// Which stream a continue or reset is about (the ABI's numbering).
#[derive(Debug, Clone, Copy)]
pub enum Stream {
    /// The request, towards the upstream.
    Request = 0,
    /// The response, towards the client.
    Response = 1,
}

/// Lets a paused stream go on.
pub fn resume(stream: Stream) -> Result<(), HostError> {
    tick(Call::Stream);
    // SAFETY: no pointers.
    status(unsafe { proxy_continue_stream(stream as u32) })
}

/// Resets a stream (nothing more reaches the client).
pub fn reset(stream: Stream) -> Result<(), HostError> {
    tick(Call::Stream);
    // SAFETY: no pointers.
    status(unsafe { proxy_close_stream(stream as u32) })
}

/// Envoy's clock, nanoseconds since the epoch (0 when it cannot say).
pub fn now_nanos() -> u64 {
    tick(Call::Time);
    let mut t = 0u64;
    // SAFETY: out-pointer to a local.
    let code = unsafe { proxy_get_current_time_nanoseconds(&mut t) };
    if code == OK {
        t
    } else {
        0
    }
}
