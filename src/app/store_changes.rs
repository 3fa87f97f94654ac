//! What other processes wrote to the local store — a rule from `guard add`, a watch from
//! `watch add`, a write `guard run` or another dashboard sent — as the dashboard learns it (the
//! runtime looks every second): each is said in the message log with where it came from, and
//! the watches are taken in at once, their matching marks with them.

use super::action::Command;
use super::state::{AppState, FlashKind};
use crate::store::changes::Changes;

/// Where the changes this module reports were made.
pub(crate) const ELSEWHERE: &str = "another spheron-tui process";

pub fn on_changes(state: &mut AppState, c: Changes) -> Vec<Command> {
    for r in &c.rules_set {
        let who = deployment(state, &r.deployment_id);
        state.say(
            FlashKind::Info,
            format!("guard rule for {who} set by {ELSEWHERE}: {}", r.spec),
        );
    }
    for id in &c.rules_removed {
        let who = deployment(state, id);
        state.say(
            FlashKind::Info,
            format!("guard rule for {who} removed by {ELSEWHERE}"),
        );
    }
    for e in &c.journal {
        let e = &e.entry;
        // what it acted on: by the name the journal kept (as it was called when sent), else
        // as the lists held now name it
        let about = about(
            state,
            e.target_id.as_deref(),
            e.target_name.as_deref(),
            &e.path,
        );
        let line = format!(
            "{} of {ELSEWHERE} sent {} {}{about}: {}",
            e.source, e.method, e.path, e.result
        );
        let target = e.target_id.as_deref();
        super::elsewhere::sent(state, target, &e.source, &e.result, line);
    }
    let Some(watches) = c.watches else {
        return Vec::new();
    };
    let before = &state.prices.watches;
    let mut said = Vec::new();
    for w in &watches {
        match before.iter().find(|b| b.id == w.id) {
            None => said.push(format!("watch {} added by {ELSEWHERE}: {}", w.id, w.spec)),
            Some(b) if b.spec != w.spec => {
                said.push(format!("watch {} changed by {ELSEWHERE}: {}", w.id, w.spec));
            }
            Some(_) => {}
        }
    }
    for b in before
        .iter()
        .filter(|b| !watches.iter().any(|w| w.id == b.id))
    {
        said.push(format!("watch {} removed by {ELSEWHERE}", b.id));
    }
    for text in said {
        state.say(FlashKind::Info, text);
    }
    super::prices::set_watches(state, watches)
}

/// What a journal entry acted on, after its path: ` (name)` when the path holds its id (or it
/// has no id), else ` (name, id)` or ` (id)`; nothing when the path has its id and its name is
/// not known. The name is the one the journal kept (`said`), else the lists' held now.
fn about(state: &AppState, id: Option<&str>, said: Option<&str>, path: &str) -> String {
    let listed = |id: &str| {
        state
            .deployments
            .items
            .iter()
            .find(|d| d.id == id)
            .map(|d| &d.name)
            .or_else(|| {
                state
                    .volumes
                    .items
                    .iter()
                    .find(|v| v.id == id)
                    .map(|v| &v.name)
            })
            .or_else(|| {
                state
                    .keys
                    .items
                    .iter()
                    .find(|k| k.id == id)
                    .map(|k| &k.name)
            })
            .map(String::as_str)
    };
    let name = said
        .or_else(|| id.and_then(listed))
        .filter(|n| !n.is_empty());
    match (name, id) {
        (Some(n), Some(id)) if !path.contains(id) => format!(" ({n}, {id})"),
        (Some(n), _) => format!(" ({n})"),
        (None, Some(id)) if !path.contains(id) => format!(" ({id})"),
        (None, _) => String::new(),
    }
}

/// A deployment as the messages name it: its name and id when it is listed, else its id.
fn deployment(state: &AppState, id: &str) -> String {
    match state.deployments.items.iter().find(|d| d.id == id) {
        Some(d) if !d.name.is_empty() => format!("{} ({id})", d.name),
        _ => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{InstanceType, Offer};
    use crate::app::prices::PriceCmd;
    use crate::app::state::Session;
    use crate::domain::guard::{GuardRule, StoredRule};
    use crate::domain::watch::{Watch, WatchSpec};
    use crate::store::{JournalEntry, NewJournalEntry};

    fn state() -> AppState {
        let mut s = AppState::new(Session::default(), crate::demo::test_epoch());
        s.offers.all = vec![Offer {
            provider: "acme".into(),
            offer_id: "o1".into(),
            gpu_type: "H100_SXM5".into(),
            gpu_count: 8,
            price: Some(12.0),
            available: true,
            instance_type: InstanceType::Spot,
            ..Offer::default()
        }];
        s
    }

    fn watch(id: i64, max: f64) -> Watch {
        Watch {
            id,
            spec: WatchSpec {
                gpu: "h100".into(),
                max_gpu_price: max,
                ..WatchSpec::default()
            },
            created_at: crate::demo::test_epoch(),
        }
    }

    fn said(s: &AppState) -> Vec<String> {
        s.status.log.iter().map(|e| e.text.clone()).collect()
    }

    #[test]
    fn each_change_is_said_with_where_it_came_from() {
        let mut s = state();
        let entry = JournalEntry {
            id: 7,
            entry: NewJournalEntry {
                at: s.now,
                source: "guard".into(),
                method: "DELETE".into(),
                path: "/api/deployments/dep_1".into(),
                target_id: Some("dep_1".into()),
                target_name: Some("trainer".into()),
                result: "ok".into(),
                usd_per_hour: None,
            },
            outcome_known: true,
        };
        on_changes(
            &mut s,
            Changes {
                rules_set: vec![StoredRule {
                    deployment_id: "dep_1".into(),
                    rule: GuardRule::MaxSpend(5.0),
                    spec: "--max-spend 5".into(),
                    created_at: crate::demo::test_epoch(),
                }],
                rules_removed: vec!["dep_2".into()],
                watches: None,
                journal: vec![entry],
            },
        );
        assert_eq!(
            said(&s),
            [
                "guard rule for dep_1 set by another spheron-tui process: --max-spend 5",
                "guard rule for dep_2 removed by another spheron-tui process",
                "guard of another spheron-tui process sent DELETE /api/deployments/dep_1 (trainer): ok",
            ]
        );
    }

    #[test]
    fn a_journal_line_names_what_the_write_acted_on() {
        let mut s = state();
        s.deployments.items = vec![crate::api::Deployment {
            id: "dep_1".into(),
            name: "trainer".into(),
            ..Default::default()
        }];
        let entry = |id: i64, method: &str, path: &str, target: &str| JournalEntry {
            id,
            entry: NewJournalEntry {
                at: s.now,
                source: "cli".into(),
                method: method.into(),
                path: path.into(),
                target_id: Some(target.into()),
                target_name: None,
                result: "refused".into(),
                usd_per_hour: None,
            },
            outcome_known: true,
        };
        // a key deleted elsewhere is in no list now: the name the journal kept says it
        let mut deleted = entry(4, "DELETE", "/api/ssh-keys/k1", "k1");
        deleted.entry.target_name = Some("laptop".into());
        // the name recorded when it was sent wins over the one listed now
        let mut renamed = entry(5, "PATCH", "/api/deployments/dep_1", "dep_1");
        renamed.entry.target_name = Some("old-trainer".into());
        let journal = vec![
            entry(1, "PATCH", "/api/deployments/dep_1", "dep_1"),
            entry(2, "POST", "/api/deployments", "dep_1"),
            entry(3, "POST", "/api/volumes", "vol_9"),
            deleted,
            renamed,
        ];
        on_changes(
            &mut s,
            Changes {
                journal,
                ..Changes::default()
            },
        );
        assert_eq!(
            said(&s),
            [
                "cli of another spheron-tui process sent PATCH /api/deployments/dep_1 (trainer): refused",
                "cli of another spheron-tui process sent POST /api/deployments (trainer, dep_1): refused",
                "cli of another spheron-tui process sent POST /api/volumes (vol_9): refused",
                "cli of another spheron-tui process sent DELETE /api/ssh-keys/k1 (laptop): refused",
                "cli of another spheron-tui process sent PATCH /api/deployments/dep_1 (old-trainer): refused",
            ]
        );
    }

    #[test]
    fn a_watch_changed_elsewhere_is_taken_in_with_its_mark_at_once() {
        let mut s = state();
        // The offer is $1.50/GPU·h: watch 1 (at most $1.00) does not match it, watch 2 does.
        s.prices.watches = vec![watch(1, 1.0), watch(2, 9.0)];
        let changes = |w| Changes {
            watches: Some(w),
            ..Changes::default()
        };
        let cmds = on_changes(&mut s, changes(vec![watch(1, 2.0), watch(3, 9.0)]));
        assert_eq!(
            said(&s),
            [
                "watch 1 changed by another spheron-tui process: H100 ≤ $2.00/GPU·h",
                "watch 3 added by another spheron-tui process: H100 ≤ $9.00/GPU·h",
                "watch 2 removed by another spheron-tui process",
            ]
        );
        assert_eq!(s.prices.watches, vec![watch(1, 2.0), watch(3, 9.0)]);
        // Both now match the loaded offer: marked without waiting for a load, and their
        // episodes started now (announced if the store says they are new).
        assert!(s.prices.episodes.is_matching(1) && s.prices.episodes.is_matching(3));
        let [Command::Prices(PriceCmd::Episodes { hits, .. })] = &cmds[..] else {
            panic!("{cmds:?}");
        };
        assert_eq!(hits.iter().map(|h| h.watch_id).collect::<Vec<_>>(), [1, 3]);
        // Lowered below the offer: the mark goes at once.
        on_changes(&mut s, changes(vec![watch(1, 1.0), watch(3, 9.0)]));
        assert!(!s.prices.episodes.is_matching(1) && s.prices.episodes.is_matching(3));
    }
}
