//! Request paths in canonical form. The path the filter decides on must be
//! the path the upstream acts on, so anything two HTTP stacks could read
//! differently is refused before any decision: encoded `/`, `\`, `.`, `%`,
//! `;` or control characters, percent-encoded non-ASCII (overlong forms),
//! dot segments, `;` path parameters (servlet containers such as Tomcat strip
//! them before resolving `..`, so `/healthz/..;/api/…` would reach the API),
//! backslashes, fragments and malformed escapes. What remains is decoded
//! where decoding is harmless, repeated slashes merged, a trailing slash
//! dropped — and that is what the upstream receives.

/// Why a path was refused before any decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPath(pub &'static str);

/// A path in canonical form: what is matched and what is forwarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalPath {
    /// The path without query, decoded where decoding is harmless.
    pub path: String,
    /// The query string, `?` included, untouched.
    pub query: String,
}

impl CanonicalPath {
    /// The path's segments.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.path.split('/').filter(|s| !s.is_empty())
    }

    /// Whether this path is `prefix` or lies below it, whole segments only
    /// (`/healthz` covers `/healthz` and `/healthz/live`, not `/healthzX`).
    pub fn under(&self, prefix: &str) -> bool {
        let p = prefix.trim_end_matches('/');
        self.path == p
            || self
                .path
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

/// Normalises a request path (see the module documentation).
pub fn normalize(raw: &str) -> Result<CanonicalPath, BadPath> {
    if raw.contains('#') {
        return Err(BadPath("a fragment"));
    }
    let (path, query) = match raw.find('?') {
        Some(i) => (raw.get(..i).unwrap_or(""), raw.get(i..).unwrap_or("")),
        None => (raw, ""),
    };
    if !path.starts_with('/') {
        return Err(BadPath("the path must start with /"));
    }
    let bytes = path.as_bytes();
    let mut decoded = String::with_capacity(path.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .ok_or(BadPath("a truncated percent-encoding"))?;
                let v = std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or(BadPath("a malformed percent-encoding"))?;
                if v.is_ascii_alphanumeric() || v == b'-' || v == b'_' || v == b'~' {
                    decoded.push(char::from(v));
                } else if matches!(v, b'/' | b'\\' | b'.' | b'%' | b';')
                    || !(0x20..0x7f).contains(&v)
                {
                    return Err(BadPath(
                        "an encoded slash, backslash, dot, percent, semicolon, control or non-ASCII byte",
                    ));
                } else {
                    // Other reserved characters stay encoded, in upper case.
                    decoded.push('%');
                    decoded.push_str(&format!("{v:02X}"));
                }
                i += 3;
            }
            b'\\' => return Err(BadPath("a backslash")),
            b';' => return Err(BadPath("a path parameter (;)")),
            b if b < 0x20 || b == 0x7f => return Err(BadPath("a control character")),
            _ => {
                // Multi-byte UTF-8 is copied as is.
                let ch_len = utf8_len(b);
                let chunk = path.get(i..i + ch_len).ok_or(BadPath("invalid UTF-8"))?;
                decoded.push_str(chunk);
                i += ch_len;
                continue;
            }
        }
    }
    let mut segments = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return Err(BadPath("a dot segment")),
            s => segments.push(s),
        }
    }
    Ok(CanonicalPath {
        path: format!("/{}", segments.join("/")),
        query: query.into(),
    })
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// The query's parameters, decoded (`+` is a space); `None` when an escape
/// is malformed or a value is not UTF-8 — such a query is refused.
pub fn query_params(query: &str) -> Option<Vec<(String, String)>> {
    let q = query.strip_prefix('?').unwrap_or(query);
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode_component(k)?, decode_component(v)?))
        })
        .collect()
}

/// A canonical path segment with its remaining percent-encodings decoded
/// (what an API means by it: a path parameter's value); `None` when not UTF-8.
pub fn decode_segment(s: &str) -> Option<String> {
    decode_component(&s.replace('+', "%2B"))
}

fn decode_component(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_harmless_forms() {
        let n = |p: &str| normalize(p).map(|c| c.path);
        assert_eq!(
            n("/api/v2/routing/queues/"),
            Ok("/api/v2/routing/queues".into())
        );
        assert_eq!(
            n("//api///v2/routing/queues"),
            Ok("/api/v2/routing/queues".into())
        );
        assert_eq!(
            n("/api/v2/routing/%71ueues"),
            Ok("/api/v2/routing/queues".into())
        );
        assert_eq!(n("/api/v2/users/a%20b"), Ok("/api/v2/users/a%20b".into()));
        assert_eq!(
            normalize("/api/v2/routing/queues?pageSize=25").map(|c| c.query),
            Ok("?pageSize=25".into())
        );
    }

    #[test]
    fn refuses_tricks() {
        for bad in [
            "/api/v2/users/../routing/queues",
            "/api/v2/./users",
            "/api/v2/users/%2e%2e/routing/queues",
            "/api/v2/users%2Fq",
            "/api/v2/users%5cq",
            "/api/v2/users/%00",
            "/api/v2/users/%",
            "/api/v2/users/%zz",
            "/api/v2/users\\x",
            "api/v2/users",
            "/api/v2/users/%252e",
            "/healthz/..;/api/v2/users",
            "/healthz/.;x=1/api",
            "/api/v2/users/u1;jsessionid=1",
            "/api/v2/users/u1%3b",
            "/api/v2/users/%c0%ae%c0%ae",
            "/api/v2/users#frag",
        ] {
            assert!(normalize(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn prefixes_are_whole_segments() {
        let p = |s: &str| normalize(s).unwrap();
        assert!(p("/healthz").under("/healthz"));
        assert!(p("/healthz/live").under("/healthz/"));
        assert!(!p("/healthzX").under("/healthz"));
        assert!(!p("/healthz-admin/x").under("/healthz"));
    }

    #[test]
    fn queries_decode_strictly() {
        assert_eq!(
            query_params("?download=true&formatId=MP3&x=a%20b+c").unwrap(),
            vec![
                ("download".into(), "true".into()),
                ("formatId".into(), "MP3".into()),
                ("x".into(), "a b c".into())
            ]
        );
        assert!(query_params("?a=%zz").is_none());
        assert!(query_params("?a=%ff").is_none());
        assert_eq!(query_params("").unwrap(), vec![]);
    }
}
