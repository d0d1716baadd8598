//! Text from the server is untrusted: before it reaches a terminal, control characters,
//! escape sequences and invisible formatting characters (bidi overrides, zero-width
//! characters) are made visible, so a hostile name cannot clear the screen, move the
//! cursor, set the clipboard, or reorder what is shown.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() // C0, DEL, C1
        || matches!(c,
            '\u{00AD}'                      // soft hyphen
            | '\u{061C}'                    // Arabic letter mark
            | '\u{180E}'                    // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}'       // zero-width characters, LRM, RLM
            | '\u{2028}'..='\u{202E}'       // line and paragraph separators, embeddings, overrides
            | '\u{2060}'..='\u{206F}'       // word joiner, isolates, deprecated format characters
            | '\u{FEFF}'                    // zero-width no-break space
            | '\u{FFF9}'..='\u{FFFB}'       // interlinear annotations
            | '\u{E0000}'..='\u{E007F}'     // tags
            // Widths terminals disagree on: drawn one way, measured another, they shift
            // the rest of the row or leave fragments behind.
            | '\u{FE0E}' | '\u{FE0F}'       // text and emoji presentation selectors
            | '\u{1F1E6}'..='\u{1F1FF}'     // regional indicators (flags are pairs)
            | '\u{1F3FB}'..='\u{1F3FF}'     // skin tone modifiers
        )
}

/// `text` with every unsafe character replaced by a visible escape such as `\u{1b}`.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Cuts `text` to at most `width` terminal columns, marking a cut with "…"; wide
/// characters count double.
pub fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    // Measured as it is cut, a character at a time, as a terminal draws it.
    if text.chars().map(|c| c.width().unwrap_or(0)).sum::<usize>() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// What follows the first `columns` terminal columns of `text` (a text field scrolled
/// sideways): wide characters count double.
pub fn after_columns(text: &str, columns: usize) -> &str {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    for (at, c) in text.char_indices() {
        if used >= columns {
            return text.get(at..).unwrap_or("");
        }
        used += c.width().unwrap_or(0);
    }
    ""
}

/// Breaks `text` into lines of at most `width` terminal columns, between words where it
/// can (a long message shown whole, never cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let width = width.max(2);
    let mut lines: Vec<String> = vec![String::new()];
    let mut used = 0;
    for word in text.split(' ') {
        let w = word.width();
        if used > 0 && used + 1 + w <= width {
            lines.last_mut().expect("a line").push(' ');
            used += 1;
        } else if used > 0 {
            lines.push(String::new());
            used = 0;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > width {
                lines.push(String::new());
                used = 0;
            }
            lines.last_mut().expect("a line").push(c);
            used += cw;
        }
    }
    lines
}

/// Cuts `text` to at most `width` columns in its middle, keeping its start and its end
/// (two long filters that differ only at the end stay told apart).
pub fn fit_middle(text: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return text.to_string();
    }
    if width < 3 {
        return fit(text, width);
    }
    let half = (width - 1) / 2;
    let start = fit(text, half + 1);
    let start = start.trim_end_matches('…');
    let mut end: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 - start.width() {
            break;
        }
        end.push(c);
        used += w;
    }
    end.reverse();
    format!("{start}…{}", end.into_iter().collect::<String>())
}

/// The first `chars` characters of `text` (all of it when shorter): a date's day from a
/// timestamp, say. Cuts between characters, never inside one.
pub fn head(text: &str, chars: usize) -> &str {
    match text.char_indices().nth(chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// An RFC 3339 time to the second, with its zone: `2026-12-06T10:35:11Z` (or its
/// offset, `+01:00`) — never a bare local-looking time.
pub fn seconds(time: &str) -> String {
    let zone = match time.char_indices().nth(19) {
        Some((at, _)) => {
            let rest = &time[at..];
            // Past the fraction of a second: the zone.
            let zone = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
            if zone.is_empty() { "" } else { zone }
        }
        None => "",
    };
    format!("{}{zone}", head(time, 19))
}

/// The known name closest to `key`, if it is a likely misspelling (an edit or two).
pub fn closest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (distance(key, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

/// The known name `word` is a likely typo of (any case): within two edits, and those
/// no more than a third of its letters — `archivd` is `archived` mistyped, while `es`
/// is not `en` mistyped but another language code. None when it is one of them exactly.
pub fn typo_of<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    let letters = word.chars().count();
    if known.iter().any(|k| k.to_lowercase() == word) {
        return None;
    }
    known
        .iter()
        .map(|k| (distance(&word, &k.to_lowercase()), *k))
        .filter(|(d, _)| *d <= 2 && d * 3 <= letters)
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance, by characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            previous = here;
        }
    }
    row[b.len()]
}

/// The ASCII that stands for one non-ASCII character where the terminal is not UTF-8:
/// lines and corners, arrows, dashes and dots by their look; anything else `?`.
pub fn ascii_for(c: char) -> &'static str {
    match c {
        // Box drawing: horizontal, vertical, and every corner or junction.
        '─' | '━' | '═' | '╌' | '╍' | '┄' | '┅' | '┈' | '┉' => "-",
        '│' | '┃' | '║' | '╎' | '╏' | '┆' | '┇' | '┊' | '┋' => "|",
        '\u{2500}'..='\u{257F}' => "+",
        '▲' | '↑' | '▴' | '△' => "^",
        '▼' | '↓' | '▾' | '▽' => "v",
        '→' | '›' | '»' | '▶' | '↳' | '⇒' => ">",
        '←' | '‹' | '«' | '◀' | '⇐' => "<",
        '—' | '–' | '−' | '‐' => "-",
        '·' | '•' => "|",
        '●' | '◆' | '■' | '★' => "*",
        '×' => "x",
        '\u{a0}' => " ",
        // The braille spinner turns as |/-\ does.
        '\u{2800}'..='\u{28FF}' => ["|", "/", "-", "\\"][(c as usize) % 4],
        _ => "?",
    }
}

/// `text` in ASCII: each character as [`ascii_for`] has it (one `?` a column for a wide
/// one), "…" as "...".
pub fn ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            _ if c.is_ascii() => out.push(c),
            '…' => out.push_str("..."),
            _ => {
                let columns = unicode_width::UnicodeWidthChar::width(c)
                    .unwrap_or(1)
                    .max(1);
                match ascii_for(c) {
                    "?" => out.push_str(&"?".repeat(columns)),
                    plain => out.push_str(plain),
                }
            }
        }
    }
    out
}

/// `text` as this process's terminal can show it: as is under a UTF-8 locale, else
/// [`ascii`] (a Latin-1 terminal shows each byte of `—` as a character of its own).
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if crate::terminal::utf8_locale() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(ascii(text))
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use unicode_width::UnicodeWidthStr;

    use super::{fit, fit_middle, head, is_unsafe, sanitize};

    proptest! {
        /// Nothing unsafe survives; what was safe is kept, in order.
        #[test]
        fn sanitized_text_holds_no_control_or_format_character(text in "\\PC*|.*|[\\x00-\\x1f\\u{80}-\\u{9f}\\u{200b}-\\u{206f}\\u{feff}a]*") {
            let out = sanitize(&text);
            prop_assert!(!out.chars().any(is_unsafe));
            // Every safe character of the input is in the output, in order.
            let mut rest = out.chars();
            for c in text.chars().filter(|c| !is_unsafe(*c)) {
                prop_assert!(rest.any(|o| o == c), "{c:?} lost");
            }
        }

        /// A cut never passes its width, nor the text's own, and never splits a character.
        #[test]
        fn cuts_keep_within_the_width(text in "\\PC*", width in 0usize..40) {
            let cut = fit(&text, width);
            prop_assert!(cut.width() <= width);
            prop_assert!(cut.width() <= text.width());
            let middle = fit_middle(&text, width);
            prop_assert!(middle.width() <= width);
            prop_assert!(text.starts_with(head(&text, width)));
        }
    }
}

/// 12345 → "12,345".
/// `3 users`, `1 user`, `2 addresses`.
pub fn plural(n: usize, what: &str) -> String {
    let ending = match (n, what.ends_with('s')) {
        (1, _) => "",
        (_, true) => "es",
        _ => "s",
    };
    format!("{} {what}{ending}", thousands(n as u64))
}

pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod typo_tests {
    use super::{seconds, typo_of};

    #[test]
    fn a_time_to_the_second_keeps_its_zone() {
        assert_eq!(
            seconds("2026-12-06T10:35:11.123456Z"),
            "2026-12-06T10:35:11Z"
        );
        assert_eq!(
            seconds("2026-12-06T10:35:11+01:00"),
            "2026-12-06T10:35:11+01:00"
        );
        assert_eq!(seconds("garbled"), "garbled");
    }

    #[test]
    fn a_typo_is_close_to_a_long_enough_name() {
        let statuses = ["active", "inactive", "archived"];
        assert_eq!(typo_of("archivd", &statuses), Some("archived"));
        assert_eq!(typo_of("ACTIV", &statuses), Some("active"));
        assert_eq!(typo_of("archived", &statuses), None);
        assert_eq!(typo_of("suspended", &statuses), None);
        assert_eq!(typo_of("es", &["NL", "EN", "DE", "FR"]), None);
        assert_eq!(typo_of("trainr", &["TRAINER", "ADMIN"]), Some("TRAINER"));
    }
}

#[cfg(test)]
mod tests {
    use super::{fit, head, sanitize};

    #[test]
    fn thousands() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(12_345), "12,345");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn fit_middle_keeps_both_ends() {
        use super::fit_middle;
        assert_eq!(fit_middle("short", 10), "short");
        assert_eq!(fit_middle("abcdefghijklmnopqrstuvwxyz", 11), "abcde…vwxyz");
        let a = fit_middle("nobody-has-this-very-long-filter-xyz", 20);
        let b = fit_middle("nobody-has-this-very-long-filter-xy", 20);
        assert_ne!(a, b);
        assert!(unicode_width::UnicodeWidthStr::width(a.as_str()) <= 20);
        assert!(
            unicode_width::UnicodeWidthStr::width(
                fit_middle("山田太郎山田太郎山田太郎", 9).as_str()
            ) <= 9
        );
    }

    #[test]
    fn after_columns_skips_by_width() {
        use super::after_columns;
        assert_eq!(after_columns("abcdef", 2), "cdef");
        assert_eq!(after_columns("山田太郎", 4), "太郎");
        assert_eq!(after_columns("ab", 5), "");
        assert_eq!(after_columns("ab", 0), "ab");
    }

    #[test]
    fn wrap_breaks_between_words_and_keeps_every_character() {
        use super::wrap;
        assert_eq!(
            wrap("a user with e-mail already exists", 12),
            ["a user with", "e-mail", "already", "exists"]
        );
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        let wide = wrap("山田太郎山田", 5);
        assert_eq!(wide, ["山田", "太郎", "山田"]);
    }

    #[test]
    fn head_cuts_between_characters() {
        assert_eq!(head("2026-01-02T10:00:00Z", 10), "2026-01-02");
        assert_eq!(head("2026-0é-01T00", 10), "2026-0é-01");
        assert_eq!(head("日本日本日本日本日本日本", 10), "日本日本日本日本日本");
        assert_eq!(head("short", 10), "short");
        assert_eq!(head("", 3), "");
    }

    #[test]
    fn characters_terminals_measure_differently_are_made_visible() {
        // tmux 3.3 draws ❤️ one column wide where ratatui counts two; a flag and a skin
        // tone each terminal draws its own way.
        assert_eq!(sanitize("a\u{2764}\u{fe0f}b"), "a\u{2764}\\u{fe0f}b");
        assert_eq!(sanitize("\u{1f1f3}\u{1f1f1}"), "\\u{1f1f3}\\u{1f1f1}");
        assert_eq!(sanitize("\u{1f44d}\u{1f3fd}"), "\u{1f44d}\\u{1f3fd}");
        // Cut as it is measured: a character at a time.
        assert_eq!(fit("\u{2764}\u{fe0f}abc", 4), "\u{2764}\u{fe0f}abc");
        assert_eq!(fit("\u{2764}\u{fe0f}abcd", 4), "\u{2764}\u{fe0f}ab…");
    }

    #[test]
    fn fit_counts_wide_characters() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("山田太郎", 5), "山田…");
        assert_eq!(fit("ab", 2), "ab");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn escapes_controls_and_format_characters_and_keeps_the_rest() {
        assert_eq!(sanitize("Zoë 山田 محمد"), "Zoë 山田 محمد");
        assert_eq!(sanitize("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(sanitize("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(
            sanitize("x\u{7}\u{9b}\r\n\t"),
            "x\\u{7}\\u{9b}\\u{d}\\u{a}\\u{9}"
        );
        assert_eq!(
            sanitize("\u{200b}\u{2066}\u{feff}"),
            "\\u{200b}\\u{2066}\\u{feff}"
        );
        assert_eq!(sanitize("]52;c;aGk=\u{7}"), "]52;c;aGk=\\u{7}");
    }
}
