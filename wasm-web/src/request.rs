//! Requests for `check()` and `can()` read from words instead of JSON.
//!
//! `JSON.stringify` in the browser plus serde here cost more than the decision
//! itself. For a request of the usual shape — a recording, queue, user, role,
//! schedule or report resource, every value of the JSON type the contract
//! requires and no unknown field — the JS wrapper (`js/gate.js`,
//! `encodeRequest`) writes the values into [`WORDS`] words inside the gate and
//! one string table (UTF-8 back to back, with each string's end). Anything
//! else (an annotation, an unknown field, a value of the wrong type, a string
//! with a lone surrogate) is sent as JSON instead and read by the core's deserializer, so this path
//! only ever sees requests that deserializer would read to the same
//! [`Request`]. Values the deserializer would refuse — an unknown media or
//! direction, a timestamp that is not RFC 3339 — are refused here too, as
//! [`Read::Unreadable`]: the decision is `invalid_request` either way.

use recgate_core::request::{Named, Report};
use recgate_core::{Recording, Request, Resource, Timestamp};

use crate::rows::{decode, Table, Unreadable, NONE, STRIDE};

/// Words of the request buffer.
pub const WORDS: usize = 256;
/// Word: `principal`, a string-table index.
pub const PRINCIPAL: usize = 0;
/// Word: `actor`, a string-table index or [`NONE`].
pub const ACTOR: usize = 1;
/// Word: `permission`, a string-table index.
pub const PERMISSION: usize = 2;
/// Word: `now`, a string-table index.
pub const NOW: usize = 3;
/// Word: the resource type ([`KIND_RECORDING`], …).
pub const KIND: usize = 4;
/// Word: the resource's `id` (a report's `user`).
pub const ID: usize = 5;
/// Word: a recording's `conversationId` (a report's `queue`).
pub const AUX: usize = 6;
/// Word: where a recording's `related` starts in the list area.
pub const RELATED_AT: usize = 7;
/// Word: how many `related` ids.
pub const RELATED_LEN: usize = 8;
/// Words `ROW..ROW + STRIDE`: a recording's columns, as in [`crate::rows`].
pub const ROW: usize = 9;
/// Words from here: list items (`divisions`, `participants`, `related`),
/// with offsets counted from here.
pub const LISTS: usize = ROW + STRIDE;

/// `type: "recording"`.
pub const KIND_RECORDING: u32 = 0;
/// `type: "queue"`.
pub const KIND_QUEUE: u32 = 1;
/// `type: "user"`.
pub const KIND_USER: u32 = 2;
/// `type: "role"`.
pub const KIND_ROLE: u32 = 3;
/// `type: "schedule"`.
pub const KIND_SCHEDULE: u32 = 4;
/// `type: "report"`.
pub const KIND_REPORT: u32 = 5;

/// What reading the words gave.
pub enum Read<'s> {
    /// The request.
    Request(&'s Request),
    /// A value the core's JSON reader refuses too: `invalid_request`.
    Unreadable,
    /// The words do not hold a request this path can read: decide the JSON.
    Retry,
}

/// A request reused from call to call, and a recording kept while the
/// resource is of another type.
pub struct RequestScratch {
    req: Request,
    rec: Recording,
}

impl Default for RequestScratch {
    fn default() -> RequestScratch {
        RequestScratch {
            req: Request {
                principal: String::new(),
                actor: None,
                permission: String::new(),
                resource: Resource::Role(Named { id: String::new() }),
                now: Timestamp(0),
            },
            rec: Recording::default(),
        }
    }
}

fn text(table: &Table, ix: u32) -> Result<Option<&str>, ()> {
    if ix == NONE {
        Ok(None)
    } else {
        table.get(ix).map(Some).ok_or(())
    }
}

fn required(table: &Table, ix: u32) -> Result<&str, ()> {
    text(table, ix)?.ok_or(())
}

fn copy(slot: &mut String, v: &str) {
    slot.clear();
    slot.push_str(v);
}

impl RequestScratch {
    /// Reads the request in `words`.
    pub fn read(&mut self, table: &mut Table, words: &[u32; WORDS]) -> Read<'_> {
        match self.fill(table, words) {
            Ok(()) => Read::Request(&self.req),
            Err(Some(Unreadable::Value)) => Read::Unreadable,
            Err(_) => Read::Retry,
        }
    }

    fn fill(&mut self, table: &mut Table, words: &[u32; WORDS]) -> Result<(), Option<Unreadable>> {
        let w = |k: usize| words.get(k).copied().unwrap_or(NONE);
        let structure = |_| None::<Unreadable>;
        let lists = words.get(LISTS..).unwrap_or_default();
        // Parsing goes through the table's caches (mutably); reading the
        // strings comes after.
        let now = table.time(w(NOW)).ok_or(None)?;
        let decoded = match w(KIND) {
            KIND_RECORDING => {
                let row: &[u32; STRIDE] = words
                    .get(ROW..ROW + STRIDE)
                    .and_then(|r| r.try_into().ok())
                    .ok_or(None)?;
                Some(decode(table, row, lists, &[]).map_err(Some)?)
            }
            _ => None,
        };
        let table: &Table = table;
        let principal = required(table, w(PRINCIPAL)).map_err(structure)?;
        let actor = text(table, w(ACTOR)).map_err(structure)?;
        let permission = required(table, w(PERMISSION)).map_err(structure)?;
        // Take the recording back before the resource changes type.
        if let Resource::Recording(r) = &mut self.req.resource {
            self.rec = core::mem::take(r);
        }
        let resource = match (w(KIND), decoded) {
            (KIND_RECORDING, Some(d)) => {
                let rec = &mut self.rec;
                copy(&mut rec.id, required(table, w(ID)).map_err(structure)?);
                crate::rows::copy_opt(
                    &mut rec.conversation_id,
                    text(table, w(AUX)).map_err(structure)?,
                );
                let related = words
                    .get(LISTS + w(RELATED_AT) as usize..)
                    .and_then(|l| l.get(..w(RELATED_LEN) as usize))
                    .ok_or(None)?;
                if related.iter().any(|ix| !table.has(*ix)) {
                    return Err(None);
                }
                crate::rows::copy_list(&mut rec.related, table, related);
                d.copy_into(table, rec);
                Resource::Recording(core::mem::take(rec))
            }
            (kind @ (KIND_QUEUE | KIND_USER | KIND_ROLE | KIND_SCHEDULE), _) => {
                let id = String::from(required(table, w(ID)).map_err(structure)?);
                let named = Named { id };
                match kind {
                    KIND_QUEUE => Resource::Queue(named),
                    KIND_USER => Resource::User(named),
                    KIND_ROLE => Resource::Role(named),
                    _ => Resource::Schedule(named),
                }
            }
            (KIND_REPORT, _) => Resource::Report(Report {
                user: text(table, w(ID)).map_err(structure)?.map(String::from),
                queue: text(table, w(AUX)).map_err(structure)?.map(String::from),
            }),
            _ => return Err(None),
        };
        let now = now.ok_or(Some(Unreadable::Value))?;
        let req = &mut self.req;
        copy(&mut req.principal, principal);
        crate::rows::copy_opt(&mut req.actor, actor);
        copy(&mut req.permission, permission);
        req.resource = resource;
        req.now = now;
        Ok(())
    }
}
