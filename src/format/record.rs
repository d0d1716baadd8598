//! The record of one user in the machine formats (JSON, NDJSON, CSV): the fields the
//! contract's list query gives, named as the contract names them and with their values as
//! the server sent them (enum values upper-case, unknown ones included), no field of the
//! other dialect and no display label. One record for `users list` (every page), `users
//! show` (which adds the detail, see [`detail`]) and `:export`.
//!
//! | dialect | fields, in order |
//! |---|---|
//! | crm | id username email status isEmailVerified phoneNumber createdAt updatedAt |
//! | training | id name email ref isActive archivedAt roles language lastLogin |

use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::{Value, json};

use crate::api::model::{User, UserDetail};
use crate::dialect::Dialect;

const CRM: &[&str] = &[
    "id",
    "username",
    "email",
    "status",
    "isEmailVerified",
    "phoneNumber",
    "createdAt",
    "updatedAt",
];

const TRAINING: &[&str] = &[
    "id",
    "name",
    "email",
    "ref",
    "isActive",
    "archivedAt",
    "roles",
    "language",
    "lastLogin",
];

/// The fields of a `dialect` record, in order.
pub fn fields(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::Crm => CRM,
        Dialect::Training => TRAINING,
    }
}

/// The fields a record holds: every field of the dialect, or those `--fields` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields(Vec<&'static str>);

impl Fields {
    /// Every field of `dialect`'s record.
    pub fn all(dialect: Dialect) -> Fields {
        Fields(fields(dialect).to_vec())
    }

    /// The fields `list` names (`a,b,c`, in that order), each checked against the
    /// dialect's names: an unknown one is an error with the nearest name.
    pub fn parse(dialect: Dialect, list: &str) -> Result<Fields, String> {
        let known = fields(dialect);
        let mut chosen: Vec<&'static str> = Vec::new();
        for name in list.split(',').map(str::trim) {
            let Some(field) = known.iter().find(|k| **k == name) else {
                let near = crate::text::closest(name, known)
                    .map(|n| format!(" (did you mean {n}?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "--fields: the {dialect} record has no field {name:?}{near}; it has {}",
                    known.join(", ")
                ));
            };
            if !chosen.contains(field) {
                chosen.push(field);
            }
        }
        Ok(Fields(chosen))
    }

    pub fn names(&self) -> &[&'static str] {
        &self.0
    }
}

/// `user`'s value of `field`, as the server sent it.
fn value(user: &User, field: &str) -> Value {
    let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
    match field {
        "id" => json!(user.id),
        "username" | "name" => json!(user.name),
        "email" => text(&user.email),
        "status" => json!(user.status.api_name()),
        "isEmailVerified" => json!(user.verified),
        "phoneNumber" => text(&user.phone),
        "createdAt" => text(&user.created_at),
        "updatedAt" => text(&user.updated_at),
        "ref" => text(&user.reference),
        "isActive" => json!(user.active),
        "archivedAt" => text(&user.archived_at),
        "roles" => json!(user.roles),
        "language" => text(&user.language),
        "lastLogin" => text(&user.last_login),
        _ => Value::Null,
    }
}

/// A record: its fields in the order asked (a JSON map would sort them).
#[derive(Debug, Clone, PartialEq)]
pub struct Record(Vec<(&'static str, Value)>);

impl Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (field, value) in &self.0 {
            map.serialize_entry(field, value)?;
        }
        map.end()
    }
}

/// The record of `user` with `fields`, in their order.
pub fn record(user: &User, fields: &Fields) -> Record {
    Record(fields.0.iter().map(|f| (*f, value(user, f))).collect())
}

/// The cells of `user`'s record with `fields`, as CSV writes them.
pub fn cells(user: &User, fields: &Fields) -> Vec<String> {
    fields.0.iter().map(|f| cell(&value(user, f))).collect()
}

/// A value as a CSV cell: null empty, a list's items joined by `;`, the rest as JSON
/// writes it (strings without their quotes).
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// The record of `users show`: everything the API gave of the user, in the API's own
/// structure (crm adds `avatar`, `emailVerifiedAt`, `sessions { all aggregatedInfo first
/// last }` and `overlapIPUsers`; training the groups, the AFAS ids, `extraFields` parsed
/// as JSON, …), the list's fields among them.
pub fn detail(detail: &UserDetail) -> &Value {
    &detail.record
}
