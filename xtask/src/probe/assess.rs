//! Which guesses the calls settled. A call touches the places of the spec it went through:
//! the operation, its parameters, the request body's schema nodes the sent body used, the
//! response it answered with and the schema nodes of what came back. A disagreement
//! (a status the spec does not lead one to expect, a verify finding) has places too, most
//! specific first; it contradicts the guess at the first of them that has one. A guess is
//! then contradicted, consistent with what was seen (touched, nothing against it), or not
//! exercised.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use answering_agent_spec::guesses::Guess;
use answering_agent_spec::pointer::{chain, escape};
use answering_agent_spec::schema;
use answering_agent_spec::{Operation, Spec};

use crate::report::Finding;

/// A disagreement between the server and the spec.
#[derive(Clone, Debug, Serialize)]
pub struct Contradiction {
    /// The operation called.
    pub operation: String,
    /// Why it was called (a purpose's slug).
    pub purpose: String,
    /// What was seen, in one sentence.
    pub message: String,
    /// Where the spec says otherwise, most specific first (JSON pointers).
    pub places: Vec<String>,
    /// The verify finding, when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding: Option<Finding>,
}

/// What the probe learned of one guess.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Something seen disagrees with it.
    Contradicted,
    /// The calls went through it and nothing disagreed.
    Consistent,
    /// No call went through it.
    NotExercised,
}

impl Verdict {
    /// For people.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Contradicted => "contradicted",
            Verdict::Consistent => "consistent",
            Verdict::NotExercised => "not exercised",
        }
    }
}

/// The pointers a run went through.
#[derive(Default, Debug)]
pub struct Touched(BTreeSet<String>);

impl Touched {
    /// Notes one call of `operation` that sent `sent` and got `status` with `answer`.
    pub fn call(
        &mut self,
        spec: &Spec,
        operation: &Operation<'_>,
        sent: Option<&Value>,
        status: u16,
        answer: Option<&Value>,
    ) {
        self.0.insert(operation.node.pointer.clone());
        for parameter in &operation.parameters {
            self.node(spec, parameter.node.value, &parameter.node.pointer, None, 0);
        }
        if let (Some(body), Some(sent)) = (&operation.request_body, sent) {
            self.node(spec, body.value, &body.pointer, None, 0);
            if let Some(schema) = body.json_schema() {
                self.node(spec, schema.value, &schema.pointer, Some(sent), 0);
            }
        }
        if let Some(response) = operation.response_for(status) {
            self.0.insert(response.node.pointer.clone());
            if let (Some(schema), Some(answer)) = (response.node.json_schema(), answer) {
                self.node(spec, schema.value, &schema.pointer, Some(answer), 0);
            }
        }
    }

    /// Every pointer from `pointer` through its `$ref`s; the node at the end, and its pointer.
    fn hops<'s>(&mut self, spec: &'s Spec, node: &'s Value, pointer: &str) -> (&'s Value, String) {
        self.0.extend(chain(&spec.value, node, pointer));
        schema::deref(&spec.value, node, pointer)
    }

    /// A schema node and, with a value, the nodes the value goes through.
    fn node(
        &mut self,
        spec: &Spec,
        schema: &Value,
        pointer: &str,
        value: Option<&Value>,
        depth: usize,
    ) {
        if depth > 24 {
            return;
        }
        let (schema, pointer) = self.hops(spec, schema, pointer);
        for key in ["allOf", "anyOf", "oneOf"] {
            for (index, member) in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let at = format!("{pointer}/{key}/{index}");
                self.node(spec, member, &at, value, depth + 1);
            }
        }
        match value {
            Some(Value::Object(fields)) => {
                for (name, field) in fields {
                    if let Some(property) = schema.get("properties").and_then(|p| p.get(name)) {
                        let at = format!("{pointer}/properties/{}", escape(name));
                        self.node(spec, property, &at, Some(field), depth + 1);
                    } else if let Some(extra @ Value::Object(_)) =
                        schema.get("additionalProperties")
                    {
                        let at = format!("{pointer}/additionalProperties");
                        self.node(spec, extra, &at, Some(field), depth + 1);
                    }
                }
            }
            Some(Value::Array(items)) => {
                if let Some(item_schema) = schema.get("items") {
                    let at = format!("{pointer}/items");
                    for item in items {
                        self.node(spec, item_schema, &at, Some(item), depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether a run went through `pointer`.
    pub fn contains(&self, pointer: &str) -> bool {
        self.0.contains(pointer)
    }
}

/// The places of a finding about the answer to `operation` with `status`: the schema node
/// it names and its ancestors (which reach the response and the operation when the schema
/// is written inline there); without a schema node, the response and the operation. A
/// field wrong in a component schema is that schema's, not a guess about the response
/// that shows it.
pub fn places_of_finding(operation: &Operation<'_>, status: u16, finding: &Finding) -> Vec<String> {
    match &finding.spec {
        Some(place) => std::iter::successors(Some(place.pointer.as_str()), |pointer| {
            pointer
                .rfind('/')
                .filter(|&cut| cut > 0)
                .map(|cut| &pointer[..cut])
        })
        .map(str::to_string)
        .collect(),
        None => response_place(operation, status)
            .into_iter()
            .chain([operation.node.pointer.clone()])
            .collect(),
    }
}

/// Where the response `status` is documented (the model has followed its `$ref`s).
pub fn response_place(operation: &Operation<'_>, status: u16) -> Option<String> {
    operation
        .response_for(status)
        .map(|response| response.node.pointer.clone())
}

/// The places of a status that is not the one expected: for a refusal, the response it
/// should have been and the operation; for a call that should have worked, the documented
/// successes (a 2xx) or the request body (a 4xx), then the operation.
pub fn places_of_status(
    spec: &Spec,
    operation: &Operation<'_>,
    expected: Option<u16>,
    status: u16,
) -> Vec<String> {
    let mut places = Vec::new();
    match expected {
        Some(expected) => {
            // A refusal guessed on the operation (a duplicate) is about the operation.
            places.push(operation.node.pointer.clone());
            places.extend(response_place(operation, expected));
        }
        None => {
            if (200..300).contains(&status) {
                for response in &operation.responses {
                    if let Some(code) = response.code().filter(|c| (200..300).contains(c)) {
                        places.extend(response_place(operation, code));
                    }
                }
            } else if let Some(body) = &operation.request_body {
                if let Some(schema) = body.json_schema() {
                    let (_, target) = schema::deref(&spec.value, schema.value, &schema.pointer);
                    places.push(target);
                    places.push(schema.pointer.clone());
                }
                places.push(body.pointer.clone());
            }
            places.push(operation.node.pointer.clone());
        }
    }
    places
}

/// One guess and what the run learned of it.
#[derive(Clone, Debug, Serialize)]
pub struct Assessed {
    /// The JSON pointer of the node the guess is about.
    pub pointer: String,
    /// Where, for people (`POST /locations response 201`).
    pub place: String,
    /// The spec's line of the guess.
    pub line: Option<usize>,
    /// What the spec assumes.
    pub claim: String,
    /// The verdict.
    pub verdict: Verdict,
    /// What contradicts it (indexes into the run's contradictions).
    pub evidence: Vec<usize>,
}

/// Each guess's verdict, and the contradictions no guess covers (the spec states those
/// as facts, and they are wrong).
pub fn assess(
    spec: &Spec,
    guesses: &[Guess<'_>],
    touched: &Touched,
    contradictions: &[Contradiction],
) -> (Vec<Assessed>, Vec<usize>) {
    let mut assessed: Vec<Assessed> = guesses
        .iter()
        .map(|guess| Assessed {
            pointer: guess.pointer.clone(),
            place: guess.place(),
            line: spec.locate(&guess.pointer).map(|l| l.line),
            claim: guess.claim.to_string(),
            verdict: if touched.contains(&guess.pointer) {
                Verdict::Consistent
            } else {
                Verdict::NotExercised
            },
            evidence: Vec::new(),
        })
        .collect();
    let mut unguessed = Vec::new();
    for (index, contradiction) in contradictions.iter().enumerate() {
        let guess = contradiction
            .places
            .iter()
            .find_map(|place| assessed.iter().position(|a| &a.pointer == place));
        match guess {
            Some(guess) => {
                let guess = &mut assessed[guess];
                guess.verdict = Verdict::Contradicted;
                guess.evidence.push(index);
            }
            None => unguessed.push(index),
        }
    }
    (assessed, unguessed)
}
