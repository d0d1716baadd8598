//! `userdeck users …`: list, show, bulk actions and (training) editing.

use std::collections::HashMap;
use std::io::{self, BufRead, IsTerminal, Write};

use super::{EXIT_ERROR, Failure};
use super::{edit, ids, print};
use crate::api::bulk::{self, Progress};
use crate::api::client::Client;
use crate::api::local::LocalUsers;
use crate::api::model::{BulkAction, ListQuery, SortField, Status};
use crate::api::ops::{self, UserKey};
use crate::api::paging::{self, Walked};
use crate::api::undo;
use crate::cli::{BulkArgs, ListArgs, ShowArgs, UsersCommand};
use crate::config::Resolved;
use crate::dialect::Dialect;
use crate::format::Format;
use crate::format::list::ListWriter;
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
        UsersCommand::Show(args) => show(client, args, p).await,
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

async fn list(
    resolved: &Resolved,
    client: &Client,
    args: ListArgs,
    printing: Printing,
) -> Result<(), Failure> {
    let capabilities = client.capabilities();
    let status = match &args.status {
        None => None,
        Some(text) => {
            // A status the contract lacks is sent as it is: the server judges it.
            let status = Status::parse(text)
                .filter(|s| capabilities.statuses.contains(s) || matches!(s, Status::Other(_)));
            Some(status.ok_or_else(|| {
                let known: Vec<&str> = capabilities.statuses.iter().map(Status::as_str).collect();
                Failure::usage(format!(
                    "--status {text:?}: not a status name (the {} API knows {})",
                    client.dialect(),
                    known.join(", ")
                ))
            })?)
        }
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
    let query = ListQuery {
        offset: args.offset,
        limit: args.limit.unwrap_or(resolved.profile.page_size),
        text: args.filter,
        email: args.email,
        status,
        sort,
        descending: args.desc,
    };
    let stdout = io::stdout().lock();
    let mut writer = ListWriter::new(
        io::BufWriter::new(stdout),
        args.format,
        client.dialect(),
        printing,
    );
    // training lists every user at once: held here and paged like the server would.
    let local = match client.dialect() {
        Dialect::Training => match ops::training_all(client).await {
            Ok(users) => Some(LocalUsers::new(users)),
            Err(e) => {
                return Err(match writer.fail(&e) {
                    Ok(()) => Failure::from(e),
                    Err(io) => Failure::from(io),
                });
            }
        },
        Dialect::Crm => None,
    };
    let walked = paging::walk(
        &query,
        args.all,
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
        Err(Walked::Read(e)) => {
            return Err(match writer.fail(&e) {
                Ok(()) => Failure::from(e),
                Err(io) => Failure::from(io),
            });
        }
        Err(Walked::Each(io)) => return Err(io.into()),
    };
    writer.finish(total)?;
    if args.format == Format::Table && !args.all {
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

async fn show(client: &Client, args: ShowArgs, printing: Printing) -> Result<(), Failure> {
    let key = key_of(args.id, args.reference, args.email)?;
    if client.dialect() == Dialect::Crm && !matches!(key, UserKey::Id(_)) {
        return Err(Failure::usage("the crm API finds users by id only"));
    }
    let detail = ops::detail(client, &key).await?;
    print::detail(&detail, args.format, printing)
}

/// Refuses a mutation under a read-only profile, before anything is sent.
pub(super) fn writable(resolved: &Resolved, what: &str) -> Result<(), Failure> {
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

/// Asks on the terminal; without one, only --yes lets a bulk action through.
pub(super) fn confirm(question: &str, yes: bool) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    if !(io::stdin().is_terminal() && io::stderr().is_terminal()) {
        return Err(Failure::usage(format!(
            "{question}: refusing without --yes, as there is no terminal to ask on"
        )));
    }
    // Asked on a terminal: one that cannot take the question cannot answer it either.
    write!(io::stderr(), "{question} [y/N] ")?;
    io::stderr().flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(())
    } else {
        Err(Failure::new(EXIT_ERROR, "cancelled: nothing was sent"))
    }
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
    writable(resolved, action.verb())?;
    let ids = ids::gather(&args)?;
    let shown: Vec<String> = ids
        .iter()
        .take(3)
        .map(|id| sanitize(id).into_owned())
        .collect();
    let question = format!(
        "{} {} user{} ({}{}) on profile {} at {}?",
        action.verb(),
        ids.len(),
        if ids.len() == 1 { "" } else { "s" },
        shown.join(", "),
        if ids.len() > 3 { ", …" } else { "" },
        resolved.name,
        resolved.profile.endpoint
    );
    confirm(&question, args.yes)?;

    let bar = indicatif::ProgressBar::with_draw_target(
        Some(ids.len() as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    // Confirmed: from here a signal stops the action and every id is reported, those
    // never sent too — also while the statuses are read first.
    let mut stop = super::interrupt::on_signals();
    let before = tokio::select! {
        before = read_first(client, &ids) => before,
        () = stop.asked() => HashMap::new(),
    };
    bar.set_message(action.verb());
    let report = bulk::run(
        client,
        action,
        &ids,
        resolved.profile.chunk_size,
        &bulk::Batch::new(before, None),
        stop,
        |Progress { done, .. }| bar.set_position(done as u64),
    )
    .await;
    bar.finish_and_clear();
    // A closed stdout (`| head -1`) must not hide what became of the action: its exit.
    match print::report(action, &report, args.format, printing) {
        Err(failure) if !failure.quiet() => return Err(failure),
        _ => {}
    }
    super::outcome(&report)
}

/// The statuses of `ids` before the action, journalled with its batch so that `undo` can
/// give them back; says on standard error which users an undo will have to leave alone.
async fn read_first(client: &Client, ids: &[String]) -> HashMap<String, Status> {
    let Some((found, unread)) = undo::statuses_before(client, ids).await else {
        crate::say!(
            "note: statuses not read first for more than {} users: this batch cannot be undone",
            thousands(undo::READ_FIRST_UP_TO as u64)
        );
        return HashMap::new();
    };
    if let Some(first) = unread.first() {
        crate::say!(
            "note: the status of {} user{} ({}{}) could not be read first: an undo will leave {} alone",
            unread.len(),
            if unread.len() == 1 { "" } else { "s" },
            sanitize(first),
            if unread.len() > 1 { ", …" } else { "" },
            if unread.len() == 1 { "it" } else { "them" },
        );
    }
    found
}
