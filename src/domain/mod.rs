//! Pure platform rules: cost, deploy requests built from one offer, volume provider rules,
//! validation, the model planner. No IO.

pub mod cost;
pub mod deploy;
pub mod deploy_summary;
pub mod guard;
pub mod guard_engine;
pub mod guard_io;
pub mod guard_service;
pub mod history;
pub mod idle;
pub mod names;
pub mod planner;
pub mod preset;
pub mod spend;
pub mod ssh;
pub mod ssh_config;
pub mod ssh_key;
pub mod tunnel;
pub mod unclear_deploy;
pub mod usage;
pub mod volume_rules;
pub mod watch;
