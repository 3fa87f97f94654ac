//! The guard's enforcement engine on a virtual clock: events in, effects out.

use chrono::{DateTime, Duration, Utc};
use spheron_tui::api::CanTerminate;
use spheron_tui::domain::guard::GuardRule;
use spheron_tui::domain::guard_engine::{DeleteFailed, Effect, Engine, Event, Mode, Observed};
use spheron_tui::store::{LockState, StoredRule};

fn t0() -> DateTime<Utc> {
    spheron_tui::demo::test_epoch()
}

fn min(m: i64) -> Duration {
    Duration::minutes(m)
}

fn rule(id: &str, r: GuardRule) -> StoredRule {
    StoredRule {
        deployment_id: id.into(),
        rule: r,
        spec: "--after 1h".into(),
        created_at: t0(),
    }
}

fn seen(id: &str, active: bool, spent: f64, now: DateTime<Utc>) -> Observed {
    Observed {
        id: id.into(),
        name: format!("box-{id}"),
        active,
        spent: Some(spent),
        usd_per_hour: Some(6.0),
        polled_at: now,
    }
}

/// An engine holding the lock, with d1 guarded to t0 + 1h and d1, d2 running.
fn engine(mode: Mode) -> Engine {
    let mut e = Engine::new(mode);
    e.handle(Event::Lock(LockState::Held));
    e.handle(Event::Rules(vec![rule(
        "d1",
        GuardRule::Deadline(t0() + min(60)),
    )]));
    let fx = e.handle(Event::Deployments {
        now: t0(),
        list: vec![seen("d1", true, 0.0, t0()), seen("d2", true, 0.0, t0())],
    });
    assert!(fx.is_empty());
    e
}

/// Tick every 30 s from `from` to `to` (inclusive), collecting effects.
fn run(e: &mut Engine, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(DateTime<Utc>, Effect)> {
    let mut out = Vec::new();
    let mut now = from;
    while now <= to {
        out.extend(e.handle(Event::Tick(now)).into_iter().map(|f| (now, f)));
        now += Duration::seconds(30);
    }
    out
}

fn deletes(fx: &[(DateTime<Utc>, Effect)]) -> Vec<String> {
    fx.iter()
        .filter_map(|(_, f)| match f {
            Effect::Terminate { id, .. } => Some(id.clone()),
            _ => None,
        })
        .collect()
}

fn checks(fx: &[(DateTime<Utc>, Effect)]) -> Vec<DateTime<Utc>> {
    fx.iter()
        .filter_map(|(t, f)| matches!(f, Effect::CheckCanTerminate { .. }).then_some(*t))
        .collect()
}

fn allowed() -> CanTerminate {
    CanTerminate {
        can_terminate: true,
        ..CanTerminate::default()
    }
}

fn blocked(minutes: f64) -> CanTerminate {
    CanTerminate {
        can_terminate: false,
        time_remaining: Some(minutes),
        ..CanTerminate::default()
    }
}

#[test]
fn warnings_come_at_15_and_5_minutes_before_once_each() {
    let mut e = engine(Mode::Enforce);
    let fx = run(&mut e, t0(), t0() + min(59));
    let warns: Vec<(DateTime<Utc>, i64)> = fx
        .iter()
        .filter_map(|(t, f)| match f {
            Effect::Warn { minutes, id, .. } if id == "d1" => Some((*t, *minutes)),
            _ => None,
        })
        .collect();
    assert_eq!(warns, vec![(t0() + min(45), 15), (t0() + min(55), 5)]);
    assert!(fx.iter().all(|(_, f)| matches!(f, Effect::Warn { .. })));
    let text = fx[0].1.line();
    assert!(text.contains("box-d1") && text.contains("15m"), "{text}");
}

#[test]
fn at_the_deadline_can_terminate_comes_first_then_waits_while_blocked_then_one_delete() {
    let mut e = engine(Mode::Enforce);
    let fx = run(&mut e, t0(), t0() + min(60));
    assert_eq!(
        checks(&fx),
        vec![t0() + min(60)],
        "can-terminate at the deadline"
    );
    assert!(
        deletes(&fx).is_empty(),
        "no DELETE before can-terminate answers"
    );
    // Blocked for 10 more minutes: nothing is asked meanwhile.
    let fx = e.handle(Event::CanTerminate {
        id: "d1".into(),
        now: t0() + min(60),
        result: Ok(blocked(10.0)),
    });
    assert!(matches!(&fx[..], [Effect::Announce { text, .. }] if text.contains("10 min")));
    let fx = run(
        &mut e,
        t0() + min(60) + Duration::seconds(30),
        t0() + min(69) + Duration::seconds(30),
    );
    assert!(fx.is_empty(), "{fx:?}");
    let fx = run(&mut e, t0() + min(70), t0() + min(70));
    assert_eq!(
        checks(&fx),
        vec![t0() + min(70)],
        "asked again after timeRemaining"
    );
    // Allowed: exactly one DELETE, for d1 only, with its rate.
    let fx = e.handle(Event::CanTerminate {
        id: "d1".into(),
        now: t0() + min(70),
        result: Ok(allowed()),
    });
    assert!(
        matches!(&fx[..], [Effect::Terminate { id, usd_per_hour: Some(r), .. }] if id == "d1" && *r == 6.0)
    );
    // A duplicate answer, ticks while the DELETE is in flight, and after it: no second DELETE.
    assert!(
        e.handle(Event::CanTerminate {
            id: "d1".into(),
            now: t0() + min(70),
            result: Ok(allowed())
        })
        .is_empty()
    );
    assert!(run(&mut e, t0() + min(70), t0() + min(80)).is_empty());
    let fx = e.handle(Event::Terminated {
        id: "d1".into(),
        now: t0() + min(71),
        result: Ok(()),
    });
    assert!(
        matches!(&fx[..], [Effect::Announce { text, alert: true, .. }] if text.contains("terminated"))
    );
    assert!(run(&mut e, t0() + min(71), t0() + min(200)).is_empty());
    // The next poll sees it ended: the rule goes, d2 is untouched.
    let fx = e.handle(Event::Deployments {
        now: t0() + min(72),
        list: vec![
            seen("d1", false, 7.0, t0() + min(72)),
            seen("d2", true, 7.0, t0() + min(72)),
        ],
    });
    assert!(matches!(&fx[..], [Effect::RemoveRule { id, .. }] if id == "d1"));
    assert_eq!(e.rule_count(), 0);
}

#[test]
fn a_failed_delete_is_not_sent_again() {
    let mut e = engine(Mode::Enforce);
    run(&mut e, t0(), t0() + min(60));
    e.handle(Event::CanTerminate {
        id: "d1".into(),
        now: t0() + min(60),
        result: Ok(allowed()),
    });
    let fx = e.handle(Event::Terminated {
        id: "d1".into(),
        now: t0() + min(60),
        result: Err(DeleteFailed("500 internal".into())),
    });
    assert!(
        matches!(&fx[..], [Effect::Announce { text, alert: true, .. }] if text.contains("FAILED") && text.contains("by hand"))
    );
    let fx = run(&mut e, t0() + min(60), t0() + min(600));
    assert!(checks(&fx).is_empty() && deletes(&fx).is_empty());
    // Even when the same rule is read again from the store.
    e.handle(Event::Rules(vec![rule(
        "d1",
        GuardRule::Deadline(t0() + min(60)),
    )]));
    e.handle(Event::Deployments {
        now: t0() + min(601),
        list: vec![seen("d1", true, 9.0, t0() + min(601))],
    });
    assert!(deletes(&run(&mut e, t0() + min(601), t0() + min(700))).is_empty());
}

#[test]
fn a_can_terminate_error_is_asked_again_after_a_minute() {
    let mut e = engine(Mode::Enforce);
    run(&mut e, t0(), t0() + min(60));
    e.handle(Event::CanTerminate {
        id: "d1".into(),
        now: t0() + min(60),
        result: Err("timed out".into()),
    });
    let fx = run(
        &mut e,
        t0() + min(60) + Duration::seconds(30),
        t0() + min(62),
    );
    assert_eq!(checks(&fx), vec![t0() + min(61)]);
    assert!(deletes(&fx).is_empty());
}

#[test]
fn deployments_without_a_rule_are_never_terminated() {
    let mut e = Engine::new(Mode::Enforce);
    e.handle(Event::Lock(LockState::Held));
    e.handle(Event::Rules(Vec::new()));
    e.handle(Event::Deployments {
        now: t0(),
        list: vec![seen("d1", true, 500.0, t0()), seen("d2", true, 900.0, t0())],
    });
    assert!(run(&mut e, t0(), t0() + Duration::days(3)).is_empty());
    // A rule cleared before its deadline: nothing happens at the deadline.
    let mut e = engine(Mode::Enforce);
    e.handle(Event::Rules(Vec::new()));
    assert!(run(&mut e, t0(), t0() + min(120)).is_empty());
}

#[test]
fn read_only_and_dry_run_report_and_send_nothing() {
    for mode in [Mode::ReadOnly, Mode::DryRun] {
        let mut e = engine(mode);
        let fx = run(&mut e, t0(), t0() + min(300));
        assert!(
            checks(&fx).is_empty() && deletes(&fx).is_empty(),
            "{mode:?}: {fx:?}"
        );
        let would: Vec<_> = fx
            .iter()
            .filter(|(_, f)| matches!(f, Effect::WouldTerminate { .. }))
            .collect();
        assert_eq!(would.len(), 1, "{mode:?}: reported once");
        assert_eq!(would[0].0, t0() + min(60));
        assert!(would[0].1.line().contains("nothing sent"));
        // The warnings still come.
        assert_eq!(
            fx.iter()
                .filter(|(_, f)| matches!(f, Effect::Warn { .. }))
                .count(),
            2
        );
    }
}

#[test]
fn only_the_lock_holder_enforces() {
    let mut e = engine(Mode::Enforce);
    e.handle(Event::Lock(LockState::Other {
        label: "guard run, pid 77".into(),
        expires_at: t0() + min(1),
    }));
    assert!(!e.enforcing());
    assert_eq!(e.other_enforcer(), Some("guard run, pid 77"));
    assert!(run(&mut e, t0(), t0() + min(90)).is_empty());
    // It takes over when the other is gone, and acts on the overdue rule.
    e.handle(Event::Lock(LockState::Held));
    let fx = run(&mut e, t0() + min(91), t0() + min(91));
    assert_eq!(checks(&fx).len(), 1);
}

#[test]
fn a_spend_ceiling_warns_by_rate_and_fires_when_reached() {
    let mut e = Engine::new(Mode::Enforce);
    e.handle(Event::Lock(LockState::Held));
    e.handle(Event::Rules(vec![rule("d1", GuardRule::MaxSpend(12.0))]));
    // $6/h, $6 spent: $12 is reached in one hour.
    e.handle(Event::Deployments {
        now: t0(),
        list: vec![seen("d1", true, 6.0, t0())],
    });
    let left = e.row_status("d1", t0()).unwrap();
    assert_eq!(left.secs_left, Some(3600));
    assert_eq!(left.usd_left, Some(6.0));
    let fx = run(&mut e, t0(), t0() + min(60));
    let warns: Vec<i64> = fx
        .iter()
        .filter_map(|(_, f)| match f {
            Effect::Warn { minutes, .. } => Some(*minutes),
            _ => None,
        })
        .collect();
    assert_eq!(warns, vec![15, 5]);
    assert_eq!(checks(&fx), vec![t0() + min(60)]);
    // Unknown spend is never due.
    let mut e = Engine::new(Mode::Enforce);
    e.handle(Event::Lock(LockState::Held));
    e.handle(Event::Rules(vec![rule("d1", GuardRule::MaxSpend(1.0))]));
    let mut o = seen("d1", true, 0.0, t0());
    o.spent = None;
    e.handle(Event::Deployments {
        now: t0(),
        list: vec![o],
    });
    assert!(run(&mut e, t0(), t0() + min(600)).is_empty());
}

#[test]
fn a_rule_goes_when_its_deployment_ends_by_itself() {
    let mut e = engine(Mode::Enforce);
    let fx = e.handle(Event::Deployments {
        now: t0() + min(10),
        list: vec![seen("d2", true, 1.0, t0())],
    });
    assert!(matches!(&fx[..], [Effect::RemoveRule { id, .. }] if id == "d1"));
    assert!(run(&mut e, t0(), t0() + min(120)).is_empty());
}

#[test]
fn a_deadline_never_fires_early_even_by_a_fraction_of_a_second() {
    let mut e = Engine::new(Mode::Enforce);
    e.handle(Event::Lock(LockState::Held));
    let at = t0() + min(60) + Duration::milliseconds(900);
    e.handle(Event::Rules(vec![rule("d1", GuardRule::Deadline(at))]));
    e.handle(Event::Deployments {
        now: t0(),
        list: vec![seen("d1", true, 0.0, t0())],
    });
    run(&mut e, t0(), t0() + min(59));
    let early = e.handle(Event::Tick(t0() + min(60) + Duration::milliseconds(100)));
    assert!(
        !early
            .iter()
            .any(|f| matches!(f, Effect::CheckCanTerminate { .. })),
        "{early:?}"
    );
    let due = e.handle(Event::Tick(at));
    assert!(
        due.iter()
            .any(|f| matches!(f, Effect::CheckCanTerminate { .. }))
    );
}
