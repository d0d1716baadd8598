//! The ids a bulk command acts on: from its arguments and `--ids-from` (a file or
//! standard input), trimmed and checked before anything is sent. `--ids-from` reads
//! plain ids one a line, or what `users list` writes — CSV (the `id` column, under its
//! header), JSON (`{"users": [{"id": …}, …]}` or an array of records) or NDJSON (a
//! record a line) — so that a list's output feeds a bulk action; anything else is
//! refused naming its line. A line of plain ids or NDJSON is read with a bound, so a
//! huge one cannot fill the memory; JSON and CSV keep the ids alone (every other field
//! is passed over as it is read).

use std::io::{self, BufRead, Read};

use serde::Deserialize;

use super::Failure;
use crate::cli::BulkArgs;
use crate::text::{fit, head, sanitize};

/// The longest id taken: anything longer is not an id.
pub const MAX_ID: usize = 256;

/// The longest line of a CSV or NDJSON record kept (a record holds a whole user).
const MAX_RECORD: usize = 1 << 20;

/// The ids of a bulk command: its arguments, then those of --ids-from, each trimmed. An
/// id that cannot be one (longer than [`MAX_ID`] characters, or holding control
/// characters), or input that is none of the shapes read, stops the command before
/// anything is sent. No ids at all is a usage error unless --ids-from was given: an
/// empty file or pipe is nothing to do.
pub fn gather(args: &BulkArgs) -> Result<Vec<String>, Failure> {
    let mut ids: Vec<String> = Vec::new();
    for id in &args.ids {
        ids.push(checked_id(id.trim())?);
    }
    if let Some(source) = &args.ids_from {
        let mut reader: Box<dyn BufRead> = if source == "-" {
            Box::new(io::stdin().lock())
        } else {
            let file = std::fs::File::open(source)
                .map_err(|e| Failure::usage(format!("--ids-from {source}: {e}")))?;
            Box::new(io::BufReader::new(file))
        };
        ids.extend(read(&mut reader, source)?);
    } else if ids.iter().all(String::is_empty) {
        return Err(Failure::usage(
            "no ids given: name them, or use --ids-from FILE (- for standard input)",
        ));
    }
    ids.retain(|id| !id.is_empty());
    Ok(ids)
}

/// A record of `users list` (JSON or NDJSON): its id, every other field passed over.
#[derive(Deserialize)]
struct Record {
    id: String,
}

/// `users list --format json`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Listing {
    Users {
        users: Vec<Record>,
        /// A list that failed half-way says so: it is not the list.
        #[serde(default)]
        incomplete: bool,
    },
    Records(Vec<Record>),
}

/// The ids of `reader`, in the shape its first line shows: each checked.
pub fn read(reader: &mut dyn BufRead, source: &str) -> Result<Vec<String>, Failure> {
    let refused = |line: usize, why: String| {
        Failure::usage(format!(
            "--ids-from {source}: line {line}: {why}: nothing was sent"
        ))
    };
    let bad_read = |e: io::Error| Failure::usage(format!("--ids-from {source}: {e}"));
    // The first line that says something tells the shape.
    let mut number = 0;
    let first = loop {
        let Some((line, cut)) = bounded_line(reader, MAX_RECORD).map_err(bad_read)? else {
            return Ok(Vec::new());
        };
        number += 1;
        if cut {
            return Err(refused(number, too_long(&line)));
        }
        let trimmed = line.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            break line;
        }
    };
    let trimmed = first.trim();
    // A line that is a whole record is NDJSON; a JSON document may also fit on one line.
    if trimmed.starts_with('{') && serde_json::from_str::<Record>(trimmed).is_ok() {
        ndjson(reader, &first, number, refused)
    } else if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let document = io::Cursor::new(first.into_bytes()).chain(reader);
        let listing: Listing = serde_json::from_reader(document).map_err(|e| {
            refused(
                number + e.line().saturating_sub(1),
                format!("not a list of users as `users list --format json` writes it ({e})"),
            )
        })?;
        let records = match listing {
            Listing::Users {
                incomplete: true, ..
            } => {
                return Err(refused(
                    number,
                    "the list is incomplete: it failed half-way".into(),
                ));
            }
            Listing::Users { users, .. } => users,
            Listing::Records(records) => records,
        };
        records
            .into_iter()
            .map(|r| checked_id(r.id.trim()))
            .collect()
    } else if let Some(column) = id_column(trimmed) {
        csv(reader, column, number, refused)
    } else {
        let mut ids = vec![plain(trimmed).map_err(|why| refused(number, why))?];
        while let Some((line, cut)) = bounded_line(reader, MAX_ID * 4 + 4).map_err(bad_read)? {
            number += 1;
            if cut {
                return Err(refused(number, too_long(&line)));
            }
            let id = line.trim();
            if !id.is_empty() && !id.starts_with('#') {
                ids.push(plain(id).map_err(|why| refused(number, why))?);
            }
        }
        Ok(ids)
    }
}

/// NDJSON: `first` (line `number`) and every line after it a record with an id.
fn ndjson(
    reader: &mut dyn BufRead,
    first: &str,
    mut number: usize,
    refused: impl Fn(usize, String) -> Failure,
) -> Result<Vec<String>, Failure> {
    let record = |line: &str, number: usize| {
        serde_json::from_str::<Record>(line)
            .map_err(|e| refused(number, format!("not a user record with an id ({e})")))
            .and_then(|r| checked_id(r.id.trim()))
    };
    let mut ids = vec![record(first, number)?];
    while let Some((line, cut)) =
        bounded_line(reader, MAX_RECORD).map_err(|e| refused(number + 1, e.to_string()))?
    {
        number += 1;
        if cut {
            return Err(refused(number, too_long(&line)));
        }
        if !line.trim().is_empty() {
            ids.push(record(&line, number)?);
        }
    }
    Ok(ids)
}

/// The index of the `id` column when `line` is the header of `users list`'s CSV: its
/// fields are names, one of them `id`.
fn id_column(line: &str) -> Option<usize> {
    let mut header = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes());
    let fields = header.records().next()?.ok()?;
    let is_name =
        |f: &str| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !fields.iter().all(is_name) {
        return None;
    }
    fields.iter().position(|f| f == "id")
}

/// CSV under its header (line `number`): the `column` of every row.
fn csv(
    reader: &mut dyn BufRead,
    column: usize,
    number: usize,
    refused: impl Fn(usize, String) -> Failure,
) -> Result<Vec<String>, Failure> {
    let mut rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(reader.take(u64::MAX));
    let mut ids = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = number + rows.position().line() as usize;
        match rows.read_record(&mut record) {
            Ok(false) => return Ok(ids),
            Ok(true) => {
                let Some(id) = record.get(column) else {
                    return Err(refused(line, format!("no column {} (id)", column + 1)));
                };
                // A cell the formula guard prefixed was written so for a spreadsheet.
                let id = id
                    .strip_prefix('\'')
                    .filter(|rest| crate::format::safe::guarded(rest))
                    .unwrap_or(id);
                ids.push(checked_id(id.trim()).map_err(|f| refused(line, f.message))?);
            }
            Err(e) => {
                return Err(refused(
                    line,
                    format!("not CSV as `users list` writes it ({e})"),
                ));
            }
        }
    }
}

/// A plain id, when `line` can be one: a single word, not a record of some other shape.
fn plain(line: &str) -> Result<String, String> {
    if line
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, ',' | ';' | '"' | '{' | '}' | '[' | ']'))
    {
        return Err(format!(
            "{} is not an id (one id a line, or the CSV, JSON or NDJSON of `users list`)",
            shown(line)
        ));
    }
    checked_id(line).map_err(|f| f.message)
}

fn too_long(line: &str) -> String {
    format!("a line of {} is far too long", shown(line))
}

/// `text` cut to 40 characters, made safe to show.
fn shown(text: &str) -> String {
    fit(&sanitize(head(text, 60)), 40)
}

/// `id`, unless it cannot be one: then a usage error showing it cut and safe.
pub fn checked_id(id: &str) -> Result<String, Failure> {
    let length = id.chars().count();
    if length > MAX_ID {
        return Err(Failure::usage(format!(
            "id {} is {length} characters long, more than {MAX_ID}: nothing was sent",
            shown(id)
        )));
    }
    if id.chars().any(char::is_control) {
        return Err(Failure::usage(format!(
            "id {} holds control characters: nothing was sent",
            shown(id)
        )));
    }
    Ok(id.to_string())
}

/// The next line of `reader`, holding at most `kept` bytes of it (the rest of a longer
/// line is not read: it may never end), and whether it was cut so.
fn bounded_line(reader: &mut dyn BufRead, kept: usize) -> io::Result<Option<(String, bool)>> {
    let mut line = Vec::new();
    let mut any = false;
    let mut cut = false;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match memchr::memchr(b'\n', buffer) {
            Some(at) => (&buffer[..at], Some(at + 1)),
            None => (buffer, None),
        };
        let room = kept.saturating_sub(line.len());
        cut |= chunk.len() > room;
        line.extend(chunk.iter().take(room));
        let used = done.unwrap_or(buffer.len());
        reader.consume(used);
        // A cut line is refused whole: no need to read the rest (it may never end).
        if done.is_some() || cut {
            break;
        }
    }
    Ok(any.then(|| (String::from_utf8_lossy(&line).into_owned(), cut)))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Whatever the input, the ids read are trimmed, short and free of controls,
        /// or the whole input is refused; nothing panics.
        #[test]
        fn ids_read_are_clean_or_refused(text in "(\\PC|[\\n\\r\\t\\x00-\\x1f]){0,600}") {
            let mut reader = io::Cursor::new(text.as_bytes());
            if let Ok(ids) = read(&mut reader, "-") {
                for id in ids {
                    prop_assert_eq!(id.trim(), id.as_str());
                    prop_assert!(!id.is_empty() && id.chars().count() <= MAX_ID);
                    prop_assert!(!id.chars().any(char::is_control));
                    prop_assert!(!id.starts_with('#'));
                }
            }
        }

        /// Valid ids, with blank lines, comments and stray spaces among them, are all
        /// taken, in order, and nothing else.
        #[test]
        fn valid_id_lists_are_taken_whole(
            ids in proptest::collection::vec("[A-Za-z0-9_-]{1,40}", 0..50),
            noise in proptest::collection::vec(0u8..4, 0..50),
        ) {
            // A first line "id" is the header of a one-column CSV.
            prop_assume!(ids.first().is_none_or(|id| id != "id"));
            let mut text = String::new();
            for (i, id) in ids.iter().enumerate() {
                match noise.get(i).copied().unwrap_or(0) {
                    1 => text.push_str("\n# a comment\n"),
                    2 => text.push_str("   \n"),
                    3 => text.push_str("\t "),
                    _ => {}
                }
                text.push_str(id);
                text.push_str(" \r\n");
            }
            let read = read(&mut io::Cursor::new(text.as_bytes()), "-");
            prop_assert_eq!(read.map_err(|f| f.message), Ok(ids));
        }

        /// A line longer than the bound is refused however long it is, and its message
        /// stays short.
        #[test]
        fn a_long_line_is_refused_with_a_short_message(n in 1100usize..20_000) {
            let text = format!("ok1\n{}\nok2\n", "x".repeat(n));
            let refused = read(&mut io::Cursor::new(text.as_bytes()), "f").unwrap_err();
            prop_assert!(refused.message.len() < 200);
        }
    }

    fn ids_of(text: &str) -> Result<Vec<String>, String> {
        read(&mut io::Cursor::new(text.as_bytes()), "-").map_err(|f| f.message)
    }

    #[test]
    fn the_outputs_of_users_list_are_read_for_their_ids() {
        let csv = "id,username,email\r\nusr_1,ann,\"a,b\"\r\n'-x,bob,b@x\r\nusr_3,\"multi\nline\",c@x\r\n";
        assert_eq!(ids_of(csv).unwrap(), ["usr_1", "-x", "usr_3"]);
        assert_eq!(ids_of("id\nusr_1\nusr_2\n").unwrap(), ["usr_1", "usr_2"]);
        let json = r#"{"users": [{"id": "usr_1", "roles": ["A"]}, {"id": "usr_2"}], "total": 2}"#;
        assert_eq!(ids_of(json).unwrap(), ["usr_1", "usr_2"]);
        assert_eq!(ids_of("[{\"id\": \"u\"}]").unwrap(), ["u"]);
        let ndjson = "{\"id\":\"usr_1\",\"x\":{\"y\":1}}\n\n{\"id\":\"usr_2\"}\n";
        assert_eq!(ids_of(ndjson).unwrap(), ["usr_1", "usr_2"]);
        assert_eq!(ids_of("").unwrap(), Vec::<String>::new());
        assert_eq!(
            ids_of("\n# nothing tonight\n").unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn anything_else_is_refused_naming_its_line() {
        let rows = ids_of("usr_1\nusr_2,ann,a@x\n").unwrap_err();
        assert!(
            rows.contains("line 2") && rows.contains("is not an id"),
            "{rows}"
        );
        let ndjson = ids_of("{\"id\":\"a\"}\n{\"name\":\"b\"}\n").unwrap_err();
        assert!(
            ndjson.contains("line 2") && ndjson.contains("missing field `id`"),
            "{ndjson}"
        );
        let csv = ids_of("id,name\na,b\nc\n").unwrap_err();
        assert!(csv.contains("line 3"), "{csv}");
        let json = ids_of("{\"user\": {\"id\": \"a\"}\n}").unwrap_err();
        assert!(json.contains("not a list of users"), "{json}");
    }

    #[test]
    fn lines_trimmed_comments_skipped() {
        let text = "  usr_1 \n\n# a comment\nusr_2\r\n";
        let ids = read(&mut io::Cursor::new(text.as_bytes()), "-").unwrap();
        assert_eq!(ids, ["usr_1", "usr_2"]);
        let refused = read(&mut io::Cursor::new(&b"a\x07b\n"[..]), "-").unwrap_err();
        assert!(refused.message.contains("control characters"));
    }
}
