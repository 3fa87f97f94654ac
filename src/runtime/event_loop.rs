//! The event loop: one `tokio::select!` over terminal events, worker results and a 1 Hz tick.
//! Draws only when something changed.

use std::time::Duration;

use chrono::Utc;
use crossterm::event::{Event, EventStream};
use eyre::Result;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::executor::Executor;
use super::test_fault::{self, Site};
use crate::app::{Action, AppState, Command, update};
use crate::domain::ssh_key::Pasted;
use crate::exit::Ending;
use crate::terminal::{self, TerminalGuard};
use crate::ui::{self, Theme};

/// Run until the user quits, the terminal closes, or an ending signal arrives; say which.
pub async fn run(
    mut state: AppState,
    exec: Executor,
    theme: Theme,
    warnings: Vec<String>,
    account_watch: Option<super::account_watch::AccountWatch>,
) -> Result<Ending> {
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal().size()?;
    state.size = (size.width, size.height);

    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let mut events = EventStream::new();
    // `o` on a deployment: ssh runs here, where the terminal is.
    let mut ssh: Vec<Vec<String>> = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut signals = super::signals::Signals::new();

    // The spend guard runs beside the dashboard while it is up.
    let enforcer = exec.journal.store().map(|store| {
        let every = std::time::Duration::from_secs(state.session.poll_interval_secs.max(10));
        super::guard::spawn(
            exec.client.clone(),
            store.clone(),
            every,
            exec.instances.clone(),
            tx.clone(),
        )
    });
    // What other processes write to the store (rules, watches, journal) shows within a second.
    let store_watch = exec
        .journal
        .store()
        .map(|store| super::store_watch::spawn(store.clone(), tx.clone()));
    // What other processes do to the account shows as soon too, where the account can tell.
    let account_watch = account_watch.map(|w| super::account_watch::spawn(w, tx.clone()));
    let mut injected = test_fault::Injected::from_env();
    let mut dirty = true;
    let mut ending = Ending::Done;
    apply(&mut state, Action::Start(Utc::now()), &exec, &tx, &mut ssh);
    apply(
        &mut state,
        Action::ConfigWarnings(warnings),
        &exec,
        &tx,
        &mut ssh,
    );
    // Every way out comes to the stop below (tunnels closed, the guard's lock given up), an
    // error too.
    let outcome = loop {
        if dirty {
            let boom = injected.fire(Site::Draw);
            let drawn = guard.terminal().draw(|f| {
                if boom {
                    test_fault::panic_at(Site::Draw, "");
                }
                ui::draw(f, &state, &theme)
            });
            if let Err(e) = drawn {
                break terminal_failed(e);
            }
            dirty = false;
        }
        let action = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => match to_action(ev) {
                    Some(a) => a,
                    None => continue,
                },
                Some(Err(e)) => break terminal_failed(e),
                None => break Ok(ending),
            },
            Some(a) = rx.recv() => a,
            _ = tick.tick() => Action::Tick(Utc::now()),
            sig = signals.recv() => break Ok(sig),
        };
        if matches!(&action, Action::Key(k) if terminal::is_suspend_key(k)) {
            // The whole process stops, so the event stream reads nothing meanwhile; it is
            // kept (a new one could wait behind the old one's reader). Afterwards the frame
            // is drawn at the size the terminal has now.
            let size = match guard.stop_until_continued() {
                Ok(()) => guard.terminal().size(),
                Err(e) => Err(e),
            };
            let size = match size {
                Ok(size) => size,
                Err(e) => break terminal_failed(e),
            };
            apply(
                &mut state,
                Action::Resize(size.width, size.height),
                &exec,
                &tx,
                &mut ssh,
            );
            dirty = true;
            continue;
        }
        let ctrl_c = matches!(&action, Action::Key(k) if crate::app::keys::quits_from_anywhere(k));
        if matches!(action, Action::Key(_)) {
            injected.on_key();
        }
        if injected.fire(Site::Loop) {
            test_fault::panic_at(Site::Loop, &format!("in {state:?}"));
        }
        if injected.fire(Site::Task) {
            tokio::spawn(async { test_fault::panic_at(Site::Task, "") });
        }
        apply(&mut state, action, &exec, &tx, &mut ssh);
        if ctrl_c && state.quit {
            ending = Ending::Interrupted;
        }
        // Drain whatever else is queued, then draw once.
        while let Ok(a) = rx.try_recv() {
            apply(&mut state, a, &exec, &tx, &mut ssh);
        }
        if let Some(argv) = ssh.pop() {
            ssh.clear();
            // Stop reading the terminal so ssh gets every key; listen again afterwards. Of the
            // signals that came meanwhile, a Ctrl-C or Ctrl-\ was meant for ssh; a hang-up (the
            // terminal closed) or a termination ends the dashboard now.
            drop(events);
            let exited = super::ssh::run(&mut guard, &argv).await;
            if let Some(sig) = signals.ending_meanwhile() {
                break Ok(sig);
            }
            events = EventStream::new();
            apply(&mut state, Action::SshExited(exited), &exec, &tx, &mut ssh);
        }
        dirty = true;
        if state.quit {
            break Ok(ending);
        }
    };
    drop(guard);
    terminal::restore();
    for w in [store_watch, account_watch].into_iter().flatten() {
        w.abort();
    }
    // Tunnels last no longer than the dashboard.
    exec.tunnels.stop_all().await;
    if let Some(e) = enforcer {
        e.stop().await;
    }
    outcome
}

/// The terminal failed a write or a query. EIO is a terminal that hung up (its window closed;
/// SIGHUP is on its way): the program stops as on SIGHUP. Anything else is an error.
fn terminal_failed(e: std::io::Error) -> Result<Ending> {
    match e.raw_os_error() {
        Some(libc::EIO) => Ok(Ending::HungUp),
        _ => Err(e.into()),
    }
}

fn to_action(ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) => Some(Action::Key(k)),
        Event::Mouse(m) => Some(Action::Mouse(m)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        // Classified here, so a pasted private key never becomes part of an Action.
        Event::Paste(text) => Some(Action::Paste(Pasted::classify(text))),
        _ => None,
    }
}

fn apply(
    state: &mut AppState,
    action: Action,
    exec: &Executor,
    tx: &mpsc::UnboundedSender<Action>,
    ssh: &mut Vec<Vec<String>>,
) {
    // Every key and answer comes with the time it is handled at (a tick carries its own).
    if !matches!(action, Action::Tick(_) | Action::Start(_)) {
        update(state, Action::Now(Utc::now()));
    }
    for cmd in update(state, action) {
        match cmd {
            Command::Copy(text) => {
                if let Err(e) = terminal::copy_to_clipboard(&text) {
                    tracing::warn!("clipboard: {e}");
                }
            }
            Command::Bell => {
                let _ = terminal::bell();
            }
            Command::Notify(text) => {
                let _ = terminal::bell();
                super::guard::notify(&text);
            }
            Command::Quit => {}
            Command::OpenSsh { argv } => ssh.push(argv),
            other => exec.spawn(other, tx.clone()),
        }
    }
}
