//! OpenSSH public keys: parsed with the `ssh-key` crate (type, body, length), fingerprinted as
//! `ssh-keygen -l` prints them (`SHA256:` + base64 without padding). One check serves the client
//! (before `POST /api/ssh-keys` or a deploy) and the demo server (when it answers that POST).
//! A private key pasted by mistake is refused loudly and never leaves the machine.

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

/// RSA keys shorter than this are refused (OpenSSH's own floor for new keys).
pub const MIN_RSA_BITS: usize = 2048;

/// What to do instead, said with every refusal of a private key.
pub const PASTE_PUB_INSTEAD: &str = "THIS IS A PRIVATE KEY — it was NOT sent, NOT shown and NOT kept. Paste the .pub file instead (one line starting ssh-ed25519, ssh-rsa, ecdsa-…), and keep the private key secret.";

/// The same, short enough for the status bar.
pub const PASTE_PUB_INSTEAD_SHORT: &str =
    "Private key refused, not kept: paste the .pub file instead";

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
            KeyProblem::PrivateKey => f.write_str(PASTE_PUB_INSTEAD),
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
    /// `SHA256:…` as `ssh-keygen -l` prints it.
    pub fingerprint: String,
}

impl PublicKey {
    /// `ssh-ed25519 SHA256:… comment`: how a key is drawn (never its body).
    pub fn summary(&self) -> String {
        match &self.comment {
            Some(c) => format!("{} {} {c}", self.kind, self.fingerprint),
            None => format!("{} {}", self.kind, self.fingerprint),
        }
    }
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

/// What a paste is, decided before it reaches any state. `Debug` shows the length of a text,
/// not the text (a pasted API key goes through here too).
#[derive(Clone, PartialEq, Eq)]
pub enum Pasted {
    /// A private key: its text is dropped here and goes nowhere.
    PrivateKey,
    /// Anything else, to be inserted as it is.
    Text(String),
}

impl std::fmt::Debug for Pasted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Pasted::PrivateKey => f.write_str("PrivateKey"),
            Pasted::Text(t) => write!(f, "Text(<{} chars>)", t.chars().count()),
        }
    }
}

impl Pasted {
    /// Classify pasted `text`; a private key keeps none of its text.
    pub fn classify(text: String) -> Pasted {
        if looks_private(&text) {
            Pasted::PrivateKey
        } else {
            Pasted::Text(text)
        }
    }
}

/// Check an OpenSSH public key line: a type the platform takes, a body the `ssh-key` crate
/// parses whole (so a truncated key is refused) whose embedded type matches, an optional comment.
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
    if let Some(embedded) = embedded_type(&bytes)
        && embedded != kind
    {
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
    let parsed = ssh_key::PublicKey::from_openssh(&line).map_err(|e| {
        KeyProblem::Invalid(format!(
            "the {kind} key body is truncated, damaged or too short ({e})"
        ))
    })?;
    if let Some(rsa) = parsed.key_data().rsa() {
        let bits = rsa.n.as_positive_bytes().map_or(0, |b| b.len() * 8);
        if bits < MIN_RSA_BITS {
            return Err(KeyProblem::Invalid(format!(
                "this ssh-rsa key is too short ({bits} bits): use at least {MIN_RSA_BITS}, or ssh-ed25519"
            )));
        }
    }
    Ok(PublicKey {
        kind: kind.to_string(),
        comment,
        line,
        fingerprint: parsed.fingerprint(ssh_key::HashAlg::Sha256).to_string(),
    })
}

/// The `SHA256:` fingerprint of a public key line, when it is one.
pub fn fingerprint(text: &str) -> Option<String> {
    check_public_key(text).ok().map(|k| k.fingerprint)
}

/// A `~/.ssh/*.pub` that holds a valid key, and the account key with the same fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalKey {
    /// The file name (`id_ed25519.pub`).
    pub file: String,
    pub fingerprint: String,
    /// The id of the account's key with this fingerprint, if there is one.
    pub on_account: Option<String>,
}

/// Match the local `(path, content)` public keys with the account's keys by fingerprint. An
/// account key's fingerprint is computed from its `publicKey` when it has one, else the API's
/// is taken. Files that hold no valid key are left out.
pub fn match_local_keys(
    local: &[(String, String)],
    account: &[crate::api::SshKey],
) -> Vec<LocalKey> {
    let account_fps: Vec<(String, &str)> = account
        .iter()
        .filter_map(|k| {
            let fp = k
                .public_key
                .as_deref()
                .and_then(fingerprint)
                .or_else(|| k.fingerprint.clone())?;
            Some((fp, k.id.as_str()))
        })
        .collect();
    local
        .iter()
        .filter_map(|(path, content)| {
            let fp = fingerprint(content)?;
            let file = std::path::Path::new(path)
                .file_name()
                .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
            let on_account = account_fps
                .iter()
                .find(|(f, _)| *f == fp)
                .map(|(_, id)| id.to_string());
            Some(LocalKey {
                file,
                fingerprint: fp,
                on_account,
            })
        })
        .collect()
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

/// Real keys made with `ssh-keygen` (tests, benches, demo data), with the comment replaced.
/// `kind` is `ssh-ed25519`, `ssh-rsa` or `ecdsa-sha2-nistp256`; anything else gets the ed25519
/// key.
pub fn sample_key(kind: &str, comment: &str) -> String {
    let body = match kind {
        "ssh-rsa" => samples::RSA.1,
        "ecdsa-sha2-nistp256" => samples::ECDSA.1,
        _ => samples::ED25519.1,
    };
    let kind = if KEY_TYPES[..3].contains(&kind) {
        kind
    } else {
        "ssh-ed25519"
    };
    format!("{kind} {body} {comment}").trim_end().to_string()
}

/// Fixed keys and what `ssh-keygen -l -f` printed for each: (type, body, fingerprint).
pub mod samples {
    pub const ED25519: (&str, &str, &str) = (
        "ssh-ed25519",
        "AAAAC3NzaC1lZDI1NTE5AAAAICQYLPaIOgCkzvA9E0mLdQaGcltGwYO9+LYtaEjV3QnT",
        "SHA256:cvmVAVQHC0+5kXaFnlpDQh8POUpsgdcDDlegcQi83pE",
    );
    pub const RSA: (&str, &str, &str) = (
        "ssh-rsa",
        "AAAAB3NzaC1yc2EAAAADAQABAAABgQCuoGdYSVb0pWQAsccClNb+mLpDLgne7wLMYpm1JgboD89o1kCta/hIymUkk3OHkvFJoHZQlLjKFG2l9uTTCSI9lJt/BL5e5Nw4wLlOuJGSunjIbZxTUrH3MwQ428vyAeDKFBAc5df0yLN3mjtTQO7M5ga1P0//UJryCq6CBtiOjCZiTxLrWjgdjCY4gVmkzpUabFyMPftI7m0td9xOvOkNJJLwlP69cx4SerTKnNy2gvQFBgCT/CFIgF98QKXn15XgxQjTft+jXlaTZXqv0s6YugEuMBC8z1/iGCtH0//519sogkh5XMlcgusP5BVyMEvKUlDe8T9/DCajlES0h6DfJjaQSzqerkDAJHCUB89Q4loOWFN5bcGYTpnLr6VtqSXZjgaImddzDj863s109dxf2ZtUUv+9YsoENzsE02UQFjNqiqS3aA0N1szGIobQq7VrEuZGUg/sBV5DWiWW0caOyUpiPZRToLk1daa68FnjmvuCdobKPT9d58cLRtz7Ayk=",
        "SHA256:h09BCVidKuwABGyEXD3chMyqnuICF/L9QqhROTsjsQw",
    );
    pub const ECDSA: (&str, &str, &str) = (
        "ecdsa-sha2-nistp256",
        "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBGpKKOT/OK5nuSJHhVdtEMJPyQhwSqAmVYBnpyvOCmL4D+LwW9E2vByLaW+L/Gwhy5HYR/OHkNJI3KCJHNJ8Ico=",
        "SHA256:BAH1xEYnPhxDk6a0FPLKC5sKkx7+9QzdtQKRIHEVnxA",
    );
    /// A 1024-bit RSA key (`SHA256:ZgcBrFks52JGvHjPoaXnRCmUjolhUjR1FRMlpvdkNzA`): too short.
    pub const RSA_1024: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQCeIWlSZ1bCS7pJST1pMA4hM6IDTspSduSbTCZrCJlKc+QEnRQ/EcQ7c9RJvVxycnWGonaFSMvG2M2cKc9qhvPNF6x6W5EZqp/+9U/usTW3Ig4CFR5j1K/Ks0vkJhSDkKFn4E7FEyrZMp1j3nl8p/Q/AG28VJtyv3jR+fiTO7+9VQ== weak";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_match_ssh_keygen() {
        for (kind, body, fp) in [samples::ED25519, samples::RSA, samples::ECDSA] {
            let k = check_public_key(&format!("{kind} {body} me@laptop")).unwrap();
            assert_eq!(k.fingerprint, fp, "{kind}");
            assert_eq!(k.kind, kind);
            assert_eq!(k.comment.as_deref(), Some("me@laptop"));
            assert_eq!(k.summary(), format!("{kind} {fp} me@laptop"));
            let k = check_public_key(&format!("  {kind} {body}\n")).unwrap();
            assert_eq!((k.comment, k.fingerprint.as_str()), (None, fp));
        }
        assert_eq!(
            fingerprint(&sample_key("ssh-ed25519", "x")).as_deref(),
            Some(samples::ED25519.2)
        );
    }

    #[test]
    fn refusals() {
        let ed = sample_key("ssh-ed25519", "x");
        let body = samples::ED25519.1;
        let cases = [
            ("", "paste a public key"),
            ("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "not a key type"),
            ("ssh-ed25519", "needs its base64 body"),
            ("ssh-ed25519 !!!notbase64", "not valid base64"),
            ("ssh-ed25519 AAAA", "truncated"),
            (&format!("ssh-rsa {body}"), "body is a ssh-ed25519 key"),
            (&format!("{ed}\n{ed}"), "one line"),
            (samples::RSA_1024, "too short"),
        ];
        for (text, why) in cases {
            let e = check_public_key(text).unwrap_err().to_string();
            assert!(e.contains(why), "{text:?}: {e}");
        }
    }

    #[test]
    fn truncated_keys_are_refused() {
        for (kind, body, _) in [samples::ED25519, samples::RSA, samples::ECDSA] {
            // Cut at a base64 quantum, so the body still decodes, just shorter.
            let cut = &body[..(body.len() - 8) / 4 * 4];
            let e = check_public_key(&format!("{kind} {cut} me")).unwrap_err();
            assert!(e.to_string().contains("truncated"), "{kind}: {e}");
        }
        // The body of the example: the type string and no key material.
        assert!(check_public_key("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5").is_err());
    }

    #[test]
    fn local_keys_are_matched_to_the_account_by_fingerprint() {
        let key = |v: serde_json::Value| -> crate::api::SshKey { crate::api::decode(v).unwrap() };
        let account = vec![
            // by its public key (the API's fingerprint is wrong here, and ignored)
            key(
                serde_json::json!({"id": "k1", "publicKey": sample_key("ssh-rsa", "x"), "fingerprint": "SHA256:nope"}),
            ),
            // by the API's fingerprint alone
            key(serde_json::json!({"id": "k2", "fingerprint": samples::ECDSA.2})),
        ];
        let local = vec![
            (
                "/h/.ssh/id_rsa.pub".to_string(),
                sample_key("ssh-rsa", "me"),
            ),
            (
                "/h/.ssh/id_ecdsa.pub".to_string(),
                sample_key("ecdsa-sha2-nistp256", ""),
            ),
            (
                "/h/.ssh/id_ed25519.pub".to_string(),
                sample_key("ssh-ed25519", "me"),
            ),
            (
                "/h/.ssh/broken.pub".to_string(),
                "ssh-ed25519 AAAA".to_string(),
            ),
        ];
        let m = match_local_keys(&local, &account);
        let got: Vec<(&str, Option<&str>)> = m
            .iter()
            .map(|l| (l.file.as_str(), l.on_account.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("id_rsa.pub", Some("k1")),
                ("id_ecdsa.pub", Some("k2")),
                ("id_ed25519.pub", None)
            ]
        );
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
            assert!(e.to_string().contains(".pub"));
            assert_eq!(Pasted::classify(text.to_string()), Pasted::PrivateKey);
        }
        assert_eq!(
            Pasted::classify("h100\n".into()),
            Pasted::Text("h100\n".into())
        );
    }
}
