//! Desktop notifications through the terminal: OSC 9 (iTerm2, WezTerm, Windows Terminal,
//! kitty, Ghostty) or OSC 777 (rxvt-unicode, foot, VTE-based terminals). Chosen from the
//! environment; none when the terminal is not known to support one.

/// The escape sequence that shows `text` as a notification, if the terminal takes one.
/// `var` reads the environment (injected, so the choice is testable).
pub fn osc(text: &str, var: impl Fn(&str) -> Option<String>) -> Option<String> {
    // Control characters would end the sequence early.
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    let term = var("TERM").unwrap_or_default();
    let program = var("TERM_PROGRAM").unwrap_or_default();
    let osc9 = matches!(program.as_str(), "iTerm.app" | "WezTerm" | "ghostty")
        || var("WT_SESSION").is_some()
        || term == "xterm-kitty";
    let osc777 =
        term.starts_with("rxvt") || term.starts_with("foot") || var("VTE_VERSION").is_some();
    if osc9 {
        Some(format!("\x1b]9;{clean}\x07"))
    } else if osc777 {
        Some(format!("\x1b]777;notify;spheron-tui;{clean}\x07"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn picks_the_sequence_the_terminal_knows() {
        let t = "box will be terminated\x07 in 5m";
        assert_eq!(
            osc(t, env(&[("TERM_PROGRAM", "iTerm.app")])).unwrap(),
            "\x1b]9;box will be terminated in 5m\x07"
        );
        assert_eq!(
            osc(t, env(&[("TERM", "foot")])).unwrap(),
            "\x1b]777;notify;spheron-tui;box will be terminated in 5m\x07"
        );
        assert_eq!(osc(t, env(&[("TERM", "xterm-256color")])), None);
        assert_eq!(osc(t, env(&[])), None);
    }
}
