//! `recgate keygen`, `sign` and `verify-signature`: detached Ed25519
//! signatures over a policy's content hash (docs/signing.md, the
//! `recgate-sign` crate). Exit codes as everywhere: 0 done (or the signature
//! holds), 1 the answer is no (an invalid policy, a signature refused), 2
//! the command could not run (usage, a file that cannot be read or written,
//! a key that is not an Ed25519 key).

use crate::out::outln;
use std::io::Write;
use std::process::ExitCode;

use recgate_sign::{freshness, Freshness, SecretKey, SignatureEnvelope, TrustedKeys};

use crate::args::{policy_or_exit, read, Args};

/// `recgate keygen --out KEY.pem [--public-out PUB.pem] [--format text|json]`.
pub fn keygen(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["out", "public-out", "format"], &[])?;
    let json = args.json()?;
    if !args.positional.is_empty() {
        return Err("keygen takes no positional argument (use --out KEY.pem)".into());
    }
    let out = args.required("out")?;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no random source: {e}"))?;
    let secret = SecretKey::from_seed(&seed);
    seed.fill(0);
    write_new(out, secret.to_pem().as_bytes(), true)?;
    let public = secret.verifying_key();
    if let Some(p) = args.value("public-out") {
        write_new(p, public.to_pem().as_bytes(), false)?;
    }
    if json {
        outln!(
            "{}",
            serde_json::json!({ "secretKey": out, "publicKey": public.to_base64(), "keyId": public.id(), "publicKeyFile": args.value("public-out") })
        );
    } else {
        outln!("wrote {out}: an Ed25519 signing key (keep it secret)");
        outln!("public key: {}", public.to_base64());
        outln!("key id:     {}", public.id());
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a file that must not exist yet (a key is never overwritten); a
/// secret one is readable by its owner only.
fn write_new(path: &str, bytes: &[u8], secret: bool) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| format!("cannot create {path}: {e}"))?;
    file.write_all(bytes)
        .map_err(|e| format!("cannot write {path}: {e}"))
}

/// `recgate sign --key KEY.pem POLICY [--serial N] [--out SIG] [--format text|json]`.
pub fn sign(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["key", "serial", "out", "format"], &[])?;
    let json = args.json()?;
    let path = args.one("POLICY")?;
    let key_path = args.required("key")?;
    let secret = SecretKey::from_text(&read(key_path)?)
        .map_err(|e| format!("{key_path}: not an Ed25519 secret key: {e}"))?;
    let serial = match args.value("serial") {
        Some(s) => s
            .parse::<u64>()
            .map_err(|_| format!("--serial \"{s}\" is not a non-negative integer"))?,
        // Seconds since the epoch: rises with every signing without a counter to keep.
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_secs(),
    };
    let policy = match policy_or_exit(path, json)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let envelope = secret
        .sign(policy.content_hash(), serial)
        .ok_or_else(|| format!("--serial {serial} is over 2^53 - 1"))?;
    let text = envelope.to_json();
    match args.value("out") {
        Some(out) => {
            std::fs::write(out, format!("{text}\n"))
                .map_err(|e| format!("cannot write {out}: {e}"))?;
            if json {
                outln!("{text}");
            } else {
                outln!(
                    "signed {path} (revision {}, hash {}) with key {}, serial {serial}: {out}",
                    policy.revision(),
                    envelope.content_hash,
                    envelope.key_id
                );
            }
        }
        None => outln!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `recgate verify-signature --key PUB [--key PUB2 …] POLICY SIG [--minimum-serial N] [--format text|json]`.
pub fn verify_signature(argv: &[String]) -> Result<ExitCode, String> {
    let args = Args::parse(argv, &["key", "minimum-serial", "format"], &[])?;
    let json = args.json()?;
    let [path, sig_path] = args.positional.as_slice() else {
        return Err("verify-signature needs POLICY and SIG".into());
    };
    let key_files = args.values("key");
    if key_files.is_empty() {
        return Err("--key is required (a trusted public key; repeat it to trust several)".into());
    }
    let mut texts = Vec::new();
    for k in &key_files {
        texts.push(read(k)?);
    }
    let trusted = TrustedKeys::parse(texts.iter().map(String::as_str)).map_err(|(i, e)| {
        format!(
            "{}: not an Ed25519 public key: {e}",
            key_files.get(i).copied().unwrap_or("--key")
        )
    })?;
    let minimum = match args.value("minimum-serial") {
        Some(s) => s
            .parse::<u64>()
            .map_err(|_| format!("--minimum-serial \"{s}\" is not a non-negative integer"))?,
        None => 0,
    };
    let sig_text = read(sig_path)?;
    let policy = match policy_or_exit(path, json)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let verdict = SignatureEnvelope::from_json(sig_text.trim())
        .and_then(|e| trusted.verify(&e, policy.content_hash()))
        .map_err(|e| (e.word(), e.to_string()))
        .and_then(|v| match freshness(None, minimum, &v) {
            Freshness::Stale => Err((
                Freshness::STALE,
                format!("serial {} is below the minimum {minimum}", v.serial),
            )),
            _ => Ok(v),
        });
    match &verdict {
        Ok(v) if json => outln!(
            "{}",
            serde_json::json!({ "valid": true, "keyId": v.key_id, "serial": v.serial, "contentHash": v.content_hash, "revision": policy.revision() })
        ),
        Ok(v) => outln!(
            "{path}: signature valid (key {}, serial {}, revision {}, hash {})",
            v.key_id,
            v.serial,
            policy.revision(),
            v.content_hash
        ),
        Err((word, message)) if json => outln!(
            "{}",
            serde_json::json!({ "valid": false, "reason": word, "message": message, "contentHash": policy.content_hash() })
        ),
        Err((word, message)) => outln!("{path}: signature refused: {word}: {message}"),
    }
    Ok(if verdict.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
