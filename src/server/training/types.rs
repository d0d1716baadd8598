//! The training schema's output types: roles, languages, files, groups, and a user as
//! the schema shows it, resolved from its stored row.

use async_graphql::{Enum, ID, Object, SimpleObject};
use serde::Deserialize;

use super::super::errors::internal;
use super::super::scalars::{DateTime, JsonString};
use super::store::UserRow;

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Admin,
    Manager,
    Planner,
    Trainer,
    Participant,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Nl,
    En,
    De,
    Fr,
}

impl Language {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Language::Nl => "NL",
            Language::En => "EN",
            Language::De => "DE",
            Language::Fr => "FR",
        }
    }

    pub(super) fn parse(text: &str) -> async_graphql::Result<Language> {
        match text {
            "NL" => Ok(Language::Nl),
            "EN" => Ok(Language::En),
            "DE" => Ok(Language::De),
            "FR" => Ok(Language::Fr),
            other => Err(internal(format!("stored language {other:?} is not known"))),
        }
    }
}

/// The language of a user created without one: the platform is Dutch.
pub(super) const DEFAULT_LANGUAGE: Language = Language::Nl;

#[derive(SimpleObject, Deserialize)]
pub struct File {
    pub(super) id: ID,
    pub(super) url: Option<String>,
    pub(super) name: Option<String>,
}

#[derive(SimpleObject, Deserialize)]
pub struct Group {
    pub(super) id: ID,
    pub(super) name: String,
}

#[derive(Deserialize)]
pub(super) struct UserViaRow {
    pub(super) source: String,
    #[serde(rename = "ref")]
    pub(super) reference: Option<String>,
    pub(super) at: Option<String>,
}

#[derive(SimpleObject)]
pub struct UserVia {
    pub(super) source: String,
    #[graphql(name = "ref")]
    pub(super) reference: Option<String>,
    pub(super) at: Option<DateTime>,
}

pub(super) fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
) -> async_graphql::Result<T> {
    serde_json::from_str(text).map_err(|e| internal(format!("stored {what} is not valid: {e}")))
}

/// A user as the schema shows it, resolved from its stored row.
pub struct User(pub(super) UserRow);

#[Object]
impl User {
    async fn model_id(&self) -> ID {
        ID(self.0.pk.to_string())
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn archived_at(&self) -> Option<DateTime> {
        self.0.archived_at.map(DateTime)
    }
    #[graphql(name = "ref")]
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn is_active(&self) -> Option<bool> {
        Some(self.0.is_active)
    }
    async fn roles(&self) -> async_graphql::Result<Option<Vec<Option<Role>>>> {
        let roles: Vec<Role> = parse_json(&self.0.roles, "roles")?;
        Ok(Some(roles.into_iter().map(Some).collect()))
    }
    async fn profile_image(&self) -> async_graphql::Result<File> {
        parse_json(&self.0.profile_image, "profile image")
    }
    async fn language(&self) -> async_graphql::Result<Language> {
        Language::parse(&self.0.language)
    }
    async fn extra_fields(&self) -> Option<JsonString> {
        self.0.extra_fields.clone().map(JsonString)
    }
    async fn extra_fields_profile(&self) -> Option<JsonString> {
        self.0.extra_fields_profile.clone().map(JsonString)
    }
    async fn has_password(&self) -> Option<bool> {
        Some(self.0.has_password)
    }
    async fn afas_person_id(&self) -> Option<&str> {
        self.0.afas_person_id.as_deref()
    }
    async fn afas_employee_id(&self) -> Option<&str> {
        self.0.afas_employee_id.as_deref()
    }
    async fn afas_contact_id(&self) -> Option<&str> {
        self.0.afas_contact_id.as_deref()
    }
    async fn afas_connection_id(&self) -> Option<ID> {
        self.0.afas_connection_id.clone().map(ID)
    }
    async fn participant_groups(&self) -> async_graphql::Result<Option<Vec<Group>>> {
        parse_json(&self.0.participant_groups, "participant groups").map(Some)
    }
    async fn manager_groups(&self) -> async_graphql::Result<Option<Vec<Group>>> {
        parse_json(&self.0.manager_groups, "manager groups").map(Some)
    }
    async fn group_count(&self) -> async_graphql::Result<Option<i32>> {
        let participant: Vec<Group> = parse_json(&self.0.participant_groups, "groups")?;
        let manager: Vec<Group> = parse_json(&self.0.manager_groups, "groups")?;
        Ok(i32::try_from(participant.len() + manager.len()).ok())
    }
    async fn invited_on(&self) -> Option<DateTime> {
        self.0.invited_on.map(DateTime)
    }
    async fn last_login(&self) -> Option<DateTime> {
        self.0.last_login.map(DateTime)
    }
    async fn user_via(&self) -> async_graphql::Result<Option<Vec<UserVia>>> {
        let rows: Vec<UserViaRow> = parse_json(&self.0.user_via, "userVia")?;
        Ok(Some(
            rows.into_iter()
                .map(|v| UserVia {
                    source: v.source,
                    reference: v.reference,
                    at: v.at.as_deref().and_then(DateTime::parse_iso),
                })
                .collect(),
        ))
    }
}
