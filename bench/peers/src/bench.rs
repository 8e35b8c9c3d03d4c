//! One row of the native peer benchmark: a generated org loaded by recgate
//! and by `cedar-policy`, both engines' answers compared on two samples, and
//! interleaved rounds of decisions over the same requests (recgate's
//! `Policy::decide` as `tests/benches/core.rs` calls it; Cedar's
//! `Authorizer::is_authorized` against the whole-org store and against a
//! store assembled per request from the slice's already-parsed entities).

use std::hint::black_box;
use std::time::{Duration, Instant};

use cedar_policy::{Authorizer, Entities, PolicySet};
use recgate_core::{Limits, Policy, Request};
use recgate_tests::org::{org, sample_requests, OrgSize};
use serde_json::Value;

use crate::entities::{org_entities, OrgEntities};
use crate::requests::{translate, CedarRequest};
use crate::stats::{median, min};
use crate::{native, policies, samples};

type Error = Box<dyn std::error::Error>;

/// What one org measured.
pub struct Row {
    pub size: OrgSize,
    pub cedar_policies: usize,
    /// ms: recgate parse + validate + compile of the policy JSON.
    pub recgate_load: Vec<f64>,
    /// ms: Cedar policy set parse + entities JSON parse (transitive closure included).
    pub cedar_load: Vec<f64>,
    /// ns per decision, over the timed requests (the ones Cedar decides).
    pub recgate_ns: Vec<f64>,
    /// ns per decision over every reference request (cold: more distinct requests than caches hold).
    pub recgate_all_ns: Vec<f64>,
    pub cedar_ns: Vec<f64>,
    /// ns per decision including assembling a per-request store (the slice's
    /// parsed entities cloned, the recording, transitive closure); empty when not measured.
    pub cedar_slice_ns: Vec<f64>,
    /// (agree, total, allows) on the reference and the allow-rich samples.
    pub agree_reference: (usize, usize, usize),
    pub agree_allow_rich: (usize, usize, usize),
    /// Requests per timed round.
    pub timed: usize,
}

pub struct Options {
    pub rounds: usize,
    /// Time budget of one Cedar pass over the timed requests.
    pub cedar_round: Duration,
    /// Time budget of each agreement pass.
    pub agreement: Duration,
    pub slices: bool,
}

fn time_ms<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t = Instant::now();
    let v = f();
    (t.elapsed().as_secs_f64() * 1e3, v)
}

struct ParsedRequests {
    recgate: Vec<Request>,
    expected: Vec<bool>,
    cedar: Vec<(CedarRequest, cedar_policy::Request)>,
    slices: Vec<native::ParsedSlice>,
}

fn sample(policy: &Policy, ents: &OrgEntities, reqs: &[Value]) -> Result<ParsedRequests, Error> {
    let home = &policy.doc().settings.home_region;
    let mut s = ParsedRequests {
        recgate: Vec::new(),
        expected: Vec::new(),
        cedar: Vec::new(),
        slices: Vec::new(),
    };
    for v in reqs {
        let r = Request::from_json(&v.to_string()).map_err(|e| format!("{e:?}"))?;
        s.expected.push(policy.decide(&r).allow);
        let cr = translate(ents, home, &r)?;
        let creq = native::request(&cr)?;
        s.slices.push(native::parsed_slice(&cr)?);
        s.cedar.push((cr, creq));
        s.recgate.push(r);
    }
    Ok(s)
}

/// Cedar's agreement with recgate over the first requests of `s` that fit
/// the time budget: (agree, total, recgate allows), and the mean time per decision.
fn agreement(
    s: &ParsedRequests,
    a: &Authorizer,
    ps: &PolicySet,
    store: &Entities,
    budget: Duration,
) -> ((usize, usize, usize), f64) {
    let t = Instant::now();
    let (mut agree, mut total, mut allows) = (0, 0, 0);
    for ((_, creq), &want) in s.cedar.iter().zip(&s.expected) {
        let (allow, errors) = native::decide(a, creq, ps, store);
        total += 1;
        allows += usize::from(want);
        agree += usize::from(allow == want && errors.is_empty());
        if t.elapsed() > budget {
            break;
        }
    }
    let per = t.elapsed().as_secs_f64() * 1e9 / total.max(1) as f64;
    ((agree, total, allows), per)
}

/// Measures one org size.
pub fn measure(
    size: OrgSize,
    n_reference: usize,
    n_allow_rich: usize,
    o: &Options,
) -> Result<Row, Error> {
    let doc_json = org(size, 42);
    let text = doc_json.to_string();
    // The 100k-user org's document (~21 MB) is over recgate's default 16 MiB
    // limit; the bench raises the limit rather than leave that row out.
    let limits = Limits {
        max_bytes: 256 * 1024 * 1024,
        ..Limits::default()
    };
    let policy = Policy::from_json_with(&text, &limits).map_err(|e| format!("{e:?}"))?;
    let doc = policy.doc();
    let set = policies::policy_set(doc);
    let ents = org_entities(doc);
    let ents_text = serde_json::to_string(&ents.entities)?;

    // Load, interleaved.
    let (mut recgate_load, mut cedar_load) = (Vec::new(), Vec::new());
    for _ in 0..o.rounds.min(5) {
        let (ms, p) = time_ms(|| Policy::from_json_with(&text, &limits));
        black_box(p.map_err(|e| format!("{e:?}"))?);
        recgate_load.push(ms);
        let (ms, loaded) = time_ms(|| -> Result<_, Error> {
            Ok((
                native::policy_set(&set.text)?,
                Entities::from_json_str(&ents_text, None)?,
            ))
        });
        black_box(loaded?);
        cedar_load.push(ms);
    }

    // Samples and the whole-org store (org + every sampled recording).
    let reference = sample(&policy, &ents, &sample_requests(size, n_reference))?;
    let allow_rich = sample(&policy, &ents, &samples::allow_rich(doc, n_allow_rich, 77))?;
    let ps = native::policy_set(&set.text)?;
    let store = native::entities(
        &ents,
        reference
            .cedar
            .iter()
            .chain(&allow_rich.cedar)
            .map(|(c, _)| &c.resource_entity),
    )?;
    let a = Authorizer::new();
    let (agree_reference, per) = agreement(&reference, &a, &ps, &store, o.agreement);
    let (agree_allow_rich, _) = agreement(&allow_rich, &a, &ps, &store, o.agreement);

    // Timed requests: the reference sample's first ones, as many as fit a Cedar round.
    let timed =
        ((o.cedar_round.as_secs_f64() * 1e9 / per) as usize).clamp(20, reference.recgate.len());
    let reps = (20_000 / timed).max(1);
    let (mut recgate_ns, mut cedar_ns, mut cedar_slice_ns) = (Vec::new(), Vec::new(), Vec::new());
    let mut recgate_all_ns = Vec::new();
    for _ in 0..o.rounds {
        let t = Instant::now();
        let mut allowed = 0usize;
        for r in &reference.recgate {
            allowed += usize::from(black_box(policy.decide(black_box(r))).allow);
        }
        black_box(allowed);
        recgate_all_ns.push(t.elapsed().as_secs_f64() * 1e9 / reference.recgate.len() as f64);

        let t = Instant::now();
        let mut allowed = 0usize;
        for _ in 0..reps {
            for r in &reference.recgate[..timed] {
                allowed += usize::from(black_box(policy.decide(black_box(r))).allow);
            }
        }
        black_box(allowed);
        recgate_ns.push(t.elapsed().as_secs_f64() * 1e9 / (reps * timed) as f64);

        let t = Instant::now();
        for (_, creq) in &reference.cedar[..timed] {
            black_box(a.is_authorized(black_box(creq), &ps, &store).decision());
        }
        cedar_ns.push(t.elapsed().as_secs_f64() * 1e9 / timed as f64);

        if o.slices {
            let t = Instant::now();
            for ((_, creq), sl) in reference.cedar[..timed].iter().zip(&reference.slices) {
                let slice = native::store_from_slice(&store, sl)?;
                black_box(a.is_authorized(black_box(creq), &ps, &slice).decision());
            }
            cedar_slice_ns.push(t.elapsed().as_secs_f64() * 1e9 / timed as f64);
        }
    }
    Ok(Row {
        size,
        cedar_policies: set.count,
        recgate_load,
        cedar_load,
        recgate_ns,
        recgate_all_ns,
        cedar_ns,
        cedar_slice_ns,
        agree_reference,
        agree_allow_rich,
        timed,
    })
}

/// `median (min x)` with a unit.
pub fn cell(v: &[f64], unit: &str, digits: usize) -> String {
    if v.is_empty() {
        return "—".into();
    }
    format!(
        "{:.*} {unit} (min {:.*})",
        digits,
        median(v),
        digits,
        min(v)
    )
}
