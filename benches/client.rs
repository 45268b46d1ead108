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

const REQUESTS: usize = 2_000;
const DECODES: usize = 20_000;
const ROUNDS: usize = 7;
const KEY: &str = "sk_bench_key";

/// The hand-written client: what a careful user writes with reqwest and serde alone.
#[path = "support/by_hand.rs"]
mod by_hand;
#[path = "support/server.rs"]
mod server;

use server::{BODY, server};

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = server();

    // The same connection settings for both: this crate's TLS setup, connect timeout and
    // total timeout, one keep-alive connection, one request at a time.
    let http = server::http_client;
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
