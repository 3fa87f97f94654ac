//! Tunnels and the editor from the Deployments pane: `p` picks a port (a preset or one typed)
//! and starts `ssh -N -L`; the local URL shows in the row and the details once ssh listens; `p`
//! again stops it; a tunnel whose instance ended is stopped; `E` opens the editor. Reducer
//! flows and snapshots, then the runtime's tunnels through a real sshd on loopback (stopped
//! as the dashboard stops them when it quits).

use crate::support;

use crossterm::event::KeyCode;
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::{Action, AppState, Command, Pane, update};

use support::accounts::{chr, key, loaded, select, type_text};
use support::fixtures::render;

/// The loaded account (not the demo: its instances are reached) with `sp-train` (dep_sp1)
/// running at an address, selected.
fn reachable() -> AppState {
    let mut s = loaded(false);
    s.session.demo = false;
    with_address(&mut s);
    s
}

/// `sp-train` (dep_sp1) at an address, selected.
pub(crate) fn with_address(s: &mut AppState) {
    let d = s
        .deployments
        .items
        .iter_mut()
        .find(|d| d.id == "dep_sp1")
        .unwrap();
    d.ip_address = Some("203.0.113.7".into());
    d.ssh_port = Some(2201);
    select(s, Pane::Deployments, "dep_sp1");
}

/// The tunnel command the reducer sent: (key, alias, remote, want).
fn started(cmds: &[Command]) -> (u64, String, u16, u16) {
    let found = cmds.iter().find_map(|c| match c {
        Command::StartTunnel {
            key,
            entry,
            remote,
            want,
        } => Some((*key, entry.alias.clone(), *remote, *want)),
        _ => None,
    });
    found.unwrap_or_else(|| panic!("no tunnel started: {cmds:?}"))
}

fn said(s: &AppState) -> String {
    s.status
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

fn row<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("no row {name}:\n{screen}"))
}

#[test]
fn p_starts_a_preset_tunnel_shows_its_url_and_p_again_stops_it() {
    let mut s = reachable();
    assert!(chr(&mut s, 'p').is_empty());
    assert!(
        matches!(s.dialog, Some(Dialog::Tunnel(_))),
        "{:?}",
        s.dialog
    );
    insta::assert_snapshot!("tunnel_dialog", render(&s));
    // Enter on the first row: Jupyter
    let cmds = key(&mut s, KeyCode::Enter);
    assert!(s.dialog.is_none());
    let (k, alias, remote, want) = started(&cmds);
    assert_eq!(
        (alias.as_str(), remote, want),
        ("sp-train.spheron", 8888, 8888)
    );
    assert!(row(&render(&s), "sp-train").contains("…:8888"));
    update(
        &mut s,
        Action::TunnelUp {
            key: k,
            local: 8888,
        },
    );
    assert!(
        said(&s).contains("tunnel up: http://localhost:8888 → sp-train.spheron port 8888"),
        "{}",
        said(&s)
    );
    let screen = render(&s);
    assert!(
        row(&screen, "sp-train").contains("localhost:8888"),
        "{screen}"
    );
    insta::assert_snapshot!("tunnel_row", screen);
    // the details say where it is
    key(&mut s, KeyCode::Enter);
    let details = render(&s);
    assert!(
        details.contains("tunnel             http://localhost:8888 → port 8888 (p stops it)"),
        "{details}"
    );
    key(&mut s, KeyCode::Esc);
    // p again stops it
    let cmds = chr(&mut s, 'p');
    assert_eq!(cmds, vec![Command::StopTunnel { key: k }]);
    assert!(s.dialog.is_none());
    assert!(s.tunnels.by_deployment.is_empty());
    assert!(said(&s).contains("stopped"), "{}", said(&s));
    assert!(!render(&s).contains("Tunnel"));
}

#[test]
fn a_typed_port_and_a_local_port_in_use_are_said() {
    let mut s = reachable();
    chr(&mut s, 'p');
    // the last row takes a port typed
    key(&mut s, KeyCode::End);
    key(&mut s, KeyCode::Enter);
    let Some(Dialog::Tunnel(t)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    assert_eq!(
        t.error.as_deref(),
        Some("type the instance's port (or PORT:LOCAL)")
    );
    type_text(&mut s, "x");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Some(Dialog::Tunnel(t)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    assert!(
        t.error.as_deref().unwrap().contains("is not a port"),
        "{t:?}"
    );
    key(&mut s, KeyCode::Backspace);
    type_text(&mut s, "7860:9000");
    let (k, _, remote, want) = started(&key(&mut s, KeyCode::Enter));
    assert_eq!((remote, want), (7860, 9000));
    update(
        &mut s,
        Action::TunnelUp {
            key: k,
            local: 9001,
        },
    );
    assert_eq!(
        said(&s),
        "port 9000 is in use here: tunnel up on http://localhost:9001 → sp-train.spheron port 7860 instead"
    );
    assert!(row(&render(&s), "sp-train").contains("localhost:9001"));
}

#[test]
fn a_tunnel_that_ends_on_its_own_is_said_and_a_stopped_ones_late_answers_are_ignored() {
    let mut s = reachable();
    chr(&mut s, 'p');
    let (first, ..) = started(&key(&mut s, KeyCode::Enter));
    chr(&mut s, 'p'); // stopped
    chr(&mut s, 'p');
    key(&mut s, KeyCode::Down); // TensorBoard
    let (second, _, remote, _) = started(&key(&mut s, KeyCode::Enter));
    assert_ne!(first, second);
    assert_eq!(remote, 6006);
    // the first one's ssh ends after it was stopped: nothing changes
    update(
        &mut s,
        Action::TunnelDown {
            key: first,
            why: "killed".into(),
        },
    );
    assert!(s.tunnels.by_deployment.contains_key("dep_sp1"));
    update(
        &mut s,
        Action::TunnelDown {
            key: second,
            why: "Permission denied (publickey).".into(),
        },
    );
    assert!(s.tunnels.by_deployment.is_empty());
    assert_eq!(
        said(&s),
        "tunnel to sp-train.spheron port 6006 ended: Permission denied (publickey)."
    );
}

#[test]
fn a_tunnel_stops_when_its_instance_is_no_longer_running() {
    let mut s = reachable();
    chr(&mut s, 'p');
    let (k, ..) = started(&key(&mut s, KeyCode::Enter));
    let mut deps = s.deployments.items.clone();
    // an incomplete list without it proves nothing
    let without: Vec<_> = deps.iter().filter(|d| d.id != "dep_sp1").cloned().collect();
    let gap = spheron_tui::api::listing::Gap::Pages { read: 1, of: 2 };
    let partial = spheron_tui::api::Listing::with(
        without,
        spheron_tui::api::listing::Completeness::with(gap),
    );
    let cmds = update(&mut s, Action::DeploymentsLoaded(Ok(partial)));
    assert!(!cmds.contains(&Command::StopTunnel { key: k }), "{cmds:?}");
    assert!(s.tunnels.by_deployment.contains_key("dep_sp1"));
    // listed as terminated: stopped
    let d = deps.iter_mut().find(|d| d.id == "dep_sp1").unwrap();
    d.status = spheron_tui::api::DeploymentStatus::Terminated;
    let cmds = update(&mut s, Action::DeploymentsLoaded(Ok(deps.into())));
    assert!(cmds.contains(&Command::StopTunnel { key: k }), "{cmds:?}");
    assert!(s.tunnels.by_deployment.is_empty());
}

#[test]
fn p_and_e_need_a_running_instance_with_an_address_and_the_demo_runs_nothing() {
    let mut s = loaded(false);
    // running, but no address yet: neither key is offered, and pressing says why
    select(&mut s, Pane::Deployments, "dep_sp1");
    let footer = spheron_tui::app::keys::hints::pane_footer(&s);
    assert!(
        !footer
            .usable
            .iter()
            .any(|(_, h)| *h == "tunnel" || *h == "editor")
    );
    assert!(chr(&mut s, 'p').is_empty());
    assert_eq!(said(&s), "sp-train has no SSH address yet");
    assert!(s.dialog.is_none());
    select(&mut s, Pane::Deployments, "dep_vp");
    assert!(chr(&mut s, 'E').is_empty());
    assert!(said(&s).contains("vp-box is deploying"), "{}", said(&s));
    // reachable: both offered
    let mut s = reachable();
    let footer = spheron_tui::app::keys::hints::pane_footer(&s);
    for hint in ["tunnel", "editor"] {
        assert!(footer.usable.iter().any(|(_, h)| *h == hint), "{footer:?}");
    }
    // the demo contacts nothing: it says what it would run
    s.session.demo = true;
    chr(&mut s, 'p');
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert!(
        said(&s).starts_with(
            "demo: would run `ssh -N -L 127.0.0.1:8888:localhost:8888 sp-train.spheron`"
        )
    );
    assert!(chr(&mut s, 'E').is_empty());
    assert!(
        said(&s).starts_with(
            "demo: would run `code --remote ssh-remote+sp-train.spheron /home/ubuntu`"
        )
    );
}

#[test]
fn e_opens_the_users_home_in_the_editor_and_says_what_went_wrong() {
    let mut s = reachable();
    let cmds = chr(&mut s, 'E');
    assert_eq!(
        cmds,
        vec![Command::OpenEditor {
            alias: "sp-train.spheron".into(),
            folder: "/home/ubuntu".into(),
        }]
    );
    update(
        &mut s,
        Action::EditorOpened(Err("`code` is not on PATH: install VS Code".into())),
    );
    assert_eq!(said(&s), "`code` is not on PATH: install VS Code");
    update(
        &mut s,
        Action::EditorOpened(Ok(
            "/usr/bin/code --remote ssh-remote+sp-train.spheron /home/ubuntu".into(),
        )),
    );
    assert!(said(&s).starts_with("opened: /usr/bin/code"));
}

#[test]
fn help_lists_the_tunnel_and_editor_keys() {
    let mut s = reachable();
    chr(&mut s, '?');
    let mut text = String::new();
    for _ in 0..20 {
        text.push_str(&render(&s));
        key(&mut s, KeyCode::PageDown);
    }
    assert!(text.contains("tunnel a port to localhost"), "{text}");
    assert!(
        text.contains("open the instance's home folder in VS Code"),
        "{text}"
    );
}

/// The runtime's tunnel through the real `ssh -N -L` to a port served on a real sshd's host:
/// it says when it listens, serves the port on localhost, and the dashboard's quit
/// (`stop_all`) ends it: the local port is free again. A tunnel ssh cannot log in for ends
/// on its own with ssh's reason.
#[tokio::test(flavor = "multi_thread")]
async fn the_runtimes_tunnel_serves_the_port_until_the_dashboard_quits() {
    use crate::workspace::{http_get, instance_entry, serve_on_instance};
    use spheron_tui::runtime::executor::Executor;
    use support::sshd::Sshd;
    let sshd = Sshd::start();
    let home = tempfile::tempdir().unwrap();
    let exec = Executor {
        client: spheron_tui::api::Client::new("http://127.0.0.1:9", None).unwrap(),
        credentials_path: None,
        home: Some(home.path().to_path_buf()),
        journal: Default::default(),
        tunnels: Default::default(),
        instances: Default::default(),
    };
    let remote = serve_on_instance("tensorboard");
    let want = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let start = Command::StartTunnel {
        key: 7,
        entry: instance_entry(&sshd),
        remote,
        want,
    };
    exec.spawn(start, tx.clone());
    let wait = std::time::Duration::from_secs(60);
    let up = tokio::time::timeout(wait, rx.recv()).await.unwrap();
    let Some(Action::TunnelUp { key: 7, local }) = up else {
        panic!("not up: {up:?}");
    };
    let body = tokio::task::spawn_blocking(move || http_get(local))
        .await
        .unwrap()
        .unwrap();
    assert!(body.ends_with("tensorboard"), "{body}");
    exec.tunnels.stop_all().await;
    assert!(
        std::net::TcpListener::bind(("127.0.0.1", local)).is_ok(),
        "port {local} still held after the tunnels stopped"
    );
    // a stopped tunnel says nothing more
    assert!(rx.try_recv().is_err());

    // a key the instance does not accept: the tunnel ends with ssh's reason
    let mut stranger = instance_entry(&sshd);
    stranger.identity_file = Some(home.path().join("no-such-key"));
    exec.spawn(
        Command::StartTunnel {
            key: 8,
            entry: stranger,
            remote,
            want,
        },
        tx,
    );
    let down = tokio::time::timeout(wait, rx.recv()).await.unwrap();
    let Some(Action::TunnelDown { key: 8, why }) = down else {
        panic!("not down: {down:?}");
    };
    assert!(why.contains("Permission denied"), "{why}");
}
