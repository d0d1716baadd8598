//! Dialogs over the screen: confirming a bulk action (the count typed from
//! [`TYPE_TO_CONFIRM`] users on), quitting while one runs, and throwing a form's changes
//! away.

use tui_input::Input;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::api::model::{BulkAction, Status};
use crate::api::preview;
use crate::api::undo::UndoPlan;

pub use crate::api::preview::TYPE_TO_CONFIRM;

/// Past this age a status is said to be old in the preview, by default (a profile's
/// `stale_after_secs`).
pub const STALE: Duration = Duration::from_secs(60);

/// One user a bulk action is asked for: its id and name, and its status as last seen
/// (and when).
#[derive(Debug, Clone)]
pub struct Chosen {
    pub id: String,
    pub name: String,
    /// As last seen.
    pub email: Option<String>,
    /// None when it was never seen (a retried id off the page): it counts as changing.
    pub status: Option<Status>,
    pub seen: Instant,
}

impl Chosen {
    /// `user` as seen at `seen`.
    pub fn of(user: &crate::api::model::User, seen: Instant) -> Chosen {
        Chosen {
            id: user.id.clone(),
            name: user.name.clone(),
            email: user.email.clone(),
            status: Some(user.status.clone()),
            seen,
        }
    }
}

/// A bulk action waiting to be confirmed, with what it would change.
#[derive(Debug, Clone)]
pub struct Confirm {
    pub(super) action: BulkAction,
    /// Snapshot of the users at the time of asking, the rows shown first.
    chosen: Vec<Chosen>,
    /// Selected users not among the rows shown (hidden by the filter or other pages).
    hidden: usize,
    /// Send the users the action would not change too (off: left out).
    keep_unchanged: bool,
    /// When asked: the ages of the statuses are counted from then.
    asked: Asked,
    /// What the profile asks before it is sent: the count typed, a reason.
    pub(super) asking: Asking,
    /// What the dialog says of the users, counted once when asked (a selection may hold
    /// 100,000 users; the dialog is drawn every frame).
    told: Told,
    /// The user is the one the focused pane shows, not the table's row.
    of_pane: bool,
}

/// When a confirmation is asked, past what age a status seen is old then, and what the
/// profile asks before a change is sent.
#[derive(Debug, Clone, Copy)]
pub struct Asked {
    pub at: Instant,
    pub stale_after: Duration,
    pub consent: Consent,
}

/// What a profile asks before a change is sent: past `typed_above` users the count
/// typed (`confirm_typed_above`), and why (`require_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent {
    pub typed_above: usize,
    pub reason: bool,
}

impl Default for Consent {
    fn default() -> Consent {
        Consent {
            typed_above: TYPE_TO_CONFIRM,
            reason: false,
        }
    }
}

/// What answering yes gives, so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Send, with this reason (None: none was asked).
    Yes(Option<String>),
    /// The reason is given; the count is typed next.
    CountNext,
    /// No reason yet: it is asked first.
    NoReason,
    /// The count typed is not the count.
    WrongCount,
}

/// A dialog's fields before it sends: the reason (first, when the profile asks one),
/// then the count (past the profile's number). One rule for every dialog that sends: a
/// bulk action's, an undo's.
#[derive(Debug, Clone, Default)]
pub struct Asking {
    reason: Option<Input>,
    /// The reason was given (Enter on it): the keys go to the count.
    reason_given: bool,
    typed: TypedCount,
    typed_above: usize,
}

impl Asking {
    /// What sending `count` users asks under `consent`.
    pub fn new(count: usize, consent: Consent) -> Asking {
        Asking {
            reason: consent.reason.then(Input::default),
            reason_given: false,
            typed: TypedCount::for_count(count, consent.typed_above),
            typed_above: consent.typed_above,
        }
    }

    /// Another count to send (the unchanged kept or left out): typed again, if it must.
    fn recount(&mut self, count: usize) {
        self.typed = TypedCount::for_count(count, self.typed_above);
    }

    /// The reason typed so far, when one is asked.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_ref().map(Input::value)
    }

    /// Whether the keys go to the reason (else to the count, if one is typed).
    pub fn on_reason(&self) -> bool {
        self.reason.is_some() && !self.reason_given
    }

    /// The count typed so far, when one must be typed.
    pub fn typed(&self) -> Option<&str> {
        self.typed.typed()
    }

    /// Whether the keys type text (a reason, a count) rather than answer.
    pub fn types(&self) -> bool {
        self.on_reason() || self.typed().is_some()
    }

    /// Yes, to sending `count` users: what it gives.
    pub fn answer(&mut self, count: usize) -> Answer {
        let reason = self
            .reason()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        if self.reason.is_some() && reason.is_none() {
            return Answer::NoReason;
        }
        if self.on_reason() && self.typed.typed().is_some() {
            self.reason_given = true;
            return Answer::CountNext;
        }
        if !self.typed.confirms(count) {
            self.typed.reset();
            return Answer::WrongCount;
        }
        Answer::Yes(reason)
    }

    /// The text field the keys go to, if any.
    fn input(&mut self) -> Option<&mut Input> {
        if self.on_reason() {
            return self.reason.as_mut();
        }
        self.typed.input()
    }
}

impl Asked {
    /// How long before being asked `seen` was.
    fn age(&self, seen: Instant) -> Duration {
        self.at.saturating_duration_since(seen)
    }
}

/// The counts a confirmation shows.
#[derive(Debug, Clone, Default)]
struct Told {
    preview: String,
    unchanged: usize,
    stale: Option<String>,
}

impl Confirm {
    pub fn new(action: BulkAction, chosen: Vec<Chosen>, hidden: usize, asked: Asked) -> Self {
        let mut confirm = Confirm {
            action,
            chosen,
            hidden,
            keep_unchanged: false,
            asked,
            asking: Asking::default(),
            told: Told::default(),
            of_pane: false,
        };
        confirm.told = Told {
            preview: confirm.count_preview(),
            unchanged: confirm
                .chosen
                .iter()
                .filter(|c| !confirm.changes(&c.status))
                .count(),
            stale: confirm.count_stale(),
        };
        confirm.asking = Asking::new(confirm.count(), asked.consent);
        confirm
    }

    pub fn action(&self) -> BulkAction {
        self.action
    }

    /// Asks about the user the focused pane shows.
    pub(super) fn of_the_pane(mut self) -> Self {
        self.of_pane = true;
        self
    }

    /// Whether it asks about the user the focused pane shows.
    pub fn of_pane(&self) -> bool {
        self.of_pane
    }

    /// Whether the action may change a user last seen with `status` (not seen: yes).
    fn changes(&self, status: &Option<Status>) -> bool {
        preview::changes(self.action, status.as_ref())
    }

    /// The users to send: those the action changes, and the others when kept.
    fn sent(&self) -> impl Iterator<Item = &Chosen> {
        self.chosen
            .iter()
            .filter(|c| self.keep_unchanged || self.changes(&c.status))
    }

    /// Every user asked about, sent or left out.
    pub fn chosen_ids(&self) -> Vec<&str> {
        self.chosen.iter().map(|c| c.id.as_str()).collect()
    }

    /// The ids to send.
    pub fn ids(&self) -> Vec<String> {
        self.sent().map(|c| c.id.clone()).collect()
    }

    /// Each user's status as last seen, when seen lately (not stale): journalled with
    /// the action, for its undo — an older one might restore what the user no longer had.
    pub fn before(&self) -> std::collections::HashMap<String, Status> {
        self.chosen
            .iter()
            .filter(|c| self.asked.age(c.seen) <= self.asked.stale_after)
            .filter_map(|c| Some((c.id.clone(), c.status.clone()?)))
            .collect()
    }

    /// The users left out: the action would not change them, and they are not kept.
    pub fn left_out(&self) -> Vec<String> {
        let sent: HashSet<&str> = self.sent().map(|c| c.id.as_str()).collect();
        self.chosen
            .iter()
            .filter(|c| !sent.contains(c.id.as_str()))
            .map(|c| c.id.clone())
            .collect()
    }

    /// How many users would be sent.
    pub fn count(&self) -> usize {
        if self.keep_unchanged {
            self.chosen.len()
        } else {
            self.chosen.len() - self.told.unchanged
        }
    }

    /// The first few users sent, (id, name), to show.
    pub fn named(&self) -> Vec<(&str, &str)> {
        self.sent()
            .take(3)
            .map(|c| (c.id.as_str(), c.name.as_str()))
            .collect()
    }

    pub fn hidden(&self) -> usize {
        self.hidden
    }

    pub fn keeps_unchanged(&self) -> bool {
        self.keep_unchanged
    }

    /// Tab: sends the users it would not change too, or leaves them out again.
    pub fn toggle_unchanged(&mut self) {
        self.keep_unchanged = !self.keep_unchanged;
        // Another count: typed again, if one must be.
        let count = self.count();
        self.asking.recount(count);
    }

    /// What the action does, by the status each user had when last seen:
    /// `block 12 users: 9 active → blocked, 2 pending → blocked, 1 already blocked
    /// (unchanged)`.
    pub fn preview(&self) -> &str {
        &self.told.preview
    }

    /// How many users the action would not change.
    pub fn unchanged(&self) -> usize {
        self.told.unchanged
    }

    /// `3 not seen for 10 min`: users whose status is older than the profile allows
    /// (`stale_after_secs`), with the oldest's age.
    pub fn stale(&self) -> Option<&str> {
        self.told.stale.as_deref()
    }

    fn count_preview(&self) -> String {
        preview::breakdown(
            self.action,
            self.chosen.iter().map(|c| c.status.as_ref()),
            "not seen",
        )
    }

    fn count_stale(&self) -> Option<String> {
        let ages: Vec<Duration> = self
            .chosen
            .iter()
            .map(|c| self.asked.age(c.seen))
            .filter(|age| *age > self.asked.stale_after)
            .collect();
        // Under a minute, seconds rounded up (never "0 s" for an age past the limit);
        // then whole minutes, rounded down.
        let oldest = ages.iter().max()?;
        let age = match oldest.as_secs() {
            ..60 => format!("{} s", oldest.as_millis().div_ceil(1000)),
            seconds => format!("{} min", seconds / 60),
        };
        Some(format!("{} not seen for {age}", ages.len()))
    }

    /// The reason, the count: what is asked before it is sent.
    pub fn asking(&self) -> &Asking {
        &self.asking
    }

    /// Yes: what it gives, so far.
    pub fn answer(&mut self) -> Answer {
        let count = self.count();
        self.asking.answer(count)
    }
}

/// The count an operator types to send more than a profile's number of users
/// ([`TYPE_TO_CONFIRM`] unless it says).
#[derive(Debug, Clone, Default)]
pub struct TypedCount(Option<Input>);

impl TypedCount {
    /// What sending `count` users asks for, past `above`.
    pub fn for_count(count: usize, above: usize) -> TypedCount {
        TypedCount((count > above).then(Input::default))
    }

    /// The count typed so far, when one must be typed.
    pub fn typed(&self) -> Option<&str> {
        self.0.as_ref().map(Input::value)
    }

    /// Whether the answer confirms sending `count`: always without a count to type, else
    /// when the count typed is exact.
    pub fn confirms(&self, count: usize) -> bool {
        self.0
            .as_ref()
            .is_none_or(|t| t.value().trim() == count.to_string())
    }

    /// A wrong count: typed again from nothing.
    fn reset(&mut self) {
        if let Some(typed) = self.0.as_mut() {
            typed.reset();
        }
    }

    fn input(&mut self) -> Option<&mut Input> {
        self.0.as_mut()
    }
}

/// An undo waiting to be confirmed: its plan, and what the profile asks first.
#[derive(Debug, Clone)]
pub struct UndoAsk {
    pub plan: UndoPlan,
    pub asking: Asking,
}

impl UndoAsk {
    pub fn new(plan: UndoPlan, consent: Consent) -> UndoAsk {
        let asking = Asking::new(plan.ids.len(), consent);
        UndoAsk { plan, asking }
    }

    /// Yes: what it gives, so far.
    pub fn answer(&mut self) -> Answer {
        let count = self.plan.ids.len();
        self.asking.answer(count)
    }
}

/// A dialog and what it asks.
#[derive(Debug, Clone)]
pub enum Dialog {
    Confirm(Confirm),
    /// A bulk action runs: stop it and quit?
    Quit,
    /// A form holds changes: throw them away (and quit)?
    Discard {
        then_quit: bool,
    },
    /// Undo a batch, as planned?
    Undo(UndoAsk),
    /// Run an action of the operator's own, as it will run?
    RunAction(Box<super::Pending>),
    /// An action's prompt, answered before it runs.
    Prompt(Box<super::Prompting>),
}

impl Dialog {
    /// The text field of the dialog, if it has one.
    pub fn input(&mut self) -> Option<&mut Input> {
        match self {
            Dialog::Confirm(confirm) => confirm.asking.input(),
            Dialog::Undo(ask) => ask.asking.input(),
            Dialog::Prompt(prompting) => Some(&mut prompting.input),
            Dialog::RunAction(pending) => pending.asking.input(),
            Dialog::Quit | Dialog::Discard { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(input: &mut Input, text: &str) {
        for c in text.chars() {
            input.handle(tui_input::InputRequest::InsertChar(c));
        }
    }

    #[test]
    fn a_reason_is_asked_first_then_the_count_and_both_are_needed() {
        let consent = Consent {
            typed_above: 1,
            reason: true,
        };
        let mut asking = Asking::new(2, consent);
        assert!(asking.on_reason() && asking.types());
        assert_eq!(asking.answer(2), Answer::NoReason, "nothing written yet");
        typed(asking.input().unwrap(), "  ");
        assert_eq!(asking.answer(2), Answer::NoReason, "blank is no reason");
        typed(asking.input().unwrap(), "INC-7");
        assert_eq!(asking.answer(2), Answer::CountNext);
        assert!(!asking.on_reason(), "the keys go to the count now");
        typed(asking.input().unwrap(), "3");
        assert_eq!(asking.answer(2), Answer::WrongCount);
        typed(asking.input().unwrap(), "2");
        assert_eq!(asking.answer(2), Answer::Yes(Some("INC-7".into())));
        // Under the profile's number, no count; without require_reason, no reason.
        let mut asking = Asking::new(2, Consent::default());
        assert!(!asking.types());
        assert_eq!(asking.answer(2), Answer::Yes(None));
        let mut asking = Asking::new(
            1,
            Consent {
                typed_above: 5,
                reason: true,
            },
        );
        typed(asking.input().unwrap(), "why not");
        assert_eq!(asking.answer(1), Answer::Yes(Some("why not".into())));
    }

    #[test]
    fn old_statuses_are_counted_past_the_profiles_limit_in_seconds_then_minutes() {
        let at = Instant::now() + Duration::from_secs(3600);
        let chosen = |id: &str, age: u64| Chosen {
            id: id.into(),
            name: id.into(),
            email: None,
            status: Some(Status::Active),
            seen: at - Duration::from_secs(age),
        };
        let stale = |ages: &[u64], stale_after: u64| {
            let asked = Asked {
                at,
                stale_after: Duration::from_secs(stale_after),
                consent: Consent::default(),
            };
            let chosen = ages.iter().map(|a| chosen(&a.to_string(), *a)).collect();
            Confirm::new(BulkAction::Block, chosen, 0, asked)
                .stale()
                .map(str::to_string)
        };
        assert_eq!(stale(&[5, 30], 10).as_deref(), Some("1 not seen for 30 s"));
        // Whole minutes: "1 min" from 60 s to 119 s (it said "2 min" from 61 s).
        assert_eq!(
            stale(&[30, 90], 10).as_deref(),
            Some("2 not seen for 1 min")
        );
        assert_eq!(
            stale(&[61, 119], 60).as_deref(),
            Some("2 not seen for 1 min")
        );
        assert_eq!(stale(&[30, 90], 90), None, "at the limit is not past it");
    }
}
