//! A frame for a terminal that is not UTF-8 (`LANG=C`, Latin-1) or told `ascii = true`:
//! every cell made ASCII after the frame is built, so no widget, notice or server string
//! can send a byte such a terminal shows as two or three characters and so break the
//! layout. Lines become `-` and `|`, corners `+`, arrows `^ v < >`, a cut `...`; any other
//! character one `?` per column it takes.

use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

/// Makes every cell of `buffer` ASCII, keeping each in its column.
pub fn flatten(buffer: &mut Buffer) {
    // Cuts first, while borders are still box drawing and tell themselves from text.
    cut_marks(buffer);
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            let symbol = buffer[(x, y)].symbol().to_string();
            let width = symbol.width().max(1);
            if !symbol.is_ascii() {
                let plain = symbol.chars().next().map_or(" ", crate::text::ascii_for);
                buffer[(x, y)].set_symbol(plain);
                // A wide character's other columns: marked too, so nothing of the row
                // behind moves.
                for next in 1..width {
                    if let Some(cell) = buffer.cell_mut((x + next as u16, y)) {
                        cell.set_symbol(if plain == "?" { "?" } else { " " });
                    }
                }
            }
            x = x.saturating_add(width as u16);
        }
    }
}

/// "…" marks a cut (messages trail off with "..." of their own): it becomes "...", over
/// the two columns of cut text before it — a cut was to lose them anyway — but never
/// over a space or a border (a lone "…" is one ".").
fn cut_marks(buffer: &mut Buffer) {
    let area = buffer.area;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if buffer[(x, y)].symbol() != "…" {
                continue;
            }
            buffer[(x, y)].set_symbol(".");
            for back in 1..=2 {
                let Some(column) = x.checked_sub(back).filter(|c| *c >= area.left()) else {
                    break;
                };
                let cell = &mut buffer[(column, y)];
                let text = cell.symbol();
                let border = text.chars().any(|c| ('\u{2500}'..='\u{257F}').contains(&c));
                if text.trim().is_empty() || border {
                    break;
                }
                cell.set_symbol(".");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::widgets::{Block, Borders, Paragraph, Widget};

    fn drawn(text: &str, width: u16) -> Vec<String> {
        let area = Rect::new(0, 0, width, 3);
        let mut buffer = Buffer::empty(area);
        Paragraph::new(text)
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title("confirm — 3 › 4"),
            )
            .render(area, &mut buffer);
        flatten(&mut buffer);
        (0..3)
            .map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect())
            .collect()
    }

    #[test]
    fn boxes_become_plus_minus_and_bars_and_every_cell_is_ascii() {
        let lines = drawn("rows 1–20 · ↑ name ↓ 日本 é", 40);
        assert_eq!(lines[0], "+confirm - 3 > 4-----------------------+");
        assert_eq!(lines[1], "|rows 1-20 | ^ name v ???? ?           |");
        assert_eq!(lines[2], format!("+{}+", "-".repeat(38)));
        assert!(lines.iter().all(|l| l.is_ascii()));
    }

    #[test]
    fn a_cut_ends_in_three_dots_in_the_same_width() {
        let area = Rect::new(0, 0, 8, 1);
        let mut buffer = Buffer::empty(area);
        buffer.set_string(0, 0, "abcdef… …", ratatui::style::Style::default());
        flatten(&mut buffer);
        let line: String = (0..8).map(|x| buffer[(x, 0)].symbol()).collect();
        assert_eq!(line, "abcd... ");
        // Cut text with a dash in it, against a border: the border stays.
        let area = Rect::new(0, 0, 10, 1);
        let mut buffer = Buffer::empty(area);
        buffer.set_string(0, 0, "│555-7…│ …", ratatui::style::Style::default());
        flatten(&mut buffer);
        let line: String = (0..10).map(|x| buffer[(x, 0)].symbol()).collect();
        assert_eq!(line, "|555...| .");
    }
}
