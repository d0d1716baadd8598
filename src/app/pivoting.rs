//! The pivot's keys: opening it on the focused session's address, moving and selecting
//! in it, opening an account from it, and going back to where it started.

use super::detail::{DetailPane, PaneList};
use super::pivot::{LeftPivot, Pivot};
use super::selection::Selected;
use super::{Action, App, Effect, Layer};
use crate::api::model::User;
use crate::text::sanitize;

impl App {
    /// Enter on a session: the accounts seen on its address.
    pub(super) fn open_pivot(&mut self) -> Vec<Effect> {
        let Some(pane) = self.detail.as_ref() else {
            return Vec::new();
        };
        let Some(detail) = pane.detail() else {
            return Vec::new();
        };
        let session = detail
            .sessions
            .as_ref()
            .and_then(|s| s.all.get(pane.session_cursor()));
        match session.and_then(|s| s.ip_address.as_deref()) {
            Some(address) => {
                let seen = pane.loaded_at().unwrap_or(self.now);
                self.layer = Layer::Pivot(Pivot::new(detail, address, seen));
            }
            None => self
                .status
                .refusal("this session has no IP address to follow"),
        }
        Vec::new()
    }

    /// Whether Enter in the focused pane means the pivot (on the session list).
    pub(super) fn on_sessions(&self) -> bool {
        self.detail
            .as_ref()
            .is_some_and(|pane| pane.list() == Some(PaneList::Sessions))
    }

    /// What the pivot does with `action`; None when the pivot leaves it to the table's
    /// keys (a bulk action, help, quit: they know the pivot is open).
    pub(super) fn pivot_act(&mut self, action: Action) -> Option<Vec<Effect>> {
        let pivot = self.layer.pivot_mut()?;
        if let Some(step) = action.step() {
            pivot.move_by(step);
            return Some(Vec::new());
        }
        match action {
            Action::ToggleSelect => {
                if let Some(user) = pivot.current().cloned() {
                    if self.selected.remove(&user.id).is_none() {
                        self.selected
                            .insert(user.id.clone(), Selected::of(&user, pivot.seen()));
                    }
                    pivot.move_by(1);
                }
            }
            Action::Copy => {
                let (text, what) = match pivot.address() {
                    Some(address) => (
                        address.to_string(),
                        format!("the address {}", sanitize(address)),
                    ),
                    // A ring: its accounts' ids, one a line, for the ticket.
                    None => {
                        let ids: Vec<&str> =
                            pivot.rows().iter().map(|r| r.user.id.as_str()).collect();
                        (ids.join("\n"), format!("the ring's {} ids", ids.len()))
                    }
                };
                return Some(self.copy_text(text, &what));
            }
            Action::SelectPage => {
                // Every account not blocked; all of them already selected: none.
                let seen = pivot.seen();
                let open: Vec<User> = pivot.not_blocked().cloned().collect();
                if open.iter().all(|u| self.selected.contains_key(&u.id)) {
                    for user in &open {
                        self.selected.remove(&user.id);
                    }
                } else {
                    for user in open {
                        self.selected
                            .entry(user.id.clone())
                            .or_insert_with(|| Selected::of(&user, seen));
                    }
                }
            }
            Action::Open => {
                // The account opens in the pane; Backspace there comes back to the pivot.
                let id = pivot.current().map(|u| u.id.clone())?;
                // A ring opened from the table has no pane yet: one opens.
                let request = match self.detail.as_mut() {
                    Some(pane) => pane.go_to(id, &mut self.tickets),
                    None => {
                        let (pane, request) = DetailPane::open(id, &mut self.tickets);
                        self.detail = Some(pane);
                        if !self.side_by_side {
                            self.focus = super::Focus::Detail;
                        }
                        request
                    }
                };
                let pane = self.detail.as_ref()?;
                self.left_pivot = self.layer.take_pivot().map(|pivot| LeftPivot {
                    pivot,
                    depth: pane.depth(),
                });
                return Some(vec![Effect::Send(request)]);
            }
            Action::Back | Action::Cancel => self.layer.leave(|l| matches!(l, Layer::Pivot(_))),
            _ => return None,
        }
        Some(Vec::new())
    }
}
