//! A real OpenSSH server on a loopback port, standing in for a GPU instance: its own host key,
//! the test's key in its `authorized_keys`, logins as the user running the tests, and on the
//! `PATH` of every session a `nvidia-smi` stand-in that prints a scripted sequence of readings
//! (one step per call, the last step repeated), and an `ls` stand-in that, once a test scripts
//! it, lists that number of terminal sessions in `/dev/pts` (the "instance" shares this
//! machine's `/dev/pts`, where other terminals come and go); otherwise it is the real `ls`.
//!
//! Without `sshd` or `ssh-keygen` the test fails with what to install: it never skips.
//! `.ci/run` installs `openssh-server` and `openssh-client`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Where Debian and most systems put the daemon (it is rarely on a user's `PATH`).
const SSHD_PLACES: [&str; 3] = ["/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd"];

pub struct Sshd {
    dir: TempDir,
    pub port: u16,
    /// The login user: whoever runs the tests.
    pub user: String,
    child: Child,
    log_path: PathBuf,
}

/// The daemon's path; panics with what to install when it is missing.
pub fn sshd_path() -> PathBuf {
    if let Some(p) = SSHD_PLACES.iter().map(Path::new).find(|p| p.exists()) {
        return p.to_path_buf();
    }
    if let Ok(out) = Command::new("sh").args(["-c", "command -v sshd"]).output()
        && out.status.success()
    {
        return PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    }
    panic!(
        "sshd not found (looked in {SSHD_PLACES:?} and on PATH): these tests need a real OpenSSH \
         server; install it (Debian: apt-get install openssh-server openssh-client; .ci/run does)"
    );
}

/// Run a tool that must exist; panics loudly with its output otherwise.
pub fn run_tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!(
            "{program} could not run ({e}): install openssh-client (apt-get install openssh-client)"
        )
    });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn keygen(path: &Path) {
    let p = path.to_str().unwrap();
    run_tool(
        "ssh-keygen",
        &[
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "test@spheron-tui",
            "-f",
            p,
        ],
    );
}

fn current_user() -> String {
    run_tool("id", &["-un"]).trim().to_string()
}

/// The `nvidia-smi` stand-in: records its arguments, then prints step N of `seq` (one line per
/// GPU, GPUs separated by `|`), or fails with `FAIL:reason` on stderr.
const NVIDIA_SMI: &str = r#"#!/bin/sh
dir="$(dirname "$0")/../gpu"
echo "$*" >> "$dir/args"
n=$(cat "$dir/count" 2>/dev/null || echo 0)
echo $((n + 1)) > "$dir/count"
total=$(grep -c '' "$dir/seq")
i=$((n + 1))
[ "$i" -gt "$total" ] && i=$total
line=$(sed -n "${i}p" "$dir/seq")
case "$line" in
  FAIL:*) echo "${line#FAIL:}" >&2; exit 9 ;;
esac
printf '%s\n' "$line" | tr '|' '\n'
"#;

/// The `ls` stand-in: once `gpu/sessions` exists, `/dev/pts` lists `ptmx` and that many session
/// entries; any other call is the real `ls`.
const LS: &str = r#"#!/bin/sh
dir="$(dirname "$0")/../gpu"
if [ "$#" = 1 ] && [ "$1" = /dev/pts ] && [ -f "$dir/sessions" ]; then
  echo ptmx
  n=$(cat "$dir/sessions" 2>/dev/null || echo 0)
  i=0
  while [ "$i" -lt "$n" ]; do echo "$i"; i=$((i + 1)); done
  exit 0
fi
for real in /bin/ls /usr/bin/ls; do
  [ -x "$real" ] && exec "$real" "$@"
done
echo "ls stand-in: no real ls" >&2
exit 127
"#;

impl Sshd {
    /// Generate the keys, write the config and start `sshd -D` on a free loopback port. The
    /// GPU sequence starts as one idle GPU (`0, 0, 81920`).
    pub fn start() -> Sshd {
        let sshd = sshd_path();
        let dir = tempfile::Builder::new()
            .prefix("sshd-")
            .tempdir()
            .expect("temp dir");
        let root = dir.path();
        for sub in ["bin", "gpu", "client"] {
            std::fs::create_dir_all(root.join(sub)).unwrap();
        }
        keygen(&root.join("host_key"));
        keygen(&root.join("client/id_ed25519"));
        std::fs::copy(
            root.join("client/id_ed25519.pub"),
            root.join("authorized_keys"),
        )
        .unwrap();
        write_exec(&root.join("bin/nvidia-smi"), NVIDIA_SMI);
        write_exec(&root.join("bin/ls"), LS);
        std::fs::write(root.join("gpu/seq"), "0, 0, 81920\n").unwrap();
        if is_root() {
            // The privilege-separation directory a root sshd insists on (a service manager
            // usually makes it).
            let _ = std::fs::create_dir_all("/run/sshd");
        }
        let user = current_user();
        // A port picked free can be taken before sshd binds it: then sshd exits, and another
        // port is tried.
        for _ in 0..5 {
            let port = free_port();
            let config = root.join("sshd_config");
            std::fs::write(&config, sshd_config(root, port)).unwrap();
            // The log goes straight to a file: a line sshd wrote before a session ran is
            // there when the client returns.
            let log_path = root.join("sshd.log");
            let log_file = std::fs::File::create(&log_path).unwrap();
            let mut child = Command::new(&sshd)
                .args(["-D", "-e", "-f"])
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log_file)
                .spawn()
                .unwrap_or_else(|e| panic!("{} could not start: {e}", sshd.display()));
            // Wait for sshd to say it listens, or to exit (a failed bind).
            let deadline = Instant::now() + Duration::from_secs(30);
            let exited = loop {
                let said = std::fs::read_to_string(&log_path).unwrap_or_default();
                if said.contains("Server listening on") {
                    break None;
                }
                if let Some(status) = child.try_wait().unwrap() {
                    break Some((status, said));
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    panic!("sshd did not listen within 30 s:\n{said}");
                }
                std::thread::sleep(Duration::from_millis(10));
            };
            match exited {
                None => {
                    return Sshd {
                        dir,
                        port,
                        user,
                        child,
                        log_path,
                    };
                }
                Some((_, said))
                    if said.contains("Address already in use") || said.contains("Cannot bind") =>
                {
                    continue;
                }
                Some((status, said)) => panic!("sshd did not start ({status}):\n{said}"),
            }
        }
        panic!("sshd found no free loopback port in 5 tries");
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The private key the server accepts.
    pub fn client_key(&self) -> PathBuf {
        self.dir.path().join("client/id_ed25519")
    }

    pub fn client_pub(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("client/id_ed25519.pub")).unwrap()
    }

    /// The readings `nvidia-smi` gives from now on, one step per call (`"87, 40000, 81920"`;
    /// several GPUs joined by `|`; `"FAIL:reason"` fails). The count of calls starts again.
    pub fn script_gpu(&self, steps: &[&str]) {
        let gpu = self.dir.path().join("gpu");
        std::fs::write(gpu.join("seq"), format!("{}\n", steps.join("\n"))).unwrap();
        let _ = std::fs::remove_file(gpu.join("count"));
    }

    /// The terminal sessions the instance has open from now on (until then, the real
    /// `/dev/pts` of this machine is counted).
    pub fn script_sessions(&self, n: u32) {
        std::fs::write(self.dir.path().join("gpu/sessions"), format!("{n}\n")).unwrap();
    }

    /// How many times `nvidia-smi` ran, and the arguments of each call.
    pub fn gpu_calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("gpu/args"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Everything sshd logged so far (LogLevel VERBOSE: connections, logins, sessions).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    /// Logins accepted, and sessions (command or shell channels) started.
    pub fn counts(&self) -> (usize, usize) {
        let log = self.log();
        (
            log.matches("Accepted publickey").count(),
            log.matches("Starting session:").count(),
        )
    }

    /// `ssh` to the server with the test's key and a private known_hosts, no user config.
    pub fn ssh(&self) -> Command {
        let mut c = Command::new("ssh");
        c.args(self.client_options())
            .arg("-p")
            .arg(self.port.to_string())
            .arg(format!("{}@127.0.0.1", self.user));
        c
    }

    /// Options that make a client reach this server alone: no user config, the test's key,
    /// a known_hosts of its own, no questions.
    pub fn client_options(&self) -> Vec<String> {
        let known = self.dir.path().join("client/known_hosts");
        vec![
            "-F".into(),
            "none".into(),
            "-o".into(),
            "BatchMode=yes".into(),
            "-o".into(),
            "IdentitiesOnly=yes".into(),
            "-i".into(),
            self.client_key().display().to_string(),
            "-o".into(),
            format!("UserKnownHostsFile={}", known.display()),
            "-o".into(),
            "StrictHostKeyChecking=accept-new".into(),
            "-o".into(),
            "LogLevel=ERROR".into(),
        ]
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sshd_config(root: &Path, port: u16) -> String {
    let r = root.display();
    // PATH: the stand-ins first. StrictModes off: the files live under the system's
    // world-writable temporary directory.
    format!(
        "Port {port}\n\
         ListenAddress 127.0.0.1\n\
         HostKey {r}/host_key\n\
         PidFile {r}/sshd.pid\n\
         AuthorizedKeysFile {r}/authorized_keys\n\
         StrictModes no\n\
         PubkeyAuthentication yes\n\
         PasswordAuthentication no\n\
         KbdInteractiveAuthentication no\n\
         UsePAM no\n\
         PermitRootLogin prohibit-password\n\
         AllowTcpForwarding yes\n\
         MaxSessions 20\n\
         Subsystem sftp internal-sftp\n\
         SetEnv PATH={r}/bin:/usr/local/bin:/usr/bin:/bin\n\
         LogLevel VERBOSE\n"
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    run_tool("id", &["-u"]).trim() == "0"
}

fn write_exec(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
