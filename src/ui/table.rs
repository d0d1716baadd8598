//! The user table: columns fitted to the dialect and the width, the sort column marked,
//! statuses coloured, selection marks. Only the rows in view are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Table};

use super::Theme;
use crate::api::model::{SortField, User};
use crate::app::{Action, App, Focus, Load, arrow};
use crate::dialect::Dialect;
use crate::text::{fit, head, sanitize};

/// A column: header, the field it sorts, its width range, and its text.
struct Column {
    header: &'static str,
    sort: Option<SortField>,
    min: u16,
    max: u16,
    /// Importance when room is short: 0 first.
    rank: u8,
    text: fn(&User) -> String,
}

fn date(value: &Option<String>) -> String {
    value
        .as_deref()
        .map(|v| head(v, 10).to_string())
        .unwrap_or_default()
}

fn columns(dialect: Dialect) -> Vec<Column> {
    let email = Column {
        header: "EMAIL",
        sort: Some(SortField::Email),
        min: 22,
        max: 34,
        rank: 1,
        text: |u| u.email.clone().unwrap_or_default(),
    };
    let status = Column {
        header: "STATUS",
        sort: Some(SortField::Status),
        // A status the contract lacks ("suspended") is not cut before the known ones.
        min: 9,
        max: 10,
        rank: 2,
        text: |u| u.status.to_string(),
    };
    match dialect {
        Dialect::Crm => vec![
            Column {
                header: "USERNAME",
                sort: Some(SortField::Name),
                rank: 0,
                min: 12,
                max: 16,
                text: |u| u.name.clone(),
            },
            email,
            status,
            Column {
                header: "VERIFIED",
                sort: None,
                rank: 5,
                min: 8,
                max: 8,
                text: |u| match u.verified {
                    Some(true) => "yes".into(),
                    Some(false) => "no".into(),
                    None => String::new(),
                },
            },
            Column {
                header: "PHONE",
                sort: None,
                rank: 6,
                min: 15,
                max: 17,
                text: |u| u.phone.clone().unwrap_or_default(),
            },
            Column {
                header: "CREATED",
                sort: Some(SortField::Created),
                rank: 3,
                min: 10,
                max: 10,
                text: |u| date(&u.created_at),
            },
            Column {
                header: "UPDATED",
                sort: Some(SortField::Updated),
                rank: 7,
                min: 10,
                max: 10,
                text: |u| date(&u.updated_at),
            },
            Column {
                header: "ID",
                sort: Some(SortField::Id),
                rank: 4,
                min: 12,
                max: 14,
                text: |u| u.id.clone(),
            },
        ],
        Dialect::Training => vec![
            Column {
                header: "NAME",
                sort: Some(SortField::Name),
                rank: 0,
                min: 14,
                max: 28,
                text: |u| u.name.clone(),
            },
            email,
            status,
            Column {
                header: "ROLES",
                sort: None,
                rank: 3,
                min: 10,
                max: 22,
                text: |u| u.roles.join(",").to_lowercase(),
            },
            Column {
                header: "LANG",
                sort: Some(SortField::Language),
                rank: 5,
                min: 4,
                max: 4,
                text: |u| u.language.clone().unwrap_or_default(),
            },
            Column {
                header: "LAST LOGIN",
                sort: Some(SortField::LastLogin),
                rank: 4,
                min: 10,
                max: 10,
                text: |u| date(&u.last_login),
            },
            Column {
                header: "ID",
                sort: Some(SortField::Id),
                rank: 6,
                min: 12,
                max: 36,
                text: |u| u.id.clone(),
            },
        ],
    }
}

/// Which columns fit in `width` and how wide each is (None: left out). Columns are taken
/// in order of importance at their minimum width; the room left widens them, most
/// important first, up to their maximum.
fn layout(columns: &[Column], width: u16) -> Vec<Option<u16>> {
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| columns[i].rank);
    let mut widths = vec![None; columns.len()];
    let mut used = 2; // the selection mark and its gap
    for &i in &order {
        let need = columns[i].min + 1;
        if used + need <= width {
            used += need;
            widths[i] = Some(columns[i].min);
        }
    }
    let mut spare = width.saturating_sub(used);
    for &i in &order {
        if let Some(w) = widths[i].as_mut() {
            let grow = (columns[i].max - *w).min(spare);
            *w += grow;
            spare -= grow;
        }
    }
    widths
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let view = app.table();
    let all = columns(app.config().capabilities.dialect);
    let (shown, widths): (Vec<&Column>, Vec<u16>) = all
        .iter()
        .zip(layout(&all, area.width))
        .filter_map(|(c, w)| w.map(|w| (c, w)))
        .unzip();
    // The header marks the sort of the rows shown.
    let query = view.shown().map_or(view.wanted(), |s| &s.query);
    let arrow = arrow(query.descending);
    let header = Row::new(
        std::iter::once(Cell::from(" ")).chain(shown.iter().map(|c| {
            let text = if c.sort == Some(query.sort) {
                format!("{} {arrow}", c.header)
            } else {
                c.header.to_string()
            };
            Cell::from(text)
        })),
    )
    .style(theme.header());
    let height = usize::from(area.height.saturating_sub(1));
    let all_rows = view.rows();
    let end = (view.scroll() + height).min(all_rows.len());
    let start = view.scroll().min(end);
    let rows = all_rows[start..end].iter().enumerate().map(|(i, user)| {
        let index = start + i;
        let selected = app.selected().contains_key(&user.id);
        let mark = if selected {
            Span::styled("●", theme.selected())
        } else {
            Span::raw(" ")
        };
        let cells = std::iter::once(Cell::from(Line::from(mark))).chain(
            shown.iter().zip(&widths).map(|(c, w)| {
                let text = fit(&sanitize(&(c.text)(user)), usize::from(*w));
                let style = if c.header == "STATUS" {
                    theme.status(&user.status)
                } else {
                    Style::default()
                };
                Cell::from(Span::styled(text, style))
            }),
        );
        let mut row = Row::new(cells);
        if index == view.cursor() {
            row = row.style(if app.focus() == Focus::Table {
                theme.cursor()
            } else {
                theme.dim().add_modifier(ratatui::style::Modifier::REVERSED)
            });
        }
        row
    });
    let constraints: Vec<Constraint> = std::iter::once(Constraint::Length(1))
        .chain(widths.iter().map(|w| Constraint::Length(*w)))
        .collect();
    let table = Table::new(rows, constraints)
        .header(header)
        .column_spacing(1);
    frame.render_widget(table, area);
    if all_rows.is_empty() {
        let (text, style) = match (view.shown(), view.load()) {
            (None, Load::Failed(error)) => (
                format!(
                    "cannot load the users: {error} — {} tries again",
                    app.config().keymap.key(Action::Reload)
                ),
                theme.error(),
            ),
            (None, _) => ("loading…".to_string(), theme.dim()),
            (Some(_), _) => ("no users match".to_string(), theme.dim()),
        };
        let rect = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        };
        frame.render_widget(
            ratatui::widgets::Paragraph::new(Line::styled(format!("  {text}"), style))
                .wrap(ratatui::widgets::Wrap { trim: false }),
            rect,
        );
    }
}
