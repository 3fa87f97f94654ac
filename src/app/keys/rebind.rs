//! Key names and `config.toml`'s `[keys]`: one parser of key names (also read by
//! `snapshot --keys`), the stable name of every command, and rebinding with its checks: a key
//! that would mean two things in one place is refused with a warning and the default kept.

use crossterm::event::{KeyCode, KeyEvent};

use super::Key::{self, Char, Code, Ctrl};
use super::{Binding, KeyCmd, Scope, table};
use crate::app::Pane;

/// A key by its name: one character (`X`, `?`), `Space`, `Ctrl-x`, `F1`…`F12`, `Enter`, `Esc`,
/// `Tab`, `Shift-Tab`, `Up`, `Down`, `Left`, `Right`, `PgUp`, `PgDn`, `Home`, `End`,
/// `Backspace`, `Delete`, `Insert` (case does not matter; `←` and such work too).
pub fn parse_key_name(text: &str) -> Result<Key, String> {
    let t = text.trim();
    let mut chars = t.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Ok(Char(c));
    }
    let lower = t.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("ctrl-").or(lower.strip_prefix("ctrl+")) {
        let mut cs = rest.chars();
        return match (cs.next(), cs.next()) {
            (Some(c), None) if c.is_ascii_alphabetic() => Ok(Ctrl(c)),
            _ => Err(format!("`{t}` is not a key (Ctrl- takes one letter)")),
        };
    }
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok())
        && (1..=12).contains(&n)
    {
        return Ok(Code(KeyCode::F(n)));
    }
    let code = match lower.as_str() {
        "space" => return Ok(Char(' ')),
        "esc" | "escape" => KeyCode::Esc,
        "enter" | "return" => KeyCode::Enter,
        "tab" => KeyCode::Tab,
        "shift-tab" | "backtab" => KeyCode::BackTab,
        "up" | "↑" => KeyCode::Up,
        "down" | "↓" => KeyCode::Down,
        "left" | "←" => KeyCode::Left,
        "right" | "→" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        _ => {
            return Err(format!(
                "`{t}` is not a key (one character, Space, Ctrl-x, F1…F12, Enter, Esc, Tab, Shift-Tab, arrows, PgUp, PgDn, Home, End, Backspace, Delete, Insert)"
            ));
        }
    };
    Ok(Code(code))
}

/// A key `[keys]` may bind: any named key but `Esc` and `Ctrl-C`, which always close and quit.
pub fn parse_key(text: &str) -> Result<Key, String> {
    match parse_key_name(text)? {
        Code(KeyCode::Esc) => Err("Esc always closes and cannot be rebound".into()),
        Ctrl('c') => Err("Ctrl-C always quits and cannot be rebound".into()),
        k => Ok(k),
    }
}

/// `d<Enter><Down>x` → key presses: characters are typed as they are; `<Name>` is a key by its
/// name ([`parse_key_name`]); a `<` with no name after it is typed.
pub fn parse_key_presses(s: &str) -> Result<Vec<KeyEvent>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
            && end > 1
        {
            let name = &rest[1..end];
            let key = parse_key_name(name).map_err(|_| format!("unknown key <{name}>"))?;
            out.push(key.event());
            rest = &rest[end + 1..];
            continue;
        }
        out.push(Char(c).event());
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

/// The stable name of a command in `config.toml`'s `[keys]`; `None` for `Esc`'s step back,
/// which cannot be rebound.
pub fn action_name(cmd: KeyCmd) -> Option<&'static str> {
    Some(match cmd {
        KeyCmd::Pane(Pane::Offers) => "offers",
        KeyCmd::Pane(Pane::Deployments) => "deployments",
        KeyCmd::Pane(Pane::Volumes) => "volumes",
        KeyCmd::Pane(Pane::Keys) => "ssh_keys",
        KeyCmd::Pane(Pane::Account) => "account",
        KeyCmd::NextPane => "next_pane",
        KeyCmd::PrevPane => "previous_pane",
        KeyCmd::Up => "up",
        KeyCmd::Down => "down",
        KeyCmd::PageUp => "page_up",
        KeyCmd::PageDown => "page_down",
        KeyCmd::Top => "first_row",
        KeyCmd::Bottom => "last_row",
        KeyCmd::Details => "details",
        KeyCmd::Filter => "filter",
        KeyCmd::SortNext => "sort",
        KeyCmd::SortReverse => "reverse_sort",
        KeyCmd::CycleType => "instance_type",
        KeyCmd::CycleDeploymentFilter => "deployment_filter",
        KeyCmd::CopySsh => "copy_ssh",
        KeyCmd::Deploy => "deploy",
        KeyCmd::Terminate => "terminate",
        KeyCmd::Rename => "rename",
        KeyCmd::Guard => "guard",
        KeyCmd::OpenSsh => "ssh",
        KeyCmd::Refresh => "refresh",
        KeyCmd::Help => "help",
        KeyCmd::Messages => "messages",
        KeyCmd::Quit => "quit",
        KeyCmd::AddKey => "add_key",
        KeyCmd::DeleteKey => "delete_key",
        KeyCmd::CreateVolume => "create_volume",
        KeyCmd::EditVolume => "edit_volume",
        KeyCmd::DeleteVolume => "delete_volume",
        KeyCmd::Attach => "attach",
        KeyCmd::Detach => "detach",
        KeyCmd::Kubeconfig => "kubeconfig",
        KeyCmd::UseTeam => "use_team",
        KeyCmd::NewWatch => "new_watch",
        KeyCmd::Watches => "watches",
        KeyCmd::Planner => "planner",
        KeyCmd::Tunnel => "tunnel",
        KeyCmd::Editor => "editor",
        KeyCmd::FollowUsage => "gpu_use",
        KeyCmd::SshConfig => "ssh_config",
        KeyCmd::Close => "close",
        KeyCmd::Confirm => "confirm",
        KeyCmd::Cancel => "cancel",
        KeyCmd::Submit => "submit",
        KeyCmd::FocusNext => "focus_next",
        KeyCmd::FocusPrev => "focus_previous",
        KeyCmd::Retry => "retry",
        KeyCmd::Select => "select",
        KeyCmd::RawJson => "raw_json",
        KeyCmd::EditWatch => "edit_watch",
        KeyCmd::RemoveWatch => "remove_watch",
        KeyCmd::NextChoice => "next_choice",
        KeyCmd::PrevChoice => "previous_choice",
        KeyCmd::Presets => "presets",
        KeyCmd::SavePreset => "save_preset",
        KeyCmd::Back => return None,
    })
}

/// The name `[keys]` rebinds `b` by. The filter line, and `Ctrl-C` and `Esc` in dialogs, stay
/// as they are.
pub fn rebind_name(b: &Binding) -> Option<&'static str> {
    match b.scope {
        Scope::Filter | Scope::Dialogs => None,
        _ => action_name(b.cmd),
    }
}

/// Every action `[keys]` can rebind, once each in table order, with the bindings it names.
pub fn actions() -> Vec<(&'static str, Vec<&'static Binding>)> {
    let mut out: Vec<(&'static str, Vec<&'static Binding>)> = Vec::new();
    for b in super::defaults() {
        let Some(name) = rebind_name(b) else {
            continue;
        };
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(b),
            None => out.push((name, vec![b])),
        }
    }
    out
}

/// The README's table of action names: name, default keys, where, what.
pub fn actions_markdown() -> String {
    let mut s = String::from("| action | default | where | what |\n|---|---|---|---|\n");
    for (name, list) in actions() {
        let mut keys: Vec<String> = Vec::new();
        let mut panes: Vec<&str> = Vec::new();
        let mut dialogs: Vec<&str> = Vec::new();
        for b in &list {
            let k = super::hints::keys_label(b);
            if !keys.contains(&k) {
                keys.push(k);
            }
            let place = if matches!(b.scope, Scope::Dialog(_)) {
                &mut dialogs
            } else {
                &mut panes
            };
            if !place.contains(&b.scope.label()) {
                place.push(b.scope.label());
            }
        }
        let mut wheres = panes.join(", ");
        if !dialogs.is_empty() {
            if !wheres.is_empty() {
                wheres.push_str("; ");
            }
            wheres.push_str(&format!("dialogs: {}", dialogs.join(", ")));
        }
        let what = what_it_does(list[0].cmd)
            .unwrap_or(list[0].help)
            .replace('|', "\\|");
        s.push_str(&format!(
            "| `{name}` | {} | {wheres} | {what} |\n",
            keys.join(", ")
        ));
    }
    s
}

/// What a command of the dialogs does, said once for all of them (the table's help lines say
/// it for each dialog).
fn what_it_does(cmd: KeyCmd) -> Option<&'static str> {
    Some(match cmd {
        KeyCmd::Close => "close a view",
        KeyCmd::Confirm => "answer yes: send what the dialog asks about",
        KeyCmd::Cancel => "answer no",
        KeyCmd::Submit => "the next step, save, or press the focused button",
        KeyCmd::FocusNext => "the next field or button",
        KeyCmd::FocusPrev => "the field or button before",
        KeyCmd::Select => "select or unselect the row (a volume to attach, a key file)",
        KeyCmd::Retry => "ask again after a failed or unclear answer",
        _ => return None,
    })
}

/// Whether one key press can reach both bindings: on a pane its own keys and every global and
/// list key (a pane key may not hide movement, quitting or the pane numbers); in a dialog its
/// own keys and those of every dialog.
fn same_place(a: Scope, b: Scope) -> bool {
    use Scope::*;
    match (a, b) {
        (On(p), On(q)) => p == q,
        (Global | Lists, Global | Lists | On(_)) | (On(_), Global | Lists) => true,
        (Dialog(x), Dialog(y)) => x == y,
        (Dialogs, Dialog(_) | Dialogs) | (Dialog(_), Dialogs) => true,
        (Filter, Filter) => true,
        _ => false,
    }
}

/// The first binding that shares a key with `table[i]` in a place both are read.
fn collision(table: &[Binding], i: usize) -> Option<usize> {
    let b = &table[i];
    table.iter().enumerate().position(|(j, o)| {
        j != i && same_place(b.scope, o.scope) && o.keys.iter().any(|k| b.keys.contains(k))
    })
}

/// `base` with the `[keys]` entries applied: each (action name, keys) replaces the keys of every
/// binding of that name, on panes and in dialogs. An unknown action, a key that does not parse,
/// or keys that would mean two things in one place are a warning naming them, and that action
/// keeps its defaults. `quit` keeps Ctrl-C whatever it is bound to.
pub fn rebind(base: &[Binding], entries: &[(String, Vec<String>)]) -> (Vec<Binding>, Vec<String>) {
    let mut table = base.to_vec();
    let mut warnings = Vec::new();
    let mut rebound: Vec<(&str, Vec<usize>)> = Vec::new();
    for (name, texts) in entries {
        let targets: Vec<usize> = (0..table.len())
            .filter(|&i| rebind_name(&table[i]) == Some(name.as_str()))
            .collect();
        if targets.is_empty() {
            let known = actions().iter().map(|(n, _)| *n).collect::<Vec<_>>();
            warnings.push(format!(
                "[keys] unknown action `{name}` ignored (known: {})",
                known.join(", ")
            ));
            continue;
        }
        let parsed: Result<Vec<Key>, String> = texts.iter().map(|t| parse_key(t)).collect();
        let mut keys = match parsed {
            Ok(k) if !k.is_empty() => k,
            Ok(_) => {
                warnings.push(format!("[keys] `{name}` has no key: the default is kept"));
                continue;
            }
            Err(e) => {
                warnings.push(format!("[keys] `{name}`: {e}; the default is kept"));
                continue;
            }
        };
        keys.dedup();
        if table[targets[0]].cmd == KeyCmd::Quit && !keys.contains(&Ctrl('c')) {
            keys.push(Ctrl('c'));
        }
        let keys: &'static [Key] = Box::leak(keys.into_boxed_slice());
        for &i in &targets {
            table[i].keys = keys;
        }
        rebound.push((name.as_str(), targets));
    }
    // Undo the rebindings that collide until none do (the defaults never collide).
    while let Some(pos) = rebound
        .iter()
        .position(|(_, targets)| targets.iter().any(|&i| collision(&table, i).is_some()))
    {
        let (name, targets) = rebound.remove(pos);
        let (i, j) = targets
            .iter()
            .find_map(|&i| collision(&table, i).map(|j| (i, j)))
            .unwrap_or((targets[0], targets[0]));
        warnings.push(format!(
            "[keys] `{name}` = {} collides with `{}` ({}) {}: the default {} is kept",
            super::hints::keys_label(&table[i]),
            rebind_name(&table[j]).unwrap_or("Esc/Ctrl-C"),
            super::hints::keys_label(&table[j]),
            place(table[i].scope, table[j].scope),
            super::hints::keys_label(&base[i]),
        ));
        for i in targets {
            table[i].keys = base[i].keys;
        }
    }
    (table, warnings)
}

/// Where two colliding bindings meet, for the warning.
fn place(a: Scope, b: Scope) -> String {
    match (a, b) {
        (Scope::On(_) | Scope::Dialog(_), _) => format!("on {}", a.label()),
        (_, Scope::On(_) | Scope::Dialog(_)) => format!("on {}", b.label()),
        _ => a.label().to_string(),
    }
}

/// The label of the first key that runs `cmd` on a pane, for text that names a key.
pub fn key_for(cmd: KeyCmd) -> String {
    table()
        .iter()
        .find(|b| b.cmd == cmd && b.scope.on_panes())
        .map_or_else(String::new, |b| b.keys[0].label())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keys::defaults;

    fn entries(list: &[(&str, &str)]) -> Vec<(String, Vec<String>)> {
        list.iter()
            .map(|(n, k)| (n.to_string(), vec![k.to_string()]))
            .collect()
    }

    fn keys_of(table: &[Binding], cmd: KeyCmd) -> Vec<Key> {
        table.iter().find(|b| b.cmd == cmd).unwrap().keys.to_vec()
    }

    #[test]
    fn the_defaults_never_collide() {
        let t = defaults();
        for i in 0..t.len() {
            assert_eq!(collision(t, i).map(|j| t[j]), None, "{:?}", t[i]);
        }
    }

    #[test]
    fn every_action_name_is_unique_to_its_command() {
        for (name, list) in actions() {
            assert!(list.iter().all(|b| b.cmd == list[0].cmd), "{name}");
        }
        for b in defaults() {
            let fixed = matches!(b.scope, Scope::Filter | Scope::Dialogs) || b.cmd == KeyCmd::Back;
            assert_eq!(rebind_name(b).is_none(), fixed, "{b:?}");
        }
    }

    #[test]
    fn keys_parse_and_esc_and_ctrl_c_are_refused() {
        assert_eq!(parse_key("X"), Ok(Char('X')));
        assert_eq!(parse_key("F5"), Ok(Code(KeyCode::F(5))));
        assert_eq!(parse_key("ctrl-r"), Ok(Ctrl('r')));
        assert_eq!(parse_key("Space"), Ok(Char(' ')));
        assert_eq!(parse_key("PgDn"), Ok(Code(KeyCode::PageDown)));
        assert!(parse_key("Esc").unwrap_err().contains("Esc"));
        assert!(parse_key("Ctrl-C").unwrap_err().contains("Ctrl-C"));
        assert!(parse_key("F13").is_err());
        assert!(parse_key("xy").unwrap_err().contains("`xy`"));
        assert!(parse_key("").is_err());
        assert_eq!(parse_key_name("esc"), Ok(Code(KeyCode::Esc)));
        assert_eq!(Code(KeyCode::F(5)).label(), "F5");
    }

    #[test]
    fn key_presses_parse_with_the_same_names() {
        let k = parse_key_presses("d<Enter><down>x <Space><Shift-Tab><PgDn><Esc><F5>").unwrap();
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
                KeyCode::BackTab,
                KeyCode::PageDown,
                KeyCode::Esc,
                KeyCode::F(5),
            ]
        );
        assert!(parse_key_presses("<Nope>").is_err());
        assert_eq!(parse_key_presses("<").unwrap().len(), 1);
        assert!(parse_key_presses("").unwrap().is_empty());
    }

    #[test]
    fn rebind_applies_good_entries_and_keeps_defaults_for_bad_ones() {
        let (t, w) = rebind(
            defaults(),
            &entries(&[
                ("terminate", "X"),
                ("refresh", "F5"),
                ("frobnicate", "z"),
                ("help", "Esc"),
                ("messages", "Ctrl-C"),
                ("sort", "nope"),
            ]),
        );
        assert_eq!(keys_of(&t, KeyCmd::Terminate), [Char('X')]);
        assert_eq!(keys_of(&t, KeyCmd::Refresh), [Code(KeyCode::F(5))]);
        assert_eq!(keys_of(&t, KeyCmd::Help), [Char('?')]);
        assert_eq!(keys_of(&t, KeyCmd::Messages), [Char('m')]);
        assert_eq!(keys_of(&t, KeyCmd::SortNext), [Char('s')]);
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].contains("`frobnicate`"), "{w:?}");
        assert!(w[1].contains("`help`") && w[1].contains("Esc"), "{w:?}");
        assert!(
            w[2].contains("`messages`") && w[2].contains("Ctrl-C"),
            "{w:?}"
        );
        assert!(w[3].contains("`sort`") && w[3].contains("`nope`"), "{w:?}");
    }

    #[test]
    fn a_colliding_rebinding_keeps_the_default() {
        // c copies the SSH command on Deployments; q quits everywhere; j moves down in lists;
        // 1 is the Offers pane; y confirms in the terminate dialog... and n cancels in a confirm
        let (t, w) = rebind(
            defaults(),
            &entries(&[
                ("terminate", "c"),
                ("refresh", "q"),
                ("deploy", "q"),
                ("rename", "j"),
                ("use_team", "1"),
                ("confirm", "n"),
            ]),
        );
        assert_eq!(keys_of(&t, KeyCmd::Terminate), [Char('x')]);
        assert_eq!(keys_of(&t, KeyCmd::Refresh), [Char('r')]);
        assert_eq!(keys_of(&t, KeyCmd::Deploy), [Char('d')]);
        assert_eq!(keys_of(&t, KeyCmd::Rename), [Char('e')]);
        assert_eq!(keys_of(&t, KeyCmd::UseTeam), [Char('u')]);
        assert_eq!(keys_of(&t, KeyCmd::Confirm), [Char('y')]);
        assert_eq!(w.len(), 6, "{w:?}");
        for (name, other) in [
            ("terminate", "copy_ssh"),
            ("refresh", "quit"),
            ("deploy", "quit"),
            ("rename", "down"),
            ("use_team", "offers"),
            ("confirm", "cancel"),
        ] {
            let found = w
                .iter()
                .any(|m| m.contains(&format!("`{name}`")) && m.contains(&format!("`{other}`")));
            assert!(found, "{name} against {other}: {w:?}");
        }
        // swapping two keys is no collision
        let (t, w) = rebind(defaults(), &entries(&[("terminate", "e"), ("rename", "x")]));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(keys_of(&t, KeyCmd::Terminate), [Char('e')]);
        assert_eq!(keys_of(&t, KeyCmd::Rename), [Char('x')]);
    }

    #[test]
    fn quit_keeps_ctrl_c_and_an_action_rebinds_on_every_pane_and_dialog() {
        let (t, w) = rebind(
            defaults(),
            &entries(&[("quit", "Q"), ("attach", "+"), ("confirm", "Y")]),
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(keys_of(&t, KeyCmd::Quit), [Char('Q'), Ctrl('c')]);
        let in_dialogs = t
            .iter()
            .find(|b| b.scope == Scope::Dialogs && b.cmd == KeyCmd::Quit);
        assert_eq!(in_dialogs.unwrap().keys, [Ctrl('c')]);
        let attach: Vec<_> = t.iter().filter(|b| b.cmd == KeyCmd::Attach).collect();
        assert_eq!(attach.len(), 3, "two panes and the deployment details");
        assert!(attach.iter().all(|b| b.keys == [Char('+')]));
        let confirm: Vec<_> = t.iter().filter(|b| b.cmd == KeyCmd::Confirm).collect();
        assert!(confirm.len() > 3);
        assert!(confirm.iter().all(|b| b.keys == [Char('Y')]));
    }
}
