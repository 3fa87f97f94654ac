//! Reducer flows: feed Actions, assert state and the Commands returned. No terminal, no network.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use serde_json::{Value, json};
use spheron_tui::api::{
    ApiError, Deployment, DeploymentStatus, InstanceType, OffersPage, RateStatus, decode,
};
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::prices::PriceCmd;
use spheron_tui::app::state::{OfferSort, Session};
use spheron_tui::app::{Action, AppState, Command, Pane, update};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

fn session(with_key: bool) -> Session {
    Session {
        demo: true,
        read_only: false,
        host: "127.0.0.1:1".into(),
        key_mask: with_key.then(|| "sai_…demo".to_string()),
        poll_interval_secs: 20,
    }
}

fn started(with_key: bool) -> (AppState, Vec<Command>) {
    let mut s = AppState::new(session(with_key), t0());
    s.size = (120, 40);
    let cmds = update(&mut s, Action::Start(t0()));
    (s, cmds)
}

fn key(s: &mut AppState, code: KeyCode) -> Vec<Command> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn chr(s: &mut AppState, c: char) -> Vec<Command> {
    key(s, KeyCode::Char(c))
}

fn type_text(s: &mut AppState, text: &str) {
    for c in text.chars() {
        chr(s, c);
    }
}

fn offer(gpu: &str, provider: &str, id: &str, count: u32, price: f64, ty: &str) -> Value {
    json!({"provider": provider, "offerId": id, "gpuCount": count, "price": price,
           "instanceType": ty, "gpu_memory": 80, "clusters": ["us-east-1"],
           "os_options": ["ubuntu-22.04"], "available": true, "gpuType": gpu})
}

fn page(offers: Vec<Value>, page: u64, total_pages: u64) -> OffersPage {
    OffersPage::decode(json!({
        "data": [{"gpuType": "MIXED", "displayName": "Mixed", "offers": offers}],
        "total": 3, "page": page, "limit": 50, "totalPages": total_pages
    }))
    .unwrap()
}

fn offers_loaded(s: &mut AppState, p: OffersPage, page_no: u32) -> Vec<Command> {
    let seq = s.offers.seq;
    update(
        s,
        Action::OffersLoaded {
            seq,
            page: page_no,
            result: Ok(p),
        },
    )
}

fn deployment(id: &str, name: &str, status: &str) -> Deployment {
    decode(
        json!({"id": id, "name": name, "status": status, "gpuType": "H100", "gpuCount": 1,
                  "hourlyRate": 2.0, "ipAddress": "10.0.0.5", "user": "ubuntu", "sshPort": 2222,
                  "startedAt": "2026-11-28T11:00:00Z"}),
    )
    .unwrap()
}

fn fetches_deployments(cmds: &[Command]) -> bool {
    cmds.iter()
        .any(|c| matches!(c, Command::FetchDeployments { .. }))
}

fn visible_ids(s: &AppState) -> Vec<String> {
    s.offers
        .visible
        .iter()
        .map(|&i| s.offers.all[i].offer_id.clone())
        .collect()
}

#[test]
fn start_without_a_key_loads_only_public_offers_and_providers() {
    let (_, cmds) = started(false);
    // Besides the requests, only the local store is read (the price watches, the model plan).
    let requests: Vec<&Command> = cmds
        .iter()
        .filter(|c| {
            !matches!(
                c,
                Command::Prices(PriceCmd::LoadWatches)
                    | Command::Plan(spheron_tui::app::planning::PlanCmd::Load)
            )
        })
        .collect();
    assert_eq!(requests.len(), 2, "{cmds:?}");
    assert!(matches!(requests[0], Command::FetchOffers { page: 1, .. }));
    assert!(matches!(requests[1], Command::FetchProviders));
}

#[test]
fn start_with_a_key_loads_account_and_one_deployments_request() {
    let (_, cmds) = started(true);
    assert!(cmds.iter().any(|c| matches!(c, Command::FetchTeams)));
    assert!(cmds.iter().any(|c| matches!(c, Command::FetchBalance)));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::FetchVolumes { .. }))
    );
    let n = cmds
        .iter()
        .filter(|c| {
            matches!(
                c,
                Command::FetchDeployments {
                    status: Some("active"),
                    ..
                }
            )
        })
        .count();
    assert_eq!(n, 1);
}

#[test]
fn offers_page_through_every_page_and_drop_stale_answers() {
    let (mut s, _) = started(false);
    let cmds = offers_loaded(
        &mut s,
        page(vec![offer("H100", "a", "o1", 1, 2.0, "SPOT")], 1, 2),
        1,
    );
    assert!(matches!(&cmds[..], [Command::FetchOffers { page: 2, .. }]));
    assert!(s.offers.loading);
    let cmds = offers_loaded(
        &mut s,
        page(vec![offer("A100", "b", "o2", 1, 1.0, "SPOT")], 2, 2),
        2,
    );
    // No further request: the complete load goes to the price history.
    assert!(
        matches!(&cmds[..], [Command::Prices(PriceCmd::Record { offers, .. })] if offers.len() == 2),
        "{cmds:?}"
    );
    assert!(!s.offers.loading);
    assert_eq!(s.offers.all.len(), 2);

    // An answer to an older query is dropped.
    let stale = s.offers.seq - 1;
    update(
        &mut s,
        Action::OffersLoaded {
            seq: stale,
            page: 1,
            result: Ok(page(vec![], 1, 1)),
        },
    );
    assert_eq!(s.offers.all.len(), 2);
}

#[test]
fn filter_applies_locally_while_typing_and_searches_on_enter() {
    let (mut s, _) = started(false);
    offers_loaded(
        &mut s,
        page(
            vec![
                offer("H100", "voltage-park", "o1", 8, 20.0, "CLUSTER"),
                offer("A100", "sesterce", "o2", 1, 1.5, "SPOT"),
                offer("H100", "spheron-ai", "o3", 1, 2.5, "DEDICATED"),
            ],
            1,
            1,
        ),
        1,
    );
    assert_eq!(s.offers.visible.len(), 3);
    assert!(chr(&mut s, '/').is_empty());
    type_text(&mut s, "h100 price<3");
    assert_eq!(visible_ids(&s), vec!["o3"]);
    let cmds = key(&mut s, KeyCode::Enter);
    match &cmds[..] {
        [Command::FetchOffers { query, page: 1, .. }] => {
            assert_eq!(query.search.as_deref(), Some("h100"));
        }
        other => panic!("expected one search, got {other:?}"),
    }
    assert!(!s.offers.editing_filter);
    // Esc clears the filter and the search.
    let cmds = key(&mut s, KeyCode::Esc);
    assert!(matches!(&cmds[..], [Command::FetchOffers { query, .. }] if query.search.is_none()));
    assert_eq!(s.offers.visible.len(), 3);
}

#[test]
fn keys_typed_into_the_filter_do_not_trigger_bindings() {
    let (mut s, _) = started(true);
    chr(&mut s, '/');
    let cmds: Vec<Command> = "q2t".chars().flat_map(|c| chr(&mut s, c)).collect();
    assert!(cmds.is_empty());
    assert!(!s.quit);
    assert_eq!(s.pane, Pane::Offers);
    assert_eq!(s.offers.filter_input.value(), "q2t");
    // the footer names the filter's keys, not the pane's letters that now type
    let footer = screen_of(&s).lines().last().unwrap().to_string();
    assert!(footer.contains("Enter search"), "{footer}");
    assert!(!footer.contains("s sort"), "{footer}");
    key(&mut s, KeyCode::Esc);
    let footer = screen_of(&s).lines().last().unwrap().to_string();
    assert!(footer.contains("s sort"), "{footer}");
}

#[test]
fn sort_cycles_reverses_and_keeps_the_selected_offer() {
    let (mut s, _) = started(false);
    offers_loaded(
        &mut s,
        page(
            vec![
                offer("H100", "c", "big", 8, 20.0, "CLUSTER"),
                offer("A100", "a", "cheap", 1, 1.0, "SPOT"),
                offer("L40S", "b", "mid", 2, 3.0, "DEDICATED"),
            ],
            1,
            1,
        ),
        1,
    );
    assert_eq!(s.offers.sort, OfferSort::Price);
    assert_eq!(visible_ids(&s), vec!["cheap", "mid", "big"]);
    chr(&mut s, 'j');
    assert_eq!(s.offers.selected().unwrap().offer_id, "mid");
    chr(&mut s, 'S');
    assert_eq!(visible_ids(&s), vec!["big", "mid", "cheap"]);
    assert_eq!(s.offers.selected().unwrap().offer_id, "mid");
    chr(&mut s, 's'); // $/GPU·h, still descending
    assert_eq!(s.offers.sort, OfferSort::GpuPrice);
    assert_eq!(visible_ids(&s), vec!["big", "mid", "cheap"]);
    chr(&mut s, 's'); // GPU count
    chr(&mut s, 'S');
    assert_eq!(visible_ids(&s), vec!["cheap", "mid", "big"]);
    assert_eq!(s.offers.selected().unwrap().offer_id, "mid");
}

#[test]
fn an_unknown_vram_sorts_last_whichever_way_the_column_runs() {
    let (mut s, _) = started(false);
    let mut unknown = offer("H100", "a", "unknown", 1, 1.0, "SPOT");
    unknown["gpu_memory"] = Value::Null;
    let mut small = offer("A100", "a", "small", 1, 2.0, "SPOT");
    small["gpu_memory"] = json!(40);
    let big = offer("H200", "a", "big", 1, 3.0, "SPOT");
    offers_loaded(&mut s, page(vec![unknown, small, big], 1, 1), 1);
    while s.offers.sort != OfferSort::Vram {
        chr(&mut s, 's');
    }
    assert!(!s.offers.descending);
    assert_eq!(visible_ids(&s), vec!["small", "big", "unknown"]);
    chr(&mut s, 'S');
    assert_eq!(visible_ids(&s), vec!["big", "small", "unknown"]);
}

#[test]
fn instance_type_cycles_and_is_sent_and_applied_locally() {
    let (mut s, _) = started(false);
    offers_loaded(
        &mut s,
        page(
            vec![
                offer("H100", "a", "spot", 1, 1.0, "SPOT"),
                offer("H100", "a", "ded", 1, 2.0, "DEDICATED"),
            ],
            1,
            1,
        ),
        1,
    );
    let cmds = chr(&mut s, 't');
    assert!(matches!(&cmds[..], [Command::FetchOffers { query, .. }]
        if query.instance_type == Some(InstanceType::Spot)));
    // Groups can hold offers of other types: filtered locally too.
    assert_eq!(visible_ids(&s), vec!["spot"]);
    chr(&mut s, 't');
    assert_eq!(s.offers.instance_type, Some(InstanceType::Dedicated));
    chr(&mut s, 't');
    chr(&mut s, 't');
    assert_eq!(s.offers.instance_type, None);
}

#[test]
fn deployment_selection_follows_the_id_across_refreshes() {
    let (mut s, _) = started(true);
    chr(&mut s, '2');
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![
            deployment("d1", "alpha", "running"),
            deployment("d2", "beta", "running"),
            deployment("d3", "gamma", "deploying"),
        ]
        .into())),
    );
    chr(&mut s, 'j');
    assert_eq!(s.selected_deployment().unwrap().id, "d2");
    // The list comes back in another order, with one gone: the cursor stays on d2.
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![
            deployment("d3", "gamma", "running"),
            deployment("d2", "beta", "running"),
        ]
        .into())),
    );
    assert_eq!(s.selected_deployment().unwrap().id, "d2");
    assert_eq!(s.deployments.cursor.selected, 1);
}

#[test]
fn f_cycles_active_inactive_all_locally_with_one_request() {
    let (mut s, _) = started(true);
    chr(&mut s, '2');
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![
            deployment("d1", "alpha", "running"),
            deployment("d2", "old", "terminated"),
        ]
        .into())),
    );
    assert_eq!(s.visible_deployments().len(), 1);
    let later = t0() + Duration::seconds(15);
    update(&mut s, Action::Tick(later)); // nothing due yet (20 s interval)
    let cmds = chr(&mut s, 'f');
    assert!(matches!(
        &cmds[..],
        [Command::FetchDeployments { status: None, .. }]
    ));
    // Inactive at once from what is known, then from the full list when it comes.
    assert_eq!(s.visible_deployments()[0].id, "d2");
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![
            deployment("d1", "alpha", "running"),
            deployment("d2", "old", "terminated"),
        ]
        .into())),
    );
    assert_eq!(s.visible_deployments()[0].id, "d2");
    chr(&mut s, 'f');
    assert_eq!(s.visible_deployments().len(), 2);
}

#[test]
fn polls_respect_the_interval_and_the_ten_second_floor() {
    let (mut s, cmds) = started(true);
    assert!(fetches_deployments(&cmds));
    // In flight: no second request however often the clock ticks.
    for secs in 1..30 {
        let c = update(&mut s, Action::Tick(t0() + Duration::seconds(secs)));
        assert!(!fetches_deployments(&c), "duplicate at +{secs}s");
    }
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    // Due 20 s after the request went out: at +30 s it is overdue, so it goes now.
    let c = update(&mut s, Action::Tick(t0() + Duration::seconds(30)));
    assert!(fetches_deployments(&c));
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![].into())));
    // `r` three seconds later is deferred to 10 s after the last request.
    chr(&mut s, '2');
    update(&mut s, Action::Tick(t0() + Duration::seconds(33)));
    let c = chr(&mut s, 'r');
    assert!(!fetches_deployments(&c));
    let c = update(&mut s, Action::Tick(t0() + Duration::seconds(39)));
    assert!(!fetches_deployments(&c));
    let c = update(&mut s, Action::Tick(t0() + Duration::seconds(40)));
    assert!(fetches_deployments(&c));
}

#[test]
fn poll_interval_never_goes_under_ten_seconds_and_stretches_when_budget_is_low() {
    let mut sess = session(true);
    sess.poll_interval_secs = 1;
    let mut s = AppState::new(sess, t0());
    assert_eq!(
        spheron_tui::app::polling::poll_interval(&s),
        Duration::seconds(10)
    );
    s.session.poll_interval_secs = 20;
    s.status.rate = RateStatus {
        limit: Some(250),
        remaining: Some(10),
        ..RateStatus::default()
    };
    assert_eq!(
        spheron_tui::app::polling::poll_interval(&s),
        Duration::seconds(60)
    );
}

#[test]
fn rate_limit_pushes_every_poll_back() {
    let (mut s, _) = started(true);
    update(
        &mut s,
        Action::DeploymentsLoaded(Err(ApiError::RateLimited {
            retry_after: std::time::Duration::from_secs(120),
        })),
    );
    assert!(s.status.last_error.is_some());
    let c = update(&mut s, Action::Tick(t0() + Duration::seconds(60)));
    assert!(!fetches_deployments(&c));
    let c = update(&mut s, Action::Tick(t0() + Duration::seconds(121)));
    assert!(fetches_deployments(&c));
}

#[test]
fn a_401_opens_the_key_prompt_and_a_new_key_reloads_without_showing_it() {
    let (mut s, _) = started(true);
    update(
        &mut s,
        Action::DeploymentsLoaded(Err(ApiError::Unauthorized {
            message: "bad key".into(),
            code: None,
        })),
    );
    assert!(matches!(s.dialog, Some(Dialog::KeyPrompt(_))));
    // Keys go to the prompt, not to bindings.
    let typed = "sai_pk_secretvalue1234";
    type_text(&mut s, typed);
    assert!(!s.quit);
    // Enter checks the key first: nothing is used or saved until the API accepts it.
    let cmds = key(&mut s, KeyCode::Enter);
    assert!(matches!(s.dialog, Some(Dialog::KeyPrompt(_))));
    let checked = cmds.iter().find_map(|c| match c {
        Command::CheckKey(k) => Some(k.clone()),
        _ => None,
    });
    let checked = checked.unwrap();
    assert_eq!(checked.expose(), typed);
    assert!(!cmds.iter().any(|c| matches!(c, Command::UseKey(_))));
    let cmds = update(
        &mut s,
        Action::KeyChecked {
            key: checked,
            result: Ok(()),
        },
    );
    assert!(s.dialog.is_none());
    let used = cmds.iter().find_map(|c| match c {
        Command::UseKey(k) => Some(k.expose().to_string()),
        _ => None,
    });
    assert_eq!(used.as_deref(), Some(typed));
    assert!(cmds.iter().any(|c| matches!(c, Command::FetchBalance)));
    let mask = s.session.key_mask.clone().unwrap();
    assert!(!mask.contains("secretvalue"), "{mask}");
    assert!(!format!("{cmds:?}").contains("secretvalue"));
}

#[test]
fn a_key_the_api_refuses_is_said_plainly_and_neither_used_nor_saved() {
    let (mut s, _) = started(false);
    chr(&mut s, '2');
    type_text(&mut s, "sai_pk_wrong");
    let cmds = key(&mut s, KeyCode::Enter);
    let Some(Command::CheckKey(k)) = cmds.first() else {
        panic!("no check: {cmds:?}")
    };
    let k = k.clone();
    // While the check runs, typing and Enter wait for it.
    assert!(chr(&mut s, 'x').is_empty());
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let cmds = update(
        &mut s,
        Action::KeyChecked {
            key: k,
            result: Err(ApiError::Unauthorized {
                message: "invalid API key".into(),
                code: None,
            }),
        },
    );
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(s.session.key_mask.is_none());
    let Some(Dialog::KeyPrompt(p)) = &s.dialog else {
        panic!("the prompt stays open")
    };
    let said = p.error.clone().unwrap();
    assert!(said.contains("refused this key (401)"), "{said}");
    assert!(said.contains("not saved"), "{said}");
    assert_eq!(p.input.value(), "sai_pk_wrong");
    // A network failure is not a verdict on the key: it is not saved either, and Enter retries.
    let cmds = key(&mut s, KeyCode::Enter);
    let Some(Command::CheckKey(k)) = cmds.first() else {
        panic!("no second check: {cmds:?}")
    };
    let k = k.clone();
    update(
        &mut s,
        Action::KeyChecked {
            key: k,
            result: Err(ApiError::Network {
                message: "connection refused".into(),
            }),
        },
    );
    let Some(Dialog::KeyPrompt(p)) = &s.dialog else {
        panic!("the prompt stays open")
    };
    let said = p.error.clone().unwrap();
    assert!(said.contains("Could not check the key"), "{said}");
    assert!(said.contains("not saved"), "{said}");
    assert!(s.session.key_mask.is_none());
}

#[test]
fn panes_that_need_a_key_ask_for_one_and_esc_goes_back() {
    let (mut s, _) = started(false);
    let cmds = chr(&mut s, '2');
    assert!(cmds.is_empty());
    assert!(matches!(s.dialog, Some(Dialog::KeyPrompt(_))));
    key(&mut s, KeyCode::Enter);
    assert!(matches!(
        &s.dialog,
        Some(Dialog::KeyPrompt(spheron_tui::app::dialogs::KeyPrompt {
            error: Some(_),
            ..
        }))
    ));
    key(&mut s, KeyCode::Esc);
    assert!(s.dialog.is_none());
    assert_eq!(s.pane, Pane::Offers);
}

#[test]
fn copy_ssh_builds_the_command_and_refuses_when_there_is_none() {
    let (mut s, _) = started(true);
    chr(&mut s, '2');
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![deployment("d1", "alpha", "running")].into())),
    );
    let cmds = chr(&mut s, 'c');
    assert!(matches!(&cmds[..], [Command::Copy(c)] if c == "ssh -p 2222 ubuntu@10.0.0.5"));
    let mut d = deployment("d2", "beta", "deploying");
    d.ip_address = None;
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![d].into())));
    assert!(chr(&mut s, 'c').is_empty());
    assert!(
        s.status
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("no SSH command")
    );
}

#[test]
fn details_show_every_raw_field() {
    let (mut s, _) = started(true);
    chr(&mut s, '2');
    let mut d = deployment("d1", "alpha", "running");
    d.raw = json!({"id": "d1", "futureField": "kept"});
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![d].into())));
    key(&mut s, KeyCode::Enter);
    match &s.dialog {
        Some(Dialog::DeploymentInfo(i)) => {
            assert!(i.raw.iter().any(|l| l.contains("futureField")));
        }
        other => panic!("expected details, got {other:?}"),
    }
    key(&mut s, KeyCode::Esc);
    assert!(s.dialog.is_none());
}

#[test]
fn mouse_selects_tabs_and_rows() {
    let (mut s, _) = started(true);
    let click = |col, row| {
        Action::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: col,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(&mut s, click(12, 0));
    assert_eq!(s.pane, Pane::Deployments);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![
            deployment("d1", "a", "running"),
            deployment("d2", "b", "running"),
            deployment("d3", "c", "running"),
        ]
        .into())),
    );
    // Rows start under the tab bar, the border and the header: y = 1 + 1 + 1.
    update(&mut s, click(5, 5));
    assert_eq!(s.selected_deployment().unwrap().id, "d3");
    update(&mut s, click(5, 30)); // below the last row: nothing changes
    assert_eq!(s.selected_deployment().unwrap().id, "d3");
    // below the minimum size only the notice is drawn: a click selects nothing
    update(&mut s, Action::Resize(50, 15));
    update(&mut s, click(5, 3));
    assert_eq!(s.selected_deployment().unwrap().id, "d3");
}

#[test]
fn quit_from_anywhere_but_text_entry() {
    let (mut s, _) = started(true);
    let cmds = chr(&mut s, 'q');
    assert!(s.quit);
    assert!(matches!(&cmds[..], [Command::Quit]));
    let (mut s, _) = started(true);
    update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    );
    assert!(s.quit);
}

#[test]
fn terminal_statuses_are_not_active_and_stopped_and_unknown_ones_bill() {
    for (status, active) in [
        ("running", true),
        ("deploying", true),
        ("failed", false),
        ("terminated", false),
        ("terminated-provider", false),
        ("stopped", true),
        ("hibernating", true),
        ("", true),
    ] {
        assert_eq!(
            DeploymentStatus::parse(status).is_active(),
            active,
            "{status}"
        );
    }
}

fn status_asked(cmds: &[Command]) -> Option<Option<&'static str>> {
    cmds.iter().find_map(|c| match c {
        Command::FetchDeployments { status, .. } => Some(*status),
        _ => None,
    })
}

#[test]
fn f_to_inactive_loads_every_status_at_once_and_says_loading_until_then() {
    let (mut s, cmds) = started(true);
    // the first poll asks for active ones only
    assert_eq!(status_asked(&cmds), Some(Some("active")));
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![deployment("d1", "alpha", "running")].into())),
    );
    chr(&mut s, '2');
    // a second later: not a poll (that waits 10 s), a different question, asked at once
    let cmds = chr(&mut s, 'f');
    assert_eq!(status_asked(&cmds), Some(None), "{cmds:?}");
    let screen = screen_of(&s);
    assert!(screen.contains("loading inactive"), "{screen}");
    assert!(!screen.contains("Nothing here"), "{screen}");
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![
            deployment("d1", "alpha", "running"),
            deployment("d0", "old", "terminated"),
        ]
        .into())),
    );
    let screen = screen_of(&s);
    assert!(screen.contains("old"), "{screen}");
    assert!(!screen.contains("loading inactive"), "{screen}");
    // the full list held covers every view: cycling on asks nothing more
    assert_eq!(status_asked(&chr(&mut s, 'f')), None);
}

fn screen_of(s: &AppState) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    t.draw(|f| spheron_tui::ui::draw(f, s, &spheron_tui::ui::Theme::default()))
        .unwrap();
    spheron_tui::ui::svg::to_text(t.backend().buffer())
}

#[test]
fn the_message_log_keeps_messages_with_their_times_and_names_the_source_of_errors() {
    let (mut s, _) = started(true);
    s.say(spheron_tui::app::state::FlashKind::Success, "first");
    s.now += Duration::seconds(75);
    update(
        &mut s,
        Action::VolumesLoaded(Err(spheron_tui::api::ApiError::Server {
            status: 500,
            message: "boom".into(),
            code: None,
        })),
    );
    // the status bar names the list the error came from
    let bar = s.status.last_error.clone().unwrap();
    assert!(bar.starts_with("volumes list: "), "{bar}");
    s.say(spheron_tui::app::state::FlashKind::Info, "third");
    let log: Vec<(String, String)> = s
        .status
        .log
        .iter()
        .map(|e| (e.at.format("%H:%M:%S").to_string(), e.text.clone()))
        .collect();
    assert_eq!(log.len(), 3, "{log:?}");
    assert_eq!(log[0].1, "first");
    assert!(log[1].1.starts_with("volumes list: "), "{log:?}");
    assert_ne!(log[0].0, log[1].0, "each keeps its own time");
    // m opens it, listed in ? (the key table), newest first, with times
    chr(&mut s, 'm');
    assert!(
        matches!(s.dialog, Some(Dialog::Messages(_))),
        "{:?}",
        s.dialog
    );
    let screen = screen_of(&s);
    let third = screen.find("UTC  third").expect("listed");
    let first = screen.find("UTC  first").expect("listed");
    assert!(third < first, "newest first:\n{screen}");
    assert!(screen.contains(&format!("{} UTC", log[1].0)), "{screen}");
    key(&mut s, KeyCode::Esc);
    chr(&mut s, '?');
    assert!(screen_of(&s).contains("message log"), "listed in ?");
    // at most LOG_KEEP kept, the oldest dropped
    key(&mut s, KeyCode::Esc);
    for i in 0..spheron_tui::app::state::LOG_KEEP + 5 {
        s.say(spheron_tui::app::state::FlashKind::Info, format!("n{i}"));
    }
    assert_eq!(s.status.log.len(), spheron_tui::app::state::LOG_KEEP);
    assert_eq!(
        s.status.log.back().unwrap().text,
        format!("n{}", spheron_tui::app::state::LOG_KEEP + 4)
    );
}

#[test]
fn the_filter_placeholder_is_never_cut_at_80_columns() {
    let (s, _) = started(true);
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    t.draw(|f| spheron_tui::ui::draw(f, &s, &spheron_tui::ui::Theme::default()))
        .unwrap();
    let screen = spheron_tui::ui::svg::to_text(t.backend().buffer());
    let line = screen
        .lines()
        .find(|l| l.contains("no filter"))
        .expect("the filter line");
    assert!(line.trim_end().ends_with("price<3"), "{line}");
}
