//! `Enter` on a row (where no richer view exists): every field of the object, its raw JSON.

use super::Dialog;
use crate::app::Pane;
use crate::app::state::AppState;

#[derive(Debug, Clone)]
pub struct Details {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: u16,
    /// An offer's price history, drawn above its fields.
    pub chart: Option<Box<crate::app::prices::PriceChart>>,
}

impl Details {
    /// A title and the object's raw JSON, pretty-printed.
    pub fn new(title: impl Into<String>, raw: &serde_json::Value) -> Details {
        let text = serde_json::to_string_pretty(raw).unwrap_or_else(|_| raw.to_string());
        Details {
            title: title.into(),
            lines: text.lines().map(str::to_owned).collect(),
            scroll: 0,
            chart: None,
        }
    }
}

/// A row the client could not read: why, then what the API sent. `false` when the selected row
/// was read.
pub fn open_unreadable(state: &mut AppState) -> bool {
    let row = match state.pane {
        Pane::Deployments => state
            .selected_deployment()
            .and_then(|d| Some(("deployment", &d.id, d.unreadable.as_ref()?, &d.raw))),
        Pane::Volumes => state
            .volumes
            .items
            .get(state.volumes.cursor.selected)
            .and_then(|v| Some(("volume", &v.id, v.unreadable.as_ref()?, &v.raw))),
        Pane::Keys => state
            .keys
            .items
            .get(state.keys.cursor.selected)
            .and_then(|k| Some(("SSH key", &k.id, k.unreadable.as_ref()?, &k.raw))),
        Pane::Offers | Pane::Account => None,
    };
    let Some((what, id, why, raw)) = row else {
        return false;
    };
    let id = if id.is_empty() { "(no id found)" } else { id };
    let mut d = Details::new(format!("Unreadable {what} {id}"), raw);
    let mut head = vec![format!("This {what} could not be read: {why}.")];
    if what != "SSH key" {
        head.push("It is counted as billing, at an unknown rate.".to_string());
    }
    head.push("The list it came in proves nothing absent.".to_string());
    head.extend([String::new(), "What the API sent:".to_string()]);
    d.lines.splice(0..0, head);
    super::open(state, Dialog::Details(d));
    true
}

/// The details of the selected row of the focused pane.
pub fn open(state: &mut AppState) {
    let d = match state.pane {
        Pane::Offers => state.offers.selected().map(|o| {
            let mut d = Details::new(
                format!(
                    "Offer {} · {}",
                    crate::domain::names::gpu_name(&o.gpu_type),
                    o.provider
                ),
                &o.raw.value(),
            );
            d.chart = crate::app::prices::chart_for(state, o).map(Box::new);
            d
        }),
        Pane::Deployments => state
            .selected_deployment()
            .map(|d| Details::new(format!("Deployment {}", d.name), &d.raw)),
        Pane::Volumes => state
            .volumes
            .items
            .get(state.volumes.cursor.selected)
            .map(|v| Details::new(format!("Volume {}", v.name), &v.raw)),
        Pane::Keys => state
            .keys
            .items
            .get(state.keys.cursor.selected)
            .map(|k| Details::new(format!("SSH key {}", k.name), &k.raw)),
        Pane::Account => state
            .account
            .balance
            .as_ref()
            .and_then(|b| b.teams.get(state.account.cursor.selected))
            .map(|t| Details::new(format!("Team {}", t.team_name), &t.raw)),
    };
    if let Some(d) = d {
        super::open(state, Dialog::Details(d));
    }
}
