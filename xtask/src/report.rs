//! One `Finding` type for every command, rendered as text, JSON lines or GitHub annotations.

use std::fmt::Write as _;
use std::io::IsTerminal;

use serde::Serialize;

/// What kind of disagreement a finding is. The names are stable: tools match on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// The file is not JSON.
    InvalidJson,
    /// The file cannot be read, or is too large to read.
    UnreadableFile,
    /// The file name maps to no operation or status.
    UnmappedFile,
    /// An example for a status the operation does not document.
    UndocumentedStatus,
    /// A value of another type than the spec says.
    InvalidType,
    /// A string that does not match the spec's `format`.
    InvalidFormat,
    /// A required property is absent.
    MissingRequired,
    /// `null` where the spec does not say `nullable: true`.
    NullNotNullable,
    /// A property the spec does not describe (drift).
    UnknownField,
    /// An enum value the spec does not list (drift).
    UnknownEnumValue,
    /// Another schema keyword failed (bounds, pattern, ...).
    SchemaViolation,
    /// The generated Rust type refuses the value.
    TypeMismatch,
    /// Decoding into the generated type and encoding again changed the value.
    RoundTripChanged,
    /// The generated type dropped a property the spec describes.
    DroppedByType,
    /// An allow-list entry that matched no finding (the ratchet).
    StaleAllowEntry,
    /// A generated type's own schema (schemars) disagrees with the spec's schema for it.
    TypeSchemaMismatch,
}

impl Class {
    /// The stable name, as in the JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Class::InvalidJson => "invalid-json",
            Class::UnreadableFile => "unreadable-file",
            Class::UnmappedFile => "unmapped-file",
            Class::UndocumentedStatus => "undocumented-status",
            Class::InvalidType => "invalid-type",
            Class::InvalidFormat => "invalid-format",
            Class::MissingRequired => "missing-required",
            Class::NullNotNullable => "null-not-nullable",
            Class::UnknownField => "unknown-field",
            Class::UnknownEnumValue => "unknown-enum-value",
            Class::SchemaViolation => "schema-violation",
            Class::TypeMismatch => "type-mismatch",
            Class::RoundTripChanged => "round-trip-changed",
            Class::DroppedByType => "dropped-by-type",
            Class::StaleAllowEntry => "stale-allow-entry",
            Class::TypeSchemaMismatch => "type-schema-mismatch",
        }
    }

    /// Drift: the server sends more than the spec knows. Only drift can be allow-listed.
    pub fn is_drift(self) -> bool {
        matches!(self, Class::UnknownField | Class::UnknownEnumValue)
    }
}

/// Where in the spec the rule that a finding breaks is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpecPlace {
    /// The spec file.
    pub file: String,
    /// The JSON pointer in the spec.
    pub pointer: String,
    /// The line in the spec file, when known.
    pub line: Option<usize>,
}

/// One disagreement between a recording, the spec and the generated client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The stable class name.
    pub class: Class,
    /// The example file (or `spec.yaml#/pointer` for an example inside the spec).
    pub file: String,
    /// The JSON pointer of the value in the example.
    pub pointer: String,
    /// The line and column in the example file, when known.
    pub line: Option<usize>,
    /// See `line`.
    pub column: Option<usize>,
    /// One sentence: what is wrong.
    pub message: String,
    /// What the spec says there (type, format, enum, required, nullable).
    pub expected: Option<String>,
    /// What the example has there.
    pub actual: Option<String>,
    /// Where the spec says it.
    pub spec: Option<SpecPlace>,
    /// The likely fix.
    pub fix: Option<String>,
    /// Set when an allow-list entry accepts this drift: its reason.
    pub allowed: Option<String>,
}

impl Finding {
    /// A finding with only its class, file, pointer and message.
    pub fn new(
        class: Class,
        file: impl Into<String>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            class,
            file: file.into(),
            pointer: pointer.into(),
            line: None,
            column: None,
            message: message.into(),
            expected: None,
            actual: None,
            spec: None,
            fix: None,
            allowed: None,
        }
    }
}

/// The output formats of `verify` and `diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// For people; colour only on a terminal.
    Text,
    /// One JSON object per line, one per finding.
    Json,
    /// GitHub Actions workflow commands (annotations on the files).
    Github,
}

impl Format {
    /// Parses `text`, `json` or `github`.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "github" => Some(Format::Github),
            _ => None,
        }
    }
}

/// Renders findings in a format; for text, `colour` decides ANSI colours.
pub fn render(findings: &[Finding], format: Format, colour: bool) -> String {
    let mut out = String::new();
    for finding in findings {
        match format {
            Format::Text => text(&mut out, finding, colour),
            Format::Json => {
                out.push_str(&serde_json::to_string(finding).expect("findings serialize"));
                out.push('\n');
            }
            Format::Github => github(&mut out, finding),
        }
    }
    out
}

/// Whether stdout wants colour: a terminal, and `NO_COLOR` unset.
pub fn stdout_wants_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn text(out: &mut String, f: &Finding, colour: bool) {
    let paint = |code: &str, s: &str| {
        if colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let place = match (f.line, f.column) {
        (Some(line), Some(column)) => format!("{}:{line}:{column}", f.file),
        (Some(line), None) => format!("{}:{line}", f.file),
        _ => f.file.clone(),
    };
    let label = match &f.allowed {
        Some(_) => paint("33", &format!("{} (allowed)", f.class.name())),
        None if f.class.is_drift() => paint("33", f.class.name()),
        None => paint("31", f.class.name()),
    };
    let _ = writeln!(
        out,
        "{}: {label} at {}: {}",
        paint("1", &place),
        shown_pointer(f),
        f.message
    );
    if let Some(actual) = &f.actual {
        let holder = match f.class {
            Class::TypeSchemaMismatch => "type has:   ",
            _ => "example has:",
        };
        let _ = writeln!(out, "    {holder} {actual}");
    }
    if let Some(expected) = &f.expected {
        let _ = writeln!(out, "    spec says:   {expected}");
    }
    if let Some(spec) = &f.spec {
        let line = spec.line.map(|l| format!(":{l}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "    spec at:     {}{line} ({})",
            spec.file, spec.pointer
        );
    }
    if let Some(fix) = &f.fix {
        let _ = writeln!(out, "    fix:         {fix}");
    }
    if let Some(reason) = &f.allowed {
        let _ = writeln!(out, "    allowed:     {reason}");
    }
}

/// The finding's pointer as printed: `/` for the whole document.
fn shown_pointer(f: &Finding) -> &str {
    if f.pointer.is_empty() {
        "/"
    } else {
        &f.pointer
    }
}

fn github(out: &mut String, f: &Finding) {
    // Workflow commands: properties escape `%`, CR, LF, `:` and `,`; the message `%`, CR, LF.
    let escape_data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let escape_property = |s: &str| escape_data(s).replace(':', "%3A").replace(',', "%2C");
    let level = if f.allowed.is_some() {
        "notice"
    } else {
        "error"
    };
    let mut properties = format!("file={}", escape_property(&f.file));
    if let Some(line) = f.line {
        let _ = write!(properties, ",line={line}");
    }
    if let Some(column) = f.column {
        let _ = write!(properties, ",col={column}");
    }
    let _ = write!(properties, ",title={}", escape_property(f.class.name()));
    let mut message = format!("{} at {}", f.message, shown_pointer(f));
    if let Some(fix) = &f.fix {
        let _ = write!(message, "\nfix: {fix}");
    }
    let _ = writeln!(out, "::{level} {properties}::{}", escape_data(&message));
}

/// `s` unless `n` is one, for counts in messages: `{n} finding{}`.
pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Text for a markdown table cell: its pipes escaped and its lines joined.
pub fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
