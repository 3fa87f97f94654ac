//! The spend guard in the app: the account cap on the deploy summary (it refuses a deploy that
//! would take the account's $/h past `max_burn_usd_per_hour`, says why and where to change it,
//! and sends nothing), and what the enforcer task reports (notices, countdowns, who enforces).

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::dialogs::deploy::Step;
use spheron_tui::app::guard::GuardUpdate;
use spheron_tui::app::{Action, AppState, Command, Pane, update};
use support::fixtures::*;

fn summary(s: &AppState) -> spheron_tui::app::dialogs::deploy::Summary {
    match &s.dialog {
        Some(Dialog::Deploy(w)) => spheron_tui::app::dialogs::deploy::summary(s, w),
        other => panic!("expected the deploy wizard, got {other:?}"),
    }
}

fn to_summary(s: &mut AppState) {
    chr(s, 'd');
    let v = ["1.34", "1.35"]
        .iter()
        .map(|v| spheron_tui::api::decode(serde_json::json!({ "version": v })).unwrap())
        .collect();
    update(s, spheron_tui::app::Action::KubernetesVersions(Ok(v)));
    for _ in 0..20 {
        match &s.dialog {
            Some(Dialog::Deploy(w)) if w.step() == Step::Summary => return,
            _ => {
                enter(s);
            }
        }
    }
    panic!("the summary was not reached");
}

#[test]
fn the_cap_refuses_a_deploy_that_would_pass_it() {
    // The offer costs $19.37/h; running volumes already bill a little.
    let mut s = ready(vec![vp_cluster()], 500.0);
    s.account.max_burn_usd_per_hour = Some(15.0);
    to_summary(&mut s);
    let sum = summary(&s);
    let why = sum.blocked.expect("refused");
    assert!(why.contains("past its cap of $15.00/h"), "{why}");
    assert!(
        why.contains("max_burn_usd_per_hour in config.toml"),
        "{why}"
    );
    assert_eq!(deploys(&confirm_deploy(&mut s)), 0, "nothing is sent");

    // The Account pane shows the cap beside the burn rate.
    s.dialog = None;
    chr(&mut s, '5');
    let screen = render(&s);
    assert!(
        screen.contains("cap $15.00/h (max_burn_usd_per_hour)"),
        "{screen}"
    );

    // Under the cap (or without one) the same deploy goes.
    for cap in [Some(50.0), None] {
        let mut s = ready(vec![vp_cluster()], 500.0);
        s.account.max_burn_usd_per_hour = cap;
        to_summary(&mut s);
        assert!(summary(&s).blocked.is_none(), "{cap:?}");
        assert_eq!(deploys(&confirm_deploy(&mut s)), 1);
    }
}

#[test]
fn guard_reports_show_as_messages_countdowns_and_the_other_enforcer() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(
            vec![running("d1", "train-run"), running("d2", "other")].into()
        )),
    );
    s.pane = Pane::Deployments;
    let cmds = update(
        &mut s,
        Action::Guard(GuardUpdate::Notice {
            text: "train-run will be terminated in 15m".into(),
            alert: true,
        }),
    );
    assert!(
        matches!(&cmds[..], [Command::Notify(t)] if t.contains("15m")),
        "bell + notification"
    );
    assert!(
        s.status
            .flash
            .as_ref()
            .unwrap()
            .text
            .contains("guard: train-run will be terminated")
    );
    let cmds = update(
        &mut s,
        Action::Guard(GuardUpdate::Notice {
            text: "enforcing".into(),
            alert: false,
        }),
    );
    assert!(cmds.is_empty(), "no bell for a plain notice");
    let rows = [("d1".to_string(), "⏱1h05m".to_string())]
        .into_iter()
        .collect();
    update(&mut s, Action::Guard(GuardUpdate::Rows(rows)));
    update(
        &mut s,
        Action::Guard(GuardUpdate::Enforcer(Some("guard run, pid 42".into()))),
    );
    let screen = render(&s);
    let line = |name: &str| {
        screen
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or("")
            .to_string()
    };
    assert!(line("⏱1h05m").contains("train-r"), "{screen}");
    assert!(
        !line("other").contains('⏱'),
        "an unguarded row shows no countdown"
    );
    assert!(
        screen.contains("guard enforced by guard run, pid 42"),
        "{screen}"
    );
}

#[test]
fn the_guard_key_sets_and_clears_a_rule_on_the_selected_deployment() {
    use spheron_tui::domain::guard::GuardRule;
    let mut s = ready(vec![vp_cluster()], 500.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("d1", "train-run")].into())),
    );
    chr(&mut s, '2');
    let set = |s: &mut AppState, text: &str| -> Vec<Command> {
        chr(s, 'T');
        assert!(
            matches!(s.dialog, Some(Dialog::Guard(_))),
            "the dialog opens"
        );
        type_text(s, text);
        enter(s)
    };
    let cmds = set(&mut s, "8h");
    match &cmds[..] {
        [Command::SetGuard { rule: r, .. }] => {
            assert_eq!(r.deployment_id, "d1");
            assert_eq!(
                r.rule,
                GuardRule::Deadline(t0() + chrono::Duration::hours(8))
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(s.dialog.is_none());
    let cmds = set(&mut s, "$50");
    assert!(
        matches!(&cmds[..], [Command::SetGuard { rule: r, .. }] if r.rule == GuardRule::MaxSpend(50.0))
    );
    // A typo keeps the dialog open with the reason and sends nothing.
    let cmds = set(&mut s, "soonish");
    assert!(cmds.is_empty());
    match &s.dialog {
        Some(Dialog::Guard(g)) => assert!(g.error.as_ref().unwrap().contains("not a guard")),
        other => panic!("{other:?}"),
    }
    assert!(render(&s).contains("Spend guard"));
    key(&mut s, crossterm::event::KeyCode::Esc);
    // Empty clears the rule it has.
    let rows = [("d1".to_string(), "⏱8h".to_string())]
        .into_iter()
        .collect();
    update(&mut s, Action::Guard(GuardUpdate::Rows(rows)));
    let cmds = set(&mut s, "");
    assert!(matches!(&cmds[..], [Command::ClearGuard { id, .. }] if id == "d1"));
    // An ended deployment has nothing to guard.
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("d1", "x")].into())),
    );
    let mut ended = running("d2", "old");
    ended.status = spheron_tui::api::DeploymentStatus::Terminated;
    s.deployment_filter = spheron_tui::api::DeploymentFilter::All;
    update(&mut s, Action::DeploymentsLoaded(Ok(vec![ended].into())));
    chr(&mut s, 'T');
    assert!(s.dialog.is_none());
}

#[test]
fn the_guard_dialog_draws_the_shared_text_field_and_scrolls_a_long_value() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("d1", "train-run")].into())),
    );
    chr(&mut s, '2');
    chr(&mut s, 'T');
    type_text(&mut s, "8h");
    let screen = render(&s);
    assert!(screen.contains("terminate   8h█"), "{screen}");
    assert!(!screen.contains("terminate: "), "{screen}");
    // a value longer than the field scrolls inside its one line
    type_text(&mut s, &"9".repeat(150));
    let screen = render(&s);
    let line = screen
        .lines()
        .find(|l| l.contains("terminate   "))
        .expect("the field");
    assert!(line.contains("…9") && line.contains("█"), "{screen}");
}

#[test]
fn the_dialog_reads_durations_local_times_and_amounts() {
    use spheron_tui::app::guard::parse_spec;
    use spheron_tui::domain::guard::GuardRule;
    let plus_one =
        &spheron_tui::domain::guard::LocalZone::fixed(chrono::FixedOffset::east_opt(3600).unwrap());
    // t0 is 12:00Z, 13:00 at +01:00: 18:00 local is 17:00Z today.
    let (r, spec) = parse_spec("18:00", t0(), plus_one).unwrap();
    assert_eq!(r, GuardRule::Deadline(t0() + chrono::Duration::hours(5)));
    assert_eq!(spec, "--at 18:00");
    let (r, _) = parse_spec("1h30m", t0(), plus_one).unwrap();
    assert_eq!(r, GuardRule::Deadline(t0() + chrono::Duration::minutes(90)));
    assert!(parse_spec("$0", t0(), plus_one).is_err());
    assert!(parse_spec("25:00", t0(), plus_one).is_err());
}

#[test]
fn the_wizard_guard_follows_a_deploy_found_after_an_unclear_failure() {
    use spheron_tui::domain::guard::GuardRule;
    let mut s = ready(vec![vp_cluster()], 500.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("old", "old")].into())),
    );
    chr(&mut s, 'd');
    let v = ["1.34"]
        .iter()
        .map(|v| spheron_tui::api::decode(serde_json::json!({ "version": v })).unwrap())
        .collect();
    update(&mut s, Action::KubernetesVersions(Ok(v)));
    loop {
        match &s.dialog {
            Some(Dialog::Deploy(w)) if w.step() == Step::Guard => break,
            Some(Dialog::Deploy(_)) => {
                enter(&mut s);
            }
            other => panic!("{other:?}"),
        }
    }
    type_text(&mut s, "$25");
    enter(&mut s);
    assert_eq!(deploys(&confirm_deploy(&mut s)), 1);
    update(
        &mut s,
        Action::Deployed(Err(spheron_tui::api::ApiError::Timeout {
            message: "slow".into(),
        })),
    );
    // found by the name the wizard sent
    let sent = s
        .deploy
        .last_request
        .as_ref()
        .unwrap()
        .name
        .clone()
        .unwrap();
    let mut created = running("dep-x", &sent);
    created.offer_id = Some("vp-h100-8".into());
    created.started_at = None;
    created.created_at = Some(t0());
    let cmds = update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("old", "old"), created].into())),
    );
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::SetGuard { rule: r, .. }
            if r.deployment_id == "dep-x" && r.rule == GuardRule::MaxSpend(25.0))),
        "{cmds:?}"
    );
}

/// The summary's spend lines, all teams' then the paying team's, for a state at the summary.
fn account_line(s: &AppState) -> String {
    let sum = summary(s);
    let offer = match &s.dialog {
        Some(Dialog::Deploy(w)) => w.offer.clone(),
        _ => unreachable!(),
    };
    let lines = sum.cost_text(&offer).plain_lines();
    let at = lines
        .iter()
        .position(|l| l.starts_with("All teams"))
        .unwrap();
    lines[at..at + 2].join(" | ")
}

#[test]
fn a_deployments_list_never_loaded_makes_the_spend_unknown_and_the_cap_refuse() {
    let mut s = ready_deployments_failed(vec![vp_cluster()], 500.0);
    s.account.max_burn_usd_per_hour = Some(50.0);
    to_summary(&mut s);
    let line = account_line(&s);
    assert!(line.contains("?/h now → ?/h after"), "{line}");
    let why = summary(&s).blocked.expect("refused");
    assert!(why.contains("cannot be checked"), "{why}");
    assert!(
        why.contains("has not loaded") && why.contains("r "),
        "{why}"
    );
    assert_eq!(deploys(&confirm_deploy(&mut s)), 0, "nothing is sent");
    s.dialog = None;
    chr(&mut s, '5');
    let screen = render(&s);
    assert!(screen.contains("Burn rate        ?/h"), "{screen}");
    assert!(
        screen.contains("cannot be checked: deploys refused"),
        "{screen}"
    );
    // Without a cap nothing refuses it, and the summary still says ?, not $0.
    let mut s = ready_deployments_failed(vec![vp_cluster()], 500.0);
    to_summary(&mut s);
    assert!(summary(&s).blocked.is_none());
    assert!(account_line(&s).contains("?/h now"));
}

#[test]
fn an_unknown_rate_reads_at_least_everywhere_and_the_offer_price_stands_in_where_known() {
    let unrated = |id: &str, offer: &str| {
        let mut d = running(id, "no-rate");
        d.hourly_rate = None;
        d.offer_id = Some(offer.into());
        d
    };
    // One rate unknown (its offer is not among those loaded).
    let mut s = ready(vec![vp_cluster()], 500.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(
            vec![running("d1", "rated"), unrated("d2", "gone")].into()
        )),
    );
    s.account.max_burn_usd_per_hour = Some(100.0);
    to_summary(&mut s);
    let sum = summary(&s);
    assert!(
        sum.spend_now.text_h().starts_with("at least $19."),
        "{sum:?}"
    );
    assert!(
        matches!(sum.runway, spheron_tui::domain::spend::Runway::AtMost(_)),
        "{sum:?}"
    );
    let line = account_line(&s);
    assert!(
        line.contains("at least $") && line.contains("1 rate unknown"),
        "{line}"
    );
    assert!(line.contains("runway at most"), "{line}");
    let why = sum.blocked.expect("refused: the spend is not known whole");
    assert!(
        why.contains("1 rate unknown") && why.contains("cannot be checked"),
        "{why}"
    );
    assert_eq!(deploys(&confirm_deploy(&mut s)), 0);
    s.dialog = None;
    chr(&mut s, '5');
    let screen = render(&s);
    assert!(screen.contains("at least $"), "{screen}");
    assert!(screen.contains("1 rate unknown"), "{screen}");
    // Its offer is loaded: its price stands in, the summary says so, and the cap can check.
    let mut s = ready(vec![vp_cluster()], 500.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![unrated("d2", "vp-h100-8")].into())),
    );
    s.account.max_burn_usd_per_hour = Some(100.0);
    to_summary(&mut s);
    let sum = summary(&s);
    assert!(sum.blocked.is_none(), "{sum:?}");
    let line = account_line(&s);
    assert!(line.contains("from its offer's price"), "{line}");
    assert!(!line.contains("at least"), "{line}");
    assert_eq!(deploys(&confirm_deploy(&mut s)), 1);
}

/// The dashboard at `s` enforces `ids`' rules (its enforcer reported their rows and nobody else
/// holds the lock).
fn enforcing(s: &mut AppState, ids: &[&str]) {
    let rows = ids
        .iter()
        .map(|id| (id.to_string(), "⏱1h05m".to_string()))
        .collect();
    update(s, Action::Guard(GuardUpdate::Rows(rows)));
    update(s, Action::Guard(GuardUpdate::Enforcer(None)));
}

fn quit_asked(s: &AppState) -> bool {
    matches!(&s.dialog, Some(Dialog::Confirm(c))
        if matches!(c.op, spheron_tui::app::dialogs::Op::Quit { .. }))
}

fn ctrl_c(s: &mut AppState) -> Vec<Command> {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    update(
        s,
        Action::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
    )
}

fn quits(cmds: &[Command]) -> bool {
    cmds.iter().any(|c| matches!(c, Command::Quit))
}

#[test]
fn quitting_while_the_dashboard_enforces_the_guard_asks_first() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(
            vec![running("d1", "train-run"), running("d2", "eval")].into()
        )),
    );
    chr(&mut s, '2');
    enforcing(&mut s, &["d1", "d2"]);

    // q asks, and the focus starts on keeping it running: Enter keeps it running.
    let cmds = chr(&mut s, 'q');
    assert!(!quits(&cmds) && !s.quit, "not quit yet: {cmds:?}");
    assert!(quit_asked(&s), "{:?}", s.dialog);
    let screen = render(&s);
    assert!(
        screen.contains("2 guard rules stop being enforced when the dashboard closes"),
        "{screen}"
    );
    assert!(screen.contains("spheron-tui guard run"), "{screen}");
    assert!(
        screen.contains("[ Keep running ]") && screen.contains("[ Quit anyway ]"),
        "{screen}"
    );
    insta::assert_snapshot!("quit_with_guard_rules", screen);
    let cmds = enter(&mut s);
    assert!(
        !quits(&cmds) && !s.quit && s.dialog.is_none(),
        "kept running"
    );

    // n (and Esc) keep it running too; y quits.
    chr(&mut s, 'q');
    chr(&mut s, 'n');
    assert!(!s.quit && s.dialog.is_none());
    chr(&mut s, 'q');
    key(&mut s, crossterm::event::KeyCode::Esc);
    assert!(!s.quit && s.dialog.is_none());
    chr(&mut s, 'q');
    let cmds = chr(&mut s, 'y');
    assert!(quits(&cmds) && s.quit, "quit anyway: {cmds:?}");

    // Ctrl-C asks once as well; a second Ctrl-C in front of the question quits.
    let mut s = ready(vec![vp_cluster()], 500.0);
    enforcing(&mut s, &["d1"]);
    let cmds = ctrl_c(&mut s);
    assert!(!quits(&cmds) && quit_asked(&s));
    assert!(render(&s).contains("1 guard rule stops being enforced"));
    let cmds = ctrl_c(&mut s);
    assert!(quits(&cmds) && s.quit);
}

#[test]
fn quitting_asks_nothing_when_closing_the_dashboard_stops_no_enforcement() {
    // No rule.
    let mut s = ready(vec![vp_cluster()], 500.0);
    assert!(quits(&chr(&mut s, 'q')) && s.quit);
    // Another process (`guard run`) holds the lock and keeps enforcing.
    let mut s = ready(vec![vp_cluster()], 500.0);
    enforcing(&mut s, &["d1"]);
    update(
        &mut s,
        Action::Guard(GuardUpdate::Enforcer(Some("guard run, pid 42".into()))),
    );
    assert!(quits(&chr(&mut s, 'q')) && s.quit);
    // A read-only dashboard enforces nothing.
    let mut s = ready_with(vec![vp_cluster()], 500.0, true);
    enforcing(&mut s, &["d1"]);
    assert!(quits(&chr(&mut s, 'q')) && s.quit);
}

#[test]
fn a_store_file_lost_under_the_dashboard_is_marked_logged_and_alerted() {
    let mut s = ready(vec![vp_cluster()], 500.0);
    let text =
        "the local store /h/s.sqlite3 was truncated to zero bytes while this process had it open";
    let cmds = update(&mut s, Action::Guard(GuardUpdate::StoreLost(text.into())));
    assert!(
        matches!(&cmds[..], [Command::Notify(t)] if t.contains("truncated to zero bytes")),
        "{cmds:?}"
    );
    assert!(
        s.status
            .log
            .iter()
            .any(|e| e.text.contains(text) && e.text.contains("keeps the rules it holds")),
        "in the message log"
    );
    // Still marked long after the message went.
    update(&mut s, Action::Now(t0() + chrono::Duration::hours(1)));
    let screen = render(&s);
    let status_line = screen.lines().rev().nth(1).unwrap_or("");
    assert!(status_line.contains("STORE LOST (m)"), "{screen}");
}

/// New York around the end of summer time in 2026 and its start in 2027: -04:00 until
/// 2026-11-01T06:00Z (local 02:00 goes back to 01:00, so 01:00–01:59 is shown twice), -05:00
/// until 2027-03-14T07:00Z (local 02:00 jumps to 03:00), -04:00 after.
fn new_york() -> spheron_tui::domain::guard::LocalZone {
    use chrono::{FixedOffset, LocalResult, NaiveDateTime, Utc};
    let off = |h: i32| FixedOffset::west_opt(h * 3600).unwrap();
    let back = utc("2026-11-01T06:00:00Z");
    let forward = utc("2027-03-14T07:00:00Z");
    let at_utc = move |t: chrono::DateTime<Utc>| {
        if t < back || t >= forward {
            off(4)
        } else {
            off(5)
        }
    };
    // A wall time read at each offset: the offsets that the clock really shows it at.
    let of_local = move |t: NaiveDateTime| {
        let fits: Vec<FixedOffset> = [off(4), off(5)]
            .into_iter()
            .filter(|o| at_utc((t - *o).and_utc()) == *o)
            .collect();
        match fits[..] {
            [one] => LocalResult::Single(one),
            [a, b] => LocalResult::Ambiguous(a, b),
            _ => LocalResult::None,
        }
    };
    spheron_tui::domain::guard::LocalZone::new(of_local, at_utc)
}

fn utc(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

#[test]
fn a_local_time_typed_in_the_guard_dialog_across_a_change_of_the_clocks_is_the_right_instant_or_refused()
 {
    use spheron_tui::domain::guard::GuardRule;
    let mut s = ready(vec![vp_cluster()], 500.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("d1", "train-run")].into())),
    );
    chr(&mut s, '2');
    s.guard.zone = Some(new_york());
    let typed = |s: &mut AppState, at: &str, text: &str| -> Result<GuardRule, String> {
        update(s, Action::Now(utc(at)));
        chr(s, 'T');
        type_text(s, text);
        let cmds = enter(s);
        match (&cmds[..], &s.dialog) {
            ([Command::SetGuard { rule, .. }], None) => Ok(rule.rule.clone()),
            ([], Some(Dialog::Guard(g))) => {
                let e = g.error.clone().unwrap();
                key(s, crossterm::event::KeyCode::Esc);
                Err(e)
            }
            other => panic!("{other:?}"),
        }
    };

    // Saturday noon (-04:00): 09:00 has passed today; Sunday's 09:00 is after the clocks went
    // back, at -05:00: 14:00Z (today's offset would have made it 13:00Z).
    assert_eq!(
        typed(&mut s, "2026-10-31T16:00:00Z", "09:00"),
        Ok(GuardRule::Deadline(utc("2026-11-01T14:00:00Z")))
    );
    // Sunday's 01:30 is shown twice: refused, naming both.
    let e = typed(&mut s, "2026-10-31T16:00:00Z", "01:30").unwrap_err();
    assert!(e.contains("shown twice on 2026-11-01"), "{e}");
    assert!(
        e.contains("2026-11-01T01:30:00-04:00") && e.contains("2026-11-01T01:30:00-05:00"),
        "{e}"
    );
    // At 01:45 the first time round, the next 01:30 is the second one: no doubt left.
    assert_eq!(
        typed(&mut s, "2026-11-01T05:45:00Z", "01:30"),
        Ok(GuardRule::Deadline(utc("2026-11-01T06:30:00Z")))
    );
    // The night the clocks skip 02:00–02:59: refused with the reason.
    let e = typed(&mut s, "2027-03-13T17:00:00Z", "02:30").unwrap_err();
    assert!(
        e.contains("does not exist on 2027-03-14: the clocks skip it"),
        "{e}"
    );
    // And 09:00 that Sunday is at -04:00 again: 13:00Z.
    assert_eq!(
        typed(&mut s, "2027-03-13T17:00:00Z", "09:00"),
        Ok(GuardRule::Deadline(utc("2027-03-14T13:00:00Z")))
    );
}
