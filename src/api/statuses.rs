//! Reading many users' statuses at once, in batches of aliased `user(id:)` fields (see
//! [`super::aliased`]): what settling, undo and the read before a bulk action use.

use serde_json::Value;

use super::aliased::Reading;
use super::client::Client;
use super::error::ApiError;
use super::model::Status;
use super::{crm, training};
use crate::dialect::Dialect;

/// Users read in one request.
pub const PER_REQUEST: usize = 250;
/// Requests under way at once.
const AT_ONCE: usize = 4;

/// What reading one user's status found: its status, None for no such user, or why it
/// could not be read.
pub type Read = Result<Option<Status>, ApiError>;

/// Reads the statuses of `ids` now, in order, each id as the dialect reads it (see
/// [`Reading::read`]).
pub async fn read(client: &Client, ids: &[String]) -> Vec<(String, Read)> {
    read_telling(client, ids, &|_| {}).await
}

/// [`read`], telling `read_so_far` how many ids were read after each request.
pub async fn read_telling(
    client: &Client,
    ids: &[String],
    read_so_far: &(dyn Fn(usize) + Sync),
) -> Vec<(String, Read)> {
    let canonical: Vec<String> = ids.iter().map(|id| canonical(client, id)).collect();
    let read = reading(client.dialect(), &|value| parse(client.dialect(), value))
        .read(client, &canonical, read_so_far)
        .await;
    // Told by the ids as given, not as sent.
    ids.iter()
        .cloned()
        .zip(read.into_iter().map(|(_, read)| read))
        .collect()
}

/// How a dialect's statuses are read.
fn reading<'a>(
    dialect: Dialect,
    parse: &'a (dyn Fn(Value) -> Result<Option<Status>, serde_json::Error> + Sync),
) -> Reading<'a, Status> {
    let (id_type, selection) = match dialect {
        Dialect::Crm => ("ID!", "id status"),
        Dialect::Training => ("UUID", "id archivedAt isActive"),
    };
    Reading {
        operation: "Statuses",
        id_type,
        selection,
        per_request: PER_REQUEST,
        at_once: AT_ONCE,
        parse,
    }
}

fn parse(dialect: Dialect, value: Value) -> Result<Option<Status>, serde_json::Error> {
    Ok(match dialect {
        Dialect::Crm => serde_json::from_value::<Option<crm::UserStateRow>>(value)?
            .map(|r| Status::from(r.status)),
        Dialect::Training => {
            serde_json::from_value::<Option<training::UserStateRow>>(value)?.map(|r| r.status())
        }
    })
}

/// The query reading `ids`' statuses: one aliased field each, its id a variable.
pub fn document(
    dialect: Dialect,
    ids: &[String],
    canonical: impl Fn(&str) -> String,
) -> (String, Value) {
    let ids: Vec<String> = ids.iter().map(|id| canonical(id)).collect();
    reading(dialect, &|_| Ok(None)).document(&ids)
}

/// The id as the server writes it, so that what is read back matches what was asked:
/// training's UUIDs in their canonical form.
pub fn canonical(client: &Client, id: &str) -> String {
    match client.dialect() {
        Dialect::Training => uuid::Uuid::parse_str(id)
            .map(|u| u.hyphenated().to_string())
            .unwrap_or_else(|_| id.to_string()),
        Dialect::Crm => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_is_a_variable_never_part_of_the_document() {
        let ids = vec!["usr_1".to_string(), "a\") { x } #".to_string()];
        let (document, variables) = document(Dialect::Crm, &ids, str::to_string);
        assert_eq!(
            document,
            "query Statuses($i0: ID!, $i1: ID!) { u0: user(id: $i0) { id status } u1: user(id: $i1) { id status } }"
        );
        assert_eq!(variables["i1"], "a\") { x } #");
    }
}
