//! What a bulk action will change, by the status each user had when last seen (or read):
//! `block 12 users: 9 active → blocked, 2 pending → blocked, 1 already blocked
//! (unchanged)`. One wording for the dashboard's confirmation and the headless prompt.

use super::model::{BulkAction, Status};

/// Past this many users, a bulk action is confirmed by typing the count (the dashboard
/// and the headless prompt alike).
pub const TYPE_TO_CONFIRM: usize = 100;

/// Whether `action` may change a user last seen with `status` (not seen: yes).
pub fn changes(action: BulkAction, status: Option<&Status>) -> bool {
    status.is_none_or(|s| !action.leaves(s))
}

/// The breakdown of `statuses` (one per user; None: `unseen`, e.g. "not seen"), the
/// groups that change first, the largest first, then those unchanged.
pub fn breakdown<'a>(
    action: BulkAction,
    statuses: impl IntoIterator<Item = Option<&'a Status>>,
    unseen: &str,
) -> String {
    let statuses: Vec<Option<&Status>> = statuses.into_iter().collect();
    let n = statuses.len();
    let mut groups = counted(statuses.iter().copied().filter(|s| changes(action, *s)));
    let unchanged = counted(statuses.iter().copied().filter(|s| !changes(action, *s)));
    groups.sort_by_key(|group| std::cmp::Reverse(group.1));
    let mut parts: Vec<String> = groups
        .iter()
        .map(|(status, count)| {
            let was = status.map_or(unseen, Status::as_str);
            format!("{count} {was} → {}", result(action, *status))
        })
        .collect();
    // Only a user seen is ever unchanged.
    parts.extend(unchanged.iter().filter_map(|(status, count)| {
        let status = (*status)?;
        Some(match action {
            BulkAction::Unarchive => format!("{count} {status}, not archived (unchanged)"),
            _ => format!("{count} already {status} (unchanged)"),
        })
    }));
    format!(
        "{} {n} user{}: {}",
        action.verb(),
        if n == 1 { "" } else { "s" },
        parts.join(", ")
    )
}

/// What an undo of `action` cannot give back to users that had `statuses` (only those
/// read count), a line a status: `2 pending: an undo cannot make them pending again`.
pub fn not_given_back<'a>(
    action: BulkAction,
    statuses: impl IntoIterator<Item = &'a Status>,
) -> Vec<String> {
    let lost = statuses.into_iter().filter(|status| {
        changes(action, Some(status)) && !crate::api::undo::gives_back(action, status)
    });
    counted(lost)
        .into_iter()
        .map(|(status, n)| {
            let them = if n == 1 { "it" } else { "them" };
            format!("{n} {status}: an undo cannot make {them} {status} again")
        })
        .collect()
}

/// Each distinct item with how many times it comes, in the order first seen.
fn counted<T: PartialEq>(items: impl IntoIterator<Item = T>) -> Vec<(T, usize)> {
    let mut counts: Vec<(T, usize)> = Vec::new();
    for item in items {
        match counts.iter_mut().find(|(seen, _)| *seen == item) {
            Some(count) => count.1 += 1,
            None => counts.push((item, 1)),
        }
    }
    counts
}

/// What `action` makes of a user last seen with `status` (None: not seen), as the
/// preview says it: where the server decides, what it may do.
fn result(action: BulkAction, status: Option<&Status>) -> String {
    match action.resulting_status() {
        Some(result) => result.to_string(),
        None if status == Some(&Status::Archived) => "not archived".into(),
        None => "not archived (the server may make them active)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_an_undo_cannot_give_back_is_told_by_status() {
        let statuses = [
            Status::Pending,
            Status::Active,
            Status::Pending,
            Status::other("X"),
        ];
        assert_eq!(
            not_given_back(BulkAction::Block, &statuses),
            [
                "2 pending: an undo cannot make them pending again",
                "1 x: an undo cannot make it x again"
            ]
        );
    }

    #[test]
    fn groups_that_change_come_first_largest_first() {
        let statuses = [
            Some(Status::Pending),
            Some(Status::Active),
            Some(Status::Blocked),
            Some(Status::Active),
            None,
        ];
        assert_eq!(
            breakdown(
                BulkAction::Block,
                statuses.iter().map(Option::as_ref),
                "not read"
            ),
            "block 5 users: 2 active → blocked, 1 pending → blocked, 1 not read → blocked, 1 already blocked (unchanged)"
        );
    }
}
