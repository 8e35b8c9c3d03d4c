//! Plans rendered as PostgreSQL SQL return exactly the recordings the core
//! allows, on a real PostgreSQL server: `scripts/test-db.sh` starts a
//! throw-away cluster on 127.0.0.1 and runs this test with `--ignored` and
//! `RECGATE_PG_URL` set (it is ignored in a plain `cargo test`, which has no
//! server; without the variable it fails rather than pass vacuously).
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test or benchmark harness: a panic is a failed run"
)]

use std::collections::BTreeSet;

use postgres::types::ToSql;
use postgres::{Client, NoTls};
mod common;

use proptest::strategy::{Strategy, ValueTree};
use recgate_core::{Policy, Recording, Resource, Timestamp};
use recgate_query::{schema, select_ids, Dialect, Param};
use recgate_tests::gen;

const ROWS: usize = 100_000;
const PERMISSIONS: [&str; 4] = [
    "recording:recording:view",
    "recording:screenRecording:view",
    "recording:metadata:view",
    "recording:recording:download",
];

fn load(db: &mut Client, recs: &[Recording], home: &str) {
    db.batch_execute(
        "DROP TABLE IF EXISTS recording_divisions, recording_participants, recordings",
    )
    .unwrap();
    db.batch_execute(schema(Dialect::Postgres)).unwrap();
    let mut tx = db.transaction().unwrap();
    for chunk in recs.chunks(1000) {
        let mut sql = String::from("INSERT INTO recordings VALUES ");
        let mut values: Vec<Box<dyn ToSql + Sync>> = Vec::new();
        for (i, r) in chunk.iter().enumerate() {
            let b = i * 12;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${},${},${},${},${},${},${},${},${},${},${},${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9,
                b + 10,
                b + 11,
                b + 12
            ));
            values.push(Box::new(r.id.clone()));
            values.push(Box::new(r.media.map(|m| m.as_str().to_string())));
            values.push(Box::new(r.direction.map(|d| d.as_str().to_string())));
            values.push(Box::new(r.owner.clone()));
            values.push(Box::new(r.queue.clone()));
            values.push(Box::new(
                r.region.clone().unwrap_or_else(|| home.to_string()),
            ));
            values.push(Box::new(r.line.clone()));
            values.push(Box::new(r.created_at.map(|t| t.0)));
            values.push(Box::new(
                r.retention_days.map(|d| i32::try_from(d).unwrap()),
            ));
            values.push(Box::new(r.legal_hold));
            values.push(Box::new(r.sensitive));
            values.push(Box::new(r.live));
        }
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
        tx.execute(sql.as_str(), &refs).unwrap();
    }
    let mut links = |table: &str, rows: Vec<(String, String)>| {
        for chunk in rows.chunks(5000) {
            let mut sql = format!("INSERT INTO {table} VALUES ");
            let mut values: Vec<&(dyn ToSql + Sync)> = Vec::new();
            for (i, (a, b)) in chunk.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!("(${},${})", 2 * i + 1, 2 * i + 2));
                values.push(a);
                values.push(b);
            }
            tx.execute(sql.as_str(), &values).unwrap();
        }
    };
    links(
        "recording_participants",
        recs.iter()
            .flat_map(|r| r.participants.iter().map(|p| (r.id.clone(), p.clone())))
            .collect(),
    );
    let home_only = vec![String::from("home")];
    links(
        "recording_divisions",
        recs.iter()
            .flat_map(|r| {
                r.divisions
                    .clone()
                    .unwrap_or_else(|| home_only.clone())
                    .into_iter()
                    .map(|d| (r.id.clone(), d))
            })
            .collect(),
    );
    tx.commit().unwrap();
}

#[test]
#[ignore = "needs a PostgreSQL server: run by scripts/test-db.sh"]
fn postgres_plans_return_exactly_the_allowed_recordings() {
    let url = std::env::var("RECGATE_PG_URL")
        .expect("RECGATE_PG_URL: scripts/test-db.sh starts a server and sets it");
    let mut db = Client::connect(&url, NoTls).unwrap();
    let recs = common::generated_recordings(ROWS, 4);
    let home = "us-east-1";
    load(&mut db, &recs, home);
    let now = Timestamp::parse(gen::NOW).unwrap();
    let mut r = common::runner(10);
    let mut allowed_total = 0usize;
    for _ in 0..2 {
        let doc = gen::policy().new_tree(&mut r).unwrap().current();
        let policy = Policy::from_json(&doc.to_string()).unwrap();
        for user in gen::USERS {
            let subject = policy.subject(user, None, now);
            for perm in PERMISSIONS {
                let plan = policy.plan(user, perm, now).unwrap();
                let q = select_ids(&plan.filter, Dialect::Postgres);
                let values: Vec<Box<dyn ToSql + Sync>> = q
                    .params
                    .iter()
                    .map(|p| -> Box<dyn ToSql + Sync> {
                        match p {
                            Param::Text(s) => Box::new(s.clone()),
                            Param::Int(n) => Box::new(*n),
                        }
                    })
                    .collect();
                let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
                let got: BTreeSet<String> = db
                    .query(q.sql.as_str(), &refs)
                    .unwrap()
                    .iter()
                    .map(|row| row.get::<_, String>(0))
                    .collect();
                let want: BTreeSet<String> = recs
                    .iter()
                    .filter(|rec| {
                        subject
                            .decide(perm, &Resource::Recording((*rec).clone()), now)
                            .allow
                    })
                    .map(|rec| rec.id.clone())
                    .collect();
                allowed_total += want.len();
                assert_eq!(
                    got.len(),
                    want.len(),
                    "{user} {perm}: row counts differ\n{}",
                    q.sql
                );
                assert!(got == want, "{user} {perm}: different rows");
            }
        }
    }
    assert!(
        allowed_total > 10_000,
        "the generated data must allow a fair share ({allowed_total})"
    );
    println!(
        "postgres: {ROWS} rows, plans equal to decisions; {allowed_total} allowed rows compared"
    );
}
