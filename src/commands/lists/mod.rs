//! The commands for scripts: `offers`, `plan` (in [`super::plan`]), `deployments`, `volumes`,
//! `keys`, `balance`. Each reads
//! through the same [`Client`] as the dashboard (guard, key, rate budget, retry policy), reads
//! every page, and prints a table, JSON or CSV ([`output`]). Independent requests run
//! concurrently.
//!
//! Exit codes (`crate::exit`): 0 ok, 1 the API or the network failed, or the list printed may
//! be incomplete (a page, a team or an item unread: said on stderr), 2 usage
//! ([`Failure::exit_code`]).

pub mod output;
mod records;

use futures_util::{StreamExt, TryStreamExt};

use crate::api::teams::{self, Teams};
use crate::api::{ApiError, Client, Completeness, Listing, Offer, OffersPage, OffersQuery};
use crate::app::filter::OfferFilter;
use crate::app::offers::PAGE_LIMIT;
use crate::app::state::OffersView;
use crate::commands::cli::{BalanceArgs, Command, DeploymentsArgs, ListArgs, OffersArgs};
pub use output::Format;

/// Offer pages asked for at once after the first (the rest of the rate budget stays free).
pub const PAGES_AT_ONCE: usize = 4;

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// Bad input, found before any request.
    Usage(String),
    Api(ApiError),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => crate::exit::USAGE,
            Failure::Api(_) => crate::exit::FAILURE,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Usage(m) => f.write_str(m),
            Failure::Api(e) => write!(f, "{e}"),
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

/// Whether `cmd` is one of the commands of this module.
pub fn handles(cmd: &Command) -> bool {
    matches!(
        cmd,
        Command::Offers(_)
            | Command::Plan(_)
            | Command::Deployments(_)
            | Command::Volumes(_)
            | Command::Keys(_)
            | Command::Balance(_)
    )
}

/// Check `cmd`'s input without sending anything: a usage error comes before any request.
pub fn check(cmd: &Command) -> Result<(), Failure> {
    match cmd {
        Command::Offers(a) => {
            offer_filter(a)?;
        }
        Command::Plan(a) => {
            super::plan::job(a)?;
            parse_filter(a.filter.as_deref())?;
        }
        _ => {}
    }
    Ok(())
}

/// What a command prints, and what its list may be missing beyond what was asked for (a
/// script must not conclude from it that something is absent).
#[derive(Debug)]
pub struct Printed {
    pub text: String,
    pub incomplete: Option<String>,
    /// The teams read by `teamId`, to remember for the next run's first round, when they are
    /// not the ones it was given (`api::teams::to_remember`).
    pub teams_learnt: Option<String>,
}

impl Printed {
    pub fn of(text: String, completeness: Completeness) -> Printed {
        let unasked = completeness.without_filters();
        Printed {
            text,
            incomplete: (!unasked.is_complete()).then(|| unasked.to_string()),
            teams_learnt: None,
        }
    }

    /// With the teams `teams` names, when they are not `guess`.
    fn learnt(mut self, teams: &Teams, guess: &[String]) -> Printed {
        let now = teams::to_remember(teams);
        if now != guess.join("\n") {
            self.teams_learnt = Some(now);
        }
        self
    }
}

/// Run `cmd` and return what it prints. `guess`: the teams the last run read by `teamId`
/// (asked for with the teams, so that a user whose teams have not changed waits one round).
pub async fn run(client: &Client, cmd: &Command, guess: &[String]) -> Result<Printed, Failure> {
    match cmd {
        Command::Offers(a) => offers(client, a, PAGE_LIMIT).await,
        Command::Plan(a) => super::plan::run(client, a, PAGE_LIMIT).await,
        Command::Deployments(a) => deployments(client, a, guess).await,
        Command::Volumes(a) => volumes(client, a, guess).await,
        Command::Keys(a) => keys(client, a).await,
        Command::Balance(a) => balance(client, a).await,
        _ => Err(Failure::Usage("not a list command".into())),
    }
}

fn offer_filter(a: &OffersArgs) -> Result<OfferFilter, Failure> {
    parse_filter(a.filter.as_deref())
}

/// The dashboard's filter language from `--filter`; a term it cannot read is a usage error.
pub fn parse_filter(text: Option<&str>) -> Result<OfferFilter, Failure> {
    let f = OfferFilter::parse(text.unwrap_or(""));
    if f.errors.is_empty() {
        Ok(f)
    } else {
        Err(Failure::Usage(format!("--filter: {}", f.errors.join("; "))))
    }
}

/// `offers`: every page (`limit` groups each), then the dashboard's filter, type and sort.
pub async fn offers(client: &Client, a: &OffersArgs, limit: u32) -> Result<Printed, Failure> {
    let filter = offer_filter(a)?;
    let view = OffersView {
        search_sent: a
            .search
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| filter.search_text()),
        instance_type: a.instance_type.map(Into::into),
        sort: a.sort.into(),
        descending: a.reverse,
        filter,
        ..OffersView::default()
    };
    let format = a.output.into();
    let (view, listed) = tokio::join!(
        load_offers(client, view, limit),
        providers_for(client, format)
    );
    let view = view?;
    let shown: Vec<&Offer> = view.visible.iter().map(|&i| &view.all[i]).collect();
    let text = records::offers(&shown, listed.as_deref()).render(format);
    Ok(Printed::of(text, view.completeness()))
}

/// `view` with every page of its query absorbed (`limit` groups a page): its filter, type and
/// sort applied to all of them.
pub async fn load_offers(
    client: &Client,
    mut view: OffersView,
    limit: u32,
) -> Result<OffersView, Failure> {
    let pages = all_offer_pages(client, &view.query(1), limit).await?;
    for (i, page) in pages.into_iter().enumerate() {
        view.absorb(i as u32 + 1, page);
    }
    Ok(view)
}

/// Page 1, then every other page the answer announces, [`PAGES_AT_ONCE`] at a time, in order.
pub async fn all_offer_pages(
    client: &Client,
    query: &OffersQuery,
    limit: u32,
) -> Result<Vec<OffersPage>, ApiError> {
    let page = |n: u32| OffersQuery {
        page: Some(n),
        limit: Some(limit),
        ..query.clone()
    };
    let first = client.gpu_offers(&page(1)).await?;
    let total = u32::try_from(first.total_pages).unwrap_or(u32::MAX).max(1);
    let rest: Vec<OffersPage> = futures_util::stream::iter(2..=total)
        .map(|n| {
            let q = page(n);
            async move { client.gpu_offers(&q).await }
        })
        .buffered(PAGES_AT_ONCE)
        .try_collect()
        .await?;
    Ok(std::iter::once(first).chain(rest).collect())
}

async fn deployments(
    client: &Client,
    a: &DeploymentsArgs,
    guess: &[String],
) -> Result<Printed, Failure> {
    let status = (a.status != "all").then(|| a.status.clone());
    let format = a.output.into();
    let (read, listed) = tokio::join!(
        client.deployments_across_teams(status, guess),
        providers_for(client, format)
    );
    let (teams, list) = read?;
    let text = records::deployments(&list, &teams, listed.as_deref()).render(format);
    Ok(Printed::of(text, list.completeness).learnt(&teams, guess))
}

async fn volumes(client: &Client, a: &ListArgs, guess: &[String]) -> Result<Printed, Failure> {
    let format: Format = a.output.into();
    // A table names what each volume is attached to: every team's deployments are read with
    // the volumes (in the same round); JSON and CSV keep the ids and read only the volumes.
    let (read, listed) = tokio::join!(
        async {
            match format {
                Format::Table => client
                    .volumes_with_deployments_across_teams(guess)
                    .await
                    .map(|(t, v, d)| (t, v, d.ok())),
                Format::Json | Format::Csv => client
                    .volumes_across_teams(guess)
                    .await
                    .map(|(t, v)| (t, v, None)),
            }
        },
        providers_for(client, format)
    );
    let (teams, list, deployments) = read?;
    let names = attached_names(deployments);
    let text = records::volumes(&list, &teams, listed.as_deref(), &names).render(format);
    Ok(Printed::of(text, list.completeness).learnt(&teams, guess))
}

/// The name of each deployment, by id (an ended one with its status:
/// `eval-h100-sesterce (terminated)`), for the table's ATTACHED TO; empty when the deployments
/// were not read (the ids are shown then).
fn attached_names(
    deployments: Option<Listing<crate::api::Deployment>>,
) -> std::collections::HashMap<String, String> {
    deployments
        .map(|l| l.items)
        .unwrap_or_default()
        .into_iter()
        .filter(|d| !d.name.is_empty())
        .map(|d| {
            // an ended one with its status, as the dashboard's Volumes pane says it
            let name = match d.status.is_active() {
                true => d.name,
                false => format!("{} ({})", d.name, d.status),
            };
            (d.id, name)
        })
        .collect()
}

/// The providers list for a table, read beside the list (a table names each provider as the
/// dashboard does); JSON and CSV keep the name each object gives, so it is not read for them.
/// Unread, the table shows the names as the objects give them: nothing is refused for it.
async fn providers_for(client: &Client, format: Format) -> Option<Vec<String>> {
    match format {
        Format::Table => client.providers().await.ok(),
        Format::Json | Format::Csv => None,
    }
}

async fn keys(client: &Client, a: &ListArgs) -> Result<Printed, Failure> {
    let list = client.ssh_keys().await?;
    let text = records::keys(&list).render(a.output.into());
    Ok(Printed::of(text, list.completeness))
}

async fn balance(client: &Client, a: &BalanceArgs) -> Result<Printed, Failure> {
    let b = client.balance(None, None).await?;
    let format = if a.json { Format::Json } else { Format::Table };
    let text = records::balance(&b).render(format);
    Ok(Printed::of(text, Completeness::complete()))
}
