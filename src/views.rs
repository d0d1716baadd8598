//! Saved views (issue #25): a filter, status, sort, columns and page size kept under a
//! name, per profile, in a state file of their own (`views.json` beside the journal) —
//! never in the config file the operator edits by hand. The dashboard saves and opens
//! them (`:view`), a profile can start on one (`start_view`), and `users list --view`
//! lists by one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use crate::api::model::{ListQuery, SortField, Status};
use crate::columns::ColumnId;

/// A listing as it was saved. Unknown keys are kept out, not refused: a newer userdeck
/// may have written them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct View {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// As the API names it, lower-case (`blocked`); none: every status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    pub sort: String,
    #[serde(default)]
    pub descending: bool,
    /// The columns shown, in order (none: the dialect's own).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u64>,
}

/// Every profile's views, by name.
type Saved = BTreeMap<String, BTreeMap<String, View>>;

impl View {
    /// The view of `query` with `columns` (none: the dialect's own).
    pub fn of(query: &ListQuery, columns: &[ColumnId]) -> View {
        View {
            filter: query.text.clone(),
            status: query.status.as_ref().map(|s| s.as_str().to_string()),
            sort: query.sort.label().to_string(),
            descending: query.descending,
            columns: columns.iter().map(|c| c.name().to_string()).collect(),
            page_size: Some(query.limit),
        }
    }

    /// The first page of its listing (its page size, else `page_size`).
    pub fn query(&self, page_size: u64) -> Result<ListQuery, String> {
        let sort = SortField::from_str(&self.sort, true)
            .map_err(|_| format!("its sort {:?} is no field this userdeck knows", self.sort))?;
        let status = match &self.status {
            Some(status) => Some(
                Status::parse(status)
                    .ok_or_else(|| format!("its status {status:?} is no status"))?,
            ),
            None => None,
        };
        Ok(ListQuery {
            offset: 0,
            limit: self.page_size.unwrap_or(page_size).max(1),
            text: self.filter.clone().filter(|t| !t.is_empty()),
            email: None,
            status,
            sort,
            descending: self.descending,
        })
    }

    /// Its columns (none: the dialect's own).
    pub fn columns(&self) -> Result<Vec<ColumnId>, String> {
        self.columns.iter().map(|c| ColumnId::parse(c)).collect()
    }
}

/// Where the views are kept: beside the journal.
pub fn file() -> PathBuf {
    crate::config::audit_file().with_file_name("views.json")
}

/// A view's name: letters, digits, `-`, `_` and `.`, at most 40.
pub fn check_name(name: &str) -> Result<(), String> {
    let fine = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.is_empty() || name.chars().count() > 40 || !name.chars().all(fine) {
        return Err(format!(
            "{:?} is no view name: letters, digits, - _ . (at most 40)",
            crate::text::sanitize(name)
        ));
    }
    Ok(())
}

fn read(path: &Path) -> Result<Saved, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| format!("{} is not a views file: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Saved::new()),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// The views of `profile` kept at `path`, by name.
pub fn load(path: &Path, profile: &str) -> Result<BTreeMap<String, View>, String> {
    Ok(read(path)?.remove(profile).unwrap_or_default())
}

/// The view `name` of `profile`, or why there is none.
pub fn find(path: &Path, profile: &str, name: &str) -> Result<View, String> {
    let mut views = load(path, profile)?;
    views.remove(name).ok_or_else(|| {
        let names: Vec<&str> = views.keys().map(String::as_str).collect();
        match crate::text::closest(name, &names) {
            Some(near) => {
                format!("no view {name:?} in profile {profile:?}: did you mean {near:?}?")
            }
            None if names.is_empty() => format!("profile {profile:?} has no saved views"),
            None => format!("no view {name:?}; saved: {}", names.join(", ")),
        }
    })
}

/// Keeps `view` as `name` of `profile` at `path`, replacing one of that name. Written
/// beside it and renamed: a failure leaves the file as it was.
pub fn save(path: &Path, profile: &str, name: &str, view: View) -> Result<SavedAs, String> {
    check_name(name)?;
    let mut saved = read(path)?;
    let replaced = saved
        .entry(profile.to_string())
        .or_default()
        .insert(name.to_string(), view)
        .is_some();
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    let text = serde_json::to_string_pretty(&saved).map_err(|e| e.to_string())?;
    // Beside it under a name of this process's, as an export is written.
    let partial = dir.join(format!(".views.json.{}.partial", std::process::id()));
    let written = std::fs::write(&partial, text).and_then(|()| std::fs::rename(&partial, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        format!("cannot write {}: {e}", path.display())
    })?;
    Ok(if replaced {
        SavedAs::Replaced
    } else {
        SavedAs::New
    })
}

/// Whether a view saved was new, or replaced one of its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavedAs {
    New,
    Replaced,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_is_kept_per_profile_and_gives_back_its_listing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/views.json");
        let query = ListQuery {
            text: Some("gmail".into()),
            status: Some(Status::Blocked),
            sort: SortField::Updated,
            descending: true,
            limit: 30,
            offset: 60,
            ..ListQuery::default()
        };
        let columns = [ColumnId::Id, ColumnId::Status];
        let plain = View::of(&ListQuery::default(), &[]);
        // Saved anew, then over the one of its name (which is said); another profile's
        // of the same name is its own.
        let first = save(&path, "prod", "blocked-gmail", plain.clone());
        assert_eq!(first, Ok(SavedAs::New));
        let over = save(&path, "prod", "blocked-gmail", View::of(&query, &columns));
        assert_eq!(over, Ok(SavedAs::Replaced));
        let other = save(&path, "staging", "blocked-gmail", plain);
        assert_eq!(other, Ok(SavedAs::New));
        let view = find(&path, "prod", "blocked-gmail").unwrap();
        let again = view.query(50).unwrap();
        assert_eq!(
            again,
            ListQuery {
                offset: 0,
                ..query.clone()
            }
        );
        assert_eq!(view.columns().unwrap(), columns);
        assert_eq!(load(&path, "staging").unwrap().len(), 1);
        let missing = find(&path, "prod", "blocked-gmai").unwrap_err();
        assert!(
            missing.contains("did you mean \"blocked-gmail\""),
            "{missing}"
        );
        assert!(save(&path, "prod", "a b", View::of(&query, &[])).is_err());
        assert!(check_name("../x").is_err());
        // A file that is no views file is said, not taken as empty (nor overwritten).
        std::fs::write(&path, "not json").unwrap();
        assert!(save(&path, "prod", "x", View::of(&query, &[])).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "not json");
    }
}
