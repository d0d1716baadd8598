//! "Accounts seen on ADDRESS": from a session's IP address, the user it belongs to and
//! every user that shared that address (by the contract's overlapIPUsers), with when
//! each was last seen there — a list to select from and act on.

use std::collections::HashSet;
use std::time::Instant;

use crate::api::model::{BulkAction, User, UserDetail};

/// One account seen on the address.
#[derive(Debug, Clone, PartialEq)]
pub struct PivotRow {
    pub user: User,
    /// When it was last seen on the address, when known.
    pub last_seen: Option<String>,
}

/// The pivot an account was opened from: Backspace on that account comes back to it.
#[derive(Debug, Clone)]
pub struct LeftPivot {
    pub pivot: Pivot,
    /// The depth of the pane's way back at the account.
    pub depth: usize,
}

/// The accounts seen on one address, a cursor in them, and when what they say was read.
#[derive(Debug, Clone)]
pub struct Pivot {
    address: String,
    rows: Vec<PivotRow>,
    cursor: usize,
    /// When the detail they come from was read: their statuses are as old as that.
    seen: Instant,
}

impl Pivot {
    /// The accounts seen on `address`: the user `detail` shows first, then the others
    /// that shared it, the most recently seen first.
    pub fn new(detail: &UserDetail, address: &str, seen: Instant) -> Pivot {
        let own = detail.sessions.as_ref().and_then(|s| {
            s.all
                .iter()
                .filter(|session| session.ip_address.as_deref() == Some(address))
                .map(|session| {
                    session
                        .last_active_at
                        .clone()
                        .unwrap_or_else(|| session.updated_at.clone())
                })
                .max()
        });
        let mut others: Vec<PivotRow> = detail
            .overlaps
            .iter()
            .flatten()
            .filter(|o| o.shared_ips.iter().any(|ip| ip == address))
            .map(|o| PivotRow {
                user: o.user.clone(),
                last_seen: o.last_seen.get(address).cloned(),
            })
            .collect();
        others.sort_by(|a, b| b.last_seen.cmp(&a.last_seen));
        let mut rows = vec![PivotRow {
            user: detail.user.clone(),
            last_seen: own,
        }];
        rows.extend(others);
        Pivot {
            address: address.to_string(),
            rows,
            cursor: 0,
            seen,
        }
    }

    pub fn seen(&self) -> Instant {
        self.seen
    }

    /// The user the pivot started from: its first row.
    pub fn user_id(&self) -> Option<&str> {
        self.rows.first().map(|r| r.user.id.as_str())
    }

    pub fn address(&self) -> &str {
        &self.address
    }

    pub fn rows(&self) -> &[PivotRow] {
        &self.rows
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The account under the cursor.
    pub fn current(&self) -> Option<&User> {
        self.rows.get(self.cursor).map(|r| &r.user)
    }

    pub fn move_by(&mut self, delta: i64) {
        let last = self.rows.len().saturating_sub(1) as i64;
        self.cursor = (self.cursor as i64 + delta).clamp(0, last) as usize;
    }

    /// A bulk action succeeded on `ids`: their rows show the new status at once.
    pub fn acted(&mut self, action: BulkAction, ids: &HashSet<&str>) {
        let Some(status) = action.resulting_status() else {
            return;
        };
        for row in &mut self.rows {
            if ids.contains(row.user.id.as_str()) {
                row.user.status = status.clone();
            }
        }
    }
}
