//! The detail pane: every field of the user; crm adds the sessions and the users sharing
//! an IP address (a list to follow with Enter), training its groups and extra fields.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::Theme;
use crate::api::model::UserDetail;
use crate::app::{App, DetailView, Focus};
use crate::text::{fit, sanitize};
use unicode_width::UnicodeWidthStr;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(view) = &app.detail else {
        return;
    };
    let focused = app.focus == Focus::Detail;
    let title = match &view.detail {
        Some(d) => format!(" {} ", fit(&sanitize(&d.user.name), 40)),
        None => format!(" {} ", fit(&sanitize(&view.id), 40)),
    };
    let back = if app.history.is_empty() {
        String::new()
    } else {
        format!(" Backspace: back ({}) ", app.history.len())
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .title_bottom(Line::from(back))
        .border_style(if focused {
            theme.focus_border()
        } else {
            theme.dim()
        });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(detail) = &view.detail else {
        frame.render_widget(Line::styled("loading…", theme.dim()), inner);
        return;
    };
    let width = usize::from(inner.width);
    let mut lines = fields(detail, width, theme);
    // The users sharing an address come before the sessions: they are what an
    // investigation follows, and the list of sessions can be long.
    let overlap_start = lines.len();
    if let Some(overlaps) = &detail.overlaps {
        lines.push(Line::default());
        lines.push(Line::styled(
            format!("users sharing an IP address: {}", overlaps.len()),
            theme.header(),
        ));
        for (i, o) in overlaps.iter().enumerate() {
            let text = format!(
                "{} {} <{}>  {}",
                sanitize(&o.user.name),
                o.user.status,
                sanitize(o.user.email.as_deref().unwrap_or("")),
                sanitize(&o.shared_ips.join(" ")),
            );
            let mut line = Line::from(fit(&text, width));
            if focused && i == view.overlap_cursor {
                line = line.style(theme.cursor());
            }
            lines.push(line);
        }
    }
    if let Some(sessions) = &detail.sessions {
        lines.push(Line::default());
        let mut head = format!("sessions: {} logins", sessions.total_logins);
        if let Some((_, at)) = &sessions.first {
            head.push_str(&format!(", first {}", &at[..at.len().min(10)]));
        }
        if let Some((_, at)) = &sessions.last {
            head.push_str(&format!(", last {}", &at[..at.len().min(10)]));
        }
        lines.push(Line::styled(head, theme.header()));
        lines.extend(session_table(&sessions.all, width, theme));
    }
    groups_and_extra(detail, &mut lines, width, theme);
    let scroll = scroll_for(view, focused, overlap_start, inner.height);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

/// The sessions as an aligned table: a header, then a row each, newest first.
fn session_table<'a>(
    sessions: &[crate::api::model::Session],
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    const HEADERS: [&str; 9] = [
        "",
        "DEVICE",
        "TYPE",
        "BROWSER",
        "OS",
        "IP",
        "PLACE",
        "CREATED",
        "LAST ACTIVE",
    ];
    const CAPS: [usize; 9] = [1, 18, 7, 16, 12, 25, 32, 10, 11];
    let day = |t: &str| t.get(..10).unwrap_or(t).to_string();
    let rows: Vec<[String; 9]> = sessions
        .iter()
        .map(|s| {
            let place = s.place();
            [
                if s.active { "●".into() } else { " ".into() },
                s.device_name.clone().unwrap_or_default(),
                s.device_type.clone().unwrap_or_default(),
                s.browser.clone().unwrap_or_default(),
                s.operating_system.clone().unwrap_or_default(),
                s.ip_address.clone().unwrap_or_default(),
                place,
                day(&s.created_at),
                s.last_active_at.as_deref().map(day).unwrap_or_default(),
            ]
            .map(|cell| sanitize(&cell).into_owned())
        })
        .collect();
    let mut widths: Vec<usize> = (0..9)
        .map(|i| {
            rows.iter()
                .map(|r| UnicodeWidthStr::width(r[i].as_str()))
                .chain([HEADERS[i].len()])
                .max()
                .unwrap_or(0)
                .min(CAPS[i])
        })
        .collect();
    // Short of room, the place gives way first, then the browser and the device.
    let mut over = (widths.iter().sum::<usize>() + 8).saturating_sub(width);
    for (column, least) in [(6, 10), (3, 7), (1, 9)] {
        let give = over.min(widths[column].saturating_sub(least));
        widths[column] -= give;
        over -= give;
    }
    let line = |cells: [String; 9]| {
        let text = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let cut = fit(c, *w);
                let fill = w.saturating_sub(UnicodeWidthStr::width(cut.as_str()));
                format!("{cut}{}", " ".repeat(fill))
            })
            .collect::<Vec<_>>()
            .join(" ");
        fit(text.trim_end(), width)
    };
    let mut lines = vec![Line::styled(line(HEADERS.map(String::from)), theme.dim())];
    lines.extend(rows.into_iter().map(|r| Line::from(line(r))));
    lines
}

/// The first line shown: the overlap cursor kept in view when the list is focused, else
/// where the operator scrolled to.
fn scroll_for(view: &DetailView, focused: bool, overlap_start: usize, height: u16) -> u16 {
    if !focused {
        return 0;
    }
    let has_overlaps = view
        .detail
        .as_ref()
        .and_then(|d| d.overlaps.as_ref())
        .is_some_and(|o| !o.is_empty());
    if !has_overlaps {
        return view.scroll;
    }
    let line = overlap_start + 2 + view.overlap_cursor;
    u16::try_from(line.saturating_sub(usize::from(height.saturating_sub(1)))).unwrap_or(0)
}

fn fields<'a>(detail: &'a UserDetail, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let label_width = detail
        .fields
        .iter()
        .map(|f| f.label.len())
        .max()
        .unwrap_or(0);
    detail
        .fields
        .iter()
        .map(|f| {
            let value = f
                .value
                .as_deref()
                .map(sanitize)
                .unwrap_or_else(|| "—".into());
            Line::from(vec![
                Span::styled(format!("{:label_width$}  ", f.label), theme.dim()),
                Span::raw(fit(&value, width.saturating_sub(label_width + 2))),
            ])
        })
        .collect()
}

fn groups_and_extra(detail: &UserDetail, lines: &mut Vec<Line<'_>>, width: usize, theme: &Theme) {
    for (title, names) in detail.group_summaries() {
        lines.push(Line::from(vec![
            Span::styled(format!("{title}: "), theme.dim()),
            Span::raw(fit(
                &sanitize(&names),
                width.saturating_sub(title.len() + 2),
            )),
        ]));
    }
    for (title, extra) in [
        ("extra fields", &detail.extra_fields),
        ("extra profile fields", &detail.extra_fields_profile),
    ] {
        if let Some(value) = extra {
            lines.push(Line::styled(
                title.to_string(),
                theme.header().remove_modifier(Modifier::BOLD),
            ));
            let text = serde_json::to_string_pretty(value).unwrap_or_default();
            for line in text.lines() {
                lines.push(Line::from(fit(&sanitize(line), width)));
            }
        }
    }
}
