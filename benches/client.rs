//! The generated client against a hand-written reqwest + serde client doing the same call,
//! in one run, alternating, on loopback: requests per second of `create_organization`, and
//! decode throughput of the create response into the generated type, into
//! `serde_json::Value` and into hand-written structs.
//!
//! `cargo bench --bench client` (or `cargo xtask bench`). Prints medians of 7 rounds, their
//! spread, and the ratios.

use std::time::{Duration, Instant};

use answering_agent::types::{CreateOrganizationRequest, CreateOrganizationResponse, OwnerInput};
use answering_agent::{Client, Environment, RetryPolicy};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BODY: &str = include_str!("../openapi/examples/createOrganization/201-fresh.json");
const REQUESTS: usize = 2_000;
const DECODES: usize = 20_000;
const ROUNDS: usize = 7;
const KEY: &str = "sk_bench_key";

/// The hand-written client: what a careful user writes with reqwest and serde alone.
// Its fields are decoded, not read: decoding them is what is measured.
#[allow(dead_code)]
mod by_hand {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Serialize};

    #[derive(Serialize)]
    pub struct Owner<'a> {
        pub external_id: &'a str,
        pub email: &'a str,
    }

    #[derive(Serialize)]
    pub struct NewOrganization<'a> {
        pub name: &'a str,
        pub owner: Owner<'a>,
    }

    #[derive(Deserialize)]
    pub struct Created {
        pub organization: Organization,
        pub owner: User,
    }

    #[derive(Deserialize)]
    pub struct Organization {
        pub id: i64,
        pub name: String,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        #[serde(default)]
        pub users: Vec<User>,
        #[serde(default)]
        pub phone_numbers: Vec<Location>,
    }

    #[derive(Deserialize)]
    pub struct User {
        pub id: i64,
        pub external_id: String,
        pub email: String,
        pub name: Option<String>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
        #[serde(default)]
        pub organizations: Vec<Membership>,
    }

    #[derive(Deserialize)]
    pub struct Membership {
        pub id: i64,
        pub name: String,
        pub role: String,
    }

    #[derive(Deserialize)]
    pub struct Location {
        pub id: i64,
        pub name: String,
        pub phone_number: Option<String>,
        pub status: String,
        pub address: Option<String>,
        pub google_place_id: Option<String>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
    }

    pub async fn create(http: &reqwest::Client, base: &str, key: &str) -> Result<Created, String> {
        let body = NewOrganization {
            name: "Pizza Palace",
            owner: Owner {
                external_id: "cust_789",
                email: "maria@pizzapalace.example",
            },
        };
        let response = http
            .post(format!("{base}/organizations"))
            .header("x-api-key", key)
            .header("accept", "application/json")
            .json(&body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{status}"));
        }
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }
}

/// A loopback HTTP/1.1 server with keep-alive that answers every request with the same
/// 201 and body, as fast as it can: the clients are what is measured.
fn server() -> String {
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

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = server();

    // The same connection settings for both: this crate's TLS setup, connect timeout and
    // total timeout, one keep-alive connection, one request at a time.
    let http = || {
        answering_agent::http_client_builder()
            .unwrap()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    };
    let generated = Client::builder()
        .api_key(KEY)
        .environment(Environment::custom(&base).unwrap())
        .http_client(http())
        .timeout(Duration::from_secs(30))
        .retry(RetryPolicy::default())
        .build()
        .unwrap();
    let no_retries = Client::builder()
        .api_key(KEY)
        .environment(Environment::custom(&base).unwrap())
        .http_client(http())
        .timeout(Duration::from_secs(30))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let hand = http();
    let request = || {
        CreateOrganizationRequest::builder()
            .name("Pizza Palace")
            .owner(
                OwnerInput::builder()
                    .external_id("cust_789")
                    .email("maria@pizzapalace.example"),
            )
    };

    // Warm all up (connections, allocator).
    runtime.block_on(async {
        for _ in 0..200 {
            generated
                .create_organization()
                .body(request())
                .send()
                .await
                .unwrap();
            no_retries
                .create_organization()
                .body(request())
                .send()
                .await
                .unwrap();
            by_hand::create(&hand, &base, KEY).await.unwrap();
        }
    });
    // Each round alternates the clients request by request, so drift in the machine's
    // speed (shared, noisy) falls on all of them alike.
    let mut ours = Vec::new();
    let mut plain = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..ROUNDS {
        let (mut mine, mut mine_plain, mut other) =
            (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        runtime.block_on(async {
            for _ in 0..REQUESTS {
                let start = Instant::now();
                std::hint::black_box(
                    generated
                        .create_organization()
                        .body(request())
                        .send()
                        .await
                        .unwrap(),
                );
                mine += start.elapsed();
                let start = Instant::now();
                std::hint::black_box(
                    no_retries
                        .create_organization()
                        .body(request())
                        .send()
                        .await
                        .unwrap(),
                );
                mine_plain += start.elapsed();
                let start = Instant::now();
                std::hint::black_box(by_hand::create(&hand, &base, KEY).await.unwrap());
                other += start.elapsed();
            }
        });
        ours.push(mine);
        plain.push(mine_plain);
        theirs.push(other);
    }
    let rate = |d: Duration| REQUESTS as f64 / d.as_secs_f64();
    println!(
        "create_organization on loopback, {REQUESTS} sequential requests each, alternating, median of {ROUNDS} rounds:"
    );
    for (name, times) in [
        ("this client", &ours),
        ("this client, retries off", &plain),
        ("hand-written reqwest", &theirs),
    ] {
        let (median, (fast, slow)) = stats(times);
        println!(
            "  {name:<26} {:>8.0} req/s  (spread {:.0}..{:.0})",
            rate(median),
            rate(slow),
            rate(fast)
        );
    }
    let (ours_median, _) = stats(&ours);
    let (plain_median, _) = stats(&plain);
    let (theirs_median, _) = stats(&theirs);
    println!(
        "  ratio this / hand-written: {:.3}",
        rate(ours_median) / rate(theirs_median)
    );
    println!(
        "  ratio retries off / hand-written: {:.3}",
        rate(plain_median) / rate(theirs_median)
    );

    // Decode throughput of the same body, three ways, alternating.
    let bytes = BODY.as_bytes();
    let mut generated_decode = Vec::new();
    let mut value_decode = Vec::new();
    let mut hand_decode = Vec::new();
    for _ in 0..ROUNDS {
        generated_decode.push(decode::<CreateOrganizationResponse>(bytes));
        value_decode.push(decode::<serde_json::Value>(bytes));
        hand_decode.push(decode::<by_hand::Created>(bytes));
    }
    let per_second = |d: Duration| DECODES as f64 / d.as_secs_f64();
    let mb = |d: Duration| (DECODES * bytes.len()) as f64 / d.as_secs_f64() / 1e6;
    println!(
        "decoding the create response ({} bytes), {DECODES} times, median of {ROUNDS} rounds:",
        bytes.len()
    );
    for (name, times) in [
        ("generated type", &generated_decode),
        ("serde_json::Value", &value_decode),
        ("hand-written structs", &hand_decode),
    ] {
        let (median, (low, high)) = stats(times);
        println!(
            "  {name:<22} {:>9.0} /s  {:>6.1} MB/s  (spread {:.0}..{:.0} /s)",
            per_second(median),
            mb(median),
            per_second(high),
            per_second(low)
        );
    }
    let (g, _) = stats(&generated_decode);
    let (v, _) = stats(&value_decode);
    let (h, _) = stats(&hand_decode);
    println!(
        "  ratios: generated / hand-written {:.3}, generated / Value {:.3}",
        per_second(g) / per_second(h),
        per_second(g) / per_second(v)
    );
}

fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Duration {
    let start = Instant::now();
    for _ in 0..DECODES {
        std::hint::black_box(serde_json::from_slice::<T>(std::hint::black_box(bytes)).unwrap());
    }
    start.elapsed()
}

/// The median and the (fastest, slowest) of a set of timings.
fn stats(times: &[Duration]) -> (Duration, (Duration, Duration)) {
    let mut sorted = times.to_vec();
    sorted.sort();
    (
        sorted[sorted.len() / 2],
        (sorted[0], sorted[sorted.len() - 1]),
    )
}
