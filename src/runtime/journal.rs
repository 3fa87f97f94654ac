//! The journal hook: every write command the executor performs is recorded in the local store
//! with its time, method, path, target (its id and name), result and the $/h involved. Rates
//! and names come from the last lists the executor fetched (a terminate carries only an id).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::Utc;

use crate::api::{ApiError, Volume};
use crate::app::guard::GuardUpdate;
use crate::app::{Action, Command};
use crate::store::{NewJournalEntry, StoreHandle};

/// A write about to be sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    pub method: &'static str,
    pub path: String,
    pub target_id: Option<String>,
    /// Its name, when the command carries it (what a create names).
    pub target_name: Option<String>,
}

/// Records writes; cheap to clone. Without a store it records nothing.
#[derive(Clone, Default)]
pub struct Journal {
    store: Option<StoreHandle>,
    rates: Arc<Mutex<HashMap<String, f64>>>,
    /// The name of each deployment, volume and SSH key of the last lists, by id.
    names: Arc<Mutex<HashMap<String, String>>>,
    /// What the store refused since the last [`Journal::troubles`], for the message log.
    troubles: Arc<Mutex<Vec<String>>>,
}

impl Journal {
    pub fn new(store: Option<StoreHandle>) -> Journal {
        Journal {
            store,
            rates: Arc::default(),
            names: Arc::default(),
            troubles: Arc::default(),
        }
    }

    /// The store's refusals since the last call, each as an Action for the message log.
    pub fn troubles(&self) -> Vec<Action> {
        std::mem::take(&mut *self.troubles.lock().unwrap_or_else(PoisonError::into_inner))
            .into_iter()
            .map(|text| Action::Guard(GuardUpdate::Store(text)))
            .collect()
    }

    fn trouble(&self, what: &str, e: &crate::store::StoreError) {
        tracing::error!(error = %e, "journal: {what}");
        self.troubles
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(format!("{what}: {e}"));
    }

    pub fn store(&self) -> Option<&StoreHandle> {
        self.store.as_ref()
    }

    /// Remember the hourly rates and the names a list answer carries.
    pub fn observe(&self, action: &Action) {
        let mut rates = self.rates.lock().unwrap_or_else(PoisonError::into_inner);
        let mut names = self.names.lock().unwrap_or_else(PoisonError::into_inner);
        let mut name = |id: &str, n: &str| {
            if !n.is_empty() {
                names.insert(id.to_string(), n.to_string());
            }
        };
        match action {
            Action::DeploymentsLoaded(Ok(list)) => {
                for d in list.iter() {
                    name(&d.id, &d.name);
                    if let Some(r) = d.hourly_rate {
                        rates.insert(d.id.clone(), r);
                    }
                }
            }
            Action::VolumesLoaded(Ok(list)) => {
                for v in list.iter() {
                    name(&v.id, &v.name);
                    if let Some(r) = volume_rate(v) {
                        rates.insert(v.id.clone(), r);
                    }
                }
            }
            Action::KeysLoaded(Ok(list)) => {
                for k in list.iter() {
                    name(&k.id, &k.name);
                }
            }
            // a rename: what the next write is about is called by the new name
            Action::DeploymentFetched { id, result: Ok(d) } => name(id, &d.name),
            Action::Renamed { id, result: Ok(d) } => name(id, &d.name),
            Action::VolumePatched { id, result: Ok(v) } => name(id, &v.name),
            _ => {}
        }
    }

    /// The name of `id` in the last lists.
    pub fn name_of(&self, id: &str) -> Option<String> {
        self.names
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    pub fn rate_of(&self, id: &str) -> Option<f64> {
        self.rates
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .copied()
    }

    /// Record `write` before it is sent; the row to complete with [`Journal::record_outcome`]
    /// (`None` without a store, or when the row could not be written: the outcome is then
    /// recorded as a whole row).
    pub async fn record_intent(&self, write: &Write) -> Option<i64> {
        let store = self.store.as_ref()?;
        let entry = NewJournalEntry {
            at: Utc::now(),
            source: "dashboard".to_string(),
            method: write.method.to_string(),
            path: write.path.clone(),
            target_id: write.target_id.clone(),
            target_name: write
                .target_name
                .clone()
                .or_else(|| write.target_id.as_deref().and_then(|id| self.name_of(id))),
            result: format!("{} sent", write.method),
            usd_per_hour: write.target_id.as_deref().and_then(|id| self.rate_of(id)),
        };
        match store.call(move |s| s.record_intent(&entry)).await {
            Ok(row) => Some(row),
            Err(e) => {
                self.trouble("a write could not be journaled before it was sent", &e);
                None
            }
        }
    }

    /// Record the outcome `answer` (the command's result Action) of `write`, in the row
    /// written ahead when there is one.
    pub async fn record_outcome(&self, row: Option<i64>, write: Write, answer: &Action) {
        let Some((result, created, rate)) = outcome(answer) else {
            return;
        };
        let (created, created_name) = created.unzip();
        if matches!(result, Err(ApiError::ReadOnly { .. })) {
            return; // refused before sending: not a write that was sent
        }
        let target_id = write.target_id.clone().or(created);
        let rate = rate.or_else(|| target_id.as_deref().and_then(|id| self.rate_of(id)));
        let mut write = write;
        write.target_name = write
            .target_name
            .or(created_name.filter(|n| !n.is_empty()))
            .or_else(|| target_id.as_deref().and_then(|id| self.name_of(id)));
        let result = match result {
            Ok(()) => "ok".to_string(),
            Err(e) => e.to_string(),
        };
        if let (Some(row), Some(store)) = (row, &self.store) {
            let (text, target) = (result.clone(), target_id.clone());
            let name = write.target_name.clone();
            let done = store
                .call(move |s| {
                    let about = crate::store::Target {
                        id: target.as_deref(),
                        name: name.as_deref(),
                    };
                    s.record_outcome(row, &text, about, rate)
                })
                .await;
            match done {
                Ok(()) => return,
                Err(e) => self.trouble("a write's outcome could not be journaled", &e),
            }
        }
        self.record("dashboard", write, target_id, result, rate)
            .await;
    }

    /// Record one write.
    pub async fn record(
        &self,
        source: &str,
        write: Write,
        target_id: Option<String>,
        result: String,
        usd_per_hour: Option<f64>,
    ) {
        let Some(store) = &self.store else { return };
        let entry = NewJournalEntry {
            at: Utc::now(),
            source: source.to_string(),
            method: write.method.to_string(),
            path: write.path,
            target_id,
            target_name: write.target_name,
            result,
            usd_per_hour,
        };
        if let Err(e) = store.call(move |s| s.record(&entry)).await {
            self.trouble("a write could not be journaled", &e);
        }
    }
}

impl Journal {
    /// Store a rule from the guard dialog; the answer is a notice for the status bar.
    pub async fn set_guard(&self, rule: crate::store::StoredRule, name: &str) -> Action {
        let text = match &self.store {
            None => "no local store: the guard is off".to_string(),
            Some(s) => {
                let now = Utc::now();
                let mut what = format!(
                    "set on {name}: terminate {} ({})",
                    rule.rule.in_local(now, *chrono::Local::now().offset()),
                    rule.spec
                );
                if let crate::domain::guard::GuardRule::Idle { .. } = rule.rule {
                    what = format!("{what}; {}", crate::domain::idle::COUNTED_FROM_NOW);
                }
                match s.call(move |s| s.put_rule(&rule)).await {
                    Ok(()) => what,
                    Err(e) => format!("not set on {name}: {e}"),
                }
            }
        };
        Action::Guard(GuardUpdate::Notice { text, alert: false })
    }

    /// Snooze the idle rule of `id` until `until` (its warning was answered).
    pub async fn snooze_guard(
        &self,
        id: String,
        name: &str,
        until: chrono::DateTime<Utc>,
    ) -> Action {
        let text = match &self.store {
            None => "no local store: the guard is off".to_string(),
            Some(s) => {
                let key = id.clone();
                match s.call(move |s| s.snooze_rule(&key, until)).await {
                    Ok(true) => format!(
                        "idle rule of {name} ({id}) snoozed until {} (1 h)",
                        crate::domain::clock::clock(
                            until,
                            *chrono::Local::now().offset(),
                            Utc::now()
                        )
                    ),
                    Ok(false) => format!("{name} ({id}) has no idle rule to snooze"),
                    Err(e) => format!("not snoozed: {e}"),
                }
            }
        };
        Action::Guard(GuardUpdate::Notice { text, alert: false })
    }

    pub async fn clear_guard(&self, id: String, name: &str) -> Action {
        let text = match &self.store {
            None => "no local store: the guard is off".to_string(),
            Some(s) => {
                let key = id.clone();
                match s.call(move |s| s.remove_rule(&key)).await {
                    Ok(_) => format!("cleared on {name} ({id})"),
                    Err(e) => format!("not cleared on {name}: {e}"),
                }
            }
        };
        Action::Guard(GuardUpdate::Notice { text, alert: false })
    }
}

fn volume_rate(v: &Volume) -> Option<f64> {
    v.hourly_rate.or_else(|| {
        Some(crate::domain::cost::volume_per_hour(
            v.size_in_gb?,
            v.hourly_rate_per_gb?,
        ))
    })
}

/// The write a command sends, if it sends one.
pub fn describe(cmd: &Command) -> Option<Write> {
    let w = |method, path: String, id: Option<&str>| {
        Some(Write {
            method,
            path,
            target_id: id.map(str::to_owned),
            target_name: None,
        })
    };
    // what a create names, before it has an id
    let named = |write: Option<Write>, name: &str| {
        write.map(|w| Write {
            target_name: Some(name.to_string()).filter(|n| !n.is_empty()),
            ..w
        })
    };
    match cmd {
        Command::Deploy { request } => named(
            w("POST", "/api/deployments".into(), None),
            request.name.as_deref().unwrap_or(""),
        ),
        Command::Terminate { id } => w("DELETE", format!("/api/deployments/{id}"), Some(id)),
        Command::RenameDeployment { id, .. } => {
            w("PATCH", format!("/api/deployments/{id}"), Some(id))
        }
        Command::AddKey(k) => named(w("POST", "/api/ssh-keys".into(), None), &k.name),
        Command::DeleteKey { id } => w("DELETE", format!("/api/ssh-keys/{id}"), Some(id)),
        Command::CreateVolume(v) => named(w("POST", "/api/volumes".into(), None), &v.name),
        Command::PatchVolume { id, .. } => w("PATCH", format!("/api/volumes/{id}"), Some(id)),
        Command::DeleteVolume { id } => w("DELETE", format!("/api/volumes/{id}"), Some(id)),
        Command::AttachVolume { id, .. } => {
            w("POST", format!("/api/volumes/{id}/attach"), Some(id))
        }
        Command::DetachVolume { id, .. } => {
            w("POST", format!("/api/volumes/{id}/detach"), Some(id))
        }
        _ => None,
    }
}

/// `(result, id and name of what was created, its rate)` of a write's answer.
type Outcome<'a> = (
    Result<(), &'a ApiError>,
    Option<(String, String)>,
    Option<f64>,
);

fn unit(r: Result<(), &ApiError>) -> Option<Outcome<'_>> {
    Some((r, None, None))
}

fn outcome(a: &Action) -> Option<Outcome<'_>> {
    match a {
        Action::Deployed(r) => Some(match r {
            Ok(d) => (Ok(()), Some((d.id.clone(), d.name.clone())), d.hourly_rate),
            Err(e) => (Err(e), None, None),
        }),
        Action::Terminated { result, .. } => unit(result.as_ref().map(drop)),
        Action::Renamed { result, .. } => unit(result.as_ref().map(drop)),
        Action::KeyAdded(r) => Some(match r {
            Ok(k) => (Ok(()), Some((k.id.clone(), k.name.clone())), None),
            Err(e) => (Err(e), None, None),
        }),
        Action::VolumeCreated(r) => Some(match r {
            Ok(v) => (Ok(()), Some((v.id.clone(), v.name.clone())), volume_rate(v)),
            Err(e) => (Err(e), None, None),
        }),
        Action::KeyDeleted { result, .. } | Action::VolumeDeleted { result, .. } => {
            unit(result.as_ref().map(drop))
        }
        Action::VolumePatched { result, .. }
        | Action::VolumeAttached { result, .. }
        | Action::VolumeDetached { result, .. } => Some(match result {
            Ok(v) => (Ok(()), None, volume_rate(v)),
            Err(e) => (Err(e), None, None),
        }),
        _ => None,
    }
}
