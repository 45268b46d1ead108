//! The seeds `cargo xtask fuzz` writes start the fuzzers from meaningful inputs: every slice
//! of the spec generates a client, every pair of slices parses, and the requests and
//! responses name operations of the spec. A seed that is already an error would leave a
//! target to find the interesting inputs by chance.

use xtask::codegen;
use xtask::diff::{compare, parse_sides};
use xtask::fuzz::{TARGETS, operations, seeds};

fn all() -> Vec<(String, String, String)> {
    seeds(&xtask::workspace::root()).unwrap()
}

#[test]
fn every_target_gets_seeds() {
    let seeds = all();
    for target in TARGETS {
        let count = seeds.iter().filter(|(t, _, _)| t == target).count();
        assert!(count >= 10, "{target}: {count} seeds");
    }
}

#[test]
fn every_slice_of_the_spec_generates_a_client() {
    for (_, name, text) in all().iter().filter(|(t, _, _)| t == "spec") {
        let generated = codegen::generate_all(name, text)
            .unwrap_or_else(|errors| panic!("{name}: {}", errors[0]));
        assert_eq!(generated.model.len(), 1, "{name}: one operation");
    }
}

#[test]
fn every_pair_of_slices_parses_and_a_slice_against_itself_reports_nothing() {
    let seeds = all();
    let pairs: Vec<_> = seeds.iter().filter(|(t, _, _)| t == "diff").collect();
    let mut same = 0;
    for (_, name, text) in pairs {
        let (base, head) = text.split_once('\0').expect("a NUL between the sides");
        let (a, b) =
            parse_sides(("base", base), ("head", head)).unwrap_or_else(|e| panic!("{name}: {e}"));
        if base == head {
            same += 1;
            assert_eq!(compare::compare(&a, &b).len(), 0, "{name}");
        }
    }
    assert!(same >= 10, "{same} pairs of a slice with itself");
}

#[test]
fn requests_and_responses_name_operations_of_the_spec() {
    let root = xtask::workspace::root();
    let text = std::fs::read_to_string(root.join(codegen::SPEC_PATH)).unwrap();
    let spec = answering_agent_spec::Spec::parse(codegen::SPEC_PATH, &text).unwrap();
    let ids: Vec<String> = operations(&spec)
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(ids.len(), 17);
    for (target, name, text) in all() {
        match target.as_str() {
            "client" => {
                let first = text.lines().next().unwrap();
                let (id, status) = first.split_once(' ').unwrap();
                assert!(ids.iter().any(|i| i == id), "{name}: {id}");
                assert!(
                    (100..600).contains(&status.parse::<u16>().unwrap()),
                    "{name}"
                );
            }
            "fake" => {
                for request in text.split('\0') {
                    let line = request.lines().next().unwrap();
                    let (method, path) = line.split_once(' ').unwrap();
                    assert!(
                        ["GET", "POST", "PATCH", "DELETE"].contains(&method),
                        "{name}"
                    );
                    assert!(
                        path.starts_with("/api/v1/") && !path.contains('{'),
                        "{name}: {path}"
                    );
                    assert!(request.contains("\nx-api-key: "), "{name}");
                }
            }
            "verify" => {
                let (example, _) = text.split_once('\n').unwrap();
                assert!(
                    ids.iter().any(|i| example.starts_with(&format!("{i}/"))),
                    "{name}"
                );
            }
            _ => {}
        }
    }
}
