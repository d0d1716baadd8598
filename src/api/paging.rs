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
/// last page told. With a `cap`, no more than that many rows are handed on in all (the
/// last page asked for only what is left).
pub async fn walk<E, F, G>(
    query: &ListQuery,
    all: bool,
    cap: Option<u64>,
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
    let mut handed = 0;
    loop {
        let left = cap.map(|cap| cap.saturating_sub(handed));
        if let Some(left) = left {
            next.limit = next.limit.min(left.max(1));
        }
        let mut page = read(next.clone()).await.map_err(Walked::Read)?;
        let fetched = page.rows.len() as u64;
        if let Some(left) = left {
            page.rows
                .truncate(usize::try_from(left).unwrap_or(usize::MAX));
        }
        let (rows, total) = (page.rows.len() as u64, page.total);
        handed += rows;
        each(page).await.map_err(Walked::Each)?;
        next.offset += fetched;
        if !all || fetched == 0 || next.offset >= total || cap.is_some_and(|cap| handed >= cap) {
            return Ok(total);
        }
    }
}
