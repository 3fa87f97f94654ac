//! `[keys]` in config.toml: a rebound key performs its action, the old key no longer does, and
//! the footer and `?` show the rebound key; a key inside a dialog rebinds by the same names; a
//! key that would mean two things in one place is refused with a warning. The rebound table is
//! installed once for this test binary, as the program installs it once at start-up.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

mod support;

use std::sync::Once;

use crossterm::event::KeyCode;
use spheron_tui::app::dialogs::{Dialog, Kind};
use spheron_tui::app::keys::{self, Focus, KeyCmd, hints, rebind};
use spheron_tui::app::{Action, AppState, Pane, update};
use spheron_tui::config;
use support::fixtures::{chr, key, ready, render, running};

const CONFIG: &str =
    "[keys]\nterminate = \"X\"\nrefresh = \"F5\"\nguard = \"Z\"\nconfirm = \"Y\"\n";

fn rebound() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let loaded = config::parse(CONFIG).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        assert!(keys::install(loaded.key_table.expect("a [keys] table")));
    });
}

fn on_deployments() -> AppState {
    rebound();
    let mut s = ready(vec![], 120.0);
    update(
        &mut s,
        Action::DeploymentsLoaded(Ok(vec![running("d1", "trainer")].into())),
    );
    s.pane = Pane::Deployments;
    s
}

fn dialog_kind(s: &AppState) -> Option<Kind> {
    s.dialog.as_ref().map(Dialog::kind)
}

#[test]
fn a_rebound_key_performs_the_action_and_the_old_key_does_not() {
    let mut s = on_deployments();
    chr(&mut s, 'x');
    assert_eq!(dialog_kind(&s), None, "x no longer terminates");
    chr(&mut s, 'X');
    assert_eq!(dialog_kind(&s), Some(Kind::Terminate), "X terminates");

    let mut s = on_deployments();
    chr(&mut s, 'T');
    assert_eq!(dialog_kind(&s), None, "T no longer opens the guard");
    chr(&mut s, 'Z');
    assert_eq!(dialog_kind(&s), Some(Kind::Guard), "Z opens the guard");
    // on the other panes Z does nothing
    let ev = crossterm::event::KeyEvent::from(KeyCode::Char('Z'));
    assert!(keys::lookup(&ev, Focus::Pane(Pane::Offers)).is_none());
}

#[test]
fn refresh_moves_to_f5() {
    let f5 = crossterm::event::KeyEvent::from(KeyCode::F(5));
    let r = crossterm::event::KeyEvent::from(KeyCode::Char('r'));
    rebound();
    for pane in Pane::ALL {
        assert_eq!(
            keys::lookup(&f5, Focus::Pane(pane)).map(|b| b.cmd),
            Some(KeyCmd::Refresh)
        );
        assert!(keys::lookup(&r, Focus::Pane(pane)).is_none(), "{pane:?}");
    }
    let mut s = on_deployments();
    assert!(chr(&mut s, 'r').is_empty(), "r does nothing now");
}

#[test]
fn the_footer_and_help_show_the_rebound_keys() {
    let mut s = on_deployments();
    s.size = (200, 40);
    let f = hints::footer_for(Pane::Deployments, false);
    assert!(f.usable.contains(&("X".to_string(), "terminate")), "{f:?}");
    assert!(f.usable.contains(&("F5".to_string(), "refresh")), "{f:?}");
    assert!(!f.usable.iter().any(|(k, _)| k == "x" || k == "r"), "{f:?}");
    let screen = render(&s);
    let footer = screen.lines().last().unwrap();
    assert!(footer.contains('X') && !footer.contains(" x "), "{footer}");

    chr(&mut s, '?');
    assert_eq!(dialog_kind(&s), Some(Kind::Help));
    let line = |help: &str| {
        let l = hints::help_sections()
            .into_iter()
            .flat_map(|(_, lines)| lines)
            .find(|l| l.help.starts_with(help))
            .unwrap();
        format!("{}{}", hints::help_keys(&l), l.help)
    };
    assert!(
        line("terminate the selected")
            .trim_start()
            .starts_with("X ")
    );
    assert!(line("refresh now").trim_start().starts_with("F5 "));
    assert!(
        line("set or clear the spend guard")
            .trim_start()
            .starts_with("Z ")
    );
    key(&mut s, KeyCode::Esc);
}

#[test]
fn the_readme_lists_every_action_name() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = rebind::actions_markdown();
    assert!(
        readme.contains(&table),
        "README.md's action table differs from the key table; put this under \"Key bindings\":\n{table}"
    );
}

#[test]
fn text_that_names_a_key_names_the_rebound_one() {
    rebound();
    assert_eq!(rebind::key_for(KeyCmd::Refresh), "F5");
    assert_eq!(rebind::key_for(KeyCmd::Terminate), "X");
    assert_eq!(rebind::key_for(KeyCmd::Rename), "e");
}

#[test]
fn a_dialog_key_rebinds_by_its_name() {
    let mut s = on_deployments();
    s.pane = Pane::Keys;
    update(
        &mut s,
        Action::KeysLoaded(Ok(support::fixtures::ssh_keys().into())),
    );
    chr(&mut s, 'x');
    assert_eq!(dialog_kind(&s), Some(Kind::DeleteKey));
    support::fixtures::pause(&mut s);
    assert!(
        chr(&mut s, 'y').is_empty(),
        "y no longer deletes: it cancels"
    );
    assert_eq!(dialog_kind(&s), None);
    chr(&mut s, 'x');
    support::fixtures::pause(&mut s);
    let cmds = chr(&mut s, 'Y');
    assert!(
        cmds.iter()
            .any(|c| matches!(c, spheron_tui::app::Command::DeleteKey { .. })),
        "Y deletes: {cmds:?}"
    );
}

#[test]
fn keys_that_would_mean_two_things_are_refused_with_a_warning() {
    // deploy = q would shadow quit on Offers; terminate = j would open Terminate when moving
    // down; confirm = n is cancel in every confirm
    let loaded =
        config::parse("[keys]\ndeploy = \"q\"\nterminate = \"j\"\nconfirm = \"n\"\n").unwrap();
    assert_eq!(loaded.warnings.len(), 3, "{:?}", loaded.warnings);
    for (name, other) in [
        ("deploy", "quit"),
        ("terminate", "down"),
        ("confirm", "cancel"),
    ] {
        assert!(
            loaded
                .warnings
                .iter()
                .any(|w| w.contains(&format!("`{name}`")) && w.contains(&format!("`{other}`"))),
            "{name}: {:?}",
            loaded.warnings
        );
    }
    let table = loaded.key_table.unwrap();
    let keys_of = |cmd: KeyCmd| table.iter().find(|b| b.cmd == cmd).unwrap().keys.to_vec();
    assert_eq!(keys_of(KeyCmd::Deploy), [keys::Key::Char('d')]);
    assert_eq!(keys_of(KeyCmd::Terminate), [keys::Key::Char('x')]);
    assert_eq!(keys_of(KeyCmd::Confirm), [keys::Key::Char('y')]);
}
