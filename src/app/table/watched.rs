//! What a watch brings to the table: the page shown read again, a user read again.

use std::time::Instant;

use super::{Load, TableView};
use crate::api::model::{ListQuery, Page, User};

impl TableView {
    /// A watch read the page shown again: its rows take the place of the ones shown,
    /// if they still answer what is asked and nothing else is on its way. The cursor
    /// stays on its user (or, gone, on its row); whether anything shown changed.
    pub fn reread(&mut self, query: &ListQuery, page: Page, now: Instant, of: u64) -> bool {
        let fits = self.load == Load::Loaded
            && self.generation == of
            && self.in_flight.is_none()
            && self.wanted == *query
            && self.shown.as_ref().is_some_and(|s| s.query == *query);
        let Some(shown) = self.shown.as_mut().filter(|_| fits) else {
            return false;
        };
        // A page emptied meanwhile waits for the operator to turn back (a reload would).
        if page.rows.is_empty() && page.total > 0 {
            return false;
        }
        shown.at = now;
        if shown.page == page {
            return false;
        }
        let under = shown.page.rows.get(self.cursor).map(|u| u.id.clone());
        shown.page = page;
        self.generation += 1;
        // Rows moved: the page after this one may hold other users now.
        self.ahead = super::Ahead::None;
        let rows = &shown.page.rows;
        self.cursor = under
            .and_then(|id| rows.iter().position(|u| u.id == id))
            .unwrap_or(self.cursor)
            .min(rows.len().saturating_sub(1));
        // A shorter page fills the view again rather than leave rows above its top.
        self.scroll = self.scroll.min(rows.len().saturating_sub(self.height));
        self.keep_cursor_in_view();
        true
    }

    /// `user` as read just now (a watched account): its row says so, what the page read
    /// last said of it aside.
    /// Whether it is among the rows shown.
    pub fn refresh_user(&mut self, user: &User) -> bool {
        let row = self
            .shown
            .as_mut()
            .and_then(|s| s.page.rows.iter_mut().find(|u| u.id == user.id));
        let Some(row) = row else {
            return false;
        };
        row.status = user.status.clone();
        row.name.clone_from(&user.name);
        row.email.clone_from(&user.email);
        true
    }
}
