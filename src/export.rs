//! The dashboard's `:export PATH`: every row of a query (every page), or the selected
//! users, written to a file as CSV or JSON (by its extension) in the shapes the headless
//! commands print. Written beside the target and renamed into place at the end, so a
//! failure half-way leaves no half-written file.

use std::io::Write;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;

use crate::api::client::Client;
use crate::api::error::ApiError;
use crate::api::local::LocalUsers;
use crate::api::model::{ListQuery, User};
use crate::api::ops::{self, MAX_PAGE, UserKey};
use crate::cli::Format;
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
    #[error("writing {path}: {message}")]
    File { path: String, message: String },
    #[error("{0} exists: :export! replaces it")]
    Exists(String),
}

fn file_error(path: &Path, e: impl std::fmt::Display) -> ExportError {
    ExportError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    }
}

/// Reads the selected users: training from the whole list at hand, crm one by one (a few
/// at a time). A user no longer there is left out.
async fn selected(
    client: &Client,
    local: Option<&LocalUsers>,
    ids: &[String],
) -> Result<Vec<User>, ApiError> {
    if let Some(local) = local {
        return Ok(local.by_ids(ids));
    }
    let read = futures_util::stream::iter(ids.to_vec())
        .map(|id| read_user(client, UserKey::Id(id)))
        .buffered(8)
        .collect::<Vec<_>>()
        .await;
    let mut users = Vec::with_capacity(ids.len());
    for result in read {
        match result {
            Ok(detail) => users.push(detail.user),
            Err(e) if e.code() == Some(crate::api::error::RESOURCE_NOT_FOUND) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(users)
}

async fn read_user(
    client: &Client,
    key: UserKey,
) -> Result<crate::api::model::UserDetail, ApiError> {
    ops::detail(client, &key).await
}

/// Writes `rows` to `target`; `local` is training's whole list (None: crm pages on the
/// server). The number of rows written.
pub async fn run(
    client: &Client,
    local: Option<&LocalUsers>,
    rows: &ExportRows,
    target: &ExportTarget,
    progress: impl Fn(ExportProgress),
) -> Result<u64, ExportError> {
    let name = target
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !target.overwrite && target.path.exists() {
        return Err(ExportError::Exists(target.path.display().to_string()));
    }
    let partial = target.path.with_file_name(format!(".{name}.partial"));
    let file = std::fs::File::create(&partial).map_err(|e| file_error(&partial, e))?;
    let printing = Printing {
        terminal: false,
        csv_raw: false,
    };
    let mut writer = ListWriter::new(
        std::io::BufWriter::new(file),
        target.format,
        client.dialect(),
        printing,
    );
    let written = write_rows(client, local, rows, &mut writer, &target.path, &progress).await;
    let finished = match written {
        Ok(total) => writer
            .finish(total)
            .map(|()| total)
            .map_err(|e| file_error(&target.path, e)),
        Err(e) => Err(e),
    };
    match finished {
        Ok(total) => {
            std::fs::rename(&partial, &target.path).map_err(|e| file_error(&target.path, e))?;
            Ok(total)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

async fn write_rows<W: Write>(
    client: &Client,
    local: Option<&LocalUsers>,
    rows: &ExportRows,
    writer: &mut ListWriter<W>,
    path: &Path,
    progress: &impl Fn(ExportProgress),
) -> Result<u64, ExportError> {
    let query = match rows {
        ExportRows::Ids(ids) => {
            let users = selected(client, local, ids).await?;
            writer.page(&users).map_err(|e| file_error(path, e))?;
            let total = users.len() as u64;
            progress(ExportProgress {
                written: total,
                total,
            });
            return Ok(total);
        }
        ExportRows::Query(query) => query,
    };
    let mut next = ListQuery {
        offset: 0,
        limit: MAX_PAGE,
        ..query.clone()
    };
    let mut written = 0;
    loop {
        let page = match local {
            Some(users) => users.page(&next),
            None => ops::crm_page(client, &next).await?,
        };
        writer.page(&page.rows).map_err(|e| file_error(path, e))?;
        written += page.rows.len() as u64;
        next.offset += page.rows.len() as u64;
        progress(ExportProgress {
            written,
            total: page.total,
        });
        if page.rows.is_empty() || next.offset >= page.total {
            return Ok(written);
        }
    }
}
