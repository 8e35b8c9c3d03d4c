//! Plans rendered as SQLite SQL return exactly the recordings the core allows:
//! 100,000 generated recordings in a real SQLite database (rusqlite, bundled),
//! generated policies, every principal, the access permissions and two others.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::BTreeSet;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use recgate_core::{Policy, Recording, Resource, Timestamp};
use recgate_query::{schema, select_ids, Dialect, Param};
use recgate_tests::gen;
use rusqlite::{params_from_iter, Connection};

const ROWS: usize = 100_000;
const PERMISSIONS: [&str; 5] = [
    "recording:recording:view",
    "recording:screenRecording:view",
    "recording:metadata:view",
    "recording:recording:download",
    "recording:recording:delete",
];

fn runner(seed: u8) -> TestRunner {
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
    )
}

fn recordings() -> Vec<Recording> {
    let mut r = runner(3);
    (0..ROWS)
        .map(|i| {
            let mut v = gen::recording().new_tree(&mut r).unwrap().current();
            v["id"] = serde_json::json!(format!("rec-{i:06}"));
            serde_json::from_value(v).unwrap()
        })
        .collect()
}

fn load(conn: &Connection, recs: &[Recording], home: &str) {
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
            let home_only = [String::from("home")];
            for d in r.divisions.as_deref().unwrap_or(&home_only) {
                div.execute(rusqlite::params![r.id, d]).unwrap();
            }
        }
    }
    tx.commit().unwrap();
}

fn sql_ids(conn: &Connection, sql: &str, params: &[Param]) -> BTreeSet<String> {
    let values: Vec<rusqlite::types::Value> = params
        .iter()
        .map(|p| match p {
            Param::Text(s) => rusqlite::types::Value::Text(s.clone()),
            Param::Int(n) => rusqlite::types::Value::Integer(*n),
        })
        .collect();
    let mut stmt = conn.prepare(sql).unwrap();
    let rows = stmt
        .query_map(params_from_iter(values), |row| row.get::<_, String>(0))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn sqlite_plans_return_exactly_the_allowed_recordings() {
    let recs = recordings();
    let conn = Connection::open_in_memory().unwrap();
    let home = "us-east-1";
    load(&conn, &recs, home);
    let now = Timestamp::parse(gen::NOW).unwrap();
    let mut r = runner(9);
    let mut compared = 0usize;
    let mut allowed_total = 0usize;
    for _ in 0..2 {
        let doc = gen::policy().new_tree(&mut r).unwrap().current();
        let policy = Policy::from_json(&doc.to_string()).unwrap();
        assert_eq!(policy.doc().settings.home_region, home);
        for user in gen::USERS {
            let subject = policy.subject(user, None, now);
            for perm in PERMISSIONS {
                let plan = policy.plan(user, perm, now).unwrap();
                let q = select_ids(&plan.filter, Dialect::Sqlite);
                let got = sql_ids(&conn, &q.sql, &q.params);
                let want: BTreeSet<String> = recs
                    .iter()
                    .filter(|rec| {
                        subject
                            .decide(perm, &Resource::Recording((*rec).clone()), now)
                            .allow
                    })
                    .map(|rec| rec.id.clone())
                    .collect();
                compared += recs.len();
                allowed_total += want.len();
                if got != want {
                    let extra: Vec<_> = got.difference(&want).take(3).collect();
                    let missing: Vec<_> = want.difference(&got).take(3).collect();
                    panic!("{user} {perm}: SQL returned {} rows, decisions allow {}; extra {extra:?}, missing {missing:?}\n{}", got.len(), want.len(), q.sql);
                }
            }
        }
    }
    assert!(
        allowed_total > 10_000,
        "the generated data must allow a fair share ({allowed_total})"
    );
    println!("compared {compared} row decisions; {allowed_total} allowed");
}
