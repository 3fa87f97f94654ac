//! Guard rules and the enforcer lock.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::{Store, StoreError};
use crate::domain::guard::GuardRule;
pub use crate::domain::guard::{LockState, StoredRule};

/// A rule whose DELETE keeps failing.
#[derive(Debug, Clone, PartialEq)]
pub struct Failing {
    pub failures: u32,
    pub next_try: DateTime<Utc>,
    /// The last failure, as the user saw it.
    pub error: String,
}

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
        let (kind, deadline, max, idle) = match &r.rule {
            GuardRule::Deadline(at) => ("deadline", Some(ts(*at)), None, None),
            GuardRule::MaxSpend(usd) => ("max_spend", None, Some(*usd), None),
            GuardRule::Idle { window, below_pct } => {
                ("idle", None, None, Some((window.num_seconds(), *below_pct)))
            }
        };
        self.conn
            .execute(
                "INSERT INTO guard_rules (deployment_id, kind, deadline, max_spend_usd, spec, created_at,
                   idle_secs, idle_below)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (deployment_id) DO UPDATE SET kind = ?2, deadline = ?3,
                   max_spend_usd = ?4, spec = ?5, created_at = ?6, idle_secs = ?7, idle_below = ?8,
                   failures = 0, next_try = NULL, last_error = NULL",
                params![
                    r.deployment_id,
                    kind,
                    deadline,
                    max,
                    r.spec,
                    ts(r.created_at),
                    idle.map(|i| i.0),
                    idle.map(|i| i.1)
                ],
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

    /// Keep with a rule that its DELETE failed `failures` times and is tried again at
    /// `next_try`. Nothing when the rule is gone.
    pub fn set_rule_failing(&self, deployment_id: &str, f: &Failing) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE guard_rules SET failures = ?2, next_try = ?3, last_error = ?4
                 WHERE deployment_id = ?1",
                params![deployment_id, f.failures, ts(f.next_try), f.error],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The rules whose DELETE is failing, by deployment id.
    pub fn rules_failing(&self) -> Result<Vec<(String, Failing)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT deployment_id, failures, next_try, last_error FROM guard_rules
                 WHERE failures > 0 ORDER BY deployment_id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, failures, next, error) = row.map_err(|e| self.err(e))?;
            if let Some(next_try) = next.as_deref().and_then(parse_ts) {
                out.push((
                    id,
                    Failing {
                        failures,
                        next_try,
                        error: error.unwrap_or_default(),
                    },
                ));
            }
        }
        Ok(out)
    }

    /// Every rule, oldest first. A row this version cannot read is skipped (and logged).
    pub fn rules(&self) -> Result<Vec<StoredRule>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT deployment_id, kind, deadline, max_spend_usd, spec, created_at, idle_secs,
                   idle_below
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
                    r.get::<_, Option<i64>>(6)?,
                    r.get::<_, Option<f64>>(7)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, deadline, max, spec, created, idle_secs, idle_below) =
                row.map_err(|e| self.err(e))?;
            let rule = match (kind.as_str(), deadline.as_deref().and_then(parse_ts), max) {
                ("deadline", Some(at), _) => GuardRule::Deadline(at),
                ("max_spend", _, Some(usd)) => GuardRule::MaxSpend(usd),
                ("idle", _, _) if idle_secs.is_some() && idle_below.is_some() => GuardRule::Idle {
                    window: Duration::seconds(idle_secs.unwrap_or_default()),
                    below_pct: idle_below.unwrap_or_default(),
                },
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

    /// Take or renew the enforcer lock for `holder` (a unique id of this process, see
    /// [`lock_holder_id`]) until `now + ttl`. An expired lock is taken over, and so is one whose
    /// holder is a process of this machine that no longer exists (killed without giving it up);
    /// a live one of another holder is reported.
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
            if h != holder && exp > now && !holder_is_gone(&h) {
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

/// This process's id for the enforcer lock: `host:pid:nonce` (the nonce tells two runners of
/// one process apart).
pub fn lock_holder_id() -> String {
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}:{}:{nonce}", host_name(), std::process::id())
}

fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that much.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    match ok {
        true => String::from_utf8_lossy(&buf[..end]).into_owned(),
        false => String::new(),
    }
}

/// Whether `holder` names a process of this machine that is gone. Unknown shapes, other
/// machines and live (or unsignalable) processes are not gone.
fn holder_is_gone(holder: &str) -> bool {
    let mut parts = holder.rsplitn(3, ':');
    let (_nonce, pid, host) = (parts.next(), parts.next(), parts.next());
    let (Some(pid), Some(host)) = (pid.and_then(|p| p.parse::<i32>().ok()), host) else {
        return false;
    };
    if host.is_empty() || host != host_name() || pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}
