//! List filtering from query plans: which recordings of a long list one
//! principal may see, decided per row with a few bit operations.
//!
//! Deciding visibility row by row walks the steps twice per row and resolves
//! the row's ids against the policy each time. A list asks the same principal
//! the same question at the same time for every row, so [`ListPlan`] asks
//! the planner once ([`crate::plan`]: its filters are true for exactly the
//! recordings a decision allows) and numbers the distinct conditions of the
//! three view plans as bits. A row then becomes one `u64` of condition truths
//! — string attributes contribute the bits of the strings they hold, which a
//! caller with interned strings looks up once per distinct string — and the
//! plans are evaluated once per distinct truth vector, not once per row.
//!
//! More than 64 distinct conditions do not fit: [`Policy::list_plan`] then
//! returns `None` and the caller decides row by row ([`crate::Subject`]).
//!
//! A principal who sees a few rows of a long list (an agent their own
//! recordings, a supervisor two divisions) still pays for reading every row.
//! [`ListPlan::prefilter`] proves, from the plans alone, a field whose
//! strings every row they may see must name; a caller that can read one field
//! cheaply skips the other rows unread. Skipping only ever hides a row, and
//! only a row the plans hide too: fail closed by construction.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::catalog::Perm;
use crate::compile::{HashMap, Ix};
use crate::model::{Direction, Media};
use crate::plan::{expired, Cond, RecordingFilter};
use crate::policy::{Policy, RecordingVisibility};
use crate::request::Recording;
use crate::time::Timestamp;

/// Distinct conditions a filter can number (one bit of a `u64` each).
const MAX_CONDS: usize = 64;
/// Slots of the memo of decided truth vectors (direct-mapped: a slot keeps
/// the last vector that hashed to it).
const MEMO_SLOTS: usize = 256;

/// The string attributes, in [`ListPlan::attr`] order.
#[derive(Clone, Copy)]
enum StringAttr {
    Owner,
    Participant,
    Queue,
    Division,
    Region,
    Line,
}

impl StringAttr {
    /// The recording field (SPEC §2) the attribute is read from.
    fn field(self) -> &'static str {
        match self {
            StringAttr::Owner => "owner",
            StringAttr::Participant => "participants",
            StringAttr::Queue => "queue",
            StringAttr::Division => "divisions",
            StringAttr::Region => "region",
            StringAttr::Line => "line",
        }
    }
}

/// The fields a [`RowPrefilter`] may name, tried in this order: one field,
/// or the owner with the participants (scope `assigned`: a recording of
/// one's own or one taken part in).
const PREFILTER_FIELDS: [&[StringAttr]; 7] = [
    &[StringAttr::Owner],
    &[StringAttr::Participant],
    &[StringAttr::Owner, StringAttr::Participant],
    &[StringAttr::Queue],
    &[StringAttr::Division],
    &[StringAttr::Region],
    &[StringAttr::Line],
];

/// Most strings a [`RowPrefilter`] holds: past this, looking each row up
/// would cost about what it saves.
const PREFILTER_MAX_VALUES: usize = 1024;

/// A necessary condition of a [`ListPlan`]: a recording whose every field of
/// `fields` is present and holds only strings (a string, or a list of
/// strings), none of them in `values`, is hidden from the principal,
/// whatever its other attributes. A caller may skip such a row without
/// reading the rest of it. A row with one of the fields absent, `null` or of
/// another JSON type is not covered: it is decided in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowPrefilter<'p> {
    /// Recording fields, by their SPEC §2 names.
    pub fields: Vec<&'static str>,
    /// The strings a visible row names in one of `fields`, in the order the
    /// plans first name them.
    pub values: Vec<&'p str>,
}

impl RowPrefilter<'_> {
    /// `{"fields": [...], "values": [...]}`.
    pub fn to_json(&self) -> String {
        let list = |out: &mut String, items: &[&str]| {
            out.push('[');
            for (i, s) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::json::write_str(out, s);
            }
            out.push(']');
        };
        let mut out = String::from("{\"fields\":");
        list(&mut out, &self.fields);
        out.push_str(",\"values\":");
        list(&mut out, &self.values);
        out.push('}');
        out
    }
}

/// A plan filter with its conditions replaced by their bits.
enum BitNode {
    Always,
    Never,
    All(Vec<BitNode>),
    Any(Vec<BitNode>),
    Not(Box<BitNode>),
    Bit(u64),
}

impl BitNode {
    fn holds(&self, truth: u64) -> bool {
        match self {
            BitNode::Always => true,
            BitNode::Never => false,
            BitNode::All(v) => v.iter().all(|n| n.holds(truth)),
            BitNode::Any(v) => v.iter().any(|n| n.holds(truth)),
            BitNode::Not(n) => !n.holds(truth),
            BitNode::Bit(b) => truth & b != 0,
        }
    }

    /// What the node is when the conditions of `zero` are all false and
    /// every other condition is unknown (Kleene's three values: `None` is
    /// unknown). `Some(false)` holds for every truth vector without a bit of
    /// `zero`.
    fn given_false(&self, zero: u64) -> Option<bool> {
        match self {
            BitNode::Always => Some(true),
            BitNode::Never => Some(false),
            BitNode::All(v) => BitNode::combine(v, zero, false),
            BitNode::Any(v) => BitNode::combine(v, zero, true),
            BitNode::Not(n) => n.given_false(zero).map(|b| !b),
            BitNode::Bit(b) => (b & zero != 0).then_some(false),
        }
    }

    /// [`BitNode::given_false`] of an `or` (`wins`: true) or an `and` (`wins`:
    /// false) of `v`: `wins` as soon as one node is, the other value when
    /// every node is, else unknown.
    fn combine(v: &[BitNode], zero: u64, wins: bool) -> Option<bool> {
        let mut known = true;
        for n in v {
            match n.given_false(zero) {
                Some(b) if b == wins => return Some(wins),
                Some(_) => {}
                None => known = false,
            }
        }
        known.then_some(!wins)
    }
}

/// The attributes of one row a [`ListPlan`] reads, with every string
/// replaced by its [`ListPlan::string_bits`] (0 when absent) and every list
/// by the union of its items' bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowBits {
    /// `owner`.
    pub owner: u64,
    /// `participants` (all items).
    pub participants: u64,
    /// `queue`.
    pub queue: u64,
    /// `divisions`; `None` when absent (the default, `["home"]`).
    pub divisions: Option<u64>,
    /// `region`; `None` when absent (the home region).
    pub region: Option<u64>,
    /// `line`.
    pub line: u64,
    /// `media`.
    pub media: Option<Media>,
    /// `direction`.
    pub direction: Option<Direction>,
    /// `createdAt`.
    pub created_at: Option<Timestamp>,
    /// `retentionDays`.
    pub retention_days: Option<u32>,
    /// `legalHold`.
    pub legal_hold: bool,
    /// `sensitive`.
    pub sensitive: bool,
    /// `live`.
    pub live: bool,
}

/// One principal's list visibility at one time, compiled from the plans of
/// the media view permissions and `recording:metadata:view`.
pub struct ListPlan {
    /// For each string some condition names: where its bits are in `bits`
    /// (the id tables' map type: no second hash-map instance in the binary).
    values: HashMap<String, Ix>,
    /// The bits of the conditions naming each string of `values`.
    bits: Vec<u64>,
    /// For each [`StringAttr`]: the bits of the conditions on it.
    attr: [u64; 6],
    /// Bits of the conditions a recording without `divisions` meets.
    home_divisions: u64,
    /// Bits of the conditions a recording without `region` meets.
    home_region: u64,
    /// For each of [`Media::ALL`]: the bits of the media conditions it meets.
    media: [u64; Media::ALL.len()],
    /// Inbound, outbound: the bits of the direction conditions each meets.
    directions: [u64; 2],
    legal_hold: u64,
    sensitive: u64,
    live: u64,
    /// Retention conditions: bit, now, screen days, default days.
    expired: Vec<(u64, i64, Option<u32>, Option<u32>)>,
    /// The recording's media view permission is allowed.
    media_view: BitNode,
    /// `recording:metadata:view` is allowed.
    metadata_view: BitNode,
    nothing: bool,
    /// Truth vectors decided, by slot; `None`: empty.
    memo: Vec<Option<(u64, RecordingVisibility)>>,
}

/// Numbers conditions while the plans are translated.
#[derive(Default)]
struct Numbering {
    conds: Vec<Cond>,
    full: bool,
}

impl Numbering {
    fn node(&mut self, f: &RecordingFilter) -> BitNode {
        match f {
            RecordingFilter::Always => BitNode::Always,
            RecordingFilter::Never => BitNode::Never,
            RecordingFilter::And(v) => BitNode::All(v.iter().map(|f| self.node(f)).collect()),
            RecordingFilter::Or(v) => BitNode::Any(v.iter().map(|f| self.node(f)).collect()),
            RecordingFilter::Not(f) => BitNode::Not(Box::new(self.node(f))),
            // Past the limit the filter is given up: stop comparing conditions.
            RecordingFilter::Cond(_) if self.full => BitNode::Never,
            RecordingFilter::Cond(c) => {
                let i = match self.conds.iter().position(|k| k == c) {
                    Some(i) => i,
                    None => {
                        self.conds.push(c.clone());
                        self.conds.len() - 1
                    }
                };
                if i >= MAX_CONDS {
                    self.full = true;
                }
                BitNode::Bit(
                    1u64.checked_shl(u32::try_from(i).unwrap_or(u32::MAX))
                        .unwrap_or(0),
                )
            }
        }
    }
}

impl Policy {
    /// The list filter of `principal` (acting for themselves) at `now`, or
    /// `None` when its plans hold more distinct conditions than it can number.
    pub fn list_plan(&self, principal: &str, now: Timestamp) -> Option<ListPlan> {
        let plan = |perm: Perm| {
            self.plan(principal, perm.name(), now)
                .ok()
                .map(|p| p.filter)
        };
        let (call, screen, metadata) = (
            plan(Perm::RECORDING_VIEW)?,
            plan(Perm::SCREEN_VIEW)?,
            plan(Perm::METADATA_VIEW)?,
        );
        let nothing = [&call, &screen, &metadata]
            .iter()
            .all(|f| **f == RecordingFilter::Never);
        let mut numbering = Numbering::default();
        // Each view plan holds its own applicability (screen or not), so at
        // most one of the two media plans is true for a recording: the one
        // of its media's view permission.
        let media_view = BitNode::Any(alloc::vec![numbering.node(&call), numbering.node(&screen)]);
        let metadata_view = numbering.node(&metadata);
        if numbering.full {
            return None;
        }
        let mut lf = ListPlan {
            values: HashMap::default(),
            bits: Vec::new(),
            attr: [0; 6],
            home_divisions: 0,
            home_region: 0,
            media: [0; Media::ALL.len()],
            directions: [0; 2],
            legal_hold: 0,
            sensitive: 0,
            live: 0,
            expired: Vec::new(),
            media_view,
            metadata_view,
            nothing,
            memo: alloc::vec![None; MEMO_SLOTS],
        };
        for (i, c) in numbering.conds.into_iter().enumerate() {
            lf.number(c, 1u64 << (i % MAX_CONDS));
        }
        lf.home_divisions = lf.bits_on(StringAttr::Division, "home");
        lf.home_region = lf.bits_on(StringAttr::Region, &self.doc().settings.home_region);
        Some(lf)
    }
}

impl ListPlan {
    fn number(&mut self, c: Cond, bit: u64) {
        let strings = |lf: &mut ListPlan, attr: StringAttr, values: Vec<String>| {
            if let Some(a) = lf.attr.get_mut(attr as usize) {
                *a |= bit;
            }
            for v in values {
                let next = Ix::try_from(lf.bits.len()).unwrap_or(Ix::MAX);
                let ix = *lf.values.entry(v).or_insert(next);
                match lf.bits.get_mut(ix as usize) {
                    Some(b) => *b |= bit,
                    None => lf.bits.push(bit),
                }
            }
        };
        match c {
            Cond::OwnerIn { values } => strings(self, StringAttr::Owner, values),
            Cond::ParticipantIn { values } => strings(self, StringAttr::Participant, values),
            Cond::QueueIn { values } => strings(self, StringAttr::Queue, values),
            Cond::DivisionIn { values } => strings(self, StringAttr::Division, values),
            Cond::RegionIn { values } => strings(self, StringAttr::Region, values),
            Cond::LineIn { values } => strings(self, StringAttr::Line, values),
            Cond::MediaIn { values } => {
                for (m, slot) in Media::ALL.iter().zip(self.media.iter_mut()) {
                    if values.contains(m) {
                        *slot |= bit;
                    }
                }
            }
            Cond::DirectionIn { values } => {
                for (d, slot) in [Direction::Inbound, Direction::Outbound]
                    .iter()
                    .zip(self.directions.iter_mut())
                {
                    if values.contains(d) {
                        *slot |= bit;
                    }
                }
            }
            Cond::LegalHold => self.legal_hold |= bit,
            Cond::Sensitive => self.sensitive |= bit,
            Cond::Live => self.live |= bit,
            Cond::Expired {
                now,
                screen_days,
                default_days,
            } => self.expired.push((bit, now, screen_days, default_days)),
        }
    }

    fn bits_on(&self, attr: StringAttr, s: &str) -> u64 {
        self.string_bits(s) & self.attr.get(attr as usize).copied().unwrap_or(0)
    }

    /// The bits of the conditions that name `s` (on any attribute): look
    /// each distinct string up once and reuse the bits for every row.
    pub fn string_bits(&self, s: &str) -> u64 {
        self.values
            .get(s)
            .and_then(|ix| self.bits.get(*ix as usize))
            .copied()
            .unwrap_or(0)
    }

    /// Whether every recording is hidden, whatever its attributes.
    pub fn sees_nothing(&self) -> bool {
        self.nothing
    }

    /// The most selective [`RowPrefilter`] the plans prove, or `None` when
    /// none holds (a principal who sees rows through two unrelated fields),
    /// when it would name more than 1,024 strings, or when the principal sees
    /// nothing at all ([`ListPlan::sees_nothing`] says so for every row).
    pub fn prefilter(&self) -> Option<RowPrefilter<'_>> {
        if self.nothing {
            return None;
        }
        let mut best: Option<RowPrefilter<'_>> = None;
        for attrs in PREFILTER_FIELDS {
            let mask = attrs.iter().fold(0, |m, a| {
                m | self.attr.get(*a as usize).copied().unwrap_or(0)
            });
            // A field no condition reads proves nothing: its strings are all
            // outside `values`, and the plans may still hold.
            let hides = mask != 0
                && self.media_view.given_false(mask) == Some(false)
                && self.metadata_view.given_false(mask) == Some(false);
            if !hides {
                continue;
            }
            // In the order the plans first named them (no sort: the map's
            // iteration order is not the numbering's).
            let mut named: Vec<Option<&str>> = alloc::vec![None; self.bits.len()];
            for (s, ix) in &self.values {
                let on = self.bits.get(*ix as usize).is_some_and(|b| b & mask != 0);
                if let Some(slot) = named.get_mut(*ix as usize).filter(|_| on) {
                    *slot = Some(s.as_str());
                }
            }
            let values: Vec<&str> = named.into_iter().flatten().collect();
            if values.len() > PREFILTER_MAX_VALUES
                || best
                    .as_ref()
                    .is_some_and(|b| b.values.len() <= values.len())
            {
                continue;
            }
            best = Some(RowPrefilter {
                fields: attrs.iter().map(|a| a.field()).collect(),
                values,
            });
        }
        best
    }

    /// How much of the recording `row` describes the principal may see:
    /// exactly [`crate::Subject::visibility`]. Inline, with [`ListPlan::truth`]:
    /// the package's row loop (built for speed, the core for size) runs
    /// them once per row of a list (visible() ×0.9 for −12 B).
    #[inline]
    pub fn visibility(&mut self, row: &RowBits) -> RecordingVisibility {
        if self.nothing {
            return RecordingVisibility::Hidden;
        }
        let truth = self.truth(row);
        // Fibonacci hashing: the top bits of the product mix every bit of the vector.
        let slot = (truth.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize % MEMO_SLOTS;
        if let Some(Some((t, v))) = self.memo.get(slot) {
            if *t == truth {
                return *v;
            }
        }
        let v = if self.media_view.holds(truth) {
            RecordingVisibility::Media
        } else if self.metadata_view.holds(truth) {
            RecordingVisibility::Metadata
        } else {
            RecordingVisibility::Hidden
        };
        if let Some(m) = self.memo.get_mut(slot) {
            *m = Some((truth, v));
        }
        v
    }

    /// The bits of the conditions `row` meets.
    #[inline]
    fn truth(&self, row: &RowBits) -> u64 {
        let [owner, participant, queue, division, region, line] = self.attr;
        let mut t = (row.owner & owner)
            | (row.participants & participant)
            | (row.queue & queue)
            | (row.divisions.unwrap_or(self.home_divisions) & division)
            | (row.region.unwrap_or(self.home_region) & region)
            | (row.line & line);
        if let Some(m) = row.media {
            let i = Media::ALL.iter().position(|k| *k == m);
            t |= i.and_then(|i| self.media.get(i)).copied().unwrap_or(0);
        }
        let [inbound, outbound] = self.directions;
        t |= match row.direction {
            Some(Direction::Inbound) => inbound,
            Some(Direction::Outbound) => outbound,
            None => 0,
        };
        if row.legal_hold {
            t |= self.legal_hold;
        }
        if row.sensitive {
            t |= self.sensitive;
        }
        if row.live {
            t |= self.live;
        }
        for (bit, now, screen, default) in &self.expired {
            let is_screen = row.media == Some(Media::Screen);
            if expired(
                *now,
                *screen,
                *default,
                row.legal_hold,
                row.created_at,
                row.retention_days,
                is_screen,
            ) {
                t |= bit;
            }
        }
        t
    }

    /// The [`RowBits`] of a recording (the reference for callers that
    /// compute them from interned strings).
    pub fn row_bits(&self, r: &Recording) -> RowBits {
        let any = |items: &[String]| items.iter().fold(0, |b, s| b | self.string_bits(s));
        let one = |s: &Option<String>| s.as_deref().map_or(0, |s| self.string_bits(s));
        RowBits {
            owner: one(&r.owner),
            participants: any(&r.participants),
            queue: one(&r.queue),
            divisions: r.divisions.as_deref().map(any),
            region: r.region.as_deref().map(|s| self.string_bits(s)),
            line: one(&r.line),
            media: r.media,
            direction: r.direction,
            created_at: r.created_at,
            retention_days: r.retention_days,
            legal_hold: r.legal_hold,
            sensitive: r.sensitive,
            live: r.live,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    const NOW: &str = "2026-11-22T12:00:00Z";

    fn policy(grants: &str) -> Policy {
        Policy::from_json(&format!(
            r#"{{ "schema": "recgate/v1", "revision": "r",
                 "queues": {{ {queues} }},
                 "roles": {{ "r": {{ "grants": [ {grants} ] }} }},
                 "users": {{ "u": {{ "roles": [ {{ "role": "r" }} ] }} }} }}"#,
            queues = (0..70)
                .map(|i| format!(r#""q{i}": {{}}"#))
                .collect::<Vec<_>>()
                .join(",")
        ))
        .unwrap()
    }

    #[test]
    fn more_conditions_than_bits_is_no_filter() {
        let grants = (0..70)
            .map(|i| format!(r#"{{ "permission": "recording:recording:view", "when": {{ "queues": ["q{i}"] }} }}"#))
            .collect::<Vec<_>>()
            .join(",");
        let now = Timestamp::parse(NOW).unwrap();
        assert!(policy(&grants).list_plan("u", now).is_none());
        let few = (0..3)
            .map(|i| format!(r#"{{ "permission": "recording:recording:view", "when": {{ "queues": ["q{i}"] }} }}"#))
            .collect::<Vec<_>>()
            .join(",");
        let p = policy(&few);
        let mut lf = p.list_plan("u", now).unwrap();
        assert!(!lf.sees_nothing());
        let rec = |queue: &str| Recording {
            media: Some(Media::Audio),
            queue: Some(queue.into()),
            ..Recording::default()
        };
        for (q, want) in [
            ("q1", RecordingVisibility::Media),
            ("q9", RecordingVisibility::Hidden),
        ] {
            let r = rec(q);
            assert_eq!(lf.visibility(&lf.row_bits(&r)), want, "{q}");
            assert_eq!(p.subject("u", None, now).visibility(&r, now), want, "{q}");
        }
        assert!(p.list_plan("nobody", now).unwrap().sees_nothing());
    }

    fn grant(perm: &str, scope: &str, when: &str) -> String {
        format!(r#"{{ "permission": "{perm}", "scope": {scope}, "when": {when} }}"#)
    }

    /// [`policy`] with the role held in every division (no division condition).
    fn everywhere(grants: &str) -> Policy {
        let doc = format!(
            r#"{{ "schema": "recgate/v1", "revision": "r", "queues": {{ "q0": {{}}, "q1": {{}}, "q5": {{}} }},
                 "roles": {{ "r": {{ "grants": [ {grants} ] }} }},
                 "users": {{ "u": {{ "roles": [ {{ "role": "r", "divisions": ["*"] }} ] }} }} }}"#
        );
        Policy::from_json(&doc).unwrap()
    }

    /// Every row over a few owners, participants, queues and divisions.
    fn rows() -> Vec<Recording> {
        let mut out = Vec::new();
        for media in [Media::Audio, Media::Screen] {
            for owner in ["u", "v", "q0"] {
                for participant in [None, Some("u"), Some("v")] {
                    for queue in ["q0", "q1", "q5"] {
                        for (divisions, region) in [
                            (None, None),
                            (Some("home"), Some("us-east-1")),
                            (Some("d"), Some("eu-west-1")),
                        ] {
                            out.push(Recording {
                                region: region.map(String::from),
                                media: Some(media),
                                owner: Some(owner.into()),
                                participants: participant.into_iter().map(String::from).collect(),
                                queue: Some(queue.into()),
                                divisions: divisions.map(|d| alloc::vec![String::from(d)]),
                                ..Recording::default()
                            });
                        }
                    }
                }
            }
        }
        out
    }

    /// Whether a prefilter of `fields` and `values` covers `r` and finds
    /// none of its strings (an absent field, or no participants, is not covered).
    fn skips(fields: &[&str], values: &[String], r: &Recording) -> bool {
        fields.iter().all(|f| {
            let named: Vec<&String> = match *f {
                "owner" => r.owner.iter().collect(),
                "participants" => r.participants.iter().collect(),
                "queue" => r.queue.iter().collect(),
                "divisions" => r.divisions.iter().flatten().collect(),
                "region" => r.region.iter().collect(),
                _ => Vec::new(),
            };
            !named.is_empty() && named.iter().all(|s| !values.contains(s))
        })
    }

    #[test]
    fn a_prefilter_only_skips_rows_the_plans_hide() {
        let now = Timestamp::parse(NOW).unwrap();
        let view = "recording:recording:view";
        let queue = grant(view, r#""all""#, r#"{ "queues": ["q0"] }"#);
        let queues = grant(view, r#""all""#, r#"{ "queues": ["q0", "q1"] }"#);
        let own = grant(view, r#""self""#, "{}");
        // Media is seen in the home region only; on a tie the first field of
        // PREFILTER_FIELDS wins, on fewer strings the field with fewer.
        for (p, fields, values) in [
            (everywhere(&queue), Some(&["queue"][..]), &["q0"][..]),
            (everywhere(&own), Some(&["owner"][..]), &["u"][..]),
            // Assigned: their own or one they took part in; before the region on a tie.
            (
                everywhere(&grant(view, r#""assigned""#, "{}")),
                Some(&["owner", "participants"][..]),
                &["u"][..],
            ),
            (policy(&queues), Some(&["divisions"][..]), &["home"][..]),
            (
                everywhere(&grant(view, r#""all""#, "{}")),
                Some(&["region"][..]),
                &["us-east-1"][..],
            ),
            // Through a queue or as themselves: only the region is common.
            (
                everywhere(&[queue.as_str(), own.as_str()].join(",")),
                Some(&["region"][..]),
                &["us-east-1"][..],
            ),
            // Metadata in every region and division: nothing to prove.
            (
                everywhere(r#"{ "permission": "recording:metadata:view", "crossRegion": true }"#),
                None,
                &[][..],
            ),
        ] {
            let mut lf = p.list_plan("u", now).unwrap();
            let found = lf.prefilter().map(|f| {
                (
                    f.fields,
                    f.values.into_iter().map(String::from).collect::<Vec<_>>(),
                )
            });
            assert_eq!(found.as_ref().map(|f| f.0.as_slice()), fields);
            let Some((fields, found_values)) = found else {
                continue;
            };
            assert_eq!(found_values, values);
            let (mut skipped, mut seen) = (0, 0);
            for r in rows() {
                let v = lf.visibility(&lf.row_bits(&r));
                assert_eq!(v, p.subject("u", None, now).visibility(&r, now));
                if skips(&fields, &found_values, &r) {
                    skipped += 1;
                    assert_eq!(v, RecordingVisibility::Hidden, "{fields:?}: skipped {r:?}");
                }
                seen += usize::from(v != RecordingVisibility::Hidden);
            }
            assert!(
                skipped > 0 && seen > 0,
                "{fields:?}: {skipped} skipped, {seen} seen"
            );
        }
        let p = everywhere(&own);
        assert!(p.list_plan("nobody", now).unwrap().prefilter().is_none());
        // A deny on a queue is a negated queue condition: false queue
        // conditions make it true, so the queue proves nothing.
        let denied = Policy::from_json(
            r#"{ "schema": "recgate/v1", "revision": "r", "queues": { "q0": {}, "q1": {} },
                 "roles": { "r": { "grants": [ { "permission": "recording:recording:view" } ],
                                   "denies": [ { "permission": "recording:recording:view", "when": { "queues": ["q1"] } } ] } },
                 "users": { "u": { "roles": [ { "role": "r", "divisions": ["*"] } ] } } }"#,
        )
        .unwrap();
        let lf = denied.list_plan("u", now).unwrap();
        let found = lf.prefilter().unwrap();
        assert_eq!(
            (found.fields, found.values),
            (alloc::vec!["region"], alloc::vec!["us-east-1"])
        );
    }

    #[test]
    fn a_prefilter_names_at_most_1024_strings() {
        let now = Timestamp::parse(NOW).unwrap();
        // Metadata in every region and division: the queues are the only field.
        let of = |n: usize| {
            let queues: Vec<String> = (0..n).map(|i| format!("q{i}")).collect();
            let doc = format!(
                r#"{{ "schema": "recgate/v1", "revision": "r", "queues": {{ {defs} }},
                     "roles": {{ "r": {{ "grants": [ {{ "permission": "recording:metadata:view", "crossRegion": true,
                                                       "when": {{ "queues": [{names}] }} }} ] }} }},
                     "users": {{ "u": {{ "roles": [ {{ "role": "r", "divisions": ["*"] }} ] }} }} }}"#,
                defs = queues
                    .iter()
                    .map(|q| format!(r#""{q}": {{}}"#))
                    .collect::<Vec<_>>()
                    .join(","),
                names = queues
                    .iter()
                    .map(|q| format!(r#""{q}""#))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            let p = Policy::from_json(&doc).unwrap();
            let lf = p.list_plan("u", now).unwrap();
            lf.prefilter().map(|f| (f.fields, f.values.len()))
        };
        assert_eq!(of(1024), Some((alloc::vec!["queue"], 1024)));
        assert_eq!(of(1025), None);
        let q = RowPrefilter {
            fields: alloc::vec!["owner"],
            values: alloc::vec!["u", "a\"b"],
        };
        assert_eq!(q.to_json(), r#"{"fields":["owner"],"values":["u","a\"b"]}"#);
    }
}
