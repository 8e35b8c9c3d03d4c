//! What an enforcement point checks about a verified token before any
//! decision (SPEC §4 edge codes): its age against `settings.tokenMaxAgeSeconds`
//! (short-lived tokens for integrations, seed 003) and its session against
//! `revokedSessions` (logout must end cached-token access). Signature and
//! expiry are the identity provider's and the proxy's job, not the policy's.

use crate::decision::Reason;
use crate::policy::Policy;
use crate::time::Timestamp;

/// Clock skew tolerated for an `iat` in the future, seconds.
pub const MAX_SKEW_SECONDS: i64 = 60;

/// The verified claims of a token that the policy cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenClaims<'a> {
    /// `sub`: who authenticated (the actor).
    pub subject: &'a str,
    /// `sid`: the session the token belongs to.
    pub session: Option<&'a str>,
    /// `iat`: issued at, seconds since the epoch.
    pub issued_at: Option<i64>,
}

impl Policy {
    /// Checks a token for `principal` (the actor itself, or whom the actor acts
    /// for). A token without `iat` cannot prove its age and is refused; a
    /// session revoked for either the actor or the principal is refused.
    pub fn check_token(
        &self,
        claims: &TokenClaims<'_>,
        principal: &str,
        now: Timestamp,
    ) -> Result<(), Reason> {
        let Some(iat) = claims.issued_at else {
            return Err(Reason::TokenTooOld);
        };
        let age = now.seconds().saturating_sub(iat);
        let max = i64::try_from(self.doc().settings.token_max_age_seconds).unwrap_or(i64::MAX);
        if age > max || age < -MAX_SKEW_SECONDS {
            return Err(Reason::TokenTooOld);
        }
        if let Some(sid) = claims.session {
            let revoked = |id: &str| {
                self.doc()
                    .user(id)
                    .is_some_and(|u| u.revoked_sessions.iter().any(|s| s == sid))
            };
            if revoked(claims.subject) || revoked(principal) {
                return Err(Reason::SessionRevoked);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"{"schema":"recgate/v1","revision":"r1","settings":{"tokenMaxAgeSeconds":300},
        "users":{"a":{"revokedSessions":["s-old"]},"b":{}}}"#;

    #[test]
    fn token_age_and_sessions() {
        let p = Policy::from_json(POLICY).unwrap();
        let now = Timestamp::from_seconds(10_000);
        let c = |sid, iat| TokenClaims {
            subject: "b",
            session: sid,
            issued_at: iat,
        };
        assert_eq!(
            p.check_token(&c(Some("s1"), Some(10_000 - 300)), "b", now),
            Ok(())
        );
        assert_eq!(
            p.check_token(&c(Some("s1"), Some(10_000 - 301)), "b", now),
            Err(Reason::TokenTooOld)
        );
        assert_eq!(
            p.check_token(&c(Some("s1"), None), "b", now),
            Err(Reason::TokenTooOld)
        );
        assert_eq!(
            p.check_token(&c(Some("s-old"), Some(10_000)), "a", now),
            Err(Reason::SessionRevoked)
        );
        assert_eq!(
            p.check_token(&c(Some("s-new"), Some(10_000)), "a", now),
            Ok(())
        );
    }
}
