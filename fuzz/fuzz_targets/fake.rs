//! The fake's request handling, in-process, on a fresh store per input: any method, path,
//! headers and body, several requests in a row so that state is reached. Any status the
//! spec allows is fine; a panic, a hang or a 500 is not (the fake answers 500 only when its
//! own answer does not fit the spec: a bug of the fake).
//!
//! Input: requests separated by NUL bytes; each is `METHOD /path?query`, a newline, header
//! lines `name: value`, an empty line, the body. Seeds: for every operation, the create
//! calls that give it something to find, then the operation itself.

#![no_main]

use answering_agent_fake::fuzzing::InProcess;
use hyper::header::HeaderMap;
use libfuzzer_sys::fuzz_target;

/// The key the seeds send.
const KEY: &str = "fuzz-key";

fuzz_target!(|data: &[u8]| {
    let fake = InProcess::new(KEY).expect("the repository's spec loads");
    for request in data.split(|&b| b == 0).take(8) {
        let Some((method, uri, headers, body)) = parse(request) else {
            continue;
        };
        let answer = fake.reply(method, &uri, &headers, body);
        assert!(
            (200..=599).contains(&answer.status) && answer.status != 500,
            "{method} {uri}: {} ({})",
            answer.status,
            answer.note
        );
        if let Some(body) = &answer.body {
            serde_json::from_slice::<serde_json::Value>(body).expect("the fake answers JSON");
        }
    }
});

fn parse(request: &[u8]) -> Option<(&str, hyper::Uri, HeaderMap, &[u8])> {
    let (first, headers, body) = answering_agent_fuzz::message(request)?;
    let (method, target) = first.split_once(' ')?;
    let uri = target.parse::<hyper::Uri>().ok()?;
    Some((method, uri, headers, body))
}
