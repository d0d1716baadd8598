//! `userdeck journal` and `userdeck undo`: the audit journal's entries, and taking a
//! batch back through the API (planned, asked, run as a batch of its own).

use std::io::Write;

use serde_json::{Value, json};

use super::ask::Asker;
use super::progress::Progress;
use super::users::may_change;
use super::{EXIT_ERROR, Failure, client, print, resolve};
use crate::api::bulk::{self, Batch};
use crate::api::journal::{self, JournalEntry};
use crate::api::undo;
use crate::cli::{GlobalArgs, JournalArgs, UndoArgs};
use crate::format::Format;
use crate::format::list::TableWriter;
use crate::format::safe::{self, Printing};

fn read(limit: usize, filter: &journal::Filter) -> Result<Vec<JournalEntry>, Failure> {
    let path = crate::config::audit_file();
    journal::read_filtered(&path, limit, filter).map_err(|e| {
        Failure::new(
            EXIT_ERROR,
            format!("cannot read the journal {}: {e}", path.display()),
        )
    })
}

/// An entry as JSON: everything the journal says of it.
fn entry_json(e: &JournalEntry) -> Value {
    let outcome = e.outcome.as_ref().map(|o| {
        json!({
            "succeeded": o.succeeded,
            "failed": o.failed,
            "unknown": o.unknown,
            "notSent": o.not_sent,
            "error": o.error,
        })
    });
    json!({
        "entry": e.entry,
        "time": e.time,
        "action": e.action,
        "profile": e.profile,
        "endpoint": e.endpoint,
        "user": e.user,
        "ids": e.ids,
        "before": e.before,
        "undoOf": e.undo_of,
        "reason": e.reason,
        "outcome": outcome,
        "recordBefore": e.record_before,
        "recordAfter": e.record_after,
    })
}

/// `userdeck journal`.
pub fn list(
    args: &JournalArgs,
    place: Option<(String, String)>,
    printing: Printing,
) -> Result<(), Failure> {
    let now = time::OffsetDateTime::now_utc();
    let at = |flag: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| {
                journal::filter::parse_time(t, now)
                    .map_err(|e| Failure::usage(format!("{flag}: {e}")))
            })
            .transpose()
    };
    let filter = journal::Filter {
        place,
        action: args.action.clone(),
        since: at("--since", &args.since)?,
        until: at("--until", &args.until)?,
        user: args.user.clone(),
    };
    let entries = read(usize::try_from(args.limit).unwrap_or(usize::MAX), &filter)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let all: Vec<Value> = entries.iter().map(entry_json).collect();
            writeln!(out, "{}", safe::json(&json!({ "entries": all }), true))?;
        }
        Format::Ndjson => {
            for entry in &entries {
                writeln!(out, "{}", safe::json(&entry_json(entry), false))?;
            }
        }
        Format::Csv | Format::Table => {
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|e| {
                    let counts = e.outcome.as_ref().map(|o| {
                        [&o.succeeded, &o.failed, &o.unknown, &o.not_sent]
                            .map(|ids| ids.len().to_string())
                    });
                    let [ok, failed, unknown, not_sent] =
                        counts.unwrap_or_else(|| ["-"; 4].map(String::from));
                    vec![
                        e.entry.clone(),
                        crate::text::seconds(&e.time),
                        e.action.clone(),
                        e.profile.clone(),
                        e.ids.len().to_string(),
                        ok,
                        failed,
                        unknown,
                        not_sent,
                        e.undo_of.clone().unwrap_or_default(),
                        e.reason.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let headers = vec![
                "ENTRY", "TIME", "ACTION", "PROFILE", "IDS", "OK", "FAILED", "UNKNOWN", "NOT SENT",
                "UNDOES", "REASON",
            ];
            if args.format == Format::Csv {
                let mut csv = csv::Writer::from_writer(&mut out);
                let written = std::iter::once(headers.iter().map(|h| h.to_lowercase()).collect())
                    .chain(rows)
                    .try_for_each(|row: Vec<String>| {
                        // The journal is a file anyone may have edited: guarded as every CSV.
                        csv.write_record(
                            row.iter().map(|cell| printing.csv_cell(cell).into_owned()),
                        )
                    });
                written.map_err(std::io::Error::from)?;
                csv.flush()?;
            } else {
                TableWriter::new(headers).write(&mut out, &rows)?;
            }
        }
    }
    Ok(())
}

/// `userdeck undo [ENTRY]`.
pub async fn run(global: &GlobalArgs, args: UndoArgs) -> Result<(), Failure> {
    let resolved = resolve(global)?;
    let client = client(global, &resolved)?;
    let client = may_change(&resolved, &client, "undo", &args.why)?;
    let asker = Asker::new(args.yes, "undo")?;
    let plan = undo::prepare(
        &client,
        crate::config::audit_file(),
        args.entry.clone(),
        &resolved.name,
    )
    .await
    .map_err(|why| Failure::new(EXIT_ERROR, format!("not undone: {why}")))?;
    crate::say!("{} (entry {})", plan.summary(), plan.batch);
    for (id, why) in &plan.left {
        crate::say!("left alone: {}  {why}", crate::text::sanitize(id));
    }
    if plan.ids.is_empty() {
        return Err(Failure::new(
            EXIT_ERROR,
            "nothing to undo: every user is left alone",
        ));
    }
    let question = format!(
        "{} {} users back on profile {} at {}",
        plan.action.verb(),
        plan.ids.len(),
        resolved.name,
        resolved.profile.endpoint
    );
    asker.ask(
        &[question],
        plan.ids.len(),
        resolved.profile.confirm_typed_above,
    )?;
    let batch = Batch::new(plan.now.clone(), Some(plan.undo()));
    let label = format!("undo ({})", plan.action.verb());
    let mut progress = Progress::start(args.progress, &label, plan.ids.len() as u64);
    let report = bulk::run(
        &client,
        plan.action,
        &plan.ids,
        resolved.profile.chunk_size,
        &batch,
        super::interrupt::on_signals(),
        |told| progress.set(told.done as u64),
    )
    .await;
    progress.finish();
    let printing = Printing::of(false);
    let entry = client.journal().map(|_| batch.id.as_str());
    match print::report(plan.action, &report, entry, args.format, printing) {
        Err(failure) if !failure.quiet() => return Err(failure),
        _ => {}
    }
    super::outcome(&report)
}
