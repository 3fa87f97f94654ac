//! The one writer: a thread that owns the connection and runs jobs in order. Async code sends
//! it closures and awaits their answers; SQLite's blocking calls never run on a tokio worker.

use std::sync::mpsc;

use super::{Store, StoreError};

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// A cheap, cloneable handle to the writer thread. The thread ends (closing the file) when
/// the last handle is dropped.
#[derive(Clone)]
pub struct StoreHandle {
    tx: mpsc::Sender<Job>,
    path: std::path::PathBuf,
}

impl StoreHandle {
    /// Move `store` onto its own thread.
    pub fn spawn(mut store: Store) -> StoreHandle {
        let (tx, rx) = mpsc::channel::<Job>();
        let path = store.path().to_path_buf();
        let spawned = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    store.before_job();
                    job(&mut store);
                    store.after_job();
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "store: the writer thread could not start");
        }
        StoreHandle { tx, path }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Queue `f` on the writer thread without waiting: it runs before any job queued after it.
    pub fn enqueue<F>(&self, f: F)
    where
        F: FnOnce(&mut Store) + Send + 'static,
    {
        if self.tx.send(Box::new(f)).is_err() {
            tracing::error!("store: the writer thread is gone; a job was dropped");
        }
    }

    /// Run `f` on the writer thread and wait for its answer.
    pub async fn call<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> Result<R, StoreError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.tx
            .send(Box::new(move |s: &mut Store| {
                let _ = tx.send(f(s));
            }))
            .map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }
}
