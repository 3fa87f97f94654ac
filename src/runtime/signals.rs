//! The signals that end the program: SIGINT, SIGTERM, SIGHUP (the terminal went away) and
//! SIGQUIT. Each ends it the same orderly way (terminal restored, enforcer lock given up), with
//! its own exit code (`crate::exit`).

use tokio::signal::unix::{Signal, SignalKind, signal};

use crate::exit::Ending;

/// Listeners for every ending signal. A signal whose listener could not be installed keeps
/// its default action.
pub struct Signals {
    listeners: Vec<(Signal, Ending)>,
}

impl Signals {
    pub fn new() -> Signals {
        let kinds = [
            (SignalKind::interrupt(), Ending::Interrupted),
            (SignalKind::terminate(), Ending::Terminated),
            (SignalKind::hangup(), Ending::HungUp),
            (SignalKind::quit(), Ending::Quit),
        ];
        let listeners = kinds
            .into_iter()
            .filter_map(|(k, e)| match signal(k) {
                Ok(s) => Some((s, e)),
                Err(err) => {
                    tracing::warn!(error = %err, ?e, "signal listener not installed");
                    None
                }
            })
            .collect();
        Signals { listeners }
    }

    /// The next ending signal.
    pub async fn recv(&mut self) -> Ending {
        if self.listeners.is_empty() {
            return std::future::pending().await;
        }
        let futures = self.listeners.iter_mut().map(|(s, e)| {
            let e = *e;
            Box::pin(async move {
                s.recv().await;
                e
            })
        });
        futures_util::future::select_all(futures).await.0
    }

    /// Without waiting: the ending signals that came while a child had the terminal. Ctrl-C
    /// and Ctrl-\ typed then were the child's and are dropped; a hang-up or a termination is
    /// returned, to end the program too.
    pub fn ending_meanwhile(&mut self) -> Option<Ending> {
        let mut ending = None;
        while let Some(e) = futures_util::FutureExt::now_or_never(self.recv()) {
            if matches!(e, Ending::HungUp | Ending::Terminated) {
                ending = Some(e);
            }
        }
        ending
    }
}

impl Default for Signals {
    fn default() -> Signals {
        Signals::new()
    }
}
