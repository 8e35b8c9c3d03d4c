//! The host-free work of the filter's allow path, natively, for instruction
//! counts under callgrind: what `bench/edge`'s allow scenario makes the
//! filter compute per request besides its host calls — the path normalised,
//! the default route table searched, the claims read and the token checked,
//! the recording's cached facts taken from the VM's memo, the visibility and media view
//! decided, the decision id and fields made, the response body checked.
//! Callgrind's count for `repeat` 2 minus the count for 1 is one request.
//!
//!   cargo build --release -p recgate-proxy --example allow_cost
//!   valgrind --tool=callgrind target/release/examples/allow_cost 1

use recgate_core::edge::TokenClaims;
use recgate_core::enforce::RecordingFacts;
use recgate_core::{Policy, Timestamp};
use recgate_proxy::config::{PluginConfig, METADATA_FIELDS};
use recgate_proxy::identity::{self, ClaimBytes};
use recgate_proxy::judging::{Reader, Rewrite};
use recgate_proxy::metadata::{DecisionFields, FieldValues};

const FACTS: &str = r#"{"id":"rec-us-screen-1","createdAt":"2026-11-20T09:00:00Z","divisions":["home"],"region":"us-east-1","conversationId":"c-1","media":"screen","owner":"a-us-1","participants":["a-us-1"],"queue":"q-us","annotations":[]}"#;
const BODY: &[u8] = br#"{"id":"rec-us-screen-1","name":"Recording rec-us-screen-1","conversationId":"c-1","startTime":"2026-11-20T09:00:00Z","endTime":"2026-11-20T09:00:00Z","media":"screen","fileState":"AVAILABLE","mediaUris":{"S":{"mediaUri":"https://media.acme.test/rec-us-screen-1.webm"}},"annotations":[],"selfUri":"/api/v2/conversations/c-1/recordings/rec-us-screen-1"}"#;

fn main() -> Result<(), String> {
    let repeat: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let policy_text =
        std::fs::read_to_string(format!("{root}/examples/acme.json")).map_err(|e| e.to_string())?;
    let config = PluginConfig::parse(
        format!(r#"{{"policy":{policy_text},"attributes":{{"cluster":"a"}}}}"#).as_bytes(),
    )?;
    let policy = Policy::from_json(&policy_text).map_err(|e| format!("{e:?}"))?;
    let now = Timestamp::parse("2026-12-01T12:00:00Z").ok_or("time")?;
    let fields: Vec<String> = METADATA_FIELDS.iter().map(|s| s.to_string()).collect();
    let none = |_: &str, _: &str| None;
    // The filter keeps the cached facts parsed (attributes.rs, FactsMemo): a request clones them.
    let cached = RecordingFacts::from_json(FACTS).map_err(|e| e.message)?;
    let mut allowed = 0;
    for _ in 0..repeat {
        let canon =
            recgate_proxy::path::normalize("/api/v2/conversations/c-1/recordings/rec-us-screen-1")
                .map_err(|e| e.0)?;
        let matched = recgate_proxy::routes::find(&config.routes, "GET", &canon)
            .map_err(|e| e.0)?
            .ok_or("no route")?;
        let action = matched.route.action.clone();
        let claims = identity::claims(
            &ClaimBytes::Present(b"qa-1".to_vec()),
            &ClaimBytes::Absent,
            &ClaimBytes::Present(((now.seconds() - 10) as f64).to_le_bytes().to_vec()),
        )
        .map_err(|e| format!("{e:?}"))?;
        let token = TokenClaims {
            subject: &claims.subject,
            session: None,
            issued_at: claims.issued_at,
        };
        policy
            .check_token(&token, "qa-1", now)
            .map_err(|e| format!("{e:?}"))?;
        let facts = cached.clone();
        let subject = policy.subject("qa-1", Some("qa-1"), now);
        let opening = subject.open(&facts.recording, false, now);
        if opening.ruling.allowed() {
            allowed += 1;
        }
        let id = recgate_core::decision::decision_id([7u8; 16]);
        let revision = policy.revision().to_string();
        let f = DecisionFields::new(
            FieldValues {
                id: &id,
                reason: "allow",
                principal: "qa-1",
                actor: "qa-1",
                revision: &revision,
                permission: "recording:screenRecording:view",
            },
            false,
            false,
        );
        let reader = Reader {
            subject: &subject,
            now,
            metadata_fields: &fields,
        };
        let plan = Rewrite::Recording {
            facts: Box::new(facts),
            metadata_only: false,
        };
        let (out, _) = reader
            .apply(&plan, BODY, 1 << 20, &none)
            .map_err(|e| format!("{e:?}"))?;
        std::hint::black_box((action, matched.params, out, f));
    }
    println!("{allowed} of {repeat} allowed");
    Ok(())
}
