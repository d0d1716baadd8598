//! The audit journal over the screen (`:journal`): one line per request, newest first,
//! with its outcome counted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::Theme;
use super::listed::{self, Says};
use crate::api::journal::JournalEntry;
use crate::app::{Action, App, JournalView};
use crate::text::{fit, head, sanitize};

/// An entry as one line: when, what, how it went, and on whom.
fn line(entry: &JournalEntry) -> String {
    let ids = match entry.ids.as_slice() {
        [] => String::new(),
        [one] => sanitize(one).into_owned(),
        [first, rest @ ..] => format!("{} +{}", sanitize(first), rest.len()),
    };
    let outcome = match &entry.outcome {
        None => "no outcome written".to_string(),
        Some(o) => {
            let mut text = format!(
                "{} ok · {} failed · {} unknown",
                o.succeeded.len(),
                o.failed.len(),
                o.unknown.len()
            );
            if !o.not_sent.is_empty() {
                text.push_str(&format!(" · {} not sent", o.not_sent.len()));
            }
            if let Some(error) = &o.error {
                text.push_str(&format!(" · {}", sanitize(error)));
            }
            text
        }
    };
    // The outcome before the ids: an error message may be long, the ids longer.
    let mut undo = match &entry.undo_of {
        Some(batch) => format!(" (undo of {})", sanitize(head(batch, 8))),
        None => String::new(),
    };
    if let Some(reason) = &entry.reason {
        undo.push_str(&format!(" why: {}", sanitize(reason)));
    }
    format!(
        "{}  {:<19}  {:<16} {:<12} {outcome}{undo}  {ids}",
        sanitize(head(&entry.entry, 8)),
        sanitize(&crate::text::seconds(&entry.time)),
        sanitize(&entry.action),
        sanitize(&entry.profile),
    )
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, view: &JournalView, theme: &Theme) {
    let keymap = &app.config().keymap;
    let title = format!(
        " journal, newest first · {} undo the entry · {} close ",
        keymap.key(Action::Undo),
        keymap.key(Action::Cancel)
    );
    let says = Says {
        loading: "reading the journal...",
        failed: "cannot read the journal",
        empty: "the journal is empty: nothing was changed yet",
    };
    listed::draw(frame, area, title, view, &says, theme, |entry, width| {
        Line::raw(fit(&line(entry), width))
    });
}
