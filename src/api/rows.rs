//! training's list of every user, compact: a million users' text in one string, each
//! user a few offsets and codes into it, roles and languages kept once each. A user's
//! [`User`] is made when it is shown (a page), not held for all of them.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;

use super::model::{Status, User};
use super::stream::RowSink;

/// A user as the answer holds it, its text borrowed from the answer's bytes where it can
/// be. Enum values are kept as sent: a role or language this client does not know is
/// shown, not refused.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowIn<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow, default)]
    pub email: Option<Cow<'a, str>>,
    #[serde(default)]
    pub is_active: Option<bool>,
    #[serde(borrow, default)]
    pub archived_at: Option<Cow<'a, str>>,
    /// As sent (`["ADMIN","TRAINER"]`): kept once per distinct list, read when shown.
    #[serde(borrow, default)]
    pub roles: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default)]
    pub language: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub last_login: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "ref")]
    pub reference: Option<Cow<'a, str>>,
}

/// training's status from `archivedAt` and `isActive`.
pub fn status(archived: bool, active: Option<bool>) -> Status {
    if archived {
        Status::Archived
    } else if active == Some(false) {
        Status::Inactive
    } else {
        Status::Active
    }
}

/// The text fields of a row, in the order they lie in the text.
#[derive(Clone, Copy)]
enum Field {
    Id,
    Name,
    Email,
    LastLogin,
    Reference,
    ArchivedAt,
}

const FIELDS: usize = 6;
const NONE: u32 = u32::MAX;

/// One user: where its text lies, and codes for the rest (48 bytes).
#[derive(Clone, Copy)]
struct Row {
    at: usize,
    /// Each text field's length; [`NONE`] for a field the answer left null.
    lengths: [u32; FIELDS],
    active: Option<bool>,
    /// Indices into the role lists and the languages seen ([`NONE`]: none sent).
    roles: u32,
    language: u32,
}

/// Values kept once each, by index.
#[derive(Default)]
struct Interned {
    values: Vec<Box<str>>,
    /// Past [`FEW`] values, they are found by hash.
    index: HashMap<Box<str>, u32>,
}

/// Up to this many values, finding one compares it with each: no hashing per user.
const FEW: usize = 32;

impl Interned {
    fn code(&mut self, value: &str) -> Result<u32, String> {
        if self.values.len() <= FEW {
            if let Some(at) = self.values.iter().position(|v| **v == *value) {
                return Ok(at as u32);
            }
        } else if let Some(&code) = self.index.get(value) {
            return Ok(code);
        }
        let code = u32::try_from(self.values.len())
            .ok()
            .filter(|&c| c != NONE)
            .ok_or("more distinct values than can be kept")?;
        self.values.push(value.into());
        if self.values.len() > FEW {
            if self.index.is_empty() {
                let known = self.values.iter().enumerate();
                self.index = known.map(|(at, v)| (v.clone(), at as u32)).collect();
            } else {
                self.index.insert(value.into(), code);
            }
        }
        Ok(code)
    }

    /// The code here of each of `other`'s values, by its code there.
    fn codes_of(&mut self, other: &Interned) -> Result<Vec<u32>, String> {
        other.values.iter().map(|value| self.code(value)).collect()
    }

    fn get(&self, code: u32) -> Option<&str> {
        self.values.get(code as usize).map(|v| &**v)
    }
}

/// Every user of a list, compact.
#[derive(Default)]
pub struct Rows {
    text: String,
    rows: Vec<Row>,
    roles: Interned,
    languages: Interned,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// How many bytes of text the users hold.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Makes room for `rows` more users of `text` bytes of text, if it can be had.
    pub fn try_reserve(
        &mut self,
        rows: usize,
        text: usize,
    ) -> Result<(), std::collections::TryReserveError> {
        self.rows.try_reserve(rows)?;
        self.text.try_reserve(text)
    }

    /// `row` as the rest of the program knows users, kept nowhere.
    pub fn one(row: &RowIn<'_>) -> Result<User, String> {
        let mut rows = Rows::default();
        rows.push(row)?;
        Ok(rows.user(0))
    }

    /// Gives back room not taken.
    pub fn shrink_to_fit(&mut self) {
        self.rows.shrink_to_fit();
        self.text.shrink_to_fit();
    }

    /// Appends a user.
    pub fn push(&mut self, row: &RowIn<'_>) -> Result<(), String> {
        let at = self.text.len();
        let mut lengths = [NONE; FIELDS];
        let texts = [
            Some(&row.id),
            Some(&row.name),
            row.email.as_ref(),
            row.last_login.as_ref(),
            row.reference.as_ref(),
            row.archived_at.as_ref(),
        ];
        for (length, text) in lengths.iter_mut().zip(texts) {
            if let Some(text) = text {
                *length = u32::try_from(text.len())
                    .ok()
                    .filter(|&l| l != NONE)
                    .ok_or("a value longer than 4 GB")?;
                self.text.push_str(text);
            }
        }
        let roles = match row.roles {
            None => NONE,
            Some(roles) => self.roles.code(roles.get())?,
        };
        let language = match &row.language {
            None => NONE,
            Some(language) => self.languages.code(language)?,
        };
        self.rows.push(Row {
            at,
            lengths,
            active: row.is_active,
            roles,
            language,
        });
        Ok(())
    }

    /// `later`'s users after these; `later` is left empty (its room kept).
    pub fn append(&mut self, later: &mut Rows) -> Result<(), String> {
        let roles = self.roles.codes_of(&later.roles)?;
        let languages = self.languages.codes_of(&later.languages)?;
        let recode = |codes: &[u32], code: u32| codes.get(code as usize).copied().unwrap_or(NONE);
        let base = self.text.len();
        self.text.push_str(&later.text);
        self.rows.extend(later.rows.drain(..).map(|row| Row {
            at: row.at + base,
            roles: recode(&roles, row.roles),
            language: recode(&languages, row.language),
            ..row
        }));
        later.text.clear();
        later.roles = Interned::default();
        later.languages = Interned::default();
        Ok(())
    }

    fn field(&self, i: usize, field: Field) -> Option<&str> {
        let row = &self.rows[i];
        let field = field as usize;
        if row.lengths[field] == NONE {
            return None;
        }
        let skipped: usize = row.lengths[..field]
            .iter()
            .filter(|&&l| l != NONE)
            .map(|&l| l as usize)
            .sum();
        let from = row.at + skipped;
        Some(&self.text[from..from + row.lengths[field] as usize])
    }

    pub fn id(&self, i: usize) -> &str {
        self.field(i, Field::Id).unwrap_or_default()
    }

    pub fn name(&self, i: usize) -> &str {
        self.field(i, Field::Name).unwrap_or_default()
    }

    pub fn email(&self, i: usize) -> Option<&str> {
        self.field(i, Field::Email)
    }

    pub fn reference(&self, i: usize) -> Option<&str> {
        self.field(i, Field::Reference)
    }

    pub fn last_login(&self, i: usize) -> Option<&str> {
        self.field(i, Field::LastLogin)
    }

    pub fn language(&self, i: usize) -> Option<&str> {
        self.languages.get(self.rows[i].language)
    }

    /// User `i`'s status by name (training has these three).
    pub fn status_name(&self, i: usize) -> &'static str {
        match self.status(i) {
            Status::Archived => "archived",
            Status::Inactive => "inactive",
            _ => "active",
        }
    }

    pub fn status(&self, i: usize) -> Status {
        let archived = self.field(i, Field::ArchivedAt).is_some();
        status(archived, self.rows[i].active)
    }

    /// User `i` as the rest of the program knows users.
    pub fn user(&self, i: usize) -> User {
        let owned = |field| self.field(i, field).map(str::to_string);
        // As the answer held them: a null role is left out, an unknown one kept.
        let roles = self
            .roles
            .get(self.rows[i].roles)
            .map_or_else(Vec::new, |r| {
                serde_json::from_str::<Option<Vec<Option<String>>>>(r)
                    .ok()
                    .flatten()
                    .unwrap_or_default()
                    .into_iter()
                    .flatten()
                    .collect()
            });
        User {
            id: self.id(i).to_string(),
            name: self.name(i).to_string(),
            email: owned(Field::Email),
            status: self.status(i),
            roles,
            language: self.language(i).map(str::to_string),
            last_login: owned(Field::LastLogin),
            reference: owned(Field::Reference),
            active: self.rows[i].active,
            archived_at: owned(Field::ArchivedAt),
            ..User::default()
        }
    }
}

impl RowSink for Rows {
    type Row<'de> = RowIn<'de>;

    fn push(&mut self, row: RowIn<'_>) -> Result<(), String> {
        Rows::push(self, &row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_comes_back_as_it_was_sent() {
        let sent = r#"[
            {"id":"1","name":"Zoë \"Z\" Müller","email":null,"isActive":false,"archivedAt":null,
             "roles":["ADMIN",null,"AUDITOR"],"language":"EN","lastLogin":"2024-01-01T00:00:00Z","ref":"R1"},
            {"id":"2","name":"","email":"a@b.nl","isActive":null,"archivedAt":"2025-01-01T00:00:00Z",
             "roles":null,"language":"KLINGON","lastLogin":null,"ref":null},
            {"id":"3","name":"x","roles":[]}
        ]"#;
        let sent: Vec<RowIn<'_>> = serde_json::from_str(sent).unwrap();
        let mut rows = Rows::default();
        for row in &sent {
            rows.push(row).unwrap();
        }
        let first = rows.user(0);
        assert_eq!(first.name, "Zoë \"Z\" Müller");
        assert_eq!(first.email, None);
        assert_eq!(first.status, Status::Inactive);
        // A role this client does not know is kept; a null one is left out.
        assert_eq!(first.roles, ["ADMIN", "AUDITOR"]);
        assert_eq!(first.language.as_deref(), Some("EN"));
        assert_eq!(first.reference.as_deref(), Some("R1"));
        let second = rows.user(1);
        assert_eq!(
            (second.name.as_str(), second.email.as_deref()),
            ("", Some("a@b.nl"))
        );
        assert_eq!(second.status, Status::Archived);
        assert_eq!(second.language.as_deref(), Some("KLINGON"));
        assert!(second.roles.is_empty() && second.last_login.is_none());
        let third = rows.user(2);
        assert_eq!(
            (third.id.as_str(), third.status.clone()),
            ("3", Status::Active)
        );
        assert_eq!(rows.email(2), None);
        assert_eq!(std::mem::size_of::<Row>(), 48);
    }
}
