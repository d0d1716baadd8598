//! `userdeck users …`: list, show, bulk actions and (training) editing.

use std::io;

use super::ask::Asker;
use super::progress::{Progress, ProgressMode};
use super::stream::Streamed;
use super::{EXIT_ERROR, Failure};
use super::{edit, ids, print, values};
use crate::api::bulk;
use crate::api::client::Client;
use crate::api::ledger::Ledger;
use crate::api::model::{BulkAction, ListQuery, SortField, Status};
use crate::api::ops::{self, UserKey};
use crate::api::paging::{self, Walked};
use crate::api::preview;
use crate::api::undo::{self, Before};
use crate::cli::{BulkArgs, ListArgs, ShowArgs, UsersCommand};
use crate::config::Resolved;
use crate::dialect::Dialect;
use crate::format::Format;
use crate::format::list::ListWriter;
use crate::format::record::Fields;
use crate::format::safe::Printing;
use crate::text::{sanitize, thousands};

pub async fn run(
    resolved: &Resolved,
    client: &Client,
    command: UsersCommand,
    printing: Printing,
) -> Result<(), Failure> {
    let p = printing;
    match command {
        UsersCommand::List(args) => list(resolved, client, args, p).await,
        UsersCommand::Show(args) => show(resolved, client, args, p).await,
        UsersCommand::Ring(args) => super::ring::ring(resolved, client, args, p).await,
        UsersCommand::Timeline(args) => super::timeline::timeline(resolved, client, args, p).await,
        UsersCommand::Block(args) => act(resolved, client, BulkAction::Block, args, p).await,
        UsersCommand::Activate(args) => act(resolved, client, BulkAction::Activate, args, p).await,
        UsersCommand::Archive(args) => act(resolved, client, BulkAction::Archive, args, p).await,
        UsersCommand::Unarchive(args) => {
            act(resolved, client, BulkAction::Unarchive, args, p).await
        }
        UsersCommand::Create(args) => edit::create(resolved, client, args, p).await,
        UsersCommand::Update(args) => edit::update(resolved, client, args, p).await,
        UsersCommand::Upsert(args) => edit::upsert(resolved, client, args, p).await,
    }
}

/// `args` with what the saved view `--view` names fills in what they leave out.
fn with_view(resolved: &Resolved, mut args: ListArgs) -> Result<ListArgs, Failure> {
    let Some(name) = &args.view else {
        return Ok(args);
    };
    let view = crate::views::find(&crate::views::file(), &resolved.name, name)
        .map_err(|why| Failure::usage(format!("--view: {why}")))?;
    let sort = <SortField as clap::ValueEnum>::from_str(&view.sort, true)
        .map_err(|_| Failure::usage(format!("--view {name}: no sort field {:?}", view.sort)))?;
    args.filter = args.filter.or(view.filter);
    args.status = args.status.or(view.status);
    if args.sort.is_none() {
        args.sort = Some(sort);
        args.desc |= view.descending;
    }
    args.limit = args.limit.or(view.page_size);
    Ok(args)
}

async fn list(
    resolved: &Resolved,
    client: &Client,
    args: ListArgs,
    printing: Printing,
) -> Result<(), Failure> {
    let args = with_view(resolved, args)?;
    let capabilities = client.capabilities();
    let known: Vec<String> = capabilities
        .statuses
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    let status = match args
        .status
        .as_deref()
        .map(|text| (text, Status::parse(text)))
    {
        None => None,
        Some((_, Some(status))) if capabilities.statuses.contains(&status) => Some(status),
        // A status of the other dialect is not a typo of one of this one.
        Some((text, Some(status))) if !matches!(status, Status::Other(_)) => {
            return Err(Failure::usage(format!(
                "--status {text:?}: not a status of the {} API (it knows {})",
                client.dialect(),
                known.join(", ")
            )));
        }
        // A status the contract lacks is sent as it is (a newer server may have it),
        // unless it is a likely typo of a known one.
        Some((text, _)) => Some(Status::other(&values::enum_value(
            "--status", text, &known,
        )?)),
    };
    let unknown_status: Vec<String> = match &status {
        Some(Status::Other(name)) => vec![format!("--status {}", name.to_uppercase())],
        _ => Vec::new(),
    };
    let sort = args.sort.unwrap_or(match client.dialect() {
        Dialect::Crm => SortField::Created,
        Dialect::Training => SortField::Name,
    });
    if !capabilities.sort_fields.contains(&sort) {
        return Err(Failure::usage(format!(
            "--sort {}: the {} API cannot sort by it",
            sort.label(),
            client.dialect()
        )));
    }
    let fields = match &args.fields {
        Some(list) => Fields::parse(client.dialect(), list).map_err(Failure::usage)?,
        None => Fields::all(client.dialect()),
    };
    if args.fields.is_some() && args.format == Format::Table {
        return Err(Failure::usage(
            "--fields chooses the fields of JSON, NDJSON and CSV: add --format json, ndjson or csv",
        ));
    }
    // --limit is the most users written (gh's meaning): past a page, pages are walked.
    let walking = args.all || args.stream || args.limit.is_some_and(|n| n > ops::MAX_PAGE);
    let cap = args.limit.filter(|_| walking);
    let query = ListQuery {
        offset: args.offset,
        limit: args
            .limit
            .unwrap_or(resolved.profile.page_size)
            .min(ops::MAX_PAGE),
        text: args.filter,
        email: args.email,
        status,
        sort,
        descending: args.desc,
    };
    let stdout = io::stdout().lock();
    let mut writer = ListWriter::with_fields(
        io::BufWriter::new(stdout),
        args.format,
        client.dialect(),
        printing,
        fields,
    );
    if args.stream && client.dialect() == Dialect::Training {
        let cap = args.limit;
        return match super::stream::stream(client, &query, cap, &mut writer).await {
            Streamed::Whole(total) => Ok(writer.finish(total)?),
            Streamed::Failed(e) => Err(failed(writer, e)),
            Streamed::Unwritable(e) => Err(e.into()),
        };
    }
    // training lists every user at once: held here and paged like the server would.
    let local = match client.dialect() {
        Dialect::Training => match ops::training_all(client).await {
            Ok(users) => Some(users),
            Err(e) => return Err(failed(writer, e)),
        },
        Dialect::Crm => None,
    };
    let walked = paging::walk(
        &query,
        walking,
        cap,
        |next| {
            let local = &local;
            async move {
                match local {
                    Some(users) => Ok(users.page(&next)),
                    None => ops::crm_page(client, &next).await,
                }
            }
        },
        |page| std::future::ready(writer.page(&page.rows)),
    )
    .await;
    let total = match walked {
        Ok(total) => total,
        // What was written stays a whole document, saying where it stopped.
        Err(Walked::Read(e)) if !unknown_status.is_empty() && writer.rows() == 0 => {
            return Err(values::refused_value(e, &unknown_status));
        }
        Err(Walked::Read(e)) => return Err(failed(writer, e)),
        Err(Walked::Each(io)) => return Err(io.into()),
    };
    writer.finish(total)?;
    if args.format == Format::Table && !walking {
        if query.offset >= total && total > 0 {
            crate::say!("no rows at offset {} ({total} in all)", query.offset);
        } else {
            let shown_to = (query.offset + query.limit).min(total);
            crate::say!(
                "users {}–{} of {total}",
                if total == 0 { 0 } else { query.offset + 1 },
                shown_to
            );
        }
    }
    Ok(())
}

/// A list that failed half-way: what was written is ended as a whole document saying
/// so, and the failure says how many users it got to.
fn failed<W: io::Write>(writer: ListWriter<W>, e: crate::api::error::ApiError) -> Failure {
    let rows = writer.rows();
    match writer.fail(&e) {
        Ok(()) if rows > 0 => Failure::from(e).prefixed(&format!(
            "the list is incomplete: it failed after {} users: ",
            thousands(rows)
        )),
        Ok(()) => Failure::from(e),
        Err(io) => Failure::from(io),
    }
}

/// The user a command names, checked like any id before anything is sent.
pub(super) fn key_of(
    id: Option<String>,
    reference: Option<String>,
    email: Option<String>,
) -> Result<UserKey, Failure> {
    let checked = |v: String| ids::checked_id(v.trim());
    Ok(match (id, reference, email) {
        (Some(id), _, _) => UserKey::Id(checked(id)?),
        (None, Some(r), _) => UserKey::Ref(checked(r)?),
        (None, None, Some(e)) => UserKey::Email(checked(e)?),
        (None, None, None) => UserKey::Id(String::new()),
    })
}

async fn show(
    resolved: &Resolved,
    client: &Client,
    args: ShowArgs,
    printing: Printing,
) -> Result<(), Failure> {
    let key = sendable(client, key_of(args.id, args.reference, args.email)?)?;
    if client.dialect() == Dialect::Crm && !matches!(key, UserKey::Id(_)) {
        return Err(Failure::usage("the crm API finds users by id only"));
    }
    let mut detail = ops::detail(client, &key).await?;
    crate::signals::mark(&mut detail, &resolved.profile.signals);
    print::detail(&detail, args.format, printing)
}

/// `key`, unless the dialect cannot find a user by it: a training id is a UUID.
pub(super) fn sendable(client: &Client, key: UserKey) -> Result<UserKey, Failure> {
    match &key {
        UserKey::Id(id) if !client.dialect().takes_id(id) => Err(Failure::usage(format!(
            "{} is not a training user id (a UUID): nothing was sent",
            crate::text::fit(&sanitize(id), 40)
        ))),
        _ => Ok(key),
    }
}

/// Refuses a mutation under a read-only profile, before anything is sent.
/// The client a change (`what`) is sent with, saying why (`why`): refused, before
/// anything is read or sent, by a read-only profile, and without a reason by a profile
/// that asks one (exit 2). Every headless change passes here.
pub(super) fn may_change(
    resolved: &Resolved,
    client: &Client,
    what: &str,
    why: &crate::cli::ReasonArg,
) -> Result<Client, Failure> {
    writable(resolved, what)?;
    let reason = why
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if resolved.profile.require_reason && reason.is_none() {
        return Err(Failure::usage(format!(
            "profile {:?} asks why for every change (require_reason): {what} needs --reason TEXT, a reason or a ticket id; nothing was sent",
            resolved.name
        )));
    }
    Ok(client.because(reason))
}

fn writable(resolved: &Resolved, what: &str) -> Result<(), Failure> {
    if resolved.profile.read_only {
        return Err(Failure::new(
            EXIT_ERROR,
            format!(
                "profile {:?} is read-only: {what} refused, nothing was sent",
                resolved.name
            ),
        ));
    }
    Ok(())
}

async fn act(
    resolved: &Resolved,
    client: &Client,
    action: BulkAction,
    args: BulkArgs,
    printing: Printing,
) -> Result<(), Failure> {
    let capabilities = client.capabilities();
    if !capabilities.can(action) {
        let can: Vec<&str> = capabilities.actions.iter().map(|a| a.verb()).collect();
        return Err(Failure::usage(format!(
            "the {} API cannot {}; it can {}",
            client.dialect(),
            action.verb(),
            can.join(" and ")
        )));
    }
    let client = &may_change(resolved, client, action.verb(), &args.why)?;
    let ids = ids::gather(&args)?;
    if ids.is_empty() {
        // A quiet night for a "block the matches" job: nothing to do is not a failure.
        crate::say!("nothing to do: no ids given");
        return print::report(action, &Ledger::default(), None, args.format, printing);
    }
    let asker = Asker::new(
        args.yes,
        &format!("{} {}", action.verb(), plural(ids.len(), "user")),
    )?;
    let reading = || read_first(client, &ids, args.progress);
    let (before, stop) = if asker.is_yes() {
        // Confirmed by --yes: from here a signal stops the action and every id is
        // reported, those never sent too — also while the statuses are read first.
        let mut stop = super::interrupt::on_signals();
        let before = tokio::select! {
            before = reading() => before?,
            () = stop.asked() => Before::default(),
        };
        (before, stop)
    } else {
        // Until it is confirmed, Ctrl-C ends it as by default: nothing was sent.
        let before = reading().await?;
        let typed_above = resolved.profile.confirm_typed_above;
        asker.ask(
            &prompt(resolved, action, &ids, &before),
            ids.len(),
            typed_above,
        )?;
        (before, super::interrupt::on_signals())
    };

    let mut progress = Progress::start(args.progress, action.verb(), ids.len() as u64);
    let batch = bulk::Batch::new(before.found, None);
    let report = bulk::run(
        client,
        action,
        &ids,
        resolved.profile.chunk_size,
        &batch,
        stop,
        |told| progress.set(told.done as u64),
    )
    .await;
    progress.finish();
    let entry = client.journal().map(|_| batch.id.as_str());
    // A closed stdout (`| head -1`) must not hide what became of the action: its exit.
    match print::report(action, &report, entry, args.format, printing) {
        Err(failure) if !failure.quiet() => return Err(failure),
        _ => {}
    }
    super::outcome(&report)
}

use crate::text::plural;

/// What the confirmation of `action` on `ids` shows: where it goes, the breakdown by the
/// statuses read (as the dashboard's preview says it), who it names, and what an undo
/// will not give back.
fn prompt(resolved: &Resolved, action: BulkAction, ids: &[String], before: &Before) -> Vec<String> {
    let mut lines = vec![
        format!(
            "on profile {} at {}:",
            resolved.name, resolved.profile.endpoint
        ),
        preview::breakdown(action, ids.iter().map(|id| before.of(id)), "not read"),
    ];
    let shown: Vec<String> = ids
        .iter()
        .take(3)
        .map(|id| sanitize(id).into_owned())
        .collect();
    lines.push(format!(
        "sent: {}{}",
        shown.join(", "),
        if ids.len() > 3 {
            format!(" and {} more", thousands((ids.len() - 3) as u64))
        } else {
            String::new()
        }
    ));
    lines.extend(preview::not_given_back(
        action,
        ids.iter().filter_map(|id| before.of(id)),
    ));
    if !before.missing.is_empty() {
        lines.push(format!(
            "{} unknown to the server: they will fail",
            plural(before.missing.len(), "user")
        ));
    }
    lines
}

/// The statuses of `ids` before the action, journalled with its batch so that `undo` can
/// give them back; says on standard error which users an undo will have to leave alone.
/// A refused token stops here, before anything is sent.
async fn read_first(
    client: &Client,
    ids: &[String],
    mode: ProgressMode,
) -> Result<Before, Failure> {
    // Past what is read first, nothing is read: nothing to show.
    let mode = if ids.len() > undo::READ_FIRST_UP_TO {
        ProgressMode::Never
    } else {
        mode
    };
    let progress = Progress::start(mode, "reading statuses", ids.len() as u64);
    let progress = std::sync::Mutex::new(progress);
    let told = |n: usize| {
        if let Ok(mut progress) = progress.lock() {
            progress.set(n as u64);
        }
    };
    let read = undo::statuses_before(client, ids, &told).await;
    if let Ok(progress) = progress.into_inner() {
        progress.finish();
    }
    let read = read.map_err(|e| {
        Failure::from(e).prefixed("reading the users' statuses first failed, nothing was sent: ")
    })?;
    let Some(before) = read else {
        crate::say!(
            "note: statuses not read first for more than {} users: this batch cannot be undone",
            thousands(undo::READ_FIRST_UP_TO as u64)
        );
        return Ok(Before::default());
    };
    if let Some(first) = before.unread.first() {
        crate::say!(
            "note: the status of {} ({}{}) could not be read first: an undo will leave {} alone",
            plural(before.unread.len(), "user"),
            sanitize(first),
            if before.unread.len() > 1 { ", …" } else { "" },
            if before.unread.len() == 1 {
                "it"
            } else {
                "them"
            },
        );
    }
    Ok(before)
}
