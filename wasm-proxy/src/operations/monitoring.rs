//! The live-monitoring routes (issue #20) as the core's monitor operations
//! (`recgate_core::monitor`): a participant of a live interaction — its
//! call, its messages or its screen — decided on the interaction's facts,
//! which the attributes service is asked for afresh on every request
//! (`FactsKey::Participant` is never cached); an agent's screen across
//! interactions; the screen-monitoring figures of named users; the figure
//! over every session. The filter only translates: which route watches what,
//! and the refusal's status and words; every rule is the core's.

use recgate_core::bulk::{BulkAction, BulkScope};
use recgate_core::monitor::{monitored, LiveInteraction, Monitoring};
use recgate_core::request::Named;
use recgate_core::{Perm, Reason, Resource};
use serde_json::json;

use super::{Ask, Refusal, Verdict};
use crate::attributes::FactsKey;
use crate::bodies;
use crate::judging::Rewrite;
use crate::routes::{Action, MonitorChannel};

impl Ask<'_> {
    /// A live interaction as participant `p` of conversation `c` is in it,
    /// or the refusal to answer without it (404 when the service does not
    /// know it, or its answer names another conversation or participant).
    fn live_interaction(&self, c: &str, p: &str) -> Result<LiveInteraction, Box<Verdict>> {
        let key = FactsKey::Participant(c.to_string(), p.to_string());
        self.read_facts(key, "live interaction", LiveInteraction::from_json, |f| {
            f.conversation_id() == c && f.participant_id == p
        })
    }

    /// The decision for a monitoring route with the facts at hand.
    pub(super) fn decide_monitoring(&self) -> Verdict {
        let (policy, routed, now) = (self.policy, self.routed, self.now);
        let subject = policy.subject(self.principal, Some(self.actor), now);
        match &routed.action {
            Action::Monitor {
                channel,
                conversation,
                participant,
            } => {
                let (c, p) = (routed.param(conversation), routed.param(participant));
                let interaction = match self.live_interaction(&c, &p) {
                    Ok(f) => f,
                    Err(v) => return *v,
                };
                let what = match channel {
                    MonitorChannel::Call => Monitoring::Call,
                    MonitorChannel::Messages => Monitoring::Messages,
                    MonitorChannel::Screen => Monitoring::Screen,
                };
                let ruling = subject.monitor(what, &interaction, now);
                let resource = Resource::Recording(monitored(what, &interaction));
                self.ruled(&ruling, resource, Rewrite::None, Vec::new())
            }
            Action::MonitorAgent { user } => {
                let u = routed.param(user);
                let ruling = subject.monitor_agent(&u, now);
                let resource = policy
                    .agent_desktop(&u)
                    .map_or_else(|| Resource::User(Named { id: u }), Resource::Recording);
                self.ruled(&ruling, resource, Rewrite::None, Vec::new())
            }
            Action::ScreenMonitorUsers => {
                let ids = match bodies::user_ids(self.body, self.max_items) {
                    Ok(ids) => ids,
                    Err(why) => return self.body_refused(&why),
                };
                if let Some(v) = self.session_refused() {
                    return v;
                }
                let refused = subject.refused_agents(&ids, now);
                let Some((_, first)) = refused.first().copied() else {
                    return self.forward_plain(
                        Perm::CALL_MONITOR.name(),
                        None,
                        Rewrite::ScreenMonitoringSessions,
                    );
                };
                let named: Vec<_> = refused
                    .iter()
                    .map(|(id, reason)| json!({ "userId": id, "reason": reason.as_str() }))
                    .collect();
                Verdict::Refuse(Refusal {
                    status: 403,
                    word: first.as_str().into(),
                    reason: first,
                    permission: Perm::CALL_MONITOR.name(),
                    request: None,
                    extra: Some(json!({ "refused": named })),
                })
            }
            Action::ScreenMonitorCount => {
                let every_live_screen = BulkScope {
                    calls: false,
                    screens: true,
                    sensitive: true,
                };
                // No one core request stands for a figure over every session: none is logged.
                let request = None;
                match policy.bulk(
                    self.principal,
                    Some(self.actor),
                    BulkAction::Monitor,
                    every_live_screen,
                    now,
                ) {
                    Ok(()) => self.forward_plain(Perm::CALL_MONITOR.name(), request, Rewrite::None),
                    Err(reason) => Verdict::Refuse(Refusal {
                        status: 403,
                        word: reason.as_str().into(),
                        reason,
                        permission: Perm::CALL_MONITOR.name(),
                        request,
                        extra: None,
                    }),
                }
            }
            // Every other action is decided in `operations`: nothing to monitor here.
            _ => self.missing(Reason::ResourceUnavailable),
        }
    }
}
