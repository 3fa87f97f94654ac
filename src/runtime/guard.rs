//! The spend guard inside the dashboard: the same runner as `guard run`, on its own task,
//! reporting to the app as Actions. It shares the client (and so the request budget) and the
//! store; it enforces only while it holds the store's lock.

use std::io::Write as _;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::app::Action;
use crate::app::guard::GuardUpdate;
use crate::commands::context::{Ctx, Sink};
use crate::runtime::worker::{Report, Runner};
use crate::store::StoreHandle;

/// A running enforcer task; [`DashboardGuard::stop`] ends it and gives the lock up.
pub struct DashboardGuard {
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl DashboardGuard {
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Start the enforcer for the dashboard, reporting to `tx`.
pub fn spawn(
    client: crate::api::Client,
    store: StoreHandle,
    poll_interval: std::time::Duration,
    instances: crate::runtime::usage::Instances,
    tx: mpsc::UnboundedSender<Action>,
) -> DashboardGuard {
    let quiet: Sink = Arc::new(|_, line| tracing::info!(%line, "guard"));
    let ctx = Ctx {
        read_only: client.is_read_only(),
        client,
        store,
        clock: Arc::new(chrono::Utc::now),
        local_offset: *chrono::Local::now().offset(),
        poll_interval,
        sink: quiet,
    };
    let report = move |r: Report| {
        let _ = tx.send(Action::Guard(update_of(r)));
    };
    let mut runner = Runner::new(ctx, false, "dashboard")
        .with_reporter(Box::new(report))
        .with_instances(instances);
    let (stop_tx, mut stop_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(1));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                _ = &mut stop_rx => break,
                _ = every.tick() => {
                    tokio::select! {
                        _ = &mut stop_rx => break,
                        _ = runner.step() => {}
                    }
                }
            }
        }
        runner.release().await;
    });
    DashboardGuard {
        stop: Some(stop_tx),
        task,
    }
}

/// What the dashboard is told of a runner's report.
pub fn update_of(r: Report) -> GuardUpdate {
    match r {
        Report::Line { text, alert } => {
            tracing::info!(%text, alert, "guard");
            GuardUpdate::Notice { text, alert }
        }
        Report::Rows(rows) => GuardUpdate::Rows(rows),
        Report::Enforcer(e) => GuardUpdate::Enforcer(e),
        Report::Terminating { id } => GuardUpdate::Terminating { id },
        Report::IdleWarning { id } => GuardUpdate::IdleWarning { id },
        Report::Rules(rules) => GuardUpdate::Rules(rules),
    }
}

/// A desktop notification through the terminal, where it supports one.
pub fn notify(text: &str) {
    if let Some(seq) = crate::commands::guard::notify::osc(text, |k| std::env::var(k).ok()) {
        let mut out = std::io::stdout();
        let _ = out.write_all(seq.as_bytes());
        let _ = out.flush();
    }
}
