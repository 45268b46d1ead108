//! `cargo xtask probe` against the fake: of the project's spec (nothing contradicted, every
//! operation exercised, nothing left), of variant specs that differ from ours where ours
//! guesses (each difference reported with its spec line, and nothing else), killed at
//! random moments (then `--cleanup` leaves nothing), and refusing to run where it must not.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use answering_agent_fake::{Fake, Fault};
use serde_json::{Value, json};

const KEY: &str = "probe-test-key";

fn spec_value() -> Value {
    let text = answering_agent_spec::SPEC;
    serde_norway::from_str(text).unwrap()
}

fn fake_of(spec: &Value) -> Fake {
    Fake::builder()
        .spec("variant.json", serde_json::to_string(spec).unwrap())
        .api_key(KEY)
        .spawn()
        .unwrap()
}

fn probe(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask-verify"));
    command
        .arg("probe")
        .args(args)
        .env("ANSWERING_AGENT_API_KEY", KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn run(fake: &Fake, out: &Path) -> Output {
    probe(&[
        "--environment",
        fake.base_url(),
        "--format",
        "json",
        "--out",
    ])
    .arg(out)
    .output()
    .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The JSON report: what follows the first line (the run id) on stdout.
fn report(output: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let (_, json) = stdout
        .split_once('\n')
        .unwrap_or_else(|| panic!("{}", text(output)));
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {}", text(output)))
}

fn assert_nothing_left(fake: &Fake) {
    assert_eq!(fake.records("organizations"), Vec::<Value>::new());
    assert_eq!(fake.records("locations"), Vec::<Value>::new());
}

/// Every file under `dir`, as text.
fn files_under(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.push_str(&files_under(&path));
        } else {
            all.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    all
}

#[test]
fn against_the_fake_of_our_spec_nothing_is_contradicted_and_nothing_is_left() {
    let fake = fake_of(&spec_value());
    let dir = tempfile::tempdir().unwrap();
    let output = run(&fake, dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report = report(&output);
    assert_eq!(report["contradictions"], json!([]), "{report:#}");
    assert_eq!(report["operations"], 17);
    let mut exercised: Vec<&str> = report["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"].is_u64())
        .map(|c| c["operation"].as_str().unwrap())
        .collect();
    exercised.sort_unstable();
    exercised.dedup();
    assert_eq!(exercised.len(), 17, "{exercised:?}");
    // The refusals got the answers the spec gives them.
    for (purpose, status) in [
        ("without the required `owner`", 422),
        ("the same `external_id` again", 422),
        ("an id nobody has", 404),
        ("a wrong API key", 401),
    ] {
        assert!(
            report["calls"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["purpose"] == purpose && c["status"] == status),
            "{purpose}: {report:#}"
        );
    }
    let verdicts: Vec<&str> = report["guesses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["verdict"].as_str().unwrap())
        .collect();
    assert!(verdicts.iter().all(|v| *v != "contradicted"));
    assert!(
        verdicts.iter().filter(|v| **v == "consistent").count() >= 30,
        "{verdicts:?}"
    );
    assert_nothing_left(&fake);
    // The users it made cannot be deleted (no DELETE /users): said, not hidden.
    let left = report["cleanup"]["left"].as_array().unwrap();
    assert!(
        !left.is_empty() && left.iter().all(|l| l["resource"] == "users"),
        "{left:?}"
    );
    // Each answer is a redacted recording in the run's folder, with the report and journal.
    assert!(
        dir.path()
            .join("recordings/createOrganization/201-exercise.json")
            .is_file()
    );
    assert!(dir.path().join("report.json").is_file());
    assert!(dir.path().join("journal.jsonl").is_file());
    let everything = files_under(dir.path()) + &text(&output);
    assert!(!everything.contains(KEY), "the key was written somewhere");
    let token = fake
        .records("users")
        .iter()
        .find_map(|u| u["embed_token"].as_str().map(str::to_string));
    if let Some(token) = token {
        assert!(!everything.contains(&token), "an embed token was written");
    }
}

/// Probes a fake of our spec changed by `change`; the contradictions seen.
fn contradictions_against(change: impl FnOnce(&mut Value)) -> (Vec<Value>, Value) {
    let mut spec = spec_value();
    change(&mut spec);
    let fake = fake_of(&spec);
    let dir = tempfile::tempdir().unwrap();
    let output = run(&fake, dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let report = report(&output);
    assert_nothing_left(&fake);
    (report["contradictions"].as_array().unwrap().clone(), report)
}

fn line_of(pointer: &str) -> usize {
    let spec = answering_agent_spec::Spec::parse(
        answering_agent_spec::SPEC_PATH,
        answering_agent_spec::SPEC,
    )
    .unwrap();
    spec.locate(pointer).unwrap().line
}

/// The one guess contradicted, as (pointer, line).
fn contradicted(report: &Value) -> Vec<(String, usize)> {
    report["guesses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["verdict"] == "contradicted")
        .map(|g| {
            (
                g["pointer"].as_str().unwrap().to_string(),
                g["line"].as_u64().unwrap() as usize,
            )
        })
        .collect()
}

#[test]
fn a_create_that_answers_200_contradicts_the_201_guess() {
    let (found, report) = contradictions_against(|spec| {
        let responses = &mut spec["paths"]["/locations"]["post"]["responses"];
        let created = responses.as_object_mut().unwrap().remove("201").unwrap();
        responses["200"] = created;
    });
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["operation"], "createLocation");
    assert_eq!(
        found[0]["message"],
        "answered 200, which the spec does not document"
    );
    let pointer = "/paths/~1locations/post/responses/201";
    assert_eq!(
        contradicted(&report),
        [(pointer.to_string(), line_of(pointer))]
    );
}

#[test]
fn a_delete_that_answers_204_contradicts_the_deleted_guess() {
    let (found, report) = contradictions_against(|spec| {
        let responses = &mut spec["paths"]["/locations/{location_id}"]["delete"]["responses"];
        responses.as_object_mut().unwrap().remove("200");
        responses["204"] = json!({"description": "deleted"});
    });
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["operation"], "deleteLocation");
    assert_eq!(
        found[0]["message"],
        "answered 204, which the spec does not document"
    );
    let pointer = "/components/responses/Deleted";
    assert_eq!(
        contradicted(&report),
        [(pointer.to_string(), line_of(pointer))]
    );
}

#[test]
fn a_field_we_do_not_know_is_reported_at_its_schema_in_every_answer_that_has_it() {
    let (found, report) = contradictions_against(|spec| {
        let location = &mut spec["components"]["schemas"]["Location"];
        location["properties"]["timezone"] = json!({"type": "string", "example": "UTC"});
        location["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("timezone"));
    });
    // Every answer that shows a location: the location's own, and an organization's
    // `phone_numbers`.
    let operations: Vec<&str> = found
        .iter()
        .map(|c| c["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        operations,
        [
            "createLocation",
            "listOrganizations",
            "listLocations",
            "getOrganization",
            "getLocation",
            "updateOrganization",
            "updateLocation"
        ]
    );
    for contradiction in &found {
        let finding = &contradiction["finding"];
        assert_eq!(finding["class"], "unknown-field", "{contradiction:#}");
        assert!(
            finding["pointer"].as_str().unwrap().ends_with("/timezone"),
            "{contradiction:#}"
        );
        assert_eq!(finding["spec"]["pointer"], "/components/schemas/Location");
        assert_eq!(
            finding["spec"]["line"],
            line_of("/components/schemas/Location")
        );
    }
    // No guess is about Location as a whole: the spec states its fields, and is wrong.
    assert_eq!(contradicted(&report), []);
    assert_eq!(report["unguessed"].as_array().unwrap().len(), found.len());
}

#[test]
fn a_null_where_the_spec_says_a_value_contradicts_the_guess_about_it() {
    let (found, report) = contradictions_against(|spec| {
        spec["components"]["schemas"]["Location"]["properties"]["status"] =
            json!({"nullable": true, "description": "null in this variant"});
    });
    assert!(!found.is_empty());
    for contradiction in &found {
        let finding = &contradiction["finding"];
        assert!(
            finding["pointer"].as_str().unwrap().ends_with("/status"),
            "{contradiction:#}"
        );
        assert_eq!(finding["actual"], "null", "{contradiction:#}");
        // An enum's null is a schema violation to verify; the generated type refuses it too.
        assert!(
            ["null-not-nullable", "schema-violation", "type-mismatch"]
                .contains(&finding["class"].as_str().unwrap()),
            "{contradiction:#}"
        );
    }
    let pointer = "/components/schemas/LocationStatus";
    assert_eq!(
        contradicted(&report),
        [(pointer.to_string(), line_of(pointer))]
    );
}

#[test]
fn killed_at_random_moments_then_cleaned_up_nothing_is_left() {
    let seed = std::env::var("PROBE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("PROBE_SEED={seed} reproduces this run");
    let mut random = fastrand::Rng::with_seed(seed);
    let fake = fake_of(&spec_value());
    let dir = tempfile::tempdir().unwrap();
    // How long a whole run takes here, to spread the kills over it.
    let started = Instant::now();
    let whole = run(&fake, &dir.path().join("whole"));
    assert_eq!(whole.status.code(), Some(0), "{}", text(&whole));
    let span = started.elapsed();
    let mut killed_with_records = 0;
    for round in 0..8 {
        let out = dir.path().join(format!("run-{round}"));
        if round % 2 == 1 {
            // The create is carried out but answered late: the kill lands between the
            // server's commit and the journal's `created`.
            fake.inject(
                Fault::Delay(Duration::from_secs(2))
                    .times(1)
                    .on("createLocation"),
            );
        }
        let mut child = probe(&["--environment", fake.base_url(), "--out"])
            .arg(&out)
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text);
            text
        });
        if round % 2 == 1 {
            let deadline = Instant::now() + Duration::from_secs(20);
            while fake.records("locations").is_empty() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(2));
            }
        } else {
            let nanos = random.u64(0..span.as_nanos() as u64);
            std::thread::sleep(Duration::from_nanos(nanos));
        }
        child.kill().unwrap(); // SIGKILL: nothing more is written
        child.wait().unwrap();
        fake.clear_faults();
        let stdout = reader.join().unwrap();
        if !fake.records("organizations").is_empty() || !fake.records("locations").is_empty() {
            killed_with_records += 1;
        }
        let Some(run_id) = stdout
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("probe run "))
            .and_then(|l| l.split_whitespace().next())
        else {
            // Killed before it said its id: it had asked for nothing yet.
            assert_nothing_left(&fake);
            continue;
        };
        let cleanup = probe(&["--cleanup", run_id, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(
            cleanup.status.code(),
            Some(0),
            "round {round}: {}",
            text(&cleanup)
        );
        assert_nothing_left(&fake);
    }
    assert!(
        killed_with_records >= 4,
        "only {killed_with_records} kills left records behind"
    );
}

#[test]
fn it_refuses_to_run_without_a_key_on_production_without_consent_and_with_a_refused_key() {
    let no_key = probe(&["--environment", "http://127.0.0.1:9/api/v1"])
        .env_remove("ANSWERING_AGENT_API_KEY")
        .output()
        .unwrap();
    assert_eq!(no_key.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_key.stderr).contains("ANSWERING_AGENT_API_KEY"));

    let production = probe(&["--environment", "production"]).output().unwrap();
    assert_eq!(production.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&production.stderr).contains("--production"));

    let made_up = probe(&["--cleanup", "a"]).output().unwrap();
    assert_eq!(made_up.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&made_up.stderr).contains("not a run id"));

    let fake = Fake::builder().api_key("another-key").spawn().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let refused = run(&fake, dir.path());
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let report = report(&refused);
    assert!(
        report["stopped"]
            .as_str()
            .unwrap()
            .contains("refused the key"),
        "{report:#}"
    );
    assert!(!text(&refused).contains(KEY));
}

#[test]
fn ctrl_c_stops_the_run_and_it_still_cleans_up() {
    let fake = fake_of(&spec_value());
    let dir = tempfile::tempdir().unwrap();
    fake.inject(
        Fault::Delay(Duration::from_millis(500))
            .times(1)
            .on("createLocation"),
    );
    let child = probe(&[
        "--environment",
        fake.base_url(),
        "--format",
        "json",
        "--out",
    ])
    .arg(dir.path())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while fake.records("locations").is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: a signal to a child this test started and has not yet waited for.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let report = report(&output);
    assert_eq!(report["stopped"], "interrupted (Ctrl-C)");
    assert_nothing_left(&fake);
}

#[test]
fn the_markdown_report_names_the_spec_line_to_change() {
    let mut spec = spec_value();
    let responses = &mut spec["paths"]["/locations"]["post"]["responses"];
    let created = responses.as_object_mut().unwrap().remove("201").unwrap();
    responses["200"] = created;
    let fake = fake_of(&spec);
    let dir = tempfile::tempdir().unwrap();
    let output = probe(&[
        "--environment",
        fake.base_url(),
        "--format",
        "markdown",
        "--out",
    ])
    .arg(dir.path())
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let markdown = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    let line = line_of("/paths/~1locations/post/responses/201");
    let row = markdown
        .lines()
        .find(|l| l.contains(&format!("openapi/answering-agent.yaml:{line} ")))
        .unwrap_or_else(|| panic!("{markdown}"));
    assert!(
        row.contains("createLocation (exercise): answered 200, which the spec does not document"),
        "{row}"
    );
    assert!(markdown.starts_with("## Probe `probe-"), "{markdown}");
}
