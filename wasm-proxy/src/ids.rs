//! Decision ids: 128 random bits from WASI's random source. When the random
//! source fails, the id is derived instead — never a constant: Envoy's clock
//! in nanoseconds, this VM's request counter and the context id, so no two
//! decisions of one VM share an id and ids of different VMs differ unless
//! they were made in the same nanosecond with the same counter and context.

use std::sync::atomic::{AtomicU64, Ordering};

use recgate_core::decision::decision_id;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh decision id (32 lowercase hex digits).
pub fn new_id(context_id: u32) -> String {
    let mut bytes = [0u8; 16];
    crate::census::tick(crate::census::Call::Random);
    if getrandom::fill(&mut bytes).is_ok() {
        return decision_id(bytes);
    }
    derived(
        crate::host::now_nanos(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        context_id,
    )
}

/// The id made from a time, a counter and a context id.
pub fn derived(nanos: u64, counter: u64, context_id: u32) -> String {
    let mut bytes = [0u8; 16];
    let (time, rest) = bytes.split_at_mut(8);
    time.copy_from_slice(&nanos.to_be_bytes());
    let (count, ctx) = rest.split_at_mut(4);
    count.copy_from_slice(&(counter as u32).to_be_bytes());
    ctx.copy_from_slice(&context_id.to_be_bytes());
    decision_id(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_differ() {
        let a = derived(1, 0, 7);
        assert_ne!(a, derived(1, 1, 7));
        assert_ne!(a, derived(1, 0, 8));
        assert_ne!(a, derived(2, 0, 7));
        assert_eq!(a.len(), 32);
    }
}
