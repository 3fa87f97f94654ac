//! Every command-line command but the dashboard: the lists for scripts ([`lists`]), the spend
//! guard and the journal ([`guard`]), the price history and watches ([`history`]), the demo
//! world's reset ([`demo`]).

pub mod demo;
pub mod guard;
pub mod history;
pub mod lists;
