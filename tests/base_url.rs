//! The base-URL check at the client's door: refused URLs never produce a client (so no
//! connection can be attempted); loopback and https://app.spheron.ai are accepted.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use spheron_tui::api::{ApiError, Client};
use spheron_tui::credentials::ApiKey;

#[test]
fn refused_urls_never_become_a_client() {
    for url in [
        "https://evil.example.com",
        "http://10.1.2.3",
        "http://app.spheron.ai",
        "https://app.spheron.ai.evil.com",
        "https://app.spheron.ai@evil.com",
        "https://app.spheron.ai:8443",
        "https://app.spheron.ai@127.0.0.1",
        "not a url",
    ] {
        let e = Client::new(url, Some(ApiKey::new("sai_pk_guard_test_0000000000"))).unwrap_err();
        match &e {
            ApiError::Refused { reason, .. } => assert!(!reason.is_empty()),
            other => panic!("{url}: {other:?}"),
        }
        assert!(e.is_local());
        assert!(e.to_string().contains("app.spheron.ai"), "{e}");
    }
}

/// Hosts that are almost app.spheron.ai, or almost loopback: each is refused. All are tried
/// before asserting, so a regression names every case it lets through.
#[test]
fn look_alike_hosts_are_refused() {
    let accepted: Vec<&str> = [
        "https://spheron.ai",
        "https://x.app.spheron.ai",
        "https://evilspheron.ai",
        "https://app.spheron.ai.",
        "https://app.spheron.ai./",
        // Cyrillic "а" (U+0430) for the Latin "a": the URL parser turns it into punycode.
        "https://\u{430}pp.spheron.ai",
        "https://app.sph\u{0435}ron.ai",
        "http://localhost.evil.com",
        "https://localhost.evil.com",
        "http://127.0.0.1.evil.com",
    ]
    .into_iter()
    .filter(|url| {
        let e = match Client::new(url, Some(ApiKey::new("sai_pk_guard_test_0000000000"))) {
            Ok(_) => return true,
            Err(e) => e,
        };
        assert!(matches!(e, ApiError::Refused { .. }), "{url}: {e:?}");
        false
    })
    .collect();
    assert!(accepted.is_empty(), "accepted look-alikes: {accepted:?}");
}

#[test]
fn loopback_and_spheron_are_accepted() {
    for (url, label) in [
        ("http://127.0.0.1:1234", "127.0.0.1:1234"),
        ("http://localhost:9", "localhost:9"),
        ("http://[::1]:80", "[::1]"),
        ("https://app.spheron.ai", "app.spheron.ai"),
    ] {
        let c = Client::new(url, None).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(c.host_label(), label, "{url}");
        assert!(c.base_url().starts_with(url.split(':').next().unwrap()));
    }
}
