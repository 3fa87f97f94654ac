//! Snapshots (120×40, text of a TestBackend buffer) of every issue-6 dialog, driven by keys and
//! injected results from the same demo-like state the reducer flows use.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use spheron_tui::api::{ApiError, ClusterHealth, Team, decode};
use spheron_tui::app::Action;
use spheron_tui::app::action::{LocalPubKey, SaveError};
use spheron_tui::app::{AppState, Pane};
use spheron_tui::domain::ssh_key::sample_key;
use spheron_tui::ui::{self, Theme, svg::to_text};
use support::accounts::*;

fn render(s: &AppState) -> String {
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let theme = Theme::from_env(Some("1"));
    t.draw(|f| ui::draw(f, s, &theme)).unwrap();
    to_text(t.backend().buffer())
}

fn regions(s: &mut AppState, provider: &str, list: Vec<spheron_tui::api::VolumeRegion>) {
    event(
        s,
        Action::VolumeRegions {
            provider: provider.into(),
            result: Ok(list),
        },
    );
}

#[test]
fn add_ssh_key_dialog() {
    let mut s = loaded(false);
    s.pane = Pane::Keys;
    chr(&mut s, 'a');
    event(
        &mut s,
        Action::PubKeysFound(vec![
            LocalPubKey {
                path: "/home/me/.ssh/id_ed25519.pub".into(),
                text: sample_key("ssh-ed25519", "me@laptop"),
            },
            LocalPubKey {
                path: "/home/me/.ssh/id_rsa.pub".into(),
                text: sample_key("ssh-rsa", "me@laptop"),
            },
        ]),
    );
    type_text(&mut s, "laptop");
    insta::assert_snapshot!("add_key_empty", render(&s));
    key(&mut s, KeyCode::Tab);
    key(&mut s, KeyCode::Tab);
    type_text(&mut s, "-----BEGIN OPENSSH PRIVATE KEY-----");
    insta::assert_snapshot!("add_key_private_key_refused", render(&s));
}

#[test]
fn ssh_key_details() {
    let mut s = loaded(false);
    select(&mut s, Pane::Keys, "sshk_1");
    key(&mut s, KeyCode::Enter);
    let fresh = decode(
        serde_json::json!({"id": "sshk_1", "name": "laptop", "fingerprint": "SHA256:abc",
        "publicKey": sample_key("ssh-ed25519", "me@laptop"), "createdAt": "2026-11-01T09:30:00Z"}),
    )
    .unwrap();
    event(
        &mut s,
        Action::KeyFetched {
            id: "sshk_1".into(),
            result: Ok(fresh),
        },
    );
    insta::assert_snapshot!("key_details", render(&s));
}

#[test]
fn delete_ssh_key_confirm() {
    let mut s = loaded(false);
    select(&mut s, Pane::Keys, "sshk_2");
    chr(&mut s, 'x');
    insta::assert_snapshot!("delete_key_confirm", render(&s));
}

#[test]
fn create_volume_wizard_steps() {
    let mut s = loaded(false);
    s.pane = Pane::Volumes;
    chr(&mut s, 'a');
    let screen = render(&s);
    // the first step offers neither a create nor a step back, in the dialog or the footer
    assert!(!screen.contains("y create"), "{screen}");
    assert!(!screen.contains("Shift-Tab back"), "{screen}");
    // Where the provider is chosen, each says what its volumes allow once created.
    for limits in [
        "voltage-park   1–64000 GB · can be renamed and resized",
        "data-crunch    1–10000 GB · cannot be renamed or resized",
        "sesterce       50–10000 GB · cannot be renamed or resized",
        "spheron-ai     1–51200 GB · cannot be renamed or resized",
    ] {
        assert!(screen.contains(limits), "{limits}\n{screen}");
    }
    // Said once per provider: the notes (of the provider under the cursor) do not repeat it.
    assert_eq!(screen.matches("renamed").count(), 4, "{screen}");
    // Esc closes from the first step, and says so; from the next it goes back.
    assert!(screen.contains("Esc close"), "{screen}");
    assert!(!screen.contains("back/close"), "{screen}");
    insta::assert_snapshot!("create_volume_provider", screen);
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Enter);
    regions(
        &mut s,
        "sesterce",
        vec![
            region(
                "sesterce",
                "fr-lyon-1",
                50.0,
                10_000.0,
                Some(("c-1042", "Sesterce EU Lyon")),
            ),
            region(
                "sesterce",
                "eu-north-1",
                50.0,
                10_000.0,
                Some(("c-2210", "Sesterce Nordics")),
            ),
        ],
    );
    let screen = render(&s);
    assert!(
        screen.contains("Esc back") && !screen.contains("Esc close"),
        "{screen}"
    );
    insta::assert_snapshot!("create_volume_region_sesterce", screen);
    key(&mut s, KeyCode::Esc);

    chr(&mut s, 'a');
    for _ in 0..3 {
        key(&mut s, KeyCode::Down);
    }
    key(&mut s, KeyCode::Enter);
    regions(
        &mut s,
        "spheron-ai",
        vec![region("spheron-ai", "us-east-1", 1.0, 20_000.0, None)],
    );
    key(&mut s, KeyCode::Enter);
    type_text(&mut s, "Train Data");
    key(&mut s, KeyCode::Enter);
    insta::assert_snapshot!("create_volume_name_refused", render(&s));
    ctrl(&mut s, 'u');
    type_text(&mut s, "train-data");
    key(&mut s, KeyCode::Enter);
    type_text(&mut s, "500");
    key(&mut s, KeyCode::Enter);
    let screen = render(&s);
    assert!(!screen.contains("y create"), "{screen}");
    assert!(screen.contains("Esc back"), "{screen}");
    insta::assert_snapshot!("create_volume_attach", screen);
    key(&mut s, KeyCode::Enter);
    let screen = render(&s);
    assert!(screen.contains("y create"), "{screen}");
    insta::assert_snapshot!("create_volume_summary", screen);
    chr(&mut s, 'y');
    event(
        &mut s,
        Action::VolumeCreated(Err(ApiError::Validation {
            message: "A volume named train-data exists".into(),
            field: Some("name".into()),
            code: Some("VALIDATION_ERROR".into()),
            body: serde_json::json!({}),
        })),
    );
    insta::assert_snapshot!("create_volume_summary_400", render(&s));
}

#[test]
fn volume_details_edit_attach_detach_delete() {
    let mut s = loaded(false);
    select(&mut s, Pane::Volumes, "vol_fin");
    key(&mut s, KeyCode::Enter);
    let fresh = decode(
        serde_json::json!({"id": "vol_fin", "name": "fin-cache", "provider": "data-crunch",
        "region": "FIN-01", "sizeInGb": 100, "usedGb": 42.5, "status": "available",
        "hourlyRate": 0.01}),
    )
    .unwrap();
    event(
        &mut s,
        Action::VolumeFetched {
            id: "vol_fin".into(),
            result: Ok(fresh),
        },
    );
    insta::assert_snapshot!("volume_details", render(&s));
    key(&mut s, KeyCode::Esc);

    chr(&mut s, 'A');
    insta::assert_snapshot!("attach_pick_verda", render(&s));
    key(&mut s, KeyCode::Enter);
    insta::assert_snapshot!("attach_confirm", render(&s));
    key(&mut s, KeyCode::Esc);

    select(&mut s, Pane::Volumes, "vol_free");
    chr(&mut s, 'e');
    insta::assert_snapshot!("edit_refused_spheron_ai", render(&s));
    key(&mut s, KeyCode::Esc);

    select(&mut s, Pane::Volumes, "vol_vp");
    chr(&mut s, 'e');
    insta::assert_snapshot!("edit_voltage_park", render(&s));
    key(&mut s, KeyCode::Esc);

    select(&mut s, Pane::Volumes, "vol_ses");
    chr(&mut s, 'D');
    insta::assert_snapshot!("detach_refused_sesterce", render(&s));
    key(&mut s, KeyCode::Esc);

    select(&mut s, Pane::Volumes, "vol_sp");
    chr(&mut s, 'D');
    insta::assert_snapshot!("detach_confirm", render(&s));
    key(&mut s, KeyCode::Esc);
    chr(&mut s, 'x');
    insta::assert_snapshot!("delete_refused_attached", render(&s));
    key(&mut s, KeyCode::Esc);

    select(&mut s, Pane::Volumes, "vol_free");
    chr(&mut s, 'x');
    insta::assert_snapshot!("delete_volume_confirm", render(&s));
}

#[test]
fn kubernetes_details_and_kubeconfig() {
    let mut s = loaded(false);
    select(&mut s, Pane::Deployments, "dep_k8s");
    key(&mut s, KeyCode::Enter);
    let h: ClusterHealth =
        decode(serde_json::json!({"status": "healthy", "nodesReady": 2, "nodesTotal": 2})).unwrap();
    let versions = vec![
        decode(serde_json::json!({"version": "1.35", "default": true})).unwrap(),
        decode(serde_json::json!({"version": "1.34"})).unwrap(),
    ];
    event(&mut s, Action::KubernetesVersions(Ok(versions)));
    event(
        &mut s,
        Action::ClusterHealth {
            cluster_id: "c0ffee00-1111-2222-3333-444455556666".into(),
            result: Ok(h),
        },
    );
    insta::assert_snapshot!("kubernetes_details", render(&s));
    key(&mut s, KeyCode::Esc);
    chr(&mut s, 'K');
    // Before anything is saved there is no file to overwrite: no y/n in the dialog or footer.
    let form = render(&s);
    assert!(form.contains("Enter save"), "{form}");
    assert!(
        !form.contains("overwrite") && !form.contains("keep the file"),
        "{form}"
    );
    key(&mut s, KeyCode::Enter);
    event(
        &mut s,
        Action::FileSaved {
            path: "~/.kube/spheron-vp-cluster.yaml".into(),
            result: Err(SaveError::Exists),
        },
    );
    insta::assert_snapshot!("kubeconfig_overwrite_prompt", render(&s));
}

#[test]
fn attach_from_a_deployment() {
    let mut s = loaded(false);
    select(&mut s, Pane::Deployments, "dep_fin2");
    chr(&mut s, 'A');
    insta::assert_snapshot!("attach_from_deployment_verda", render(&s));
}

#[test]
fn teams() {
    let mut s = loaded(false);
    select(&mut s, Pane::Account, "team_zero");
    chr(&mut s, 'u');
    insta::assert_snapshot!("account_chosen_team", render(&s));
    key(&mut s, KeyCode::Enter);
    let team: Team = decode(
        serde_json::json!({"id": "team_zero", "name": "Broke", "balance": 3.0,
        "members": [{"id": "u1"}, {"id": "u2"}]}),
    )
    .unwrap();
    let bal = spheron_tui::api::Balance::decode(serde_json::json!({"teams": [
        {"teamId": "team_zero", "teamName": "Broke", "balance": 0.0}]}))
    .unwrap();
    event(
        &mut s,
        Action::TeamLoaded {
            id: "team_zero".into(),
            result: Ok((team, bal)),
        },
    );
    insta::assert_snapshot!("team_details_zero_balance", render(&s));
}
