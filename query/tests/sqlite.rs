//! Plans rendered as SQLite SQL return exactly the recordings the core allows:
//! 100,000 generated recordings in a real SQLite database (rusqlite, bundled),
//! generated policies, every principal, the access permissions and two others.
#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test or benchmark harness: a panic is a failed run"
)]

mod common;

use std::collections::BTreeSet;

use proptest::strategy::{Strategy, ValueTree};
use recgate_core::{Policy, Resource, Timestamp};
use recgate_query::{select_ids, Dialect, Param};
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

fn sql_ids(conn: &Connection, sql: &str, params: &[Param]) -> BTreeSet<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let rows = stmt
        .query_map(params_from_iter(common::sqlite_values(params)), |row| {
            row.get::<_, String>(0)
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn sqlite_plans_return_exactly_the_allowed_recordings() {
    let recs = common::generated_recordings(ROWS, 3);
    let conn = Connection::open_in_memory().unwrap();
    let home = "us-east-1";
    common::load_sqlite(&conn, &recs, home);
    let now = Timestamp::parse(gen::NOW).unwrap();
    let mut r = common::runner(9);
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
