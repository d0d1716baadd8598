//! Single-user edits (training), shared by the headless commands and the dashboard's
//! forms: what an edit changes, field by field ([`Patch`]: keep, clear or set), sent as
//! one createUser, updateUser or updateOrCreateUser, and settled by reading the user back
//! when the answer was lost.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::client::Client;
use super::error::ApiError;
use super::model::UserDetail;
use super::ops::{self, UserKey};
use super::settle::{Edit, settle_edit};
use super::training::{
    CreateUserInput, JsonString, Language, Role, UpdateOrCreateUserInput, UpdateUserInput,
};

/// What an edit does to one field: leave it (not sent), clear it (sent as `null`), or
/// set it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Patch<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    pub fn is_keep(&self) -> bool {
        matches!(self, Patch::Keep)
    }

    /// A value given on the command line: set when given, else kept.
    pub fn given(value: Option<T>) -> Patch<T> {
        value.map_or(Patch::Keep, Patch::Set)
    }

    /// The value set, if any.
    pub fn value(&self) -> Option<&T> {
        match self {
            Patch::Set(value) => Some(value),
            _ => None,
        }
    }

    /// Whether a field that now holds `held` (None: empty) holds what this asks.
    fn held<H: ?Sized>(&self, held: Option<&H>, same: impl Fn(&T, &H) -> bool) -> bool {
        match self {
            Patch::Keep => true,
            Patch::Clear => held.is_none(),
            Patch::Set(value) => held.is_some_and(|h| same(value, h)),
        }
    }
}

/// `Keep` is skipped by the input types (`skip_serializing_if`), so it never reaches
/// the wire; `Clear` is the explicit `null`.
impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Keep | Patch::Clear => s.serialize_none(),
            Patch::Set(value) => value.serialize(s),
        }
    }
}

/// A patch fills a nullable input field of the scalar its value is (what cynic's derive
/// checks of each input field; the enum fields are in `training`).
impl<T, U: cynic::schema::IsScalar<T>> cynic::schema::IsScalar<T> for Patch<U> {
    type SchemaType = U::SchemaType;
}

/// Read as the wire has it: `null` clears, a value sets (an absent field is `Keep`).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(d)?.map_or(Patch::Clear, Patch::Set))
    }
}

/// The fields an edit changes; the rest are left alone.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UserChanges {
    pub name: Patch<String>,
    pub email: Patch<String>,
    pub reference: Patch<String>,
    pub roles: Patch<Vec<Role>>,
    pub language: Patch<Language>,
    pub active: Patch<bool>,
    pub extra_fields: Patch<JsonString>,
}

impl UserChanges {
    /// The API names of the fields it sends, in the form's order.
    pub fn fields(&self) -> Vec<&'static str> {
        [
            ("name", self.name.is_keep()),
            ("email", self.email.is_keep()),
            ("ref", self.reference.is_keep()),
            ("roles", self.roles.is_keep()),
            ("language", self.language.is_keep()),
            ("isActive", self.active.is_keep()),
            ("extraFields", self.extra_fields.is_keep()),
        ]
        .into_iter()
        .filter(|(_, keep)| !keep)
        .map(|(name, _)| name)
        .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.fields().is_empty()
    }

    /// Whether `detail` holds every change (reading back a lost answer).
    pub fn held_by(&self, detail: &UserDetail) -> bool {
        let user = &detail.user;
        let mut roles: Vec<&str> = user.roles.iter().map(String::as_str).collect();
        roles.sort_unstable();
        let roles = roles.as_slice();
        let extra = detail.extra_fields.as_ref();
        // No roles is what an empty list sets, as a clear does.
        let asked_roles = match &self.roles {
            Patch::Set(roles) if roles.is_empty() => &Patch::Clear,
            other => other,
        };
        self.name.held(Some(&user.name), |a, b| a == b)
            && self
                .email
                .held(user.email.as_ref(), |a, b| a.eq_ignore_ascii_case(b))
            && self.reference.held(user.reference.as_ref(), |a, b| a == b)
            && asked_roles.held(
                Some(roles).filter(|r| !r.is_empty()),
                |asked: &Vec<Role>, held: &[&str]| {
                    let mut asked: Vec<&str> = asked.iter().map(Role::as_str).collect();
                    asked.sort_unstable();
                    asked == held
                },
            )
            && self
                .language
                .held(user.language.as_deref(), |a, b| a.as_str() == b)
            && self.active.held(detail.active.as_ref(), |a, b| a == b)
            && self.extra_fields.held(extra, |asked, held| {
                serde_json::from_str::<serde_json::Value>(&asked.0)
                    .ok()
                    .as_ref()
                    == Some(held)
            })
    }
}

/// Which mutation an edit is, and the user it names.
#[derive(Debug, Clone, PartialEq)]
pub enum EditTarget {
    /// createUser: the changes must set a name and an e-mail address.
    Create { send_invite: bool },
    /// updateUser of the user with this id or ref.
    Update(UserKey),
    /// updateOrCreateUser of the user with this e-mail address or ref.
    Upsert {
        email: Option<String>,
        reference: Option<String>,
        send_invite: Option<bool>,
    },
}

impl EditTarget {
    /// The user it finds before editing it, if it finds one (a create does not).
    fn key(&self) -> Option<UserKey> {
        match self {
            EditTarget::Create { .. } => None,
            EditTarget::Update(key) => Some(key.clone()),
            EditTarget::Upsert {
                email: Some(email), ..
            } => Some(UserKey::Email(email.clone())),
            EditTarget::Upsert {
                reference: Some(r), ..
            } => Some(UserKey::Ref(r.clone())),
            EditTarget::Upsert { .. } => None,
        }
    }

    /// How the journal and the messages name it.
    pub fn verb(&self) -> &'static str {
        match self {
            EditTarget::Create { .. } => "create",
            EditTarget::Update(_) => "update",
            EditTarget::Upsert { .. } => "upsert",
        }
    }
}

/// What became of an edit: the settled outcome, and for an upsert whether it created.
#[derive(Debug, Clone)]
pub struct Edited {
    pub edit: Edit,
    pub created: Option<bool>,
    /// The journal's entry of the edit (`userdeck journal`), empty when not journalled.
    pub entry: String,
}

fn refused(why: &str) -> ApiError {
    ApiError::Refused(why.into())
}

/// Sends `changes` as the mutation `target` names, and settles a lost answer by reading
/// the user back (by the key it will have after the edit).
pub async fn send(
    client: &Client,
    target: &EditTarget,
    changes: UserChanges,
) -> Result<Edited, ApiError> {
    let verb = target.verb();
    let entry = ops::EditEntry::new();
    // The user as it was, for the journal: read first where the edit finds a user.
    let entry = match target.key() {
        Some(key) => match ops::detail(client, &key).await {
            Ok(before) => entry.with_before(before.record),
            Err(e) if e.is_code(super::error::RESOURCE_NOT_FOUND) => {
                entry.with_before(serde_json::Value::Null)
            }
            Err(_) => entry,
        },
        None => entry,
    };
    let edited = send_as(client, target, changes, &entry).await?;
    // The user as the edit left it (as answered, or as read back), for the journal.
    if let Edit::Answered(after) | Edit::ReadBack(after) | Edit::NotApplied(after) = &edited.edit {
        client.journal_after(verb, entry.as_str(), &after.record);
    }
    Ok(edited)
}

/// [`send`], its journal entry made.
async fn send_as(
    client: &Client,
    target: &EditTarget,
    changes: UserChanges,
    entry: &ops::EditEntry,
) -> Result<Edited, ApiError> {
    let holds = |d: &UserDetail| changes.held_by(d);
    let verb = target.verb();
    let entry = entry.clone();
    match target {
        EditTarget::Create { send_invite } => {
            let (Patch::Set(name), Patch::Set(email)) = (&changes.name, &changes.email) else {
                return Err(refused("a new user needs a name and an e-mail address"));
            };
            let input = CreateUserInput {
                email: email.clone(),
                name: name.clone(),
                roles: changes.roles.value().cloned(),
                language: changes.language.value().cloned(),
                reference: changes.reference.value().cloned(),
                is_active: changes.active.value().copied(),
                extra_fields: changes.extra_fields.value().cloned(),
            };
            let result = ops::create(client, input, (!send_invite).then_some(false), &entry).await;
            let key = UserKey::Email(email.clone());
            let edit = settle_edit(client, verb, result, &key, holds, &entry).await?;
            Ok(Edited {
                edit,
                created: Some(true),
                entry: entry.as_str().to_string(),
            })
        }
        EditTarget::Update(key) => {
            let read_key = match (key, &changes.reference) {
                (UserKey::Ref(_), Patch::Set(new)) => UserKey::Ref(new.clone()),
                _ => key.clone(),
            };
            let input = UpdateUserInput {
                name: changes.name.clone(),
                email: changes.email.clone(),
                roles: changes.roles.clone(),
                language: changes.language.clone(),
                is_active: changes.active.clone(),
                reference: changes.reference.clone(),
                extra_fields: changes.extra_fields.clone(),
            };
            let result = ops::update(client, key, input, &entry).await;
            let edit = settle_edit(client, verb, result, &read_key, holds, &entry).await?;
            Ok(Edited {
                edit,
                created: None,
                entry: entry.as_str().to_string(),
            })
        }
        EditTarget::Upsert {
            email,
            reference,
            send_invite,
        } => {
            let read_key = match (email, reference) {
                (Some(email), _) => UserKey::Email(email.clone()),
                (None, Some(r)) => UserKey::Ref(changes.reference.value().unwrap_or(r).clone()),
                (None, None) => return Err(refused("upsert needs an e-mail address or a ref")),
            };
            let input = UpdateOrCreateUserInput {
                name: changes.name.clone(),
                roles: changes.roles.clone(),
                language: changes.language.clone(),
                is_active: changes.active.clone(),
                reference: changes.reference.clone(),
                extra_fields: changes.extra_fields.clone(),
            };
            let mut created = None;
            let result = ops::upsert(
                client,
                email.clone(),
                reference.clone(),
                *send_invite,
                input,
                &entry,
            )
            .await
            .map(|(detail, new)| {
                created = Some(new);
                detail
            });
            let edit = settle_edit(client, verb, result, &read_key, holds, &entry).await?;
            Ok(Edited {
                edit,
                created,
                entry: entry.as_str().to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::training::{UpdateUserInput, UpdateUserVariables, Uuid};

    #[test]
    fn only_what_changes_is_sent_and_a_clear_is_null() {
        let variables = UpdateUserVariables {
            reference: None,
            id: Some(Uuid("u1".into())),
            user: UpdateUserInput {
                name: Patch::Set("Ann".into()),
                email: Patch::Clear,
                roles: Patch::Set(vec![Role::Admin]),
                ..UpdateUserInput::default()
            },
        };
        let sent = serde_json::to_value(&variables).unwrap();
        assert_eq!(
            sent,
            serde_json::json!({
                "id": "u1",
                "user": { "name": "Ann", "email": null, "roles": ["ADMIN"] }
            })
        );
    }

    #[test]
    fn read_back_checks_every_field_changed() {
        let mut detail = UserDetail::default();
        detail.user.name = "Ann".into();
        detail.user.roles = vec!["TRAINER".into(), "ADMIN".into()];
        detail.user.language = Some("EN".into());
        detail.active = Some(false);
        let mut changes = UserChanges {
            name: Patch::Set("Ann".into()),
            email: Patch::Clear,
            roles: Patch::Set(vec![Role::Admin, Role::Trainer]),
            language: Patch::Set(Language::En),
            active: Patch::Set(false),
            ..UserChanges::default()
        };
        assert!(changes.held_by(&detail));
        assert_eq!(
            changes.fields(),
            ["name", "email", "roles", "language", "isActive"]
        );
        changes.reference = Patch::Set("R-1".into());
        assert!(!changes.held_by(&detail), "the ref is not held");
        changes.reference = Patch::Keep;
        detail.user.email = Some("ann@example.com".into());
        assert!(!changes.held_by(&detail), "the e-mail was not cleared");
        detail.user.email = None;
        detail.user.roles.clear();
        changes.roles = Patch::Set(Vec::new());
        assert!(
            changes.held_by(&detail),
            "no roles is what an empty list sets"
        );
    }
}
