//! Reducer flows of SSH keys, volumes, Kubernetes, teams. Refusals are asserted to
//! come with no Command at all (nothing is sent before the rules say yes).

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use crossterm::event::KeyCode;
use spheron_tui::api::{ApiError, ClusterHealth, NewVolume, Team, VolumePatch, decode};
use spheron_tui::app::Action;
use spheron_tui::app::action::{LocalPubKey, SaveError};
use spheron_tui::app::dialogs::add_key::KeyField;
use spheron_tui::app::dialogs::create_volume::CreateStep;
use spheron_tui::app::dialogs::{Dialog, Loading};
use spheron_tui::app::volume_access::PickKind;
use spheron_tui::app::{Command, Pane};
use spheron_tui::domain::ssh_key::sample_key;
use support::accounts::*;
use support::fixtures::pause;

fn bad_request(msg: &str, field: &str) -> ApiError {
    ApiError::Validation {
        message: msg.into(),
        field: Some(field.into()),
        code: Some("VALIDATION_ERROR".into()),
        body: serde_json::json!({"error": msg}),
    }
}

fn flash_text(s: &spheron_tui::app::AppState) -> String {
    s.status
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

#[test]
fn every_write_is_a_write_command() {
    let writes = [
        Command::AddKey(spheron_tui::api::NewSshKey {
            name: "a".into(),
            public_key: "k".into(),
            team_id: None,
        }),
        Command::DeleteKey { id: "k".into() },
        Command::CreateVolume(NewVolume {
            name: "v".into(),
            size_in_gb: 1,
            provider: "voltage-park".into(),
            region: None,
            cloud_id: None,
            cloud_name: None,
            team_id: None,
            deployment_id: None,
        }),
        Command::PatchVolume {
            id: "v".into(),
            patch: VolumePatch::default(),
        },
        Command::DeleteVolume { id: "v".into() },
        Command::AttachVolume {
            id: "v".into(),
            deployment_id: "d".into(),
        },
        Command::DetachVolume {
            id: "v".into(),
            deployment_id: "d".into(),
        },
    ];
    for w in writes {
        assert!(w.is_write(), "{w:?}");
    }
    let reads = [
        Command::ScanPubKeys,
        Command::FetchVolume { id: "v".into() },
        Command::FetchVolumeRegions {
            provider: "sesterce".into(),
        },
        Command::FetchClusterHealth {
            cluster_id: "c".into(),
        },
        Command::FetchTeam { id: "t".into() },
        Command::SaveFile {
            path: "p".into(),
            contents: "c".into(),
            overwrite: false,
        },
    ];
    for r in reads {
        assert!(!r.is_write(), "{r:?}");
    }
}

#[test]
fn read_only_refuses_every_write_before_any_request() {
    let cases: [(Pane, &str, char); 9] = [
        (Pane::Keys, "sshk_1", 'a'),
        (Pane::Keys, "sshk_1", 'x'),
        (Pane::Volumes, "vol_free", 'a'),
        (Pane::Volumes, "vol_vp", 'e'),
        (Pane::Volumes, "vol_free", 'x'),
        (Pane::Volumes, "vol_free", 'A'),
        (Pane::Volumes, "vol_sp", 'D'),
        (Pane::Deployments, "dep_fin1", 'A'),
        (Pane::Deployments, "dep_sp1", 'D'),
    ];
    for (pane, id, c) in cases {
        let mut s = loaded(true);
        select(&mut s, pane, id);
        let cmds = chr(&mut s, c);
        assert!(cmds.is_empty(), "{pane:?} {c}: {cmds:?}");
        assert!(s.dialog.is_none(), "{pane:?} {c}");
        assert!(
            flash_text(&s).contains("read-only"),
            "{pane:?} {c}: {}",
            flash_text(&s)
        );
    }
}

#[test]
fn add_key_checks_the_key_and_refuses_a_private_key_loudly() {
    let mut s = loaded(false);
    s.pane = Pane::Keys;
    let cmds = chr(&mut s, 'a');
    assert_eq!(manage_cmds(&cmds), vec![Command::ScanPubKeys]);
    type_text(&mut s, "laptop");
    key(&mut s, KeyCode::Tab); // no files yet: straight to the key field
    // a private key pasted by mistake: cleared at once, refused, nothing sent
    let typed = type_text(&mut s, "-----BEGIN OPENSSH PRIVATE KEY-----");
    assert!(typed.is_empty());
    let Dialog::AddKey(a) = dialog(&s) else {
        panic!()
    };
    assert_eq!(a.key.value(), "");
    assert!(a.private_refused);
    assert!(a.error.as_deref().unwrap().contains("PRIVATE KEY"));
    // the rest of the paste (its lines arrive as Enter and characters) is swallowed
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    type_text(&mut s, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Dialog::AddKey(a) = dialog(&s) else {
        panic!()
    };
    assert_eq!(a.key.value(), "");
    ctrl(&mut s, 'u');
    // a malformed key
    type_text(&mut s, "ssh-ed25519 AAAA");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Dialog::AddKey(a) = dialog(&s) else {
        panic!()
    };
    assert!(
        a.error.as_deref().unwrap().contains("truncated"),
        "{:?}",
        a.error
    );
    ctrl(&mut s, 'u');
    // a wrong embedded type
    let ed = sample_key("ssh-ed25519", "me@laptop");
    let body = ed.split(' ').nth(1).unwrap();
    type_text(&mut s, &format!("ssh-rsa {body}"));
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    ctrl(&mut s, 'u');
    // the right one goes out, once
    type_text(&mut s, &ed);
    let cmds = key(&mut s, KeyCode::Enter);
    let [Command::AddKey(new)]: [Command; 1] = manage_cmds(&cmds).try_into().unwrap() else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        (new.name.as_str(), new.public_key.as_str()),
        ("laptop", ed.as_str())
    );
    assert!(
        key(&mut s, KeyCode::Enter).is_empty(),
        "busy: no second request"
    );
    // a 400 keeps everything typed and shows the answer
    event(
        &mut s,
        Action::KeyAdded(Err(bad_request("Key already exists", "publicKey"))),
    );
    let Dialog::AddKey(a) = dialog(&s) else {
        panic!()
    };
    assert_eq!((a.name.value(), a.key.value()), ("laptop", ed.as_str()));
    assert!(a.error.as_deref().unwrap().contains("Key already exists"));
    assert!(!a.busy);
    let added = decode(serde_json::json!({"id": "sshk_3", "name": "laptop"})).unwrap();
    let cmds = event(&mut s, Action::KeyAdded(Ok(added)));
    assert!(s.dialog.is_none());
    assert!(matches!(cmds.as_slice(), [Command::FetchKeys]));
}

#[test]
fn add_key_picks_a_local_pub_file() {
    let mut s = loaded(false);
    s.pane = Pane::Keys;
    chr(&mut s, 'a');
    let text = sample_key("ecdsa-sha2-nistp256", "me@desk");
    event(
        &mut s,
        Action::PubKeysFound(vec![
            LocalPubKey {
                path: "/home/me/.ssh/id_ecdsa.pub".into(),
                text: text.clone(),
            },
            LocalPubKey {
                path: "/home/me/.ssh/oops.pub".into(),
                text: "-----BEGIN RSA PRIVATE KEY-----".into(),
            },
        ]),
    );
    let Dialog::AddKey(a) = dialog(&s) else {
        panic!()
    };
    assert_eq!(
        a.found.as_ref().unwrap().len(),
        1,
        "a private key file is never offered"
    );
    key(&mut s, KeyCode::Tab);
    let Dialog::AddKey(a) = dialog(&s) else {
        panic!()
    };
    assert_eq!(a.focus, KeyField::Files);
    key(&mut s, KeyCode::Enter);
    let Dialog::AddKey(a) = dialog(&s) else {
        panic!()
    };
    assert_eq!((a.key.value(), a.name.value()), (text.as_str(), "me@desk"));
    let cmds = key(&mut s, KeyCode::Enter);
    assert!(matches!(manage_cmds(&cmds).as_slice(), [Command::AddKey(k)] if k.public_key == text));
}

#[test]
fn delete_key_confirms_with_the_id_captured_on_open() {
    let mut s = loaded(false);
    select(&mut s, Pane::Keys, "sshk_2");
    assert!(chr(&mut s, 'x').is_empty());
    assert_eq!(
        dialog(&s).kind(),
        spheron_tui::app::dialogs::Kind::DeleteKey
    );
    // Enter (any key but y) cancels, nothing sent, the key goes no further
    pause(&mut s);
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert!(s.dialog.is_none());
    chr(&mut s, 'x');
    pause(&mut s);
    assert!(chr(&mut s, 'n').is_empty());
    assert!(s.dialog.is_none());
    // a y within half a second of the dialog (a held y, key repeat, a paste) is ignored, and
    // each one starts the half second again
    chr(&mut s, 'x');
    for _ in 0..5 {
        assert!(chr(&mut s, 'y').is_empty());
        let later = s.now + chrono::Duration::milliseconds(300);
        spheron_tui::app::update(&mut s, spheron_tui::app::Action::Now(later));
    }
    assert!(matches!(dialog(&s), Dialog::Confirm(_)));
    // the list refreshes under the dialog: the row index changes, the id does not
    let keys: Vec<_> = s.keys.items.iter().rev().cloned().collect();
    spheron_tui::app::update(
        &mut s,
        spheron_tui::app::Action::KeysLoaded(Ok(keys.into())),
    );
    pause(&mut s);
    let cmds = chr(&mut s, 'y');
    assert_eq!(
        manage_cmds(&cmds),
        vec![Command::DeleteKey {
            id: "sshk_2".into()
        }]
    );
    assert!(chr(&mut s, 'y').is_empty(), "one request per confirm");
    let cmds = event(
        &mut s,
        Action::KeyDeleted {
            id: "sshk_2".into(),
            result: Ok(()),
        },
    );
    assert!(s.dialog.is_none());
    assert!(matches!(cmds.as_slice(), [Command::FetchKeys]));
    assert_eq!(
        flash_text(&s),
        "SSH key ci (sshk_2) deleted",
        "the message names the key"
    );
}

fn start_create(s: &mut spheron_tui::app::AppState, provider_idx: usize) {
    s.pane = Pane::Volumes;
    assert!(chr(s, 'a').is_empty());
    for _ in 0..provider_idx {
        key(s, KeyCode::Down);
    }
}

#[test]
fn the_create_wizard_names_a_provider_as_the_providers_list_does() {
    let mut s = loaded(false);
    s.providers = Some(vec![
        "voltage-park".into(),
        "verda".into(),
        "sesterce".into(),
    ]);
    start_create(&mut s, 1); // data-crunch, listed as verda
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert_eq!(c.provider(), "verda");
    assert!(!c.providers.iter().any(|p| p == "data-crunch"));
    let cmds = key(&mut s, KeyCode::Enter);
    assert_eq!(
        manage_cmds(&cmds),
        vec![Command::FetchVolumeRegions {
            provider: "verda".into()
        }]
    );
}

#[test]
fn create_volume_wizard_refuses_before_sending_and_sends_one_post() {
    let mut s = loaded(false);
    start_create(&mut s, 3); // spheron-ai
    let cmds = key(&mut s, KeyCode::Enter);
    assert_eq!(
        manage_cmds(&cmds),
        vec![Command::FetchVolumeRegions {
            provider: "spheron-ai".into()
        }]
    );
    event(
        &mut s,
        Action::VolumeRegions {
            provider: "spheron-ai".into(),
            result: Ok(vec![region("spheron-ai", "us-east-1", 1.0, 20_000.0, None)]),
        },
    );
    assert_eq!(
        manage_cmds(&key(&mut s, KeyCode::Enter)),
        vec![Command::FetchVolumePricing {
            provider: "spheron-ai".into(),
            region: "us-east-1".into()
        }]
    );
    // the pricing endpoint's rate wins over the regions list's (0.0002 there)
    let pricing = decode(
        serde_json::json!({"provider": "spheron-ai", "region": "us-east-1",
        "hourlyRatePerGb": 0.0002, "currency": "USD"}),
    )
    .unwrap();
    event(
        &mut s,
        Action::VolumePricing {
            provider: "spheron-ai".into(),
            region: "us-east-1".into(),
            result: Ok(pricing),
        },
    );
    // name: refused with the reason, nothing sent
    type_text(&mut s, "Bad Name");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert_eq!(c.step, CreateStep::Name);
    assert!(c.error.as_deref().unwrap().contains("not allowed"));
    ctrl(&mut s, 'u');
    type_text(&mut s, &"a".repeat(61));
    key(&mut s, KeyCode::Enter);
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert!(c.error.as_deref().unwrap().contains("60"));
    ctrl(&mut s, 'u');
    type_text(&mut s, "train-data_1");
    key(&mut s, KeyCode::Enter);
    // size: beyond the REGION's max (20000) though within the provider's (51200)
    type_text(&mut s, "30000");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert_eq!(c.step, CreateStep::Size);
    assert!(c.error.as_deref().unwrap().contains("1 to 20000 GB"));
    ctrl(&mut s, 'u');
    type_text(&mut s, "500");
    key(&mut s, KeyCode::Enter);
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert_eq!(c.step, CreateStep::Attach);
    let verdict = |id: &str| {
        c.targets
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.verdict.clone())
    };
    assert_eq!(verdict("dep_sp1"), Some(Ok(())));
    assert!(
        verdict("dep_sp2")
            .unwrap()
            .unwrap_err()
            .contains("same region")
    );
    assert_eq!(verdict("dep_fin1"), None, "other providers are not offered");
    // choose the refused one: the reason shows and the wizard stays
    let refused = 1 + c.targets.iter().position(|t| t.id == "dep_sp2").unwrap();
    let allowed = 1 + c.targets.iter().position(|t| t.id == "dep_sp1").unwrap();
    for _ in 0..refused {
        key(&mut s, KeyCode::Down);
    }
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert_eq!(c.step, CreateStep::Attach);
    assert!(c.error.as_deref().unwrap().contains("cannot attach there"));
    key(&mut s, KeyCode::Home);
    for _ in 0..allowed {
        key(&mut s, KeyCode::Down);
    }
    key(&mut s, KeyCode::Enter);
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert_eq!(c.step, CreateStep::Summary);
    assert!(!c.on_action, "focus starts on Cancel");
    let (h, month) = c.cost().unwrap();
    assert!(
        (h - 0.1).abs() < 1e-9 && (month - 72.0).abs() < 1e-9,
        "{h} {month}"
    );
    // creating starts a charge: the one confirm comes first, with $/h now → after
    assert!(manage_cmds(&chr(&mut s, 'y')).is_empty());
    let Dialog::Confirm(confirm) = dialog(&s) else {
        panic!("{:?}", dialog(&s))
    };
    assert!(!confirm.on_action, "focus starts on Cancel");
    let spend = confirm.spend.expect("create shows the spend change");
    assert!(
        (spend.after.value().unwrap() - spend.now.value().unwrap() - 0.1).abs() < 1e-9,
        "{spend:?}"
    );
    assert!(
        confirm
            .lines
            .iter()
            .any(|l| l.contains("$72.00 per 30 days"))
    );
    let cmds = chr(&mut s, 'y');
    let want = NewVolume {
        name: "train-data_1".into(),
        size_in_gb: 500,
        provider: "spheron-ai".into(),
        region: Some("us-east-1".into()),
        cloud_id: None,
        cloud_name: None,
        team_id: Some("team_demo_01".into()),
        deployment_id: Some("dep_sp1".into()),
    };
    assert_eq!(
        manage_cmds(&cmds),
        vec![Command::CreateVolume(want.clone())]
    );
    assert!(chr(&mut s, 'y').is_empty(), "one POST per confirm");
    // a 400 keeps everything; the next confirm sends again
    event(
        &mut s,
        Action::VolumeCreated(Err(bad_request("Name taken", "name"))),
    );
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert_eq!(
        (c.step, c.name.value()),
        (CreateStep::Summary, "train-data_1")
    );
    assert!(c.error.as_deref().unwrap().contains("Name taken"));
    assert!(
        manage_cmds(&chr(&mut s, 'y')).is_empty(),
        "the confirm again"
    );
    assert_eq!(
        manage_cmds(&chr(&mut s, 'y')),
        vec![Command::CreateVolume(want)]
    );
    let created =
        decode(serde_json::json!({"id": "vol_new", "name": "train-data_1", "status": "creating"}))
            .unwrap();
    let cmds = event(&mut s, Action::VolumeCreated(Ok(created)));
    assert!(s.dialog.is_none());
    assert!(matches!(cmds.as_slice(), [Command::FetchVolumes { .. }]));
}

#[test]
fn sesterce_create_sends_cloud_id_and_cloud_name_and_offers_no_attach() {
    let mut s = loaded(false);
    s.account.chosen_team = Some("team_zero".into());
    start_create(&mut s, 2); // sesterce
    key(&mut s, KeyCode::Enter);
    event(
        &mut s,
        Action::VolumeRegions {
            provider: "sesterce".into(),
            result: Ok(vec![region(
                "sesterce",
                "eu-north-1",
                50.0,
                10_000.0,
                Some(("cld_7", "Sesterce Nordics")),
            )]),
        },
    );
    key(&mut s, KeyCode::Enter);
    type_text(&mut s, "ses-vol");
    key(&mut s, KeyCode::Enter);
    type_text(&mut s, "49");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert!(c.error.as_deref().unwrap().contains("50 to 10000"));
    ctrl(&mut s, 'u');
    type_text(&mut s, "50");
    key(&mut s, KeyCode::Enter);
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert_eq!(
        c.step,
        CreateStep::Summary,
        "Sesterce volumes bind only at instance creation"
    );
    key(&mut s, KeyCode::Tab);
    assert!(manage_cmds(&key(&mut s, KeyCode::Enter)).is_empty());
    let cmds = chr(&mut s, 'y');
    let [Command::CreateVolume(new)]: [Command; 1] = manage_cmds(&cmds).try_into().unwrap() else {
        panic!()
    };
    assert_eq!(new.cloud_id.as_deref(), Some("cld_7"));
    assert_eq!(new.cloud_name.as_deref(), Some("Sesterce Nordics"));
    assert_eq!(new.deployment_id, None);
    assert_eq!(new.team_id.as_deref(), Some("team_zero"), "the chosen team");
}

#[test]
fn create_wizard_esc_cancels_without_a_request() {
    let mut s = loaded(false);
    start_create(&mut s, 0);
    key(&mut s, KeyCode::Enter);
    event(
        &mut s,
        Action::VolumeRegions {
            provider: "voltage-park".into(),
            result: Err(ApiError::Server {
                status: 500,
                message: "boom".into(),
                code: None,
            }),
        },
    );
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert!(matches!(c.regions, Loading::Failed(_)));
    // Esc steps back to the provider, then closes; nothing is sent
    assert!(key(&mut s, KeyCode::Esc).is_empty());
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert_eq!(c.step, CreateStep::Provider);
    assert!(key(&mut s, KeyCode::Esc).is_empty());
    assert!(s.dialog.is_none());
}

#[test]
fn volume_details_fetch_fresh_usage() {
    let mut s = loaded(false);
    select(&mut s, Pane::Volumes, "vol_fin");
    let cmds = key(&mut s, KeyCode::Enter);
    assert_eq!(
        manage_cmds(&cmds),
        vec![Command::FetchVolume {
            id: "vol_fin".into()
        }]
    );
    let fresh = decode(
        serde_json::json!({"id": "vol_fin", "name": "fin-cache", "provider": "data-crunch",
        "region": "FIN-01", "sizeInGb": 100, "usedGb": 42.5, "status": "available"}),
    )
    .unwrap();
    event(
        &mut s,
        Action::VolumeFetched {
            id: "vol_fin".into(),
            result: Ok(fresh),
        },
    );
    let Dialog::VolumeInfo(i) = dialog(&s) else {
        panic!()
    };
    assert_eq!((i.loading, i.volume.used_gb), (false, Some(42.5)));
}

#[test]
fn an_edit_refusal_names_the_provider_the_volume_shows() {
    let mut s = loaded(false);
    let v = s
        .volumes
        .items
        .iter_mut()
        .find(|v| v.id == "vol_fin")
        .unwrap();
    v.provider = "verda".into();
    select(&mut s, Pane::Volumes, "vol_fin");
    chr(&mut s, 'e');
    let Dialog::Notice(spheron_tui::app::dialogs::Notice { lines, .. }) = dialog(&s) else {
        panic!("{:?}", s.dialog)
    };
    assert_eq!(
        lines[0],
        "verda (data-crunch) volumes cannot be renamed or resized."
    );
}

#[test]
fn edit_only_where_the_provider_allows_it() {
    let mut s = loaded(false);
    for id in ["vol_free", "vol_fin", "vol_ses"] {
        select(&mut s, Pane::Volumes, id);
        assert!(chr(&mut s, 'e').is_empty());
        let Dialog::Notice(spheron_tui::app::dialogs::Notice { lines, .. }) = dialog(&s) else {
            panic!("{id}")
        };
        assert!(
            lines[0].contains("cannot be renamed or resized"),
            "{id}: {lines:?}"
        );
        key(&mut s, KeyCode::Esc);
    }
    select(&mut s, Pane::Volumes, "vol_free");
    chr(&mut s, 'e');
    assert!(dialog_text(&s).contains("create a larger volume and migrate"));
    key(&mut s, KeyCode::Esc);

    select(&mut s, Pane::Volumes, "vol_vp");
    chr(&mut s, 'e');
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Dialog::EditVolume(e) = dialog(&s) else {
        panic!()
    };
    assert_eq!(e.error.as_deref(), Some("nothing changed"));
    key(&mut s, KeyCode::Tab);
    ctrl(&mut s, 'u');
    type_text(&mut s, "50");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Dialog::EditVolume(e) = dialog(&s) else {
        panic!()
    };
    assert!(e.error.as_deref().unwrap().contains("only grow"));
    ctrl(&mut s, 'u');
    type_text(&mut s, "200");
    key(&mut s, KeyCode::Tab);
    ctrl(&mut s, 'u');
    type_text(&mut s, "vp-data-2");
    // growing changes the hourly spend: the confirm comes first, with $/h now → after
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Dialog::Confirm(c) = dialog(&s) else {
        panic!("{:?}", dialog(&s))
    };
    assert!(!c.on_action);
    let spend = c.spend.expect("expand shows the spend change");
    assert!(
        spend.after.value().unwrap() > spend.now.value().unwrap(),
        "{spend:?}"
    );
    let cmds = chr(&mut s, 'y');
    assert_eq!(
        manage_cmds(&cmds),
        vec![Command::PatchVolume {
            id: "vol_vp".into(),
            patch: VolumePatch {
                name: Some("vp-data-2".into()),
                size_in_gb: Some(200)
            }
        }]
    );
    let cmds = event(
        &mut s,
        Action::VolumePatched {
            id: "vol_vp".into(),
            result: Err(bad_request("too big", "sizeInGb")),
        },
    );
    let Dialog::Confirm(c) = dialog(&s) else {
        panic!()
    };
    assert!(c.error.as_deref().unwrap().contains("too big"));
    // Esc steps back to the form, with what was typed
    key(&mut s, KeyCode::Esc);
    let Dialog::EditVolume(e) = dialog(&s) else {
        panic!()
    };
    assert_eq!((e.name.value(), e.size.value()), ("vp-data-2", "200"));
    assert!(matches!(cmds.as_slice(), [Command::FetchVolumes { .. }]));
}

#[test]
fn attach_refusals_come_from_the_table() {
    let mut s = loaded(false);
    // Sesterce: only at instance creation
    select(&mut s, Pane::Volumes, "vol_ses");
    assert!(chr(&mut s, 'A').is_empty());
    assert!(dialog_text(&s).contains("attach only when the instance is created"));
    key(&mut s, KeyCode::Esc);
    // Spheron AI: one instance at a time
    select(&mut s, Pane::Volumes, "vol_sp");
    assert!(chr(&mut s, 'A').is_empty());
    assert!(dialog_text(&s).contains("one instance at a time"));
    key(&mut s, KeyCode::Esc);
    // Voltage Park: running cluster allowed, deploying instance refused
    select(&mut s, Pane::Volumes, "vol_vp");
    assert!(chr(&mut s, 'A').is_empty());
    let Dialog::Pick(p) = dialog(&s) else {
        panic!()
    };
    let row = |id: &str| p.rows.iter().find(|r| r.id == id).unwrap().verdict.clone();
    assert_eq!(row("dep_k8s"), Ok(()));
    assert!(row("dep_vp").unwrap_err().contains("running"));
    key(&mut s, KeyCode::Esc);
    // ... until the cluster has its one volume: then every row is refused
    give_the_cluster_its_one_volume(&mut s);
    select(&mut s, Pane::Volumes, "vol_vp");
    chr(&mut s, 'A');
    let Dialog::Pick(p) = dialog(&s) else {
        panic!()
    };
    let k8s = p.rows.iter().find(|r| r.id == "dep_k8s").unwrap();
    assert!(
        k8s.verdict
            .clone()
            .unwrap_err()
            .contains("1 volume per instance")
    );
    assert!(p.rows.iter().all(|r| r.verdict.is_err()));
    // a refused row says why on itself; Enter is not offered there and does nothing
    let hints = spheron_tui::app::keys::hints::dialog_footer(dialog(&s), &s);
    assert!(!hints.iter().any(|(_, h)| *h == "continue"), "{hints:?}");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert!(matches!(dialog(&s), Dialog::Pick(_)));
    key(&mut s, KeyCode::Esc);
}

#[test]
fn verda_attach_warns_about_cross_region_and_confirms_by_id() {
    let mut s = loaded(false);
    select(&mut s, Pane::Volumes, "vol_fin");
    assert!(chr(&mut s, 'A').is_empty());
    let Dialog::Pick(p) = dialog(&s) else {
        panic!()
    };
    assert_eq!(p.kind, PickKind::Attach);
    assert!(
        p.note
            .contains("looks attached and silently cannot be read")
    );
    let row = |id: &str| p.rows.iter().find(|r| r.id == id).unwrap().verdict.clone();
    assert_eq!(row("dep_fin1"), Ok(()));
    assert!(
        row("dep_fin2")
            .unwrap_err()
            .contains("silently cannot be read")
    );
    assert_eq!(
        p.rows[p.cursor].id, "dep_fin1",
        "cursor starts on an allowed row"
    );
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Dialog::Confirm(c) = dialog(&s) else {
        panic!()
    };
    assert!(!c.on_action);
    let cmds = chr(&mut s, 'y');
    assert_eq!(
        manage_cmds(&cmds),
        vec![Command::AttachVolume {
            id: "vol_fin".into(),
            deployment_id: "dep_fin1".into()
        }]
    );
    let ok = decode(serde_json::json!({"id": "vol_fin", "status": "attached"})).unwrap();
    let cmds = event(
        &mut s,
        Action::VolumeAttached {
            id: "vol_fin".into(),
            result: Ok(ok),
        },
    );
    assert!(s.dialog.is_none());
    assert!(matches!(cmds.as_slice(), [Command::FetchVolumes { .. }]));
}

#[test]
fn sesterce_detach_only_once_the_instance_has_ended() {
    let mut s = loaded(false);
    select(&mut s, Pane::Volumes, "vol_ses");
    assert!(chr(&mut s, 'D').is_empty());
    assert!(dialog_text(&s).contains("detach only after the instance has ended"));
    key(&mut s, KeyCode::Esc);
    // the instance ends: it leaves the active list
    let deps: Vec<_> = s
        .deployments
        .items
        .iter()
        .filter(|d| d.id != "dep_ses")
        .cloned()
        .collect();
    spheron_tui::app::update(
        &mut s,
        spheron_tui::app::Action::DeploymentsLoaded(Ok(deps.into())),
    );
    // the status is looked up, not guessed: nothing is offered until it answers
    select(&mut s, Pane::Volumes, "vol_ses");
    let lookup = vec![Command::FetchDeployment {
        id: "dep_ses".into(),
    }];
    assert_eq!(manage_cmds(&chr(&mut s, 'D')), lookup);
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let running = dep("dep_ses", "ses-box", "sesterce", "eu-north-1", "running");
    event(
        &mut s,
        Action::DeploymentFetched {
            id: "dep_ses".into(),
            result: Ok(Box::new(running)),
        },
    );
    let Dialog::Pick(p) = dialog(&s) else {
        panic!()
    };
    assert!(p.rows[0].verdict.clone().unwrap_err().contains("has ended"));
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    key(&mut s, KeyCode::Esc);
    assert_eq!(manage_cmds(&chr(&mut s, 'D')), lookup);
    let ended = dep("dep_ses", "ses-box", "sesterce", "eu-north-1", "terminated");
    event(
        &mut s,
        Action::DeploymentFetched {
            id: "dep_ses".into(),
            result: Ok(Box::new(ended)),
        },
    );
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Dialog::Confirm(_) = dialog(&s) else {
        panic!()
    };
    let cmds = chr(&mut s, 'y');
    assert_eq!(
        manage_cmds(&cmds),
        vec![Command::DetachVolume {
            id: "vol_ses".into(),
            deployment_id: "dep_ses".into()
        }]
    );
}

#[test]
fn delete_only_detached_volumes() {
    let mut s = loaded(false);
    select(&mut s, Pane::Volumes, "vol_sp");
    assert!(chr(&mut s, 'x').is_empty());
    let Dialog::Notice(spheron_tui::app::dialogs::Notice { lines, .. }) = dialog(&s) else {
        panic!()
    };
    assert!(lines[0].contains("attached"));
    assert!(lines.iter().any(|l| l.contains("sp-train")));
    key(&mut s, KeyCode::Esc);
    select(&mut s, Pane::Volumes, "vol_free");
    chr(&mut s, 'x');
    assert!(key(&mut s, KeyCode::Esc).is_empty());
    assert!(s.dialog.is_none());
    // the first three characters of its name, then Enter
    chr(&mut s, 'x');
    type_text(&mut s, "scr");
    let cmds = key(&mut s, KeyCode::Enter);
    assert_eq!(
        manage_cmds(&cmds),
        vec![Command::DeleteVolume {
            id: "vol_free".into()
        }]
    );
    let cmds = event(
        &mut s,
        Action::VolumeDeleted {
            id: "vol_free".into(),
            result: Err(bad_request("Volume is attached", "volumeId")),
        },
    );
    let Dialog::Confirm(c) = dialog(&s) else {
        panic!()
    };
    assert!(c.error.as_deref().unwrap().contains("Volume is attached"));
    assert!(matches!(cmds.as_slice(), [Command::FetchVolumes { .. }]));
}

#[test]
fn kubernetes_details_health_and_kubeconfig_saving() {
    let mut s = loaded(false);
    select(&mut s, Pane::Deployments, "dep_sp1");
    assert!(chr(&mut s, 'K').is_empty());
    assert!(dialog_text(&s).contains("has no Kubernetes add-on"));
    key(&mut s, KeyCode::Esc);

    select(&mut s, Pane::Deployments, "dep_k8s");
    let cmds = key(&mut s, KeyCode::Enter);
    let cluster = "c0ffee00-1111-2222-3333-444455556666".to_string();
    assert_eq!(
        manage_cmds(&cmds),
        vec![
            Command::FetchClusterHealth {
                cluster_id: cluster.clone()
            },
            Command::FetchKubernetesVersions
        ]
    );
    let h: ClusterHealth =
        decode(serde_json::json!({"status": "healthy", "nodesReady": 2, "nodesTotal": 2})).unwrap();
    event(
        &mut s,
        Action::ClusterHealth {
            cluster_id: cluster,
            result: Ok(h),
        },
    );
    let Dialog::DeploymentInfo(i) = dialog(&s) else {
        panic!()
    };
    assert!(matches!(&i.health, Loading::Loaded(h) if h.status == "healthy"));
    assert!(i.lines.iter().any(|l| l.contains("1.35")));
    assert!(
        i.lines
            .iter()
            .any(|l| l.contains("https://k8s.example/dash"))
    );
    assert!(
        !i.lines.iter().any(|l| l.contains("kind: Config")),
        "credentials only on K"
    );
    key(&mut s, KeyCode::Esc);

    assert!(chr(&mut s, 'K').is_empty());
    ctrl(&mut s, 'u');
    type_text(&mut s, "~/kube.yaml");
    let cmds = key(&mut s, KeyCode::Enter);
    let save = |overwrite| Command::SaveFile {
        path: "~/kube.yaml".into(),
        contents: "apiVersion: v1\nkind: Config\nclusters:\n- name: vp\n".into(),
        overwrite,
    };
    assert_eq!(manage_cmds(&cmds), vec![save(false)]);
    event(
        &mut s,
        Action::FileSaved {
            path: "~/kube.yaml".into(),
            result: Err(SaveError::Exists),
        },
    );
    let Dialog::Kubeconfig(k) = dialog(&s) else {
        panic!()
    };
    assert_eq!(k.confirm_overwrite.as_deref(), Some("~/kube.yaml"));
    // a y at once is ignored (a held key, a paste); after half a quiet second it overwrites
    assert!(manage_cmds(&chr(&mut s, 'y')).is_empty());
    pause(&mut s);
    assert_eq!(manage_cmds(&chr(&mut s, 'y')), vec![save(true)]);
    event(
        &mut s,
        Action::FileSaved {
            path: "~/kube.yaml".into(),
            result: Ok("/home/me/kube.yaml".into()),
        },
    );
    let Dialog::Kubeconfig(k) = dialog(&s) else {
        panic!()
    };
    assert_eq!(k.saved_to.as_deref(), Some("/home/me/kube.yaml"));
}

#[test]
fn teams_choose_where_new_things_go_and_zero_balance_warns() {
    let mut s = loaded(false);
    assert_eq!(s.current_team_id(), Some("team_demo_01"));
    assert!(s.team_balance(s.current_team_id().unwrap()).unwrap() > 0.0);
    select(&mut s, Pane::Account, "team_zero");
    assert!(chr(&mut s, 'u').is_empty());
    assert_eq!(s.account.chosen_team.as_deref(), Some("team_zero"));
    assert_eq!(s.current_team_id(), Some("team_zero"));
    assert!(flash_text(&s).contains("$0"));
    assert!(s.team_balance(s.current_team_id().unwrap()).unwrap() <= 0.0);
    let cmds = key(&mut s, KeyCode::Enter);
    assert_eq!(
        manage_cmds(&cmds),
        vec![Command::FetchTeam {
            id: "team_zero".into()
        }]
    );
    let team: Team =
        decode(serde_json::json!({"id": "team_zero", "name": "Broke", "balance": 3.0})).unwrap();
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
    let Dialog::TeamInfo(t) = dialog(&s) else {
        panic!()
    };
    assert!(
        matches!(&t.loaded, Loading::Loaded((team, Some(live))) if team.balance == Some(3.0) && live.balance == Some(0.0))
    );
}

#[test]
fn key_details_are_fetched_fresh() {
    let mut s = loaded(false);
    select(&mut s, Pane::Keys, "sshk_2");
    let cmds = key(&mut s, KeyCode::Enter);
    assert_eq!(
        manage_cmds(&cmds),
        vec![Command::FetchKey {
            id: "sshk_2".into()
        }]
    );
    let fresh = decode(serde_json::json!({"id": "sshk_2", "name": "ci",
        "fingerprint": "SHA256:def", "publicKey": "ssh-ed25519 AAAAC3 ci@host"}))
    .unwrap();
    event(
        &mut s,
        Action::KeyFetched {
            id: "sshk_2".into(),
            result: Ok(fresh),
        },
    );
    let Dialog::KeyInfo(k) = dialog(&s) else {
        panic!()
    };
    assert_eq!(
        (k.loading, k.key.public_key.as_deref()),
        (false, Some("ssh-ed25519 AAAAC3 ci@host"))
    );
    assert!(key(&mut s, KeyCode::Esc).is_empty());
    assert!(s.dialog.is_none());
}

#[test]
fn pricing_rate_is_used_in_the_summary_when_it_answers() {
    let mut s = loaded(false);
    start_create(&mut s, 1); // data-crunch
    key(&mut s, KeyCode::Enter);
    event(
        &mut s,
        Action::VolumeRegions {
            provider: "data-crunch".into(),
            result: Ok(vec![region("data-crunch", "FIN-01", 1.0, 10_000.0, None)]),
        },
    );
    key(&mut s, KeyCode::Enter);
    let pricing = decode(
        serde_json::json!({"provider": "data-crunch", "region": "FIN-01",
        "hourlyRatePerGb": 0.0001}),
    )
    .unwrap();
    event(
        &mut s,
        Action::VolumePricing {
            provider: "data-crunch".into(),
            region: "FIN-01".into(),
            result: Ok(pricing),
        },
    );
    type_text(&mut s, "dc");
    key(&mut s, KeyCode::Enter);
    type_text(&mut s, "1000");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Enter); // do not attach
    let Dialog::CreateVolume(c) = dialog(&s) else {
        panic!()
    };
    assert_eq!(c.step, CreateStep::Summary);
    let (h, month) = c.cost().unwrap();
    assert!(
        (h - 0.1).abs() < 1e-9 && (month - 72.0).abs() < 1e-9,
        "{h} {month}"
    );
}

#[test]
fn attach_and_detach_from_the_deployments_pane() {
    let mut s = loaded(false);
    // Sesterce instances take volumes only at creation, and release them only once ended
    select(&mut s, Pane::Deployments, "dep_ses");
    assert!(chr(&mut s, 'A').is_empty());
    assert!(dialog_text(&s).contains("attach only when the instance is created"));
    key(&mut s, KeyCode::Esc);
    assert!(chr(&mut s, 'D').is_empty());
    assert!(dialog_text(&s).contains("detach only after the instance has ended"));
    key(&mut s, KeyCode::Esc);

    select(&mut s, Pane::Deployments, "dep_fin2");
    assert!(chr(&mut s, 'A').is_empty());
    let Dialog::Pick(p) = dialog(&s) else {
        panic!()
    };
    let fin = p.rows.iter().find(|r| r.id == "vol_fin").unwrap();
    assert!(
        fin.verdict
            .clone()
            .unwrap_err()
            .contains("silently cannot be read")
    );
    assert!(
        key(&mut s, KeyCode::Enter).is_empty(),
        "refused row: nothing sent"
    );
    key(&mut s, KeyCode::Esc);

    select(&mut s, Pane::Deployments, "dep_fin1");
    assert!(chr(&mut s, 'A').is_empty());
    let Dialog::Pick(p) = dialog(&s) else {
        panic!()
    };
    assert_eq!(p.rows[p.cursor].id, "vol_fin");
    key(&mut s, KeyCode::Enter);
    let Dialog::Confirm(c) = dialog(&s) else {
        panic!()
    };
    assert!(!c.on_action);
    assert_eq!(
        manage_cmds(&chr(&mut s, 'y')),
        vec![Command::AttachVolume {
            id: "vol_fin".into(),
            deployment_id: "dep_fin1".into()
        }]
    );
    s.dialog = None;

    select(&mut s, Pane::Deployments, "dep_sp1");
    assert!(chr(&mut s, 'D').is_empty());
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        manage_cmds(&chr(&mut s, 'y')),
        vec![Command::DetachVolume {
            id: "vol_sp".into(),
            deployment_id: "dep_sp1".into()
        }]
    );
}

#[test]
fn enter_after_the_key_name_moves_on_without_sending() {
    let mut s = loaded(false);
    s.pane = Pane::Keys;
    chr(&mut s, 'a');
    type_text(&mut s, "laptop");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    let Dialog::AddKey(a) = dialog(&s) else {
        panic!()
    };
    assert_eq!((a.focus, a.error.as_deref()), (KeyField::Key, None));
}

#[test]
fn the_deploy_wizard_deploys_to_the_chosen_team() {
    let mut s = loaded(false);
    select(&mut s, Pane::Account, "team_zero");
    chr(&mut s, 'u');
    let offers = spheron_tui::api::OffersPage::decode(serde_json::json!({
        "data": [{"gpuType": "H100", "displayName": "H100", "offers": [
            {"provider": "spheron-ai", "offerId": "o1", "gpuCount": 1, "price": 2.0,
             "instanceType": "DEDICATED", "gpu_memory": 80, "clusters": ["us-east-1"],
             "os_options": ["ubuntu-22.04"], "available": true, "gpuType": "H100"}]}],
        "total": 1, "page": 1, "limit": 50, "totalPages": 1
    }))
    .unwrap();
    let seq = s.offers.seq;
    spheron_tui::app::update(
        &mut s,
        spheron_tui::app::Action::OffersLoaded {
            seq,
            page: 1,
            result: Ok(offers),
        },
    );
    s.pane = Pane::Offers;
    chr(&mut s, 'd');
    let Some(spheron_tui::app::dialogs::Dialog::Deploy(w)) = &s.dialog else {
        panic!("{:?}", s.dialog)
    };
    assert_eq!(w.team.as_deref(), Some("team_zero"));
    assert!(s.team_balance(s.current_team_id().unwrap()).unwrap() <= 0.0);
}

/// A volume (`vol_vp2`) attached to the Voltage Park cluster: it then has the one volume it
/// may hold.
fn give_the_cluster_its_one_volume(s: &mut spheron_tui::app::AppState) {
    let mut vols = s.volumes.items.clone();
    vols.push(vol(
        "vol_vp2",
        "vp-other",
        "voltage-park",
        "us-central-1",
        "attached",
        &["dep_k8s"],
    ));
    spheron_tui::app::update(s, spheron_tui::app::Action::VolumesLoaded(Ok(vols.into())));
}

#[test]
fn the_picker_offers_enter_only_on_a_row_the_rules_allow() {
    let continues = |s: &spheron_tui::app::AppState| {
        let d = dialog(s);
        let Dialog::Pick(p) = d else { panic!("{d:?}") };
        let ok = p.rows[p.cursor].verdict.is_ok();
        let hints = spheron_tui::app::keys::hints::dialog_footer(d, s);
        (ok, hints.iter().any(|(_, h)| *h == "continue"))
    };
    let mut s = loaded(false);
    select(&mut s, Pane::Volumes, "vol_vp");
    chr(&mut s, 'A');
    assert_eq!(continues(&s), (true, true));
    key(&mut s, KeyCode::Esc);
    // once the cluster has its one volume every row is refused: no Enter offered
    give_the_cluster_its_one_volume(&mut s);
    select(&mut s, Pane::Volumes, "vol_vp");
    chr(&mut s, 'A');
    assert_eq!(continues(&s), (false, false));
}

/// A volume's details name the deployment it is attached to, with its id. One the list does
/// not hold (an ended one, while only the active ones are read) is read by id once, and then
/// named with its status in the pane and in the details; one the API no longer knows is said
/// to be ended, in words.
#[test]
fn volume_details_name_the_deployment_it_is_attached_to() {
    let mut s = loaded(false);
    select(&mut s, Pane::Volumes, "vol_sp");
    key(&mut s, KeyCode::Enter);
    assert!(matches!(s.dialog, Some(Dialog::VolumeInfo(_))));
    let screen = support::fixtures::render(&s);
    assert!(
        screen.contains("attached to   sp-train (dep_sp1)"),
        "{screen}"
    );
    key(&mut s, KeyCode::Esc);

    // sp-train ends and leaves the active list: it is read by id, once
    let mut active = s.deployments.items.clone();
    active.retain(|d| d.id != "dep_sp1");
    let cmds = event(&mut s, Action::DeploymentsLoaded(Ok(active.clone().into())));
    let reads = |cmds: &[Command]| {
        cmds.iter()
            .filter(|c| matches!(c, Command::FetchDeployment { id } if id == "dep_sp1"))
            .count()
    };
    assert_eq!(reads(&cmds), 1, "{cmds:?}");
    let again = event(&mut s, Action::DeploymentsLoaded(Ok(active.clone().into())));
    assert_eq!(reads(&again), 0, "asked once: {again:?}");
    let ended = dep(
        "dep_sp1",
        "sp-train",
        "spheron-ai",
        "us-east-1",
        "terminated",
    );
    event(
        &mut s,
        Action::DeploymentFetched {
            id: "dep_sp1".into(),
            result: Ok(Box::new(ended)),
        },
    );
    let pane = support::fixtures::render(&s);
    assert!(pane.contains("sp-train (terminated)"), "{pane}");
    assert!(!pane.contains("dep_sp1"), "{pane}");
    key(&mut s, KeyCode::Enter);
    let screen = support::fixtures::render(&s);
    assert!(
        screen.contains("attached to   sp-train (dep_sp1, terminated)"),
        "{screen}"
    );
    key(&mut s, KeyCode::Esc);

    // the API no longer knows another one: said in words, the id beside
    let mut gone = s.volumes.items.clone();
    let at = gone.iter().position(|v| v.id == "vol_sp").unwrap();
    gone[at] = vol(
        "vol_sp",
        "ckpt",
        "spheron-ai",
        "us-east-1",
        "attached",
        &["dep_old"],
    );
    let cmds = event(&mut s, Action::VolumesLoaded(Ok(gone.into())));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Command::FetchDeployment { id } if id == "dep_old")),
        "{cmds:?}"
    );
    event(
        &mut s,
        Action::DeploymentFetched {
            id: "dep_old".into(),
            result: Err(ApiError::NotFound {
                message: "not found".into(),
                code: None,
            }),
        },
    );
    let pane = support::fixtures::render(&s);
    assert!(pane.contains("ended (dep_old)"), "{pane}");
    key(&mut s, KeyCode::Enter);
    let screen = support::fixtures::render(&s);
    assert!(
        screen.contains("attached to   an ended deployment (dep_old)"),
        "{screen}"
    );
}
