//! Reaching deployments by name: the ssh_config `Host <name>.spheron` blocks, the one `Include`
//! line that brings them into `~/.ssh/config`, and the options every connection of ours uses
//! (probes and tunnels pass the same options with `-o`, so they never depend on the file).
//! Pure: `runtime::ssh_config` reads and writes the files.

use std::path::{Path, PathBuf};

use crate::api::{Deployment, SshKey};
use crate::domain::ssh::{SshTarget, ssh_target};
use crate::domain::ssh_key::fingerprint;

/// What every alias ends with, so it never clashes with a `Host` of the user's own.
pub const ALIAS_SUFFIX: &str = ".spheron";

/// Where our SSH files live: the generated Host file, our own known_hosts (instances come and
/// go and their host keys must not pile up in the user's), the ControlMaster sockets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshPaths {
    pub generated: PathBuf,
    pub known_hosts: PathBuf,
    pub control_dir: PathBuf,
    /// The user's `~/.ssh/config`.
    pub user_config: PathBuf,
}

impl SshPaths {
    /// `~/.spheron/ssh/{config,known_hosts,control}` and `~/.ssh/config`.
    pub fn under(home: &Path) -> SshPaths {
        let ours = home.join(".spheron").join("ssh");
        SshPaths {
            generated: ours.join("config"),
            known_hosts: ours.join("known_hosts"),
            control_dir: ours.join("control"),
            user_config: home.join(".ssh").join("config"),
        }
    }
}

/// One deployment reachable by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostEntry {
    /// `<name>.spheron`.
    pub alias: String,
    pub deployment_id: String,
    pub target: SshTarget,
    /// The private key next to the local `~/.ssh/*.pub` that is the deployment's key.
    pub identity_file: Option<PathBuf>,
}

/// The Host entries of every active deployment that has an address, sorted by alias, and a
/// note for each name shared by several deployments (those get the start of their id added).
/// `local_keys` are the `~/.ssh/*.pub` as `(path, text)`.
pub fn entries(
    deployments: &[Deployment],
    local_keys: &[(String, String)],
    account_keys: &[SshKey],
) -> (Vec<HostEntry>, Vec<String>) {
    let reachable: Vec<(&Deployment, SshTarget)> = deployments
        .iter()
        .filter(|d| d.status.is_active())
        .filter_map(|d| Some((d, ssh_target(d).ok()?)))
        .collect();
    let base = |d: &Deployment| {
        let name = sanitize(&d.name);
        if name.is_empty() {
            sanitize(&d.id)
        } else {
            name
        }
    };
    let mut notes = Vec::new();
    let mut out: Vec<HostEntry> = reachable
        .iter()
        .map(|(d, target)| {
            let name = base(d);
            let shared = reachable.iter().filter(|(o, _)| base(o) == name).count() > 1;
            let alias = if shared {
                let short: String = sanitize(&d.id).chars().take(8).collect();
                notes.push(format!(
                    "{count} deployments are named {name:?}: {name}-{short}{ALIAS_SUFFIX} is {id}",
                    count = reachable.iter().filter(|(o, _)| base(o) == name).count(),
                    id = d.id
                ));
                format!("{name}-{short}{ALIAS_SUFFIX}")
            } else {
                format!("{name}{ALIAS_SUFFIX}")
            };
            HostEntry {
                alias,
                deployment_id: d.id.clone(),
                target: target.clone(),
                identity_file: identity_file(d, local_keys, account_keys),
            }
        })
        .collect();
    out.sort_by(|a, b| a.alias.cmp(&b.alias));
    (out, notes)
}

/// The alias of one deployment among `deployments` (what `entries` names it).
pub fn alias_of(deployments: &[Deployment], id: &str) -> Option<String> {
    let (entries, _) = entries(deployments, &[], &[]);
    entries
        .into_iter()
        .find(|e| e.deployment_id == id)
        .map(|e| e.alias)
}

/// The private key whose `.pub` is in `~/.ssh` and on the account as the deployment's key.
fn identity_file(
    d: &Deployment,
    local_keys: &[(String, String)],
    account_keys: &[SshKey],
) -> Option<PathBuf> {
    let key_id = d.ssh_key_id.as_deref()?;
    let account = account_keys.iter().find(|k| k.id == key_id)?;
    let fp = account
        .public_key
        .as_deref()
        .and_then(fingerprint)
        .or_else(|| account.fingerprint.clone())?;
    let (path, _) = local_keys
        .iter()
        .find(|(_, text)| fingerprint(text).as_deref() == Some(fp.as_str()))?;
    Some(PathBuf::from(path.strip_suffix(".pub").unwrap_or(path)))
}

/// A name reduced to what an ssh_config `Host` pattern takes literally: letters, digits, `.`,
/// `_` and `-` (anything else becomes `-`), never starting with `-` or `.`.
pub fn sanitize(name: &str) -> String {
    let mapped: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    mapped.trim_start_matches(['-', '.']).to_string()
}

/// The ssh_config options of a connection to `e`, in the order written.
pub fn options(e: &HostEntry, paths: &SshPaths) -> Vec<(&'static str, String)> {
    let mut o = vec![
        ("HostName", e.target.host.clone()),
        ("Port", e.target.port.to_string()),
        ("User", e.target.user.clone()),
    ];
    if let Some(id) = &e.identity_file {
        o.push(("IdentityFile", path_value(id)));
    }
    o.extend([
        ("IdentitiesOnly", "yes".to_string()),
        // Host keys are remembered per deployment, so an address given again to another
        // instance is a new host, not a changed key.
        (
            "HostKeyAlias",
            format!("{}{ALIAS_SUFFIX}", sanitize(&e.deployment_id)),
        ),
        ("UserKnownHostsFile", path_value(&paths.known_hosts)),
        ("StrictHostKeyChecking", "accept-new".to_string()),
    ]);
    o
}

/// The same options as `-o Keyword=value` arguments.
pub fn option_args(e: &HostEntry, paths: &SshPaths) -> Vec<String> {
    options(e, paths)
        .into_iter()
        .flat_map(|(k, v)| ["-o".to_string(), format!("{k}={v}")])
        .collect()
}

/// A path as an ssh_config value: `%` doubled (ssh expands `%` tokens in these keywords), in
/// double quotes when it holds whitespace.
pub fn path_value(p: &Path) -> String {
    let s = p.display().to_string().replace('%', "%%");
    if s.chars().any(char::is_whitespace) {
        format!("\"{s}\"")
    } else {
        s
    }
}

/// The text of the generated file.
pub fn render(entries: &[HostEntry], paths: &SshPaths) -> String {
    let mut s = String::from(
        "# Written by spheron-tui: one Host block per deployment that has an address.\n\
         # `spheron-tui ssh-config --write` writes it and the dashboard keeps it current;\n\
         # edits here are overwritten. `spheron-tui ssh-config --remove` takes it out.\n",
    );
    for e in entries {
        s.push_str(&format!("\nHost {}\n", e.alias));
        for (k, v) in options(e, paths) {
            s.push_str(&format!("    {k} {v}\n"));
        }
    }
    s
}

/// The one line added at the top of `~/.ssh/config`.
pub fn include_line(generated: &Path) -> String {
    format!("Include {}", path_value(generated))
}

/// `existing` with `line` added as its first line, or `None` when it already has it (anywhere:
/// a user who moved it keeps it where it is). Every other byte is kept.
pub fn with_include(existing: &[u8], line: &str) -> Option<Vec<u8>> {
    if lines(existing).any(|l| is_line(l, line)) {
        return None;
    }
    let mut out = format!("{line}\n").into_bytes();
    out.extend_from_slice(existing);
    Some(out)
}

/// `existing` without `line` (every copy, each with its line ending), or `None` when it has
/// none. Every other byte is kept.
pub fn without_include(existing: &[u8], line: &str) -> Option<Vec<u8>> {
    if !lines(existing).any(|l| is_line(l, line)) {
        return None;
    }
    Some(
        lines(existing)
            .filter(|l| !is_line(l, line))
            .flatten()
            .copied()
            .collect(),
    )
}

/// The lines of `bytes`, each with its `\n` (the last may have none).
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split_inclusive(|b| *b == b'\n')
}

fn is_line(l: &[u8], line: &str) -> bool {
    l.trim_ascii() == line.as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;
    use serde_json::json;

    fn dep(v: serde_json::Value) -> Deployment {
        decode(v).unwrap()
    }

    fn paths() -> SshPaths {
        SshPaths::under(Path::new("/home/ada"))
    }

    #[test]
    fn one_block_per_active_deployment_with_an_address() {
        let deps = [
            dep(
                json!({"id": "d1", "name": "llm-finetune", "status": "running",
                "ipAddress": "1.2.3.4", "user": "ubuntu", "sshPort": 2222}),
            ),
            dep(json!({"id": "d2", "name": "coming", "status": "deploying"})),
            dep(
                json!({"id": "d3", "name": "gone", "status": "terminated", "ipAddress": "5.6.7.8"}),
            ),
            dep(
                json!({"id": "d4", "name": "my box #2", "status": "running", "ipAddress": "9.9.9.9"}),
            ),
        ];
        let (e, notes) = entries(&deps, &[], &[]);
        let aliases: Vec<&str> = e.iter().map(|e| e.alias.as_str()).collect();
        assert_eq!(aliases, ["llm-finetune.spheron", "my-box--2.spheron"]);
        assert!(notes.is_empty());
        let text = render(&e, &paths());
        assert!(text.contains(
            "Host llm-finetune.spheron\n    HostName 1.2.3.4\n    Port 2222\n    User ubuntu\n    IdentitiesOnly yes\n    HostKeyAlias d1.spheron\n    UserKnownHostsFile /home/ada/.spheron/ssh/known_hosts\n"
        ), "{text}");
        assert_eq!(alias_of(&deps, "d4").as_deref(), Some("my-box--2.spheron"));
    }

    #[test]
    fn shared_names_get_the_start_of_their_id() {
        let deps = [
            dep(
                json!({"id": "aaaaaaaa1111", "name": "job", "status": "running", "ipAddress": "1.1.1.1"}),
            ),
            dep(
                json!({"id": "bbbbbbbb2222", "name": "job", "status": "running", "ipAddress": "2.2.2.2"}),
            ),
            dep(json!({"id": "c3", "name": "", "status": "running", "ipAddress": "3.3.3.3"})),
        ];
        let (e, notes) = entries(&deps, &[], &[]);
        let aliases: Vec<&str> = e.iter().map(|e| e.alias.as_str()).collect();
        assert_eq!(
            aliases,
            ["c3.spheron", "job-aaaaaaaa.spheron", "job-bbbbbbbb.spheron"]
        );
        assert_eq!(notes.len(), 2, "{notes:?}");
    }

    #[test]
    fn the_identity_is_the_local_key_the_account_holds_for_the_deployment() {
        use crate::domain::ssh_key::sample_key;
        let ed = sample_key("ssh-ed25519", "ada@laptop");
        let rsa = sample_key("ssh-rsa", "ada@desk");
        let local = [
            ("/home/ada/.ssh/id_rsa.pub".to_string(), rsa.clone()),
            ("/home/ada/.ssh/work key.pub".to_string(), ed.clone()),
        ];
        let account: Vec<SshKey> = vec![
            decode(json!({"id": "k1", "name": "laptop", "publicKey": ed})).unwrap(),
            decode(json!({"id": "k2", "name": "other", "fingerprint": "SHA256:nothing-local"}))
                .unwrap(),
        ];
        let deps = [
            dep(
                json!({"id": "d1", "name": "a", "status": "running", "ipAddress": "1.1.1.1", "sshKeyId": "k1"}),
            ),
            dep(
                json!({"id": "d2", "name": "b", "status": "running", "ipAddress": "1.1.1.2", "sshKeyId": "k2"}),
            ),
            dep(json!({"id": "d3", "name": "c", "status": "running", "ipAddress": "1.1.1.3"})),
        ];
        let (e, _) = entries(&deps, &local, &account);
        assert_eq!(
            e[0].identity_file.as_deref(),
            Some(Path::new("/home/ada/.ssh/work key"))
        );
        assert_eq!(e[1].identity_file, None);
        assert_eq!(e[2].identity_file, None);
        let text = render(&e, &paths());
        assert!(
            text.contains("    IdentityFile \"/home/ada/.ssh/work key\"\n"),
            "{text}"
        );
        let args = option_args(&e[0], &paths());
        assert!(args.contains(&"IdentityFile=\"/home/ada/.ssh/work key\"".to_string()));
    }

    #[test]
    fn percent_signs_in_paths_are_doubled() {
        assert_eq!(path_value(Path::new("/h/100%/k")), "/h/100%%/k");
    }

    #[test]
    fn the_include_goes_first_once_and_comes_out_byte_for_byte() {
        let line = include_line(Path::new("/home/ada/.spheron/ssh/config"));
        assert_eq!(line, "Include /home/ada/.spheron/ssh/config");
        let user = b"Host work\r\n  HostName w.example\r\n# no newline at the end".to_vec();
        let added = with_include(&user, &line).unwrap();
        assert!(added.starts_with(b"Include /home/ada/.spheron/ssh/config\n"));
        assert!(added.ends_with(&user));
        assert_eq!(with_include(&added, &line), None, "idempotent");
        assert_eq!(without_include(&added, &line).unwrap(), user);
        assert_eq!(without_include(&user, &line), None);
        assert_eq!(
            with_include(b"", &line).unwrap(),
            format!("{line}\n").into_bytes()
        );
        // moved by the user: left where it is, and taken out from there
        let moved = format!("Host a\n  User b\n\n  {line}  \n").into_bytes();
        assert_eq!(with_include(&moved, &line), None);
        assert_eq!(
            without_include(&moved, &line).unwrap(),
            b"Host a\n  User b\n\n"
        );
    }

    #[test]
    fn names_are_reduced_to_literal_patterns() {
        assert_eq!(sanitize("llm-finetune"), "llm-finetune");
        assert_eq!(sanitize("a*b?c!d,e f"), "a-b-c-d-e-f");
        assert_eq!(sanitize("-oProxyCommand=x"), "oProxyCommand-x");
        assert_eq!(sanitize("..x"), "x");
    }
}
