//! Reading an org directory written by `recgate-org`: the policy (validated
//! and compiled by recgate itself, so the translation reads the document with
//! every default applied), the recordings and the sample requests with
//! recgate's own decisions.

use std::path::Path;

use recgate_core::{Policy, Recording, Request};

/// One line of `requests.jsonl`.
pub struct Sample {
    pub request: Request,
    /// The request's JSON as written, for engines that take JSON.
    pub json: serde_json::Value,
    pub allow: bool,
    pub reason: String,
}

/// An org directory, loaded.
pub struct OrgDir {
    pub policy_text: String,
    pub policy: Policy,
    pub samples: Vec<Sample>,
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads `policy.json` and, when present, `requests.jsonl` of `dir`.
pub fn load(dir: &Path) -> Result<OrgDir, String> {
    let policy_text = read(&dir.join("policy.json"))?;
    let policy = Policy::from_json(&policy_text).map_err(|e| format!("policy.json: {e:?}"))?;
    // An org directory may hold just a policy (the Node harness's conformance vectors).
    let requests = dir.join("requests.jsonl");
    let samples = if requests.exists() {
        parse_samples(&read(&requests)?)?
    } else {
        Vec::new()
    };
    Ok(OrgDir {
        policy_text,
        policy,
        samples,
    })
}

/// Parses `requests.jsonl` lines (`{"request", "allow", "reason"}`).
pub fn parse_samples(text: &str) -> Result<Vec<Sample>, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("requests.jsonl:{}: {e}", i + 1))?;
            let json = v["request"].clone();
            let request = Request::from_json(&json.to_string())
                .map_err(|e| format!("requests.jsonl:{}: {e:?}", i + 1))?;
            Ok(Sample {
                request,
                json,
                allow: v["allow"].as_bool().unwrap_or(false),
                reason: v["reason"].as_str().unwrap_or("").to_string(),
            })
        })
        .collect()
}

/// Reads `recordings.json` of `dir`.
pub fn recordings(dir: &Path) -> Result<Vec<Recording>, String> {
    let text = read(&dir.join("recordings.json"))?;
    let values: Vec<serde_json::Value> =
        serde_json::from_str(&text).map_err(|e| format!("recordings.json: {e}"))?;
    values
        .into_iter()
        .map(|v| serde_json::from_value(v).map_err(|e| format!("recordings.json: {e}")))
        .collect()
}
