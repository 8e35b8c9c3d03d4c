//! An exact satisfiability check for plan formulas, and the recording that
//! proves a formula satisfiable.
//!
//! Every atom of a plan (SPEC §3 folded into `docs/query-plans.md`'s
//! conditions) tests one recording attribute against a finite set of values,
//! so satisfiability needs no SMT solver: a DPLL search over the atoms, with
//! each partial assignment checked against the attribute it constrains —
//! one-valued attributes (owner, queue, line, media, direction, region) need
//! one value inside every set asserted and outside every set denied; set
//! attributes (participants, divisions) need, for every set asserted, a member
//! outside every set denied; `expired` excludes `legalHold`. Values a formula
//! never names are interchangeable, so "some other value" (or none) stands for
//! all of them, and the search is exact over every possible recording.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use recgate_core::model::{Direction, Media};
use recgate_core::time::{Timestamp, DAY_MS};
use recgate_core::Recording;

use crate::formula::{is_flag, Atom, Attr, Formula, Node, RetentionParams};

/// The search gave up: the formula has too many interacting atoms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetExceeded;

impl core::fmt::Display for BudgetExceeded {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("the satisfiability search exceeded its budget: the answer is unknown")
    }
}

/// What a witness needs besides the formula.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The policy's home region (a recording naming no region is there).
    pub home_region: &'a str,
    /// The retention every `expired` atom uses.
    pub retention: RetentionParams,
    /// Most branches the search may take.
    pub budget: u64,
}

/// Branches allowed by default: far more than any plan of a real policy needs.
pub const DEFAULT_BUDGET: u64 = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartialValue {
    True,
    False,
    Unknown(usize),
}

fn eval(n: &Node, a: &[Option<bool>]) -> PartialValue {
    match n {
        Node::Const(true) => PartialValue::True,
        Node::Const(false) => PartialValue::False,
        Node::Var(i) => match a.get(*i).copied().flatten() {
            Some(true) => PartialValue::True,
            Some(false) => PartialValue::False,
            None => PartialValue::Unknown(*i),
        },
        Node::Not(x) => match eval(x, a) {
            PartialValue::True => PartialValue::False,
            PartialValue::False => PartialValue::True,
            u => u,
        },
        Node::And(xs) => {
            let mut unknown = None;
            for x in xs {
                match eval(x, a) {
                    PartialValue::False => return PartialValue::False,
                    PartialValue::True => {}
                    PartialValue::Unknown(i) => {
                        unknown.get_or_insert(i);
                    }
                }
            }
            unknown.map_or(PartialValue::True, PartialValue::Unknown)
        }
        Node::Or(xs) => {
            let mut unknown = None;
            for x in xs {
                match eval(x, a) {
                    PartialValue::True => return PartialValue::True,
                    PartialValue::False => {}
                    PartialValue::Unknown(i) => {
                        unknown.get_or_insert(i);
                    }
                }
            }
            unknown.map_or(PartialValue::False, PartialValue::Unknown)
        }
    }
}

/// The sets asserted and denied for one attribute under an assignment.
fn literals<'f>(
    atoms: &'f [Atom],
    a: &[Option<bool>],
    attr: Attr,
) -> (Vec<&'f [String]>, Vec<&'f [String]>) {
    let mut pos = Vec::new();
    let mut neg = Vec::new();
    for (atom, value) in atoms.iter().zip(a) {
        if atom.attr != attr {
            continue;
        }
        match value {
            Some(true) => pos.push(atom.values.as_slice()),
            Some(false) => neg.push(atom.values.as_slice()),
            None => {}
        }
    }
    (pos, neg)
}

fn denied(neg: &[&[String]], v: &str) -> bool {
    neg.iter().any(|s| s.iter().any(|x| x == v))
}

/// A value inside every asserted set and outside every denied one (only
/// meaningful when something is asserted).
fn one_value<'f>(pos: &[&'f [String]], neg: &[&[String]]) -> Option<&'f String> {
    let (first, rest) = pos.split_first()?;
    first
        .iter()
        .find(|v| rest.iter().all(|s| s.contains(v)) && !denied(neg, v))
}

fn flag_value(atoms: &[Atom], a: &[Option<bool>], attr: Attr) -> Option<bool> {
    atoms
        .iter()
        .zip(a)
        .find(|(atom, _)| atom.attr == attr)
        .and_then(|(_, v)| *v)
}

fn consistent(atoms: &[Atom], a: &[Option<bool>], attr: Attr) -> bool {
    match attr {
        Attr::LegalHold | Attr::Expired => {
            !(flag_value(atoms, a, Attr::LegalHold) == Some(true)
                && flag_value(atoms, a, Attr::Expired) == Some(true))
        }
        Attr::Sensitive | Attr::Live => true,
        Attr::Participant | Attr::Division => {
            let (pos, neg) = literals(atoms, a, attr);
            pos.iter().all(|s| s.iter().any(|v| !denied(&neg, v)))
        }
        Attr::Owner | Attr::Queue | Attr::Line | Attr::Media | Attr::Direction | Attr::Region => {
            let (pos, neg) = literals(atoms, a, attr);
            pos.is_empty() || one_value(&pos, &neg).is_some()
        }
    }
}

struct Search<'f> {
    formula: &'f Formula,
    assignment: Vec<Option<bool>>,
    branches: u64,
    budget: u64,
}

impl Search<'_> {
    fn run(&mut self) -> Result<bool, BudgetExceeded> {
        let next = match eval(&self.formula.root, &self.assignment) {
            PartialValue::True => return Ok(true),
            PartialValue::False => return Ok(false),
            PartialValue::Unknown(i) => i,
        };
        let Some(attr) = self.formula.atoms.get(next).map(|a| a.attr) else {
            return Ok(false);
        };
        // Flags try "off" first, memberships "in" first: the witness then
        // reads like an ordinary recording.
        let order = if is_flag(attr) {
            [false, true]
        } else {
            [true, false]
        };
        for value in order {
            self.branches += 1;
            if self.branches > self.budget {
                return Err(BudgetExceeded);
            }
            if let Some(slot) = self.assignment.get_mut(next) {
                *slot = Some(value);
            }
            if consistent(&self.formula.atoms, &self.assignment, attr) && self.run()? {
                return Ok(true);
            }
        }
        if let Some(slot) = self.assignment.get_mut(next) {
            *slot = None;
        }
        Ok(false)
    }
}

/// A recording on which the formula holds, or `None` when there is none at
/// all (the formula is unsatisfiable over every possible recording).
pub fn solve(formula: &Formula, ctx: &Context) -> Result<Option<Recording>, BudgetExceeded> {
    let mut search = Search {
        formula,
        assignment: alloc::vec![None; formula.atoms.len()],
        branches: 0,
        budget: ctx.budget,
    };
    if !search.run()? {
        return Ok(None);
    }
    Ok(Some(witness(&formula.atoms, &search.assignment, ctx)))
}

/// A value no set of `attr` names: `base`, else `base-1`, `base-2`, …
fn fresh(atoms: &[Atom], attr: Attr, base: &str, also: &str) -> String {
    let taken = |v: &str| {
        v == also
            || atoms
                .iter()
                .filter(|a| a.attr == attr)
                .any(|a| a.values.iter().any(|x| x == v))
    };
    let mut candidate = base.to_string();
    let mut n = 0u32;
    while taken(&candidate) {
        n += 1;
        candidate = alloc::format!("{base}-{n}");
    }
    candidate
}

fn single(atoms: &[Atom], a: &[Option<bool>], attr: Attr) -> Option<String> {
    let (pos, neg) = literals(atoms, a, attr);
    one_value(&pos, &neg).cloned()
}

fn members(atoms: &[Atom], a: &[Option<bool>], attr: Attr) -> Vec<String> {
    let (pos, neg) = literals(atoms, a, attr);
    let mut out: Vec<String> = pos
        .iter()
        .filter_map(|s| s.iter().find(|v| !denied(&neg, v)).cloned())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A concrete recording for a consistent assignment: asserted sets get a
/// member, denied ones are avoided, and what the formula never asks about
/// takes an ordinary value (or none).
fn witness(atoms: &[Atom], a: &[Option<bool>], ctx: &Context) -> Recording {
    let (pos_media, neg_media) = literals(atoms, a, Attr::Media);
    let media = if pos_media.is_empty() {
        Media::ALL
            .into_iter()
            .find(|m| !denied(&neg_media, m.as_str()))
    } else {
        one_value(&pos_media, &neg_media).and_then(|v| Media::parse(v))
    };
    let (pos_dir, neg_dir) = literals(atoms, a, Attr::Direction);
    let direction = if pos_dir.is_empty() {
        [Direction::Inbound, Direction::Outbound]
            .into_iter()
            .find(|d| !denied(&neg_dir, d.as_str()))
    } else {
        one_value(&pos_dir, &neg_dir).and_then(|v| Direction::parse(v))
    };
    let (pos_region, neg_region) = literals(atoms, a, Attr::Region);
    let region = if !pos_region.is_empty() {
        one_value(&pos_region, &neg_region).cloned()
    } else if denied(&neg_region, ctx.home_region) {
        Some(fresh(atoms, Attr::Region, "other-region", ctx.home_region))
    } else {
        None
    };
    let (pos_div, neg_div) = literals(atoms, a, Attr::Division);
    let divisions = if !pos_div.is_empty() {
        Some(members(atoms, a, Attr::Division))
    } else if denied(&neg_div, "home") {
        Some(Vec::new())
    } else {
        None
    };
    let legal_hold = flag_value(atoms, a, Attr::LegalHold) == Some(true);
    let expired = flag_value(atoms, a, Attr::Expired) == Some(true) && !legal_hold;
    let now = ctx.retention.now;
    let is_screen = media == Some(Media::Screen);
    let settings_days = if is_screen {
        ctx.retention.screen_days
    } else {
        ctx.retention.default_days
    };
    let (created_at, retention_days) = if expired {
        (Timestamp(now.saturating_sub(2 * DAY_MS)), Some(1))
    } else {
        // An hour old: within any retention of a day or more.
        let keep = (settings_days == Some(0)).then_some(1);
        (Timestamp(now.saturating_sub(3_600_000)), keep)
    };
    Recording {
        id: "counterexample".into(),
        media,
        direction,
        owner: single(atoms, a, Attr::Owner),
        participants: members(atoms, a, Attr::Participant),
        queue: single(atoms, a, Attr::Queue),
        divisions,
        region,
        line: single(atoms, a, Attr::Line),
        created_at: Some(created_at),
        retention_days,
        legal_hold,
        sensitive: flag_value(atoms, a, Attr::Sensitive) == Some(true),
        live: flag_value(atoms, a, Attr::Live) == Some(true),
        ..Recording::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formula::{all_of, any_of, flag, holds, member, not};
    use alloc::vec;

    const R: RetentionParams = RetentionParams {
        now: 1_795_348_800_000,
        screen_days: Some(30),
        default_days: Some(0),
    };

    fn ctx() -> Context<'static> {
        Context {
            home_region: "us-east-1",
            retention: R,
            budget: DEFAULT_BUDGET,
        }
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn check(f: &recgate_core::plan::RecordingFilter) -> Option<Recording> {
        let formula = Formula::from_filter(f, R).unwrap();
        let w = solve(&formula, &ctx()).unwrap();
        if let Some(rec) = &w {
            assert!(
                holds(f, rec, "us-east-1"),
                "witness {rec:?} must satisfy {f:?}"
            );
        }
        w
    }

    #[test]
    fn one_valued_attributes_need_one_value_in_every_asserted_set() {
        let f = all_of(vec![
            member(Attr::Owner, s(&["a", "b"])).unwrap(),
            member(Attr::Owner, s(&["b", "c"])).unwrap(),
        ]);
        assert_eq!(check(&f).unwrap().owner.as_deref(), Some("b"));
        let g = all_of(vec![f, not(member(Attr::Owner, s(&["b"])).unwrap())]);
        assert!(check(&g).is_none());
    }

    #[test]
    fn set_attributes_take_several_members() {
        let f = all_of(vec![
            member(Attr::Participant, s(&["a"])).unwrap(),
            member(Attr::Participant, s(&["b"])).unwrap(),
            not(member(Attr::Participant, s(&["c"])).unwrap()),
        ]);
        assert_eq!(check(&f).unwrap().participants, s(&["a", "b"]));
        let g = all_of(vec![
            member(Attr::Division, s(&["d1"])).unwrap(),
            not(member(Attr::Division, s(&["d1", "home"])).unwrap()),
        ]);
        assert!(check(&g).is_none());
    }

    #[test]
    fn regions_default_home_and_fresh_values_avoid_every_named_one() {
        let f = not(member(Attr::Region, s(&["us-east-1", "other-region"])).unwrap());
        let rec = check(&f).unwrap();
        assert_eq!(rec.region.as_deref(), Some("other-region-1"));
        let home = member(Attr::Region, s(&["us-east-1"])).unwrap();
        assert!(check(&home).is_some());
        let nowhere = all_of(vec![
            not(member(Attr::Division, s(&["home"])).unwrap()),
            not(member(
                Attr::Media,
                s(&["audio", "screen", "chat", "email", "messaging"]),
            )
            .unwrap()),
        ]);
        let rec = check(&nowhere).unwrap();
        assert_eq!(rec.divisions, Some(Vec::new()));
        assert_eq!(rec.media, None);
    }

    #[test]
    fn expired_excludes_legal_hold_and_zero_day_retention_is_handled() {
        let f = all_of(vec![
            flag(Attr::Expired, R).unwrap(),
            flag(Attr::LegalHold, R).unwrap(),
        ]);
        assert!(check(&f).is_none());
        assert!(
            check(&flag(Attr::Expired, R).unwrap())
                .unwrap()
                .retention_days
                == Some(1)
        );
        // Default retention of 0 days: an unexpired witness must override it.
        let kept = all_of(vec![
            not(flag(Attr::Expired, R).unwrap()),
            member(Attr::Media, s(&["audio"])).unwrap(),
        ]);
        assert!(check(&kept).is_some());
    }

    #[test]
    fn disjunctions_are_searched() {
        let f = any_of(vec![
            all_of(vec![
                member(Attr::Queue, s(&["q1"])).unwrap(),
                not(member(Attr::Queue, s(&["q1"])).unwrap()),
            ]),
            all_of(vec![
                flag(Attr::Sensitive, R).unwrap(),
                member(Attr::Line, s(&["l1"])).unwrap(),
            ]),
        ]);
        let rec = check(&f).unwrap();
        assert!(rec.sensitive);
        assert_eq!(rec.line.as_deref(), Some("l1"));
    }
}
