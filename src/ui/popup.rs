//! Dialogs over the screen: bulk confirmation, progress, help.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Wrap};

use super::Theme;
use crate::app::App;
use crate::text::{fit, sanitize};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    rect
}

pub fn confirm(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(dialog) = &app.dialog else {
        return;
    };
    let rect = centered(area, 64, 9);
    let count = dialog.ids.len();
    let names: Vec<String> = dialog.names.iter().map(|n| fit(&sanitize(n), 20)).collect();
    let more = count.saturating_sub(names.len());
    let mut lines = vec![
        Line::from(format!(
            "{} {count} user{}?",
            dialog.action.verb(),
            if count == 1 { "" } else { "s" }
        )),
        Line::from(format!(
            "{}{}",
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )),
    ];
    if dialog.hidden > 0 {
        lines.push(Line::styled(
            format!(
                "{} of them are not on this page (the filter or paging hides them)",
                dialog.hidden
            ),
            theme.error(),
        ));
    }
    lines.push(Line::default());
    match &dialog.typed {
        Some(typed) => lines.push(Line::from(vec![
            Span::raw(format!("type {count} to confirm, Esc to cancel: ")),
            Span::styled(typed.value().to_string(), theme.selected()),
        ])),
        None => lines.push(Line::from("y confirm · n or Esc cancel")),
    }
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" confirm ")
                .border_style(theme.error()),
        ),
        rect,
    );
}

pub fn progress(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(progress) = app.progress else {
        return;
    };
    let rect = centered(area, 50, 3);
    let ratio = if progress.total == 0 {
        1.0
    } else {
        progress.done as f64 / progress.total as f64
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Gauge::default()
            .block(Block::default().borders(Borders::ALL).title(" working "))
            .gauge_style(theme.info())
            .ratio(ratio.clamp(0.0, 1.0))
            .label(format!("{} / {}", progress.done, progress.total)),
        rect,
    );
}

pub fn help(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let keymap = &app.config.keymap;
    let lines: Vec<Line> = keymap
        .bindings
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(
                    format!("{:>16}  ", keymap.keys_of(b.action)),
                    theme.header(),
                ),
                Span::raw(b.description),
            ])
        })
        .collect();
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = centered(area, 72, height);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" keys (any key closes) "),
        ),
        rect,
    );
}
