//! The `ssh` argv for a deployment, run directly (no shell), so nothing the API sends can become
//! a shell command or an ssh option.

use crate::api::Deployment;

/// Where a deployment's SSH server is and who logs in: every way of reaching it (the `ssh`
/// argv, the ssh_config block, probes, tunnels) is built from this one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTarget {
    pub user: String,
    pub host: String,
    pub port: u16,
}

/// The deployment's SSH target (see [`ssh_argv`] for the rule); refuses values that could be
/// read as options or split into several arguments.
pub fn ssh_target(d: &Deployment) -> Result<SshTarget, String> {
    let argv = ssh_argv(d)?;
    let (user, host) = argv[3]
        .rsplit_once('@')
        .ok_or_else(|| format!("refusing to run ssh: no user in {:?}", argv[3]))?;
    Ok(SshTarget {
        user: user.to_string(),
        host: host.to_string(),
        port: argv[2]
            .parse()
            .map_err(|_| format!("bad port {}", argv[2]))?,
    })
}

/// `["ssh", "-p", PORT, "USER@HOST"]` from `user`, `ipAddress` and the login port (`sshPort`,
/// else the external port `portForwards` maps to 22), falling back to what `sshCommand` says
/// (then to `ubuntu` and 22). Refuses values that could be read as options or split into
/// several arguments.
pub fn ssh_argv(d: &Deployment) -> Result<Vec<String>, String> {
    let (cmd_user, cmd_host, cmd_port) = parse_ssh_command(d.ssh_command.as_deref().unwrap_or(""));
    let host = d
        .ip_address
        .clone()
        .filter(|h| !h.trim().is_empty())
        .or(cmd_host)
        .ok_or_else(|| format!("{} has no IP address yet", label(d)))?;
    let user = d
        .user
        .clone()
        .filter(|u| !u.trim().is_empty())
        .or(cmd_user)
        .unwrap_or_else(|| "ubuntu".to_string());
    let port = d.login_port().or(cmd_port).unwrap_or(22);
    check_word("host", &host)?;
    check_word("user", &user)?;
    if user.contains('@') {
        return Err(format!(
            "refusing to run ssh: the user {user:?} contains '@'"
        ));
    }
    if !(1..=65_535).contains(&port) {
        return Err(format!("refusing to run ssh: port {port} is out of range"));
    }
    Ok(vec![
        "ssh".to_string(),
        "-p".to_string(),
        port.to_string(),
        format!("{user}@{host}"),
    ])
}

/// Host and port of the SSH service, for the readiness probe.
pub fn ssh_endpoint(d: &Deployment) -> Option<(String, u16)> {
    let t = ssh_target(d).ok()?;
    Some((t.host, t.port))
}

fn label(d: &Deployment) -> &str {
    if d.name.is_empty() { &d.id } else { &d.name }
}

fn check_word(what: &str, v: &str) -> Result<(), String> {
    if v.is_empty() {
        return Err(format!("refusing to run ssh: the {what} is empty"));
    }
    if v.starts_with('-') {
        return Err(format!(
            "refusing to run ssh: the {what} {v:?} starts with '-'"
        ));
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "refusing to run ssh: the {what} {v:?} contains spaces or control characters"
        ));
    }
    Ok(())
}

/// `ssh [-p PORT] USER@HOST` → its parts, when it has that shape.
fn parse_ssh_command(cmd: &str) -> (Option<String>, Option<String>, Option<u32>) {
    let words: Vec<&str> = cmd.split_whitespace().collect();
    let mut port = None;
    let mut target = None;
    let mut i = 1;
    while i < words.len() {
        match words[i] {
            "-p" => {
                port = words.get(i + 1).and_then(|p| p.parse().ok());
                i += 2;
                continue;
            }
            w if !w.starts_with('-') && w.contains('@') => target = Some(w),
            _ => {}
        }
        i += 1;
    }
    match target.and_then(|t| t.split_once('@')) {
        Some((u, h)) => (Some(u.to_string()), Some(h.to_string()), port),
        None => (None, None, port),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;
    use serde_json::json;

    fn dep(v: serde_json::Value) -> Deployment {
        decode(v).unwrap()
    }

    #[test]
    fn argv_from_fields() {
        let d = dep(json!({"ipAddress": "1.2.3.4", "user": "ubuntu", "sshPort": 2222}));
        assert_eq!(
            ssh_argv(&d).unwrap(),
            ["ssh", "-p", "2222", "ubuntu@1.2.3.4"]
        );
        assert_eq!(ssh_endpoint(&d), Some(("1.2.3.4".to_string(), 2222)));
        let d = dep(json!({"ipAddress": "1.2.3.4"}));
        assert_eq!(ssh_argv(&d).unwrap(), ["ssh", "-p", "22", "ubuntu@1.2.3.4"]);
    }

    #[test]
    fn without_ssh_port_the_port_forwarded_to_22_and_the_deployments_user() {
        let d = dep(
            json!({"ipAddress": "1.2.3.4", "user": "root", "sshPort": null,
            "portForwards": [{"external": 8080, "internal": 80},
                             {"external": 30022, "internal": 22}]}),
        );
        assert_eq!(
            ssh_argv(&d).unwrap(),
            ["ssh", "-p", "30022", "root@1.2.3.4"]
        );
        assert_eq!(
            d.ssh_command().as_deref(),
            Some("ssh -p 30022 root@1.2.3.4")
        );
        assert_eq!(ssh_endpoint(&d), Some(("1.2.3.4".to_string(), 30022)));
        // the deployment's own user and port beat what an `sshCommand` says
        let d = dep(json!({"ipAddress": "1.2.3.4", "user": "ubuntu",
            "sshCommand": "ssh -p 2200 root@1.2.3.4",
            "portForwards": [{"external": 30022, "internal": 22}]}));
        assert_eq!(
            ssh_argv(&d).unwrap(),
            ["ssh", "-p", "30022", "ubuntu@1.2.3.4"]
        );
    }

    #[test]
    fn argv_from_the_ssh_command_when_fields_are_missing() {
        let d = dep(json!({"sshCommand": "ssh -p 2200 root@5.6.7.8"}));
        assert_eq!(ssh_argv(&d).unwrap(), ["ssh", "-p", "2200", "root@5.6.7.8"]);
    }

    #[test]
    fn option_injection_and_spaces_are_refused() {
        for v in [
            json!({"ipAddress": "-oProxyCommand=evil", "user": "u"}),
            json!({"ipAddress": "1.2.3.4", "user": "-oProxyCommand=x"}),
            json!({"ipAddress": "1.2.3.4 -v", "user": "u"}),
            json!({"ipAddress": "1.2.3.4", "user": "a b"}),
            json!({"ipAddress": "1.2.3.4", "user": "a@b"}),
            json!({"ipAddress": "1.2.3.4", "sshPort": 70000}),
            json!({"name": "x", "status": "deploying"}),
        ] {
            assert!(ssh_argv(&dep(v.clone())).is_err(), "{v}");
        }
    }
}
