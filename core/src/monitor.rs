//! Live monitoring (issue #20): a supervisor listening in on a call,
//! following a messaging conversation as it happens, or watching an agent's
//! screen — the Genesys Cloud API's `…/participants/{participantId}/monitor`
//! and screen-monitoring sessions. Each is decided as
//! `conversation:call:monitor` (SPEC §6: it applies to recordings with
//! `live: true`) on the interaction as it is *now*: the attributes an
//! enforcement point reads afresh from its attributes source
//! ([`LiveInteraction`]), in the recording format of SPEC §2 — the
//! interaction is the recording it is making.
//!
//! Watching a screen is decided on the same interaction with `media:
//! "screen"`: the agent's desktop during that interaction is what a screen
//! recording of it would hold, so SPEC §3 step 11 (access) asks for
//! `recording:screenRecording:view` on it too — whoever may not watch the
//! recording of a screen may not watch it live. An agent's screen across
//! interactions ([`Subject::monitor_agent`]) is decided on their desktop as
//! the policy knows them (division, region, no queue: it spans every queue).
//!
//! An interaction that has ended is refused with the edge code
//! `conversation_ended` — but only to a principal who could monitor it were
//! it live; anyone else is told what stands in their way regardless (the
//! refusal a live interaction would get), so liveness is never disclosed to
//! someone who may not monitor it. docs/policy.md "Live monitoring" has the
//! rules and why.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::catalog::Perm;
use crate::decision::{DecisionRecord, Reason};
use crate::enforce::Ruling;
use crate::error::RequestError;
use crate::json::Json;
use crate::model::Media;
use crate::policy::{Policy, Subject};
use crate::request::{Recording, Resource};
use crate::time::Timestamp;
use crate::typed_json;

/// What a supervisor asks to monitor of a live interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Monitoring {
    /// Listen in on a call (`media: "audio"`).
    Call,
    /// Follow a messaging conversation (`media: "messaging"`).
    Messages,
    /// Watch the participant's screen during the interaction (any media).
    Screen,
}

impl Monitoring {
    /// Whether an interaction of `media` can be monitored this way: the
    /// API's calls endpoint names calls, its messages endpoint messaging.
    fn accepts(self, media: Option<Media>) -> bool {
        match self {
            Monitoring::Call => media == Some(Media::Audio),
            Monitoring::Messages => media == Some(Media::Messaging),
            Monitoring::Screen => media.is_some(),
        }
    }
}

/// A live interaction as one of its participants is in it, as the
/// attributes source says now: the participant, and the interaction's
/// attributes as the recording it is making (SPEC §2: `conversationId`,
/// `media`, `direction`, `owner` — the agent whose side is monitored —,
/// `participants`, `queue`, `divisions`, `region`, `live`, …).
#[derive(Debug, Clone, PartialEq)]
pub struct LiveInteraction {
    /// The participant named by the request.
    pub participant_id: String,
    /// The interaction's attributes; `id` is the conversation's unless given.
    pub recording: Recording,
}

fn unreadable(message: &str) -> RequestError {
    RequestError {
        message: String::from(message),
    }
}

impl LiveInteraction {
    /// Reads `{"conversationId", "participantId", "media", "live", <other
    /// recording attributes>}`. `conversationId`, `participantId` and
    /// `media` must be strings and `live` a boolean — an answer that does
    /// not say whether the interaction is live cannot decide a monitor
    /// request; other members are read as a recording's (near-misses refused).
    pub fn from_json(text: &str) -> Result<LiveInteraction, RequestError> {
        let mut facts = typed_json::parse(text)?;
        if !matches!(facts, Json::Obj(_)) {
            return Err(unreadable("live interaction facts must be a JSON object"));
        }
        // Not a recording attribute (and a near-miss of `participants`): taken out first.
        let participant_id = match facts.take_member("participantId") {
            Some(Json::Str(p)) if !p.is_empty() => p,
            _ => {
                return Err(unreadable(
                    "live interaction facts without \"participantId\"",
                ))
            }
        };
        let conversation = match facts.member("conversationId") {
            Some(Json::Str(c)) if !c.is_empty() => c.clone(),
            _ => {
                return Err(unreadable(
                    "live interaction facts without \"conversationId\"",
                ))
            }
        };
        if !matches!(facts.member("media"), Some(Json::Str(_))) {
            return Err(unreadable("live interaction facts without \"media\""));
        }
        if !matches!(facts.member("live"), Some(Json::Bool(_))) {
            return Err(unreadable(
                "live interaction facts must say whether it is \"live\"",
            ));
        }
        let has_id = facts.member("id").is_some();
        if let (false, Json::Obj(members)) = (has_id, &mut facts) {
            members.push((String::from("id"), Json::Str(conversation)));
        }
        let recording: Recording = typed_json::from_tree(&facts)?;
        Ok(LiveInteraction {
            participant_id,
            recording,
        })
    }

    /// The conversation's id.
    pub fn conversation_id(&self) -> &str {
        self.recording
            .conversation_id
            .as_deref()
            .unwrap_or(&self.recording.id)
    }
}

/// The resource a monitor request is decided on: the interaction, as a
/// screen when its screen is watched. `live` is what the facts say (what a
/// decision log records, so a replay sees the interaction as it was).
pub fn monitored(what: Monitoring, interaction: &LiveInteraction) -> Recording {
    let mut rec = interaction.recording.clone();
    if what == Monitoring::Screen {
        rec.media = Some(Media::Screen);
    }
    rec
}

impl Policy {
    /// An agent's desktop as a live screen, for monitoring it across
    /// interactions: owned by them, in their division and region as this
    /// policy knows them, in no queue (it spans every queue). `None` for a
    /// user the policy does not know.
    pub fn agent_desktop(&self, user: &str) -> Option<Recording> {
        let u = self.doc().user(user)?;
        Some(Recording {
            id: String::from(user),
            media: Some(Media::Screen),
            owner: Some(String::from(user)),
            participants: vec![String::from(user)],
            divisions: Some(vec![u.division.clone()]),
            region: Some(u.region.clone()),
            live: true,
            ..Recording::default()
        })
    }
}

impl Subject<'_> {
    fn refused(&self, reason: Reason, hidden: bool) -> Ruling {
        Ruling {
            permission: Perm::CALL_MONITOR,
            decision: DecisionRecord::edge_deny(reason, self.policy().revision(), None),
            hidden,
        }
    }

    /// Monitoring a participant of a live interaction: `conversation:call:monitor`
    /// on it (on its screen for [`Monitoring::Screen`]); a refusal looks like
    /// "not found" when the principal may not see the interaction itself
    /// (its own media, or its metadata). An interaction of
    /// another kind than the route names is not found; one that has ended is
    /// `conversation_ended` for a principal who could monitor it live.
    pub fn monitor(
        &self,
        what: Monitoring,
        interaction: &LiveInteraction,
        now: Timestamp,
    ) -> Ruling {
        if !what.accepts(interaction.recording.media) {
            return self.refused(Reason::UnknownResource, self.refusal().is_none());
        }
        let mut live = monitored(what, interaction);
        live.live = true;
        // Hidden when the interaction itself (not its screen) is one the principal may not see.
        let ruling = self.rule(
            Perm::CALL_MONITOR,
            &Resource::Recording(live),
            &interaction.recording,
            now,
        );
        if ruling.allowed() && !interaction.recording.live {
            return self.refused(Reason::ConversationEnded, false);
        }
        ruling
    }

    /// Monitoring an agent's screen across interactions (the API's
    /// agent-level screen-monitoring sessions), decided on
    /// [`Policy::agent_desktop`]. A refusal names its reason (a user is not
    /// hidden the way a recording is); a user the policy does not know is
    /// `unknown_resource`.
    pub fn monitor_agent(&self, user: &str, now: Timestamp) -> Ruling {
        let Some(desktop) = self.policy().agent_desktop(user) else {
            let reason = self.refusal().unwrap_or(Reason::UnknownResource);
            return self.refused(reason, false);
        };
        let mut ruling = self.rule(
            Perm::CALL_MONITOR,
            &Resource::Recording(desktop.clone()),
            &desktop,
            now,
        );
        ruling.hidden = false;
        ruling
    }

    /// One screen-monitoring session of a list (`sourceUser` started it,
    /// `targetUser` is watched): kept for the supervisor who started it, and
    /// for a principal who may monitor the watched agent's screen across
    /// interactions; a session naming no target is dropped.
    pub fn keep_screen_session(
        &self,
        source: Option<&str>,
        target: Option<&str>,
        now: Timestamp,
    ) -> bool {
        let Some(me) = self.principal() else {
            return false;
        };
        source == Some(me) || target.is_some_and(|t| self.monitor_agent(t, now).allowed())
    }

    /// The users of `ids` this principal may not monitor across
    /// interactions, each with the reason (a request about several agents'
    /// screens is refused when one is refused).
    pub fn refused_agents<'i>(&self, ids: &'i [String], now: Timestamp) -> Vec<(&'i str, Reason)> {
        ids.iter()
            .filter_map(|id| {
                let r = self.monitor_agent(id, now);
                (!r.allowed()).then_some((id.as_str(), r.decision.reason))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    const ACME: &str = include_str!("../../examples/acme.json");

    fn now() -> Timestamp {
        Timestamp::parse("2026-11-22T12:00:00Z").unwrap()
    }

    fn live(text: &str) -> LiveInteraction {
        LiveInteraction::from_json(text).unwrap()
    }

    fn us_call(live_now: bool) -> LiveInteraction {
        live(&alloc::format!(
            r#"{{"conversationId":"c-us","participantId":"p-agent","media":"audio","direction":"inbound",
                "owner":"a-us-1","participants":["a-us-1"],"queue":"q-us","divisions":["home"],
                "region":"us-east-1","live":{live_now}}}"#
        ))
    }

    fn uk_call(direction: &str) -> LiveInteraction {
        live(&alloc::format!(
            r#"{{"conversationId":"c-uk","participantId":"p-agent","media":"audio","direction":"{direction}",
                "owner":"a-uk-1","participants":["a-uk-1"],"queue":"q-uk","live":true}}"#
        ))
    }

    fn bpo_call() -> LiveInteraction {
        live(
            r#"{"conversationId":"c-bpo","participantId":"p-agent","media":"audio","direction":"inbound",
                "owner":"b-em-1","participants":["b-em-1"],"queue":"q-bpo","divisions":["bpo-emea"],
                "region":"eu-west-1","live":true}"#,
        )
    }

    fn outcome(r: &Ruling) -> (bool, Reason, bool) {
        (r.allowed(), r.decision.reason, r.hidden)
    }

    #[test]
    fn facts_are_read_strictly() {
        let f = us_call(true);
        assert_eq!(f.participant_id, "p-agent");
        assert_eq!(f.recording.id, "c-us", "the id is the conversation's");
        assert_eq!(f.conversation_id(), "c-us");
        assert!(f.recording.live);
        for bad in [
            "[]",
            r#"{"conversationId":"c","media":"audio","live":true}"#,
            r#"{"conversationId":"c","participantId":"","media":"audio","live":true}"#,
            r#"{"participantId":"p","media":"audio","live":true}"#,
            r#"{"conversationId":"c","participantId":"p","live":true}"#,
            r#"{"conversationId":"c","participantId":"p","media":"audio"}"#,
            r#"{"conversationId":"c","participantId":"p","media":"audio","live":"yes"}"#,
            r#"{"conversationId":"c","participantId":"p","media":"audio","live":true,"owner":7}"#,
            r#"{"conversationId":"c","participantId":"p","media":"audio","live":true,"qeue":"q-us"}"#,
        ] {
            assert!(LiveInteraction::from_json(bad).is_err(), "{bad}");
        }
        // Members recgate does not read are ignored, as on every resource.
        assert!(LiveInteraction::from_json(
            r#"{"conversationId":"c","participantId":"p","media":"audio","live":true,"purpose":"agent"}"#
        )
        .is_ok());
    }

    #[test]
    fn a_supervisor_monitors_inside_their_scope() {
        let p = Policy::from_json(ACME).unwrap();
        let sup = p.subject("sup-us", None, now());
        assert_eq!(
            outcome(&sup.monitor(Monitoring::Call, &us_call(true), now())),
            (true, Reason::Allow, false)
        );
        // Support-UK: an inbound call is one sup-us may hear recorded, so the refusal says why.
        assert_eq!(
            outcome(&sup.monitor(Monitoring::Call, &uk_call("inbound"), now())),
            (false, Reason::OutOfScope, false)
        );
        // An outbound UK call is one sup-us may not even see: not found.
        assert_eq!(
            outcome(&sup.monitor(Monitoring::Call, &uk_call("outbound"), now())),
            (false, Reason::OutOfScope, true)
        );
        // The BPO supervisor: the BPO queue view only.
        let bsup = p.subject("bsup-1", None, now());
        assert!(bsup.monitor(Monitoring::Call, &bpo_call(), now()).allowed());
        let us = bsup.monitor(Monitoring::Call, &us_call(true), now());
        assert_eq!(outcome(&us), (false, Reason::OutOfDivision, true));
        // Agents do not monitor; QA may hear the call recorded but does not monitor either.
        let agent = p.subject("a-us-2", None, now());
        let live_call = us_call(true);
        assert_eq!(
            outcome(&agent.monitor(Monitoring::Call, &live_call, now())),
            (false, Reason::NoPermission, true)
        );
        let qa = p.subject("qa-1", None, now());
        assert_eq!(
            outcome(&qa.monitor(Monitoring::Call, &live_call, now())),
            (false, Reason::NoPermission, false)
        );
    }

    #[test]
    fn an_ended_conversation_is_refused_without_disclosing_it() {
        let p = Policy::from_json(ACME).unwrap();
        let sup = p.subject("sup-us", None, now());
        let ended = sup.monitor(Monitoring::Call, &us_call(false), now());
        assert_eq!(outcome(&ended), (false, Reason::ConversationEnded, false));
        assert_eq!(ended.permission, Perm::CALL_MONITOR);
        assert!(ended.decision.grant.is_none());
        // Someone who could not monitor it live learns nothing about it ending.
        let qa = p.subject("qa-1", None, now());
        assert_eq!(
            outcome(&qa.monitor(Monitoring::Call, &us_call(false), now())),
            (false, Reason::NoPermission, false)
        );
        // What is logged is the interaction as it was: the core says step 1 (not live).
        let logged = monitored(Monitoring::Call, &us_call(false));
        assert!(!logged.live);
        let logged = Resource::Recording(logged);
        let d = sup.decide_perm(Perm::CALL_MONITOR, &logged, now());
        assert_eq!(d.reason, Reason::InvalidRequest);
    }

    #[test]
    fn screens_need_the_screen_recording_view_rules() {
        let p = Policy::from_json(ACME).unwrap();
        // sup-us may listen in, but holds no screen-recording view: no_access (SPEC §3 step 11).
        let sup = p.subject("sup-us", None, now());
        let screen = sup.monitor(Monitoring::Screen, &us_call(true), now());
        assert_eq!(outcome(&screen), (false, Reason::NoAccess, false));
        // With a screen viewer's grant on Support-US as well, the screen is theirs to watch.
        let mut doc: serde_json::Value = serde_json::from_str(ACME).unwrap();
        doc["roles"]["internal-supervisor"]["grants"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({ "permission": "recording:screenRecording:view", "scope": { "group": "support-us" } }));
        let p = Policy::from_json(&doc.to_string()).unwrap();
        let sup = p.subject("sup-us", None, now());
        assert!(sup
            .monitor(Monitoring::Screen, &us_call(true), now())
            .allowed());
        assert_eq!(
            outcome(&sup.monitor(Monitoring::Screen, &uk_call("inbound"), now())),
            (false, Reason::OutOfScope, false),
            "sup-us hears inbound UK calls recorded, so is told why"
        );
        // Across interactions: the agent's desktop, in Support-US.
        assert!(sup.monitor_agent("a-us-1", now()).allowed());
        assert_eq!(
            outcome(&sup.monitor_agent("a-uk-1", now())),
            (false, Reason::OutOfScope, false)
        );
        assert_eq!(
            outcome(&sup.monitor_agent("nobody", now())),
            (false, Reason::UnknownResource, false)
        );
        let desktop = p.agent_desktop("b-em-1").unwrap();
        assert_eq!(desktop.region.as_deref(), Some("eu-west-1"));
        assert_eq!(desktop.divisions, Some(vec![String::from("bpo-emea")]));
        assert_eq!(desktop.queue, None);
    }

    #[test]
    fn the_route_names_the_kind_of_interaction() {
        let p = Policy::from_json(ACME).unwrap();
        let sup = p.subject("sup-us", None, now());
        let call = us_call(true);
        assert_eq!(
            outcome(&sup.monitor(Monitoring::Messages, &call, now())),
            (false, Reason::UnknownResource, true),
            "no messaging conversation by that id"
        );
        let mut messages = call.clone();
        messages.recording.media = Some(Media::Messaging);
        assert!(sup
            .monitor(Monitoring::Messages, &messages, now())
            .allowed());
        assert!(!sup.monitor(Monitoring::Call, &messages, now()).allowed());
    }

    #[test]
    fn impersonation_rules_apply() {
        let p = Policy::from_json(ACME).unwrap();
        // The BPO integration may act for the BPO agents only, and agents do not monitor.
        let as_bsup = p.subject("bsup-1", Some("svc-bpo"), now());
        let r = as_bsup.monitor(Monitoring::Call, &bpo_call(), now());
        assert_eq!(outcome(&r), (false, Reason::ImpersonationDenied, false));
        let as_agent = p.subject("b-em-1", Some("svc-bpo"), now());
        assert_eq!(
            as_agent
                .monitor(Monitoring::Call, &bpo_call(), now())
                .decision
                .reason,
            Reason::NoPermission
        );
        assert_eq!(
            as_bsup.monitor_agent("b-em-1", now()).decision.reason,
            Reason::ImpersonationDenied
        );
        assert!(!as_bsup.keep_screen_session(Some("bsup-1"), Some("b-em-1"), now()));
    }

    #[test]
    fn session_lists_keep_ones_own_and_monitorable_agents() {
        let p = Policy::from_json(ACME).unwrap();
        let sup = p.subject("sup-us", None, now());
        assert!(sup.keep_screen_session(Some("sup-us"), Some("a-uk-1"), now()));
        assert!(!sup.keep_screen_session(Some("bsup-1"), Some("a-uk-1"), now()));
        assert!(!sup.keep_screen_session(None, None, now()));
        let ids = [String::from("a-us-1"), String::from("nobody")];
        let refused = sup.refused_agents(&ids, now());
        assert_eq!(
            refused,
            [
                ("a-us-1", Reason::NoAccess),
                ("nobody", Reason::UnknownResource)
            ]
        );
    }
}
