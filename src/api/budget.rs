//! Placeholder until the foundation branch lands (issue 2 replaces this file).

use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateStatus {
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    pub reset_in: Option<Duration>,
    pub blocked_for: Option<Duration>,
    pub deploy_limit: Option<u32>,
    pub deploy_remaining: Option<u32>,
}
