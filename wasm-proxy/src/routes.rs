//! Routes: how an API request (method and path) maps to a decision. Paths are
//! normalised first — and a path that only an attacker would send (encoded
//! slashes or dots, dot segments, control characters) is refused outright, so
//! the path the filter decides on is the path the upstream receives.

use std::collections::BTreeMap;

use recgate_core::Perm;
use serde::Deserialize;

/// What a route decides.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum Action {
    /// A permission on a queue, user, role or schedule named by the route.
    Decide {
        /// The catalog permission.
        permission: String,
        /// The resource.
        resource: ResourceRef,
    },
    /// Playing a recording: the media's view permission; hidden → 404,
    /// metadata-only → forwarded with media fields removed.
    ViewRecording {
        /// Path parameter holding the recording id.
        recording: String,
    },
    /// Deleting a recording: the media's delete permission.
    DeleteRecording {
        /// Path parameter holding the recording id.
        recording: String,
    },
    /// A permission on a recording whose attributes come from the service.
    OnRecording {
        /// The catalog permission.
        permission: String,
        /// Path parameter holding the recording id.
        recording: String,
    },
    /// A permission on an existing annotation (attributes from the service).
    OnAnnotation {
        /// The catalog permission.
        permission: String,
        /// Path parameter holding the annotation id.
        annotation: String,
    },
    /// Adding an annotation to a recording: `recording:annotation:add` on a new
    /// public annotation by the principal.
    AddAnnotation {
        /// Path parameter holding the recording id.
        recording: String,
    },
    /// A list response filtered entity by entity.
    List {
        /// What the entities are.
        entities: ListKind,
        /// For annotation lists: the path parameter holding their recording.
        #[serde(default)]
        recording: Option<String>,
    },
}

/// The entities of a list response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ListKind {
    /// Recordings: kept with media, kept as metadata only, or removed.
    Recordings,
    /// Recording metadata: `recording:metadata:view` each.
    Metadata,
    /// Queues: `routing:queue:view` each.
    Queues,
    /// Annotations of one recording: `recording:annotation:view` each.
    Annotations,
}

/// A resource named by a route: `{param}`, `$principal` or a literal id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceRef {
    /// `queue`, `user`, `role` or `schedule`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The id.
    pub id: String,
}

/// One route.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    /// HTTP method, upper case.
    pub method: String,
    /// Path template: literal segments and `{param}` segments.
    pub path: String,
    /// The decision.
    pub action: Action,
}

impl RouteSpec {
    /// Checks permissions and parameters; the error names the route.
    pub fn check(&self) -> Result<(), String> {
        let params: Vec<&str> = self
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        let err = |m: String| {
            Err(format!(
                "invalid configuration: route {} {}: {m}",
                self.method, self.path
            ))
        };
        let param = |p: &str| -> Result<(), String> {
            if params.contains(&p) {
                Ok(())
            } else {
                Err(format!(
                    "invalid configuration: route {} {}: no path parameter {{{p}}}",
                    self.method, self.path
                ))
            }
        };
        match &self.action {
            Action::Decide {
                permission,
                resource,
            } => {
                if Perm::parse(permission).is_none() {
                    return err(format!("unknown permission \"{permission}\""));
                }
                if !["queue", "user", "role", "schedule"].contains(&resource.kind.as_str()) {
                    return err(format!(
                        "resource type \"{}\" needs attributes: use a recording action",
                        resource.kind
                    ));
                }
                if let Some(p) = resource
                    .id
                    .strip_prefix('{')
                    .and_then(|s| s.strip_suffix('}'))
                {
                    param(p)?;
                }
            }
            Action::OnRecording {
                permission,
                recording,
            } => {
                if Perm::parse(permission).is_none() {
                    return err(format!("unknown permission \"{permission}\""));
                }
                param(recording)?;
            }
            Action::OnAnnotation {
                permission,
                annotation,
            } => {
                if Perm::parse(permission).is_none() {
                    return err(format!("unknown permission \"{permission}\""));
                }
                param(annotation)?;
            }
            Action::ViewRecording { recording }
            | Action::DeleteRecording { recording }
            | Action::AddAnnotation { recording } => param(recording)?,
            Action::List {
                entities,
                recording,
            } => match (entities, recording) {
                (ListKind::Annotations, Some(r)) => param(r)?,
                (ListKind::Annotations, None) => {
                    return err("an annotation list needs its recording parameter".into())
                }
                _ => {}
            },
        }
        Ok(())
    }
}

fn route(method: &str, path: &str, action: Action) -> RouteSpec {
    RouteSpec {
        method: method.into(),
        path: path.into(),
        action,
    }
}

/// The default table: the seeds' endpoints and Genesys' recording endpoints.
pub fn default_routes() -> Vec<RouteSpec> {
    let conv = "/api/v2/conversations/{conversationId}/recordings";
    let rec = format!("{conv}/{{recordingId}}");
    let ann = format!("{rec}/annotations");
    let one_ann = format!("{ann}/{{annotationId}}");
    let on_ann = |p: &str| Action::OnAnnotation {
        permission: p.into(),
        annotation: "annotationId".into(),
    };
    let r = || "recordingId".to_string();
    vec![
        route(
            "GET",
            "/api/v2/screenrecordings",
            Action::List {
                entities: ListKind::Recordings,
                recording: None,
            },
        ),
        route(
            "DELETE",
            "/api/v2/screenrecordings/{id}",
            Action::OnRecording {
                permission: "recording:screenRecording:delete".into(),
                recording: "id".into(),
            },
        ),
        route(
            "GET",
            "/api/v2/routing/queues",
            Action::List {
                entities: ListKind::Queues,
                recording: None,
            },
        ),
        route(
            "GET",
            "/api/v2/routing/queues/{queueId}",
            Action::Decide {
                permission: "routing:queue:view".into(),
                resource: ResourceRef {
                    kind: "queue".into(),
                    id: "{queueId}".into(),
                },
            },
        ),
        route(
            "POST",
            "/api/v2/authorization/userroles",
            Action::Decide {
                permission: "authorization:role:add".into(),
                resource: ResourceRef {
                    kind: "role".into(),
                    id: "new".into(),
                },
            },
        ),
        route(
            "POST",
            "/api/v2/users",
            Action::Decide {
                permission: "directory:user:add".into(),
                resource: ResourceRef {
                    kind: "user".into(),
                    id: "$principal".into(),
                },
            },
        ),
        route(
            "GET",
            "/api/v2/users/{userId}",
            Action::Decide {
                permission: "directory:user:view".into(),
                resource: ResourceRef {
                    kind: "user".into(),
                    id: "{userId}".into(),
                },
            },
        ),
        route(
            "GET",
            conv,
            Action::List {
                entities: ListKind::Recordings,
                recording: None,
            },
        ),
        route("GET", &rec, Action::ViewRecording { recording: r() }),
        route(
            "PUT",
            &rec,
            Action::OnRecording {
                permission: "recording:recording:editRetention".into(),
                recording: r(),
            },
        ),
        route("DELETE", &rec, Action::DeleteRecording { recording: r() }),
        route(
            "GET",
            &ann,
            Action::List {
                entities: ListKind::Annotations,
                recording: Some(r()),
            },
        ),
        route("POST", &ann, Action::AddAnnotation { recording: r() }),
        route("GET", &one_ann, on_ann("recording:annotation:view")),
        route("PUT", &one_ann, on_ann("recording:annotation:edit")),
        route("DELETE", &one_ann, on_ann("recording:annotation:delete")),
        route(
            "GET",
            "/api/v2/conversations/{conversationId}/recordingmetadata",
            Action::List {
                entities: ListKind::Metadata,
                recording: None,
            },
        ),
    ]
}

/// Why a path was refused before any decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPath(pub &'static str);

/// A path in canonical form: what is matched and what is forwarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalPath {
    /// The path without query, decoded where decoding is harmless.
    pub path: String,
    /// The query string, `?` included, untouched.
    pub query: String,
}

/// Normalises a request path: unreserved percent-encodings decoded, repeated
/// slashes merged, a trailing slash dropped. Encoded `/`, `\`, `.`, `%` or
/// control characters, dot segments, backslashes and malformed escapes are
/// refused: they exist only to make two parsers disagree.
pub fn normalize(raw: &str) -> Result<CanonicalPath, BadPath> {
    let (path, query) = match raw.find(['?', '#']) {
        Some(i) => (raw.get(..i).unwrap_or(""), raw.get(i..).unwrap_or("")),
        None => (raw, ""),
    };
    if !path.starts_with('/') {
        return Err(BadPath("the path must start with /"));
    }
    let bytes = path.as_bytes();
    let mut decoded = String::with_capacity(path.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .ok_or(BadPath("a truncated percent-encoding"))?;
                let v = std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or(BadPath("a malformed percent-encoding"))?;
                if v.is_ascii_alphanumeric() || v == b'-' || v == b'_' || v == b'~' {
                    decoded.push(char::from(v));
                } else if matches!(v, b'/' | b'\\' | b'.' | b'%') || v < 0x20 || v == 0x7f {
                    return Err(BadPath(
                        "an encoded slash, backslash, dot, percent or control character",
                    ));
                } else {
                    // Other reserved characters stay encoded, in upper case.
                    decoded.push('%');
                    decoded.push_str(&format!("{v:02X}"));
                }
                i += 3;
            }
            b'\\' => return Err(BadPath("a backslash")),
            b if b < 0x20 || b == 0x7f => return Err(BadPath("a control character")),
            _ => {
                // Multi-byte UTF-8 is copied as is.
                let ch_len = utf8_len(b);
                let chunk = path.get(i..i + ch_len).ok_or(BadPath("invalid UTF-8"))?;
                decoded.push_str(chunk);
                i += ch_len;
                continue;
            }
        }
    }
    let mut segments = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" => {}
            "." | ".." => return Err(BadPath("a dot segment")),
            s => segments.push(s),
        }
    }
    Ok(CanonicalPath {
        path: format!("/{}", segments.join("/")),
        query: query.into(),
    })
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// A matched route and its path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched<'r> {
    /// The route.
    pub route: &'r RouteSpec,
    /// Parameter values by name.
    pub params: BTreeMap<String, String>,
}

/// The route for a method and canonical path.
pub fn find<'r>(routes: &'r [RouteSpec], method: &str, path: &str) -> Option<Matched<'r>> {
    let method = method.to_ascii_uppercase();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    routes
        .iter()
        .filter(|r| r.method.eq_ignore_ascii_case(&method))
        .find_map(|r| {
            let tpl: Vec<&str> = r.path.split('/').filter(|s| !s.is_empty()).collect();
            if tpl.len() != segs.len() {
                return None;
            }
            let mut params = BTreeMap::new();
            for (t, s) in tpl.iter().zip(&segs) {
                match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    Some(name) => {
                        params.insert(name.to_string(), (*s).to_string());
                    }
                    None if t == s => {}
                    None => return None,
                }
            }
            Some(Matched { route: r, params })
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn normalises_harmless_forms() {
        let n = |p: &str| normalize(p).map(|c| c.path);
        assert_eq!(
            n("/api/v2/routing/queues/"),
            Ok("/api/v2/routing/queues".into())
        );
        assert_eq!(
            n("//api///v2/routing/queues"),
            Ok("/api/v2/routing/queues".into())
        );
        assert_eq!(
            n("/api/v2/routing/%71ueues"),
            Ok("/api/v2/routing/queues".into())
        );
        assert_eq!(n("/api/v2/users/a%20b"), Ok("/api/v2/users/a%20b".into()));
        assert_eq!(
            normalize("/api/v2/routing/queues?pageSize=25").map(|c| c.query),
            Ok("?pageSize=25".into())
        );
    }

    #[test]
    fn refuses_tricks() {
        for bad in [
            "/api/v2/users/../routing/queues",
            "/api/v2/./users",
            "/api/v2/users/%2e%2e/routing/queues",
            "/api/v2/users%2Fq",
            "/api/v2/users%5cq",
            "/api/v2/users/%00",
            "/api/v2/users/%",
            "/api/v2/users/%zz",
            "/api/v2/users\\x",
            "api/v2/users",
            "/api/v2/users/%252e",
        ] {
            assert!(normalize(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn matches_templates() {
        let routes = default_routes();
        let m = find(&routes, "delete", "/api/v2/screenrecordings/sr-1").unwrap();
        assert_eq!(m.params.get("id").map(String::as_str), Some("sr-1"));
        let m = find(
            &routes,
            "GET",
            "/api/v2/conversations/c1/recordings/r1/annotations/a1",
        )
        .unwrap();
        assert_eq!(
            m.route.action,
            Action::OnAnnotation {
                permission: "recording:annotation:view".into(),
                annotation: "annotationId".into()
            }
        );
        assert!(find(&routes, "PATCH", "/api/v2/users/u1").is_none());
        assert!(find(&routes, "GET", "/api/v2/Users/u1").is_none());
        assert!(find(&routes, "GET", "/api/v2/users").is_none());
        for r in &routes {
            r.check().unwrap();
        }
    }
}
