//! The one place this crate reads and builds the core's plan types
//! ([`recgate_core::plan::RecordingFilter`] / [`Cond`]): a plan's filter becomes a
//! [`Formula`] over numbered atoms for the solver, and claims build their
//! recording constraints through the constructors here. Keeping the plan
//! types behind this module means a rename in the core is a small fix here.
//!
//! Atoms are the plan conditions of `docs/query-plans.md`, each a membership
//! test over one finite-domain recording attribute (owner, queue, line,
//! media, direction, region: one value; participants, divisions: a set) or a
//! flag (legal hold, sensitive, live, expired at `now`).

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use recgate_core::model::{Direction, Media};
use recgate_core::plan::{Cond, RecordingFilter};

/// Which recording attribute an atom reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attr {
    /// `owner`: one user, or none.
    Owner,
    /// `participants`: a set of users.
    Participant,
    /// `queue`: one queue, or none.
    Queue,
    /// `divisions`: a set (`["home"]` when the recording names none).
    Division,
    /// `region`: always one (the home region when the recording names none).
    Region,
    /// `line`: one line, or none.
    Line,
    /// `media`: one medium, or none.
    Media,
    /// `direction`: one direction, or none.
    Direction,
    /// `legalHold`.
    LegalHold,
    /// `sensitive`.
    Sensitive,
    /// `live`.
    Live,
    /// Past retention at `now` (never under legal hold).
    Expired,
}

/// The retention parameters every `expired` atom of one analysis shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionParams {
    /// The decision time, ms since the epoch.
    pub now: i64,
    /// `settings.retentionDays.screen`.
    pub screen_days: Option<u32>,
    /// `settings.retentionDays.default`.
    pub default_days: Option<u32>,
}

/// One atom: "the attribute is (or, for sets, has a member) in `values`", or a flag.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Atom {
    /// The attribute.
    pub attr: Attr,
    /// Sorted, distinct values; empty for flags.
    pub values: Vec<String>,
}

/// A boolean formula over atoms (indices into [`Formula::atoms`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A constant.
    Const(bool),
    /// All of these.
    And(Vec<Node>),
    /// Any of these.
    Or(Vec<Node>),
    /// Not this.
    Not(Box<Node>),
    /// An atom.
    Var(usize),
}

/// A plan filter as a formula: the tree and its distinct atoms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    /// The tree.
    pub root: Node,
    /// The atoms, each once.
    pub atoms: Vec<Atom>,
}

/// Why a filter cannot be analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormulaError {
    /// Two `expired` conditions with different parameters (plans of one
    /// policy at one time never have them).
    MixedRetention,
}

impl core::fmt::Display for FormulaError {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        match self {
            FormulaError::MixedRetention => f.write_str(
                "the filter tests retention at two different times or settings: analyse one time at once",
            ),
        }
    }
}

fn sorted(values: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = values.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    v
}

impl Formula {
    /// Reads a plan filter. Every `expired` condition must carry `retention`.
    pub fn from_filter(
        filter: &RecordingFilter,
        retention: RetentionParams,
    ) -> Result<Formula, FormulaError> {
        let mut atoms = Vec::new();
        let root = node(filter, retention, &mut atoms)?;
        Ok(Formula { root, atoms })
    }
}

fn var(atom: Atom, atoms: &mut Vec<Atom>) -> Node {
    match atoms.iter().position(|a| *a == atom) {
        Some(i) => Node::Var(i),
        None => {
            atoms.push(atom);
            Node::Var(atoms.len() - 1)
        }
    }
}

fn node(
    f: &RecordingFilter,
    retention: RetentionParams,
    atoms: &mut Vec<Atom>,
) -> Result<Node, FormulaError> {
    let list = |fs: &[RecordingFilter], atoms: &mut Vec<Atom>| -> Result<Vec<Node>, FormulaError> {
        fs.iter().map(|x| node(x, retention, atoms)).collect()
    };
    Ok(match f {
        RecordingFilter::Always => Node::Const(true),
        RecordingFilter::Never => Node::Const(false),
        RecordingFilter::And(fs) => Node::And(list(fs, atoms)?),
        RecordingFilter::Or(fs) => Node::Or(list(fs, atoms)?),
        RecordingFilter::Not(inner) => Node::Not(Box::new(node(inner, retention, atoms)?)),
        RecordingFilter::Cond(c) => {
            let (attr, values) = match c {
                Cond::OwnerIn { values } => (Attr::Owner, sorted(values.iter().cloned())),
                Cond::ParticipantIn { values } => {
                    (Attr::Participant, sorted(values.iter().cloned()))
                }
                Cond::QueueIn { values } => (Attr::Queue, sorted(values.iter().cloned())),
                Cond::DivisionIn { values } => (Attr::Division, sorted(values.iter().cloned())),
                Cond::RegionIn { values } => (Attr::Region, sorted(values.iter().cloned())),
                Cond::LineIn { values } => (Attr::Line, sorted(values.iter().cloned())),
                Cond::MediaIn { values } => (
                    Attr::Media,
                    sorted(values.iter().map(|m| m.as_str().to_string())),
                ),
                Cond::DirectionIn { values } => (
                    Attr::Direction,
                    sorted(values.iter().map(|d| d.as_str().to_string())),
                ),
                Cond::LegalHold => (Attr::LegalHold, Vec::new()),
                Cond::Sensitive => (Attr::Sensitive, Vec::new()),
                Cond::Live => (Attr::Live, Vec::new()),
                Cond::Expired {
                    now,
                    screen_days,
                    default_days,
                } => {
                    let seen = RetentionParams {
                        now: *now,
                        screen_days: *screen_days,
                        default_days: *default_days,
                    };
                    if seen != retention {
                        return Err(FormulaError::MixedRetention);
                    }
                    (Attr::Expired, Vec::new())
                }
            };
            // A membership test of nothing can never hold.
            if values.is_empty() && !is_flag(attr) {
                Node::Const(false)
            } else {
                var(Atom { attr, values }, atoms)
            }
        }
    })
}

/// Whether the attribute is a flag (no values).
pub fn is_flag(attr: Attr) -> bool {
    matches!(
        attr,
        Attr::LegalHold | Attr::Sensitive | Attr::Live | Attr::Expired
    )
}

// Constructors of plan filters, for recording constraints built elsewhere
// (claims): the only other place that names the plan types.

/// All of these filters.
pub fn all_of(parts: Vec<RecordingFilter>) -> RecordingFilter {
    RecordingFilter::And(parts)
}

/// Any of these filters.
pub fn any_of(parts: Vec<RecordingFilter>) -> RecordingFilter {
    RecordingFilter::Or(parts)
}

/// The negation.
pub fn not(f: RecordingFilter) -> RecordingFilter {
    RecordingFilter::Not(Box::new(f))
}

/// Every recording.
pub fn always() -> RecordingFilter {
    RecordingFilter::Always
}

/// A membership condition on a value attribute (`None` for a flag attribute,
/// which takes no values, or media/direction values that are not names of one).
pub fn member(attr: Attr, values: Vec<String>) -> Option<RecordingFilter> {
    Some(RecordingFilter::Cond(match attr {
        Attr::Owner => Cond::OwnerIn { values },
        Attr::Participant => Cond::ParticipantIn { values },
        Attr::Queue => Cond::QueueIn { values },
        Attr::Division => Cond::DivisionIn { values },
        Attr::Region => Cond::RegionIn { values },
        Attr::Line => Cond::LineIn { values },
        Attr::Media => Cond::MediaIn {
            values: values
                .iter()
                .map(|v| Media::parse(v))
                .collect::<Option<Vec<_>>>()?,
        },
        Attr::Direction => Cond::DirectionIn {
            values: values
                .iter()
                .map(|v| Direction::parse(v))
                .collect::<Option<Vec<_>>>()?,
        },
        Attr::LegalHold | Attr::Sensitive | Attr::Live | Attr::Expired => return None,
    }))
}

/// A flag condition (`None` for a value attribute).
pub fn flag(attr: Attr, retention: RetentionParams) -> Option<RecordingFilter> {
    Some(RecordingFilter::Cond(match attr {
        Attr::LegalHold => Cond::LegalHold,
        Attr::Sensitive => Cond::Sensitive,
        Attr::Live => Cond::Live,
        Attr::Expired => Cond::Expired {
            now: retention.now,
            screen_days: retention.screen_days,
            default_days: retention.default_days,
        },
        _ => return None,
    }))
}

/// Whether a filter holds on a recording — the core's own evaluation, so a
/// witness is checked by the same semantics the plans are tested against.
pub fn holds(f: &RecordingFilter, rec: &recgate_core::Recording, home_region: &str) -> bool {
    f.matches(rec, home_region)
}

/// Whether the filter is the constant "no recording".
pub fn is_never(f: &RecordingFilter) -> bool {
    matches!(f, RecordingFilter::Never)
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: RetentionParams = RetentionParams {
        now: 0,
        screen_days: Some(30),
        default_days: None,
    };

    #[test]
    fn atoms_are_shared_and_sorted() {
        let f = all_of(alloc::vec![
            member(Attr::Owner, alloc::vec!["b".into(), "a".into()]).unwrap(),
            not(member(Attr::Owner, alloc::vec!["a".into(), "b".into(), "a".into()]).unwrap()),
            flag(Attr::Expired, R).unwrap(),
        ]);
        let formula = Formula::from_filter(&f, R).unwrap();
        assert_eq!(formula.atoms.len(), 2);
        assert_eq!(formula.atoms[0].values, alloc::vec!["a", "b"]);
    }

    #[test]
    fn empty_membership_is_false_and_mixed_retention_refused() {
        let f = member(Attr::Queue, Vec::new()).unwrap();
        assert_eq!(
            Formula::from_filter(&f, R).unwrap().root,
            Node::Const(false)
        );
        let other = RetentionParams { now: 1, ..R };
        assert_eq!(
            Formula::from_filter(&flag(Attr::Expired, other).unwrap(), R),
            Err(FormulaError::MixedRetention)
        );
    }
}
