//! Application state, actions, commands and the pure reducer. No IO, no clocks.
//!
//! `update` routes input, time and list answers; `answers` routes every other answer to the
//! dialog that asked; `dialogs/` holds every dialog (one file each: state, opening, the
//! commands it handles, answers); `keys/` is the keyboard (the one key table, routing,
//! rebinding, hints); `lists` and `polling` load and pace the lists; `panes` switches panes;
//! `cursor` moves the selection; `screen` is the geometry the UI draws with; `volume_access` is
//! the one check of what the volume rules allow; `tracking` keeps the deploy being sent, the
//! arrivals and shared caches; `deploys` follows a deploy's answer (an unclear one settled by
//! the list); `arrivals` what happens as deployments come up; `workspace` the instance
//! workspace (the ssh_config file kept current); `tunnels` the tunnels and the editor from
//! the Deployments pane; `planning` the model plan and each offer's
//! figures under it.

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

pub mod account_changes;
pub mod action;
pub mod answers;
pub mod arrivals;
pub mod connect;
pub mod cursor;
pub mod deployment_names;
pub mod deployment_sort;
pub mod deploys;
pub mod dialogs;
pub mod elsewhere;
pub mod filter;
pub mod guard;
pub mod keys;
pub mod lists;
pub mod offers;
pub mod panes;
pub mod paste;
pub mod planning;
pub mod polling;
pub mod prices;
pub mod screen;
pub mod spend;
pub mod state;
pub mod store_changes;
pub mod teams;
pub mod text;
pub mod tracking;
pub mod tunnels;
pub mod update;
pub mod usage;
pub mod volume_access;
pub mod workspace;

pub use action::{Action, Command};
pub use state::AppState;
pub use update::update;
