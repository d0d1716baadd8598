//! What a list query's filters match: the query folded as the users' text is, a user
//! as it comes, and which users' text holds the filter.

use super::super::model::{ListQuery, SortField, Status};
use super::super::rows::RowIn;

/// A list query without its paging: what the users matching it depend on.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Listing {
    /// The filter, folded as the haystack is; None when empty.
    pub(super) needle: Option<String>,
    pub(super) email: Option<String>,
    pub(super) status: Option<Status>,
    pub(super) sort: SortField,
    pub(super) descending: bool,
}

impl Listing {
    pub(super) fn of(q: &ListQuery) -> Listing {
        Listing {
            needle: q
                .text
                .as_deref()
                .map(|t| t.to_lowercase().replace(SEPARATOR, ""))
                .filter(|t| !t.is_empty()),
            email: q.email.as_deref().map(str::to_lowercase),
            status: q.status.clone(),
            sort: q.sort,
            descending: q.descending,
        }
    }
}

impl Listing {
    /// Whether `other` asks for the same users, in whatever order.
    pub(super) fn same_filters(&self, other: &Listing) -> bool {
        self.needle == other.needle && self.email == other.email && self.status == other.status
    }

    /// Whether the users of `now` are among those of `self`: only its filter grew.
    pub(super) fn narrows_to(&self, now: &Listing) -> bool {
        let grown = match (&self.needle, &now.needle) {
            (Some(before), Some(now)) => now.starts_with(before.as_str()),
            (None, Some(_)) => true,
            _ => false,
        };
        grown && self.email == now.email && self.status == now.status
    }
}

pub(super) const SEPARATOR: char = '\u{1f}';

/// The filters of a list query, for one user as it comes: a list written as it is read
/// is never held. The same matching as [`LocalUsers`]' (a test holds them equal).
pub struct RowFilter(Listing);

impl RowFilter {
    pub fn new(q: &ListQuery) -> RowFilter {
        RowFilter(Listing::of(q))
    }

    pub fn matches(&self, row: &RowIn<'_>) -> bool {
        let Listing {
            needle,
            email,
            status,
            ..
        } = &self.0;
        needle.as_deref().is_none_or(|needle| {
            searched(row).into_iter().flatten().any(|part| {
                let mut folded = String::new();
                fold_into(&mut folded, part);
                folded.contains(needle)
            })
        }) && status.as_ref().is_none_or(|s| {
            *s == super::super::rows::status(row.archived_at.is_some(), row.is_active)
        }) && email_is(row.email.as_deref(), email.as_deref())
    }
}

/// The text a filter searches, in the order it is folded: the name first (sorting by
/// name reads it there).
pub(super) fn searched<'r>(row: &'r RowIn<'_>) -> [Option<&'r str>; 4] {
    [
        Some(&*row.name),
        row.email.as_deref(),
        Some(&*row.id),
        row.reference.as_deref(),
    ]
}

/// Whether a user's `email` is the one asked for (`wanted`, lower-cased; None: any).
pub(super) fn email_is(email: Option<&str>, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|wanted| email.map(str::to_lowercase).as_deref() == Some(wanted))
}

/// The bit of a byte in a user's [`LocalUsers::bytes_seen`]: a letter or a digit has one of
/// its own; other bytes share theirs (a hint there, not an answer).
pub(super) fn byte_bit(byte: u8) -> u64 {
    let at = match byte {
        b'a'..=b'z' => byte - b'a',
        b'0'..=b'9' => 26 + (byte - b'0'),
        0x80.. => 63,
        _ => 36 + byte % 27,
    };
    1 << at
}

/// `text` lower-cased onto `haystack` as `str::to_lowercase` does, without a string of
/// its own (a million names lower-cased cost a million of them otherwise).
pub(super) fn fold_into(haystack: &mut String, text: &str) {
    if text.is_ascii() {
        let from = haystack.len();
        haystack.push_str(text);
        haystack[from..].make_ascii_lowercase();
    } else if text.contains('Σ') {
        // Its lower case depends on where it stands in a word: the whole text decides.
        haystack.push_str(&text.to_lowercase());
    } else {
        haystack.extend(text.chars().flat_map(char::to_lowercase));
    }
}
