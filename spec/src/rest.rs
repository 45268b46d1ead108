//! What an operation does, read from its method and the shape of its path (REST), and the
//! order in which a whole API can be exercised from nothing: the fake serves by it, and a
//! probe of a live API calls in that order (create before read, update and delete; delete
//! last).
//!
//! | path              | GET  | POST   | PATCH  | PUT     | DELETE |
//! |-------------------|------|--------|--------|---------|--------|
//! | `/things`         | list | create |        |         |        |
//! | `/things/{key}`   | read | act    | update | replace | delete |
//! | `/things/{key}/…` | act  | act    | act    | act     | act    |

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::document::Spec;
use crate::operations::{METHODS, Operation};

/// What an operation does to the resource its path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `GET /things`.
    List,
    /// `POST /things`.
    Create,
    /// `GET /things/{key}`.
    Read,
    /// `PATCH /things/{key}`.
    Update,
    /// `PUT /things/{key}`.
    Replace,
    /// `DELETE /things/{key}`.
    Delete,
    /// Anything else under a record (`POST /things/{key}/token`): answers from that record.
    Act,
}

impl<'a> Operation<'a> {
    /// What it does, from its method and path (the table above).
    pub fn kind(&self) -> Kind {
        let segments: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let literal = |s: &str| !(s.starts_with('{') && s.ends_with('}'));
        let collection = segments.len() == 1 && literal(segments[0]);
        let item = segments.len() == 2 && literal(segments[0]) && !literal(segments[1]);
        match (self.method, collection, item) {
            ("get", true, _) => Kind::List,
            ("post", true, _) => Kind::Create,
            ("get", _, true) => Kind::Read,
            ("patch", _, true) => Kind::Update,
            ("put", _, true) => Kind::Replace,
            ("delete", _, true) => Kind::Delete,
            _ => Kind::Act,
        }
    }

    /// The collection its path starts with (`users` for `/users/{external_id}/embed-token`).
    pub fn resource(&self) -> &'a str {
        self.path.trim_matches('/').split('/').next().unwrap_or("")
    }
}

/// The resources each resource's create refers to (its request body's `x-fake-refers-to`
/// properties, at any depth): they must exist first.
fn references(spec: &Spec, operations: &[Operation<'_>]) -> BTreeMap<String, BTreeSet<String>> {
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for create in operations.iter().filter(|op| op.kind() == Kind::Create) {
        let mut targets = BTreeSet::new();
        if let Some(schema) = create.request_body.as_ref().and_then(|b| b.json_schema()) {
            collect(spec, schema.value, &mut targets, 0);
        }
        targets.remove(create.resource());
        found
            .entry(create.resource().to_string())
            .or_default()
            .extend(targets);
    }
    found
}

fn collect(spec: &Spec, schema: &Value, out: &mut BTreeSet<String>, depth: usize) {
    let Ok((schema, _)) = crate::pointer::follow(&spec.value, schema, "") else {
        return;
    };
    if depth > 16 {
        return;
    }
    if let Some(target) = schema.get("x-fake-refers-to").and_then(Value::as_str) {
        out.insert(target.to_string());
    }
    let children = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.values())
        // Not `schema::composition_members`: that module needs the `validate` feature.
        .chain(
            ["allOf", "anyOf", "oneOf"]
                .iter()
                .filter_map(|k| schema.get(*k)?.as_array())
                .flatten(),
        )
        .chain(schema.get("items"));
    for child in children {
        collect(spec, child, out, depth + 1);
    }
}

/// The operations in the order that exercises an API from nothing and leaves nothing:
/// creates (a resource after those its create refers to), lists, reads, updates and
/// replaces, other actions, then deletes (a resource before those it refers to). Within a
/// step, resources in dependency order, then the spec's; methods in [`METHODS`]'s.
pub fn exercise_order<'o, 'a>(
    spec: &Spec,
    operations: &'o [Operation<'a>],
) -> Vec<&'o Operation<'a>> {
    let references = references(spec, operations);
    // Resources in dependency order (a cycle is broken in the spec's order).
    let mut resources: Vec<&str> = Vec::new();
    for op in operations {
        if !resources.contains(&op.resource()) {
            resources.push(op.resource());
        }
    }
    let mut ordered: Vec<&str> = Vec::new();
    while ordered.len() < resources.len() {
        let ready = resources.iter().copied().find(|r| {
            !ordered.contains(r)
                && references.get(*r).is_none_or(|needs| {
                    needs
                        .iter()
                        .all(|n| ordered.contains(&n.as_str()) || !resources.contains(&n.as_str()))
                })
        });
        let next = ready.unwrap_or_else(|| {
            resources
                .iter()
                .copied()
                .find(|r| !ordered.contains(r))
                .expect("a resource is left")
        });
        ordered.push(next);
    }
    let rank = |resource: &str| ordered.iter().position(|r| *r == resource).unwrap_or(0);
    let method = |op: &Operation<'_>| METHODS.iter().position(|m| *m == op.method).unwrap_or(0);
    let mut steps: Vec<&Operation<'a>> = operations.iter().collect();
    steps.sort_by_key(|op| {
        let kind = op.kind();
        let resource = match kind {
            Kind::Delete => ordered.len() - rank(op.resource()),
            _ => rank(op.resource()),
        };
        let step = match kind {
            Kind::Create => 0,
            Kind::List => 1,
            Kind::Read => 2,
            Kind::Update | Kind::Replace => 3,
            Kind::Act => 4,
            Kind::Delete => 5,
        };
        (step, resource, method(op))
    });
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_projects_operations_are_exercised_create_first_and_delete_last() {
        let spec = Spec::parse(crate::SPEC_PATH, crate::SPEC).unwrap();
        let operations = spec.operations().unwrap();
        let order: Vec<&str> = exercise_order(&spec, &operations)
            .iter()
            .map(|op| op.id.unwrap())
            .collect();
        assert_eq!(
            order,
            [
                // Users and locations refer to an organization (`x-fake-refers-to`).
                "createOrganization",
                "createLocation",
                "createUser",
                "listOrganizations",
                "listLocations",
                "listUsers",
                "getOrganization",
                "getLocation",
                "getUser",
                "updateOrganization",
                "updateLocation",
                "updateUser",
                "getEmbedToken",
                "generateEmbedToken",
                "invalidateEmbedToken",
                "deleteLocation",
                "deleteOrganization",
            ]
        );
    }

    #[test]
    fn a_resource_is_created_after_and_deleted_before_what_it_refers_to() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /apples:\n    post:\n      operationId: makeApple\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                tree: {type: object, properties: {id: {type: integer, x-fake-refers-to: trees}}}\n      responses: {'201': {description: ok}}\n  /apples/{id}:\n    delete:\n      operationId: dropApple\n      responses: {'204': {description: ok}}\n  /trees:\n    post:\n      operationId: plantTree\n      responses: {'201': {description: ok}}\n  /trees/{id}:\n    delete:\n      operationId: fellTree\n      responses: {'204': {description: ok}}\n";
        let spec = Spec::parse("t.yaml", text).unwrap();
        let operations = spec.operations().unwrap();
        let order: Vec<&str> = exercise_order(&spec, &operations)
            .iter()
            .map(|op| op.id.unwrap())
            .collect();
        assert_eq!(order, ["plantTree", "makeApple", "dropApple", "fellTree"]);
    }

    #[test]
    fn kinds_follow_the_method_and_the_path() {
        let spec = Spec::parse(crate::SPEC_PATH, crate::SPEC).unwrap();
        let kinds: BTreeMap<&str, (Kind, &str)> = spec
            .operations()
            .unwrap()
            .iter()
            .map(|op| (op.id.unwrap(), (op.kind(), op.resource())))
            .collect();
        assert_eq!(kinds["createOrganization"], (Kind::Create, "organizations"));
        assert_eq!(kinds["getUser"], (Kind::Read, "users"));
        assert_eq!(kinds["invalidateEmbedToken"], (Kind::Act, "users"));
        assert_eq!(kinds["deleteLocation"], (Kind::Delete, "locations"));
    }
}
