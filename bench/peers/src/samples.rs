//! A sample of requests with plenty of allows, for agreement checks where
//! the reference sample (random principal, random recording) is nearly all
//! denies. Each request starts from one of a random principal's own grants on
//! recordings and builds a recording inside it (a division of the assignment,
//! an owner inside the scope, an inbound direction for `when`, the principal's
//! region, a queue of the view), then a third of the time breaks one of those
//! facts (owner, division, region, direction, age, queue) on purpose, so both
//! sides of every boundary are exercised.

use recgate_core::model::{PolicyDoc, Scope};
use recgate_core::Perm;
use recgate_tests::org::Rng;
use serde_json::{json, Value};

fn pick<'a, T>(rng: &mut Rng, v: &'a [T]) -> Option<&'a T> {
    if v.is_empty() {
        None
    } else {
        v.get(rng.below(v.len()))
    }
}

/// `n` requests (without decisions) on `doc`; recording ids are `arec-0…`.
pub fn allow_rich(doc: &PolicyDoc, n: usize, seed: u64) -> Vec<Value> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(n);
    // Principals without recording grants are skipped; bound the attempts anyway.
    let mut attempts = 0usize;
    while out.len() < n && attempts < n * 100 {
        attempts += 1;
        if let Some(r) = designed_request(doc, &mut rng, out.len()) {
            out.push(r);
        }
    }
    out
}

/// One request built around one of a random principal's recording grants.
fn designed_request(doc: &PolicyDoc, rng: &mut Rng, i: usize) -> Option<Value> {
    let (uid, user) = doc.users.get(rng.below(doc.users.len()))?;
    let a = pick(rng, &user.roles)?;
    let role = doc.role(&a.role)?;
    let g = pick(rng, &role.grants)?;
    let perm = g.perms.iter().find(|p| p.on_recordings())?;
    let screen = match perm {
        Perm::SCREEN_VIEW => true,
        Perm::RECORDING_VIEW | Perm::RECORDING_DOWNLOAD => false,
        _ => rng.chance(30),
    };
    let random_user = |rng: &mut Rng| {
        doc.users
            .get(rng.below(doc.users.len()))
            .map(|u| u.0.clone())
    };
    let owner = match &g.scope {
        Scope::Own | Scope::Assigned => Some(uid.clone()),
        Scope::Group(gid) => doc
            .groups
            .iter()
            .find(|(k, _)| k == gid)
            .and_then(|(_, gr)| pick(rng, &gr.members).cloned()),
        _ => random_user(rng),
    }?;
    let queue = match &g.scope {
        Scope::View(v) => doc
            .views
            .iter()
            .find(|(k, _)| k == v)
            .and_then(|(_, view)| pick(rng, &view.queues).cloned()),
        _ => doc
            .queues
            .get(rng.below(doc.queues.len()))
            .map(|q| q.0.clone()),
    }?;
    let division = if a.all_divisions() {
        doc.divisions.get(rng.below(doc.divisions.len()))?.0.clone()
    } else {
        pick(rng, &a.divisions)?.clone()
    };
    let inbound = g.when.directions.is_some() || rng.chance(50);
    let mut rec = json!({
        "id": format!("arec-{i}"),
        "type": "recording",
        "media": if screen { "screen" } else { "audio" },
        "direction": if inbound { "inbound" } else { "outbound" },
        "owner": owner,
        "participants": [owner],
        "queue": queue,
        "divisions": [division],
        "region": user.region,
        "createdAt": format!("2026-11-{:02}T09:00:00Z", 1 + rng.below(21)),
        "sensitive": rng.chance(10),
    });
    // Break one fact the grant relies on, a third of the time.
    if rng.chance(35) {
        match rng.below(6) {
            0 => rec["owner"] = json!(random_user(rng)?),
            1 => rec["divisions"] = json!([doc.divisions.get(rng.below(doc.divisions.len()))?.0]),
            2 => {
                rec["region"] = json!(if user.region == "eu-west-1" {
                    "us-east-1"
                } else {
                    "eu-west-1"
                })
            }
            3 => rec["direction"] = json!("outbound"),
            4 => rec["createdAt"] = json!("2025-06-01T09:00:00Z"),
            _ => rec["queue"] = json!(doc.queues.get(rng.below(doc.queues.len()))?.0),
        }
    }
    Some(
        json!({ "principal": uid, "permission": perm.name(), "resource": rec, "now": "2026-11-22T12:00:00Z" }),
    )
}
