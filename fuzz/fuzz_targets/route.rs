//! Fuzz target: path normalisation, query reading and route matching of the
//! Envoy filter. Never panics; a normalised path is canonical (normalising it
//! again changes nothing) and never contains a dot segment, a backslash, a
//! `;` or an encoded separator.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recgate_proxy::path::normalize;
use recgate_proxy::routes::{default_routes, find};

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    let routes = default_routes();
    if let Ok(canon) = normalize(raw) {
        let again = normalize(&canon.path).expect("a canonical path normalises");
        assert_eq!(again.path, canon.path, "normalisation is idempotent");
        assert!(!canon.path.split('/').any(|s| s == "." || s == ".."), "no dot segments");
        assert!(!canon.path.contains('\\') && !canon.path.contains(';'), "no backslash, no path parameter");
        let lower = canon.path.to_ascii_lowercase();
        assert!(!lower.contains("%2f") && !lower.contains("%2e") && !lower.contains("%5c") && !lower.contains("%3b"), "no encoded separators");
        for m in ["GET", "DELETE", "PUT", "POST", "get"] {
            let _ = find(&routes, m, &canon);
        }
    }
});
