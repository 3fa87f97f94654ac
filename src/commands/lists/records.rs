//! The columns of each list: stable field names for scripts, titles for the table.

use std::collections::HashMap;

use super::output::{Cell, Column, Records, col, data};
use crate::api::teams::Teams;
use crate::api::{Balance, Deployment, Offer, SshKey, Volume};
use crate::domain::names::{gpu_name, region_label};
use crate::domain::volume_rules::listed_name;

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn maybe(s: Option<&str>) -> Cell {
    Cell::MaybeText(s.filter(|s| !s.is_empty()).map(str::to_owned))
}

/// A region: raw for scripts, as the dashboard shows it in the table.
fn region(r: &str) -> Cell {
    Cell::Labelled(r.to_string(), region_label(r).to_string())
}

fn regions<'a>(l: impl IntoIterator<Item = &'a str>) -> Cell {
    let raw: Vec<String> = l.into_iter().map(str::to_owned).collect();
    let shown = raw.iter().map(|r| region_label(r).to_string()).collect();
    Cell::LabelledList(raw, shown)
}

/// A provider: raw for scripts, in the table by the name the providers list gives it, as the
/// dashboard shows it (`data-crunch` for an object that says `verda`); as sent without a list.
fn provider(p: &str, listed: Option<&[String]>) -> Cell {
    Cell::Labelled(p.to_string(), listed_name(p, listed).to_string())
}

/// Deployment ids: raw for scripts, each by its name for people (the id where no name is
/// known).
fn attached(ids: Vec<&str>, names: &HashMap<String, String>) -> Cell {
    let shown = ids
        .iter()
        .map(|id| match names.get(*id).filter(|n| !n.is_empty()) {
            Some(name) => name.clone(),
            None => id.to_string(),
        })
        .collect();
    Cell::LabelledList(ids.into_iter().map(str::to_owned).collect(), shown)
}

fn strings<'a>(l: impl IntoIterator<Item = &'a str>) -> Cell {
    Cell::List(l.into_iter().map(str::to_owned).collect())
}

const OFFER_COLUMNS: &[Column] = &[
    col("gpuName", "GPU"),
    col("gpuCount", "GPUS"),
    col("gpuMemoryGb", "VRAM"),
    col("provider", "PROVIDER"),
    col("instanceType", "TYPE"),
    col("regions", "REGIONS"),
    col("pricePerHour", "$/H"),
    col("pricePerGpuHour", "$/GPU·H"),
    data("listPricePerHour"),
    col("available", "AVAILABLE"),
    data("unavailableReason"),
    col("offerId", "OFFER ID"),
    data("gpuType"),
    data("vcpus"),
    data("memoryGb"),
    data("storageGb"),
    data("osOptions"),
];

/// `pricePerHour` is what the account pays: the discounted price when there is one; `listed`:
/// the providers list, when read.
pub fn offers(list: &[&Offer], listed: Option<&[String]>) -> Records {
    Records::of(OFFER_COLUMNS, list, |o| {
        let name = if o.gpu_display.is_empty() {
            &o.gpu_type
        } else {
            &o.gpu_display
        };
        vec![
            Cell::Labelled(name.clone(), gpu_name(&o.gpu_type)),
            Cell::Int(Some(u64::from(o.gpu_count))),
            Cell::Num(o.gpu_memory),
            provider(&o.provider, listed),
            text(o.instance_type.as_str()),
            regions(o.regions()),
            Cell::Usd(o.hourly_rate()),
            Cell::Usd(o.per_gpu_rate()),
            Cell::Usd(o.list_price_if_discounted().or(o.hourly_rate())),
            Cell::Bool(o.unavailable_reason().is_none()),
            maybe(o.unavailable_reason()),
            text(&o.offer_id),
            text(&o.gpu_type),
            Cell::Int(o.vcpus.map(u64::from)),
            Cell::Num(o.memory),
            Cell::Num(o.storage),
            strings(o.os_options.iter().map(String::as_str)),
        ]
    })
}

const DEPLOYMENT_COLUMNS: &[Column] = &[
    col("id", "ID"),
    col("name", "NAME"),
    col("team", "TEAM"),
    col("status", "STATUS"),
    col("gpuType", "GPU"),
    col("gpuCount", "GPUS"),
    col("provider", "PROVIDER"),
    col("instanceType", "TYPE"),
    col("region", "REGION"),
    col("pricePerHour", "$/H"),
    col("sshCommand", "SSH"),
    data("ipAddress"),
    data("offerId"),
    data("operatingSystem"),
    data("createdAt"),
    data("startedAt"),
    data("totalCost"),
    data("teamId"),
    data("volumeIds"),
];

/// The team's name of an item (`-` when not known); the table shows the Team column only when
/// the items span more than one team.
fn team_cell(teams: &Teams, id: Option<&str>) -> Cell {
    maybe(id.map(|t| teams.name(t)).as_deref())
}

fn one_team<'a>(mut ids: impl Iterator<Item = Option<&'a str>>) -> bool {
    match ids.next() {
        None => true,
        Some(first) => ids.all(|t| t == first),
    }
}

fn team_column(r: Records, one_team: bool) -> Records {
    if one_team { r.hide_in_table("team") } else { r }
}

/// `pricePerHour` is the deployment's `hourlyRate` (what it costs the account now); `team` is
/// the team's name; `listed`: the providers list, when read.
pub fn deployments(list: &[Deployment], teams: &Teams, listed: Option<&[String]>) -> Records {
    let r = Records::of(DEPLOYMENT_COLUMNS, list, |d| {
        vec![
            text(&d.id),
            text(&d.name),
            team_cell(teams, d.team_id.as_deref()),
            text(d.status.as_str()),
            Cell::Labelled(d.gpu_type.clone(), gpu_name(&d.gpu_type)),
            Cell::Int(Some(u64::from(d.gpu_count))),
            provider(&d.provider, listed),
            text(d.instance_type.as_str()),
            region(&d.region),
            Cell::Usd(d.hourly_rate),
            Cell::MaybeText(d.ssh_command()),
            maybe(d.ip_address.as_deref()),
            maybe(d.offer_id.as_deref()),
            maybe(d.operating_system.as_deref()),
            Cell::Time(d.created_at),
            Cell::Time(d.started_at),
            Cell::Usd(d.total_cost),
            maybe(d.team_id.as_deref()),
            strings(d.volume_ids.iter().map(String::as_str)),
        ]
    });
    team_column(r, one_team(list.iter().map(|d| d.team_id.as_deref())))
}

const VOLUME_COLUMNS: &[Column] = &[
    col("id", "ID"),
    col("name", "NAME"),
    col("team", "TEAM"),
    col("status", "STATUS"),
    col("sizeGb", "SIZE GB"),
    col("provider", "PROVIDER"),
    col("region", "REGION"),
    col("pricePerHour", "$/H"),
    col("attachedTo", "ATTACHED TO"),
    data("createdAt"),
    data("teamId"),
];

/// `pricePerHour`: `hourlyRate`, else size × per-GB rate; `attachedTo`: every deployment id (in
/// the table each by its name in `names`, the id where it has none); `team`: the team's name;
/// `listed`: the providers list, when read.
pub fn volumes(
    list: &[Volume],
    teams: &Teams,
    listed: Option<&[String]>,
    names: &HashMap<String, String>,
) -> Records {
    let r = Records::of(VOLUME_COLUMNS, list, |v| {
        vec![
            text(&v.id),
            text(&v.name),
            team_cell(teams, v.team_id.as_deref()),
            text(&v.status),
            Cell::Num(v.size_in_gb),
            provider(&v.provider, listed),
            region(&v.region),
            Cell::Usd(v.cost_per_hour()),
            attached(v.attachments(), names),
            Cell::Time(v.created_at),
            maybe(v.team_id.as_deref()),
        ]
    });
    team_column(r, one_team(list.iter().map(|v| v.team_id.as_deref())))
}

const KEY_COLUMNS: &[Column] = &[
    col("id", "ID"),
    col("name", "NAME"),
    col("fingerprint", "FINGERPRINT"),
    col("createdAt", "ADDED"),
    data("publicKey"),
];

pub fn keys(list: &[SshKey]) -> Records {
    Records::of(KEY_COLUMNS, list, |k| {
        vec![
            text(&k.id),
            text(&k.name),
            maybe(k.fingerprint.as_deref()),
            Cell::Time(k.created_at),
            maybe(k.public_key.as_deref()),
        ]
    })
}

const BALANCE_COLUMNS: &[Column] = &[
    col("teamId", "TEAM ID"),
    col("teamName", "TEAM"),
    col("balance", "BALANCE"),
    col("currency", "CURRENCY"),
    col("current", "CURRENT"),
    data("role"),
];

/// One record per team; the table ends with the total of the teams' balances (unknown when any
/// team's balance is).
pub fn balance(b: &Balance) -> Records {
    let mut r = Records::of(BALANCE_COLUMNS, &b.teams, |t| {
        vec![
            text(&t.team_id),
            text(&t.team_name),
            Cell::Usd(t.balance),
            text(&b.currency),
            Cell::Bool(t.is_current_team),
            maybe(t.role.as_deref()),
        ]
    });
    let total: Option<f64> = b.teams.iter().map(|t| t.balance).sum();
    r.footer = Some(format!(
        "TOTAL ({} teams): {} {}",
        b.teams.len(),
        crate::domain::cost::usd_opt(total),
        b.currency
    ));
    r
}
