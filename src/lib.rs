//! spheron-tui: a terminal dashboard for renting and running NVIDIA GPU instances on Spheron AI.
//!
//! Layout follows `docs/architecture.md`: `api` talks to the platform, `domain` holds pure platform
//! rules, `app` is the state + reducer, `runtime` performs effects, `ui` draws, `demo` is the
//! simulated Spheron API used by `--demo` and the tests.

pub mod api;
pub mod app;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod demo;
pub mod domain;
pub mod exit;
pub mod logging;
pub mod runtime;
pub mod store;
pub mod terminal;
pub mod ui;
