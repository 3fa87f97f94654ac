//! OpenSSH public keys, checked before they are sent (`POST /api/ssh-keys`). A private key
//! pasted by mistake is refused loudly and never leaves the machine.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Key types the platform takes.
pub const KEY_TYPES: &[&str] = &[
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
];

/// Why a pasted text is not a public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    /// It is (part of) a PRIVATE key: never send it, never keep it on screen.
    PrivateKey,
    Empty,
    Invalid(String),
}

impl std::fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyProblem::PrivateKey => f.write_str(
                "THIS IS A PRIVATE KEY — it was NOT sent and has been cleared. Paste the .pub file (one line starting ssh-ed25519, ssh-rsa, ecdsa-…), and keep the private key secret.",
            ),
            KeyProblem::Empty => f.write_str("paste a public key or pick one of ~/.ssh/*.pub"),
            KeyProblem::Invalid(why) => f.write_str(why),
        }
    }
}

/// A checked public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub kind: String,
    pub comment: Option<String>,
    /// `type body [comment]` on one line, as it will be sent.
    pub line: String,
}

/// Whether `text` looks like a private key (OpenSSH, PEM, PKCS#8 or PuTTY).
pub fn looks_private(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    upper.contains("PRIVATE KEY")
        || upper.contains("PUTTY-USER-KEY-FILE")
        || upper.contains("-----BEGIN")
        // the base64 of "openssh-key-v1", how an OpenSSH private key body starts
        || text.contains("b3BlbnNzaC1rZXktdjE")
}

/// Check an OpenSSH public key line: a known type, a base64 body that decodes and whose embedded
/// type string matches, an optional comment.
pub fn check_public_key(text: &str) -> Result<PublicKey, KeyProblem> {
    if looks_private(text) {
        return Err(KeyProblem::PrivateKey);
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(KeyProblem::Empty);
    }
    if text.lines().count() > 1 {
        return Err(KeyProblem::Invalid(
            "a public key is one line: paste a single key".into(),
        ));
    }
    let mut parts = text.split_whitespace();
    let kind = parts.next().unwrap_or_default();
    if !KEY_TYPES.contains(&kind) {
        return Err(KeyProblem::Invalid(format!(
            "`{}` is not a key type the platform takes ({})",
            kind.chars().take(40).collect::<String>(),
            KEY_TYPES.join(", ")
        )));
    }
    let body = parts
        .next()
        .ok_or_else(|| KeyProblem::Invalid(format!("{kind} needs its base64 body")))?;
    let bytes = STANDARD
        .decode(body)
        .map_err(|_| KeyProblem::Invalid("the key body is not valid base64".into()))?;
    let embedded = embedded_type(&bytes)
        .ok_or_else(|| KeyProblem::Invalid("the key body is truncated".into()))?;
    if embedded != kind {
        return Err(KeyProblem::Invalid(format!(
            "the key says {kind} but its body is a {embedded} key"
        )));
    }
    let rest: Vec<&str> = parts.collect();
    let comment = (!rest.is_empty()).then(|| rest.join(" "));
    let line = match &comment {
        Some(c) => format!("{kind} {body} {c}"),
        None => format!("{kind} {body}"),
    };
    Ok(PublicKey {
        kind: kind.to_string(),
        comment,
        line,
    })
}

/// The OpenSSH fingerprint of a public key line (`SHA256:` and the unpadded base64 of the
/// SHA-256 of its blob), as `ssh-keygen -l` and the platform show it; `None` when the line is
/// not a readable public key.
pub fn fingerprint(text: &str) -> Option<String> {
    use sha2::{Digest, Sha256};
    let key = check_public_key(text).ok()?;
    let body = key.line.split_whitespace().nth(1)?;
    let blob = STANDARD.decode(body).ok()?;
    let hash = Sha256::digest(&blob);
    Some(format!(
        "SHA256:{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(hash)
    ))
}

/// The type string at the start of a key blob (u32 big-endian length, then the name).
fn embedded_type(bytes: &[u8]) -> Option<String> {
    let len = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    if len == 0 || len > 64 {
        return None;
    }
    let name = bytes.get(4..4 + len)?;
    String::from_utf8(name.to_vec()).ok()
}

/// A syntactically valid key of `kind` (test and demo helper): the blob holds the type string
/// and `n` bytes of key material.
pub fn sample_key(kind: &str, n: usize, comment: &str) -> String {
    let mut blob = (kind.len() as u32).to_be_bytes().to_vec();
    blob.extend_from_slice(kind.as_bytes());
    blob.extend_from_slice(&(n as u32).to_be_bytes());
    blob.extend((0..n).map(|i| (i * 7 + 3) as u8));
    format!("{kind} {} {comment}", STANDARD.encode(blob))
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_sha256_of_the_blob_as_ssh_keygen_prints_it() {
        // ssh-keygen -lf of this key prints this fingerprint
        let key =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
        assert_eq!(
            fingerprint(key).as_deref(),
            Some("SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU")
        );
        assert_eq!(fingerprint("not a key"), None);
    }

    #[test]
    fn every_accepted_type_passes_with_and_without_comment() {
        for kind in KEY_TYPES {
            let k = check_public_key(&sample_key(kind, 32, "me@laptop")).unwrap();
            assert_eq!(
                (k.kind.as_str(), k.comment.as_deref()),
                (*kind, Some("me@laptop"))
            );
            let k = check_public_key(&format!("  {}\n", sample_key(kind, 32, ""))).unwrap();
            assert_eq!(k.comment, None);
        }
    }

    #[test]
    fn refusals() {
        let ed = sample_key("ssh-ed25519", 32, "x");
        let body = ed.split(' ').nth(1).unwrap();
        let cases = [
            ("", "paste a public key"),
            ("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "not a key type"),
            ("ssh-ed25519", "needs its base64 body"),
            ("ssh-ed25519 !!!notbase64", "not valid base64"),
            ("ssh-ed25519 AAAA", "truncated"),
            (&format!("ssh-rsa {body}"), "body is a ssh-ed25519 key"),
            (&format!("{ed}\n{ed}"), "one line"),
        ];
        for (text, why) in cases {
            let e = check_public_key(text).unwrap_err().to_string();
            assert!(e.contains(why), "{text:?}: {e}");
        }
    }

    #[test]
    fn private_keys_are_refused_loudly() {
        for text in [
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA",
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
            "PuTTY-User-Key-File-3: ssh-ed25519",
        ] {
            let e = check_public_key(text).unwrap_err();
            assert_eq!(e, KeyProblem::PrivateKey);
            assert!(e.to_string().contains("PRIVATE KEY"));
            assert!(e.to_string().contains("NOT sent"));
        }
    }
}
