//! Header maps as bytes: the proxy-wasm wire form parsed with bounds checks
//! (so no byte from a client or an upstream can make it panic), lookups that
//! never assume UTF-8, and the checks a header the filter must *read* has to
//! pass. A header the filter needs that is not valid is refused for that
//! request alone; one it does not need is left alone, whatever its bytes.

/// A header or trailer map: names and values exactly as Envoy holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderMap(pub Vec<(Vec<u8>, Vec<u8>)>);

impl HeaderMap {
    /// The first value of `name` (ASCII case-insensitive), as bytes.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| v.as_slice())
    }

    /// Every value of `name`, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| v.as_slice())
    }

    /// The first value of `name` as text a decision may use: printable
    /// UTF-8 without control characters. `Err` when present but not that.
    pub fn text(&self, name: &str) -> Result<Option<&str>, BadHeader> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => readable(v).map(Some).ok_or(BadHeader),
        }
    }

    /// Names (lower-cased bytes) of every entry whose name starts with `prefix`.
    pub fn names_with_prefix(&self, prefix: &str) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = self
            .0
            .iter()
            .filter(|(k, _)| {
                k.len() >= prefix.len()
                    && k.get(..prefix.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
            })
            .map(|(k, _)| k.to_ascii_lowercase())
            .collect();
        out.dedup();
        out
    }

    /// Whether any entry's name is `name`.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// A header the filter must read holds bytes it cannot read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadHeader;

/// `bytes` as text a decision may use: valid UTF-8, no control characters.
pub fn readable(bytes: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(bytes).ok()?;
    (!s.chars().any(char::is_control)).then_some(s)
}

fn u32_at(bytes: &[u8], at: usize) -> Option<usize> {
    let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    usize::try_from(u32::from_le_bytes(b)).ok()
}

/// Parses the proxy-wasm map encoding: a count, `count` pairs of (name
/// length, value length), then each name and value followed by a NUL.
/// `None` when the bytes do not hold exactly that.
pub fn parse_map(bytes: &[u8]) -> Option<HeaderMap> {
    if bytes.is_empty() {
        return Some(HeaderMap::default());
    }
    let count = u32_at(bytes, 0)?;
    let mut data = count.checked_mul(8)?.checked_add(4)?;
    if data > bytes.len() {
        return None;
    }
    let mut out = Vec::with_capacity(count);
    for n in 0..count {
        let sizes = 4 + n * 8;
        let name_len = u32_at(bytes, sizes)?;
        let value_len = u32_at(bytes, sizes + 4)?;
        let mut take = |len: usize| -> Option<Vec<u8>> {
            let end = data.checked_add(len)?;
            let chunk = bytes.get(data..end)?.to_vec();
            // Each name and value ends with a NUL.
            (bytes.get(end) == Some(&0)).then_some(())?;
            data = end.checked_add(1)?;
            Some(chunk)
        };
        let name = take(name_len)?;
        let value = take(value_len)?;
        out.push((name, value));
    }
    Some(HeaderMap(out))
}

/// The proxy-wasm map encoding of `pairs`.
pub fn serialize_map(pairs: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let len = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
    out.extend_from_slice(&len(pairs.len()));
    for (k, v) in pairs {
        out.extend_from_slice(&len(k.len()));
        out.extend_from_slice(&len(v.len()));
    }
    for (k, v) in pairs {
        out.extend_from_slice(k.as_bytes());
        out.push(0);
        out.extend_from_slice(v);
        out.push(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_round_trip_with_any_bytes() {
        let pairs: [(&str, &[u8]); 3] = [
            (":path", b"/a"),
            ("x-bad", b"\xff\xfe\x00ok"),
            ("empty", b""),
        ];
        let m = parse_map(&serialize_map(&pairs)).unwrap();
        assert_eq!(m.get(":PATH"), Some(&b"/a"[..]));
        assert_eq!(m.get("x-bad"), Some(&b"\xff\xfe\x00ok"[..]));
        assert_eq!(m.text("x-bad"), Err(BadHeader));
        assert_eq!(m.text(":path"), Ok(Some("/a")));
        assert_eq!(m.text("missing"), Ok(None));
        assert_eq!(parse_map(b"").unwrap(), HeaderMap::default());
    }

    #[test]
    fn truncated_or_lying_maps_are_refused() {
        let good = serialize_map(&[("a", b"b")]);
        for cut in 1..good.len() {
            assert!(parse_map(&good[..cut]).is_none(), "cut at {cut}");
        }
        assert!(parse_map(&[255, 255, 255, 255]).is_none());
        let mut lying = good.clone();
        lying[4] = 200;
        assert!(parse_map(&lying).is_none());
    }

    #[test]
    fn prefixes_match_without_utf8() {
        let m = HeaderMap(vec![
            (b"X-Recgate-Redact".to_vec(), b"0".to_vec()),
            (b"x-recgate-\xff".to_vec(), b"1".to_vec()),
            (b"x-other".to_vec(), b"1".to_vec()),
        ]);
        assert_eq!(m.names_with_prefix("x-recgate-").len(), 2);
    }
}
