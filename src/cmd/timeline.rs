//! `users timeline ID`: one account's history in time order, with this machine's journal
//! entries about it (see [`crate::api::timeline`]).

use std::io::{self, Write};

use serde_json::json;

use super::{EXIT_ERROR, Failure, users::sendable};
use crate::api::client::Client;
use crate::api::journal;
use crate::api::ops;
use crate::api::timeline;
use crate::cli::TimelineArgs;
use crate::config::Resolved;
use crate::format::Format;
use crate::format::list::TableWriter;
use crate::format::safe::{self, Printing};
use crate::text::sanitize;

pub async fn timeline(
    resolved: &Resolved,
    client: &Client,
    args: TimelineArgs,
    printing: Printing,
) -> Result<(), Failure> {
    let key = sendable(client, super::users::key_of(Some(args.id), None, None)?)?;
    let detail = ops::detail(client, &key).await?;
    // This profile's entries at its endpoint naming the user: another's are not ours.
    let filter = journal::Filter {
        place: Some((resolved.name.clone(), resolved.profile.endpoint.clone())),
        user: Some(detail.user.id.clone()),
        ..journal::Filter::default()
    };
    let path = crate::config::audit_file();
    let entries = journal::read_filtered(&path, usize::MAX, &filter).map_err(|e| {
        Failure::new(
            EXIT_ERROR,
            format!("cannot read the journal {}: {e}", path.display()),
        )
    })?;
    let events = timeline::of(&detail, &entries);
    let mut out = io::BufWriter::new(io::stdout().lock());
    match args.format {
        Format::Json => {
            let all = json!({ "user": detail.user.id, "events": events });
            writeln!(out, "{}", safe::json(&all, true))?;
        }
        Format::Ndjson => {
            for event in &events {
                writeln!(out, "{}", safe::json(&json!(event), false))?;
            }
        }
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(&mut out);
            let err = |e: csv::Error| Failure::new(EXIT_ERROR, e.to_string());
            csv.write_record(["at", "what", "text", "about"])
                .map_err(err)?;
            for e in &events {
                let about = e.about.clone().unwrap_or_default();
                // The JSON's name of what happened: the machine formats agree.
                let what = serde_json::to_value(e.what).unwrap_or_default();
                let what = what.as_str().unwrap_or_default();
                let cells = [e.at.as_str(), what, &e.text, &about];
                csv.write_record(cells.map(|c| printing.csv_cell(c).into_owned()))
                    .map_err(err)?;
            }
            csv.flush()?;
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = events
                .iter()
                .map(|e| {
                    vec![
                        sanitize(&e.at).into_owned(),
                        e.what.name().to_string(),
                        sanitize(&e.text).into_owned(),
                    ]
                })
                .collect();
            TableWriter::new(vec!["TIME", "WHAT", "DETAIL"])
                .last_whole()
                .write(&mut out, &rows)?;
        }
    }
    out.flush()?;
    Ok(())
}
