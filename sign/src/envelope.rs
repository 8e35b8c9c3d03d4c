//! The signature envelope (`recgate-signature/v1`, docs/signing.md): a small
//! JSON object that travels beside a policy — in the policy server's
//! `x-recgate-signature` header, or as the `.sig` file `recgate sign` writes
//! — and the exact bytes its Ed25519 signature covers.
//!
//! The signed message is three lines of ASCII, so that any language
//! rebuilds it byte for byte without a JSON canonicaliser (the npm package
//! does, for WebCrypto):
//!
//! ```text
//! recgate-signature/v1
//! sha256:<the policy's content hash, 64 lowercase hex digits>
//! serial:<the serial, decimal, no leading zeros>
//! ```
//!
//! each line ending in `\n`. The key id is not signed: it only says which
//! trusted key to try, and a wrong one fails the signature.

use alloc::format;
use alloc::string::{String, ToString};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;

use crate::error::SignatureError;

/// The envelope format, also the first line of the signed message.
pub const FORMAT: &str = "recgate-signature/v1";

/// The largest serial: 2^53 − 1, the largest integer JavaScript reads exactly
/// (the npm package reads the same envelopes).
pub const MAX_SERIAL: u64 = (1 << 53) - 1;

/// A detached signature over one policy's content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureEnvelope {
    /// Which key signed: [`crate::key_id`] of its public key (16 lowercase hex digits).
    pub key_id: String,
    /// The policy's content hash (64 lowercase hex digits).
    pub content_hash: String,
    /// Raised by the signer with every policy: a policy whose serial is lower
    /// than the one running is older ([`crate::Freshness`]).
    pub serial: u64,
    /// The Ed25519 signature of [`signed_message`].
    pub signature: [u8; 64],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawEnvelope {
    format: String,
    key_id: String,
    content_hash: String,
    serial: u64,
    signature: String,
}

/// The bytes a signature covers (module documentation).
pub fn signed_message(content_hash: &str, serial: u64) -> String {
    format!("{FORMAT}\nsha256:{content_hash}\nserial:{serial}\n")
}

fn lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn malformed(what: &str) -> SignatureError {
    SignatureError::Malformed(what.to_string())
}

impl SignatureEnvelope {
    /// Reads an envelope strictly: every member present, no other member,
    /// each in its exact form; anything else is [`SignatureError::Malformed`].
    pub fn from_json(text: &str) -> Result<SignatureEnvelope, SignatureError> {
        let raw: RawEnvelope = serde_json::from_str(text)
            .map_err(|e| SignatureError::Malformed(format!("not a signature envelope: {e}")))?;
        if raw.format != FORMAT {
            return Err(SignatureError::Malformed(format!(
                "/format: \"{}\" is not {FORMAT}",
                raw.format
            )));
        }
        if !lower_hex(&raw.key_id, 16) {
            return Err(malformed("/keyId: not 16 lowercase hex digits"));
        }
        if !lower_hex(&raw.content_hash, 64) {
            return Err(malformed("/contentHash: not 64 lowercase hex digits"));
        }
        if raw.serial > MAX_SERIAL {
            return Err(malformed("/serial: larger than 2^53 - 1"));
        }
        let bytes = STANDARD
            .decode(raw.signature.as_bytes())
            .map_err(|_| malformed("/signature: not base64"))?;
        let signature: [u8; 64] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| malformed("/signature: not 64 bytes"))?;
        Ok(SignatureEnvelope {
            key_id: raw.key_id,
            content_hash: raw.content_hash,
            serial: raw.serial,
            signature,
        })
    }

    /// The envelope as one line of JSON (members in a fixed order).
    pub fn to_json(&self) -> String {
        // Every member is ASCII from a fixed alphabet (hex, digits, base64): no escaping.
        format!(
            "{{\"format\":\"{FORMAT}\",\"keyId\":\"{}\",\"contentHash\":\"{}\",\"serial\":{},\"signature\":\"{}\"}}",
            self.key_id,
            self.content_hash,
            self.serial,
            STANDARD.encode(self.signature)
        )
    }

    /// The bytes this envelope's signature must cover.
    pub fn message(&self) -> String {
        signed_message(&self.content_hash, self.serial)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "6d2b0c0f3c5f7c0a9d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e";

    fn sample() -> SignatureEnvelope {
        SignatureEnvelope {
            key_id: "0123456789abcdef".into(),
            content_hash: HASH.into(),
            serial: 42,
            signature: [7u8; 64],
        }
    }

    #[test]
    fn the_message_is_three_ascii_lines() {
        assert_eq!(
            signed_message(HASH, 42),
            alloc::format!("recgate-signature/v1\nsha256:{HASH}\nserial:42\n")
        );
    }

    #[test]
    fn envelopes_round_trip() {
        let e = sample();
        assert_eq!(SignatureEnvelope::from_json(&e.to_json()).unwrap(), e);
    }

    #[test]
    fn anything_but_the_exact_form_is_malformed() {
        let good = sample().to_json();
        let bad = [
            "not json".to_string(),
            good.replace("recgate-signature/v1", "recgate-signature/v2"),
            good.replace("0123456789abcdef", "0123456789ABCDEF"),
            good.replace("0123456789abcdef", "0123"),
            good.replace(HASH, &HASH[..60]),
            good.replace("\"serial\":42", "\"serial\":-1"),
            good.replace("\"serial\":42", "\"serial\":4.5"),
            good.replace("\"serial\":42", "\"serial\":\"42\""),
            good.replace("\"serial\":42", "\"serial\":9007199254740992"),
            good.replace("}", ",\"signedAt\":\"2026-12-01T00:00:00Z\"}"),
            good.replace("BwcH", "!!!!"),
            good.replace("BwcHBwcH", "BwcH"),
        ];
        for b in bad {
            assert!(
                matches!(
                    SignatureEnvelope::from_json(&b),
                    Err(SignatureError::Malformed(_))
                ),
                "{b}"
            );
        }
    }
}
