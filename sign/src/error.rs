//! Why a signed policy is refused: one error type, with the refusal's word
//! (`word()`, what stats and the CLI print) and its message. Its own module so
//! that the envelope reader and the verifier both depend on it, not on each
//! other.

use alloc::string::String;
use core::fmt;

/// Why a signed policy is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// The envelope cannot be read (what is wrong, with the member's JSON pointer).
    Malformed(String),
    /// No trusted key has this id.
    UnknownKey(String),
    /// The signature does not verify with the key it names.
    BadSignature,
    /// A valid signature, over another policy's content hash.
    HashMismatch {
        /// The hash the envelope signs.
        signed: String,
        /// The hash of the policy served with it.
        actual: String,
    },
}

impl SignatureError {
    /// The refusal's word.
    pub fn word(&self) -> &'static str {
        match self {
            SignatureError::Malformed(_) => "malformed",
            SignatureError::UnknownKey(_) => "unknown_key",
            SignatureError::BadSignature => "bad_signature",
            SignatureError::HashMismatch { .. } => "hash_mismatch",
        }
    }
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            SignatureError::Malformed(what) => write!(f, "malformed signature envelope: {what}"),
            SignatureError::UnknownKey(id) => write!(f, "signed by key {id}, which is not trusted"),
            SignatureError::BadSignature => write!(f, "the signature does not verify"),
            SignatureError::HashMismatch { signed, actual } => write!(
                f,
                "the signature covers policy {signed}, not this policy ({actual})"
            ),
        }
    }
}

impl core::error::Error for SignatureError {}
