//! State shared by the root context and the request contexts of one VM: the
//! configuration, the active policy and the stats. Its own module so that
//! neither context depends on the other.

use std::cell::RefCell;
use std::rc::Rc;

use recgate_core::Policy;

use crate::attributes::FactsMemo;
use crate::config::PluginConfig;
use crate::metrics::Metrics;

/// What every context of one VM sees.
pub struct Shared {
    /// The configuration.
    pub config: Rc<PluginConfig>,
    /// The active policy (none until one is installed).
    pub policy: Option<Rc<Policy>>,
    /// Counters and gauges.
    pub metrics: Metrics,
    /// Conversation facts parsed from the cache (its own cell: request
    /// contexts hold it while deciding, when `Shared` itself may be borrowed).
    pub facts_memo: Rc<RefCell<FactsMemo>>,
}
