//! Sorting a million users by a text key.

/// Indices `0..n` by `key` (None first), then by `id`. Sorted first by the key's first
/// 16 bytes packed in a number, so that most comparisons read no text (a million random
/// reads of it cost seconds); only users whose keys begin alike are compared in full.
pub(super) fn sorted<'a>(
    n: usize,
    key: impl Fn(usize) -> Option<&'a str>,
    id: impl Fn(usize) -> &'a str,
) -> Vec<u32> {
    let mut keyed: Vec<Keyed> = (0..n as u32).map(|i| keyed(&key, i)).collect();
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

fn keyed<'a>(key: impl Fn(usize) -> Option<&'a str>, i: u32) -> Keyed {
    let text = key(i as usize);
    let mut bytes = [0u8; 16];
    let prefix = text.unwrap_or_default().as_bytes();
    let n = prefix.len().min(16);
    bytes[..n].copy_from_slice(&prefix[..n]);
    (text.is_some(), u128::from_be_bytes(bytes), i)
}

/// The first `end` of `users` sorted by `key` (None first), then by `id`, the whole
/// order reversed when `descending`; the rest are not sorted. Chosen by the keys' first
/// bytes, and those that begin as the last one chosen does: only they are then sorted in
/// full.
pub(super) fn first_sorted<'a>(
    users: Vec<u32>,
    end: usize,
    descending: bool,
    key: impl Fn(usize) -> Option<&'a str> + Copy,
    id: impl Fn(usize) -> &'a str,
) -> Vec<u32> {
    let ordered = |o: std::cmp::Ordering| if descending { o.reverse() } else { o };
    let by_prefix = |a: &Keyed, b: &Keyed| ordered((a.0, a.1).cmp(&(b.0, b.1)));
    let mut chosen = if end < users.len() {
        let mut keyed: Vec<Keyed> = users.into_iter().map(|i| keyed(key, i)).collect();
        let (_, &mut last, _) = keyed.select_nth_unstable_by(end, by_prefix);
        keyed
            .iter()
            .filter(|k| by_prefix(k, &last).is_le())
            .map(|&(_, _, i)| i)
            .collect()
    } else {
        users
    };
    let in_full = |&a: &u32, &b: &u32| {
        let (a, b) = (a as usize, b as usize);
        ordered(key(a).cmp(&key(b)).then_with(|| id(a).cmp(id(b))))
    };
    if end < chosen.len() {
        chosen.select_nth_unstable_by(end, in_full);
        chosen.truncate(end);
    }
    chosen.sort_unstable_by(in_full);
    chosen
}
