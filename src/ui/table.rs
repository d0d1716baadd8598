//! The user table: the dialect's columns (`crate::columns`) fitted to the width, the
//! sort column marked, statuses coloured, selection marks. Only the rows in view are
//! built.

use std::collections::HashMap;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Theme, paint};
use crate::api::model::{SortField, User};
use crate::app::{Action, App, Focus, Load, arrow};
use crate::columns::{Column, ColumnId, Fit, screen_columns};
use crate::signals::Severity;
use crate::text::{fit, sanitize};
use unicode_width::UnicodeWidthStr;

/// Which columns fit in `width` and how wide each is (None: left out). Columns are taken
/// in order of importance at their minimum width — the column the rows are sorted by
/// first, wide enough for its header and arrow, so that the sort is always in view — and
/// the room left widens them, most important first, up to their maximum. The ID column's
/// maximum is at least the widest id in view: an id is what an action sends, and is cut
/// only when there is no room for it.
fn layout(columns: &[Column], width: u16, sorted: SortField, widest_id: u16) -> Vec<Option<u16>> {
    let fits: Vec<Fit> = columns
        .iter()
        .map(|c| {
            let mut fit = c.fit.unwrap_or(Fit {
                min: 0,
                max: 0,
                rank: u8::MAX,
            });
            if c.id == ColumnId::Id {
                fit.max = fit.max.max(widest_id);
            }
            if c.sort == Some(sorted) {
                let marked = u16::try_from(c.header.width() + 2).unwrap_or(u16::MAX);
                fit.min = fit.min.max(marked);
                fit.max = fit.max.max(marked);
            }
            fit
        })
        .collect();
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| fits[i].rank);
    let mut widths = vec![None; columns.len()];
    let mut used = 2; // the selection mark and its gap
    let mut taking = order.clone();
    taking.sort_by_key(|&i| columns[i].sort != Some(sorted));
    for &i in &taking {
        let need = fits[i].min + 1;
        if used + need <= width {
            used += need;
            widths[i] = Some(fits[i].min);
        }
    }
    let mut spare = width.saturating_sub(used);
    for &i in &order {
        if let Some(w) = widths[i].as_mut() {
            let grow = (fits[i].max - *w).min(spare);
            *w += grow;
            spare -= grow;
        }
    }
    widths
}

/// The cells of the rows drawn lately, kept while the columns and their widths stay the
/// same: the cursor moving rebuilds nothing, scrolling only the rows it brings into view.
/// Users are compared by value, so a row whose user changed is built again.
#[derive(Default)]
pub struct RowCache {
    columns: Vec<(ColumnId, u16)>,
    colors: crate::terminal::Colors,
    /// By user id: the user (and its signal) the cells were built from, and the cells.
    rows: HashMap<String, (User, Seen, Cells)>,
}

impl RowCache {
    /// Makes the cache hold what `columns` at `widths` show, forgetting it otherwise.
    fn keep_for(&mut self, shown: &[&Column], widths: &[u16], colors: crate::terminal::Colors) {
        let columns = shown.iter().map(|c| c.id).zip(widths.iter().copied());
        if self.colors != colors || !self.columns.iter().copied().eq(columns.clone()) {
            self.columns = columns.collect();
            self.colors = colors;
            self.rows.clear();
        }
    }

    /// The cells of `user` (whose signal is `seen`), built unless kept from the last
    /// frames.
    fn cells(
        &mut self,
        user: &User,
        seen: Seen,
        shown: &[&Column],
        theme: &Theme,
    ) -> &[(String, Style)] {
        let fresh = self
            .rows
            .get(&user.id)
            .is_none_or(|(kept, was, _)| kept != user || *was != seen);
        if fresh {
            let cells = shown
                .iter()
                .zip(&self.columns)
                .map(|(c, (_, w))| {
                    let (text, style) = match c.id {
                        ColumnId::Status => (c.screen_text(user), theme.status(&user.status)),
                        ColumnId::Signals => signal_cell(seen, theme),
                        _ => (c.screen_text(user), Style::default()),
                    };
                    (fit(&sanitize(&text), usize::from(*w)), style)
                })
                .collect();
            // A few screens of users are kept; past that, the cache starts again.
            if self.rows.len() >= KEPT_ROWS {
                self.rows.clear();
            }
            self.rows
                .insert(user.id.clone(), (user.clone(), seen, cells));
        }
        &self.rows[&user.id].2
    }
}

/// An account's most severe signal, if it was opened (inside: None for none raised).
type Seen = Option<Option<Severity>>;

/// A row's cells: each text with its style.
type Cells = Vec<(String, Style)>;

/// The signals cell: the most severe signal's word, "none", or blank for an account
/// not opened.
fn signal_cell(seen: Seen, theme: &Theme) -> (String, Style) {
    match seen {
        None => (String::new(), Style::default()),
        Some(None) => ("none".into(), theme.dim()),
        Some(Some(severity)) => {
            let word = match severity {
                Severity::High => "high",
                Severity::Medium => "med",
                Severity::Low => "low",
            };
            (word.into(), theme.severity(severity))
        }
    }
}

/// Rows whose cells are kept: two screens of the tallest terminal likely.
const KEPT_ROWS: usize = 256;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, cache: &mut RowCache) {
    let view = app.table();
    let dialect = app.config().capabilities.dialect;
    let mut all = screen_columns(dialect);
    // training's answers hold no sessions or shared addresses: nothing to signal.
    let crm = dialect == crate::dialect::Dialect::Crm;
    if crm {
        all.push(crate::columns::SIGNALS);
    }
    let chosen = app.columns();
    let all: Vec<Column> = if chosen.is_empty() {
        // The signals once an account was opened.
        all.into_iter()
            .filter(|c| c.id != ColumnId::Signals || app.signals_seen())
            .collect()
    } else {
        // As `:columns` or a view chose them, those this dialect has.
        chosen
            .iter()
            .filter_map(|id| all.iter().find(|c| c.id == *id).copied())
            .collect()
    };
    // The header marks the sort of the rows shown.
    let query = view.shown().map_or(view.wanted(), |s| &s.query);
    let height = usize::from(area.height.saturating_sub(1));
    let all_rows = view.rows();
    let end = (view.scroll() + height).min(all_rows.len());
    let start = view.scroll().min(end);
    let widest_id = all_rows[start..end]
        .iter()
        .map(|u| sanitize(&u.id).width())
        .max()
        .unwrap_or(0);
    let (shown, widths): (Vec<&Column>, Vec<u16>) = all
        .iter()
        .zip(layout(
            &all,
            area.width,
            query.sort,
            u16::try_from(widest_id).unwrap_or(u16::MAX),
        ))
        .filter_map(|(c, w)| w.map(|w| (c, w)))
        .unzip();
    cache.keep_for(&shown, &widths, app.config().colors);
    let arrow = arrow(query.descending);
    // The rows are written straight into the buffer, as ratatui's `Table` lays them out:
    // the selection mark, then each column, a space apart; a row's style under its cells.
    let buf = frame.buffer_mut();
    // The selection mark, then a watch's mark of the row in the gap after it.
    let row = |buf: &mut Buffer,
               y: u16,
               style: Style,
               marks: [Span<'_>; 2],
               cells: &[(String, Style)]| {
        if style != Style::default() {
            paint::blank(buf, area.x, y, area.width, style);
        }
        for (x, mark) in (area.x..).zip(&marks) {
            paint::text(buf, x, y, &mark.content, 1, style.patch(mark.style));
        }
        let mut x = area.x + 2;
        for ((text, cell_style), width) in cells.iter().zip(&widths) {
            let room = area.right().saturating_sub(x);
            paint::text(
                buf,
                x,
                y,
                text,
                (*width).min(room),
                style.patch(*cell_style),
            );
            x = x.saturating_add(width + 1);
        }
    };
    let header: Vec<(String, Style)> = shown
        .iter()
        .map(|c| {
            let text = if c.sort == Some(query.sort) {
                format!("{} {arrow}", c.header)
            } else {
                c.header.to_string()
            };
            (text, Style::default())
        })
        .collect();
    row(
        buf,
        area.y,
        theme.header(),
        [Span::raw(" "), Span::raw(" ")],
        &header,
    );
    for (i, user) in all_rows[start..end].iter().enumerate() {
        let index = start + i;
        let mark = if app.selected().contains_key(&user.id) {
            Span::styled("●", theme.selected())
        } else {
            Span::raw(" ")
        };
        let style = if index != view.cursor() {
            Style::default()
        } else if app.focus() == Focus::Table {
            theme.cursor()
        } else {
            theme.dim().add_modifier(ratatui::style::Modifier::REVERSED)
        };
        let watched = app.watch().and_then(|w| w.mark(&user.id));
        let watch_mark = watched.map_or(Span::raw(" "), |m| {
            Span::styled(m.glyph(), theme.watch_mark(m))
        });
        let y = area.y + 1 + u16::try_from(i).unwrap_or(u16::MAX);
        let seen = app.signal_seen(&user.id);
        row(
            buf,
            y,
            style,
            [mark, watch_mark],
            cache.cells(user, seen, &shown, theme),
        );
    }
    if all_rows.is_empty() {
        let (text, style) = match (view.shown(), view.load()) {
            (None, Load::Failed(error)) => (
                format!(
                    "cannot load the users: {error} — {} tries again",
                    app.config().keymap.key(Action::Reload)
                ),
                theme.error(),
            ),
            (None, _) => match view.arrived() {
                // A whole list on its way: how much of it came (shown when it is whole).
                Some(count) => (
                    format!("loading... {} users so far", crate::text::thousands(count)),
                    theme.dim(),
                ),
                None => ("loading...".to_string(), theme.dim()),
            },
            (Some(_), _) => ("no users match".to_string(), theme.dim()),
        };
        let rect = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        };
        let said = ratatui::widgets::Paragraph::new(Line::styled(format!("  {text}"), style))
            .wrap(ratatui::widgets::Wrap { trim: false });
        super::paint::paragraph(frame.buffer_mut(), said, rect, rect);
    }
}
