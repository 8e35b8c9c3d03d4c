//! Model-based differential (issue #18): generated traffic (`traffic.rs`,
//! aimed at each policy's own principals and resources) decided by the core
//! and by the reference evaluation of SPEC §3 (`reference.rs`, written from
//! the contract alone). Beside the decision itself, every request is checked
//! on the principal's and the actor's slice (SPEC §5), through `explain`
//! (same decision, one step per line, ending at the deciding step), and
//! recordings are also checked through the query plans, `Subject::visibility`
//! and the list filter. This is the fast test the mutation run leans on
//! (`scripts/mutants.sh`): a mutant of the deciding files that changes any
//! answer fails here in seconds.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test: a panic is a failure with its message"
)]

use std::collections::BTreeMap;

use recgate_core::decision::Obligation;
use recgate_core::{DecisionRecord, Perm, Policy, Reason, Request, Resource, Timestamp};
use recgate_tests::gen::NOW;
use recgate_tests::reference::{Reference, ReferenceVerdict};
use recgate_tests::traffic::{policies, Traffic};

const POLICIES: usize = 40;
const PER_POLICY: usize = 150;

/// What differs between the core's record and the reference's verdict, if anything.
fn differs(got: &DecisionRecord, want: &ReferenceVerdict) -> Option<String> {
    let redact = got.obligations.contains(&Obligation::Redact);
    let cascade = got.obligations.iter().find_map(|o| match o {
        Obligation::Cascade { ids } => Some(ids.clone()),
        Obligation::Redact => None,
    });
    if got.reason.as_str() != want.reason
        || got.allow != want.allow()
        || redact != want.redact
        || cascade != want.cascade
    {
        return Some(format!(
            "core {}/{redact}/{cascade:?}, reference {}/{}/{:?}",
            got.reason, want.reason, want.redact, want.cascade
        ));
    }
    // SPEC §4: `grant` names the rule that allowed or the deny that matched.
    let named = got
        .grant
        .as_ref()
        .map(|g| (g.role.clone(), g.permission.clone(), g.scope.clone()));
    match named {
        None if want.rules.is_empty() => None,
        Some(g) if want.rules.contains(&g) => None,
        other => Some(format!(
            "core names {other:?}, reference allows {:?}",
            want.rules
        )),
    }
}

/// The reason codes of SPEC §3, by name.
fn core_reasons() -> Vec<&'static str> {
    Reason::ALL
        .into_iter()
        .filter(|r| r.step() != 0)
        .map(Reason::as_str)
        .collect()
}

#[test]
fn the_core_decides_generated_traffic_as_the_reference_does() {
    let now = Timestamp::parse(NOW).expect("NOW");
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut checked = [0usize; 5]; // decisions, slices, explanations, plans, visibilities
    for (doc, mut rng) in policies(11).take(POLICIES) {
        let text = doc.to_string();
        let policy = Policy::from_json(&text).expect("generated policies are valid");
        let reference = Reference::new(policy.doc());
        let slices: Vec<(String, Policy)> = policy
            .user_ids()
            .map(|u| {
                let s = policy.slice(u).expect("slice");
                (
                    u.to_string(),
                    Policy::from_json(&s.to_json()).expect("slices validate"),
                )
            })
            .collect();
        let traffic = Traffic::new(policy.doc(), now);
        for _ in 0..PER_POLICY {
            let req = traffic.request(&mut rng);
            let req_text = req.to_string();
            let got = policy.decide_json(&req_text);
            *reasons.entry(got.reason.as_str().to_string()).or_default() += 1;
            checked[0] += 1;
            let Ok(parsed) = Request::from_json(&req_text) else {
                if got.reason != Reason::InvalidRequest {
                    failures.push(format!(
                        "unreadable request decided {}: {req_text}",
                        got.reason
                    ));
                }
                continue;
            };
            let want = reference.decide(&parsed);
            if let Some(d) = differs(&got, &want) {
                failures.push(format!("{d}\n  request {req_text}\n  policy {text}"));
                continue;
            }
            // SPEC §4: the rule named is a deny exactly when a deny decided.
            let typed = policy.decide(&parsed);
            if typed
                .grant
                .is_some_and(|g| g.deny != (typed.reason == Reason::Denied))
            {
                failures.push(format!(
                    "a {} decision marks its rule's deny flag wrongly\n  request {req_text}",
                    typed.reason
                ));
            }
            if got.revision != policy.revision() {
                failures.push(format!(
                    "revision {} in a decision of {}",
                    got.revision,
                    policy.revision()
                ));
            }
            // The same question through a subject resolved once (lists, player controls).
            let subject = policy.subject(&parsed.principal, parsed.actor.as_deref(), now);
            let by_subject = subject
                .decide(&parsed.permission, &parsed.resource, now)
                .record(None);
            let refused =
                matches!(got.reason.step(), 2 | 3) && got.reason != Reason::UnknownResource;
            if by_subject != got || (subject.refusal() == Some(got.reason)) != refused {
                failures.push(format!(
                    "subject decides {} (refusal {:?}) where the policy decides {}\n  request {req_text}",
                    by_subject.reason,
                    subject.refusal(),
                    got.reason
                ));
            }
            // The slices of the principal and the actor (SPEC §5).
            for user in [Some(parsed.principal.as_str()), parsed.actor.as_deref()]
                .into_iter()
                .flatten()
            {
                let Some((_, sliced)) = slices.iter().find(|(u, _)| u == user) else {
                    continue;
                };
                let s = sliced.decide(&parsed).record(None);
                checked[1] += 1;
                let non_disclosure = !got.allow
                    && matches!(s.reason, Reason::UnknownResource | Reason::UnknownPrincipal);
                if s.allow != got.allow
                    || (s.reason != got.reason && !non_disclosure)
                    || s.obligations != got.obligations
                {
                    failures.push(format!(
                        "slice of {user}: {} where the policy says {}\n  request {req_text}",
                        s.reason, got.reason
                    ));
                }
            }
            // explain: the same decision, steps in order, ending where it was decided.
            let ex = policy.explain(&parsed);
            checked[2] += 1;
            let steps: Vec<u8> = ex.steps.iter().map(|l| l.step).collect();
            let ordered = steps.windows(2).all(|w| w[0] <= w[1]);
            let ends = steps.last().copied() == Some(got.reason.step());
            if ex.decision != got || !ordered || !ends || ex.steps.iter().any(|l| l.text.is_empty())
            {
                failures.push(format!(
                    "explain disagrees or is out of order ({steps:?}) for {req_text}"
                ));
            }
            check_recording(
                &policy,
                &reference,
                &parsed,
                now,
                &mut checked,
                &mut failures,
            );
        }
    }
    println!("model test: {checked:?} (decisions, slices, explanations, plans, visibilities); reasons {reasons:?}");
    let missing: Vec<&str> = core_reasons()
        .into_iter()
        .filter(|r| reasons.get(*r).copied().unwrap_or(0) < 5)
        .collect();
    assert!(
        missing.is_empty(),
        "reason codes the traffic reached fewer than 5 times: {missing:?}"
    );
    assert!(
        checked[1] >= checked[0] * 9 / 10,
        "too few slice decisions: {checked:?}"
    );
    assert!(
        checked[3] >= checked[0] * 3,
        "too few plan checks: {checked:?}"
    );
    assert!(
        failures.is_empty(),
        "{} disagreements; first:\n{}",
        failures.len(),
        failures[0]
    );
}

/// For a recording request without an actor: every recording permission
/// through the principal's query plan, and visibility through
/// `Subject::visibility` and the list filter, against the reference.
fn check_recording(
    policy: &Policy,
    reference: &Reference,
    req: &Request,
    now: Timestamp,
    checked: &mut [usize; 5],
    failures: &mut Vec<String>,
) {
    let Resource::Recording(rec) = &req.resource else {
        return;
    };
    if req.actor.is_some() {
        return;
    }
    let home = policy.doc().settings.home_region.clone();
    for perm in Perm::all().filter(|p| p.on_recordings()) {
        let Ok(plan) = policy.plan(&req.principal, perm.name(), now) else {
            failures.push(format!("no plan for {} {perm}", req.principal));
            continue;
        };
        let one = Request {
            permission: perm.name().to_string(),
            ..req.clone()
        };
        let want = reference.decide(&one);
        // A plan decides an existing principal; unknown or disabled ones get Never.
        checked[3] += 1;
        let allowed = plan.filter.matches(rec, &home);
        let redact = plan.redact.matches(rec, &home);
        if allowed != want.allow() || (allowed && redact != want.redact) {
            failures.push(format!(
                "plan of {} for {perm}: allow {allowed}, redact {redact}; reference {} (redact {})\n  request {}",
                req.principal,
                want.reason,
                want.redact,
                serde_json::to_string(&plan.filter).unwrap_or_default()
            ));
        }
    }
    let want = reference.visibility(&req.principal, rec, now);
    let subject = policy.subject(&req.principal, None, now);
    checked[4] += 1;
    let by_subject = subject.visibility(rec, now);
    let by_list = policy.list_plan(&req.principal, now).map(|mut f| {
        let bits = f.row_bits(rec);
        f.visibility(&bits)
    });
    if by_subject != want || by_list.is_some_and(|v| v != want) {
        failures.push(format!(
            "visibility of {rec:?} for {}: subject {by_subject:?}, list filter {by_list:?}, reference {want:?}",
            req.principal
        ));
    }
}
