//! The deploy wizard's presets, as reducer flows on the key table: "start from preset" (`P` on
//! a step without a text field) puts a preset's choices in, "save as preset" (`s` on the
//! summary) sends the wizard's choices to `config.toml`, and what is saved there starts the
//! wizard on the same request again. Snapshots of both questions.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use crossterm::event::KeyCode;
use spheron_tui::api::CloudInit;
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::dialogs::deploy::preset::{PresetMode, Presets};
use spheron_tui::app::dialogs::deploy::{DeployWizard, SshSel, Step, summary};
use spheron_tui::app::{Action, AppState, Command, update};
use spheron_tui::domain::preset::Preset;
use support::fixtures::*;

fn wizard(s: &AppState) -> &DeployWizard {
    match &s.dialog {
        Some(Dialog::Deploy(w)) => w,
        other => panic!("expected the deploy wizard, got {other:?}"),
    }
}

fn footer(s: &AppState) -> String {
    render(s).lines().last().unwrap().to_string()
}

/// The wizard shows an error that contains `what`.
fn says(s: &AppState, what: &str) {
    let e = wizard(s).error.clone().unwrap_or_default();
    assert!(e.contains(what), "{what:?} not in {e:?}");
}

/// On the Name step: `run-7` in place of the suggested name, then every step's default.
fn name_it_and_go_to_the_summary(s: &mut AppState) {
    for c in std::iter::repeat_n(KeyCode::Backspace, 40) {
        key(s, c);
    }
    type_text(s, "run-7");
    while wizard(s).step() != Step::Summary {
        enter(s);
    }
}

fn train() -> Preset {
    Preset {
        cheapest: Some("gpu:h100".into()),
        ssh_key: Some("ci-runner".into()),
        os: Some("Ubuntu 24.04".into()),
        cloud_init: Some("~/train.toml".into()),
        volumes: vec!["datasets".into()],
        kubernetes: Some("1.35".into()),
        guard_after: Some("8h".into()),
        ..Preset::default()
    }
}

fn packages() -> CloudInit {
    CloudInit {
        packages: vec!["git".into(), "htop".into()],
        ..CloudInit::default()
    }
}

/// A session whose `config.toml` (in `dir`) holds the preset `train` and a broken one.
fn with_presets(dir: &std::path::Path) -> AppState {
    let mut s = ready(vec![vp_cluster()], 500.0);
    let broken = Preset {
        ssh_key: Some("nobody".into()),
        ..Preset::default()
    };
    s.presets = Presets {
        file: Some(dir.join("config.toml")),
        saved: [
            ("train".to_string(), train()),
            ("broken".to_string(), broken),
        ]
        .into(),
        cloud_inits: [("train".to_string(), Ok(packages()))].into(),
    };
    s
}

#[test]
fn a_preset_starts_the_wizard_and_the_summary_saves_one_that_starts_it_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = with_presets(dir.path());
    open_wizard(&mut s);
    assert_eq!(wizard(&s).step(), Step::Region);
    assert!(footer(&s).contains("P presets"), "{}", footer(&s));
    // A text step types the key: no preset question there.
    enter(&mut s);
    enter(&mut s);
    assert_eq!(wizard(&s).step(), Step::Ssh);
    assert!(!footer(&s).contains("presets"), "{}", footer(&s));
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Esc);

    // One that does not fit the account: said, and nothing of it is taken.
    chr(&mut s, 'P');
    assert!(matches!(wizard(&s).preset, Some(PresetMode::Pick(0))));
    assert!(footer(&s).contains("Enter start from it"), "{}", footer(&s));
    let before = format!("{:?}", summary(&s, wizard(&s)).request);
    enter(&mut s);
    says(&s, "no saved SSH key is called \"nobody\"");
    assert_eq!(format!("{:?}", summary(&s, wizard(&s)).request), before);

    // `train`: its choices in, then the Name step (a preset holds no name).
    key(&mut s, KeyCode::Down);
    let cmds = enter(&mut s);
    assert!(cmds.is_empty(), "{cmds:?}");
    let w = wizard(&s);
    assert!(w.preset.is_none() && w.error.is_none(), "{:?}", w.error);
    assert_eq!(w.step(), Step::Name);
    assert_eq!(w.ssh, Some(SshSel::Saved("k2".into())));
    assert_eq!(w.os(), "Ubuntu 24.04");
    assert_eq!(w.volumes, vec!["v1".to_string()]);
    assert_eq!(w.packages, packages().packages);
    assert_eq!(w.guard.value(), "8h");
    assert!(
        flash(&s).contains("Started from preset train"),
        "{}",
        flash(&s)
    );
    assert!(
        flash(&s).contains("`cheapest` is for the command line"),
        "{}",
        flash(&s)
    );
    name_it_and_go_to_the_summary(&mut s);
    let request = summary(&s, wizard(&s)).request.unwrap();
    assert_eq!(request.operating_system, "Ubuntu 24.04");
    assert_eq!(request.ssh_key_id.as_deref(), Some("k2"));
    assert_eq!(request.volume_ids, vec!["v1".to_string()]);
    assert_eq!(request.cloud_init, Some(packages()));
    assert!(request.kubernetes_addon.is_some());

    // Save as preset: a taken name is refused, a new one is sent with the wizard's choices.
    assert!(footer(&s).contains("s save preset"), "{}", footer(&s));
    chr(&mut s, 's');
    assert!(matches!(wizard(&s).preset, Some(PresetMode::Save(_))));
    type_text(&mut s, "train");
    assert!(enter(&mut s).is_empty());
    says(&s, "exists");
    type_text(&mut s, "-2");
    let cmds = enter(&mut s);
    let [Command::SavePreset { file, name, preset }] = cmds.as_slice() else {
        panic!("one save: {cmds:?}");
    };
    assert_eq!(name, "train-2");
    assert!(wizard(&s).preset.is_none());
    let saved = Preset {
        offer: Some("vp-h100-8".into()),
        cheapest: None,
        region: Some(wizard(&s).region()),
        team: wizard(&s).team.clone(),
        ..train()
    };
    // the cloud-init file of the preset it started from is kept: its content is unchanged
    assert_eq!(**preset, saved);

    // Written as the executor writes it; the answer offers it at once.
    let result = spheron_tui::config::save_preset(file, name, preset);
    assert_eq!(result, Ok(()));
    update(
        &mut s,
        Action::PresetSaved {
            name: name.clone(),
            preset: preset.clone(),
            result,
        },
    );
    assert!(flash(&s).contains("Saved preset train-2"), "{}", flash(&s));
    let on_disk = spheron_tui::config::load(file)
        .unwrap()
        .config
        .presets
        .unwrap();
    assert_eq!(on_disk["train-2"], saved);

    // A new wizard started from the saved preset asks for the same deploy.
    key(&mut s, KeyCode::Esc);
    s.dialog = None;
    s.presets
        .cloud_inits
        .insert("train-2".into(), Ok(packages()));
    open_wizard(&mut s);
    chr(&mut s, 'P');
    let at = s.presets.saved.keys().position(|n| n == "train-2").unwrap();
    for _ in 0..at {
        key(&mut s, KeyCode::Down);
    }
    enter(&mut s);
    name_it_and_go_to_the_summary(&mut s);
    assert_eq!(summary(&s, wizard(&s)).request.unwrap(), request);
}

#[test]
fn a_preset_without_a_key_starts_on_the_ssh_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = with_presets(dir.path());
    let bare = Preset {
        guard_after: Some("2h".into()),
        ..Preset::default()
    };
    s.presets.saved.insert("aaa".into(), bare);
    open_wizard(&mut s);
    chr(&mut s, 'P');
    enter(&mut s);
    assert_eq!(wizard(&s).step(), Step::Ssh);
    assert_eq!(wizard(&s).guard.value(), "2h");
    assert!(flash(&s).contains("choose the SSH key"), "{}", flash(&s));
}

#[test]
fn save_as_preset_without_a_config_directory_or_a_good_name_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = with_presets(dir.path());
    open_wizard(&mut s);
    while wizard(&s).step() != Step::Summary {
        enter(&mut s);
    }
    chr(&mut s, 's');
    type_text(&mut s, "a b");
    assert!(enter(&mut s).is_empty());
    says(&s, "is not a preset name");
    // Esc leaves the question, not the summary.
    key(&mut s, KeyCode::Esc);
    assert!(wizard(&s).preset.is_none());
    assert_eq!(wizard(&s).step(), Step::Summary);
    s.presets.file = None;
    assert!(!footer(&s).contains("save preset"), "{}", footer(&s));
    assert!(chr(&mut s, 's').is_empty());
    assert!(wizard(&s).preset.is_none());
}

#[test]
fn the_preset_questions_as_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = with_presets(dir.path());
    open_wizard(&mut s);
    chr(&mut s, 'P');
    key(&mut s, KeyCode::Down);
    insta::assert_snapshot!("preset_pick", render(&s));
    key(&mut s, KeyCode::Esc);
    while wizard(&s).step() != Step::Summary {
        enter(&mut s);
    }
    chr(&mut s, 's');
    type_text(&mut s, "h100-train");
    insta::assert_snapshot!("preset_save", render(&s));
}

/// `--demo`: "save as preset" writes the demo's own presets file, never `config.toml` (the
/// demo's offer ids and keys are not the account's); `--demo deploy --preset` reads it, and
/// `config.toml`'s presets are offered in the demo too. Through the built binary: the wizard
/// driven by `snapshot --keys`, the save done by the real executor.
#[test]
fn a_preset_saved_in_the_demo_goes_to_the_demo_presets_file() {
    use support::binary::{run, text};
    let home = tempfile::tempdir().unwrap();
    let config_dir = home.path().join("config/spheron-tui");
    std::fs::create_dir_all(&config_dir).unwrap();
    let config = config_dir.join("config.toml");
    let real = "[presets.real]\ncheapest = \"gpu:h100\"\nssh_key = \"laptop-ed25519\"\n";
    std::fs::write(&config, real).unwrap();
    // the wizard on the first offer, every step's default, then `s`, a name, Enter
    let keys = format!("d{}sdemo-p<Enter>", "<Enter>".repeat(8));
    let out = run(
        home.path(),
        &[
            "snapshot", "--demo", "--pane", "offers", "--size", "160x40", "--keys", &keys,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let frame = text(&out.stdout);
    assert!(
        frame.contains("Saved preset demo-p in spheron-tui-demo-presets.toml"),
        "{frame}"
    );
    assert_eq!(std::fs::read_to_string(&config).unwrap(), real);
    let demo_file = home
        .path()
        .join("data/spheron-tui/spheron-tui-demo-presets.toml");
    let saved = spheron_tui::config::load(&demo_file)
        .unwrap()
        .config
        .presets
        .unwrap();
    let p = &saved["demo-p"];
    assert_eq!(p.ssh_key.as_deref(), Some("laptop-ed25519"));
    assert!(p.offer.is_some(), "{p:?}");
    let deploy = |preset: &str| {
        run(
            home.path(),
            &[
                "--demo",
                "deploy",
                "--preset",
                preset,
                "--name",
                "from-p",
                "--dry-run",
            ],
        )
    };
    // the demo's preset names its offer (which the demo's clock may have made unavailable by
    // now: then the deploy is refused as for any offer, after naming it)
    let out = deploy("demo-p");
    let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
    let offer = p.offer.as_deref().unwrap();
    assert!(said.contains(&format!("offer {offer}")), "{said}");
    assert!(!said.contains("no preset"), "{said}");
    // config.toml's, with `cheapest`, picks an available one
    let out = deploy("real");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("from-p"));
}
