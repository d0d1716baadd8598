//! The footer: where the page is, what is selected and filtered, which profile and
//! dialect, read-only, the spinner and latency, and the last message.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::Theme;
use crate::app::{App, Mode};
use crate::text::{fit, sanitize};

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// 12345 → "12,345".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let page = &app.page;
    let first = if page.rows.is_empty() {
        0
    } else {
        page.offset + 1
    };
    let last = page.offset + page.rows.len() as u64;
    let limit = app.query.limit.max(1);
    let pages = page.total.div_ceil(limit).max(1);
    let mut spans = vec![Span::raw(format!(
        "rows {}–{} of {} · page {}/{}",
        thousands(first),
        thousands(last),
        thousands(page.total),
        page.offset / limit + 1,
        pages
    ))];
    if !app.selected.is_empty() {
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(
            format!("{} selected", app.selected.len()),
            theme.selected(),
        ));
    }
    spans.push(Span::raw(format!(" · status {}", app.status_label())));
    if let Some(text) = &app.query.text {
        spans.push(Span::raw(format!(
            " · filter \"{}\"",
            fit(&sanitize(text), 20)
        )));
    }
    spans.push(Span::raw(format!(
        " · {} ({})",
        fit(&sanitize(&app.config.profile), 16),
        app.config.capabilities.dialect
    )));
    if app.config.read_only {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" RO ", theme.badge()));
    }
    if app.loading() {
        spans.push(Span::raw(format!(
            " {}",
            SPINNER[app.spinner % SPINNER.len()]
        )));
    }
    if let Some(latency) = app.latency {
        spans.push(Span::styled(
            format!(" {} ms", latency.as_millis()),
            theme.dim(),
        ));
    }
    let status = Line::from(spans);
    let message = match &app.message {
        Some(m) => Line::styled(
            fit(&m.text, usize::from(area.width)),
            if m.error { theme.error() } else { theme.info() },
        ),
        None => Line::styled(
            "? help  / filter  f status  s sort  Enter open  Space select  r reload  q quit",
            theme.dim(),
        ),
    };
    let [top, bottom] = ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Length(1),
        ratatui::layout::Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(status, top);
    frame.render_widget(message, bottom);
}

pub fn draw_filter(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let typing = app.mode == Mode::Filter;
    let width = usize::from(area.width.saturating_sub(3));
    let scroll = app.filter.visual_scroll(width);
    let value = sanitize(app.filter.value()).into_owned();
    let shown: String = value.chars().skip(scroll).collect();
    let line = Line::from(vec![
        Span::styled("/ ", if typing { theme.header() } else { theme.dim() }),
        Span::raw(fit(&shown, width)),
    ]);
    frame.render_widget(line, area);
    if typing {
        let x = area.x + 2 + (app.filter.visual_cursor().saturating_sub(scroll)) as u16;
        frame.set_cursor_position((x.min(area.x + area.width.saturating_sub(1)), area.y));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(999), "999");
        assert_eq!(super::thousands(12_345), "12,345");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
    }
}
