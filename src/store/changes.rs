//! What other processes write to the store, told apart from this process's own writes: the
//! dashboard says when a rule, a watch or a journal entry came from elsewhere (`guard add`,
//! `watch add`, `guard run`, another dashboard).
//!
//! `PRAGMA data_version` moves when another connection commits, never for this connection's
//! own commits; `total_changes` counts this connection's own row changes. The writer thread
//! calls [`Store::before_job`] and [`Store::after_job`] around every job: what changed before a
//! job is another process's doing, kept for [`Store::take_changes`]; after a job that wrote,
//! the baseline takes this process's own writes in, so they are never reported. (A commit of
//! another process that lands in the middle of one of this process's jobs is taken in with it,
//! unreported; what is read afterwards still has it.)

use std::collections::BTreeSet;

use super::{JournalEntry, Store, StoreError, StoredRule};
use crate::domain::watch::Watch;

/// What other processes changed since the last [`Store::take_changes`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    /// Rules set elsewhere: new ones, and new rules for a deployment that had one.
    pub rules_set: Vec<StoredRule>,
    /// Deployments whose rule was removed elsewhere.
    pub rules_removed: Vec<String>,
    /// Every watch as it is now, when one was added, changed or removed elsewhere.
    pub watches: Option<Vec<Watch>>,
    /// Writes another process sent, oldest first, each once its outcome is recorded (the
    /// journal is written before a request is sent).
    pub journal: Vec<JournalEntry>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.rules_set.is_empty()
            && self.rules_removed.is_empty()
            && self.watches.is_none()
            && self.journal.is_empty()
    }
}

/// The store as this process last knew it, and what others changed since.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    data_version: i64,
    own_changes: u64,
    rules: Vec<StoredRule>,
    watches: Vec<Watch>,
    /// Journal entries up to this id are taken in.
    journal_id: i64,
    /// Entries after `journal_id` taken in already (reported, or this process's own).
    taken: BTreeSet<i64>,
    /// Another process's entries still waiting for their outcome.
    waiting: BTreeSet<i64>,
    pending: Changes,
}

/// One look at what the tracker follows.
struct Look {
    rules: Vec<StoredRule>,
    watches: Vec<Watch>,
    /// Entries after the last one the tracker knew.
    journal: Vec<JournalEntry>,
}

impl Tracker {
    /// Take `look` in as the new baseline; `elsewhere`: what differs is another process's.
    fn take_in(&mut self, look: Look, elsewhere: bool) {
        if elsewhere {
            let p = &mut self.pending;
            p.rules_set.extend(
                look.rules
                    .iter()
                    .filter(|r| !self.rules.contains(r))
                    .cloned(),
            );
            p.rules_removed.extend(
                self.rules
                    .iter()
                    .filter(|r| {
                        !look
                            .rules
                            .iter()
                            .any(|n| n.deployment_id == r.deployment_id)
                    })
                    .map(|r| r.deployment_id.clone()),
            );
            if look.watches != self.watches {
                p.watches = Some(look.watches.clone());
            }
        }
        self.rules = look.rules;
        self.watches = look.watches;
        // What is reported is the list as it is now, this process's own changes included.
        if let Some(w) = &mut self.pending.watches {
            w.clone_from(&self.watches);
        }
        let ids: Vec<i64> = look.journal.iter().map(|e| e.id).collect();
        for e in look.journal {
            if self.taken.contains(&e.id) {
                continue;
            }
            if !elsewhere && !self.waiting.contains(&e.id) {
                self.taken.insert(e.id);
            } else if e.outcome_known {
                self.waiting.remove(&e.id);
                self.taken.insert(e.id);
                self.pending.journal.push(e);
            } else {
                self.waiting.insert(e.id);
            }
        }
        // Move past what is taken in, up to the first entry still waiting.
        for id in ids {
            if !self.taken.remove(&id) {
                break;
            }
            self.journal_id = id;
        }
    }
}

impl Store {
    /// Start telling other processes' writes apart (the dashboard); until then the writer's
    /// hooks cost nothing.
    pub fn track_changes(&mut self) -> Result<(), StoreError> {
        let mut t = Tracker {
            data_version: self.data_version()?,
            own_changes: self.conn.total_changes(),
            journal_id: self.last_journal_id()?,
            ..Tracker::default()
        };
        t.take_in(self.look(t.journal_id)?, false);
        self.tracker = Some(t);
        Ok(())
    }

    /// Before each job of the writer thread: what changed since is another process's.
    pub(crate) fn before_job(&mut self) {
        if let Err(e) = self.note_others() {
            tracing::warn!(error = %e, "store: could not read what other processes wrote");
        }
    }

    /// After each job: this process's own writes join the baseline.
    pub(crate) fn after_job(&mut self) {
        let Some(t) = &self.tracker else { return };
        let own = self.conn.total_changes();
        if own == t.own_changes {
            return;
        }
        let look = self
            .data_version()
            .and_then(|v| Ok((v, self.look(t.journal_id)?)));
        match look {
            Ok((v, look)) => {
                let t = self.tracker.as_mut().expect("checked");
                t.data_version = v;
                t.own_changes = own;
                t.take_in(look, false);
            }
            Err(e) => tracing::warn!(error = %e, "store: could not read the store after a write"),
        }
    }

    /// What other processes changed since the last call (nothing when not tracking).
    pub fn take_changes(&mut self) -> Result<Changes, StoreError> {
        self.note_others()?;
        Ok(self
            .tracker
            .as_mut()
            .map(|t| std::mem::take(&mut t.pending))
            .unwrap_or_default())
    }

    fn note_others(&mut self) -> Result<(), StoreError> {
        let Some(t) = &self.tracker else {
            return Ok(());
        };
        let v = self.data_version()?;
        if v == t.data_version {
            return Ok(());
        }
        let look = self.look(t.journal_id)?;
        let t = self.tracker.as_mut().expect("checked");
        t.data_version = v;
        t.take_in(look, true);
        Ok(())
    }

    /// `PRAGMA data_version`: moves when another connection commits.
    fn data_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    fn look(&self, journal_id: i64) -> Result<Look, StoreError> {
        Ok(Look {
            rules: self.rules()?,
            watches: self.watches()?,
            journal: self.journal_after(journal_id)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::guard::GuardRule;
    use crate::domain::watch::WatchSpec;
    use crate::store::NewJournalEntry;

    fn rule(id: &str) -> StoredRule {
        StoredRule {
            deployment_id: id.into(),
            rule: GuardRule::MaxSpend(5.0),
            spec: "--max-spend 5".into(),
            created_at: crate::demo::test_epoch(),
        }
    }

    fn entry(source: &str) -> NewJournalEntry {
        NewJournalEntry {
            at: crate::demo::test_epoch(),
            source: source.into(),
            method: "DELETE".into(),
            path: "/api/deployments/dep_1".into(),
            target_id: Some("dep_1".into()),
            target_name: Some("trainer".into()),
            result: "ok".into(),
            usd_per_hour: Some(2.0),
        }
    }

    fn spec(gpu: &str) -> WatchSpec {
        WatchSpec {
            gpu: gpu.into(),
            max_gpu_price: 2.0,
            ..WatchSpec::default()
        }
    }

    /// Run `f` as a job of the writer thread would be run.
    fn job<R>(s: &mut Store, f: impl FnOnce(&mut Store) -> R) -> R {
        s.before_job();
        let r = f(s);
        s.after_job();
        r
    }

    #[test]
    fn another_processs_writes_are_reported_and_this_ones_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite3");
        let (mut mine, _) = Store::open(&path).unwrap();
        let (other, _) = Store::open(&path).unwrap();
        other.put_rule(&rule("dep_before")).unwrap();
        mine.track_changes().unwrap();
        assert!(
            mine.take_changes().unwrap().is_empty(),
            "what was there before"
        );
        // Mine: a rule, a watch, a journal entry; then the other's, interleaved.
        job(&mut mine, |s| s.put_rule(&rule("dep_mine"))).unwrap();
        other.put_rule(&rule("dep_other")).unwrap();
        job(&mut mine, |s| s.record(&entry("dashboard"))).unwrap();
        let w = other
            .add_watch(&spec("h100"), crate::demo::test_epoch())
            .unwrap();
        other.record(&entry("guard")).unwrap();
        job(&mut mine, |s| {
            s.add_watch(&spec("a100"), crate::demo::test_epoch())
        })
        .unwrap();
        other.remove_rule("dep_before").unwrap();
        let c = job(&mut mine, |s| s.take_changes()).unwrap();
        assert_eq!(c.rules_set, vec![rule("dep_other")]);
        assert_eq!(c.rules_removed, vec!["dep_before".to_string()]);
        let watches = c.watches.expect("the watches changed");
        assert_eq!(watches.len(), 2);
        assert!(watches.iter().any(|x| x.id == w));
        assert_eq!(c.journal.len(), 1);
        assert_eq!(c.journal[0].entry.source, "guard");
        // A write another process recorded ahead is told once its outcome is known.
        let ahead = other.record_intent(&entry("guard")).unwrap();
        assert!(
            job(&mut mine, |s| s.take_changes())
                .unwrap()
                .journal
                .is_empty()
        );
        job(&mut mine, |s| s.record(&entry("dashboard"))).unwrap();
        other
            .record_outcome(ahead, "ok", Default::default(), None)
            .unwrap();
        let c = job(&mut mine, |s| s.take_changes()).unwrap();
        assert_eq!(c.journal.len(), 1, "{c:?}");
        assert_eq!((c.journal[0].id, c.journal[0].outcome_known), (ahead, true));
        // Nothing new: nothing reported; a change of the other's watch is.
        assert!(job(&mut mine, |s| s.take_changes()).unwrap().is_empty());
        other.update_watch(w, &spec("h200")).unwrap();
        let c = job(&mut mine, |s| s.take_changes()).unwrap();
        assert!(c.watches.unwrap().iter().any(|x| x.spec.gpu == "h200"));
        assert!(c.rules_set.is_empty() && c.journal.is_empty());
    }

    #[test]
    fn without_tracking_nothing_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.sqlite3");
        let (mut mine, _) = Store::open(&path).unwrap();
        let (other, _) = Store::open(&path).unwrap();
        other.put_rule(&rule("dep_other")).unwrap();
        assert!(job(&mut mine, |s| s.take_changes()).unwrap().is_empty());
    }
}
