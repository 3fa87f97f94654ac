//! Application state, actions, commands and the pure reducer. No IO, no clocks.

/// The five panes, in tab order (keys `1`–`5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Pane {
    #[default]
    Offers,
    Deployments,
    Volumes,
    Keys,
    Account,
}

impl Pane {
    pub const ALL: [Pane; 5] = [
        Pane::Offers,
        Pane::Deployments,
        Pane::Volumes,
        Pane::Keys,
        Pane::Account,
    ];

    /// The name used on the command line (`--pane offers`).
    pub fn cli_name(self) -> &'static str {
        match self {
            Pane::Offers => "offers",
            Pane::Deployments => "deployments",
            Pane::Volumes => "volumes",
            Pane::Keys => "keys",
            Pane::Account => "account",
        }
    }

    pub fn from_cli_name(s: &str) -> Option<Pane> {
        Pane::ALL.into_iter().find(|p| p.cli_name() == s)
    }
}

pub mod action;
pub mod connect;
pub mod deploy;
pub mod deploy_answer;
pub mod deploy_keys;
pub mod filter;
pub mod flows;
pub mod guard;
pub mod keymap;
pub mod manage;
pub mod modal;
pub mod offers;
pub mod paste;
pub mod prices;
pub mod state;
pub mod terminate;
pub mod text;
pub mod update;
pub mod watch;

pub use action::{Action, Command};
pub use state::AppState;
pub use update::update;
