//! The operations the app and the commands use, in dialect-neutral terms: list, detail,
//! create, update, upsert. Each maps the model onto one dialect's fragments.

use cynic::{MutationBuilder, QueryBuilder};

use super::client::Client;
use super::error::ApiError;
use super::ledger::{Ledger, Outcome};
use super::local::{Loading, LocalUsers};
use super::model::{ListQuery, Page, SortField, Status, User, UserDetail};
use super::{crm, training};
use crate::dialect::Dialect;

/// The largest page a crm server gives.
pub const MAX_PAGE: u64 = 1000;

/// How to find one training user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserKey {
    Id(String),
    Ref(String),
    Email(String),
}

impl std::fmt::Display for UserKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UserKey::Id(id) => write!(f, "with id {id:?}"),
            UserKey::Ref(r) => write!(f, "with ref {r:?}"),
            UserKey::Email(e) => write!(f, "with e-mail {e:?}"),
        }
    }
}

fn refuse<T>(message: String) -> Result<T, ApiError> {
    Err(ApiError::Refused(message))
}

/// crm: one page, filtered and sorted by the server.
pub async fn crm_page(client: &Client, q: &ListQuery) -> Result<Page, ApiError> {
    let order_by = match q.sort {
        SortField::Id => "id",
        SortField::Name => "username",
        SortField::Email => "email",
        SortField::Status => "status",
        SortField::Created => "createdAt",
        SortField::Updated => "updatedAt",
        other => return refuse(format!("crm cannot sort by {}", other.label())),
    };
    let status = match &q.status {
        None => None,
        Some(Status::Active) => Some(crm::UserStatus::Active),
        Some(Status::Blocked) => Some(crm::UserStatus::Blocked),
        Some(Status::Pending) => Some(crm::UserStatus::Pending),
        Some(other @ Status::Other(_)) => Some(crm::UserStatus::Other(other.api_name())),
        Some(other) => return refuse(format!("crm has no status {other}")),
    };
    let text = q.text.clone().filter(|t| !t.is_empty());
    let filter =
        (text.is_some() || q.email.is_some() || status.is_some()).then(|| crm::UsersFilterInput {
            query: text,
            email: q.email.clone(),
            status,
        });
    let offset = i32::try_from(q.offset)
        .map_err(|_| ApiError::Refused(format!("offset {} is too large", q.offset)))?;
    let variables = crm::UsersVariables {
        limit: Some(q.limit.clamp(1, MAX_PAGE) as i32),
        offset: Some(offset),
        order: Some(if q.descending {
            crm::OrderDirection::Desc
        } else {
            crm::OrderDirection::Asc
        }),
        order_by: Some(order_by.into()),
        filter,
    };
    let answer = client.query(crm::Users::build(variables)).await?;
    Ok(Page {
        total: u64::try_from(answer.users.count).unwrap_or(0),
        offset: q.offset,
        rows: answer.users.data.into_iter().map(User::from).collect(),
    })
}

/// crm: one user as the list shows it (None: no such user).
pub async fn crm_row(client: &Client, id: &str) -> Result<Option<User>, ApiError> {
    let read = client
        .query(crm::UserListRow::build(crm::UserVariables {
            id: cynic::Id::new(id),
        }))
        .await;
    match read {
        Ok(answer) => Ok(answer.user.map(User::from)),
        Err(e) if e.is_code(super::error::RESOURCE_NOT_FOUND) => Ok(None),
        Err(e) => Err(e),
    }
}

/// training: every user, with the fields the table shows, read as the answer arrives.
pub async fn training_all(client: &Client) -> Result<LocalUsers, ApiError> {
    training_all_told(client, &|_| {}).await
}

/// [`training_all`], telling `told` how many users have come, now and then.
pub async fn training_all_told(
    client: &Client,
    told: &(dyn Fn(u64) + Send + Sync),
) -> Result<LocalUsers, ApiError> {
    let mut loading = Loading::told(told);
    client
        .read_list_in_parts(
            training::Users::build(training::UsersVariables::default()),
            "users",
            &mut loading,
        )
        .await?;
    Ok(loading.finish())
}

/// One user with every field, by id (either dialect) or by ref or e-mail (training).
/// The status the server holds for user `id` now (None: no such user); a read, retried
/// like any other.
pub async fn status_of(client: &Client, id: &str) -> Result<Option<Status>, ApiError> {
    let read = match client.dialect() {
        Dialect::Crm => client
            .query(crm::UserState::build(crm::UserVariables {
                id: cynic::Id::new(id),
            }))
            .await
            .map(|answer| answer.user.map(|u| Status::from(u.status))),
        Dialect::Training => {
            let variables = training::UserVariables {
                id: Some(training::Uuid(id.to_string())),
                ..training::UserVariables::default()
            };
            client
                .query(training::UserState::build(variables))
                .await
                .map(|answer| answer.user.map(|u| u.status()))
        }
    };
    // No such user is an answer, not a failed read: the reads after it go on.
    match read {
        Err(e) if e.is_code(super::error::RESOURCE_NOT_FOUND) => Ok(None),
        read => read,
    }
}

pub async fn detail(client: &Client, key: &UserKey) -> Result<UserDetail, ApiError> {
    match (client.dialect(), key) {
        (Dialect::Crm, UserKey::Id(id)) => {
            let answer = client
                .query(crm::User::build(crm::UserVariables {
                    id: cynic::Id::new(id),
                }))
                .await?;
            answer
                .user
                .map(UserDetail::from)
                .ok_or_else(|| not_found(id))
        }
        (Dialect::Crm, UserKey::Email(email)) => {
            // crm reads one user by id: the e-mail address is found through the list.
            let query = ListQuery {
                limit: 1,
                email: Some(email.clone()),
                ..ListQuery::default()
            };
            let page = crm_page(client, &query).await?;
            let id = page
                .rows
                .first()
                .map(|u| u.id.clone())
                .ok_or_else(|| not_found(&key.to_string()))?;
            Box::pin(detail(client, &UserKey::Id(id))).await
        }
        (Dialect::Crm, UserKey::Ref(_)) => {
            refuse("crm users have no ref: give an id or e-mail".into())
        }
        (Dialect::Training, key) => {
            let mut variables = training::UserVariables::default();
            match key {
                UserKey::Id(id) => variables.id = Some(training::Uuid(id.clone())),
                UserKey::Ref(r) => variables.reference = Some(r.clone()),
                UserKey::Email(e) => variables.email = Some(e.clone()),
            }
            let answer = client.query(training::User::build(variables)).await?;
            answer
                .user
                .map(UserDetail::from)
                .ok_or_else(|| not_found(&key.to_string()))
        }
    }
}

fn not_found(what: &str) -> ApiError {
    ApiError::GraphQl {
        operation: "User".into(),
        code: Some(super::error::RESOURCE_NOT_FOUND.into()),
        message: format!("no user {what}"),
    }
}

fn training_only(client: &Client, what: &str) -> Result<(), ApiError> {
    match client.dialect() {
        Dialect::Training => Ok(()),
        other => refuse(format!("{what} is not something the {other} API can do")),
    }
}

/// training: creates a user; the new user's detail.
pub async fn create(
    client: &Client,
    user: training::CreateUserInput,
    send_invite: Option<bool>,
    entry: &EditEntry,
) -> Result<UserDetail, ApiError> {
    training_only(client, "creating users")?;
    let detail = sent_fields(&user, entry);
    let email = user.email.clone();
    let variables = training::CreateUserVariables { send_invite, user };
    let send = async {
        let answer = client
            .mutate(training::CreateUser::build(variables))
            .await?;
        answer
            .create_user
            .and_then(|p| p.user)
            .map(UserDetail::from)
            .ok_or_else(|| empty("CreateUser"))
    };
    edit(client, "create", email, detail, send, |d| d).await
}

/// training: changes the fields `user` sets of the user `key` names (id or ref).
pub async fn update(
    client: &Client,
    key: &UserKey,
    user: training::UpdateUserInput,
    entry: &EditEntry,
) -> Result<UserDetail, ApiError> {
    training_only(client, "editing users")?;
    let (id, reference) = match key {
        UserKey::Id(id) => (Some(training::Uuid(id.clone())), None),
        UserKey::Ref(r) => (None, Some(r.clone())),
        UserKey::Email(_) => return refuse("update finds users by id or ref".into()),
    };
    let label = entry.user_id().unwrap_or_else(|| match key {
        UserKey::Id(v) | UserKey::Ref(v) | UserKey::Email(v) => v.clone(),
    });
    let detail = sent_fields(&user, entry);
    let variables = training::UpdateUserVariables {
        reference,
        id,
        user,
    };
    edit(
        client,
        "update",
        label,
        detail,
        send_update(client, variables),
        |d| d,
    )
    .await
}

/// training: sets `isActive` alone of the user `id` as part of the bulk action `batch`
/// (an undo giving users back their status): journalled as an update under that batch,
/// its outcome under `id` as the batch names it.
pub async fn set_active(
    client: &Client,
    id: &str,
    active: bool,
    batch: &str,
) -> Result<UserDetail, ApiError> {
    training_only(client, "editing users")?;
    let canonical = super::statuses::canonical(client, id);
    let user = training::UpdateUserInput {
        is_active: super::edit::Patch::Set(active),
        ..training::UpdateUserInput::default()
    };
    let detail = Some(serde_json::json!({ "user": &user, "batch": batch }));
    let variables = training::UpdateUserVariables {
        reference: None,
        id: Some(training::Uuid(canonical)),
        user,
    };
    let ids = [id.to_string()];
    client
        .journalled(
            "update",
            &ids,
            detail,
            send_update(client, variables),
            |r| Ledger::of([(id.to_string(), Outcome::of(r.as_ref()))]),
        )
        .await
}

async fn send_update(
    client: &Client,
    variables: training::UpdateUserVariables,
) -> Result<UserDetail, ApiError> {
    let answer = client
        .mutate(training::UpdateUser::build(variables))
        .await?;
    answer
        .update_user
        .and_then(|p| p.user)
        .map(UserDetail::from)
        .ok_or_else(|| empty("UpdateUser"))
}

/// training: updates the user with this e-mail or ref, or creates it; (detail, created).
pub async fn upsert(
    client: &Client,
    email: Option<String>,
    reference: Option<String>,
    send_invite: Option<bool>,
    user: training::UpdateOrCreateUserInput,
    entry: &EditEntry,
) -> Result<(UserDetail, bool), ApiError> {
    training_only(client, "upserting users")?;
    let label = entry
        .user_id()
        .or_else(|| email.clone())
        .or_else(|| reference.clone())
        .unwrap_or_default();
    let detail = sent_fields(&user, entry);
    let variables = training::UpdateOrCreateUserVariables {
        email,
        reference,
        send_invite,
        user,
    };
    let send = async {
        let answer = client
            .mutate(training::UpdateOrCreateUser::build(variables))
            .await?;
        let payload = answer
            .update_or_create_user
            .ok_or_else(|| empty("UpdateOrCreateUser"))?;
        let created = payload.created.unwrap_or(false);
        payload
            .user
            .map(|u| (UserDetail::from(u), created))
            .ok_or_else(|| empty("UpdateOrCreateUser"))
    };
    edit(client, "upsert", label, detail, send, |(d, _)| d).await
}

/// The journal's entry of one edit: its settling, written later, names it. It carries
/// the user's record before the edit, when it was read (null: no such user then).
#[derive(Debug, Clone, PartialEq)]
pub struct EditEntry {
    id: String,
    before: Option<serde_json::Value>,
}

impl EditEntry {
    pub fn new() -> EditEntry {
        EditEntry {
            id: uuid::Uuid::new_v4().simple().to_string(),
            before: None,
        }
    }

    /// The same entry, recording `before` as the user's record before the edit.
    pub fn with_before(mut self, before: serde_json::Value) -> EditEntry {
        self.before = Some(before);
        self
    }

    pub fn as_str(&self) -> &str {
        &self.id
    }

    /// The id of the user the edit is for, when the record before it was read: the
    /// journal names the user by it (not by the ref or e-mail it was found by).
    fn user_id(&self) -> Option<String> {
        Some(self.before.as_ref()?.get("id")?.as_str()?.to_string())
    }
}

impl Default for EditEntry {
    fn default() -> EditEntry {
        EditEntry::new()
    }
}

/// The journal's record of an edit: the user input exactly as sent (a field left alone
/// is absent, a cleared one `null`), the entry it is, and the user's record before it
/// when that was read.
fn sent_fields(user: &impl serde::Serialize, entry: &EditEntry) -> Option<serde_json::Value> {
    let mut detail = serde_json::json!({ "user": user, "batch": entry.as_str() });
    if let Some(before) = &entry.before {
        detail["before"] = before.clone();
    }
    Some(detail)
}

/// A journalled single-user mutation: `send` runs it; `user` finds the user in its
/// answer, whose id the journal records as succeeded.
async fn edit<T>(
    client: &Client,
    action: &str,
    label: String,
    detail: Option<serde_json::Value>,
    send: impl Future<Output = Result<T, ApiError>>,
    user: fn(&T) -> &UserDetail,
) -> Result<T, ApiError> {
    let key = label.clone();
    client
        .journalled(action, &[label], detail, send, move |r| {
            detail_outcome(&key, r.as_ref().map(user))
        })
        .await
}

fn empty(operation: &str) -> ApiError {
    ApiError::NotGraphQl {
        operation: operation.into(),
        detail: "the answer holds no user".into(),
    }
}

/// The journal outcome of a single-user mutation: the user's id (a created user's new
/// one), or — failed, when no user answered — the `key` it was sent for, never nothing.
fn detail_outcome(key: &str, result: Result<&UserDetail, &ApiError>) -> Ledger {
    let id = result.map_or_else(|_| key.to_string(), |d| d.user.id.clone());
    Ledger::of([(id, Outcome::of(result))])
}
