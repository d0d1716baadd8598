//! The form over the screen: one line per field (a problem on the line under it), the
//! server's refusal, and the form's keys from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::Theme;
use super::popup::{centered, question};
use crate::app::{Action, App, FieldId, Form};
use crate::text::{after_columns, fit, sanitize, wrap};

/// Room for the labels.
const LABEL: usize = 14;
const WIDTH: u16 = 86;

fn yes_no(on: bool) -> &'static str {
    if on { "yes" } else { "no" }
}

/// A field's value as the form shows it, and where the cursor stands in it (text fields).
fn value(
    form: &Form,
    field: FieldId,
    width: usize,
    theme: &Theme,
) -> (Vec<Span<'static>>, Option<u16>) {
    if let Some(input) = form.input(field) {
        // A column kept for the cursor at the end.
        let scroll = input.visual_scroll(width.saturating_sub(1));
        let shown = sanitize(after_columns(input.value(), scroll)).into_owned();
        let cursor = (input.visual_cursor().saturating_sub(scroll)) as u16;
        return (vec![Span::raw(fit(&shown, width))], Some(cursor));
    }
    let focused = form.focused() == field;
    let spans = match field {
        FieldId::Roles => form
            .roles()
            .flat_map(|(role, on, cursor)| {
                let style = if focused && cursor {
                    theme.cursor()
                } else {
                    Style::default()
                };
                let mark = if on { "[x] " } else { "[ ] " };
                [
                    Span::styled(format!("{mark}{}", sanitize(role.as_str())), style),
                    Span::raw(" "),
                ]
            })
            .collect(),
        FieldId::Language => vec![Span::raw(match form.language() {
            Some(language) => format!("‹ {} ›", sanitize(language.as_str())),
            None => "‹ — ›  (as the server sets it)".into(),
        })],
        FieldId::Active => vec![Span::raw(yes_no(form.active()))],
        _ => vec![Span::raw(yes_no(form.invite()))],
    };
    (spans, None)
}

/// The keys of the form, as the hint line names them.
fn hint(app: &App) -> String {
    let keymap = &app.config().keymap;
    let key = |action| keymap.key(action);
    format!(
        "{} field · {} toggle · {}/{} choose · {} empty · {} save · {} cancel",
        key(Action::NextField),
        key(Action::Toggle),
        key(Action::ChoosePrev),
        key(Action::ChooseNext),
        key(Action::ClearField),
        key(Action::Submit),
        key(Action::CloseForm),
    )
}

/// A problem's lines, under its field's value.
fn problem_lines(problem: &str, width: usize) -> Vec<String> {
    wrap(
        &format!("↳ {}", sanitize(problem)),
        width.saturating_sub(LABEL + 2),
    )
    .into_iter()
    .map(|line| format!("{:w$}{line}", "", w = LABEL + 2))
    .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, form: &Form, theme: &Theme) {
    let inner_width = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let problems: usize = form
        .fields()
        .iter()
        .filter_map(|f| form.problem(*f))
        .map(|p| problem_lines(p, inner_width).len())
        .sum();
    let error = form
        .error()
        .map(|e| wrap(&sanitize(e), inner_width))
        .unwrap_or_default();
    let height = (form.fields().len() + problems + error.len().max(1) + 4) as u16;
    let rect = centered(area, WIDTH, height);
    let width = inner_width.saturating_sub(LABEL + 2);
    let mut lines = Vec::new();
    let mut cursor = None;
    for &field in form.fields() {
        let focused = form.focused() == field;
        let label_style = if focused { theme.header() } else { theme.dim() };
        let marker = if focused { "›" } else { " " };
        let (spans, at) = value(form, field, width, theme);
        if focused
            && form.sending().is_none()
            && let Some(at) = at
        {
            cursor = Some((
                rect.x + 1 + (LABEL + 2) as u16 + at,
                rect.y + 1 + lines.len() as u16,
            ));
        }
        let mut line = vec![Span::styled(
            format!("{marker}{:<LABEL$} ", field.label()),
            label_style,
        )];
        line.extend(spans);
        lines.push(Line::from(line));
        if let Some(problem) = form.problem(field) {
            for line in problem_lines(problem, inner_width) {
                lines.push(Line::styled(line, theme.error()));
            }
        }
    }
    lines.push(Line::default());
    if form.sending().is_some() {
        lines.push(Line::styled("saving...", theme.info()));
    } else if error.is_empty() {
        lines.push(Line::default());
    }
    for line in error {
        lines.push(Line::styled(line, theme.error()));
    }
    lines.push(Line::styled(fit(&hint(app), inner_width), theme.dim()));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", form.kind().title()))
                .border_style(theme.focus_border()),
        ),
        rect,
    );
    if let Some(position) = cursor {
        frame.set_cursor_position(position);
    }
}

/// Throw a form's changes away?
pub fn discard(frame: &mut Frame, area: Rect, app: &App, then_quit: bool, theme: &Theme) {
    let keymap = &app.config().keymap;
    let rect = centered(area, 56, 5);
    let asked = if then_quit {
        "The form holds changes. Throw them away and quit?"
    } else {
        "The form holds changes. Throw them away?"
    };
    let lines = vec![
        Line::from(asked),
        Line::from(format!(
            "{}: throw away · {}: back to the form",
            keymap.key(Action::Confirm),
            keymap.key(Action::Deny)
        )),
    ];
    question(frame, rect, lines, " discard? ", theme);
}
