//! Rate limits (docs/api-rules.md, "Rate limits"): fixed 15-minute windows per client, measured on the world
//! clock. `POST /api/deployments` has its own bucket.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    General,
    Deploy,
}

impl Bucket {
    pub fn of(method: &str, path: &str) -> Bucket {
        if method == "POST" && path.trim_end_matches('/') == "/api/deployments" {
            Bucket::Deploy
        } else {
            Bucket::General
        }
    }
}

/// What goes into the `X-RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateState {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window resets.
    pub reset_secs: u64,
}

#[derive(Debug)]
pub struct Limiter {
    pub general: u32,
    pub deploy: u32,
    pub window: Duration,
    windows: HashMap<(Bucket, String), (DateTime<Utc>, u32)>,
}

impl Limiter {
    pub fn new(general: u32, deploy: u32) -> Limiter {
        Limiter {
            general,
            deploy,
            window: Duration::minutes(15),
            windows: HashMap::new(),
        }
    }

    /// Count one request. `Err` when over the limit (the request is not counted).
    pub fn hit(
        &mut self,
        bucket: Bucket,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<RateState, RateState> {
        let limit = match bucket {
            Bucket::General => self.general,
            Bucket::Deploy => self.deploy,
        };
        let w = self
            .windows
            .entry((bucket, client.to_string()))
            .or_insert((now, 0));
        if now >= w.0 + self.window || now < w.0 {
            *w = (now, 0);
        }
        let reset_secs = (w.0 + self.window - now).num_seconds().max(1) as u64;
        if w.1 >= limit {
            return Err(RateState {
                limit,
                remaining: 0,
                reset_secs,
            });
        }
        w.1 += 1;
        Ok(RateState {
            limit,
            remaining: limit - w.1,
            reset_secs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_separate_and_reset_with_the_clock() {
        let t0 = DateTime::parse_from_rfc3339("2026-11-28T12:00:00Z")
            .unwrap()
            .to_utc();
        let mut l = Limiter::new(3, 2);
        for left in [2, 1, 0] {
            assert_eq!(l.hit(Bucket::General, "ip", t0).unwrap().remaining, left);
        }
        let e = l
            .hit(Bucket::General, "ip", t0 + Duration::minutes(5))
            .unwrap_err();
        assert_eq!(e.reset_secs, 600);
        // the deploy bucket is independent
        assert_eq!(l.hit(Bucket::Deploy, "ip", t0).unwrap().limit, 2);
        assert!(l.hit(Bucket::Deploy, "ip", t0).is_ok());
        assert!(l.hit(Bucket::Deploy, "ip", t0).is_err());
        // another client has its own window
        assert!(l.hit(Bucket::General, "other", t0).is_ok());
        // after 15 minutes the window resets
        let s = l
            .hit(Bucket::General, "ip", t0 + Duration::minutes(15))
            .unwrap();
        assert_eq!((s.remaining, s.reset_secs), (2, 900));
    }

    #[test]
    fn bucket_of() {
        assert_eq!(Bucket::of("POST", "/api/deployments"), Bucket::Deploy);
        assert_eq!(Bucket::of("GET", "/api/deployments"), Bucket::General);
        assert_eq!(Bucket::of("POST", "/api/volumes"), Bucket::General);
    }
}
