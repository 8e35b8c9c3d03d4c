//! Telling a typo from another name: the "did you mean" of policy validation
//! (an unknown permission) and of requests (a resource field that is a
//! near-miss of one recgate reads, SPEC §2 as decided in `docs/policy.md`).

use alloc::string::String;
use alloc::vec::Vec;

/// Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`:
/// the optimal string alignment distance, so `lgealHold` is one edit from
/// `legalHold`, not two.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the table: two back, one back, this one.
    let mut back2: Vec<usize> = Vec::new();
    let mut back1: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = alloc::vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let at = |r: &[usize], k: usize| r.get(k).copied().unwrap_or(usize::MAX / 2);
            let mut d = (at(&back1, j) + usize::from(ca != cb))
                .min(at(&back1, j + 1) + 1)
                .min(at(&row, j) + 1);
            let swapped =
                i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca) && ca != cb;
            if swapped {
                d = d.min(at(&back2, j - 1) + 1);
            }
            row.push(d);
        }
        back2 = core::mem::replace(&mut back1, row);
    }
    back1.last().copied().unwrap_or(0)
}

/// The candidate `s` is closest to, when at most `max` edits away.
pub(crate) fn closest<'a>(
    s: &str,
    candidates: impl Iterator<Item = &'a str>,
    max: usize,
) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(s, c), c))
        .filter(|(d, _)| *d <= max)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The field of `fields` that `key` (not one of them) is probably a
/// misspelling of: the same name but for case, `_` and `-` (`legalhold`,
/// `LegalHold`, `legal_hold`), or within two edits of it (`sensitve`) — one
/// edit for names of up to five letters, so that `time`, `size` or `name`
/// are not taken for `line`, `live` or `media`.
pub fn near_miss<'a>(key: &str, fields: &[&'a str]) -> Option<&'a str> {
    let folded = fold(key);
    let mut best: Option<(usize, &'a str)> = None;
    for field in fields {
        let f = fold(field);
        if f == folded {
            return Some(field);
        }
        let max = if field.len() <= 5 { 1 } else { 2 };
        if folded.len().abs_diff(f.len()) > max {
            continue;
        }
        let d = edit_distance(&folded, &f);
        if d <= max && best.map_or(true, |(b, _)| d < b) {
            best = Some((d, field));
        }
    }
    best.map(|(_, f)| f)
}

/// ASCII-lowercase, without `_` and `-` (recgate's field names are ASCII;
/// Unicode case tables would only weigh the WebAssembly builds down).
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_count_swaps_as_one_edit() {
        assert_eq!(edit_distance("legalHold", "legalHold"), 0);
        assert_eq!(edit_distance("lgealHold", "legalHold"), 1);
        assert_eq!(edit_distance("sensitve", "sensitive"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("title", "line"), 3);
    }

    #[test]
    fn near_misses_of_recording_fields() {
        let fields = crate::request::Recording::FIELDS;
        for (key, want) in [
            ("legalhold", "legalHold"),
            ("LegalHold", "legalHold"),
            ("legal_hold", "legalHold"),
            ("sensitve", "sensitive"),
            ("senstiive", "sensitive"),
            ("Region", "region"),
            ("regoin", "region"),
            ("ID", "id"),
            ("medai", "media"),
            ("retentiondays", "retentionDays"),
            ("retentionDay", "retentionDays"),
            ("participant", "participants"),
            ("lines", "line"),
        ] {
            assert_eq!(near_miss(key, &fields), Some(want), "{key}");
        }
        for key in [
            "title",
            "name",
            "time",
            "size",
            "duration",
            "details",
            "url",
            "type",
            "at",
            "notes",
            "mediaType",
            "tags",
        ] {
            assert_eq!(near_miss(key, &fields), None, "{key}");
        }
    }
}
