//! The dialect-neutral model: what the app, the UI and the headless commands know of
//! users, whichever API they came from.

use std::fmt;

use serde::Serialize;

use crate::dialect::Dialect;

/// A user's state, as the dialects name it; a value this client does not know is kept as
/// the server sent it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Status {
    #[default]
    Active,
    Blocked,
    Pending,
    /// training: not active, not archived.
    Inactive,
    /// training: archived.
    Archived,
    /// A value the contract lacks, lower-case like the others (made by [`Status::other`]).
    Other(String),
}

impl Status {
    pub fn as_str(&self) -> &str {
        match self {
            Status::Active => "active",
            Status::Blocked => "blocked",
            Status::Pending => "pending",
            Status::Inactive => "inactive",
            Status::Archived => "archived",
            Status::Other(other) => other,
        }
    }

    /// A status the contract does not name, as the server sent it but lower-case, so it
    /// shows like the known ones.
    pub fn other(name: &str) -> Status {
        Status::Other(name.to_lowercase())
    }

    /// The status as the API names it: upper-case.
    pub fn api_name(&self) -> String {
        self.as_str().to_uppercase()
    }

    /// Parses a status filter as an operator types it (any case); a name the contract
    /// lacks is taken as it is (the server judges it). None for an empty or odd name.
    pub fn parse(text: &str) -> Option<Status> {
        let text = text.trim();
        let name_like = !text.is_empty()
            && text.len() <= 64
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        Some(match text.to_ascii_lowercase().as_str() {
            "active" => Status::Active,
            "blocked" => Status::Blocked,
            "pending" => Status::Pending,
            "inactive" => Status::Inactive,
            "archived" => Status::Archived,
            _ if name_like => Status::other(text),
            _ => return None,
        })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A row of the user table. Fields a dialect does not have stay empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    /// crm: the username; training: the name.
    pub name: String,
    pub email: Option<String>,
    pub status: Status,
    /// crm: whether the e-mail address is verified.
    pub verified: Option<bool>,
    /// crm
    pub phone: Option<String>,
    /// crm
    pub created_at: Option<String>,
    /// crm
    pub updated_at: Option<String>,
    /// training
    pub roles: Vec<String>,
    /// training
    pub language: Option<String>,
    /// training
    pub last_login: Option<String>,
    /// training
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// training: `isActive` as sent (the status says it with the archive).
    pub active: Option<bool>,
    /// training: `archivedAt` as sent.
    pub archived_at: Option<String>,
}

/// One labelled value of the detail pane.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub label: &'static str,
    pub value: Option<String>,
}

impl Field {
    pub fn new(label: &'static str, value: Option<String>) -> Field {
        Field { label, value }
    }
}

/// A login session (crm).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    pub session_id: String,
    pub device_name: Option<String>,
    pub device_type: Option<String>,
    pub browser: Option<String>,
    pub operating_system: Option<String>,
    pub ip_address: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
    pub last_active_at: Option<String>,
}

#[cfg(test)]
impl Session {
    /// A session from `ip` (its id too), begun and last updated `at`, not active, and
    /// saying nothing else: tests set what they look at.
    pub fn seen(ip: &str, at: &str) -> Session {
        Session {
            id: ip.into(),
            session_id: ip.into(),
            device_name: None,
            device_type: None,
            browser: None,
            operating_system: None,
            ip_address: Some(ip.into()),
            country: None,
            region: None,
            city: None,
            active: false,
            created_at: at.into(),
            updated_at: at.into(),
            last_active_at: None,
        }
    }
}

impl Session {
    /// "city, region, country", leaving out what is missing.
    pub fn place(&self) -> String {
        [&self.city, &self.region, &self.country]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A user's sessions and what the server aggregates of them (crm).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// Newest first.
    pub all: Vec<Session>,
    pub total_logins: i64,
    /// (id, createdAt) of the first and the last session.
    pub first: Option<(String, String)>,
    pub last: Option<(String, String)>,
}

impl SessionInfo {
    /// "sessions: N logins, first …, last …", each time as `time` shows it (the pane: its
    /// day). Times are as the server sent them: sanitize before printing.
    pub fn summary(&self, time: impl Fn(&str) -> &str) -> String {
        let plural = if self.total_logins == 1 { "" } else { "s" };
        let mut line = format!("sessions: {} login{plural}", self.total_logins);
        for (word, at) in [("first", &self.first), ("last", &self.last)] {
            if let Some((_, at)) = at {
                line.push_str(&format!(", {word} {}", time(at)));
            }
        }
        line
    }
}

/// Another user that had a session from an address this user had one from (crm).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overlap {
    pub user: User,
    pub shared_ips: Vec<String>,
    /// When the user was last seen on each shared address (its sessions' last activity).
    #[serde(skip)]
    pub last_seen: std::collections::BTreeMap<String, String>,
}

/// A group a training user belongs to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub id: String,
    pub name: String,
}

/// Everything about one user.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserDetail {
    pub user: User,
    /// Every scalar field, labelled, in the order to show them.
    pub fields: Vec<Field>,
    /// training: whether the user is active (archived or not); the forms start from it.
    #[serde(skip)]
    pub active: Option<bool>,
    pub sessions: Option<SessionInfo>,
    pub overlaps: Option<Vec<Overlap>>,
    pub participant_groups: Option<Vec<Group>>,
    pub manager_groups: Option<Vec<Group>>,
    /// training: the extra fields, parsed when they are JSON.
    pub extra_fields: Option<serde_json::Value>,
    pub extra_fields_profile: Option<serde_json::Value>,
    /// What its answer says an operator should look at first (see [`crate::signals`]),
    /// most severe first: made when the answer comes, with the profile's thresholds.
    #[serde(skip)]
    pub signals: Vec<crate::signals::Signal>,
    /// The user as the API gave it, in the API's structure and names: what `users show`
    /// prints in the machine formats.
    #[serde(skip)]
    pub record: serde_json::Value,
}

impl UserDetail {
    /// The group lists the user has (training), each as its title and its names joined
    /// ("—" when empty). Names are as the server sent them: sanitize before printing.
    pub fn group_summaries(&self) -> Vec<(&'static str, String)> {
        [
            ("participant groups", &self.participant_groups),
            ("manager groups", &self.manager_groups),
        ]
        .into_iter()
        .filter_map(|(title, groups)| {
            let groups = groups.as_ref()?;
            let names = if groups.is_empty() {
                "—".to_string()
            } else {
                groups
                    .iter()
                    .map(|g| g.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Some((title, names))
        })
        .collect()
    }
}

/// The columns a list may be ordered by; on the command line also by the APIs' own
/// field names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum SortField {
    Id,
    #[value(alias = "username")]
    Name,
    Email,
    Status,
    #[value(alias = "createdAt", alias = "created-at")]
    Created,
    #[value(alias = "updatedAt", alias = "updated-at")]
    Updated,
    Language,
    #[value(alias = "lastLogin")]
    LastLogin,
}

impl SortField {
    pub fn label(self) -> &'static str {
        match self {
            SortField::Id => "id",
            SortField::Name => "name",
            SortField::Email => "email",
            SortField::Status => "status",
            SortField::Created => "created",
            SortField::Updated => "updated",
            SortField::Language => "language",
            SortField::LastLogin => "last login",
        }
    }
}

/// What a list request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub offset: u64,
    pub limit: u64,
    /// Free text: a case-insensitive substring of name, e-mail, phone or id.
    pub text: Option<String>,
    /// An exact e-mail address (case-insensitive).
    pub email: Option<String>,
    pub status: Option<Status>,
    pub sort: SortField,
    pub descending: bool,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            offset: 0,
            limit: 50,
            text: None,
            email: None,
            status: None,
            sort: SortField::Created,
            descending: false,
        }
    }
}

/// One page of users.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub rows: Vec<User>,
    /// Users matching the query over all pages.
    pub total: u64,
    pub offset: u64,
}

/// An action on many users at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BulkAction {
    Block,
    Activate,
    Archive,
    Unarchive,
}

impl BulkAction {
    pub fn verb(self) -> &'static str {
        match self {
            BulkAction::Block => "block",
            BulkAction::Activate => "activate",
            BulkAction::Archive => "archive",
            BulkAction::Unarchive => "unarchive",
        }
    }

    /// Whether a user with `status` holds what the action sets: read back, this settles an
    /// outcome that was unknown.
    pub fn holds(self, status: &Status) -> bool {
        match self {
            BulkAction::Block => *status == Status::Blocked,
            BulkAction::Activate => *status == Status::Active,
            BulkAction::Archive => *status == Status::Archived,
            BulkAction::Unarchive => *status != Status::Archived,
        }
    }

    /// Whether the action is sure to leave a user with `status` as it is: the one answer to
    /// "unchanged?" (a preview, an undo). Unarchiving leaves an active user active — only
    /// archiving deactivates — but whether it activates an inactive one is the server's
    /// choice (the embedded server does): not sure.
    pub fn leaves(self, status: &Status) -> bool {
        match self {
            BulkAction::Unarchive => *status == Status::Active,
            action => action.resulting_status().as_ref() == Some(status),
        }
    }

    /// The status a user has once the action succeeded on it. Unarchiving gives back
    /// active or inactive, which only the server knows: None.
    pub fn resulting_status(self) -> Option<Status> {
        match self {
            BulkAction::Block => Some(Status::Blocked),
            BulkAction::Activate => Some(Status::Active),
            BulkAction::Archive => Some(Status::Archived),
            BulkAction::Unarchive => None,
        }
    }
}

/// Why an id of a bulk action failed: a type, so that code asks which, and the words
/// are written once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailReason {
    /// The server has no user with that id.
    UnknownToServer,
    /// training: the id is not a UUID, so it was never sent.
    NotUuid,
    /// Read back after a lost answer: the server holds another status.
    NotApplied(Status),
    /// The connected API has no such action.
    CannotDo {
        dialect: Dialect,
        action: BulkAction,
    },
    /// The request failed with this error (sanitize before printing).
    Error(String),
}

impl fmt::Display for FailReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailReason::UnknownToServer => f.write_str("unknown to the server"),
            FailReason::NotUuid => f.write_str("not a UUID"),
            FailReason::NotApplied(status) => {
                write!(f, "not applied: the server holds {status}")
            }
            FailReason::CannotDo { dialect, action } => {
                write!(f, "the {dialect} API cannot {}", action.verb())
            }
            FailReason::Error(message) => f.write_str(message),
        }
    }
}

impl Serialize for FailReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What the connected API can do; the UI and commands show only that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    pub dialect: Dialect,
    /// Paging, filtering and sorting happen on the server.
    pub server_paging: bool,
    pub actions: Vec<BulkAction>,
    pub sort_fields: Vec<SortField>,
    pub statuses: Vec<Status>,
}

impl Capabilities {
    pub fn of(dialect: Dialect) -> Capabilities {
        match dialect {
            Dialect::Crm => Capabilities {
                dialect,
                server_paging: true,
                actions: vec![BulkAction::Block, BulkAction::Activate],
                sort_fields: vec![
                    SortField::Created,
                    SortField::Updated,
                    SortField::Name,
                    SortField::Email,
                    SortField::Status,
                    SortField::Id,
                ],
                statuses: vec![Status::Active, Status::Blocked, Status::Pending],
            },
            Dialect::Training => Capabilities {
                dialect,
                server_paging: false,
                actions: vec![BulkAction::Archive, BulkAction::Unarchive],
                sort_fields: vec![
                    SortField::Name,
                    SortField::Email,
                    SortField::Status,
                    SortField::Language,
                    SortField::LastLogin,
                    SortField::Id,
                ],
                statuses: vec![Status::Active, Status::Inactive, Status::Archived],
            },
        }
    }

    pub fn can(&self, action: BulkAction) -> bool {
        self.actions.contains(&action)
    }
}
