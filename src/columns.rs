//! The user columns of each dialect for people, defined once: their header, value, the
//! field they sort by, and how the dashboard fits them. The headless table and the
//! dashboard's table both render from here (the machine formats write the API's record:
//! `format::record`). The same for the columns of a user's sessions.

use serde_json::{Value, json};

use crate::api::model::{Overlap, Session, SortField, User};
use crate::dialect::Dialect;

/// Which column: what code asks for instead of comparing headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnId {
    Id,
    Name,
    Email,
    Status,
    Verified,
    Phone,
    Created,
    Updated,
    Roles,
    Language,
    LastLogin,
    Ref,
    /// The most severe signal of an account opened (the dashboard's; no field of its own).
    Signals,
}

impl ColumnId {
    /// Every column, as `:columns` and saved views name them.
    pub const ALL: [ColumnId; 13] = [
        ColumnId::Id,
        ColumnId::Name,
        ColumnId::Email,
        ColumnId::Status,
        ColumnId::Verified,
        ColumnId::Phone,
        ColumnId::Created,
        ColumnId::Updated,
        ColumnId::Roles,
        ColumnId::Language,
        ColumnId::LastLogin,
        ColumnId::Ref,
        ColumnId::Signals,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ColumnId::Id => "id",
            ColumnId::Name => "name",
            ColumnId::Email => "email",
            ColumnId::Status => "status",
            ColumnId::Verified => "verified",
            ColumnId::Phone => "phone",
            ColumnId::Created => "created",
            ColumnId::Updated => "updated",
            ColumnId::Roles => "roles",
            ColumnId::Language => "language",
            ColumnId::LastLogin => "last_login",
            ColumnId::Ref => "ref",
            ColumnId::Signals => "signals",
        }
    }

    /// The column `name` names (`username` is crm's name), or why none does.
    pub fn parse(name: &str) -> Result<ColumnId, String> {
        let wanted = name.trim().to_lowercase().replace('-', "_");
        let wanted = match wanted.as_str() {
            "username" => "name",
            "lastlogin" => "last_login",
            "sig" => "signals",
            other => other,
        };
        ColumnId::ALL
            .into_iter()
            .find(|c| c.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = ColumnId::ALL.iter().map(|c| c.name()).collect();
                let near = crate::text::closest(wanted, &names)
                    .map(|n| format!(": did you mean {n:?}?"))
                    .unwrap_or_else(|| format!(": {}", names.join(", ")));
                format!("no column {:?}{near}", crate::text::sanitize(name))
            })
    }
}

/// How the dashboard's table fits a column.
#[derive(Debug, Clone, Copy)]
pub struct Fit {
    pub min: u16,
    pub max: u16,
    /// Importance when room is short: 0 first.
    pub rank: u8,
}

/// One column of a dialect.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub id: ColumnId,
    /// The table header.
    pub header: &'static str,
    pub sort: Option<SortField>,
    /// On the dashboard: how it fits, or None when only the machine formats have it.
    pub fit: Option<Fit>,
    /// Timestamps show as their day on the dashboard.
    pub day: bool,
}

const fn fit(min: u16, max: u16, rank: u8) -> Option<Fit> {
    Some(Fit { min, max, rank })
}

const fn column(id: ColumnId, header: &'static str) -> Column {
    Column {
        id,
        header,
        sort: None,
        fit: None,
        day: false,
    }
}

/// The columns of `dialect`, in the order the headless table shows them.
pub fn columns(dialect: Dialect) -> Vec<Column> {
    use ColumnId as C;
    let id = Column {
        sort: Some(SortField::Id),
        ..column(C::Id, "ID")
    };
    let email = Column {
        sort: Some(SortField::Email),
        fit: fit(22, 34, 1),
        ..column(C::Email, "EMAIL")
    };
    // A status the contract lacks ("suspended") is not cut before the known ones.
    let status = Column {
        sort: Some(SortField::Status),
        fit: fit(9, 10, 2),
        ..column(C::Status, "STATUS")
    };
    let day = |id, header, sort, fit| Column {
        sort: Some(sort),
        fit,
        day: true,
        ..column(id, header)
    };
    match dialect {
        Dialect::Crm => vec![
            Column {
                fit: fit(12, 14, 4),
                ..id
            },
            Column {
                sort: Some(SortField::Name),
                fit: fit(12, 16, 0),
                ..column(C::Name, "USERNAME")
            },
            email,
            status,
            Column {
                fit: fit(8, 8, 5),
                ..column(C::Verified, "VERIFIED")
            },
            Column {
                fit: fit(15, 17, 6),
                ..column(C::Phone, "PHONE")
            },
            day(C::Created, "CREATED", SortField::Created, fit(10, 10, 3)),
            day(C::Updated, "UPDATED", SortField::Updated, fit(10, 10, 7)),
        ],
        Dialect::Training => vec![
            Column {
                fit: fit(12, 36, 6),
                ..id
            },
            Column {
                sort: Some(SortField::Name),
                fit: fit(14, 28, 0),
                ..column(C::Name, "NAME")
            },
            email,
            status,
            Column {
                fit: fit(10, 22, 3),
                ..column(C::Roles, "ROLES")
            },
            Column {
                sort: Some(SortField::Language),
                fit: fit(4, 4, 5),
                ..column(C::Language, "LANG")
            },
            day(
                C::LastLogin,
                "LAST LOGIN",
                SortField::LastLogin,
                fit(10, 10, 4),
            ),
            column(C::Ref, "REF"),
        ],
    }
}

/// The order of the dashboard's table: who first, the id last.
pub fn screen_columns(dialect: Dialect) -> Vec<Column> {
    let mut all: Vec<Column> = columns(dialect)
        .into_iter()
        .filter(|c| c.fit.is_some())
        .collect();
    all.rotate_left(1);
    all
}

/// The column of the signals of accounts opened: shown once one was (crm), the first to
/// give way when room is short.
pub const SIGNALS: Column = Column {
    id: ColumnId::Signals,
    header: "SIG",
    sort: None,
    fit: fit(4, 4, 9),
    day: false,
};

fn opt(v: &Option<String>) -> Value {
    v.clone().map_or(Value::Null, Value::String)
}

impl Column {
    /// The column's value of `user`, as the machine formats write it.
    pub fn value(&self, user: &User) -> Value {
        match self.id {
            ColumnId::Id => json!(user.id),
            ColumnId::Name => json!(user.name),
            ColumnId::Email => opt(&user.email),
            ColumnId::Status => json!(user.status),
            ColumnId::Verified => json!(user.verified),
            ColumnId::Phone => opt(&user.phone),
            ColumnId::Created => opt(&user.created_at),
            ColumnId::Updated => opt(&user.updated_at),
            ColumnId::Roles => json!(user.roles),
            ColumnId::Language => opt(&user.language),
            ColumnId::LastLogin => opt(&user.last_login),
            ColumnId::Ref => opt(&user.reference),
            // Not the user's: the dashboard fills it from the accounts it opened.
            ColumnId::Signals => Value::Null,
        }
    }

    /// The value as a table or CSV cell (unsafe characters still in it).
    pub fn cell(&self, user: &User) -> String {
        cell(&self.value(user))
    }

    /// The value as the dashboard shows it: a timestamp as its day.
    pub fn screen_text(&self, user: &User) -> String {
        let text = self.cell(user);
        if self.day {
            crate::text::head(&text, 10).to_string()
        } else {
            text
        }
    }
}

/// A value as a table or CSV cell.
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    }
}

/// A column of a user's login sessions (crm), shared by the detail pane and `users show`:
/// the address first, what an investigation follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionColumn {
    Active,
    Ip,
    Created,
    LastActive,
    Device,
    Type,
    Browser,
    Os,
    Place,
}

/// Every session column, in the order both show them.
pub const SESSION_COLUMNS: [SessionColumn; 9] = [
    SessionColumn::Active,
    SessionColumn::Ip,
    SessionColumn::Created,
    SessionColumn::LastActive,
    SessionColumn::Device,
    SessionColumn::Type,
    SessionColumn::Browser,
    SessionColumn::Os,
    SessionColumn::Place,
];

impl SessionColumn {
    pub fn header(self) -> &'static str {
        match self {
            SessionColumn::Active => "ACTIVE",
            SessionColumn::Ip => "IP",
            SessionColumn::Created => "CREATED",
            SessionColumn::LastActive => "LAST ACTIVE",
            SessionColumn::Device => "DEVICE",
            SessionColumn::Type => "TYPE",
            SessionColumn::Browser => "BROWSER",
            SessionColumn::Os => "OS",
            SessionColumn::Place => "PLACE",
        }
    }

    /// Whether it holds a timestamp (the pane shows its day).
    pub fn is_time(self) -> bool {
        matches!(self, SessionColumn::Created | SessionColumn::LastActive)
    }

    /// The session's text in this column (unsafe characters still in it).
    pub fn text(self, s: &Session) -> String {
        let or_empty = |v: &Option<String>| v.clone().unwrap_or_default();
        match self {
            SessionColumn::Active => if s.active { "yes" } else { "no" }.into(),
            SessionColumn::Ip => or_empty(&s.ip_address),
            SessionColumn::Created => s.created_at.clone(),
            SessionColumn::LastActive => or_empty(&s.last_active_at),
            SessionColumn::Device => or_empty(&s.device_name),
            SessionColumn::Type => or_empty(&s.device_type),
            SessionColumn::Browser => or_empty(&s.browser),
            SessionColumn::Os => or_empty(&s.operating_system),
            SessionColumn::Place => s.place(),
        }
    }
}

/// A column of the users sharing an address with the one shown (crm), shared by the
/// detail pane and `users show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverlapColumn {
    Name,
    Status,
    Email,
    SharedIps,
    Id,
}

/// Every overlap column: who first, then what the investigation follows.
pub const OVERLAP_COLUMNS: [OverlapColumn; 5] = [
    OverlapColumn::Name,
    OverlapColumn::Status,
    OverlapColumn::Email,
    OverlapColumn::SharedIps,
    OverlapColumn::Id,
];

impl OverlapColumn {
    pub fn header(self) -> &'static str {
        match self {
            OverlapColumn::Name => "USERNAME",
            OverlapColumn::Status => "STATUS",
            OverlapColumn::Email => "EMAIL",
            OverlapColumn::SharedIps => "SHARED IP",
            OverlapColumn::Id => "ID",
        }
    }

    /// Who the user is (the pane's first line holds these; the rest follows below).
    pub fn names_who(self) -> bool {
        matches!(self, OverlapColumn::Name | OverlapColumn::Status)
    }

    /// The overlapping user's text in this column (unsafe characters still in it).
    pub fn text(self, o: &Overlap) -> String {
        match self {
            OverlapColumn::Name => o.user.name.clone(),
            OverlapColumn::Status => o.user.status.to_string(),
            OverlapColumn::Email => o.user.email.clone().unwrap_or_default(),
            OverlapColumn::SharedIps => o.shared_ips.join(" "),
            OverlapColumn::Id => o.user.id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dashboard_shows_every_column_but_the_ref_with_the_id_last() {
        let ids = |cs: Vec<Column>| cs.iter().map(|c| c.id).collect::<Vec<_>>();
        let crm = ids(screen_columns(Dialect::Crm));
        assert_eq!(crm.first(), Some(&ColumnId::Name));
        assert_eq!(crm.last(), Some(&ColumnId::Id));
        assert_eq!(crm.len(), columns(Dialect::Crm).len());
        let training = ids(screen_columns(Dialect::Training));
        assert!(!training.contains(&ColumnId::Ref));
        assert_eq!(training.last(), Some(&ColumnId::Id));
    }
}
