//! Exit statuses (README, "Running"), in one place for every command: 0 done; 1 the API or the
//! network failed, or a write was refused (the reason on stderr); 2 usage; 3 the outcome of a
//! write is unknown; 124 a wait timed out; 130 after SIGINT or Ctrl-C; 143 after SIGTERM; 129
//! after SIGHUP; 131 after SIGQUIT; 101 after a panic. The terminal is restored before any of
//! them is returned.

use std::process::ExitCode;

pub const OK: u8 = 0;
/// The API or the network failed (or anything else went wrong at run time).
pub const FAILURE: u8 = 1;
/// Bad flags or arguments, a refused URL: nothing was sent.
pub const USAGE: u8 = 2;
/// A write was sent, its answer was lost, and what it did could not be settled: check before
/// retrying.
pub const UNKNOWN: u8 = 3;
/// A wait ran out of time (as `timeout(1)` reports it).
pub const TIMED_OUT: u8 = 124;
/// 128 + SIGINT, as a shell reports a process ended by Ctrl-C.
pub const INTERRUPTED: u8 = 130;
/// 128 + SIGTERM.
pub const TERMINATED: u8 = 143;
/// 128 + SIGHUP: the terminal went away.
pub const HUNG_UP: u8 = 129;
/// 128 + SIGQUIT.
pub const QUIT: u8 = 131;
/// A panic: a bug (the report is on stderr), with the code Rust uses when a panic ends `main`.
pub const PANIC: u8 = 101;

/// The exit-code table as `--help` and the README show it.
pub const HELP: &str = "Exit codes:\n  \
    0    done\n  \
    1    the API or the network failed, or a write was refused (the reason is on stderr)\n  \
    2    usage: a bad flag, argument or URL, or a write without --yes and no terminal (nothing was sent)\n  \
    3    the outcome is unknown: a write's answer was lost and could not be settled; check before retrying\n  \
    124  a wait timed out\n  \
    130  interrupted: SIGINT or Ctrl-C\n  \
    143  terminated: SIGTERM\n  \
    129  hung up: SIGHUP (the terminal went away)\n  \
    131  quit: SIGQUIT\n  \
    101  a bug: the program panicked (the report is on stderr)";

/// How a run that did not fail ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The work was done, or the user quit (`q`).
    Done,
    /// SIGINT, or Ctrl-C pressed in the dashboard.
    Interrupted,
    /// SIGTERM.
    Terminated,
    /// SIGHUP.
    HungUp,
    /// SIGQUIT.
    Quit,
}

impl Ending {
    pub fn code(self) -> u8 {
        match self {
            Ending::Done => OK,
            Ending::Interrupted => INTERRUPTED,
            Ending::Terminated => TERMINATED,
            Ending::HungUp => HUNG_UP,
            Ending::Quit => QUIT,
        }
    }
}

impl From<Ending> for ExitCode {
    fn from(e: Ending) -> ExitCode {
        ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_help_agree() {
        assert_eq!(Ending::Done.code(), 0);
        assert_eq!(Ending::Interrupted.code(), 128 + 2);
        assert_eq!(Ending::Terminated.code(), 128 + 15);
        assert_eq!(Ending::HungUp.code(), 128 + 1);
        assert_eq!(Ending::Quit.code(), 128 + 3);
        for code in [
            OK,
            FAILURE,
            USAGE,
            UNKNOWN,
            TIMED_OUT,
            INTERRUPTED,
            TERMINATED,
            HUNG_UP,
            QUIT,
            PANIC,
        ] {
            assert!(
                HELP.contains(&format!("  {code} ")),
                "{code} missing from the help"
            );
        }
    }
}
