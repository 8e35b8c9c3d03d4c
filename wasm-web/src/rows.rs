//! Recording rows for list filtering, read from columns instead of JSON.
//!
//! Deciding what 100,000 rows of a recordings list show cannot afford one
//! serde round trip per row. The JS wrapper (`js/gate.js`, `encodeRows`)
//! writes the attributes a decision reads into one string table (every
//! distinct string once, joined by NUL) and fixed-width `u32` columns, after
//! checking each value's JSON type the way the core's `Recording` deserializer
//! does; a list whose rows mostly have timestamps of their own, as real
//! lists do, sends its timestamps as text instead ([`CREATED_AT_TEXT`]).
//! Here each row is loaded into one reused [`Recording`] and the core
//! decides it ([`Scratch`]: a string is copied into the recording's own
//! buffers only when it changes from one row to the next). A table outlives
//! its batch (see [`Table`]). Nothing in this module
//! decides anything: values are copied, enum names and timestamps are parsed by
//! the core's own parsers, and a row that cannot be read is reported as such so
//! that the caller hides it (fail closed).
//!
//! Not loaded: `id`, `conversationId` and `related`, which no visibility
//! decision reads (`related` only feeds the cascade obligation of a delete).

use recgate_core::model::{Direction, Media};
use recgate_core::{ListPlan, Recording, RowBits, Timestamp};

/// `u32` columns per row.
pub const STRIDE: usize = 13;
/// An absent value (JSON `null` or a missing key).
pub const NONE: u32 = u32::MAX;

/// Column: flag bits ([`VALID`], [`LEGAL_HOLD`], …).
pub const FLAGS: usize = 0;
/// Column: `media`, a string-table index.
pub const MEDIA: usize = 1;
/// Column: `direction`, a string-table index.
pub const DIRECTION: usize = 2;
/// Column: `owner`, a string-table index.
pub const OWNER: usize = 3;
/// Column: `queue`, a string-table index.
pub const QUEUE: usize = 4;
/// Column: `region`, a string-table index.
pub const REGION: usize = 5;
/// Column: `line`, a string-table index.
pub const LINE: usize = 6;
/// Column: `createdAt`, a string-table index.
pub const CREATED_AT: usize = 7;
/// Column: `retentionDays` (when [`HAS_RETENTION`] is set).
pub const RETENTION: usize = 8;
/// Column: first index of `divisions` in the list column.
pub const DIVISIONS_AT: usize = 9;
/// Column: number of `divisions`, [`NONE`] when absent.
pub const DIVISIONS_LEN: usize = 10;
/// Column: first index of `participants` in the list column.
pub const PARTICIPANTS_AT: usize = 11;
/// Column: number of `participants`.
pub const PARTICIPANTS_LEN: usize = 12;

/// Flag: every attribute had the JSON type the contract requires.
pub const VALID: u32 = 1;
/// Flag: `legalHold`.
pub const LEGAL_HOLD: u32 = 2;
/// Flag: `sensitive`.
pub const SENSITIVE: u32 = 4;
/// Flag: `live`.
pub const LIVE: u32 = 8;
/// Flag: `retentionDays` is present.
pub const HAS_RETENTION: u32 = 16;
/// Flag: the [`CREATED_AT`] column is not a string-table index but where the
/// timestamp's text starts in [`Rows::times`], ended by NUL. A real list
/// gives nearly every row a timestamp of its own: numbered, each would cost
/// the wrapper a lookup among as many strings, and the table a string.
pub const CREATED_AT_TEXT: u32 = 32;

/// Distinct strings, numbered from 0 in the order they were added, with
/// timestamps, media and directions parsed on first use (once per distinct
/// string, not once per row). The table owns its strings so that it can be
/// kept between batches: the JS wrapper numbers each distinct string once
/// per gate and sends only strings it has not sent before.
#[derive(Default)]
pub struct Table {
    /// Every string, back to back.
    text: String,
    /// Where each string ends in `text` (it starts where the previous one ends).
    ends: Vec<u32>,
    times: Vec<Option<Option<Timestamp>>>,
    media: Vec<Option<Option<Media>>>,
    directions: Vec<Option<Option<Direction>>>,
}

impl Table {
    /// Empties the table, keeping its buffers.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.times.clear();
        self.media.clear();
        self.directions.clear();
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether the table holds no string.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Appends one string; `false` (nothing appended) when the text would
    /// outgrow `u32` offsets.
    pub fn push(&mut self, s: &str) -> bool {
        let Some(end) = self
            .text
            .len()
            .checked_add(s.len())
            .and_then(|e| u32::try_from(e).ok())
        else {
            return false;
        };
        self.text.push_str(s);
        self.ends.push(end);
        true
    }

    /// Appends exactly `count` strings separated by NUL in `joined`; `false`
    /// (and nothing appended) when the count does not match.
    pub fn push_joined(&mut self, joined: &str, count: usize) -> bool {
        let len = self.len();
        let ok =
            count == 0 || (joined.split('\0').all(|s| self.push(s)) && self.len() - len == count);
        if !ok {
            self.truncate(len);
        }
        ok
    }

    /// Appends the strings of `text` that end at `ends` (byte offsets, each
    /// string starting where the previous one ends); `false` (nothing
    /// appended) when an offset is out of order or not at a character boundary.
    pub fn push_ends(&mut self, text: &str, ends: &[u32]) -> bool {
        let len = self.len();
        let mut start = 0;
        let ok = ends.iter().all(|end| {
            let end = *end as usize;
            let s = text.get(start..end);
            start = end;
            s.is_some_and(|s| self.push(s))
        });
        if !ok {
            self.truncate(len);
        }
        ok
    }

    /// Appends the strings of a JSON array (the form used when a string
    /// contains NUL); `false` (nothing appended) unless it holds exactly `count`.
    pub fn push_json(&mut self, json: &str, count: usize) -> bool {
        let Ok(strings) = recgate_core::typed_json::from_str::<Vec<String>>(json) else {
            return false;
        };
        let len = self.len();
        let ok = strings.len() == count && strings.iter().all(|s| self.push(s));
        if !ok {
            self.truncate(len);
        }
        ok
    }

    /// Keeps the first `len` strings.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        let end = len
            .checked_sub(1)
            .and_then(|i| self.ends.get(i))
            .map_or(0, |e| *e as usize);
        self.text.truncate(end);
        self.ends.truncate(len);
        self.times.truncate(len);
        self.media.truncate(len);
        self.directions.truncate(len);
    }

    /// The string at `ix`.
    pub fn get(&self, ix: u32) -> Option<&str> {
        let i = ix as usize;
        let end = *self.ends.get(i)? as usize;
        let start = i
            .checked_sub(1)
            .and_then(|p| self.ends.get(p))
            .map_or(0, |e| *e as usize);
        self.text.get(start..end)
    }

    /// Whether `ix` names a string.
    pub fn has(&self, ix: u32) -> bool {
        (ix as usize) < self.len()
    }

    /// The timestamp at `ix`: `Some(None)` when it is not RFC 3339.
    pub fn time(&mut self, ix: u32) -> Option<Option<Timestamp>> {
        parsed(
            &self.text,
            &self.ends,
            &mut self.times,
            ix,
            Timestamp::parse,
        )
    }

    /// The media named at `ix`: `Some(None)` when it names none.
    fn media(&mut self, ix: u32) -> Option<Option<Media>> {
        parsed(&self.text, &self.ends, &mut self.media, ix, Media::parse)
    }

    /// The direction named at `ix`: `Some(None)` when it names none.
    fn direction(&mut self, ix: u32) -> Option<Option<Direction>> {
        parsed(
            &self.text,
            &self.ends,
            &mut self.directions,
            ix,
            Direction::parse,
        )
    }
}

/// The string at `ix` parsed by `parse`, memoised in `cache`; `None` when
/// `ix` is out of range.
fn parsed<T: Copy>(
    text: &str,
    ends: &[u32],
    cache: &mut Vec<Option<Option<T>>>,
    ix: u32,
    parse: fn(&str) -> Option<T>,
) -> Option<Option<T>> {
    let i = ix as usize;
    let end = *ends.get(i)? as usize;
    if cache.len() <= i {
        // Caches grow on first use: one request parses each value once anyway.
        cache.resize(ends.len(), None);
    }
    let slot = cache.get_mut(i)?;
    if slot.is_none() {
        let start = i
            .checked_sub(1)
            .and_then(|p| ends.get(p))
            .map_or(0, |e| *e as usize);
        *slot = Some(parse(text.get(start..end)?));
    }
    *slot
}

/// The rows of a batch: [`STRIDE`] columns each, the list column that
/// `divisions` and `participants` point into, and the timestamps written as
/// text ([`CREATED_AT_TEXT`]).
pub struct Rows<'a> {
    /// The fixed-width columns.
    pub cols: &'a [u32],
    /// String-table indices of list items.
    pub lists: &'a [u32],
    /// Timestamps, each ended by NUL.
    pub times: &'a [u8],
}

impl Rows<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.cols.len() / STRIDE
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The columns of row `i`.
    fn row(&self, i: usize) -> Option<&[u32; STRIDE]> {
        let start = i.checked_mul(STRIDE)?;
        self.cols
            .get(start..start.checked_add(STRIDE)?)?
            .try_into()
            .ok()
    }
}

/// One recording, reused from row to row. A string attribute is copied into
/// the buffer the recording already holds (no allocation once the buffers
/// have grown), and only when the row names another table string than the
/// row before: rows of one list repeat queues, regions and divisions.
pub struct Scratch {
    /// The row last loaded.
    pub rec: Recording,
    /// Table indices of the strings `rec` holds: owner, queue, region, line.
    held: [u32; 4],
    /// Table indices of `rec.participants`.
    held_participants: Vec<u32>,
    /// Table indices of `rec.divisions` (`None`: absent).
    held_divisions: Option<Vec<u32>>,
    /// The divisions list's buffers while `rec.divisions` is `None`.
    divisions_buf: Vec<String>,
}

impl Default for Scratch {
    fn default() -> Scratch {
        Scratch {
            rec: Recording::default(),
            held: [NONE; 4],
            held_participants: Vec::new(),
            held_divisions: None,
            divisions_buf: Vec::new(),
        }
    }
}

impl Scratch {
    /// Loads row `i`. `false` when the row cannot be read as a recording
    /// (wrong JSON type, unknown media or direction, a `createdAt` that is not
    /// RFC 3339, an index out of range): the caller must hide it.
    pub fn load(&mut self, table: &mut Table, rows: &Rows<'_>, i: usize) -> bool {
        self.try_load(table, rows, i).is_some()
    }

    /// Forgets which table strings the recording holds: call at the start of
    /// a batch, whose table may number strings differently.
    pub fn clear(&mut self) {
        self.held = [NONE; 4];
        self.rec.owner = None;
        self.rec.queue = None;
        self.rec.region = None;
        self.rec.line = None;
        self.held_participants.clear();
        self.rec.participants.clear();
        self.set_divisions(None);
        self.held_divisions = None;
    }

    fn set_divisions(&mut self, d: Option<Vec<String>>) {
        if let Some(old) = core::mem::replace(&mut self.rec.divisions, d) {
            self.divisions_buf = old;
        }
    }

    fn try_load(&mut self, table: &mut Table, rows: &Rows<'_>, i: usize) -> Option<()> {
        let d = decode(table, rows.row(i)?, rows.lists, rows.times).ok()?;
        d.scalars(&mut self.rec);
        let table: &Table = table;
        let rec = &mut self.rec;
        let slots = [
            &mut rec.owner,
            &mut rec.queue,
            &mut rec.region,
            &mut rec.line,
        ];
        for ((slot, held), ix) in slots.into_iter().zip(self.held.iter_mut()).zip(d.ids) {
            if *held != ix {
                copy_opt(slot, table.get(ix));
                *held = ix;
            }
        }
        if self.held_participants.as_slice() != d.participants {
            copy_list(&mut rec.participants, table, d.participants);
            self.held_participants.clear();
            self.held_participants.extend_from_slice(d.participants);
        }
        match d.divisions {
            None => {
                if self.held_divisions.take().is_some() {
                    self.set_divisions(None);
                }
            }
            Some(items) => {
                if self.held_divisions.as_deref() != Some(items) {
                    let mut list = self
                        .rec
                        .divisions
                        .take()
                        .unwrap_or_else(|| core::mem::take(&mut self.divisions_buf));
                    copy_list(&mut list, table, items);
                    self.rec.divisions = Some(list);
                    let held = self.held_divisions.get_or_insert_with(Vec::new);
                    held.clear();
                    held.extend_from_slice(items);
                }
            }
        }
        Some(())
    }
}

/// Why a row could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// A value the core's JSON reader refuses too (wrong JSON type, unknown
    /// media or direction, a `createdAt` that is not RFC 3339).
    Value,
    /// The columns themselves are inconsistent (an index out of range).
    Structure,
}

/// A row's values, checked: every index is in range.
pub struct Decoded<'l> {
    flags: u32,
    media: Option<Media>,
    direction: Option<Direction>,
    created_at: Option<Timestamp>,
    retention: u32,
    /// Owner, queue, region, line.
    ids: [u32; 4],
    divisions: Option<&'l [u32]>,
    participants: &'l [u32],
}

/// Reads and checks one row of columns. Inline: in its three callers the
/// module comes out smaller (−34 B gzipped) and a row no slower.
#[inline]
pub fn decode<'l>(
    table: &mut Table,
    row: &[u32; STRIDE],
    lists: &'l [u32],
    times: &[u8],
) -> Result<Decoded<'l>, Unreadable> {
    use Unreadable::{Structure, Value};
    // Columns by name (the constants above, which the wrapper reads through
    // `layout`); every one is inside the row, so the `get`s cannot fail — a
    // missing flags word would read as not VALID.
    let col = |c: usize| row.get(c).copied().unwrap_or(NONE);
    let flags = row.get(FLAGS).copied().unwrap_or(0);
    let (media, direction, created_at) = (col(MEDIA), col(DIRECTION), col(CREATED_AT));
    let (owner, queue, region, line) = (col(OWNER), col(QUEUE), col(REGION), col(LINE));
    let retention = col(RETENTION);
    let (divisions_at, divisions_len) = (col(DIVISIONS_AT), col(DIVISIONS_LEN));
    let (participants_at, participants_len) = (col(PARTICIPANTS_AT), col(PARTICIPANTS_LEN));
    if flags & VALID == 0 {
        return Err(Value);
    }
    let media = match media {
        NONE => None,
        ix => Some(table.media(ix).ok_or(Structure)?.ok_or(Value)?),
    };
    let direction = match direction {
        NONE => None,
        ix => Some(table.direction(ix).ok_or(Structure)?.ok_or(Value)?),
    };
    let created_at = match created_at {
        NONE => None,
        at if flags & CREATED_AT_TEXT != 0 => {
            Some(time_text(times, at).ok_or(Structure)?.ok_or(Value)?)
        }
        ix => Some(table.time(ix).ok_or(Structure)?.ok_or(Value)?),
    };
    let ids = [owner, queue, region, line];
    if ids.iter().any(|ix| *ix != NONE && !table.has(*ix)) {
        return Err(Structure);
    }
    let divisions = match divisions_len {
        NONE => None,
        n => Some(list(lists, divisions_at, n).ok_or(Structure)?),
    };
    let participants = list(lists, participants_at, participants_len).ok_or(Structure)?;
    if !valid_items(table, participants) || !divisions.map_or(true, |d| valid_items(table, d)) {
        return Err(Structure);
    }
    Ok(Decoded {
        flags,
        media,
        direction,
        created_at,
        retention,
        ids,
        divisions,
        participants,
    })
}

/// The timestamp whose text starts at `at` in `times` (ended by NUL), parsed
/// by the core: `Some(None)` when it is not RFC 3339, `None` when there is no
/// such text (the wrapper writes ASCII only).
fn time_text(times: &[u8], at: u32) -> Option<Option<Timestamp>> {
    let rest = times.get(at as usize..)?;
    let text = rest.get(..rest.iter().position(|b| *b == 0)?)?;
    Some(Timestamp::parse(core::str::from_utf8(text).ok()?))
}

/// Row `i` as a [`ListPlan`] reads it, or `None` when it cannot be read
/// (the caller hides it). `bits` caches each table string's
/// [`ListPlan::string_bits`]: one lookup per distinct string, not per row;
/// it must hold one slot per table string, `None` until known.
pub fn row_bits(
    table: &mut Table,
    rows: &Rows<'_>,
    i: usize,
    filter: &ListPlan,
    bits: &mut [Option<u64>],
) -> Option<RowBits> {
    let d = decode(table, rows.row(i)?, rows.lists, rows.times).ok()?;
    let table: &Table = table;
    let mut of = |ix: u32| -> u64 {
        match bits.get_mut(ix as usize) {
            Some(Some(b)) => *b,
            Some(slot) => {
                let b = table.get(ix).map_or(0, |s| filter.string_bits(s));
                *slot = Some(b);
                b
            }
            None => 0,
        }
    };
    let [owner, queue, region, line] = d.ids;
    let one = |ix: u32, of: &mut dyn FnMut(u32) -> u64| if ix == NONE { 0 } else { of(ix) };
    Some(RowBits {
        owner: one(owner, &mut of),
        participants: d.participants.iter().fold(0, |b, ix| b | of(*ix)),
        queue: one(queue, &mut of),
        divisions: d
            .divisions
            .map(|items| items.iter().fold(0, |b, ix| b | of(*ix))),
        region: (region != NONE).then(|| of(region)),
        line: one(line, &mut of),
        media: d.media,
        direction: d.direction,
        created_at: d.created_at,
        retention_days: (d.flags & HAS_RETENTION != 0).then_some(d.retention),
        legal_hold: d.flags & LEGAL_HOLD != 0,
        sensitive: d.flags & SENSITIVE != 0,
        live: d.flags & LIVE != 0,
    })
}

impl Decoded<'_> {
    /// Writes everything but the strings.
    fn scalars(&self, rec: &mut Recording) {
        rec.media = self.media;
        rec.direction = self.direction;
        rec.created_at = self.created_at;
        rec.retention_days = (self.flags & HAS_RETENTION != 0).then_some(self.retention);
        rec.legal_hold = self.flags & LEGAL_HOLD != 0;
        rec.sensitive = self.flags & SENSITIVE != 0;
        rec.live = self.flags & LIVE != 0;
    }

    /// Writes the whole row into `rec`, copying the strings into its buffers
    /// (for one request, where nothing is kept from row to row).
    pub fn copy_into(&self, table: &Table, rec: &mut Recording) {
        self.scalars(rec);
        let [owner, queue, region, line] = self.ids.map(|ix| table.get(ix));
        copy_opt(&mut rec.owner, owner);
        copy_opt(&mut rec.queue, queue);
        copy_opt(&mut rec.region, region);
        copy_opt(&mut rec.line, line);
        copy_list(&mut rec.participants, table, self.participants);
        match self.divisions {
            None => rec.divisions = None,
            Some(items) => copy_list(rec.divisions.get_or_insert_with(Vec::new), table, items),
        }
    }
}

/// Sets an optional string, reusing its buffer.
pub fn copy_opt(slot: &mut Option<String>, v: Option<&str>) {
    match (slot.as_mut(), v) {
        (_, None) => *slot = None,
        (Some(s), Some(v)) => {
            s.clear();
            s.push_str(v);
        }
        (None, Some(v)) => *slot = Some(String::from(v)),
    }
}

/// Sets a list of strings from table indices, reusing its buffers.
pub fn copy_list(out: &mut Vec<String>, table: &Table, items: &[u32]) {
    out.truncate(items.len());
    for (k, v) in items.iter().filter_map(|ix| table.get(*ix)).enumerate() {
        match out.get_mut(k) {
            Some(s) => {
                s.clear();
                s.push_str(v);
            }
            None => out.push(String::from(v)),
        }
    }
}

/// The list items `[at, at + n)`, each a valid table index.
fn list(lists: &[u32], at: u32, n: u32) -> Option<&[u32]> {
    let at = at as usize;
    let items = lists.get(at..at.checked_add(n as usize)?)?;
    Some(items)
}

/// Whether every list item is a valid table index.
pub fn valid_items(table: &Table, items: &[u32]) -> bool {
    items.iter().all(|ix| table.has(*ix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> [u32; STRIDE] {
        let mut r = [NONE; STRIDE];
        r[FLAGS] = VALID;
        r[RETENTION] = 0;
        r[DIVISIONS_AT] = 0;
        r[PARTICIPANTS_AT] = 0;
        r[PARTICIPANTS_LEN] = 0;
        r
    }

    #[test]
    fn loads_every_attribute_and_reuses_the_scratch() {
        let joined =
            "screen\0inbound\0u-1\0q-1\0eu-west-1\0line-9\x002026-11-01T09:00:00Z\0home\0bpo";
        let mut table = Table::default();
        assert!(table.push_joined(joined, 9));
        let mut a = row();
        a[FLAGS] = VALID | LEGAL_HOLD | LIVE | HAS_RETENTION;
        a[MEDIA] = 0;
        a[DIRECTION] = 1;
        a[OWNER] = 2;
        a[QUEUE] = 3;
        a[REGION] = 4;
        a[LINE] = 5;
        a[CREATED_AT] = 6;
        a[RETENTION] = 30;
        a[DIVISIONS_AT] = 0;
        a[DIVISIONS_LEN] = 2;
        a[PARTICIPANTS_AT] = 2;
        a[PARTICIPANTS_LEN] = 1;
        let b = row();
        let cols: Vec<u32> = a.iter().chain(b.iter()).copied().collect();
        let lists = [7, 8, 2];
        let rows = Rows {
            cols: &cols,
            lists: &lists,
            times: &[],
        };
        assert_eq!(rows.len(), 2);
        let mut s = Scratch::default();
        assert!(s.load(&mut table, &rows, 0));
        let r = &s.rec;
        assert_eq!(r.media, Some(Media::Screen));
        assert_eq!(r.direction, Some(Direction::Inbound));
        assert_eq!(r.owner.as_deref(), Some("u-1"));
        assert_eq!(r.queue.as_deref(), Some("q-1"));
        assert_eq!(r.region.as_deref(), Some("eu-west-1"));
        assert_eq!(r.line.as_deref(), Some("line-9"));
        assert_eq!(r.created_at, Timestamp::parse("2026-11-01T09:00:00Z"));
        assert_eq!(r.retention_days, Some(30));
        assert!(r.legal_hold && r.live && !r.sensitive);
        assert_eq!(
            r.divisions.as_deref(),
            Some(&["home".to_string(), "bpo".to_string()][..])
        );
        assert_eq!(r.participants, vec!["u-1".to_string()]);
        // The next row is empty: nothing of the first may leak into it.
        assert!(s.load(&mut table, &rows, 1));
        let empty = Recording::default();
        assert_eq!(s.rec, empty);
        // And back again.
        assert!(s.load(&mut table, &rows, 0));
        assert_eq!(s.rec.participants.len(), 1);
        assert!(!s.load(&mut table, &rows, 2), "out of range");
    }

    #[test]
    fn unreadable_rows_are_refused() {
        let mut table = Table::default();
        assert!(table.push_joined("video\0yesterday\0sideways", 3));
        let lists = [99];
        let mut s = Scratch::default();
        let mut check = |edit: &dyn Fn(&mut [u32; STRIDE])| {
            let mut r = row();
            edit(&mut r);
            let rows = Rows {
                cols: &r,
                lists: &lists,
                times: &[],
            };
            s.load(&mut table, &rows, 0)
        };
        assert!(check(&|_| {}));
        assert!(!check(&|r| r[FLAGS] = 0), "not valid JSON types");
        assert!(!check(&|r| r[MEDIA] = 0), "unknown media");
        assert!(!check(&|r| r[DIRECTION] = 2), "unknown direction");
        assert!(!check(&|r| r[CREATED_AT] = 1), "not a timestamp");
        assert!(!check(&|r| r[OWNER] = 3), "no such string");
        assert!(!check(&|r| r[PARTICIPANTS_LEN] = 1), "bad list index");
        assert!(
            !check(&|r| {
                r[DIVISIONS_AT] = 5;
                r[DIVISIONS_LEN] = 1;
            }),
            "list out of range"
        );
    }

    #[test]
    fn timestamps_written_as_text_are_parsed_by_the_core() {
        let mut table = Table::default();
        let times = b"2026-11-01T09:00:00Z\0yesterday\x002026-11-01T09:00:00";
        let mut r = row();
        r[FLAGS] = VALID | CREATED_AT_TEXT;
        let created = |r: [u32; STRIDE], table: &mut Table| {
            decode(table, &r, &[], times).map(|d| d.created_at)
        };
        r[CREATED_AT] = 0;
        assert_eq!(
            created(r, &mut table),
            Ok(Timestamp::parse("2026-11-01T09:00:00Z"))
        );
        r[CREATED_AT] = 21;
        assert_eq!(
            created(r, &mut table),
            Err(Unreadable::Value),
            "not a timestamp"
        );
        r[CREATED_AT] = 31;
        assert_eq!(
            created(r, &mut table),
            Err(Unreadable::Structure),
            "no NUL after it"
        );
        r[CREATED_AT] = 99;
        assert_eq!(
            created(r, &mut table),
            Err(Unreadable::Structure),
            "past the text"
        );
        // Without the flag the column is a table index, as before.
        assert!(table.push_joined("2026-11-02T09:00:00Z", 1));
        r[FLAGS] = VALID;
        r[CREATED_AT] = 0;
        assert_eq!(
            created(r, &mut table),
            Ok(Timestamp::parse("2026-11-02T09:00:00Z"))
        );
    }

    #[test]
    fn table_counts_must_match() {
        let mut t = Table::default();
        assert!(!t.push_joined("a\0b", 3));
        assert!(t.is_empty(), "nothing appended on a mismatch");
        assert!(t.push_joined("", 0));
        assert!(t.is_empty());
        assert!(t.push_joined("", 1));
        assert_eq!(t.get(0), Some(""));
        assert!(t.push_joined("b\0c", 2));
        assert!(!t.push_json(r#"["d"]"#, 2));
        assert!(t.push_json(r#"["d\u0000e"]"#, 1));
        assert_eq!(
            (0..5).map(|i| t.get(i)).collect::<Vec<_>>(),
            vec![Some(""), Some("b"), Some("c"), Some("d\0e"), None]
        );
    }

    #[test]
    fn tables_are_kept_between_batches() {
        // Strings added later are numbered after the earlier ones, and the
        // parse caches and lent strings of the earlier ones survive.
        let mut table = Table::default();
        assert!(table.push_joined("audio\0u-1", 2));
        let mut a = row();
        a[MEDIA] = 0;
        a[OWNER] = 1;
        let rows = Rows {
            cols: &a,
            lists: &[],
            times: &[],
        };
        let mut s = Scratch::default();
        assert!(s.load(&mut table, &rows, 0));
        assert!(table.push_joined("screen\0u-2", 2));
        let mut b = row();
        b[MEDIA] = 2;
        b[OWNER] = 3;
        b[PARTICIPANTS_LEN] = 2;
        let lists = [1, 3];
        let rows = Rows {
            cols: &b,
            lists: &lists,
            times: &[],
        };
        assert!(s.load(&mut table, &rows, 0));
        assert_eq!(s.rec.media, Some(Media::Screen));
        assert_eq!(s.rec.owner.as_deref(), Some("u-2"));
        assert_eq!(
            s.rec.participants,
            vec!["u-1".to_string(), "u-2".to_string()]
        );
        table.truncate(2);
        assert_eq!(table.len(), 2);
        assert_eq!(table.get(1), Some("u-1"));
        assert!(!s.load(&mut table, &rows, 0), "indices past the end");
        table.clear();
        assert!(table.is_empty());
    }
}
