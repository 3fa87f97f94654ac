//! The guard's enforcement engine on a virtual clock: events in, effects out.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use chrono::{DateTime, Duration, Utc};
use spheron_tui::api::CanTerminate;
use spheron_tui::domain::guard::GuardRule;
use spheron_tui::domain::guard_engine::{
    DeleteFailed, Effect, Engine, Event, Mode, Observed, Proof, backoff,
};
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
        status: if active { "running" } else { "terminated" }.into(),
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
        can_terminate: Some(true),
        ..CanTerminate::default()
    }
}

fn blocked(minutes: f64) -> CanTerminate {
    CanTerminate {
        can_terminate: Some(false),
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
    // Announced, and read by id for the proof that it ended.
    assert!(
        matches!(&fx[..], [Effect::Announce { text, alert: true, .. }, Effect::Read { id }] if text.contains("terminated") && id == "d1"),
        "{fx:?}"
    );
    assert!(run(&mut e, t0() + min(71), t0() + min(72)).is_empty());
    // The read says terminated: the rule goes, d2 is untouched.
    let fx = e.handle(Event::Read {
        id: "d1".into(),
        now: t0() + min(72),
        result: Proof::Read(seen("d1", false, 7.0, t0() + min(72))),
    });
    assert!(matches!(&fx[..], [Effect::RemoveRule { id, .. }] if id == "d1"));
    assert_eq!(e.rule_count(), 0);
}

#[test]
fn a_can_terminate_answer_that_does_not_say_leaves_it_to_the_delete() {
    let mut e = engine(Mode::Enforce);
    run(&mut e, t0(), t0() + min(60));
    let fx = e.handle(Event::CanTerminate {
        id: "d1".into(),
        now: t0() + min(60),
        result: Ok(CanTerminate::default()),
    });
    assert!(
        matches!(&fx[..], [Effect::Terminate { id, .. }] if id == "d1"),
        "{fx:?}"
    );
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
fn a_rule_goes_only_when_a_read_by_id_proves_the_end() {
    let mut e = engine(Mode::Enforce);
    // Missing from a list (a page or a team unread, an item unreadable): read by id, kept.
    let fx = e.handle(Event::Deployments {
        now: t0() + min(10),
        list: vec![seen("d2", true, 1.0, t0())],
    });
    assert!(
        matches!(&fx[..], [Effect::Read { id }] if id == "d1"),
        "{fx:?}"
    );
    // No second read while one is in flight.
    let again = e.handle(Event::Deployments {
        now: t0() + min(10),
        list: Vec::new(),
    });
    assert!(again.is_empty(), "{again:?}");
    // The read fails: nothing is concluded, the rule stays and still fires at its deadline.
    let fx = e.handle(Event::Read {
        id: "d1".into(),
        now: t0() + min(10),
        result: Proof::Failed("500".into()),
    });
    assert!(fx.is_empty());
    assert_eq!(e.rule_count(), 1);
    assert_eq!(
        checks(&run(&mut e, t0() + min(11), t0() + min(60))),
        vec![t0() + min(60)]
    );
    // A list showing it ended proves nothing either: read again.
    let fx = e.handle(Event::Deployments {
        now: t0() + min(61),
        list: vec![seen("d1", false, 6.0, t0() + min(61))],
    });
    assert!(
        matches!(&fx[..], [Effect::Read { id }] if id == "d1"),
        "{fx:?}"
    );
    assert_eq!(e.rule_count(), 1);
    // A 404 from the read by id is the proof.
    let fx = e.handle(Event::Read {
        id: "d1".into(),
        now: t0() + min(61),
        result: Proof::NotFound,
    });
    assert!(
        matches!(&fx[..], [Effect::RemoveRule { id, text }] if id == "d1" && text.contains("404")),
        "{fx:?}"
    );
    assert_eq!(e.rule_count(), 0);
    assert!(run(&mut e, t0() + min(61), t0() + min(120)).is_empty());
}

#[test]
fn a_failed_poll_reads_the_deployments_never_seen() {
    let mut e = Engine::new(Mode::Enforce);
    e.handle(Event::Lock(LockState::Held));
    e.handle(Event::Rules(vec![rule(
        "d1",
        GuardRule::Deadline(t0() + min(5)),
    )]));
    let fx = e.handle(Event::PollFailed { now: t0() });
    assert!(
        matches!(&fx[..], [Effect::Read { id }] if id == "d1"),
        "{fx:?}"
    );
    e.handle(Event::Read {
        id: "d1".into(),
        now: t0(),
        result: Proof::Read(seen("d1", true, 0.0, t0())),
    });
    // Seen by its read: the list failing on does not keep the rule from firing.
    assert!(
        e.handle(Event::PollFailed { now: t0() + min(1) })
            .is_empty()
    );
    assert_eq!(
        checks(&run(&mut e, t0(), t0() + min(6))),
        vec![t0() + min(5)]
    );
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

/// Drive `e` from `from` to `to` (a tick every 10 s) against a scripted API: `can-terminate`
/// allows; the DELETEs answer `answers` in turn (then succeed); a read by id says running
/// until a DELETE took (`took` says which failed answers the server acted on anyway).
/// Returns the instants DELETEs were sent and every effect.
fn drive(
    e: &mut Engine,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    answers: Vec<(Result<(), DeleteFailed>, bool)>,
) -> (Vec<DateTime<Utc>>, Vec<Effect>) {
    let mut answers: std::collections::VecDeque<_> = answers.into();
    let mut ended = false;
    let (mut sent, mut all) = (Vec::new(), Vec::new());
    let mut now = from;
    while now <= to {
        let mut queue: std::collections::VecDeque<Effect> = e.handle(Event::Tick(now)).into();
        while let Some(fx) = queue.pop_front() {
            all.push(fx.clone());
            let next = match fx {
                Effect::CheckCanTerminate { id } => e.handle(Event::CanTerminate {
                    id,
                    now,
                    result: Ok(allowed()),
                }),
                Effect::Terminate { id, .. } => {
                    sent.push(now);
                    let (result, took) = answers.pop_front().unwrap_or((Ok(()), true));
                    ended |= took;
                    e.handle(Event::Terminated { id, now, result })
                }
                Effect::Read { id } => e.handle(Event::Read {
                    result: Proof::Read(seen(&id, !ended, 1.0, now)),
                    id,
                    now,
                }),
                _ => Vec::new(),
            };
            queue.extend(next);
        }
        now += Duration::seconds(10);
    }
    (sent, all)
}

fn secs(s: i64) -> Duration {
    Duration::seconds(s)
}

fn removed(fx: &[Effect]) -> usize {
    fx.iter()
        .filter(|f| matches!(f, Effect::RemoveRule { .. }))
        .count()
}

#[test]
fn a_failed_delete_is_tried_again_with_backoff_until_one_succeeds() {
    let due = t0() + min(60);
    let server_error = || DeleteFailed::Unknown("Spheron server error (500)".into());
    let dropped = || DeleteFailed::Unknown("Could not reach the API: connection closed".into());
    let limited = || DeleteFailed::RateLimited {
        wait: secs(120),
        text: "Rate limited by the API".into(),
    };
    // (what the failed tries answered, when the DELETEs are sent)
    let cases = [
        (vec![server_error()], vec![due, due + secs(30)]),
        (vec![dropped()], vec![due, due + secs(30)]),
        (vec![limited()], vec![due, due + secs(120)]),
        (
            vec![server_error(), dropped(), server_error()],
            vec![due, due + secs(30), due + secs(90), due + secs(210)],
        ),
    ];
    for (failures, want) in cases {
        let mut e = engine(Mode::Enforce);
        let answers = failures.iter().map(|f| (Err(f.clone()), false)).collect();
        let (sent, fx) = drive(&mut e, t0(), t0() + min(80), answers);
        assert_eq!(sent, want, "{failures:?}");
        assert_eq!(
            removed(&fx),
            1,
            "the rule ends once the read proves it: {fx:?}"
        );
        assert_eq!(e.rule_count(), 0);
        // Each failure says how often and when it is tried again; the third alerts.
        let failing: Vec<(u32, bool, String)> = fx
            .iter()
            .filter_map(|f| match f {
                Effect::Failing {
                    failures,
                    alert,
                    text,
                    ..
                } => Some((*failures, *alert, text.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(failing.len(), failures.len());
        for (i, (n, alert, text)) in failing.iter().enumerate() {
            assert_eq!(*n as usize, i + 1);
            assert_eq!(*alert, *n == 3, "{text}");
            let next = want[i + 1];
            let hhmm = next.format("%H:%M").to_string();
            assert!(text.contains(&format!("trying again at {hhmm}")), "{text}");
            assert!(text.contains("terminate failed"), "{text}");
        }
        // Every try went through can-terminate first.
        let checks = fx
            .iter()
            .filter(|f| matches!(f, Effect::CheckCanTerminate { .. }))
            .count();
        assert_eq!(checks, want.len());
    }
    assert_eq!(backoff(1), secs(30));
    assert_eq!(backoff(4), secs(240));
    assert_eq!(backoff(5), min(5));
    assert_eq!(backoff(40), min(5));
}

#[test]
fn a_delete_whose_answer_was_lost_but_took_is_read_first_and_not_sent_again() {
    let mut e = engine(Mode::Enforce);
    let lost = DeleteFailed::Unknown("Could not reach the API: connection reset".into());
    let (sent, fx) = drive(&mut e, t0(), t0() + min(80), vec![(Err(lost), true)]);
    assert_eq!(sent, vec![t0() + min(60)], "{fx:?}");
    assert_eq!(removed(&fx), 1);
}

#[test]
fn already_terminated_ends_the_rule_as_done_after_the_read() {
    let mut e = engine(Mode::Enforce);
    let already = DeleteFailed::AlreadyEnded("Deployment is already terminated".into());
    let (sent, fx) = drive(&mut e, t0(), t0() + min(80), vec![(Err(already), true)]);
    assert_eq!(sent.len(), 1);
    assert_eq!(removed(&fx), 1);
    assert!(!fx.iter().any(|f| matches!(f, Effect::Failing { .. })));
}

#[test]
fn the_tries_stop_when_the_user_removes_the_rule() {
    let mut e = engine(Mode::Enforce);
    let answers = (0..100)
        .map(|_| (Err(DeleteFailed::Unknown("500".into())), false))
        .collect();
    let (sent, _) = drive(&mut e, t0(), t0() + min(70), answers);
    assert!(sent.len() >= 4, "{sent:?}");
    // From the 5th failure on, one try per 5 minutes.
    let last = *sent.last().unwrap();
    e.handle(Event::Rules(Vec::new()));
    let (more, fx) = drive(&mut e, last + secs(10), last + min(60), Vec::new());
    assert!(more.is_empty() && fx.is_empty(), "{fx:?}");
}

#[test]
fn a_machine_that_slept_past_a_deadline_checks_once_and_warns_of_nothing_stale() {
    let mut e = engine(Mode::Enforce);
    assert!(e.handle(Event::Tick(t0() + min(1))).is_empty());
    // The next tick comes three hours later.
    let fx = e.handle(Event::Tick(t0() + min(180)));
    assert_eq!(
        fx.iter()
            .filter(|f| matches!(f, Effect::CheckCanTerminate { .. }))
            .count(),
        1,
        "{fx:?}"
    );
    assert!(
        !fx.iter().any(|f| matches!(f, Effect::Warn { .. })),
        "{fx:?}"
    );
    assert!(e.handle(Event::Tick(t0() + min(180))).is_empty());
}

#[test]
fn dry_run_and_read_only_never_change_a_rule() {
    for mode in [Mode::DryRun, Mode::ReadOnly] {
        let mut e = engine(mode);
        // Gone from the list, then read as terminated, then as 404: the rule stays.
        let fx = e.handle(Event::Deployments {
            now: t0() + min(1),
            list: Vec::new(),
        });
        assert!(matches!(&fx[..], [Effect::Read { .. }]), "{mode:?}: {fx:?}");
        let fx = e.handle(Event::Read {
            id: "d1".into(),
            now: t0() + min(1),
            result: Proof::Read(seen("d1", false, 1.0, t0() + min(1))),
        });
        assert!(
            matches!(&fx[..], [Effect::Announce { text, .. }] if text.contains("would be removed") && text.contains("rule kept")),
            "{mode:?}: {fx:?}"
        );
        for result in [Proof::NotFound, Proof::Read(seen("d1", false, 1.0, t0()))] {
            e.handle(Event::Deployments {
                now: t0() + min(2),
                list: Vec::new(),
            });
            let fx = e.handle(Event::Read {
                id: "d1".into(),
                now: t0() + min(2),
                result,
            });
            assert!(fx.is_empty(), "said once: {fx:?}");
        }
        e.handle(Event::Rules(vec![rule(
            "d1",
            GuardRule::Deadline(t0() + min(60)),
        )]));
        assert_eq!(e.rule_count(), 1, "{mode:?}");
    }
}
