//! `cedar-export ORG_DIR`: translates an org directory written by
//! `recgate-org` into Cedar, for engines that load Cedar from files (the Node
//! harness with `@cedar-policy/cedar-wasm`): `ORG_DIR/cedar/policies.cedar`,
//! `ORG_DIR/cedar/entities.json` (the org's entities; recordings travel with
//! each request) and `ORG_DIR/cedar/requests.jsonl` (one Cedar request per line
//! of `requests.jsonl`, same order; only when ORG_DIR has one). Formats: CEDAR.md.

use std::io::Write;
use std::path::PathBuf;

use recgate_peers::{entities, org_dir, policies, requests};

fn main() {
    if let Err(e) = run() {
        eprintln!("cedar-export: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: cedar-export ORG_DIR")?,
    );
    let org = org_dir::load(&dir)?;
    let doc = org.policy.doc();
    let set = policies::policy_set(doc);
    let ents = entities::org_entities(doc);
    let out = dir.join("cedar");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("policies.cedar"), &set.text)?;
    std::fs::write(
        out.join("entities.json"),
        serde_json::to_string(&ents.entities)?,
    )?;
    if !org.samples.is_empty() {
        let mut w = std::io::BufWriter::new(std::fs::File::create(out.join("requests.jsonl"))?);
        for s in &org.samples {
            let req = requests::translate(&ents, &doc.settings.home_region, &s.request)?;
            writeln!(w, "{}", req.to_line(Some(s.allow)))?;
        }
        w.flush()?;
    }
    eprintln!(
        "cedar-export: {} policies, {} entities, {} requests in {}",
        set.count,
        ents.entities.len(),
        org.samples.len(),
        out.display()
    );
    Ok(())
}
