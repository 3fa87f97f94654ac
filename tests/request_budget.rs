//! The request schedule under a virtual clock: 24 h of 1 Hz ticks with 1, 100 and 300 active
//! deployments (one page of the list per 100), every request answered at once, and 429 storms.
//! Requests per 15 minutes must not grow with the number of deployments and must stay inside the
//! platform's limits.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use spheron_tui::api::{
    ApiError, Balance, Completeness, Deployment, Listing, OffersPage, Team, decode,
};
use spheron_tui::app::polling::poll_interval;
use spheron_tui::app::prices::{PriceCmd, PriceEvent};
use spheron_tui::app::state::Session;
use spheron_tui::app::{Action, AppState, Command, update};
use spheron_tui::domain::watch::{Watch, WatchSpec};

const WINDOW_SECS: i64 = 15 * 60;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap()
}

fn deployments(n: usize) -> Vec<Deployment> {
    (0..n)
        .map(|i| {
            decode(
                json!({"id": format!("d{i}"), "name": format!("job-{i}"), "status": "running",
                          "hourlyRate": 2.0, "startedAt": "2026-11-27T20:00:00Z"}),
            )
            .unwrap()
        })
        .collect()
}

/// Deployments one page holds: the client asks for the API's maximum.
const PAGE: usize = spheron_tui::api::PAGE_LIMIT as usize;

/// Deployments each team but the current one has (the demo's second team has one).
const OTHER_TEAM_FLEET: usize = 1;

/// The account the simulation runs against.
struct Account<'a> {
    fleet: &'a [Deployment],
    /// Teams; the first is the current one.
    teams: usize,
    /// Price watches in the local store.
    watches: Vec<Watch>,
}

/// A price watch on H100s (the offers answer is empty, so it never matches).
fn h100_watch() -> Watch {
    Watch {
        id: 1,
        spec: WatchSpec {
            gpu: "h100".into(),
            max_gpu_price: 1.0,
            ..WatchSpec::default()
        },
        created_at: t0(),
    }
}

/// What the API (or the local store) answers to `cmd` (instantly), or a 429 while `storm`
/// says so, and how many API requests it took: a deployments list of `n` takes one per page
/// of [`PAGE`] for the current team, and one more read (one page) for each other team the
/// command names; volumes one read per team. A command not named here fails the test.
fn answer(cmd: &Command, account: &Account, storm: bool) -> (Vec<Action>, usize) {
    let (fleet, teams) = (account.fleet, account.teams);
    let limited = || ApiError::RateLimited {
        retry_after: StdDuration::from_secs(60),
    };
    let one = |a: Action| (vec![a], 1);
    match cmd {
        Command::FetchDeployments { .. } if storm => one(Action::DeploymentsLoaded(Err(limited()))),
        Command::FetchDeployments { teams: others, .. } => {
            let pages = fleet.len().div_ceil(PAGE).max(1)
                + others.len() * OTHER_TEAM_FLEET.div_ceil(PAGE).max(1);
            (
                vec![Action::DeploymentsLoaded(Ok(Listing {
                    items: fleet.to_vec(),
                    pages: pages as u32,
                    completeness: Completeness::complete(),
                }))],
                pages,
            )
        }
        Command::FetchBalance if storm => one(Action::BalanceLoaded(Err(limited()))),
        Command::FetchBalance => {
            let list: Vec<_> = (0..teams)
                .map(|i| {
                    json!({"teamId": format!("t{i}"), "teamName": format!("T{i}"),
                                "balance": 100, "isCurrentTeam": i == 0})
                })
                .collect();
            one(Action::BalanceLoaded(Ok(Balance::decode(
                json!({ "teams": list }),
            )
            .unwrap())))
        }
        Command::FetchVolumes { teams: others } => {
            let pages = 1 + others.len();
            (
                vec![Action::VolumesLoaded(Ok(Listing {
                    items: vec![],
                    pages: pages as u32,
                    completeness: Completeness::complete(),
                }))],
                pages,
            )
        }
        Command::FetchTeams => one(Action::TeamsLoaded(Ok((0..teams)
            .map(|i| {
                decode::<Team>(json!({"id": format!("t{i}"), "name": format!("T{i}"),
                                      "isCurrentTeam": i == 0}))
                .unwrap()
            })
            .collect::<Vec<_>>()
            .into()))),
        Command::FetchKeys => one(Action::KeysLoaded(Ok(vec![].into()))),
        Command::FetchProviders => one(Action::ProvidersLoaded(Ok(vec!["spheron-ai".into()]))),
        Command::FetchOffers { seq, page, .. } => one(Action::OffersLoaded {
            seq: *seq,
            page: *page,
            result: Ok(OffersPage::decode(
                json!({"data": [], "total": 0, "page": 1, "totalPages": 1}),
            )
            .unwrap()),
        }),
        // the local store: no API request
        Command::Prices(PriceCmd::LoadWatches) => (
            vec![Action::Prices(PriceEvent::Watches(Ok(account
                .watches
                .clone())))],
            0,
        ),
        Command::Prices(PriceCmd::Record { .. } | PriceCmd::Episodes { .. })
        | Command::Plan(_)
        | Command::RememberTeams(_) => (vec![], 0),
        // the terminal's bell and notifications
        Command::Bell | Command::Notify(_) => (vec![], 0),
        // anything else is not the schedule's: a command this model does not know fails
        other => panic!("the schedule alone sent {other:?}: count its requests here"),
    }
}

/// Seconds (since start) at which each API request went out, over `hours`, for an account of
/// `teams` teams whose current team runs `n` active deployments, with `watches` price watches.
fn simulate(
    n: usize,
    teams: usize,
    watches: Vec<Watch>,
    hours: i64,
    storm: impl Fn(i64) -> bool,
) -> Vec<i64> {
    let fleet = deployments(n);
    let account = Account {
        fleet: &fleet,
        teams,
        watches,
    };
    let mut s = AppState::new(
        Session {
            demo: false,
            read_only: false,
            host: "app.spheron.ai".into(),
            key_mask: Some("sai_…test".into()),
            poll_interval_secs: 20,
        },
        t0(),
    );
    let mut sent = Vec::new();
    let mut pending: Vec<Command> = update(&mut s, Action::Start(t0()));
    for sec in 0..=hours * 3600 {
        if sec > 0 {
            pending.extend(update(&mut s, Action::Tick(t0() + Duration::seconds(sec))));
        }
        while let Some(cmd) = pending.pop() {
            let (actions, requests) = answer(&cmd, &account, storm(sec));
            sent.extend(std::iter::repeat_n(sec, requests));
            for a in actions {
                pending.extend(update(&mut s, a));
            }
        }
    }
    sent
}

fn per_window(sent: &[i64]) -> Vec<usize> {
    let windows = sent.last().map_or(0, |l| l / WINDOW_SECS + 1);
    (0..windows)
        .map(|w| sent.iter().filter(|&&t| t / WINDOW_SECS == w).count())
        .collect()
}

#[test]
fn requests_per_window_do_not_grow_with_the_fleet() {
    // 1 and 100 active deployments are one page; 300 are three, read a third as often.
    let mut steady = Vec::new();
    for n in [1, 100, 300] {
        let w = per_window(&simulate(n, 1, vec![], 24, |_| false));
        let max_steady = *w[1..w.len() - 1].iter().max().unwrap();
        let max_any = *w.iter().max().unwrap();
        let pages = n.div_ceil(PAGE);
        println!(
            "{n} active deployments ({pages} page(s)): first window {} requests, steady max {max_steady} per 15 min",
            w[0]
        );
        assert!(max_any <= 90, "{n}: {max_any} requests in 15 min");
        // Start-up adds a handful (offers, providers, teams, volumes) to the first window, and
        // its first read of the list takes every page.
        assert!(w[0] <= 60 + 5 + (pages - 1), "{n}: first window {}", w[0]);
        assert!(max_steady <= 60, "{n}: {max_steady} requests in 15 min");
        steady.push(max_steady);
    }
    // Paging does not add requests: the poll interval grows with the page count instead.
    assert!(
        steady.iter().max().unwrap() - steady.iter().min().unwrap() <= 1,
        "flat: {steady:?}"
    );
}

#[test]
fn a_price_watch_adds_one_offers_load_a_minute_and_no_more() {
    for n in [1, 100, 300] {
        let without = per_window(&simulate(n, 1, vec![], 3, |_| false));
        let with = per_window(&simulate(n, 1, vec![h100_watch()], 3, |_| false));
        println!("{n} active deployments, one price watch: {with:?} (without: {without:?})");
        // the offers again every minute while a watch exists: 15 more requests a window
        for w in 1..with.len() - 1 {
            assert_eq!(
                with[w],
                without[w] + 15,
                "{n}: window {w}: {with:?} vs {without:?}"
            );
        }
        assert!(with.iter().all(|&r| r <= 90), "{n}: {with:?}");
    }
}

#[test]
fn two_teams_keep_the_budget() {
    // The second team is read with its `teamId` on every poll: one more request per poll, and
    // the poll interval grows with the requests a poll takes, so the window stays the same.
    let mut steady = Vec::new();
    for n in [1, 100, 300] {
        let sent = simulate(n, 2, vec![], 24, |_| false);
        let w = per_window(&sent);
        let max_steady = *w[1..w.len() - 1].iter().max().unwrap();
        let max_any = *w.iter().max().unwrap();
        let pages = n.div_ceil(PAGE);
        println!(
            "2 teams, {n} active deployments ({pages} + 1 request(s) a poll): first window {} requests, steady max {max_steady} per 15 min",
            w[0]
        );
        assert!(max_any <= 90, "{n}: {max_any} requests in 15 min");
        // Start-up: as with one team, plus the second round, made as soon as the teams are
        // known: both lists again, each for both teams (four requests); both rounds read
        // every page of the current team's list.
        assert!(
            w[0] <= 60 + 8 + 2 * (pages - 1),
            "{n}: first window {}",
            w[0]
        );
        assert!(max_steady <= 60, "{n}: {max_steady} requests in 15 min");
        steady.push(max_steady);
    }
    assert!(
        steady.iter().max().unwrap() - steady.iter().min().unwrap() <= 1,
        "flat: {steady:?}"
    );
    // ... and the same as with one team.
    let one = per_window(&simulate(1, 1, vec![], 24, |_| false));
    let one_steady = *one[1..one.len() - 1].iter().max().unwrap();
    assert!(
        steady[0].abs_diff(one_steady) <= 1,
        "{steady:?} vs {one_steady}"
    );
}

#[test]
fn the_poll_interval_grows_with_the_pages_read() {
    let mut s = AppState::new(
        Session {
            key_mask: Some("k".into()),
            poll_interval_secs: 20,
            ..Session::default()
        },
        t0(),
    );
    assert_eq!(poll_interval(&s), Duration::seconds(20));
    let read_in = |pages: u32| {
        Action::DeploymentsLoaded(Ok(Listing {
            items: deployments(3),
            pages,
            completeness: Completeness::complete(),
        }))
    };
    update(&mut s, read_in(3));
    assert_eq!(poll_interval(&s), Duration::seconds(60));
    // Two requests a poll (two teams): 22 polls fit a window, not 22.5, so 41 s, not 40.
    update(&mut s, read_in(2));
    assert_eq!(poll_interval(&s), Duration::seconds(41));
}

#[test]
fn status_requests_stay_ten_seconds_apart() {
    let fleet = deployments(3);
    let mut s = AppState::new(
        Session {
            key_mask: Some("k".into()),
            poll_interval_secs: 10,
            ..Session::default()
        },
        t0(),
    );
    let mut last: Option<i64> = None;
    let mut pending = update(&mut s, Action::Start(t0()));
    for sec in 0..3600 {
        pending.extend(update(&mut s, Action::Tick(t0() + Duration::seconds(sec))));
        // The user hammers `r` on the deployments pane every second.
        if sec == 1 {
            pending.extend(update(
                &mut s,
                Action::Key(crossterm::event::KeyEvent::new(
                    crossterm::event::KeyCode::Char('2'),
                    crossterm::event::KeyModifiers::NONE,
                )),
            ));
        }
        pending.extend(update(
            &mut s,
            Action::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('r'),
                crossterm::event::KeyModifiers::NONE,
            )),
        ));
        while let Some(cmd) = pending.pop() {
            if matches!(cmd, Command::FetchDeployments { .. }) {
                if let Some(prev) = last {
                    assert!(sec - prev >= 10, "deployments at {prev}s and {sec}s");
                }
                last = Some(sec);
            }
            let account = Account {
                fleet: &fleet,
                teams: 1,
                watches: vec![],
            };
            for a in answer(&cmd, &account, false).0 {
                pending.extend(update(&mut s, a));
            }
        }
    }
    assert!(last.is_some());
}

#[test]
fn a_429_storm_backs_off_and_recovers() {
    // Every answer is a 429 (retryAfter 60 s) during the second hour.
    let storm = |sec: i64| (3600..7200).contains(&sec);
    let sent = simulate(50, 1, vec![], 4, storm);
    let in_storm = sent.iter().filter(|&&t| storm(t)).count();
    // Without back-off the storm hour would see 180 + 60 requests; with it, one try a minute
    // per poll kind.
    assert!(
        in_storm <= 2 * 60 + 2,
        "{in_storm} requests during the storm"
    );
    let after = sent
        .iter()
        .filter(|&&t| (7200..10_800).contains(&t))
        .count();
    assert!(after >= 3 * 50, "polling recovers after the storm: {after}");
}
