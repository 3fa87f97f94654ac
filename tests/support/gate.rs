//! A TCP proxy that shows which requests a client sends at once: it holds every answer of a
//! wave back until all the requests of that wave have arrived. Requests are numbered as they
//! arrive; with waves `[6, 4]` the answers to requests 0–5 wait for the sixth request, those to
//! 6–9 for the tenth, later ones pass at once. A client that sends a wave one request after
//! another never fills it: its answers are let go after [`HOLD`], and the wave is recorded as
//! starved, which the test then reports (no timing is asserted).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// How long an answer is held for a wave that does not fill: only a client that fails the
/// test waits this long.
pub const HOLD: Duration = Duration::from_secs(5);

/// What went through the gate.
#[derive(Debug, Default)]
pub struct GateLog {
    /// Each request's first line (`GET /api/teams HTTP/1.1`), in arrival order.
    pub requests: Mutex<Vec<String>>,
    /// `(wave, requests arrived)` of each wave whose answers were let go before it filled.
    pub starved: Mutex<Vec<(usize, usize)>>,
}

impl GateLog {
    /// The paths (without the query) of the requests of wave `w`.
    pub fn wave(&self, waves: &[usize], w: usize) -> Vec<String> {
        let start: usize = waves[..w].iter().sum();
        let reqs = self.requests.lock().unwrap();
        reqs.iter()
            .skip(start)
            .take(waves[w])
            .map(|line| {
                let target = line.split_whitespace().nth(1).unwrap_or("");
                target.split('?').next().unwrap_or("").to_string()
            })
            .collect()
    }

    pub fn starved(&self) -> Vec<(usize, usize)> {
        self.starved.lock().unwrap().clone()
    }
}

/// Which wave request `idx` is in, and how many requests must have arrived to release it.
fn wave_of(waves: &[usize], idx: usize) -> Option<(usize, usize)> {
    let mut end = 0;
    for (w, n) in waves.iter().enumerate() {
        end += n;
        if idx < end {
            return Some((w, end));
        }
    }
    None
}

/// Start a gate in front of `target` with the given waves.
pub async fn gate(target: SocketAddr, waves: &[usize]) -> (SocketAddr, Arc<GateLog>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(GateLog::default());
    let (arrived_tx, arrived_rx) = watch::channel(0usize);
    let arrived_tx = Arc::new(arrived_tx);
    let next = Arc::new(AtomicUsize::new(0));
    let waves: Arc<Vec<usize>> = Arc::new(waves.to_vec());
    let l = log.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (log, waves, next) = (l.clone(), waves.clone(), next.clone());
            let (arrived_tx, mut arrived_rx) = (arrived_tx.clone(), arrived_rx.clone());
            tokio::spawn(async move {
                let Ok(upstream) = TcpStream::connect(target).await else {
                    return;
                };
                // HTTP/1.1 without pipelining: one request at a time per connection.
                let busy = Arc::new(AtomicBool::new(false));
                let current = Arc::new(AtomicUsize::new(0));
                let (mut cr, mut cw) = client.into_split();
                let (mut ur, mut uw) = upstream.into_split();
                let (busy_up, current_up, log_up) = (busy.clone(), current.clone(), log.clone());
                let up = async move {
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n @ 1..) = cr.read(&mut buf).await {
                        if !busy_up.swap(true, Ordering::SeqCst) {
                            let idx = next.fetch_add(1, Ordering::SeqCst);
                            current_up.store(idx, Ordering::SeqCst);
                            let line = String::from_utf8_lossy(&buf[..n])
                                .lines()
                                .next()
                                .unwrap_or("")
                                .to_string();
                            log_up.requests.lock().unwrap().push(line);
                            arrived_tx.send_modify(|a| *a += 1);
                        }
                        if uw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                };
                let down = async move {
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n @ 1..) = ur.read(&mut buf).await {
                        if busy.swap(false, Ordering::SeqCst)
                            && let Some((w, need)) = wave_of(&waves, current.load(Ordering::SeqCst))
                        {
                            let filled = arrived_rx.wait_for(|a| *a >= need);
                            if tokio::time::timeout(HOLD, filled).await.is_err() {
                                let got = *arrived_rx.borrow();
                                let mut starved = log.starved.lock().unwrap();
                                if !starved.iter().any(|(x, _)| *x == w) {
                                    starved.push((w, got));
                                }
                            }
                        }
                        if cw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                };
                tokio::join!(up, down);
            });
        }
    });
    (addr, log)
}
