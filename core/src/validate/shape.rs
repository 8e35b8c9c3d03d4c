//! The shape of values (SPEC §1): an object with only the keys its place
//! allows, each once; strings, ids, booleans, whole numbers and lists of ids
//! where the document requires them. Every mismatch is reported at its JSON
//! pointer and reading goes on, so that one document lists all its problems.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Members, Validator};
use crate::compile::HashSet;
use crate::error::ValidationError;
use crate::json::{Json, Pointer};

impl Validator {
    pub(super) fn err(&mut self, path: &Pointer, message: impl Into<String>) {
        self.errors.push(ValidationError {
            path: path.as_str().into(),
            message: message.into(),
        });
    }

    /// Checks that `v` is an object with only `allowed` keys, each once.
    pub(super) fn object<'a>(
        &mut self,
        v: &'a Json,
        path: &Pointer,
        allowed: &[&str],
    ) -> Option<Members<'a>> {
        let Json::Obj(members) = v else {
            self.err(path, format!("expected an object, found {}", v.kind()));
            return None;
        };
        let mut seen: HashSet<&str> = HashSet::default();
        for (k, _) in members {
            if !seen.insert(k.as_str()) {
                self.err(&path.key(k), format!("duplicate key \"{k}\""));
            } else if !allowed.is_empty() && !allowed.contains(&k.as_str()) {
                self.err(
                    &path.key(k),
                    format!(
                        "unknown field \"{k}\" (expected one of: {})",
                        allowed.join(", ")
                    ),
                );
            }
        }
        Some(members)
    }

    /// A map object (any keys, each once), entries in document order.
    pub(super) fn map<'a>(&mut self, v: Option<&'a Json>, path: &Pointer) -> Members<'a> {
        match v {
            None => &[],
            Some(v) => self.object(v, path, &[]).unwrap_or(&[]),
        }
    }

    pub(super) fn string(&mut self, v: &Json, path: &Pointer) -> Option<String> {
        match v {
            Json::Str(s) => Some(s.clone()),
            other => {
                self.err(path, format!("expected a string, found {}", other.kind()));
                None
            }
        }
    }

    pub(super) fn id(&mut self, v: &Json, path: &Pointer) -> Option<String> {
        let s = self.string(v, path)?;
        self.check_id(&s, path);
        Some(s)
    }

    pub(super) fn check_id(&mut self, s: &str, path: &Pointer) {
        if s.is_empty() {
            self.err(path, "an id must not be empty");
        } else if s.len() > 256 {
            self.err(path, "an id must be at most 256 bytes");
        } else if s.chars().any(char::is_control) {
            self.err(path, "an id must not contain control characters");
        }
    }

    pub(super) fn boolean(&mut self, v: Option<&Json>, path: &Pointer, default: bool) -> bool {
        match v {
            None => default,
            Some(Json::Bool(b)) => *b,
            Some(other) => {
                self.err(
                    path,
                    format!("expected true or false, found {}", other.kind()),
                );
                default
            }
        }
    }

    pub(super) fn count(&mut self, v: &Json, path: &Pointer, max: i64) -> Option<i64> {
        match v {
            Json::Int(n) if (0..=max).contains(n) => Some(*n),
            Json::Int(_) => {
                self.err(path, format!("expected a whole number from 0 to {max}"));
                None
            }
            other => {
                self.err(
                    path,
                    format!("expected a whole number, found {}", other.kind()),
                );
                None
            }
        }
    }

    pub(super) fn id_list(&mut self, v: Option<&Json>, path: &Pointer) -> Vec<String> {
        let Some(v) = v else { return Vec::new() };
        let Json::Arr(items) = v else {
            self.err(
                path,
                format!("expected an array of ids, found {}", v.kind()),
            );
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if let Some(s) = self.id(item, &path.index(i)) {
                if out.contains(&s) {
                    self.err(&path.index(i), format!("\"{s}\" is listed twice"));
                } else {
                    out.push(s);
                }
            }
        }
        out
    }

    pub(super) fn opt_text(&mut self, v: Option<&Json>, path: &Pointer) -> Option<String> {
        v.and_then(|v| self.string(v, path))
    }

    pub(super) fn non_empty(&mut self, list: &[String], p: &Pointer) {
        if list.is_empty() {
            self.err(
                p,
                "an empty list can never match: remove the condition or name what it allows",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `check` on `json` and returns every problem as `path: message`.
    fn problems(json: &str, check: impl FnOnce(&mut Validator, &Json)) -> Vec<String> {
        let value = Json::parse(json).unwrap();
        let mut v = Validator { errors: Vec::new() };
        check(&mut v, &value);
        v.errors
            .into_iter()
            .map(|e| format!("{}: {}", e.path, e.message))
            .collect()
    }

    #[test]
    fn objects_allow_only_their_keys_each_once() {
        let root = Pointer::root();
        let got = problems(r#"{"a":1,"b":2,"a":3}"#, |v, j| {
            v.object(j, &root.key("x"), &["a"]);
        });
        assert_eq!(
            got,
            [
                "/x/b: unknown field \"b\" (expected one of: a)",
                "/x/a: duplicate key \"a\""
            ]
        );
        // A map (no allowed list) takes any key, still each once.
        assert!(problems(r#"{"k":1,"l":2}"#, |v, j| assert_eq!(
            v.map(Some(j), &root).len(),
            2
        ))
        .is_empty());
        assert_eq!(
            problems("[1]", |v, j| assert!(v.object(j, &root, &[]).is_none())),
            [": expected an object, found an array"]
        );
    }

    #[test]
    fn ids_are_printable_and_short() {
        let root = Pointer::root();
        let long = format!("\"{}\"", "x".repeat(257));
        for (json, want) in [
            (r#""""#, ": an id must not be empty"),
            (long.as_str(), ": an id must be at most 256 bytes"),
            (
                "\"a\\u0007b\"",
                ": an id must not contain control characters",
            ),
            ("7", ": expected a string, found a number"),
        ] {
            assert_eq!(
                problems(json, |v, j| {
                    v.id(j, &root);
                }),
                [want],
                "{json}"
            );
        }
        assert!(problems(r#""support-us""#, |v, j| assert_eq!(
            v.id(j, &root).as_deref(),
            Some("support-us")
        ))
        .is_empty());
    }

    #[test]
    fn lists_of_ids_refuse_repeats_and_other_values() {
        let p = Pointer::root().key("members");
        let got = problems(r#"["a","b","a",1]"#, |v, j| {
            assert_eq!(v.id_list(Some(j), &p), ["a", "b"]);
        });
        assert_eq!(
            got,
            [
                "/members/2: \"a\" is listed twice",
                "/members/3: expected a string, found a number"
            ]
        );
        assert_eq!(
            problems(r#""a""#, |v, j| assert!(v.id_list(Some(j), &p).is_empty())),
            ["/members: expected an array of ids, found a string"]
        );
        assert_eq!(
            problems("[]", |v, _| v.non_empty(&[], &p)),
            ["/members: an empty list can never match: remove the condition or name what it allows"]
        );
    }

    #[test]
    fn booleans_and_counts_keep_their_default_when_wrong() {
        let p = Pointer::root().key("n");
        assert_eq!(
            problems(r#""yes""#, |v, j| assert!(v.boolean(Some(j), &p, true))),
            ["/n: expected true or false, found a string"]
        );
        assert!(problems("null", |v, _| assert!(!v.boolean(None, &p, false))).is_empty());
        assert_eq!(
            problems("400", |v, j| assert_eq!(v.count(j, &p, 365), None)),
            ["/n: expected a whole number from 0 to 365"]
        );
        assert_eq!(
            problems("1.5", |v, j| assert_eq!(v.count(j, &p, 365), None)),
            ["/n: expected a whole number, found a number"]
        );
        assert!(problems("30", |v, j| assert_eq!(v.count(j, &p, 365), Some(30))).is_empty());
    }
}
