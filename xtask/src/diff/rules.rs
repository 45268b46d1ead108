//! Every rule `cargo xtask diff` reports, with its level: one table to read.
//!
//! The model is oasdiff's public rule list (<https://github.com/oasdiff/oasdiff>,
//! `checker/rules.go`): a change is judged by which side of the wire it is on. What a client
//! sends (request) must not be constrained more; what it receives (response) must not be
//! loosened. Levels follow who breaks: any caller, or a caller of the client generated here.
//!
//! Where oasdiff has one rule per place (`request-body-…`, `request-parameter-…`,
//! `request-property-…`) or per keyword (`…-max-length-decreased`), this table has one rule
//! per direction (`request-property-…`, `…-bound-tightened`) and the message names the place
//! and the keyword. `oasdiff-checks.md`, beside this file, maps every oasdiff check to the
//! rule here that reports it, or says why none does, and why a level differs where it does.

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
        "an operation that was not deprecated was removed",
    ),
    (
        "api-deprecated-operation-removed",
        NonBreaking,
        "a deprecated operation was removed (its sunset, if any, has passed)",
    ),
    (
        "api-removed-before-sunset",
        Breaking,
        "a deprecated operation was removed before its `x-sunset` date",
    ),
    ("api-operation-added", NonBreaking, "an operation was added"),
    (
        "api-operation-deprecated",
        NonBreaking,
        "an operation was deprecated",
    ),
    (
        "api-operation-reactivated",
        NonBreaking,
        "an operation is no longer deprecated",
    ),
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
        "request-deprecated-parameter-removed",
        NonBreaking,
        "a deprecated parameter was removed",
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
    (
        "request-parameter-deprecated",
        NonBreaking,
        "a parameter was deprecated",
    ),
    (
        "request-parameter-reactivated",
        NonBreaking,
        "a parameter is no longer deprecated",
    ),
    (
        "request-path-parameter-renamed",
        NonBreaking,
        "a path parameter was renamed (the URL callers send is the same)",
    ),
    (
        "request-path-parameters-reordered",
        PotentiallyBreaking,
        "path parameters swapped names (the segment a named argument fills changed)",
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
        Breaking,
        "the request body was removed (callers still send one)",
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
    (
        "request-body-media-type-schema-added",
        Breaking,
        "a request media type without a schema got one",
    ),
    (
        "request-body-media-type-schema-removed",
        NonBreaking,
        "a request media type lost its schema (anything goes)",
    ),
    // Request schemas (bodies, parameters, properties)
    (
        "request-property-type-changed",
        Breaking,
        "a request value's type changed",
    ),
    (
        "request-property-type-generalized",
        NonBreaking,
        "a request value's type was widened (integer to number)",
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
        "a request value no longer takes null",
    ),
    (
        "request-property-became-nullable",
        NonBreaking,
        "a request value now takes null",
    ),
    (
        "request-property-became-enum",
        Breaking,
        "a request value is now limited to an enum",
    ),
    (
        "request-property-no-longer-enum",
        NonBreaking,
        "a request value is no longer limited to an enum",
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
        "request-property-default-value-changed",
        PotentiallyBreaking,
        "a request default changed (callers who leave the value out get another one)",
    ),
    (
        "request-property-default-value-added",
        NonBreaking,
        "a request default was added",
    ),
    (
        "request-property-default-value-removed",
        PotentiallyBreaking,
        "a request default was removed (the server no longer promises one)",
    ),
    (
        "request-property-bound-tightened",
        Breaking,
        "a request bound (length, range, items, properties, multipleOf, uniqueItems) was tightened",
    ),
    (
        "request-property-bound-loosened",
        NonBreaking,
        "a request bound was loosened",
    ),
    (
        "request-property-pattern-added",
        Breaking,
        "a request pattern was added",
    ),
    (
        "request-property-pattern-changed",
        PotentiallyBreaking,
        "a request pattern was changed",
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
        "request-property-all-of-added",
        Breaking,
        "an allOf member was added to a request schema (one more constraint)",
    ),
    (
        "request-property-all-of-removed",
        NonBreaking,
        "an allOf member was removed from a request schema",
    ),
    (
        "request-property-any-of-added",
        NonBreaking,
        "an anyOf member was added to a request schema (one more accepted shape)",
    ),
    (
        "request-property-any-of-removed",
        Breaking,
        "an anyOf member was removed from a request schema",
    ),
    (
        "request-property-one-of-added",
        NonBreaking,
        "a oneOf member was added to a request schema",
    ),
    (
        "request-property-one-of-removed",
        Breaking,
        "a oneOf member was removed from a request schema",
    ),
    (
        "request-property-discriminator-added",
        PotentiallyBreaking,
        "a request oneOf/anyOf got a discriminator (the server now picks by it)",
    ),
    (
        "request-property-discriminator-removed",
        NonBreaking,
        "a request oneOf/anyOf lost its discriminator",
    ),
    (
        "request-property-discriminator-property-name-changed",
        Breaking,
        "a request discriminator now reads another property",
    ),
    (
        "request-property-discriminator-mapping-added",
        NonBreaking,
        "a request discriminator value was added",
    ),
    (
        "request-property-discriminator-mapping-removed",
        Breaking,
        "a request discriminator value was removed",
    ),
    (
        "request-property-discriminator-mapping-changed",
        PotentiallyBreaking,
        "a request discriminator value maps to another schema",
    ),
    (
        "request-property-deprecated",
        NonBreaking,
        "a request property was deprecated",
    ),
    (
        "request-property-reactivated",
        NonBreaking,
        "a request property is no longer deprecated",
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
        NonBreaking,
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
        "response-body-media-type-schema-added",
        NonBreaking,
        "a response media type without a schema got one",
    ),
    (
        "response-body-media-type-schema-removed",
        Breaking,
        "a response media type lost its schema (anything may come)",
    ),
    (
        "response-required-header-removed",
        Breaking,
        "a required response header was removed",
    ),
    (
        "response-optional-header-removed",
        NonBreaking,
        "an optional response header was removed",
    ),
    (
        "response-header-became-optional",
        Breaking,
        "a response header may now be absent",
    ),
    (
        "response-header-added",
        NonBreaking,
        "a response header was added",
    ),
    // Response schemas (bodies, properties, headers)
    (
        "response-property-type-changed",
        Breaking,
        "a response value's type changed (also widened: integer to number)",
    ),
    (
        "response-property-type-specialized",
        NonBreaking,
        "a response value's type was narrowed (number to integer)",
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
        NonBreaking,
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
        "a response value may now be null",
    ),
    (
        "response-property-became-not-nullable",
        NonBreaking,
        "a response value is no longer null",
    ),
    (
        "response-property-became-enum",
        NonBreaking,
        "a response value is now limited to an enum",
    ),
    (
        "response-property-no-longer-enum",
        PotentiallyBreaking,
        "a response value is no longer limited to an enum",
    ),
    (
        "response-property-enum-value-added",
        PotentiallyBreaking,
        "a response enum value was added (breaks closed enums; this client's are open)",
    ),
    (
        "response-property-enum-value-removed",
        NonBreaking,
        "a response enum value was removed",
    ),
    (
        "response-property-default-value-changed",
        NonBreaking,
        "a response default changed",
    ),
    (
        "response-property-default-value-added",
        NonBreaking,
        "a response default was added",
    ),
    (
        "response-property-default-value-removed",
        NonBreaking,
        "a response default was removed",
    ),
    (
        "response-property-bound-loosened",
        Breaking,
        "a response bound was loosened (the generated client checks lengths and patterns)",
    ),
    (
        "response-property-bound-tightened",
        NonBreaking,
        "a response bound was tightened",
    ),
    (
        "response-property-pattern-removed",
        Breaking,
        "a response pattern was removed",
    ),
    (
        "response-property-pattern-changed",
        PotentiallyBreaking,
        "a response pattern was changed",
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
        "response-property-all-of-added",
        NonBreaking,
        "an allOf member was added to a response schema",
    ),
    (
        "response-property-all-of-removed",
        Breaking,
        "an allOf member was removed from a response schema",
    ),
    (
        "response-property-any-of-added",
        Breaking,
        "an anyOf member was added to a response schema (a shape the generated client does not decode)",
    ),
    (
        "response-property-any-of-removed",
        NonBreaking,
        "an anyOf member was removed from a response schema",
    ),
    (
        "response-property-one-of-added",
        Breaking,
        "a oneOf member was added to a response schema (a shape the generated client does not decode)",
    ),
    (
        "response-property-one-of-removed",
        NonBreaking,
        "a oneOf member was removed from a response schema",
    ),
    (
        "response-property-discriminator-added",
        NonBreaking,
        "a response oneOf/anyOf got a discriminator",
    ),
    (
        "response-property-discriminator-removed",
        PotentiallyBreaking,
        "a response oneOf/anyOf lost its discriminator (callers dispatching on it)",
    ),
    (
        "response-property-discriminator-property-name-changed",
        PotentiallyBreaking,
        "a response discriminator now reads another property",
    ),
    (
        "response-property-discriminator-mapping-added",
        PotentiallyBreaking,
        "a response discriminator value was added (like an enum value)",
    ),
    (
        "response-property-discriminator-mapping-removed",
        NonBreaking,
        "a response discriminator value was removed",
    ),
    (
        "response-property-discriminator-mapping-changed",
        PotentiallyBreaking,
        "a response discriminator value maps to another schema",
    ),
    (
        "response-property-deprecated",
        NonBreaking,
        "a response property was deprecated",
    ),
    (
        "response-property-reactivated",
        NonBreaking,
        "a response property is no longer deprecated",
    ),
    // Security
    (
        "security-became-required",
        Breaking,
        "an operation that took anonymous calls now requires credentials",
    ),
    (
        "security-no-longer-required",
        NonBreaking,
        "an operation no longer requires credentials",
    ),
    (
        "security-requirement-added",
        NonBreaking,
        "another way to authenticate was added",
    ),
    (
        "security-requirement-removed",
        Breaking,
        "a way to authenticate was removed (callers using it fail)",
    ),
    (
        "security-scope-added",
        Breaking,
        "a scope was added to a requirement (callers' tokens may lack it)",
    ),
    (
        "security-scope-removed",
        NonBreaking,
        "a scope was removed from a requirement",
    ),
    (
        "security-scheme-changed",
        Breaking,
        "a security scheme changed (type, header, name, scheme)",
    ),
    (
        "security-scheme-removed",
        NonBreaking,
        "a security scheme was removed (what used it is reported as requirements)",
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
