//! The audit journal over the screen (`:journal`): one line per request, newest first,
//! with its outcome counted.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::Theme;
use crate::api::journal::JournalEntry;
use crate::app::{Action, App, JournalLoad, JournalView};
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
    let undo = match &entry.undo_of {
        Some(batch) => format!(" (undo of {})", sanitize(head(batch, 8))),
        None => String::new(),
    };
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
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.focus_border());
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let rows = usize::from(inner.height).max(1);
    let lines: Vec<Line> = match view.load() {
        JournalLoad::Loading(_) => vec![Line::styled("reading the journal...", theme.info())],
        JournalLoad::Failed(e) => vec![Line::styled(
            fit(&format!("cannot read the journal: {e}"), width),
            theme.error(),
        )],
        JournalLoad::Loaded(entries) if entries.is_empty() => {
            vec![Line::styled(
                "the journal is empty: nothing was changed yet",
                theme.dim(),
            )]
        }
        JournalLoad::Loaded(entries) => {
            let top = view.cursor().saturating_sub(rows - 1);
            entries
                .iter()
                .enumerate()
                .skip(top)
                .take(rows)
                .map(|(i, entry)| {
                    let text = fit(&line(entry), width);
                    if i == view.cursor() {
                        Line::styled(text, theme.cursor())
                    } else {
                        Line::raw(text)
                    }
                })
                .collect()
        }
    };
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
