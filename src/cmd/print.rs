//! How the headless commands print one user (every field; crm adds sessions and the
//! users sharing an address) and the outcome of a bulk action, in each format.

use std::io::{self, Write};

use serde_json::json;

use super::{EXIT_ERROR, Failure};
use crate::api::ledger::{Class, Ledger};
use crate::api::model::{BulkAction, UserDetail};
use crate::columns::{OVERLAP_COLUMNS, SESSION_COLUMNS};
use crate::format::Format;
use crate::format::list::TableWriter;
use crate::format::record;
use crate::format::safe::{self, Printing};
use crate::signals::Signal;
use crate::text::sanitize;

/// One user: in JSON `{"user": RECORD, "signals": [...]}`, RECORD everything the API
/// gave in its own structure (NDJSON: the same on one line); in CSV the record's
/// top-level fields that fit a cell, under their names, and its signals; in a table, for
/// people, its signals, then every field labelled.
pub fn detail(detail: &UserDetail, format: Format, printing: Printing) -> Result<(), Failure> {
    written(detail, Some(&detail.signals), None, format, printing)
}

/// The user an edit left, as [`detail`] prints it without signals; in JSON beside the
/// journal's `entry` of the edit, so a script can find it (`journal --user`, `undo`).
pub fn edited(
    detail: &UserDetail,
    entry: Option<&str>,
    format: Format,
    printing: Printing,
) -> Result<(), Failure> {
    written(detail, None, entry, format, printing)
}

fn written(
    detail: &UserDetail,
    signals: Option<&[Signal]>,
    entry: Option<&str>,
    format: Format,
    printing: Printing,
) -> Result<(), Failure> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let answer = || {
        let mut answer = json!({ "user": record::detail(detail) });
        if let Some(signals) = signals {
            answer["signals"] = json!(signals);
        }
        if let Some(entry) = entry {
            answer["entry"] = json!(entry);
        }
        answer
    };
    match format {
        Format::Json => writeln!(out, "{}", safe::json(&answer(), true))?,
        Format::Ndjson => writeln!(out, "{}", safe::json(&answer(), false))?,
        Format::Csv => {
            let record = record::detail(detail);
            let signals_name = "signals".to_string();
            let mut cells: Vec<(&String, String)> = record
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(_, value)| fits_a_cell(value))
                .map(|(name, value)| (name, record::cell(value)))
                .collect();
            if let Some(signals) = signals {
                let lines: Vec<String> = signals.iter().map(Signal::line).collect();
                cells.push((&signals_name, lines.join("; ")));
            }
            let mut csv = csv::Writer::from_writer(&mut out);
            let err = |e: csv::Error| Failure::new(EXIT_ERROR, e.to_string());
            csv.write_record(cells.iter().map(|(name, _)| name.as_str()))
                .map_err(err)?;
            csv.write_record(
                cells
                    .iter()
                    .map(|(_, value)| printing.csv_cell(value).into_owned()),
            )
            .map_err(err)?;
            csv.flush()?;
        }
        Format::Table => {
            if let Some(signals) = signals {
                if signals.is_empty() {
                    writeln!(out, "signals: none")?;
                }
                for signal in signals {
                    writeln!(out, "signal  {}", sanitize(&signal.line()))?;
                }
                writeln!(out)?;
            }
            let width = detail
                .fields
                .iter()
                .map(|f| f.label.len())
                .max()
                .unwrap_or(0);
            for field in &detail.fields {
                let value = field.value.as_deref().unwrap_or("—");
                writeln!(out, "{:width$}  {}", field.label, sanitize(value))?;
            }
            if let Some(sessions) = &detail.sessions {
                writeln!(out, "\n{}", sanitize(&sessions.summary(|at| at)))?;
                let rows: Vec<Vec<String>> = sessions
                    .all
                    .iter()
                    .map(|s| SESSION_COLUMNS.iter().map(|c| c.text(s)).collect())
                    .collect();
                if !rows.is_empty() {
                    TableWriter::new(SESSION_COLUMNS.iter().map(|c| c.header()).collect())
                        .write(&mut out, &rows)?;
                }
            }
            if let Some(overlaps) = &detail.overlaps {
                writeln!(out, "\nusers sharing an IP address: {}", overlaps.len())?;
                let rows: Vec<Vec<String>> = overlaps
                    .iter()
                    .map(|o| OVERLAP_COLUMNS.iter().map(|c| c.text(o)).collect())
                    .collect();
                if !rows.is_empty() {
                    TableWriter::new(OVERLAP_COLUMNS.iter().map(|c| c.header()).collect())
                        .write(&mut out, &rows)?;
                }
            }
            for (title, names) in detail.group_summaries() {
                writeln!(out, "{title}: {}", sanitize(&names))?;
            }
            for (title, extra) in [
                ("extra fields", &detail.extra_fields),
                ("extra profile fields", &detail.extra_fields_profile),
            ] {
                if let Some(value) = extra {
                    let text = serde_json::to_string_pretty(value).unwrap_or_default();
                    writeln!(out, "{title}:\n{}", sanitize(&text).replace("\\u{a}", "\n"))?;
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Whether a value of a record fits a CSV cell: a scalar, or a list of scalars.
fn fits_a_cell(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(_) => false,
        serde_json::Value::Array(items) => items.iter().all(|i| !i.is_object() && !i.is_array()),
        _ => true,
    }
}

/// A bulk action's ledger on standard output (every id with its outcome), and its
/// summary line on standard error; both name the journal's `entry` of the batch, so a
/// script can `undo` exactly it.
pub fn report(
    action: BulkAction,
    report: &Ledger,
    entry: Option<&str>,
    format: Format,
    printing: Printing,
) -> Result<(), Failure> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        Format::Ndjson => {
            // An id a line, grouped by class: `jq -r 'select(.outcome == "failed") | .id'`.
            for (class, id, outcome) in report.grouped() {
                let line = json!({ "id": id, "outcome": class.key(), "reason": outcome.reason() });
                writeln!(out, "{}", safe::json(&line, false))?;
            }
        }
        Format::Json => {
            let mut answer = report.to_json();
            answer["action"] = json!(action);
            answer["readBack"] = json!(report.read_back().collect::<Vec<_>>());
            answer["entry"] = json!(entry);
            writeln!(out, "{}", safe::json(&answer, false))?;
        }
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(&mut out);
            let err = |e: csv::Error| Failure::new(EXIT_ERROR, e.to_string());
            csv.write_record(["id", "outcome", "reason"]).map_err(err)?;
            // Every id with its outcome and reason, as text, grouped by class.
            for (class, id, outcome) in report.grouped() {
                let why = outcome.reason().unwrap_or_default();
                let (id, why) = (printing.csv_cell(id), printing.csv_cell(&why));
                csv.write_record([id.as_ref(), class.label(), why.as_ref()])
                    .map_err(err)?;
            }
            csv.flush()?;
        }
        Format::Table => {
            // The ids a person must look at: every one that did not succeed.
            for (class, id, outcome) in report.grouped().filter(|(c, ..)| *c != Class::Succeeded) {
                let line = format!(
                    "{}  {}  {}",
                    class.label(),
                    sanitize(id),
                    sanitize(&outcome.reason().unwrap_or_default())
                );
                writeln!(out, "{}", line.trim_end())?;
            }
        }
    }
    out.flush()?;
    let unknown = if report.counts().unknown == 0 {
        ""
    } else {
        " (unknown: the server may have applied them: check before retrying)"
    };
    let read_back = report
        .read_back_said()
        .map(|said| format!("; {said}"))
        .unwrap_or_default();
    let entry = entry
        .map(|entry| format!(" (journal entry {entry})"))
        .unwrap_or_default();
    crate::say!("{}{unknown}{read_back}{entry}", report.summary(action));
    Ok(())
}
