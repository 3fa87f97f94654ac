//! The SSH keys pane against the demo server marks which `~/.ssh/*.pub` are already on the
//! account, by fingerprint computed as `ssh-keygen -l` does.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use spheron_tui::app::action::LocalPubKey;
use spheron_tui::app::{Action, Command};
use spheron_tui::domain::ssh_key::sample_key;
use support::harness::Harness;

/// The demo account's seeded key (assets/demo/seed.json), as its `.pub` file holds it.
const SEEDED: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINnl7GYY7J3bt4UzmVfuoZjAo8lGM+/kU4RT7TXbqK5n ada@laptop\n";

#[tokio::test]
async fn the_keys_pane_marks_local_pub_files_on_the_account() {
    let mut h = Harness::new().await;
    h.press("4").await;
    assert!(
        h.emitted.iter().any(|c| matches!(c, Command::ScanPubKeys)),
        "the pane reads ~/.ssh/*.pub"
    );
    // as the runtime reads them: each file's text trimmed
    let file = |path: &str, text: &str| LocalPubKey {
        path: path.into(),
        text: text.trim().into(),
    };
    h.dispatch(Action::PubKeysFound(vec![
        file("/home/ada/.ssh/ada.pub", SEEDED),
        file(
            "/home/ada/.ssh/id_rsa.pub",
            &sample_key("ssh-rsa", "ada@desk"),
        ),
        file("/home/ada/.ssh/broken.pub", "ssh-ed25519 AAAA"),
    ]))
    .await;
    let screen = h.screen();
    let row = screen
        .lines()
        .find(|l| l.contains("laptop-ed25519"))
        .unwrap_or_else(|| panic!("no seeded key row:\n{screen}"));
    assert!(row.contains("✓ ada.pub"), "{row}");
    assert!(
        row.contains("SHA256:qoFQ1HoG4BOSArYfY+Yz280V36iDFiF+NQ2AG+1iJdM"),
        "the whole fingerprint: {row}"
    );
    assert!(
        screen.contains("not on the account: ~/.ssh/id_rsa.pub"),
        "{screen}"
    );
    assert!(!screen.contains("broken.pub"), "{screen}");
}
