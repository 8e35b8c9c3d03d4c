//! # recgate-query
//!
//! Renders a recgate query plan ([`recgate_core::plan::RecordingFilter`]) as
//! parameterised SQL for SQLite or PostgreSQL over the table layout of
//! `docs/query-plans.md`. Every value is a bound parameter; the SQL text holds
//! only column names, operators, placeholders and constants of the layout.

use recgate_core::plan::{Cond, RecordingFilter};

/// The SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite: `?` placeholders, booleans as integers.
    Sqlite,
    /// PostgreSQL: `$n` placeholders with casts, real booleans.
    Postgres,
}

impl Dialect {
    /// `sqlite` or `postgres`.
    pub fn parse(s: &str) -> Option<Dialect> {
        match s {
            "sqlite" => Some(Dialect::Sqlite),
            "postgres" | "postgresql" => Some(Dialect::Postgres),
            _ => None,
        }
    }
}

/// A bound value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum Param {
    /// Text.
    Text(String),
    /// A 64-bit integer.
    Int(i64),
}

/// SQL text and the values bound to its placeholders, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The SQL.
    pub sql: String,
    /// The parameters.
    pub params: Vec<Param>,
}

/// The ids of the recordings a filter allows, ordered by id.
pub fn select_ids(filter: &RecordingFilter, dialect: Dialect) -> Query {
    let w = where_clause(filter, dialect, 0);
    Query {
        sql: format!(
            "SELECT r.id FROM recordings r WHERE {} ORDER BY r.id",
            w.sql
        ),
        params: w.params,
    }
}

/// A boolean SQL expression over `recordings r`, never NULL; placeholders
/// numbered after `offset` already-bound parameters.
pub fn where_clause(filter: &RecordingFilter, dialect: Dialect, offset: usize) -> Query {
    let mut r = Renderer {
        dialect,
        params: Vec::new(),
        offset,
    };
    let sql = r.filter(filter);
    Query {
        sql,
        params: r.params,
    }
}

const DAY_MS: i64 = 86_400_000;

struct Renderer {
    dialect: Dialect,
    params: Vec<Param>,
    offset: usize,
}

impl Renderer {
    fn bind(&mut self, p: Param) -> String {
        let cast = match (&p, self.dialect) {
            (Param::Text(_), Dialect::Postgres) => "::text",
            (Param::Int(_), Dialect::Postgres) => "::bigint",
            _ => "",
        };
        self.params.push(p);
        match self.dialect {
            Dialect::Sqlite => format!("?{}", self.offset + self.params.len()),
            Dialect::Postgres => format!("${}{cast}", self.offset + self.params.len()),
        }
    }

    fn list(&mut self, values: impl IntoIterator<Item = String>) -> String {
        let items: Vec<String> = values
            .into_iter()
            .map(|v| self.bind(Param::Text(v)))
            .collect();
        items.join(", ")
    }

    fn truth(&self, b: bool) -> &'static str {
        match (self.dialect, b) {
            (Dialect::Sqlite, true) => "1",
            (Dialect::Sqlite, false) => "0",
            (Dialect::Postgres, true) => "TRUE",
            (Dialect::Postgres, false) => "FALSE",
        }
    }

    fn flag(&self, column: &str) -> String {
        match self.dialect {
            Dialect::Sqlite => format!("(r.{column} <> 0)"),
            Dialect::Postgres => format!("r.{column}"),
        }
    }

    /// `column IN (…)`, false (not NULL) when the column is NULL.
    fn column_in(&mut self, column: &str, values: Vec<String>) -> String {
        let list = self.list(values);
        format!("COALESCE(r.{column} IN ({list}), {})", self.truth(false))
    }

    /// `created_at + days <= now`, or false when the period is absent (kept forever).
    fn older_than(&mut self, days: Option<u32>, now: i64) -> String {
        match days {
            Some(d) => {
                let n = self.bind(Param::Int(now));
                let ms = self.bind(Param::Int(i64::from(d) * DAY_MS));
                format!("r.created_at + {ms} <= {n}")
            }
            None => self.truth(false).to_string(),
        }
    }

    fn filter(&mut self, f: &RecordingFilter) -> String {
        match f {
            RecordingFilter::Always => format!("({} = {})", self.truth(true), self.truth(true)),
            RecordingFilter::Never => format!("({} = {})", self.truth(true), self.truth(false)),
            RecordingFilter::And(v) => format!(
                "({})",
                v.iter()
                    .map(|x| self.filter(x))
                    .collect::<Vec<_>>()
                    .join(" AND ")
            ),
            RecordingFilter::Or(v) => format!(
                "({})",
                v.iter()
                    .map(|x| self.filter(x))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            ),
            RecordingFilter::Not(x) => format!("(NOT {})", self.filter(x)),
            RecordingFilter::Cond(c) => self.cond(c),
        }
    }

    fn cond(&mut self, c: &Cond) -> String {
        match c {
            Cond::OwnerIn { values } => self.column_in("owner", values.clone()),
            Cond::QueueIn { values } => self.column_in("queue", values.clone()),
            Cond::LineIn { values } => self.column_in("line", values.clone()),
            Cond::MediaIn { values } => self.column_in(
                "media",
                values.iter().map(|m| m.as_str().to_string()).collect(),
            ),
            Cond::DirectionIn { values } => self.column_in(
                "direction",
                values.iter().map(|d| d.as_str().to_string()).collect(),
            ),
            Cond::ParticipantIn { values } => {
                let list = self.list(values.clone());
                format!("EXISTS (SELECT 1 FROM recording_participants p WHERE p.recording_id = r.id AND p.user_id IN ({list}))")
            }
            Cond::DivisionIn { values } => {
                let list = self.list(values.clone());
                format!("EXISTS (SELECT 1 FROM recording_divisions d WHERE d.recording_id = r.id AND d.division IN ({list}))")
            }
            Cond::RegionIn { values } => {
                // r.region holds the effective region (the home region when the recording names none).
                self.column_in("region", values.clone())
            }
            Cond::LegalHold => self.flag("legal_hold"),
            Cond::Sensitive => self.flag("sensitive"),
            Cond::Live => self.flag("live"),
            Cond::Expired {
                now,
                screen_days,
                default_days,
            } => {
                let hold = self.flag("legal_hold");
                let now_own = self.bind(Param::Int(*now));
                let own = format!(
                    "r.created_at + CAST(r.retention_days AS BIGINT) * {DAY_MS} <= {now_own}"
                );
                let screen = self.older_than(*screen_days, *now);
                let other = self.older_than(*default_days, *now);
                let is_screen = self.bind(Param::Text("screen".into()));
                format!(
                    "((NOT {hold}) AND r.created_at IS NOT NULL AND (CASE WHEN r.retention_days IS NOT NULL THEN ({own}) WHEN COALESCE(r.media = {is_screen}, {f}) THEN ({screen}) ELSE ({other}) END))",
                    f = self.truth(false)
                )
            }
        }
    }
}

/// The table layout, as SQL, for a dialect.
pub fn schema(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => SCHEMA_SQLITE,
        Dialect::Postgres => SCHEMA_POSTGRES,
    }
}

const SCHEMA_SQLITE: &str = "
CREATE TABLE recordings (
  id TEXT PRIMARY KEY, media TEXT, direction TEXT, owner TEXT, queue TEXT,
  region TEXT NOT NULL, line TEXT, created_at INTEGER, retention_days INTEGER,
  legal_hold INTEGER NOT NULL, sensitive INTEGER NOT NULL, live INTEGER NOT NULL
);
CREATE TABLE recording_participants (recording_id TEXT NOT NULL REFERENCES recordings(id), user_id TEXT NOT NULL);
CREATE TABLE recording_divisions (recording_id TEXT NOT NULL REFERENCES recordings(id), division TEXT NOT NULL);
CREATE INDEX recording_participants_by_recording ON recording_participants(recording_id, user_id);
CREATE INDEX recording_divisions_by_recording ON recording_divisions(recording_id, division);
CREATE INDEX recordings_by_owner ON recordings(owner);
CREATE INDEX recordings_by_queue ON recordings(queue);
";

const SCHEMA_POSTGRES: &str = "
CREATE TABLE recordings (
  id TEXT PRIMARY KEY, media TEXT, direction TEXT, owner TEXT, queue TEXT,
  region TEXT NOT NULL, line TEXT, created_at BIGINT, retention_days INTEGER,
  legal_hold BOOLEAN NOT NULL, sensitive BOOLEAN NOT NULL, live BOOLEAN NOT NULL
);
CREATE TABLE recording_participants (recording_id TEXT NOT NULL REFERENCES recordings(id), user_id TEXT NOT NULL);
CREATE TABLE recording_divisions (recording_id TEXT NOT NULL REFERENCES recordings(id), division TEXT NOT NULL);
CREATE INDEX recording_participants_by_recording ON recording_participants(recording_id, user_id);
CREATE INDEX recording_divisions_by_recording ON recording_divisions(recording_id, division);
CREATE INDEX recordings_by_owner ON recordings(owner);
CREATE INDEX recordings_by_queue ON recordings(queue);
";
