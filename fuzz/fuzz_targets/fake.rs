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
use hyper::header::{HeaderMap, HeaderName, HeaderValue};
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
    let (head, body) = match request.windows(2).position(|w| w == b"\n\n") {
        Some(end) => (&request[..end], &request[end + 2..]),
        None => (request, &request[..0]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split('\n');
    let (method, target) = lines.next()?.split_once(' ')?;
    let uri = target.parse::<hyper::Uri>().ok()?;
    let mut headers = HeaderMap::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(value.trim()),
        ) {
            headers.append(name, value);
        }
    }
    Some((method, uri, headers, body))
}
