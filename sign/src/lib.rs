//! # recgate-sign
//!
//! Detached Ed25519 signatures over a recgate policy's **content hash**
//! (SPEC §4's canonical SHA-256, `recgate hash`), so that an edge or a
//! browser runs only a policy someone holding a trusted key approved — and
//! never an older one replayed to it. The format is written down in
//! `docs/signing.md`; this crate is its one implementation in Rust, used by
//! the CLI (`recgate keygen`, `sign`, `verify-signature`) and the Envoy
//! filter. The npm package checks the same envelopes with WebCrypto's
//! Ed25519 (a Rust verifier would not fit the package's size budget), and
//! `tests/vectors/signatures.json` holds the cases both must agree on.
//!
//! Why a content hash and a serial, not the policy bytes and its revision:
//! the hash is the same for every formatting of one policy on every target,
//! so the server may re-serialise a policy (or a principal slice) freely;
//! and revisions are free-form strings with no order, so "older" is decided
//! by the envelope's `serial`, an integer the signer raises with every
//! policy it signs ([`Freshness`]).
//!
//! `no_std` + `alloc`, no I/O, no clock, no randomness (a caller generating
//! a key brings 32 random bytes), and panic-free like the core.
//!
//! Module map: [`envelope`] (the JSON envelope and the exact bytes signed),
//! [`error`] (why a signature is refused, and the refusal's word),
//! [`keys`] (public and secret keys in the forms operators have them: raw
//! base64, PEM from openssl or Node), [`verify`] (trusted keys, the
//! verdict, freshness).
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        reason = "unit tests: a panic is a failed test"
    )
)]

extern crate alloc;

pub mod envelope;
pub mod error;
pub mod keys;
pub mod verify;

pub use envelope::{signed_message, SignatureEnvelope, FORMAT, MAX_SERIAL};
pub use error::SignatureError;
pub use keys::{key_id, KeyError, SecretKey, VerifyingKey};
pub use verify::{freshness, Freshness, TrustedKeys, Verified};
