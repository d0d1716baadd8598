//! How the headless commands print users: an aligned table for people (sanitized, wide
//! characters measured), and stable CSV and JSON shapes for programs. Rows are written a
//! page at a time, so `--all` runs in bounded memory.
//!
//! JSON of a list: `{"users": [RECORD, …], "total": N}`; NDJSON a RECORD a line; CSV the
//! same fields, in that order, under a header row of their names. RECORD is the user as
//! the contract names it ([`record`]), with every field or those `--fields` names.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::record::{self, Fields};
use super::safe::{self, Printing};
use crate::api::error::ApiError;
use crate::api::model::User;
use crate::columns::{ColumnId, columns};
use crate::dialect::Dialect;
use crate::format::Format;
use crate::text::{fit, sanitize};

/// The status column is at least this wide: every known status, and one like
/// "suspended", fits.
const STATUS_WIDTH: usize = 9;

/// The widest a table column grows; longer text is cut with "…".
const MAX_WIDTH: usize = 40;

fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(fill))
}

/// Writes aligned rows; the widths come from the first batch, so later batches stream.
pub struct TableWriter {
    widths: Option<Vec<usize>>,
    headers: Vec<&'static str>,
    /// The least width of each column.
    least: Vec<usize>,
    /// The last column is written whole: nothing follows it on its line to align.
    last_whole: bool,
}

impl TableWriter {
    pub fn new(headers: Vec<&'static str>) -> TableWriter {
        let least = vec![0; headers.len()];
        TableWriter::with_least(headers, least)
    }

    /// A table whose columns are at least `least` wide: widths are set by the first
    /// page, and what later pages hold must not be cut shorter than that.
    pub fn with_least(headers: Vec<&'static str>, least: Vec<usize>) -> TableWriter {
        TableWriter {
            widths: None,
            headers,
            least,
            last_whole: false,
        }
    }

    /// The table with its last column never cut (a detail, a list of signals).
    pub fn last_whole(self) -> TableWriter {
        TableWriter {
            last_whole: true,
            ..self
        }
    }

    pub fn write(&mut self, out: &mut dyn Write, rows: &[Vec<String>]) -> io::Result<()> {
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|c| sanitize(c).into_owned()).collect())
            .collect();
        if self.widths.is_none() {
            let widths: Vec<usize> = (0..self.headers.len())
                .map(|i| {
                    rows.iter()
                        .map(|r| r[i].width())
                        .chain([self.headers[i].width(), self.least[i]])
                        .max()
                        .unwrap_or(0)
                        .min(MAX_WIDTH)
                })
                .collect();
            let header: Vec<String> = self
                .headers
                .iter()
                .zip(&widths)
                .map(|(h, w)| pad(h, *w))
                .collect();
            writeln!(out, "{}", header.join("  ").trim_end())?;
            self.widths = Some(widths);
        }
        let widths = self.widths.as_ref().expect("set above");
        for row in rows {
            let last = row.len().saturating_sub(1);
            let cells: Vec<String> = row
                .iter()
                .zip(widths)
                .enumerate()
                .map(|(i, (c, w))| match self.last_whole && i == last {
                    true => c.clone(),
                    false => pad(&fit(c, *w), *w),
                })
                .collect();
            writeln!(out, "{}", cells.join("  ").trim_end())?;
        }
        Ok(())
    }
}

/// Writes a list of users in one format, a page at a time.
pub struct ListWriter<W: Write> {
    out: W,
    format: Format,
    dialect: Dialect,
    printing: Printing,
    table: TableWriter,
    /// The fields of the machine formats' records.
    fields: Fields,
    /// Pages and rows written so far: the first page opens the output.
    pages: u64,
    rows: u64,
}

impl<W: Write> ListWriter<W> {
    /// A writer of every field of the dialect's records.
    pub fn new(out: W, format: Format, dialect: Dialect, printing: Printing) -> ListWriter<W> {
        ListWriter::with_fields(out, format, dialect, printing, Fields::all(dialect))
    }

    /// A writer of `fields` of each record (the table, for people, shows its columns).
    pub fn with_fields(
        out: W,
        format: Format,
        dialect: Dialect,
        printing: Printing,
        fields: Fields,
    ) -> ListWriter<W> {
        let all = columns(dialect);
        let headers = all.iter().map(|c| c.header).collect();
        // A status on a later page ("suspended") is not cut before the known ones.
        let least = all
            .iter()
            .map(|c| match c.id {
                ColumnId::Status => STATUS_WIDTH,
                _ => 0,
            })
            .collect();
        ListWriter {
            out,
            format,
            dialect,
            printing,
            table: TableWriter::with_least(headers, least),
            fields,
            pages: 0,
            rows: 0,
        }
    }

    pub fn page(&mut self, users: &[User]) -> io::Result<()> {
        let columns = columns(self.dialect);
        let first = self.pages == 0;
        match self.format {
            Format::Table => {
                let rows: Vec<Vec<String>> = users
                    .iter()
                    .map(|u| columns.iter().map(|c| c.cell(u)).collect())
                    .collect();
                // The first page writes the header, even without rows.
                if first || !rows.is_empty() {
                    self.table.write(&mut self.out, &rows)?;
                }
            }
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(Vec::new());
                if first {
                    csv.write_record(self.fields.names())?;
                }
                for u in users {
                    let cells: Vec<String> = record::cells(u, &self.fields)
                        .iter()
                        .map(|c| self.printing.csv_cell(c).into_owned())
                        .collect();
                    csv.write_record(&cells)?;
                }
                let bytes = csv.into_inner().map_err(|e| e.into_error())?;
                self.out.write_all(&bytes)?;
            }
            Format::Json => {
                if first {
                    write!(self.out, "{{\"users\": [")?;
                }
                for (i, u) in users.iter().enumerate() {
                    let sep = if self.rows == 0 && i == 0 {
                        "\n  "
                    } else {
                        ",\n  "
                    };
                    let row = safe::json(&record::record(u, &self.fields), false);
                    write!(self.out, "{sep}{row}")?;
                }
            }
            Format::Ndjson => {
                for u in users {
                    let row = safe::json(&record::record(u, &self.fields), false);
                    writeln!(self.out, "{row}")?;
                }
            }
        }
        self.pages += 1;
        self.rows += users.len() as u64;
        self.out.flush()
    }

    /// How many rows were written.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Ends a list that failed half-way with `error` so that what was written stays
    /// valid and says how far it got: JSON gets the rows so far, an `"error"` member and
    /// `"incomplete": true`; NDJSON a last line `{"error": …, "incomplete": true, "rows":
    /// N}` (it has no id, so no pipe into a bulk action takes it for a user); CSV and
    /// tables end at a row already, and the message on standard error says how many.
    pub fn fail(mut self, error: &ApiError) -> io::Result<()> {
        let message = safe::json(&error.to_string(), false);
        match self.format {
            Format::Json => {
                if self.pages == 0 {
                    write!(self.out, "{{\"users\": [")?;
                }
                if self.rows > 0 {
                    writeln!(self.out)?;
                }
                writeln!(
                    self.out,
                    "], \"error\": {message}, \"incomplete\": true, \"rows\": {}}}",
                    self.rows
                )?;
            }
            Format::Ndjson => writeln!(
                self.out,
                "{{\"error\": {message}, \"incomplete\": true, \"rows\": {}}}",
                self.rows
            )?,
            Format::Csv | Format::Table => {}
        }
        self.out.flush()
    }

    /// Ends the list; `total` is the number of matching users over all pages.
    pub fn finish(mut self, total: u64) -> io::Result<()> {
        if self.format == Format::Json {
            if self.pages == 0 {
                write!(self.out, "{{\"users\": [")?;
            }
            if self.rows > 0 {
                writeln!(self.out)?;
            }
            writeln!(self.out, "], \"total\": {total}}}")?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn user(name: &str) -> User {
        User {
            id: "1".into(),
            name: name.into(),
            email: Some("a@b.c".into()),
            ..User::default()
        }
    }

    fn render(format: Format, pages: &[Vec<User>]) -> String {
        let mut out = Vec::new();
        let mut writer = ListWriter::new(&mut out, format, Dialect::Crm, Printing::default());
        for page in pages {
            writer.page(page).unwrap();
        }
        writer.finish(9).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_and_csv_have_stable_shapes() {
        let json = render(Format::Json, &[vec![user("ann")], vec![user("bob")]]);
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["total"], 9);
        assert_eq!(value["users"][1]["username"], "bob");
        assert_eq!(
            value["users"][0]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            [
                "createdAt",
                "email",
                "id",
                "isEmailVerified",
                "phoneNumber",
                "status",
                "updatedAt",
                "username"
            ]
        );
        let empty: Value = serde_json::from_str(&render(Format::Json, &[vec![]])).unwrap();
        assert_eq!(empty, json!({ "users": [], "total": 9 }));
        let csv = render(
            Format::Csv,
            &[vec![user("ann, \"the\" 1st")], vec![user("bob")]],
        );
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "id,username,email,status,isEmailVerified,phoneNumber,createdAt,updatedAt"
        );
        assert_eq!(lines[1], "1,\"ann, \"\"the\"\" 1st\",a@b.c,ACTIVE,,,,");
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn a_list_that_failed_half_way_says_so_in_every_machine_format() {
        let error = ApiError::Refused("gone".into());
        for (format, last) in [
            (
                Format::Json,
                r#"], "error": "gone", "incomplete": true, "rows": 1}"#,
            ),
            (
                Format::Ndjson,
                r#"{"error": "gone", "incomplete": true, "rows": 1}"#,
            ),
        ] {
            let mut out = Vec::new();
            let mut writer = ListWriter::new(&mut out, format, Dialect::Crm, Printing::default());
            writer.page(&[user("ann")]).unwrap();
            writer.fail(&error).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert_eq!(text.lines().last(), Some(last), "{text}");
        }
    }

    #[test]
    fn tables_are_aligned_sanitized_and_cut() {
        let long = "x".repeat(60);
        let table = render(
            Format::Table,
            &[vec![user("山田\u{1b}[2J"), user(&long)], vec![user("zoë")]],
        );
        assert!(!table.contains('\u{1b}'));
        assert!(table.contains("山田\\u{1b}[2J"));
        assert!(table.contains('…'));
        let lines: Vec<&str> = table.lines().collect();
        let email_at: Vec<usize> = lines[1..]
            .iter()
            .map(|l| l[..l.find("a@b.c").unwrap()].width())
            .collect();
        assert!(email_at.windows(2).all(|w| w[0] == w[1]), "{table}");
    }
}
