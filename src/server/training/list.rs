//! The answer to a plain list of every user — `users(active: …) { id name … }` alone,
//! as clients page through nothing — written straight as JSON from the stored rows and
//! sent while it is written: a million users' answer starts at once, where resolving a
//! million objects through the schema first took 12 s. A query in any other shape goes
//! through the schema; the tests hold both answers equal.

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationType, Selection,
};
use async_graphql::{Name, Value as ConstValue, Variables};
use axum::body::{Body, Bytes};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use super::store::{self, UserRow};
use super::types::{Language, Role};
use crate::server::db::Db;
use crate::server::scalars::DateTime;

/// A field of a user the list can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    ModelId,
    Name,
    Email,
    IsActive,
    ArchivedAt,
    Roles,
    Language,
    LastLogin,
    Ref,
    HasPassword,
    Typename,
}

impl Column {
    fn of(name: &str) -> Option<Column> {
        Some(match name {
            "id" => Column::Id,
            "modelId" => Column::ModelId,
            "name" => Column::Name,
            "email" => Column::Email,
            "isActive" => Column::IsActive,
            "archivedAt" => Column::ArchivedAt,
            "roles" => Column::Roles,
            "language" => Column::Language,
            "lastLogin" => Column::LastLogin,
            "ref" => Column::Ref,
            "hasPassword" => Column::HasPassword,
            "__typename" => Column::Typename,
            _ => return None,
        })
    }
}

/// A plain list query: where its answer goes, which users, which fields (by key).
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    key: Name,
    active: Option<bool>,
    fields: Vec<(Name, Column)>,
}

/// The listing `document` asks for with `variables` (its operation `wanted`, or its only
/// one), if it is a plain one: anything else (fragments, directives, other fields, a
/// variable of another type) is left to the schema, which also reports the mistakes.
pub fn recognise(
    document: &ExecutableDocument,
    wanted: Option<&str>,
    variables: &Variables,
) -> Option<Listing> {
    if !document.fragments.is_empty() {
        return None;
    }
    let operation = match (&document.operations, wanted) {
        (DocumentOperations::Single(op), None) => op,
        // Every operation of a document is validated, not only the one run: one alone.
        (DocumentOperations::Multiple(ops), wanted) if ops.len() == 1 => {
            let (name, op) = ops.iter().next()?;
            if wanted.is_some_and(|w| w != name.as_str()) {
                return None;
            }
            op
        }
        _ => return None,
    };
    let operation = &operation.node;
    if operation.ty != OperationType::Query || !operation.directives.is_empty() {
        return None;
    }
    // At most one variable, a Boolean, for `active` (an unused one is the schema's error).
    let variable = match operation.variable_definitions.as_slice() {
        [] => None,
        [only] => {
            let def = &only.node;
            let boolean = matches!(&def.var_type.node.base, BaseType::Named(n) if n == "Boolean");
            if !boolean || !def.directives.is_empty() {
                return None;
            }
            // Not given: its default, or null when it may be null (else the schema's error).
            let value = variables
                .get(&def.name.node)
                .or_else(|| def.default_value())
                .cloned()?;
            if value == ConstValue::Null && !def.var_type.node.nullable {
                return None;
            }
            Some((def.name.node.clone(), Some(value)))
        }
        _ => return None,
    };
    let [item] = operation.selection_set.node.items.as_slice() else {
        return None;
    };
    let Selection::Field(field) = &item.node else {
        return None;
    };
    let field = &field.node;
    if field.name.node != "users" || !field.directives.is_empty() {
        return None;
    }
    let active = match field.arguments.as_slice() {
        [] if variable.is_none() => None,
        [(name, value)] if name.node == "active" => {
            // A variable, when one is defined, is the argument (else it is unused).
            let literal = value.node.clone().into_const().is_some();
            if literal == variable.is_some() {
                return None;
            }
            let given = value.node.clone().into_const_with(|name| match &variable {
                Some((defined, value)) if *defined == name => {
                    Ok(value.clone().unwrap_or(ConstValue::Null))
                }
                _ => Err(()),
            });
            match given.ok()? {
                ConstValue::Boolean(b) => Some(b),
                ConstValue::Null => None,
                _ => return None,
            }
        }
        _ => return None,
    };
    let mut fields: Vec<(Name, Column)> = Vec::new();
    for item in &field.selection_set.node.items {
        let Selection::Field(f) = &item.node else {
            return None;
        };
        let f = &f.node;
        let plain = f.arguments.is_empty()
            && f.directives.is_empty()
            && f.selection_set.node.items.is_empty();
        let column = Column::of(&f.name.node).filter(|_| plain)?;
        let key = f.response_key().node.clone();
        if fields.iter().any(|(k, _)| *k == key) {
            return None;
        }
        fields.push((key, column));
    }
    if fields.is_empty() {
        return None;
    }
    Some(Listing {
        key: field.response_key().node.clone(),
        active,
        fields,
    })
}

/// Users read and written per batch: the first bytes leave after the first batch.
const BATCH: usize = 2_000;

/// The answer to `listing`, from `db`, sent as it is written. Each batch is read on its
/// own: a change landing meanwhile shows in the batches after it, as it would in pages.
/// A stored value the contract cannot carry ends the answer there (the connection is
/// closed): the schema would have failed the list, and no client takes it for whole.
pub fn respond(db: Db, listing: Listing) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::task::spawn_blocking(move || {
        let mut out = format!("{{\"data\":{{\"{}\":[", listing.key.as_str()).into_bytes();
        let (mut after, mut written) = (i64::MIN, 0u64);
        loop {
            let rows = match db.with(|conn| store::after(conn, listing.active, after, BATCH)) {
                Ok(rows) => rows,
                Err(e) => {
                    let _ = tx.blocking_send(Err(std::io::Error::other(e)));
                    return;
                }
            };
            let Some(last) = rows.last() else { break };
            after = last.pk;
            for row in &rows {
                if written > 0 {
                    out.push(b',');
                }
                if let Err(why) = write_user(&mut out, row, &listing.fields) {
                    let _ = tx.blocking_send(Ok(Bytes::from(std::mem::take(&mut out))));
                    let _ = tx.blocking_send(Err(std::io::Error::other(why)));
                    return;
                }
                written += 1;
            }
            if tx
                .blocking_send(Ok(Bytes::from(std::mem::take(&mut out))))
                .is_err()
            {
                return; // The client went away.
            }
        }
        out.extend_from_slice(b"]}}");
        let _ = tx.blocking_send(Ok(Bytes::from(out)));
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    (
        [(CONTENT_TYPE, "application/json")],
        Body::from_stream(body),
    )
        .into_response()
}

/// One user as the schema would answer it, the fields in the order asked; an error for a
/// stored value the contract cannot carry.
fn write_user(out: &mut Vec<u8>, row: &UserRow, fields: &[(Name, Column)]) -> Result<(), String> {
    out.push(b'{');
    for (n, (key, column)) in fields.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
        let string = |out: &mut Vec<u8>, s: &str| {
            serde_json::to_writer(&mut *out, s).expect("writing to memory");
        };
        let optional = |out: &mut Vec<u8>, s: Option<&str>| match s {
            Some(s) => string(out, s),
            None => out.extend_from_slice(b"null"),
        };
        let boolean = |out: &mut Vec<u8>, b: bool| {
            out.extend_from_slice(if b { b"true" } else { b"false" });
        };
        match column {
            Column::Id => string(out, &row.id),
            Column::ModelId => string(out, &row.pk.to_string()),
            Column::Name => string(out, &row.name),
            Column::Email => optional(out, row.email.as_deref()),
            Column::IsActive => boolean(out, row.is_active),
            Column::ArchivedAt => optional(
                out,
                row.archived_at.map(|t| DateTime(t).to_iso()).as_deref(),
            ),
            Column::LastLogin => {
                optional(out, row.last_login.map(|t| DateTime(t).to_iso()).as_deref())
            }
            Column::Roles => {
                let roles = serde_json::from_str::<Vec<Role>>(&row.roles)
                    .map_err(|e| format!("user {}: stored roles: {e}", row.id))?;
                serde_json::to_writer(&mut *out, &roles).expect("writing to memory");
            }
            Column::Language => {
                let language = Language::parse(&row.language)
                    .map_err(|e| format!("user {}: stored language: {}", row.id, e.message))?;
                string(out, language.as_str());
            }
            Column::Ref => optional(out, row.reference.as_deref()),
            Column::HasPassword => boolean(out, row.has_password),
            Column::Typename => string(out, "User"),
        }
    }
    out.push(b'}');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recognised(query: &str, variables: serde_json::Value) -> Option<Listing> {
        let document = async_graphql::parser::parse_query(query).unwrap();
        recognise(&document, None, &Variables::from_json(variables))
    }

    #[test]
    fn only_a_plain_list_is_written_directly() {
        let client = "query Users($active: Boolean) { users(active: $active) { id name } }";
        let listing = recognised(client, serde_json::json!({ "active": true })).unwrap();
        assert_eq!(listing.active, Some(true));
        assert_eq!(listing.fields.len(), 2);
        assert!(
            recognised(client, serde_json::json!({}))
                .unwrap()
                .active
                .is_none()
        );
        for other in [
            "{ users { ... on User { id } } }",
            "{ users @include(if: true) { id } }",
            "{ users { id groups { id } } }",
            "{ users { id } user(id: \"x\") { id } }",
            "{ users { id id } }",
            "{ users { profileImage { id } } }",
            "query ($a: Int) { users(active: $a) { id } }",
            "query ($a: Boolean) { users { id } }",
            "mutation { users { id } }",
            "query A { users { id } } query B { users { id } }",
        ] {
            assert_eq!(recognised(other, serde_json::json!({})), None, "{other}");
        }
        // A variable of the wrong type is the schema's error to report.
        assert_eq!(
            recognised(client, serde_json::json!({ "active": "yes" })),
            None
        );
    }
}
