//! The fake under concurrent load: 256 clients (each its own connection pool) creating
//! 10,000 organizations end with 10,000 distinct ids, every one listed; concurrent writes
//! to one organization all stick (no lost update).

use std::collections::BTreeSet;

use answering_agent::Client;
use answering_agent::fake::Fake;
use answering_agent::types::{NewOrganization, NewOwner, NewUser, OrganizationUpdate};

const CLIENTS: usize = 256;
const ORGANIZATIONS: usize = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_256_create_10000_organizations_and_nothing_is_lost() {
    let fake = Fake::start().await.unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for client_number in 0..CLIENTS {
        let client = Client::builder().fake(&fake).build().unwrap();
        tasks.spawn(async move {
            let mut ids = Vec::new();
            for n in (client_number..ORGANIZATIONS).step_by(CLIENTS) {
                let request = NewOrganization::builder()
                    .name(format!("Organization {n}"))
                    .owner(
                        NewOwner::builder()
                            .external_id(format!("owner_{n}"))
                            .email(format!("owner{n}@example.com")),
                    );
                let created = client.create_organization(request).send().await.unwrap();
                assert_eq!(created.organization.name, format!("Organization {n}"));
                ids.push(created.organization.id);
            }
            ids
        });
    }
    let mut ids = BTreeSet::new();
    let mut answered = 0;
    while let Some(batch) = tasks.join_next().await {
        let batch = batch.unwrap();
        answered += batch.len();
        ids.extend(batch);
    }
    assert_eq!(answered, ORGANIZATIONS);
    assert_eq!(
        ids.len(),
        ORGANIZATIONS,
        "every create got an id of its own"
    );

    let client = Client::builder().fake(&fake).build().unwrap();
    let listed = client
        .list_organizations()
        .send()
        .await
        .unwrap()
        .into_inner();
    let listed_ids: BTreeSet<_> = listed.iter().map(|o| o.id).collect();
    assert_eq!(listed_ids, ids, "the list holds exactly the created ones");
    let names: BTreeSet<&str> = listed.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names.len(), ORGANIZATIONS);
    assert!(
        listed.iter().all(|o| o.users.len() == 1),
        "each with its owner"
    );

    // Concurrent writes to one organization: 256 users join it while its name and
    // description are changed by two other clients; all of it is there afterwards.
    let target = *ids.first().unwrap();
    let mut writes = tokio::task::JoinSet::new();
    for n in 0..CLIENTS {
        let client = Client::builder().fake(&fake).build().unwrap();
        writes.spawn(async move {
            let user = NewUser::builder()
                .external_id(format!("member_{n}"))
                .email(format!("member{n}@example.com"));
            client
                .create_user(user)
                .organization_id(target)
                .send()
                .await
                .map(|_| ())
        });
    }
    for body in [
        OrganizationUpdate::builder().name(Some("Renamed".to_string())),
        OrganizationUpdate::builder().description(Some("Described".to_string())),
    ] {
        let client = Client::builder().fake(&fake).build().unwrap();
        writes.spawn(async move {
            client
                .update_organization(target, body)
                .send()
                .await
                .map(|_| ())
        });
    }
    while let Some(write) = writes.join_next().await {
        write.unwrap().unwrap();
    }
    let read = client.get_organization(target).send().await.unwrap();
    assert_eq!(read.name, "Renamed");
    assert_eq!(read.description.as_deref(), Some("Described"));
    assert_eq!(read.users.len(), CLIENTS + 1, "the owner and every member");
}
