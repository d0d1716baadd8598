//! `users list --stream` on training: each user is written as the answer brings it, in
//! the server's order, and never held — the memory stays flat however many users the
//! server has. An answer that breaks off ends the output as a list that says so.

use std::io::{self, Write};

use cynic::QueryBuilder;

use crate::api::client::{Client, Restart};
use crate::api::error::ApiError;
use crate::api::local::RowFilter;
use crate::api::model::{ListQuery, User};
use crate::api::rows::{RowIn, Rows};
use crate::api::stream::RowSink;
use crate::api::training;
use crate::format::list::ListWriter;

/// Users written together, so that each write is not a system call.
const BATCH: usize = 512;

/// Writes the users matching a query as they come, up to a cap.
struct Streaming<'w, W: Write> {
    writer: &'w mut ListWriter<W>,
    filter: RowFilter,
    cap: Option<u64>,
    batch: Vec<User>,
    /// Users matched so far (written, in `batch`, or past the cap).
    matched: u64,
    /// Writing failed (a closed pipe): the reading stops with it.
    failed: Option<io::Error>,
}

impl<W: Write> Streaming<'_, W> {
    fn flush(&mut self) -> io::Result<()> {
        let batch = std::mem::take(&mut self.batch);
        self.writer.page(&batch)
    }
}

impl<W: Write> RowSink for Streaming<'_, W> {
    type Row<'de> = RowIn<'de>;

    fn push(&mut self, row: RowIn<'_>) -> Result<(), String> {
        if !self.filter.matches(&row) {
            return Ok(());
        }
        // Past the cap the answer is still read to its end, its users counted, not kept.
        self.matched += 1;
        if self.cap.is_some_and(|cap| self.matched > cap) {
            return Ok(());
        }
        self.batch.push(Rows::one(&row)?);
        if self.batch.len() >= BATCH
            && let Err(e) = self.flush()
        {
            let said = e.to_string();
            self.failed = Some(e);
            return Err(format!("cannot write the list: {said}"));
        }
        Ok(())
    }
}

impl<W: Write> Restart for Streaming<'_, W> {
    /// Tried again only while nothing is written, and writing has not failed.
    fn restart(&mut self) -> bool {
        if self.writer.rows() > 0 || self.failed.is_some() {
            return false;
        }
        self.batch.clear();
        self.matched = 0;
        true
    }
}

/// How a streamed list ended.
pub enum Streamed {
    /// Every user came, and those matching were written (up to the cap): how many
    /// matched.
    Whole(u64),
    /// The answer failed, after what was written.
    Failed(ApiError),
    /// Writing failed.
    Unwritable(io::Error),
}

/// Reads training's whole list, writing the users `query` matches (at most `cap`).
pub async fn stream<W: Write>(
    client: &Client,
    query: &ListQuery,
    cap: Option<u64>,
    writer: &mut ListWriter<W>,
) -> Streamed {
    let mut sink = Streaming {
        writer,
        filter: RowFilter::new(query),
        cap,
        batch: Vec::new(),
        matched: 0,
        failed: None,
    };
    let read = client
        .read_list(
            training::Users::build(training::UsersVariables::default()),
            "users",
            &mut sink,
        )
        .await;
    if let Some(e) = sink.failed.take() {
        return Streamed::Unwritable(e);
    }
    // What came before a failure is written too: the list then ends saying it failed.
    if let Err(e) = sink.flush() {
        return Streamed::Unwritable(e);
    }
    match read {
        Ok(()) => Streamed::Whole(sink.matched),
        Err(e) => Streamed::Failed(e),
    }
}
