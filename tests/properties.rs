//! Properties (proptest):
//! - random sequences of keys, API results and ticks into the reducer: no panic, the selection
//!   always points at an existing row, and every write Command comes from a `y`/Enter in a
//!   dialog that named exactly that object;
//! - one deploy wizard sends at most one deploy that may have created something, however many
//!   `y` follow, whatever the answers (a refused deploy created nothing: a new `y` may resend);
//! - arbitrary JSON values and byte strings into every model decoder: an error, never a panic.
//!
//! Case counts are the defaults below; `PROPTEST_CASES=5000 cargo test --test properties` runs
//! a longer fuzz.
//! The request scheduler under a virtual clock is covered by `tests/request_budget.rs`.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use chrono::Duration as ChronoDuration;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use spheron_tui::api::{
    ApiError, Balance, CanTerminate, Deployment, OffersPage, SshKey, Team, Volume, decode,
    decode_list,
};
use spheron_tui::app::dialogs::{Dialog, Op};
use spheron_tui::app::{Action, AppState, Command, Pane, update};
use support::fixtures::err;

/// `PROPTEST_CASES` when set (long fuzzing), else the fast default for `cargo test`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------------------------------------
// Reducer sequences

const KEYS: &[KeyCode] = &[
    KeyCode::Char('d'),
    KeyCode::Char('x'),
    KeyCode::Char('y'),
    KeyCode::Char('n'),
    KeyCode::Char('e'),
    KeyCode::Char('j'),
    KeyCode::Char('k'),
    KeyCode::Char('g'),
    KeyCode::Char('G'),
    KeyCode::Char('/'),
    KeyCode::Char('r'),
    KeyCode::Char('f'),
    KeyCode::Char('t'),
    KeyCode::Char('s'),
    KeyCode::Char('h'),
    KeyCode::Char('l'),
    KeyCode::Char('a'),
    KeyCode::Char('?'),
    KeyCode::Char('1'),
    KeyCode::Char('2'),
    KeyCode::Char('3'),
    KeyCode::Char('4'),
    KeyCode::Char('5'),
    KeyCode::Char('0'),
    KeyCode::Char(' '),
    KeyCode::Enter,
    KeyCode::Esc,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::Backspace,
    KeyCode::PageDown,
    KeyCode::Home,
];

fn error_of(kind: u8) -> ApiError {
    match kind % 10 {
        0 => err::validation(Some("region"), "bad region"),
        1 => err::unauthorized(),
        2 => err::forbidden(),
        3 => err::not_found(),
        4 => err::rate_limited(30),
        5 => err::server(),
        6 => err::network(),
        7 => err::timeout(),
        8 => err::decode(),
        _ => err::http(409),
    }
}

#[derive(Debug, Clone)]
enum Step {
    Key(usize),
    Tick(u16),
    /// Deployments list: which of the pool (bitmask), or an error.
    Deployments(Result<u8, u8>),
    Offers(Result<u8, u8>),
    CanTerminate(Result<bool, u8>),
    Deployed(Result<u8, u8>),
    Terminated(Result<(), u8>),
    Renamed(Result<(), u8>),
    Resize(u16, u16),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => (0..KEYS.len()).prop_map(Step::Key),
        2 => (0u16..120).prop_map(Step::Tick),
        2 => prop::result::maybe_ok(any::<u8>(), any::<u8>()).prop_map(Step::Deployments),
        1 => prop::result::maybe_ok(any::<u8>(), any::<u8>()).prop_map(Step::Offers),
        2 => prop::result::maybe_ok(any::<bool>(), any::<u8>()).prop_map(Step::CanTerminate),
        1 => prop::result::maybe_ok(any::<u8>(), any::<u8>()).prop_map(Step::Deployed),
        1 => prop::result::maybe_ok(Just(()), any::<u8>()).prop_map(Step::Terminated),
        1 => prop::result::maybe_ok(Just(()), any::<u8>()).prop_map(Step::Renamed),
        1 => (0u16..200, 0u16..60).prop_map(|(w, h)| Step::Resize(w, h)),
    ]
}

fn pool() -> Vec<Deployment> {
    let mut v: Vec<Deployment> = (0..6)
        .map(|i| support::fixtures::running(&format!("dep-{i}"), &format!("box-{i}")))
        .collect();
    v[5] = support::fixtures::deployment(
        json!({"id": "dep-5", "name": "gone", "status": "terminated",
        "gpuType": "A100", "gpuCount": 1}),
    );
    v
}

/// The object the open dialog names, if any: (kind, id).
fn named(s: &AppState) -> Option<(&'static str, String)> {
    match &s.dialog {
        Some(Dialog::Confirm(c)) if matches!(c.op, Op::Terminate { .. }) => {
            Some(("terminate", c.op.target_id().to_string()))
        }
        Some(Dialog::Rename(r)) => Some(("rename", r.id.clone())),
        Some(Dialog::Deploy(w)) => Some(("deploy", w.offer.offer_id.clone())),
        // Volume and key dialogs: the kind is checked, not yet the exact id.
        Some(_) => Some(("manage", String::new())),
        _ => None,
    }
}

/// The id of the last thing a dialog asked about, to answer in kind.
fn dialog_id(s: &AppState, fallback: &str) -> String {
    named(s).map_or(fallback.to_string(), |(_, id)| id)
}

fn to_action(s: &AppState, st: &Step, pool: &[Deployment]) -> Action {
    match st {
        Step::Key(i) => Action::Key(KeyEvent::new(KEYS[*i], KeyModifiers::NONE)),
        Step::Tick(secs) => Action::Tick(s.now + ChronoDuration::seconds(i64::from(*secs))),
        Step::Deployments(Ok(mask)) => Action::DeploymentsLoaded(Ok(pool
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, d)| d.clone())
            .collect::<Vec<_>>()
            .into())),
        Step::Deployments(Err(k)) => Action::DeploymentsLoaded(Err(error_of(*k))),
        Step::Offers(r) => Action::OffersLoaded {
            seq: s.offers.seq,
            page: 1,
            result: match r {
                Ok(n) => Ok(support::fixtures::page(
                    [
                        support::fixtures::vp_cluster(),
                        support::fixtures::spot_offer(),
                        support::fixtures::maintenance_offer(),
                    ]
                    .into_iter()
                    .take(usize::from(n % 4))
                    .collect(),
                )),
                Err(k) => Err(error_of(*k)),
            },
        },
        Step::CanTerminate(r) => Action::CanTerminateChecked {
            id: dialog_id(s, "dep-0"),
            result: match r {
                Ok(ok) => Ok(decode::<CanTerminate>(json!({"canTerminate": ok,
                    "timeRemaining": 12.0, "minimumRuntime": 20.0}))
                .unwrap()),
                Err(k) => Err(error_of(*k)),
            },
        },
        Step::Deployed(r) => Action::Deployed(match r {
            Ok(i) => Ok(pool[usize::from(*i) % pool.len()].clone()),
            Err(k) => Err(error_of(*k)),
        }),
        Step::Terminated(r) => Action::Terminated {
            id: dialog_id(s, "dep-1"),
            result: (*r).map_err(error_of),
        },
        Step::Renamed(r) => Action::Renamed {
            id: dialog_id(s, "dep-2"),
            result: match r {
                Ok(()) => Ok(pool[2].clone()),
                Err(k) => Err(error_of(*k)),
            },
        },
        Step::Resize(w, h) => Action::Resize(*w, *h),
    }
}

fn check_selection(s: &AppState) -> Result<(), TestCaseError> {
    let ok = |sel: usize, len: usize| (len == 0 && sel == 0) || sel < len;
    prop_assert!(
        ok(s.offers.cursor.selected, s.offers.visible.len()),
        "offers cursor {} of {}",
        s.offers.cursor.selected,
        s.offers.visible.len()
    );
    let dl = s.visible_deployments().len();
    prop_assert!(
        ok(s.deployments.cursor.selected, dl),
        "deployments cursor {} of {dl}",
        s.deployments.cursor.selected
    );
    if let Some(id) = &s.deployments.selected_id {
        prop_assert_eq!(
            s.selected_deployment().map(|d| &d.id),
            Some(id),
            "selected_id follows the cursor"
        );
    }
    prop_assert!(ok(s.volumes.cursor.selected, s.volumes.items.len()));
    prop_assert!(ok(s.keys.cursor.selected, s.keys.items.len()));
    Ok(())
}

/// Runs the steps, checking the properties after each; returns how many writes were emitted.
fn run_sequence(read_only: bool, steps: &[Step]) -> Result<usize, TestCaseError> {
    let pool = pool();
    let mut s = support::fixtures::ready_with(
        vec![
            support::fixtures::vp_cluster(),
            support::fixtures::spot_offer(),
            support::fixtures::maintenance_offer(),
        ],
        500.0,
        read_only,
    );
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(pool[..5].to_vec().into())),
    );
    let mut writes = 0;
    for st in steps {
        let before = named(&s);
        let key = match st {
            Step::Key(i) => Some(KEYS[*i]),
            _ => None,
        };
        let action = to_action(&s, st, &pool);
        let cmds = update(&mut s, action);
        for c in cmds.iter().filter(|c| c.is_write()) {
            writes += 1;
            prop_assert!(!read_only, "read-only emitted {c:?}");
            prop_assert!(
                matches!(key, Some(KeyCode::Char('y')) | Some(KeyCode::Enter)),
                "{c:?} emitted on {st:?}, not a y/Enter key"
            );
            let (kind, id) = before.clone().unwrap_or_else(|| ("none", String::new()));
            match c {
                Command::Terminate { id: t } => {
                    prop_assert_eq!(kind, "terminate");
                    prop_assert_eq!(t, &id);
                }
                Command::RenameDeployment { id: t, .. } => {
                    prop_assert_eq!(kind, "rename");
                    prop_assert_eq!(t, &id);
                }
                Command::Deploy { request } => {
                    prop_assert_eq!(kind, "deploy");
                    prop_assert_eq!(&request.offer_id, &id);
                }
                _ => prop_assert_eq!(kind, "manage"),
            }
            prop_assert_eq!(
                cmds.iter().filter(|c| c.is_write()).count(),
                1,
                "one write per confirm"
            );
        }
        check_selection(&s)?;
    }
    // Drawing the end state never panics either.
    let _ = support::fixtures::render(&s);
    Ok(writes)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(128), ..ProptestConfig::default() })]

    #[test]
    fn reducer_never_panics_and_writes_only_on_confirm(steps in prop::collection::vec(step(), 1..80)) {
        run_sequence(false, &steps)?;
    }

    #[test]
    fn read_only_never_writes(steps in prop::collection::vec(step(), 1..60)) {
        run_sequence(true, &steps)?;
    }
}

/// Random sequences do reach confirms: the write model is not vacuous.
#[test]
fn random_sequences_reach_writes() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strat = prop::collection::vec(step(), 40..80);
    let mut writes = 0;
    for _ in 0..120 {
        let steps = strat.new_tree(&mut runner).unwrap().current();
        writes += run_sequence(false, &steps).unwrap();
    }
    assert!(writes > 0, "no write in 120 random sequences");
    eprintln!("writes emitted (each checked) in 120 random sequences: {writes}");
}

/// The property above must be able to see writes at all: a scripted confirm makes each one.
#[test]
fn the_write_model_sees_a_terminate() {
    let steps = [
        Step::Key(KEYS.iter().position(|k| *k == KeyCode::Char('2')).unwrap()),
        Step::Key(KEYS.iter().position(|k| *k == KeyCode::Char('x')).unwrap()),
        Step::CanTerminate(Ok(true)),
        // the deliberate answer: yes, then Enter
        Step::Key(KEYS.iter().position(|k| *k == KeyCode::Char('y')).unwrap()),
        Step::Key(KEYS.iter().position(|k| *k == KeyCode::Char('e')).unwrap()),
        Step::Key(KEYS.iter().position(|k| *k == KeyCode::Char('s')).unwrap()),
        Step::Key(KEYS.iter().position(|k| *k == KeyCode::Enter).unwrap()),
    ];
    let pool = pool();
    let mut s = support::fixtures::ready(vec![support::fixtures::spot_offer()], 500.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(pool[..5].to_vec().into())),
    );
    let mut writes = 0;
    for st in &steps {
        let a = to_action(&s, st, &pool);
        writes += update(&mut s, a).iter().filter(|c| c.is_write()).count();
    }
    assert_eq!(writes, 1);
    assert_eq!(s.pane, Pane::Deployments);
    run_sequence(false, &steps).unwrap();
}

// ---------------------------------------------------------------------------------------------
// One deploy per wizard

/// What can happen after the summary is reached: `y` (weighted heavily), keys that move focus
/// but decide nothing, time, every answer a deploy can get (created, refused, unclear), and lists
/// that show or do not show the new deployment. Not Enter, `n` or Esc: once the list showed that
/// an unclear deploy created nothing, Enter on Retry, or going back to the summary and
/// confirming there, is a new decision.
#[derive(Debug, Clone)]
enum WizardStep {
    Y,
    Key(usize),
    Tick(u16),
    Deployed(Result<(), u8>),
    List(bool),
}

const WIZARD_KEYS: &[KeyCode] = &[
    KeyCode::Char('j'),
    KeyCode::Char('k'),
    KeyCode::Char(' '),
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::Up,
    KeyCode::Down,
];

fn wizard_step() -> impl Strategy<Value = WizardStep> {
    prop_oneof![
        8 => Just(WizardStep::Y),
        3 => (0..WIZARD_KEYS.len()).prop_map(WizardStep::Key),
        2 => (0u16..90).prop_map(WizardStep::Tick),
        2 => prop::result::maybe_ok(Just(()), any::<u8>()).prop_map(WizardStep::Deployed),
        1 => any::<bool>().prop_map(WizardStep::List),
    ]
}

fn new_one() -> Deployment {
    support::fixtures::deployment(json!({"id": "new-1", "name": "h100-sxm5-x8-voltage-park",
        "status": "deploying", "offerId": "vp-h100-8", "gpuType": "H100_SXM5", "gpuCount": 8,
        "provider": "voltage-park", "instanceType": "CLUSTER", "hourlyRate": 19.37}))
}

/// Open the wizard on the first offer and accept every default up to the summary.
fn wizard_at_summary() -> AppState {
    use spheron_tui::api::KubernetesVersion;
    use spheron_tui::app::dialogs::deploy::Step as WStep;
    let mut s = support::fixtures::ready(vec![support::fixtures::vp_cluster()], 500.0);
    support::fixtures::chr(&mut s, 'd');
    let v: Vec<KubernetesVersion> = ["1.34", "1.35"]
        .iter()
        .map(|v| decode(json!({ "version": v })).unwrap())
        .collect();
    update(&mut s, Action::KubernetesVersions(Ok(v)));
    for _ in 0..30 {
        match &s.dialog {
            Some(Dialog::Deploy(w)) if w.step() == WStep::Summary => return s,
            Some(Dialog::Deploy(_)) => {
                support::fixtures::enter(&mut s);
            }
            other => panic!("the wizard closed before its summary: {other:?}"),
        }
    }
    panic!("never reached the summary");
}

/// The API said no (a 4xx answer it read): nothing was created, and the wizard asks for a new
/// confirm. Anything else (5xx, timeout, dropped connection, an unreadable answer) may have
/// created the deployment.
fn refused(e: &ApiError) -> bool {
    !matches!(e, ApiError::Decode { .. }) && e.status().is_some_and(|s| (400..500).contains(&s))
}

/// Deploys sent by one wizard, from the summary on, whatever follows. A deploy that may have
/// created something (in flight, created, or answered unclearly) allows no second one from this
/// wizard, whatever keys follow; only a refusal lets a later confirm send again.
fn deploys_in_one_wizard(steps: &[WizardStep]) -> Result<usize, TestCaseError> {
    let mut s = wizard_at_summary();
    let mut sent = 0;
    // A deploy was sent whose answer is unknown, or was not a refusal.
    let mut live = false;
    let mut in_flight = false;
    for st in steps {
        // this wizard, or the confirm it opened (holding it to return to)
        let open = match &s.dialog {
            Some(Dialog::Deploy(_)) => true,
            Some(Dialog::Confirm(c)) => matches!(c.op, Op::Deploy(_)),
            _ => false,
        };
        if !open {
            break; // this wizard is over; a new one would be a new `d`
        }
        let action = match st {
            WizardStep::Y => Action::Key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE)),
            WizardStep::Key(i) => Action::Key(KeyEvent::new(WIZARD_KEYS[*i], KeyModifiers::NONE)),
            WizardStep::Tick(secs) => {
                Action::Tick(s.now + ChronoDuration::seconds(i64::from(*secs)))
            }
            // An answer only to a deploy that was sent.
            WizardStep::Deployed(_) if !in_flight => continue,
            WizardStep::Deployed(Ok(())) => {
                in_flight = false;
                Action::Deployed(Ok(new_one()))
            }
            WizardStep::Deployed(Err(k)) => {
                in_flight = false;
                let e = error_of(*k);
                if refused(&e) {
                    live = false;
                }
                Action::Deployed(Err(e))
            }
            WizardStep::List(with_new) => Action::DeploymentsLoaded(Ok(if *with_new {
                vec![new_one()]
            } else {
                Vec::new()
            }
            .into())),
        };
        let n = support::fixtures::deploys(&update(&mut s, action));
        if n > 0 {
            prop_assert_eq!(n, 1, "two deploys at once after {:?}", st);
            prop_assert!(
                !live,
                "a second deploy from one wizard after {:?} in {:?}",
                st,
                steps
            );
            live = true;
            in_flight = true;
            sent += 1;
        }
    }
    Ok(sent)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn one_wizard_sends_at_most_one_deploy(steps in prop::collection::vec(wizard_step(), 1..40)) {
        deploys_in_one_wizard(&steps)?;
    }
}

/// The property sees a deploy at all: the first `y` on the summary sends one.
#[test]
fn the_first_y_on_the_summary_deploys() {
    let steps = [WizardStep::Y, WizardStep::Y, WizardStep::Y];
    assert_eq!(deploys_in_one_wizard(&steps).unwrap(), 1);
}

// ---------------------------------------------------------------------------------------------
// Decoders

const FIELDS: &[&str] = &[
    "id",
    "name",
    "status",
    "data",
    "deployments",
    "volumes",
    "teams",
    "keys",
    "sshKeys",
    "offers",
    "groups",
    "total",
    "totalPages",
    "page",
    "gpuType",
    "gpuCount",
    "price",
    "provider",
    "offerId",
    "clusters",
    "os_options",
    "instanceType",
    "amount",
    "currency",
    "balance",
    "teamId",
    "canTerminate",
    "timeRemaining",
    "error",
    "code",
    "details",
    "message",
    "retryAfter",
    "ipAddress",
    "sshPort",
    "startedAt",
    "hourlyRate",
    "size",
    "region",
    "isDefault",
    "publicKey",
    "fingerprint",
    "available",
    "gpu_memory",
    "team",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<u64>().prop_map(|n| json!(n)),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(FIELDS).prop_map(|s| Value::String(s.to_string())),
        Just(json!("2026-11-28T12:00:00Z")),
        Just(json!("running")),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        3 => prop::sample::select(FIELDS).prop_map(str::to_string),
                        1 => ".{0,6}",
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn all_decoders(v: &Value) {
    let _ = OffersPage::decode(v.clone());
    let _ = OffersPage::from_slice(v.to_string().as_bytes());
    let _ = decode_list::<Deployment>(v.clone(), &["deployments", "data"]);
    let _ = decode_list::<Volume>(v.clone(), &["volumes", "data"]);
    let _ = decode_list::<SshKey>(v.clone(), &["keys", "sshKeys", "data"]);
    let _ = decode_list::<Team>(v.clone(), &["teams", "data"]);
    let _ = decode::<CanTerminate>(v.clone());
    let _ = decode::<Deployment>(v.clone());
    let _ = Balance::decode(v.clone());
    let body = v.to_string();
    for status in [400, 401, 403, 404, 409, 429, 500, 502] {
        let e = ApiError::from_response(status, body.as_bytes(), None, None);
        assert!(!e.to_string().is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn decoders_take_any_json(v in json_value()) {
        all_decoders(&v);
        // The same value as a list item and as the wrapped payload.
        all_decoders(&json!([v.clone()]));
        all_decoders(&json!({"data": [v.clone()], "deployments": [v.clone()], "groups": [v]}));
    }

    #[test]
    fn decoders_take_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = OffersPage::from_slice(&bytes);
        for status in [0u16, 200, 301, 400, 401, 429, 500, 503, 999] {
            let e = ApiError::from_response(status, &bytes, None, None);
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn offers_from_slice_takes_truncated_real_pages(cut in any::<prop::sample::Index>()) {
        let full = serde_json::to_vec(&spheron_tui::demo::synth::offers_page(8)).unwrap();
        let whole = OffersPage::from_slice(&full).unwrap();
        let offers: usize = whole.groups.iter().map(|g| g.offers.len()).sum();
        prop_assert_eq!((offers, whole.unreadable), (8, 0));
        // a page cut short is an error, never a shorter list that looks whole
        let cut = cut.index(full.len());
        let read = OffersPage::from_slice(&full[..cut]);
        prop_assert!(read.is_err(), "cut at {cut} of {}: {read:?}", full.len());
    }
}
