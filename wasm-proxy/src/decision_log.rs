//! The decision log: which decisions are written and what each line hides
//! (`decisionLog` in the plugin configuration, docs/envoy-filter.md) — the
//! two things operators of OPA's decision log ask for most (OPA issues #779
//! and #3945): keep every deny but only a sample of the allows, and mask
//! principals or resource ids before a line leaves the proxy. The line is
//! the core's `DecisionLogLine`, so `recgate diff` reads what is written;
//! masks are applied to the typed line, field by field, so a masked line is
//! still one (a masked value reads `<masked>`). Host-free but for [`write`].
//!
//! Sampling is decided on the decision id (128 random bits): the same id is
//! always in or out, so a collector can tell which lines a rate kept.
//! Tokens are never in a line: the filter has only the claims `jwt_authn`
//! verified, and writes none of them but the subject.

use proxy_wasm::types::LogLevel;
use recgate_core::decision_log::{DecisionLogLine, LoggedResource};
use recgate_core::{Reason, Recording, Request, Resource};
use serde::Deserialize;
use serde_json::Value;

use crate::host::log;

/// What a masked string becomes.
pub const MASKED: &str = "<masked>";

/// What a mask hides (docs/envoy-filter.md, "Decision log").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mask {
    /// The principal, in the line and in its request.
    Principal,
    /// The actor, likewise.
    Actor,
    /// The decided resource's ids: its own, its conversation's, its related
    /// recordings' (and an annotation's recording's), a report's queue.
    ResourceId,
    /// The people a resource names: a recording's owner and participants,
    /// an annotation's author, a report's or a user resource's user.
    People,
}

impl Mask {
    const NAMES: [(&'static str, Mask); 4] = [
        ("principal", Mask::Principal),
        ("actor", Mask::Actor),
        ("resourceId", Mask::ResourceId),
        ("people", Mask::People),
    ];
}

fn hide(s: &mut String) {
    *s = MASKED.to_string();
}

fn hide_opt(s: &mut Option<String>) {
    if let Some(v) = s {
        hide(v);
    }
}

fn hide_all(list: &mut [String]) {
    list.iter_mut().for_each(hide);
}

fn mask_recording(r: &mut Recording, mask: Mask) {
    match mask {
        Mask::ResourceId => {
            hide(&mut r.id);
            hide_opt(&mut r.conversation_id);
            hide_all(&mut r.related);
        }
        Mask::People => {
            hide_opt(&mut r.owner);
            hide_all(&mut r.participants);
        }
        Mask::Principal | Mask::Actor => {}
    }
}

fn mask_line(line: &mut DecisionLogLine, mask: Mask) {
    match mask {
        Mask::Principal => {
            hide(&mut line.principal);
            if let Some(r) = &mut line.request {
                hide(&mut r.principal);
            }
        }
        Mask::Actor => {
            hide(&mut line.actor);
            if let Some(r) = &mut line.request {
                hide_opt(&mut r.actor);
            }
        }
        Mask::ResourceId | Mask::People => {
            let user_resource = matches!(
                line.request.as_ref().map(|r| &r.resource),
                Some(Resource::User(_))
            );
            if mask == Mask::ResourceId || user_resource {
                hide_opt(&mut line.resource.id);
            }
            let Some(request) = &mut line.request else {
                return;
            };
            match &mut request.resource {
                Resource::Recording(r) => mask_recording(r, mask),
                Resource::Annotation(a) => {
                    match mask {
                        Mask::ResourceId => hide(&mut a.id),
                        _ => hide_opt(&mut a.author),
                    }
                    mask_recording(&mut a.recording, mask);
                }
                Resource::User(n) => hide(&mut n.id),
                Resource::Queue(n) | Resource::Role(n) | Resource::Schedule(n) => {
                    if mask == Mask::ResourceId {
                        hide(&mut n.id);
                    }
                }
                Resource::Report(rep) => match mask {
                    Mask::ResourceId => hide_opt(&mut rep.queue),
                    _ => hide_opt(&mut rep.user),
                },
            }
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSample {
    #[serde(default = "one")]
    allow: f64,
    #[serde(default = "one")]
    deny: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    #[serde(default)]
    sample: Option<RawSample>,
    #[serde(default)]
    mask: Vec<String>,
}

/// Which decisions are logged and what is masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// Allows kept: out of 2^32 (decision ids below this are kept).
    allow_below: u64,
    /// Denies (shadow denies too) kept, likewise.
    deny_below: u64,
    /// What every line hides.
    masks: Vec<Mask>,
    /// The principal is masked in decision metadata too.
    pub mask_principal: bool,
    /// The actor is masked in decision metadata too.
    pub mask_actor: bool,
}

const ALL: u64 = 1 << 32;

impl Default for LogSettings {
    fn default() -> LogSettings {
        LogSettings {
            allow_below: ALL,
            deny_below: ALL,
            masks: Vec::new(),
            mask_principal: false,
            mask_actor: false,
        }
    }
}

fn rate(r: f64, what: &str) -> Result<u64, String> {
    if !(0.0..=1.0).contains(&r) {
        return Err(format!("sample.{what} must be between 0 and 1"));
    }
    // Exact at both ends; between them, a fraction of the id space.
    Ok(if r >= 1.0 {
        ALL
    } else {
        (r * ALL as f64) as u64
    })
}

impl LogSettings {
    /// Reads `decisionLog` given as an object: `{"sample": {"allow", "deny"}, "mask": [...]}`.
    pub fn from_value(v: Value) -> Result<LogSettings, String> {
        let raw: RawLog = serde_json::from_value(v).map_err(|e| e.to_string())?;
        let (allow, deny) = raw.sample.map_or((1.0, 1.0), |s| (s.allow, s.deny));
        let mut masks: Vec<Mask> = Vec::new();
        for m in &raw.mask {
            let Some((_, mask)) = Mask::NAMES.iter().find(|(n, _)| n == m) else {
                return Err(format!(
                    "mask \"{m}\" is not one of principal, actor, resourceId, people"
                ));
            };
            masks.push(*mask);
        }
        Ok(LogSettings {
            allow_below: rate(allow, "allow")?,
            deny_below: rate(deny, "deny")?,
            mask_principal: masks.contains(&Mask::Principal),
            mask_actor: masks.contains(&Mask::Actor),
            masks,
        })
    }

    /// Whether the decision with this id and outcome is written.
    pub fn sampled(&self, decision_id: &str, allow: bool) -> bool {
        let below = if allow {
            self.allow_below
        } else {
            self.deny_below
        };
        if below >= ALL {
            return true;
        }
        let head = decision_id
            .get(..8)
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        head.is_some_and(|h| u64::from(h) < below)
    }
}

/// One decision, as logged.
pub struct Logged<'a> {
    /// Decision id.
    pub id: &'a str,
    /// Who authenticated.
    pub actor: &'a str,
    /// On whose behalf.
    pub principal: &'a str,
    /// Permission (empty before any).
    pub permission: &'a str,
    /// The core request, when one was formed.
    pub request: Option<Request>,
    /// Outcome.
    pub allow: bool,
    /// Reason.
    pub reason: Reason,
    /// Policy revision.
    pub revision: &'a str,
    /// Shadow mode.
    pub shadow: bool,
}

/// The line for a decision, masked; `None` when sampling leaves it out.
pub fn line(d: Logged<'_>, settings: &LogSettings) -> Option<String> {
    if !settings.sampled(d.id, d.allow) {
        return None;
    }
    let resource = d
        .request
        .as_ref()
        .map_or_else(LoggedResource::default, |r| LoggedResource {
            kind: Some(r.resource.type_name().to_string()),
            id: r.resource.id().map(str::to_string),
        });
    let mut line = DecisionLogLine {
        decision_id: d.id.to_string(),
        actor: d.actor.to_string(),
        principal: d.principal.to_string(),
        permission: d.permission.to_string(),
        resource,
        reason: d.reason,
        allow: d.allow,
        revision: d.revision.to_string(),
        mode: if d.shadow { "shadow" } else { "enforce" }.to_string(),
        request: d.request,
    };
    for m in &settings.masks {
        mask_line(&mut line, *m);
    }
    Some(line.to_json())
}

/// Writes a decision's line on Envoy's `wasm` log, when it is sampled.
pub fn write(d: Logged<'_>, settings: &LogSettings) {
    if let Some(text) = line(d, settings) {
        log(LogLevel::Info, &format!("recgate decision {text}"));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(v: Value) -> LogSettings {
        LogSettings::from_value(v).unwrap()
    }

    fn request() -> Request {
        Request::from_json(
            r#"{"principal":"sup-us","actor":"svc-qa","permission":"recording:recording:view",
                "resource":{"type":"recording","id":"rec-1","conversationId":"c-1","media":"audio",
                            "owner":"a-us-1","participants":["a-us-1","a-us-2"],"related":["rec-2"]},
                "now":"2026-11-22T12:00:00Z"}"#,
        )
        .unwrap()
    }

    fn logged(id: &str, allow: bool) -> Logged<'_> {
        Logged {
            id,
            actor: "svc-qa",
            principal: "sup-us",
            permission: "recording:recording:view",
            request: Some(request()),
            allow,
            reason: if allow {
                Reason::Allow
            } else {
                Reason::OutOfScope
            },
            revision: "r1",
            shadow: false,
        }
    }

    #[test]
    fn allows_are_sampled_and_denies_kept() {
        let s = settings(json!({"sample": {"allow": 0.25, "deny": 1}}));
        // 0x3fffffff is just under a quarter of 2^32, 0x40000000 is a quarter.
        assert!(s.sampled("3fffffff000000000000000000000000", true));
        assert!(!s.sampled("40000000000000000000000000000000", true));
        assert!(s.sampled("ffffffff000000000000000000000000", false));
        let none = settings(json!({"sample": {"allow": 0}}));
        assert!(!none.sampled("00000000000000000000000000000000", true));
        assert!(none.sampled("00000000000000000000000000000000", false));
        // Over many random ids, about the rate (decision ids are random hex).
        let kept = (0u32..4096)
            .filter(|i| s.sampled(&format!("{:08x}", i.wrapping_mul(2_654_435_761)), true))
            .count();
        assert!((900..1150).contains(&kept), "{kept}");
        assert!(LogSettings::from_value(json!({"sample": {"allow": -0.1}})).is_err());
        assert!(LogSettings::from_value(json!({"sample": {"every": 1}})).is_err());
    }

    #[test]
    fn masks_hide_principals_and_resource_ids_everywhere_in_the_line() {
        let s = settings(json!({"mask": ["principal", "actor", "resourceId", "people"]}));
        assert!(s.mask_principal && s.mask_actor);
        let text = line(logged("0a", true), &s).unwrap();
        for secret in [
            "sup-us", "svc-qa", "rec-1", "rec-2", "c-1", "a-us-1", "a-us-2",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["principal"], MASKED);
        assert_eq!(
            v["request"]["resource"]["participants"],
            json!([MASKED, MASKED])
        );
        assert_eq!(v["permission"], "recording:recording:view");
        assert_eq!(v["reason"], "allow");
        // A masked line is still a decision-log line `recgate diff` reads.
        let back = DecisionLogLine::from_json(&text).unwrap();
        assert_eq!(back.request.unwrap().principal, MASKED);
        // One mask hides only its own fields.
        let only = settings(json!({"mask": ["resourceId"]}));
        let text = line(logged("0a", true), &only).unwrap();
        assert!(text.contains("sup-us") && text.contains("a-us-1") && !text.contains("rec-1"));
        assert!(LogSettings::from_value(json!({"mask": ["everyone"]})).is_err());
        assert!(LogSettings::from_value(json!({"mask": ["/principal"]})).is_err());
    }

    #[test]
    fn unmasked_lines_are_the_core_line() {
        let text = line(logged("0b", false), &LogSettings::default()).unwrap();
        let back = DecisionLogLine::from_json(&text).unwrap();
        assert_eq!(back.principal, "sup-us");
        assert_eq!(back.reason, Reason::OutOfScope);
        assert!(back.request.is_some());
    }
}
