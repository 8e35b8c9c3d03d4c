//! Typed values from JSON: `serde_json` parses the text into a [`Json`]
//! tree, and serde's derives and the core's visitors read the tree, with
//! [`JsonReadError`] for every error on the way.
//!
//! Why not `serde_json::from_str::<T>`: serde's default type-error
//! constructors format the unexpected value, one kind of which is a float,
//! and `serde_json::Error` keeps those defaults; serde_json's typed
//! `deserialize_*` methods build such errors themselves. Reached at all, they
//! link the float formatter into the browser package; with serde_json's
//! typed paths that was 13.6 KB of its 150 KB gzipped budget (BENCHMARKS.md,
//! issue #16). Parsing into a tree asks serde_json for `deserialize_any`
//! only, whose visitor takes every kind of value; [`JsonReadError`]'s
//! constructors name a float's kind without printing it.
//!
//! A tree holds every string, so a lone surrogate escape anywhere in the
//! text refuses it, even in a member recgate would skip (docs/policy.md).
//! An error says where it is as a JSON pointer (`/resource/divisions/1: …`),
//! as policy errors do (SPEC §1); a syntax error keeps serde_json's line
//! and column.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, Expected, MapAccess, SeqAccess,
    Unexpected, Visitor,
};

use crate::json::{Json, Pointer};

/// Why a JSON text or tree could not be read as the type asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonReadError {
    message: String,
    /// Where, innermost member first (errors gain their path on the way out).
    path: Vec<String>,
}

impl JsonReadError {
    /// What is wrong, as serde words it, without where.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the error is, as a JSON pointer (`""`: the whole document).
    pub fn pointer(&self) -> Pointer {
        self.path
            .iter()
            .rev()
            .fold(Pointer::root(), |p, token| p.key(token))
    }

    fn within(mut self, token: String) -> JsonReadError {
        self.path.push(token);
        self
    }
}

impl fmt::Display for JsonReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.pointer(), self.message)
        }
    }
}

impl core::error::Error for JsonReadError {}

impl de::Error for JsonReadError {
    fn custom<T: fmt::Display>(msg: T) -> JsonReadError {
        JsonReadError {
            message: msg.to_string(),
            path: Vec::new(),
        }
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> JsonReadError {
        de::Error::custom(format_args!(
            "invalid type: {}, expected {exp}",
            Found(unexp)
        ))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> JsonReadError {
        de::Error::custom(format_args!(
            "invalid value: {}, expected {exp}",
            Found(unexp)
        ))
    }
}

/// serde's wording of an unexpected value, except that a float is only named.
struct Found<'a>(Unexpected<'a>);

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Bool(b) => write!(f, "boolean `{b}`"),
            Unexpected::Unsigned(i) => write!(f, "integer `{i}`"),
            Unexpected::Signed(i) => write!(f, "integer `{i}`"),
            Unexpected::Float(_) => f.write_str("floating point number"),
            Unexpected::Char(c) => write!(f, "character `{c}`"),
            Unexpected::Str(s) => write!(f, "string {s:?}"),
            Unexpected::Bytes(_) => f.write_str("byte array"),
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Option => f.write_str("Option value"),
            Unexpected::NewtypeStruct => f.write_str("newtype struct"),
            Unexpected::Seq => f.write_str("sequence"),
            Unexpected::Map => f.write_str("map"),
            Unexpected::Enum => f.write_str("enum"),
            Unexpected::UnitVariant => f.write_str("unit variant"),
            Unexpected::NewtypeVariant => f.write_str("newtype variant"),
            Unexpected::TupleVariant => f.write_str("tuple variant"),
            Unexpected::StructVariant => f.write_str("struct variant"),
            Unexpected::Other(other) => f.write_str(other),
        }
    }
}

/// Parses JSON text into a tree (serde_json's syntax errors, with line and column).
pub fn parse(text: &str) -> Result<Json, JsonReadError> {
    Json::parse(text).map_err(de::Error::custom)
}

/// Reads a `T` from JSON text.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonReadError> {
    from_tree(&parse(text)?)
}

/// Reads a `T` from a parsed tree.
pub fn from_tree<T: DeserializeOwned>(json: &Json) -> Result<T, JsonReadError> {
    T::deserialize(Tree(json))
}

/// A deserializer over one value of a tree.
struct Tree<'de>(&'de Json);

impl<'de> Deserializer<'de> for Tree<'de> {
    type Error = JsonReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonReadError> {
        match self.0 {
            Json::Null => visitor.visit_unit(),
            Json::Bool(b) => visitor.visit_bool(*b),
            // As serde_json visits a number: unsigned when it is not negative.
            Json::Int(i) => match u64::try_from(*i) {
                Ok(u) => visitor.visit_u64(u),
                Err(_) => visitor.visit_i64(*i),
            },
            Json::Float(x) => visitor.visit_f64(*x),
            Json::Str(s) => visitor.visit_borrowed_str(s),
            Json::Arr(items) => visitor.visit_seq(ArrayItems {
                items: items.iter().enumerate(),
            }),
            Json::Obj(members) => visitor.visit_map(ObjectMembers {
                members: members.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonReadError> {
        match self.0 {
            Json::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, JsonReadError> {
        visitor.visit_newtype_struct(self)
    }

    /// serde's external tagging: a string names a unit variant, an object's
    /// one member a variant with data; anything else goes to the visitor,
    /// which words the type error.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, JsonReadError> {
        match self.0 {
            Json::Str(s) => visitor.visit_enum(BorrowedStrDeserializer::new(s)),
            Json::Obj(members) if members.len() == 1 => {
                visitor.visit_enum(MapAccessDeserializer::new(ObjectMembers {
                    members: members.iter(),
                    value: None,
                }))
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, JsonReadError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// An array's items, each read by a [`Tree`]; an error gains its index.
struct ArrayItems<'de> {
    items: core::iter::Enumerate<core::slice::Iter<'de, Json>>,
}

impl<'de> SeqAccess<'de> for ArrayItems<'de> {
    type Error = JsonReadError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, JsonReadError> {
        match self.items.next() {
            Some((i, item)) => seed
                .deserialize(Tree(item))
                .map(Some)
                .map_err(|e| e.within(i.to_string())),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// An object's members in document order (duplicates included, for the
/// visitor to refuse); an error gains the member's name.
struct ObjectMembers<'de> {
    members: core::slice::Iter<'de, (String, Json)>,
    value: Option<&'de (String, Json)>,
}

impl<'de> MapAccess<'de> for ObjectMembers<'de> {
    type Error = JsonReadError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, JsonReadError> {
        let Some(member) = self.members.next() else {
            return Ok(None);
        };
        self.value = Some(member);
        let key = BorrowedStrDeserializer::<JsonReadError>::new(&member.0);
        seed.deserialize(key)
            .map(Some)
            .map_err(|e| e.within(member.0.clone()))
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, JsonReadError> {
        match self.value.take() {
            Some((key, value)) => seed
                .deserialize(Tree(value))
                .map_err(|e| e.within(key.clone())),
            None => Err(de::Error::custom(
                "a member's value was read before its name",
            )),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;

    use super::{from_str, parse, JsonReadError};
    use crate::model::Media;
    use crate::Request;

    const NOW: &str = r#""now":"2026-11-22T12:00:00Z""#;

    fn request(resource: &str) -> String {
        alloc::format!(
            r#"{{"principal":"p","permission":"recording:recording:view","resource":{resource},{NOW}}}"#
        )
    }

    fn refusal(text: &str) -> String {
        Request::from_json(text).unwrap_err().message
    }

    #[test]
    fn an_error_says_where_as_a_json_pointer() {
        let e = refusal(&request(
            r#"{"type":"recording","id":"r","media":"audio","legalhold":true}"#,
        ));
        assert!(
            e.starts_with(
                "/resource/legalhold: unknown field `legalhold`, did you mean `legalHold`?"
            ),
            "{e}"
        );
        let e = refusal(&request(
            r#"{"type":"recording","id":"r","media":"audio","divisions":["home",7]}"#,
        ));
        assert_eq!(
            e,
            "/resource/divisions/1: invalid type: integer `7`, expected a string"
        );
        let e = refusal(&alloc::format!(
            r#"{{"principal":"p","permision":"x","resource":{{"type":"queue","id":"q"}},{NOW}}}"#
        ));
        assert!(
            e.starts_with("/permision: unknown field `permision`"),
            "{e}"
        );
    }

    #[test]
    fn a_float_is_named_never_printed() {
        let e = refusal(&request(
            r#"{"type":"recording","id":"r","media":"audio","owner":1.5}"#,
        ));
        assert_eq!(
            e,
            "/resource/owner: invalid type: floating point number, expected a string"
        );
        let e = refusal(&request(
            r#"{"type":"recording","id":"r","media":"audio","retentionDays":1.0}"#,
        ));
        assert_eq!(
            e,
            "/resource/retentionDays: invalid type: floating point number, expected u32"
        );
        let e = refusal(&request(
            r#"{"type":"recording","id":"r","media":"audio","retentionDays":-1}"#,
        ));
        assert_eq!(
            e,
            "/resource/retentionDays: invalid value: integer `-1`, expected u32"
        );
    }

    #[test]
    fn a_syntax_error_keeps_line_and_column() {
        let e = refusal("{\"principal\":\n \"p\",}");
        assert_eq!(e, "trailing comma at line 2 column 6");
        assert_eq!(
            parse("[1] x").unwrap_err().to_string(),
            "trailing characters at line 1 column 5"
        );
    }

    /// A request's text must be valid Unicode throughout (RFC 7493 §2.1): a
    /// lone surrogate refuses it even in a member recgate skips.
    #[test]
    fn a_lone_surrogate_anywhere_refuses_the_text() {
        let skipped = request(r#"{"type":"recording","id":"r","media":"audio","title":"\ud800"}"#);
        assert!(
            refusal(&skipped).contains("hex escape at line 1"),
            "{}",
            refusal(&skipped)
        );
        let paired =
            request(r#"{"type":"recording","id":"r","media":"audio","title":"\ud83d\ude00"}"#);
        assert!(Request::from_json(&paired).is_ok());
    }

    #[test]
    fn enums_read_from_strings_and_refuse_other_kinds() {
        assert_eq!(from_str::<Media>(r#""screen""#), Ok(Media::Screen));
        let e = from_str::<Media>("true").unwrap_err();
        assert!(
            e.message()
                .starts_with("invalid type: boolean `true`, expected"),
            "{e}"
        );
        let e = from_str::<Media>(r#""film""#).unwrap_err();
        assert!(e.message().starts_with("unknown variant `film`"), "{e}");
    }

    #[test]
    fn options_lists_and_duplicates() {
        assert_eq!(from_str::<Option<String>>("null"), Ok(None));
        assert_eq!(
            from_str::<Vec<String>>(r#"["a","b"]"#),
            Ok(alloc::vec![String::from("a"), String::from("b")])
        );
        let e: JsonReadError = from_str::<Request>(&alloc::format!(
            r#"{{"principal":"p","principal":"q","permission":"x","resource":{{"type":"queue","id":"q"}},{NOW}}}"#
        ))
        .unwrap_err();
        assert!(
            e.message().starts_with("duplicate field `principal`"),
            "{e}"
        );
    }
}
