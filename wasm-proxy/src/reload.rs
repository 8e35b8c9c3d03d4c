//! What a policy-server answer becomes: a policy to install, nothing to do,
//! or a refusal with its reason — host-free, so unit tests drive every
//! case. The root context ([`crate::root`]) fetches, counts each refusal as
//! `recgate.policy.reload_failures.<reason>`, logs it and keeps the last
//! good policy.
//!
//! With `signing` configured (docs/signing.md) a policy is installed only
//! when its envelope (the `x-recgate-signature` header) is signed by a
//! trusted key over exactly this policy's content hash, and its serial is
//! above the running policy's ([`recgate_sign::freshness`]). The cheap
//! checks come first: the envelope and its signature are checked before the
//! policy is compiled, so an unsigned or forged answer costs no compile.

use std::fmt;

use recgate_core::Policy;
use recgate_sign::{freshness, Freshness, SignatureEnvelope, SignatureError};

use crate::config::Signing;
use crate::headers::readable;

/// Why an answer changed nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReloadFailure {
    /// No answer, or a status other than 200 / 304 (what happened).
    Unreachable(String),
    /// A body that is not UTF-8.
    NotUtf8,
    /// A policy that does not validate (the first problem, and how many).
    Invalid(String),
    /// Signing is required and no envelope came with the policy.
    Unsigned,
    /// The envelope is refused ([`SignatureError`]).
    Signature(SignatureError),
    /// A valid signature, but not newer than the running policy (or below the minimum).
    Stale {
        /// The answer's serial.
        serial: u64,
        /// The running policy's (0 when none).
        active: u64,
    },
}

impl ReloadFailure {
    /// The refusals' words, for counters defined by name.
    pub const WORDS: [&'static str; 9] = [
        "unreachable",
        "not_utf8",
        "invalid",
        "unsigned",
        "malformed",
        "unknown_key",
        "bad_signature",
        "hash_mismatch",
        "stale",
    ];

    /// The refusal's word (`recgate_policy_reload_failures_<word>`).
    pub fn word(&self) -> &'static str {
        match self {
            ReloadFailure::Unreachable(_) => "unreachable",
            ReloadFailure::NotUtf8 => "not_utf8",
            ReloadFailure::Invalid(_) => "invalid",
            ReloadFailure::Unsigned => "unsigned",
            ReloadFailure::Signature(e) => e.word(),
            ReloadFailure::Stale { .. } => Freshness::STALE,
        }
    }
}

impl fmt::Display for ReloadFailure {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ReloadFailure::Unreachable(what) => write!(f, "the policy poll failed ({what})"),
            ReloadFailure::NotUtf8 => write!(f, "the policy server sent a policy that is not UTF-8"),
            ReloadFailure::Invalid(what) => {
                write!(f, "the policy server sent an invalid policy ({what})")
            }
            ReloadFailure::Unsigned => write!(
                f,
                "the policy server sent a policy without a signature, and signing is required"
            ),
            ReloadFailure::Signature(e) => write!(f, "the policy's signature is refused: {e}"),
            ReloadFailure::Stale { serial, active } => write!(
                f,
                "the policy server sent serial {serial}, not newer than the running serial {active} (or below signing.minimumSerial)"
            ),
        }
    }
}

/// A policy to install, with what its envelope vouched for.
pub struct Accepted {
    /// The compiled policy.
    pub policy: Policy,
    /// Its serial (signed policies only).
    pub serial: Option<u64>,
    /// The key that signed it.
    pub key_id: Option<String>,
}

/// The verdict on one answer.
pub enum PolicyVerdict {
    /// Install it.
    Install(Box<Accepted>),
    /// The running policy, sent again (same serial and content): nothing to do.
    Unchanged,
    /// Refused; the running policy stays.
    Refused(ReloadFailure),
}

/// The running policy, as the verdict compares with it.
#[derive(Debug, Clone, Copy)]
pub struct Running<'a> {
    /// Its serial, when it was signed.
    pub serial: Option<u64>,
    /// Its content hash.
    pub content_hash: &'a str,
}

/// Judges a 200 answer: its body, the envelope header's bytes if any, the
/// signing configuration, and the running policy.
pub fn judge(
    body: &[u8],
    envelope: Option<&[u8]>,
    signing: Option<&Signing>,
    running: Option<Running<'_>>,
) -> PolicyVerdict {
    let Ok(text) = std::str::from_utf8(body) else {
        return PolicyVerdict::Refused(ReloadFailure::NotUtf8);
    };
    let Some(signing) = signing else {
        return match compile(text) {
            Ok(policy) => PolicyVerdict::Install(Box::new(Accepted {
                policy,
                serial: None,
                key_id: None,
            })),
            Err(f) => PolicyVerdict::Refused(f),
        };
    };
    let Some(envelope) = envelope else {
        return PolicyVerdict::Refused(ReloadFailure::Unsigned);
    };
    let verified = readable(envelope)
        .ok_or_else(|| SignatureError::Malformed("the header is not printable text".into()))
        .and_then(SignatureEnvelope::from_json)
        .and_then(|e| signing.trusted.check(&e));
    let verified = match verified {
        Ok(v) => v,
        Err(e) => return PolicyVerdict::Refused(ReloadFailure::Signature(e)),
    };
    let active = running.and_then(|r| r.serial.map(|s| (s, r.content_hash)));
    match freshness(active, signing.minimum_serial, &verified) {
        Freshness::Same => return PolicyVerdict::Unchanged,
        Freshness::Stale => {
            return PolicyVerdict::Refused(ReloadFailure::Stale {
                serial: verified.serial,
                active: active.map_or(0, |(s, _)| s),
            })
        }
        Freshness::Newer => {}
    }
    let policy = match compile(text) {
        Ok(p) => p,
        Err(f) => return PolicyVerdict::Refused(f),
    };
    if policy.content_hash() != verified.content_hash {
        return PolicyVerdict::Refused(ReloadFailure::Signature(SignatureError::HashMismatch {
            signed: verified.content_hash,
            actual: policy.content_hash().to_string(),
        }));
    }
    PolicyVerdict::Install(Box::new(Accepted {
        policy,
        serial: Some(verified.serial),
        key_id: Some(verified.key_id),
    }))
}

fn compile(text: &str) -> Result<Policy, ReloadFailure> {
    Policy::from_json(text).map_err(|e| {
        let first = e.errors.first().map(|x| x.to_string()).unwrap_or_default();
        ReloadFailure::Invalid(format!("{} problems, first: {first}", e.errors.len()))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use recgate_sign::{SecretKey, TrustedKeys};

    const POLICY: &str = r#"{"schema":"recgate/v1","revision":"r1","roles":{"qa":{"grants":[{"permission":"recording:recording:view"}]}},"users":{"quinn":{"roles":[{"role":"qa"}]}}}"#;

    fn signing(keys: &[&SecretKey], minimum: u64) -> Signing {
        Signing {
            trusted: TrustedKeys::new(keys.iter().map(|k| k.verifying_key()).collect()),
            header: "x-recgate-signature".into(),
            minimum_serial: minimum,
        }
    }

    fn hash(text: &str) -> String {
        Policy::from_json(text).unwrap().content_hash().to_string()
    }

    fn word(v: PolicyVerdict) -> &'static str {
        match v {
            PolicyVerdict::Refused(f) => f.word(),
            PolicyVerdict::Install(_) => "install",
            PolicyVerdict::Unchanged => "unchanged",
        }
    }

    #[test]
    fn unsigned_configurations_install_any_valid_policy() {
        assert_eq!(word(judge(POLICY.as_bytes(), None, None, None)), "install");
        assert_eq!(word(judge(b"{", None, None, None)), "invalid");
        assert_eq!(word(judge(&[0xff, 0xfe], None, None, None)), "not_utf8");
    }

    #[test]
    fn signed_policies_are_checked_before_they_are_compiled() {
        let a = SecretKey::from_seed(&[1; 32]);
        let b = SecretKey::from_seed(&[2; 32]);
        let stranger = SecretKey::from_seed(&[3; 32]);
        let s = signing(&[&a, &b], 0);
        let h = hash(POLICY);
        let env = |k: &SecretKey, serial| k.sign(&h, serial).unwrap().to_json();
        let body = POLICY.as_bytes();
        assert_eq!(word(judge(body, None, Some(&s), None)), "unsigned");
        assert_eq!(word(judge(body, Some(b"{}"), Some(&s), None)), "malformed");
        assert_eq!(
            word(judge(body, Some(&[0xff]), Some(&s), None)),
            "malformed"
        );
        assert_eq!(
            word(judge(
                body,
                Some(env(&stranger, 1).as_bytes()),
                Some(&s),
                None
            )),
            "unknown_key"
        );
        let forged = env(&a, 1).replace("\"serial\":1", "\"serial\":2");
        assert_eq!(
            word(judge(body, Some(forged.as_bytes()), Some(&s), None)),
            "bad_signature"
        );
        // Checked before compiling: garbage with a forged envelope is a signature refusal.
        assert_eq!(
            word(judge(b"garbage", Some(forged.as_bytes()), Some(&s), None)),
            "bad_signature"
        );
        let other = POLICY.replace("\"r1\"", "\"r2\"");
        assert_eq!(
            word(judge(
                other.as_bytes(),
                Some(env(&a, 1).as_bytes()),
                Some(&s),
                None
            )),
            "hash_mismatch"
        );
        match judge(body, Some(env(&b, 4).as_bytes()), Some(&s), None) {
            PolicyVerdict::Install(acc) => {
                assert_eq!(acc.serial, Some(4));
                assert_eq!(acc.key_id.as_deref(), Some(b.verifying_key().id()));
            }
            _ => panic!("the second trusted key signs too"),
        }
    }

    #[test]
    fn older_serials_are_stale_and_the_same_policy_is_unchanged() {
        let a = SecretKey::from_seed(&[1; 32]);
        let s = signing(&[&a], 5);
        let h = hash(POLICY);
        let env = |serial| a.sign(&h, serial).unwrap().to_json();
        let running = Running {
            serial: Some(7),
            content_hash: &h,
        };
        let body = POLICY.as_bytes();
        assert_eq!(
            word(judge(body, Some(env(4).as_bytes()), Some(&s), None)),
            "stale"
        );
        assert_eq!(
            word(judge(
                body,
                Some(env(6).as_bytes()),
                Some(&s),
                Some(running)
            )),
            "stale"
        );
        assert_eq!(
            word(judge(
                body,
                Some(env(7).as_bytes()),
                Some(&s),
                Some(running)
            )),
            "unchanged"
        );
        assert_eq!(
            word(judge(
                body,
                Some(env(8).as_bytes()),
                Some(&s),
                Some(running)
            )),
            "install"
        );
        let other = POLICY.replace("\"r1\"", "\"r2\"");
        let same_serial_other_policy = a.sign(&hash(&other), 7).unwrap().to_json();
        assert_eq!(
            word(judge(
                other.as_bytes(),
                Some(same_serial_other_policy.as_bytes()),
                Some(&s),
                Some(running)
            )),
            "stale"
        );
        for w in ReloadFailure::WORDS {
            assert!(w
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
        }
    }
}
