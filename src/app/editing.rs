//! Opening the forms, sending them, and what their answer does: the form closes and the
//! table shows the user as its current row, or the form stays with the server's words.

use super::detail::DetailPane;
use super::dialog::Dialog;
use super::form::Form;
use super::{Action, App, Effect, Focus};
use crate::api::edit::Edited;
use crate::api::error::ApiError;
use crate::api::settle::Edit;
use crate::api::worker::{Request, RequestId};
use crate::dialect::Dialect;
use crate::text::sanitize;

impl App {
    /// Why editing is not possible here, if it is not.
    fn cannot_edit(&self, what: &str) -> Option<String> {
        if self.config.capabilities.dialect != Dialect::Training {
            return Some(format!(
                "the {} API cannot {what}: only training can",
                self.config.capabilities.dialect
            ));
        }
        if self.config.read_only {
            return Some(format!(
                "profile {:?} is read-only: it cannot {what}",
                self.config.profile
            ));
        }
        None
    }

    /// `c` and `:upsert`: an empty form.
    pub(super) fn open_form(&mut self, action: Action) -> Vec<Effect> {
        let what = match action {
            Action::Create => "create users",
            Action::Upsert => "create or update users",
            _ => "edit users",
        };
        if let Some(why) = self.cannot_edit(what) {
            self.status.refusal(why);
            return Vec::new();
        }
        match action {
            Action::Create => self.form = Some(Form::create()),
            Action::Upsert => self.form = Some(Form::upsert()),
            _ => return self.open_edit(),
        }
        Vec::new()
    }

    /// `e`: the open user's form; read first when the pane does not hold it yet.
    fn open_edit(&mut self) -> Vec<Effect> {
        let id = match (&self.detail, self.table.current()) {
            (Some(pane), _) => pane.id().to_string(),
            (None, Some(user)) => user.id.clone(),
            (None, None) => {
                self.status.refusal("no user to edit: no row is shown");
                return Vec::new();
            }
        };
        if let Some(detail) = self.detail.as_ref().and_then(DetailPane::detail) {
            self.form = Some(Form::edit(detail));
            return Vec::new();
        }
        self.edit_when_read = Some(id.clone());
        self.status.notice("reading the user before editing…");
        if self.detail.as_ref().is_some_and(|p| p.id() == id) {
            // Under way (or failed: ask again).
            let request = self.detail.as_mut().map(|p| p.ask(&mut self.tickets));
            return request.into_iter().map(Effect::Send).collect();
        }
        if !self.side_by_side {
            self.focus = Focus::Detail;
        }
        let (pane, request) = DetailPane::open(id, &mut self.tickets);
        self.detail = Some(pane);
        vec![Effect::Send(request)]
    }

    /// The pane was answered: an edit waiting for that user opens now.
    pub(super) fn detail_arrived(&mut self) {
        let Some(waiting) = self.edit_when_read.as_deref() else {
            return;
        };
        let Some(pane) = self.detail.as_ref().filter(|p| p.id() == waiting) else {
            self.edit_when_read = None;
            return;
        };
        if let Some(detail) = pane.detail() {
            self.form = Some(Form::edit(detail));
        } else if !pane.loading() {
            self.status
                .refusal("cannot edit: reading the user failed (the pane says why)");
        }
        if !pane.loading() {
            self.edit_when_read = None;
        }
    }

    /// A key of the form's keymap.
    pub(super) fn form_act(&mut self, action: Action) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            return Vec::new();
        };
        if form.sending().is_some() && action != Action::Help {
            self.status
                .notice("waiting for the server's answer: the form stays until it comes");
            return Vec::new();
        }
        match action {
            Action::NextField => form.move_focus(1),
            Action::PrevField => form.move_focus(-1),
            Action::ClearField => form.clear_field(),
            Action::Toggle => form.toggle(),
            Action::ChoosePrev => form.choose(-1),
            Action::ChooseNext => form.choose(1),
            Action::Submit => return self.submit(),
            Action::CloseForm => self.close_form(false),
            _ => {}
        }
        Vec::new()
    }

    /// Esc (or quitting) with a form open: asks first when something was changed.
    pub(super) fn close_form(&mut self, then_quit: bool) {
        match &self.form {
            Some(form) if form.changed() => {
                self.dialog = Some(Dialog::Discard { then_quit });
            }
            _ => self.form = None,
        }
    }

    fn submit(&mut self) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            return Vec::new();
        };
        let Some((target, changes)) = form.submit() else {
            return Vec::new();
        };
        if changes.is_empty() && matches!(target, crate::api::edit::EditTarget::Update(_)) {
            self.form = None;
            self.status.notice("nothing changed: nothing was sent");
            return Vec::new();
        }
        let id = self.tickets.issue();
        form.sent(id);
        vec![Effect::Send(Request::Edit {
            id,
            target,
            changes: Box::new(changes),
        })]
    }

    /// The server answered an edit.
    pub(super) fn edited(
        &mut self,
        id: RequestId,
        result: Result<Box<Edited>, ApiError>,
    ) -> Vec<Effect> {
        let Some(form) = self.form.as_mut().filter(|f| f.sending() == Some(id)) else {
            return Vec::new();
        };
        let verb = form.kind().title();
        let detail = match result.map(|e| e.edit) {
            Ok(Edit::Answered(detail) | Edit::ReadBack(detail)) => detail,
            Ok(Edit::NotApplied(_)) => {
                form.refused(
                    "the answer was lost, and reading back shows the change was not applied".into(),
                );
                return Vec::new();
            }
            Ok(Edit::Unknown { lost, read }) => {
                form.refused(sanitize(&format!(
                    "outcome unknown, check before sending again: {lost}; reading back failed too: {read}"
                ))
                .into_owned());
                return Vec::new();
            }
            Err(e) => {
                form.refused(sanitize(&e.to_string()).into_owned());
                return Vec::new();
            }
        };
        self.form = None;
        let user = detail.user.id.clone();
        self.status.notice(format!(
            "{verb}: saved {} ({})",
            sanitize(&detail.user.name),
            sanitize(&user)
        ));
        let mut requests = self.table.reveal(user.clone(), &mut self.tickets);
        if let Some(pane) = self.detail.as_mut().filter(|p| p.id() == user) {
            requests.push(pane.ask(&mut self.tickets));
        }
        requests.into_iter().map(Effect::Send).collect()
    }
}
