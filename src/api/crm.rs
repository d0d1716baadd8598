//! The crm dialect: cynic fragments for every operation of schema/crm.graphql, and their
//! conversion into the dialect-neutral model.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Field, Overlap, Session, SessionInfo, Status, User as UserModel, UserDetail};

#[cynic::schema("crm")]
mod schema {}

#[derive(cynic::Scalar, Debug, Clone)]
#[cynic(graphql_type = "DateTime")]
pub struct DateTime(pub String);

#[derive(cynic::Enum, Debug, Clone, PartialEq, Eq)]
#[cynic(schema = "crm")]
pub enum OrderDirection {
    Asc,
    Desc,
}

/// A status the server may extend: unknown values are kept as sent.
#[derive(cynic::Enum, Debug, Clone, PartialEq, Eq)]
#[cynic(schema = "crm")]
pub enum UserStatus {
    Active,
    Blocked,
    Pending,
    #[cynic(fallback)]
    Other(String),
}

#[derive(cynic::InputObject, Debug, Clone, Default)]
#[cynic(schema = "crm")]
pub struct UsersFilterInput {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub status: Option<UserStatus>,
}

/// Variables of `Users`: only what is set is sent, so the server's defaults apply.
#[derive(cynic::QueryVariables, Debug, Clone, Default)]
pub struct UsersVariables {
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub limit: Option<i32>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub offset: Option<i32>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderDirection>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
    #[cynic(skip_serializing_if = "Option::is_none")]
    pub filter: Option<UsersFilterInput>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "Query", variables = "UsersVariables")]
pub struct Users {
    #[arguments(limit: $limit, offset: $offset, order: $order, orderBy: $order_by, filter: $filter)]
    pub users: UsersPage,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "UsersPaginationBoResponse")]
pub struct UsersPage {
    pub data: Vec<UserRow>,
    pub count: i32,
    pub limit: i32,
    pub offset: i32,
}

/// The fields of a user the table shows.
#[derive(cynic::QueryFragment, Debug, Clone)]
#[cynic(schema = "crm", graphql_type = "UserBoModel")]
pub struct UserRow {
    pub id: cynic::Id,
    pub username: String,
    pub email: String,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub phone_number: Option<String>,
    pub is_email_verified: bool,
    pub status: UserStatus,
}

#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct UserVariables {
    pub id: cynic::Id,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "Query", variables = "UserVariables")]
pub struct User {
    #[arguments(id: $id)]
    pub user: Option<UserFull>,
}

/// A user as the ring reads it: as [`User`] but its neighbours without their sessions
/// (which addresses they share the ring works out from its members' own sessions).
#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "Query", variables = "UserVariables")]
pub struct RingRead {
    #[arguments(id: $id)]
    pub user: Option<RingUser>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "UserBoModel")]
pub struct RingUser {
    pub id: cynic::Id,
    pub username: String,
    pub email: String,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub avatar: Option<String>,
    pub phone_number: Option<String>,
    pub is_email_verified: bool,
    pub email_verified_at: Option<DateTime>,
    pub status: UserStatus,
    pub sessions: UserSessions,
    #[cynic(rename = "overlapIPUsers")]
    pub overlap_ip_users: Vec<Neighbour>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "UserBoModel")]
pub struct Neighbour {
    pub id: cynic::Id,
    pub username: String,
    pub email: String,
    pub status: UserStatus,
}

/// A user's status alone: what settling an unknown outcome reads back.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "Query", variables = "UserVariables")]
pub struct UserState {
    #[arguments(id: $id)]
    pub user: Option<UserStateRow>,
}

/// One user as the list shows it: what an export of a selection reads per user (its
/// sessions and overlapping users are not wanted there).
#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "Query", variables = "UserVariables")]
pub struct UserListRow {
    #[arguments(id: $id)]
    pub user: Option<UserRow>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "UserBoModel")]
pub struct UserStateRow {
    pub id: cynic::Id,
    pub status: UserStatus,
}

/// Every field of a user, with sessions and overlapping-IP users.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "UserBoModel")]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserFull {
    pub id: cynic::Id,
    pub username: String,
    pub email: String,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub avatar: Option<String>,
    pub phone_number: Option<String>,
    pub is_email_verified: bool,
    pub email_verified_at: Option<DateTime>,
    pub status: UserStatus,
    pub sessions: UserSessions,
    #[cynic(rename = "overlapIPUsers")]
    #[serde(rename = "overlapIPUsers")]
    pub overlap_ip_users: Vec<OverlapUser>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "UserSessionsBoModel")]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSessions {
    pub all: Vec<SessionFields>,
    pub aggregated_info: AggregatedInfo,
    pub first: Option<SessionRef>,
    pub last: Option<SessionRef>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "SessionsAggregatedInfo")]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AggregatedInfo {
    pub total_logins: i32,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "SessionBoModel")]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRef {
    pub id: cynic::Id,
    pub created_at: DateTime,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "SessionBoModel")]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionFields {
    pub id: cynic::Id,
    pub session_id: String,
    pub device_name: Option<String>,
    pub device_type: Option<String>,
    pub browser: Option<String>,
    pub operating_system: Option<String>,
    pub ip_address: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub is_active: bool,
    pub created_at: DateTime,
    pub updated_at: DateTime,
    pub last_active_at: Option<DateTime>,
}

/// An overlapping user, with the addresses of its sessions to tell which it shares.
#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "UserBoModel")]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OverlapUser {
    pub id: cynic::Id,
    pub username: String,
    pub email: String,
    pub status: UserStatus,
    pub sessions: OverlapSessions,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "UserSessionsBoModel")]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OverlapSessions {
    pub all: Vec<SessionAddress>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "SessionBoModel")]
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionAddress {
    pub ip_address: Option<String>,
    pub updated_at: DateTime,
    pub last_active_at: Option<DateTime>,
}

#[derive(cynic::QueryVariables, Debug, Clone)]
pub struct IdsVariables {
    pub ids: Vec<cynic::Id>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "Mutation", variables = "IdsVariables")]
pub struct BlockUsers {
    #[arguments(ids: $ids)]
    pub block_users: bool,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(schema = "crm", graphql_type = "Mutation", variables = "IdsVariables")]
pub struct ActiveUsers {
    #[arguments(ids: $ids)]
    pub active_users: bool,
}

impl From<UserStatus> for Status {
    fn from(status: UserStatus) -> Status {
        match status {
            UserStatus::Active => Status::Active,
            UserStatus::Blocked => Status::Blocked,
            UserStatus::Pending => Status::Pending,
            UserStatus::Other(other) => Status::other(&other),
        }
    }
}

impl From<UserRow> for UserModel {
    fn from(row: UserRow) -> UserModel {
        UserModel {
            id: row.id.into_inner(),
            name: row.username,
            email: Some(row.email),
            status: row.status.into(),
            verified: Some(row.is_email_verified),
            phone: row.phone_number,
            created_at: Some(row.created_at.0),
            updated_at: Some(row.updated_at.0),
            ..UserModel::default()
        }
    }
}

impl From<SessionFields> for Session {
    fn from(s: SessionFields) -> Session {
        Session {
            id: s.id.into_inner(),
            session_id: s.session_id,
            device_name: s.device_name,
            device_type: s.device_type,
            browser: s.browser,
            operating_system: s.operating_system,
            ip_address: s.ip_address,
            country: s.country,
            region: s.region,
            city: s.city,
            active: s.is_active,
            created_at: s.created_at.0,
            updated_at: s.updated_at.0,
            last_active_at: s.last_active_at.map(|t| t.0),
        }
    }
}

impl From<UserFull> for UserDetail {
    fn from(u: UserFull) -> UserDetail {
        let record = serde_json::to_value(&u).unwrap_or_default();
        UserDetail {
            record,
            ..u.into_detail()
        }
    }
}

impl From<RingUser> for UserDetail {
    /// Without the API's record: a ring shows its members as rows.
    fn from(u: RingUser) -> UserDetail {
        let overlap_ip_users = u
            .overlap_ip_users
            .into_iter()
            .map(|n| OverlapUser {
                id: n.id,
                username: n.username,
                email: n.email,
                status: n.status,
                sessions: OverlapSessions { all: Vec::new() },
            })
            .collect();
        UserFull {
            id: u.id,
            username: u.username,
            email: u.email,
            created_at: u.created_at,
            updated_at: u.updated_at,
            avatar: u.avatar,
            phone_number: u.phone_number,
            is_email_verified: u.is_email_verified,
            email_verified_at: u.email_verified_at,
            status: u.status,
            sessions: u.sessions,
            overlap_ip_users,
        }
        .into_detail()
    }
}

impl UserFull {
    /// The detail of the user, all but the API's record.
    fn into_detail(self) -> UserDetail {
        let u = self;
        let own: BTreeSet<String> = u
            .sessions
            .all
            .iter()
            .filter_map(|s| s.ip_address.clone())
            .collect();
        let overlaps = u
            .overlap_ip_users
            .into_iter()
            .map(|other| {
                // When the other user was last seen on each shared address.
                let mut last_seen: BTreeMap<String, String> = BTreeMap::new();
                for session in other.sessions.all {
                    let Some(ip) = session.ip_address.filter(|ip| own.contains(ip)) else {
                        continue;
                    };
                    let at = session.last_active_at.unwrap_or(session.updated_at).0;
                    let seen = last_seen.entry(ip).or_default();
                    if at > *seen {
                        *seen = at;
                    }
                }
                let shared_ips: BTreeSet<String> = last_seen.keys().cloned().collect();
                Overlap {
                    user: UserModel {
                        id: other.id.into_inner(),
                        name: other.username,
                        email: Some(other.email),
                        status: other.status.into(),
                        ..UserModel::default()
                    },
                    shared_ips: shared_ips.into_iter().collect(),
                    last_seen,
                }
            })
            .collect();
        let user = UserModel {
            id: u.id.into_inner(),
            name: u.username,
            email: Some(u.email),
            status: u.status.into(),
            verified: Some(u.is_email_verified),
            phone: u.phone_number,
            created_at: Some(u.created_at.0),
            updated_at: Some(u.updated_at.0),
            ..UserModel::default()
        };
        let fields = vec![
            Field::new("id", Some(user.id.clone())),
            Field::new("username", Some(user.name.clone())),
            Field::new("email", user.email.clone()),
            Field::new("status", Some(user.status.to_string())),
            Field::new("email verified", Some(yes_no(u.is_email_verified))),
            Field::new("email verified at", u.email_verified_at.map(|t| t.0)),
            Field::new("phone", user.phone.clone()),
            Field::new("avatar", u.avatar),
            Field::new("created", user.created_at.clone()),
            Field::new("updated", user.updated_at.clone()),
        ];
        UserDetail {
            user,
            fields,
            sessions: Some(SessionInfo {
                total_logins: i64::from(u.sessions.aggregated_info.total_logins),
                first: u
                    .sessions
                    .first
                    .map(|s| (s.id.into_inner(), s.created_at.0)),
                last: u.sessions.last.map(|s| (s.id.into_inner(), s.created_at.0)),
                all: u.sessions.all.into_iter().map(Session::from).collect(),
            }),
            overlaps: Some(overlaps),
            ..UserDetail::default()
        }
    }
}

pub(crate) fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_string()
}
