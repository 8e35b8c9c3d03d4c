//! Ed25519 keys in the forms operators have them: a public key as the
//! base64 of its 32 bytes (what the plugin configuration lists) or as the
//! PEM `PUBLIC KEY` (SPKI) openssl and Node write; a secret key as the PEM
//! `PRIVATE KEY` (PKCS#8) that `openssl genpkey -algorithm ed25519`, Node's
//! `generateKeyPairSync('ed25519')` and `recgate keygen` write, or the base64
//! of its 32-byte seed. A key's id is derived from its public key, so a
//! configuration never has to agree with a signer on names.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::Signer;
use sha2::{Digest, Sha256};

use crate::envelope::{signed_message, SignatureEnvelope, MAX_SERIAL};

/// Why a key could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// Neither PEM nor base64.
    NotBase64,
    /// The key bytes are not 32 long.
    WrongLength(usize),
    /// A PEM block of another kind, or DER that is not an Ed25519 key.
    NotEd25519,
    /// 32 bytes that are not a point of the curve.
    NotAPoint,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            KeyError::NotBase64 => write!(f, "not a PEM block or base64"),
            KeyError::WrongLength(n) => write!(f, "{n} bytes where an Ed25519 key has 32"),
            KeyError::NotEd25519 => write!(f, "not an Ed25519 key"),
            KeyError::NotAPoint => write!(f, "not a valid Ed25519 public key"),
        }
    }
}

impl core::error::Error for KeyError {}

/// `id` of a public key: the first 16 hex digits of the SHA-256 of its 32 bytes.
pub fn key_id(public: &[u8; 32]) -> String {
    let digest = Sha256::digest(public);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

// DER of an Ed25519 SubjectPublicKeyInfo (RFC 8410) before the 32 key bytes.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];
// DER of an Ed25519 OneAsymmetricKey after its outer SEQUENCE header and
// version, before the 32 seed bytes: algorithm id, OCTET STRING(OCTET STRING(32)).
const PKCS8_ALGORITHM_AND_SEED: [u8; 11] = [
    0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// The base64 body of a PEM block labelled `label`; `None` when the text is no PEM.
fn pem_body(text: &str, label: &str) -> Option<Result<Vec<u8>, KeyError>> {
    let text = text.trim();
    if !text.starts_with("-----BEGIN ") {
        return None;
    }
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let body = text
        .strip_prefix(begin.as_str())
        .and_then(|rest| rest.trim_end().strip_suffix(end.as_str()));
    let Some(body) = body else {
        return Some(Err(KeyError::NotEd25519));
    };
    let b64: String = body.split_whitespace().collect();
    Some(STANDARD.decode(b64).map_err(|_| KeyError::NotBase64))
}

fn thirty_two(bytes: &[u8]) -> Result<[u8; 32], KeyError> {
    bytes
        .try_into()
        .map_err(|_| KeyError::WrongLength(bytes.len()))
}

/// A public key the filter or the CLI trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyingKey {
    key: ed25519_dalek::VerifyingKey,
    id: String,
}

impl VerifyingKey {
    /// From its 32 bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<VerifyingKey, KeyError> {
        let key =
            ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::NotAPoint)?;
        Ok(VerifyingKey {
            key,
            id: key_id(bytes),
        })
    }

    /// From the base64 of its 32 bytes, or a PEM `PUBLIC KEY` block.
    pub fn from_text(text: &str) -> Result<VerifyingKey, KeyError> {
        let raw = match pem_body(text, "PUBLIC KEY") {
            Some(der) => {
                let der = der?;
                let key = der
                    .strip_prefix(SPKI_PREFIX.as_slice())
                    .ok_or(KeyError::NotEd25519)?;
                thirty_two(key)?
            }
            None => {
                let bytes = STANDARD
                    .decode(text.trim())
                    .map_err(|_| KeyError::NotBase64)?;
                thirty_two(&bytes)?
            }
        };
        VerifyingKey::from_bytes(&raw)
    }

    /// Its id ([`key_id`]).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The base64 of its 32 bytes (the plugin configuration's form).
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.key.as_bytes())
    }

    /// As a PEM `PUBLIC KEY` block (what `openssl pkey -pubout` writes).
    pub fn to_pem(&self) -> String {
        let mut der = Vec::from(SPKI_PREFIX);
        der.extend_from_slice(self.key.as_bytes());
        pem("PUBLIC KEY", &der)
    }

    /// Whether `signature` is this key's over `message` (strict RFC 8032
    /// verification: non-canonical signatures and weak keys are refused).
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let signature = ed25519_dalek::Signature::from_bytes(signature);
        self.key.verify_strict(message, &signature).is_ok()
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(core::str::from_utf8(line).unwrap_or(""));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A signing key (the CLI's; the filter and the package never hold one).
pub struct SecretKey {
    key: ed25519_dalek::SigningKey,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        // Never the seed.
        write!(f, "SecretKey({})", self.verifying_key().id())
    }
}

impl SecretKey {
    /// From a 32-byte seed (a new key: 32 bytes from the operating system's random source).
    pub fn from_seed(seed: &[u8; 32]) -> SecretKey {
        SecretKey {
            key: ed25519_dalek::SigningKey::from_bytes(seed),
        }
    }

    /// From a PEM `PRIVATE KEY` (PKCS#8) block, or the base64 of its seed.
    pub fn from_text(text: &str) -> Result<SecretKey, KeyError> {
        let seed = match pem_body(text, "PRIVATE KEY") {
            Some(der) => {
                let der = der?;
                // SEQUENCE(len) INTEGER(version 0 or 1) then the algorithm and the seed.
                let seed = match der.as_slice() {
                    [0x30, _, 0x02, 0x01, 0x00 | 0x01, rest @ ..] => rest
                        .strip_prefix(PKCS8_ALGORITHM_AND_SEED.as_slice())
                        .and_then(|r| r.get(..32)),
                    _ => None,
                };
                thirty_two(seed.ok_or(KeyError::NotEd25519)?)?
            }
            None => {
                let bytes = STANDARD
                    .decode(text.trim())
                    .map_err(|_| KeyError::NotBase64)?;
                thirty_two(&bytes)?
            }
        };
        Ok(SecretKey::from_seed(&seed))
    }

    /// As a PEM `PRIVATE KEY` block (PKCS#8 v1, as openssl writes it).
    pub fn to_pem(&self) -> String {
        let mut der = Vec::from([0x30u8, 0x2e, 0x02, 0x01, 0x00]);
        der.extend_from_slice(&PKCS8_ALGORITHM_AND_SEED);
        der.extend_from_slice(self.key.as_bytes());
        pem("PRIVATE KEY", &der)
    }

    /// Its public half.
    pub fn verifying_key(&self) -> VerifyingKey {
        let key = self.key.verifying_key();
        VerifyingKey {
            id: key_id(key.as_bytes()),
            key,
        }
    }

    /// The envelope for a policy whose content hash is `content_hash`;
    /// `None` when the hash is not 64 lowercase hex digits or the serial is
    /// over [`MAX_SERIAL`] (nothing a verifier would accept is signed).
    pub fn sign(&self, content_hash: &str, serial: u64) -> Option<SignatureEnvelope> {
        let hex = content_hash.len() == 64
            && content_hash
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !hex || serial > MAX_SERIAL {
            return None;
        }
        let message = signed_message(content_hash, serial);
        Some(SignatureEnvelope {
            key_id: self.verifying_key().id,
            content_hash: content_hash.into(),
            serial,
            signature: self.key.sign(message.as_bytes()).to_bytes(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 8032 §7.1, test 1.
    const SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    const PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn unhex(s: &str) -> [u8; 32] {
        let v: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        v.try_into().unwrap()
    }

    #[test]
    fn the_rfc_8032_key_pair_reads_in_every_form() {
        let secret = SecretKey::from_seed(&unhex(SEED));
        let public = secret.verifying_key();
        assert_eq!(public, VerifyingKey::from_bytes(&unhex(PUBLIC)).unwrap());
        assert_eq!(
            VerifyingKey::from_text(&public.to_base64()).unwrap(),
            public
        );
        assert_eq!(VerifyingKey::from_text(&public.to_pem()).unwrap(), public);
        let again = SecretKey::from_text(&secret.to_pem()).unwrap();
        assert_eq!(again.verifying_key(), public);
        assert_eq!(
            SecretKey::from_text(&STANDARD.encode(unhex(SEED)))
                .unwrap()
                .verifying_key(),
            public
        );
        assert_eq!(public.id().len(), 16);
        // openssl's PEM of the same public key (`openssl pkey -pubout`).
        let openssl = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n";
        assert_eq!(VerifyingKey::from_text(openssl).unwrap(), public);
    }

    #[test]
    fn what_is_not_an_ed25519_key_is_refused() {
        assert_eq!(
            VerifyingKey::from_text("not base64!"),
            Err(KeyError::NotBase64)
        );
        assert_eq!(
            VerifyingKey::from_text(&STANDARD.encode([1u8; 31])),
            Err(KeyError::WrongLength(31))
        );
        let rsa = "-----BEGIN PUBLIC KEY-----\nMA0GCSqGSIb3DQEBAQUAAwA=\n-----END PUBLIC KEY-----";
        assert_eq!(VerifyingKey::from_text(rsa), Err(KeyError::NotEd25519));
        let label = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
        assert_eq!(VerifyingKey::from_text(label), Err(KeyError::NotEd25519));
        assert!(SecretKey::from_text(rsa).is_err());
    }

    #[test]
    fn only_verifiable_envelopes_are_signed() {
        let secret = SecretKey::from_seed(&[3u8; 32]);
        assert!(secret.sign("ABC", 1).is_none());
        assert!(secret.sign(&"a".repeat(64), MAX_SERIAL + 1).is_none());
        let e = secret.sign(&"a".repeat(64), 9).unwrap();
        assert!(secret
            .verifying_key()
            .verifies(e.message().as_bytes(), &e.signature));
    }
}
