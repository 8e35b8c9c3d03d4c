//! Genesys permissions to recgate's catalog (SPEC §6). A permission policy
//! names a domain, an entity (`*`: all of the domain's) and actions (`*`:
//! all); recgate's catalog uses the same `domain:entity:action` names, so a
//! permission maps when its name is a catalog entry and is reported unmapped
//! otherwise. Wildcards expand **by domain first**: `entityName: "*"` means
//! every entity *of that domain*, never a match across domains (an importer
//! elsewhere wrote `entity == "*" || entity == e && domain == d`, which reads
//! as `entity == "*" || (…)` and let `routing:*` grant recordings).

use recgate_core::catalog::{Perm, CATALOG};

/// The catalog entries a (domain, entity, action) triple names, any part `*`.
pub fn expand(domain: &str, entity: &str, action: &str) -> Vec<Perm> {
    Perm::all()
        .filter(|p| {
            let mut parts = p.name().split(':');
            let (Some(d), Some(e), Some(a)) = (parts.next(), parts.next(), parts.next()) else {
                return false;
            };
            // The domain decides first; the entity and the action only within it.
            let in_domain = domain == "*" || domain == d;
            let of_entity = entity == "*" || entity == e;
            let is_action = action == "*" || action == a;
            in_domain && of_entity && is_action
        })
        .collect()
}

/// `domain:entity:action` parsed, for flat permission strings and access-policy targets.
pub fn split(permission: &str) -> Option<(&str, &str, &str)> {
    let mut parts = permission.split(':');
    let triple = (parts.next()?, parts.next()?, parts.next()?);
    parts.next().is_none().then_some(triple)
}

/// How many catalog entries there are (for the report's summary).
pub fn catalog_size() -> usize {
    CATALOG.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: Vec<Perm>) -> Vec<&'static str> {
        v.into_iter().map(Perm::name).collect()
    }

    /// The precedence trap: `routing` with every entity must stay in routing.
    #[test]
    fn entity_wildcards_stay_inside_their_domain() {
        assert_eq!(
            names(expand("routing", "*", "view")),
            ["routing:queue:view"]
        );
        let all_routing = names(expand("routing", "*", "*"));
        assert_eq!(
            all_routing,
            [
                "routing:queue:view",
                "routing:queue:edit",
                "routing:queue:join"
            ]
        );
        assert!(names(expand("directory", "*", "*"))
            .iter()
            .all(|p| p.starts_with("directory:")));
        // recording, screenRecording, annotation, recordingSchedule, job
        assert_eq!(names(expand("recording", "*", "delete")).len(), 5);
        assert!(expand("recording", "*", "delete")
            .iter()
            .all(|p| p.name().starts_with("recording:")));
    }

    #[test]
    fn unknown_names_map_to_nothing() {
        assert!(expand("recording", "recordingSegment", "view").is_empty());
        assert!(expand("routing", "*", "delete").is_empty());
        assert_eq!(split("a:b:c"), Some(("a", "b", "c")));
        assert_eq!(split("a:b"), None);
        assert_eq!(split("a:b:c:d"), None);
        // Every catalog entry, named exactly, maps to itself and nothing else.
        for (name, _) in CATALOG {
            let (d, e, a) = split(name).unwrap();
            assert_eq!(names(expand(d, e, a)), [name], "{name}");
        }
        assert_eq!(catalog_size(), CATALOG.len());
    }
}
