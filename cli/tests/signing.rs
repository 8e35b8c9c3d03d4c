//! `recgate keygen`, `sign` and `verify-signature` as a user runs them: the
//! shared signature vectors (tests/signatures/vectors.json, signed by Node's
//! OpenSSL Ed25519 — the npm package answers the same file with WebCrypto),
//! a key pair made, a policy signed and checked, every refusal with exit
//! code 1 and its word, and what cannot run with exit code 2.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn recgate(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_recgate"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("recgate-signing-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn every_signature_vector_is_answered_as_expected() {
    let vectors: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/signatures/vectors.json")).unwrap(),
    )
    .unwrap();
    let dir = scratch("vectors");
    let mut key_args = Vec::new();
    for (i, k) in vectors["trustedKeys"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let path = dir.join(format!("trusted-{i}.pub"));
        std::fs::write(&path, k.as_str().unwrap()).unwrap();
        key_args.push("--key".to_string());
        key_args.push(s(&path).to_string());
    }
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for (i, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let policy = dir.join(format!("{i}.json"));
        let text = case["policyText"]
            .as_str()
            .map_or_else(|| vectors["policy"].to_string(), str::to_string);
        std::fs::write(&policy, text).unwrap();
        let sig = dir.join(format!("{i}.sig"));
        let envelope = case["envelopeText"]
            .as_str()
            .map_or_else(|| case["envelope"].to_string(), str::to_string);
        std::fs::write(&sig, envelope).unwrap();
        let minimum = case["minimumSerial"].as_u64().unwrap_or(0).to_string();
        let mut args: Vec<&str> = vec!["verify-signature", "--format", "json"];
        args.extend(key_args.iter().map(String::as_str));
        args.extend(["--minimum-serial", &minimum, s(&policy), s(&sig)]);
        let (code, out, err) = recgate(&args);
        let got: Value =
            serde_json::from_str(&out).unwrap_or_else(|_| panic!("{name}: {out} {err}"));
        let expect = &case["expect"];
        assert_eq!(got["valid"], expect["valid"], "{name}: {out}");
        if expect["valid"] == Value::Bool(true) {
            assert_eq!(code, 0, "{name}");
            assert_eq!(got["keyId"], expect["keyId"], "{name}");
            assert_eq!(got["serial"], expect["serial"], "{name}");
            assert_eq!(got["contentHash"], vectors["contentHash"], "{name}");
        } else {
            assert_eq!(code, 1, "{name}: {out}");
            assert_eq!(got["reason"], expect["reason"], "{name}: {out}");
        }
    }
}

#[test]
fn keygen_sign_and_verify_as_an_operator_does() {
    let dir = scratch("operator");
    let (key, public) = (dir.join("k.pem"), dir.join("k.pub"));
    let (code, out, _) = recgate(&[
        "keygen",
        "--out",
        s(&key),
        "--public-out",
        s(&public),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let made: Value = serde_json::from_str(&out).unwrap();
    let id = made["keyId"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 16);
    assert!(std::fs::read_to_string(&key)
        .unwrap()
        .starts_with("-----BEGIN PRIVATE KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // A key is never overwritten.
    assert_eq!(recgate(&["keygen", "--out", s(&key)]).0, 2);

    let acme = repo().join("examples/acme.json");
    let sig = dir.join("acme.sig");
    let (code, out, _) = recgate(&[
        "sign",
        "--key",
        s(&key),
        s(&acme),
        "--serial",
        "41",
        "--out",
        s(&sig),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&id) && out.contains("serial 41"), "{out}");
    let envelope: Value = serde_json::from_str(&std::fs::read_to_string(&sig).unwrap()).unwrap();
    let (_, hash, _) = recgate(&["hash", s(&acme)]);
    assert_eq!(envelope["contentHash"].as_str().unwrap(), hash.trim());
    assert_eq!(envelope["keyId"].as_str().unwrap(), id);

    // The PEM public key and the base64 one from keygen's output both verify.
    let b64 = dir.join("k.b64");
    std::fs::write(&b64, made["publicKey"].as_str().unwrap()).unwrap();
    for k in [&public, &b64] {
        let (code, out, _) = recgate(&["verify-signature", "--key", s(k), s(&acme), s(&sig)]);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("signature valid"), "{out}");
    }

    // Another key: unknown; both trusted: valid (rotation); a higher minimum: stale.
    let (other, other_pub) = (dir.join("o.pem"), dir.join("o.pub"));
    assert_eq!(
        recgate(&["keygen", "--out", s(&other), "--public-out", s(&other_pub)]).0,
        0
    );
    let (code, out, _) = recgate(&[
        "verify-signature",
        "--key",
        s(&other_pub),
        s(&acme),
        s(&sig),
    ]);
    assert_eq!((code, out.contains("unknown_key")), (1, true), "{out}");
    let (code, _, _) = recgate(&[
        "verify-signature",
        "--key",
        s(&other_pub),
        "--key",
        s(&public),
        s(&acme),
        s(&sig),
    ]);
    assert_eq!(code, 0);
    let (code, out, _) = recgate(&[
        "verify-signature",
        "--key",
        s(&public),
        "--minimum-serial",
        "42",
        s(&acme),
        s(&sig),
    ]);
    assert_eq!((code, out.contains("stale")), (1, true), "{out}");

    // The policy edited after signing: hash_mismatch; an invalid policy: 1 as in `validate`.
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&acme).unwrap()).unwrap();
    doc["revision"] = Value::from("edited");
    let edited = dir.join("edited.json");
    std::fs::write(&edited, doc.to_string()).unwrap();
    let (code, out, _) = recgate(&["verify-signature", "--key", s(&public), s(&edited), s(&sig)]);
    assert_eq!((code, out.contains("hash_mismatch")), (1, true), "{out}");
    let invalid = dir.join("invalid.json");
    std::fs::write(
        &invalid,
        r#"{"schema":"recgate/v1","roles":{"r":{"grants":[{"permission":"nope"}]}}}"#,
    )
    .unwrap();
    assert_eq!(recgate(&["sign", "--key", s(&key), s(&invalid)]).0, 1);
    assert_eq!(
        recgate(&[
            "verify-signature",
            "--key",
            s(&public),
            s(&invalid),
            s(&sig)
        ])
        .0,
        1
    );

    // What cannot run: 2.
    assert_eq!(
        recgate(&["verify-signature", "--key", s(&key), s(&acme), s(&sig)]).0,
        2,
        "a secret key is no public key"
    );
    assert_eq!(
        recgate(&["verify-signature", s(&acme), s(&sig)]).0,
        2,
        "no trusted key"
    );
    assert_eq!(
        recgate(&["sign", "--key", s(&public), s(&acme)]).0,
        2,
        "a public key cannot sign"
    );
    assert_eq!(
        recgate(&["sign", "--key", s(&key), s(&acme), "--serial", "-3"]).0,
        2
    );
    assert_eq!(
        recgate(&[
            "sign",
            "--key",
            s(&key),
            s(&acme),
            "--serial",
            "9007199254740992"
        ])
        .0,
        2
    );
    assert_eq!(
        recgate(&[
            "verify-signature",
            "--key",
            s(&public),
            s(&acme),
            s(&dir.join("missing.sig"))
        ])
        .0,
        2
    );
}

#[test]
fn sign_without_out_prints_the_envelope_and_defaults_the_serial_to_the_clock() {
    let dir = scratch("stdout");
    let key = dir.join("k.pem");
    assert_eq!(recgate(&["keygen", "--out", s(&key)]).0, 0);
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let (code, out, _) = recgate(&[
        "sign",
        "--key",
        s(&key),
        s(&repo().join("examples/acme.json")),
    ]);
    assert_eq!(code, 0);
    let envelope: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(envelope["format"], "recgate-signature/v1");
    let serial = envelope["serial"].as_u64().unwrap();
    assert!(
        serial >= before && serial <= before + 60,
        "{serial} vs {before}"
    );
}
