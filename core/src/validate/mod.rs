//! Validation (SPEC §1): a JSON document becomes a [`PolicyDoc`] or a list of
//! every problem in it. Unknown and duplicate keys, wrong types, dangling
//! references, unknown permissions and cycles are all reported with a JSON
//! pointer, so a typo can never silently widen or narrow access.
//!
//! Three jobs, three modules: [`shape`] checks a value is what its place
//! requires (an object with known keys, a string, an id, a list of ids);
//! [`sections`] reads each section of the document into the model with its
//! defaults; [`graph`] checks what the sections say about each other
//! (references, role inheritance, prerequisite cycles).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{PolicyError, ValidationError};
use crate::json::Json;
use crate::model::PolicyDoc;

mod graph;
mod sections;
mod shape;

/// Limits on what a policy document may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted document, bytes (default 16 MiB).
    pub max_bytes: usize,
    /// Longest role inheritance chain (default 32).
    pub max_inheritance_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 16 * 1024 * 1024,
            max_inheritance_depth: 32,
        }
    }
}

/// Parses and validates a policy document.
pub fn parse_policy(text: &str, limits: &Limits) -> Result<PolicyDoc, PolicyError> {
    if text.len() > limits.max_bytes {
        return Err(one(
            "",
            format!(
                "document is {} bytes, over the limit of {} bytes",
                text.len(),
                limits.max_bytes
            ),
        ));
    }
    let json = Json::parse(text).map_err(|e| one("", format!("not valid JSON: {e}")))?;
    validate_json(&json, limits)
}

/// Validates an already parsed document.
pub fn validate_json(json: &Json, limits: &Limits) -> Result<PolicyDoc, PolicyError> {
    let mut v = Validator { errors: Vec::new() };
    let doc = v.document(json, limits);
    match doc {
        Some(doc) if v.errors.is_empty() => Ok(doc),
        _ => Err(PolicyError { errors: v.errors }),
    }
}

fn one(path: &str, message: String) -> PolicyError {
    PolicyError {
        errors: alloc::vec![ValidationError {
            path: path.into(),
            message
        }],
    }
}

/// Collects every problem while the document is read.
struct Validator {
    errors: Vec<ValidationError>,
}

type Members<'a> = &'a [(String, Json)];

fn get<'a>(m: Members<'a>, key: &str) -> Option<&'a Json> {
    m.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON pointers of every problem of `text`.
    pub(super) fn paths(text: &str) -> Vec<String> {
        match parse_policy(text, &Limits::default()) {
            Ok(_) => Vec::new(),
            Err(e) => e.errors.into_iter().map(|e| e.path).collect(),
        }
    }

    #[test]
    fn a_document_over_the_limit_or_not_json_is_one_problem_of_the_whole() {
        let small = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        let e = parse_policy(r#"{"schema":"recgate/v1","revision":"r"}"#, &small).unwrap_err();
        assert_eq!(e.errors.len(), 1);
        assert_eq!(e.errors[0].path, "");
        assert!(e.errors[0].message.contains("over the limit of 10 bytes"));
        let e = parse_policy("{ \"schema\": ", &Limits::default()).unwrap_err();
        assert!(e.errors[0].message.starts_with("not valid JSON"));
    }

    #[test]
    fn every_problem_is_reported_at_once_in_document_order() {
        let got = paths(
            r#"{"schema":"recgate/v2","revision":"","bogus":1,
                "roles":{"r":{"grants":[{"permission":"recording:x:view"}]}},
                "users":{"u":{"roles":[{"role":"nope"}]}}}"#,
        );
        assert_eq!(
            got,
            [
                "/bogus",
                "/schema",
                "/revision",
                "/roles/r/grants/0/permission",
                "/users/u/roles/0/role"
            ]
        );
        assert!(paths(r#"{"schema":"recgate/v1","revision":"r"}"#).is_empty());
    }
}
