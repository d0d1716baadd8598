//! A query whose answer is one long list (training's `users`), read as it arrives: rows
//! go to a sink while the rest is still on its way, and nothing of a list that broke off
//! is taken for the whole.

use cynic::{Operation, QueryBuilder};
use serde::Serialize;

use super::{ApiError, Client, Kind, envelope};
use crate::api::stream::{ListReader, RowSink, StreamError};

/// A sink that can also start over: a read that failed before its end is tried again
/// only when what it holds can be dropped.
pub trait Restart: RowSink {
    /// Drops the rows taken so far; false when they cannot be (written out already).
    fn restart(&mut self) -> bool;
}

impl Client {
    /// Sends `operation`, whose only field is the list `field`, and hands its rows to
    /// `sink` as they arrive. Retried like any read, as long as the sink can start over.
    /// Ok once the whole list came and the answer holds no error; an error otherwise,
    /// whatever rows came before it.
    pub async fn read_list<F, V, S>(
        &self,
        operation: Operation<F, V>,
        field: &'static str,
        sink: &mut S,
    ) -> Result<(), ApiError>
    where
        F: QueryBuilder<V> + 'static,
        V: Serialize,
        S: Restart,
    {
        let name = operation.operation_name.as_deref().unwrap_or("request");
        // Each try takes the sink in turn (tries never overlap).
        let sink = tokio::sync::Mutex::new(sink);
        self.retrying(name, Kind::Read, || async {
            let mut sink = sink.lock().await;
            if !sink.restart() {
                return Err(ApiError::Refused(format!(
                    "{name}: the rows written cannot be taken back to read the list again"
                )));
            }
            self.read_list_once(&operation, name, field, &mut **sink)
                .await
        })
        .await
    }

    async fn read_list_once<S: RowSink>(
        &self,
        body: &impl Serialize,
        name: &str,
        field: &'static str,
        sink: &mut S,
    ) -> Result<(), ApiError> {
        let mut response = self.post(body, name).await?;
        let status = response.status();
        let mut reader = ListReader::new(field);
        if let Some(length) = response.content_length() {
            sink.expect_bytes(length);
        }
        let malformed = |e: StreamError, count: u64| ApiError::NotGraphQl {
            operation: name.to_string(),
            detail: match e {
                StreamError::Malformed(why) => format!("unexpected data: {why}"),
                StreamError::Cut => {
                    format!("the answer ended before its list did ({count} users came)")
                }
                StreamError::Refused(why) => why,
            },
        };
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| ApiError::transport(name, &e))?
        {
            if !status.is_success() {
                // An answer that is no list: read whole, for its errors.
                reader.keep_whole();
            }
            reader
                .feed(&chunk, sink)
                .map_err(|e| malformed(e, reader.count()))?;
        }
        let count = reader.count();
        let rest = reader.finish(sink).map_err(|e| malformed(e, count))?;
        let raw = envelope(name, status, &rest.0)?;
        if let Some(errors) = raw.errors.as_ref().filter(|e| !e.is_empty()) {
            return Err(errors[0].to_api(name, errors.len() - 1));
        }
        if raw.data.as_deref().is_none_or(|d| d.get() == "null") {
            return Err(ApiError::NotGraphQl {
                operation: name.to_string(),
                detail: "an answer without data or errors".into(),
            });
        }
        Ok(())
    }
}
