//! How the headless commands print one user (every field; crm adds sessions and the
//! users sharing an address) and the outcome of a bulk action, in each format.

use std::io::{self, Write};

use serde_json::json;

use super::{EXIT_ERROR, Failure};
use crate::api::model::{BulkAction, BulkReport, UserDetail};
use crate::cli::Format;
use crate::columns::{OVERLAP_COLUMNS, SESSION_COLUMNS};
use crate::format::list::TableWriter;
use crate::format::safe::{self, Printing};
use crate::text::sanitize;

pub fn detail(detail: &UserDetail, format: Format, printing: Printing) -> Result<(), Failure> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        Format::Json => {
            writeln!(out, "{}", safe::json(detail, true))?;
        }
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(&mut out);
            csv.write_record(["field", "value"])
                .map_err(|e| Failure::new(EXIT_ERROR, e.to_string()))?;
            for field in &detail.fields {
                let value = printing.csv_cell(field.value.as_deref().unwrap_or(""));
                csv.write_record([field.label, value.as_ref()])
                    .map_err(|e| Failure::new(EXIT_ERROR, e.to_string()))?;
            }
            csv.flush()?;
        }
        Format::Table => {
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

pub fn report(
    action: BulkAction,
    report: &BulkReport,
    format: Format,
    printing: Printing,
) -> Result<(), Failure> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match format {
        Format::Json => {
            fn each(list: &[(String, impl ToString)]) -> Vec<serde_json::Value> {
                list.iter()
                    .map(|(id, reason)| json!({ "id": id, "reason": reason.to_string() }))
                    .collect()
            }
            let answer = json!({
                "action": action,
                "succeeded": report.succeeded,
                "failed": each(&report.failed),
                "unknown": each(&report.unknown),
                "notSent": report.not_sent,
                "readBack": report.read_back,
            });
            writeln!(out, "{}", safe::json(&answer, false))?;
        }
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(&mut out);
            let err = |e: csv::Error| Failure::new(EXIT_ERROR, e.to_string());
            csv.write_record(["id", "outcome", "reason"]).map_err(err)?;
            // Every id with its outcome and reason, as text.
            let rows = (report
                .succeeded
                .iter()
                .map(|id| (id, "succeeded", String::new())))
            .chain(
                report
                    .failed
                    .iter()
                    .map(|(id, r)| (id, "failed", r.to_string())),
            )
            .chain(
                report
                    .unknown
                    .iter()
                    .map(|(id, r)| (id, "unknown", r.clone())),
            )
            .chain(
                report
                    .not_sent
                    .iter()
                    .map(|id| (id, "not sent", String::new())),
            );
            for (id, outcome, reason) in rows {
                let (id, reason) = (printing.csv_cell(id), printing.csv_cell(&reason));
                csv.write_record([id.as_ref(), outcome, reason.as_ref()])
                    .map_err(err)?;
            }
            csv.flush()?;
        }
        Format::Table => {
            for (id, reason) in &report.failed {
                writeln!(
                    out,
                    "failed  {}  {}",
                    sanitize(id),
                    sanitize(&reason.to_string())
                )?;
            }
            for (id, reason) in &report.unknown {
                writeln!(out, "unknown  {}  {}", sanitize(id), sanitize(reason))?;
            }
            for id in &report.not_sent {
                writeln!(out, "not sent  {}", sanitize(id))?;
            }
        }
    }
    out.flush()?;
    let unknown = if report.unknown.is_empty() {
        String::new()
    } else {
        format!(
            ", {} unknown (the server may have applied them: check before retrying)",
            report.unknown.len()
        )
    };
    let read_back = if report.read_back.is_empty() {
        String::new()
    } else {
        format!(
            " ({} had no sure answer and were settled by reading back)",
            report.read_back.len()
        )
    };
    crate::say!(
        "{}: {} succeeded, {} failed{unknown}{read_back}",
        action.verb(),
        report.succeeded.len(),
        report.failed.len()
    );
    Ok(())
}
