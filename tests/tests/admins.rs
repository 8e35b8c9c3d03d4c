//! `traffic::add_admins` (the edge differential's administrators, issue #18):
//! the policies stay valid, only the two admin roles, their four assignments
//! and (in single-region organisations) the users' regions change, and over a
//! few seeds the bulk check both allows and refuses them — what the edge's job
//! and count routes need to be tested both ways.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test: a panic is a failure with its message"
)]

use recgate_core::bulk::{BulkAction, BulkScope};
use recgate_core::{Policy, Timestamp};
use recgate_tests::gen::NOW;
use recgate_tests::org::Rng;
use recgate_tests::traffic::{add_admins, policies};

#[test]
fn admins_are_added_and_decided_both_ways() {
    let now = Timestamp::parse(NOW).unwrap();
    let every = BulkScope {
        calls: true,
        screens: true,
        sensitive: true,
    };
    let (mut unrestricted, mut restricted) = (0, 0);
    for (n, (doc, _)) in policies(4242).take(40).enumerate() {
        let mut admin = doc.clone();
        add_admins(&mut admin, &mut Rng::new(n as u64));
        let policy = Policy::from_json(&admin.to_string()).expect("still valid");
        // Everything else is as it was: the roles gain two, the users four assignments.
        let mut stripped = admin.clone();
        let mut original = doc.clone();
        let roles = stripped["roles"].as_object_mut().unwrap();
        assert!(roles.remove("records-admin").is_some() && roles.remove("bulk-admin").is_some());
        let mut added = 0;
        for (_, u) in original["users"].as_object_mut().unwrap() {
            u.as_object_mut().unwrap().remove("region");
        }
        for (_, u) in stripped["users"].as_object_mut().unwrap() {
            u.as_object_mut().unwrap().remove("region");
            let list = u["roles"].as_array_mut().unwrap();
            let before = list.len();
            list.retain(|a| !matches!(a["role"].as_str(), Some("records-admin" | "bulk-admin")));
            added += before - list.len();
        }
        assert_eq!(added, 4);
        assert_eq!(stripped, original);
        for (id, u) in admin["users"].as_object().unwrap() {
            let is_admin = u["roles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["role"] == "bulk-admin");
            if !is_admin {
                continue;
            }
            match policy.bulk(id, None, BulkAction::Delete, every, now) {
                Ok(()) => unrestricted += 1,
                Err(_) => restricted += 1,
            }
        }
    }
    assert!(unrestricted >= 5, "{unrestricted} unrestricted bulk admins");
    assert!(restricted >= 5, "{restricted} restricted bulk admins");
}
