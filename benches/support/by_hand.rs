//! The hand-written client the benchmarks compare with: what a careful user writes with
//! reqwest and serde alone for `POST /organizations`.
// Its fields are decoded, not read: decoding them is what is measured.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
pub struct Owner<'a> {
    pub external_id: &'a str,
    pub email: &'a str,
}

#[derive(Serialize)]
pub struct NewOrganization<'a> {
    pub name: &'a str,
    pub owner: Owner<'a>,
}

#[derive(Deserialize)]
pub struct Created {
    pub organization: Organization,
    pub owner: User,
}

#[derive(Deserialize)]
pub struct Organization {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub phone_numbers: Vec<Location>,
}

#[derive(Deserialize)]
pub struct User {
    pub id: i64,
    pub external_id: String,
    pub email: String,
    pub name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub organizations: Vec<Membership>,
}

#[derive(Deserialize)]
pub struct Membership {
    pub id: i64,
    pub name: String,
    pub role: String,
}

#[derive(Deserialize)]
pub struct Location {
    pub id: i64,
    pub name: String,
    pub phone_number: Option<String>,
    pub status: String,
    pub address: Option<String>,
    pub google_place_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn create(http: &reqwest::Client, base: &str, key: &str) -> Result<Created, String> {
    let body = NewOrganization {
        name: "Pizza Palace",
        owner: Owner {
            external_id: "cust_789",
            email: "maria@pizzapalace.example",
        },
    };
    let response = http
        .post(format!("{base}/organizations"))
        .header("x-api-key", key)
        .header("accept", "application/json")
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}"));
    }
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}
