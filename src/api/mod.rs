//! The Spheron API client: typed models (tolerant readers), errors, rate budget and the
//! base-URL guard. Knows nothing about the UI.

pub mod budget;
pub mod error;
pub mod lenient;
pub mod models;

pub use budget::RateStatus;
pub use error::ApiError;
pub use models::*;
