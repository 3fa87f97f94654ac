//! Overlays that take keys before the panes: help, details, the key prompt.

use tui_input::Input;

/// `Debug` is written by hand: the key prompt's input is the API key being typed, so it shows
/// only its length (state Debug goes into logs and panic reports).
#[derive(Clone)]
pub enum Modal {
    /// The `?` overlay, drawn from the key table.
    Help { scroll: u16 },
    /// Every field of one object (its raw JSON), scrollable.
    Details {
        title: String,
        lines: Vec<String>,
        scroll: u16,
        /// An offer's price history, drawn above its fields.
        chart: Option<Box<super::prices::PriceChart>>,
    },
    /// Masked entry of the API key; saved with the credentials module on Enter.
    KeyPrompt {
        input: Input,
        reason: String,
        error: Option<String>,
    },
    /// The deploy wizard (`d` on an offer): holds its own copy of the offer.
    Deploy(Box<super::deploy::DeployWizard>),
    /// Terminate confirm (`x`): holds the deployment id captured when it opened.
    Terminate(super::terminate::TerminateDialog),
    /// Rename (`e`): holds the deployment id captured when it opened.
    Rename(super::connect::RenameDialog),
    /// SSH key, volume, Kubernetes and team dialogs (`app::manage`).
    Manage(Box<super::manage::Dialog>),
    /// A new price watch (`w`) or the list of watches (`W`).
    PriceWatch(Box<super::prices::Dialog>),
    /// Set or clear the spend guard of a deployment (`app::guard`).
    Guard(super::guard::GuardDialog),
}

impl Modal {
    /// Details of an object: a title and its raw JSON, pretty-printed.
    pub fn details(title: impl Into<String>, raw: &serde_json::Value) -> Modal {
        let text = serde_json::to_string_pretty(raw).unwrap_or_else(|_| raw.to_string());
        Modal::Details {
            title: title.into(),
            lines: text.lines().map(str::to_owned).collect(),
            scroll: 0,
            chart: None,
        }
    }
}

impl std::fmt::Debug for Modal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Modal::Help { scroll } => f.debug_struct("Help").field("scroll", scroll).finish(),
            Modal::Details {
                title,
                lines,
                scroll,
                ..
            } => f
                .debug_struct("Details")
                .field("title", title)
                .field("lines", lines)
                .field("scroll", scroll)
                .finish(),
            Modal::KeyPrompt {
                input,
                reason,
                error,
            } => f
                .debug_struct("KeyPrompt")
                .field(
                    "input",
                    &format_args!("<{} chars hidden>", input.value().chars().count()),
                )
                .field("reason", reason)
                .field("error", error)
                .finish(),
            Modal::Deploy(w) => f.debug_tuple("Deploy").field(w).finish(),
            Modal::Terminate(d) => f.debug_tuple("Terminate").field(d).finish(),
            Modal::Rename(r) => f.debug_tuple("Rename").field(r).finish(),
            Modal::Manage(d) => f.debug_tuple("Manage").field(d).finish(),
            Modal::PriceWatch(d) => f.debug_tuple("PriceWatch").field(d).finish(),
            Modal::Guard(g) => f.debug_tuple("Guard").field(g).finish(),
        }
    }
}
