//! The TLS setup of the default HTTP client: rustls with the `ring` provider and the
//! platform's certificate verifier.
//!
//! reqwest's own rustls feature uses aws-lc-rs, whose C build costs a clean build far more
//! than ring (client/README.md, "TLS"). We hand reqwest a finished configuration instead of
//! installing a process-wide default provider, so an application that installs its own is
//! unaffected.

use std::sync::Arc;

use crate::error::ConfigError;

pub(crate) fn config() -> Result<rustls::ClientConfig, ConfigError> {
    let fail = |e: rustls::Error| ConfigError::Http(format!("TLS setup failed: {e}"));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(fail)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(fail)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // reqwest is built without HTTP/2 here, so offer HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}
