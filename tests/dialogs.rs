//! Every dialog kind, opened the way a user opens it, against the global keys handled in front
//! of every dialog (`Ctrl-C` quits, `Esc` closes or steps back, a write asked for in a read-only
//! session is refused with the one wording, naming what was not sent), and the key table both
//! ways: every key a dialog hints acts, every key that acts is hinted, and every dialog entry
//! of the table is met in some state.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use spheron_tui::api::CanTerminate;
use spheron_tui::app::action::SaveError;
use spheron_tui::app::dialogs::create_volume::CreateStep;
use spheron_tui::app::dialogs::deploy::Step;
use spheron_tui::app::dialogs::{Dialog, Kind, read_only_refusal};
use spheron_tui::app::keys::{self, Binding, Focus, KeyCmd, Routed, Scope};
use spheron_tui::app::{Action, AppState, Command, Pane, update};

use support::accounts::{chr, ctrl, key, loaded, region, select, type_text};
use support::fixtures::{pause, type_yes};
use support::typing::{self, Warnings, alphabet};

/// A state with every list loaded (deployments, volumes, keys, teams) and one offer.
fn state() -> AppState {
    let mut s = loaded(false);
    let seq = s.offers.seq;
    update(
        &mut s,
        Action::OffersLoaded {
            seq,
            page: 1,
            result: Ok(support::fixtures::page(vec![
                support::fixtures::spot_offer(),
            ])),
        },
    );
    s
}

/// The deploy wizard, opened by `open`.
fn deploy_case(open: fn(&mut AppState)) -> Case {
    Case {
        kind: Kind::Deploy,
        open,
        write: None,
    }
}

/// Two presets in `config.toml` (a made-up place: nothing is written here), on Offers.
fn presets(s: &mut AppState) {
    s.pane = Pane::Offers;
    s.presets.file = Some("/nonexistent/config.toml".into());
    for name in ["a", "b"] {
        let p = spheron_tui::domain::preset::Preset {
            guard_after: Some("8h".into()),
            ..Default::default()
        };
        s.presets.saved.insert(name.into(), p);
    }
}

fn open_terminate(s: &mut AppState) {
    select(s, Pane::Deployments, "dep_sp1");
    chr(s, 'x');
    let allowed: CanTerminate =
        serde_json::from_value(serde_json::json!({"canTerminate": true})).unwrap();
    update(
        s,
        Action::CanTerminateChecked {
            id: "dep_sp1".into(),
            result: Ok(allowed),
        },
    );
}

/// The terminate dialog whose `can-terminate` check failed (`r` asks again).
fn open_terminate_failed(s: &mut AppState) {
    select(s, Pane::Deployments, "dep_sp1");
    chr(s, 'x');
    update(
        s,
        Action::CanTerminateChecked {
            id: "dep_sp1".into(),
            result: Err(support::fixtures::err::server()),
        },
    );
}

fn deploy_to_summary(s: &mut AppState) {
    for _ in 0..12 {
        match &s.dialog {
            Some(Dialog::Deploy(w)) if w.step() != Step::Summary => {
                key(s, KeyCode::Enter);
            }
            _ => break,
        }
    }
}

fn create_to_summary(s: &mut AppState) {
    for _ in 0..3 {
        key(s, KeyCode::Down); // spheron-ai
    }
    key(s, KeyCode::Enter);
    update(
        s,
        Action::VolumeRegions {
            provider: "spheron-ai".into(),
            result: Ok(vec![region("spheron-ai", "us-east-1", 1.0, 20_000.0, None)]),
        },
    );
    key(s, KeyCode::Enter);
    type_text(s, "data");
    key(s, KeyCode::Enter);
    type_text(s, "100");
    for _ in 0..3 {
        match &s.dialog {
            Some(Dialog::CreateVolume(c)) if c.step != CreateStep::Summary => {
                key(s, KeyCode::Enter);
            }
            _ => break,
        }
    }
}

/// The keys that make a dialog send its write.
type Send = fn(&mut AppState) -> Vec<Command>;

/// How each kind opens, and — for the kinds that send a write — the keys that send it and what
/// the refusal names.
struct Case {
    kind: Kind,
    open: fn(&mut AppState),
    write: Option<(Send, &'static str)>,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            kind: Kind::Help,
            open: |s| {
                chr(s, '?');
            },
            write: None,
        },
        Case {
            kind: Kind::Help,
            open: |s| {
                chr(s, '?');
                key(s, KeyCode::PageDown);
            },
            write: None,
        },
        Case {
            kind: Kind::Messages,
            open: |s| {
                chr(s, 'm');
            },
            write: None,
        },
        Case {
            kind: Kind::Messages,
            open: |s| {
                chr(s, 'm');
                key(s, KeyCode::Down);
            },
            write: None,
        },
        Case {
            kind: Kind::Details,
            open: |s| {
                s.pane = Pane::Offers;
                key(s, KeyCode::Enter);
            },
            write: None,
        },
        Case {
            kind: Kind::Details,
            open: |s| {
                s.pane = Pane::Offers;
                key(s, KeyCode::Enter);
                key(s, KeyCode::Down);
            },
            write: None,
        },
        Case {
            kind: Kind::KeyPrompt,
            open: |s| {
                s.session.key_mask = None;
                chr(s, '2');
            },
            write: None,
        },
        Case {
            kind: Kind::Notice,
            open: |s| {
                select(s, Pane::Volumes, "vol_ses");
                chr(s, 'A');
            },
            write: None,
        },
        Case {
            kind: Kind::Confirm,
            open: |s| {
                select(s, Pane::Deployments, "dep_fin1");
                chr(s, 'A');
                key(s, KeyCode::Enter);
            },
            write: Some((|s| chr(s, 'y'), "the volume attach")),
        },
        Case {
            kind: Kind::Confirm,
            open: |s| {
                s.pane = Pane::Offers;
                chr(s, 'd');
                deploy_to_summary(s);
                chr(s, 'y');
            },
            write: Some((|s| chr(s, 'y'), "the deploy")),
        },
        Case {
            kind: Kind::Deploy,
            open: |s| {
                s.pane = Pane::Offers;
                chr(s, 'd');
                deploy_to_summary(s);
            },
            write: None,
        },
        Case {
            kind: Kind::Deploy,
            open: |s| {
                s.pane = Pane::Offers;
                chr(s, 'd');
                while matches!(&s.dialog, Some(Dialog::Deploy(w)) if w.step() != Step::Ssh) {
                    key(s, KeyCode::Enter);
                }
                key(s, KeyCode::Down);
            },
            write: None,
        },
        // with presets: start from one (a step without text, the list), save one (summary)
        deploy_case(|s| {
            presets(s);
            chr(s, 'd');
        }),
        deploy_case(|s| {
            presets(s);
            chr(s, 'd');
            chr(s, 'P');
        }),
        deploy_case(|s| {
            presets(s);
            chr(s, 'd');
            deploy_to_summary(s);
        }),
        deploy_case(|s| {
            presets(s);
            chr(s, 'd');
            deploy_to_summary(s);
            chr(s, 's');
        }),
        Case {
            kind: Kind::Deploy,
            open: |s| {
                s.pane = Pane::Offers;
                chr(s, 'd');
            },
            // In a read-only session the summary is blocked: it says why in the one wording
            // and offers no deploy (deploy_flows); the confirm case above refuses the write.
            write: None,
        },
        Case {
            kind: Kind::Terminate,
            open: open_terminate,
            write: Some((type_yes, "the terminate request")),
        },
        Case {
            kind: Kind::Terminate,
            open: open_terminate_failed,
            write: None,
        },
        Case {
            kind: Kind::DeleteVolume,
            open: |s| {
                select(s, Pane::Volumes, "vol_free");
                chr(s, 'x');
            },
            write: Some((
                |s| {
                    type_text(s, "scr");
                    key(s, KeyCode::Enter)
                },
                "the volume delete",
            )),
        },
        Case {
            kind: Kind::DeleteKey,
            open: |s| {
                select(s, Pane::Keys, "sshk_1");
                chr(s, 'x');
            },
            write: Some((
                |s| {
                    pause(s);
                    chr(s, 'y')
                },
                "the SSH key delete",
            )),
        },
        Case {
            kind: Kind::Rename,
            open: |s| {
                select(s, Pane::Deployments, "dep_sp1");
                chr(s, 'e');
            },
            write: Some((
                |s| {
                    chr(s, 'z');
                    key(s, KeyCode::Enter)
                },
                "the rename",
            )),
        },
        Case {
            kind: Kind::Guard,
            open: |s| {
                select(s, Pane::Deployments, "dep_sp1");
                chr(s, 'T');
            },
            // A local rule, not a platform write: read-only mode allows it.
            write: None,
        },
        Case {
            kind: Kind::AddKey,
            open: |s| {
                s.pane = Pane::Keys;
                chr(s, 'a');
                let found = support::fixtures::local_keys();
                update(s, Action::PubKeysFound(found));
                key(s, KeyCode::Tab);
            },
            write: None,
        },
        Case {
            kind: Kind::AddKey,
            open: |s| {
                s.pane = Pane::Keys;
                chr(s, 'a');
                let found = support::fixtures::local_keys();
                update(s, Action::PubKeysFound(found));
                key(s, KeyCode::Tab);
                key(s, KeyCode::Down);
            },
            write: None,
        },
        Case {
            kind: Kind::AddKey,
            open: |s| {
                s.pane = Pane::Keys;
                chr(s, 'a');
            },
            write: Some((
                |s| {
                    type_text(s, "laptop");
                    key(s, KeyCode::Tab);
                    type_text(s, support::fixtures::PUB);
                    key(s, KeyCode::Enter)
                },
                "the new SSH key",
            )),
        },
        Case {
            kind: Kind::CreateVolume,
            open: |s| {
                s.pane = Pane::Volumes;
                chr(s, 'a');
                create_to_summary(s);
            },
            write: None,
        },
        Case {
            kind: Kind::CreateVolume,
            open: |s| {
                s.pane = Pane::Volumes;
                chr(s, 'a');
                key(s, KeyCode::Down);
            },
            write: None,
        },
        Case {
            kind: Kind::CreateVolume,
            open: |s| {
                s.pane = Pane::Volumes;
                chr(s, 'a');
            },
            write: Some((
                |s| {
                    create_to_summary(s);
                    chr(s, 'y'); // the confirm, with $/h now → after
                    chr(s, 'y')
                },
                "the new volume",
            )),
        },
        Case {
            kind: Kind::VolumeInfo,
            open: |s| {
                select(s, Pane::Volumes, "vol_vp");
                key(s, KeyCode::Enter);
            },
            write: None,
        },
        Case {
            kind: Kind::VolumeInfo,
            open: |s| {
                select(s, Pane::Volumes, "vol_vp");
                key(s, KeyCode::Enter);
                key(s, KeyCode::Down);
            },
            write: None,
        },
        Case {
            kind: Kind::EditVolume,
            open: |s| {
                select(s, Pane::Volumes, "vol_vp");
                chr(s, 'e');
            },
            write: Some((
                |s| {
                    ctrl(s, 'u');
                    type_text(s, "vp-data-2");
                    key(s, KeyCode::Enter)
                },
                "the volume rename/expand",
            )),
        },
        Case {
            kind: Kind::Pick,
            open: |s| {
                select(s, Pane::Volumes, "vol_free");
                chr(s, 'A');
            },
            write: None,
        },
        Case {
            kind: Kind::Pick,
            open: |s| {
                select(s, Pane::Volumes, "vol_free");
                chr(s, 'A');
                key(s, KeyCode::Down);
            },
            write: None,
        },
        Case {
            kind: Kind::Pick,
            open: |s| {
                select(s, Pane::Deployments, "dep_fin1");
                chr(s, 'A');
            },
            write: Some((
                |s| {
                    key(s, KeyCode::Enter);
                    chr(s, 'y')
                },
                "the volume attach",
            )),
        },
        Case {
            kind: Kind::DeploymentInfo,
            open: |s| {
                select(s, Pane::Deployments, "dep_k8s");
                key(s, KeyCode::Enter);
            },
            write: None,
        },
        Case {
            kind: Kind::DeploymentInfo,
            open: |s| {
                select(s, Pane::Deployments, "dep_k8s");
                key(s, KeyCode::Enter);
                key(s, KeyCode::PageDown);
            },
            write: None,
        },
        Case {
            kind: Kind::Kubeconfig,
            open: |s| {
                select(s, Pane::Deployments, "dep_k8s");
                chr(s, 'K');
                key(s, KeyCode::Down);
            },
            write: None,
        },
        Case {
            kind: Kind::Kubeconfig,
            open: |s| {
                select(s, Pane::Deployments, "dep_k8s");
                chr(s, 'K');
                key(s, KeyCode::Enter);
                update(
                    s,
                    Action::FileSaved {
                        path: "~/kube.yaml".into(),
                        result: Err(SaveError::Exists),
                    },
                );
            },
            write: None,
        },
        Case {
            kind: Kind::TeamInfo,
            open: |s| {
                select(s, Pane::Account, "team_demo_01");
                key(s, KeyCode::Enter);
            },
            write: None,
        },
        Case {
            kind: Kind::KeyInfo,
            open: |s| {
                select(s, Pane::Keys, "sshk_1");
                key(s, KeyCode::Enter);
            },
            write: None,
        },
        Case {
            kind: Kind::NewWatch,
            open: |s| {
                s.pane = Pane::Offers;
                chr(s, 'w');
            },
            write: None,
        },
        Case {
            kind: Kind::Watches,
            open: |s| {
                use spheron_tui::domain::watch::{Watch, WatchSpec};
                for id in [1, 2] {
                    s.prices.watches.push(Watch {
                        id,
                        spec: WatchSpec {
                            gpu: "h100".into(),
                            max_gpu_price: 2.0,
                            ..WatchSpec::default()
                        },
                        created_at: s.now,
                    });
                }
                s.pane = Pane::Offers;
                chr(s, 'W');
            },
            write: None,
        },
        Case {
            kind: Kind::Watches,
            open: |s| {
                use spheron_tui::domain::watch::{Watch, WatchSpec};
                for id in [1, 2] {
                    s.prices.watches.push(Watch {
                        id,
                        spec: WatchSpec {
                            gpu: "h100".into(),
                            max_gpu_price: 2.0,
                            ..WatchSpec::default()
                        },
                        created_at: s.now,
                    });
                }
                s.pane = Pane::Offers;
                chr(s, 'W');
                key(s, KeyCode::Down);
            },
            write: None,
        },
        Case {
            kind: Kind::Planner,
            open: |s| {
                s.pane = Pane::Offers;
                chr(s, 'p');
            },
            write: None,
        },
        Case {
            kind: Kind::Planner,
            open: |s| {
                s.pane = Pane::Offers;
                chr(s, 'p');
                // the second model (↑ moves back), then the precision, a choice: ←/→ change it
                key(s, KeyCode::Down);
                key(s, KeyCode::Tab);
            },
            write: None,
        },
    ]
}

fn opened(case: &Case) -> AppState {
    let mut s = state();
    (case.open)(&mut s);
    let kind = s.dialog.as_ref().map(Dialog::kind);
    assert_eq!(kind, Some(case.kind), "{:?}", s.dialog);
    s
}

#[test]
fn the_table_covers_every_kind() {
    // in order; a kind may have more than one case (the confirm: a delete and a deploy)
    let mut kinds: Vec<Kind> = cases().iter().map(|c| c.kind).collect();
    kinds.dedup();
    assert_eq!(kinds, Kind::ALL.to_vec());
}

#[test]
fn ctrl_c_quits_from_every_dialog() {
    for case in cases() {
        let mut s = opened(&case);
        let cmds = ctrl(&mut s, 'c');
        assert_eq!(cmds, vec![Command::Quit], "{:?}", case.kind);
        assert!(s.quit, "{:?}", case.kind);
    }
}

#[test]
fn esc_closes_or_steps_back_in_every_dialog() {
    for case in cases() {
        let mut s = opened(&case);
        let before = format!("{:?}", s.dialog);
        let cmds = key(&mut s, KeyCode::Esc);
        assert!(cmds.is_empty(), "{:?}: {cmds:?}", case.kind);
        assert!(
            s.dialog.is_none() || format!("{:?}", s.dialog) != before,
            "{:?}: Esc did nothing",
            case.kind
        );
        assert!(!s.quit);
    }
}

#[test]
fn esc_steps_back_in_the_wizards_and_from_an_expansion() {
    let mut s = state();
    s.pane = Pane::Offers;
    chr(&mut s, 'd');
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Esc);
    let Some(Dialog::Deploy(w)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    assert_eq!(w.at, 0);
    key(&mut s, KeyCode::Esc);
    assert!(s.dialog.is_none());

    select(&mut s, Pane::Volumes, "vol_vp");
    chr(&mut s, 'e');
    key(&mut s, KeyCode::Tab);
    ctrl(&mut s, 'u');
    type_text(&mut s, "500");
    key(&mut s, KeyCode::Enter);
    assert!(matches!(s.dialog, Some(Dialog::Confirm(_))));
    key(&mut s, KeyCode::Esc);
    let Some(Dialog::EditVolume(e)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    assert_eq!(e.size.value(), "500");
}

#[test]
fn a_write_in_a_read_only_session_is_refused_in_one_wording() {
    for case in cases() {
        let Some((send, what)) = case.write else {
            continue;
        };
        // Open it as a writing session would, then the session is read-only: the write the
        // dialog asks for is dropped in front of it and named.
        let mut s = opened(&case);
        s.session.read_only = true;
        let cmds = send(&mut s);
        assert!(
            !cmds.iter().any(Command::is_write),
            "{:?}: {cmds:?}",
            case.kind
        );
        let flash = s.status.flash.as_ref().map(|f| f.text.clone());
        assert_eq!(
            flash.as_deref(),
            Some(read_only_refusal(what).as_str()),
            "{:?}",
            case.kind
        );
        // the same session without read-only sends it
        let mut s = opened(&case);
        let cmds = send(&mut s);
        assert_eq!(
            cmds.iter().filter(|c| c.is_write()).count(),
            1,
            "{:?}: {cmds:?}",
            case.kind
        );
    }
}

#[test]
fn a_key_that_leads_to_a_write_is_refused_before_any_dialog_in_read_only() {
    for b in keys::table().iter().filter(|b| b.writes.is_some()) {
        let Scope::On(pane) = b.scope else {
            panic!("a write key outside a pane: {:?}", b.cmd)
        };
        let mut s = state();
        s.session.read_only = true;
        s.pane = pane;
        let cmds = update(&mut s, Action::Key(b.keys[0].event()));
        assert!(cmds.is_empty(), "{:?}", b.cmd);
        assert!(s.dialog.is_none(), "{:?}: {:?}", b.cmd, s.dialog);
        let flash = s.status.flash.as_ref().map(|f| f.text.clone());
        assert_eq!(
            flash,
            Some(read_only_refusal(b.writes.unwrap())),
            "{:?}",
            b.cmd
        );
    }
}

/// Press `ev` after a person's pause: whether anything changed (state, or a command out).
fn acts(s: &AppState, ev: KeyEvent) -> bool {
    typing::acts(s, ev, chrono::Duration::seconds(1), Warnings::Act)
}

/// What the open dialog offers now: the bindings its hints show, by the same rule.
fn hinted(s: &AppState) -> Vec<&'static Binding> {
    let d = s.dialog.as_ref().expect("a dialog");
    let keys = d.keys();
    let offered = keys.commands(s);
    let kind = d.kind();
    keys::table()
        .iter()
        .filter(|b| b.scope.in_dialog(kind) && !b.hint.is_empty())
        .filter(|b| match b.cmd {
            KeyCmd::Quit => true,
            KeyCmd::Back => keys.can_go_back(),
            cmd => b.scope == Scope::Dialog(kind) && offered.contains(&cmd),
        })
        .collect()
}

/// Dialogs in which a key that is none of their commands cancels (and goes no further).
fn cancels_on_other_keys(s: &AppState) -> bool {
    match &s.dialog {
        Some(d @ Dialog::Confirm(c)) => {
            matches!(
                d.kind(),
                Kind::Terminate | Kind::DeleteVolume | Kind::DeleteKey
            ) && !c.busy
        }
        Some(Dialog::Kubeconfig(k)) => k.confirm_overwrite.is_some(),
        _ => false,
    }
}

/// Whether `after` has cancelled what `before` asked.
fn cancelled(before: &AppState, after: &AppState) -> bool {
    let kind = |s: &AppState| s.dialog.as_ref().map(Dialog::kind);
    kind(after) != kind(before)
        || matches!(&after.dialog, Some(Dialog::Kubeconfig(k)) if k.confirm_overwrite.is_none())
}

#[test]
fn every_hinted_key_acts_and_every_acting_key_is_hinted() {
    let mut met: Vec<(Kind, KeyCmd)> = Vec::new();
    for case in cases() {
        let s = opened(&case);
        let d = s.dialog.as_ref().unwrap();
        let focus = Focus::Dialog {
            kind: case.kind,
            text: d.keys().text_focus(),
        };
        let hints = hinted(&s);
        // every hinted key acts (a key a focused text field takes as typing is not hinted)
        for b in &hints {
            for k in b.keys.iter().filter(|k| !(focus.text() && k.types())) {
                assert!(
                    acts(&s, k.event()),
                    "{:?}: {} ({}) is hinted but does nothing",
                    case.kind,
                    k.label(),
                    b.hint
                );
            }
            met.push((case.kind, b.cmd));
        }
        // every key that acts is hinted, typed into a text field, or cancels a dialog that
        // cancels on any other key
        for ev in alphabet() {
            if !acts(&s, ev) {
                continue;
            }
            let hinted_cmd = match keys::route(&ev, focus) {
                Routed::Cmd(cmd) => {
                    let b = keys::lookup(&ev, focus).unwrap();
                    hints.iter().any(|h| h.cmd == cmd && h.scope == b.scope)
                }
                Routed::Other => false,
            };
            let typed = focus.text() && keys::route(&ev, focus) == Routed::Other;
            if hinted_cmd || typed {
                continue;
            }
            let mut after = s.clone();
            update(&mut after, Action::Key(ev));
            assert!(
                cancels_on_other_keys(&s) && cancelled(&s, &after),
                "{:?}: {ev:?} acts but is not hinted",
                case.kind
            );
        }
    }
    // every entry of the table for a dialog is met, hinted and acting, in some state
    for b in keys::table() {
        let Scope::Dialog(kind) = b.scope else {
            continue;
        };
        if NOT_MET_HERE.contains(&(kind, b.cmd)) {
            continue;
        }
        assert!(
            met.contains(&(kind, b.cmd)),
            "{kind:?}: {:?} ({}) is never offered in the states tested",
            b.cmd,
            b.hint
        );
    }
}

/// Table entries of states these cases do not reach, each tested where named.
const NOT_MET_HERE: &[(Kind, KeyCmd)] = &[
    // the Volumes step (an offer with volumes): deploy_flows
    (Kind::Deploy, KeyCmd::Select),
    // the "cannot tell" state after an unclear deploy: deploy_flows
    (Kind::Deploy, KeyCmd::Retry),
];

/// Below the minimum size only a notice is drawn: keys that would act unseen do nothing (the
/// sequences that deleted a volume and deployed an instance in a small split among them), a
/// paste fills nothing, and `q` still quits.
#[test]
fn nothing_acts_under_the_too_small_screen() {
    use spheron_tui::domain::ssh_key::Pasted;
    let mut s = state();
    update(&mut s, Action::Resize(60, 15));
    let mut keys: Vec<KeyEvent> = "3gxy2xy1d".chars().map(plain).collect();
    keys.extend([KeyCode::Enter; 8].map(|c| KeyEvent::new(c, KeyModifiers::NONE)));
    keys.extend("yy4xyaw?m/".chars().map(plain));
    for code in [KeyCode::Tab, KeyCode::Esc, KeyCode::Down, KeyCode::PageDown] {
        keys.push(KeyEvent::new(code, KeyModifiers::NONE));
    }
    let before = (s.pane, s.deployments.cursor.selected);
    for ev in keys {
        let cmds = update(&mut s, Action::Key(ev));
        assert!(cmds.is_empty(), "{ev:?}: {cmds:?}");
        assert!(s.dialog.is_none(), "{ev:?}: {:?}", s.dialog);
        assert!(!s.offers.editing_filter);
    }
    assert_eq!((s.pane, s.deployments.cursor.selected), before);
    // A dialog opened before the terminal shrank takes no key either.
    update(&mut s, Action::Resize(120, 40));
    select(&mut s, Pane::Deployments, "dep_sp1");
    chr(&mut s, 'e');
    update(&mut s, Action::Resize(60, 15));
    let was = format!("{:?}", s.dialog);
    type_text(&mut s, "zz");
    update(&mut s, Action::Paste(Pasted::Text("pasted".into())));
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert_eq!(format!("{:?}", s.dialog), was);
    assert_eq!(chr(&mut s, 'q'), vec![Command::Quit]);
    assert!(s.quit);
}

fn plain(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}
