//! `:view` and `:columns` (issue #25): the listing shown — filter, status, sort, page
//! size — and the columns, saved under a name and opened again; the file is the
//! worker's to read and write (the app does no I/O).

use super::{App, Effect};
use crate::columns::ColumnId;
use crate::text::sanitize;
use crate::views::{SavedAs, View};
use crate::worker::{Request, RequestId};

/// What `:view` asks.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewAsk {
    /// The names saved.
    List,
    Save(String),
    Open(String),
}

impl ViewAsk {
    /// Reads what follows `:view`.
    pub fn parse(rest: &str) -> Result<ViewAsk, String> {
        let mut words = rest.split_whitespace();
        let ask = match (words.next(), words.next()) {
            (None, _) => ViewAsk::List,
            (Some("save"), Some(name)) => ViewAsk::Save(name.to_string()),
            (Some("save"), None) => return Err("view save needs a name: :view save blocked".into()),
            (Some(name), None) => ViewAsk::Open(name.to_string()),
            (Some(_), Some(_)) => {
                return Err("view takes a name, or save NAME: :view save blocked".into());
            }
        };
        if words.next().is_some() {
            return Err("view save takes one name".into());
        }
        if let ViewAsk::Save(name) | ViewAsk::Open(name) = &ask {
            crate::views::check_name(name)?;
        }
        Ok(ask)
    }
}

/// What the worker found of a view asked.
#[derive(Debug, Clone)]
pub enum ViewAnswer {
    /// Saved under this name: anew, or over one of that name.
    Saved(String, SavedAs),
    Listed(Vec<String>),
    Found(String, Box<View>),
}

impl App {
    /// The columns the table shows, in order (none: the dialect's own).
    pub fn columns(&self) -> &[ColumnId] {
        &self.columns
    }

    /// `:view`, `:view save NAME`, `:view NAME`.
    pub(super) fn view_command(&mut self, ask: ViewAsk) -> Vec<Effect> {
        let Some(path) = self.config.views.clone() else {
            self.status
                .refusal("no saved views here: the demo keeps nothing");
            return Vec::new();
        };
        let id = self.tickets.issue();
        self.view_asked = Some(id);
        let view = match &ask {
            ViewAsk::Save(_) => Some(Box::new(View::of(self.table.wanted(), &self.columns))),
            _ => None,
        };
        vec![Effect::Send(Request::View {
            id,
            path,
            profile: self.config.profile.clone(),
            ask,
            view,
        })]
    }

    /// The worker's answer to `:view`.
    pub(super) fn view_answered(
        &mut self,
        id: RequestId,
        result: Result<ViewAnswer, String>,
    ) -> Vec<Effect> {
        if self.view_asked.take_if(|asked| *asked == id).is_none() {
            return Vec::new();
        }
        match result {
            Ok(ViewAnswer::Saved(name, saved)) => {
                self.status.notice(match saved {
                    SavedAs::New => format!("view {name:?} saved"),
                    SavedAs::Replaced => format!("view {name:?} saved over the one of that name"),
                });
                Vec::new()
            }
            Ok(ViewAnswer::Listed(names)) if names.is_empty() => {
                self.status
                    .notice("no saved views: :view save NAME keeps this one");
                Vec::new()
            }
            Ok(ViewAnswer::Listed(names)) => {
                let names: Vec<String> = names.iter().map(|n| sanitize(n).into_owned()).collect();
                self.status.notice(format!("views: {}", names.join("  ")));
                Vec::new()
            }
            Ok(ViewAnswer::Found(name, view)) => self.open_view(&name, &view),
            Err(why) => {
                self.status.refusal(sanitize(&why).into_owned());
                Vec::new()
            }
        }
    }

    /// Shows the listing and columns `view` keeps.
    pub(super) fn open_view(&mut self, name: &str, view: &View) -> Vec<Effect> {
        let (query, columns) = match (view.query(self.config.page_size), view.columns()) {
            (Ok(query), Ok(columns)) => (query, columns),
            (Err(why), _) | (_, Err(why)) => {
                self.status
                    .refusal(format!("view {:?} cannot be shown: {why}", sanitize(name)));
                return Vec::new();
            }
        };
        self.columns = columns;
        self.filter = tui_input::Input::new(query.text.clone().unwrap_or_default());
        self.status.notice(format!("view {:?}", sanitize(name)));
        super::sends(self.table.requery(&mut self.tickets, |q| *q = query))
    }

    /// `:columns` (the columns shown, and the others), `:columns id,status,…`.
    pub(super) fn columns_command(&mut self, asked: Option<Vec<ColumnId>>) -> Vec<Effect> {
        match asked {
            None => {
                let shown: Vec<&str> = if self.columns.is_empty() {
                    vec!["the dialect's own"]
                } else {
                    self.columns.iter().map(|c| c.name()).collect()
                };
                let all: Vec<&str> = ColumnId::ALL.iter().map(|c| c.name()).collect();
                self.status.notice(format!(
                    "columns: {} · of {}",
                    shown.join(","),
                    all.join(",")
                ));
            }
            Some(columns) => {
                self.columns = columns;
                self.status
                    .notice("columns set: :view save NAME keeps them");
            }
        }
        Vec::new()
    }
}
