//! How many cases a property test runs. CI's `cargo test` runs each property
//! with the count its test names; the mutation run (`scripts/mutants.sh`)
//! builds and tests hundreds of mutants and caps every property at
//! `RECGATE_PROPTEST_CASES` cases, so that a mutant the fast tests miss costs
//! seconds rather than minutes (RELIABILITY.md, Mutation testing). Seeds stay
//! proptest's own: `PROPTEST_RNG_SEED` fixes them (the mutation run does), so
//! a capped run draws the same cases every time.

use proptest::test_runner::Config as ProptestConfig;

/// The configuration of a property test that names `cases`: that many, or
/// `RECGATE_PROPTEST_CASES` when it is set to a smaller positive number; no
/// failure files (a failure prints its case, and CI's clone is thrown away).
pub fn property_config(cases: u32) -> ProptestConfig {
    let cap = std::env::var("RECGATE_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|&c| c > 0)
        .unwrap_or(u32::MAX);
    ProptestConfig {
        cases: cases.min(cap),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}
