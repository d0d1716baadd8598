//! An account's history over the screen (`T`, `:timeline`): one line per moment, oldest
//! first, changes and the journal's entries coloured, the cursor on the newest.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Theme;
use super::listed::{self, Says};
use crate::api::timeline::{Event, What};
use crate::app::{Action, App, TimelineView};
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
fn line(event: &Event, width: usize, theme: &Theme) -> Line<'static> {
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
    let says = Says {
        loading: "reading its history...",
        failed: "cannot read its history",
        empty: "nothing known of it yet",
    };
    listed::draw(
        frame,
        area,
        title,
        view.list(),
        &says,
        theme,
        |event, width| line(event, width, theme),
    );
}
