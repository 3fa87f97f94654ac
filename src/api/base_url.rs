//! The base-URL check (docs/api-rules.md, "Key and base URL"): the key is sent only to `https://app.spheron.ai` or to a
//! loopback address. Everything else is refused before any connection is made.

use std::net::{IpAddr, Ipv6Addr};

use reqwest::Url;

use super::error::ApiError;

/// The one remote host the key may be sent to.
pub const SPHERON_HOST: &str = "app.spheron.ai";
pub const DEFAULT_API_URL: &str = "https://app.spheron.ai";

/// Check a base URL; return it parsed, or say why it is refused.
pub fn check_base_url(input: &str) -> Result<Url, ApiError> {
    let refuse = |reason: &str| ApiError::Refused {
        url: shown(input),
        reason: reason.to_string(),
    };
    let url = Url::parse(input.trim()).map_err(|e| refuse(&format!("not a valid URL ({e})")))?;
    let scheme = url.scheme();
    if scheme != "https" && scheme != "http" {
        return Err(refuse("only http and https URLs are accepted"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "a URL with user information (user@host) is not accepted",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("give the base URL without a query or fragment"));
    }
    if url.path() != "/" && !url.path().is_empty() {
        return Err(refuse(
            "give the base URL without a path (e.g. https://app.spheron.ai)",
        ));
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(refuse("the URL has no host"));
    };
    let ip = host_ip(host);
    if is_loopback_host(host) {
        return Ok(url);
    }
    if ip.is_some() || !host.eq_ignore_ascii_case(SPHERON_HOST) {
        return Err(refuse(
            "that host is not app.spheron.ai and not a loopback address",
        ));
    }
    if scheme != "https" {
        return Err(refuse("app.spheron.ai must be reached over https"));
    }
    if url.port().is_some() {
        return Err(refuse(
            "app.spheron.ai is only accepted on the default https port",
        ));
    }
    Ok(url)
}

fn host_ip(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .ok()
}

/// `127.0.0.0/8`, `[::1]` or `localhost`.
fn is_loopback_host(host: &str) -> bool {
    match host_ip(host) {
        Some(IpAddr::V4(ip)) => ip.is_loopback(),
        Some(IpAddr::V6(ip)) => ip == Ipv6Addr::LOCALHOST,
        None => host.eq_ignore_ascii_case("localhost"),
    }
}

/// Whether an instance at `host` may be contacted (its SSH readiness, its GPU use) when the API
/// it came from is `api_host` (a [`host_label`]): one on loopback (this machine, such as a
/// test's sshd), or any instance the Spheron API reports. Behind any other API (a local
/// `demo-server`, a test server) addresses are made up, some of them strangers' hosts: never
/// contacted. SSH readiness and GPU-use probes both ask this, and only this.
pub fn may_contact_instance(api_host: &str, host: &str) -> bool {
    is_loopback_host(host) || api_host == SPHERON_HOST
}

/// The route guard: whether requests to `url` may go through a proxy at all. Never for a
/// loopback host or plain http (a proxy would see the key in clear); for https the client uses
/// a proxy only as a CONNECT tunnel, which carries the TLS stream and nothing readable.
pub fn may_use_proxy(url: &Url) -> bool {
    url.scheme() == "https" && !url.host_str().is_none_or(is_loopback_host)
}

/// "app.spheron.ai" or "127.0.0.1:4567": the host (and a non-default port) for the header bar.
pub fn host_label(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// The URL as the user typed it, without any user information (which could hold a secret).
fn shown(input: &str) -> String {
    let s = input.trim();
    let s = match Url::parse(s) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            format!("{u} (user information removed)")
        }
        _ => s.to_string(),
    };
    s.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_are_contacted_behind_the_spheron_api_or_on_loopback_only() {
        for host in ["65.108.32.14", "gpu-7.example.com", "127.0.0.1", "::1"] {
            assert!(may_contact_instance(SPHERON_HOST, host), "{host}");
        }
        for api in ["127.0.0.1:4567", "localhost:80", "[::1]:9"] {
            for host in ["127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost"] {
                assert!(may_contact_instance(api, host), "{api} {host}");
            }
            for host in [
                "65.108.32.14",
                "38.140.17.203",
                "gpu-7.example.com",
                "10.0.0.5",
            ] {
                assert!(!may_contact_instance(api, host), "{api} {host}");
            }
        }
    }

    #[test]
    fn accepts_spheron_and_loopback_only() {
        for ok in [
            "https://app.spheron.ai",
            "https://app.spheron.ai/",
            "https://APP.Spheron.ai:443",
            "http://127.0.0.1:1234",
            "https://127.9.9.9",
            "http://localhost:9",
            "http://[::1]:80",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://evil.example.com",
            "http://10.1.2.3",
            "http://app.spheron.ai",
            "https://app.spheron.ai.evil.com",
            "https://app.spheron.ai@evil.com",
            "https://user:pw@app.spheron.ai",
            "https://app.spheron.ai:8443",
            "https://app.spheron.ai/api",
            "ftp://127.0.0.1",
            "app.spheron.ai",
            "http://0.0.0.0:80",
            "http://[::ffff:10.0.0.1]",
            "https://app.spheron.ai?x=1",
        ] {
            let e = check_base_url(bad).unwrap_err();
            assert!(matches!(e, ApiError::Refused { .. }), "{bad}");
        }
    }

    #[test]
    fn refusal_never_echoes_a_password() {
        let e = check_base_url("https://me:secret@evil.com").unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
    }

    #[test]
    fn labels() {
        let u = check_base_url("https://app.spheron.ai").unwrap();
        assert_eq!(host_label(&u), "app.spheron.ai");
        let u = check_base_url("http://127.0.0.1:4567").unwrap();
        assert_eq!(host_label(&u), "127.0.0.1:4567");
        let u = check_base_url("http://[::1]:8080").unwrap();
        assert_eq!(host_label(&u), "[::1]:8080");
    }
}
