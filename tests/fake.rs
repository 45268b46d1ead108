//! The fake of the API (`answering_agent::fake`, feature `fake`) through the client only,
//! as a user's integration test would use it: it keeps state, refuses what the server
//! refuses, and fails on demand.

use std::time::Duration;

use answering_agent::fake::{Fake, Fault};
use answering_agent::types::{
    NewLocation, NewOrganization, NewOwner, NewUser, OrganizationUpdate, Role, UserUpdate,
};
use answering_agent::{Client, Error, Operation, RetryPolicy};

fn organization(name: &str, owner: &str) -> answering_agent::types::builder::NewOrganization {
    NewOrganization::builder().name(name).owner(
        NewOwner::builder()
            .external_id(owner)
            .email(format!("{owner}@example.com"))
            .name(Some(format!("Owner {owner}"))),
    )
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

#[tokio::test]
async fn a_users_test_creates_reads_back_and_survives_faults() {
    let fake = Fake::start().await.unwrap();
    let client = Client::builder()
        .fake(&fake)
        .retry(fast_retries())
        .build()
        .unwrap();

    // Created, then read back with the name that was sent.
    let created = client
        .create_organization(
            organization("Pizza Palace", "cust_1").description(Some("Wood-fired".to_string())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.owner.external_id, "cust_1");
    let read = client
        .get_organization(created.organization.id)
        .send()
        .await
        .unwrap();
    assert_eq!(read.name, "Pizza Palace");
    assert_eq!(read.description.as_deref(), Some("Wood-fired"));
    assert_eq!(read.users.len(), 1);
    assert_eq!(read.users[0].organizations[0].role, Role::Owner);

    // A wrong key: 401.
    let stranger = Client::builder()
        .fake(&fake)
        .api_key("sk_not_the_fakes_key")
        .build()
        .unwrap();
    let error = stranger.list_organizations().send().await.unwrap_err();
    assert!(matches!(error, Error::Unauthorized(_)), "{error:?}");

    // A bad field: 422 naming it.
    let error = client
        .create_organization(
            organization("Bad", "cust_2").owner(
                NewOwner::builder()
                    .external_id("cust_2")
                    .email("not an email"),
            ),
        )
        .send()
        .await
        .unwrap_err();
    let Error::Validation(response) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        response.field_errors()["owner.email"],
        ["The owner.email field must be a valid email address."]
    );

    // A 429: the client waits for Retry-After and sends it again; one organization results.
    fake.inject(
        Fault::TooManyRequests {
            retry_after: Duration::from_millis(1),
        }
        .on(Operation::CreateOrganization.id()),
    );
    let before = fake.calls(Operation::CreateOrganization.id());
    let second = client
        .create_organization(organization("Second", "cust_3"))
        .send()
        .await
        .unwrap();
    assert_eq!(fake.calls(Operation::CreateOrganization.id()), before + 2);

    // A 502 after the create took effect: the client does not resend it blindly; the
    // caller's own check (the operation's `if_outcome_unknown`) finds it created.
    fake.inject(Fault::BadGatewayAfterCommit.on(Operation::CreateOrganization.id()));
    let error = client
        .create_organization(organization("Third", "cust_4"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::OutcomeUnknown {
                operation: Operation::CreateOrganization,
                ..
            }
        ),
        "{error:?}"
    );
    let owner = client.get_user("cust_4").send().await.unwrap();
    assert_eq!(owner.organizations[0].name, "Third");

    let names: Vec<String> = client
        .list_organizations()
        .send()
        .await
        .unwrap()
        .into_inner()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(names, ["Pizza Palace", "Second", "Third"]);
    assert_eq!(second.organization.id, 2);
}

#[tokio::test]
async fn what_is_created_updated_and_deleted_shows_everywhere() {
    let fake = Fake::start().await.unwrap();
    let client = Client::builder().fake(&fake).build().unwrap();
    let org = client
        .create_organization(organization("Acme", "owner_1"))
        .send()
        .await
        .unwrap()
        .into_inner()
        .organization;

    // A second user, in the organization by the query parameter, with a role.
    let manager = client
        .create_user(
            NewUser::builder()
                .external_id("manager_1")
                .email("m@example.com")
                .role(Some(Role::Manager)),
        )
        .organization_id(org.id)
        .send()
        .await
        .unwrap();
    assert_eq!(manager.user.organizations[0].id, org.id);
    assert_eq!(manager.user.organizations[0].role, Role::Manager);

    // The token the create handed out is the current one until a new one is generated.
    let token = client.get_embed_token("manager_1").send().await.unwrap();
    assert_eq!(
        token.embed_token.expose_secret(),
        manager.embed_token.expose_secret()
    );
    let fresh = client
        .generate_embed_token("manager_1")
        .send()
        .await
        .unwrap();
    assert_ne!(
        fresh.embed_token.expose_secret(),
        token.embed_token.expose_secret()
    );
    let again = client.get_embed_token("manager_1").send().await.unwrap();
    assert_eq!(
        again.embed_token.expose_secret(),
        fresh.embed_token.expose_secret()
    );
    // Invalidated: the next read hands out a token none of the earlier ones equals.
    let invalidated = client
        .invalidate_embed_token("manager_1")
        .send()
        .await
        .unwrap();
    assert_eq!(invalidated.user_id, "manager_1");
    let after = client.get_embed_token("manager_1").send().await.unwrap();
    assert_ne!(
        after.embed_token.expose_secret(),
        fresh.embed_token.expose_secret()
    );

    let location = client
        .create_location(
            NewLocation::builder()
                .organization_id(org.id)
                .name("Downtown"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(location.status().as_u16(), 201);

    // The rename shows in the organization and in its users' memberships.
    client
        .update_organization(
            org.id,
            OrganizationUpdate::builder().name(Some("Acme Group".to_string())),
        )
        .send()
        .await
        .unwrap();
    let read = client.get_organization(org.id).send().await.unwrap();
    assert_eq!(read.name, "Acme Group");
    assert_eq!(read.users.len(), 2);
    assert_eq!(read.phone_numbers[0].name, "Downtown");
    let users = client
        .list_users()
        .organization_id(org.id)
        .send()
        .await
        .unwrap();
    assert!(
        users
            .iter()
            .all(|u| u.organizations[0].name == "Acme Group")
    );

    let renamed = client
        .update_user(
            "manager_1",
            UserUpdate::builder().name(Some("Mia".to_string())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Mia"));

    // A duplicate external_id is refused (a GUESS of the spec: Laravel's `unique`).
    let error = client
        .create_user(
            NewUser::builder()
                .external_id("manager_1")
                .email("x@example.com"),
        )
        .send()
        .await
        .unwrap_err();
    let Error::Validation(response) = &error else {
        panic!("{error:?}")
    };
    assert!(
        response.field_errors().contains_key("external_id"),
        "{response:?}"
    );

    // Deleted: 404 afterwards, its locations gone with it, memberships dropped.
    client.delete_organization(org.id).send().await.unwrap();
    let error = client.get_organization(org.id).send().await.unwrap_err();
    assert!(matches!(error, Error::NotFound(_)), "{error:?}");
    assert!(client.list_locations().send().await.unwrap().is_empty());
    let owner = client.get_user("owner_1").send().await.unwrap();
    assert!(owner.organizations.is_empty());
    assert_eq!(fake.records("organizations").len(), 0);
}

#[tokio::test]
async fn resets_unavailability_and_delays_are_what_the_client_expects() {
    let fake = Fake::start().await.unwrap();
    let client = Client::builder()
        .fake(&fake)
        .retry(fast_retries())
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();

    // A safe operation rides out two 503s.
    fake.inject(
        Fault::Unavailable
            .times(2)
            .on(Operation::ListOrganizations.id()),
    );
    client.list_organizations().send().await.unwrap();
    assert_eq!(fake.calls(Operation::ListOrganizations.id()), 3);

    // A reset after the body was read: nothing was done, but the client cannot know.
    fake.inject(Fault::ResetAfterBody.on(Operation::CreateOrganization.id()));
    let error = client
        .create_organization(organization("Reset", "cust_r"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
    assert!(fake.records("organizations").is_empty());

    // An answer slower than the client's timeout: done, and unknown to the client.
    fake.inject(Fault::Delay(Duration::from_secs(2)).on(Operation::CreateOrganization.id()));
    let error = client
        .create_organization(organization("Slow", "cust_s"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::OutcomeUnknown { .. }), "{error:?}");
    assert_eq!(fake.records("organizations").len(), 1);
}

/// The requests a client cannot send: raw HTTP.
#[tokio::test]
async fn routes_methods_keys_and_bodies_are_refused_the_laravel_way() {
    let fake = Fake::builder()
        .api_key("k1")
        .api_key("k2")
        .start()
        .await
        .unwrap();
    let base = fake.base_url();
    let http = answering_agent::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let send = |request: reqwest::RequestBuilder| async move {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let allow = response
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_string());
        let body: serde_json::Value = response.json().await.unwrap();
        (status, body, allow)
    };

    let (status, body, _) = send(
        http.post(format!("{base}/organizations"))
            .json(&serde_json::json!({})),
    )
    .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (401, Some("Unauthenticated."))
    );
    let (status, ..) = send(
        http.get(format!("{base}/organizations"))
            .header("x-api-key", "k2"),
    )
    .await;
    assert_eq!(status, 200, "every configured key is accepted");

    let (status, body, _) = send(http.get(format!("{base}/teams")).header("x-api-key", "k1")).await;
    assert_eq!(status, 404);
    assert_eq!(
        body["message"],
        "The route api/v1/teams could not be found."
    );
    let (status, _, allow) = send(
        http.delete(format!("{base}/organizations"))
            .header("x-api-key", "k1"),
    )
    .await;
    assert_eq!((status, allow.as_deref()), (405, Some("GET, POST, HEAD")));
    let (status, body, _) = send(
        http.get(format!("{base}/organizations/abc"))
            .header("x-api-key", "k1"),
    )
    .await;
    assert_eq!(status, 404);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("No query results for model")
    );

    // No JSON body: Laravel sees no input, so every required field is missing.
    let (status, body, _) = send(
        http.post(format!("{base}/organizations"))
            .header("x-api-key", "k1")
            .body("name=x"),
    )
    .await;
    assert_eq!(status, 422);
    let fields: Vec<&String> = body["errors"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["name", "owner"]);

    // Several invalid fields: every one is named, the first message leads.
    let (status, body, _) = send(
        http.post(format!("{base}/organizations"))
            .header("x-api-key", "k1")
            .json(&serde_json::json!({"name": 42, "owner": {"email": "x@example.com"}, "description": false})),
    )
    .await;
    assert_eq!(status, 422);
    let fields: Vec<&String> = body["errors"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["description", "name", "owner.external_id"]);
    assert_eq!(
        body["message"],
        "The description field must be a string. (and 2 more errors)"
    );
    assert_eq!(
        body["errors"]["owner.external_id"][0],
        "The owner.external id field is required."
    );

    // A required field sent empty (or blank) is missing, as Laravel's `required` says.
    let (status, body, _) = send(
        http.post(format!("{base}/organizations"))
            .header("x-api-key", "k1")
            .json(&serde_json::json!({"name": "  ", "owner": {"external_id": "", "email": "o@example.com"}})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"]["name"][0], "The name field is required.");
    assert_eq!(
        body["errors"]["owner.external_id"][0],
        "The owner.external id field is required."
    );

    // A bad value inside a nullable reference (`role`: `nullable` beside `allOf: [Role]`)
    // is worded as for any field, not as a failed `anyOf`.
    let (status, body, _) = send(
        http.post(format!("{base}/users"))
            .header("x-api-key", "k1")
            .json(&serde_json::json!({"external_id": "u_role", "email": "r@example.com", "role": "boss"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"]["role"][0], "The selected role is invalid.");
    assert_eq!(body["message"], "The selected role is invalid.");

    // A bad query parameter and an unknown referenced id.
    let (status, body, _) = send(
        http.get(format!("{base}/users?organization_id=x"))
            .header("x-api-key", "k1"),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        body["errors"]["organization_id"][0],
        "The organization id field must be an integer."
    );
    // An id in the body that names no record: a 404, as for an id in the path (GUESS).
    let (status, body, _) = send(
        http.post(format!("{base}/locations"))
            .header("x-api-key", "k1")
            .json(&serde_json::json!({"organization_id": 999, "name": "Nowhere"})),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        body["message"],
        "No query results for model [App\\Models\\Organization] 999"
    );
}

#[tokio::test]
async fn a_fake_shows_no_key_in_debug() {
    let fake = Fake::builder()
        .api_key("sk_secret_fake_key")
        .start()
        .await
        .unwrap();
    let shown = format!("{fake:?}");
    assert!(!shown.contains("sk_secret_fake_key"), "{shown}");
    assert!(shown.contains(fake.base_url()));
}

#[tokio::test]
async fn send_json_calls_any_operation_with_arguments_as_json() {
    let fake = Fake::start().await.unwrap();
    let client = Client::builder().fake(&fake).build().unwrap();
    let arguments = |value: serde_json::Value| value.as_object().unwrap().clone();

    let created = client
        .send_json(
            Operation::CreateOrganization,
            &arguments(serde_json::json!({"body": {
                "name": "Json Inc",
                "owner": {"external_id": "json_1", "email": "json@example.com"}
            }})),
        )
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let id = created.as_ref()["organization"]["id"].as_i64().unwrap();

    // Path parameters by their names in the spec; the answer is the typed response as JSON.
    let read = client
        .send_json(
            Operation::GetOrganization,
            &arguments(serde_json::json!({"organization_id": id})),
        )
        .await
        .unwrap();
    assert_eq!(read.as_ref()["name"], "Json Inc");

    // An argument of the wrong type, or a body that is not the spec's, is not sent.
    let calls = fake.calls("getOrganization");
    let error = client
        .send_json(
            Operation::GetOrganization,
            &arguments(serde_json::json!({"organization_id": "seven"})),
        )
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("`organization_id` does not fit the spec"),
        "{error}"
    );
    assert_eq!(fake.calls("getOrganization"), calls);
    let error = client
        .send_json(
            Operation::CreateOrganization,
            &arguments(serde_json::json!({"body": {"name": "No Owner"}})),
        )
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("missing field `owner`"),
        "{error}"
    );
    assert_eq!(fake.calls("createOrganization"), 1);
}

#[tokio::test]
async fn send_json_redacts_embed_tokens_unless_asked_to_reveal_them() {
    let fake = Fake::start().await.unwrap();
    let client = Client::builder().fake(&fake).build().unwrap();
    let arguments = |value: serde_json::Value| value.as_object().unwrap().clone();
    client
        .send_json(
            Operation::CreateOrganization,
            &arguments(serde_json::json!({"body": {
                "name": "Token Inc",
                "owner": {"external_id": "token_1", "email": "token@example.com"}
            }})),
        )
        .await
        .unwrap();
    let user = arguments(serde_json::json!({"external_id": "token_1"}));
    let redacted = client
        .send_json(Operation::GetEmbedToken, &user)
        .await
        .unwrap();
    assert_eq!(redacted.as_ref()["embed_token"], "<redacted>");
    let revealed = client
        .send_json_revealing_secrets(Operation::GetEmbedToken, &user)
        .await
        .unwrap();
    let typed = client.get_embed_token("token_1").send().await.unwrap();
    assert_eq!(
        revealed.as_ref()["embed_token"],
        typed.embed_token.expose_secret()
    );
    assert_ne!(typed.embed_token.expose_secret(), "<redacted>");
    // The typed value still serializes as the wire needs it.
    let json = serde_json::to_value(&*typed).unwrap();
    assert_eq!(json["embed_token"], typed.embed_token.expose_secret());
}
