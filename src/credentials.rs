//! API key lookup, saving and masking. (Being built: issue 2.)

use secrecy::{ExposeSecret, SecretString};

/// The user's Spheron API key. `Debug` never shows it.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(SecretString::from(key.into()))
    }
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
    /// `sai_…9f2c` style: at most 4 leading and 4 trailing characters.
    pub fn mask(&self) -> String {
        let k: Vec<char> = self.expose().chars().collect();
        if k.len() <= 8 {
            return "…".to_string();
        }
        let head: String = k[..4].iter().collect();
        let tail: String = k[k.len() - 4..].iter().collect();
        format!("{head}…{tail}")
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKey({})", self.mask())
    }
}
