//! How one list query differs from another, in words: the footer says what is pending
//! (`filtering "zed"…`) and, when it failed, what is shown instead.

use crate::api::model::{ListQuery, SortField, Status};
use crate::text::{fit_middle, sanitize};

/// How one query differs from another, in words for the footer.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Text(Option<String>),
    Status(Option<Status>),
    Sort(SortField, bool),
    Page(u64),
}

impl Change {
    /// What differs from `from` in `to`, most telling first.
    pub fn between(from: &ListQuery, to: &ListQuery) -> Vec<Change> {
        let mut changes = Vec::new();
        if from.text != to.text {
            changes.push(Change::Text(to.text.clone()));
        }
        if from.status != to.status {
            changes.push(Change::Status(to.status.clone()));
        }
        if (from.sort, from.descending) != (to.sort, to.descending) {
            changes.push(Change::Sort(to.sort, to.descending));
        }
        if changes.is_empty() && from.offset != to.offset {
            changes.push(Change::Page(to.offset / to.limit.max(1) + 1));
        }
        changes
    }

    /// The same kind of change, as `query` has it: what is shown instead.
    pub fn as_in(&self, query: &ListQuery) -> Change {
        match self {
            Change::Text(_) => Change::Text(query.text.clone()),
            Change::Status(_) => Change::Status(query.status.clone()),
            Change::Sort(..) => Change::Sort(query.sort, query.descending),
            Change::Page(_) => Change::Page(query.offset / query.limit.max(1) + 1),
        }
    }

    /// As a noun: `filter "zed"`, `status blocked`, `page 3`.
    pub fn noun(&self) -> String {
        match self {
            Change::Text(Some(text)) => format!("filter \"{}\"", filter_text(text)),
            Change::Text(None) => "no filter".into(),
            Change::Status(status) => format!("status {}", status_label(status.as_ref())),
            Change::Sort(field, descending) => {
                format!("sort by {} {}", field.label(), arrow(*descending))
            }
            Change::Page(page) => format!("page {page}"),
        }
    }

    /// As work under way: `filtering "zed"`, `clearing the filter`.
    pub fn verb(&self) -> String {
        match self {
            Change::Text(Some(text)) => format!("filtering \"{}\"", filter_text(text)),
            Change::Text(None) => "clearing the filter".into(),
            Change::Status(status) => format!("status {}", status_label(status.as_ref())),
            Change::Sort(field, descending) => {
                format!("sorting by {} {}", field.label(), arrow(*descending))
            }
            Change::Page(page) => format!("page {page}"),
        }
    }
}

/// A filter's text as the footer quotes it: safe, and short enough to leave room for the
/// rest of the line.
pub fn filter_text(text: &str) -> String {
    fit_middle(&sanitize(text), 20)
}

/// The status filter as the footer shows it ("all" without one).
pub fn status_label(status: Option<&Status>) -> String {
    status.map_or_else(|| "all".into(), Status::to_string)
}

pub fn arrow(descending: bool) -> &'static str {
    if descending { "↓" } else { "↑" }
}
