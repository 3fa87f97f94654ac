//! Terminal setup and restore: raw mode, alternate screen, mouse, bracketed paste. Restored on quit, on error
//! (the guard's `Drop`), on panic (the hook calls [`restore`]) and around an SSH session.

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Whether the dashboard currently owns the terminal.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Whether the dashboard captures the mouse (config `mouse`; default on).
static MOUSE: AtomicBool = AtomicBool::new(true);

/// `false`: leave the mouse to the terminal, so its own text selection works.
pub fn set_mouse(on: bool) {
    MOUSE.store(on, Ordering::SeqCst);
}

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Owns the terminal while the dashboard runs; restores it when dropped.
pub struct TerminalGuard {
    /// Always there; taken out only when the guard is dropped ([`retire`]).
    terminal: Option<Term>,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        take_over()?;
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(TerminalGuard {
            terminal: Some(terminal),
        })
    }

    /// The terminal to draw on.
    pub fn terminal(&mut self) -> &mut Term {
        self.terminal
            .as_mut()
            .expect("the terminal is taken only on drop")
    }

    /// Give the terminal back (for an SSH session); call [`TerminalGuard::resume`] after.
    pub fn suspend(&mut self) {
        restore();
    }

    pub fn resume(&mut self) -> io::Result<()> {
        take_over()?;
        // A fresh `Terminal` has blank buffers, so the next draw repaints everything.
        // (`Terminal::clear` first asks the terminal for the cursor position; right after the
        // child that query can fail, and then nothing was cleared or redrawn.)
        execute!(io::stdout(), Clear(ClearType::All))?;
        let fresh = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        if let Some(old) = self.terminal.replace(fresh) {
            retire(old);
        }
        Ok(())
    }
}

/// `Ctrl-Z`: in raw mode it arrives as a key, not as the terminal's stop signal.
pub fn is_suspend_key(k: &crossterm::event::KeyEvent) -> bool {
    k.code == crossterm::event::KeyCode::Char('z')
        && k.modifiers
            .contains(crossterm::event::KeyModifiers::CONTROL)
}

/// What is printed on the main screen as the dashboard stops.
pub const STOPPED_LINE: &str = "spheron-tui: stopped — `fg` brings the dashboard back. While it is \
     stopped its spend guard and price watches do not run (`spheron-tui guard run` does).";

impl TerminalGuard {
    /// `Ctrl-Z`: give the terminal back, stop like any terminal program (SIGTSTP, so the shell
    /// shows the job as stopped), and take the terminal again when continued (`fg`); the next
    /// draw repaints everything.
    pub fn stop_until_continued(&mut self) -> io::Result<()> {
        self.suspend();
        let mut out = io::stdout();
        let _ = writeln!(out, "{STOPPED_LINE}");
        let _ = out.flush();
        // SIGTSTP keeps its default action (stop): nothing here installs a handler for it.
        // `raise` returns once the process is continued.
        // SAFETY: raise has no memory-safety preconditions.
        unsafe {
            libc::raise(libc::SIGTSTP);
        }
        self.resume()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        if let Some(t) = self.terminal.take() {
            retire(t);
        }
    }
}

/// Let go of a `Terminal` whose terminal may be gone. Its own drop shows the cursor and, when
/// that fails, prints to stderr, which panics when stderr was that terminal too (its window
/// closed): the panic would end the program before its orderly stop (tunnels closed, the spend
/// guard's lock given up). The cursor is shown here instead; when that fails the terminal is
/// gone, and the `Terminal` is forgotten rather than dropped.
fn retire(mut t: Term) {
    if t.show_cursor().is_err() {
        std::mem::forget(t);
    }
}

fn take_over() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        // A paste arrives as one event, not as keys (its newlines would be Enter).
        EnableBracketedPaste,
        cursor::Hide
    )?;
    if !MOUSE.load(Ordering::SeqCst) {
        execute!(io::stdout(), DisableMouseCapture)?;
    }
    Ok(())
}

/// Put the terminal back the way the user had it. Safe to call more than once, and from the
/// panic hook; does nothing when the dashboard never took the terminal.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = execute!(
            out,
            DisableBracketedPaste,
            DisableMouseCapture,
            LeaveAlternateScreen,
            cursor::Show
        );
        let _ = disable_raw_mode();
        let _ = out.flush();
    }
}

/// OSC 52: ask the terminal to put `text` on the clipboard. Works over SSH and in tmux (with
/// `set-clipboard on`).
pub fn osc52_sequence(text: &str) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

pub fn copy_to_clipboard(text: &str) -> io::Result<()> {
    let mut out = io::stdout();
    out.write_all(osc52_sequence(text).as_bytes())?;
    out.flush()
}

pub fn bell() -> io::Result<()> {
    let mut out = io::stdout();
    out.write_all(b"\x07")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_encodes_the_text() {
        assert_eq!(
            osc52_sequence("ssh ubuntu@1.2.3.4"),
            "\x1b]52;c;c3NoIHVidW50dUAxLjIuMy40\x07"
        );
    }
}
