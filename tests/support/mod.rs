//! What the tests share, one module: `http` a recording HTTP server with canned answers (client
//! contract tests), `fixtures` offers, deployments and a started state for the deploy, terminate
//! and pane tests, `accounts` a state with demo-like deployments, volumes, keys and teams for the
//! volume, key and team tests, `harness` the real app (reducer + executor + client) driven
//! against the demo server on a manual clock, `binary` the built binary with a private HOME,
//! `sshd` a real OpenSSH server on loopback standing in for an instance, `gate` a proxy that
//! holds answers until a wave of requests has arrived (what a client sends at once), `typing`
//! the keys a test presses to see what acts.
//!
//! Each test binary uses a part of it.
#![allow(dead_code)]

pub mod accounts;
pub mod binary;
pub mod deploying;
pub mod fixtures;
pub mod gate;
pub mod harness;
pub mod http;
pub mod sshd;
pub mod typing;
