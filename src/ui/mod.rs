//! Drawing: pure functions from `&App` to widgets, one file per region. Only the rows in
//! view are built, and every string from the server passes through `text::sanitize`.

mod ascii;
mod detail;
mod footer;
mod form;
mod journal;
mod listed;
mod paint;
mod pivot;
mod popup;
mod table;
mod theme;
mod timeline;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::{App, Dialog, Mode};
pub use theme::Theme;

/// The smallest terminal drawn in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;
/// From this width on, the detail pane stands beside the table instead of over it.
const SIDE_BY_SIDE: u16 = 120;

/// Where each region goes on a terminal of `area`.
pub struct Regions {
    pub table: Option<Rect>,
    pub detail: Option<Rect>,
    pub filter: Option<Rect>,
    pub footer: Rect,
}

pub fn regions(app: &App, area: Rect) -> Regions {
    regions_for(
        app,
        area,
        app.detail()
            .and_then(|pane| pane.detail())
            .map_or(0, detail::needed_width),
    )
}

/// [`regions`], the detail pane needing `pane_width` columns.
fn regions_for(app: &App, area: Rect, pane_width: u16) -> Regions {
    let filter_shown = matches!(app.mode(), Mode::Filter | Mode::Command)
        || app.table().wanted().text.is_some()
        || !app.filter().value().is_empty();
    let [main, filter, footer] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(u16::from(filter_shown)),
        Constraint::Length(footer::height(app)),
    ])
    .areas(area);
    let filter = filter_shown.then_some(filter);
    let (table, detail) = match (app.detail(), side_by_side(main.width)) {
        (None, _) => (Some(main), None),
        (Some(_), true) => {
            // The pane takes what it needs to show addresses and ids whole, leaving the
            // table at least its first columns.
            let share = u16::try_from(u32::from(main.width) * 45 / 100).unwrap_or(u16::MAX);
            let width = pane_width
                .max(share)
                .min(main.width.saturating_sub(TABLE_LEAST));
            let [table, detail] =
                Layout::horizontal([Constraint::Min(1), Constraint::Length(width)]).areas(main);
            (Some(table), Some(detail))
        }
        (Some(_), false) => (None, Some(main)),
    };
    Regions {
        table,
        detail,
        filter,
        footer,
    }
}

/// The narrowest the table gets beside the detail pane.
const TABLE_LEAST: u16 = 40;

/// What drawing keeps from one frame to the next: the detail pane's lines and the table's
/// cells, built again only when what they show changes. The dashboard keeps one for its
/// terminal; [`draw`] and [`resize`] start from nothing.
#[derive(Default)]
pub struct Screen {
    pane: detail::PaneCache,
    rows: table::RowCache,
}

impl Screen {
    /// What the app needs to know of a screen of `area`: the table's rows, where the
    /// detail pane stands, how far it scrolls.
    pub fn resize(&mut self, app: &App, area: Rect) -> crate::app::Event {
        let regions = self.regions(app, area);
        crate::app::Event::Resize {
            table_rows: rows_in(&regions),
            side_by_side: side_by_side(area.width),
            detail_overflow: detail::overflow(app, regions.detail, &mut self.pane),
        }
    }

    /// [`regions`], with the width the pane needs as kept.
    fn regions(&mut self, app: &App, area: Rect) -> Regions {
        let pane_width = app.detail().map_or(0, |pane| self.pane.width_needed(pane));
        regions_for(app, area, pane_width)
    }

    /// Draws the whole screen.
    pub fn draw(&mut self, frame: &mut Frame, app: &App) {
        draw_with(frame, app, self);
    }
}

/// [`Screen::resize`] with nothing kept.
pub fn resize(app: &App, area: Rect) -> crate::app::Event {
    Screen::default().resize(app, area)
}

/// Whether the detail pane stands beside the table on a terminal this wide.
pub fn side_by_side(width: u16) -> bool {
    width >= SIDE_BY_SIDE
}

/// How many rows of users the table shows in these regions.
fn rows_in(regions: &Regions) -> usize {
    regions
        .table
        .map_or(20, |t| usize::from(t.height.saturating_sub(1)).max(1))
}

/// The row of the page under a click at (`column`, `row`), if it hit one.
pub fn row_at(app: &App, area: Rect, column: u16, row: u16) -> Option<usize> {
    let table = regions(app, area).table?;
    let inside = column >= table.x
        && column < table.x + table.width
        && row > table.y
        && row < table.y + table.height;
    inside.then(|| app.table().scroll() + usize::from(row - table.y - 1))
}

/// Draws the whole screen, with nothing kept (see [`Screen`]).
pub fn draw(frame: &mut Frame, app: &App) {
    Screen::default().draw(frame, app);
}

fn draw_with(frame: &mut Frame, app: &App, screen: &mut Screen) {
    draw_regions(frame, app, screen);
    if app.config().ascii {
        ascii::flatten(frame.buffer_mut());
    }
}

fn draw_regions(frame: &mut Frame, app: &App, screen: &mut Screen) {
    let area = frame.area();
    let theme = Theme::new(app.config().colors).accented(app.config().look.color);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "too small: need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(Line::from(text)), area);
        return;
    }
    let regions = screen.regions(app, area);
    if let Some(rect) = regions.table {
        table::draw(frame, rect, app, &theme, &mut screen.rows);
    }
    if let Some(rect) = regions.detail {
        detail::draw(frame, rect, app, &theme, &mut screen.pane);
        if let Some(open) = app.pivot() {
            pivot::draw(frame, rect, app, open, &theme);
        }
    }
    if let Some(rect) = regions.filter {
        if app.mode() == Mode::Command {
            footer::draw_command(frame, rect, app, &theme);
        } else {
            footer::draw_filter(frame, rect, app, &theme);
        }
    }
    footer::draw(frame, regions.footer, app, &theme);
    if let Some(run) = app.bulk() {
        popup::progress(frame, area, run, &theme);
    }
    // Over the table, the footer left in view: its notices say what keys did; the
    // command line too, typed over a list.
    let bottom = match regions.filter {
        Some(line) if app.mode() == Mode::Command => line.y,
        _ => regions.footer.y,
    };
    let above = Rect {
        height: bottom.saturating_sub(area.y),
        ..area
    };
    if let Some(view) = app.journal() {
        journal::draw(frame, above, app, view, &theme);
    }
    if let Some(view) = app.timeline() {
        timeline::draw(frame, above, app, view, &theme);
    }
    if let Some(view) = app.output() {
        // What the command printed, made safe as server text is.
        let says = listed::Says {
            loading: "",
            failed: "",
            empty: "it printed nothing",
        };
        listed::draw(
            frame,
            above,
            view.title.clone(),
            &view.lines,
            &says,
            &theme,
            |line, width| {
                ratatui::text::Line::raw(crate::text::fit(&crate::text::sanitize(line), width))
            },
        );
    }
    // A ring opened from the table, no pane open: over the table.
    if let (Some(open), None) = (app.pivot(), regions.detail) {
        pivot::draw(frame, above, app, open, &theme);
    }
    if let Some(open) = app.form() {
        form::draw(frame, area, app, open, &theme);
    }
    match app.dialog() {
        Some(Dialog::Confirm(confirm)) => popup::confirm(frame, area, app, confirm, &theme),
        Some(Dialog::Quit) => popup::quit(frame, area, app, &theme),
        Some(Dialog::Undo(ask)) => popup::undo(frame, area, app, ask, &theme),
        Some(Dialog::RunAction(pending)) => popup::run_action(frame, area, app, pending, &theme),
        Some(Dialog::Prompt(prompting)) => popup::prompt(frame, area, app, prompting, &theme),
        Some(Dialog::Discard { then_quit }) => form::discard(frame, area, app, *then_quit, &theme),
        None => {}
    }
    if app.mode() == Mode::Help {
        popup::help(frame, area, app, &theme);
    }
}
