//! One message-log line for each write another process made, though two watchers can each learn
//! of it: the store's journal (which process sent what, and how it ended) and, in the demo, the
//! shared world (what the write did, by name). Whichever comes second completes the line of the
//! first instead of adding its own; a write only one of them sees (the live API has no world to
//! watch, a failed write changes nothing in it) keeps the line that one gave.

use chrono::{DateTime, Utc};

use super::state::{AppState, FlashKind};
use super::store_changes::ELSEWHERE;

/// How long a line waits for its other half: both watchers look every second.
const PAIR_SECS: i64 = 60;

/// Lines said for another process's writes, still waiting for their other half.
#[derive(Debug, Clone, Default)]
pub struct Pending {
    lines: Vec<Told>,
}

#[derive(Debug, Clone)]
struct Told {
    /// The id of what was acted on.
    target: String,
    at: DateTime<Utc>,
    /// The message-log line as said.
    line: String,
    half: Half,
}

#[derive(Debug, Clone)]
enum Half {
    /// From the journal: who sent it (`cli`, `guard`, `dashboard`).
    Sent { source: String },
    /// From the demo world: what it did (`deployment x (dep_…) created`).
    Done { text: String },
}

/// A journal entry of another process: `line` says it, unless the world already told the same
/// write on `target`, whose line then names the process that sent it. Only a write that went
/// through (`ok`) waits for the world's half: a refused one changed nothing there.
pub fn sent(state: &mut AppState, target: Option<&str>, source: &str, result: &str, line: String) {
    let target = target.filter(|_| result == "ok");
    let half = Half::Sent {
        source: source.to_string(),
    };
    tell(state, target, half, line);
}

/// A change to the demo world by another process (`text`, on `target`): said, unless the
/// journal already told the same write, whose line then says what it did.
pub fn done(state: &mut AppState, target: Option<&str>, text: &str) {
    let half = Half::Done {
        text: text.to_string(),
    };
    tell(state, target, half, format!("{text} by {ELSEWHERE}"));
}

fn tell(state: &mut AppState, target: Option<&str>, half: Half, line: String) {
    let now = state.now;
    let pending = &mut state.status.elsewhere.lines;
    pending.retain(|t| (now - t.at).num_seconds() < PAIR_SECS);
    let Some(target) = target else {
        state.say(FlashKind::Info, line);
        return;
    };
    let other = pending.iter().position(|t| {
        t.target == target
            && matches!(
                (&t.half, &half),
                (Half::Sent { .. }, Half::Done { .. }) | (Half::Done { .. }, Half::Sent { .. })
            )
    });
    match other {
        Some(i) => {
            let first = pending.remove(i);
            let whole = match (&first.half, &half) {
                (Half::Sent { source }, Half::Done { text })
                | (Half::Done { text }, Half::Sent { source }) => {
                    format!("{text} by {ELSEWHERE} ({source})")
                }
                _ => line,
            };
            restate(state, &first.line, whole);
        }
        None => {
            pending.push(Told {
                target: target.to_string(),
                at: now,
                line: line.clone(),
                half,
            });
            state.say(FlashKind::Info, line);
        }
    }
}

/// Put `new` in place of the message-log line `old` (and of the status message, if it is
/// still that line); said afresh if `old` is no longer kept.
fn restate(state: &mut AppState, old: &str, new: String) {
    let kept = state.status.log.iter_mut().rev().find(|e| e.text == old);
    match kept {
        Some(entry) => {
            entry.text.clone_from(&new);
            if let Some(flash) = state.status.flash.as_mut().filter(|f| f.text == old) {
                flash.text = new;
            }
        }
        None => state.say(FlashKind::Info, new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::state::Session;

    fn said(s: &AppState) -> Vec<String> {
        s.status.log.iter().map(|e| e.text.clone()).collect()
    }

    fn state() -> AppState {
        AppState::new(Session::default(), crate::demo::test_epoch())
    }

    const DEP: &str = "dep_1";

    #[test]
    fn the_world_then_the_journal_make_one_line_naming_the_sender() {
        let mut s = state();
        done(&mut s, Some(DEP), "deployment x (dep_1) created");
        sent(&mut s, Some(DEP), "cli", "ok", "journal line".into());
        assert_eq!(
            said(&s),
            ["deployment x (dep_1) created by another spheron-tui process (cli)"]
        );
        assert_eq!(s.status.flash.as_ref().unwrap().text, said(&s)[0]);
    }

    #[test]
    fn the_journal_then_the_world_make_one_line_saying_what_it_did() {
        let mut s = state();
        sent(
            &mut s,
            Some(DEP),
            "guard",
            "ok",
            "guard … sent DELETE".into(),
        );
        s.say(FlashKind::Info, "something else meanwhile");
        done(&mut s, Some(DEP), "deployment x (dep_1) terminated");
        assert_eq!(
            said(&s),
            [
                "deployment x (dep_1) terminated by another spheron-tui process (guard)",
                "something else meanwhile",
            ]
        );
        // the status message was the other one: left alone
        assert_eq!(
            s.status.flash.as_ref().unwrap().text,
            "something else meanwhile"
        );
    }

    #[test]
    fn a_write_only_one_side_tells_keeps_its_own_line() {
        let mut s = state();
        // a refused write changed nothing: the world's next change on it is another write
        sent(
            &mut s,
            Some(DEP),
            "cli",
            "400 refused",
            "cli … refused".into(),
        );
        done(&mut s, Some(DEP), "deployment x (dep_1) renamed to y");
        // a write of the live API, where the journal says nothing of what it acted on
        sent(&mut s, None, "cli", "ok", "cli … key".into());
        // a change of the world with no journal (a process that keeps none)
        done(&mut s, Some("vol_1"), "volume v (vol_1) deleted");
        assert_eq!(
            said(&s),
            [
                "cli … refused",
                "deployment x (dep_1) renamed to y by another spheron-tui process",
                "cli … key",
                "volume v (vol_1) deleted by another spheron-tui process",
            ]
        );
        // a minute on, a late half no longer joins the line it would have completed
        sent(&mut s, Some("d9"), "cli", "ok", "late".into());
        s.now += chrono::Duration::seconds(PAIR_SECS);
        done(&mut s, Some("d9"), "deployment z (d9) terminated");
        assert_eq!(said(&s).len(), 6);
        // two writes on one thing: each half joins the oldest waiting one of the other kind
        sent(&mut s, Some("d2"), "cli", "ok", "rename 1".into());
        sent(&mut s, Some("d2"), "cli", "ok", "rename 2".into());
        done(&mut s, Some("d2"), "deployment a (d2) renamed to b");
        done(&mut s, Some("d2"), "deployment b (d2) renamed to c");
        let last: Vec<String> = said(&s).into_iter().skip(6).collect();
        assert_eq!(
            last,
            [
                "deployment a (d2) renamed to b by another spheron-tui process (cli)",
                "deployment b (d2) renamed to c by another spheron-tui process (cli)",
            ]
        );
    }
}
