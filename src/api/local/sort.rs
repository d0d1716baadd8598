//! Sorting a million users by a text key.

/// Indices `0..n` by `key` (None first), then by `id`. Sorted first by the key's first
/// 16 bytes packed in a number, so that most comparisons read no text (a million random
/// reads of it cost seconds); only users whose keys begin alike are compared in full.
pub(super) fn sorted<'a>(
    n: usize,
    key: impl Fn(usize) -> Option<&'a str>,
    id: impl Fn(usize) -> &'a str,
) -> Vec<u32> {
    let prefix = |text: Option<&str>| {
        let mut bytes = [0u8; 16];
        let text = text.unwrap_or_default().as_bytes();
        let n = text.len().min(16);
        bytes[..n].copy_from_slice(&text[..n]);
        u128::from_be_bytes(bytes)
    };
    let mut keyed: Vec<(bool, u128, u32)> = (0..n)
        .map(|i| {
            let k = key(i);
            (k.is_some(), prefix(k), i as u32)
        })
        .collect();
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
