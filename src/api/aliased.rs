//! Reading many users at once: the ids go in batches of aliased `user(id:)` fields
//! (`u0: user(id: $i0) { … } u1: …`), a few batches under way, so that 10,000 ids cost a
//! few dozen round trips rather than 10,000. What the statuses read before a bulk action
//! and the ring's accounts use, each with its own selection.

use futures_util::StreamExt;
use serde_json::{Map, Value};

use super::client::{Client, Fields};
use super::error::{ApiError, RESOURCE_NOT_FOUND, UNAUTHORIZED};

/// What reading one user found: the user, None for no such user, or why it could not be
/// read.
pub type Read<T> = Result<Option<T>, ApiError>;

/// One read of many users: its operation's name, the selection of each user, and how
/// a user's answer becomes a `T`.
pub struct Reading<'a, T> {
    pub operation: &'a str,
    /// The GraphQL type of an id (`ID!`, `UUID`).
    pub id_type: &'a str,
    /// What is read of each user: `id status`.
    pub selection: &'a str,
    /// Users read in one request.
    pub per_request: usize,
    /// Requests under way at once.
    pub at_once: usize,
    pub parse: &'a (dyn Fn(Value) -> Result<Option<T>, serde_json::Error> + Sync),
}

impl<T: Send> Reading<'_, T> {
    /// Reads `ids` now, in order, telling `read_so_far` how many were read after each
    /// request. Once a request fails even after its retries, the server is not
    /// answering: the ids after it get that error at once rather than each waiting out
    /// its own retries. A refused token fails every id not yet read with it.
    pub async fn read(
        &self,
        client: &Client,
        ids: &[String],
        read_so_far: &(dyn Fn(usize) + Sync),
    ) -> Vec<(String, Read<T>)> {
        let so_far = std::sync::atomic::AtomicUsize::new(0);
        let so_far = &so_far;
        let given_up: std::sync::Mutex<Option<ApiError>> = std::sync::Mutex::new(None);
        let given_up = &given_up;
        let batches: Vec<Vec<String>> = ids
            .chunks(self.per_request.max(1))
            .map(<[String]>::to_vec)
            .collect();
        let read: Vec<Vec<(String, Read<T>)>> = futures_util::stream::iter(batches)
            .map(|batch| async move {
                let earlier = given_up.lock().ok().and_then(|g| g.clone());
                if let Some(e) = earlier {
                    return batch.into_iter().map(|id| (id, Err(e.clone()))).collect();
                }
                let read = self.read_batch(client, &batch).await;
                // Only a server that does not answer is given up on; an answer refusing
                // this batch says nothing of the next.
                if let (Err(e), Ok(mut g)) = (&read, given_up.lock())
                    && (e.is_transient() || e.is_code(UNAUTHORIZED))
                {
                    g.get_or_insert_with(|| e.clone());
                }
                let n = batch.len()
                    + so_far.fetch_add(batch.len(), std::sync::atomic::Ordering::Relaxed);
                read_so_far(n);
                match read {
                    Ok(users) => batch.into_iter().zip(users).collect(),
                    Err(e) => batch.into_iter().map(|id| (id, Err(e.clone()))).collect(),
                }
            })
            .buffered(self.at_once.max(1))
            .collect()
            .await;
        read.into_iter().flatten().collect()
    }

    /// One batch's users, in order. A server that refuses the whole request for what it
    /// is (too many fields, say) is asked again in halves, down to one user a request.
    async fn read_batch(&self, client: &Client, ids: &[String]) -> Result<Vec<Read<T>>, ApiError> {
        let (document, variables) = self.document(ids);
        match client
            .query_fields(self.operation, document, variables)
            .await
        {
            Ok(fields) => Ok((0..ids.len()).map(|i| self.field(&fields, i)).collect()),
            // One id refused alone is that id's answer, not the batch's.
            Err(e) if matches!(e, ApiError::GraphQl { .. }) && !e.is_code(UNAUTHORIZED) => {
                if ids.len() == 1 {
                    return Ok(vec![Err(e)]);
                }
                let (left, right) = ids.split_at(ids.len() / 2);
                let mut read = Box::pin(self.read_batch(client, left)).await?;
                read.extend(Box::pin(self.read_batch(client, right)).await?);
                Ok(read)
            }
            Err(e) => Err(e),
        }
    }

    /// The query reading `ids`: one aliased field each, its id a variable (never
    /// spliced into the document).
    pub fn document(&self, ids: &[String]) -> (String, Value) {
        let mut parameters = Vec::with_capacity(ids.len());
        let mut fields = String::with_capacity(ids.len() * (32 + self.selection.len()));
        let mut variables = Map::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            parameters.push(format!("$i{i}: {}", self.id_type));
            fields.push_str(&format!(" u{i}: user(id: $i{i}) {{ {} }}", self.selection));
            variables.insert(format!("i{i}"), Value::String(id.clone()));
        }
        (
            format!(
                "query {}({}) {{{fields} }}",
                self.operation,
                parameters.join(", ")
            ),
            Value::Object(variables),
        )
    }

    /// What field `u{i}` of the answer says.
    fn field(&self, fields: &Fields, i: usize) -> Read<T> {
        let alias = format!("u{i}");
        if let Some(error) = fields.errors.get(&alias) {
            return if error.is_code(RESOURCE_NOT_FOUND) {
                Ok(None)
            } else {
                Err(error.clone())
            };
        }
        let value = fields.data.get(&alias).cloned().unwrap_or(Value::Null);
        (self.parse)(value).map_err(|e| ApiError::NotGraphQl {
            operation: self.operation.into(),
            detail: format!("unexpected data: {e}"),
        })
    }
}
