//! `p` on a running deployment: choose the port a tunnel brings to localhost — Jupyter,
//! TensorBoard, vLLM, or a port typed on the last row (`PORT` or `PORT:LOCAL`).

use crossterm::event::KeyEvent;
use tui_input::Input;

use super::{Dialog, DialogKeys, Reply, list_commands, list_step};
use crate::api::Deployment;
use crate::app::keys::KeyCmd;
use crate::app::state::AppState;
use crate::app::text;
use crate::domain::tunnel::{Preset, listed_presets, parse_ports};

#[derive(Debug, Clone)]
pub struct TunnelDialog {
    /// The deployment, fixed when the dialog opened.
    pub deployment_id: String,
    pub name: String,
    pub presets: Vec<Preset>,
    /// On a preset, or on the last row (`presets.len()`): the port typed.
    pub cursor: usize,
    pub custom: Input,
    pub error: Option<String>,
}

impl TunnelDialog {
    fn rows(&self) -> usize {
        self.presets.len() + 1
    }

    pub fn on_custom(&self) -> bool {
        self.cursor == self.presets.len()
    }
}

pub fn open(state: &mut AppState, d: &Deployment) {
    let dialog = TunnelDialog {
        deployment_id: d.id.clone(),
        name: d.name.clone(),
        presets: listed_presets().copied().collect(),
        cursor: 0,
        custom: Input::default(),
        error: None,
    };
    super::open(state, Dialog::Tunnel(dialog));
}

impl DialogKeys for TunnelDialog {
    /// On the typed port's row, Home and End move in the text: only ↑ leaves it.
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        let mut out = if self.on_custom() {
            vec![KeyCmd::Up]
        } else {
            list_commands(self.cursor, self.rows())
        };
        out.push(KeyCmd::Submit);
        out
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        let rows = self.rows();
        if list_step(cmd, &mut self.cursor, rows) {
            self.error = None;
            return Reply::stay();
        }
        if cmd != KeyCmd::Submit {
            return Reply::stay();
        }
        let ports = match self.presets.get(self.cursor) {
            Some(p) => Ok((p.port, p.port)),
            None if self.custom.value().trim().is_empty() => {
                Err("type the instance's port (or PORT:LOCAL)".to_string())
            }
            None => parse_ports(self.custom.value()),
        };
        match ports {
            Ok((remote, want)) => {
                let id = self.deployment_id.clone();
                Reply::close().with(crate::app::tunnels::start(state, &id, remote, want))
            }
            Err(e) => {
                self.error = Some(e);
                Reply::stay()
            }
        }
    }

    /// The last row takes typing.
    fn text_focus(&self) -> bool {
        self.on_custom()
    }

    fn on_text(&mut self, _state: &mut AppState, ev: &KeyEvent) -> Reply {
        if self.on_custom() && text::edit(&mut self.custom, ev) {
            self.error = None;
        }
        Reply::stay()
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        self.on_custom()
            .then_some((&mut self.custom, &mut self.error))
    }
}
