//! The training dialect's GraphQL schema (schema/training.graphql) and its resolvers.

mod input;
pub mod list;
mod store;
mod types;

pub use input::*;
pub use types::*;

use async_graphql::{Context, EmptySubscription, MaybeUndefined, Object, Schema};

use super::db::Db;
use super::errors::{db, invalid, not_found, nullable};
use super::scalars::{DateTime, Uuid};
use store::Key;

pub type TrainingSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema, answering from `db`.
pub fn schema(db: Db) -> TrainingSchema {
    Schema::build(Query, Mutation, EmptySubscription)
        .data(db)
        .finish()
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
