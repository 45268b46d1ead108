//! Calls to the live API for `record` and `probe`: raw HTTP, so that whatever the server
//! answers is seen as it is (the generated client would refuse what the spec does not
//! describe, which is the point). The key travels as a sensitive header and no error names it.

use std::time::{Duration, Instant};

use serde_json::Value;

/// What the server answered.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// How long the call took.
    pub elapsed: Duration,
}

/// Calls one API with one key.
pub struct Caller {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
    base: String,
    key: String,
}

impl Caller {
    /// A caller of `base` with `key` in `X-API-KEY`, for the xtask command `tool` (it is
    /// named in the user agent).
    pub fn new(base: &str, key: &str, tool: &str) -> anyhow::Result<Caller> {
        // A CLI may install the process-wide provider; reqwest is built without one here.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let client = reqwest::Client::builder()
            .user_agent(format!(
                "answering-agent-xtask-{tool}/{}",
                env!("CARGO_PKG_VERSION")
            ))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot build the HTTP client: {e}"))?;
        Ok(Caller {
            runtime,
            client,
            base: base.trim_end_matches('/').to_string(),
            key: key.to_string(),
        })
    }

    /// `method base+path` with the key (or `other_key`) and a JSON body. The error names
    /// the URL and never a header.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        other_key: Option<&str>,
    ) -> anyhow::Result<Answer> {
        let method = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes())?;
        let mut key = reqwest::header::HeaderValue::from_str(other_key.unwrap_or(&self.key))
            .map_err(|_| anyhow::anyhow!("the API key cannot be sent as a header"))?;
        key.set_sensitive(true);
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("x-api-key", key)
            .header("accept", "application/json");
        if let Some(body) = body {
            request = request.json(body);
        }
        let started = Instant::now();
        self.runtime.block_on(async {
            // reqwest's errors name the URL, never the headers.
            let response = request
                .send()
                .await
                .map_err(|e| anyhow::anyhow!("the request failed: {e}"))?;
            let status = response.status().as_u16();
            let body = response
                .bytes()
                .await
                .map_err(|e| anyhow::anyhow!("reading the response failed: {e}"))?;
            Ok(Answer {
                status,
                body: body.to_vec(),
                elapsed: started.elapsed(),
            })
        })
    }
}
