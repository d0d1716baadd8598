//! Text written straight into the frame's buffer. ratatui's widgets split every string
//! into graphemes and measure each one; the table's and the pane's text is mostly
//! printable ASCII, one cell per byte, and is written so. Anything else goes through
//! ratatui's own `set_stringn`, which knows wide and combining characters.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// Writes `text` from (`x`, `y`) in at most `width` cells, its style patched over the
/// cells' own; returns the cells it took. Nothing is written outside the buffer.
pub fn text(buf: &mut Buffer, x: u16, y: u16, text: &str, width: u16, style: Style) -> u16 {
    let area = buf.area;
    if y < area.y || y >= area.bottom() || x < area.x || x >= area.right() {
        return 0;
    }
    let width = width.min(area.right() - x);
    if !text.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        let (end, _) = buf.set_stringn(x, y, text, usize::from(width), style);
        return end - x;
    }
    let start = buf.index_of(x, y);
    let count = text.len().min(usize::from(width));
    for (cell, byte) in buf.content[start..start + count]
        .iter_mut()
        .zip(text.bytes())
    {
        cell.set_char(char::from(byte)).set_style(style);
    }
    u16::try_from(count).unwrap_or(width)
}

/// Spaces in `style` over `width` cells from (`x`, `y`): what a styled row leaves blank.
pub fn blank(buf: &mut Buffer, x: u16, y: u16, width: u16, style: Style) {
    let area = buf.area;
    if y < area.y || y >= area.bottom() || x < area.x || x >= area.right() {
        return;
    }
    let width = width.min(area.right() - x);
    let start = buf.index_of(x, y);
    for cell in &mut buf.content[start..start + usize::from(width)] {
        cell.set_char(' ').set_style(style);
    }
}

/// A line of spans from (`x`, `y`) in at most `width` cells, the line's style under each
/// span's; returns the cells it took.
pub fn line(buf: &mut Buffer, x: u16, y: u16, line: &Line<'_>, width: u16) -> u16 {
    let mut used = 0;
    for span in &line.spans {
        if used >= width {
            break;
        }
        used += text(
            buf,
            x + used,
            y,
            &span.content,
            width - used,
            line.style.patch(span.style),
        );
    }
    used
}

/// Lines from the top of `area` down, the first `skip` rows left out. A line wider than
/// the area wraps between words, as in a `Paragraph` (which it is then drawn by). Returns
/// the rows the lines take in all.
pub fn wrapped(buf: &mut Buffer, area: Rect, lines: &[Line<'_>], skip: usize) -> usize {
    let bottom = skip + usize::from(area.height);
    let mut row = 0;
    for line in lines {
        let fits = line.width() <= usize::from(area.width);
        let rows = line_rows(line, area.width);
        if row + rows > skip && row < bottom {
            let y = area.y + u16::try_from(row.saturating_sub(skip)).unwrap_or(u16::MAX);
            if fits {
                self::line(buf, area.x, y, line, area.width);
            } else {
                let hidden = skip.saturating_sub(row);
                let shown = (rows - hidden).min(usize::from(area.bottom() - y));
                let rect = Rect {
                    y,
                    height: u16::try_from(shown).unwrap_or(u16::MAX),
                    ..area
                };
                let hidden = u16::try_from(hidden).unwrap_or(u16::MAX);
                paragraph(buf, wrap(line).scroll((hidden, 0)), rect, rect);
            }
        }
        row += rows;
    }
    row
}

/// `line` cut to `width` cells, a cut marked with "…" as [`crate::text::fit`] marks a
/// string's: the span that reaches the edge ends the line.
pub fn cut<'a>(line: Line<'a>, width: usize) -> Line<'a> {
    if line.width() <= width {
        return line;
    }
    let mut room = width;
    let mut spans = Vec::new();
    for span in line.spans {
        let taken = span.width();
        if taken < room {
            room -= taken;
            spans.push(span);
            continue;
        }
        // Something always follows this span's cells (its rest, or the spans after):
        // with a "…" after it, it is always too long, so `fit` cuts it and says so.
        let shown = crate::text::fit(&format!("{}…", span.content), room);
        spans.push(Span::styled(shown, span.style));
        break;
    }
    Line::from(spans).style(line.style)
}

/// `line` filled with spaces to `width` cells, so that a cursor's highlight spans the
/// pane (a line that wraps is left as it is).
pub fn across<'a>(mut line: Line<'a>, width: usize) -> Line<'a> {
    let used = line.width();
    if used < width {
        line.spans.push(Span::raw(" ".repeat(width - used)));
    }
    line
}

/// A wrapping `paragraph` drawn over `area`, its text (`inside` its block, if it has one)
/// kept off the right edge: every wrapping paragraph is drawn through here.
pub fn paragraph(buf: &mut Buffer, paragraph: Paragraph<'_>, area: Rect, inside: Rect) {
    paragraph.render(area, buf);
    keep_inside(buf, inside);
}

/// A wrapping `Paragraph` may leave a wide character in the last column of its area,
/// where a terminal draws its second half over what is right of it (a border); there
/// "…" stands for it.
fn keep_inside(buf: &mut Buffer, area: Rect) {
    use unicode_width::UnicodeWidthStr;
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let x = area.right() - 1;
    for y in area.top()..area.bottom() {
        let cell = &mut buf[(x, y)];
        if cell.symbol().width() > 1 {
            cell.set_symbol("…");
        }
    }
}

fn wrap<'a>(line: &Line<'a>) -> Paragraph<'a> {
    Paragraph::new(line.clone()).wrap(Wrap { trim: false })
}

/// The rows `line` takes `width` cells wide.
fn line_rows(line: &Line<'_>, width: u16) -> usize {
    if line.width() <= usize::from(width) {
        1
    } else {
        wrap(line).line_count(width).max(1)
    }
}

/// The rows `lines` take `width` cells wide (see [`wrapped`]).
pub fn rows<'a, 'b: 'a>(lines: impl IntoIterator<Item = &'a Line<'b>>, width: u16) -> usize {
    lines.into_iter().map(|line| line_rows(line, width)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::Span;

    fn styled() -> impl Strategy<Value = Line<'static>> {
        let span = (
            "[a-z .@●é中\u{301}\u{7f}]{0,30}",
            prop_oneof![
                Just(Style::default()),
                Just(Style::default().fg(Color::Red)),
                Just(Style::default().add_modifier(Modifier::BOLD)),
            ],
        )
            .prop_map(|(text, style)| Span::styled(text, style));
        (
            prop::collection::vec(span, 0..4),
            prop_oneof![
                Just(Style::default()),
                Just(Style::default().add_modifier(Modifier::REVERSED)),
            ],
        )
            .prop_map(|(spans, style)| Line::from(spans).style(style))
    }

    proptest! {
        /// The pane's lines come out as a wrapping `Paragraph` would draw them, styles too.
        #[test]
        fn lines_are_drawn_as_a_wrapping_paragraph_draws_them(
            lines in prop::collection::vec(styled(), 0..12),
            width in 1u16..40,
            height in 1u16..12,
            skip in 0usize..6,
        ) {
            let area = Rect::new(1, 1, width, height);
            let whole = Rect::new(0, 0, width + 2, height + 2);
            let mut ours = Buffer::empty(whole);
            let rows = wrapped(&mut ours, area, &lines, skip);
            let mut theirs = Buffer::empty(whole);
            let paragraph = Paragraph::new(lines.clone())
                .wrap(Wrap { trim: false })
                .scroll((u16::try_from(skip).unwrap(), 0));
            prop_assert_eq!(rows, paragraph.line_count(width));
            paragraph.render(area, &mut theirs);
            keep_inside(&mut theirs, area);
            // Nothing wide in the last column: its second half would cover the border.
            let last = area.right() - 1;
            for y in area.top()..area.bottom() {
                prop_assert!(unicode_width::UnicodeWidthStr::width(ours[(last, y)].symbol()) <= 1);
            }
            prop_assert_eq!(ours, theirs);
        }
    }
}
