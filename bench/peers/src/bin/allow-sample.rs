//! `allow-sample ORG_DIR OUT_DIR [N]`: a second sample of N requests (default
//! 2,000) on the same org with plenty of allows (see `samples.rs`). Writes
//! `OUT_DIR/policy.json` (a copy), `OUT_DIR/recordings.json` (a copy, so that
//! OUT_DIR is a complete org directory for every harness) and
//! `OUT_DIR/requests.jsonl` in `recgate-org`'s format, with recgate's decisions.

use std::io::Write;
use std::path::PathBuf;

use serde_json::json;

fn main() {
    if let Err(e) = run() {
        eprintln!("allow-sample: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: allow-sample ORG_DIR OUT_DIR [N]";
    let dir = PathBuf::from(args.next().ok_or(usage)?);
    let out = PathBuf::from(args.next().ok_or(usage)?);
    let n: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(2000);
    let text = std::fs::read_to_string(dir.join("policy.json"))?;
    let policy = recgate_core::Policy::from_json(&text).map_err(|e| format!("{e:?}"))?;
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("policy.json"), &text)?;
    std::fs::copy(dir.join("recordings.json"), out.join("recordings.json"))?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(out.join("requests.jsonl"))?);
    let reqs = recgate_peers::samples::allow_rich(policy.doc(), n, 77);
    let mut allows = 0usize;
    for req in &reqs {
        let d = policy.decide_json(&req.to_string());
        allows += usize::from(d.allow);
        writeln!(
            w,
            "{}",
            json!({ "request": req, "allow": d.allow, "reason": d.reason })
        )?;
    }
    w.flush()?;
    eprintln!(
        "allow-sample: {} requests, {allows} allows, in {}",
        reqs.len(),
        out.display()
    );
    Ok(())
}
