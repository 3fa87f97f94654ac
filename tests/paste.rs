//! Bracketed paste through the real app against the demo server: a paste is one edit of the
//! focused field and its newline is not Enter; a pasted private key leaves nothing behind (not
//! in state, on screen, in a command or in `Debug`) and says to paste the `.pub` file; a pasted
//! public key is drawn as its type, fingerprint and comment.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use spheron_tui::app::Action;
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::dialogs::add_key::KeyField;
use spheron_tui::app::dialogs::create_volume::CreateStep;
use spheron_tui::app::dialogs::deploy::{SshSel, Step};
use spheron_tui::app::dialogs::edit_volume::EditField;
use spheron_tui::app::{Command, Pane};
use spheron_tui::demo::DemoOptions;
use spheron_tui::domain::ssh_key::{Pasted, sample_key, samples};
use support::harness::Harness;

/// Base64 of "fake-private-key-material-for-tests": what must never show up anywhere.
const MARK: &str = "ZmFrZS1wcml2YXRlLWtleS1tYXRlcmlhbC1mb3ItdGVzdHM";

fn private_keys() -> Vec<String> {
    vec![
        format!(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n{MARK}\n-----END OPENSSH PRIVATE KEY-----\n"
        ),
        format!(
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC{MARK}\n-----END PRIVATE KEY-----"
        ),
        format!(
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: me\nPublic-Lines: 2\n{MARK}\n"
        ),
        // An OpenSSH private key body without its armour lines.
        format!("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW{MARK}"),
    ]
}

fn assert_no_trace(h: &Harness, what: &str) {
    for (place, text) in [
        ("screen", h.screen()),
        ("state Debug", format!("{:?}", h.state)),
        ("commands", format!("{:?}", h.emitted)),
    ] {
        assert!(
            !text.contains(MARK),
            "{what}: the private key is in the {place}"
        );
        assert!(
            !text.contains(&MARK[10..30]),
            "{what}: part of it is in the {place}"
        );
    }
}

async fn paste(h: &mut Harness, text: &str) {
    let pasted = Pasted::classify(text.to_string());
    assert!(!format!("{pasted:?}").contains(&MARK[10..30]));
    h.dispatch(Action::Paste(pasted)).await;
}

fn add_key_dialog(h: &Harness) -> &spheron_tui::app::dialogs::AddKey {
    match &h.state.dialog {
        Some(Dialog::AddKey(a)) => a,
        other => panic!("not the add-key dialog: {other:?}"),
    }
}

#[tokio::test]
async fn a_pasted_private_key_is_refused_and_leaves_nothing() {
    let mut h = Harness::new().await;
    // In the add-key dialog, on its key field.
    h.press("4a").await;
    h.press("laptop").await;
    h.key(KeyCode::Tab).await;
    for (i, pk) in private_keys().iter().enumerate() {
        paste(&mut h, pk).await;
        let a = add_key_dialog(&h);
        assert_eq!(a.key.value(), "", "case {i}");
        assert!(a.error.as_deref().unwrap().contains(".pub"), "case {i}");
        assert!(
            h.screen().contains("Paste the .pub file instead"),
            "case {i}"
        );
        assert_no_trace(&h, &format!("add-key dialog, case {i}"));
    }
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"resets \d+s", "resets [N]s");
    settings.add_filter(r"budget \d+/\d+", "budget [N]/[N]");
    settings.bind(|| insta::assert_snapshot!("paste_private_key_refused", h.screen()));
    assert_eq!(h.count(Command::is_write), 0, "nothing was sent");
    h.key(KeyCode::Esc).await;

    // In the deploy wizard and the offers filter: refused there too.
    h.press("1/").await;
    paste(&mut h, &private_keys()[0]).await;
    assert_eq!(h.state.offers.filter_input.value(), "");
    assert!(h.screen().contains(".pub"), "{}", h.screen());
    assert_no_trace(&h, "offers filter");
    h.key(KeyCode::Esc).await; // the notice
    h.key(KeyCode::Esc).await; // the filter
    h.press("d").await;
    assert!(matches!(h.state.dialog, Some(Dialog::Deploy(_))));
    for _ in 0..8 {
        paste(&mut h, &private_keys()[1]).await;
        assert_no_trace(&h, "deploy wizard");
        h.key(KeyCode::Enter).await;
        if !matches!(h.state.dialog, Some(Dialog::Deploy(_))) {
            break;
        }
    }
    assert_eq!(h.count(|c| matches!(c, Command::Deploy { .. })), 0);
}

#[tokio::test]
async fn a_pasted_public_key_is_drawn_as_type_fingerprint_and_comment() {
    let mut h = Harness::new().await;
    h.press("4a").await;
    h.press("desk").await;
    h.key(KeyCode::Tab).await;
    let rsa = sample_key("ssh-rsa", "me@desk");
    // As a terminal sends it: with a line break at the end.
    paste(&mut h, &format!("{rsa}\n")).await;
    assert_eq!(
        add_key_dialog(&h).key.value(),
        rsa,
        "one edit, newline dropped"
    );
    let screen = h.screen();
    assert!(
        screen.contains(&format!("ssh-rsa {} me@desk", samples::RSA.2)),
        "{screen}"
    );
    assert!(
        !screen.contains(&samples::RSA.1[20..60]),
        "the body is drawn:\n{screen}"
    );
    // The paste's newline did not submit; Enter does.
    assert_eq!(h.count(Command::is_write), 0);
    h.key(KeyCode::Enter).await;
    let sent: Vec<_> = h
        .emitted
        .iter()
        .filter_map(|c| match c {
            Command::AddKey(k) => Some(k.public_key.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(sent, vec![rsa]);
    // The demo server's fingerprint is the one `ssh-keygen -l` prints.
    assert!(
        h.state
            .keys
            .items
            .iter()
            .any(|k| k.fingerprint.as_deref() == Some(samples::RSA.2)),
        "{:?}",
        h.state.keys.items
    );
}

#[tokio::test]
async fn a_paste_is_one_edit_and_its_newline_is_not_enter() {
    let mut h = Harness::new().await;
    // The offers filter: one edit, still editing after the paste's newline.
    h.press("1/").await;
    paste(&mut h, "H100\n").await;
    assert!(h.state.offers.editing_filter);
    assert_eq!(h.state.offers.filter_input.value(), "H100");
    h.key(KeyCode::Esc).await;

    // Rename: the pasted name with a newline does not send the rename.
    h.press("2e").await;
    assert!(matches!(h.state.dialog, Some(Dialog::Rename(_))));
    h.dispatch(Action::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )))
    .await;
    paste(&mut h, "train-run\r\n").await;
    let Some(Dialog::Rename(r)) = &h.state.dialog else {
        panic!("the paste closed the dialog")
    };
    assert_eq!(r.input.value(), "train-run");
    assert_eq!(h.count(Command::is_write), 0);
    h.key(KeyCode::Enter).await;
    assert_eq!(h.count(Command::is_write), 1, "Enter renames");
}

#[tokio::test]
async fn the_api_key_can_be_pasted_into_the_prompt_and_stays_hidden() {
    let mut h = Harness::with(DemoOptions::for_tests(), false).await;
    h.press("2").await;
    assert!(matches!(h.state.dialog, Some(Dialog::KeyPrompt(_))));
    let key = h.server.key().to_string();
    paste(&mut h, &format!("{key}\n")).await;
    let middle = &key[8..key.len() - 8];
    assert!(!h.screen().contains(middle));
    assert!(!format!("{:?}", h.state).contains(middle));
    assert!(
        matches!(h.state.dialog, Some(Dialog::KeyPrompt(_))),
        "Enter is the user's"
    );
    h.key(KeyCode::Enter).await;
    assert!(h.state.dialog.is_none());
    assert_eq!(h.state.pane, Pane::Deployments);
    assert!(
        !h.state.deployments.items.is_empty(),
        "the pasted key works"
    );
}

fn manage_dialog(h: &Harness) -> &Dialog {
    match &h.state.dialog {
        Some(d) => d,
        None => panic!("no dialog"),
    }
}

fn wizard(h: &Harness) -> &spheron_tui::app::dialogs::DeployWizard {
    match &h.state.dialog {
        Some(Dialog::Deploy(w)) => w,
        other => panic!("no deploy wizard: {other:?}"),
    }
}

/// Enter through the wizard until `step` (or panic).
async fn wizard_to(h: &mut Harness, step: Step) {
    for _ in 0..12 {
        if wizard(h).step() == step {
            return;
        }
        h.key(KeyCode::Enter).await;
    }
    panic!("never reached {step:?}");
}

/// Every text field: a paste with a trailing newline lands whole in the focused field, and the
/// newline neither submits nor moves on.
#[tokio::test]
async fn every_text_field_takes_a_paste_as_one_edit() {
    let mut h = Harness::new().await;
    let writes = |h: &Harness| h.count(Command::is_write);

    // Deploy wizard: the pasted key, the name, a cloud-init field.
    h.press("1d").await;
    wizard_to(&mut h, Step::Ssh).await;
    let key = sample_key("ssh-ed25519", "me@desk");
    paste(&mut h, &format!("{key}\n")).await;
    let w = wizard(&h);
    assert_eq!((w.step(), w.ssh.clone()), (Step::Ssh, Some(SshSel::Paste)));
    assert_eq!(w.paste.value(), key);
    wizard_to(&mut h, Step::Name).await;
    h.dispatch(ctrl('u')).await;
    paste(&mut h, "pasted-name\n").await;
    let w = wizard(&h);
    assert_eq!((w.step(), w.name.value()), (Step::Name, "pasted-name"));
    wizard_to(&mut h, Step::CloudInit).await;
    paste(&mut h, "htop nvtop\n").await;
    let w = wizard(&h);
    assert_eq!(w.step(), Step::CloudInit);
    assert_eq!(w.ci_input[w.ci_field].value(), "htop nvtop");
    assert!(
        w.packages.is_empty(),
        "the newline did not add the packages"
    );
    h.key(KeyCode::Esc).await;
    while h.state.dialog.is_some() {
        h.key(KeyCode::Esc).await;
    }

    // Add SSH key: the name field.
    h.press("4a").await;
    paste(&mut h, "work laptop\n").await;
    let Dialog::AddKey(a) = manage_dialog(&h) else {
        panic!()
    };
    assert_eq!((a.focus, a.name.value()), (KeyField::Name, "work laptop"));
    h.key(KeyCode::Esc).await;

    // Create volume: name and size.
    h.press("3a").await;
    for _ in 0..4 {
        let Dialog::CreateVolume(c) = manage_dialog(&h) else {
            panic!()
        };
        if c.step == CreateStep::Name {
            break;
        }
        h.key(KeyCode::Enter).await;
    }
    paste(&mut h, "datasets\n").await;
    let Dialog::CreateVolume(c) = manage_dialog(&h) else {
        panic!()
    };
    assert_eq!((c.step, c.name.value()), (CreateStep::Name, "datasets"));
    h.key(KeyCode::Enter).await;
    paste(&mut h, "200\n").await;
    let Dialog::CreateVolume(c) = manage_dialog(&h) else {
        panic!()
    };
    assert_eq!((c.step, c.size.value()), (CreateStep::Size, "200"));
    h.key(KeyCode::Esc).await;
    while h.state.dialog.is_some() {
        h.key(KeyCode::Esc).await;
    }

    // Edit volume: whichever field has the focus.
    h.press("3").await;
    for _ in 0..10 {
        h.press("e").await;
        if matches!(manage_dialog(&h), Dialog::EditVolume(_)) {
            break;
        }
        // Some providers' volumes cannot be edited: try the next one.
        h.key(KeyCode::Esc).await;
        h.key(KeyCode::Down).await;
    }
    paste(&mut h, "7\n").await;
    let Dialog::EditVolume(e) = manage_dialog(&h) else {
        panic!("{:?}", manage_dialog(&h))
    };
    let field = match e.focus {
        EditField::Name => e.name.value(),
        EditField::Size => e.size.value(),
    };
    assert!(field.ends_with('7'), "{field:?}");
    h.key(KeyCode::Esc).await;

    // Kubeconfig: the path.
    h.press("2").await;
    for _ in 0..10 {
        if h.state.deployments.selected_id.as_deref() == Some("dep_c41e9a7b3d55") {
            break;
        }
        h.key(KeyCode::Down).await;
    }
    h.press("K").await;
    let Dialog::Kubeconfig(_) = manage_dialog(&h) else {
        panic!()
    };
    h.dispatch(ctrl('u')).await;
    paste(&mut h, "/tmp/pasted-kubeconfig.yaml\n").await;
    let Dialog::Kubeconfig(k) = manage_dialog(&h) else {
        panic!()
    };
    assert_eq!(k.path.value(), "/tmp/pasted-kubeconfig.yaml");
    assert!(
        !h.emitted
            .iter()
            .any(|c| matches!(c, Command::SaveFile { .. })),
        "the newline saved the file"
    );
    assert_eq!(writes(&h), 0);
}

fn ctrl(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

#[tokio::test]
async fn a_public_key_pasted_into_the_name_goes_to_the_key_field() {
    let mut h = Harness::new().await;
    h.press("4a").await;
    h.press("work").await;
    let key = sample_key("ssh-ed25519", "me@work");
    paste(&mut h, &format!("{key}\n")).await;
    let d = add_key_dialog(&h);
    assert_eq!(d.name.value(), "work");
    assert_eq!(d.key.value(), key);
    assert_eq!(d.focus, KeyField::Key);
    // other text pasted into the name stays there
    h.key(KeyCode::Tab).await;
    paste(&mut h, "-laptop").await;
    assert_eq!(add_key_dialog(&h).name.value(), "work-laptop");
}
