//! The core benchmark: load time, median decision time (flat as roles grow),
//! filtering 100,000 recordings for one principal, and memory of the compiled
//! policy, on generated organisations. Prints a markdown table.
//! Run: `cargo bench -p recgate-tests --bench core`.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test or benchmark harness: a panic is a failed run"
)]

use std::hint::black_box;
use std::time::Instant;

use recgate_core::{Policy, Recording, Request, Resource, Timestamp};
use recgate_tests::org::{org, recordings, sample_requests, user_id, OrgSize};

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn requests(size: OrgSize, n: usize) -> Vec<Request> {
    sample_requests(size, n)
        .iter()
        .map(|r| Request::from_json(&r.to_string()).unwrap())
        .collect()
}

/// Loads one org in this process and prints the RSS it added: run in a fresh
/// child process per size so earlier allocations do not hide the figure.
fn memory_child(roles: usize) {
    let size = OrgSize {
        roles,
        ..OrgSize::reference()
    };
    let before = rss_kib("VmRSS:");
    let text = org(size, 42).to_string();
    let policy = Policy::from_json(&text).expect("valid org");
    drop(text);
    let after = rss_kib("VmRSS:");
    black_box(&policy);
    println!("{}", after.saturating_sub(before));
}

fn memory_of(roles: usize) -> f64 {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .arg("--memory-child")
        .arg(roles.to_string())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse::<f64>()
        .unwrap_or(0.0)
        / 1024.0
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    if let Some(i) = argv.iter().position(|a| a == "--memory-child") {
        memory_child(argv[i + 1].parse().unwrap());
        return;
    }
    if std::env::var("RECGATE_PROFILE_LOAD").is_ok() {
        let text = org(OrgSize::reference(), 42).to_string();
        let t = Instant::now();
        while t.elapsed().as_secs() < 8 {
            black_box(Policy::from_json(&text).unwrap());
        }
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 3 } else { 7 };
    println!("| org | load (parse+validate+compile) | ns / decision, hot (1k requests cycled) | ns / decision, cold (20k distinct requests) | filter 100k recordings, one principal | compiled policy RSS |");
    println!("|---|---|---|---|---|---|");
    for roles in [10usize, 500, 5000] {
        let size = OrgSize {
            roles,
            ..OrgSize::reference()
        };
        let text = org(size, 42).to_string();
        let mut loads = Vec::new();
        let mut policy = None;
        for _ in 0..rounds.min(5) {
            let t = Instant::now();
            let p = Policy::from_json(&text).expect("valid org");
            loads.push(t.elapsed().as_secs_f64() * 1e3);
            policy = Some(p);
        }
        let policy = policy.unwrap();
        let reqs = requests(size, 20_000);
        if std::env::var("RECGATE_PROFILE_DECIDE").is_ok() {
            let t = Instant::now();
            while t.elapsed().as_secs() < 6 {
                for r in &reqs {
                    black_box(policy.decide(black_box(r)));
                }
            }
            return;
        }
        let mut per = Vec::new();
        for _ in 0..rounds {
            let t = Instant::now();
            let mut allowed = 0usize;
            for r in &reqs {
                allowed += usize::from(black_box(policy.decide(black_box(r))).allow);
            }
            black_box(allowed);
            per.push(t.elapsed().as_secs_f64() * 1e9 / reqs.len() as f64);
        }
        // Hot: 1,000 distinct requests cycled, the way a server decides what it just parsed.
        let hot = &reqs[..1000];
        let mut per_hot = Vec::new();
        for _ in 0..rounds {
            let t = Instant::now();
            let mut allowed = 0usize;
            for _ in 0..20 {
                for r in hot {
                    allowed += usize::from(black_box(policy.decide(black_box(r))).allow);
                }
            }
            black_box(allowed);
            per_hot.push(t.elapsed().as_secs_f64() * 1e9 / (20 * hot.len()) as f64);
        }
        let recs: Vec<Recording> = recordings(size, 100_000, 3)
            .into_iter()
            .map(|v| serde_json::from_value(v).unwrap())
            .collect();
        let now = Timestamp::parse("2026-11-22T12:00:00Z").unwrap();
        let mut filters = Vec::new();
        let mut visible = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let subject = policy.subject(&user_id(17), None, now);
            visible = recs
                .iter()
                .filter(|r| subject.visibility(r, now) != recgate_core::RecordingVisibility::Hidden)
                .count();
            filters.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let _ = Resource::Recording(Recording::default());
        println!(
            "| 10k users, {roles} roles, 200 groups, 300 queues, 20 divisions | {:.1} ms | {:.0} ns | {:.0} ns | {:.2} ms ({visible} visible) | {:.1} MiB |",
            median(loads),
            median(per_hot),
            median(per),
            median(filters),
            memory_of(roles)
        );
    }
}
