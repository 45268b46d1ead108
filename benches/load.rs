//! Load: 256 concurrent tasks send 100,000 `create_organization` requests on loopback, with
//! this client and with the hand-written reqwest + serde one, in one run, alternating. For
//! each: errors (there must be none), requests per second, and the process's peak resident
//! memory after each tenth of the requests, which must not grow with their number.
//!
//! `cargo bench -p answering-agent --bench load` (Linux: memory comes from `/proc`).
//! `LOAD_REQUESTS` and `LOAD_TASKS` change the size.

#[path = "support/by_hand.rs"]
mod by_hand;
#[path = "support/server.rs"]
mod server;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use answering_agent::types::{NewOrganization, NewOwner};
use answering_agent::{Client, Environment};

const KEY: &str = "sk_bench_key";
const ROUNDS: usize = 3;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The process's peak resident memory since the last reset, in MiB (`VmHWM`).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// Starts the peak over from the memory in use now (Linux 4.0 and later).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// What one client did with the whole load.
struct Outcome {
    seconds: f64,
    errors: usize,
    /// Peak memory after each tenth of the requests.
    peaks: Vec<f64>,
}

/// Sends `requests` calls from `tasks` tasks, each taking the next call until none is left;
/// `call` makes one and says whether it succeeded.
async fn load<F, Fut>(requests: usize, tasks: usize, call: F) -> Outcome
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    reset_peak();
    let call = Arc::new(call);
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let tenth = (requests / 10).max(1);
    let peaks = Arc::new(std::sync::Mutex::new(vec![f64::NAN; 10]));
    let start = Instant::now();
    let workers: Vec<_> = (0..tasks)
        .map(|_| {
            let (call, next, errors, peaks) =
                (call.clone(), next.clone(), errors.clone(), peaks.clone());
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= requests {
                        return;
                    }
                    if !call().await {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    if (n + 1) % tenth == 0 {
                        let index = ((n + 1) / tenth - 1).min(9);
                        peaks.lock().unwrap()[index] = peak_mib();
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let seconds = start.elapsed().as_secs_f64();
    let peaks = peaks.lock().unwrap().clone();
    Outcome {
        seconds,
        errors: errors.load(Ordering::Relaxed),
        peaks,
    }
}

fn main() {
    let requests = setting("LOAD_REQUESTS", 100_000);
    let tasks = setting("LOAD_TASKS", 256);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = server::server();
    // The same connection settings for both; reqwest keeps as many connections as there
    // are requests in flight.
    let http = server::http_client;
    let ours = Client::builder()
        .api_key(KEY)
        .environment(Environment::custom(&base).unwrap())
        .http_client(http())
        .build()
        .unwrap();
    let theirs = http();

    let ours_call = move || {
        let client = ours.clone();
        async move {
            let owner = NewOwner::builder()
                .external_id("cust_789")
                .email("maria@pizzapalace.example");
            let request = NewOrganization::builder().name("Pizza Palace").owner(owner);
            client.create_organization(request).send().await.is_ok()
        }
    };
    let theirs_call = {
        let base = base.clone();
        move || {
            let (http, base) = (theirs.clone(), base.clone());
            async move { by_hand::create(&http, &base, KEY).await.is_ok() }
        }
    };
    println!(
        "{requests} requests from {tasks} concurrent tasks, loopback, {ROUNDS} rounds alternating"
    );
    let (ours_call, theirs_call) = (Arc::new(ours_call), Arc::new(theirs_call));
    // Warm up: the connections, the allocator's pools.
    let call = ours_call.clone();
    runtime.block_on(load(requests / 10, tasks, move || call()));
    let call = theirs_call.clone();
    runtime.block_on(load(requests / 10, tasks, move || call()));
    let (mut ours_rates, mut theirs_rates, mut growth) = (Vec::new(), Vec::new(), 1.0_f64);
    let mut errors = 0;
    for round in 1..=ROUNDS {
        for (name, outcome) in [
            ("this client", {
                let call = ours_call.clone();
                runtime.block_on(load(requests, tasks, move || call()))
            }),
            ("hand-written", {
                let call = theirs_call.clone();
                runtime.block_on(load(requests, tasks, move || call()))
            }),
        ] {
            let peaks: Vec<String> = outcome.peaks.iter().map(|p| format!("{p:.1}")).collect();
            let (first, last) = (outcome.peaks[0], outcome.peaks[9]);
            let rate = requests as f64 / outcome.seconds;
            if name == "this client" {
                ours_rates.push(rate);
            } else {
                theirs_rates.push(rate);
            }
            growth = growth.max(last / first);
            errors += outcome.errors;
            println!(
                "round {round} {name:<13} {:>8.0} req/s  errors {}  peak MiB by tenth: {}  (last/first {:.3})",
                rate,
                outcome.errors,
                peaks.join(" "),
                last / first
            );
        }
    }
    let median = |rates: &mut Vec<f64>| {
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    let (ours, theirs) = (median(&mut ours_rates), median(&mut theirs_rates));
    println!(
        "median req/s: this client {ours:.0}, hand-written {theirs:.0}: ratio {:.3}; errors {errors}; peak memory, last tenth / first tenth, at most {growth:.3}",
        ours / theirs
    );
}
