//! `e` on a volume: rename and/or expand, where its provider allows it. A rename is sent on
//! `Enter`; an expansion changes what the account pays, so it goes through the confirm with
//! `$/h now → $/h after`.

use crossterm::event::KeyEvent;
use tui_input::Input;

use super::confirm::{Confirm, Op};
use super::{Dialog, DialogKeys, Reply, notice};
use crate::api::VolumePatch;
use crate::app::action::Command;
use crate::app::keys::KeyCmd;
use crate::app::state::AppState;
use crate::app::text;
use crate::app::volume_access::{self, busy_status, size_gb};
use crate::domain::cost;
use crate::domain::volume_rules::{check_expand, check_name, check_rename, rules_for};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditField {
    Name,
    Size,
}

#[derive(Debug, Clone)]
pub struct EditVolume {
    pub id: String,
    pub provider: String,
    pub current_name: String,
    pub current_gb: u64,
    pub name: Input,
    pub size: Input,
    pub focus: EditField,
    /// Why a field cannot change (`None`: it can).
    pub rename_refused: Option<String>,
    pub expand_refused: Option<String>,
    pub error: Option<String>,
    pub busy: bool,
}

/// The provider as the volume names it, with the name its rules go by when that differs
/// (`verda (data-crunch)`).
fn provider_named(own: &str, rules: &str) -> String {
    if own.trim().eq_ignore_ascii_case(rules) {
        rules.to_string()
    } else {
        format!("{} ({rules})", own.trim())
    }
}

pub fn open(state: &mut AppState) -> Vec<Command> {
    let Some(v) = volume_access::selected_volume(state) else {
        return Vec::new();
    };
    let title = format!("Cannot edit {}", v.name);
    let Some(rules) = rules_for(&v.provider) else {
        notice::show(
            state,
            title,
            vec![format!("{} does not offer volumes", v.provider)],
        );
        return Vec::new();
    };
    let current = size_gb(&v);
    let rename_refused = check_rename(&v.provider).err();
    let expand_refused = if rules.expand {
        None
    } else {
        check_expand(&v.provider, current, current + 1).err()
    };
    if rename_refused.is_some() && expand_refused.is_some() {
        notice::show(
            state,
            title,
            vec![
                format!(
                    "{} volumes cannot be renamed or resized.",
                    provider_named(&v.provider, rules.provider)
                ),
                rules.note.to_string(),
            ],
        );
        return Vec::new();
    }
    if let Some(why) = busy_status(&v) {
        notice::show(state, title, vec![why]);
        return Vec::new();
    }
    let focus = if rename_refused.is_none() {
        EditField::Name
    } else {
        EditField::Size
    };
    super::open(
        state,
        Dialog::EditVolume(EditVolume {
            id: v.id.clone(),
            provider: v.provider.clone(),
            current_name: v.name.clone(),
            current_gb: current,
            name: Input::new(v.name.clone()),
            size: Input::new(current.to_string()),
            focus,
            rename_refused,
            expand_refused,
            error: None,
            busy: false,
        }),
    );
    Vec::new()
}

impl DialogKeys for EditVolume {
    /// The other field only where its provider allows that change; nothing while the PATCH is
    /// out.
    fn commands(&self, _state: &AppState) -> Vec<KeyCmd> {
        if self.busy {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.other_field_allowed() {
            out.extend([KeyCmd::FocusNext, KeyCmd::FocusPrev]);
        }
        out.push(KeyCmd::Submit);
        out
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        match cmd {
            KeyCmd::Submit => return self.submit(state),
            _ => {
                self.focus = match self.focus {
                    EditField::Name => EditField::Size,
                    EditField::Size => EditField::Name,
                };
            }
        }
        Reply::stay()
    }

    fn text_focus(&self) -> bool {
        !self.busy
    }

    fn on_text(&mut self, _state: &mut AppState, ev: &KeyEvent) -> Reply {
        let input = match self.focus {
            EditField::Name => &mut self.name,
            EditField::Size => &mut self.size,
        };
        if !self.busy && text::edit(input, ev) {
            self.error = None;
        }
        Reply::stay()
    }

    fn refused(&mut self, why: &str) {
        self.busy = false;
        self.error = Some(why.to_string());
    }

    fn paste_target(&mut self) -> Option<(&mut Input, &mut Option<String>)> {
        if self.busy {
            return None;
        }
        let input = match self.focus {
            EditField::Name => &mut self.name,
            EditField::Size => &mut self.size,
        };
        Some((input, &mut self.error))
    }

    fn private_key_pasted(&mut self, why: &str) -> bool {
        self.error = Some(why.to_string());
        true
    }
}

impl EditVolume {
    /// Whether the provider allows the change of the field that does not have the focus.
    fn other_field_allowed(&self) -> bool {
        match self.focus {
            EditField::Name => self.expand_refused.is_none(),
            EditField::Size => self.rename_refused.is_none(),
        }
    }

    fn submit(&mut self, state: &mut AppState) -> Reply {
        let e = self;
        if e.busy {
            return Reply::stay();
        }
        let name = e.name.value().trim().to_string();
        let mut patch = VolumePatch::default();
        let mut problem = None;
        if name != e.current_name {
            match check_rename(&e.provider).and_then(|()| check_name(&name)) {
                Ok(()) => patch.name = Some(name),
                Err(why) => problem = Some(why),
            }
        }
        let size_text = e.size.value().trim().to_string();
        if problem.is_none() && size_text != e.current_gb.to_string() {
            match size_text.parse::<u64>() {
                Err(_) => problem = Some("the size is a whole number of GB".into()),
                Ok(n) => match check_expand(&e.provider, e.current_gb, n) {
                    Ok(()) => patch.size_in_gb = Some(n),
                    Err(why) => problem = Some(why),
                },
            }
        }
        if problem.is_none() && patch == VolumePatch::default() {
            problem = Some("nothing changed".into());
        }
        if let Some(p) = problem {
            e.error = Some(p);
            return Reply::stay();
        }
        e.error = None;
        let id = e.id.clone();
        let Some(new_gb) = patch.size_in_gb else {
            e.busy = true;
            return Reply::send(vec![Command::PatchVolume { id, patch }]);
        };
        // an expansion changes the hourly spend: it is confirmed first
        let volume = state.volumes.items.iter().find(|v| v.id == id).cloned();
        let mut lines = vec![format!(
            "Expand {} from {} GB to {new_gb} GB?",
            e.current_name, e.current_gb
        )];
        if let Some(n) = &patch.name {
            lines.push(format!("and rename it to {n}"));
        }
        let at_new = volume
            .as_ref()
            .and_then(volume_access::rate_per_gb)
            .map(|per_gb| new_gb as f64 * per_gb);
        lines.push(format!(
            "At {new_gb} GB it costs {} · {} per 30 days.",
            cost::usd_h(at_new),
            cost::usd_opt(at_new.map(|h| h * super::create_volume::HOURS_30_DAYS)),
        ));
        lines.push(String::new());
        lines.push(
            "A volume cannot shrink again: it is billed at the new size until deleted.".into(),
        );
        let c = Confirm::new(
            Op::PatchVolume {
                id,
                name: e.current_name.clone(),
                patch,
            },
            format!("Expand volume {}", e.current_name),
            lines,
            state.now,
        );
        let c = match &volume {
            Some(v) => c.with_spend(volume_access::spend_expanded(state, v, new_gb)),
            None => c,
        };
        // Esc on the confirm comes back here, with what was typed
        let c = c.back_to(Dialog::EditVolume(e.clone()));
        Reply::open(Dialog::Confirm(c))
    }
}

/// The answer to this dialog's PATCH about `id`. Returns whether it was open.
pub fn settle(state: &mut AppState, id: &str, result: Result<(), String>) -> bool {
    let Some(Dialog::EditVolume(e)) = state.dialog.as_mut() else {
        return false;
    };
    if e.id != id {
        return false;
    }
    match result {
        Ok(()) => state.dialog = None,
        Err(err) => {
            e.busy = false;
            e.error = Some(err);
        }
    }
    true
}
