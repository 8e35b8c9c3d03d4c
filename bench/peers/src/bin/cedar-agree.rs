//! `cedar-agree ORG_DIR...`: decides every line of each `ORG_DIR/requests.jsonl`
//! with Cedar (the translated org) and compares with recgate's own `allow`,
//! twice: against one entity store holding the whole org and every request's
//! recording, and against a per-request slice (what the Node harness passes).
//! Prints `agree N/N` per directory and store; any disagreement is a
//! translation bug, printed with recgate's reason and Cedar's policy errors.

use std::path::PathBuf;

use cedar_policy::Authorizer;
use recgate_peers::{entities, native, org_dir, policies, requests};

fn main() {
    let dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        eprintln!("usage: cedar-agree ORG_DIR...");
        std::process::exit(2);
    }
    let mut all_agree = true;
    for dir in &dirs {
        match check(dir) {
            Ok(agree) => all_agree &= agree,
            Err(e) => {
                eprintln!("cedar-agree: {}: {e}", dir.display());
                all_agree = false;
            }
        }
    }
    std::process::exit(if all_agree { 0 } else { 1 });
}

fn check(dir: &std::path::Path) -> Result<bool, Box<dyn std::error::Error>> {
    let org = org_dir::load(dir)?;
    let doc = org.policy.doc();
    let set = policies::policy_set(doc);
    let ents = entities::org_entities(doc);
    let reqs = org
        .samples
        .iter()
        .map(|s| requests::translate(&ents, &doc.settings.home_region, &s.request))
        .collect::<Result<Vec<_>, _>>()?;
    let policies = native::policy_set(&set.text)?;
    let whole = native::entities(&ents, reqs.iter().map(|r| &r.resource_entity))?;
    let authorizer = Authorizer::new();
    let allows = org.samples.iter().filter(|s| s.allow).count();
    let mut ok = true;
    for store in ["whole org", "per-request slice"] {
        let mut agree = 0usize;
        let mut shown = 0usize;
        for (s, r) in org.samples.iter().zip(&reqs) {
            let request = native::request(r)?;
            let (allow, errors) = if store == "whole org" {
                native::decide(&authorizer, &request, &policies, &whole)
            } else {
                let slice = native::slice_entities(&ents, r)?;
                native::decide(&authorizer, &request, &policies, &slice)
            };
            if allow == s.allow && errors.is_empty() {
                agree += 1;
            } else if shown < 10 {
                shown += 1;
                eprintln!(
                    "  disagree: recgate {} ({}), cedar {allow}, errors {errors:?}: {}",
                    s.allow, s.reason, s.json
                );
            }
        }
        println!(
            "{}: {} policies; {store}: agree {agree}/{} ({allows} allows)",
            dir.display(),
            set.count,
            org.samples.len()
        );
        ok &= agree == org.samples.len();
    }
    Ok(ok)
}
