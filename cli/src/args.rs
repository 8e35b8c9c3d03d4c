//! A small argument parser: positionals, `--flag` switches and `--key value`
//! options, with every unknown option refused by name.

use crate::out::outln;
use std::process::ExitCode;

use recgate_core::{Policy, PolicyError, Timestamp};

pub struct Args {
    pub positional: Vec<String>,
    options: Vec<(String, Option<String>)>,
}

impl Args {
    /// Parses `argv` given which options take a value and which are switches.
    pub fn parse(argv: &[String], valued: &[&str], switches: &[&str]) -> Result<Args, String> {
        let mut positional = Vec::new();
        let mut options = Vec::new();
        let mut it = argv.iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (name, None),
                };
                if valued.contains(&name) {
                    let v = match inline {
                        Some(v) => v,
                        None => it
                            .next()
                            .cloned()
                            .ok_or_else(|| format!("--{name} needs a value"))?,
                    };
                    options.push((name.to_string(), Some(v)));
                } else if switches.contains(&name) {
                    options.push((name.to_string(), None));
                } else {
                    return Err(format!("unknown option --{name}"));
                }
            } else {
                positional.push(a.clone());
            }
        }
        Ok(Args {
            positional,
            options,
        })
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Every value of a repeatable option, in order.
    pub fn values(&self, name: &str) -> Vec<&str> {
        self.options
            .iter()
            .filter(|(n, _)| n == name)
            .filter_map(|(_, v)| v.as_deref())
            .collect()
    }

    pub fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }

    pub fn required(&self, name: &str) -> Result<&str, String> {
        self.value(name)
            .ok_or_else(|| format!("--{name} is required"))
    }

    /// `--format`: `text` (default) or `json`.
    pub fn json(&self) -> Result<bool, String> {
        match self.value("format") {
            None | Some("text") => Ok(false),
            Some("json") => Ok(true),
            Some(other) => Err(format!(
                "unknown format \"{other}\" (expected text or json)"
            )),
        }
    }

    /// The single positional argument.
    pub fn one(&self, what: &str) -> Result<&str, String> {
        match self.positional.as_slice() {
            [one] => Ok(one),
            [] => Err(format!("missing {what}")),
            _ => Err(format!(
                "expected one {what}, got {}",
                self.positional.len()
            )),
        }
    }
}

pub fn read(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok(s);
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

/// Loads a policy; an invalid one is reported on stderr, every problem on its own line.
pub fn load_policy(path: &str) -> Result<Result<Policy, PolicyError>, String> {
    let text = read(path)?;
    Ok(Policy::from_json(&text))
}

pub fn print_policy_errors(path: &str, e: &PolicyError) {
    eprintln!("{path}: invalid policy, {} problem(s):", e.errors.len());
    for err in &e.errors {
        eprintln!("{err}");
    }
}

/// A fresh 128-bit decision id from the operating system's random source.
pub fn decision_id() -> Option<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).ok()?;
    Some(recgate_core::decision::decision_id(bytes))
}

/// Loads a policy for a command: the policy, or the exit code after every
/// problem was reported (as JSON too with `json`).
pub fn policy_or_exit(path: &str, json: bool) -> Result<Result<Policy, ExitCode>, String> {
    Ok(match load_policy(path)? {
        Ok(p) => Ok(p),
        Err(e) => {
            if json {
                outln!(
                    "{}",
                    serde_json::json!({ "valid": false, "errors": e.errors.iter().map(|x| serde_json::json!({"path": x.path, "message": x.message})).collect::<Vec<_>>() })
                );
            }
            print_policy_errors(path, &e);
            Err(ExitCode::from(1))
        }
    })
}

/// What a line-by-line command (`eval`, `bulk`: `--policy POLICY
/// [--requests FILE.jsonl]`) reads: the policy, and its input lines (stdin
/// by default) — or the exit code after an invalid policy was reported.
pub type PolicyAndLines = Result<(Policy, Box<dyn std::io::BufRead>), ExitCode>;

/// Parses a line-by-line command's arguments and opens its input.
pub fn policy_and_lines(argv: &[String]) -> Result<PolicyAndLines, String> {
    let args = Args::parse(argv, &["policy", "requests"], &[])?;
    if !args.positional.is_empty() {
        return Err(format!(
            "unexpected argument \"{}\"",
            args.positional.join(" ")
        ));
    }
    let policy = match policy_or_exit(args.required("policy")?, false)? {
        Ok(p) => p,
        Err(code) => return Ok(Err(code)),
    };
    let input: Box<dyn std::io::BufRead> = match args.value("requests") {
        None | Some("-") => Box::new(std::io::stdin().lock()),
        Some(f) => Box::new(std::io::BufReader::new(
            std::fs::File::open(f).map_err(|e| format!("cannot read {f}: {e}"))?,
        )),
    };
    Ok(Ok((policy, input)))
}

/// `--now T` (RFC 3339), or the system clock: the core has none of its own.
pub fn now(args: &Args) -> Result<Timestamp, String> {
    match args.value("now") {
        Some(t) => {
            Timestamp::parse(t).ok_or_else(|| format!("--now \"{t}\" is not an RFC 3339 time"))
        }
        None => Ok(Timestamp(
            i64::try_from(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_err(|e| e.to_string())?
                    .as_millis(),
            )
            .unwrap_or(i64::MAX),
        )),
    }
}

/// Writes a scope the way a policy spells it: `all`, `{"group":"g"}`.
pub fn scope_text(scope: &recgate_core::model::Scope) -> String {
    let mut out = String::new();
    recgate_core::model::write_scope(&mut out, scope);
    out.trim_matches('"').to_string()
}
