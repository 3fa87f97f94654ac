//! `spheron-tui snapshot`: load the data once, render one frame of a pane, return it.

use std::collections::VecDeque;

use chrono::Utc;
use color_eyre::Result;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::SnapshotFormat;
use super::executor::Executor;
use crate::app::{Action, AppState, Pane, update};
use crate::ui::{self, Theme, svg};

/// Commands followed at most (offer pages, then everything the pane asks for).
const MAX_STEPS: usize = 200;

/// Drive `state` to `pane` and run every Command it asks for, inline, until it is quiet.
pub async fn load(state: &mut AppState, exec: &Executor, pane: Pane) {
    let digit = char::from(b'1' + Pane::ALL.iter().position(|p| *p == pane).unwrap_or(0) as u8);
    let mut queue: VecDeque<_> = update(state, Action::Start(Utc::now())).into();
    queue.extend(update(
        state,
        Action::Key(KeyEvent::new(KeyCode::Char(digit), KeyModifiers::NONE)),
    ));
    let mut steps = 0;
    while let Some(cmd) = queue.pop_front() {
        steps += 1;
        if steps > MAX_STEPS {
            break;
        }
        for action in exec.perform(cmd).await {
            queue.extend(update(state, action));
        }
    }
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

pub async fn snapshot(
    mut state: AppState,
    exec: Executor,
    pane: Pane,
    cols: u16,
    rows: u16,
    format: SnapshotFormat,
    theme: Theme,
) -> Result<String> {
    state.size = (cols, rows);
    load(&mut state, &exec, pane).await;
    render(&state, cols, rows, format, &theme)
}
