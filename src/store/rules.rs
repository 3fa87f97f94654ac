//! Guard rules and the enforcer lock.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{Store, StoreError};
use crate::domain::guard::GuardRule;
pub use crate::domain::guard::{LockState, StoredRule};

/// Instants as fixed-width UTC text, so that text order is time order.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub(crate) fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.to_utc())
}

impl Store {
    /// Set (or replace) the rule of one deployment.
    pub fn put_rule(&self, r: &StoredRule) -> Result<(), StoreError> {
        let (kind, deadline, max) = match &r.rule {
            GuardRule::Deadline(at) => ("deadline", Some(ts(*at)), None),
            GuardRule::MaxSpend(usd) => ("max_spend", None, Some(*usd)),
        };
        self.conn
            .execute(
                "INSERT INTO guard_rules (deployment_id, kind, deadline, max_spend_usd, spec, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (deployment_id) DO UPDATE SET kind = ?2, deadline = ?3,
                   max_spend_usd = ?4, spec = ?5, created_at = ?6",
                params![r.deployment_id, kind, deadline, max, r.spec, ts(r.created_at)],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Remove the rule of one deployment; whether there was one.
    pub fn remove_rule(&self, deployment_id: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute(
                "DELETE FROM guard_rules WHERE deployment_id = ?1",
                [deployment_id],
            )
            .map_err(|e| self.err(e))?;
        Ok(n > 0)
    }

    /// Every rule, oldest first. A row this version cannot read is skipped (and logged).
    pub fn rules(&self) -> Result<Vec<StoredRule>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT deployment_id, kind, deadline, max_spend_usd, spec, created_at
                 FROM guard_rules ORDER BY created_at, deployment_id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<f64>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, deadline, max, spec, created) = row.map_err(|e| self.err(e))?;
            let rule = match (kind.as_str(), deadline.as_deref().and_then(parse_ts), max) {
                ("deadline", Some(at), _) => GuardRule::Deadline(at),
                ("max_spend", _, Some(usd)) => GuardRule::MaxSpend(usd),
                _ => {
                    tracing::warn!(%id, %kind, "store: unreadable guard rule skipped");
                    continue;
                }
            };
            out.push(StoredRule {
                deployment_id: id,
                rule,
                spec,
                created_at: parse_ts(&created).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Remove every guard rule and the whole journal in one transaction (`demo reset`: they
    /// name the deployments of a world that is gone). Returns how many rules and entries.
    pub fn forget_world(&mut self) -> Result<(usize, usize), StoreError> {
        let path = self.path.clone();
        let e = |e| super::sqlite_err(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(e)?;
        let rules = tx.execute("DELETE FROM guard_rules", []).map_err(e)?;
        let entries = tx.execute("DELETE FROM journal", []).map_err(e)?;
        tx.commit().map_err(e)?;
        Ok((rules, entries))
    }

    /// Take or renew the enforcer lock for `holder` (a unique id of this process) until
    /// `now + ttl`. An expired lock is taken over; a live one of another holder is reported.
    pub fn acquire_lock(
        &mut self,
        holder: &str,
        label: &str,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<LockState, StoreError> {
        let path = self.path.clone();
        let e = |e| super::sqlite_err(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(e)?;
        let current: Option<(String, String, String)> = tx
            .query_row(
                "SELECT holder, label, expires_at FROM enforcer_lock WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(e)?;
        if let Some((h, l, exp)) = current {
            let exp = parse_ts(&exp).unwrap_or_default();
            if h != holder && exp > now {
                tx.commit().map_err(e)?;
                return Ok(LockState::Other {
                    label: l,
                    expires_at: exp,
                });
            }
        }
        tx.execute(
            "INSERT INTO enforcer_lock (id, holder, label, heartbeat, expires_at)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET holder = ?1, label = ?2, heartbeat = ?3, expires_at = ?4",
            params![holder, label, ts(now), ts(now + ttl)],
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(LockState::Held)
    }

    /// Who holds the lock at `now`, without taking it.
    pub fn lock_holder(&self, now: DateTime<Utc>) -> Result<Option<String>, StoreError> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT label, expires_at FROM enforcer_lock WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(row
            .filter(|(_, exp)| parse_ts(exp).is_some_and(|t| t > now))
            .map(|(label, _)| label))
    }

    /// Give the lock up if `holder` has it.
    pub fn release_lock(&self, holder: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM enforcer_lock WHERE holder = ?1", [holder])
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}
