//! Timing for the benches: medians of a few rounds, with their spread.

use std::time::{Duration, Instant};

/// How many times each measurement runs.
pub const ROUNDS: usize = 5;

/// The median of `ROUNDS` timed runs; prints the spread (min..max) as it goes.
pub fn median(mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    eprintln!(
        "  (spread {:.1}..{:.1} ms)",
        ms(times[0]),
        ms(times[ROUNDS - 1])
    );
    times[ROUNDS / 2]
}

/// A duration in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
