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
/// it comes (and waiting for it to be taken before the next is read); the total the
/// last page told.
pub async fn walk<E, F, G>(
    query: &ListQuery,
    all: bool,
    mut read: impl FnMut(ListQuery) -> F,
    mut each: impl FnMut(Page) -> G,
) -> Result<u64, Walked<E>>
where
    F: Future<Output = Result<Page, ApiError>>,
    G: Future<Output = Result<(), E>>,
{
    let mut next = query.clone();
    if all {
        next.limit = MAX_PAGE;
    }
    loop {
        let page = read(next.clone()).await.map_err(Walked::Read)?;
        let (rows, total) = (page.rows.len() as u64, page.total);
        each(page).await.map_err(Walked::Each)?;
        next.offset += rows;
        if !all || rows == 0 || next.offset >= total {
            return Ok(total);
        }
    }
}
