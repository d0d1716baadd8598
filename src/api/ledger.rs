//! The outcome of a mutation as a ledger over the ids given: each id in exactly one class
//! — succeeded, failed (why), unknown (why), not sent — from the moment it is given. The
//! counts, the verdict (and so every exit code), the summary line, the JSON and CSV
//! reports, the journal's lines and the dashboard's result are all read from it, so none
//! of them can leave a class out.

use std::collections::{HashMap, HashSet};

use super::error::ApiError;
use super::model::{BulkAction, FailReason};

/// What became of one id.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Succeeded,
    Failed(FailReason),
    /// Sent, but no answer says whether the server applied it: why.
    Unknown(String),
    /// Never sent: the action stopped (or was refused) first.
    NotSent,
}

/// The classes of [`Outcome`], to count and to name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Succeeded,
    Failed,
    Unknown,
    NotSent,
}

impl Class {
    pub const ALL: [Class; 4] = [
        Class::Succeeded,
        Class::Failed,
        Class::Unknown,
        Class::NotSent,
    ];

    /// The key of its ids in the JSON report and the journal's lines.
    pub fn key(self) -> &'static str {
        match self {
            Class::Succeeded => "succeeded",
            Class::Failed => "failed",
            Class::Unknown => "unknown",
            Class::NotSent => "notSent",
        }
    }

    /// As the summary, the CSV report and the journal's listing say it.
    pub fn label(self) -> &'static str {
        match self {
            Class::Succeeded => "succeeded",
            Class::Failed => "failed",
            Class::Unknown => "unknown",
            Class::NotSent => "not sent",
        }
    }
}

impl Outcome {
    /// What became of the ids of a request answered with `result`, as a whole: unknown
    /// when the server may have applied it without a sure answer, else failed.
    pub fn of<T>(result: Result<T, &ApiError>) -> Outcome {
        match result {
            Ok(_) => Outcome::Succeeded,
            Err(e) if e.may_have_applied() => Outcome::Unknown(e.to_string()),
            Err(e) => Outcome::Failed(FailReason::Error(e.to_string())),
        }
    }

    /// Why an id has this outcome, where there is a why (failed, unknown).
    pub fn reason(&self) -> Option<String> {
        match self {
            Outcome::Failed(reason) => Some(reason.to_string()),
            Outcome::Unknown(why) => Some(why.clone()),
            Outcome::Succeeded | Outcome::NotSent => None,
        }
    }

    pub fn class(&self) -> Class {
        match self {
            Outcome::Succeeded => Class::Succeeded,
            Outcome::Failed(_) => Class::Failed,
            Outcome::Unknown(_) => Class::Unknown,
            Outcome::NotSent => Class::NotSent,
        }
    }
}

/// How many ids are in each class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub succeeded: usize,
    pub failed: usize,
    pub unknown: usize,
    pub not_sent: usize,
}

impl Counts {
    pub fn of(&self, class: Class) -> usize {
        match class {
            Class::Succeeded => self.succeeded,
            Class::Failed => self.failed,
            Class::Unknown => self.unknown,
            Class::NotSent => self.not_sent,
        }
    }

    pub fn total(&self) -> usize {
        self.succeeded + self.failed + self.unknown + self.not_sent
    }
}

/// What a ledger says of the action as a whole: the one source of every exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every id succeeded (or none was given).
    Succeeded,
    /// The server refused the token: the action stopped there.
    Unauthorized,
    /// Some outcome is unknown or some id was never sent: the server's state is not what
    /// a finished action would leave, and the operator must look.
    Unsettled,
    /// Some failed and some succeeded; every id was answered.
    Partial,
    /// Every id failed, each unknown to the server.
    NotFound,
    /// Every id failed.
    Failed,
}

/// The ledger of one mutation (a bulk action, a chunk of it, an edit).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    /// Every id given, once, in the order given, with its outcome.
    entries: Vec<(String, Outcome)>,
    at: HashMap<String, usize>,
    /// Ids whose outcome was unknown and was settled by reading the users back.
    read_back: HashSet<String>,
    unauthorized: bool,
    /// Kept as outcomes change: progress reads them after every chunk.
    counts: Counts,
}

impl Ledger {
    /// A ledger over `ids` (a duplicate counts once, where first given), none sent yet.
    pub fn new(ids: impl IntoIterator<Item = String>) -> Ledger {
        Ledger::of(ids.into_iter().map(|id| (id, Outcome::NotSent)))
    }

    /// A ledger of known outcomes; an id given twice keeps its place and its last outcome.
    pub fn of(outcomes: impl IntoIterator<Item = (String, Outcome)>) -> Ledger {
        let mut ledger = Ledger::default();
        for (id, outcome) in outcomes {
            match ledger.at.get(&id) {
                Some(&at) => ledger.put(at, outcome),
                None => {
                    *ledger.count(outcome.class()) += 1;
                    ledger.at.insert(id.clone(), ledger.entries.len());
                    ledger.entries.push((id, outcome));
                }
            }
        }
        ledger
    }

    fn count(&mut self, class: Class) -> &mut usize {
        match class {
            Class::Succeeded => &mut self.counts.succeeded,
            Class::Failed => &mut self.counts.failed,
            Class::Unknown => &mut self.counts.unknown,
            Class::NotSent => &mut self.counts.not_sent,
        }
    }

    fn put(&mut self, at: usize, outcome: Outcome) {
        *self.count(self.entries[at].1.class()) -= 1;
        *self.count(outcome.class()) += 1;
        self.entries[at].1 = outcome;
    }

    /// Every one of `ids` with the same outcome.
    pub fn all(ids: impl IntoIterator<Item = String>, outcome: &Outcome) -> Ledger {
        Ledger::of(ids.into_iter().map(|id| (id, outcome.clone())))
    }

    /// Records what became of `id`; an id that was not given is not taken in (false).
    pub fn set(&mut self, id: &str, outcome: Outcome) -> bool {
        match self.at.get(id) {
            Some(&at) => {
                self.put(at, outcome);
                true
            }
            None => false,
        }
    }

    /// Records the same outcome for each of `ids`.
    pub fn set_all<'a>(&mut self, ids: impl IntoIterator<Item = &'a String>, outcome: &Outcome) {
        for id in ids {
            self.set(id, outcome.clone());
        }
    }

    /// Takes in the outcomes of `other` (a chunk's, a reading back's) for ids given here.
    pub fn take(&mut self, other: Ledger) {
        for (id, outcome) in other.entries {
            self.set(&id, outcome);
        }
        self.read_back.extend(other.read_back);
        self.unauthorized |= other.unauthorized;
    }

    /// Every id with its outcome, in the order given.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (&String, &Outcome)> {
        self.entries.iter().map(|(id, outcome)| (id, outcome))
    }

    pub fn outcome(&self, id: &str) -> Option<&Outcome> {
        self.at.get(id).map(|&at| &self.entries[at].1)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The ids of one class with their outcomes, in the order given.
    pub fn of_class(&self, class: Class) -> impl Iterator<Item = (&String, &Outcome)> {
        self.entries()
            .filter(move |(_, outcome)| outcome.class() == class)
    }

    /// Every id with its outcome, grouped by class in the order of [`Class::ALL`]: how a
    /// report lists them.
    pub fn grouped(&self) -> impl Iterator<Item = (Class, &String, &Outcome)> {
        Class::ALL.into_iter().flat_map(move |class| {
            self.of_class(class)
                .map(move |(id, outcome)| (class, id, outcome))
        })
    }

    /// The ids of one class, in the order given.
    pub fn ids(&self, class: Class) -> impl Iterator<Item = &String> {
        self.of_class(class).map(|(id, _)| id)
    }

    pub fn succeeded(&self) -> impl Iterator<Item = &String> {
        self.ids(Class::Succeeded)
    }

    pub fn failed(&self) -> impl Iterator<Item = (&String, &FailReason)> {
        self.entries
            .iter()
            .filter_map(|(id, outcome)| match outcome {
                Outcome::Failed(reason) => Some((id, reason)),
                _ => None,
            })
    }

    pub fn unknown(&self) -> impl Iterator<Item = (&String, &str)> {
        self.entries
            .iter()
            .filter_map(|(id, outcome)| match outcome {
                Outcome::Unknown(why) => Some((id, why.as_str())),
                _ => None,
            })
    }

    pub fn not_sent(&self) -> impl Iterator<Item = &String> {
        self.ids(Class::NotSent)
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Ids settled by reading them back, in the order given.
    pub fn read_back(&self) -> impl Iterator<Item = &String> {
        self.entries
            .iter()
            .map(|(id, _)| id)
            .filter(|id| self.read_back.contains(*id))
    }

    pub fn read_back_count(&self) -> usize {
        self.read_back.len()
    }

    /// "2 verified by reading back", as every report says it; None when none was.
    pub fn read_back_said(&self) -> Option<String> {
        let n = self.read_back.len();
        (n > 0).then(|| format!("{n} verified by reading back"))
    }

    /// `id`'s outcome was settled by reading it back.
    pub fn mark_read_back(&mut self, id: &str) {
        if self.at.contains_key(id) {
            self.read_back.insert(id.to_string());
        }
    }

    pub fn unauthorized(&self) -> bool {
        self.unauthorized
    }

    /// The server refused the token: no further request goes.
    pub fn refuse_token(&mut self) {
        self.unauthorized = true;
    }

    /// The classes as the JSON report and the journal's lines hold them: `succeeded` and
    /// `notSent` as ids, `failed` and `unknown` as `{"id", "reason"}` pairs.
    pub fn to_json(&self) -> serde_json::Value {
        let reasons = |class: Class| -> Vec<serde_json::Value> {
            self.of_class(class)
                .map(|(id, outcome)| serde_json::json!({ "id": id, "reason": outcome.reason() }))
                .collect()
        };
        let mut classes = serde_json::Map::new();
        for class in Class::ALL {
            let ids = match class {
                Class::Failed | Class::Unknown => reasons(class),
                Class::Succeeded | Class::NotSent => {
                    self.ids(class).map(|id| serde_json::json!(id)).collect()
                }
            };
            classes.insert(class.key().into(), serde_json::Value::Array(ids));
        }
        serde_json::Value::Object(classes)
    }

    /// The action as a whole; every exit code and farewell is derived from this.
    pub fn verdict(&self) -> Verdict {
        let counts = self.counts();
        if self.unauthorized {
            Verdict::Unauthorized
        } else if counts.unknown > 0 || counts.not_sent > 0 {
            Verdict::Unsettled
        } else if counts.failed == 0 {
            Verdict::Succeeded
        } else if counts.succeeded > 0 {
            Verdict::Partial
        } else if self
            .failed()
            .all(|(_, reason)| *reason == FailReason::UnknownToServer)
        {
            Verdict::NotFound
        } else {
            Verdict::Failed
        }
    }

    /// "block: 2 succeeded, 1 failed, 1 unknown, 3 not sent": succeeded and failed
    /// always, the other classes when they hold any id.
    pub fn summary(&self, action: BulkAction) -> String {
        format!("{}: {}", action.verb(), self.counted())
    }

    /// "2 succeeded, 1 failed, 1 unknown, 3 not sent".
    pub fn counted(&self) -> String {
        let counts = self.counts();
        Class::ALL
            .iter()
            .filter(|&&class| {
                matches!(class, Class::Succeeded | Class::Failed) || counts.of(class) > 0
            })
            .map(|&class| format!("{} {}", counts.of(class), class.label()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Why the action did not simply succeed, in a sentence; None when it did.
    pub fn complaint(&self) -> Option<String> {
        let counts = self.counts();
        Some(match self.verdict() {
            Verdict::Succeeded => return None,
            Verdict::Unauthorized => match counts.not_sent {
                0 => "the server refused the token [UNAUTHORIZED]".to_string(),
                n => format!("the server refused the token [UNAUTHORIZED]: {n} ids were not sent"),
            },
            Verdict::Unsettled => match (counts.unknown, counts.not_sent) {
                (0, left) => format!("{left} ids were never sent"),
                (unknown, 0) => format!("the outcome of {unknown} ids is unknown"),
                (unknown, left) => {
                    format!("the outcome of {unknown} ids is unknown and {left} were never sent")
                }
            },
            Verdict::Partial => format!(
                "only {} of {} succeeded",
                counts.succeeded,
                counts.succeeded + counts.failed
            ),
            Verdict::NotFound => "no user was found".into(),
            Verdict::Failed => "nothing succeeded".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![
            Just(Outcome::Succeeded),
            Just(Outcome::Failed(FailReason::UnknownToServer)),
            Just(Outcome::Failed(FailReason::Error("boom".into()))),
            Just(Outcome::Unknown("lost".into())),
            Just(Outcome::NotSent),
        ]
    }

    proptest! {
        #[test]
        fn every_id_is_counted_once_and_the_verdict_follows_the_classes(
            given in proptest::collection::vec(0u8..40, 0..60),
            told in proptest::collection::vec((0u8..50, outcome()), 0..80),
        ) {
            let mut ledger = Ledger::new(given.iter().map(|n| n.to_string()));
            let distinct: HashSet<u8> = given.iter().copied().collect();
            for (n, outcome) in told {
                let taken = ledger.set(&n.to_string(), outcome);
                prop_assert_eq!(taken, distinct.contains(&n));
            }
            let counts = ledger.counts();
            for class in Class::ALL {
                prop_assert_eq!(counts.of(class), ledger.ids(class).count());
            }
            prop_assert_eq!(counts.total(), distinct.len());
            prop_assert_eq!(ledger.len(), distinct.len());
            let verdict = ledger.verdict();
            let unsettled = counts.unknown + counts.not_sent > 0;
            prop_assert_eq!(verdict == Verdict::Unsettled, unsettled);
            prop_assert_eq!(verdict == Verdict::Succeeded, counts.total() == counts.succeeded);
            prop_assert_eq!(ledger.complaint().is_none(), verdict == Verdict::Succeeded);
            for class in Class::ALL {
                let named = format!("{} {}", counts.of(class), class.label());
                let shown = counts.of(class) > 0
                    || matches!(class, Class::Succeeded | Class::Failed);
                prop_assert_eq!(ledger.counted().contains(&named), shown);
            }
        }
    }

    #[test]
    fn the_order_given_is_kept_whatever_order_outcomes_come_in() {
        let mut ledger = Ledger::new(["c", "a", "b", "a"].map(String::from));
        ledger.set("b", Outcome::Succeeded);
        ledger.set("c", Outcome::Unknown("lost".into()));
        let ids: Vec<&String> = ledger.entries().map(|(id, _)| id).collect();
        assert_eq!(ids, ["c", "a", "b"]);
        assert_eq!(
            ledger.summary(BulkAction::Block),
            "block: 1 succeeded, 0 failed, 1 unknown, 1 not sent"
        );
    }
}
