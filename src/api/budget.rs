//! The request budget: what the `X-RateLimit-*` headers said last, and the block a 429 sets.
//! Time is `tokio::time::Instant` throughout so tests can run on a paused (virtual) clock.

use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

/// What the UI may show about the rate limits, and what pollers use to slow down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateStatus {
    /// `X-RateLimit-Limit` of the last answer (all endpoints but deploy).
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    /// Time until the window resets, from `X-RateLimit-Reset`.
    pub reset_in: Option<Duration>,
    /// After a 429: how long nothing will be sent.
    pub blocked_for: Option<Duration>,
    /// The same, for `POST /api/deployments` (its own, smaller limit).
    pub deploy_limit: Option<u32>,
    pub deploy_remaining: Option<u32>,
    pub deploy_reset_in: Option<Duration>,
    pub deploy_blocked_for: Option<Duration>,
}

impl RateStatus {
    /// Remaining is below 20 % of the limit.
    pub fn is_low(&self) -> bool {
        matches!((self.remaining, self.limit), (Some(r), Some(l)) if l > 0 && u64::from(r) * 5 < u64::from(l))
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Window {
    limit: Option<u32>,
    remaining: Option<u32>,
    reset_at: Option<Instant>,
}

impl Window {
    fn reset_in(&self, now: Instant) -> Option<Duration> {
        self.reset_at.map(|t| t.saturating_duration_since(now))
    }
}

/// Which limit a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    General,
    /// `POST /api/deployments`.
    Deploy,
}

/// Shared between every clone of a `Client` (behind a mutex).
#[derive(Debug, Default)]
pub struct Budget {
    general: Window,
    deploy: Window,
    blocked_until: Option<Instant>,
    deploy_blocked_until: Option<Instant>,
}

fn header_num(headers: &HeaderMap, name: &str) -> Option<f64> {
    headers
        .get(name)?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && *f >= 0.0)
}

/// `X-RateLimit-Reset` is "seconds until reset"; some services send an epoch timestamp instead.
fn reset_after(value: f64) -> Duration {
    if value > 1_000_000_000.0 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        // Epoch milliseconds or seconds.
        let at = if value > 1e12 { value / 1000.0 } else { value };
        Duration::from_secs_f64((at - now).clamp(0.0, 86_400.0))
    } else {
        Duration::from_secs_f64(value.min(86_400.0))
    }
}

/// `Retry-After` in seconds (the HTTP-date form is not used by this API).
pub fn retry_after_header(headers: &HeaderMap) -> Option<Duration> {
    header_num(headers, "retry-after").map(|s| Duration::from_secs_f64(s.min(86_400.0)))
}

impl Budget {
    /// Read the `X-RateLimit-*` headers of an answer.
    pub fn record(&mut self, bucket: Bucket, headers: &HeaderMap, now: Instant) {
        let limit = header_num(headers, "x-ratelimit-limit");
        let remaining = header_num(headers, "x-ratelimit-remaining");
        let reset = header_num(headers, "x-ratelimit-reset");
        if limit.is_none() && remaining.is_none() && reset.is_none() {
            return;
        }
        let w = match bucket {
            Bucket::General => &mut self.general,
            Bucket::Deploy => &mut self.deploy,
        };
        let as_u32 = |f: f64| f.min(f64::from(u32::MAX)) as u32;
        if let Some(l) = limit {
            w.limit = Some(as_u32(l));
        }
        if let Some(r) = remaining {
            w.remaining = Some(as_u32(r));
        }
        if let Some(s) = reset {
            w.reset_at = Some(now + reset_after(s));
        }
    }

    /// A 429: send nothing in `bucket` for `wait`. A 429 on a deploy blocks only deploys,
    /// because that limit is separate; any other 429 blocks everything.
    pub fn block(&mut self, bucket: Bucket, wait: Duration, now: Instant) {
        let until = now + wait;
        let slot = match bucket {
            Bucket::General => &mut self.blocked_until,
            Bucket::Deploy => &mut self.deploy_blocked_until,
        };
        *slot = Some(slot.map_or(until, |t| t.max(until)));
    }

    /// How long a request in `bucket` must still wait, if it must.
    pub fn blocked_for(&self, bucket: Bucket, now: Instant) -> Option<Duration> {
        let general = self.blocked_until.filter(|t| *t > now);
        let deploy = match bucket {
            Bucket::Deploy => self.deploy_blocked_until.filter(|t| *t > now),
            Bucket::General => None,
        };
        general.into_iter().chain(deploy).max().map(|t| t - now)
    }

    pub fn status(&self, now: Instant) -> RateStatus {
        let left = |t: Option<Instant>| t.filter(|t| *t > now).map(|t| t - now);
        RateStatus {
            limit: self.general.limit,
            remaining: self.general.remaining,
            reset_in: self.general.reset_in(now),
            blocked_for: left(self.blocked_until),
            deploy_limit: self.deploy.limit,
            deploy_remaining: self.deploy.remaining,
            deploy_reset_in: self.deploy.reset_in(now),
            deploy_blocked_for: left(self.deploy_blocked_until),
        }
    }

    /// Extra delay a poller should add before its next request: none while more than 20 % of
    /// the window is left; otherwise the rest of the window spread over the requests left
    /// (all of it when none are left); the block itself after a 429.
    pub fn pace_hint(&self, now: Instant) -> Duration {
        if let Some(b) = self.blocked_for(Bucket::General, now) {
            return b;
        }
        let s = self.status(now);
        if !s.is_low() {
            return Duration::ZERO;
        }
        let Some(reset_in) = s.reset_in else {
            return Duration::from_secs(30);
        };
        match s.remaining {
            Some(0) | None => reset_in,
            Some(r) => reset_in / r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(limit: &str, remaining: &str, reset: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-limit", HeaderValue::from_str(limit).unwrap());
        h.insert(
            "x-ratelimit-remaining",
            HeaderValue::from_str(remaining).unwrap(),
        );
        h.insert("x-ratelimit-reset", HeaderValue::from_str(reset).unwrap());
        h
    }

    #[tokio::test(start_paused = true)]
    async fn headers_and_blocks_follow_the_clock() {
        let mut b = Budget::default();
        let t0 = Instant::now();
        b.record(Bucket::General, &headers("250", "200", "600"), t0);
        let s = b.status(t0);
        assert_eq!((s.limit, s.remaining), (Some(250), Some(200)));
        assert_eq!(s.reset_in, Some(Duration::from_secs(600)));
        assert_eq!(b.pace_hint(t0), Duration::ZERO);

        b.record(Bucket::General, &headers("250", "10", "600"), t0);
        assert!(b.status(t0).is_low());
        assert_eq!(b.pace_hint(t0), Duration::from_secs(60));

        b.block(Bucket::General, Duration::from_secs(30), t0);
        assert_eq!(
            b.blocked_for(Bucket::General, t0),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            b.blocked_for(Bucket::Deploy, t0),
            Some(Duration::from_secs(30))
        );
        tokio::time::advance(Duration::from_secs(31)).await;
        let t1 = Instant::now();
        assert_eq!(b.blocked_for(Bucket::General, t1), None);
        assert_eq!(b.status(t1).reset_in, Some(Duration::from_secs(569)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_deploy_block_leaves_reads_alone() {
        let mut b = Budget::default();
        let t0 = Instant::now();
        b.record(Bucket::Deploy, &headers("10", "0", "900"), t0);
        b.block(Bucket::Deploy, Duration::from_secs(900), t0);
        assert_eq!(b.blocked_for(Bucket::General, t0), None);
        assert_eq!(
            b.blocked_for(Bucket::Deploy, t0),
            Some(Duration::from_secs(900))
        );
        let s = b.status(t0);
        assert_eq!((s.deploy_limit, s.deploy_remaining), (Some(10), Some(0)));
        assert_eq!(s.limit, None);
        assert_eq!(s.deploy_blocked_for, Some(Duration::from_secs(900)));
    }
}
