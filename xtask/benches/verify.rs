//! Verifying 10,000 create-organization responses, against a bare
//! `serde_json::from_slice` into the generated type, in one run on the same bytes.
//!
//! `cargo bench -p xtask --bench verify` prints the medians of 5 rounds and their ratios,
//! then times the `xtask-verify` binary on a folder of the same 10,000 files.

#[allow(dead_code, unused_imports, missing_docs, clippy::all)]
#[rustfmt::skip]
#[path = "../../client/generated.rs"]
mod generated;
#[allow(dead_code)] // TYPE_SCHEMAS: the benchmark decodes examples only
#[rustfmt::skip]
#[path = "../src/bin/xtask-verify/decoders.rs"]
mod decoders;
#[path = "../src/bin/xtask-verify/hooks.rs"]
mod hooks;
#[allow(dead_code)]
#[path = "../../client/secret.rs"]
mod secret;

#[path = "support/timing.rs"]
mod timing;

use std::path::PathBuf;
use std::time::Duration;

use answering_agent_spec::Spec;
use serde_json::{Value, json};
use timing::{ROUNDS, median, ms};
use xtask::verify::Verifier;

const RESPONSES: usize = 10_000;

fn main() {
    let bodies = bodies();
    let bytes: usize = bodies.iter().map(Vec::len).sum();
    let spec_text =
        std::fs::read_to_string(xtask::workspace::root().join(xtask::codegen::SPEC_PATH)).unwrap();
    let spec = Spec::parse(xtask::codegen::SPEC_PATH, &spec_text).unwrap();
    let verifier = Verifier::new(&spec, decoders::DECODERS).unwrap();
    let name = PathBuf::from("createOrganization/201-bench.json");

    let bare = median(|| {
        for body in &bodies {
            let typed: generated::types::CreatedOrganization =
                serde_json::from_slice(body).unwrap();
            std::hint::black_box(typed);
        }
    });
    let verify = median(|| {
        for body in &bodies {
            let findings = verifier.check_bytes(&name, "bench", body);
            assert!(findings.is_empty(), "{findings:#?}");
        }
    });

    // Where the time goes, stage by stage, on the same bodies.
    let values: Vec<Value> = bodies
        .iter()
        .map(|b| serde_json::from_slice(b).unwrap())
        .collect();
    let pointer = "/components/responses/OrganizationCreated/content/application~1json/schema";
    let schema = spec.get(pointer).unwrap();
    let index = xtask::roundtrip::PathIndex::of(&spec.value, schema, pointer);
    let validator = answering_agent_spec::schema::validator(
        &spec.value,
        schema,
        answering_agent_spec::schema::Direction::Response,
        true,
    )
    .unwrap();
    let stages = [
        (
            "parse into serde_json::Value",
            median(|| {
                for body in &bodies {
                    std::hint::black_box(serde_json::from_slice::<Value>(body).unwrap());
                }
            }),
        ),
        (
            "validate the Value with jsonschema",
            median(|| {
                for value in &values {
                    assert!(validator.is_valid(value));
                }
            }),
        ),
        (
            "decode the Value into the generated type, compare its encoding",
            median(|| {
                for value in &values {
                    let same = xtask::decoders::roundtrip::<generated::types::CreatedOrganization>(
                        value, &index,
                    );
                    assert!(matches!(same, Ok(xtask::decoders::RoundTrip::Same)));
                }
            }),
        ),
    ];

    let folder = tempfile::tempdir().unwrap();
    write_folder(folder.path(), &bodies);
    // To time `cargo xtask verify` itself (the dev profile) on the same files.
    if let Some(keep) = std::env::var_os("VERIFY_BENCH_DIR") {
        write_folder(std::path::Path::new(&keep), &bodies);
    }
    let binary = median(|| {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_xtask-verify"))
            .arg(folder.path())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    });

    println!(
        "{RESPONSES} create-organization responses, {} KiB, median of {ROUNDS} rounds:",
        bytes / 1024
    );
    println!(
        "  bare serde_json::from_slice into the generated type: {:>8.1} ms",
        ms(bare)
    );
    println!(
        "  verify (schema + type + round trip), in memory:      {:>8.1} ms  ratio {:.2}",
        ms(verify),
        ratio(verify, bare)
    );
    for (stage, time) in stages {
        println!("    of which {stage}: {:.1} ms", ms(time));
    }
    println!(
        "  xtask-verify on a folder of the 10,000 files:        {:>8.1} ms  (process, file reads, spec examples)",
        ms(binary)
    );
}

fn write_folder(folder: &std::path::Path, bodies: &[Vec<u8>]) {
    std::fs::create_dir_all(folder.join("createOrganization")).unwrap();
    for (index, body) in bodies.iter().enumerate() {
        std::fs::write(
            folder.join(format!("createOrganization/201-case{index}.json")),
            body,
        )
        .unwrap();
    }
}

/// 10,000 different, valid responses: ids, names, timestamp spellings, members and
/// locations vary.
fn bodies() -> Vec<Vec<u8>> {
    let base: Value = serde_json::from_str(include_str!(
        "../../openapi/examples/createOrganization/201-documented.json"
    ))
    .unwrap();
    let stamps = [
        "2026-11-29T03:21:09Z",
        "2026-11-29T03:21:09.000000Z",
        "2026-11-29T03:21:09+00:00",
    ];
    (0..RESPONSES)
        .map(|i| {
            let mut body = base.clone();
            let organization = &mut body["organization"];
            organization["id"] = json!(i);
            organization["name"] = json!(format!("Organization {i}"));
            organization["created_at"] = json!(stamps[i % 3]);
            let location = organization["phone_numbers"][0].clone();
            organization["phone_numbers"] = Value::Array(vec![location; i % 4]);
            if i % 2 == 0 {
                let mut member = body["owner"].clone();
                member["organizations"][0]["role"] = json!("manager");
                body["organization"]["users"]
                    .as_array_mut()
                    .unwrap()
                    .push(member);
            }
            serde_json::to_vec_pretty(&body).unwrap()
        })
        .collect()
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}
