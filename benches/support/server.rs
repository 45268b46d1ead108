//! The loopback server of the benchmarks, and the HTTP client settings they share.

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The create response every request gets.
pub const BODY: &str = include_str!("../../openapi/examples/createOrganization/201-fresh.json");

/// A loopback HTTP/1.1 server with keep-alive that answers every request with the same
/// 201 and body, as fast as it can: the clients are what is measured.
pub fn server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let response = format!("HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}", BODY.len());
            while let Ok((mut socket, _)) = listener.accept().await {
                let response = response.clone();
                tokio::spawn(async move {
                    let mut buffer = vec![0u8; 16 * 1024];
                    let mut filled = 0;
                    loop {
                        let Ok(read) = socket.read(&mut buffer[filled..]).await else { return };
                        if read == 0 {
                            return;
                        }
                        filled += read;
                        // Answer each complete request (headers and Content-Length body).
                        while let Some(end) = find(&buffer[..filled], b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                            let length = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0)))
                                .unwrap_or(0);
                            let total = end + 4 + length;
                            if filled < total {
                                break;
                            }
                            if socket.write_all(response.as_bytes()).await.is_err() {
                                return;
                            }
                            buffer.copy_within(total..filled, 0);
                            filled -= total;
                        }
                    }
                });
            }
        });
    });
    format!("http://{address}/api/v1")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The connection settings both clients use: this crate's TLS setup, a 10 s connect
/// timeout, a 30 s timeout.
pub fn http_client() -> reqwest::Client {
    http_client_builder().build().unwrap()
}

/// [`http_client`], sending `key` in `X-API-KEY` with every request.
#[allow(dead_code)] // the load bench has no raw progenitor series
pub fn http_client_with_key(key: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-api-key",
        reqwest::header::HeaderValue::from_str(key).unwrap(),
    );
    http_client_builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

fn http_client_builder() -> reqwest::ClientBuilder {
    answering_agent::http_client_builder()
        .unwrap()
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(30))
}
