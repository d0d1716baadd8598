//! `userdeck users create|update|upsert` (training): the fields given become the
//! changes of one edit ([`UserChanges`]); `--clear FIELD` sends a field as `null`.

use super::users::{key_of, may_change};
use super::{EXIT_ERROR, EXIT_UNKNOWN, Failure};
use super::{print, values};
use crate::api::client::Client;
use crate::api::edit::{self, EditTarget, Patch, UserChanges};
use crate::api::model::UserDetail;
use crate::api::ops::UserKey;
use crate::api::settle::Edit;
use crate::api::training::{JsonString, Language, Role};
use crate::cli::{ClearField, CreateArgs, UpdateArgs, UpsertArgs, UserFields};
use crate::config::Resolved;
use crate::dialect::Dialect;
use crate::format::safe::Printing;
use crate::text::sanitize;

fn roles(fields: &UserFields) -> Result<Option<Vec<Role>>, Failure> {
    if fields.no_roles {
        return Ok(Some(Vec::new()));
    }
    if fields.roles.is_empty() {
        return Ok(None);
    }
    let known = Role::KNOWN.map(|r| r.as_str().to_string());
    fields
        .roles
        .iter()
        .map(|r| {
            let name = values::enum_value("--role", r, &known)?;
            Ok(Role::parse(&name).unwrap_or(Role::Other(name)))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn language(fields: &UserFields) -> Result<Option<Language>, Failure> {
    let known = Language::KNOWN.map(|l| l.as_str().to_string());
    fields
        .language
        .as_deref()
        .map(|l| {
            let name = values::enum_value("--language", l, &known)?;
            Ok(Language::parse(&name).unwrap_or(Language::Other(name)))
        })
        .transpose()
}

fn extra_fields(fields: &UserFields) -> Result<Option<JsonString>, Failure> {
    match &fields.extra_fields {
        None => Ok(None),
        Some(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Object(_)) => Ok(Some(JsonString(text.clone()))),
            _ => Err(Failure::usage(
                "--extra-fields: expected a JSON object, such as '{\"team\": \"north\"}'",
            )),
        },
    }
}

/// The changes the shared fields (and a name, e-mail and ref) ask for.
fn changes(
    fields: &UserFields,
    name: Option<String>,
    email: Option<String>,
    reference: Option<String>,
) -> Result<UserChanges, Failure> {
    Ok(UserChanges {
        name: Patch::given(name),
        email: Patch::given(email),
        reference: Patch::given(reference),
        roles: Patch::given(roles(fields)?),
        language: Patch::given(language(fields)?),
        active: Patch::given(fields.active),
        extra_fields: Patch::given(extra_fields(fields)?),
    })
}

/// `--clear FIELD`: that field becomes `null`; setting it too is a contradiction.
fn clear(changes: &mut UserChanges, fields: &[ClearField]) -> Result<(), Failure> {
    for field in fields {
        let (set, flag) = match field {
            ClearField::Email => (!changes.email.is_keep(), "--email"),
            ClearField::Ref => (!changes.reference.is_keep(), "--new-ref"),
            ClearField::Roles => (!changes.roles.is_keep(), "--role/--no-roles"),
            ClearField::ExtraFields => (!changes.extra_fields.is_keep(), "--extra-fields"),
        };
        if set {
            return Err(Failure::usage(format!(
                "--clear {} and {flag} contradict each other: give one",
                field.name()
            )));
        }
        match field {
            ClearField::Email => changes.email = Patch::Clear,
            ClearField::Ref => changes.reference = Patch::Clear,
            ClearField::Roles => changes.roles = Patch::Clear,
            ClearField::ExtraFields => changes.extra_fields = Patch::Clear,
        }
    }
    Ok(())
}

fn training_only(client: &Client, what: &str) -> Result<(), Failure> {
    if client.dialect() != Dialect::Training {
        return Err(Failure::usage(format!(
            "the {} API cannot {what}: only training can",
            client.dialect()
        )));
    }
    Ok(())
}

/// What became of an edit, told: verified by reading back when its answer was lost, an
/// error when reading back shows it was not applied, exit 6 when that is unknown.
fn told(edit: Edit, what: &str) -> Result<UserDetail, Failure> {
    match edit {
        Edit::Answered(detail) => Ok(detail),
        Edit::ReadBack(detail) => {
            crate::say!("the answer to {what} was lost; verified by reading back: it was applied");
            Ok(detail)
        }
        Edit::NotApplied(detail) => Err(Failure::new(
            EXIT_ERROR,
            format!(
                "the answer to {what} was lost, and reading back shows user {} without the change: not applied",
                sanitize(&detail.user.id)
            ),
        )),
        Edit::Absent => Err(Failure::new(
            EXIT_ERROR,
            format!(
                "the answer to {what} was lost, and reading back finds no such user: not applied"
            ),
        )),
        Edit::Unknown { lost, read } => Err(Failure::new(
            EXIT_UNKNOWN,
            format!(
                "{what}: outcome unknown, check before retrying: {}; reading it back failed too: {}",
                sanitize(&lost.to_string()),
                sanitize(&read.to_string())
            ),
        )),
    }
}

/// The values of `changes` the contract lacks (sent as given), as the flags name them.
fn unknown_values(changes: &UserChanges) -> Vec<String> {
    let mut unknown = Vec::new();
    if let Patch::Set(Language::Other(l)) = &changes.language {
        unknown.push(format!("--language {l}"));
    }
    if let Patch::Set(roles) = &changes.roles {
        unknown.extend(roles.iter().filter_map(|r| match r {
            Role::Other(r) => Some(format!("--role {r}")),
            _ => None,
        }));
    }
    unknown
}

/// Sends one edit after the checks every edit shares, and prints the user it left.
async fn run(
    resolved: &Resolved,
    client: &Client,
    target: EditTarget,
    changes: UserChanges,
    why: &crate::cli::ReasonArg,
    format: crate::format::Format,
    printing: Printing,
) -> Result<(), Failure> {
    let verb = target.verb();
    training_only(client, &format!("{verb} users"))?;
    let client = &may_change(resolved, client, verb, why)?;
    let unknown = unknown_values(&changes);
    let edited = edit::send(client, &target, changes)
        .await
        .map_err(|e| values::refused_value(e, &unknown))?;
    let detail = told(edited.edit, verb)?;
    let done = match (&target, edited.created) {
        (EditTarget::Create { .. }, _) | (_, Some(true)) => "created",
        (EditTarget::Update(_), _) | (_, Some(false)) => "updated",
        _ => "created or updated",
    };
    let entry = client.journal().map(|_| edited.entry.as_str());
    let named = entry
        .map(|entry| format!(" (journal entry {entry})"))
        .unwrap_or_default();
    crate::say!("{done} user {}{named}", sanitize(&detail.user.id));
    print::edited(&detail, entry, format, printing)
}

pub(super) async fn create(
    resolved: &Resolved,
    client: &Client,
    args: CreateArgs,
    printing: Printing,
) -> Result<(), Failure> {
    let changes = changes(
        &args.fields,
        Some(args.name),
        Some(args.email),
        args.reference,
    )?;
    let target = EditTarget::Create {
        send_invite: !args.no_invite,
    };
    run(
        resolved,
        client,
        target,
        changes,
        &args.why,
        args.format,
        printing,
    )
    .await
}

pub(super) async fn update(
    resolved: &Resolved,
    client: &Client,
    args: UpdateArgs,
    printing: Printing,
) -> Result<(), Failure> {
    let key = super::users::sendable(client, key_of(args.id, args.reference, None)?)?;
    let mut changes = changes(&args.fields, args.name, args.email, args.new_ref)?;
    clear(&mut changes, &args.clear)?;
    if changes.is_empty() {
        return Err(Failure::usage(
            "nothing to change: give a field to set (--name, --email, …) or --clear FIELD",
        ));
    }
    if let (UserKey::Ref(_), Patch::Clear) = (&key, &changes.reference) {
        // Read back by a ref it no longer has would find nothing.
        return Err(Failure::usage(
            "--clear ref needs the user's id: a user found by ref cannot be read back without one",
        ));
    }
    let target = EditTarget::Update(key);
    run(
        resolved,
        client,
        target,
        changes,
        &args.why,
        args.format,
        printing,
    )
    .await
}

pub(super) async fn upsert(
    resolved: &Resolved,
    client: &Client,
    args: UpsertArgs,
    printing: Printing,
) -> Result<(), Failure> {
    let changes = changes(&args.fields, args.name, None, args.new_ref)?;
    let target = EditTarget::Upsert {
        email: args.email,
        reference: args.reference,
        send_invite: args.no_invite.then_some(false),
    };
    run(
        resolved,
        client,
        target,
        changes,
        &args.why,
        args.format,
        printing,
    )
    .await
}
