//! Reading a resource's members: the fields recgate reads, each at most
//! once; every other member ignored — a recordings API entity carries titles,
//! durations and links the decision has no use for — unless its name is a
//! near-miss of a field (`legalhold`, `sensitve`), which is refused with a
//! "did you mean": a misspelt `legalHold` must never become an allowed
//! delete. The same readers serve every target (the CLI, the npm package,
//! the Envoy filter), so the rule is one.

use alloc::borrow::Cow;
use alloc::string::String;
use core::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::{Annotation, AnnotationVisibility, Named, Recording, Report};
use crate::typo::near_miss;

/// What a `type` member among a resource's fields is.
#[derive(Clone, Copy)]
pub(super) enum TypeMember {
    /// The tag was just read: another `type` is a duplicate.
    Read,
    /// A resource on its own, or a recording inside an annotation ("a full
    /// recording resource", SPEC §2): it may say its own type, nothing else.
    MayBe(&'static str),
}

/// A member name, borrowed from the input when it has no escapes.
struct MemberName<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for MemberName<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<MemberName<'de>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MemberName<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<MemberName<'de>, E> {
                Ok(MemberName(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<MemberName<'de>, E> {
                Ok(MemberName(Cow::Owned(String::from(s))))
            }
        }
        d.deserialize_str(V)
    }
}

/// Refuses a member as its value is read, so that the error is the member's
/// (a JSON pointer to it, typed_json.rs) rather than its object's.
struct MemberRefusal(String);

impl<'de> DeserializeSeed<'de> for MemberRefusal {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, _value: D) -> Result<(), D::Error> {
        Err(de::Error::custom(self.0))
    }
}

/// Reads the value of one field (by its name) from the map.
type ReadField<'f, A, E> = &'f mut dyn FnMut(&'static str, &mut A) -> Result<(), E>;

/// Reads the members of one resource object: `field(name, map)` reads the
/// value of the field `name` (one of `fields`); `type` is treated as `ty`
/// says; any other member is skipped unless it is a near-miss of a field.
fn read_members<'de, A: MapAccess<'de>>(
    map: &mut A,
    fields: &'static [&'static str],
    ty: TypeMember,
    field: ReadField<'_, A, A::Error>,
) -> Result<(), A::Error> {
    // One bit per field already read (no resource has 64 fields).
    let mut seen = 0u64;
    let mut typed = matches!(ty, TypeMember::Read);
    while let Some(MemberName(key)) = map.next_key::<MemberName<'de>>()? {
        if let Some((i, name)) = fields.iter().enumerate().find(|(_, f)| **f == key) {
            let bit = 1u64 << (i % 64);
            if seen & bit != 0 {
                return map
                    .next_value_seed(MemberRefusal(alloc::format!("duplicate field `{name}`")));
            }
            seen |= bit;
            field(name, map)?;
        } else if key == "type" {
            if typed {
                return Err(de::Error::duplicate_field("type"));
            }
            typed = true;
            let kind: Cow<'de, str> = map.next_value::<MemberName<'de>>()?.0;
            let own = match ty {
                TypeMember::MayBe(own) => own,
                TypeMember::Read => "",
            };
            if kind != own {
                return Err(de::Error::custom(alloc::format!(
                    "a {own}'s \"type\" can only be \"{own}\", not \"{kind}\""
                )));
            }
        } else if let Some(meant) = near_miss(&key, fields) {
            return map.next_value_seed(MemberRefusal(alloc::format!(
                "unknown field `{key}`, did you mean `{meant}`?"
            )));
        } else {
            map.next_value::<IgnoredAny>()?;
        }
    }
    Ok(())
}

/// A recording's members.
pub(super) fn recording<'de, A: MapAccess<'de>>(
    mut map: A,
    ty: TypeMember,
) -> Result<Recording, A::Error> {
    let mut r = Recording::default();
    let mut has_id = false;
    read_members(&mut map, &Recording::FIELDS, ty, &mut |name, map| {
        match name {
            "id" => {
                r.id = map.next_value()?;
                has_id = true;
            }
            "conversationId" => r.conversation_id = map.next_value()?,
            "media" => r.media = map.next_value()?,
            "direction" => r.direction = map.next_value()?,
            "owner" => r.owner = map.next_value()?,
            "participants" => r.participants = map.next_value()?,
            "queue" => r.queue = map.next_value()?,
            "divisions" => r.divisions = map.next_value()?,
            "region" => r.region = map.next_value()?,
            "line" => r.line = map.next_value()?,
            "createdAt" => r.created_at = map.next_value()?,
            "retentionDays" => r.retention_days = map.next_value()?,
            "legalHold" => r.legal_hold = map.next_value()?,
            "sensitive" => r.sensitive = map.next_value()?,
            "live" => r.live = map.next_value()?,
            "related" => r.related = map.next_value()?,
            // A field of `FIELDS` without an arm here: the test below fails.
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    })?;
    if !has_id {
        return Err(de::Error::missing_field("id"));
    }
    Ok(r)
}

/// An annotation's members; its `recording` is a full recording resource.
pub(super) fn annotation<'de, A: MapAccess<'de>>(
    mut map: A,
    ty: TypeMember,
) -> Result<Annotation, A::Error> {
    let mut id = None;
    let mut author = None;
    let mut visibility = AnnotationVisibility::default();
    let mut recording = None;
    read_members(&mut map, &Annotation::FIELDS, ty, &mut |name, map| {
        match name {
            "id" => id = Some(map.next_value()?),
            "author" => author = map.next_value()?,
            "visibility" => visibility = map.next_value()?,
            "recording" => recording = Some(map.next_value::<NestedRecording>()?.0),
            _ => {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    })?;
    Ok(Annotation {
        id: id.ok_or_else(|| de::Error::missing_field("id"))?,
        author,
        visibility,
        recording: recording.ok_or_else(|| de::Error::missing_field("recording"))?,
    })
}

/// A queue, user, role or schedule: its `id`.
pub(super) fn named<'de, A: MapAccess<'de>>(mut map: A) -> Result<Named, A::Error> {
    let mut id = None;
    read_members(&mut map, &Named::FIELDS, TypeMember::Read, &mut |_, map| {
        id = Some(map.next_value()?);
        Ok(())
    })?;
    Ok(Named {
        id: id.ok_or_else(|| de::Error::missing_field("id"))?,
    })
}

/// A reporting-data row's members.
pub(super) fn report<'de, A: MapAccess<'de>>(mut map: A) -> Result<Report, A::Error> {
    let mut out = Report::default();
    read_members(
        &mut map,
        &Report::FIELDS,
        TypeMember::Read,
        &mut |name, map| {
            match name {
                "user" => out.user = map.next_value()?,
                "queue" => out.queue = map.next_value()?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(())
        },
    )?;
    Ok(out)
}

/// A recording inside an annotation (or on its own).
struct NestedRecording(Recording);

impl<'de> Deserialize<'de> for NestedRecording {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<NestedRecording, D::Error> {
        d.deserialize_map(RecordingVisitor).map(NestedRecording)
    }
}

struct RecordingVisitor;

impl<'de> Visitor<'de> for RecordingVisitor {
    type Value = Recording;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a recording object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Recording, A::Error> {
        recording(map, TypeMember::MayBe("recording"))
    }
}

impl<'de> Deserialize<'de> for Annotation {
    /// An annotation on its own, as a recordings API entity: it may say
    /// `"type": "annotation"`; members recgate does not read are ignored.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Annotation, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Annotation;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an annotation object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Annotation, A::Error> {
                annotation(map, TypeMember::MayBe("annotation"))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for Recording {
    /// A recording on its own, as a recordings API entity: it may say
    /// `"type": "recording"`; members recgate does not read are ignored.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Recording, D::Error> {
        d.deserialize_map(RecordingVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of `Recording::FIELDS` is read into the recording: a
    /// field added to the list without its arm in `recording` fails here.
    #[test]
    fn every_recording_field_is_read() {
        for field in Recording::FIELDS {
            let value = match field {
                "media" => r#""screen""#,
                "direction" => r#""inbound""#,
                "participants" | "divisions" | "related" => r#"["x"]"#,
                "createdAt" => r#""2026-11-22T12:00:00Z""#,
                "retentionDays" => "3",
                "legalHold" | "sensitive" | "live" => "true",
                _ => r#""x""#,
            };
            let text = if field == "id" {
                String::from(r#"{"id":"y"}"#)
            } else {
                alloc::format!(r#"{{"id":"y","{field}":{value}}}"#)
            };
            let rec = Recording::from_json(&text).unwrap();
            let base = Recording {
                id: String::from("y"),
                ..Recording::default()
            };
            assert_eq!(rec == base, field == "id", "{field}: {rec:?}");
        }
    }

    #[test]
    fn a_recording_on_its_own_may_say_what_it_is() {
        assert!(Recording::from_json(r#"{"type":"recording","id":"r","title":"t"}"#).is_ok());
        let e = Recording::from_json(r#"{"type":"annotation","id":"r"}"#).unwrap_err();
        assert!(
            e.message.contains("can only be \"recording\""),
            "{}",
            e.message
        );
        let e = Recording::from_json(r#"{"id":"r","sensitve":true}"#).unwrap_err();
        assert!(
            e.message.contains("did you mean `sensitive`"),
            "{}",
            e.message
        );
        let e = Recording::from_json(r#"{"id":"r","id":"s"}"#).unwrap_err();
        assert!(e.message.contains("duplicate field `id`"), "{}", e.message);
        assert!(Recording::from_json(r#"{"media":"audio"}"#).is_err());
    }
}
