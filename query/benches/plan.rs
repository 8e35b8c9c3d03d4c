//! Query-plan benchmark: plan build time, and listing what one principal may
//! see with the plan's SQL vs fetching every row and deciding each, on SQLite
//! with 100,000 and 1,000,000 recordings of the generated reference org.
//! Run: `cargo bench -p recgate-query --bench plan` (`-- --quick`: 100k only).
#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test or benchmark harness: a panic is a failed run"
)]

use std::time::Instant;

use recgate_core::{Policy, Recording, RecordingVisibility, Timestamp};
#[path = "../tests/common/mod.rs"]
mod common;

use recgate_query::{select_ids, Dialect};
use recgate_tests::org::{org, recordings, user_id, OrgSize};
use rusqlite::{params_from_iter, Connection};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let size = OrgSize::reference();
    let policy = Policy::from_json(&org(size, 42).to_string()).unwrap();
    let now = Timestamp::parse("2026-11-22T12:00:00Z").unwrap();
    let perm = "recording:recording:view";
    println!("| principal | rows | plan build | SQL with the plan (rows returned) | fetch all + decide each | speed-up |");
    println!("|---|---|---|---|---|---|");
    let sizes: &[usize] = if quick {
        &[100_000]
    } else {
        &[100_000, 1_000_000]
    };
    for &n in sizes {
        for principal in [user_id(1), user_id(17)] {
            let builds: Vec<f64> = (0..50)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(policy.plan(&principal, perm, now).unwrap());
                    t.elapsed().as_secs_f64() * 1e6
                })
                .collect();
            let recs: Vec<Recording> = recordings(size, n, 3)
                .into_iter()
                .map(|v| serde_json::from_value(v).unwrap())
                .collect();
            let conn = Connection::open_in_memory().unwrap();
            common::load_sqlite(&conn, &recs, "us-east-1");
            let plan = policy.plan(&principal, perm, now).unwrap();
            let q = select_ids(&plan.filter, Dialect::Sqlite);
            let values = common::sqlite_values(&q.params);
            let mut sql_times = Vec::new();
            let mut returned = 0;
            for _ in 0..5 {
                let t = Instant::now();
                let mut stmt = conn.prepare(&q.sql).unwrap();
                returned = stmt
                    .query_map(params_from_iter(values.clone()), |row| {
                        row.get::<_, String>(0)
                    })
                    .unwrap()
                    .count();
                sql_times.push(t.elapsed().as_secs_f64() * 1e3);
            }
            let mut all_times = Vec::new();
            let mut kept = 0;
            for _ in 0..3 {
                let t = Instant::now();
                let mut stmt = conn.prepare("SELECT r.id, r.media, r.direction, r.owner, r.queue, r.region, r.line, r.created_at, r.retention_days, r.legal_hold, r.sensitive, r.live, (SELECT group_concat(division) FROM recording_divisions d WHERE d.recording_id = r.id), (SELECT group_concat(user_id) FROM recording_participants p WHERE p.recording_id = r.id) FROM recordings r").unwrap();
                let subject = policy.subject(&principal, None, now);
                kept = stmt
                .query_map([], |row| {
                    let media: Option<String> = row.get(1)?;
                    let v = serde_json::json!({ "id": row.get::<_, String>(0)?, "media": media, "owner": row.get::<_, Option<String>>(3)?, "queue": row.get::<_, Option<String>>(4)?,
                        "region": row.get::<_, String>(5)?, "createdAt": row.get::<_, Option<i64>>(7)?.map(|ms| Timestamp(ms).to_string()),
                        "divisions": row.get::<_, Option<String>>(12)?.map(|s| s.split(',').map(str::to_string).collect::<Vec<_>>()),
                        "participants": row.get::<_, Option<String>>(13)?.map(|s| s.split(',').map(str::to_string).collect::<Vec<_>>()).unwrap_or_default() });
                    Ok(v)
                })
                .unwrap()
                .filter_map(Result::ok)
                .filter(|v| {
                    let rec: Recording = serde_json::from_value(v.clone()).unwrap();
                    subject.decide(perm, &recgate_core::Resource::Recording(rec), now).allow
                })
                .count();
                all_times.push(t.elapsed().as_secs_f64() * 1e3);
            }
            let _ = RecordingVisibility::Hidden;
            assert_eq!(kept, returned, "the plan and the decisions disagree");
            println!(
            "| {principal} | {n} | {:.0} µs | {:.1} ms ({returned}) | {:.1} ms ({kept}) | {:.1}× |",
            median(builds.clone()),
            median(sql_times.clone()),
            median(all_times.clone()),
            median(all_times) / median(sql_times)
        );
        }
    }
}
