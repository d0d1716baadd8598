//! An account's history over the screen (`T`, `:timeline`): one line per moment, oldest
//! first, changes and the journal's entries coloured, the cursor on the newest.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::Theme;
use crate::api::timeline::{Event, What};
use crate::app::{Action, App, TimelineLoad, TimelineView};
use crate::text::{fit, sanitize, seconds};

/// The width of the kind of moment ("new country", the longest).
const WHAT_WIDTH: usize = 11;

fn what_style(what: What, theme: &Theme) -> Style {
    match what {
        What::CountryChanged | What::DeviceChanged => {
            theme.severity(crate::signals::Severity::Medium)
        }
        What::Gap => theme.dim(),
        What::Journal => theme.info(),
        What::Created | What::SessionStarted | What::LastActive => Style::default(),
    }
}

/// A moment as one line `width` wide: when, what, and what it says.
fn line<'a>(event: &Event, width: usize, theme: &Theme) -> Line<'a> {
    let at = format!("{:<19}  ", sanitize(&seconds(&event.at)));
    let what = format!("{:<WHAT_WIDTH$}  ", event.what.name());
    let room = width.saturating_sub(at.chars().count() + what.chars().count());
    Line::from(vec![
        Span::raw(fit(&at, width)),
        Span::styled(what, what_style(event.what, theme)),
        Span::raw(fit(&sanitize(&event.text), room)),
    ])
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, view: &TimelineView, theme: &Theme) {
    let keymap = &app.config().keymap;
    let title = format!(
        " timeline of {}, oldest first · {} close ",
        fit(&sanitize(view.user()), 40),
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
        TimelineLoad::Loading(_) => vec![Line::styled("reading its history...", theme.info())],
        TimelineLoad::Failed(e) => vec![Line::styled(
            fit(&format!("cannot read its history: {e}"), width),
            theme.error(),
        )],
        TimelineLoad::Loaded(events) if events.is_empty() => {
            vec![Line::styled("nothing known of it yet", theme.dim())]
        }
        TimelineLoad::Loaded(events) => {
            let top = view.cursor().saturating_sub(rows - 1);
            events
                .iter()
                .enumerate()
                .skip(top)
                .take(rows)
                .map(|(i, event)| {
                    let drawn = line(event, width, theme);
                    if i == view.cursor() {
                        drawn.patch_style(theme.cursor())
                    } else {
                        drawn
                    }
                })
                .collect()
        }
    };
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
