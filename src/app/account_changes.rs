//! Changes to the account made by another process, when the account can say so: the demo's
//! world, shared by every `--demo` process, tells what another one did (the runtime looks every
//! second). The live API has no such channel, so against a real account none arrive. Each
//! change is said in the message log with where it came from (one line with the journal's
//! entry for the same write, see [`super::elsewhere`]), and the lists it touched are asked for
//! at once.

use super::action::Command;
use super::state::AppState;
use super::{lists, polling};

/// Which lists a change touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touched {
    Deployments,
    Volumes,
    Keys,
    /// The whole account (a demo world started afresh).
    Everything,
}

/// One change, as the user would say it ("deployment llm-x (dep_…) created").
#[derive(Debug, Clone, PartialEq)]
pub struct AccountChange {
    pub touched: Touched,
    /// The id of what was acted on, when one thing was.
    pub target: Option<String>,
    pub text: String,
}

pub fn on_changes(state: &mut AppState, changes: Vec<AccountChange>) -> Vec<Command> {
    let (mut lists, mut keys, mut account) = (false, false, false);
    for c in changes {
        super::elsewhere::done(state, c.target.as_deref(), &c.text);
        match c.touched {
            // A deployment lists its volumes, and a volume its deployments.
            Touched::Deployments | Touched::Volumes => lists = true,
            Touched::Keys => keys = true,
            Touched::Everything => (lists, keys, account) = (true, true, true),
        }
    }
    if !state.started || !state.session.has_key() {
        return Vec::new();
    }
    let mut cmds = Vec::new();
    if lists {
        cmds.extend(polling::reload_changed(state));
    }
    // Keys not loaded yet are read when first needed, as they are now.
    if keys && state.keys.loaded_at.is_some() {
        cmds.extend(lists::fetch_keys(state));
    }
    if account {
        cmds.extend(polling::account_loads(state));
    }
    cmds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Pane;
    use crate::app::state::Session;

    fn started() -> AppState {
        let mut s = AppState::new(
            Session {
                key_mask: Some("sai_…".into()),
                ..Session::default()
            },
            crate::demo::test_epoch(),
        );
        s.started = true;
        s
    }

    fn change(touched: Touched, text: &str) -> Vec<AccountChange> {
        vec![AccountChange {
            touched,
            target: None,
            text: text.into(),
        }]
    }

    fn said(s: &AppState) -> Vec<String> {
        s.status.log.iter().map(|e| e.text.clone()).collect()
    }

    #[test]
    fn a_deploy_elsewhere_is_said_and_the_lists_are_asked_for_at_once() {
        let mut s = started();
        s.pane = Pane::Volumes;
        // A poll went out a second ago: the change does not wait for the poll spacing.
        s.schedule.deployments_last = Some(s.now - chrono::Duration::seconds(1));
        let cmds = on_changes(
            &mut s,
            change(Touched::Deployments, "deployment x (dep_1) created"),
        );
        assert_eq!(
            said(&s),
            ["deployment x (dep_1) created by another spheron-tui process"]
        );
        assert!(
            matches!(
                &cmds[..],
                [
                    Command::FetchDeployments { .. },
                    Command::FetchVolumes { .. }
                ]
            ),
            "{cmds:?}"
        );
        // Another change while both are out: each is asked again right after its answer.
        let cmds = on_changes(&mut s, change(Touched::Volumes, "volume v (vol_1) deleted"));
        assert!(cmds.is_empty(), "{cmds:?}");
        assert_eq!(s.schedule.deployments_due, Some(s.now));
        assert_eq!(s.schedule.volumes_due, Some(s.now));
    }

    #[test]
    fn volumes_not_shown_wait_for_their_pane_and_keys_for_their_first_load() {
        let mut s = started();
        s.pane = Pane::Deployments;
        s.volumes.loaded_at = Some(s.now);
        let cmds = on_changes(&mut s, change(Touched::Volumes, "volume v (vol_1) created"));
        assert!(
            matches!(&cmds[..], [Command::FetchDeployments { .. }]),
            "{cmds:?}"
        );
        assert_eq!(s.schedule.volumes_due, Some(s.now));
        let cmds = on_changes(&mut s, change(Touched::Keys, "SSH key k (sshk_1) added"));
        assert!(cmds.is_empty(), "{cmds:?}");
        s.keys.loaded_at = Some(s.now);
        let cmds = on_changes(&mut s, change(Touched::Keys, "SSH key k (sshk_1) deleted"));
        assert_eq!(cmds, [Command::FetchKeys]);
    }

    #[test]
    fn a_world_started_afresh_asks_for_the_whole_account() {
        let mut s = started();
        s.pane = Pane::Account;
        s.keys.loaded_at = Some(s.now);
        let cmds = on_changes(
            &mut s,
            change(Touched::Everything, "demo world started afresh"),
        );
        for want in [
            "FetchDeployments",
            "FetchVolumes",
            "FetchKeys",
            "FetchTeams",
            "FetchBalance",
        ] {
            assert!(
                cmds.iter().any(|c| format!("{c:?}").starts_with(want)),
                "{want} in {cmds:?}"
            );
        }
    }

    #[test]
    fn nothing_is_asked_while_the_api_said_to_wait_or_before_the_start() {
        let mut s = started();
        s.status.blocked_until = Some(s.now + chrono::Duration::seconds(30));
        assert!(on_changes(&mut s, change(Touched::Deployments, "x")).is_empty());
        let mut s = started();
        s.started = false;
        assert!(on_changes(&mut s, change(Touched::Deployments, "x")).is_empty());
        assert_eq!(said(&s).len(), 1, "said all the same");
    }
}
