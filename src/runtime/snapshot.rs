//! `spheron-tui snapshot`: load the data once, render one frame of a pane, return it.

use chrono::Utc;
use color_eyre::Result;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::SnapshotFormat;
use super::executor::Executor;
use crate::app::{Action, AppState, Command, Pane, update};
use crate::ui::{self, Theme, svg};

/// Commands followed at most (offer pages, then everything the pane asks for).
const MAX_STEPS: usize = 200;

/// Drive `state` to `pane` and run every Command it asks for, inline, until it is quiet. What
/// the start and the pane ask for goes out in one round (teams, balance, lists, offers at
/// once); only a user of several teams needs a second, for the other teams' lists.
pub async fn load(state: &mut AppState, exec: &Executor, pane: Pane) {
    let digit = char::from(b'1' + Pane::ALL.iter().position(|p| *p == pane).unwrap_or(0) as u8);
    let mut first = update(state, Action::Start(Utc::now()));
    first.extend(update(state, key(KeyCode::Char(digit))));
    run(state, exec, first).await;
}

/// Feed `action`, then run every Command that follows from it until it is quiet.
pub async fn settle(state: &mut AppState, exec: &Executor, action: Action) {
    let round = update(state, action);
    run(state, exec, round).await;
}

/// Run `round` and every Command that follows from it until it is quiet. The Commands of one
/// round run concurrently (the dashboard sends them at once too); their Actions are fed back
/// in the order the Commands were issued, so the result does not depend on which answer came
/// first.
async fn run(state: &mut AppState, exec: &Executor, mut round: Vec<Command>) {
    let mut steps = 0;
    while !round.is_empty() && steps < MAX_STEPS {
        round.truncate(MAX_STEPS - steps);
        steps += round.len();
        let tasks: Vec<_> = round
            .drain(..)
            .map(|cmd| {
                let exec = exec.clone();
                tokio::spawn(async move { exec.perform(cmd).await })
            })
            .collect();
        for task in tasks {
            // A task that panicked gives no Actions; the panic hook has reported it.
            for action in task.await.unwrap_or_default() {
                round.extend(update(state, action));
            }
        }
    }
}

fn key(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// `d<Enter><Down>x` → key events. Characters are typed as they are; `<Name>` is a named key.
pub fn parse_keys(s: &str) -> std::result::Result<Vec<KeyEvent>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
            && end > 1
        {
            let name = &rest[1..end];
            let code = match name.to_ascii_lowercase().as_str() {
                "enter" => KeyCode::Enter,
                "esc" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                _ => return Err(format!("unknown key <{name}>")),
            };
            out.push(KeyEvent::new(code, KeyModifiers::NONE));
            rest = &rest[end + 1..];
            continue;
        }
        out.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

/// Render `state` into a `cols`×`rows` buffer and format it.
pub fn render(
    state: &AppState,
    cols: u16,
    rows: u16,
    format: SnapshotFormat,
    theme: &Theme,
) -> Result<String> {
    let mut term = Terminal::new(TestBackend::new(cols, rows))?;
    term.draw(|f| ui::draw(f, state, theme))?;
    let buf = term.backend().buffer();
    Ok(match format {
        SnapshotFormat::Text => svg::to_text(buf),
        SnapshotFormat::Svg => svg::to_svg(buf),
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn snapshot(
    mut state: AppState,
    exec: Executor,
    pane: Pane,
    keys: &[KeyEvent],
    cols: u16,
    rows: u16,
    format: SnapshotFormat,
    theme: Theme,
) -> Result<super::Snapshot> {
    state.size = (cols, rows);
    load(&mut state, &exec, pane).await;
    for k in keys {
        settle(&mut state, &exec, Action::Key(*k)).await;
    }
    Ok(super::Snapshot {
        frame: render(&state, cols, rows, format, &theme)?,
        failure: state.status.last_error.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_with_names() {
        let k = parse_keys("d<Enter><down>x <Space>").unwrap();
        let codes: Vec<KeyCode> = k.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            vec![
                KeyCode::Char('d'),
                KeyCode::Enter,
                KeyCode::Down,
                KeyCode::Char('x'),
                KeyCode::Char(' '),
                KeyCode::Char(' '),
            ]
        );
        assert!(parse_keys("<Nope>").is_err());
        assert_eq!(parse_keys("<").unwrap().len(), 1);
        assert!(parse_keys("").unwrap().is_empty());
    }
}
