//! Which Answering Agent server a client talks to.

use std::fmt;

use crate::error::ConfigError;

/// The server a [`Client`](crate::Client) sends its requests to.
///
/// ```
/// use answering_agent::Environment;
///
/// assert_eq!(Environment::Playground.base_url(), "https://playground.answeringagent.com/api/v1");
/// let local = Environment::parse("http://127.0.0.1:8080/api/v1/").unwrap();
/// assert_eq!(local.base_url(), "http://127.0.0.1:8080/api/v1");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://playground.answeringagent.com/api/v1`: for development and tests. The default.
    #[default]
    Playground,
    /// `https://answeringagent.com/api/v1`: real customers.
    Production,
    /// Any other base URL (a mock, a proxy), without a trailing slash.
    Custom(String),
}

impl Environment {
    /// The base URL that operation paths are appended to.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Playground => "https://playground.answeringagent.com/api/v1",
            Environment::Production => "https://answeringagent.com/api/v1",
            Environment::Custom(url) => url,
        }
    }

    /// A custom base URL, checked: `http` or `https`, a host, no query or fragment.
    /// A trailing slash is dropped.
    pub fn custom(url: &str) -> Result<Environment, ConfigError> {
        let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(invalid("there is no host"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid("a base URL has no query or fragment"));
        }
        Ok(Environment::Custom(url.trim_end_matches('/').to_string()))
    }

    /// `playground`, `production` (any case), or a base URL as for [`Environment::custom`].
    pub fn parse(value: &str) -> Result<Environment, ConfigError> {
        let value = value.trim();
        match value.to_ascii_lowercase().as_str() {
            "playground" => Ok(Environment::Playground),
            "production" => Ok(Environment::Production),
            _ if value.contains("://") => Environment::custom(value),
            _ => Err(ConfigError::InvalidEnvironment {
                value: value.to_string(),
            }),
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Environment::Playground => f.write_str("playground"),
            Environment::Production => f.write_str("production"),
            Environment::Custom(url) => f.write_str(url),
        }
    }
}
