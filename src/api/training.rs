//! The training dialect: cynic fragments for every operation of schema/training.graphql,
//! and their conversion into the dialect-neutral model.

use super::crm::yes_no;
use super::edit::Patch;
use super::model::{Field, Group as GroupModel, Status, User as UserModel, UserDetail};
use super::rows::status;

#[cynic::schema("training")]
mod schema {}

#[derive(cynic::Scalar, Debug, Clone)]
#[cynic(graphql_type = "DateTime")]
pub struct DateTime(pub String);

#[derive(cynic::Scalar, Debug, Clone, PartialEq, Eq)]
#[cynic(graphql_type = "UUID")]
pub struct Uuid(pub String);

#[derive(cynic::Scalar, Debug, Clone, PartialEq)]
#[cynic(graphql_type = "JSONString")]
pub struct JsonString(pub String);

#[derive(cynic::Enum, Debug, Clone, PartialEq, Eq)]
#[cynic(schema = "training")]
pub enum Role {
    Admin,
    Manager,
    Planner,
    Trainer,
    Participant,
    #[cynic(fallback)]
    Other(String),
}

impl Role {
    /// The roles the contract names, in its order.
    pub const KNOWN: [Role; 5] = [
        Role::Admin,
        Role::Manager,
        Role::Planner,
        Role::Trainer,
        Role::Participant,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            Role::Admin => "ADMIN",
            Role::Manager => "MANAGER",
            Role::Planner => "PLANNER",
            Role::Trainer => "TRAINER",
            Role::Participant => "PARTICIPANT",
            Role::Other(other) => other,
        }
    }

    /// Parses a role as an operator types it (any case).
    pub fn parse(text: &str) -> Option<Role> {
        Some(match text.to_ascii_uppercase().as_str() {
            "ADMIN" => Role::Admin,
            "MANAGER" => Role::Manager,
            "PLANNER" => Role::Planner,
            "TRAINER" => Role::Trainer,
            "PARTICIPANT" => Role::Participant,
            _ => return None,
        })
    }
}

#[derive(cynic::Enum, Debug, Clone, PartialEq, Eq)]
#[cynic(schema = "training")]
pub enum Language {
    Nl,
    En,
    De,
    Fr,
    #[cynic(fallback)]
    Other(String),
}

impl Language {
    /// The languages the contract names, in its order.
    pub const KNOWN: [Language; 4] = [Language::Nl, Language::En, Language::De, Language::Fr];

    pub fn as_str(&self) -> &str {
        match self {
            Language::Nl => "NL",
            Language::En => "EN",
            Language::De => "DE",
            Language::Fr => "FR",
            Language::Other(other) => other,
        }
    }

    pub fn parse(text: &str) -> Option<Language> {
        Some(match text.to_ascii_uppercase().as_str() {
            "NL" => Language::Nl,
            "EN" => Language::En,
            "DE" => Language::De,
            "FR" => Language::Fr,
            _ => return None,
        })
    }
}

// cynic's derive checks an input field's type against the schema element by element
// (a list field's as one role); a patch of the field fills it.
impl cynic::Enum for Patch<Vec<Role>> {
    type SchemaType = <Role as cynic::Enum>::SchemaType;
}

impl cynic::Enum for Patch<Language> {
    type SchemaType = <Language as cynic::Enum>::SchemaType;
}

/// The fields of a user the table shows: all the list fetch asks for. The answer is not
/// read through this type: a million users are read as they come into compact rows
/// (`rows::RowIn`, the same fields); it makes the query, checked against the schema.
#[derive(cynic::QueryFragment, Debug, Clone)]
#[cynic(schema = "training", graphql_type = "User")]
pub struct UserRow {
    pub id: cynic::Id,
    pub name: String,
    pub email: Option<String>,
    pub is_active: Option<bool>,
    pub archived_at: Option<DateTime>,
    pub roles: Option<Vec<Option<Role>>>,
    pub language: Language,
    pub last_login: Option<DateTime>,
    #[cynic(rename = "ref")]
    pub reference: Option<String>,
}

#[derive(cynic::QueryVariables, Debug, Clone, Default)]
pub struct UsersVariables {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    schema = "training",
    graphql_type = "Query",
    variables = "UsersVariables"
)]
pub struct Users {
    #[arguments(active: $active)]
    pub users: Vec<UserRow>,
}

/// Exactly one of the three is set.
#[derive(cynic::QueryVariables, Debug, Clone, Default)]
pub struct UserVariables {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    schema = "training",
    graphql_type = "Query",
    variables = "UserVariables"
)]
pub struct User {
    #[arguments(id: $id, ref: $reference, email: $email)]
    pub user: Option<UserFull>,
}

#[derive(cynic::QueryFragment, Debug, Clone)]
#[cynic(schema = "training")]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct File {
    pub id: cynic::Id,
    pub url: Option<String>,
    pub name: Option<String>,
}

#[derive(cynic::QueryFragment, Debug, Clone)]
#[cynic(schema = "training")]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: cynic::Id,
    pub name: String,
}

#[derive(cynic::QueryFragment, Debug, Clone)]
#[cynic(schema = "training")]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserVia {
    pub source: String,
    #[cynic(rename = "ref")]
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub at: Option<DateTime>,
}

/// A user's state alone: what settling an unknown outcome reads back.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    schema = "training",
    graphql_type = "Query",
    variables = "UserVariables"
)]
pub struct UserState {
    #[arguments(id: $id, ref: $reference, email: $email)]
    pub user: Option<UserStateRow>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "training", graphql_type = "User")]
pub struct UserStateRow {
    pub id: cynic::Id,
    pub archived_at: Option<DateTime>,
    pub is_active: Option<bool>,
}

impl UserStateRow {
    pub fn status(&self) -> Status {
        status(self.archived_at.is_some(), self.is_active)
    }
}

/// Every field of a user.
#[derive(cynic::QueryFragment, Debug, Clone)]
#[cynic(schema = "training", graphql_type = "User")]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserFull {
    pub model_id: cynic::Id,
    pub email: Option<String>,
    pub name: String,
    pub archived_at: Option<DateTime>,
    #[cynic(rename = "ref")]
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub id: cynic::Id,
    pub is_active: Option<bool>,
    pub roles: Option<Vec<Option<Role>>>,
    pub profile_image: File,
    pub language: Language,
    pub extra_fields: Option<JsonString>,
    pub extra_fields_profile: Option<JsonString>,
    pub has_password: Option<bool>,
    pub afas_person_id: Option<String>,
    pub afas_employee_id: Option<String>,
    pub afas_contact_id: Option<String>,
    pub afas_connection_id: Option<cynic::Id>,
    pub participant_groups: Option<Vec<Group>>,
    pub manager_groups: Option<Vec<Group>>,
    pub group_count: Option<i32>,
    pub invited_on: Option<DateTime>,
    pub last_login: Option<DateTime>,
    pub user_via: Option<Vec<UserVia>>,
}

#[derive(cynic::InputObject, Debug, Clone, Default)]
#[cynic(schema = "training")]
pub struct CreateUserInput {
    pub email: String,
    pub name: String,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<Role>>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    #[cynic(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub extra_fields: Option<JsonString>,
}

#[derive(cynic::InputObject, Debug, Clone, Default)]
#[cynic(schema = "training")]
pub struct UpdateUserInput {
    #[cynic(skip_serializing_if = "Patch::is_keep")]
    pub name: Patch<String>,
    #[cynic(skip_serializing_if = "Patch::is_keep")]
    pub email: Patch<String>,
    #[cynic(skip_serializing_if = "Patch::is_keep")]
    pub roles: Patch<Vec<Role>>,
    #[cynic(skip_serializing_if = "Patch::is_keep")]
    pub language: Patch<Language>,
    #[cynic(skip_serializing_if = "Patch::is_keep")]
    pub is_active: Patch<bool>,
    #[cynic(rename = "ref", skip_serializing_if = "Patch::is_keep")]
    pub reference: Patch<String>,
    #[cynic(skip_serializing_if = "Patch::is_keep")]
    pub extra_fields: Patch<JsonString>,
}

#[derive(cynic::InputObject, Debug, Clone, Default)]
#[cynic(schema = "training")]
pub struct UpdateOrCreateUserInput {
    #[cynic(skip_serializing_if = "Patch::is_keep")]
    pub name: Patch<String>,
    #[cynic(skip_serializing_if = "Patch::is_keep")]
    pub roles: Patch<Vec<Role>>,
    #[cynic(skip_serializing_if = "Patch::is_keep")]
    pub language: Patch<Language>,
    #[cynic(skip_serializing_if = "Patch::is_keep")]
    pub is_active: Patch<bool>,
    #[cynic(rename = "ref", skip_serializing_if = "Patch::is_keep")]
    pub reference: Patch<String>,
    #[cynic(skip_serializing_if = "Patch::is_keep")]
    pub extra_fields: Patch<JsonString>,
}

#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct CreateUserVariables {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub send_invite: Option<bool>,
    pub user: CreateUserInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    schema = "training",
    graphql_type = "Mutation",
    variables = "CreateUserVariables"
)]
pub struct CreateUser {
    #[arguments(sendInvite: $send_invite, user: $user)]
    pub create_user: Option<CreatePayload>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "training", graphql_type = "CreateUser")]
pub struct CreatePayload {
    pub user: Option<UserFull>,
    pub created: Option<bool>,
}

#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct UpdateUserVariables {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    pub user: UpdateUserInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    schema = "training",
    graphql_type = "Mutation",
    variables = "UpdateUserVariables"
)]
pub struct UpdateUser {
    #[arguments(ref: $reference, id: $id, user: $user)]
    pub update_user: Option<UpdatePayload>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "training", graphql_type = "UpdateUser")]
pub struct UpdatePayload {
    pub user: Option<UserFull>,
}

#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct UpdateOrCreateUserVariables {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub send_invite: Option<bool>,
    pub user: UpdateOrCreateUserInput,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    schema = "training",
    graphql_type = "Mutation",
    variables = "UpdateOrCreateUserVariables"
)]
pub struct UpdateOrCreateUser {
    #[arguments(email: $email, ref: $reference, sendInvite: $send_invite, user: $user)]
    pub update_or_create_user: Option<UpsertPayload>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "training", graphql_type = "UpdateOrCreateUser")]
pub struct UpsertPayload {
    pub user: Option<UserFull>,
    pub created: Option<bool>,
}

#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct ArchiveUsersVariables {
    pub archive: bool,
    pub ids: Vec<Uuid>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(
    schema = "training",
    graphql_type = "Mutation",
    variables = "ArchiveUsersVariables"
)]
pub struct ArchiveUsers {
    #[arguments(archive: $archive, ids: $ids)]
    pub archive_users: Option<ArchivePayload>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "training", graphql_type = "ArchiveUsers")]
pub struct ArchivePayload {
    pub response: Option<ArchiveUsersResponse>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "training")]
pub struct ArchiveUsersResponse {
    pub succeeded_ids: Vec<Uuid>,
    pub failed_ids: Vec<Uuid>,
}

fn role_names(roles: Option<Vec<Option<Role>>>) -> Vec<String> {
    roles
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .map(|r| r.as_str().to_string())
        .collect()
}

fn groups(groups: Option<Vec<Group>>) -> Option<Vec<GroupModel>> {
    groups.map(|gs| {
        gs.into_iter()
            .map(|g| GroupModel {
                id: g.id.into_inner(),
                name: g.name,
            })
            .collect()
    })
}

/// The text as JSON when it is JSON; as a JSON string otherwise, so nothing is lost.
fn json(text: Option<JsonString>) -> Option<serde_json::Value> {
    text.map(|t| serde_json::from_str(&t.0).unwrap_or(serde_json::Value::String(t.0)))
}

impl From<UserFull> for UserDetail {
    fn from(u: UserFull) -> UserDetail {
        // The API's record, its JSON strings as the JSON they hold.
        let mut record = serde_json::to_value(&u).unwrap_or_default();
        for key in ["extraFields", "extraFieldsProfile"] {
            if let Some(field) = record.get_mut(key)
                && let Some(Ok(parsed)) = field.as_str().map(serde_json::from_str)
            {
                *field = parsed;
            }
        }
        let user = UserModel {
            id: u.id.inner().to_string(),
            name: u.name.clone(),
            email: u.email.clone(),
            status: status(u.archived_at.is_some(), u.is_active),
            roles: role_names(u.roles),
            language: Some(u.language.as_str().to_string()),
            last_login: u.last_login.clone().map(|t| t.0),
            reference: u.reference.clone(),
            active: u.is_active,
            archived_at: u.archived_at.clone().map(|t| t.0),
            ..UserModel::default()
        };
        let via = u.user_via.map(|vias| {
            vias.iter()
                .map(|v| {
                    let mut s = v.source.clone();
                    if let Some(r) = &v.reference {
                        s.push_str(&format!(" ({r})"));
                    }
                    if let Some(at) = &v.at {
                        s.push_str(&format!(" at {}", at.0));
                    }
                    s
                })
                .collect::<Vec<_>>()
                .join("; ")
        });
        let fields = vec![
            Field::new("id", Some(user.id.clone())),
            Field::new("model id", Some(u.model_id.into_inner())),
            Field::new("name", Some(u.name)),
            Field::new("email", u.email),
            Field::new("status", Some(user.status.to_string())),
            Field::new("active", u.is_active.map(yes_no)),
            Field::new("archived at", u.archived_at.map(|t| t.0)),
            Field::new("ref", u.reference),
            Field::new("roles", Some(user.roles.join(", "))),
            Field::new("language", user.language.clone()),
            Field::new("invited on", u.invited_on.map(|t| t.0)),
            Field::new("last login", user.last_login.clone()),
            Field::new("has password", u.has_password.map(yes_no)),
            Field::new("group count", u.group_count.map(|n| n.to_string())),
            Field::new("profile image", u.profile_image.url),
            Field::new("AFAS person id", u.afas_person_id),
            Field::new("AFAS employee id", u.afas_employee_id),
            Field::new("AFAS contact id", u.afas_contact_id),
            Field::new(
                "AFAS connection id",
                u.afas_connection_id.map(|i| i.into_inner()),
            ),
            Field::new("came in via", via),
        ];
        UserDetail {
            user,
            fields,
            active: u.is_active,
            participant_groups: groups(u.participant_groups),
            manager_groups: groups(u.manager_groups),
            extra_fields: json(u.extra_fields),
            extra_fields_profile: json(u.extra_fields_profile),
            record,
            ..UserDetail::default()
        }
    }
}
