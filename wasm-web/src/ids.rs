//! Decision ids: 128 random bits each (SPEC §4), from `getrandom`, which in a
//! browser or Node is `crypto.getRandomValues`. Calling out to JavaScript for
//! 16 bytes costs more than the decision itself, so bytes are drawn 4 KiB at a
//! time and handed out 16 at a time; every byte is used once.

/// Bytes drawn from the system's random source per refill.
const POOL: usize = 4096;

/// A pool of random bytes.
pub struct Ids {
    pool: Vec<u8>,
    pos: usize,
}

impl Ids {
    /// An empty pool: the first id fills it.
    pub fn new() -> Ids {
        Ids {
            pool: vec![0; POOL],
            pos: POOL,
        }
    }

    /// The next 16 random bytes; `None` when the random source fails.
    pub fn next(&mut self) -> Option<[u8; 16]> {
        if self.pos + 16 > self.pool.len() {
            getrandom::fill(&mut self.pool).ok()?;
            self.pos = 0;
        }
        let bytes: [u8; 16] = self.pool.get(self.pos..self.pos + 16)?.try_into().ok()?;
        // Never hand the same bytes out twice.
        if let Some(used) = self.pool.get_mut(self.pos..self.pos + 16) {
            used.fill(0);
        }
        self.pos += 16;
        Some(bytes)
    }

    /// The next id as 32 lowercase hex digits.
    pub fn next_hex(&mut self) -> Option<String> {
        self.next().map(recgate_core::decision::decision_id)
    }
}

impl Default for Ids {
    fn default() -> Ids {
        Ids::new()
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests: a panic is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_across_refills() {
        let mut ids = Ids::new();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..(3 * POOL / 16) {
            let id = ids.next_hex().unwrap();
            assert_eq!(id.len(), 32);
            assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(seen.insert(id), "an id repeated");
        }
    }
}
