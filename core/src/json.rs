//! A JSON tree that keeps what `serde_json::Value` throws away: the order of
//! object members and every duplicate key. Policy validation walks this tree so
//! that a repeated key (`"scope"` twice, the second one silently winning) is
//! reported instead of quietly widening or narrowing access.

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// One JSON value. Objects keep their members in document order, duplicates included.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number that fits an `i64`.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, members in document order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// Parses a document. `serde_json`'s own recursion limit (128) bounds the depth.
    pub fn parse(text: &str) -> Result<Json, String> {
        serde_json::from_str(text).map_err(|e| alloc::format!("{e}"))
    }

    /// The value of an object's member `key`: its last one, as a
    /// `serde_json::Value` would keep it (`None` for a non-object).
    pub fn member(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// [`Json::member`], to change.
    pub fn member_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Obj(members) => members
                .iter_mut()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Takes every member `key` out of an object and returns the last value.
    pub fn take_member(&mut self, key: &str) -> Option<Json> {
        let Json::Obj(members) = self else {
            return None;
        };
        let mut taken = None;
        members.retain_mut(|(k, v)| {
            let keep = k != key;
            if !keep {
                taken = Some(core::mem::replace(v, Json::Null));
            }
            keep
        });
        taken
    }

    /// The JSON type name, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Int(_) | Json::Float(_) => "a number",
            Json::Str(_) => "a string",
            Json::Arr(_) => "an array",
            Json::Obj(_) => "an object",
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(i64::try_from(v).map_or(Json::Float(v as f64), Json::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(Json::Arr(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            out.push((k, v));
        }
        Ok(Json::Obj(out))
    }
}

/// Appends `s` to `out` as a JSON string literal (quotes included).
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = fmt::Write::write_fmt(out, format_args!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JSON pointer (RFC 6901) under construction.
#[derive(Debug, Clone, Default)]
pub struct Pointer(String);

impl Pointer {
    /// The document root, `""`.
    pub fn root() -> Pointer {
        Pointer(String::new())
    }
    /// This pointer with one more reference token.
    pub fn key(&self, token: &str) -> Pointer {
        let mut s = self.0.clone();
        s.push('/');
        for c in token.chars() {
            match c {
                '~' => s.push_str("~0"),
                '/' => s.push_str("~1"),
                c => s.push(c),
            }
        }
        Pointer(s)
    }
    /// This pointer with an array index appended.
    pub fn index(&self, i: usize) -> Pointer {
        self.key(&alloc::format!("{i}"))
    }
    /// The pointer text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Json;

    #[test]
    fn members_are_found_last_first_and_taken_with_their_duplicates() {
        let mut doc = Json::parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(doc.member("a"), Some(&Json::Int(3)));
        assert_eq!(doc.member("c"), None);
        if let Some(b) = doc.member_mut("b") {
            *b = Json::Null;
        }
        assert_eq!(doc.take_member("a"), Some(Json::Int(3)));
        assert_eq!(
            doc,
            Json::Obj(alloc::vec![(alloc::string::String::from("b"), Json::Null)])
        );
        assert_eq!(doc.take_member("a"), None);
        let mut list = Json::parse("[1]").unwrap();
        assert_eq!(list.member("a"), None);
        assert_eq!(list.member_mut("a"), None);
        assert_eq!(list.take_member("a"), None);
    }
}
