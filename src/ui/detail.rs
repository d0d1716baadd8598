//! The detail pane: every field of the user; crm adds the sessions and the users sharing
//! an IP address (a list to follow with Enter), training its groups and extra fields.
//! Its request's state shows here too: loading, or the error it failed with. What an
//! investigation reads — IP addresses, the user id, the e-mail — is never cut.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Theme, paint};
use crate::api::model::{Session, UserDetail};
use crate::app::{Action, App, DetailLoad, DetailPane, Focus, PaneList};
use crate::columns::{OVERLAP_COLUMNS, SESSION_COLUMNS, SessionColumn};
use crate::text::{fit, head, sanitize};
use unicode_width::UnicodeWidthStr;

/// The pane's lines as last built, and what they were built from: built again only when
/// the user shown (compared by value, never by address), a cursor, the focus, the width or
/// the colours change.
#[derive(Default)]
pub struct PaneCache {
    /// The user all the rest was built for, and the width its pane needs.
    user: Option<(UserDetail, u16)>,
    built: Option<Built>,
}

struct Built {
    view: View,
    lines: Vec<Line<'static>>,
    starts: Starts,
    /// The rows the lines take, wrapped.
    rows: usize,
}

/// What of the pane besides its user the lines depend on.
#[derive(Debug, Clone, Copy, PartialEq)]
struct View {
    focused: bool,
    list: Option<PaneList>,
    overlap_cursor: usize,
    session_cursor: usize,
    width: u16,
    colors: crate::terminal::Colors,
}

impl PaneCache {
    /// Forgets what was built for another user; the width `detail`'s pane needs.
    fn keep_for(&mut self, detail: &UserDetail) -> u16 {
        match &self.user {
            Some((kept, width)) if kept == detail => *width,
            _ => {
                let width = needed_width(detail);
                self.user = Some((detail.clone(), width));
                self.built = None;
                width
            }
        }
    }

    fn built(&mut self, detail: &UserDetail, pane: &DetailPane, view: View) -> &Built {
        self.keep_for(detail);
        if self.built.as_ref().is_none_or(|b| b.view != view) {
            let theme = Theme::new(view.colors);
            let (lines, starts) = content(detail, pane, view.focused, view.width, &theme);
            let rows = paint::rows(&lines, view.width);
            self.built = Some(Built {
                view,
                lines,
                starts,
                rows,
            });
        }
        self.built.as_ref().expect("built above")
    }

    /// [`needed_width`] of the pane's user, measured again only for another user.
    pub fn width_needed(&mut self, pane: &DetailPane) -> u16 {
        pane.detail().map_or(0, |detail| self.keep_for(detail))
    }
}

fn view(app: &App, pane: &DetailPane, width: u16) -> View {
    View {
        focused: app.focus() == Focus::Detail,
        list: pane.list(),
        overlap_cursor: pane.overlap_cursor(),
        session_cursor: pane.session_cursor(),
        width,
        colors: app.config().colors,
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme, cache: &mut PaneCache) {
    let Some(pane) = app.detail() else {
        return;
    };
    let focused = app.focus() == Focus::Detail;
    let title = match pane.detail() {
        Some(d) => format!(" {} ", fit(&sanitize(&d.user.name), 40)),
        None => format!(" {} ", sanitize(pane.id())),
    };
    let back = if pane.depth() == 0 {
        String::new()
    } else {
        format!(
            " {}: back ({}) ",
            app.config().keymap.key(Action::Back),
            pane.depth()
        )
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
    let detail = match pane.load() {
        DetailLoad::Loaded(detail) => detail,
        DetailLoad::Loading(_) => {
            frame.render_widget(Line::styled("loading...", theme.dim()), inner);
            return;
        }
        DetailLoad::Failed(error) => {
            let lines = vec![
                Line::styled(format!("cannot load this user: {error}"), theme.error()),
                Line::styled(
                    format!("{} tries again", app.config().keymap.key(Action::Reload)),
                    theme.dim(),
                ),
            ];
            let wrapped = Paragraph::new(lines).wrap(Wrap { trim: false });
            paint::paragraph(frame.buffer_mut(), wrapped, inner, inner);
            return;
        }
    };
    let built = cache.built(detail, pane, view(app, pane, inner.width));
    let scroll = scroll_for(pane, focused, &built.lines, built.starts, inner);
    paint::wrapped(frame.buffer_mut(), inner, &built.lines, usize::from(scroll));
    if built.rows > usize::from(scroll) + usize::from(inner.height) {
        // More below: say how to reach it.
        let keymap = &app.config().keymap;
        let page = keymap.key(Action::NextPage);
        let more = Line::from(if focused {
            format!(" {page}: more ")
        } else {
            format!(" {}, then {page}: more ", keymap.key(Action::ToggleFocus))
        })
        .right_aligned();
        frame.render_widget(
            more,
            // Short of the right corner, which stays.
            Rect {
                y: area.y + area.height.saturating_sub(1),
                height: 1,
                width: area.width.saturating_sub(1),
                ..area
            },
        );
    }
}

/// Where the pane's lists start among its lines.
#[derive(Debug, Clone, Copy, Default)]
struct Starts {
    overlaps: usize,
    sessions: usize,
}

/// The pane's lines for a user, `width` columns wide, and where its lists start.
fn content(
    detail: &UserDetail,
    pane: &DetailPane,
    focused: bool,
    width: u16,
    theme: &Theme,
) -> (Vec<Line<'static>>, Starts) {
    let width = usize::from(width);
    // What to look at first, before the fields: each signal a line, wrapped, never cut.
    let mut lines: Vec<Line<'static>> = detail
        .signals
        .iter()
        .map(|signal| {
            Line::from(vec![
                Span::styled(
                    format!("{:6} ", signal.severity.name().to_uppercase()),
                    theme.severity(signal.severity),
                ),
                Span::styled(format!("{}: ", signal.kind.name()), theme.header()),
                Span::raw(sanitize(&signal.why).into_owned()),
            ])
        })
        .collect();
    if !lines.is_empty() {
        lines.push(Line::default());
    }
    lines.extend(fields(detail, theme));
    // The users sharing an address come before the sessions: they are what an
    // investigation follows, and the list of sessions can be long.
    let overlap_start = lines.len();
    if let Some(overlaps) = &detail.overlaps {
        lines.push(Line::default());
        lines.push(Line::styled(
            format!("users sharing an IP address: {}", overlaps.len()),
            theme.header(),
        ));
        // Two lines each: who, then the rest (e-mail, shared addresses, id), never cut.
        for (i, o) in overlaps.iter().enumerate() {
            let part = |who: bool| {
                OVERLAP_COLUMNS
                    .iter()
                    .filter(|c| c.names_who() == who)
                    .map(|c| sanitize(&c.text(o)).into_owned())
                    .collect::<Vec<_>>()
            };
            let who = part(true).join(" · ");
            let whom = format!("  {}", part(false).join("  "));
            let mut pair = [Line::from(fit(&who, width)), Line::from(whom)];
            if focused && pane.list() == Some(PaneList::Overlaps) && i == pane.overlap_cursor() {
                pair = pair.map(|line| paint::across(line, width).style(theme.cursor()));
            }
            lines.extend(pair);
        }
    }
    let session_start = lines.len();
    if let Some(sessions) = &detail.sessions {
        lines.push(Line::default());
        let summary = sanitize(&sessions.summary(|at| head(at, 10))).into_owned();
        lines.push(Line::styled(summary, theme.header()));
        let cursor =
            (focused && pane.list() == Some(PaneList::Sessions)).then(|| pane.session_cursor());
        // No rows, no header over them: the summary's "0 logins" says it.
        if !sessions.all.is_empty() {
            lines.extend(session_table(&sessions.all, width, cursor, theme));
        }
    }
    groups_and_extra(detail, &mut lines, width, theme);
    let starts = Starts {
        overlaps: overlap_start,
        sessions: session_start,
    };
    (lines, starts)
}

/// How many lines of the pane's content fall below it, standing in `region`: the
/// farthest the pane scrolls.
pub fn overflow(app: &App, region: Option<Rect>, cache: &mut PaneCache) -> u16 {
    let (Some(pane), Some(rect)) = (app.detail(), region) else {
        return 0;
    };
    let Some(detail) = pane.detail() else {
        return 0;
    };
    let inner = Block::default().borders(Borders::ALL).inner(rect);
    let rows = cache.built(detail, pane, view(app, pane, inner.width)).rows;
    u16::try_from(rows.saturating_sub(usize::from(inner.height))).unwrap_or(u16::MAX)
}

/// The width the pane needs so that no IP address, user id or e-mail is cut: beside a
/// narrow table it takes that much.
pub fn needed_width(detail: &UserDetail) -> u16 {
    let label = label_width(detail);
    let fields = detail
        .fields
        .iter()
        .filter_map(|f| f.value.as_deref())
        .map(|v| label + 2 + sanitize(v).width());
    let sessions = detail
        .sessions
        .iter()
        .flat_map(|s| &s.all)
        .map(|s| sanitize(s.ip_address.as_deref().unwrap_or("")).width() + MIN_SESSION);
    // An overlap's second line: every column but who, two spaces apart.
    let overlaps = detail.overlaps.iter().flatten().map(|o| {
        OVERLAP_COLUMNS
            .iter()
            .filter(|c| !c.names_who())
            .map(|c| sanitize(&c.text(o)).width() + 2)
            .sum::<usize>()
    });
    let widest = fields.chain(sessions).chain(overlaps).max().unwrap_or(0);
    // The border, and a user's fields are seldom worth more than this.
    u16::try_from(widest + 2).unwrap_or(u16::MAX).min(100)
}

/// Room a session row needs besides its address: the marker, the dates and the gaps.
const MIN_SESSION: usize = 1 + 1 + 1 + 10;

/// The sessions as an aligned table `width` wide: a header, then a row each, newest
/// first, the one at `cursor` marked. Short of room, the other columns give way —
/// narrower, then gone — but the address is never cut.
fn session_table<'a>(
    sessions: &[Session],
    width: usize,
    cursor: Option<usize>,
    theme: &Theme,
) -> Vec<Line<'a>> {
    // The pane marks an active session with "●" under no header of its own.
    let headers: [&str; 9] = SESSION_COLUMNS.map(|c| match c {
        SessionColumn::Active => "",
        other => other.header(),
    });
    const CAPS: [usize; 9] = [1, 45, 10, 11, 18, 7, 16, 12, 32];
    /// (column, narrowest it gets before it goes), in the order they give way.
    const GIVE_WAY: [(usize, usize); 7] =
        [(8, 10), (6, 7), (4, 9), (7, 5), (5, 4), (3, 10), (2, 10)];
    let rows: Vec<[String; 9]> = sessions
        .iter()
        .map(|s| {
            SESSION_COLUMNS.map(|c| match c {
                SessionColumn::Active if s.active => "●".to_string(),
                SessionColumn::Active => " ".to_string(),
                c if c.is_time() => sanitize(head(&c.text(s), 10)).into_owned(),
                c => sanitize(&c.text(s)).into_owned(),
            })
        })
        .collect();
    let mut widths: Vec<usize> = (0..9)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].width())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
                .min(if i == 1 { usize::MAX } else { CAPS[i] })
        })
        .collect();
    let used = |widths: &[usize]| {
        let shown = widths.iter().filter(|w| **w > 0).count();
        widths.iter().sum::<usize>() + shown.saturating_sub(1)
    };
    for (column, least) in GIVE_WAY {
        let over = used(&widths).saturating_sub(width);
        if over == 0 {
            break;
        }
        let give = over.min(widths[column].saturating_sub(least));
        widths[column] -= give;
        if used(&widths) > width {
            widths[column] = 0;
        }
    }
    let line = |cells: [String; 9]| {
        let text = cells
            .iter()
            .zip(&widths)
            .filter(|(_, w)| **w > 0)
            .map(|(c, w)| {
                let cut = fit(c, *w);
                let fill = w.saturating_sub(cut.width());
                format!("{cut}{}", " ".repeat(fill))
            })
            .collect::<Vec<_>>()
            .join(" ");
        text.trim_end().to_string()
    };
    let mut lines = vec![Line::styled(line(headers.map(String::from)), theme.dim())];
    lines.extend(rows.into_iter().enumerate().map(|(i, r)| {
        let row = Line::from(line(r));
        if cursor == Some(i) {
            paint::across(row, width).style(theme.cursor())
        } else {
            row
        }
    }));
    lines
}

/// The first line shown: the cursor of the focused list kept in view, else where the
/// operator scrolled to.
fn scroll_for(
    pane: &DetailPane,
    focused: bool,
    lines: &[Line<'_>],
    starts: Starts,
    area: Rect,
) -> u16 {
    if !focused {
        return 0;
    }
    if pane.scroll() > 0 {
        return pane.scroll();
    }
    let line = match pane.list() {
        None => return pane.scroll(),
        // The second line of the entry under the cursor stays in view.
        Some(PaneList::Overlaps) => starts.overlaps + 2 + 2 * pane.overlap_cursor() + 1,
        // Under the blank line, the summary and the header.
        Some(PaneList::Sessions) => starts.sessions + 3 + pane.session_cursor(),
    };
    // In rows, not lines: a long value above wraps onto rows of its own.
    let through = paint::rows(lines.iter().take(line + 1), area.width);
    u16::try_from(through.saturating_sub(usize::from(area.height))).unwrap_or(0)
}

fn label_width(detail: &UserDetail) -> usize {
    detail
        .fields
        .iter()
        .map(|f| f.label.len())
        .max()
        .unwrap_or(0)
}

/// Every field, labelled; a long value wraps rather than being cut.
fn fields(detail: &UserDetail, theme: &Theme) -> Vec<Line<'static>> {
    let label_width = label_width(detail);
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
                Span::raw(value.into_owned()),
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
