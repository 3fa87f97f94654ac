//! Lists across teams: every team the user belongs to is read (one team: one request), a team
//! whose read fails keeps its last known items (marked stale, named in the error, still in the
//! burn rate), and the demo's second team shows and counts without being picked.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use chrono::Duration as ChronoDuration;
use serde_json::json;
use spheron_tui::api::{Balance, Deployment, Volume, decode};
use spheron_tui::app::action::PagedList;
use spheron_tui::app::spend::account_burn;
use spheron_tui::app::{Action, AppState, Command, teams, update};
use spheron_tui::demo::{Fault, FaultRule};
use spheron_tui::domain::spend::Runway;
use support::fixtures::{err, ready, render, t0};

fn dep(id: &str, team: &str, rate: f64) -> Deployment {
    decode(
        json!({"id": id, "name": id, "status": "running", "hourlyRate": rate,
                  "teamId": team, "startedAt": "2026-11-28T10:00:00Z"}),
    )
    .unwrap()
}

fn vol(id: &str, team: &str) -> Volume {
    decode(
        json!({"id": id, "name": id, "status": "available", "sizeInGb": 1000,
                  "hourlyRatePerGb": 0.0001, "teamId": team}),
    )
    .unwrap()
}

fn one_team() -> Balance {
    Balance::decode(json!({"teams": [
        {"teamId": "t1", "teamName": "Personal", "balance": 100, "isCurrentTeam": true}
    ]}))
    .unwrap()
}

fn list_reads(cmds: &[Command]) -> Vec<&Command> {
    cmds.iter()
        .filter(|c| {
            matches!(
                c,
                Command::FetchDeployments { .. } | Command::FetchVolumes { .. }
            )
        })
        .collect()
}

#[test]
fn one_team_is_one_request_and_two_teams_are_two() {
    let mut s = ready(vec![], 100.0);
    update(&mut s, Action::BalanceLoaded(Ok(one_team())));
    s.pane = spheron_tui::app::Pane::Volumes;
    let cmds = update(&mut s, Action::Tick(t0() + ChronoDuration::seconds(600)));
    let reads = list_reads(&cmds);
    assert_eq!(reads.len(), 2, "{cmds:?}");
    for r in reads {
        match r {
            Command::FetchDeployments { teams, .. } | Command::FetchVolumes { teams } => {
                assert!(teams.is_empty(), "{r:?}")
            }
            _ => unreachable!(),
        }
    }
    // Two teams (t1 current, t2 not picked): the read without `teamId`, and t2's.
    update(
        &mut s,
        Action::BalanceLoaded(Ok(support::fixtures::balance(100.0))),
    );
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    update(&mut s, Action::VolumesLoaded(Ok(vec![].into())));
    let cmds = update(&mut s, Action::Tick(t0() + ChronoDuration::seconds(1200)));
    let reads = list_reads(&cmds);
    assert_eq!(reads.len(), 2, "{cmds:?}");
    for r in reads {
        match r {
            Command::FetchDeployments { teams, .. } | Command::FetchVolumes { teams } => {
                assert_eq!(teams, &["t2"], "{r:?}")
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn a_team_learnt_after_the_first_read_is_read_within_the_minimum_interval() {
    let mut s = ready(vec![], 100.0);
    update(&mut s, Action::BalanceLoaded(Ok(one_team())));
    // the poll went out for the current team alone
    let cmds = update(&mut s, Action::Tick(t0() + ChronoDuration::seconds(600)));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::FetchDeployments { teams, .. } if teams.is_empty()))
    );
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    // a second team appears: it is read 10 s after the last read, not a poll interval later
    update(
        &mut s,
        Action::BalanceLoaded(Ok(support::fixtures::balance(100.0))),
    );
    let cmds = update(&mut s, Action::Tick(t0() + ChronoDuration::seconds(605)));
    assert!(list_reads(&cmds).is_empty(), "{cmds:?}");
    let cmds = update(&mut s, Action::Tick(t0() + ChronoDuration::seconds(610)));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::FetchDeployments { teams, .. } if teams == &["t2"])),
        "{cmds:?}"
    );
}

/// `ready` with both teams' deployments and volumes loaded.
fn two_teams() -> AppState {
    let mut s = ready(vec![], 100.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![dep("a", "t1", 2.0), dep("b", "t2", 3.0)].into())),
    );
    update(
        &mut s,
        Action::VolumesLoaded(Ok(vec![vol("va", "t1"), vol("vb", "t2")].into())),
    );
    s
}

#[test]
fn a_failing_team_keeps_its_last_deployments_marked_stale_and_named() {
    let mut s = two_teams();
    let burn_before = account_burn(&s).value().unwrap();
    // t2's read fails; t1's answers with a new deployment
    update(
        &mut s,
        Action::TeamListFailed {
            list: PagedList::Deployments,
            team: "t2".into(),
            error: err::server(),
        },
    );
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![dep("a", "t1", 2.0), dep("c", "t1", 1.0)].into())),
    );
    let ids: Vec<&str> = s.deployments.items.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["a", "c", "b"]);
    assert!(teams::is_stale(&s, PagedList::Deployments, Some("t2")));
    assert!(!teams::is_stale(&s, PagedList::Deployments, Some("t1")));
    let said = s.status.last_error.clone().unwrap();
    assert!(said.contains("Research lab"), "{said}");
    assert!(said.contains("deployments"), "{said}");
    // still billing: in the burn rate, the team's own and the total, which read "at least"
    // (t2's list was not read this time)
    let burn = account_burn(&s);
    assert!((burn.known - (burn_before + 1.0)).abs() < 1e-9);
    assert!(burn.text_h().starts_with("at least"), "{burn:?}");
    let t2 = teams::spend_by_team(&s)
        .into_iter()
        .find(|t| t.team_id == "t2")
        .unwrap();
    assert!(t2.stale);
    assert!((t2.burn.known - (3.0 + 0.1)).abs() < 1e-9, "{t2:?}");
    assert_eq!(t2.runway, Runway::AtMost(250.0 / t2.burn.known));
    // the pane says which team is not up to date
    s.pane = spheron_tui::app::Pane::Deployments;
    let screen = render(&s);
    assert!(screen.contains("*stale: Research lab"), "{screen}");
    insta::assert_snapshot!("deployments_one_team_stale", screen);
    s.pane = spheron_tui::app::Pane::Account;
    insta::assert_snapshot!("account_one_team_stale", render(&s));

    // The next whole read clears it.
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![dep("a", "t1", 2.0), dep("b", "t2", 3.0)].into())),
    );
    assert!(!teams::is_stale(&s, PagedList::Deployments, Some("t2")));
    assert_eq!(s.status.last_error, None);
    assert_eq!(s.deployments.error, None);
}

#[test]
fn a_failing_team_keeps_its_last_volumes_and_a_429_still_holds_the_polls() {
    let mut s = two_teams();
    update(
        &mut s,
        Action::TeamListFailed {
            list: PagedList::Volumes,
            team: "t2".into(),
            error: err::rate_limited(120),
        },
    );
    update(
        &mut s,
        Action::VolumesLoaded(Ok(vec![vol("va", "t1")].into())),
    );
    assert!(s.volumes.items.iter().any(|v| v.id == "vb"));
    assert!(teams::is_stale(&s, PagedList::Volumes, Some("t2")));
    assert!(s.schedule.deployments_due.unwrap() >= t0() + ChronoDuration::seconds(120));
}

#[test]
fn the_current_teams_failure_keeps_its_items_too() {
    let mut s = two_teams();
    // the read without `teamId` (the current team's) failed: reported with an empty team
    update(
        &mut s,
        Action::TeamListFailed {
            list: PagedList::Deployments,
            team: String::new(),
            error: err::network(),
        },
    );
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![dep("b", "t2", 3.0)].into())),
    );
    assert!(s.deployments.items.iter().any(|d| d.id == "a"));
    assert!(teams::is_stale(&s, PagedList::Deployments, Some("t1")));
    let said = s.status.last_error.clone().unwrap();
    assert!(said.contains("Personal"), "{said}");
}

#[tokio::test]
async fn the_demo_second_team_shows_when_its_read_fails_as_last_known() {
    let mut h = support::harness::Harness::new().await;
    h.press("2ff").await; // all statuses
    h.advance(20).await;
    assert!(
        h.state
            .deployments
            .items
            .iter()
            .any(|d| d.id == "dep_51a7c0de2f44")
    );
    let burn = account_burn(&h.state).known;
    // The second team's list fails (the client retries a 500 once): the others still show,
    // the failed team is named, and its deployment stays in the burn rate.
    h.demo.inject(FaultRule::new(
        Some("GET"),
        "/api/deployments?teamId=team_grant_07",
        Fault::ServerError,
        2,
    ));
    // the next poll (two requests a poll: every 41 s)
    h.advance(45).await;
    assert!(
        h.state
            .deployments
            .items
            .iter()
            .any(|d| d.id == "dep_51a7c0de2f44")
    );
    assert!(
        teams::is_stale(&h.state, PagedList::Deployments, Some("team_grant_07")),
        "{:?} {:?}",
        h.state.status.last_error,
        h.demo
            .requests()
            .iter()
            .rev()
            .take(6)
            .map(|r| r.path.clone())
            .collect::<Vec<_>>()
    );
    let name = h.state.team_name("team_grant_07").unwrap().to_string();
    let said = h.state.status.last_error.clone().unwrap();
    assert!(said.contains(&name), "{said}");
    let after = account_burn(&h.state).known;
    assert!(after >= burn - 1e-9, "{burn} → {after}");
    // the current team's list was read all the same
    assert!(h.state.deployments.loaded_at == Some(h.demo.now()));
}

#[test]
fn the_deploy_summary_runway_is_the_deploy_teams_own() {
    use spheron_tui::app::dialogs::Dialog;
    use spheron_tui::app::dialogs::deploy::{Step, summary};
    use support::fixtures::{chr, enter, vp_cluster};
    let mut s = ready(vec![vp_cluster()], 120.0);
    // t1 spends $10/h; the deploy goes to t2 ($250, nothing spending yet)
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![dep("a", "t1", 10.0)].into())),
    );
    s.account.chosen_team = Some("t2".into());
    s.pane = spheron_tui::app::Pane::Offers;
    chr(&mut s, 'd');
    update(
        &mut s,
        Action::KubernetesVersions(Ok(vec![decode(json!({"version": "1.35"})).unwrap()])),
    );
    let wizard = |s: &AppState| match &s.dialog {
        Some(Dialog::Deploy(w)) => w.clone(),
        other => panic!("{other:?}"),
    };
    while wizard(&s).step() != Step::Summary {
        enter(&mut s);
    }
    let w = wizard(&s);
    assert_eq!(w.team.as_deref(), Some("t2"));
    let sum = summary(&s, &w);
    let added = sum.estimate.added_per_hour().unwrap();
    let Runway::Hours(runway) = sum.runway else {
        panic!("{:?}", sum.runway)
    };
    assert!(
        (runway - 250.0 / added).abs() < 1e-6,
        "{runway} vs {}",
        250.0 / added
    );
    // the account-wide spend (for the cap) still counts every team
    assert!((sum.spend_after.value().unwrap() - (s_spend(&s) + added)).abs() < 1e-6);
}

fn s_spend(s: &AppState) -> f64 {
    account_burn(s).value().unwrap()
}

#[test]
fn u_on_the_team_already_in_use_says_nothing_changed_and_on_another_switches() {
    use spheron_tui::app::Pane;
    let mut s = two_teams();
    s.pane = Pane::Account;
    s.account.cursor.selected = 0; // Personal, the current team
    support::fixtures::chr(&mut s, 'u');
    let said = s.status.flash.as_ref().map(|f| f.text.clone()).unwrap();
    assert!(said.contains("already go to team Personal"), "{said}");
    assert_eq!(s.account.chosen_team, None);
    s.account.cursor.selected = 1;
    support::fixtures::chr(&mut s, 'u');
    let said = s.status.flash.as_ref().map(|f| f.text.clone()).unwrap();
    assert_eq!(said, "New deploys and volumes go to team Research lab");
    assert_eq!(s.current_team_id(), Some("t2"));
    support::fixtures::chr(&mut s, 'u');
    let said = s.status.flash.as_ref().map(|f| f.text.clone()).unwrap();
    assert!(said.contains("already go to team Research lab"), "{said}");
}

/// What a read of `cmds` names: `(deployments?, teams)` of each list read.
fn reads_of(cmds: &[Command]) -> Vec<(bool, Vec<String>)> {
    list_reads(cmds)
        .into_iter()
        .map(|c| match c {
            Command::FetchDeployments { teams, .. } => (true, teams.clone()),
            Command::FetchVolumes { teams } => (false, teams.clone()),
            _ => unreachable!(),
        })
        .collect()
}

#[test]
fn at_start_teams_balance_and_lists_go_at_once_and_a_second_team_is_read_as_soon_as_known() {
    // the lists answer first, then the teams
    let mut s = AppState::new(support::fixtures::session(false), t0());
    let cmds = update(&mut s, Action::Start(t0()));
    for want in [
        "FetchTeams",
        "FetchBalance",
        "FetchProviders",
        "FetchOffers",
    ] {
        assert!(
            cmds.iter().any(|c| format!("{c:?}").starts_with(want)),
            "{want}: {cmds:?}"
        );
    }
    assert_eq!(reads_of(&cmds), [(true, vec![]), (false, vec![])]);
    assert!(
        reads_of(&update(
            &mut s,
            Action::DeploymentsLoaded(Ok(vec![].into()))
        ))
        .is_empty()
    );
    assert!(reads_of(&update(&mut s, Action::VolumesLoaded(Ok(vec![].into())))).is_empty());
    let t = t0() + ChronoDuration::milliseconds(300);
    update(&mut s, Action::Tick(t));
    // the second team is read at once, not 10 s (deployments) or a tick (volumes) later
    let cmds = update(
        &mut s,
        Action::BalanceLoaded(Ok(support::fixtures::balance(100.0))),
    );
    assert_eq!(
        reads_of(&cmds),
        [
            (true, vec!["t2".to_string()]),
            (false, vec!["t2".to_string()])
        ]
    );
    // …once: the teams' own answer adds nothing
    let teams = vec![
        decode(json!({"id": "t1", "name": "Personal", "isDefault": true})).unwrap(),
        decode(json!({"id": "t2", "name": "Research lab"})).unwrap(),
    ];
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    update(&mut s, Action::VolumesLoaded(Ok(vec![].into())));
    assert!(reads_of(&update(&mut s, Action::TeamsLoaded(Ok(teams.into())))).is_empty());

    // the teams answer first, while the lists are out: each list is read again when it answers
    let mut s = AppState::new(support::fixtures::session(false), t0());
    update(&mut s, Action::Start(t0()));
    let cmds = update(
        &mut s,
        Action::BalanceLoaded(Ok(support::fixtures::balance(100.0))),
    );
    assert!(reads_of(&cmds).is_empty(), "{cmds:?}");
    let cmds = update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    assert_eq!(reads_of(&cmds), [(true, vec!["t2".to_string()])]);
    let cmds = update(&mut s, Action::VolumesLoaded(Ok(vec![].into())));
    assert_eq!(reads_of(&cmds), [(false, vec!["t2".to_string()])]);

    // one team: nothing more
    let mut s = AppState::new(support::fixtures::session(false), t0());
    update(&mut s, Action::Start(t0()));
    update(&mut s, Action::BalanceLoaded(Ok(one_team())));
    assert!(
        reads_of(&update(
            &mut s,
            Action::DeploymentsLoaded(Ok(vec![].into()))
        ))
        .is_empty()
    );
    assert!(reads_of(&update(&mut s, Action::VolumesLoaded(Ok(vec![].into())))).is_empty());
}

fn remembering(teams: &[&str]) -> AppState {
    let mut s = AppState::new(support::fixtures::session(false), t0());
    s.team_lists.remembered = teams.iter().map(|t| t.to_string()).collect();
    s
}

fn remembers(cmds: &[Command]) -> Vec<String> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::RememberTeams(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_teams_of_the_last_run_are_read_at_start_and_need_no_second_round() {
    let mut s = remembering(&["t2"]);
    let cmds = update(&mut s, Action::Start(t0()));
    let t2 = vec!["t2".to_string()];
    assert_eq!(reads_of(&cmds), [(true, t2.clone()), (false, t2.clone())]);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![dep("d1", "t1", 1.0)].into())),
    );
    update(&mut s, Action::VolumesLoaded(Ok(vec![].into())));
    // before the teams answer, the list may lack a team: it proves nothing absent
    assert!(!s.deployments.completeness.is_complete());
    let cmds = update(
        &mut s,
        Action::BalanceLoaded(Ok(support::fixtures::balance(100.0))),
    );
    assert_eq!(reads_of(&cmds), [], "{cmds:?}");
    // the same teams as last time: nothing to keep
    assert_eq!(remembers(&cmds), Vec::<String>::new());
    assert!(
        s.deployments.completeness.is_complete(),
        "{}",
        s.deployments.completeness
    );
    assert!(s.volumes.completeness.is_complete());
}

#[test]
fn a_remembered_team_that_is_no_longer_one_proves_nothing_and_the_new_one_is_read() {
    // last run: t9; now the user's other team is t2
    let mut s = remembering(&["t9"]);
    let cmds = update(&mut s, Action::Start(t0()));
    let t9 = vec!["t9".to_string()];
    assert_eq!(reads_of(&cmds), [(true, t9.clone()), (false, t9)]);
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    update(&mut s, Action::VolumesLoaded(Ok(vec![].into())));
    let cmds = update(
        &mut s,
        Action::BalanceLoaded(Ok(support::fixtures::balance(100.0))),
    );
    // t2 was not asked for: read at once, and the list stays incomplete until it answers
    let t2 = vec!["t2".to_string()];
    assert_eq!(reads_of(&cmds), [(true, t2.clone()), (false, t2)]);
    assert_eq!(remembers(&cmds), ["t2"]);
    let gaps = s.deployments.completeness.to_string();
    assert!(!s.deployments.completeness.is_complete());
    assert!(gaps.contains("Research lab"), "{gaps}");
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![dep("d2", "t2", 2.0)].into())),
    );
    assert!(
        s.deployments.completeness.is_complete(),
        "{}",
        s.deployments.completeness
    );

    // nothing remembered, one team: nothing to keep either
    let mut s = remembering(&[]);
    update(&mut s, Action::Start(t0()));
    let cmds = update(&mut s, Action::BalanceLoaded(Ok(one_team())));
    assert_eq!(remembers(&cmds), Vec::<String>::new());
    // a user who left their other team: the remembered one is forgotten
    let mut s = remembering(&["t2"]);
    update(&mut s, Action::Start(t0()));
    let cmds = update(&mut s, Action::BalanceLoaded(Ok(one_team())));
    assert_eq!(remembers(&cmds), [""]);
}

#[test]
fn the_refusal_of_a_remembered_team_that_is_no_longer_ones_is_left_out() {
    let mut s = remembering(&["t9"]);
    update(&mut s, Action::Start(t0()));
    // the teams first: t9 is not among them
    let teams = vec![
        decode(json!({"id": "t1", "name": "Personal", "isDefault": true})).unwrap(),
        decode(json!({"id": "t2", "name": "Research lab"})).unwrap(),
    ];
    update(&mut s, Action::TeamsLoaded(Ok(teams.into())));
    update(
        &mut s,
        Action::TeamListFailed {
            list: PagedList::Deployments,
            team: "t9".into(),
            error: err::server(),
        },
    );
    let mut listing: spheron_tui::api::Listing<Deployment> = vec![dep("a", "t1", 1.0)].into();
    listing.completeness.add(spheron_tui::api::Gap::Team {
        team: "t9".into(),
        error: "refused".into(),
    });
    let cmds = update(&mut s, Action::DeploymentsLoaded(Ok(listing)));
    assert!(!teams::is_stale(&s, PagedList::Deployments, Some("t9")));
    assert_eq!(s.status.last_error, None);
    assert_eq!(s.deployments.error, None);
    // still incomplete, for t2 only, which is read at once
    let gaps = s.deployments.completeness.to_string();
    assert!(!gaps.contains("t9"), "{gaps}");
    assert!(gaps.contains("Research lab"), "{gaps}");
    assert_eq!(reads_of(&cmds), [(true, vec!["t2".to_string()])]);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![dep("a", "t1", 1.0), dep("b", "t2", 1.0)].into())),
    );
    assert!(
        s.deployments.completeness.is_complete(),
        "{}",
        s.deployments.completeness
    );
}
