//! Every user's searchable text, folded (lower-cased) as a filter's text is: made the
//! first time a filter or the whole order by name asks for it, on every core, in blocks
//! of users a core each. A first page sorted by name needs none of it (each name's first
//! bytes are folded as the list comes), so a command that lists a page never makes it.

use super::super::rows::Rows;
use super::filter::{SEPARATOR, fold_into};

/// The folded text of every user, a block of users at a time.
pub(super) struct Folded {
    /// Users a block: user `i` is in block `i / per`.
    per: usize,
    blocks: Vec<Block>,
}

/// The folded text of some users, one after another.
#[derive(Default)]
struct Block {
    /// Each user's name, e-mail, id and ref, lower-cased, each followed by a separator no
    /// query holds: one pass of a SIMD search covers them all.
    haystack: String,
    /// Where each user's text starts in `haystack`.
    starts: Vec<usize>,
    /// Where each user's folded name ends: its text begins with it.
    name_ends: Vec<usize>,
}

/// Fewer users than this are folded on one thread: a thread costs more than they do.
const USERS_A_THREAD: usize = 1 << 15;

impl Folded {
    /// The folded text of `users`.
    pub(super) fn of(users: &Rows) -> Folded {
        let n = users.len();
        let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
        let per = n.div_ceil(threads).max(USERS_A_THREAD);
        let fold = |first: usize| Block::of(users, first..(first + per).min(n));
        let blocks = if per >= n {
            vec![fold(0)]
        } else {
            std::thread::scope(|scope| {
                let blocks: Vec<_> = (0..n)
                    .step_by(per)
                    .map(|first| scope.spawn(move || fold(first)))
                    .collect();
                blocks
                    .into_iter()
                    .map(|b| b.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            })
        };
        Folded { per, blocks }
    }

    /// User `i`'s folded text: its name, e-mail, id and ref, each followed by a separator.
    pub(super) fn text(&self, i: usize) -> &[u8] {
        let (block, i) = self.at(i);
        let end = block.starts.get(i + 1).copied();
        &block.haystack.as_bytes()[block.starts[i]..end.unwrap_or(block.haystack.len())]
    }

    /// User `i`'s name, folded.
    pub(super) fn name(&self, i: usize) -> &str {
        let (block, i) = self.at(i);
        &block.haystack[block.starts[i]..block.name_ends[i]]
    }

    fn at(&self, i: usize) -> (&Block, usize) {
        (&self.blocks[i / self.per], i % self.per)
    }
}

impl Block {
    fn of(users: &Rows, which: std::ops::Range<usize>) -> Block {
        let mut block = Block::default();
        block.starts.reserve(which.len());
        block.name_ends.reserve(which.len());
        // Room for all of these users' text, a little more than their folded text takes
        // (most is not changed in length by folding): it is not copied as it grows, and
        // room not written to costs no memory.
        let share = users.text_len() as u128 * which.len() as u128 / users.len().max(1) as u128;
        block.haystack.reserve(usize::try_from(share).unwrap_or(0));
        for i in which {
            block.starts.push(block.haystack.len());
            fold_into(&mut block.haystack, users.name(i));
            block.name_ends.push(block.haystack.len());
            block.haystack.push(SEPARATOR);
            // In the order a streamed list searches them (`filter::searched`).
            for part in [users.email(i), Some(users.id(i)), users.reference(i)]
                .into_iter()
                .flatten()
            {
                fold_into(&mut block.haystack, part);
                block.haystack.push(SEPARATOR);
            }
        }
        block.haystack.shrink_to_fit();
        block
    }
}
