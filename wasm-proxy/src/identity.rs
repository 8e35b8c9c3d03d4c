//! Who is asking: the token claims `jwt_authn` verified (read from its
//! dynamic metadata, never from headers) and the principal an actor acts for
//! (the impersonation header). A claim of the wrong type is refused, never
//! ignored: a `sid` that is not a string could be a revoked session an
//! issuer wrapped in an array, and ignoring it would skip the revocation.
//!
//! How Envoy 1.40 hands metadata values to `get_property` (observed through
//! real Envoy; tests/envoy/hostile.test.mjs holds each case): a string as its
//! bytes; a number as the 8 bytes of a little-endian double; a boolean as one
//! byte; a list as a proxy-wasm pair map with each element a key and an empty
//! value (`["s-1"]` → `01 00 00 00 03 00 00 00 00 00 00 00 "s-1" 00 00`); an
//! object as a pair map of its members; `null` as a serialisation failure.
//! None of those is printable text, so a claim is read as text only when its
//! bytes are printable UTF-8, and every other form of a claim that is
//! present is `token_invalid` (401).

use crate::headers::{readable, HeaderMap};

/// A claim as Envoy handed it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimBytes {
    /// Not in the verified payload.
    Absent,
    /// Present, with these bytes.
    Present(Vec<u8>),
    /// Present, but Envoy could not serialise it (a list or an object).
    Unreadable,
}

/// The claims the policy reads, checked for type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `sub`: the actor.
    pub subject: String,
    /// `sid`: the session.
    pub session: Option<String>,
    /// `iat`, seconds.
    pub issued_at: Option<i64>,
}

/// Why the claims cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimError {
    /// No verified `sub`: no token (or none jwt_authn accepted).
    Missing,
    /// A claim of the wrong type.
    WrongType(&'static str),
}

fn text(name: &'static str, claim: &ClaimBytes) -> Result<Option<String>, ClaimError> {
    match claim {
        ClaimBytes::Absent => Ok(None),
        ClaimBytes::Unreadable => Err(ClaimError::WrongType(name)),
        ClaimBytes::Present(b) => match readable(b) {
            Some(s) if !s.is_empty() => Ok(Some(s.to_string())),
            _ => Err(ClaimError::WrongType(name)),
        },
    }
}

/// Reads `sub`, `sid` and `iat` (see the module documentation).
pub fn claims(sub: &ClaimBytes, sid: &ClaimBytes, iat: &ClaimBytes) -> Result<Claims, ClaimError> {
    let subject = match sub {
        ClaimBytes::Absent => return Err(ClaimError::Missing),
        // An empty subject names nobody: as good as none.
        ClaimBytes::Present(b) if b.is_empty() => return Err(ClaimError::Missing),
        other => text("sub", other)?.ok_or(ClaimError::Missing)?,
    };
    let session = text("sid", sid)?;
    let issued_at = match iat {
        ClaimBytes::Absent => None,
        ClaimBytes::Unreadable => return Err(ClaimError::WrongType("iat")),
        ClaimBytes::Present(b) => Some(number(b).ok_or(ClaimError::WrongType("iat"))?),
    };
    Ok(Claims {
        subject,
        session,
        issued_at,
    })
}

/// A JSON number claim as Envoy hands it out: 8 bytes of a little-endian
/// double, or decimal text; a whole number of seconds.
pub fn number(bytes: &[u8]) -> Option<i64> {
    let f = if let Ok(arr) = <[u8; 8]>::try_from(bytes) {
        f64::from_le_bytes(arr)
    } else {
        readable(bytes)?.trim().parse::<f64>().ok()?
    };
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15).then_some(f as i64)
}

/// Why the impersonation header cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadImpersonation;

/// The principal: the one id the impersonation header names, or the actor
/// when there is none. Repeated, empty, unreadable or malformed is refused.
pub fn principal(
    headers: &HeaderMap,
    header: &str,
    actor: &str,
) -> Result<String, BadImpersonation> {
    let named: Vec<&[u8]> = headers.all(header).collect();
    match named.as_slice() {
        [] => Ok(actor.to_string()),
        [one] => {
            let id = readable(one).map(str::trim).ok_or(BadImpersonation)?;
            if is_plain_id(id) {
                Ok(id.to_string())
            } else {
                Err(BadImpersonation)
            }
        }
        _ => Err(BadImpersonation),
    }
}

/// A user id as a header may carry it: printable, no spaces or separators.
pub fn is_plain_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'@'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(b: &[u8]) -> ClaimBytes {
        ClaimBytes::Present(b.to_vec())
    }

    #[test]
    fn claims_are_typed() {
        let iat = p(&1_700_000_000f64.to_le_bytes());
        let c = claims(&p(b"a-us-1"), &p(b"s1"), &iat).unwrap();
        assert_eq!(c.subject, "a-us-1");
        assert_eq!(c.session.as_deref(), Some("s1"));
        assert_eq!(c.issued_at, Some(1_700_000_000));
        assert_eq!(
            claims(&ClaimBytes::Absent, &p(b"s"), &iat),
            Err(ClaimError::Missing)
        );
        assert_eq!(claims(&p(b""), &p(b"s"), &iat), Err(ClaimError::Missing));
        // A list sid, serialised or not, is refused.
        assert_eq!(
            claims(&p(b"a"), &ClaimBytes::Unreadable, &iat),
            Err(ClaimError::WrongType("sid"))
        );
        assert_eq!(
            claims(&p(b"a"), &p(b"\n\x05\x1a\x03s-1"), &iat),
            Err(ClaimError::WrongType("sid"))
        );
        assert_eq!(
            claims(&p(b"a"), &p(&1f64.to_le_bytes()), &iat),
            Err(ClaimError::WrongType("sid"))
        );
        assert_eq!(
            claims(&p(b"a"), &p(b"\x01"), &iat),
            Err(ClaimError::WrongType("sid"))
        );
        assert_eq!(
            claims(&p(b"\xff"), &p(b"s"), &iat),
            Err(ClaimError::WrongType("sub"))
        );
        assert_eq!(
            claims(&p(b"a"), &p(b"s"), &p(b"soon")),
            Err(ClaimError::WrongType("iat"))
        );
        assert_eq!(
            claims(&p(b"a"), &ClaimBytes::Absent, &ClaimBytes::Absent)
                .unwrap()
                .issued_at,
            None
        );
        assert_eq!(number(b"1700000000"), Some(1_700_000_000));
        assert_eq!(number(&1.5f64.to_le_bytes()), None);
    }

    #[test]
    fn impersonation_headers() {
        let h = |vals: &[&[u8]]| {
            HeaderMap(
                vals.iter()
                    .map(|v| (b"gen-usersubject".to_vec(), v.to_vec()))
                    .collect(),
            )
        };
        assert_eq!(principal(&h(&[]), "gen-usersubject", "me").unwrap(), "me");
        assert_eq!(
            principal(&h(&[b" b-em-1 "]), "gen-usersubject", "me").unwrap(),
            "b-em-1"
        );
        for bad in [
            &[&b""[..]][..],
            &[b"a b"],
            &[b"a,b"],
            &[b"\xff"],
            &[b"a", b"b"],
        ] {
            assert!(principal(&h(bad), "gen-usersubject", "me").is_err());
        }
        for bad in ["", "a b", "a,b", "a;b", "a\u{7f}"] {
            assert!(!is_plain_id(bad), "{bad:?}");
        }
    }
}
