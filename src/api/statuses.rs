//! Reading many users' statuses at once: the ids go in batches of aliased `user(id:)`
//! fields (`u0: user(id: $i0) { … } u1: …`), a few batches under way, so that 10,000
//! ids cost a few dozen round trips rather than 10,000. What settling, undo and the
//! read before a bulk action use.

use futures_util::StreamExt;
use serde_json::{Map, Value};

use super::client::{Client, Fields};
use super::error::{ApiError, RESOURCE_NOT_FOUND, UNAUTHORIZED};
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

/// Reads the statuses of `ids` now, in order, each id as the dialect reads it. Once a
/// request fails even after its retries, the server is not answering: the ids after it
/// get that error at once rather than each waiting out its own retries. A refused token
/// fails every id not yet read with it.
pub async fn read(client: &Client, ids: &[String]) -> Vec<(String, Read)> {
    read_telling(client, ids, &|_| {}).await
}

/// [`read`], telling `read_so_far` how many ids were read after each request.
pub async fn read_telling(
    client: &Client,
    ids: &[String],
    read_so_far: &(dyn Fn(usize) + Sync),
) -> Vec<(String, Read)> {
    let so_far = std::sync::atomic::AtomicUsize::new(0);
    let so_far = &so_far;
    let given_up: std::sync::Mutex<Option<ApiError>> = std::sync::Mutex::new(None);
    let given_up = &given_up;
    let batches: Vec<Vec<String>> = ids.chunks(PER_REQUEST).map(<[String]>::to_vec).collect();
    let read: Vec<Vec<(String, Read)>> = futures_util::stream::iter(batches)
        .map(|batch| async move {
            let earlier = given_up.lock().ok().and_then(|g| g.clone());
            if let Some(e) = earlier {
                return batch.into_iter().map(|id| (id, Err(e.clone()))).collect();
            }
            let read = read_batch(client, &batch).await;
            // Only a server that does not answer is given up on; an answer refusing this
            // batch says nothing of the next.
            if let (Err(e), Ok(mut g)) = (&read, given_up.lock())
                && (e.is_transient() || e.is_code(UNAUTHORIZED))
            {
                g.get_or_insert_with(|| e.clone());
            }
            let n =
                batch.len() + so_far.fetch_add(batch.len(), std::sync::atomic::Ordering::Relaxed);
            read_so_far(n);
            match read {
                Ok(statuses) => batch.into_iter().zip(statuses).collect(),
                Err(e) => batch.into_iter().map(|id| (id, Err(e.clone()))).collect(),
            }
        })
        .buffered(AT_ONCE)
        .collect()
        .await;
    read.into_iter().flatten().collect()
}

/// One batch's statuses, in order. A server that refuses the whole request for what it
/// is (too many fields, say) is asked again in halves, down to one user a request.
async fn read_batch(client: &Client, ids: &[String]) -> Result<Vec<Read>, ApiError> {
    let (document, variables) = document(client.dialect(), ids, |id| canonical(client, id));
    match client.query_fields("Statuses", document, variables).await {
        Ok(fields) => Ok((0..ids.len())
            .map(|i| field(client.dialect(), &fields, i))
            .collect()),
        // A server refusing a request this large (too many fields, say) is asked again in
        // halves; one id refused alone is that id's answer, not the batch's.
        Err(e) if matches!(e, ApiError::GraphQl { .. }) && !e.is_code(UNAUTHORIZED) => {
            if ids.len() == 1 {
                return Ok(vec![Err(e)]);
            }
            let (left, right) = ids.split_at(ids.len() / 2);
            let mut read = Box::pin(read_batch(client, left)).await?;
            read.extend(Box::pin(read_batch(client, right)).await?);
            Ok(read)
        }
        Err(e) => Err(e),
    }
}

/// The query reading `ids`: one aliased field each, its id a variable (never spliced
/// into the document).
pub fn document(
    dialect: Dialect,
    ids: &[String],
    canonical: impl Fn(&str) -> String,
) -> (String, Value) {
    let (id_type, selection) = match dialect {
        Dialect::Crm => ("ID!", "id status"),
        Dialect::Training => ("UUID", "id archivedAt isActive"),
    };
    let mut parameters = Vec::with_capacity(ids.len());
    let mut fields = String::with_capacity(ids.len() * 48);
    let mut variables = Map::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        parameters.push(format!("$i{i}: {id_type}"));
        fields.push_str(&format!(" u{i}: user(id: $i{i}) {{ {selection} }}"));
        variables.insert(format!("i{i}"), Value::String(canonical(id)));
    }
    (
        format!("query Statuses({}) {{{fields} }}", parameters.join(", ")),
        Value::Object(variables),
    )
}

/// What field `u{i}` of the answer says.
fn field(dialect: Dialect, fields: &Fields, i: usize) -> Read {
    let alias = format!("u{i}");
    if let Some(error) = fields.errors.get(&alias) {
        return if error.is_code(RESOURCE_NOT_FOUND) {
            Ok(None)
        } else {
            Err(error.clone())
        };
    }
    let value = fields.data.get(&alias).cloned().unwrap_or(Value::Null);
    let unexpected = |e: serde_json::Error| ApiError::NotGraphQl {
        operation: "Statuses".into(),
        detail: format!("unexpected data: {e}"),
    };
    match dialect {
        Dialect::Crm => serde_json::from_value::<Option<crm::UserStateRow>>(value)
            .map(|row| row.map(|r| Status::from(r.status)))
            .map_err(unexpected),
        Dialect::Training => serde_json::from_value::<Option<training::UserStateRow>>(value)
            .map(|row| row.map(|r| r.status()))
            .map_err(unexpected),
    }
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
