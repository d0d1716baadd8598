//! The training user forms: a new user, an edit of one, and create-or-update by e-mail.
//! The form checks what it can before anything is sent and says each problem beside its
//! field; an edit sends only the fields that changed (an emptied field as a clear); an
//! error from the server stays in the form, beside everything typed.

use tui_input::{Input, InputRequest};

use crate::api::edit::{EditTarget, Patch, UserChanges};
use crate::api::model::{Status, UserDetail};
use crate::api::ops::UserKey;
use crate::api::training::{JsonString, Language, Role};
use crate::worker::RequestId;

/// Which form, and for an edit the user it edits.
#[derive(Debug, Clone, PartialEq)]
pub enum FormKind {
    Create,
    Edit {
        id: String,
    },
    /// updateOrCreateUser, keyed by the e-mail address.
    Upsert,
}

impl FormKind {
    pub fn title(&self) -> &'static str {
        match self {
            FormKind::Create => "new user",
            FormKind::Edit { .. } => "edit user",
            FormKind::Upsert => "create or update by e-mail",
        }
    }
}

/// A field of the form, in the order the form shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    Name,
    Email,
    Ref,
    Roles,
    Language,
    Active,
    Extra,
    Invite,
    /// Why (a profile's `require_reason`): journalled with the edit, never sent.
    Reason,
}

impl FieldId {
    pub fn label(self) -> &'static str {
        match self {
            FieldId::Name => "name",
            FieldId::Email => "e-mail",
            FieldId::Ref => "ref",
            FieldId::Roles => "roles",
            FieldId::Language => "language",
            FieldId::Active => "active",
            FieldId::Extra => "extra fields",
            FieldId::Reason => "why",
            FieldId::Invite => "send invite",
        }
    }

    /// The field an INVALID_ARGUMENTS refusal is about, from the shapes of the
    /// contract's messages (a duplicate e-mail or ref, a malformed value); None when it
    /// names no field of the form. Matched at the start of the message, so a value
    /// quoted in it cannot mislead.
    pub fn refused_by(message: &str) -> Option<FieldId> {
        const SHAPES: &[(&str, FieldId)] = &[
            ("a user with e-mail ", FieldId::Email),
            ("a user with ref ", FieldId::Ref),
            ("name ", FieldId::Name),
            ("email ", FieldId::Email),
            ("extraFields", FieldId::Extra),
        ];
        if message.ends_with(" is not an e-mail address") {
            return Some(FieldId::Email);
        }
        SHAPES
            .iter()
            .find(|(start, _)| message.starts_with(start))
            .map(|(_, field)| *field)
    }
}

/// What the fields hold: what the form started from, and what it holds now.
#[derive(Debug, Clone, PartialEq)]
struct Values {
    name: String,
    email: String,
    reference: String,
    /// Each role the form offers, and whether it is on.
    roles: Vec<(Role, bool)>,
    language: Option<Language>,
    active: bool,
    extra: String,
    invite: bool,
}

impl Values {
    fn empty() -> Values {
        Values {
            name: String::new(),
            email: String::new(),
            reference: String::new(),
            roles: Role::KNOWN.iter().map(|r| (r.clone(), false)).collect(),
            language: None,
            active: true,
            extra: String::new(),
            invite: true,
        }
    }

    /// A user as the server holds it; roles this client does not know are offered too,
    /// so an edit keeps them.
    fn of(detail: &UserDetail) -> Values {
        let user = &detail.user;
        let mut roles: Vec<(Role, bool)> = Role::KNOWN
            .iter()
            .map(|r| (r.clone(), user.roles.iter().any(|h| h == r.as_str())))
            .collect();
        for held in &user.roles {
            if Role::parse(held).is_none() {
                roles.push((Role::Other(held.clone()), true));
            }
        }
        Values {
            name: user.name.clone(),
            email: user.email.clone().unwrap_or_default(),
            reference: user.reference.clone().unwrap_or_default(),
            roles,
            language: user
                .language
                .as_deref()
                .map(|l| Language::parse(l).unwrap_or_else(|| Language::Other(l.into()))),
            active: detail.active.unwrap_or(user.status == Status::Active),
            extra: detail
                .extra_fields
                .as_ref()
                .map(|v| v.to_string())
                .unwrap_or_default(),
            invite: false,
        }
    }

    fn roles_on(&self) -> Vec<Role> {
        self.roles
            .iter()
            .filter(|(_, on)| *on)
            .map(|(r, _)| r.clone())
            .collect()
    }
}

/// Whether `text` looks like an e-mail address: one `@` with something on each side, no
/// spaces. The server has the last word.
fn looks_like_email(text: &str) -> bool {
    !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(text.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@'))
}

/// A text field's patch: kept when unchanged, cleared when emptied, else set.
fn text_patch(now: &str, was: &str) -> Patch<String> {
    match (now.trim(), was.trim()) {
        (now, was) if now == was => Patch::Keep,
        ("", _) => Patch::Clear,
        (now, _) => Patch::Set(now.to_string()),
    }
}

/// The form's state.
#[derive(Debug, Clone)]
pub struct Form {
    kind: FormKind,
    fields: Vec<FieldId>,
    focus: usize,
    name: Input,
    email: Input,
    reference: Input,
    extra: Input,
    /// Why the edit is made, when the profile asks (`require_reason`).
    reason: Option<Input>,
    /// The choices' state (the text fields' is in the inputs).
    now: Values,
    original: Values,
    /// Which role the cursor is on in the roles field.
    role_cursor: usize,
    /// Problems found before sending, or the server's, each beside its field.
    problems: Vec<(FieldId, String)>,
    /// The server's refusal when it names no field.
    error: Option<String>,
    /// The edit under way.
    sending: Option<RequestId>,
}

impl Form {
    fn with(kind: FormKind, original: Values) -> Form {
        let mut fields = vec![
            FieldId::Name,
            FieldId::Email,
            FieldId::Ref,
            FieldId::Roles,
            FieldId::Language,
            FieldId::Active,
            FieldId::Extra,
        ];
        if !matches!(kind, FormKind::Edit { .. }) {
            fields.push(FieldId::Invite);
        }
        if kind == FormKind::Upsert {
            // The key comes first.
            fields.swap(0, 1);
        }
        let input = |text: &str| Input::new(text.to_string());
        Form {
            fields,
            focus: 0,
            name: input(&original.name),
            email: input(&original.email),
            reference: input(&original.reference),
            extra: input(&original.extra),
            reason: None,
            now: original.clone(),
            original,
            role_cursor: 0,
            problems: Vec::new(),
            error: None,
            sending: None,
            kind,
        }
    }

    pub fn create() -> Form {
        Form::with(FormKind::Create, Values::empty())
    }

    /// The form of `updateOrCreateUser`: whether the user exists is the server's to
    /// find, so what the form shows is what is sent (active too), and no invitation goes
    /// unless asked (an existing user would be invited again).
    pub fn upsert() -> Form {
        let values = Values {
            invite: false,
            ..Values::empty()
        };
        Form::with(FormKind::Upsert, values)
    }

    /// The form for editing the user `detail` shows.
    pub fn edit(detail: &UserDetail) -> Form {
        let kind = FormKind::Edit {
            id: detail.user.id.clone(),
        };
        Form::with(kind, Values::of(detail))
    }

    /// The form asking why, last, when `asked` (the profile's `require_reason`).
    pub fn asking_reason(mut self, asked: bool) -> Form {
        if asked {
            self.fields.push(FieldId::Reason);
            self.reason = Some(Input::default());
        }
        self
    }

    /// Why, as written (trimmed; None when not asked or blank).
    pub fn reason(&self) -> Option<String> {
        let reason = self.reason.as_ref()?.value().trim();
        (!reason.is_empty()).then(|| reason.to_string())
    }

    pub fn kind(&self) -> &FormKind {
        &self.kind
    }

    pub fn fields(&self) -> &[FieldId] {
        &self.fields
    }

    pub fn focused(&self) -> FieldId {
        self.fields[self.focus]
    }

    pub fn sending(&self) -> Option<RequestId> {
        self.sending
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The problem beside `field`, if any.
    pub fn problem(&self, field: FieldId) -> Option<&str> {
        self.problems
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, p)| p.as_str())
    }

    /// The text field `field` is, if it is one.
    pub fn input(&self, field: FieldId) -> Option<&Input> {
        match field {
            FieldId::Name => Some(&self.name),
            FieldId::Email => Some(&self.email),
            FieldId::Ref => Some(&self.reference),
            FieldId::Extra => Some(&self.extra),
            FieldId::Reason => self.reason.as_ref(),
            _ => None,
        }
    }

    /// The focused text field, to type into (none while the edit is under way).
    pub fn focused_input(&mut self) -> Option<&mut Input> {
        if self.sending.is_some() {
            return None;
        }
        match self.focused() {
            FieldId::Name => Some(&mut self.name),
            FieldId::Email => Some(&mut self.email),
            FieldId::Ref => Some(&mut self.reference),
            FieldId::Extra => Some(&mut self.extra),
            FieldId::Reason => self.reason.as_mut(),
            _ => None,
        }
    }

    /// Each role offered, whether it is on, and whether the cursor is on it.
    pub fn roles(&self) -> impl Iterator<Item = (&Role, bool, bool)> {
        let cursor = self.role_cursor;
        self.now
            .roles
            .iter()
            .enumerate()
            .map(move |(i, (role, on))| (role, *on, i == cursor))
    }

    pub fn language(&self) -> Option<&Language> {
        self.now.language.as_ref()
    }

    pub fn active(&self) -> bool {
        self.now.active
    }

    pub fn invite(&self) -> bool {
        self.now.invite
    }

    /// Whether anything differs from what the form started with.
    pub fn changed(&self) -> bool {
        self.values() != self.original
    }

    fn values(&self) -> Values {
        Values {
            name: self.name.value().to_string(),
            email: self.email.value().to_string(),
            reference: self.reference.value().to_string(),
            extra: self.extra.value().to_string(),
            ..self.now.clone()
        }
    }

    /// The focused field was changed: the problem said beside it is gone with it.
    pub fn touched(&mut self) {
        let field = self.focused();
        self.problems.retain(|(f, _)| *f != field);
    }

    /// Moves the focus by `delta` fields, round.
    pub fn move_focus(&mut self, delta: isize) {
        let n = self.fields.len() as isize;
        self.focus = (self.focus as isize + delta).rem_euclid(n) as usize;
    }

    /// Ctrl-U: empties the focused field. The roles go; a choice that cannot be empty
    /// (the language, yes/no) goes back to what the form started with — never a change
    /// of its own (the contract refuses a null language or isActive).
    pub fn clear_field(&mut self) {
        self.touched();
        match self.focused() {
            FieldId::Roles => self.now.roles.iter_mut().for_each(|(_, on)| *on = false),
            FieldId::Language => self.now.language = self.original.language.clone(),
            FieldId::Active => self.now.active = self.original.active,
            FieldId::Invite => self.now.invite = self.original.invite,
            _ => {
                if let Some(input) = self.focused_input() {
                    input.reset();
                }
            }
        }
    }

    /// Space: toggles the role under the cursor, or the yes/no field.
    pub fn toggle(&mut self) {
        self.touched();
        match self.focused() {
            FieldId::Roles => {
                if let Some((_, on)) = self.now.roles.get_mut(self.role_cursor) {
                    *on = !*on;
                }
            }
            FieldId::Active => self.now.active = !self.now.active,
            FieldId::Invite => self.now.invite = !self.now.invite,
            _ => {}
        }
    }

    /// ←/→: the previous or next choice (a role, a language, yes/no); in a text field,
    /// the cursor moves.
    pub fn choose(&mut self, delta: isize) {
        match self.focused() {
            FieldId::Roles => {
                let n = self.now.roles.len() as isize;
                self.role_cursor = (self.role_cursor as isize + delta).rem_euclid(n) as usize;
            }
            FieldId::Language => {
                let at = self
                    .now
                    .language
                    .as_ref()
                    .and_then(|l| Language::KNOWN.iter().position(|x| x == l));
                let next = match at {
                    None if delta > 0 => 0,
                    None => Language::KNOWN.len() - 1,
                    Some(i) => {
                        (i as isize + delta).rem_euclid(Language::KNOWN.len() as isize) as usize
                    }
                };
                self.now.language = Some(Language::KNOWN[next].clone());
            }
            FieldId::Active | FieldId::Invite => self.toggle(),
            _ => {
                if let Some(input) = self.focused_input() {
                    input.handle(if delta < 0 {
                        InputRequest::GoToPrevChar
                    } else {
                        InputRequest::GoToNextChar
                    });
                }
            }
        }
    }

    /// What to send, after checking every field; else the problems, each beside its
    /// field, and the focus on the first.
    pub fn submit(&mut self) -> Option<(EditTarget, UserChanges)> {
        self.problems.clear();
        self.error = None;
        let now = self.values();
        let needs_name = !matches!(self.kind, FormKind::Upsert);
        let needs_email = !matches!(self.kind, FormKind::Edit { .. });
        let (name, email) = (now.name.trim(), now.email.trim());
        if needs_name && name.is_empty() {
            self.problems
                .push((FieldId::Name, "a name is needed".into()));
        }
        if needs_email && email.is_empty() {
            self.problems
                .push((FieldId::Email, "an e-mail address is needed".into()));
        } else if !email.is_empty() && !looks_like_email(email) {
            self.problems
                .push((FieldId::Email, "not an e-mail address (name@domain)".into()));
        }
        let extra = now.extra.trim();
        let parsed = (!extra.is_empty()).then(|| serde_json::from_str::<serde_json::Value>(extra));
        if parsed
            .as_ref()
            .is_some_and(|p| p.as_ref().map_or(true, |v| !v.is_object()))
        {
            self.problems.push((
                FieldId::Extra,
                "a JSON object, such as {\"team\": \"north\"}".into(),
            ));
        }
        if self.reason.is_some() && self.reason().is_none() {
            self.problems.push((
                FieldId::Reason,
                "why? a reason or a ticket id: this profile asks one for every change".into(),
            ));
        }
        if let Some((field, _)) = self.problems.first() {
            let field = *field;
            self.focus = self.fields.iter().position(|f| *f == field).unwrap_or(0);
            return None;
        }
        let was = &self.original;
        let roles = now.roles_on();
        let mut changes = UserChanges {
            name: text_patch(name, &was.name),
            reference: text_patch(&now.reference, &was.reference),
            roles: match (roles == was.roles_on(), roles.is_empty()) {
                (true, _) => Patch::Keep,
                (false, true) => Patch::Clear,
                (false, false) => Patch::Set(roles),
            },
            language: match &now.language {
                Some(l) if now.language != was.language => Patch::Set(l.clone()),
                _ => Patch::Keep,
            },
            active: if now.active == was.active {
                Patch::Keep
            } else {
                Patch::Set(now.active)
            },
            extra_fields: {
                let before = serde_json::from_str::<serde_json::Value>(was.extra.trim()).ok();
                match parsed {
                    Some(Ok(value)) if Some(&value) != before.as_ref() => {
                        Patch::Set(JsonString(extra.to_string()))
                    }
                    None if !was.extra.trim().is_empty() => Patch::Clear,
                    _ => Patch::Keep,
                }
            },
            email: Patch::Keep,
        };
        let target = match &self.kind {
            FormKind::Create => {
                changes.email = Patch::Set(email.to_string());
                changes.name = Patch::Set(name.to_string());
                EditTarget::Create {
                    send_invite: now.invite,
                }
            }
            FormKind::Edit { id } => {
                changes.email = text_patch(email, &was.email);
                EditTarget::Update(UserKey::Id(id.clone()))
            }
            FormKind::Upsert => {
                // "active yes" on screen is sent: an existing user may be inactive.
                changes.active = Patch::Set(now.active);
                EditTarget::Upsert {
                    email: Some(email.to_string()),
                    reference: None,
                    send_invite: Some(now.invite),
                }
            }
        };
        Some((target, changes))
    }

    /// The edit went out as request `id`.
    pub fn sent(&mut self, id: RequestId) {
        self.sending = Some(id);
    }

    /// The server refused (or the outcome is not known): the form stays, with the
    /// message beside `field` when it is about one.
    pub fn refused(&mut self, message: String, field: Option<FieldId>) {
        self.sending = None;
        match field.filter(|f| self.fields.contains(f)) {
            Some(field) => {
                self.problems.push((field, message));
                self.focus = self.fields.iter().position(|f| *f == field).unwrap_or(0);
            }
            None => self.error = Some(message),
        }
    }
}
