//! How `users ring` writes a ring: a table for people, JSON and CSV for programs, and
//! DOT for Graphviz (accounts as nodes coloured by status, addresses as edges), so the
//! picture can go in an incident ticket. Server text is made safe in each.

use std::io::{self, Write};

use serde_json::json;

use super::list::TableWriter;
use super::record::{Fields, record};
use super::safe::{self, Printing};
use crate::api::model::Status;
use crate::api::ring::{Member, Ring};
use crate::dialect::Dialect;
use crate::signals::Signal;
use crate::text::{plural, sanitize};

/// The formats of a ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum RingFormat {
    #[default]
    Table,
    Json,
    Csv,
    /// Graphviz: `userdeck users ring ID --format dot | dot -Tsvg > ring.svg`.
    Dot,
}

/// A member's signals in a few words: "high two-countries, low new-here"; "?" when its
/// answer was not read.
fn signal_words(member: &Member) -> String {
    match &member.signals {
        None => "?".into(),
        Some(signals) => signals
            .iter()
            .map(Signal::short)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// "ring of ID, depth 2: 12 accounts, 3 addresses (cut short at 500)".
pub fn summary(ring: &Ring) -> String {
    format!(
        "ring of {}, depth {}: {}, {}{}",
        sanitize(&ring.start),
        ring.depth,
        plural(ring.members.len(), "account"),
        plural(ring.by_address().len(), "address"),
        if ring.cut_short {
            format!(
                " (cut short at {}: more are linked)",
                crate::api::ring::MOST
            )
        } else {
            String::new()
        }
    )
}

pub fn write(
    out: &mut impl Write,
    ring: &Ring,
    format: RingFormat,
    printing: Printing,
) -> io::Result<()> {
    match format {
        RingFormat::Table => table(out, ring),
        RingFormat::Json => {
            // Each account as `users list` writes it (the API's names and values), with
            // how it was reached and its signals.
            let fields = Fields::all(Dialect::Crm);
            let members: Vec<serde_json::Value> = ring
                .members
                .iter()
                .map(|m| {
                    let mut member = json!(record(&m.user, &fields));
                    member["depth"] = json!(m.depth);
                    member["via"] = json!(m.via);
                    member["signals"] = json!(m.signals);
                    member["error"] = json!(m.error);
                    member
                })
                .collect();
            let value = json!({
                "start": ring.start,
                "depth": ring.depth,
                "cutShort": ring.cut_short,
                "members": members,
                "links": ring.links,
                "addresses": ring.by_address().into_iter().map(|(address, ids)| json!({"address": address, "accounts": ids})).collect::<Vec<_>>(),
            });
            writeln!(out, "{}", safe::json(&value, true))
        }
        RingFormat::Csv => csv(out, ring, printing),
        RingFormat::Dot => dot(out, ring),
    }
}

fn table(out: &mut impl Write, ring: &Ring) -> io::Result<()> {
    writeln!(out, "{}", summary(ring))?;
    let rows: Vec<Vec<String>> = ring
        .members
        .iter()
        .map(|m| {
            vec![
                m.user.id.clone(),
                m.user.name.clone(),
                m.user.status.as_str().to_string(),
                m.depth.to_string(),
                m.via.clone().unwrap_or_else(|| "start".into()),
                m.error
                    .clone()
                    .map_or_else(|| signal_words(m), |e| format!("not read: {e}")),
            ]
        })
        .collect();
    // VIA: the account each was reached from, so every path can be read back.
    TableWriter::new(vec!["ID", "USERNAME", "STATUS", "DEPTH", "VIA", "SIGNALS"])
        .last_whole()
        .write(out, &rows)?;
    // Each address with every account on it, never cut.
    let addresses = ring.by_address();
    if !addresses.is_empty() {
        writeln!(out)?;
    }
    for (address, ids) in addresses {
        writeln!(
            out,
            "{} shared by {}: {}",
            sanitize(&address),
            ids.len(),
            sanitize(&ids.join(" "))
        )?;
    }
    Ok(())
}

fn csv(out: &mut impl Write, ring: &Ring, printing: Printing) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    let header = [
        "id", "username", "email", "status", "depth", "via", "path", "signals", "error",
    ];
    csv.write_record(header).map_err(io::Error::other)?;
    for m in &ring.members {
        let cells = [
            m.user.id.clone(),
            m.user.name.clone(),
            m.user.email.clone().unwrap_or_default(),
            m.user.status.as_str().to_string(),
            m.depth.to_string(),
            m.via.clone().unwrap_or_default(),
            ring.path_to(&m.user.id).join(" > "),
            signal_words(m),
            m.error.clone().unwrap_or_default(),
        ];
        csv.write_record(cells.iter().map(|c| printing.csv_cell(c).into_owned()))
            .map_err(io::Error::other)?;
    }
    csv.flush()
}

/// A DOT string of `lines`: quotes and backslashes escaped, control characters made
/// visible, the lines joined by DOT's own line break.
fn quoted(lines: &[&str]) -> String {
    let escaped: Vec<String> = lines
        .iter()
        .map(|line| sanitize(line).replace('\\', "\\\\").replace('"', "\\\""))
        .collect();
    format!("\"{}\"", escaped.join("\\n"))
}

fn dot(out: &mut impl Write, ring: &Ring) -> io::Result<()> {
    writeln!(out, "graph ring {{")?;
    writeln!(out, "  label={};", quoted(&[&summary(ring)]))?;
    writeln!(out, "  node [shape=box, style=filled];")?;
    for m in &ring.members {
        let colour = match m.user.status {
            Status::Active => "palegreen",
            Status::Blocked => "lightcoral",
            Status::Pending => "lightgoldenrod",
            _ => "lightgrey",
        };
        let label = quoted(&[&m.user.name, &m.user.id, m.user.status.as_str()]);
        let start = if m.depth == 0 { ", penwidth=3" } else { "" };
        writeln!(
            out,
            "  {} [label={label}, fillcolor={colour}{start}];",
            quoted(&[&m.user.id]),
        )?;
    }
    for link in &ring.links {
        writeln!(
            out,
            "  {} -- {} [label={}];",
            quoted(&[&link.from]),
            quoted(&[&link.to]),
            quoted(
                &link
                    .addresses
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
            )
        )?;
    }
    writeln!(out, "}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_cannot_break_out_of_a_dot_string() {
        let hostile = "evil\" ]; x -- y [label=\"\\\u{1b}[2J\nnext";
        let quoted = quoted(&[hostile, "second"]);
        assert!(
            !quoted.contains('\u{1b}') && !quoted.contains('\n'),
            "{quoted}"
        );
        // Inside, every quote is escaped: the string ends only at its last character.
        let inner = &quoted[1..quoted.len() - 1];
        let mut escaped = false;
        for c in inner.chars() {
            assert!(escaped || c != '"', "an unescaped quote in {quoted}");
            escaped = !escaped && c == '\\';
        }
        assert!(quoted.ends_with("\\nsecond\""), "{quoted}");
    }
}
