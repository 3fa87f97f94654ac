//! The pane footer both ways, in every pane and the states that change what acts (rows or none,
//! a key or none, read-only, the Kubernetes deployment, a detached volume, a filter set): every
//! action the footer offers acts, every binding with a hint that acts is offered, and every key
//! that acts on a pane is a binding of the table there (moving, switching panes and the message
//! log carry no footer hint and are listed under `?`).

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use crossterm::event::{KeyCode, KeyEvent};
use spheron_tui::app::keys::{self, Focus, Key, hints};
use spheron_tui::app::{Action, AppState, Pane, update};

use support::accounts::{loaded, select, t0};
use support::typing::{self, Warnings, alphabet};

/// A minute without a key: a refresh is within the rate budget again.
const QUIET: chrono::Duration = chrono::Duration::seconds(60);

/// Press `ev` after a quiet minute: whether it acted; a warning that says why nothing
/// happened is not an action.
fn acts(s: &AppState, ev: KeyEvent) -> bool {
    typing::acts(s, ev, QUIET, Warnings::SayWhyNot)
}

/// Press `ev` in a copy of `s`: whether it said something on the status line.
fn says(s: &AppState, ev: KeyEvent) -> bool {
    let mut s = s.clone();
    let later = s.now + QUIET;
    update(&mut s, Action::Now(later));
    let before = format!("{:?}", s.status.flash);
    update(&mut s, Action::Key(ev));
    format!("{:?}", s.status.flash) != before
}

fn on(mut s: AppState, pane: Pane) -> AppState {
    s.pane = pane;
    s
}

/// The states walked, each named for the failure message.
fn states() -> Vec<(String, AppState)> {
    let mut out = Vec::new();
    for pane in Pane::ALL {
        out.push((format!("{pane:?}, rows"), on(loaded(false), pane)));
        out.push((format!("{pane:?}, read-only"), on(loaded(true), pane)));
        let mut empty = AppState::new(support::accounts::session(false), t0());
        empty.size = (120, 40);
        update(&mut empty, Action::Start(t0()));
        out.push((format!("{pane:?}, nothing loaded"), on(empty, pane)));
    }
    // no API key: only Offers is shown (every other pane asks for the key first)
    let mut keyless = AppState::new(
        spheron_tui::app::state::Session {
            key_mask: None,
            ..support::accounts::session(false)
        },
        t0(),
    );
    keyless.size = (120, 40);
    update(&mut keyless, Action::Start(t0()));
    out.push(("Offers, no API key".into(), keyless));
    let mut k8s = loaded(false);
    select(
        &mut k8s,
        Pane::Deployments,
        &support::accounts::k8s_deployment().id,
    );
    out.push(("Deployments, the Kubernetes one".into(), k8s));
    let mut filtered = loaded(false);
    filtered.pane = Pane::Offers;
    update(&mut filtered, Action::Key(Key::Char('/').event()));
    for c in "h100".chars() {
        update(&mut filtered, Action::Key(Key::Char(c).event()));
    }
    update(
        &mut filtered,
        Action::Key(Key::Code(KeyCode::Enter).event()),
    );
    out.push(("Offers, a filter set".into(), filtered));
    out
}

#[test]
fn every_offered_action_acts_and_every_acting_key_is_offered() {
    for (name, s) in states() {
        assert!(s.dialog.is_none(), "{name}: {:?}", s.dialog);
        let footer = hints::pane_footer(&s);
        // the table's bindings for this pane: offered exactly when they act; in read-only
        // mode a write is listed apart as unavailable and only says why
        let usable =
            |label: &str, hint: &str| footer.usable.iter().any(|(l, h)| l == label && *h == hint);
        let unavailable = |label: &str, hint: &str| {
            footer
                .unavailable
                .iter()
                .any(|(l, h)| l == label && *h == hint)
        };
        for b in keys::table()
            .iter()
            .filter(|b| b.scope.applies(s.pane) && !b.hint.is_empty())
        {
            let label = b.keys[0].label();
            let shown = usable(&label, b.hint);
            for k in b.keys {
                assert_eq!(
                    acts(&s, k.event()),
                    shown,
                    "{name}: {} ({}) {} in the footer but {}",
                    k.label(),
                    b.hint,
                    if shown { "is" } else { "is not" },
                    if shown { "does nothing" } else { "acts" },
                );
                if unavailable(&label, b.hint) {
                    assert!(
                        s.session.read_only && b.writes.is_some() && says(&s, k.event()),
                        "{name}: {} ({}) is listed as unavailable but does not say why",
                        k.label(),
                        b.hint
                    );
                }
            }
        }
        // every footer entry is a binding of this pane
        for (label, hint) in footer.usable.iter().chain(&footer.unavailable) {
            assert!(
                keys::table().iter().any(|b| b.scope.applies(s.pane)
                    && b.keys[0].label() == *label
                    && b.hint == *hint),
                "{name}: the footer offers {label} {hint}, which no binding of the pane is"
            );
        }
        // every key that acts is a binding of this pane: offered, or listed under `?`
        let help = hints::help_sections();
        let listed = |b: &keys::Binding| {
            help.iter().any(|(scope, lines)| {
                *scope == b.scope && lines.iter().any(|l| l.cmds.contains(&b.cmd))
            })
        };
        for ev in alphabet() {
            if !acts(&s, ev) {
                continue;
            }
            let b = keys::lookup(&ev, Focus::Pane(s.pane))
                .unwrap_or_else(|| panic!("{name}: {ev:?} acts but is no binding of the pane"));
            if b.hint.is_empty() {
                assert!(listed(b), "{name}: {ev:?} acts and is listed nowhere");
            } else {
                assert!(
                    usable(&b.keys[0].label(), b.hint),
                    "{name}: {ev:?} ({}) acts but is not in the footer",
                    b.hint
                );
            }
        }
    }
}
