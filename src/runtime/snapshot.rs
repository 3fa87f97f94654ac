//! `spheron-tui snapshot`: load the data once, render one frame of a pane, return it.

use chrono::Utc;
use color_eyre::Result;
use crossterm::event::KeyEvent;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::SnapshotFormat;
use super::executor::Executor;
use crate::app::{Action, AppState, Command, Pane, update};
use crate::ui::{self, Theme, svg};

/// Commands followed at most (offer pages, then everything the pane asks for).
const MAX_STEPS: usize = 200;

/// Drive `state` to `pane` and run every Command it asks for, inline, until it is quiet.
pub async fn load(state: &mut AppState, exec: &Executor, pane: Pane) {
    let digit = char::from(b'1' + Pane::ALL.iter().position(|p| *p == pane).unwrap_or(0) as u8);
    // The teams first: the lists are read for every team the user belongs to.
    if state.session.has_key() {
        for cmd in [Command::FetchTeams, Command::FetchBalance] {
            for action in exec.perform(cmd).await {
                update(state, action);
            }
        }
    }
    settle(state, exec, Action::Start(Utc::now())).await;
    let pane_key = crate::app::keys::Key::Char(digit).event();
    settle(state, exec, Action::Key(pane_key)).await;
}

/// Feed `action`, then run every Command that follows from it until it is quiet. The Commands
/// of one round run concurrently (the dashboard sends them at once too); their Actions are fed
/// back in the order the Commands were issued, so the result does not depend on which answer
/// came first.
pub async fn settle(state: &mut AppState, exec: &Executor, action: Action) {
    let mut round = update(state, action);
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
