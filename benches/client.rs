//! The generated client against a hand-written reqwest + serde client doing the same call,
//! and against the client progenitor generates from the same spec without hooks, in one
//! run, alternating, on loopback: requests per second of `create_organization`, and
//! decode throughput of the create response into the generated type, into
//! `serde_json::Value` and into hand-written structs.
//!
//! `cargo bench --bench client` (or `cargo xtask bench`). Prints medians of 7 rounds, their
//! spread, and the ratios.

use std::time::{Duration, Instant};

use answering_agent::types::{CreatedOrganization, NewOrganization, NewOwner};
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
/// progenitor's client of the same spec, without this crate's hooks (`cargo xtask gen`).
#[allow(dead_code, unused_imports, missing_docs, clippy::all)]
#[rustfmt::skip]
#[path = "support/raw_progenitor.rs"]
mod raw_progenitor;

use server::{BODY, server};

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = server();

    // The same connection settings for all: this crate's TLS setup, a 10 s connect timeout
    // and a 30 s timeout (this client's defaults, as a user gets them), one keep-alive
    // connection, one request at a time.
    let http = server::http_client;
    let generated = Client::builder()
        .api_key(KEY)
        .environment(Environment::custom(&base).unwrap())
        .retry(RetryPolicy::default())
        .build()
        .unwrap();
    let no_retries = Client::builder()
        .api_key(KEY)
        .environment(Environment::custom(&base).unwrap())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    // The cost of a registered interceptor: one that reads every attempt's outcome.
    let intercepted = Client::builder()
        .api_key(KEY)
        .environment(Environment::custom(&base).unwrap())
        .retry(RetryPolicy::default())
        .interceptor(CountStatuses::default())
        .build()
        .unwrap();
    // progenitor alone has no notion of the key: its users put it in the reqwest client's
    // default headers.
    let raw = raw_progenitor::Client::new_with_client(&base, server::http_client_with_key(KEY));
    let hand = http();
    let request = || {
        NewOrganization::builder().name("Pizza Palace").owner(
            NewOwner::builder()
                .external_id("cust_789")
                .email("maria@pizzapalace.example"),
        )
    };
    let raw_request = || {
        raw_progenitor::types::NewOrganization::builder()
            .name("Pizza Palace")
            .owner(
                raw_progenitor::types::NewOwner::builder()
                    .external_id("cust_789")
                    .email("maria@pizzapalace.example"),
            )
    };
    // One request of series `$which` (in the order of NAMES), timed into its slot.
    macro_rules! call {
        ($which:expr, $times:ident) => {
            match $which {
                0 => timed!($times[0], generated.create_organization(request()).send()),
                1 => timed!($times[1], no_retries.create_organization(request()).send()),
                2 => timed!(
                    $times[2],
                    raw.create_organization().body(raw_request()).send()
                ),
                3 => timed!($times[3], by_hand::create(&hand, &base, KEY)),
                _ => timed!($times[4], intercepted.create_organization(request()).send()),
            }
        };
    }
    macro_rules! timed {
        ($slot:expr, $call:expr) => {{
            let start = Instant::now();
            std::hint::black_box($call.await.unwrap());
            $slot += start.elapsed();
        }};
    }
    const NAMES: [&str; SERIES] = [
        "this client",
        "this client, retries off",
        "raw progenitor client",
        "hand-written reqwest",
        "this client, an interceptor",
    ];

    // For a profiler: `CLIENT_BENCH_PROFILE=SERIES:N` sends N requests of one series (0..4,
    // in the order of NAMES) and nothing else. Instructions per call are the difference of
    // two such runs of different N, divided by the difference of N (BENCHMARKS.md).
    if let Ok(profile) = std::env::var("CLIENT_BENCH_PROFILE") {
        let (which, count) = profile
            .split_once(':')
            .and_then(|(s, n)| Some((s.parse::<usize>().ok()?, n.parse::<usize>().ok()?)))
            .expect("CLIENT_BENCH_PROFILE=SERIES:N, SERIES 0..4");
        runtime.block_on(async {
            let mut times = [Duration::ZERO; SERIES];
            for _ in 0..count {
                call!(which, times);
            }
        });
        return;
    }

    // Each step sends one request of every series, in a fresh random order: a request runs
    // faster after one that used the same code (warm caches), so a fixed order would favour
    // whichever series follows its closest relative. Alternating request by request makes
    // drift in the machine's speed (shared, noisy) fall on all of them alike.
    let mut order = Order::new();
    runtime.block_on(async {
        let mut ignored = [Duration::ZERO; SERIES];
        for _ in 0..200 {
            for which in order.next() {
                call!(which, ignored);
            }
        }
    });
    let mut rounds: [Vec<Duration>; SERIES] = Default::default();
    for _ in 0..ROUNDS {
        let mut times = [Duration::ZERO; SERIES];
        runtime.block_on(async {
            for _ in 0..REQUESTS {
                for which in order.next() {
                    call!(which, times);
                }
            }
        });
        for (round, time) in rounds.iter_mut().zip(times) {
            round.push(time);
        }
    }
    let rate = |d: Duration| REQUESTS as f64 / d.as_secs_f64();
    println!(
        "create_organization on loopback, {REQUESTS} sequential requests each, one of each series per step in a shuffled order, median of {ROUNDS} rounds:"
    );
    for (name, times) in NAMES.iter().zip(&rounds) {
        let (median, (fast, slow)) = stats(times);
        println!(
            "  {name:<26} {:>8.0} req/s  (spread {:.0}..{:.0})",
            rate(median),
            rate(slow),
            rate(fast)
        );
    }
    let medians: Vec<f64> = rounds.iter().map(|t| rate(stats(t).0)).collect();
    for (i, name) in NAMES.iter().enumerate().filter(|(i, _)| *i != 3) {
        println!(
            "  ratio {name} / hand-written: {:.3}",
            medians[i] / medians[3]
        );
    }
    println!(
        "  ratio this client / raw progenitor: {:.3}",
        medians[0] / medians[2]
    );
    // Round by round, the same ratios: their spread says how far the medians can be trusted.
    for (i, name) in [(0, "this client"), (2, "raw progenitor")] {
        let ratios: Vec<String> = (0..ROUNDS)
            .map(|r| {
                format!(
                    "{:.3}",
                    rounds[3][r].as_secs_f64() / rounds[i][r].as_secs_f64()
                )
            })
            .collect();
        println!("  {name} / hand-written by round: {}", ratios.join(" "));
    }

    // Decode throughput of the same body, three ways, alternating.
    let bytes = BODY.as_bytes();
    let mut generated_decode = Vec::new();
    let mut value_decode = Vec::new();
    let mut hand_decode = Vec::new();
    for _ in 0..ROUNDS {
        generated_decode.push(decode::<CreatedOrganization>(bytes));
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

/// How many series the bench compares (see NAMES).
const SERIES: usize = 5;

/// An interceptor that does a little on every attempt: counts the answers by status class.
#[derive(Default)]
struct CountStatuses {
    successes: std::sync::atomic::AtomicU64,
    others: std::sync::atomic::AtomicU64,
}

impl answering_agent::interceptor::Interceptor for CountStatuses {
    fn after_attempt(&self, outcome: &answering_agent::interceptor::AttemptOutcome<'_>) {
        let counter = match outcome.status {
            Some(status) if status.is_success() => &self.successes,
            _ => &self.others,
        };
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
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

/// The order of the series for each step: a Fisher-Yates shuffle driven by xorshift64, from
/// a fixed seed so that runs are alike (no random-number crate for this).
struct Order(u64);

impl Order {
    fn new() -> Order {
        Order(0x9E37_79B9_7F4A_7C15)
    }

    fn next(&mut self) -> [usize; SERIES] {
        let mut order = [0, 1, 2, 3, 4];
        for i in (1..order.len()).rev() {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            order.swap(i, (self.0 % (i as u64 + 1)) as usize);
        }
        order
    }
}
