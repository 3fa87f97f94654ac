//! `Enter` on a row (where no richer view exists): the object's fields in words where they are
//! known (an offer), else every field as raw JSON; `J` switches between the two. Scrolling
//! stops at the last line.

use super::{Dialog, DialogKeys, Reply, on_view_command, view_commands};
use crate::api::{InstanceType, Offer};
use crate::app::Pane;
use crate::app::keys::KeyCmd;
use crate::app::screen;
use crate::app::state::AppState;
use crate::domain::cost::usd;
use crate::domain::names::{gpu_name, region_label};

#[derive(Debug, Clone)]
pub struct Details {
    pub title: String,
    /// The raw JSON, pretty-printed, one line each.
    pub lines: Vec<String>,
    /// The fields in words (empty: only the raw JSON is shown).
    pub readable: Vec<String>,
    /// `J`: the raw JSON instead of the fields in words.
    pub show_raw: bool,
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
            readable: Vec::new(),
            show_raw: false,
            scroll: 0,
            chart: None,
        }
    }

    /// The lines shown now: the fields in words, or the raw JSON.
    pub fn shown(&self) -> &[String] {
        if self.show_raw || self.readable.is_empty() {
            &self.lines
        } else {
            &self.readable
        }
    }

    /// The furthest it scrolls on a screen of `size`: the first line from which the rest,
    /// folded as drawn, fills the text area to its bottom.
    pub fn max_scroll(&self, size: (u16, u16)) -> u16 {
        let (_, area) = screen::details_areas(size, self.chart.is_some());
        let (width, mut room) = (usize::from(area.width), usize::from(area.height));
        let mut first = self.shown().len();
        for l in self.shown().iter().rev() {
            let rows = screen::fold(l, width).len();
            if rows > room {
                break;
            }
            room -= rows;
            first -= 1;
        }
        // a last line taller than the area still shows its start
        let first = first.min(self.shown().len().saturating_sub(1));
        u16::try_from(first).unwrap_or(u16::MAX)
    }
}

impl DialogKeys for Details {
    fn commands(&self, state: &AppState) -> Vec<KeyCmd> {
        let mut out = view_commands(self.scroll, Some(self.max_scroll(state.size)));
        if !self.readable.is_empty() {
            out.push(KeyCmd::RawJson);
        }
        out
    }

    fn on_command(&mut self, state: &mut AppState, cmd: KeyCmd) -> Reply {
        if cmd == KeyCmd::RawJson {
            self.show_raw = !self.show_raw;
            self.scroll = 0;
            return Reply::stay();
        }
        let reply = on_view_command(cmd, &mut self.scroll);
        self.scroll = self.scroll.min(self.max_scroll(state.size));
        reply
    }
}

/// An offer in words, one fact a line, as deployment details show a deployment.
fn offer_fields(state: &AppState, o: &Offer) -> Vec<String> {
    let row = |label: &str, value: String| format!("{label:<14}{value}");
    let gb = |x: Option<f64>| x.map_or("?".to_string(), |g| format!("{g:.0} GB"));
    let mut out = Vec::new();
    let shown = if o.gpu_display.is_empty() {
        String::new()
    } else {
        format!(" ({})", o.gpu_display)
    };
    out.push(row(
        "GPU",
        format!(
            "{} × {} · {} each{shown}",
            gpu_name(&o.gpu_type),
            o.gpu_count,
            gb(o.gpu_memory)
        ),
    ));
    out.push(row("Provider", o.provider.clone()));
    out.push(row(
        "Type",
        match o.instance_type {
            InstanceType::Spot => "SPOT: the provider can end it at any time".to_string(),
            ref t => t.as_str().to_string(),
        },
    ));
    let price = match (o.hourly_rate(), o.list_price_if_discounted()) {
        (None, _) => "unknown (missing or unreadable)".to_string(),
        (Some(p), Some(list)) => format!(
            "{}/h (list {}/h) · {}/GPU·h",
            usd(p),
            usd(list),
            o.per_gpu_rate().map_or("?".into(), usd)
        ),
        (Some(p), None) => format!(
            "{}/h · {}/GPU·h",
            usd(p),
            o.per_gpu_rate().map_or("?".into(), usd)
        ),
    };
    out.push(row("Price", price));
    if let Some(low) = state.prices.history.model_low.get(&o.gpu_type) {
        out.push(row(
            "7d low",
            format!("{}/GPU·h for {}", usd(*low), gpu_name(&o.gpu_type)),
        ));
        // short lines: the details fold a long one mid-word at 64 columns
        out.push(row("", "the lowest while available, last 168 h".into()));
        // An offer not available now can be below the low it does not count in: said, not
        // left for the user to wonder about.
        if let (Some(_), Some(own)) = (o.unavailable_reason(), o.per_gpu_rate())
            && own < *low
        {
            out.push(row(
                "",
                format!("this {} is not counted: not available", usd(own)),
            ));
        }
    }
    let units = o
        .extras
        .technical
        .as_ref()
        .and_then(|t| t.units_available)
        .map_or(String::new(), |u| format!(", {u} units free"));
    out.push(row(
        "Available",
        match o.unavailable_reason() {
            None => format!("yes{units}"),
            Some(why) => format!("no: {why}"),
        },
    ));
    let regions: Vec<&str> = o.regions().into_iter().map(region_label).collect();
    out.push(row(
        "Regions",
        if regions.is_empty() {
            "none listed".into()
        } else {
            regions.join(", ")
        },
    ));
    out.push(row(
        "Machine",
        format!(
            "{} vCPU · {} RAM · {} disk",
            o.vcpus.map_or("?".into(), |v| v.to_string()),
            gb(o.memory),
            gb(o.storage)
        ),
    ));
    if !o.os_options.is_empty() {
        out.push(row("OS", o.os_options.join(", ")));
    }
    if let Some(i) = o
        .interconnect_description
        .as_ref()
        .or(o.interconnect_type.as_ref())
    {
        out.push(row("Interconnect", i.clone()));
    }
    if let Some(k) = o.kubernetes_addon() {
        out.push(row(
            "Kubernetes",
            format!(
                "add-on {} at {}/h",
                k.version,
                k.total_cost_per_hour.map_or("?".into(), usd)
            ),
        ));
    }
    out.push(row(
        "Cloud-init",
        if o.supports_cloud_init {
            "supported"
        } else {
            "not supported"
        }
        .into(),
    ));
    if !o.description.is_empty() {
        out.push(row("Description", o.description.clone()));
    }
    out.push(row("Offer id", o.offer_id.clone()));
    out.push(String::new());
    out.push("J shows every field as the API sent it (raw JSON).".into());
    out
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
            d.readable = offer_fields(state, o);
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
