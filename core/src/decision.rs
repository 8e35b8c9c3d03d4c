//! Decisions (SPEC §4): the answer, the reason code, the rule that decided and
//! the obligations an enforcement point must carry out. A [`Decision`] borrows
//! from the policy and the request so that deciding allocates nothing; a
//! [`DecisionRecord`] is its owned, serialisable form with the exact field names.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::{Serialize, Serializer};

use crate::model::Scope;

/// Every reason code, in SPEC §3 order, then the edge-only codes of SPEC §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// Step 13.
    Allow,
    /// Step 1.
    InvalidRequest,
    /// Step 2.
    UnknownPrincipal,
    /// Step 2.
    PrincipalDisabled,
    /// Step 2.
    UnknownResource,
    /// Step 3.
    ImpersonationDenied,
    /// Step 4.
    Expired,
    /// Step 5.
    LegalHold,
    /// Step 6.
    PrivateAnnotation,
    /// Step 7.
    Denied,
    /// Step 8.
    NoPermission,
    /// Step 8.
    OutOfDivision,
    /// Step 8.
    OutOfScope,
    /// Step 8.
    ConditionUnmet,
    /// Step 9.
    Region,
    /// Step 10.
    PrerequisiteMissing,
    /// Step 11.
    NoAccess,
    /// Step 12.
    BpoRestricted,
    /// Step 12.
    Sensitive,
    /// Edge: no verified identity.
    TokenMissing,
    /// Edge: the token has expired.
    TokenExpired,
    /// Edge: the token was issued too long ago.
    TokenTooOld,
    /// Edge: the token's session was revoked.
    SessionRevoked,
    /// Edge: no route maps the request.
    RouteUnknown,
    /// Edge: the resource's attributes could not be had.
    ResourceUnavailable,
    /// Edge: a verified token whose claims are not what the policy reads
    /// (a `sub`, `sid` or `iat` of the wrong type).
    TokenInvalid,
    /// Edge: a bulk operation (a query-based job, a figure over every
    /// recording) by a principal restricted over the recordings it touches.
    BulkRestricted,
    /// Edge: monitoring an interaction that is no longer live (the
    /// attributes service, asked afresh, says it has ended).
    ConversationEnded,
}

impl Reason {
    /// Every reason, in order.
    pub const ALL: [Reason; 28] = [
        Reason::Allow,
        Reason::InvalidRequest,
        Reason::UnknownPrincipal,
        Reason::PrincipalDisabled,
        Reason::UnknownResource,
        Reason::ImpersonationDenied,
        Reason::Expired,
        Reason::LegalHold,
        Reason::PrivateAnnotation,
        Reason::Denied,
        Reason::NoPermission,
        Reason::OutOfDivision,
        Reason::OutOfScope,
        Reason::ConditionUnmet,
        Reason::Region,
        Reason::PrerequisiteMissing,
        Reason::NoAccess,
        Reason::BpoRestricted,
        Reason::Sensitive,
        Reason::TokenMissing,
        Reason::TokenExpired,
        Reason::TokenTooOld,
        Reason::SessionRevoked,
        Reason::RouteUnknown,
        Reason::ResourceUnavailable,
        Reason::TokenInvalid,
        Reason::BulkRestricted,
        Reason::ConversationEnded,
    ];

    /// The reason code.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Allow => "allow",
            Reason::InvalidRequest => "invalid_request",
            Reason::UnknownPrincipal => "unknown_principal",
            Reason::PrincipalDisabled => "principal_disabled",
            Reason::UnknownResource => "unknown_resource",
            Reason::ImpersonationDenied => "impersonation_denied",
            Reason::Expired => "expired",
            Reason::LegalHold => "legal_hold",
            Reason::PrivateAnnotation => "private_annotation",
            Reason::Denied => "denied",
            Reason::NoPermission => "no_permission",
            Reason::OutOfDivision => "out_of_division",
            Reason::OutOfScope => "out_of_scope",
            Reason::ConditionUnmet => "condition_unmet",
            Reason::Region => "region",
            Reason::PrerequisiteMissing => "prerequisite_missing",
            Reason::NoAccess => "no_access",
            Reason::BpoRestricted => "bpo_restricted",
            Reason::Sensitive => "sensitive",
            Reason::TokenMissing => "token_missing",
            Reason::TokenExpired => "token_expired",
            Reason::TokenTooOld => "token_too_old",
            Reason::SessionRevoked => "session_revoked",
            Reason::RouteUnknown => "route_unknown",
            Reason::ResourceUnavailable => "resource_unavailable",
            Reason::TokenInvalid => "token_invalid",
            Reason::BulkRestricted => "bulk_restricted",
            Reason::ConversationEnded => "conversation_ended",
        }
    }

    /// Parses a reason code.
    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The SPEC §3 step that produces it (0 for edge-only codes).
    pub fn step(self) -> u8 {
        match self {
            Reason::InvalidRequest => 1,
            Reason::UnknownPrincipal | Reason::PrincipalDisabled | Reason::UnknownResource => 2,
            Reason::ImpersonationDenied => 3,
            Reason::Expired => 4,
            Reason::LegalHold => 5,
            Reason::PrivateAnnotation => 6,
            Reason::Denied => 7,
            Reason::NoPermission
            | Reason::OutOfDivision
            | Reason::OutOfScope
            | Reason::ConditionUnmet => 8,
            Reason::Region => 9,
            Reason::PrerequisiteMissing => 10,
            Reason::NoAccess => 11,
            Reason::BpoRestricted | Reason::Sensitive => 12,
            Reason::Allow => 13,
            _ => 0,
        }
    }

    /// What the code means, in a few words for people ("blocked: legal
    /// hold"), without the context of a decision — [`crate::words`] adds
    /// that where the decision was made (which scope, which deny, …).
    pub fn describe(self) -> &'static str {
        match self {
            Reason::Allow => "allowed",
            Reason::InvalidRequest => "invalid request",
            Reason::UnknownPrincipal => "unknown user",
            Reason::PrincipalDisabled => "account disabled",
            Reason::UnknownResource => "unknown resource",
            Reason::ImpersonationDenied => "impersonation not allowed",
            Reason::Expired => "blocked: retention expired",
            Reason::LegalHold => "blocked: legal hold",
            Reason::PrivateAnnotation => "private bookmark",
            Reason::Denied => "denied by a deny rule",
            Reason::NoPermission => "not in your roles",
            Reason::OutOfDivision => "outside your divisions",
            Reason::OutOfScope => "outside your scope",
            Reason::ConditionUnmet => "a condition of your role does not hold",
            Reason::Region => "stored in another data region",
            Reason::PrerequisiteMissing => "a prerequisite permission is missing",
            Reason::NoAccess => "requires access to the recording",
            Reason::BpoRestricted => "exports are disabled for BPO users",
            Reason::Sensitive => "sensitive recording: needs sensitive-data access",
            Reason::TokenMissing => "not signed in",
            Reason::TokenExpired => "token expired",
            Reason::TokenTooOld => "token too old",
            Reason::SessionRevoked => "session ended",
            Reason::RouteUnknown => "unknown API route",
            Reason::ResourceUnavailable => "resource attributes unavailable",
            Reason::TokenInvalid => "token claims unreadable",
            Reason::BulkRestricted => "your access to these recordings is restricted",
            Reason::ConversationEnded => "the conversation has ended",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The grant that allowed, or the deny that matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleRef<'a> {
    /// The role that defines the rule.
    pub role: &'a str,
    /// The permission or pattern as written.
    pub permission: &'a str,
    /// Its scope.
    pub scope: &'a Scope,
    /// Whether it is a deny.
    pub deny: bool,
}

/// What an enforcement point must do along with an allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Obligations<'a> {
    /// Play with sensitive segments redacted.
    pub redact: bool,
    /// Also delete these associated recordings.
    pub cascade: Option<&'a [String]>,
}

/// A decision, borrowing from the policy and the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision<'a> {
    /// Allowed or not.
    pub allow: bool,
    /// Why.
    pub reason: Reason,
    /// The policy revision that decided.
    pub revision: &'a str,
    /// The grant that allowed or the deny that matched.
    pub grant: Option<RuleRef<'a>>,
    /// Obligations (only on an allow).
    pub obligations: Obligations<'a>,
}

impl<'a> Decision<'a> {
    /// A denial with no rule to name.
    pub fn deny(reason: Reason, revision: &'a str) -> Decision<'a> {
        Decision {
            allow: false,
            reason,
            revision,
            grant: None,
            obligations: Obligations::default(),
        }
    }

    /// The owned form, with a decision id when the caller has one.
    pub fn record(&self, decision_id: Option<String>) -> DecisionRecord {
        DecisionRecord {
            allow: self.allow,
            reason: self.reason,
            revision: self.revision.into(),
            grant: self.grant.map(|g| GrantRecord {
                role: g.role.into(),
                permission: g.permission.into(),
                scope: g.scope.clone(),
            }),
            obligations: obligation_list(&self.obligations),
            decision_id,
        }
    }
}

/// The obligations as a list, redact first.
pub fn obligation_list(o: &Obligations<'_>) -> Vec<Obligation> {
    let mut out = Vec::new();
    if o.redact {
        out.push(Obligation::Redact);
    }
    if let Some(ids) = o.cascade {
        out.push(Obligation::Cascade { ids: ids.to_vec() });
    }
    out
}

/// An obligation, serialised as `{"type":"redact"}` or `{"type":"cascade","ids":[…]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum Obligation {
    /// Sensitive segments must be redacted.
    Redact,
    /// These recordings are deleted too.
    Cascade {
        /// Their ids.
        ids: Vec<String>,
    },
}

/// `grant` in a decision record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantRecord {
    /// The role that defines the rule.
    pub role: String,
    /// The permission or pattern as written.
    pub permission: String,
    /// Its scope, as the policy spells it.
    pub scope: Scope,
}

/// A decision with owned fields, serialised exactly as SPEC §4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionRecord {
    /// Allowed or not.
    pub allow: bool,
    /// Why.
    pub reason: Reason,
    /// The policy revision.
    pub revision: String,
    /// The grant that allowed or the deny that matched.
    pub grant: Option<GrantRecord>,
    /// Obligations.
    pub obligations: Vec<Obligation>,
    /// A random 128-bit id, hex; left out when the caller has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_id: Option<String>,
}

impl DecisionRecord {
    /// A denial at the edge (token, route or attribute problems).
    pub fn edge_deny(
        reason: Reason,
        revision: &str,
        decision_id: Option<String>,
    ) -> DecisionRecord {
        DecisionRecord {
            allow: false,
            reason,
            revision: revision.into(),
            grant: None,
            obligations: Vec::new(),
            decision_id,
        }
    }

    /// The record as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|_| String::from("{\"allow\":false,\"reason\":\"invalid_request\"}"))
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Scope::All => s.serialize_str("all"),
            Scope::Own => s.serialize_str("self"),
            Scope::Assigned => s.serialize_str("assigned"),
            Scope::Lines => s.serialize_str("lines"),
            Scope::Group(g) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("group", g)?;
                m.end()
            }
            Scope::View(v) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("view", v)?;
                m.end()
            }
        }
    }
}

/// Formats 16 random bytes as a decision id (32 lowercase hex digits).
pub fn decision_id(bytes: [u8; 16]) -> String {
    hex(&bytes)
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(
            DIGITS.get(usize::from(b >> 4)).copied().unwrap_or(b'0'),
        ));
        s.push(char::from(
            DIGITS.get(usize::from(b & 15)).copied().unwrap_or(b'0'),
        ));
    }
    s
}
