//! Sorting a million users by a text key.

use std::borrow::Cow;

use super::filter::fold_into;

/// Indices `0..n` by `key` (None first), then by `id`. Sorted first by `prefix`, the
/// key's first 16 bytes as [`prefix_of`] makes them, so that most comparisons read no
/// text (a million random reads of it cost seconds); only users whose keys begin alike
/// are compared in full.
pub(super) fn sorted<'a>(
    n: usize,
    prefix: impl Fn(usize) -> Option<u128>,
    key: impl Fn(usize) -> Option<Cow<'a, str>>,
    id: impl Fn(usize) -> &'a str,
) -> Vec<u32> {
    let mut keyed: Vec<Keyed> = (0..n as u32).map(|i| keyed(&prefix, i)).collect();
    keyed.sort_unstable_by_key(|&(some, prefix, _)| (some, prefix));
    let mut order: Vec<u32> = keyed.iter().map(|&(_, _, i)| i).collect();
    let mut start = 0;
    while start < n {
        let run = (keyed[start].0, keyed[start].1);
        let end = start
            + keyed[start..]
                .iter()
                .take_while(|k| (k.0, k.1) == run)
                .count();
        if end - start > 1 {
            order[start..end].sort_unstable_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                key(a).cmp(&key(b)).then_with(|| id(a).cmp(id(b)))
            });
        }
        start = end;
    }
    order
}

/// A user by whether it has a key and by the key's first 16 bytes, as a number.
type Keyed = (bool, u128, u32);

fn keyed(prefix: impl Fn(usize) -> Option<u128>, i: u32) -> Keyed {
    let prefix = prefix(i as usize);
    (prefix.is_some(), prefix.unwrap_or(0), i)
}

/// A key's first 16 bytes as a number (shorter keys padded with zeros): numbers compare
/// as the keys' beginnings do.
pub(super) fn prefix_of(text: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let text = text.as_bytes();
    let n = text.len().min(16);
    bytes[..n].copy_from_slice(&text[..n]);
    u128::from_be_bytes(bytes)
}

/// The first 16 bytes of `name` folded as `fold_into` folds it, as [`prefix_of`] makes
/// them: a name is folded no further than that, a character at a time.
pub(super) fn folded_prefix(name: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let first = &name.as_bytes()[..name.len().min(16)];
    if first.is_ascii() {
        // Most names: each byte folds to one.
        bytes[..first.len()].copy_from_slice(first);
        bytes.make_ascii_lowercase();
        return u128::from_be_bytes(bytes);
    }
    let mut n = 0;
    for c in name.chars() {
        if c == 'Σ' {
            // Its lower case depends on where it stands in a word: the whole name decides.
            let mut folded = String::new();
            fold_into(&mut folded, name);
            return prefix_of(&folded);
        }
        for lower in c.to_lowercase() {
            for &b in lower.encode_utf8(&mut [0; 4]).as_bytes() {
                let Some(at) = bytes.get_mut(n) else {
                    return u128::from_be_bytes(bytes);
                };
                *at = b;
                n += 1;
            }
        }
    }
    u128::from_be_bytes(bytes)
}

/// The first `end` of `users` sorted by `key` (None first), then by `id`, the whole
/// order reversed when `descending`; the rest are not sorted. Chosen by the keys' first
/// bytes (`prefix`) as the users come, keeping those that may be among the first: only
/// their keys are then made in full and sorted. However many users come, those kept are
/// a few more than `end` (unless that many begin alike).
pub(super) fn first_sorted<'a>(
    users: impl Iterator<Item = u32>,
    end: usize,
    descending: bool,
    prefix: impl Fn(usize) -> Option<u128>,
    key: impl Fn(usize) -> Option<Cow<'a, str>>,
    id: impl Fn(usize) -> &'a str,
) -> Vec<u32> {
    let ordered = |o: std::cmp::Ordering| if descending { o.reverse() } else { o };
    let by_prefix = |a: &Keyed, b: &Keyed| ordered((a.0, a.1).cmp(&(b.0, b.1)));
    // Those that begin no later than the `end`th kept so far (the first `end` and
    // their ties): a later user that begins after it cannot be among the first.
    let narrow = |kept: &mut Vec<Keyed>| {
        if end < kept.len() {
            let (_, &mut last, _) = kept.select_nth_unstable_by(end, by_prefix);
            kept.retain(|k| by_prefix(k, &last).is_le());
            Some(last)
        } else {
            None
        }
    };
    let mut kept: Vec<Keyed> = Vec::new();
    let mut room = 2 * end + 64;
    let mut last: Option<Keyed> = None;
    for i in users {
        let user = keyed(&prefix, i);
        if last.is_some_and(|last| by_prefix(&user, &last).is_gt()) {
            continue;
        }
        kept.push(user);
        if kept.len() >= room {
            last = narrow(&mut kept);
            // Many that begin alike: room for them, and as many again.
            room = room.max(2 * kept.len());
        }
    }
    narrow(&mut kept);
    let mut chosen: Vec<_> = kept
        .into_iter()
        .map(|(_, _, i)| (key(i as usize), id(i as usize), i))
        .collect();
    let in_full = |a: &(Option<Cow<str>>, &str, u32), b: &(Option<Cow<str>>, &str, u32)| {
        ordered((&a.0, a.1).cmp(&(&b.0, b.1)))
    };
    if end < chosen.len() {
        chosen.select_nth_unstable_by(end, in_full);
        chosen.truncate(end);
    }
    chosen.sort_unstable_by(in_full);
    chosen.into_iter().map(|(_, _, i)| i).collect()
}
