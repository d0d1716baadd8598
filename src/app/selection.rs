//! The selection: users chosen by id, across pages and filters, each with its name and
//! the status it had when last seen — and when that was. A bulk action's preview counts
//! from it.

use std::collections::BTreeMap;
use std::time::Instant;

use crate::api::model::{Status, User};

/// A selected user as last seen.
#[derive(Debug, Clone, PartialEq)]
pub struct Selected {
    pub name: String,
    /// Kept for an action's `$EMAIL`, with the name it goes with.
    pub email: Option<String>,
    pub status: Status,
    /// When the page that showed this status came.
    pub seen: Instant,
}

impl Selected {
    pub fn of(user: &User, seen: Instant) -> Selected {
        Selected {
            name: user.name.clone(),
            email: user.email.clone(),
            status: user.status.clone(),
            seen,
        }
    }
}

/// Selected users by id.
pub type Selection = BTreeMap<String, Selected>;

/// A page came at `at`: the selected users on it are seen again, as they are now.
pub fn refresh(selection: &mut Selection, rows: &[User], at: Instant) {
    if selection.is_empty() {
        return;
    }
    for user in rows {
        if let Some(selected) = selection.get_mut(&user.id) {
            *selected = Selected::of(user, at);
        }
    }
}
