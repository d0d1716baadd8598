//! An account's history over the table (`T`, `:timeline`): its creation, sessions and
//! their changes, gaps, and this machine's journal entries about it, oldest first, with
//! the cursor on the newest.

use super::{Action, App, Effect, Layer};
use crate::api::ops::UserKey;
use crate::api::timeline::Event;
use crate::text::sanitize;
use crate::worker::{Request, RequestId};

#[derive(Debug, Clone)]
pub enum TimelineLoad {
    Loading(RequestId),
    Loaded(Vec<Event>),
    Failed(String),
}

#[derive(Debug)]
pub struct TimelineView {
    /// Whose history: the id asked for (the answer's id once it came).
    user: String,
    load: TimelineLoad,
    cursor: usize,
}

impl TimelineView {
    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn load(&self) -> &TimelineLoad {
        &self.load
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn events(&self) -> &[Event] {
        match &self.load {
            TimelineLoad::Loaded(events) => events,
            _ => &[],
        }
    }

    /// Moves the cursor by `delta` events, within the list.
    fn move_by(&mut self, delta: i64) {
        let last = self.events().len().saturating_sub(1) as i64;
        self.cursor = (self.cursor as i64 + delta).clamp(0, last) as usize;
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
            load: TimelineLoad::Loading(id),
            cursor: 0,
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
        if !matches!(view.load, TimelineLoad::Loading(asked) if asked == id) {
            return;
        }
        view.load = match result {
            Ok((user, events)) => {
                view.user = user;
                view.cursor = events.len().saturating_sub(1);
                TimelineLoad::Loaded(events)
            }
            Err(why) => TimelineLoad::Failed(sanitize(&why).into_owned()),
        };
    }

    /// What the timeline does with `action`; None leaves it to the table's keys (help,
    /// quit). Closing it drops a history still on its way.
    pub(super) fn timeline_act(&mut self, action: Action) -> Option<Vec<Effect>> {
        let view = self.layer.timeline_mut()?;
        match (action.step(), action) {
            (Some(step), _) => view.move_by(step),
            (None, Action::Cancel) => self.layer = Layer::Table,
            _ => return None,
        }
        Some(Vec::new())
    }
}
