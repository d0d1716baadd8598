//! The accounts seen on an address, where the detail pane stands: who, their status and
//! e-mail, when each was last seen there, and which are selected.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::{Theme, paint};
use crate::app::{Action, App, Around, Pivot};
use crate::text::{fit, head, sanitize};

fn pad(text: String, width: usize) -> String {
    let fill = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(fill))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, pivot: &Pivot, theme: &Theme) {
    let keymap = &app.config().keymap;
    let (title, copied) = match pivot.around() {
        Around::Address(address) => (
            format!(
                " accounts seen on {}: {} ",
                sanitize(address),
                pivot.rows().len()
            ),
            "address",
        ),
        Around::Ring {
            start,
            depth,
            cut_short,
        } => (
            format!(
                " ring of {}, depth {depth}: {}{} ",
                sanitize(start),
                crate::text::plural(pivot.rows().len(), "account"),
                if *cut_short { ", cut short" } else { "" }
            ),
            "ids",
        ),
    };
    let hint = format!(
        " {} select · {} all not blocked · {} {} · {} its ring · {} copy {copied} · {} back ",
        keymap.key(Action::ToggleSelect),
        keymap.key(Action::SelectPage),
        keymap.key(Action::Block),
        keymap.key(Action::Activate),
        keymap.key(Action::Ring),
        keymap.key(Action::Copy),
        keymap.key(Action::Back),
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .title_bottom(Line::from(hint))
        .border_style(theme.focus_border());
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    // Two lines an account, like the overlap list: who, then where to reach them.
    let fits = (usize::from(inner.height) / 2).max(1);
    let top = pivot.cursor().saturating_sub(fits - 1);
    let mut lines: Vec<Line> = Vec::new();
    for (i, row) in pivot.rows().iter().enumerate().skip(top).take(fits) {
        let user = &row.user;
        let mark = if app.selected().contains_key(&user.id) {
            Span::styled("●", theme.selected())
        } else {
            Span::raw(" ")
        };
        let what = match &row.note {
            // A ring's account: how it was reached, and its signals.
            Some(note) => sanitize(note).into_owned(),
            None => {
                let seen = row.last_seen.as_deref().map_or_else(
                    || "not known".to_string(),
                    |t| sanitize(head(t, 16)).into_owned(),
                );
                format!("last seen there {seen}")
            }
        };
        let who = format!(
            " {} {} {what}",
            pad(fit(&sanitize(&user.name), 24), 24),
            pad(user.status.to_string(), 9),
        );
        let reach = format!(
            "   {}  {}",
            sanitize(&user.id),
            sanitize(user.email.as_deref().unwrap_or("")),
        );
        let mut pair = [
            Line::from(vec![mark, Span::raw(fit(&who, width.saturating_sub(1)))]),
            Line::from(fit(&reach, width)),
        ];
        if i == pivot.cursor() {
            pair = pair.map(|line| paint::across(line, width).style(theme.cursor()));
        }
        lines.extend(pair);
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
