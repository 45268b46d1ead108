//! Building a client: from the environment, with each setting, and over HTTPS.

use std::time::Duration;

use answering_agent::{Client, ConfigError, Environment};

// One test owns the process environment: tests run on several threads and
// `std::env::set_var` must not race with readers.
#[test]
fn from_env_reads_the_key_and_the_environment() {
    let set = |name: &str, value: Option<&str>| unsafe {
        match value {
            Some(value) => std::env::set_var(name, value),
            None => std::env::remove_var(name),
        }
    };
    set("ANSWERING_AGENT_ENVIRONMENT", None);

    set("ANSWERING_AGENT_API_KEY", None);
    let missing = Client::from_env().unwrap_err();
    assert!(matches!(
        missing,
        ConfigError::MissingApiKey {
            variable: "ANSWERING_AGENT_API_KEY"
        }
    ));
    assert!(
        missing.to_string().contains("set ANSWERING_AGENT_API_KEY"),
        "{missing}"
    );
    set("ANSWERING_AGENT_API_KEY", Some("   "));
    assert!(matches!(
        Client::from_env().unwrap_err(),
        ConfigError::MissingApiKey { .. }
    ));

    set("ANSWERING_AGENT_API_KEY", Some("sk_env_key"));
    assert_eq!(
        Client::from_env().unwrap().environment(),
        &Environment::Playground
    );
    set("ANSWERING_AGENT_ENVIRONMENT", Some("Production"));
    assert_eq!(
        Client::from_env().unwrap().environment(),
        &Environment::Production
    );
    set(
        "ANSWERING_AGENT_ENVIRONMENT",
        Some("http://127.0.0.1:8080/api/v1/"),
    );
    assert_eq!(
        Client::from_env().unwrap().environment().base_url(),
        "http://127.0.0.1:8080/api/v1"
    );
    set("ANSWERING_AGENT_ENVIRONMENT", Some("staging"));
    let unknown = Client::from_env().unwrap_err();
    assert!(
        unknown
            .to_string()
            .contains("unknown environment `staging`"),
        "{unknown}"
    );

    set("ANSWERING_AGENT_ENVIRONMENT", None);
    set("ANSWERING_AGENT_API_KEY", None);
}

#[test]
fn bad_settings_are_refused_with_a_reason() {
    assert!(matches!(
        Client::new("").unwrap_err(),
        ConfigError::InvalidApiKey {
            reason: "it is empty"
        }
    ));
    assert!(matches!(
        Client::builder().build().unwrap_err(),
        ConfigError::InvalidApiKey { .. }
    ));
    for url in [
        "ftp://example.com",
        "not a url",
        "http://example.com/api?x=1",
        "http://",
    ] {
        let error = Environment::custom(url).unwrap_err();
        assert!(
            matches!(error, ConfigError::InvalidBaseUrl { .. }),
            "{url}: {error:?}"
        );
        assert!(error.to_string().contains(url), "{error}");
    }
    // The variant built by hand, unchecked: the client refuses it when it is built, not at
    // every call.
    let error = Client::builder()
        .api_key("sk_test_key")
        .environment(Environment::Custom("not a url".to_string()))
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, ConfigError::InvalidBaseUrl { url, .. } if url == "not a url"),
        "{error:?}"
    );
}

#[test]
fn settings_are_kept() {
    let client = Client::builder()
        .api_key("sk_test")
        .environment(Environment::Production)
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    assert_eq!(
        client.environment().base_url(),
        "https://answeringagent.com/api/v1"
    );
    assert!(
        format!("{client:?}").contains("timeout: Some(5s)"),
        "{client:?}"
    );

    let own = answering_agent::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let client = Client::builder()
        .api_key("sk_test")
        .http_client(own)
        .build()
        .unwrap();
    // A user-supplied client keeps its own timeout unless one is set here.
    assert!(
        format!("{client:?}").contains("timeout: None"),
        "{client:?}"
    );
}

/// The default client speaks TLS (rustls with ring): against a loopback server that is not
/// a TLS server, the handshake is attempted and fails as a transport error, with no panic
/// for a missing crypto provider.
#[cfg(feature = "rustls")]
#[tokio::test]
async fn https_goes_through_rustls() {
    use tokio::io::AsyncWriteExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\n\r\nthis is not TLS")
                .await;
        }
    });
    let client = Client::builder()
        .api_key("sk_test")
        .environment(Environment::custom(&format!("https://127.0.0.1:{port}/api/v1")).unwrap())
        .build()
        .unwrap();
    let body = answering_agent::types::NewOrganization::builder()
        .name("x")
        .owner(
            answering_agent::types::NewOwner::builder()
                .external_id("x")
                .email("x@example.com"),
        );
    let error = client.create_organization(body).send().await.unwrap_err();
    assert!(
        matches!(error, answering_agent::Error::Transport { .. }),
        "{error:?}"
    );
    let text = error.to_string().to_lowercase();
    assert!(
        text.contains("tls")
            || text.contains("handshake")
            || text.contains("record")
            || text.contains("invalid"),
        "{text}"
    );
}
