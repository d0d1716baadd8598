//! A list over the screen with a cursor (the journal, a timeline): its box, what it says
//! while it has nothing to show, and its lines around the cursor.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::Theme;
use crate::app::{ListLoad, Listed};
use crate::text::fit;

/// What a list says while it has no items: reading, why it could not be read (before
/// the error), or that it is empty.
pub struct Says<'a> {
    pub loading: &'a str,
    pub failed: &'a str,
    pub empty: &'a str,
}

/// Draws `list` in a box titled `title` over `area`, each item as `line` makes it for
/// the width inside, the cursor's highlighted and kept in view.
pub fn draw<T>(
    frame: &mut Frame,
    area: Rect,
    title: String,
    list: &Listed<T>,
    says: &Says,
    theme: &Theme,
    line: impl Fn(&T, usize) -> Line<'static>,
) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.focus_border());
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let rows = usize::from(inner.height).max(1);
    let lines: Vec<Line> = match list.load() {
        ListLoad::Loading(_) => vec![Line::styled(says.loading.to_string(), theme.info())],
        ListLoad::Failed(e) => vec![Line::styled(
            fit(&format!("{}: {e}", says.failed), width),
            theme.error(),
        )],
        ListLoad::Loaded(items) if items.is_empty() => {
            vec![Line::styled(says.empty.to_string(), theme.dim())]
        }
        ListLoad::Loaded(items) => {
            let top = list.cursor().saturating_sub(rows - 1);
            items
                .iter()
                .enumerate()
                .skip(top)
                .take(rows)
                .map(|(i, item)| {
                    let drawn = line(item, width);
                    if i == list.cursor() {
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
