//! An account's history over the table (`T`, `:timeline`): its creation, sessions and
//! their changes, gaps, and this machine's journal entries about it, oldest first, with
//! the cursor on the newest.

use super::listed::{ListLoad, Listed};
use super::{App, Effect, Layer};
use crate::api::ops::UserKey;
use crate::api::timeline::Event;
use crate::text::sanitize;
use crate::worker::{Request, RequestId};

pub type TimelineLoad = ListLoad<Event>;

/// Whose history, and the history.
#[derive(Debug)]
pub struct TimelineView {
    /// The id asked for (the answer's id once it came).
    user: String,
    pub(super) list: Listed<Event>,
}

impl TimelineView {
    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn list(&self) -> &Listed<Event> {
        &self.list
    }
}

impl App {
    /// The history of the user in front (the one target rule's user), over the table.
    pub(super) fn ask_timeline(&mut self) -> Vec<Effect> {
        let user = match self.current_user() {
            Ok((chosen, _)) => chosen.id,
            Err(why) => {
                self.status.refusal(format!("no timeline: {why}"));
                return Vec::new();
            }
        };
        let id = self.tickets.issue();
        self.layer = Layer::Timeline(TimelineView {
            user: user.clone(),
            list: Listed::new(id),
        });
        vec![Effect::Send(Request::Timeline {
            id,
            key: UserKey::Id(user),
            journal: self.config.journal.clone(),
            profile: self.config.profile.clone(),
        })]
    }

    /// The history asked for came (or failed), if its view still waits for it.
    pub(super) fn timeline_read(
        &mut self,
        id: RequestId,
        result: Result<(String, Vec<Event>), String>,
    ) {
        let Some(view) = self.layer.timeline_mut() else {
            return;
        };
        let (user, result) = match result {
            Ok((user, events)) => (Some(user), Ok(events)),
            Err(why) => (None, Err(sanitize(&why).into_owned())),
        };
        if view.list.answer(id, result) {
            view.user = user.unwrap_or(std::mem::take(&mut view.user));
            // On the newest moment: where an investigation starts.
            view.list.move_by(i64::MAX / 2);
        }
    }
}
