//! The spec's guesses as data: every `x-guess` marker, where the spec assumes what the
//! vendor does not document: `{claim, evidence, copes}` beside the description that says
//! GUESS in words. `cargo xtask guesses` lists them, ARCHITECTURE.md's table is written from
//! them, and a probe of the live API can tell which hold.

use serde_json::Value;

use crate::document::{Spec, SpecError, walk};
use crate::pointer::unescape;

/// The marker's name.
pub const EXTENSION: &str = "x-guess";

/// One guess of the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Guess<'a> {
    /// The JSON pointer of the node the guess is about (the marker's parent).
    pub pointer: String,
    /// What the spec assumes.
    pub claim: &'a str,
    /// Why: what the vendor's documentation shows, or fails to.
    pub evidence: &'a str,
    /// How the client copes if the guess is wrong, when it does.
    pub copes: Option<&'a str>,
}

impl Guess<'_> {
    /// Where the guess is, as a reader names it (see [`place`]).
    pub fn place(&self) -> String {
        place(&self.pointer)
    }
}

impl Spec {
    /// Every `x-guess` marker, in the order of the document's lines, and every marker that
    /// is not `{claim, evidence[, copes]}` of text, as a problem with its line.
    pub fn guesses(&self) -> (Vec<Guess<'_>>, Vec<SpecError>) {
        let mut pointers: Vec<String> = Vec::new();
        walk(&self.value, &mut String::new(), &mut |pointer, node| {
            if node.get(EXTENSION).is_some() {
                pointers.push(pointer.to_string());
            }
        });
        pointers.sort_by_key(|pointer| self.locate(pointer).map(|l| (l.line, l.column)));
        let mut guesses = Vec::new();
        let mut problems = Vec::new();
        for pointer in pointers {
            let Some(marker) = self.value.pointer(&pointer).and_then(|n| n.get(EXTENSION)) else {
                continue;
            };
            let text = |key: &str| marker.get(key).and_then(Value::as_str).map(str::trim);
            let known = |key: &String| matches!(key.as_str(), "claim" | "evidence" | "copes");
            match (text("claim"), text("evidence")) {
                (Some(claim), Some(evidence))
                    if !claim.is_empty()
                        && !evidence.is_empty()
                        && marker.as_object().is_some_and(|m| m.keys().all(known)) =>
                {
                    guesses.push(Guess {
                        pointer,
                        claim,
                        evidence,
                        copes: text("copes"),
                    });
                }
                _ => problems.push(self.error(
                    &format!("{pointer}/{EXTENSION}"),
                    "`x-guess` takes `claim` and `evidence` (text), and optionally `copes`",
                )),
            }
        }
        (guesses, problems)
    }

    /// Every description that says GUESS where no `x-guess` says what the guess is
    /// (`/info`, which explains the convention, aside).
    pub fn unmarked_guesses(&self) -> Vec<SpecError> {
        let mut problems = Vec::new();
        walk(&self.value, &mut String::new(), &mut |pointer, node| {
            let says_guess = node
                .get("description")
                .and_then(Value::as_str)
                .is_some_and(|d| d.contains("GUESS"));
            if says_guess && node.get(EXTENSION).is_none() && pointer != "/info" {
                problems.push(self.error(
                    &format!("{pointer}/description"),
                    "the description says GUESS but there is no `x-guess: {claim, evidence}` beside it",
                ));
            }
        });
        problems
    }
}

/// A node of the spec as a reader names it: `POST /organizations response 201`,
/// `Location.phone_number`, `parameter LocationId`, `response OrganizationCreated`.
pub fn place(pointer: &str) -> String {
    let segments: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match segments.as_slice() {
        ["paths", path, method, rest @ ..] => {
            let mut place = format!("{} {path}", method.to_uppercase());
            match rest {
                [] => {}
                ["responses", status, ..] => place.push_str(&format!(" response {status}")),
                ["requestBody", ..] => place.push_str(" request body"),
                other => place.push_str(&format!(" {}", other.join("/"))),
            }
            place
        }
        ["components", "schemas", name, rest @ ..] => {
            let mut place = name.to_string();
            let mut rest = rest;
            while let ["properties", property, tail @ ..] = rest {
                place.push('.');
                place.push_str(property);
                rest = tail;
            }
            if !rest.is_empty() {
                place.push_str(&format!(" ({})", rest.join("/")));
            }
            place
        }
        ["components", "parameters", name, ..] => format!("parameter {name}"),
        ["components", "responses", name, ..] => format!("response {name}"),
        ["components", "requestBodies", name, ..] => format!("request body {name}"),
        _ => pointer.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_projects_guesses_are_all_marked() {
        let spec = Spec::parse(crate::SPEC_PATH, crate::SPEC).unwrap();
        let (guesses, problems) = spec.guesses();
        assert!(problems.is_empty(), "{problems:?}");
        assert!(guesses.len() >= 40, "{}", guesses.len());
        assert!(
            spec.unmarked_guesses().is_empty(),
            "{:?}",
            spec.unmarked_guesses()
        );
        let created = guesses
            .iter()
            .find(|g| g.pointer == "/components/responses/OrganizationCreated")
            .unwrap();
        assert_eq!(created.place(), "response OrganizationCreated");
        assert!(created.copes.is_some());
    }

    #[test]
    fn a_guess_in_words_only_or_a_malformed_marker_is_a_problem_with_its_line() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1', description: 'says GUESS'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      description: 'GUESS: maybe'\n      type: object\n    B:\n      x-guess: {claim: x}\n      type: object\n";
        let spec = Spec::parse("t.yaml", text).unwrap();
        let unmarked = spec.unmarked_guesses();
        assert_eq!(unmarked.len(), 1, "/info is the convention: {unmarked:?}");
        assert_eq!(unmarked[0].location.map(|l| l.line), Some(7));
        let (guesses, problems) = spec.guesses();
        assert!(guesses.is_empty());
        assert_eq!(problems[0].location.map(|l| l.line), Some(10));
    }

    #[test]
    fn places_read_as_people_name_them() {
        assert_eq!(
            place("/paths/~1users~1{external_id}/get/responses/200"),
            "GET /users/{external_id} response 200"
        );
        assert_eq!(place("/paths/~1locations/post"), "POST /locations");
        assert_eq!(
            place("/components/schemas/Location/properties/phone_number"),
            "Location.phone_number"
        );
        assert_eq!(
            place("/components/parameters/LocationId"),
            "parameter LocationId"
        );
    }
}
