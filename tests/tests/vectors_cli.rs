//! The conformance vectors through the CLI (`recgate test --slices
//! --coverage`), as a test of this crate, so that the mutation run
//! (`scripts/mutants.sh`) counts them: the CLI is built from the same tree
//! (the mutated core, under cargo-mutants) and run on `tests/vectors/*.json`
//! and the contract's vectors (`RECGATE_SPEC_VECTORS`, default
//! `../shared/spec/vectors` beside the repository). Ignored by a plain
//! `cargo test`: CI's conformance stage runs the release CLI on the same
//! files, and building it a second time here would only cost time; the
//! mutation run asks for it with `--include-ignored`.
#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a test: a panic is a failure with its message"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == "json"));
    out.sort();
    out
}

#[test]
#[ignore = "run by scripts/mutants.sh; CI's conformance stage runs the same vectors"]
fn every_vector_passes_through_the_cli_with_slices_and_full_coverage() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // A target directory of its own: the `cargo test` running this holds the lock on the usual one.
    let target = root.join("target").join("vectors-cli");
    let release = !cfg!(debug_assertions);
    let mut build = Command::new(&cargo);
    build
        .args([
            "build",
            "-q",
            "-p",
            "recgate-cli",
            "--bin",
            "recgate",
            "--target-dir",
        ])
        .arg(&target);
    if release {
        build.arg("--release");
    }
    let status = build.status().expect("cargo runs");
    assert!(status.success(), "building the CLI failed");
    let cli = target
        .join(if release { "release" } else { "debug" })
        .join("recgate");
    let spec = std::env::var_os("RECGATE_SPEC_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("..").join("shared").join("spec").join("vectors"));
    let ours = json_files(&root.join("tests").join("vectors"));
    let theirs = json_files(&spec);
    assert!(ours.len() >= 3, "no vectors in tests/vectors");
    assert!(
        !theirs.is_empty(),
        "no contract vectors in {} (set RECGATE_SPEC_VECTORS)",
        spec.display()
    );
    let out = Command::new(&cli)
        .arg("test")
        .args(&ours)
        .args(&theirs)
        .args(["--slices", "--coverage"])
        .output()
        .expect("the CLI runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "recgate test failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(" 0 failed"), "unexpected summary:\n{text}");
}
