//! The verdict on a signed policy: which trusted key signed it, whether the
//! signature holds, whether it covers this policy, and whether it is newer
//! than the one running. Each refusal has a word (`unsigned` is the
//! caller's: an envelope that is not there never reaches this module), used
//! as-is by the filter's `recgate_policy_reload_failures_<word>` counters,
//! the CLI's output and the npm package (docs/signing.md).

use alloc::string::String;
use alloc::vec::Vec;

use crate::envelope::SignatureEnvelope;
use crate::error::SignatureError;
use crate::keys::{KeyError, VerifyingKey};

/// What a verified envelope vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The key that signed.
    pub key_id: String,
    /// The policy's content hash.
    pub content_hash: String,
    /// The envelope's serial.
    pub serial: u64,
}

/// The public keys a verifier trusts. More than one at a time is how keys
/// rotate: add the new key everywhere, sign with it, then drop the old one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedKeys {
    keys: Vec<VerifyingKey>,
}

impl TrustedKeys {
    /// Trusts these keys.
    pub fn new(keys: Vec<VerifyingKey>) -> TrustedKeys {
        TrustedKeys { keys }
    }

    /// Reads each key ([`VerifyingKey::from_text`]); the error names the first bad one by position.
    pub fn parse<'a>(
        texts: impl IntoIterator<Item = &'a str>,
    ) -> Result<TrustedKeys, (usize, KeyError)> {
        let keys = texts
            .into_iter()
            .enumerate()
            .map(|(i, t)| VerifyingKey::from_text(t).map_err(|e| (i, e)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustedKeys { keys })
    }

    /// The trusted keys.
    pub fn keys(&self) -> &[VerifyingKey] {
        &self.keys
    }

    /// The key with this id.
    pub fn get(&self, id: &str) -> Option<&VerifyingKey> {
        self.keys.iter().find(|k| k.id() == id)
    }

    /// Checks the signature with the key the envelope names — not yet which
    /// policy it covers (a verifier compares [`Verified::content_hash`] with
    /// the policy's once it has compiled it; [`TrustedKeys::verify`] does both).
    pub fn check(&self, envelope: &SignatureEnvelope) -> Result<Verified, SignatureError> {
        let key = self
            .get(&envelope.key_id)
            .ok_or_else(|| SignatureError::UnknownKey(envelope.key_id.clone()))?;
        if !key.verifies(envelope.message().as_bytes(), &envelope.signature) {
            return Err(SignatureError::BadSignature);
        }
        Ok(Verified {
            key_id: envelope.key_id.clone(),
            content_hash: envelope.content_hash.clone(),
            serial: envelope.serial,
        })
    }

    /// [`TrustedKeys::check`], and that the envelope covers the policy whose
    /// content hash is `content_hash`.
    pub fn verify(
        &self,
        envelope: &SignatureEnvelope,
        content_hash: &str,
    ) -> Result<Verified, SignatureError> {
        let verified = self.check(envelope)?;
        if verified.content_hash != content_hash {
            return Err(SignatureError::HashMismatch {
                signed: verified.content_hash,
                actual: content_hash.into(),
            });
        }
        Ok(verified)
    }
}

/// How a verified policy compares with the one running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// A higher serial (or nothing running, and at least the minimum): install it.
    Newer,
    /// The same serial over the same policy: already running, nothing to do.
    Same,
    /// A lower serial, the same serial over another policy, or below the
    /// minimum: refused as `stale` — a replayed older policy, or a signer
    /// that reused a serial.
    Stale,
}

impl Freshness {
    /// The refusal's word for [`Freshness::Stale`].
    pub const STALE: &'static str = "stale";
}

/// Compares a verified policy with the running one (`active`: its serial
/// and content hash) and the verifier's configured `minimum` serial.
pub fn freshness(active: Option<(u64, &str)>, minimum: u64, verified: &Verified) -> Freshness {
    if verified.serial < minimum {
        return Freshness::Stale;
    }
    match active {
        None => Freshness::Newer,
        Some((serial, _)) if verified.serial > serial => Freshness::Newer,
        Some((serial, hash)) if verified.serial == serial && verified.content_hash == hash => {
            Freshness::Same
        }
        Some(_) => Freshness::Stale,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SecretKey;

    fn keys() -> (SecretKey, SecretKey, TrustedKeys) {
        let a = SecretKey::from_seed(&[1u8; 32]);
        let b = SecretKey::from_seed(&[2u8; 32]);
        let trusted = TrustedKeys::new(alloc::vec![a.verifying_key(), b.verifying_key()]);
        (a, b, trusted)
    }

    #[test]
    fn either_of_two_trusted_keys_verifies() {
        let (a, b, trusted) = keys();
        let hash = "b".repeat(64);
        for k in [&a, &b] {
            let e = k.sign(&hash, 5).unwrap();
            let v = trusted.verify(&e, &hash).unwrap();
            assert_eq!(v.key_id, k.verifying_key().id());
            assert_eq!(v.serial, 5);
        }
    }

    #[test]
    fn refusals_have_their_words() {
        let (a, _, trusted) = keys();
        let stranger = SecretKey::from_seed(&[9u8; 32]);
        let hash = "c".repeat(64);
        let e = stranger.sign(&hash, 1).unwrap();
        assert_eq!(trusted.verify(&e, &hash).unwrap_err().word(), "unknown_key");
        let mut forged = a.sign(&hash, 1).unwrap();
        forged.serial = 2;
        assert_eq!(
            trusted.verify(&forged, &hash).unwrap_err().word(),
            "bad_signature"
        );
        let mut flipped = a.sign(&hash, 1).unwrap();
        flipped.signature[0] ^= 1;
        assert_eq!(
            trusted.verify(&flipped, &hash),
            Err(SignatureError::BadSignature)
        );
        let other = a.sign(&"d".repeat(64), 1).unwrap();
        assert_eq!(
            trusted.verify(&other, &hash).unwrap_err().word(),
            "hash_mismatch"
        );
        assert_eq!(SignatureError::Malformed("x".into()).word(), "malformed");
    }

    #[test]
    fn older_means_a_lower_serial_or_a_reused_one() {
        let v = |serial, h: &str| Verified {
            key_id: "k".into(),
            content_hash: h.into(),
            serial,
        };
        assert_eq!(freshness(None, 0, &v(1, "x")), Freshness::Newer);
        assert_eq!(freshness(None, 5, &v(4, "x")), Freshness::Stale);
        assert_eq!(freshness(Some((3, "x")), 0, &v(4, "y")), Freshness::Newer);
        assert_eq!(freshness(Some((3, "x")), 0, &v(3, "x")), Freshness::Same);
        assert_eq!(freshness(Some((3, "x")), 0, &v(3, "y")), Freshness::Stale);
        assert_eq!(freshness(Some((3, "x")), 0, &v(2, "x")), Freshness::Stale);
    }
}
