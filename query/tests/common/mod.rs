//! Shared by the query-plan tests and benchmark: deterministic generated
//! recordings and the SQLite loader for the documented table layout.
#![allow(
    dead_code,
    clippy::unwrap_used,
    reason = "shared by several test binaries, each using only part of it"
)]

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use recgate_core::Recording;
use recgate_query::{schema, Dialect, Param};
use rusqlite::Connection;

/// A deterministic proptest runner.
pub fn runner(seed: u8) -> TestRunner {
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

/// `n` generated recordings over the generator's universe, ids `rec-000000`….
pub fn generated_recordings(n: usize, seed: u8) -> Vec<Recording> {
    let mut r = runner(seed);
    (0..n)
        .map(|i| {
            let mut v = recgate_tests::gen::recording()
                .new_tree(&mut r)
                .unwrap()
                .current();
            v["id"] = serde_json::json!(format!("rec-{i:06}"));
            serde_json::from_value(v).unwrap()
        })
        .collect()
}

/// Loads recordings into SQLite (effective region and divisions, as documented).
pub fn load_sqlite(conn: &Connection, recs: &[Recording], home: &str) {
    conn.execute_batch(schema(Dialect::Sqlite)).unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    {
        let mut rec = tx
            .prepare(
                "INSERT INTO recordings VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .unwrap();
        let mut part = tx
            .prepare("INSERT INTO recording_participants VALUES (?1, ?2)")
            .unwrap();
        let mut div = tx
            .prepare("INSERT INTO recording_divisions VALUES (?1, ?2)")
            .unwrap();
        let home_only = [String::from("home")];
        for r in recs {
            rec.execute(rusqlite::params![
                r.id,
                r.media.map(|m| m.as_str()),
                r.direction.map(|d| d.as_str()),
                r.owner,
                r.queue,
                r.region.as_deref().unwrap_or(home),
                r.line,
                r.created_at.map(|t| t.0),
                r.retention_days,
                r.legal_hold,
                r.sensitive,
                r.live
            ])
            .unwrap();
            for p in &r.participants {
                part.execute(rusqlite::params![r.id, p]).unwrap();
            }
            for d in r.divisions.as_deref().unwrap_or(&home_only) {
                div.execute(rusqlite::params![r.id, d]).unwrap();
            }
        }
    }
    tx.commit().unwrap();
}

/// Plan parameters as SQLite values.
pub fn sqlite_values(params: &[Param]) -> Vec<rusqlite::types::Value> {
    params
        .iter()
        .map(|p| match p {
            Param::Text(s) => rusqlite::types::Value::Text(s.clone()),
            Param::Int(n) => rusqlite::types::Value::Integer(*n),
        })
        .collect()
}
