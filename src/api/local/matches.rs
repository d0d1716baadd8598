//! Which users a listing's filters match, decided in the users' own order (their text
//! read front to back, not in a sort order's jumps) on every core, and narrowed from
//! the last listing's matches when the filter only grew (a keystroke more).

use super::LocalUsers;
use super::filter::{Listing, byte_bit, email_is};

/// The users a listing's filters match.
pub(super) struct Matches {
    /// A bit per user, 64 users a word; None: every user.
    hits: Option<Vec<u64>>,
    pub(super) total: usize,
}

impl Matches {
    pub(super) fn has(&self, i: u32) -> bool {
        let i = i as usize;
        self.hits
            .as_ref()
            .is_none_or(|hits| hits[i / 64] & (1 << (i % 64)) != 0)
    }

    /// The users matched, in their own order (of `users` in all).
    pub(super) fn users(&self, users: usize) -> Vec<u32> {
        let Some(hits) = &self.hits else {
            return (0..users as u32).collect();
        };
        let mut found = Vec::with_capacity(self.total);
        for (word, &bits) in hits.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                found.push((word * 64) as u32 + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
        found
    }

    /// The word of 64 users from user `64 * word` on.
    fn word(&self, word: usize) -> u64 {
        self.hits.as_ref().map_or(u64::MAX, |hits| hits[word])
    }
}

/// Fewer users than this are decided on one thread: a thread costs more than they do.
const USERS_A_THREAD: usize = 1 << 15;

impl LocalUsers {
    /// The users `key`'s filters match, among those `within` matches (the last
    /// listing's, when `key` only adds to its filter).
    pub(super) fn decide(&self, key: &Listing, within: Option<&Matches>) -> Matches {
        let filtered = key.needle.is_some() || key.status.is_some() || key.email.is_some();
        if !filtered {
            return Matches {
                hits: None,
                total: self.len(),
            };
        }
        let needle = key.needle.as_deref().map(str::as_bytes);
        let seen = needle.map(|_| self.bytes_seen());
        // The bits of the needle's bytes: a user without one of them cannot hold it. For
        // one letter or digit, its bit is the answer: no text is read.
        let needs = needle.map_or(0, |n| n.iter().fold(0, |bits, &b| bits | byte_bit(b)));
        let exact = matches!(needle, Some([b]) if b.is_ascii_alphanumeric());
        let finder = needle.map(memchr::memmem::Finder::new);
        // The users whose text holds each pair of letters of the needle, if that is kept:
        // only they can hold it, and for one pair, they do.
        let pairs = needle.and_then(|n| self.bigrams.get()?.may_hold(n));
        let (may, exact) = match pairs {
            Some((may, pair)) => (Some(may), exact || pair),
            None => (None, exact),
        };
        // The status asked for, as its code (None: no user has it).
        let status = key.status.as_ref().map(|wanted| {
            let at = super::STATUSES.iter().position(|s| s == wanted);
            at.map(|at| at as u8)
        });
        let one = |i: usize| {
            status.is_none_or(|code| code == Some(self.status_codes[i]))
                && seen.is_none_or(|seen| {
                    seen[i] & needs == needs
                        && (exact || finder.as_ref().is_some_and(|f| self.holds(i, f)))
                })
                // The e-mail is read only when asked for: a million of them are 48 MB of rows.
                && key.email.as_deref().is_none_or(|wanted| {
                    email_is(self.users.email(i), Some(wanted))
                })
        };
        // Word by word, only the users both the last listing and the pairs leave are
        // looked at: a word of 64 users neither leaves costs one test.
        let users = self.len();
        let decide_part = |first_word: usize, part: &mut [u64]| {
            let mut total = 0;
            for (w, hit) in part.iter_mut().enumerate() {
                let word = first_word + w;
                let mut candidates = within.map_or(u64::MAX, |m| m.word(word))
                    & may.as_ref().map_or(u64::MAX, |may| may[word]);
                if word == users / 64 {
                    // The last word: its bits past the last user are none.
                    candidates &= (1 << (users % 64)) - 1;
                }
                while candidates != 0 {
                    let bit = candidates.trailing_zeros() as usize;
                    candidates &= candidates - 1;
                    if one(word * 64 + bit) {
                        *hit |= 1 << bit;
                    }
                }
                total += hit.count_ones() as usize;
            }
            total
        };
        let mut hits = vec![0u64; users.div_ceil(64)];
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let words = users.div_ceil(threads).max(USERS_A_THREAD).div_ceil(64);
        let total = if words >= hits.len() {
            decide_part(0, &mut hits)
        } else {
            std::thread::scope(|scope| {
                let parts: Vec<_> = hits
                    .chunks_mut(words)
                    .enumerate()
                    .map(|(n, part)| scope.spawn(move || decide_part(n * words, part)))
                    .collect();
                parts
                    .into_iter()
                    .map(|part| part.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .sum()
            })
        };
        Matches {
            hits: Some(hits),
            total,
        }
    }
}
