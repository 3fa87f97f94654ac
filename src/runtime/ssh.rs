//! An SSH session in the user's terminal: the dashboard gives the terminal back, runs `ssh`
//! directly (no shell: the argv comes from `domain::ssh::ssh_argv`, already checked), waits,
//! and takes the terminal again.

use std::io::Write;

use crate::terminal::TerminalGuard;

/// Run `argv` with the terminal handed over; the exit code (None: ended by a signal), or why
/// it could not start. The caller must not be reading terminal events meanwhile.
pub async fn run(guard: &mut TerminalGuard, argv: &[String]) -> Result<Option<i32>, String> {
    let Some((program, args)) = argv.split_first() else {
        return Err("empty ssh command".into());
    };
    guard.suspend();
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "spheron-tui: {} — the dashboard comes back when the session ends",
        argv.join(" ")
    );
    let _ = out.flush();
    let status = tokio::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::inherit())
        .stdout(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .status()
        .await;
    let resumed = guard.resume();
    let result = status.map(|s| s.code()).map_err(|e| e.to_string());
    match resumed {
        Ok(()) => result,
        Err(e) => Err(format!("could not take the terminal back: {e}")),
    }
}
