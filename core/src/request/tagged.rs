//! Reading a [`Resource`] by its `type` member.
//!
//! serde's derive for an internally tagged enum copies the whole object
//! into serde's own intermediate tree before it knows the variant; in the
//! WebAssembly builds that machinery weighs more than the rest of request
//! parsing. Here, when `type` is the object's first member (as every encoder
//! of ours and most clients write it), the variant is read first and the
//! members after it straight into the variant. When it comes later,
//! [`Request::from_json`](crate::Request::from_json) moves it first in the
//! parsed [`Json`] tree and reads again, so the order of members never
//! changes a decision.

use alloc::string::String;
use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

use super::fields::{self, TypeMember};
use super::Resource;
use crate::json::Json;
use crate::typed_json::JsonReadError;

/// The error that sends a request down the reordering path.
const TAG_LATER: &str = "the resource's \"type\" is not its first member";

const VARIANTS: &[&str] = &[
    "recording",
    "annotation",
    "queue",
    "user",
    "report",
    "role",
    "schedule",
];

impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Resource, D::Error> {
        d.deserialize_map(ResourceVisitor)
    }
}

struct ResourceVisitor;

impl<'de> Visitor<'de> for ResourceVisitor {
    type Value = Resource;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a resource object with a \"type\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Resource, A::Error> {
        match map.next_key::<String>()?.as_deref() {
            Some("type") => {}
            Some(_) => return Err(de::Error::custom(TAG_LATER)),
            None => return Err(de::Error::missing_field("type")),
        }
        let kind: String = map.next_value()?;
        Ok(match kind.as_str() {
            "recording" => Resource::Recording(fields::recording(map, TypeMember::Read)?),
            "annotation" => Resource::Annotation(fields::annotation(map, TypeMember::Read)?),
            "queue" => Resource::Queue(fields::named(map)?),
            "user" => Resource::User(fields::named(map)?),
            "report" => Resource::Report(fields::report(map)?),
            "role" => Resource::Role(fields::named(map)?),
            "schedule" => Resource::Schedule(fields::named(map)?),
            other => return Err(de::Error::unknown_variant(other, VARIANTS)),
        })
    }
}

/// Whether reading failed only because a resource's `type` came later.
pub(crate) fn is_tag_later(e: &JsonReadError) -> bool {
    e.message().starts_with(TAG_LATER)
}

/// Moves the first `type` member of the request's `resource` first; every
/// other member stays where it is.
pub(crate) fn tag_first(request: &mut Json) -> Result<(), JsonReadError> {
    let Some(Json::Obj(resource)) = request.member_mut("resource") else {
        return Ok(());
    };
    let Some(tag) = resource.iter().position(|(k, _)| k == "type") else {
        return Err(de::Error::missing_field("type"));
    };
    if let Some(slice) = resource.get_mut(..=tag) {
        slice.rotate_right(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::Request;
    use alloc::string::String;

    const NOW: &str = r#""now":"2026-11-22T12:00:00Z""#;

    fn parse(resource: &str) -> Result<Request, String> {
        Request::from_json(&alloc::format!(
            r#"{{"principal":"p","permission":"recording:recording:view","resource":{resource},{NOW}}}"#
        ))
        .map_err(|e| e.message)
    }

    #[test]
    fn the_order_of_members_changes_nothing() {
        let first = parse(
            r#"{"type":"recording","id":"r","media":"screen","participants":["a"],"retentionDays":3}"#,
        );
        for other in [
            r#"{"id":"r","type":"recording","media":"screen","participants":["a"],"retentionDays":3}"#,
            r#"{"id":"r","media":"screen","participants":["a"],"retentionDays":3,"type":"recording"}"#,
            r#"{ "id" : "r", "media":"screen",
                "participants":[ "a" ],"retentionDays":3 , "type" : "recording" }"#,
        ] {
            assert_eq!(parse(other), first, "{other}");
        }
        assert!(first.is_ok());
        let q = parse(r#"{"id":"q","type":"queue"}"#).unwrap();
        assert_eq!(q.resource.type_name(), "queue");
        let a =
            parse(r#"{"recording":{"id":"r"},"id":"a","type":"annotation","author":"x"}"#).unwrap();
        assert_eq!(a.resource.recording().map(|r| r.id.as_str()), Some("r"));
    }

    #[test]
    fn bad_resources_are_refused_in_any_order() {
        for bad in [
            r#"{"id":"r"}"#,
            r#"{}"#,
            r#"{"type":"tape","id":"r"}"#,
            r#"{"id":"r","type":"tape"}"#,
            r#"{"type":7,"id":"r"}"#,
            r#"{"id":"r","type":7}"#,
            r#"{"type":"recording","id":"r","legalhold":true}"#,
            r#"{"legalhold":true,"type":"recording","id":"r"}"#,
            r#"{"type":"annotation","id":"a","recording":{"id":"r","type":"annotation"}}"#,
            r#"{"type":"annotation","id":"a","recording":{"id":"r","type":"recording","type":"recording"}}"#,
            r#"{"type":"queue","ID":"q"}"#,
            r#"{"retentionDays":1.0,"type":"recording","id":"r"}"#,
            r#"{"type":"recording","id":"r","retentionDays":1.0}"#,
            r#"{"type":"recording","type":"recording","id":"r"}"#,
            r#"{"id":"r","type":"recording","type":"recording"}"#,
            r#"{"type":"queue"}"#,
            r#""recording""#,
            r#"null"#,
        ] {
            let e = parse(bad).unwrap_err();
            assert!(!e.contains("not its first member"), "{bad}: {e}");
        }
        assert!(parse(r#"{"id":"r","type":"tape"}"#)
            .unwrap_err()
            .contains("unknown variant `tape`"));
        assert!(parse(r#"{"type":"recording","id":"r","LegalHold":true}"#)
            .unwrap_err()
            .contains("unknown field `LegalHold`, did you mean `legalHold`?"));
    }

    /// Members recgate does not read are ignored, in any order and in a
    /// nested recording too, which may also say what it is.
    #[test]
    fn other_members_are_ignored() {
        let plain = parse(r#"{"type":"recording","id":"r","media":"screen"}"#).unwrap();
        for extra in [
            r#"{"type":"recording","id":"r","media":"screen","title":"Call","details":{"x":[1,null]}}"#,
            r#"{"title":"Call","id":"r","type":"recording","media":"screen"}"#,
        ] {
            assert_eq!(parse(extra).unwrap(), plain, "{extra}");
        }
        let ann = parse(r#"{"type":"annotation","id":"a","recording":{"id":"r"}}"#).unwrap();
        for same in [
            r#"{"type":"annotation","id":"a","at":12.5,"recording":{"id":"r","type":"recording","title":"t"}}"#,
            r#"{"recording":{"type":"recording","id":"r"},"type":"annotation","id":"a","text":"hi"}"#,
        ] {
            assert_eq!(parse(same).unwrap(), ann, "{same}");
        }
        let q = parse(r#"{"type":"queue","id":"q","name":"Support"}"#).unwrap();
        assert_eq!(q.resource.id(), Some("q"));
    }
}
