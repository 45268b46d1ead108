//! The fake serves whatever spec it is given: a small API of pets and their owners, which
//! nothing in the fake's code names, gets the same stateful CRUD, relations and refusals.

use serde_json::{Value, json};

mod support;

async fn call(method: &str, url: String, body: Option<Value>) -> (u16, Value) {
    support::call(method, url, "t", body).await
}

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Pets, version: '1'}
servers: [{url: 'https://pets.example/v2'}]
security: [{key: []}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Token}
  schemas:
    Owner:
      type: object
      required: [id, name, pets]
      properties:
        id: {type: integer}
        name: {type: string}
        pets:
          type: array
          x-fake-related: {resource: pets, where: owner_id, cascade: true}
          items: {$ref: '#/components/schemas/Pet'}
    Pet:
      type: object
      required: [id, name, kind, created_at]
      properties:
        id: {type: integer}
        name: {type: string}
        kind: {type: string, enum: [cat, dog]}
        created_at: {type: string, format: date-time}
    NewOwner:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1}
    NewPet:
      type: object
      required: [name, owner_id]
      properties:
        name: {type: string}
        owner_id: {type: integer, x-fake-refers-to: owners}
paths:
  /owners:
    post:
      operationId: createOwner
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/NewOwner'}}}
      responses:
        '201': {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/Owner'}}}}
        '422': {description: invalid}
  /owners/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      operationId: getOwner
      responses:
        '200': {description: it, content: {application/json: {schema: {$ref: '#/components/schemas/Owner'}}}}
        '404': {description: none}
    delete:
      operationId: deleteOwner
      responses:
        '204': {description: gone}
        '404': {description: none}
  /pets:
    get:
      operationId: listPets
      parameters: [{name: owner_id, in: query, schema: {type: integer}}]
      responses:
        '200': {description: them, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}}}}
    post:
      operationId: createPet
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/NewPet'}}}
      responses:
        '201': {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
        '404': {description: no such owner}
        '422': {description: invalid}
  /pets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      operationId: getPet
      responses:
        '200': {description: it, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
        '404': {description: none}
"##;

#[tokio::test]
async fn a_spec_the_fake_has_never_seen_gets_crud_relations_and_refusals() {
    let fake = answering_agent_fake::Fake::builder()
        .spec("pets.yaml", SPEC)
        .api_key("t")
        .start()
        .await
        .unwrap();
    let base = fake.base_url().to_string();
    assert!(
        base.ends_with("/v2"),
        "served under the first server's path: {base}"
    );

    let (status, owner) = call(
        "POST",
        format!("{base}/owners"),
        Some(json!({"name": "Ada"})),
    )
    .await;
    assert_eq!(
        (status, owner["id"].as_u64(), owner["name"].as_str()),
        (201, Some(1), Some("Ada"))
    );
    assert_eq!(owner["pets"], json!([]));

    let (status, pet) = call(
        "POST",
        format!("{base}/pets"),
        Some(json!({"name": "Rex", "owner_id": 1, "extra": true})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        pet["kind"], "cat",
        "a required enum nobody sent: its first value"
    );
    assert!(pet.get("extra").is_none(), "undeclared fields are not kept");
    let (_, read) = call("GET", format!("{base}/pets/1"), None).await;
    assert_eq!(read, pet, "read back as created, made-up fields included");

    let (_, owner) = call("GET", format!("{base}/owners/1"), None).await;
    assert_eq!(owner["pets"][0]["name"], "Rex");
    let (_, listed) = call("GET", format!("{base}/pets?owner_id=1"), None).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let (_, listed) = call("GET", format!("{base}/pets?owner_id=2"), None).await;
    assert_eq!(listed, json!([]));

    // `minLength: 1` on a required name: Laravel's `required` refuses "" before `min` runs.
    let (status, body) = call("POST", format!("{base}/owners"), Some(json!({"name": ""}))).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["errors"]["name"],
        json!(["The name field is required."])
    );
    let (status, _) = call(
        "POST",
        format!("{base}/pets"),
        Some(json!({"name": "Tom", "owner_id": 9})),
    )
    .await;
    assert_eq!(status, 404, "an owner_id that names no owner");

    let (status, body) = call("DELETE", format!("{base}/owners/1"), None).await;
    assert_eq!((status, body), (204, Value::Null));
    let (status, _) = call("GET", format!("{base}/owners/1"), None).await;
    assert_eq!(status, 404);
    let (status, _) = call("GET", format!("{base}/pets/1"), None).await;
    assert_eq!(status, 404, "its pets went with it (cascade)");
    assert_eq!(fake.calls("createPet"), 2);
}

#[tokio::test]
async fn a_broken_spec_is_an_error_naming_the_file_and_line() {
    let error = answering_agent_fake::Fake::builder()
        .spec("broken.yaml", "openapi: 3.0.3\npaths:\n  /x: [unclosed\n")
        .start()
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(message.starts_with("broken.yaml:"), "{message}");
    assert!(
        message.contains(":4:") || message.contains(":3:"),
        "{message}"
    );
}

#[tokio::test]
async fn a_schema_whose_all_of_refers_back_to_itself_twice_is_answered_at_once() {
    let spec = r##"
openapi: 3.0.3
info: {title: Loops, version: '1'}
servers: [{url: 'https://loops.example'}]
components:
  schemas:
    Node:
      type: object
      required: [name]
      properties:
        name: {type: string}
        child: {type: object, properties: {name: {type: string}}}
      allOf: [{$ref: '#/components/schemas/Node'}, {$ref: '#/components/schemas/Node'}]
paths:
  /nodes:
    post:
      operationId: createNode
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}
      responses:
        '201': {description: created, content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}}
        '422': {description: invalid}
"##;
    let fake = answering_agent_fake::Fake::builder()
        .spec("loops.yaml", spec)
        .api_key("t")
        .start()
        .await
        .unwrap();
    let url = format!("{}/nodes", fake.base_url());
    let (status, body) = call("POST", url.clone(), Some(json!({"name": " ", "child": {}}))).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        body["errors"]["name"],
        json!(["The name field is required."])
    );
    let (status, body) = call("POST", url, Some(json!({"name": "a"}))).await;
    assert_eq!((status, body["name"].as_str()), (201, Some("a")));
}
