//! Walking a listing page by page: `users list --all` and `:export` of a query read every
//! page the same way, in pages of the most the server gives.

use std::future::Future;

use super::error::ApiError;
use super::model::{ListQuery, Page};
use super::ops::MAX_PAGE;

/// Where a walk stopped: reading a page, or doing something with one.
#[derive(Debug)]
pub enum Walked<E> {
    Read(ApiError),
    Each(E),
}

/// Reads the pages of `query` from its offset on with `read` — with `all` every one to
/// the end, in pages of [`MAX_PAGE`], else the one it names — handing each to `each` as
/// it comes; the total the last page told.
pub async fn walk<E, F>(
    query: &ListQuery,
    all: bool,
    mut read: impl FnMut(ListQuery) -> F,
    mut each: impl FnMut(&Page) -> Result<(), E>,
) -> Result<u64, Walked<E>>
where
    F: Future<Output = Result<Page, ApiError>>,
{
    let mut next = query.clone();
    if all {
        next.limit = MAX_PAGE;
    }
    loop {
        let page = read(next.clone()).await.map_err(Walked::Read)?;
        each(&page).map_err(Walked::Each)?;
        next.offset += page.rows.len() as u64;
        if !all || page.rows.is_empty() || next.offset >= page.total {
            return Ok(page.total);
        }
    }
}
