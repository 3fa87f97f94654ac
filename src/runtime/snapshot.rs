//! `spheron-tui snapshot`: load the data once, render one frame of a pane, return it.

use chrono::Utc;
use crossterm::event::KeyEvent;
use eyre::Result;
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
    let pane_key = crate::app::keys::Key::Char(digit).event();
    first.extend(update(state, Action::Key(pane_key)));
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

/// Render `state` into a `cols`×`rows` buffer and format it.
pub fn render(
    state: &AppState,
    cols: u16,
    rows: u16,
    format: SnapshotFormat,
    theme: &Theme,
) -> Result<String> {
    // Drawn into the terminal's own buffer and read from there: a backend of no size, so the
    // frame is not copied into a third buffer of the whole screen.
    let area = ratatui::layout::Rect::new(0, 0, cols, rows);
    let options = ratatui::TerminalOptions {
        viewport: ratatui::Viewport::Fixed(area),
    };
    let mut term = Terminal::with_options(TestBackend::new(0, 0), options)?;
    let mut frame = term.get_frame();
    ui::draw(&mut frame, state, theme);
    let buf = frame.buffer_mut();
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
