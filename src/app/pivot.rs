//! "Accounts seen on ADDRESS": from a session's IP address, the user it belongs to and
//! every user that shared that address (by the contract's overlapIPUsers), with when
//! each was last seen there — a list to select from and act on. The ring around an
//! account (`:ring`) is the same list, its accounts breadth first.

use std::collections::HashSet;
use std::time::Instant;

use crate::api::model::{BulkAction, Status, User, UserDetail};
use crate::api::ring::Ring;
use crate::signals::Signal;

/// One account seen on the address, or of the ring.
#[derive(Debug, Clone, PartialEq)]
pub struct PivotRow {
    pub user: User,
    /// When it was last seen on the address, when known.
    pub last_seen: Option<String>,
    /// A ring's account: how it was reached, and its signals (server text: sanitize).
    pub note: Option<String>,
}

/// What the list is around.
#[derive(Debug, Clone, PartialEq)]
pub enum Around {
    Address(String),
    Ring {
        start: String,
        depth: u32,
        /// More accounts were linked than the ring holds.
        cut_short: bool,
    },
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
    around: Around,
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
                note: None,
            })
            .collect();
        others.sort_by(|a, b| b.last_seen.cmp(&a.last_seen));
        let mut rows = vec![PivotRow {
            user: detail.user.clone(),
            last_seen: own,
            note: None,
        }];
        rows.extend(others);
        Pivot {
            around: Around::Address(address.to_string()),
            rows,
            cursor: 0,
            seen,
        }
    }

    /// The accounts of `ring`, breadth first, each saying how it was reached (the
    /// account before it and the addresses they shared) and its signals.
    pub fn ring(ring: &Ring, seen: Instant) -> Pivot {
        let links = ring.links_by_pair();
        let rows = ring
            .members
            .iter()
            .map(|m| {
                let how = match &m.via {
                    None => "the start".to_string(),
                    Some(via) => {
                        let shared = links.get(&(via.as_str(), m.user.id.as_str()));
                        // Unknown when the account could not be read: its sessions say.
                        match shared.map(|l| l.addresses.join(", ")) {
                            Some(on) if !on.is_empty() => {
                                format!("depth {} via {via} on {on}", m.depth)
                            }
                            _ => format!("depth {} via {via}", m.depth),
                        }
                    }
                };
                let signals = match (&m.signals, &m.error) {
                    (_, Some(error)) => format!("not read: {error}"),
                    (None, None) => String::new(),
                    (Some(signals), None) if signals.is_empty() => "no signals".into(),
                    (Some(signals), None) => signals
                        .iter()
                        .map(Signal::short)
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                PivotRow {
                    user: m.user.clone(),
                    last_seen: None,
                    note: Some(format!("{how} · {signals}")),
                }
            })
            .collect();
        Pivot {
            around: Around::Ring {
                start: ring.start.clone(),
                depth: ring.depth,
                cut_short: ring.cut_short,
            },
            rows,
            cursor: 0,
            seen,
        }
    }

    pub fn around(&self) -> &Around {
        &self.around
    }

    /// The accounts not blocked: what "select all" takes in a ring or on an address.
    pub fn not_blocked(&self) -> impl Iterator<Item = &User> {
        self.rows
            .iter()
            .map(|r| &r.user)
            .filter(|u| u.status != Status::Blocked)
    }

    pub fn seen(&self) -> Instant {
        self.seen
    }

    /// The user the pivot started from: its first row.
    pub fn user_id(&self) -> Option<&str> {
        self.rows.first().map(|r| r.user.id.as_str())
    }

    /// The address the list is around (none for a ring).
    pub fn address(&self) -> Option<&str> {
        match &self.around {
            Around::Address(address) => Some(address),
            Around::Ring { .. } => None,
        }
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
