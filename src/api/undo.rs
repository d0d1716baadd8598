//! Taking a batch back: which of its users go back to the status they had before, by the
//! reverse action, and which cannot (and why) — planned from the journal and from the
//! users' statuses read back now. A batch already undone, or whose users changed since,
//! is refused, naming them.

use std::collections::HashMap;

use super::bulk::Undo;
use super::client::Client;
use super::error::ApiError;
use super::journal::{self, JournalEntry};
use super::model::{BulkAction, Status};
use super::statuses;

/// How many of the journal's newest entries an undo looks among.
pub const SEARCHED: usize = 1000;

/// What an undo will do.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoPlan {
    /// The batch undone, and when it ran.
    pub batch: String,
    pub time: String,
    /// Its action, and the reverse the undo sends.
    pub of: BulkAction,
    pub action: BulkAction,
    /// The users the reverse is sent for, with their status now (the undo's "before").
    pub ids: Vec<String>,
    pub now: HashMap<String, Status>,
    /// The status each of `ids` had before the batch: what the undo gives back, read back
    /// to prove it where the reverse action alone does not settle it (unarchiving).
    pub restore: HashMap<String, Status>,
    /// The users left alone, each with why.
    pub left: Vec<(String, String)>,
}

impl UndoPlan {
    /// `undo block of 12 users: 9 blocked → active; 3 left alone`; where the server decides
    /// what the reverse gives (unarchiving), what the undo gives back:
    /// `undo archive of 3 users: 3 archived → as before (2 active, 1 inactive)`.
    /// What the undo's batch undoes and gives back.
    pub fn undo(&self) -> Undo {
        Undo {
            of: self.batch.clone(),
            restore: self.restore.clone(),
        }
    }

    pub fn summary(&self) -> String {
        let from = match self.of.resulting_status() {
            Some(status) => status.to_string(),
            None => "not archived".into(),
        };
        let to = match self.action.resulting_status() {
            Some(status) => status.to_string(),
            None => format!("as before ({})", self.restored()),
        };
        let n = self.ids.len() + self.left.len();
        let mut text = format!(
            "undo {} of {n} user{}: {} {from} → {to}",
            self.of.verb(),
            if n == 1 { "" } else { "s" },
            self.ids.len(),
        );
        if !self.left.is_empty() {
            text.push_str(&format!("; {} left alone", self.left.len()));
        }
        text
    }

    /// `2 active, 1 inactive`: the statuses given back, the most first.
    fn restored(&self) -> String {
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for status in self.ids.iter().filter_map(|id| self.restore.get(id)) {
            *counts.entry(status.as_str()).or_default() += 1;
        }
        let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
        counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        counts
            .iter()
            .map(|(status, n)| format!("{n} {status}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The action a batch is, if it is a bulk action.
pub fn bulk_action(action: &str) -> Option<BulkAction> {
    [
        BulkAction::Block,
        BulkAction::Activate,
        BulkAction::Archive,
        BulkAction::Unarchive,
    ]
    .into_iter()
    .find(|a| a.verb() == action)
}

/// Whether undoing `action` can give a user back `before`: the reverse action makes it
/// so, or (training) `isActive` can be set back. A pending crm user cannot be made
/// pending again.
pub fn gives_back(action: BulkAction, before: &Status) -> bool {
    reverse(action).holds(before) || matches!(before, Status::Active | Status::Inactive)
}

fn reverse(action: BulkAction) -> BulkAction {
    match action {
        BulkAction::Block => BulkAction::Activate,
        BulkAction::Activate => BulkAction::Block,
        BulkAction::Archive => BulkAction::Unarchive,
        BulkAction::Unarchive => BulkAction::Archive,
    }
}

/// The entry an undo takes — the one undo rule, for `u`, `userdeck undo` and `:journal`.
/// Named (by its id or a prefix of six characters or more): that entry, if it is of this
/// profile and endpoint (another's users live on another server). Unnamed: the newest
/// batch of this profile and endpoint, and never an older one — when the newest cannot be
/// undone, the answer says which it is and why, and an older one must be named.
pub fn chosen<'a>(
    entries: &'a [JournalEntry],
    named: Option<&str>,
    profile: &str,
    endpoint: &str,
) -> Result<&'a JournalEntry, String> {
    let Some(named) = named else {
        let newest = entries.iter().find(|e| {
            e.profile == profile && e.endpoint == endpoint && bulk_action(&e.action).is_some()
        });
        let Some(newest) = newest else {
            return Err(format!(
                "no batch of profile {profile:?} to undo in the journal"
            ));
        };
        let refused = |why: String| {
            Err(format!(
                "the newest batch ({}) {why}; to undo an older one, name it (undo ENTRY, or u on it in :journal)",
                described(newest)
            ))
        };
        if let Some(undone) = &newest.undo_of {
            return refused(format!(
                "is an undo itself (of entry {})",
                crate::text::head(undone, 8)
            ));
        }
        // A batch that recorded no statuses (too many users to read first) has nothing
        // that could go back.
        if newest.before.is_empty() {
            return refused("recorded no statuses before it: nothing of it can be undone".into());
        }
        return Ok(newest);
    };
    if named.chars().count() < 6 {
        return Err(format!(
            "{named:?}: give at least 6 characters of the entry"
        ));
    }
    let fitting: Vec<&JournalEntry> = entries
        .iter()
        .filter(|e| e.entry.starts_with(named))
        .collect();
    match fitting[..] {
        // What to do first: a status line may cut the rest.
        [one] if one.profile != profile || one.endpoint != endpoint => Err(format!(
            "undo it there: entry {} was sent to {} (profile {:?}), not {endpoint} (profile {profile:?})",
            crate::text::head(&one.entry, 8),
            one.endpoint,
            one.profile
        )),
        [one] => Ok(one),
        [] => Err(format!("no entry {named:?} among the journal's newest")),
        _ => Err(format!(
            "{named:?} names {} entries: give more of it",
            fitting.len()
        )),
    }
}

/// `block of 1,200 users at 2026-12-03T07:41:12, entry c0289881`.
fn described(entry: &JournalEntry) -> String {
    let n = entry.ids.len();
    format!(
        "{} of {} user{} at {}, entry {}",
        entry.action,
        crate::text::thousands(n as u64),
        if n == 1 { "" } else { "s" },
        crate::text::seconds(&entry.time),
        crate::text::head(&entry.entry, 8),
    )
}

/// The undo of `entry` that changed something, if there is one.
fn undone_by<'a>(entries: &'a [JournalEntry], entry: &JournalEntry) -> Option<&'a JournalEntry> {
    entries.iter().find(|u| {
        u.undo_of.as_deref() == Some(&entry.entry)
            && u.outcome.as_ref().is_some_and(|o| !o.succeeded.is_empty())
    })
}

/// At most this many users are named in a refusal.
const NAMED: usize = 5;

/// `a, b, c and 4 more`.
fn some_of(items: &[String]) -> String {
    let mut text = items
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > NAMED {
        text.push_str(&format!(" and {} more", items.len() - NAMED));
    }
    text
}

/// Plans the undo of `entry`; `entries` is the journal (to see whether it was undone),
/// `now` the status read back now of each user it changed or may have changed (None: not
/// found). A user whose outcome was unknown goes back too when it holds what the batch
/// set (the server applied it, its answer was lost); else it is left alone, as is every
/// id never sent.
pub fn plan(
    entry: &JournalEntry,
    entries: &[JournalEntry],
    now: &HashMap<String, Option<Status>>,
) -> Result<UndoPlan, String> {
    let Some(of) = bulk_action(&entry.action) else {
        return Err(format!(
            "{} cannot be undone: only block, activate, archive and unarchive can",
            entry.action
        ));
    };
    if let Some(undo) = undone_by(entries, entry) {
        return Err(format!("already undone, at {}", undo.time));
    }
    let Some(outcome) = &entry.outcome else {
        return Err("its outcome was never written: what it changed is not known".into());
    };
    if outcome.succeeded.is_empty() && outcome.unknown.is_empty() {
        return Err(format!(
            "nothing of it was applied ({} failed, {} not sent): nothing to undo",
            outcome.failed.len(),
            outcome.not_sent.len()
        ));
    }
    // A later batch that changed the same users: undoing this one would undo it too,
    // even when their statuses read the same as this batch left them.
    let mine: std::collections::HashSet<&String> =
        outcome.succeeded.iter().chain(&outcome.unknown).collect();
    let newer = entries.iter().take_while(|e| e.entry != entry.entry);
    for later in newer {
        // A user the later batch found already holding what it set was not changed by
        // it (its status before is what it recorded); one not recorded may have been.
        let left_as_it_was = |id: &String| {
            let before = later.before.get(id).and_then(|b| Status::parse(b));
            bulk_action(&later.action)
                .zip(before)
                .is_some_and(|(action, before)| action.leaves(&before))
        };
        let touched: Vec<String> = later
            .outcome
            .iter()
            .flat_map(|o| o.succeeded.iter().chain(&o.unknown))
            .filter(|id| mine.contains(id) && !left_as_it_was(id))
            .cloned()
            .collect();
        if !touched.is_empty() {
            return Err(format!(
                "a later batch ({} at {}, entry {}) changed {} since: nothing was undone",
                later.action,
                crate::text::seconds(&later.time),
                crate::text::head(&later.entry, 8),
                some_of(&touched)
            ));
        }
    }
    let changed: Vec<String> = outcome
        .succeeded
        .iter()
        .filter_map(|id| match now.get(id) {
            Some(Some(status)) if of.holds(status) => None,
            Some(Some(status)) => Some(format!("{id} is {status} now")),
            _ => Some(format!("{id} is no longer found")),
        })
        .collect();
    if !changed.is_empty() {
        return Err(format!(
            "users changed since, nothing was undone: {}",
            some_of(&changed)
        ));
    }
    let action = reverse(of);
    let mut plan = UndoPlan {
        batch: entry.entry.clone(),
        time: entry.time.clone(),
        of,
        action,
        ids: Vec::new(),
        now: HashMap::new(),
        restore: HashMap::new(),
        left: Vec::new(),
    };
    // The unknown that hold what the batch set now were applied; the others were not.
    let applied = outcome.unknown.iter().filter(|id| match now.get(*id) {
        Some(Some(status)) => of.holds(status),
        _ => false,
    });
    for id in outcome.succeeded.iter().chain(applied) {
        let before = entry.before.get(id).and_then(|b| Status::parse(b));
        let why = match &before {
            None => Some("its status before was not recorded".to_string()),
            Some(before) if of.leaves(before) => Some(format!("was {before} already")),
            Some(Status::Pending) => {
                Some("was pending: the API cannot make a user pending again".to_string())
            }
            Some(before) if action.holds(before) => None,
            // What the reverse cannot give back, with what the user is now (an unarchive
            // may have activated an inactive user: archiving does not undo that).
            Some(before) => Some(match now.get(id) {
                Some(Some(status)) if status == before => format!("was {before}, and is still"),
                Some(Some(status)) => format!(
                    "was {before}, is {status} now: {} does not give that back",
                    action.verb()
                ),
                _ => format!("was {before}: {} does not give that back", action.verb()),
            }),
        };
        match why {
            Some(why) => plan.left.push((id.clone(), why)),
            None => {
                plan.ids.push(id.clone());
                if let Some(before) = before {
                    plan.restore.insert(id.clone(), before);
                }
                if let Some(Some(status)) = now.get(id) {
                    plan.now.insert(id.clone(), status.clone());
                }
            }
        }
    }
    for id in &outcome.unknown {
        match now.get(id) {
            Some(Some(status)) if of.holds(status) => {}
            Some(Some(status)) => plan.left.push((
                id.clone(),
                format!("its outcome was unknown; it is {status} now"),
            )),
            _ => plan.left.push((
                id.clone(),
                "its outcome was unknown; it is no longer found".into(),
            )),
        }
    }
    for id in &outcome.not_sent {
        plan.left.push((id.clone(), "never sent".into()));
    }
    Ok(plan)
}

/// Reads the journal at `path`, picks the entry to undo (`named`, or the newest of this
/// client's profile and endpoint), reads its users back and plans the undo.
pub async fn prepare(
    client: &Client,
    path: std::path::PathBuf,
    named: Option<String>,
    profile: &str,
) -> Result<UndoPlan, String> {
    let journal = client
        .journal()
        .ok_or("this client keeps no journal: nothing to undo")?;
    let endpoint = journal.endpoint().to_string();
    // The outcomes handed to the journal's thread are read too: an undo chosen without
    // them might pick the batch before the newest.
    if !journal.flushed().await {
        return Err(
            "the journal is still being written (a slow disk): undo again in a moment".into(),
        );
    }
    let entries = tokio::task::spawn_blocking(move || journal::read(&path, SEARCHED))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot read the journal: {e}"))?;
    let entry = chosen(&entries, named.as_deref(), profile, &endpoint)?;
    // Those it changed, and those it may have changed.
    let touched: Vec<String> = entry
        .outcome
        .as_ref()
        .map(|o| o.succeeded.iter().chain(&o.unknown).cloned().collect())
        .unwrap_or_default();
    let now = read_statuses(client, &touched).await?;
    plan(entry, &entries, &now).map_err(|why| {
        format!(
            "batch {} of {}: {why}",
            crate::text::head(&entry.entry, 8),
            crate::text::seconds(&entry.time)
        )
    })
}

/// A headless action reads its users' statuses first, so that it can be undone, when they
/// are at most this many (read in batches, see [`statuses`]); past it, it says so before
/// anything is sent.
pub const READ_FIRST_UP_TO: usize = 10_000;

/// The statuses of a headless action's users before it is sent.
#[derive(Debug, Default)]
pub struct Before {
    /// Each user read and found (journalled with the batch, for its undo).
    pub found: HashMap<String, Status>,
    /// The ids the server says it does not know.
    pub missing: Vec<String>,
    /// The ids whose read failed.
    pub unread: Vec<String>,
}

impl Before {
    /// What was read of `id`: its status, or None.
    pub fn of(&self, id: &str) -> Option<&Status> {
        self.found.get(id)
    }
}

/// The statuses of `ids` before an action, for its batch (a training id that is not a
/// UUID is never sent, so never read); None past [`READ_FIRST_UP_TO`], where nothing is
/// read. A refused token is an error: the action must not go on with it.
pub async fn statuses_before(
    client: &Client,
    ids: &[String],
    read_so_far: &(dyn Fn(usize) + Sync),
) -> Result<Option<Before>, ApiError> {
    if ids.len() > READ_FIRST_UP_TO {
        return Ok(None);
    }
    let sendable: Vec<String> = ids
        .iter()
        .filter(|id| client.dialect().takes_id(id))
        .cloned()
        .collect();
    let mut before = Before::default();
    for (id, read) in statuses::read_telling(client, &sendable, read_so_far).await {
        match read {
            Ok(Some(status)) => {
                before.found.insert(id, status);
            }
            Ok(None) => before.missing.push(id),
            Err(e) if e.is_code(super::error::UNAUTHORIZED) => return Err(e),
            Err(_) => before.unread.push(id),
        }
    }
    Ok(Some(before))
}

/// Reads the statuses of `ids` now (None for a user not found), as settling reads them
/// back; an undo is planned only when every one could be read.
pub async fn read_statuses(
    client: &Client,
    ids: &[String],
) -> Result<HashMap<String, Option<Status>>, String> {
    statuses::read(client, ids)
        .await
        .into_iter()
        .map(|(id, read)| match read {
            Ok(status) => Ok((id, status)),
            Err(e) => Err(format!("reading {id} back failed: {e}")),
        })
        .collect()
}

#[cfg(test)]
mod tests;
