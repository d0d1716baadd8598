//! Dialogs over the screen: bulk confirmation, progress, help.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Wrap};

use super::Theme;
use crate::app::keymap::Binding;
use crate::app::{
    Action, App, Asking, BulkRun, COMMANDS, Confirm, GRACE, Mode, Pending, Prompting, UndoAsk,
};
use crate::text::{self, fit, sanitize};

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [rect] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    rect
}

/// A dialog's frame for `lines`: as wide as its longest line needs (at least `least`,
/// at most the screen less a margin), as high as its lines wrap to there.
pub(super) fn fitted(area: Rect, lines: &[Line], least: u16) -> Rect {
    let longest = lines.iter().map(Line::width).max().unwrap_or(0);
    let most = area.width.saturating_sub(4).max(least.min(area.width));
    let width = u16::try_from(longest + 2)
        .unwrap_or(u16::MAX)
        .clamp(least.min(most), most);
    let rows = super::paint::rows(lines, width.saturating_sub(2).max(1));
    centered(area, width, u16::try_from(rows + 2).unwrap_or(u16::MAX))
}

/// The keys that answer a dialog — yes, and no — as its hint names them: only those that
/// are no text while its field takes the keys (`typing`: y is a letter of a reason).
fn answer_keys(keymap: &crate::app::Keymap, typing: bool) -> (String, String) {
    if typing {
        (
            keymap.key_in_text(Action::Confirm),
            keymap.key_in_text(Action::Deny),
        )
    } else {
        (
            keymap.keys_of(Action::Confirm),
            keymap.keys_of(Action::Deny),
        )
    }
}

pub fn confirm(frame: &mut Frame, area: Rect, app: &App, dialog: &Confirm, theme: &Theme) {
    let keymap = &app.config().keymap;
    let count = dialog.count();
    // Each user named with its id: a name can be anything, the id is what is sent.
    let names: Vec<String> = dialog
        .named()
        .iter()
        .map(|(id, name)| {
            if name == id {
                sanitize(id).into_owned()
            } else {
                format!("{} ({})", sanitize(name), sanitize(id))
            }
        })
        .collect();
    let more = count.saturating_sub(names.len());
    let mut lines = vec![Line::from(dialog.preview())];
    if count > 0 {
        lines.push(Line::from(format!(
            "sent: {}{}",
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        )));
    }
    if dialog.of_pane() {
        lines.push(Line::styled(
            "the user the pane shows, not the table's row",
            theme.error(),
        ));
    }
    if dialog.hidden() > 0 {
        lines.push(Line::styled(
            format!(
                "{} of them {} not on this page (the filter or paging hides {})",
                dialog.hidden(),
                if dialog.hidden() == 1 { "is" } else { "are" },
                if dialog.hidden() == 1 { "it" } else { "them" }
            ),
            theme.error(),
        ));
    }
    if let Some(stale) = dialog.stale() {
        lines.push(Line::styled(
            format!("{stale}: their status may have changed since"),
            theme.error(),
        ));
    }
    if dialog.unchanged() > 0 {
        let toggle = keymap.key(Action::KeepUnchanged);
        lines.push(Line::from(if dialog.keeps_unchanged() {
            format!("the unchanged are sent too ({toggle}: leave them out)")
        } else {
            format!("the unchanged are left out ({toggle}: send them too)")
        }));
    }
    lines.push(Line::default());
    lines.extend(reason_line(dialog.asking(), theme));
    let (yes, no) = answer_keys(keymap, dialog.asking().types());
    match dialog.asking().typed() {
        Some(typed) => lines.push(Line::from(vec![
            Span::raw(format!("type {count} to confirm, {no} to cancel: ")),
            Span::styled(typed.to_string(), theme.selected()),
        ])),
        None if count == 0 => lines.push(Line::from(format!("nothing to send · {no} close"))),
        None => lines.push(Line::from(format!("{yes} send {count} · {no} cancel"))),
    }
    let rect = fitted(area, &lines, 60);
    question(frame, rect, lines, " confirm ", theme);
}

/// The reason a profile asks before a change, as typed so far: highlighted while the keys
/// go to it (Enter moves on once it is written).
fn reason_line(asking: &Asking, theme: &Theme) -> Option<Line<'static>> {
    let reason = asking.reason()?;
    let style = if asking.on_reason() {
        theme.selected()
    } else {
        theme.dim()
    };
    Some(Line::from(vec![
        Span::raw("why (a reason or a ticket id): "),
        Span::styled(sanitize(reason).into_owned(), style),
    ]))
}

/// Undoing a batch: what goes back, and who is left alone and why.
pub fn undo(frame: &mut Frame, area: Rect, app: &App, ask: &UndoAsk, theme: &Theme) {
    let keymap = &app.config().keymap;
    let plan = &ask.plan;
    let mut lines = vec![
        Line::from(plan.summary()),
        Line::styled(
            format!(
                "batch {} of {}",
                sanitize(text::head(&plan.batch, 8)),
                sanitize(&text::seconds(&plan.time))
            ),
            theme.dim(),
        ),
    ];
    const SHOWN: usize = 5;
    if !plan.ids.is_empty() {
        let mut back: Vec<String> = plan
            .ids
            .iter()
            .take(SHOWN)
            .map(|id| sanitize(id).into_owned())
            .collect();
        if plan.ids.len() > SHOWN {
            back.push(format!("and {} more", plan.ids.len() - SHOWN));
        }
        lines.push(Line::from(format!("back: {}", back.join(", "))));
    }
    for (id, why) in plan.left.iter().take(SHOWN) {
        lines.push(Line::styled(
            format!("left alone: {} — {}", sanitize(id), sanitize(why)),
            theme.error(),
        ));
    }
    if plan.left.len() > SHOWN {
        lines.push(Line::styled(
            format!("and {} more left alone", plan.left.len() - SHOWN),
            theme.error(),
        ));
    }
    lines.push(Line::default());
    lines.extend(reason_line(&ask.asking, theme));
    let (yes, no) = answer_keys(keymap, ask.asking.types());
    lines.push(match ask.asking.typed() {
        // The same rule as a bulk action's: many users, the count typed.
        Some(typed) => Line::from(vec![
            Span::raw(format!(
                "type {} to {}, {no} to cancel: ",
                plan.ids.len(),
                plan.action.verb(),
            )),
            Span::styled(typed.to_string(), theme.selected()),
        ]),
        None if plan.ids.is_empty() => Line::from(format!("nothing to undo · {no} close")),
        None => Line::from(format!(
            "{yes} {} {} · {no} cancel",
            plan.action.verb(),
            plan.ids.len(),
        )),
    });
    let rect = fitted(area, &lines, 60);
    question(frame, rect, lines, " undo? ", theme);
}

/// Quitting while a bulk action runs: what stopping does.
/// Running an action of the operator's own: the command as it will run, on whom.
pub fn run_action(frame: &mut Frame, area: Rect, app: &App, pending: &Pending, theme: &Theme) {
    let keymap = &app.config().keymap;
    let mut lines = vec![
        Line::from(format!(
            "run {} on {}?",
            sanitize(&pending.spec.name),
            text::plural(pending.ids.len(), "user")
        )),
        Line::default(),
    ];
    lines.extend(
        pending
            .shown
            .lines()
            .map(|l| Line::styled(format!("$ {l}"), theme.selected())),
    );
    lines.push(Line::default());
    lines.extend(reason_line(&pending.asking, theme));
    let (yes, no) = answer_keys(keymap, pending.asking.types());
    lines.push(match pending.asking.typed() {
        Some(typed) => Line::from(vec![
            Span::raw(format!(
                "type {} to run, {no} to cancel: ",
                pending.ids.len()
            )),
            Span::styled(typed.to_string(), theme.selected()),
        ]),
        None => Line::from(format!("{yes} run · {no} cancel")),
    });
    let rect = fitted(area, &lines, 70);
    question(frame, rect, lines, " run ", theme);
}

/// An action's prompt: what it asks, and the answer as typed.
pub fn prompt(frame: &mut Frame, area: Rect, app: &App, prompting: &Prompting, theme: &Theme) {
    let keymap = &app.config().keymap;
    let lines = vec![
        Line::from(format!("{} asks:", sanitize(&prompting.pending.spec.name))),
        Line::from(vec![
            Span::raw(format!("{}: ", sanitize(prompting.prompt()))),
            Span::styled(
                sanitize(prompting.input.value()).into_owned(),
                theme.selected(),
            ),
        ]),
        Line::default(),
        {
            let (yes, no) = answer_keys(keymap, true);
            Line::from(format!("{yes} on · {no} cancel"))
        },
    ];
    let rect = fitted(area, &lines, 50);
    question(frame, rect, lines, " run ", theme);
}

pub fn quit(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(run) = app.bulk() else {
        return;
    };
    let keymap = &app.config().keymap;
    let rect = centered(area, 64, 8);
    let lines = vec![
        Line::from(format!(
            "{} is running: {} of {} done{}. Stop it and quit?",
            run.action().verb(),
            run.progress().done,
            run.progress().total,
            reading_back(run)
        )),
        Line::default(),
        Line::from(format!(
            "{}: no new chunk starts; those under way get {} s to answer,",
            keymap.key(Action::Confirm),
            GRACE.as_secs()
        )),
        Line::from("   then every id sent is journalled with its outcome"),
        Line::from(format!(
            "{}: go on · {} again: quit at once",
            keymap.keys_of(Action::Deny),
            keymap.keys_of(Action::Quit)
        )),
    ];
    question(frame, rect, lines, " quit? ", theme);
}

/// A question over the screen in `rect`: its lines, wrapped, in a red frame.
pub(super) fn question(
    frame: &mut Frame,
    rect: Rect,
    lines: Vec<Line>,
    title: &str,
    theme: &Theme,
) {
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(theme.error());
    let inner = block.inner(rect);
    // Wrapped as `fitted` counts its rows.
    let asked = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block);
    super::paint::paragraph(frame.buffer_mut(), asked, rect, inner);
}

/// `, 12 unknown: reading back`: answered for, but not known yet.
fn reading_back(run: &BulkRun) -> String {
    match run.progress().unknown {
        0 => String::new(),
        n => format!(", {n} unknown: reading back"),
    }
}

pub fn progress(frame: &mut Frame, area: Rect, run: &BulkRun, theme: &Theme) {
    let progress = run.progress();
    let title = if run.stopping() {
        " stopping... "
    } else {
        " working "
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
            .block(Block::default().borders(Borders::ALL).title(title))
            .gauge_style(theme.info())
            .ratio(ratio.clamp(0.0, 1.0))
            .label(format!(
                "{} / {}{}",
                progress.done,
                progress.total,
                reading_back(run)
            )),
        rect,
    );
}

/// The keys of every mode, generated from the keymap; in as many columns as the height
/// needs.
pub fn help(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let keymap = &app.config().keymap;
    // (keys, description), or a mode's title with empty keys.
    let mut entries: Vec<(String, String)> = Vec::new();
    let everywhere = |b: &&Binding| b.everywhere();
    let from = app.help().unwrap_or(Mode::Table);
    let sections = from.help_sections().iter().map(|&mode| {
        let bindings: Vec<&Binding> = keymap.of_mode(mode).filter(|b| !everywhere(b)).collect();
        (mode.title(), bindings)
    });
    let always = (
        "everywhere",
        keymap.of_mode(Mode::Table).filter(everywhere).collect(),
    );
    if from == Mode::Command {
        // `:help`: the commands, then the command line's keys.
        entries.push((String::new(), "commands".into()));
        entries.extend(
            COMMANDS
                .iter()
                .map(|(name, what)| (format!(":{name}"), what.to_string())),
        );
        entries.push((
            ":ACTION".into(),
            "any action of the keymap by its name".into(),
        ));
    }
    // The operator's own actions, wherever the help opens: their key if they have one,
    // and :run, which runs them all.
    let own: Vec<(String, String)> = app
        .actions()
        .map(|a| {
            let key = a
                .key
                .as_deref()
                .and_then(crate::app::keymap::parse_key)
                .map(|k| format!("{} ", crate::app::keymap::key_name(&k)))
                .unwrap_or_default();
            let what = if a.confirm {
                "asks first"
            } else {
                "runs at once"
            };
            let output = format!("{:?}", a.output).to_lowercase();
            (
                format!("{key}:run {}", sanitize(&a.name)),
                format!("yours: {what}, output {output}"),
            )
        })
        .collect();
    if !own.is_empty() {
        entries.push((String::new(), "your actions".into()));
        entries.extend(own);
    }
    for (title, bindings) in sections.chain([always]) {
        if bindings.is_empty() {
            continue;
        }
        entries.push((String::new(), title.to_string()));
        entries.extend(
            bindings
                .into_iter()
                .map(|b| (keymap.keys_of(b.action), b.description.to_string())),
        );
    }
    let rows = usize::from(area.height.saturating_sub(2)).max(1);
    let columns = entries.len().div_ceil(rows).max(1);
    let width = area.width.min(if columns == 1 { 72 } else { 160 });
    let rect = centered(area, width, (entries.len().min(rows) + 2) as u16);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" keys (any key closes) ");
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let column_width = usize::from(inner.width) / columns;
    let keys_width = 14.min(column_width / 3);
    let areas =
        Layout::horizontal(vec![Constraint::Ratio(1, columns as u32); columns]).split(inner);
    for (chunk, column) in entries.chunks(rows).zip(areas.iter()) {
        let lines: Vec<Line> = chunk
            .iter()
            .map(|(keys, description)| {
                if keys.is_empty() {
                    return Line::styled(description.clone(), theme.dim());
                }
                let room = column_width.saturating_sub(keys_width + 3);
                Line::from(vec![
                    Span::styled(
                        format!("{:>keys_width$}  ", fit(keys, keys_width)),
                        theme.header(),
                    ),
                    Span::raw(fit(description, room)),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), *column);
    }
}
