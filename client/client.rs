//! [`Client`] and its [`ClientBuilder`]: the key, the environment, timeouts, the HTTP client.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::environment::Environment;
use crate::error::ConfigError;
use crate::generated;
use crate::hooks::{Context, Shared};
use crate::retry::RetryPolicy;
use crate::urls::Urls;

/// The variable [`Client::from_env`] reads the API key from.
pub const API_KEY_VARIABLE: &str = "ANSWERING_AGENT_API_KEY";
/// The variable [`Client::from_env`] reads the environment from: `playground` (the
/// default), `production`, or a base URL.
pub const ENVIRONMENT_VARIABLE: &str = "ANSWERING_AGENT_ENVIRONMENT";

/// How long a connection may take to open, by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole request may take, response body included, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "-rust/", env!("CARGO_PKG_VERSION"));

/// A client of the Answering Agent Partner API. Cheap to clone (a few reference counts);
/// clones share connections. Each call's builder owns a clone, so the call's future is
/// `'static` and can be spawned.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use answering_agent::{Client, types::{NewOrganization, NewOwner}};
///
/// let client = Client::from_env()?; // ANSWERING_AGENT_API_KEY, playground by default
/// let request = NewOrganization::builder()
///     .name("Acme Corporation")
///     .owner(NewOwner::builder().external_id("user_123").email("john@acme.com"));
/// let created = client.create_organization(request).send().await?;
/// println!("organization {} created", created.organization.id);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    environment: Arc<Environment>,
    /// The time one attempt may take: on our own reqwest client, or on each request.
    timeout: Option<Duration>,
    shared: Arc<Shared>,
    /// progenitor's client, which every call's future borrows from its builder's clone.
    generated: Arc<generated::Client>,
}

impl Client {
    /// A client of the playground with default settings.
    pub fn new(api_key: impl AsRef<str>) -> Result<Client, ConfigError> {
        Client::builder().api_key(api_key).build()
    }

    /// A client configured from the process environment: the key from
    /// `ANSWERING_AGENT_API_KEY` (required) and the server from
    /// `ANSWERING_AGENT_ENVIRONMENT` (`playground` when unset).
    pub fn from_env() -> Result<Client, ConfigError> {
        Client::builder().from_env()?.build()
    }

    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The server this client talks to.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// progenitor's client, for the operations' builders.
    pub(crate) fn generated(&self) -> &generated::Client {
        &self.generated
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("environment", &self.environment)
            .field("api_key", &"<redacted>")
            .field("timeout", &self.timeout)
            .field("retry", &self.shared.retry)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`Client`]; start with [`Client::builder`].
#[derive(Default)]
pub struct ClientBuilder {
    api_key: Option<Result<HeaderValue, ConfigError>>,
    environment: Environment,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    interceptors: Vec<Arc<dyn crate::interceptor::Interceptor>>,
}

impl ClientBuilder {
    /// Runs `interceptor` on every attempt of every call (see [`crate::interceptor`]);
    /// several run in the order they were registered.
    pub fn interceptor(mut self, interceptor: impl crate::interceptor::Interceptor) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// The partner API key, sent as `X-API-KEY` on every request. Required.
    pub fn api_key(mut self, api_key: impl AsRef<str>) -> Self {
        self.api_key = Some(api_key_header(api_key.as_ref()));
        self
    }

    /// The server: [`Environment::Playground`] (the default), [`Environment::Production`]
    /// or [`Environment::custom`].
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// How long a whole request may take, response body included
    /// ([`DEFAULT_TIMEOUT`] unless you bring your own `reqwest::Client`).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long opening a connection may take ([`DEFAULT_CONNECT_TIMEOUT`]). Ignored with
    /// [`ClientBuilder::http_client`]: set it on that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Your own `reqwest::Client` (proxies, custom roots, connection pools). The key,
    /// User-Agent and, when you set one here, the timeout are still added to each request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// How failed attempts are retried ([`RetryPolicy::default`]: 3 attempts in all);
    /// [`RetryPolicy::none`] turns retries off. Which failures are retried depends on the
    /// operation: see [`crate::retry`].
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Reads `ANSWERING_AGENT_API_KEY` (required) and `ANSWERING_AGENT_ENVIRONMENT`
    /// (optional) from the process environment.
    pub fn from_env(self) -> Result<Self, ConfigError> {
        let key = std::env::var(API_KEY_VARIABLE)
            .ok()
            .filter(|k| !k.trim().is_empty());
        let Some(key) = key else {
            return Err(ConfigError::MissingApiKey {
                variable: API_KEY_VARIABLE,
            });
        };
        let mut builder = self.api_key(key);
        if let Some(value) = std::env::var(ENVIRONMENT_VARIABLE)
            .ok()
            .filter(|v| !v.trim().is_empty())
        {
            builder = builder.environment(Environment::parse(&value)?);
        }
        Ok(builder)
    }

    /// The client, or why it cannot be built: no key or an unusable one, or an
    /// [`Environment::Custom`] built by hand whose URL does not parse
    /// ([`ConfigError::InvalidBaseUrl`]; [`Environment::custom`] checks it up front).
    pub fn build(self) -> Result<Client, ConfigError> {
        let api_key = self.api_key.ok_or(ConfigError::InvalidApiKey {
            reason: "no key was given",
        })??;
        // A user's own reqwest client keeps its own timeout unless one is set here.
        let timeout = match self.http {
            Some(_) => self.timeout,
            None => Some(self.timeout.unwrap_or(DEFAULT_TIMEOUT)),
        };
        let (http, per_request) = match self.http {
            Some(http) => (http, self.timeout),
            // Our own client carries the timeout itself: set on each request instead, it
            // would cost every call an allocation (reqwest keeps it in the request's
            // extensions).
            None => {
                let http = http_client(
                    self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
                    self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                )?;
                (http, None)
            }
        };
        // `Environment::custom` checks its URL, but the variant can be built without it.
        let base = self.environment.base_url();
        let base_url = reqwest::Url::parse(base).map_err(|e| ConfigError::InvalidBaseUrl {
            url: base.to_string(),
            reason: e.to_string(),
        })?;
        let shared = Arc::new(Shared {
            urls: Urls::new(base_url),
            api_key,
            user_agent: HeaderValue::from_static(USER_AGENT),
            timeout: per_request,
            retry: self.retry,
            interceptors: self.interceptors,
        });
        let generated = generated::Client::new_with_client(
            self.environment.base_url(),
            http,
            Context(shared.clone()),
        );
        Ok(Client {
            environment: Arc::new(self.environment),
            timeout,
            shared,
            generated: Arc::new(generated),
        })
    }
}

/// The key as a sensitive header value; the error never contains the key.
fn api_key_header(key: &str) -> Result<HeaderValue, ConfigError> {
    let key = key.trim();
    if key.is_empty() {
        return Err(ConfigError::InvalidApiKey {
            reason: "it is empty",
        });
    }
    let mut value = HeaderValue::from_str(key).map_err(|_| ConfigError::InvalidApiKey {
        reason: "it contains characters that an HTTP header cannot carry",
    })?;
    value.set_sensitive(true);
    Ok(value)
}

fn http_client(
    connect_timeout: Duration,
    timeout: Duration,
) -> Result<reqwest::Client, ConfigError> {
    let builder = http_client_builder()?
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        // The client's `RetryPolicy` is its one retry layer. reqwest's own default layer
        // retries only HTTP/2 protocol refusals (this crate speaks HTTP/1.1: it does not
        // enable reqwest's `http2`), yet copies every request in case it has to; with no
        // retry allowed it copies nothing.
        .retry(reqwest::retry::never().max_retries_per_request(0));
    builder
        .build()
        .map_err(|e| ConfigError::Http(e.to_string()))
}

/// A `reqwest::ClientBuilder` with this crate's TLS setup, to customize (proxies, pools)
/// and pass to [`ClientBuilder::http_client`].
///
/// With the default `rustls` feature, reqwest has no crypto provider of its own, so a
/// plain `reqwest::Client::new()` would panic unless your application installs one; this
/// builder brings the `ring` provider with it.
///
/// ```
/// let http = answering_agent::http_client_builder()?
///     .pool_max_idle_per_host(2)
///     .build()?;
/// let client = answering_agent::Client::builder().api_key("sk_test").http_client(http).build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, ConfigError> {
    let builder = reqwest::Client::builder();
    #[cfg(feature = "rustls")]
    let builder = builder.tls_backend_preconfigured(crate::tls::config()?);
    Ok(builder)
}
