//! The crm dialect's GraphQL schema (schema/crm.graphql) and its resolvers.

mod marks;
mod store;

pub use store::{ListQuery, SortField};

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};

use async_graphql::{
    ComplexObject, Context, EmptySubscription, Enum, ID, InputObject, Object, Schema, SimpleObject,
};

use super::db::Db;
use super::errors::{db, internal, invalid, not_found, nullable};
use super::scalars::DateTime;
use store::{SessionRow, UserRow};

pub type CrmSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema, answering from `db`.
pub fn schema(db: Db) -> CrmSchema {
    Schema::build(Query, Mutation, EmptySubscription)
        .data(DataLoader::new(UsersById(db.clone()), tokio::spawn))
        .data(db)
        .data(Arc::new(marks::Marks::default()))
        .finish()
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderDirection {
    Asc,
    Desc,
}

#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserStatus {
    Active,
    Blocked,
    Pending,
}

impl UserStatus {
    fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "ACTIVE",
            UserStatus::Blocked => "BLOCKED",
            UserStatus::Pending => "PENDING",
        }
    }

    fn parse(text: &str) -> async_graphql::Result<UserStatus> {
        match text {
            "ACTIVE" => Ok(UserStatus::Active),
            "BLOCKED" => Ok(UserStatus::Blocked),
            "PENDING" => Ok(UserStatus::Pending),
            other => Err(internal(format!("stored status {other:?} is not known"))),
        }
    }
}

#[derive(InputObject, Debug, Default)]
pub struct UsersFilterInput {
    /// free-text match on username, email, phone number or id (case-insensitive substring)
    query: Option<String>,
    /// exact e-mail match (case-insensitive)
    email: Option<String>,
    status: Option<UserStatus>,
}

#[derive(SimpleObject)]
#[graphql(name = "SessionBoModel")]
pub struct Session {
    id: ID,
    session_id: String,
    device_name: Option<String>,
    device_type: Option<String>,
    browser: Option<String>,
    operating_system: Option<String>,
    ip_address: Option<String>,
    country: Option<String>,
    region: Option<String>,
    city: Option<String>,
    is_active: bool,
    created_at: DateTime,
    updated_at: DateTime,
    last_active_at: Option<DateTime>,
}

impl From<SessionRow> for Session {
    fn from(row: SessionRow) -> Session {
        Session {
            id: ID(row.pk.to_string()),
            session_id: session_token(row.pk),
            device_name: row.device_name,
            device_type: row.device_type,
            browser: row.browser,
            operating_system: row.operating_system,
            ip_address: row.ip_address,
            country: row.country,
            region: row.region,
            city: row.city,
            is_active: row.is_active,
            created_at: DateTime(row.created_at),
            updated_at: DateTime(row.updated_at),
            last_active_at: row.last_active_at.map(DateTime),
        }
    }
}

/// A session's opaque identifier, derived from its key (splitmix64) instead of stored:
/// millions of sessions need not carry 24 bytes of noise each.
fn session_token(pk: i64) -> String {
    let mut z = (pk as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    format!("sess_{:016x}", z ^ (z >> 31))
}

#[derive(SimpleObject)]
#[graphql(name = "SessionsAggregatedInfo")]
pub struct SessionsAggregatedInfo {
    total_logins: i32,
}

#[derive(SimpleObject)]
#[graphql(name = "UserSessionsBoModel")]
pub struct UserSessions {
    /// every session of the user, newest first
    all: Vec<Session>,
    aggregated_info: SessionsAggregatedInfo,
    first: Option<Session>,
    last: Option<Session>,
}

#[derive(SimpleObject)]
#[graphql(name = "UserBoModel", complex)]
pub struct User {
    #[graphql(skip)]
    pk: i64,
    id: ID,
    username: String,
    email: String,
    created_at: DateTime,
    updated_at: DateTime,
    avatar: Option<String>,
    phone_number: Option<String>,
    is_email_verified: bool,
    email_verified_at: Option<DateTime>,
    status: UserStatus,
}

impl TryFrom<UserRow> for User {
    type Error = async_graphql::Error;

    fn try_from(row: UserRow) -> async_graphql::Result<User> {
        Ok(User {
            pk: row.pk,
            id: ID(row.id),
            username: row.username,
            email: row.email,
            created_at: DateTime(row.created_at),
            updated_at: DateTime(row.updated_at),
            avatar: row.avatar,
            phone_number: row.phone_number,
            is_email_verified: row.is_email_verified,
            email_verified_at: row.email_verified_at.map(DateTime),
            status: UserStatus::parse(&row.status)?,
        })
    }
}

fn users_from(rows: Vec<UserRow>) -> async_graphql::Result<Vec<User>> {
    rows.into_iter().map(User::try_from).collect()
}

#[ComplexObject]
impl User {
    async fn sessions(&self, ctx: &Context<'_>) -> async_graphql::Result<UserSessions> {
        let pk = self.pk;
        let rows = ctx
            .data::<Db>()?
            .run(move |conn| store::sessions(conn, pk).map_err(db))
            .await?;
        let total = i32::try_from(rows.len()).unwrap_or(i32::MAX);
        let last = rows.first().cloned().map(Session::from);
        let first = rows.last().cloned().map(Session::from);
        Ok(UserSessions {
            all: rows.into_iter().map(Session::from).collect(),
            aggregated_info: SessionsAggregatedInfo {
                total_logins: total,
            },
            first,
            last,
        })
    }

    /// other users that had a session from any IP address this user had a session from
    #[graphql(name = "overlapIPUsers")]
    async fn overlap_ip_users(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<User>> {
        let pk = self.pk;
        let rows = ctx
            .data::<Db>()?
            .run(move |conn| store::overlapping(conn, pk).map_err(db))
            .await?;
        users_from(rows)
    }
}

#[derive(SimpleObject)]
#[graphql(name = "UsersPaginationBoResponse")]
pub struct UsersPage {
    data: Vec<User>,
    /// number of users matching the filter, over all pages
    count: i32,
    limit: i32,
    offset: i32,
}

/// The largest page `users` answers.
pub const MAX_LIMIT: i32 = 1000;

pub struct Query;

#[Object]
impl Query {
    /// orderBy: one of id, username, email, createdAt, updatedAt, status, else INVALID_ARGUMENTS; limit 1..1000 else INVALID_ARGUMENTS
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] limit: Option<i32>,
        #[graphql(default = 0)] offset: Option<i32>,
        #[graphql(default_with = "Some(OrderDirection::Asc)")] order: Option<OrderDirection>,
        #[graphql(default_with = "Some(String::from(\"createdAt\"))")] order_by: Option<String>,
        filter: Option<UsersFilterInput>,
    ) -> async_graphql::Result<UsersPage> {
        // An explicit null means the default, as if the argument were absent.
        let limit = limit.unwrap_or(10);
        let offset = offset.unwrap_or(0);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(invalid(format!(
                "limit must be between 1 and {MAX_LIMIT}, got {limit}"
            )));
        }
        if offset < 0 {
            return Err(invalid(format!(
                "offset must not be negative, got {offset}"
            )));
        }
        let order_by = order_by.unwrap_or_else(|| "createdAt".into());
        let sort = SortField::parse(&order_by).ok_or_else(|| {
            invalid(format!(
                "orderBy must be one of {}, got {:?}",
                SortField::NAMES.join(", "),
                order_by
            ))
        })?;
        let filter = filter.unwrap_or_default();
        let query = ListQuery {
            limit: limit.into(),
            offset: offset.into(),
            descending: order == Some(OrderDirection::Desc),
            sort,
            query: filter.query,
            email: filter.email,
            status: filter.status.map(UserStatus::as_str),
        };
        let marks = ctx.data::<Arc<marks::Marks>>()?.clone();
        let (rows, count) = ctx
            .data::<Db>()?
            .run(move |conn| store::list(conn, &query, &marks).map_err(db))
            .await?;
        Ok(UsersPage {
            data: users_from(rows)?,
            count: i32::try_from(count).unwrap_or(i32::MAX),
            limit,
            offset,
        })
    }

    /// null with a RESOURCE_NOT_FOUND error when no user has this id
    async fn user(&self, ctx: &Context<'_>, id: ID) -> Option<User> {
        nullable(ctx, Query::find_user(ctx, id).await)
    }
}

/// Loads the users that the `user(id:)` fields of a request name with one query: a read
/// of many aliased fields (the statuses a client reads before a bulk action) costs one
/// trip to the database, not one each.
pub struct UsersById(Db);

impl Loader<String> for UsersById {
    type Value = UserRow;
    type Error = Arc<async_graphql::Error>;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, UserRow>, Self::Error> {
        let ids = ids.to_vec();
        self.0
            .run(move |conn| store::by_ids(conn, &ids).map_err(db))
            .await
            .map_err(Arc::new)
    }
}

impl Query {
    async fn find_user(ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<User>> {
        let row = ctx
            .data::<DataLoader<UsersById>>()?
            .load_one(id.0.clone())
            .await
            .map_err(|e| (*e).clone())?;
        match row {
            Some(row) => Ok(Some(User::try_from(row)?)),
            None => Err(not_found(format!(
                "User not found: {}",
                id.0.escape_debug()
            ))),
        }
    }
}

pub struct Mutation;

impl Mutation {
    async fn set_status(
        ctx: &Context<'_>,
        ids: Vec<ID>,
        status: UserStatus,
    ) -> async_graphql::Result<bool> {
        let ids: Vec<String> = ids.into_iter().map(|id| id.0).collect();
        let now = DateTime::now().0;
        let outcome = ctx
            .data::<Db>()?
            .run(move |conn| store::set_status(conn, &ids, status.as_str(), now).map_err(db))
            .await?;
        outcome.map(|()| true).map_err(|unknown| {
            let shown: Vec<String> = unknown
                .iter()
                .take(20)
                .map(|id| id.escape_debug().to_string())
                .collect();
            let more = unknown.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            not_found(format!(
                "User not found: {}{tail}; no user was changed",
                shown.join(", ")
            ))
        })
    }
}

#[Object]
impl Mutation {
    /// sets status BLOCKED on every listed user; RESOURCE_NOT_FOUND (and no change at all) if any id is unknown
    async fn block_users(&self, ctx: &Context<'_>, ids: Vec<ID>) -> async_graphql::Result<bool> {
        Mutation::set_status(ctx, ids, UserStatus::Blocked).await
    }

    /// sets status ACTIVE on every listed user; RESOURCE_NOT_FOUND (and no change at all) if any id is unknown
    async fn active_users(&self, ctx: &Context<'_>, ids: Vec<ID>) -> async_graphql::Result<bool> {
        Mutation::set_status(ctx, ids, UserStatus::Active).await
    }
}
