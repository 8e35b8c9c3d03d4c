//! Envoy stats for the filter. They appear on the admin `/stats/prometheus`
//! endpoint with Envoy's names for Wasm-defined metrics (`recgate_…`); the
//! `stats_tags` of docs/envoy-filter.md turn the dotted parts into labels.
//!
//! The per-request counters are [`DecisionStats`]: one counter per outcome,
//! reason and route, `recgate.decisions.<outcome>.<reason>.<route>`. Route
//! names are prepared when the configuration is read and each counter's id
//! is kept in a table indexed by route, outcome and reason, so a request
//! formats no name and hashes no string; a counter is defined with Envoy on
//! its first use (defining every combination up front would show thousands
//! of zero stats). Everything else counts rarely and is looked up by name.

use std::collections::HashMap;

use proxy_wasm::hostcalls;

use crate::census::{tick, Call};
use proxy_wasm::types::MetricType;
use recgate_core::Reason;

/// Metric ids by name, for one VM.
#[derive(Default)]
pub struct Metrics {
    ids: HashMap<String, u32>,
    /// The per-request decision counters.
    pub decisions: DecisionStats,
}

impl Metrics {
    /// The metrics of a configuration whose routes are named `route_names`.
    pub fn new(route_names: &[String]) -> Metrics {
        Metrics {
            ids: HashMap::new(),
            decisions: DecisionStats::new(route_names),
        }
    }

    fn id(&mut self, kind: MetricType, name: &str) -> Option<u32> {
        if let Some(id) = self.ids.get(name) {
            return Some(*id);
        }
        tick(Call::Metric);
        let id = hostcalls::define_metric(kind, name).ok()?;
        self.ids.insert(name.to_string(), id);
        Some(id)
    }

    /// Adds one to a counter.
    pub fn count(&mut self, name: &str) {
        self.add(name, 1);
    }

    /// Adds `n` to a counter.
    pub fn add(&mut self, name: &str, n: u64) {
        if n == 0 {
            return;
        }
        if let Some(id) = self.id(MetricType::Counter, name) {
            tick(Call::Metric);
            let _ = hostcalls::increment_metric(id, i64::try_from(n).unwrap_or(i64::MAX));
        }
    }

    /// Adds the host calls counted since the last report to the
    /// `recgate.census.*` counters, and counts one stream
    /// (`recgate.census.streams`); the report's own calls belong to no request.
    #[cfg(feature = "hostcall-census")]
    pub fn report_census(&mut self) {
        for (name, n) in crate::census::drain() {
            self.add(&format!("recgate.census.{name}"), n);
        }
        self.add("recgate.census.streams", 1);
        let _ = crate::census::drain();
    }

    /// Sets a gauge.
    pub fn gauge(&mut self, name: &str, value: u64) {
        if let Some(id) = self.id(MetricType::Gauge, name) {
            tick(Call::Metric);
            let _ = hostcalls::record_metric(id, value);
        }
    }
}

/// How a decision ended, as the stats name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatOutcome {
    /// Allowed.
    Allow,
    /// Denied.
    Deny,
    /// Denied by the policy, let through by shadow mode.
    ShadowDeny,
}

impl StatOutcome {
    const ALL: [StatOutcome; 3] = [
        StatOutcome::Allow,
        StatOutcome::Deny,
        StatOutcome::ShadowDeny,
    ];

    /// Its word in stats and decision metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            StatOutcome::Allow => "allow",
            StatOutcome::Deny => "deny",
            StatOutcome::ShadowDeny => "shadow_deny",
        }
    }
}

/// The route name of decisions made before a route was found (unreadable
/// paths, unknown routes).
pub const UNROUTED: &str = "unrouted";

/// Decision counters by outcome, reason and route (module documentation).
#[derive(Default)]
pub struct DecisionStats {
    /// Route names by position, then [`UNROUTED`].
    routes: Vec<String>,
    /// Counter ids, `None` until first used.
    ids: Vec<Option<u32>>,
}

impl DecisionStats {
    /// The table for routes named `route_names` (by position in the route table).
    pub fn new(route_names: &[String]) -> DecisionStats {
        let mut routes: Vec<String> = route_names.to_vec();
        routes.push(UNROUTED.to_string());
        let cells = routes.len() * StatOutcome::ALL.len() * Reason::ALL.len();
        DecisionStats {
            routes,
            ids: vec![None; cells],
        }
    }

    fn cell(&self, route: Option<usize>, outcome: StatOutcome, reason: Reason) -> Option<usize> {
        let unrouted = self.routes.len().checked_sub(1)?;
        let route = route.filter(|r| *r < unrouted).unwrap_or(unrouted);
        let outcome = StatOutcome::ALL.iter().position(|o| *o == outcome)?;
        let reason = Reason::ALL.iter().position(|r| *r == reason)?;
        Some((route * StatOutcome::ALL.len() + outcome) * Reason::ALL.len() + reason)
    }

    /// The counter's name (for its definition, once).
    pub fn name(
        &self,
        route: Option<usize>,
        outcome: StatOutcome,
        reason: Reason,
    ) -> Option<String> {
        let cell = self.cell(route, outcome, reason)?;
        let route_ix = cell / (StatOutcome::ALL.len() * Reason::ALL.len());
        let route = self.routes.get(route_ix)?;
        Some(format!(
            "recgate.decisions.{}.{}.{route}",
            outcome.as_str(),
            reason.as_str()
        ))
    }

    /// Counts one decision.
    pub fn count(&mut self, route: Option<usize>, outcome: StatOutcome, reason: Reason) {
        let Some(cell) = self.cell(route, outcome, reason) else {
            return;
        };
        let id = match self.ids.get(cell).copied().flatten() {
            Some(id) => id,
            None => {
                let Some(name) = self.name(route, outcome, reason) else {
                    return;
                };
                tick(Call::Metric);
                let Ok(id) = hostcalls::define_metric(MetricType::Counter, &name) else {
                    return;
                };
                if let Some(slot) = self.ids.get_mut(cell) {
                    *slot = Some(id);
                }
                id
            }
        };
        tick(Call::Metric);
        let _ = hostcalls::increment_metric(id, 1);
    }
}

/// A stat-name-safe form of a value (revision, hash): letters, digits and `_`.
pub fn stat_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_route_outcome_and_reason_has_its_own_counter() {
        let names = vec!["get_users_id".to_string(), "get_recording_jobs".to_string()];
        let stats = DecisionStats::new(&names);
        assert_eq!(
            stats
                .name(Some(0), StatOutcome::Deny, Reason::NoPermission)
                .unwrap(),
            "recgate.decisions.deny.no_permission.get_users_id"
        );
        assert_eq!(
            stats
                .name(None, StatOutcome::Deny, Reason::RouteUnknown)
                .unwrap(),
            "recgate.decisions.deny.route_unknown.unrouted"
        );
        assert_eq!(
            stats
                .name(Some(9), StatOutcome::Allow, Reason::Allow)
                .unwrap(),
            "recgate.decisions.allow.allow.unrouted"
        );
        let mut cells = std::collections::BTreeSet::new();
        for route in [Some(0), Some(1), None] {
            for o in StatOutcome::ALL {
                for r in Reason::ALL {
                    assert!(cells.insert(stats.cell(route, o, r).unwrap()));
                }
            }
        }
        assert_eq!(cells.len(), stats.ids.len());
        assert_eq!(*cells.iter().next_back().unwrap(), stats.ids.len() - 1);
    }
}
