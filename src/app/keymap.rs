//! The one key table: (keys, description, context) drives key handling, the `?` overlay and the
//! footer hints, so they can never disagree (STYLE.md lesson 5).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::Pane;
use super::manage::ManageKey;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
}

impl Key {
    pub fn matches(self, ev: &KeyEvent) -> bool {
        match self {
            Key::Char(c) => {
                ev.code == KeyCode::Char(c)
                    && !ev
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            }
            Key::Ctrl(c) => {
                ev.code == KeyCode::Char(c) && ev.modifiers.contains(KeyModifiers::CONTROL)
            }
            Key::Code(code) => ev.code == code,
        }
    }

    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Code(KeyCode::Up) => "↑".into(),
            Key::Code(KeyCode::Down) => "↓".into(),
            Key::Code(KeyCode::PageUp) => "PgUp".into(),
            Key::Code(KeyCode::PageDown) => "PgDn".into(),
            Key::Code(KeyCode::Home) => "Home".into(),
            Key::Code(KeyCode::End) => "End".into(),
            Key::Code(KeyCode::Enter) => "Enter".into(),
            Key::Code(KeyCode::Esc) => "Esc".into(),
            Key::Code(KeyCode::Tab) => "Tab".into(),
            Key::Code(KeyCode::BackTab) => "Shift-Tab".into(),
            Key::Code(other) => format!("{other:?}"),
        }
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    Global,
    /// Every pane with a table.
    Lists,
    On(Pane),
}

impl Ctx {
    pub fn applies(self, pane: Pane) -> bool {
        match self {
            Ctx::Global | Ctx::Lists => true,
            Ctx::On(p) => p == pane,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Ctx::Global => "everywhere",
            Ctx::Lists => "in lists",
            Ctx::On(Pane::Offers) => "Offers",
            Ctx::On(Pane::Deployments) => "Deployments",
            Ctx::On(Pane::Volumes) => "Volumes",
            Ctx::On(Pane::Keys) => "SSH keys",
            Ctx::On(Pane::Account) => "Account",
        }
    }
}

/// What a key does, before the reducer decides what that means in the current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyCmd {
    Pane(Pane),
    NextPane,
    PrevPane,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Details,
    Filter,
    SortNext,
    SortReverse,
    CycleType,
    CycleDeploymentFilter,
    CopySsh,
    Deploy,
    Terminate,
    Rename,
    /// Set or clear the spend guard of the selected deployment.
    Guard,
    OpenSsh,
    Refresh,
    Help,
    Quit,
    /// SSH keys, volumes, Kubernetes, teams (`app::manage`).
    Manage(ManageKey),
    /// A price watch pre-filled from the selected offer.
    NewWatch,
    /// The list of price watches.
    Watches,
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    /// Short label for the footer; empty keeps it out of the footer.
    pub hint: &'static str,
    /// Description for the `?` overlay.
    pub help: &'static str,
    pub ctx: Ctx,
    pub cmd: KeyCmd,
}

use Key::{Char, Code, Ctrl};

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[Char('1')],
        hint: "",
        help: "Offers",
        ctx: Ctx::Global,
        cmd: KeyCmd::Pane(Pane::Offers),
    },
    Binding {
        keys: &[Char('2')],
        hint: "",
        help: "Deployments",
        ctx: Ctx::Global,
        cmd: KeyCmd::Pane(Pane::Deployments),
    },
    Binding {
        keys: &[Char('3')],
        hint: "",
        help: "Volumes",
        ctx: Ctx::Global,
        cmd: KeyCmd::Pane(Pane::Volumes),
    },
    Binding {
        keys: &[Char('4')],
        hint: "",
        help: "SSH keys",
        ctx: Ctx::Global,
        cmd: KeyCmd::Pane(Pane::Keys),
    },
    Binding {
        keys: &[Char('5')],
        hint: "",
        help: "Account",
        ctx: Ctx::Global,
        cmd: KeyCmd::Pane(Pane::Account),
    },
    Binding {
        keys: &[Code(KeyCode::Tab)],
        hint: "",
        help: "next pane",
        ctx: Ctx::Global,
        cmd: KeyCmd::NextPane,
    },
    Binding {
        keys: &[Code(KeyCode::BackTab)],
        hint: "",
        help: "previous pane",
        ctx: Ctx::Global,
        cmd: KeyCmd::PrevPane,
    },
    Binding {
        keys: &[Char('r')],
        hint: "refresh",
        help: "refresh now (within the rate budget)",
        ctx: Ctx::Global,
        cmd: KeyCmd::Refresh,
    },
    Binding {
        keys: &[Char('?')],
        hint: "help",
        help: "this help",
        ctx: Ctx::Global,
        cmd: KeyCmd::Help,
    },
    Binding {
        keys: &[Char('q'), Ctrl('c')],
        hint: "quit",
        help: "quit",
        ctx: Ctx::Global,
        cmd: KeyCmd::Quit,
    },
    Binding {
        keys: &[Code(KeyCode::Up), Char('k')],
        hint: "",
        help: "move up",
        ctx: Ctx::Lists,
        cmd: KeyCmd::Up,
    },
    Binding {
        keys: &[Code(KeyCode::Down), Char('j')],
        hint: "",
        help: "move down",
        ctx: Ctx::Lists,
        cmd: KeyCmd::Down,
    },
    Binding {
        keys: &[Code(KeyCode::PageUp)],
        hint: "",
        help: "page up",
        ctx: Ctx::Lists,
        cmd: KeyCmd::PageUp,
    },
    Binding {
        keys: &[Code(KeyCode::PageDown)],
        hint: "",
        help: "page down",
        ctx: Ctx::Lists,
        cmd: KeyCmd::PageDown,
    },
    Binding {
        keys: &[Char('g'), Code(KeyCode::Home)],
        hint: "",
        help: "first row",
        ctx: Ctx::Lists,
        cmd: KeyCmd::Top,
    },
    Binding {
        keys: &[Char('G'), Code(KeyCode::End)],
        hint: "",
        help: "last row",
        ctx: Ctx::Lists,
        cmd: KeyCmd::Bottom,
    },
    Binding {
        keys: &[Code(KeyCode::Enter)],
        hint: "details",
        help: "details of the selected row (every field)",
        ctx: Ctx::Lists,
        cmd: KeyCmd::Details,
    },
    Binding {
        keys: &[Char('/')],
        hint: "filter",
        help: "filter: words (sent as search) and gpu: provider: type: region: count>= vram>= price< gpuprice<",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::Filter,
    },
    Binding {
        keys: &[Char('s')],
        hint: "sort",
        help: "next sort column ($/h, $/GPU·h, GPUs, VRAM, provider)",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::SortNext,
    },
    Binding {
        keys: &[Char('S')],
        hint: "reverse",
        help: "reverse the sort order",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::SortReverse,
    },
    Binding {
        keys: &[Char('t')],
        hint: "type",
        help: "instance type: all → SPOT → DEDICATED → CLUSTER",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::CycleType,
    },
    Binding {
        keys: &[Char('f')],
        hint: "active/inactive/all",
        help: "show active → inactive → all deployments",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::CycleDeploymentFilter,
    },
    Binding {
        keys: &[Char('c')],
        hint: "copy ssh",
        help: "copy the SSH command (OSC 52, works over SSH)",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::CopySsh,
    },
    Binding {
        keys: &[Char('d')],
        hint: "deploy",
        help: "deploy the selected offer (wizard, then a cost summary to confirm)",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::Deploy,
    },
    Binding {
        keys: &[Char('w')],
        hint: "watch",
        help: "watch for offers like the selected one at a price you choose",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::NewWatch,
    },
    Binding {
        keys: &[Char('W')],
        hint: "", // the Offers footer is full: shown by `?`
        help: "the price watches (x removes one)",
        ctx: Ctx::On(Pane::Offers),
        cmd: KeyCmd::Watches,
    },
    Binding {
        keys: &[Char('x')],
        hint: "terminate",
        help: "terminate the selected deployment (checks can-terminate, then asks)",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::Terminate,
    },
    Binding {
        keys: &[Char('e')],
        hint: "rename",
        help: "rename the selected deployment",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::Rename,
    },
    Binding {
        keys: &[Char('T')],
        hint: "", // the Deployments footer is full: shown by `?`
        help: "set or clear the spend guard (after a time, at a time, or at a spend)",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::Guard,
    },
    Binding {
        keys: &[Char('o')],
        hint: "ssh",
        help: "open an SSH session (the dashboard suspends and comes back)",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::OpenSsh,
    },
    Binding {
        keys: &[Char('k')],
        hint: "kubeconfig",
        help: "show and save the kubeconfig (Kubernetes add-on deployments)",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::Manage(ManageKey::Kubeconfig),
    },
    Binding {
        keys: &[Char('A')],
        hint: "", // the Deployments footer is full: shown by `?`
        help: "attach one of its provider's volumes to the deployment",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::Manage(ManageKey::Attach),
    },
    Binding {
        keys: &[Char('D')],
        hint: "", // the Deployments footer is full: shown by `?`
        help: "detach a volume from the deployment",
        ctx: Ctx::On(Pane::Deployments),
        cmd: KeyCmd::Manage(ManageKey::Detach),
    },
    Binding {
        keys: &[Char('a')],
        hint: "create",
        help: "create a volume: provider → region → name → size → attach → summary",
        ctx: Ctx::On(Pane::Volumes),
        cmd: KeyCmd::Manage(ManageKey::Add),
    },
    Binding {
        keys: &[Char('e')],
        hint: "rename/expand",
        help: "rename or expand the volume (where its provider allows it)",
        ctx: Ctx::On(Pane::Volumes),
        cmd: KeyCmd::Manage(ManageKey::Edit),
    },
    Binding {
        keys: &[Char('A')],
        hint: "attach",
        help: "attach the volume to an instance (same provider and region)",
        ctx: Ctx::On(Pane::Volumes),
        cmd: KeyCmd::Manage(ManageKey::Attach),
    },
    Binding {
        keys: &[Char('D')],
        hint: "detach",
        help: "detach the volume from an instance",
        ctx: Ctx::On(Pane::Volumes),
        cmd: KeyCmd::Manage(ManageKey::Detach),
    },
    Binding {
        keys: &[Char('x')],
        hint: "delete",
        help: "delete the volume (detached only; confirm dialog)",
        ctx: Ctx::On(Pane::Volumes),
        cmd: KeyCmd::Manage(ManageKey::Delete),
    },
    Binding {
        keys: &[Char('a')],
        hint: "add",
        help: "add an SSH key (from ~/.ssh/*.pub or pasted; checked before sending)",
        ctx: Ctx::On(Pane::Keys),
        cmd: KeyCmd::Manage(ManageKey::Add),
    },
    Binding {
        keys: &[Char('x')],
        hint: "delete",
        help: "delete the SSH key (confirm dialog)",
        ctx: Ctx::On(Pane::Keys),
        cmd: KeyCmd::Manage(ManageKey::Delete),
    },
    Binding {
        keys: &[Char('u')],
        hint: "use team",
        help: "new deploys and volumes go to the selected team",
        ctx: Ctx::On(Pane::Account),
        cmd: KeyCmd::Manage(ManageKey::UseTeam),
    },
];

/// The binding a key press means on `pane`: pane-specific bindings win over global ones.
pub fn lookup(ev: &KeyEvent, pane: Pane) -> Option<&'static Binding> {
    let hit = |b: &&Binding| b.ctx.applies(pane) && b.keys.iter().any(|k| k.matches(ev));
    BINDINGS
        .iter()
        .filter(|b| matches!(b.ctx, Ctx::On(_)))
        .find(hit)
        .or_else(|| BINDINGS.iter().find(hit))
}

/// Footer hints for `pane`: its own bindings first, then the global ones with a hint.
pub fn footer(pane: Pane) -> Vec<(String, &'static str)> {
    let own = BINDINGS
        .iter()
        .filter(|b| b.ctx == Ctx::On(pane) || b.ctx == Ctx::Lists);
    let global = BINDINGS.iter().filter(|b| b.ctx == Ctx::Global);
    own.chain(global)
        .filter(|b| !b.hint.is_empty())
        .map(|b| (b.keys[0].label(), b.hint))
        .collect()
}

/// Keys of a binding joined for display: "↑/k".
pub fn keys_label(b: &Binding) -> String {
    b.keys
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn no_two_bindings_share_a_key_in_one_context() {
        for pane in Pane::ALL {
            let mut seen: Vec<(Key, Ctx)> = Vec::new();
            for b in BINDINGS.iter().filter(|b| b.ctx.applies(pane)) {
                for k in b.keys {
                    let clash = seen.iter().find(|(sk, sc)| {
                        sk == k && (matches!(sc, Ctx::On(_)) == matches!(b.ctx, Ctx::On(_)))
                    });
                    assert!(clash.is_none(), "{k:?} bound twice on {pane:?}");
                    seen.push((*k, b.ctx));
                }
            }
        }
    }

    #[test]
    fn pane_keys_only_work_on_their_pane() {
        let t = key(KeyCode::Char('t'));
        assert_eq!(
            lookup(&t, Pane::Offers).map(|b| b.cmd),
            Some(KeyCmd::CycleType)
        );
        assert!(lookup(&t, Pane::Deployments).is_none());
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            lookup(&ctrl_c, Pane::Deployments).map(|b| b.cmd),
            Some(KeyCmd::Quit)
        );
        let c = key(KeyCode::Char('c'));
        assert_eq!(
            lookup(&c, Pane::Deployments).map(|b| b.cmd),
            Some(KeyCmd::CopySsh)
        );
    }

    #[test]
    fn footer_comes_from_the_table() {
        let f = footer(Pane::Offers);
        assert!(f.contains(&("/".to_string(), "filter")));
        assert!(f.contains(&("?".to_string(), "help")));
        assert!(!footer(Pane::Account).iter().any(|(_, h)| *h == "filter"));
    }
}
