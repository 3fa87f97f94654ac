//! What a newcomer meets in a first session: screen words in the user's language, sorting that
//! shows the top, counts that add up, text fields that keep hints on screen, a deploy summary
//! that names the key, one balance, duplicate-name warnings, a help that reads once and a
//! read-only footer. Reducer flows on fixture states, and the real app against the demo world.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;
use spheron_tui::api::{Balance, InstanceType, Team, TeamBalance, decode};
use spheron_tui::app::dialogs::deploy::Step;
use spheron_tui::app::dialogs::help::max_scroll;
use spheron_tui::app::dialogs::{Dialog, Loading, TeamInfo};
use spheron_tui::app::keys::hints::{self, HELP_NOTE};
use spheron_tui::app::keys::{self, Scope};
use spheron_tui::app::{Action, AppState, Pane, update};
use support::fixtures::{
    self, PUB, chr, enter, key, ready, render, running, type_text, vp_cluster,
};
use support::harness::Harness;

fn wizard_step(s: &AppState) -> Step {
    match &s.dialog {
        Some(Dialog::Deploy(w)) => w.step(),
        other => panic!("expected the wizard, got {other:?}"),
    }
}

fn wizard_error(s: &AppState) -> Option<String> {
    match &s.dialog {
        Some(Dialog::Deploy(w)) => w.error.clone(),
        other => panic!("expected the wizard, got {other:?}"),
    }
}

fn walk_to(s: &mut AppState, step: Step) {
    if s.dialog.is_none() {
        chr(s, 'd');
    }
    while wizard_step(s) != step {
        enter(s);
    }
}

// 1. Screen text speaks the user's language.

const WIRE_WORDS: [&str; 8] = [
    "/api/",
    "sshKeyId",
    "ssh_public_key",
    "PATCH",
    "POST",
    "VALIDATION_ERROR",
    "teamId",
    "publicKey",
];

#[test]
fn no_wire_words_in_what_the_screen_draws_or_the_key_table() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut files = vec![];
    let mut dirs = vec![root];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 10);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") || code.starts_with("///") || code.starts_with("//!") {
                continue;
            }
            for w in WIRE_WORDS {
                assert!(
                    !line.contains(w),
                    "{}:{}: {w} in {line}",
                    f.display(),
                    n + 1
                );
            }
        }
    }
    for b in keys::table() {
        for w in WIRE_WORDS {
            assert!(
                !b.help.contains(w) && !b.hint.contains(w),
                "{w}: {}",
                b.help
            );
        }
    }
}

#[test]
fn a_refused_key_reads_as_words_on_screen() {
    let mut s = support::accounts::loaded(false);
    s.pane = Pane::Keys;
    chr(&mut s, 'a');
    type_text(&mut s, "laptop");
    update(
        &mut s,
        Action::KeyAdded(Err(fixtures::err::validation(
            Some("publicKey"),
            "not an SSH public key",
        ))),
    );
    let screen = render(&s);
    assert!(screen.contains("not an SSH public key"), "{screen}");
    assert!(screen.contains("Check the public key"), "{screen}");
    for w in WIRE_WORDS {
        assert!(!screen.contains(w), "{w} on screen:\n{screen}");
    }
}

// 2. Sorting shows the top.

/// Rows of the offers table on the 120×40 test screen: the first screen.
const FIRST_SCREEN: usize = 33;

/// After a sort: the top, or the same offer when it is still on the first screen. (`t` asks
/// the API again: the answer keeps whichever offer was at the top, wherever it lands on the
/// first screen.)
async fn shows_the_top_after(h: &mut Harness, keys: &str) {
    for _ in 0..40 {
        h.key(KeyCode::Down).await;
    }
    let before = h.state.offers.selected().unwrap().offer_id.clone();
    h.press(keys).await;
    let o = &h.state.offers;
    let kept = o.selected().is_some_and(|x| x.offer_id == before);
    assert!(
        o.cursor.selected < FIRST_SCREEN,
        "{keys}: row {}",
        o.cursor.selected
    );
    assert!(
        o.cursor.selected == 0 || kept || keys == "t",
        "{keys}: row {}",
        o.cursor.selected
    );
}

#[tokio::test]
async fn sorting_and_type_jump_to_the_first_row() {
    let mut h = Harness::new().await;
    for _ in 0..50 {
        h.key(KeyCode::Down).await;
    }
    assert_eq!(h.state.offers.cursor.selected, 50);
    h.press("S").await;
    assert_eq!(h.state.offers.cursor.selected, 0, "S shows the top");
    for keys in ["s", "s", "s", "s", "S", "t", "t"] {
        shows_the_top_after(&mut h, keys).await;
    }
}

#[tokio::test]
async fn a_selection_still_on_the_first_screen_is_kept() {
    let mut h = Harness::new().await;
    h.press("/").await;
    h.press("gpu:h100 count>=8").await;
    h.key(KeyCode::Enter).await;
    let n = h.state.offers.visible.len();
    assert!((3..20).contains(&n), "a short list: {n}");
    h.key(KeyCode::Down).await;
    let chosen = h.state.offers.selected().unwrap().offer_id.clone();
    h.press("S").await;
    assert_eq!(h.state.offers.selected().unwrap().offer_id, chosen);
    assert_eq!(
        h.state.offers.cursor.selected,
        n - 2,
        "it moved with the sort"
    );
}

// 3. Counts that add up.

#[tokio::test]
async fn the_title_counts_what_is_shown() {
    let mut h = Harness::new().await;
    h.press("/").await;
    h.press("gpu:h100").await;
    h.key(KeyCode::Enter).await;
    let o = &h.state.offers;
    let mut models: Vec<&str> = o
        .visible
        .iter()
        .map(|&i| o.all[i].gpu_type.as_str())
        .collect();
    models.sort_unstable();
    models.dedup();
    assert_eq!(models.len(), 2, "{models:?}");
    let screen = h.screen();
    assert!(
        screen.contains(&format!(
            "{} shown of {} · 2 GPU models",
            o.visible.len(),
            o.all.len()
        )),
        "{screen}"
    );
}

#[tokio::test]
async fn the_type_term_and_t_are_one_setting() {
    let mut h = Harness::new().await;
    h.press("t").await;
    assert_eq!(h.state.offers.instance_type, Some(InstanceType::Spot));
    assert_eq!(h.state.offers.filter_input.value(), "type:spot");
    assert!(h.screen().contains("type SPOT"));
    h.press("t").await;
    assert_eq!(h.state.offers.filter_input.value(), "type:dedicated");
    // typed as a term, it is what `t` shows and what is asked of the API
    h.key(KeyCode::Esc).await;
    assert_eq!(h.state.offers.instance_type, None);
    h.press("/").await;
    h.press("h100 type:cluster").await;
    h.key(KeyCode::Enter).await;
    assert_eq!(h.state.offers.instance_type, Some(InstanceType::Cluster));
    assert!(h.screen().contains("type CLUSTER"));
    assert!(
        h.state
            .offers
            .visible
            .iter()
            .all(|&i| h.state.offers.all[i].instance_type == InstanceType::Cluster)
    );
    h.press("t").await;
    assert_eq!(h.state.offers.filter_input.value(), "h100");
    assert_eq!(h.state.offers.instance_type, None);
}

#[tokio::test]
async fn every_bad_term_is_marked_and_the_placeholder_is_not_a_filter() {
    let mut h = Harness::new().await;
    let first = h.screen();
    let bar = first.lines().nth(1).unwrap();
    assert!(bar.contains("no filter"), "{bar}");
    assert!(bar.contains("press /"), "{bar}");
    h.press("/").await;
    h.press("color:red price<abc").await;
    let screen = h.screen();
    let bar = screen.lines().nth(1).unwrap();
    assert!(bar.contains("✗ `color:red` unknown term"), "{bar}");
    assert!(bar.contains("✗ `price<abc` not a number"), "{bar}");
}

// 4. Text fields.

#[tokio::test]
async fn a_long_filter_scrolls_and_keeps_its_marks_in_view() {
    let mut h = Harness::new().await;
    h.press("/").await;
    h.press(&"h100 ".repeat(40)).await;
    h.press("color:red").await;
    let screen = h.screen();
    let bar = screen.lines().nth(1).unwrap();
    assert!(bar.contains("✗ `color:red` unknown term"), "{bar}");
    assert!(bar.contains(" / …"), "the start is marked hidden: {bar}");
}

#[tokio::test]
async fn a_500_character_rename_keeps_its_hints_on_screen() {
    let mut h = Harness::new().await;
    h.press("2").await;
    h.press("e").await;
    assert!(matches!(h.state.dialog, Some(Dialog::Rename(_))));
    h.key(KeyCode::End).await;
    for _ in 0..500 {
        h.press("x").await;
    }
    let screen = h.screen();
    let hint = hints::dialog_line(h.state.dialog.as_ref().unwrap(), &h.state);
    assert!(screen.contains(&hint), "{screen}");
    assert!(!screen.contains(&"x".repeat(120)), "{screen}");
    assert!(
        screen.contains("…x"),
        "the start is marked hidden: {screen}"
    );
}

#[test]
fn a_paste_error_clears_once_the_key_is_good() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    walk_to(&mut s, Step::Ssh);
    type_text(&mut s, "ssh-ed25519 nope");
    enter(&mut s);
    assert!(wizard_error(&s).is_some(), "a bad key is refused");
    key(&mut s, KeyCode::Home);
    update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    // (Ctrl-U deletes before the cursor; clear the rest too)
    for _ in 0..40 {
        key(&mut s, KeyCode::Delete);
    }
    type_text(&mut s, PUB);
    assert_eq!(wizard_error(&s), None, "the error went with the mistake");
}

#[test]
fn values_are_trimmed_before_they_are_shown_back() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    walk_to(&mut s, Step::Name);
    for _ in 0..80 {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "  my-box  ");
    enter(&mut s);
    match &s.dialog {
        Some(Dialog::Deploy(w)) => assert_eq!(w.name.value(), "my-box"),
        _ => panic!(),
    }
    walk_to(&mut s, Step::Summary);
    let screen = render(&s);
    assert!(screen.contains("Name         my-box\u{20}"), "{screen}");
}

#[test]
fn a_volume_size_typed_with_spaces_is_shown_back_without_them() {
    use support::accounts::{loaded, region};
    let mut s = loaded(false);
    s.pane = Pane::Volumes;
    chr(&mut s, 'a');
    for _ in 0..3 {
        key(&mut s, KeyCode::Down);
    }
    enter(&mut s);
    update(
        &mut s,
        Action::VolumeRegions {
            provider: "spheron-ai".into(),
            result: Ok(vec![region("spheron-ai", "us-east-1", 1.0, 20_000.0, None)]),
        },
    );
    enter(&mut s);
    type_text(&mut s, " train-data ");
    enter(&mut s);
    type_text(&mut s, " 100 ");
    enter(&mut s);
    enter(&mut s);
    let screen = render(&s);
    assert!(screen.contains("│size          100 GB "), "{screen}");
    assert!(screen.contains("│name          train-data "), "{screen}");
}

// 5. The deploy summary names the key.

#[test]
fn the_summary_names_the_pasted_key_by_comment_and_fingerprint() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    walk_to(&mut s, Step::Ssh);
    type_text(&mut s, PUB);
    walk_to(&mut s, Step::Summary);
    let screen = render(&s);
    let fp = spheron_tui::domain::ssh_key::fingerprint(PUB).unwrap();
    assert!(screen.contains("me@laptop (pasted)"), "{screen}");
    assert!(screen.contains(&fp), "{screen}");
    assert!(!screen.contains("paste a public key"), "{screen}");
}

#[test]
fn the_summary_names_a_saved_key_by_name() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    walk_to(&mut s, Step::Summary);
    let screen = render(&s);
    assert!(screen.contains("laptop · SHA256:abc123"), "{screen}");
    assert!(!screen.contains("saved key:"), "{screen}");
}

// 6. Account reads as one balance.

fn one_team(s: &mut AppState) {
    let bal = Balance::decode(json!({"teams": [
        {"teamId": "t1", "teamName": "Personal", "balance": 80.0, "isCurrentTeam": true}
    ], "currency": "USD"}))
    .unwrap();
    update(s, Action::BalanceLoaded(Ok(bal)));
}

#[test]
fn with_one_team_u_says_there_is_nothing_to_choose() {
    let mut s = ready(vec![vp_cluster()], 80.0);
    one_team(&mut s);
    s.pane = Pane::Account;
    chr(&mut s, 'u');
    assert_eq!(s.account.chosen_team, None);
    let said = &s.status.flash.as_ref().expect("it says so").text;
    assert!(said.contains("only team"), "{said}");
}

fn team_dialog(stored: f64, live: f64) -> String {
    let mut s = ready(vec![vp_cluster()], live);
    s.pane = Pane::Account;
    let listed: TeamBalance = decode(json!({"teamId": "t1", "teamName": "Personal",
        "balance": live, "isCurrentTeam": true}))
    .unwrap();
    let team: Team = decode(json!({"id": "t1", "name": "Personal", "balance": stored})).unwrap();
    s.dialog = Some(Dialog::TeamInfo(TeamInfo {
        id: "t1".into(),
        listed: listed.clone(),
        loaded: Loading::Loaded((team, Some(listed))),
    }));
    render(&s)
}

#[test]
fn the_team_dialog_shows_the_live_balance_and_the_stored_one_only_when_it_lags() {
    let same = team_dialog(120.0, 120.0);
    // the header, the table and the dialog: one amount, the live one
    assert_eq!(same.matches("$120.00").count(), 3, "{same}");
    assert!(
        !same.contains("team record") && !same.contains("stored"),
        "{same}"
    );
    let lagging = team_dialog(150.0, 120.0);
    assert!(lagging.contains("(live)"), "{lagging}");
    assert!(
        lagging.contains("The team record still says $150.00: it is synced"),
        "{lagging}"
    );
}

#[test]
fn add_credit_says_where() {
    let mut s = ready(vec![vp_cluster()], 0.0);
    walk_to(&mut s, Step::Summary);
    let screen = render(&s);
    assert!(
        screen.contains("Billing page of app.spheron.ai"),
        "{screen}"
    );
}

// 7. Duplicate names.

#[test]
fn a_name_used_by_an_active_deployment_warns() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("d1", "trainer")].into())),
    );
    walk_to(&mut s, Step::Name);
    for _ in 0..80 {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "trainer");
    assert!(render(&s).contains("already called trainer"));
    walk_to(&mut s, Step::Summary);
    let screen = render(&s);
    assert!(
        screen.contains("1 active deployment is already called trainer"),
        "{screen}"
    );
    // a different name: no warning
    let mut s = ready(vec![vp_cluster()], 120.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("d1", "trainer")].into())),
    );
    walk_to(&mut s, Step::Summary);
    assert!(!render(&s).contains("already called"));
}

// 8. Help reads once; the read-only footer.

#[test]
fn each_help_heading_appears_once() {
    let sections = hints::help_sections();
    for (i, (ctx, _)) in sections.iter().enumerate() {
        assert!(
            sections[i + 1..].iter().all(|(c, _)| c != ctx),
            "{ctx:?} twice"
        );
    }
    let listed: usize = sections
        .iter()
        .flat_map(|(_, lines)| lines.iter())
        .map(|l| l.cmds.len())
        .sum();
    assert_eq!(listed, keys::table().len(), "every binding once");
    assert!(sections.iter().any(|(c, _)| *c == Scope::Global));
}

#[test]
fn page_down_in_help_stops_at_the_end() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    chr(&mut s, '?');
    for _ in 0..100 {
        key(&mut s, KeyCode::PageDown);
    }
    let Some(Dialog::Help(h)) = &s.dialog else {
        panic!()
    };
    assert_eq!(h.scroll, max_scroll(s.size));
    assert!(h.scroll > 0);
    let screen = render(&s);
    assert!(screen.contains(HELP_NOTE), "the end is shown:\n{screen}");
    // Above the note, what the columns' values mean.
    for said in [
        "Columns",
        "Type S, D, C",
        "$/30d",
        "Avail yes (12)",
        "Avail maint.",
        "7d low",
        "168 hours",
    ] {
        assert!(screen.contains(said), "{said} in the legend:\n{screen}");
    }
    key(&mut s, KeyCode::PageUp);
    let Some(Dialog::Help(h)) = &s.dialog else {
        panic!()
    };
    assert_eq!(h.scroll, max_scroll(s.size) - 10, "one PgUp moves back");
}

#[test]
fn help_ends_on_its_last_line_at_every_size() {
    for (w, h) in [(80u16, 24u16), (100, 30), (160, 48)] {
        let mut s = ready(vec![vp_cluster()], 120.0);
        s.size = (w, h);
        chr(&mut s, '?');
        for _ in 0..100 {
            key(&mut s, KeyCode::PageDown);
        }
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        t.draw(|f| spheron_tui::ui::draw(f, &s, &spheron_tui::ui::Theme::default()))
            .unwrap();
        let screen = spheron_tui::ui::svg::to_text(t.backend().buffer());
        let rows: Vec<&str> = screen.lines().collect();
        let note = rows
            .iter()
            .position(|r| r.contains(HELP_NOTE))
            .unwrap_or_else(|| panic!("{w}×{h}: the note is on screen\n{screen}"));
        assert!(
            rows[note + 1].contains('└'),
            "{w}×{h}: the note is the last line, no blank rows under it\n{screen}"
        );
    }
}

#[test]
fn the_read_only_footer_lists_write_keys_as_unavailable() {
    let mut s = support::accounts::loaded(true);
    s.pane = Pane::Deployments;
    let f = hints::footer_for(Pane::Deployments, true);
    assert!(f.usable.iter().all(|(_, h)| *h != "terminate"));
    assert!(f.unavailable.iter().any(|(_, h)| *h == "terminate"));
    let screen = render(&s);
    let footer = screen.lines().last().unwrap();
    // the Deployments footer is full: the write keys are named by their keys
    let (usable, unavailable) = footer.split_once("read-only ✗").expect(footer);
    assert!(
        !usable.contains("terminate") && !usable.contains(" x "),
        "{footer}"
    );
    assert!(
        unavailable.contains('x') && unavailable.contains('e'),
        "{footer}"
    );
    // where there is room, by name
    s.pane = Pane::Keys;
    let screen = render(&s);
    let footer = screen.lines().last().unwrap();
    let (usable, unavailable) = footer
        .split_once("read-only, not available:")
        .expect(footer);
    assert!(!usable.contains("add"), "{footer}");
    assert!(unavailable.contains("a add"), "{footer}");
    // with writes allowed, the same key is an action
    let f = hints::footer_for(Pane::Deployments, false);
    assert!(f.unavailable.is_empty());
}

#[test]
fn a_fresh_team_balance_is_the_one_the_pane_shows_too() {
    let mut s = ready(vec![vp_cluster()], 120.0);
    s.pane = Pane::Account;
    enter(&mut s);
    assert!(matches!(s.dialog, Some(Dialog::TeamInfo(_))));
    let team: Team = decode(json!({"id": "t1", "name": "Personal", "balance": 120.0})).unwrap();
    let fresh = Balance::decode(json!({"teams": [
        {"teamId": "t1", "teamName": "Personal", "balance": 119.7, "isCurrentTeam": true}
    ], "currency": "USD"}))
    .unwrap();
    update(
        &mut s,
        Action::TeamLoaded {
            id: "t1".into(),
            result: Ok((team, fresh)),
        },
    );
    let screen = render(&s);
    assert!(!screen.contains("$120.00  (live"), "{screen}");
    assert_eq!(screen.matches("$119.70").count(), 3, "{screen}");
}
