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
    let mut groups: Vec<(Option<&Status>, usize)> = Vec::new();
    let mut unchanged: Vec<(Option<&Status>, usize)> = Vec::new();
    let mut n = 0;
    for status in statuses {
        n += 1;
        let counted = if changes(action, status) {
            &mut groups
        } else {
            &mut unchanged
        };
        match counted.iter_mut().find(|(s, _)| *s == status) {
            Some(group) => group.1 += 1,
            None => counted.push((status, 1)),
        }
    }
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
