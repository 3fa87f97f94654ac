//! Lists across teams, shared by the dashboard, the commands for scripts and the guard.
//!
//! A list read without `teamId` holds the platform's current team only; every other team the
//! user belongs to is read with its `teamId`, so nothing bills unseen.

use std::future::Future;

use super::{
    ApiError, Balance, Client, Completeness, Deployment, DeploymentsQuery, Gap, Listing, Team,
    Volume, VolumesQuery,
};

/// The platform's current team (the one a list without `teamId` holds), when known: the
/// balance's current team, else the default one of `GET /api/teams`.
pub fn platform_team<'a>(teams: &'a [Team], balance: Option<&'a Balance>) -> Option<&'a str> {
    balance
        .and_then(|b| b.teams.iter().find(|t| t.is_current_team))
        .map(|t| t.team_id.as_str())
        .or_else(|| teams.iter().find(|t| t.is_default).map(|t| t.id.as_str()))
}

/// Every team the user belongs to: `GET /api/teams`, else the teams the balance lists.
pub fn known_teams(teams: &[Team], balance: Option<&Balance>) -> Vec<String> {
    let mut ids: Vec<String> = teams
        .iter()
        .map(|t| t.id.clone())
        .filter(|id| !id.is_empty())
        .collect();
    if ids.is_empty()
        && let Some(b) = balance
    {
        ids = b.teams.iter().map(|t| t.team_id.clone()).collect();
    }
    ids
}

/// The teams a list read asks for by `teamId`, besides the read without it: every team but the
/// platform's current one. One team: none (one request).
pub fn other_teams(teams: &[Team], balance: Option<&Balance>) -> Vec<String> {
    let known = known_teams(teams, balance);
    if known.len() <= 1 {
        return Vec::new();
    }
    match platform_team(teams, balance) {
        Some(cur) => known.into_iter().filter(|t| t != cur).collect(),
        // The current team is not known: ask each by id (the read without `teamId` repeats
        // one of them; items merge by id).
        None => known,
    }
}

/// What reading one list across teams gave.
#[derive(Debug)]
pub struct AcrossTeams<T> {
    /// Every team's items, merged by id (an item read for a named team carries its id); the
    /// requests sent (pages read, and one for each failed read); every team's gaps, a failed
    /// team's read among them.
    pub listing: Listing<T>,
    /// The teams whose read failed, with the error (an empty id is the current team's read).
    pub failed: Vec<(String, ApiError)>,
    /// Whether at least one read succeeded.
    pub any_read: bool,
}

/// Every page of one list for the current team (no `teamId`) and for each of `teams`, merged
/// by id; items without a `teamId` read for a named team are given it. Every team is read at
/// once (each team's pages in turn).
pub async fn across_teams<T, F, Fut>(
    teams: Vec<String>,
    read: F,
    team_of: fn(&mut T) -> &mut Option<String>,
    id_of: fn(&T) -> &str,
) -> AcrossTeams<T>
where
    F: Fn(Option<String>) -> Fut,
    Fut: Future<Output = Result<Listing<T>, ApiError>>,
{
    let teams: Vec<Option<String>> = std::iter::once(None)
        .chain(teams.into_iter().map(Some))
        .collect();
    let reads = futures_util::future::join_all(teams.iter().cloned().map(&read)).await;
    merge_teams(teams.into_iter().zip(reads).collect(), team_of, id_of)
}

/// One team's read of a list (`None`: the read without `teamId`).
pub type TeamRead<T> = (Option<String>, Result<Listing<T>, ApiError>);

/// The reads of one list, one per team, merged in that order as [`across_teams`] describes.
pub fn merge_teams<T>(
    reads: Vec<TeamRead<T>>,
    team_of: fn(&mut T) -> &mut Option<String>,
    id_of: fn(&T) -> &str,
) -> AcrossTeams<T> {
    let mut out = AcrossTeams {
        listing: Listing {
            items: Vec::new(),
            pages: 0,
            completeness: Default::default(),
        },
        failed: Vec::new(),
        any_read: false,
    };
    for (team, result) in reads {
        match result {
            Ok(p) => {
                out.any_read = true;
                out.listing.pages += p.pages;
                out.listing.completeness.merge(p.completeness);
                for mut x in p.items {
                    if let Some(t) = &team {
                        let slot = team_of(&mut x);
                        if slot.as_deref().is_none_or(str::is_empty) {
                            *slot = Some(t.clone());
                        }
                    }
                    if !out.listing.items.iter().any(|y| id_of(y) == id_of(&x)) {
                        out.listing.items.push(x);
                    }
                }
            }
            Err(e) => {
                // a failed read was still a request
                out.listing.pages += 1;
                let team = team.unwrap_or_default();
                out.listing.completeness.team_failed(&team, &e);
                out.failed.push((team, e));
            }
        }
    }
    out
}

pub fn deployment_team(d: &mut Deployment) -> &mut Option<String> {
    &mut d.team_id
}

pub fn volume_team(v: &mut Volume) -> &mut Option<String> {
    &mut v.team_id
}

/// What [`Client::volumes_with_deployments_across_teams`] reads: the teams, the volumes, and the
/// deployments or why they could not be read.
pub type VolumesWithDeployments = (
    Teams,
    Listing<Volume>,
    Result<Listing<Deployment>, ApiError>,
);

/// The user's teams as scripts and the guard see them: `GET /api/teams` and the balance.
#[derive(Debug, Clone, Default)]
pub struct Teams {
    pub teams: Vec<Team>,
    pub balance: Option<Balance>,
    /// What the teams list may be missing: a team not read is a team whose lists are not read.
    pub completeness: Completeness,
}

impl Teams {
    /// Reads the teams and the balance. A failure of one leaves it out: the lists are then read
    /// for the teams the other names. When both fail the teams are unknown: the error.
    pub async fn read(client: &Client) -> Result<Teams, ApiError> {
        let (teams, balance) = tokio::join!(client.teams(), client.balance(None, None));
        match (teams, balance) {
            (Err(e), Err(_)) => Err(e),
            (teams, balance) => {
                let (teams, completeness) = match teams {
                    Ok(l) => (l.items, l.completeness),
                    // The balance names the teams instead (it lists every team).
                    Err(_) => (Vec::new(), Completeness::complete()),
                };
                Ok(Teams {
                    teams: teams
                        .into_iter()
                        .filter(|t| t.unreadable.is_none())
                        .collect(),
                    balance: balance.ok(),
                    completeness,
                })
            }
        }
    }

    pub fn current(&self) -> Option<&str> {
        platform_team(&self.teams, self.balance.as_ref())
    }

    pub fn others(&self) -> Vec<String> {
        other_teams(&self.teams, self.balance.as_ref())
    }

    /// A team's name (its id when the name is not known).
    pub fn name(&self, id: &str) -> String {
        self.teams
            .iter()
            .find(|t| t.id == id && !t.name.is_empty())
            .map(|t| t.name.clone())
            .or_else(|| {
                self.balance.as_ref().and_then(|b| {
                    b.teams
                        .iter()
                        .find(|t| t.team_id == id && !t.team_name.is_empty())
                        .map(|t| t.team_name.clone())
                })
            })
            .unwrap_or_else(|| id.to_string())
    }

    /// The gap a list read across these teams has when the teams themselves were not all read.
    pub fn gap(&self) -> Option<Gap> {
        (!self.completeness.is_complete()).then(|| Gap::TeamsUnknown(self.completeness.to_string()))
    }

    /// Every item gets its team: one read without `teamId` holds the current team's.
    fn tag<T>(&self, items: &mut [T], team_of: fn(&mut T) -> &mut Option<String>) {
        if let Some(cur) = self.current() {
            for x in items {
                let slot = team_of(x);
                if slot.as_deref().is_none_or(str::is_empty) {
                    *slot = Some(cur.to_string());
                }
            }
        }
    }
}

/// One list's reads that need not wait for the teams: the current team's, and each guessed
/// team's (`guess`, the teams of the last run). Sent with the teams and the balance.
pub async fn first_round<T, F, Fut>(read: &F, guess: &[String]) -> FirstRound<T>
where
    F: Fn(Option<String>) -> Fut,
    Fut: Future<Output = Result<Listing<T>, ApiError>>,
{
    let guessed = futures_util::future::join_all(guess.iter().cloned().map(|t| read(Some(t))));
    let (current, guessed) = tokio::join!(read(None), guessed);
    FirstRound { current, guessed }
}

/// What [`first_round`] read: the current team's list, and each guessed team's in order.
pub struct FirstRound<T> {
    current: Result<Listing<T>, ApiError>,
    guessed: Vec<Result<Listing<T>, ApiError>>,
}

/// Once `teams` answered: the lists of the teams it names and `guess` did not (the second
/// round, which a user whose teams are the guessed ones never waits for), merged with `first`
/// as [`across_teams`] merges. Fails when any team's read failed, as
/// [`Client::deployments_of_teams`] does.
pub async fn second_round<T, F, Fut>(
    teams: &Teams,
    read: &F,
    guess: &[String],
    first: FirstRound<T>,
    team_of: fn(&mut T) -> &mut Option<String>,
    id_of: fn(&T) -> &str,
) -> Result<Listing<T>, ApiError>
where
    F: Fn(Option<String>) -> Fut,
    Fut: Future<Output = Result<Listing<T>, ApiError>>,
{
    let others = teams.others();
    let (asked, kept) = confirmed(guess, first.guessed, &others);
    let late: Vec<String> = others
        .iter()
        .filter(|t| !asked.contains(t))
        .cloned()
        .collect();
    let late_reads =
        futures_util::future::join_all(late.iter().cloned().map(|t| read(Some(t)))).await;
    let reads = std::iter::once((None, first.current))
        .chain(kept)
        .chain(late.into_iter().map(Some).zip(late_reads))
        .collect();
    let mut listing = every_team(merge_teams(reads, team_of, id_of))?;
    teams.tag(&mut listing.items, team_of);
    listing.completeness.extend(teams.gap());
    Ok(listing)
}

/// The reads of the guessed teams that the teams' answer confirms (`others`), with the teams
/// they cover. A guessed team that is not among them (the user left it, or it is now the
/// current team, read without `teamId`) is left out, its items and its failure alike: a list
/// of a team that is not one of the user's other teams proves nothing either way.
fn confirmed<T>(
    guess: &[String],
    reads: Vec<Result<Listing<T>, ApiError>>,
    others: &[String],
) -> (Vec<String>, Vec<TeamRead<T>>) {
    let mut asked = Vec::new();
    let mut kept = Vec::new();
    for (team, read) in guess.iter().zip(reads) {
        if others.contains(team) && !asked.contains(team) {
            asked.push(team.clone());
            kept.push((Some(team.clone()), read));
        }
    }
    (asked, kept)
}

/// The teams to remember for the next run's first round: every team but the current one.
/// Their ids joined by newlines ([`remembered`] reads them back).
pub fn to_remember(teams: &Teams) -> String {
    teams.others().join("\n")
}

/// The teams remembered by [`to_remember`]; nothing when none were.
pub fn remembered(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The first failure of a read across teams, for a caller that needs every team's items.
fn every_team<T>(r: AcrossTeams<T>) -> Result<Listing<T>, ApiError> {
    match r.failed.into_iter().next() {
        Some((_, e)) => Err(e),
        None => Ok(r.listing),
    }
}

impl Client {
    /// Every page of every team's deployments (`status` as for one list), each with its team.
    /// Fails when any team's read fails: a script or the guard never acts on a partial list.
    /// What was read but may not be everything (unreadable items, a status filter) is said in
    /// the answer's completeness.
    pub async fn deployments_of_teams(
        &self,
        teams: &Teams,
        status: Option<String>,
    ) -> Result<Listing<Deployment>, ApiError> {
        let read = |team| self.team_deployments(status.clone(), team);
        let r = across_teams(teams.others(), read, deployment_team, |d| d.id.as_str()).await;
        let mut listing = every_team(r)?;
        teams.tag(&mut listing.items, deployment_team);
        listing.completeness.extend(teams.gap());
        Ok(listing)
    }

    /// The user's teams and every page of every team's deployments, as
    /// [`Client::deployments_of_teams`] reads them, in one round trip when `guess` names the
    /// other teams (the teams of the last run, [`remembered`]): the teams, the balance, the
    /// current team's list and the guessed teams' lists are asked at once. Only a team the
    /// teams' answer names and `guess` does not waits for that answer (a second round).
    pub async fn deployments_across_teams(
        &self,
        status: Option<String>,
        guess: &[String],
    ) -> Result<(Teams, Listing<Deployment>), ApiError> {
        let read = |team| self.team_deployments(status.clone(), team);
        self.teams_and_list(read, guess, deployment_team, |d| d.id.as_str())
            .await
    }

    /// The user's teams and every page of every team's volumes, as
    /// [`Client::deployments_across_teams`] reads the deployments.
    pub async fn volumes_across_teams(
        &self,
        guess: &[String],
    ) -> Result<(Teams, Listing<Volume>), ApiError> {
        let read = |team| self.team_volumes(team);
        self.teams_and_list(read, guess, volume_team, |v| v.id.as_str())
            .await
    }

    /// The user's teams, every team's volumes and every team's deployments of every status
    /// (what the volumes are attached to, ended ones too), read together: one round trip when
    /// `guess` names the other teams, as [`Client::volumes_across_teams`]. The deployments'
    /// failure is given apart: the volumes do not depend on it.
    pub async fn volumes_with_deployments_across_teams(
        &self,
        guess: &[String],
    ) -> Result<VolumesWithDeployments, ApiError> {
        let volumes = |team| self.team_volumes(team);
        let deployments = |team| self.team_deployments(None, team);
        let (teams, v, d) = tokio::join!(
            Teams::read(self),
            first_round(&volumes, guess),
            first_round(&deployments, guess)
        );
        let teams = teams?;
        let (v, d) = tokio::join!(
            second_round(&teams, &volumes, guess, v, volume_team, |v| v.id.as_str()),
            second_round(&teams, &deployments, guess, d, deployment_team, |d| d
                .id
                .as_str())
        );
        Ok((teams, v?, d))
    }

    /// One team's volumes, every page (`None`: the current team).
    fn team_volumes(
        &self,
        team: Option<String>,
    ) -> impl Future<Output = Result<Listing<Volume>, ApiError>> + '_ {
        let q = VolumesQuery {
            team_id: team,
            ..VolumesQuery::default()
        };
        async move { self.volumes(&q).await }
    }

    /// One team's deployments of `status` (`None`: every status), every page.
    fn team_deployments(
        &self,
        status: Option<String>,
        team: Option<String>,
    ) -> impl Future<Output = Result<Listing<Deployment>, ApiError>> + '_ {
        let q = DeploymentsQuery {
            status,
            team_id: team,
            ..DeploymentsQuery::default()
        };
        async move { self.deployments(&q).await }
    }

    async fn teams_and_list<T, F, Fut>(
        &self,
        read: F,
        guess: &[String],
        team_of: fn(&mut T) -> &mut Option<String>,
        id_of: fn(&T) -> &str,
    ) -> Result<(Teams, Listing<T>), ApiError>
    where
        F: Fn(Option<String>) -> Fut,
        Fut: Future<Output = Result<Listing<T>, ApiError>>,
    {
        let (teams, first) = tokio::join!(Teams::read(self), first_round(&read, guess));
        let teams = teams?;
        let listing = second_round(&teams, &read, guess, first, team_of, id_of).await?;
        Ok((teams, listing))
    }

    /// Every page of every team's volumes, each with its team. Fails when any team's read
    /// fails.
    pub async fn volumes_of_teams(&self, teams: &Teams) -> Result<Listing<Volume>, ApiError> {
        let read = |team| self.team_volumes(team);
        let r = across_teams(teams.others(), read, volume_team, |v| v.id.as_str()).await;
        let mut listing = every_team(r)?;
        teams.tag(&mut listing.items, volume_team);
        listing.completeness.extend(teams.gap());
        Ok(listing)
    }
}
