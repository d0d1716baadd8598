//! The training schema's inputs and payloads, and the checks and changes they make to a
//! stored user: one key of several, unique e-mail and ref, absent versus null.

use async_graphql::{InputObject, MaybeUndefined, SimpleObject};

use super::super::errors::{db, invalid};
use super::super::scalars::{DateTime, JsonString, Uuid};
use super::store::{self, Key, UserRow};
use super::types::*;

#[derive(InputObject)]
pub struct CreateUserInput {
    pub(super) email: String,
    pub(super) name: String,
    pub(super) roles: Option<Vec<Role>>,
    pub(super) language: Option<Language>,
    #[graphql(name = "ref")]
    pub(super) reference: Option<String>,
    pub(super) is_active: Option<bool>,
    pub(super) extra_fields: Option<JsonString>,
}

#[derive(InputObject, Default)]
pub struct UpdateUserInput {
    pub(super) name: MaybeUndefined<String>,
    pub(super) email: MaybeUndefined<String>,
    pub(super) roles: MaybeUndefined<Vec<Role>>,
    pub(super) language: MaybeUndefined<Language>,
    pub(super) is_active: MaybeUndefined<bool>,
    #[graphql(name = "ref")]
    pub(super) reference: MaybeUndefined<String>,
    pub(super) extra_fields: MaybeUndefined<JsonString>,
}

#[derive(InputObject)]
pub struct UpdateOrCreateUserInput {
    pub(super) name: MaybeUndefined<String>,
    pub(super) roles: MaybeUndefined<Vec<Role>>,
    pub(super) language: MaybeUndefined<Language>,
    pub(super) is_active: MaybeUndefined<bool>,
    #[graphql(name = "ref")]
    pub(super) reference: MaybeUndefined<String>,
    pub(super) extra_fields: MaybeUndefined<JsonString>,
}

impl From<UpdateOrCreateUserInput> for UpdateUserInput {
    fn from(input: UpdateOrCreateUserInput) -> UpdateUserInput {
        UpdateUserInput {
            name: input.name,
            email: MaybeUndefined::Undefined,
            roles: input.roles,
            language: input.language,
            is_active: input.is_active,
            reference: input.reference,
            extra_fields: input.extra_fields,
        }
    }
}

#[derive(SimpleObject)]
#[graphql(name = "CreateUser")]
pub struct CreateUserPayload {
    pub(super) user: Option<User>,
    pub(super) created: Option<bool>,
}

#[derive(SimpleObject)]
#[graphql(name = "UpdateUser")]
pub struct UpdateUserPayload {
    pub(super) user: Option<User>,
}

#[derive(SimpleObject)]
#[graphql(name = "UpdateOrCreateUser")]
pub struct UpdateOrCreateUserPayload {
    pub(super) user: Option<User>,
    pub(super) created: Option<bool>,
}

#[derive(SimpleObject)]
pub struct ArchiveUsersResponse {
    pub(super) succeeded_ids: Vec<Uuid>,
    pub(super) failed_ids: Vec<Uuid>,
}

#[derive(SimpleObject)]
#[graphql(name = "ArchiveUsers")]
pub struct ArchiveUsersPayload {
    pub(super) response: Option<ArchiveUsersResponse>,
}

/// The one key of `args` that is set, or INVALID_ARGUMENTS.
pub(super) fn one_key(
    id: Option<Uuid>,
    reference: Option<String>,
    email: Option<String>,
    names: &str,
) -> async_graphql::Result<Key> {
    match (id, reference, email) {
        (Some(id), None, None) => Ok(Key::Id(id.checked()?)),
        (None, Some(r), None) => Ok(Key::Ref(r)),
        (None, None, Some(e)) => Ok(Key::Email(e)),
        _ => Err(invalid(format!("give exactly one of {names}"))),
    }
}

pub(super) fn describe(key: &Key) -> String {
    match key {
        Key::Id(v) => format!("id {}", v.escape_debug()),
        Key::Ref(v) => format!("ref {:?}", v),
        Key::Email(v) => format!("e-mail {:?}", v),
    }
}

pub(super) fn checked_email(email: &str) -> async_graphql::Result<String> {
    let email = email.trim();
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
    if valid {
        Ok(email.to_string())
    } else {
        Err(invalid(format!("{email:?} is not an e-mail address")))
    }
}

pub(super) fn checked_name(name: &str) -> async_graphql::Result<String> {
    let name = name.trim();
    if name.is_empty() {
        Err(invalid("name must not be empty"))
    } else {
        Ok(name.to_string())
    }
}

pub(super) fn roles_json(roles: &[Role]) -> String {
    serde_json::to_string(roles).unwrap_or_else(|_| "[]".into())
}

/// Refuses an e-mail address or ref another user already has.
pub(super) fn check_unique(
    conn: &rusqlite::Connection,
    row: &UserRow,
    pk: Option<i64>,
) -> async_graphql::Result<()> {
    if let Some(email) = &row.email
        && store::email_taken(conn, email, pk).map_err(db)?
    {
        return Err(invalid(format!(
            "a user with e-mail {email:?} already exists"
        )));
    }
    if let Some(reference) = &row.reference
        && store::ref_taken(conn, reference, pk).map_err(db)?
    {
        return Err(invalid(format!(
            "a user with ref {reference:?} already exists"
        )));
    }
    Ok(())
}

/// A new user's row from its fields; `pk` is set by the database.
pub(super) fn new_user_row(
    email: Option<String>,
    name: String,
    send_invite: bool,
    now: i64,
) -> UserRow {
    let id = uuid::Uuid::new_v4().hyphenated().to_string();
    UserRow {
        pk: 0,
        profile_image: serde_json::json!({ "id": format!("img-{id}"), "url": null, "name": null })
            .to_string(),
        id,
        email,
        name,
        archived_at: None,
        reference: None,
        is_active: true,
        roles: "[]".into(),
        language: DEFAULT_LANGUAGE.as_str().into(),
        extra_fields: None,
        extra_fields_profile: None,
        has_password: false,
        afas_person_id: None,
        afas_employee_id: None,
        afas_contact_id: None,
        afas_connection_id: None,
        participant_groups: "[]".into(),
        manager_groups: "[]".into(),
        invited_on: send_invite.then_some(now),
        last_login: None,
        user_via:
            serde_json::json!([{ "source": "API", "ref": null, "at": DateTime(now).to_iso() }])
                .to_string(),
    }
}

/// Applies the fields `input` sets to `row`: absent leaves a field alone, null clears it
/// where the field may be empty and is refused where it may not.
pub(super) fn apply(row: &mut UserRow, input: UpdateUserInput) -> async_graphql::Result<()> {
    fn required<T>(value: MaybeUndefined<T>, field: &str) -> async_graphql::Result<Option<T>> {
        match value {
            MaybeUndefined::Undefined => Ok(None),
            MaybeUndefined::Null => Err(invalid(format!("{field} cannot be null"))),
            MaybeUndefined::Value(v) => Ok(Some(v)),
        }
    }
    if let Some(name) = required(input.name, "name")? {
        row.name = checked_name(&name)?;
    }
    if let Some(language) = required(input.language, "language")? {
        row.language = language.as_str().into();
    }
    if let Some(active) = required(input.is_active, "isActive")? {
        row.is_active = active;
    }
    match input.email {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => row.email = None,
        MaybeUndefined::Value(email) => row.email = Some(checked_email(&email)?),
    }
    match input.roles {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => row.roles = "[]".into(),
        MaybeUndefined::Value(roles) => row.roles = roles_json(&roles),
    }
    match input.reference {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => row.reference = None,
        MaybeUndefined::Value(r) => row.reference = Some(r),
    }
    match input.extra_fields {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => row.extra_fields = None,
        MaybeUndefined::Value(json) => row.extra_fields = Some(json.checked("extraFields")?),
    }
    Ok(())
}
