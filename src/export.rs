//! The dashboard's `:export PATH`: every row of a query (every page), or the selected
//! users, written to a file as CSV or JSON (by its extension) in the shapes the headless
//! commands print. Written beside the target and renamed into place at the end, so a
//! failure half-way leaves no half-written file.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;

use crate::api::client::Client;
use crate::api::error::ApiError;
use crate::api::local::LocalUsers;
use crate::api::model::{ListQuery, User};
use crate::api::ops::{self, MAX_PAGE};
use crate::api::paging::{self, Walked};
use crate::dialect::Dialect;
use crate::format::Format;
use crate::format::list::ListWriter;
use crate::format::safe::Printing;

/// Which rows to write.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportRows {
    /// Every row the query matches, on every page.
    Query(ListQuery),
    /// These users (the selection), in this order.
    Ids(Vec<String>),
}

/// Where to write, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportTarget {
    pub path: PathBuf,
    pub format: Format,
    /// Replace a file that exists (`:export!`); else refuse.
    pub overwrite: bool,
}

impl ExportTarget {
    /// The target an operator typed: `~/` is the home directory; the extension says the
    /// format; an existing file is replaced only when `overwrite` (checked on writing).
    pub fn parse(typed: &str, overwrite: bool) -> Result<ExportTarget, String> {
        let typed = typed.trim();
        if typed.is_empty() {
            return Err("export needs a path: :export users.csv (or .json)".into());
        }
        let path = match typed.strip_prefix("~/") {
            Some(rest) => match std::env::var_os("HOME") {
                Some(home) => PathBuf::from(home).join(rest),
                None => return Err("~ is not known here: HOME is not set".into()),
            },
            None => PathBuf::from(typed),
        };
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let format = match extension.as_deref() {
            Some("csv") => Format::Csv,
            Some("json") => Format::Json,
            _ => return Err(format!("{typed}: the file name must end in .csv or .json")),
        };
        Ok(ExportTarget {
            path,
            format,
            overwrite,
        })
    }
}

/// How far an export is: rows written, of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportProgress {
    pub written: u64,
    pub total: u64,
}

/// Why an export failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("{message}, writing {path}")]
    File { path: String, message: String },
    #[error("{0} exists: :export! replaces it")]
    Exists(String),
    /// Its task ended without an answer (it panicked).
    #[error("the export stopped: {0}")]
    Abandoned(String),
}

fn file_error(path: &Path, e: impl std::fmt::Display) -> ExportError {
    ExportError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// The file being written: beside the target under a hidden name, renamed into place by
/// [`Sink::finish`]; removed if dropped before that (a failure, an abandoned export).
struct Sink {
    writer: Option<ListWriter<BufWriter<File>>>,
    partial: PathBuf,
    target: PathBuf,
}

impl Sink {
    fn open(target: &ExportTarget, dialect: Dialect) -> Result<Sink, ExportError> {
        if !target.overwrite && target.path.exists() {
            return Err(ExportError::Exists(target.path.display().to_string()));
        }
        let name = target
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let partial = target.path.with_file_name(format!(".{name}.partial"));
        let file = File::create(&partial).map_err(|e| file_error(&partial, e))?;
        // A file is no terminal; spreadsheet formulas are guarded as on the command line.
        let printing = Printing::default();
        Ok(Sink {
            writer: Some(ListWriter::new(
                BufWriter::new(file),
                target.format,
                dialect,
                printing,
            )),
            partial,
            target: target.path.clone(),
        })
    }

    fn page(&mut self, users: &[User]) -> Result<(), ExportError> {
        match self.writer.as_mut() {
            Some(writer) => writer.page(users).map_err(|e| file_error(&self.target, e)),
            None => Ok(()),
        }
    }

    /// Writes the pages of `queue` as they come, and puts the file in place at their
    /// end; without it (the reading failed or was dropped), leaves no file. Blocking.
    fn drain(
        mut self,
        mut queue: tokio::sync::mpsc::Receiver<Piece>,
        progress: impl Fn(ExportProgress),
    ) -> Result<u64, ExportError> {
        let mut written = 0;
        while let Some(piece) = queue.blocking_recv() {
            match piece {
                Piece::Page { rows, total } => {
                    self.page(&rows)?;
                    written += rows.len() as u64;
                    progress(ExportProgress { written, total });
                }
                Piece::End => return self.finish(written),
            }
        }
        // The reading stopped before the end (its error, if any, is the one told).
        Err(ExportError::Abandoned(format!(
            "the rows stopped coming after {written}"
        )))
    }

    /// Writes `users` as the whole list and puts the file in place.
    fn all(
        mut self,
        users: &[User],
        progress: impl Fn(ExportProgress),
    ) -> Result<u64, ExportError> {
        self.page(users)?;
        let total = users.len() as u64;
        progress(ExportProgress {
            written: total,
            total,
        });
        self.finish(total)
    }

    /// Ends the list (`total` rows) and puts the file in place.
    fn finish(mut self, total: u64) -> Result<u64, ExportError> {
        if let Some(writer) = self.writer.take() {
            writer
                .finish(total)
                .map_err(|e| file_error(&self.target, e))?;
        }
        std::fs::rename(&self.partial, &self.target).map_err(|e| file_error(&self.target, e))?;
        self.partial = PathBuf::new();
        Ok(total)
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        if !self.partial.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// training: writes `rows` from the whole list at hand, in one pass over it. Blocking:
/// run it off the async threads.
pub fn run_local(
    users: &LocalUsers,
    rows: &ExportRows,
    target: &ExportTarget,
    progress: impl Fn(ExportProgress),
) -> Result<u64, ExportError> {
    let mut sink = Sink::open(target, Dialect::Training)?;
    let query = match rows {
        ExportRows::Ids(ids) => return sink.all(&users.by_ids(ids), progress),
        ExportRows::Query(query) => query,
    };
    let total = users.count(query);
    let mut written = 0;
    for page in users.pages(query, MAX_PAGE as usize) {
        sink.page(&page)?;
        written += page.len() as u64;
        progress(ExportProgress { written, total });
    }
    sink.finish(written)
}

/// A page read for the file (`total`: how many rows the query has), or the end of them.
enum Piece {
    Page { rows: Vec<User>, total: u64 },
    End,
}

/// crm: writes `rows`, a page of the server's at a time (the selection read user by
/// user, a few at once). The file is written by a blocking thread while the next page is
/// read: the async threads never wait on the disk.
pub async fn run_remote(
    client: &Client,
    rows: &ExportRows,
    target: &ExportTarget,
    progress: impl Fn(ExportProgress) + Send + 'static,
) -> Result<u64, ExportError> {
    let (target, dialect) = (target.clone(), client.dialect());
    let sink = tokio::task::spawn_blocking(move || Sink::open(&target, dialect))
        .await
        .map_err(abandoned)??;
    // Two pages queued at most: memory stays bounded whatever the disk's pace.
    let (pieces, queue) = tokio::sync::mpsc::channel(2);
    let writing = tokio::task::spawn_blocking(move || sink.drain(queue, progress));
    let read = read_pieces(client, rows, &pieces).await;
    drop(pieces);
    let written = writing.await.map_err(abandoned)?;
    // A read that failed ended the queue without its end: the writer left no file.
    read.and(written)
}

fn abandoned(e: tokio::task::JoinError) -> ExportError {
    ExportError::Abandoned(e.to_string())
}

/// Reads the pages of `rows` into `pieces`, then their end; stops early when the writer
/// has (its error says why).
async fn read_pieces(
    client: &Client,
    rows: &ExportRows,
    pieces: &tokio::sync::mpsc::Sender<Piece>,
) -> Result<(), ExportError> {
    let query = match rows {
        ExportRows::Ids(ids) => {
            let rows = selected(client, ids).await?;
            let total = rows.len() as u64;
            let _ = pieces.send(Piece::Page { rows, total }).await;
            let _ = pieces.send(Piece::End).await;
            return Ok(());
        }
        ExportRows::Query(query) => query,
    };
    let everything = ListQuery {
        offset: 0,
        ..query.clone()
    };
    let walked = paging::walk(
        &everything,
        true,
        None,
        |next| async move { ops::crm_page(client, &next).await },
        |page| async move {
            let piece = Piece::Page {
                rows: page.rows,
                total: page.total,
            };
            // The writer stopped: its own error is the one to tell.
            pieces.send(piece).await.map_err(|_| ())
        },
    )
    .await;
    match walked {
        Ok(_) => {
            let _ = pieces.send(Piece::End).await;
            Ok(())
        }
        Err(Walked::Read(e)) => Err(e.into()),
        Err(Walked::Each(())) => Ok(()),
    }
}

/// Reads the selected users' list rows one by one, a few at a time; a user no longer
/// there is left out.
async fn selected(client: &Client, ids: &[String]) -> Result<Vec<User>, ApiError> {
    let read: Vec<Result<Option<User>, ApiError>> = futures_util::stream::iter(ids.to_vec())
        .map(|id| async move { ops::crm_row(client, &id).await })
        .buffered(8)
        .collect()
        .await;
    read.into_iter().filter_map(Result::transpose).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{SortField, Status};

    fn users() -> LocalUsers {
        LocalUsers::new(
            (0..2500)
                .map(|n| User {
                    id: format!("id-{n:05}"),
                    name: format!("user {n}"),
                    email: Some(format!("u{n}@example.nl")),
                    status: if n % 2 == 0 {
                        Status::Active
                    } else {
                        Status::Inactive
                    },
                    ..User::default()
                })
                .collect(),
        )
    }

    #[test]
    fn every_page_of_the_query_lands_in_the_file_and_nothing_half_written_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("active.json");
        let target = ExportTarget::parse(path.to_str().unwrap(), false).unwrap();
        let query = ListQuery {
            status: Some(Status::Active),
            sort: SortField::Id,
            ..ListQuery::default()
        };
        let seen = std::cell::RefCell::new(Vec::new());
        let users = users();
        let written = run_local(&users, &ExportRows::Query(query), &target, |p| {
            seen.borrow_mut().push(p)
        })
        .unwrap();
        assert_eq!(written, 1250);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let rows = json["users"].as_array().unwrap();
        assert_eq!(rows.len(), 1250);
        assert_eq!(rows[1]["id"], "id-00002", "in the query's order");
        assert_eq!(json["total"], 1250);
        assert_eq!(
            seen.borrow().last(),
            Some(&ExportProgress {
                written: 1250,
                total: 1250
            }),
            "progress page by page"
        );
        assert_eq!(seen.borrow().len(), 2);
        // Once there, the file is not replaced without `export!`; no partial file stays.
        let again = run_local(
            &users,
            &ExportRows::Ids(vec!["id-00003".into()]),
            &target,
            |_| {},
        );
        assert!(matches!(again, Err(ExportError::Exists(_))), "{again:?}");
        let target = ExportTarget::parse(path.to_str().unwrap(), true).unwrap();
        let ids = ExportRows::Ids(vec!["id-00003".into(), "gone".into()]);
        assert_eq!(run_local(&users, &ids, &target, |_| {}).unwrap(), 1);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["active.json"]);
    }

    #[test]
    fn a_name_without_csv_or_json_is_refused() {
        assert!(ExportTarget::parse("users.txt", false).is_err());
        assert!(ExportTarget::parse("  ", false).is_err());
        let target = ExportTarget::parse("Users.CSV", false).unwrap();
        assert_eq!(target.format, Format::Csv);
    }
}
