//! Opening the forms, sending them, and what their answer does: the form closes and the
//! table shows the user as its current row, or the form stays with the server's words.

use super::detail::{DetailLoad, DetailPane};
use super::dialog::Dialog;
use super::form::{FieldId, Form};
use super::{Action, App, Effect, Layer};
use crate::api::edit::Edited;
use crate::api::error::{ApiError, INVALID_ARGUMENTS};
use crate::api::settle::Edit;
use crate::dialect::Dialect;
use crate::text::sanitize;
use crate::worker::{Request, RequestId};

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
            Action::Create => self.layer = App::form_layer(self.config.consent, Form::create()),
            Action::Upsert => self.layer = App::form_layer(self.config.consent, Form::upsert()),
            _ => return self.open_edit(),
        }
        Vec::new()
    }

    /// `e`: the form of the user an action acts on (see `target`) — the pane's when it is
    /// open, else the table's current row — read first when the pane does not hold it yet.
    fn open_edit(&mut self) -> Vec<Effect> {
        let pane_focused = self.detail.is_some();
        let row = self.table.current().map(|u| u.id.clone());
        let mut requests = Vec::new();
        match (pane_focused, row) {
            (true, _) => {}
            (false, Some(id)) if self.detail.as_ref().is_some_and(|p| p.id() == id) => {}
            (false, Some(id)) => {
                let (pane, request) = DetailPane::open(id, &mut self.tickets);
                self.detail = Some(pane);
                requests.push(request);
            }
            (false, None) => {
                self.status.refusal("no user to edit: no row is shown");
                return Vec::new();
            }
        }
        let Some(pane) = self.detail.as_mut() else {
            return Vec::new();
        };
        if let Some(detail) = pane.detail() {
            self.layer = App::form_layer(self.config.consent, Form::edit(detail));
            return Vec::new();
        }
        if !pane.loading() {
            // It failed: ask again.
            requests.push(pane.ask(&mut self.tickets));
        }
        if let DetailLoad::Loading(asked) = pane.load() {
            self.edit_when_read = Some(*asked);
        }
        self.status.notice("reading the user before editing...");
        requests.into_iter().map(Effect::Send).collect()
    }

    /// The pane's request `id` was answered: an edit waiting for it opens now.
    pub(super) fn detail_arrived(&mut self, id: RequestId) {
        if self.edit_when_read != Some(id) {
            return;
        }
        self.edit_when_read = None;
        match self.detail.as_ref().and_then(DetailPane::detail) {
            Some(detail) => {
                self.layer = App::form_layer(self.config.consent, Form::edit(detail));
            }
            None => self
                .status
                .refusal("cannot edit: reading the user failed (the pane says why)"),
        }
    }

    /// A key of the form's keymap.
    pub(super) fn form_act(&mut self, action: Action) -> Vec<Effect> {
        let Some(form) = self.layer.form_mut() else {
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
        match self.layer.form() {
            Some(form) if form.changed() => {
                self.dialog = Some(Dialog::Discard { then_quit });
            }
            _ => self.layer.leave(|l| matches!(l, Layer::Form(_))),
        }
    }

    /// `form` as a layer, asking why when the profile (`consent`) does.
    fn form_layer(consent: super::Consent, form: Form) -> Layer {
        Layer::Form(Box::new(form.asking_reason(consent.reason)))
    }

    fn submit(&mut self) -> Vec<Effect> {
        let Some(form) = self.layer.form_mut() else {
            return Vec::new();
        };
        let Some((target, changes)) = form.submit() else {
            return Vec::new();
        };
        if changes.is_empty() && matches!(target, crate::api::edit::EditTarget::Update(_)) {
            self.layer.leave(|l| matches!(l, Layer::Form(_)));
            self.status.notice("nothing changed: nothing was sent");
            return Vec::new();
        }
        let id = self.tickets.issue();
        form.sent(id);
        vec![Effect::Send(Request::Edit {
            id,
            target,
            changes: Box::new(changes),
            reason: form.reason(),
        })]
    }

    /// The server answered an edit.
    pub(super) fn edited(
        &mut self,
        id: RequestId,
        result: Result<Box<Edited>, ApiError>,
    ) -> Vec<Effect> {
        let Some(form) = self.layer.form_mut().filter(|f| f.sending() == Some(id)) else {
            return Vec::new();
        };
        let verb = form.kind().title();
        let created = result.as_ref().ok().and_then(|e| e.created);
        let detail = match result.map(|e| e.edit) {
            Ok(Edit::Answered(detail) | Edit::ReadBack(detail)) => detail,
            Ok(Edit::NotApplied(_)) => {
                form.refused(
                    "the answer was lost, and reading back shows the change was not applied".into(),
                    None,
                );
                return Vec::new();
            }
            Ok(Edit::Absent) => {
                form.refused(
                    "the answer was lost, and reading back finds no such user: not saved".into(),
                    None,
                );
                return Vec::new();
            }
            Ok(Edit::Unknown { lost, read }) => {
                form.refused(
                    sanitize(&format!(
                        "outcome unknown, check before sending again: {lost}; reading back failed too: {read}"
                    ))
                    .into_owned(),
                    None,
                );
                return Vec::new();
            }
            Err(e) => {
                let field = match &e {
                    ApiError::GraphQl {
                        code: Some(code),
                        message,
                        ..
                    } if code == INVALID_ARGUMENTS => FieldId::refused_by(message),
                    _ => None,
                };
                form.refused(
                    super::answers::error_text(&e, self.config.token_source.as_ref()),
                    field,
                );
                return Vec::new();
            }
        };
        self.layer.leave(|l| matches!(l, Layer::Form(_)));
        let user = detail.user.id.clone();
        let done = match created {
            Some(true) => "created",
            Some(false) => "updated",
            None => "saved",
        };
        self.status.notice(format!(
            "{verb}: {done} {} ({})",
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
