//! A model-based test of the dashboard (issue #20): random keys, page turns, `:goto`,
//! resizes, and answers that come late, out of order, fail or never come — and after
//! every step the invariants an operator relies on:
//! - every row shown answers the query shown;
//! - a confirmation asks about exactly the users in front of the operator: the marked
//!   ones, else the one the pane shows, else the table's row under the cursor — and that
//!   row is on the page shown, not on one still on its way;
//! - nothing is sent to change users unless `y` answered a confirmation naming them;
//! - a watch's read (issue #24) never moves the cursor off its user, nor changes the
//!   selection or the account open, while the server's users change under it.
//!
//! Failures shrink to the shortest sequence of steps; proptest keeps them in
//! `proptest-regressions/`.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;

const TOTAL: u64 = 45;

#[derive(Debug, Clone)]
enum Step {
    Key(KeyCode),
    /// `:goto u{n}`.
    Goto(u64),
    Resize {
        side_by_side: bool,
    },
    /// The pending request at this index (modulo their number) answers: true ok, false
    /// failed.
    Answer(usize, bool),
    /// The pending request at this index never answers.
    Lose(usize),
    /// `:watch 2`, or `:watch off`.
    Watch(bool),
    /// The watch's time to read again.
    WatchTick,
    /// Another client blocks (or activates) user `u{n}` on the server.
    Change(u64),
}

fn step() -> impl Strategy<Value = Step> {
    let keys = prop_oneof![
        Just(KeyCode::Char('j')),
        Just(KeyCode::Char('k')),
        Just(KeyCode::Char('g')),
        Just(KeyCode::Char('G')),
        Just(KeyCode::PageDown),
        Just(KeyCode::PageUp),
        Just(KeyCode::Enter),
        Just(KeyCode::Char(' ')),
        Just(KeyCode::Char('*')),
        Just(KeyCode::Char('U')),
        Just(KeyCode::Char('b')),
        Just(KeyCode::Char('a')),
        Just(KeyCode::Char('y')),
        Just(KeyCode::Char('n')),
        Just(KeyCode::Esc),
        Just(KeyCode::Tab),
        Just(KeyCode::Backspace),
    ];
    prop_oneof![
        6 => keys.prop_map(Step::Key),
        1 => (0..TOTAL).prop_map(Step::Goto),
        1 => any::<bool>().prop_map(|side_by_side| Step::Resize { side_by_side }),
        4 => (0..8usize, prop::bool::weighted(0.85)).prop_map(|(i, ok)| Step::Answer(i, ok)),
        1 => (0..8usize).prop_map(Step::Lose),
        1 => prop::bool::weighted(0.8).prop_map(Step::Watch),
        2 => Just(Step::WatchTick),
        1 => (0..TOTAL).prop_map(Step::Change),
    ]
}

/// The user in front of the operator when nothing is marked, as the screen shows it:
/// the pane's user once read, else the table's row under the cursor (which the pane
/// still loading was opened on, or no user at all).
fn in_front(app: &App) -> Option<String> {
    if let Some(pane) = app.detail() {
        if let Some(detail) = pane.detail() {
            return Some(detail.user.id.clone());
        }
        let row = app.table().current()?;
        return (pane.id() == row.id).then(|| row.id.clone());
    }
    app.table().current().map(|u| u.id.clone())
}

/// What a confirmation may ask about, from what the screen showed before the key.
fn expected_target(app: &App) -> Option<BTreeSet<String>> {
    if !app.selected().is_empty() {
        return Some(app.selected().keys().cloned().collect());
    }
    in_front(app).map(|id| BTreeSet::from([id]))
}

/// What a watch must leave as it was.
#[derive(Debug, PartialEq)]
struct Before {
    /// The user under the table's cursor.
    under: Option<String>,
    selected: Vec<String>,
    pane: Option<String>,
    mode: Mode,
    dialog: Option<Vec<String>>,
}

impl Before {
    fn of(app: &App) -> Before {
        Before {
            under: app.table().current().map(|u| u.id.clone()),
            selected: app.selected().keys().cloned().collect(),
            pane: app.detail().map(|p| p.id().to_string()),
            mode: app.mode(),
            dialog: match app.dialog() {
                Some(Dialog::Confirm(confirm)) => Some(confirm.ids()),
                _ => None,
            },
        }
    }

    /// The watch left all as it was; the cursor on its user, if the user is still on
    /// the page.
    fn kept_by(self, app: &App) -> Result<(), TestCaseError> {
        let mut after = Before::of(app);
        let still_there = self
            .under
            .as_ref()
            .is_some_and(|id| app.table().rows().iter().any(|u| u.id == *id));
        if !still_there {
            after.under.clone_from(&self.under);
        }
        prop_assert_eq!(after, self, "a watch moved something under the operator");
        Ok(())
    }
}

struct World {
    app: App,
    pending: Vec<Request>,
    /// The users another client blocked.
    blocked: BTreeSet<String>,
}

impl World {
    fn take(&mut self, effects: Vec<Effect>) {
        self.pending.extend(sent(&effects));
    }

    /// The page of `query` as the server has it now.
    fn page(&self, query: &ListQuery) -> Page {
        let mut page = page_for(query, TOTAL);
        for user in &mut page.rows {
            if self.blocked.contains(&user.id) {
                user.status = Status::Blocked;
            }
        }
        page
    }

    /// The user `key` names, as the server has it now.
    fn detail(&self, key: &UserKey, ok: bool) -> Result<Box<UserDetail>, ApiError> {
        let UserKey::Id(user_id) = key else {
            return Err(http_500("User"));
        };
        match user_id.strip_prefix('u').and_then(|n| n.parse().ok()) {
            Some(n) if ok => {
                let mut user = user(n);
                if self.blocked.contains(&user.id) {
                    user.status = Status::Blocked;
                }
                Ok(Box::new(UserDetail {
                    user,
                    ..UserDetail::default()
                }))
            }
            _ => Err(http_500("User")),
        }
    }

    fn answer(&mut self, request: Request, ok: bool) {
        let elapsed = Duration::from_millis(1);
        let failed = || http_500("Users");
        let effects = match request {
            Request::List { .. } | Request::Reload { .. } | Request::Prefetch { .. } => {
                let result = if ok {
                    Ok(self.page(query_of(&request)))
                } else {
                    Err(failed())
                };
                answer_list(&mut self.app, &request, result)
            }
            Request::Detail { id, key } => {
                if !matches!(key, UserKey::Id(_)) {
                    return;
                }
                let result = self.detail(&key, ok);
                self.app.update(Event::Worker(Response::Detail {
                    id,
                    key,
                    result,
                    elapsed,
                }))
            }
            Request::Watch { id, page, user } => {
                let page = page.map(|q| {
                    let result = if ok { Ok(self.page(&q)) } else { Err(failed()) };
                    (q, result)
                });
                let user = user.map(|key| {
                    let result = self.detail(&key, ok);
                    (key, result)
                });
                self.app.update(Event::Worker(Response::Watched {
                    id,
                    read: Box::new(crate::worker::Reread { page, user }),
                }))
            }
            Request::Bulk {
                id, action, ids, ..
            } => self.app.update(Event::Worker(Response::BulkDone {
                id,
                action,
                report: Ledger::all(ids, &Outcome::Succeeded),
                elapsed,
            })),
            _ => Vec::new(),
        };
        self.take(effects);
    }

    /// Applies `step`, checking what must hold around it.
    fn apply(&mut self, step: &Step) -> Result<(), TestCaseError> {
        let dialog_before = match self.app.dialog() {
            Some(Dialog::Confirm(confirm)) => Some(confirm.ids()),
            _ => None,
        };
        let target_before = expected_target(&self.app);
        let turning_before = self.app.table().turning();
        let effects = match step {
            Step::Key(code_) => self.app.update(code(*code_)),
            Step::Goto(n) => command(&mut self.app, &format!("goto u{n}")),
            Step::Resize { side_by_side } => self.app.update(Event::Resize {
                table_rows: 10,
                side_by_side: *side_by_side,
                detail_overflow: 0,
            }),
            Step::Answer(i, ok) => {
                if self.pending.is_empty() {
                    return Ok(());
                }
                let request = self.pending.remove(i % self.pending.len());
                let dialog_was = dialog_before.is_some();
                let watched = matches!(request, Request::Watch { .. });
                let before = Before::of(&self.app);
                self.answer(request, *ok);
                if watched {
                    before.kept_by(&self.app)?;
                }
                // An answer never opens a confirmation by itself, unless a key waited for
                // its rows; then the target is what the rows that came show.
                if !dialog_was && let Some(Dialog::Confirm(confirm)) = self.app.dialog() {
                    let asked: BTreeSet<String> =
                        confirm.chosen_ids().into_iter().map(String::from).collect();
                    prop_assert!(!self.app.table().turning());
                    prop_assert_eq!(Some(asked), expected_target(&self.app));
                }
                return self.check_rows();
            }
            Step::Lose(i) => {
                if !self.pending.is_empty() {
                    let at = i % self.pending.len();
                    self.pending.remove(at);
                }
                return Ok(());
            }
            Step::Watch(on) => command(&mut self.app, if *on { "watch 2" } else { "watch off" }),
            Step::WatchTick => {
                let before = Before::of(&self.app);
                let effects = self.app.update(Event::WatchTick);
                before.kept_by(&self.app)?;
                // Nothing to draw, unless it asked again for a page that failed.
                let asked_again = sent(&effects)
                    .iter()
                    .any(|r| matches!(r, Request::Reload { .. }));
                prop_assert!(
                    self.app.quiet() || asked_again,
                    "a tick alone draws nothing"
                );
                effects
            }
            Step::Change(n) => {
                let id = format!("u{n}");
                if !self.blocked.remove(&id) {
                    self.blocked.insert(id);
                }
                return Ok(());
            }
        };
        // Nothing changes users unless y answered a confirmation naming exactly them.
        for request in sent(&effects) {
            if let Request::Bulk { ids, .. } = &request {
                prop_assert_eq!(
                    Some(ids.clone()),
                    dialog_before.clone(),
                    "sent without asking"
                );
                // y or Enter (the dialog's yes; a command typed into it ends with Enter).
                prop_assert!(matches!(
                    step,
                    Step::Key(KeyCode::Char('y') | KeyCode::Enter) | Step::Goto(_) | Step::Watch(_)
                ));
            }
        }
        self.take(effects);
        if dialog_before.is_none()
            && let Some(Dialog::Confirm(confirm)) = self.app.dialog()
        {
            // Opened by this key, on what the screen showed before it.
            let asked: BTreeSet<String> =
                confirm.chosen_ids().into_iter().map(String::from).collect();
            // The table's row acts only when it stays: not while other rows are coming.
            let from_the_row = self.app.selected().is_empty() && self.app.detail().is_none();
            prop_assert!(
                !(turning_before && from_the_row),
                "asked about rows on their way out"
            );
            prop_assert_eq!(
                Some(asked),
                target_before,
                "the target is what was in front"
            );
        }
        self.check_rows()
    }

    /// Every row shown answers the query shown.
    fn check_rows(&self) -> Result<(), TestCaseError> {
        if let Some(shown) = self.app.table().shown() {
            let expected = page_for(&shown.query, TOTAL);
            let ids = |page: &Page| page.rows.iter().map(|u| u.id.clone()).collect::<Vec<_>>();
            prop_assert_eq!(ids(&shown.page), ids(&expected));
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn what_is_shown_is_what_acts(steps in prop::collection::vec(step(), 1..80)) {
        let (app, effects) = App::new(config(Dialect::Crm, false));
        let mut world = World { app, pending: Vec::new(), blocked: BTreeSet::new() };
        world.take(effects);
        for step in &steps {
            world.apply(step)?;
        }
    }
}
