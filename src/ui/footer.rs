//! The footer: which rows of which query are shown and what is under way, what is
//! selected, which profile and dialect, read-only, the spinner and latency; then the
//! messages: a failure of the table beside the rows it kept, errors, the bulk summary,
//! warnings, the last notice.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{Theme, paint};
use crate::app::{
    Action, App, Change, Dialog, Focus, Load, Message, Mode, PaneList, Shown, filter_text,
    status_label,
};
use crate::text::{after_columns, fit, sanitize, thousands};
use unicode_width::UnicodeWidthStr;

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// The first line: which rows of how many, of which query, and what is under way.
fn status_line<'a>(app: &App, theme: &Theme) -> Line<'a> {
    let table = app.table();
    let mut spans = Vec::new();
    // The profile's label first: never cut.
    if let Some(label) = &app.config().look.label {
        spans.push(Span::styled(
            format!(" {} ", sanitize(label)),
            theme.label(),
        ));
        spans.push(Span::raw(" "));
    }
    // The query named is the one whose rows are shown.
    let named = match table.shown() {
        Some(Shown { query, page, .. }) if page.rows.is_empty() => {
            spans.push(Span::raw(format!(
                "no users match ({} in all)",
                thousands(page.total)
            )));
            query
        }
        Some(Shown { query, page, .. }) => {
            let last = page.offset + page.rows.len() as u64;
            let limit = query.limit.max(1);
            spans.push(Span::raw(format!(
                "rows {}–{} of {} · page {}/{}",
                thousands(page.offset + 1),
                thousands(last),
                thousands(page.total),
                page.offset / limit + 1,
                page.total.div_ceil(limit).max(1)
            )));
            query
        }
        None => {
            spans.push(Span::raw("no rows yet"));
            table.wanted()
        }
    };
    if !app.selected().is_empty() {
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(
            format!("{} selected", app.selected().len()),
            theme.selected(),
        ));
    }
    spans.push(Span::raw(format!(
        " · status {}",
        status_label(named.status.as_ref())
    )));
    if let Some(text) = &named.text {
        spans.push(Span::raw(format!(
            " · filter \"{}\"",
            fit(&sanitize(text), 20)
        )));
    }
    if *table.load() == Load::Pending {
        let changes = Change::between(named, table.wanted());
        if !changes.is_empty() {
            let words: Vec<String> = changes.iter().map(Change::verb).collect();
            spans.push(Span::styled(
                format!(" · {}...", fit(&sanitize(&words.join(", ")), 30)),
                theme.info(),
            ));
        }
    }
    let config = app.config();
    spans.push(Span::raw(format!(
        " · {} ({})",
        fit(&sanitize(&config.profile), 16),
        config.capabilities.dialect
    )));
    if config.read_only {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" RO ", theme.badge()));
    }
    if app.loading() {
        spans.push(Span::raw(format!(
            " {}",
            SPINNER[app.spinner() % SPINNER.len()]
        )));
    }
    if let Some(latency) = app.latency() {
        spans.push(Span::styled(
            format!(" {} ms", latency.as_millis()),
            theme.dim(),
        ));
    }
    Line::from(spans)
}

/// The table's failure, said beside the rows it kept; the error is cut, if needed, so
/// that what is shown instead is always said.
fn table_failure(app: &App, width: usize) -> Option<Message> {
    let table = app.table();
    let Load::Failed(error) = table.load() else {
        return None;
    };
    let (head, tail) = match table.shown() {
        None => (
            "loading the users failed: ".to_string(),
            format!(" — {} tries again", app.config().keymap.key(Action::Reload)),
        ),
        Some(shown) => {
            let changes = Change::between(&shown.query, table.wanted());
            if changes.is_empty() {
                (
                    "reload failed: ".to_string(),
                    " — rows from before".to_string(),
                )
            } else {
                let asked: Vec<String> = changes.iter().map(Change::noun).collect();
                let instead: Vec<String> = changes
                    .iter()
                    .map(|c| match c.as_in(&shown.query) {
                        Change::Text(Some(text)) => format!("\"{}\"", filter_text(&text)),
                        Change::Text(None) => "the unfiltered list".into(),
                        other => other.noun(),
                    })
                    .collect();
                (
                    format!("{} failed: ", asked.join(", ")),
                    format!(" — showing {}", instead.join(", ")),
                )
            }
        }
    };
    let (head, tail) = (sanitize(&head), sanitize(&tail));
    // The error gives way first: what is shown instead must be said whole.
    let room = width.saturating_sub(head.width() + tail.width());
    let error = if room < 8 {
        "…".to_string()
    } else {
        fit(&sanitize(error), room)
    };
    Some(Message {
        text: format!("{head}{error}{tail}"),
        error: true,
    })
}

/// While watching, a line of its own (never cut from the first): how often, and the
/// legend of the rows' marks with how many of the rows shown carry each.
fn watch_line(app: &App) -> Option<Message> {
    let watch = app.watch()?;
    let (new, changed) = watch.counts(app.table().rows());
    let text = format!(
        "watching every {} s: {}{new} new, {}{changed} changed on this page · :watch off stops",
        watch.every().as_secs(),
        crate::app::RowMark::New.glyph(),
        crate::app::RowMark::Changed.glyph(),
    );
    Some(Message { text, error: false })
}

/// The lines under the first, for a footer `width` wide: the table's failure, the
/// watch's line, then the status line's messages.
pub fn messages(app: &App, width: usize) -> Vec<Message> {
    let mut lines: Vec<Message> = table_failure(app, width).into_iter().collect();
    lines.extend(watch_line(app));
    lines.extend(app.messages());
    // The watch's line is one more, never one of them.
    lines.truncate(MAX_MESSAGES + usize::from(app.watching().is_some()));
    lines
}

/// The actions the footer hints at in `mode`, most used first: a choice of the keymap's
/// (each one bound in its mode: tested), in the order an operator reads them.
fn hints(mode: Mode) -> &'static [(Action, &'static str)] {
    match mode {
        Mode::Filter => &[
            (Action::FilterDone, "keep the filter"),
            (Action::FilterClear, "clear it"),
            (Action::Quit, "quit"),
        ],
        Mode::Dialog => &[(Action::Confirm, "yes"), (Action::Deny, "no")],
        Mode::Command => &[
            (Action::RunCommand, "run"),
            (Action::Complete, "complete"),
            (Action::HistoryPrev, "history"),
            (Action::CloseCommand, "close"),
        ],
        Mode::Pivot => &[
            (Action::ToggleSelect, "select"),
            (Action::Block, "block"),
            (Action::Activate, "activate"),
            (Action::Open, "open"),
            (Action::Back, "back"),
        ],
        Mode::Journal | Mode::Timeline | Mode::Output => &[
            (Action::MoveDown, "down"),
            (Action::MoveUp, "up"),
            (Action::Cancel, "close"),
        ],
        Mode::Form => &[
            (Action::Submit, "save"),
            (Action::CloseForm, "cancel"),
            (Action::Help, "help"),
        ],
        Mode::Busy => &[(Action::Help, "help"), (Action::Quit, "stop and quit")],
        Mode::Help => &[],
        Mode::Table => &[
            (Action::Help, "help"),
            (Action::Filter, "filter"),
            (Action::CycleStatus, "status"),
            (Action::NextSort, "sort"),
            (Action::Open, "open"),
            (Action::ToggleSelect, "select"),
            (Action::Reload, "reload"),
            (Action::Quit, "quit"),
        ],
    }
}

/// The keys of the detail pane when it has the focus (the table's mode still).
const PANE: &[(Action, &str)] = &[
    (Action::ToggleFocus, "next list"),
    (Action::Open, "follow"),
    (Action::ToggleSelect, "select"),
    (Action::Copy, "copy"),
    (Action::Back, "back"),
    (Action::Help, "help"),
];

/// The keys of the detail pane when its sessions have the focus: Enter pivots on the
/// session's address.
const PANE_SESSIONS: &[(Action, &str)] = &[
    (Action::ToggleFocus, "next list"),
    (Action::Open, "accounts on this address"),
    (Action::ToggleSelect, "select"),
    (Action::Copy, "copy the address"),
    (Action::Back, "back"),
    (Action::Help, "help"),
];

/// The keys of a confirmation whose reason or count must be typed: its letters are text
/// then.
const TYPED: &[(Action, &str)] = &[
    (Action::Confirm, "on, once typed"),
    (Action::Deny, "cancel"),
];

/// The keys most used in the mode in force, from the keymap.
fn hint(app: &App) -> String {
    let keymap = &app.config().keymap;
    let typing = match app.dialog() {
        Some(Dialog::Confirm(c)) => c.asking().types(),
        Some(Dialog::Undo(ask)) => ask.asking.types(),
        Some(Dialog::Prompt(_)) => true,
        Some(Dialog::RunAction(pending)) => pending.asking.types(),
        _ => false,
    };
    let shown = match app.mode() {
        Mode::Table if app.focus() == Focus::Detail => match app.detail().map(|p| p.list()) {
            Some(Some(PaneList::Sessions)) => PANE_SESSIONS,
            Some(_) => PANE,
            None => hints(app.mode()),
        },
        Mode::Dialog if typing => TYPED,
        mode => hints(mode),
    };
    let key = |action: Action| match app.mode() {
        Mode::Filter | Mode::Form | Mode::Command => keymap.key_in_text(action),
        Mode::Dialog if typing => keymap.key_in_text(action),
        _ => keymap.key(action),
    };
    // With users selected, how to unselect them comes first: the selection is what the
    // next action takes, whatever the cursor is on.
    let unselect = (!app.selected().is_empty() && matches!(app.mode(), Mode::Table | Mode::Pivot))
        .then_some(&(Action::ClearSelection, "unselect all"));
    unselect
        .into_iter()
        .chain(shown)
        .map(|(action, what)| format!("{} {what}", key(*action)))
        .collect::<Vec<_>>()
        .join("  ")
}

/// At most this many message lines show at once.
pub const MAX_MESSAGES: usize = 3;

/// The footer's height: the first line and the messages (or the key hint).
pub fn height(app: &App) -> u16 {
    let failed = matches!(app.table().load(), Load::Failed(_));
    let watching = app.watching().is_some();
    let lines =
        (usize::from(failed) + app.message_count()).min(MAX_MESSAGES) + usize::from(watching);
    1 + lines.max(1) as u16
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let width = usize::from(area.width);
    let mut lines = vec![paint::cut(status_line(app, theme), width).style(theme.bar())];
    let messages = messages(app, width);
    if messages.is_empty() {
        lines.push(Line::styled(fit(&hint(app), width), theme.dim()));
    }
    for m in messages {
        let style = if m.error { theme.error() } else { theme.info() };
        lines.push(Line::styled(fit(&m.text, width), style));
    }
    frame.render_widget(ratatui::widgets::Paragraph::new(lines), area);
}

pub fn draw_filter(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let typing = app.mode() == Mode::Filter;
    draw_line(frame, area, "/ ", app.filter(), typing, theme);
}

/// The command line, where the filter line goes.
pub fn draw_command(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    draw_line(frame, area, ": ", app.command().input(), true, theme);
}

/// A line of text input after `prompt`, with the cursor when `typing`.
fn draw_line(
    frame: &mut Frame,
    area: Rect,
    prompt: &'static str,
    filter: &tui_input::Input,
    typing: bool,
    theme: &Theme,
) {
    let width = usize::from(area.width.saturating_sub(3));
    let scroll = filter.visual_scroll(width.saturating_sub(1));
    let shown = sanitize(after_columns(filter.value(), scroll)).into_owned();
    let line = Line::from(vec![
        Span::styled(prompt, if typing { theme.header() } else { theme.dim() }),
        Span::raw(fit(&shown, width)),
    ]);
    frame.render_widget(line, area);
    if typing {
        let x = area.x + 2 + (filter.visual_cursor().saturating_sub(scroll)) as u16;
        frame.set_cursor_position((x.min(area.x + area.width.saturating_sub(1)), area.y));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Keymap;

    #[test]
    fn every_hint_names_an_action_bound_in_its_mode() {
        let keymap = Keymap::default();
        let pane = PANE
            .iter()
            .chain(PANE_SESSIONS)
            .chain([&(Action::ClearSelection, "unselect all")])
            .map(|hint| (Mode::Table, hint));
        let typed = TYPED.iter().map(|hint| (Mode::Dialog, hint));
        let every = Mode::ALL
            .into_iter()
            .flat_map(|mode| hints(mode).iter().map(move |hint| (mode, hint)));
        for (mode, (action, what)) in every.chain(pane).chain(typed) {
            {
                assert!(
                    keymap.of_mode(mode).any(|b| b.action == *action),
                    "{mode:?} hints \"{what}\" ({action:?}), not bound there"
                );
            }
        }
    }
}
