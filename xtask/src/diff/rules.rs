//! Every rule `cargo xtask diff` reports, with its level: one table to read.
//!
//! The model is oasdiff's public rule list (<https://github.com/oasdiff/oasdiff>, BREAKING-CHANGES
//! and its `checks` ids): a change is judged by which side of the wire it is on. What a
//! client sends (request) must not be constrained more; what it receives (response) must
//! not be loosened. Where we differ from oasdiff, the table says so:
//! - `response-property-enum-value-added` is *potentially* breaking, not breaking: this
//!   client's enums are open (`Unknown(String)`), but clients with closed enums break.
//! - bounds and patterns are one rule each per direction (`...-bound-tightened`,
//!   `...-bound-loosened`), naming the keyword in the message, where oasdiff has one rule
//!   per keyword.
//! - composition (`allOf`/`anyOf`/`oneOf`) is compared as a whole: any change is one
//!   potentially breaking `...-composition-changed`; oasdiff looks inside.

use serde::Serialize;

/// How a change affects existing callers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Existing callers break.
    Breaking,
    /// Some callers may break (closed enums, strict validation, tightened servers).
    PotentiallyBreaking,
    /// No existing caller breaks.
    NonBreaking,
}

impl Level {
    /// The stable name, as in the JSON output and `--fail-on`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::PotentiallyBreaking => "potentially-breaking",
            Level::NonBreaking => "non-breaking",
        }
    }

    /// The heading for people.
    pub fn title(self) -> &'static str {
        match self {
            Level::Breaking => "Breaking",
            Level::PotentiallyBreaking => "Potentially breaking",
            Level::NonBreaking => "Non-breaking",
        }
    }
}

use Level::{Breaking, NonBreaking, PotentiallyBreaking};

/// Every rule: its stable id, its level, and what it means.
pub const RULES: &[(&str, Level, &str)] = &[
    // Operations
    (
        "api-operation-removed",
        Breaking,
        "an operation was removed",
    ),
    ("api-operation-added", NonBreaking, "an operation was added"),
    (
        "api-operation-id-changed",
        PotentiallyBreaking,
        "an operationId changed (generated clients rename the method)",
    ),
    // Parameters
    (
        "new-required-request-parameter",
        Breaking,
        "a required parameter was added",
    ),
    (
        "new-optional-request-parameter",
        NonBreaking,
        "an optional parameter was added",
    ),
    (
        "request-parameter-removed",
        PotentiallyBreaking,
        "a parameter was removed (callers still send it)",
    ),
    (
        "request-parameter-became-required",
        Breaking,
        "a parameter became required",
    ),
    (
        "request-parameter-became-optional",
        NonBreaking,
        "a parameter became optional",
    ),
    // Request bodies
    (
        "request-body-added-required",
        Breaking,
        "a required request body was added",
    ),
    (
        "request-body-added-optional",
        NonBreaking,
        "an optional request body was added",
    ),
    (
        "request-body-removed",
        PotentiallyBreaking,
        "the request body was removed",
    ),
    (
        "request-body-became-required",
        Breaking,
        "the request body became required",
    ),
    (
        "request-body-became-optional",
        NonBreaking,
        "the request body became optional",
    ),
    (
        "request-body-media-type-added",
        NonBreaking,
        "a request media type was added",
    ),
    (
        "request-body-media-type-removed",
        Breaking,
        "a request media type was removed",
    ),
    // Request schemas (bodies and parameters)
    (
        "request-property-type-changed",
        Breaking,
        "a request value's type changed",
    ),
    (
        "request-property-format-changed",
        PotentiallyBreaking,
        "a request value's format changed",
    ),
    (
        "new-required-request-property",
        Breaking,
        "a required request property was added",
    ),
    (
        "new-optional-request-property",
        NonBreaking,
        "an optional request property was added",
    ),
    (
        "request-property-removed",
        PotentiallyBreaking,
        "a request property was removed (callers still send it)",
    ),
    (
        "request-property-became-required",
        Breaking,
        "a request property became required",
    ),
    (
        "request-property-became-optional",
        NonBreaking,
        "a request property became optional",
    ),
    (
        "request-property-became-not-nullable",
        Breaking,
        "a request property no longer takes null",
    ),
    (
        "request-property-became-nullable",
        NonBreaking,
        "a request property now takes null",
    ),
    (
        "request-property-enum-value-removed",
        Breaking,
        "a request enum value was removed",
    ),
    (
        "request-property-enum-value-added",
        NonBreaking,
        "a request enum value was added",
    ),
    (
        "request-property-bound-tightened",
        Breaking,
        "a request bound (length, range, items) was tightened",
    ),
    (
        "request-property-bound-loosened",
        NonBreaking,
        "a request bound was loosened",
    ),
    (
        "request-property-pattern-changed",
        PotentiallyBreaking,
        "a request pattern was added or changed",
    ),
    (
        "request-property-pattern-removed",
        NonBreaking,
        "a request pattern was removed",
    ),
    (
        "request-property-additional-properties-restricted",
        Breaking,
        "a request object no longer takes other properties",
    ),
    (
        "request-property-additional-properties-allowed",
        NonBreaking,
        "a request object now takes other properties",
    ),
    (
        "request-property-composition-changed",
        PotentiallyBreaking,
        "a request allOf/anyOf/oneOf changed",
    ),
    // Responses
    (
        "response-success-status-removed",
        Breaking,
        "a success status was removed",
    ),
    (
        "response-success-status-added",
        NonBreaking,
        "a success status was added",
    ),
    (
        "response-non-success-status-removed",
        PotentiallyBreaking,
        "an error status was removed",
    ),
    (
        "response-non-success-status-added",
        NonBreaking,
        "an error status was added",
    ),
    (
        "response-media-type-removed",
        Breaking,
        "a response media type was removed",
    ),
    (
        "response-media-type-added",
        NonBreaking,
        "a response media type was added",
    ),
    (
        "response-header-removed",
        PotentiallyBreaking,
        "a response header was removed",
    ),
    (
        "response-header-added",
        NonBreaking,
        "a response header was added",
    ),
    // Response schemas
    (
        "response-property-type-changed",
        Breaking,
        "a response value's type changed",
    ),
    (
        "response-property-format-changed",
        PotentiallyBreaking,
        "a response value's format changed",
    ),
    (
        "response-property-added",
        NonBreaking,
        "a response property was added",
    ),
    (
        "response-required-property-removed",
        Breaking,
        "a required response property was removed",
    ),
    (
        "response-optional-property-removed",
        PotentiallyBreaking,
        "an optional response property was removed",
    ),
    (
        "response-property-became-optional",
        Breaking,
        "a response property may now be absent",
    ),
    (
        "response-property-became-required",
        NonBreaking,
        "a response property is now always present",
    ),
    (
        "response-property-became-nullable",
        Breaking,
        "a response property may now be null",
    ),
    (
        "response-property-became-not-nullable",
        NonBreaking,
        "a response property is no longer null",
    ),
    (
        "response-property-enum-value-added",
        PotentiallyBreaking,
        "a response enum value was added (breaks closed enums)",
    ),
    (
        "response-property-enum-value-removed",
        NonBreaking,
        "a response enum value was removed",
    ),
    (
        "response-property-bound-loosened",
        PotentiallyBreaking,
        "a response bound was loosened",
    ),
    (
        "response-property-bound-tightened",
        NonBreaking,
        "a response bound was tightened",
    ),
    (
        "response-property-pattern-changed",
        PotentiallyBreaking,
        "a response pattern was changed or removed",
    ),
    (
        "response-property-pattern-added",
        NonBreaking,
        "a response pattern was added",
    ),
    (
        "response-property-additional-properties-allowed",
        PotentiallyBreaking,
        "a response object may now have other properties",
    ),
    (
        "response-property-additional-properties-restricted",
        NonBreaking,
        "a response object no longer has other properties",
    ),
    (
        "response-property-composition-changed",
        PotentiallyBreaking,
        "a response allOf/anyOf/oneOf changed",
    ),
    // Security
    (
        "security-requirement-added",
        Breaking,
        "a security requirement was added (callers need new credentials)",
    ),
    (
        "security-requirement-removed",
        NonBreaking,
        "a security requirement was removed",
    ),
    (
        "security-scheme-changed",
        Breaking,
        "a security scheme changed (type, header, name)",
    ),
    (
        "security-scheme-removed",
        Breaking,
        "a security scheme was removed",
    ),
    (
        "security-scheme-added",
        NonBreaking,
        "a security scheme was added",
    ),
    // Servers
    (
        "server-removed",
        PotentiallyBreaking,
        "a server was removed",
    ),
    ("server-added", NonBreaking, "a server was added"),
];

/// The level of a rule. Every id the comparison emits is in [`RULES`] (a test checks it).
pub fn level(rule: &str) -> Level {
    RULES
        .iter()
        .find(|(id, _, _)| *id == rule)
        .map_or(PotentiallyBreaking, |(_, level, _)| *level)
}
