//! Machine output that is safe wherever it lands and exact where it matters: JSON writes
//! every control, escape, bidi and zero-width character as a `\uXXXX` escape (the same
//! data, harmless on a terminal); CSV guards cells a spreadsheet would run as formulas,
//! and on a terminal makes them visible like the table does.

use std::borrow::Cow;
use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use crate::text::{is_unsafe, sanitize};

/// How the commands print what they print.
#[derive(Debug, Clone, Copy, Default)]
pub struct Printing {
    /// Standard output is a terminal.
    pub terminal: bool,
    /// CSV cells are written as they are, formulas and all (`--csv-raw`).
    pub csv_raw: bool,
}

impl Printing {
    /// How to print to this process's standard output; `csv_raw`: `--csv-raw` given.
    pub fn of(csv_raw: bool) -> Printing {
        Printing {
            terminal: std::io::IsTerminal::is_terminal(&std::io::stdout()),
            csv_raw,
        }
    }

    /// A CSV cell: made visible on a terminal; a leading `=`, `+`, `-`, `@`, tab or
    /// carriage return quoted away with `'` (the OWASP guard) unless `--csv-raw` — but
    /// not a value that is only a number (digits with `+ - ( ) .` and spaces, such as a
    /// phone number), which cannot run anything and stays as sent.
    pub fn csv_cell<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let text = if self.terminal {
            sanitize(text)
        } else {
            Cow::Borrowed(text)
        };
        if !self.csv_raw && guarded(&text) {
            Cow::Owned(format!("'{text}"))
        } else {
            text
        }
    }
}

/// Whether the CSV guard puts a `'` before `cell`: it begins with `=`, `+`, `-`, `@`,
/// tab or carriage return, and is not only a number (digits with `+ - ( ) .` and
/// spaces, such as a phone number, cannot run anything). The one rule, for writing CSV
/// and for reading it back (`--ids-from`).
pub fn guarded(cell: &str) -> bool {
    let number = cell.chars().any(|c| c.is_ascii_digit())
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '(' | ')' | '.' | ' '));
    !number && cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// `value` as JSON (pretty or on one line), with every unsafe character escaped.
pub fn json(value: &impl Serialize, pretty: bool) -> String {
    let mut out = Vec::new();
    let written = if pretty {
        value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut out,
            Escaping(PrettyFormatter::new()),
        ))
    } else {
        value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut out,
            Escaping(CompactFormatter),
        ))
    };
    // Our own values always serialize; the formatter writes valid UTF-8.
    match written {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(e) => serde_json::json!({ "error": e.to_string() }).to_string(),
    }
}

/// A formatter that escapes, in strings, what must not reach a terminal raw.
struct Escaping<F>(F);

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if is_unsafe(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_what_a_terminal_must_not_see_and_round_trips() {
        let hostile = "evil\u{1b}[2J\u{9b}31m\u{202e}gnp.exe\u{200b}\u{e0041}山田";
        let text = json(&serde_json::json!({ "name": hostile }), false);
        assert!(text.chars().all(|c| !is_unsafe(c)), "{text:?}");
        assert!(
            text.contains("\\u009b") && text.contains("\\u202e") && text.contains("\\udb40\\udc41")
        );
        assert!(text.contains("山田"), "the rest stays as it is");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], hostile, "exact data");
        let pretty = json(&serde_json::json!({ "a": [1, "\u{7}"] }), true);
        assert!(pretty.contains("\n  \"a\""), "{pretty}");
    }

    #[test]
    fn csv_cells_are_guarded_and_made_visible_on_a_terminal() {
        let pipe = Printing::default();
        assert_eq!(pipe.csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for lead in [
            "+A1",
            "-1+cmd|' /C calc'!A0",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=1",
            "+",
            "- ",
        ] {
            assert!(pipe.csv_cell(lead).starts_with('\''), "{lead:?}");
        }
        // Only a number: nothing to run, as sent.
        for number in [
            "+31 6 12345678",
            "-1",
            "+1 (895) 555-3012",
            "-0.5",
            "+44 7700.900",
        ] {
            assert_eq!(pipe.csv_cell(number), number);
        }
        assert_eq!(pipe.csv_cell("plain"), "plain");
        let raw = Printing {
            csv_raw: true,
            ..Printing::default()
        };
        assert_eq!(raw.csv_cell("=1+1"), "=1+1");
        let terminal = Printing {
            terminal: true,
            ..Printing::default()
        };
        assert_eq!(
            terminal.csv_cell("a\u{1b}]52;c;x\u{7}"),
            "a\\u{1b}]52;c;x\\u{7}"
        );
    }
}
