//! `?`: the key table, scrollable. Drawn from `keys::hints::help_layout`.

use ratatui::layout::Rect;

use super::{DialogKeys, Reply, on_view_command, view_commands};
use crate::app::keys::KeyCmd;
use crate::app::keys::hints::help_rows;
use crate::app::screen::help_popup;
use crate::app::state::AppState;

#[derive(Debug, Clone, Default)]
pub struct Help {
    pub scroll: u16,
}

impl DialogKeys for Help {
    fn commands(&self, state: &AppState) -> Vec<KeyCmd> {
        view_commands(self.scroll, Some(max_scroll(state.size)))
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        let reply = on_view_command(cmd, &mut self.scroll);
        self.scroll = self.scroll.min(max_scroll(state.size));
        reply
    }
}

/// The furthest `?` scrolls on a screen of `size`: its last line at the bottom of the popup.
pub fn max_scroll((w, h): (u16, u16)) -> u16 {
    let inner = help_popup(Rect::new(0, 0, w, h));
    let (inner_w, inner_h) = (
        inner.width.saturating_sub(2),
        inner.height.saturating_sub(2),
    );
    let rows = help_rows(inner_w).saturating_sub(usize::from(inner_h));
    u16::try_from(rows).unwrap_or(u16::MAX)
}
