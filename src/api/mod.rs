//! The Spheron API client: typed models (tolerant readers), errors, rate budget and the
//! base-URL check. Knows nothing about the UI.

pub mod budget;
pub mod client;
mod endpoints;
pub use endpoints::{MAX_PAGES, PAGE_LIMIT};
pub mod base_url;
pub mod error;
pub mod lenient;
pub mod listing;
pub mod models;
pub mod teams;

pub use base_url::{DEFAULT_API_URL, check_base_url};
pub use budget::RateStatus;
pub use client::{Client, ClientOptions, ProxyEnv, USER_AGENT_VALUE};
pub use error::ApiError;
pub use listing::{Completeness, Gap, Listing};
pub use models::*;
