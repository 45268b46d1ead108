//! Feature `schemars`: every generated type hands its JSON Schema to the user's own tools.
#![cfg(feature = "schemars")]

use answering_agent::types::{CreatedUser, LocationStatus, Organization};

#[test]
fn generated_types_describe_themselves() {
    let organization = schemars::schema_for!(Organization).to_value();
    let properties = organization["properties"].as_object().unwrap();
    for name in [
        "id",
        "name",
        "created_at",
        "updated_at",
        "users",
        "phone_numbers",
    ] {
        assert!(properties.contains_key(name), "{name} in {organization}");
    }
    let required: Vec<&str> = organization["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        required.contains(&"id") && required.contains(&"name"),
        "{required:?}"
    );

    // The embed token is a `Secret`: a string, whose schema says it is a credential.
    let created = schemars::schema_for!(CreatedUser).to_value();
    assert_eq!(
        created["properties"]["embed_token"]["type"], "string",
        "{created}"
    );

    // Open enums: the documented values, and any other string.
    let status = schemars::schema_for!(LocationStatus).to_value().to_string();
    assert!(
        status.contains("\"pending\"") && status.contains("\"active\""),
        "{status}"
    );
}
