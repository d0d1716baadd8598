//! Which users' text holds each pair of letters, and each pair of digits: one bit a user
//! per pair. A filter of two letters or digits or more reads a few of these rows (125 KB
//! each at a million users, 97 MB in all) for the users that can hold it, instead of
//! every user's text: a keystroke over a million users costs what those users cost.
//! Other pairs (`@g`, `a1`) are not kept: such a filter reads the text.

/// Pairs of ASCII letters (`aa` to `zz`), then of digits (`00` to `99`).
const PAIRS: usize = 26 * 26 + 10 * 10;

pub(super) struct Bigrams {
    /// Words of 64 users per pair.
    words: usize,
    /// Pair by pair, a bit per user.
    bits: Vec<u64>,
}

fn pair(a: u8, b: u8) -> Option<usize> {
    if a.is_ascii_lowercase() && b.is_ascii_lowercase() {
        Some(usize::from(a - b'a') * 26 + usize::from(b - b'a'))
    } else if a.is_ascii_digit() && b.is_ascii_digit() {
        Some(26 * 26 + usize::from(a - b'0') * 10 + usize::from(b - b'0'))
    } else {
        None
    }
}

impl Bigrams {
    /// The pairs of the texts of `users` users (`text(i)`, folded).
    pub(super) fn of<'a>(users: usize, text: impl Fn(usize) -> &'a [u8]) -> Bigrams {
        let words = users.div_ceil(64);
        let mut bits = vec![0u64; PAIRS * words];
        for i in 0..users {
            let (word, bit) = (i / 64, 1 << (i % 64));
            for w in text(i).windows(2) {
                if let Some(p) = pair(w[0], w[1]) {
                    bits[p * words + word] |= bit;
                }
            }
        }
        Bigrams { words, bits }
    }

    /// The users whose text may hold `needle`, a bit each (None: it holds no pair kept,
    /// so any may), and whether that is exact (the needle is one pair).
    pub(super) fn may_hold(&self, needle: &[u8]) -> Option<(Vec<u64>, bool)> {
        let mut pairs = needle.windows(2).filter_map(|w| pair(w[0], w[1]));
        let first = pairs.next()?;
        let mut may = self.row(first).to_vec();
        for p in pairs {
            for (m, r) in may.iter_mut().zip(self.row(p)) {
                *m &= r;
            }
        }
        Some((may, needle.len() == 2))
    }

    fn row(&self, p: usize) -> &[u64] {
        &self.bits[p * self.words..(p + 1) * self.words]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_is_exact_and_longer_needles_are_a_superset() {
        let texts: [&[u8]; 4] = [b"jan\x1fjan@x.nl", b"anne", b"nadja 12", b"zo\xc3\xab 123"];
        let bigrams = Bigrams::of(texts.len(), |i| texts[i]);
        let has = |bits: &[u64], i: usize| bits[i / 64] & (1 << (i % 64)) != 0;
        let (an, exact) = bigrams.may_hold(b"an").unwrap();
        assert!(exact);
        assert_eq!(
            (0..4).map(|i| has(&an, i)).collect::<Vec<_>>(),
            [true, true, false, false]
        );
        let (jan, exact) = bigrams.may_hold(b"jan").unwrap();
        assert!(!exact);
        assert_eq!(
            (0..4).map(|i| has(&jan, i)).collect::<Vec<_>>(),
            [true, false, false, false]
        );
        let (digits, _) = bigrams.may_hold(b"123").unwrap();
        assert_eq!(
            (0..4).map(|i| has(&digits, i)).collect::<Vec<_>>(),
            [false, false, false, true]
        );
        // No pair kept: no answer, every text is read.
        for needle in [&b"a"[..], b"@x", b"a1", b"1"] {
            assert!(bigrams.may_hold(needle).is_none());
        }
        // A pair in the e-mail is held as any other; a user without it is not.
        let (nx, _) = bigrams.may_hold(b"nl").unwrap();
        assert!(has(&nx, 0) && !has(&nx, 1));
    }
}
