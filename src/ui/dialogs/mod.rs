//! Drawing the dialogs: one file per dialog, named as in `app::dialogs`. Shared pieces (popups,
//! buttons, text fields) are in `ui::widgets`; no dialog file uses another.

pub mod add_key;
pub mod confirm;
pub mod create_volume;
pub mod deploy;
pub mod deployment_info;
pub mod details;
pub mod edit_volume;
pub mod guard;
pub mod help;
pub mod key_info;
pub mod key_prompt;
pub mod kubeconfig;
pub mod messages;
pub mod new_watch;
pub mod notice;
pub mod pick;
pub mod planner;
pub mod rename;
pub mod team_info;
pub mod terminate;
pub mod volume_info;
pub mod watches;

use ratatui::Frame;
use ratatui::layout::Rect;

use super::theme::Theme;
use crate::app::AppState;
use crate::app::dialogs::{Dialog, Op};
use crate::app::keys::hints;

/// Draw the open dialog over the whole screen `area`.
pub fn draw(f: &mut Frame, area: Rect, d: &Dialog, state: &AppState, theme: &Theme) {
    // what its keys do now, from the key table and what the dialog handles
    let hint = &hints::dialog_line(d, state);
    match d {
        Dialog::Help(h) => help::draw(f, area, h.scroll, theme),
        Dialog::Messages(m) => messages::draw(f, area, m.scroll, state, theme),
        Dialog::Details(d) => details::draw(f, area, d, theme),
        Dialog::KeyPrompt(k) => key_prompt::draw(f, area, k, theme),
        Dialog::Notice(n) => notice::draw(f, area, n, hint, theme),
        Dialog::Confirm(c) if matches!(c.op, Op::Terminate { .. }) => {
            terminate::draw(f, area, c, state, hint, theme)
        }
        Dialog::Confirm(c) => confirm::draw(f, area, c, hint, theme),
        Dialog::Deploy(w) => deploy::draw(f, area, w, state, hint, theme),
        Dialog::Rename(r) => rename::draw(f, area, r, hint, theme),
        Dialog::Guard(g) => guard::draw(f, area, g, hint, theme),
        Dialog::AddKey(a) => add_key::draw(f, area, a, hint, theme),
        Dialog::CreateVolume(c) => create_volume::draw(f, area, c, hint, theme),
        Dialog::VolumeInfo(v) => volume_info::draw(f, area, v, theme),
        Dialog::EditVolume(e) => edit_volume::draw(f, area, e, hint, theme),
        Dialog::Pick(p) => pick::draw(f, area, p, hint, theme),
        Dialog::DeploymentInfo(i) => deployment_info::draw(f, area, i, hint, theme),
        Dialog::Kubeconfig(k) => kubeconfig::draw(f, area, k, hint, theme),
        Dialog::TeamInfo(t) => team_info::draw(f, area, t, theme),
        Dialog::KeyInfo(k) => key_info::draw(f, area, k, theme),
        Dialog::NewWatch(w) => new_watch::draw(f, area, w, hint, theme),
        Dialog::Watches(w) => watches::draw(f, area, w, state, theme),
        Dialog::Planner(p) => planner::draw(f, area, p, state, hint, theme),
    }
}
