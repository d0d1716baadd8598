//! A query whose answer is one long list (training's `users`), read as it arrives: rows
//! go to a sink while the rest is still on its way, and nothing of a list that broke off
//! is taken for the whole.

use std::time::Duration;

use cynic::{Operation, QueryBuilder};
use serde::Serialize;

use super::{ApiError, Client, Kind, read_envelope};
use crate::api::error::TransportKind;
use crate::api::stream::{Feed, InParts, ListReader, Parts, RowSink, StreamError};

/// A sink that can also start over: a read that failed before its end is tried again
/// only when what it holds can be dropped.
pub trait Restart: RowSink {
    /// Drops the rows taken so far; false when they cannot be (written out already).
    fn restart(&mut self) -> bool;
}

/// How long a list may take in all: a million users over a slow link take minutes. The
/// client's timeout bounds the wait for the answer to start, and each wait for more.
const WHOLE_LIST: Duration = Duration::from_secs(24 * 3600);

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
        self.read_list_by::<_, _, _, ListReader>(operation, field, sink)
            .await
    }

    /// [`Client::read_list`], the list read in parts on every core and joined in order.
    pub async fn read_list_in_parts<F, V, S>(
        &self,
        operation: Operation<F, V>,
        field: &'static str,
        sink: &mut S,
    ) -> Result<(), ApiError>
    where
        F: QueryBuilder<V> + 'static,
        V: Serialize,
        S: Restart + Parts,
    {
        self.read_list_by::<_, _, _, InParts<S::Part>>(operation, field, sink)
            .await
    }

    async fn read_list_by<F, V, S, R>(
        &self,
        operation: Operation<F, V>,
        field: &'static str,
        sink: &mut S,
    ) -> Result<(), ApiError>
    where
        F: QueryBuilder<V> + 'static,
        V: Serialize,
        S: Restart,
        R: Feed<S>,
    {
        let name = operation.operation_name.as_deref().unwrap_or("request");
        // Each try takes the sink in turn (tries never overlap).
        let sink = tokio::sync::Mutex::new(sink);
        let again = || sink.try_lock().is_ok_and(|mut sink| sink.restart());
        self.retrying_if(name, Kind::Read, again, || async {
            let mut sink = sink.lock().await;
            self.read_list_once(&operation, name, R::new(field), &mut **sink)
                .await
        })
        .await
    }

    async fn read_list_once<S: RowSink, R: Feed<S>>(
        &self,
        body: &impl Serialize,
        name: &str,
        mut reader: R,
        sink: &mut S,
    ) -> Result<(), ApiError> {
        let waited = self.config.request_timeout;
        let timed_out = |what: &str| ApiError::Transport {
            operation: name.to_string(),
            kind: TransportKind::Timeout,
            detail: format!("{what} in {} s", waited.as_secs()),
        };
        let mut response = tokio::time::timeout(waited, self.post(body, name, Some(WHOLE_LIST)))
            .await
            .map_err(|_| timed_out("no answer"))??;
        let status = response.status();
        if !status.is_success() {
            // An answer that is no list: read whole, for its errors.
            reader.reader().keep_whole();
        } else if let Some(length) = response.content_length() {
            sink.expect_bytes(length);
        }
        let malformed = |e: StreamError| match e {
            StreamError::Malformed(why) => ApiError::NotGraphQl {
                operation: name.to_string(),
                detail: format!("unexpected data: {why}"),
            },
            StreamError::Cut(count) => ApiError::NotGraphQl {
                operation: name.to_string(),
                detail: format!("the answer ended before its list did ({count} users came)"),
            },
            // Not the server's doing: trying again would meet it again.
            StreamError::Refused(why) => ApiError::Refused(format!("{name}: {why}")),
        };
        loop {
            let next = match tokio::time::timeout(waited, response.chunk()).await {
                Ok(read) => read.map_err(|e| ApiError::transport(name, &e)),
                Err(_) => Err(timed_out("nothing more came")),
            };
            let chunk = match next {
                Ok(chunk) => chunk,
                Err(broke) => {
                    // Whatever came whole is held, as a list read in order holds it.
                    reader.settle(sink).await;
                    return Err(broke);
                }
            };
            let Some(chunk) = chunk else { break };
            reader.feed(&chunk, sink).await.map_err(malformed)?;
        }
        let rest = reader.finish(sink).await.map_err(malformed)?;
        let raw = read_envelope(name, status, &rest.0)?;
        if let Some(failure) = raw.failure(name) {
            return Err(failure);
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
