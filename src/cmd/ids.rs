//! The ids a bulk command acts on: from its arguments and `--ids-from` (a file or
//! standard input, one a line), trimmed and checked before anything is sent. A line is
//! read with a bound, so a huge one cannot fill the memory.

use std::io::{self, BufRead};

use super::Failure;
use crate::cli::BulkArgs;
use crate::text::{fit, head, sanitize};

/// The longest id taken: anything longer is not an id.
pub const MAX_ID: usize = 256;

/// The ids of a bulk command: its arguments, then those of --ids-from, one a line, each
/// trimmed. An id that cannot be one (longer than [`MAX_ID`] characters, or holding
/// control characters) stops the command before anything is sent.
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
    }
    ids.retain(|id| !id.is_empty());
    if ids.is_empty() {
        return Err(Failure::usage(
            "no ids given: name them, or use --ids-from FILE (- for standard input)",
        ));
    }
    Ok(ids)
}

/// The ids of `reader`, one a line (blank lines and `#` comments skipped), each checked.
pub fn read(reader: &mut dyn BufRead, source: &str) -> Result<Vec<String>, Failure> {
    let mut ids = Vec::new();
    let bad_read = |e: io::Error| Failure::usage(format!("--ids-from {source}: {e}"));
    while let Some((line, cut)) = bounded_line(reader).map_err(bad_read)? {
        if cut {
            return Err(Failure::usage(format!(
                "--ids-from {source}: a line of {} is far longer than an id ({MAX_ID} characters at most): nothing was sent",
                fit(&sanitize(head(&line, 60)), 40)
            )));
        }
        let id = line.trim();
        if !id.is_empty() && !id.starts_with('#') {
            ids.push(checked_id(id)?);
        }
    }
    Ok(ids)
}

/// `id`, unless it cannot be one: then a usage error showing it cut and safe.
pub fn checked_id(id: &str) -> Result<String, Failure> {
    let length = id.chars().count();
    let shown = || fit(&sanitize(head(id, 60)), 40);
    if length > MAX_ID {
        return Err(Failure::usage(format!(
            "id {} is {length} characters long, more than {MAX_ID}: nothing was sent",
            shown()
        )));
    }
    if id.chars().any(char::is_control) {
        return Err(Failure::usage(format!(
            "id {} holds control characters: nothing was sent",
            shown()
        )));
    }
    Ok(id.to_string())
}

/// The next line of `reader`, holding at most a few times [`MAX_ID`] bytes of it (the
/// rest of a longer line is read past, not kept: a huge line cannot fill the memory),
/// and whether it was cut so.
fn bounded_line(reader: &mut dyn BufRead) -> io::Result<Option<(String, bool)>> {
    const KEPT: usize = MAX_ID * 4 + 4;
    let mut kept = Vec::new();
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
        let room = KEPT.saturating_sub(kept.len());
        cut |= chunk.len() > room;
        kept.extend(chunk.iter().take(room));
        let used = done.unwrap_or(buffer.len());
        reader.consume(used);
        // A cut line is refused whole: no need to read the rest (it may never end).
        if done.is_some() || cut {
            break;
        }
    }
    Ok(any.then(|| (String::from_utf8_lossy(&kept).into_owned(), cut)))
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

    #[test]
    fn lines_trimmed_comments_skipped() {
        let text = "  usr_1 \n\n# a comment\nusr_2\r\n";
        let ids = read(&mut io::Cursor::new(text.as_bytes()), "-").unwrap();
        assert_eq!(ids, ["usr_1", "usr_2"]);
        let refused = read(&mut io::Cursor::new(&b"a\x07b\n"[..]), "-").unwrap_err();
        assert!(refused.message.contains("control characters"));
    }
}
