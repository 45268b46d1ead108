//! Changes grouped by their cause: the one place in the spec that changed (a schema's
//! property, an enum, a parameter, an operation), with every place of the API it reaches.
//! Removing `Location.updated_at` is one cause that reaches nine responses; a review reads
//! it once.

use std::collections::BTreeSet;

use answering_agent_spec::guesses::place as place_name;

use super::compare::Change;
use super::rules::Level;
use super::rust_impact::RustChange;
use crate::report::SpecPlace;

/// The id of a change's cause: its rule and the spec pointer where it was made.
pub fn id(rule: &str, spec: Option<&SpecPlace>) -> String {
    format!("{rule} {}", spec.map_or("", |s| s.pointer.as_str()))
}

/// One cause and the changes it makes, place by place.
pub struct Cause<'c> {
    /// See [`id`].
    pub id: &'c str,
    /// The rule every place breaks the same way.
    pub rule: &'static str,
    /// The worst level among its places.
    pub level: Level,
    /// Where it was made in the spec.
    pub spec: Option<&'c SpecPlace>,
    /// Every change it makes, in the diff's order.
    pub places: Vec<&'c Change>,
}

impl Cause<'_> {
    /// What the spec's place is called: `Location.updated_at`, `LocationStatus`, or for a
    /// change in one place only, that place (`POST /organizations request body /owner`).
    pub fn name(&self) -> String {
        match (self.places.as_slice(), self.spec) {
            ([only], _) => only.place(),
            (_, Some(spec)) => place_name(&spec.pointer),
            (_, None) => self.places[0].place(),
        }
    }

    /// One sentence: the first place's message, its own path named as the cause.
    pub fn sentence(&self) -> String {
        let first = self.places[0];
        if self.places.len() == 1 {
            return first.message.clone();
        }
        // `response 200 /*/updated_at`: the message names `/*/updated_at`.
        match first.location.split_once(" /") {
            Some((_, path)) => first
                .message
                .replace(&format!("`/{path}`"), &format!("`{}`", self.name())),
            None => first.message.clone(),
        }
    }

    /// What it reaches: `9 responses of 8 operations`, `1 operation`.
    pub fn reaches(&self) -> String {
        let operations: BTreeSet<&str> = self
            .places
            .iter()
            .filter_map(|c| c.operation.as_deref())
            .collect();
        let kinds: BTreeSet<&str> = self
            .places
            .iter()
            .map(|c| c.location.split(' ').next().unwrap_or(""))
            .collect();
        let count = self.places.len();
        let what = match kinds.iter().next() {
            Some(&"") if kinds.len() == 1 => plural(count, "operation", "operations"),
            Some(&"response") if kinds.len() == 1 => plural(count, "response", "responses"),
            Some(&"request") if kinds.len() == 1 => plural(count, "request body", "request bodies"),
            Some(&"parameter") if kinds.len() == 1 => plural(count, "parameter", "parameters"),
            _ => plural(count, "place", "places"),
        };
        match (count, operations.len()) {
            (1, 1) | (_, 0) => format!("{count} {what}"),
            (count, n) if count == n && what.starts_with("operation") => format!("{count} {what}"),
            (_, n) => format!(
                "{count} {what} of {n} {}",
                plural(n, "operation", "operations")
            ),
        }
    }

    /// The reason it was accepted, when every one of its places was.
    pub fn accepted(&self) -> Option<&str> {
        self.places
            .iter()
            .map(|c| c.accepted.as_deref())
            .collect::<Option<Vec<&str>>>()
            .and_then(|reasons| reasons.first().copied())
    }

    /// The public items of the Rust client that this cause changes: a field of the type a
    /// schema property becomes (`types::Location.updated_at`), or a variant of an enum's.
    pub fn rust<'r>(&self, changes: &'r [RustChange]) -> Vec<&'r RustChange> {
        let Some(spec) = self.spec else {
            return Vec::new();
        };
        let segments: Vec<&str> = spec.pointer.split('/').skip(1).collect();
        let prefixes: Vec<String> = match segments.as_slice() {
            ["components", "schemas", schema, "properties", property, ..] => vec![format!(
                "types::{}.{}",
                crate::codegen::type_name(schema),
                heck::ToSnakeCase::to_snake_case(*property)
            )],
            ["components", "schemas", schema] | ["components", "schemas", schema, "enum", ..] => {
                let name = crate::codegen::type_name(schema);
                vec![format!("types::{name}::"), format!("types::{name}.")]
            }
            _ => Vec::new(),
        };
        changes
            .iter()
            .filter(|c| prefixes.iter().any(|p| c.item.starts_with(p.as_str())))
            .collect()
    }
}

/// `one` for 1, `many` for any other count.
pub(super) fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// `causes` level by level, worst first; a level none of them has gets an empty list.
pub fn by_level<'a>(causes: &'a [Cause<'a>]) -> impl Iterator<Item = (Level, Vec<&'a Cause<'a>>)> {
    [
        Level::Breaking,
        Level::PotentiallyBreaking,
        Level::NonBreaking,
    ]
    .into_iter()
    .map(|level| (level, causes.iter().filter(|c| c.level == level).collect()))
}

/// The causes of `changes`, in the order of their first change (the diff's order: level,
/// then place), each at the worst level of its places.
pub fn group(changes: &[Change]) -> Vec<Cause<'_>> {
    let mut causes: Vec<Cause<'_>> = Vec::new();
    for change in changes {
        match causes.iter_mut().find(|c| c.id == change.cause) {
            Some(cause) => {
                cause.level = cause.level.min(change.level);
                cause.places.push(change);
            }
            None => causes.push(Cause {
                id: &change.cause,
                rule: change.rule,
                level: change.level,
                spec: change.spec.as_ref(),
                places: vec![change],
            }),
        }
    }
    causes.sort_by_key(|c| c.level);
    causes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(operation: &str, location: &str, message: &str, pointer: &str) -> Change {
        let spec = SpecPlace {
            file: "s.yaml".into(),
            pointer: pointer.into(),
            line: Some(9),
        };
        Change {
            rule: "response-required-property-removed",
            level: Level::Breaking,
            operation: Some(operation.into()),
            location: location.into(),
            message: message.into(),
            cause: id("response-required-property-removed", Some(&spec)),
            spec: Some(spec),
            accepted: None,
        }
    }

    #[test]
    fn one_cause_names_its_place_once_and_counts_what_it_reaches() {
        let pointer = "/components/schemas/Location/properties/updated_at";
        let changes = [
            change(
                "GET /locations",
                "response 200 /*/updated_at",
                "the property `/*/updated_at` was removed",
                pointer,
            ),
            change(
                "GET /locations/{id}",
                "response 200 /updated_at",
                "the property `/updated_at` was removed",
                pointer,
            ),
            change(
                "POST /organizations",
                "response 201 /organization/phone_numbers/*/updated_at",
                "the property `/organization/phone_numbers/*/updated_at` was removed",
                pointer,
            ),
            change(
                "POST /organizations",
                "response 200 /organization/phone_numbers/*/updated_at",
                "the property `/organization/phone_numbers/*/updated_at` was removed",
                pointer,
            ),
            change(
                "POST /organizations",
                "request body /owner",
                "the property `/owner` was removed",
                "/paths/~1organizations/post/requestBody",
            ),
        ];
        let causes = group(&changes);
        assert_eq!(causes.len(), 2);
        assert_eq!(causes[0].name(), "Location.updated_at");
        assert_eq!(
            causes[0].sentence(),
            "the property `Location.updated_at` was removed"
        );
        assert_eq!(causes[0].reaches(), "4 responses of 3 operations");
        assert_eq!(causes[1].name(), "POST /organizations request body /owner");
        assert_eq!(causes[1].reaches(), "1 request body");
        let rust = [RustChange {
            item: "types::Location.updated_at".into(),
            change: "removed",
            breaking: true,
            note: "",
        }];
        assert_eq!(causes[0].rust(&rust).len(), 1);
        assert!(causes[1].rust(&rust).is_empty());
    }
}
