//! The client's handling of any response, for every operation: the call goes through the
//! hooks, the retry loop (time is paused, so backoffs and `Retry-After` cost nothing) and
//! the conversion into this crate's `Error`, with every attempt answered by the input.
//! Success only for a success status; the API key in no error; never a panic or a hang.
//!
//! Input: `operationId status`, a newline, header lines `name: value`, an empty line, the
//! body. Seeds: every example response of the repository, under its operation and status.

#![no_main]

use std::collections::HashMap;
use std::sync::OnceLock;

use answering_agent::fuzzing::{Canned, answered};
use answering_agent::{Client, Environment, Operation, RetryPolicy};
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Map, Value};

/// A key that must never show up in an error.
const KEY: &str = "sk_fuzz_Zq8Wm3Rt6Yp1";

struct Setup {
    runtime: tokio::runtime::Runtime,
    client: Client,
    /// Valid arguments of each operation, from the spec.
    arguments: HashMap<&'static str, Map<String, Value>>,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        let client = Client::builder()
            .api_key(KEY)
            .environment(Environment::custom("http://fuzz.invalid/api/v1").unwrap())
            .http_client(
                answering_agent::http_client_builder()
                    .unwrap()
                    .build()
                    .unwrap(),
            )
            .retry(RetryPolicy::default())
            .build()
            .unwrap();
        let spec = answering_agent_spec::Spec::parse(
            answering_agent_spec::SPEC_PATH,
            answering_agent_spec::SPEC,
        )
        .unwrap();
        // The seeds' arguments: each parameter's example or a value of its type, and the
        // request body's example (xtask/src/fuzz.rs).
        let from_spec = xtask::fuzz::operations(&spec).unwrap();
        let arguments = Operation::ALL
            .iter()
            .map(|operation| {
                let found = from_spec
                    .iter()
                    .find(|o| o.id == operation.id())
                    .unwrap_or_else(|| panic!("{} is not in the spec", operation.id()));
                (operation.id(), found.arguments())
            })
            .collect();
        let setup = Setup {
            runtime,
            client,
            arguments,
        };
        // Every operation's arguments are valid, so that every input reaches the response
        // handling instead of stopping at the request's validation.
        for operation in Operation::ALL {
            let canned = Canned {
                status: StatusCode::NOT_FOUND,
                headers: HeaderMap::new(),
                body: Bytes::new(),
            };
            let arguments = &setup.arguments[operation.id()];
            let result = setup.runtime.block_on(answered(
                canned,
                setup.client.send_json(*operation, arguments),
            ));
            assert!(
                matches!(result, Err(answering_agent::Error::NotFound(_))),
                "{}: {result:?}",
                operation.id()
            );
        }
        setup
    })
}

fuzz_target!(|data: &[u8]| {
    let setup = setup();
    let Some((operation, canned)) = parse(data) else {
        return;
    };
    let success = canned.status.is_success();
    let arguments = &setup.arguments[operation.id()];
    let result = setup.runtime.block_on(answered(
        canned,
        setup.client.send_json(operation, arguments),
    ));
    match result {
        Ok(response) => assert!(success, "{} answered Ok", response.status()),
        Err(error) => {
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains(KEY), "the key in an error: {shown}");
        }
    }
});

fn parse(data: &[u8]) -> Option<(Operation, Canned)> {
    let (first, headers, body) = answering_agent_fuzz::message(data)?;
    let (id, status) = first.split_once(' ')?;
    let operation = *Operation::ALL.iter().find(|o| o.id() == id)?;
    let status = StatusCode::from_u16(status.trim().parse().ok()?).ok()?;
    Some((
        operation,
        Canned {
            status,
            headers,
            body: Bytes::copy_from_slice(body),
        },
    ))
}
