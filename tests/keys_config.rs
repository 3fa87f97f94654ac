//! `[keys]` in config.toml: a rebound key performs its action, the old key no longer does, and
//! the footer and `?` show the rebound key. The rebound table is installed once for this test
//! binary, as the program installs it once at start-up.

mod support;

use std::sync::Once;

use crossterm::event::KeyCode;
use spheron_tui::app::dialogs::{Dialog, Kind};
use spheron_tui::app::keymap::{self, KeyCmd};
use spheron_tui::app::{Action, AppState, Pane, update};
use spheron_tui::config;
use support::fixtures::{chr, key, ready, render, running};

const CONFIG: &str = "[keys]\nterminate = \"X\"\nrefresh = \"F5\"\nguard = \"g\"\n";

fn rebound() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let loaded = config::parse(CONFIG).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        assert!(keymap::install(loaded.key_table.expect("a [keys] table")));
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
    chr(&mut s, 'g');
    assert_eq!(dialog_kind(&s), Some(Kind::Guard), "g opens the guard");
    // on the other panes g still goes to the first row
    let ev = crossterm::event::KeyEvent::from(KeyCode::Char('g'));
    assert_eq!(
        keymap::lookup(&ev, Pane::Offers).map(|b| b.cmd),
        Some(KeyCmd::Top)
    );
}

#[test]
fn refresh_moves_to_f5() {
    let f5 = crossterm::event::KeyEvent::from(KeyCode::F(5));
    let r = crossterm::event::KeyEvent::from(KeyCode::Char('r'));
    rebound();
    for pane in Pane::ALL {
        assert_eq!(
            keymap::lookup(&f5, pane).map(|b| b.cmd),
            Some(KeyCmd::Refresh)
        );
        assert!(keymap::lookup(&r, pane).is_none(), "{pane:?}");
    }
    let mut s = on_deployments();
    assert!(chr(&mut s, 'r').is_empty(), "r does nothing now");
}

#[test]
fn the_footer_and_help_show_the_rebound_keys() {
    let mut s = on_deployments();
    s.size = (200, 40);
    let f = keymap::footer_for(Pane::Deployments, false);
    assert!(f.usable.contains(&("X".to_string(), "terminate")), "{f:?}");
    assert!(f.usable.contains(&("F5".to_string(), "refresh")), "{f:?}");
    assert!(!f.usable.iter().any(|(k, _)| k == "x" || k == "r"), "{f:?}");
    let screen = render(&s);
    let footer = screen.lines().last().unwrap();
    assert!(footer.contains('X') && !footer.contains(" x "), "{footer}");

    chr(&mut s, '?');
    assert_eq!(dialog_kind(&s), Some(Kind::Help));
    let line = |help: &str| {
        let b = keymap::table()
            .iter()
            .find(|b| b.help.starts_with(help))
            .unwrap();
        format!("{}{}", keymap::help_keys(b), b.help)
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
            .starts_with("g ")
    );
    key(&mut s, KeyCode::Esc);
}

#[test]
fn the_readme_lists_every_action_name() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = keymap::actions_markdown();
    assert!(
        readme.contains(&table),
        "README.md's action table differs from the key table; put this under \"Key bindings\":\n{table}"
    );
}

#[test]
fn text_that_names_a_key_names_the_rebound_one() {
    rebound();
    assert_eq!(keymap::key_for(KeyCmd::Refresh), "F5");
    assert_eq!(keymap::key_for(KeyCmd::Terminate), "X");
    assert_eq!(keymap::key_for(KeyCmd::Rename), "e");
}
