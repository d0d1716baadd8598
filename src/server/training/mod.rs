//! The training dialect's GraphQL schema (schema/training.graphql) and its resolvers.

mod store;

use async_graphql::{
    Context, EmptySubscription, Enum, ID, InputObject, MaybeUndefined, Object, Schema, SimpleObject,
};
use serde::Deserialize;

use super::db::Db;
use super::errors::{db, internal, invalid, not_found, nullable};
use super::scalars::{DateTime, JsonString, Uuid};
use store::{Key, UserRow};

pub type TrainingSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema, answering from `db`.
pub fn schema(db: Db) -> TrainingSchema {
    Schema::build(Query, Mutation, EmptySubscription)
        .data(db)
        .finish()
}

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
    fn as_str(self) -> &'static str {
        match self {
            Language::Nl => "NL",
            Language::En => "EN",
            Language::De => "DE",
            Language::Fr => "FR",
        }
    }

    fn parse(text: &str) -> async_graphql::Result<Language> {
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
const DEFAULT_LANGUAGE: Language = Language::Nl;

#[derive(SimpleObject, Deserialize)]
pub struct File {
    id: ID,
    url: Option<String>,
    name: Option<String>,
}

#[derive(SimpleObject, Deserialize)]
pub struct Group {
    id: ID,
    name: String,
}

#[derive(Deserialize)]
struct UserViaRow {
    source: String,
    #[serde(rename = "ref")]
    reference: Option<String>,
    at: Option<String>,
}

#[derive(SimpleObject)]
pub struct UserVia {
    source: String,
    #[graphql(name = "ref")]
    reference: Option<String>,
    at: Option<DateTime>,
}

fn parse_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> async_graphql::Result<T> {
    serde_json::from_str(text).map_err(|e| internal(format!("stored {what} is not valid: {e}")))
}

/// A user as the schema shows it, resolved from its stored row.
pub struct User(UserRow);

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

#[derive(InputObject)]
pub struct CreateUserInput {
    email: String,
    name: String,
    roles: Option<Vec<Role>>,
    language: Option<Language>,
    #[graphql(name = "ref")]
    reference: Option<String>,
    is_active: Option<bool>,
    extra_fields: Option<JsonString>,
}

#[derive(InputObject, Default)]
pub struct UpdateUserInput {
    name: MaybeUndefined<String>,
    email: MaybeUndefined<String>,
    roles: MaybeUndefined<Vec<Role>>,
    language: MaybeUndefined<Language>,
    is_active: MaybeUndefined<bool>,
    #[graphql(name = "ref")]
    reference: MaybeUndefined<String>,
    extra_fields: MaybeUndefined<JsonString>,
}

#[derive(InputObject)]
pub struct UpdateOrCreateUserInput {
    name: MaybeUndefined<String>,
    roles: MaybeUndefined<Vec<Role>>,
    language: MaybeUndefined<Language>,
    is_active: MaybeUndefined<bool>,
    #[graphql(name = "ref")]
    reference: MaybeUndefined<String>,
    extra_fields: MaybeUndefined<JsonString>,
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
    user: Option<User>,
    created: Option<bool>,
}

#[derive(SimpleObject)]
#[graphql(name = "UpdateUser")]
pub struct UpdateUserPayload {
    user: Option<User>,
}

#[derive(SimpleObject)]
#[graphql(name = "UpdateOrCreateUser")]
pub struct UpdateOrCreateUserPayload {
    user: Option<User>,
    created: Option<bool>,
}

#[derive(SimpleObject)]
pub struct ArchiveUsersResponse {
    succeeded_ids: Vec<Uuid>,
    failed_ids: Vec<Uuid>,
}

#[derive(SimpleObject)]
#[graphql(name = "ArchiveUsers")]
pub struct ArchiveUsersPayload {
    response: Option<ArchiveUsersResponse>,
}

/// The one key of `args` that is set, or INVALID_ARGUMENTS.
fn one_key(
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

fn describe(key: &Key) -> String {
    match key {
        Key::Id(v) => format!("id {}", v.escape_debug()),
        Key::Ref(v) => format!("ref {:?}", v),
        Key::Email(v) => format!("e-mail {:?}", v),
    }
}

fn checked_email(email: &str) -> async_graphql::Result<String> {
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

fn checked_name(name: &str) -> async_graphql::Result<String> {
    let name = name.trim();
    if name.is_empty() {
        Err(invalid("name must not be empty"))
    } else {
        Ok(name.to_string())
    }
}

fn roles_json(roles: &[Role]) -> String {
    serde_json::to_string(roles).unwrap_or_else(|_| "[]".into())
}

/// Refuses an e-mail address or ref another user already has.
fn check_unique(
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
fn new_user_row(email: Option<String>, name: String, send_invite: bool, now: i64) -> UserRow {
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
fn apply(row: &mut UserRow, input: UpdateUserInput) -> async_graphql::Result<()> {
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

pub struct Query;

#[Object]
impl Query {
    /// exactly one of id, ref, email; null with RESOURCE_NOT_FOUND when none matches
    async fn user(
        &self,
        ctx: &Context<'_>,
        id: Option<Uuid>,
        #[graphql(name = "ref")] reference: Option<String>,
        email: Option<String>,
    ) -> Option<User> {
        nullable(ctx, Query::find_user(ctx, id, reference, email).await)
    }

    /// every user; active: true only active ones, false only inactive ones, absent all
    async fn users(
        &self,
        ctx: &Context<'_>,
        active: Option<bool>,
    ) -> async_graphql::Result<Vec<User>> {
        let rows = ctx
            .data::<Db>()?
            .run(move |conn| store::all(conn, active).map_err(db))
            .await?;
        Ok(rows.into_iter().map(User).collect())
    }
}

impl Query {
    async fn find_user(
        ctx: &Context<'_>,
        id: Option<Uuid>,
        reference: Option<String>,
        email: Option<String>,
    ) -> async_graphql::Result<Option<User>> {
        let key = one_key(id, reference, email, "id, ref and email")?;
        let lookup = key.clone();
        let row = ctx
            .data::<Db>()?
            .run(move |conn| store::find(conn, &lookup).map_err(db))
            .await?;
        match row {
            Some(row) => Ok(Some(User(row))),
            None => Err(not_found(format!("User not found: {}", describe(&key)))),
        }
    }
}

pub struct Mutation;

#[Object]
impl Mutation {
    /// sends an invitation e-mail unless sendInvite is false
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(true)")] send_invite: Option<bool>,
        user: CreateUserInput,
    ) -> Option<CreateUserPayload> {
        nullable(ctx, Mutation::create(ctx, send_invite, user).await)
    }

    /// identifies the user by id or ref
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ref")] reference: Option<String>,
        id: Option<Uuid>,
        user: UpdateUserInput,
    ) -> Option<UpdateUserPayload> {
        nullable(ctx, Mutation::update(ctx, reference, id, user).await)
    }

    /// looks the user up by email or ref and creates it when none matches
    async fn update_or_create_user(
        &self,
        ctx: &Context<'_>,
        email: Option<String>,
        #[graphql(name = "ref")] reference: Option<String>,
        send_invite: Option<bool>,
        user: UpdateOrCreateUserInput,
    ) -> Option<UpdateOrCreateUserPayload> {
        nullable(
            ctx,
            Mutation::upsert(ctx, email, reference, send_invite, user).await,
        )
    }

    /// archive: true archives (deactivates), false restores; unknown ids land in failedIds
    async fn archive_users(
        &self,
        ctx: &Context<'_>,
        archive: bool,
        ids: Vec<Uuid>,
    ) -> Option<ArchiveUsersPayload> {
        nullable(ctx, Mutation::archive(ctx, archive, ids).await)
    }
}

impl Mutation {
    async fn create(
        ctx: &Context<'_>,
        send_invite: Option<bool>,
        user: CreateUserInput,
    ) -> async_graphql::Result<Option<CreateUserPayload>> {
        let now = DateTime::now().0;
        let mut row = new_user_row(
            Some(checked_email(&user.email)?),
            checked_name(&user.name)?,
            send_invite != Some(false),
            now,
        );
        row.roles = roles_json(user.roles.as_deref().unwrap_or_default());
        row.language = user.language.unwrap_or(DEFAULT_LANGUAGE).as_str().into();
        row.reference = user.reference;
        row.is_active = user.is_active.unwrap_or(true);
        row.extra_fields = user
            .extra_fields
            .map(|json| json.checked("extraFields"))
            .transpose()?;
        let stored = ctx
            .data::<Db>()?
            .run(move |conn| {
                let tx = conn.transaction().map_err(db)?;
                check_unique(&tx, &row, None)?;
                let stored = store::insert(&tx, &row).map_err(db)?;
                tx.commit().map_err(db)?;
                Ok(stored)
            })
            .await?;
        Ok(Some(CreateUserPayload {
            user: Some(User(stored)),
            created: Some(true),
        }))
    }

    async fn update(
        ctx: &Context<'_>,
        reference: Option<String>,
        id: Option<Uuid>,
        user: UpdateUserInput,
    ) -> async_graphql::Result<Option<UpdateUserPayload>> {
        let key = one_key(id, reference, None, "id and ref")?;
        let stored = ctx
            .data::<Db>()?
            .run(move |conn| {
                let tx = conn.transaction().map_err(db)?;
                let mut row = store::find(&tx, &key)
                    .map_err(db)?
                    .ok_or_else(|| not_found(format!("User not found: {}", describe(&key))))?;
                apply(&mut row, user)?;
                check_unique(&tx, &row, Some(row.pk))?;
                let stored = store::update(&tx, &row).map_err(db)?;
                tx.commit().map_err(db)?;
                Ok(stored)
            })
            .await?;
        Ok(Some(UpdateUserPayload {
            user: Some(User(stored)),
        }))
    }

    async fn upsert(
        ctx: &Context<'_>,
        email: Option<String>,
        reference: Option<String>,
        send_invite: Option<bool>,
        user: UpdateOrCreateUserInput,
    ) -> async_graphql::Result<Option<UpdateOrCreateUserPayload>> {
        let email = email.as_deref().map(checked_email).transpose()?;
        let key = match (&email, &reference) {
            (Some(e), _) => Key::Email(e.clone()),
            (None, Some(r)) => Key::Ref(r.clone()),
            (None, None) => return Err(invalid("give email or ref (or both)")),
        };
        let now = DateTime::now().0;
        let (stored, created) = ctx
            .data::<Db>()?
            .run(move |conn| {
                let tx = conn.transaction().map_err(db)?;
                let found = store::find(&tx, &key).map_err(db)?;
                let created = found.is_none();
                let mut row = match found {
                    Some(row) => row,
                    None => {
                        let name = match &user.name {
                            MaybeUndefined::Value(name) => checked_name(name)?,
                            _ => return Err(invalid("name is required to create a user")),
                        };
                        let mut row = new_user_row(email, name, send_invite != Some(false), now);
                        row.reference = reference;
                        row
                    }
                };
                apply(&mut row, user.into())?;
                check_unique(&tx, &row, (!created).then_some(row.pk))?;
                let stored = if created {
                    store::insert(&tx, &row)
                } else {
                    store::update(&tx, &row)
                }
                .map_err(db)?;
                tx.commit().map_err(db)?;
                Ok((stored, created))
            })
            .await?;
        Ok(Some(UpdateOrCreateUserPayload {
            user: Some(User(stored)),
            created: Some(created),
        }))
    }

    async fn archive(
        ctx: &Context<'_>,
        archive: bool,
        ids: Vec<Uuid>,
    ) -> async_graphql::Result<Option<ArchiveUsersPayload>> {
        let ids = ids
            .iter()
            .map(Uuid::checked)
            .collect::<async_graphql::Result<Vec<_>>>()?;
        let now = DateTime::now().0;
        let (succeeded, failed) = ctx
            .data::<Db>()?
            .run(move |conn| store::archive(conn, &ids, archive, now).map_err(db))
            .await?;
        Ok(Some(ArchiveUsersPayload {
            response: Some(ArchiveUsersResponse {
                succeeded_ids: succeeded.into_iter().map(Uuid).collect(),
                failed_ids: failed.into_iter().map(Uuid).collect(),
            }),
        }))
    }
}
