//! Recording rows for list filtering, read from columns instead of JSON.
//!
//! Deciding what 100,000 rows of a recordings list show cannot afford one
//! serde round trip per row. The JS wrapper (`js/gate.js`, `encodeRows`)
//! writes the attributes a decision reads into one string table (every
//! distinct string once, joined by NUL) and fixed-width `u32` columns, after
//! checking each value's JSON type the way the core's `Recording` deserializer
//! does. Here each row is loaded into one reused [`Recording`] and the core
//! decides it. The strings are not copied per row: each distinct string is
//! made into a `String` once per batch, lent to the recording for its row and
//! given back after (a move of three words). Nothing in this module
//! decides anything: values are copied, enum names and timestamps are parsed by
//! the core's own parsers, and a row that cannot be read is reported as such so
//! that the caller hides it (fail closed).
//!
//! Not loaded: `id`, `conversationId` and `related`, which no visibility
//! decision reads (`related` only feeds the cascade obligation of a delete).

use recgate_core::model::{Direction, Media};
use recgate_core::{Recording, Timestamp};

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

/// The distinct strings of a batch, with timestamps, media and directions
/// parsed on first use (once per distinct string, not once per row).
pub struct Table<'t> {
    strings: Vec<&'t str>,
    times: Vec<Option<Option<Timestamp>>>,
    media: Vec<Option<Option<Media>>>,
    directions: Vec<Option<Option<Direction>>>,
    /// The owned form of each string, when made and not lent out.
    owned: Vec<Option<String>>,
    /// Buffers for strings lent twice in one row (a participant who is the owner).
    spare: Vec<String>,
}

impl<'t> Table<'t> {
    /// Splits `joined` (strings separated by NUL) into exactly `count`
    /// strings; `None` when the count does not match.
    pub fn split(joined: &'t str, count: usize) -> Option<Table<'t>> {
        let strings: Vec<&str> = if count == 0 {
            Vec::new()
        } else {
            joined.split('\0').collect()
        };
        (strings.len() == count).then(|| Table::from_strings(strings))
    }

    /// Builds a table from strings already split (the JSON form of the table,
    /// used when a string contains NUL).
    pub fn from_strings(strings: Vec<&'t str>) -> Table<'t> {
        Table {
            times: Vec::new(),
            media: Vec::new(),
            directions: Vec::new(),
            owned: Vec::new(),
            spare: Vec::new(),
            strings,
        }
    }

    /// Lends the string at `ix` (which must be in range: an empty string
    /// otherwise).
    fn lend(&mut self, ix: u32) -> String {
        if self.owned.is_empty() {
            self.owned.resize(self.strings.len(), None);
        }
        if let Some(s) = self.owned.get_mut(ix as usize).and_then(Option::take) {
            return s;
        }
        let mut s = self.spare.pop().unwrap_or_default();
        s.clear();
        s.push_str(self.strings.get(ix as usize).copied().unwrap_or_default());
        s
    }

    /// Takes a lent string back.
    fn give_back(&mut self, ix: u32, s: String) {
        match self.owned.get_mut(ix as usize) {
            Some(slot) if slot.is_none() => *slot = Some(s),
            _ => self.spare.push(s),
        }
    }

    /// The string at `ix`.
    pub fn get(&self, ix: u32) -> Option<&'t str> {
        self.strings.get(ix as usize).copied()
    }

    /// The timestamp at `ix`: `Some(None)` when it is not RFC 3339.
    fn time(&mut self, ix: u32) -> Option<Option<Timestamp>> {
        parsed(&self.strings, &mut self.times, ix, Timestamp::parse)
    }

    /// The media named at `ix`: `Some(None)` when it names none.
    fn media(&mut self, ix: u32) -> Option<Option<Media>> {
        parsed(&self.strings, &mut self.media, ix, Media::parse)
    }

    /// The direction named at `ix`: `Some(None)` when it names none.
    fn direction(&mut self, ix: u32) -> Option<Option<Direction>> {
        parsed(&self.strings, &mut self.directions, ix, Direction::parse)
    }
}

/// The string at `ix` parsed by `parse`, memoised in `cache`; `None` when
/// `ix` is out of range.
fn parsed<T: Copy>(
    strings: &[&str],
    cache: &mut Vec<Option<Option<T>>>,
    ix: u32,
    parse: fn(&str) -> Option<T>,
) -> Option<Option<T>> {
    let s = strings.get(ix as usize)?;
    if cache.is_empty() {
        // Caches are made on first use: one request parses each value once anyway.
        cache.resize(strings.len(), None);
    }
    let slot = cache.get_mut(ix as usize)?;
    if slot.is_none() {
        *slot = Some(parse(s));
    }
    *slot
}

/// The rows of a batch: [`STRIDE`] columns each, and the list column that
/// `divisions` and `participants` point into.
pub struct Rows<'a> {
    /// The fixed-width columns.
    pub cols: &'a [u32],
    /// String-table indices of list items.
    pub lists: &'a [u32],
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
}

/// One recording, reused from row to row, holding strings lent by the table.
pub struct Scratch {
    /// The row last loaded.
    pub rec: Recording,
    /// Table indices of the strings `rec` holds: owner, queue, region, line.
    lent: [u32; 4],
    /// Table indices of `rec.participants`.
    lent_participants: Vec<u32>,
    /// Table indices of `rec.divisions`.
    lent_divisions: Vec<u32>,
    /// The divisions list while `rec.divisions` is `None`.
    divisions_buf: Vec<String>,
}

impl Default for Scratch {
    fn default() -> Scratch {
        Scratch {
            rec: Recording::default(),
            lent: [NONE; 4],
            lent_participants: Vec::new(),
            lent_divisions: Vec::new(),
            divisions_buf: Vec::new(),
        }
    }
}

impl Scratch {
    /// Loads row `i`. `false` when the row cannot be read as a recording
    /// (wrong JSON type, unknown media or direction, a `createdAt` that is not
    /// RFC 3339, an index out of range): the caller must hide it. Call
    /// [`Scratch::unload`] with the same table before the table is dropped.
    pub fn load(&mut self, table: &mut Table<'_>, rows: &Rows<'_>, i: usize) -> bool {
        if self.try_load(table, rows, i).is_some() {
            true
        } else {
            self.unload(table);
            false
        }
    }

    /// Empties the recording without giving anything back: call at the start
    /// of a batch, so that strings lent by another table can never be
    /// returned into this one.
    pub fn clear(&mut self) {
        let mut divisions_buf = core::mem::take(&mut self.divisions_buf);
        divisions_buf.clear();
        *self = Scratch {
            divisions_buf,
            ..Scratch::default()
        };
    }

    /// Gives every lent string back to the table and empties the recording.
    pub fn unload(&mut self, table: &mut Table<'_>) {
        self.set_strings(table, [NONE; 4]);
        self.set_participants(table, &[]);
        self.set_divisions(table, None);
    }

    /// Makes owner, queue, region and line the strings at `ids`, keeping
    /// those already lent.
    fn set_strings(&mut self, table: &mut Table<'_>, ids: [u32; 4]) {
        let rec = &mut self.rec;
        let slots = [
            &mut rec.owner,
            &mut rec.queue,
            &mut rec.region,
            &mut rec.line,
        ];
        for ((slot, held), ix) in slots.into_iter().zip(self.lent.iter_mut()).zip(ids) {
            if *held == ix && (ix == NONE) == slot.is_none() {
                continue;
            }
            if let Some(s) = slot.take() {
                table.give_back(*held, s);
            }
            *slot = (ix != NONE).then(|| table.lend(ix));
            *held = ix;
        }
    }

    fn set_participants(&mut self, table: &mut Table<'_>, items: &[u32]) {
        set_list(
            table,
            &mut self.rec.participants,
            &mut self.lent_participants,
            items,
        );
    }

    fn set_divisions(&mut self, table: &mut Table<'_>, items: Option<&[u32]>) {
        let mut d = self
            .rec
            .divisions
            .take()
            .unwrap_or_else(|| core::mem::take(&mut self.divisions_buf));
        set_list(
            table,
            &mut d,
            &mut self.lent_divisions,
            items.unwrap_or_default(),
        );
        if items.is_some() {
            self.rec.divisions = Some(d);
        } else {
            self.divisions_buf = d;
        }
    }

    fn try_load(&mut self, table: &mut Table<'_>, rows: &Rows<'_>, i: usize) -> Option<()> {
        let start = i.checked_mul(STRIDE)?;
        let row: &[u32; STRIDE] = rows
            .cols
            .get(start..start.checked_add(STRIDE)?)?
            .try_into()
            .ok()?;
        let d = decode(table, row, rows.lists).ok()?;
        d.scalars(&mut self.rec);
        self.set_strings(table, d.ids);
        self.set_participants(table, d.participants);
        self.set_divisions(table, d.divisions);
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

/// Reads and checks one row of columns.
pub fn decode<'l>(
    table: &mut Table<'_>,
    row: &[u32; STRIDE],
    lists: &'l [u32],
) -> Result<Decoded<'l>, Unreadable> {
    use Unreadable::{Structure, Value};
    let [flags, media, direction, owner, queue, region, line, created_at, retention, divisions_at, divisions_len, participants_at, participants_len] =
        *row;
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
        ix => Some(table.time(ix).ok_or(Structure)?.ok_or(Value)?),
    };
    let ids = [owner, queue, region, line];
    if ids.iter().any(|ix| *ix != NONE && table.get(*ix).is_none()) {
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
    /// (for one request, where nothing is worth lending).
    pub fn copy_into(&self, table: &Table<'_>, rec: &mut Recording) {
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
pub fn copy_list(out: &mut Vec<String>, table: &Table<'_>, items: &[u32]) {
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

/// Makes `list` the strings at `items`, keeping the ones already lent at the
/// same positions.
fn set_list(table: &mut Table<'_>, list: &mut Vec<String>, lent: &mut Vec<u32>, items: &[u32]) {
    if lent.as_slice() == items && list.len() == items.len() {
        return;
    }
    while list.len() > items.len() {
        if let (Some(s), Some(ix)) = (list.pop(), lent.pop()) {
            table.give_back(ix, s);
        }
    }
    for (k, ix) in items.iter().enumerate() {
        match (list.get_mut(k), lent.get_mut(k)) {
            (Some(slot), Some(held)) => {
                if *held != *ix {
                    let old = core::mem::replace(slot, table.lend(*ix));
                    table.give_back(*held, old);
                    *held = *ix;
                }
            }
            _ => {
                list.push(table.lend(*ix));
                lent.push(*ix);
            }
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
pub fn valid_items(table: &Table<'_>, items: &[u32]) -> bool {
    items.iter().all(|ix| table.get(*ix).is_some())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
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
        let mut table = Table::split(joined, 9).unwrap();
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
        let mut table = Table::split("video\0yesterday\0sideways", 3).unwrap();
        let lists = [99];
        let mut s = Scratch::default();
        let mut check = |edit: &dyn Fn(&mut [u32; STRIDE])| {
            let mut r = row();
            edit(&mut r);
            let rows = Rows {
                cols: &r,
                lists: &lists,
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
    fn table_counts_must_match() {
        assert!(Table::split("a\0b", 3).is_none());
        assert_eq!(Table::split("", 0).unwrap().strings.len(), 0);
        assert_eq!(Table::split("", 1).unwrap().strings, vec![""]);
    }
}
