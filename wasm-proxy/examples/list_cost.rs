//! The host-free work of the filter's list path, natively, for instruction
//! counts under callgrind (load-independent, unlike Envoy CPU on a shared
//! machine): a conversation's cached facts read, and a JSON array of
//! `Recording` filtered for one principal — what `bench/edge`'s list
//! scenarios make the filter do per request, without Envoy. Data from
//! `node bench/edge/dump.mjs` (target/edge-data/). Callgrind's count for
//! `repeat` 2 minus the count for 1 is one page.
//!
//!   cargo run --release -p recgate-proxy --example list_cost -- 1000 [repeat]
//!   valgrind --tool=callgrind target/release/examples/list_cost 1000 1

use std::time::Instant;

use recgate_core::enforce::{ConversationFacts, Keep};
use recgate_core::{Policy, Timestamp};
use recgate_proxy::config::METADATA_FIELDS;
use recgate_proxy::judging::{Reader, Rewrite};

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let repeat: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let read =
        |p: &str| std::fs::read(p).map_err(|e| format!("{p}: {e} (run node bench/edge/dump.mjs)"));
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let policy = String::from_utf8(read(&format!("{root}/examples/acme.json"))?)
        .map_err(|e| e.to_string())?;
    let facts_text = String::from_utf8(read(&format!("{root}/target/edge-data/facts-{n}.json"))?)
        .map_err(|e| e.to_string())?;
    let body = read(&format!("{root}/target/edge-data/list-{n}.json"))?;
    let policy = Policy::from_json(&policy).map_err(|e| format!("{e:?}"))?;
    let now = Timestamp::parse("2026-12-01T12:00:00Z").ok_or("time")?;
    let fields: Vec<String> = METADATA_FIELDS.iter().map(|s| s.to_string()).collect();
    let none = |_: &str, _: &str| None;
    // What a request costs once the facts are parsed (the filter keeps them parsed per VM,
    // attributes.rs): every recording decided (the redact header), then the page filtered.
    let facts =
        std::rc::Rc::new(ConversationFacts::from_json(&facts_text).map_err(|e| e.message.clone())?);
    let started = Instant::now();
    let mut kept = 0;
    for _ in 0..repeat {
        let subject = policy.subject("qa-1", Some("qa-1"), now);
        let decided: std::rc::Rc<[Keep]> = facts
            .recordings
            .iter()
            .map(|r| subject.keep_recording(Some(&r.recording), false, now))
            .collect();
        let reader = Reader {
            subject: &subject,
            now,
            metadata_fields: &fields,
        };
        let plan = Rewrite::Recordings {
            facts: facts.clone(),
            download: false,
            decided: Some(decided),
        };
        let (out, tally) = reader
            .apply(&plan, &body, 64 << 20, &none)
            .map_err(|e| format!("{e:?}"))?;
        kept = tally.kept;
        std::hint::black_box(out);
    }
    let per = started.elapsed().as_secs_f64() * 1e6 / repeat as f64;
    let started = Instant::now();
    if std::env::var_os("LIST_COST_FACTS").is_some() {
        for _ in 0..repeat {
            std::hint::black_box(
                ConversationFacts::from_json(&facts_text).map_err(|e| e.message.clone())?,
            );
        }
    }
    let parse = started.elapsed().as_secs_f64() * 1e6 / repeat as f64;
    println!("{n} entities: {kept} kept; {per:.0} µs per page natively ({:.2} µs per entity); facts parse {parse:.0} µs (LIST_COST_FACTS=1)", per / n as f64);
    Ok(())
}
