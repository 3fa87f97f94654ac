//! Terminal setup and restore (raw mode, alternate screen, mouse). (Being built: issue 4.)

/// Put the terminal back the way the user had it. Safe to call more than once, and from the
/// panic hook.
pub fn restore() {}
