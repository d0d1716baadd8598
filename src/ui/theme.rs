//! Colours and emphasis; with NO_COLOR, emphasis only; on an eight-colour terminal,
//! no bright colours (dark grey is black there).

use ratatui::style::{Color, Modifier, Style};

use crate::api::model::Status;
use crate::terminal::Colors;

pub struct Theme {
    color: bool,
    /// Bright colours (`90–97`) show.
    bright: bool,
    /// The profile's colour (`color = "red"`): its status bar and the borders in focus.
    accent: Option<Color>,
}

impl Theme {
    pub fn new(colors: Colors) -> Theme {
        Theme {
            color: colors != Colors::None,
            bright: colors > Colors::Ansi8,
            accent: None,
        }
    }

    /// This theme in the profile's colour, if it has one.
    pub fn accented(mut self, accent: Option<Color>) -> Theme {
        self.accent = accent;
        self
    }

    /// The status bar: in the profile's colour, its text dark or light to be read on it.
    pub fn bar(&self) -> Style {
        match self.accent.filter(|_| self.color) {
            Some(accent) => Style::default().bg(accent).fg(readable_on(accent)),
            None => Style::default(),
        }
    }

    /// The profile's label: never missed, in colour or not.
    pub fn label(&self) -> Style {
        self.bar()
            .add_modifier(Modifier::BOLD)
            .add_modifier(Modifier::REVERSED)
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::default().fg(color)
        } else {
            Style::default()
        }
    }

    pub fn header(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn cursor(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    pub fn selected(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        if self.bright {
            self.fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// A signal's severity: red for high, yellow for medium (its word says it too).
    pub fn severity(&self, severity: crate::signals::Severity) -> Style {
        match severity {
            crate::signals::Severity::High => self.error(),
            crate::signals::Severity::Medium => self.fg(Color::Yellow),
            crate::signals::Severity::Low => self.dim(),
        }
    }

    pub fn info(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn badge(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Black).bg(Color::Yellow)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }

    /// A row a watch marked: blue when it came, magenta when it changed (k9s's colours);
    /// its glyph says it without colour.
    pub fn watch_mark(&self, mark: crate::app::RowMark) -> Style {
        let color = match mark {
            crate::app::RowMark::New => Color::Blue,
            crate::app::RowMark::Changed => Color::Magenta,
        };
        self.fg(color).add_modifier(Modifier::BOLD)
    }

    pub fn focus_border(&self) -> Style {
        self.fg(self.accent.unwrap_or(Color::Cyan))
    }

    pub fn status(&self, status: &Status) -> Style {
        match status {
            Status::Active => self.fg(Color::Green),
            Status::Blocked => self.fg(Color::Red),
            Status::Pending => self.fg(Color::Yellow),
            Status::Inactive => self.fg(Color::Gray),
            Status::Archived => self.dim(),
            Status::Other(_) => self.fg(Color::Magenta),
        }
    }
}

/// Black or white, whichever reads on `background`.
fn readable_on(background: Color) -> Color {
    let light = match background {
        Color::Rgb(r, g, b) => {
            299 * u32::from(r) + 587 * u32::from(g) + 114 * u32::from(b) > 150_000
        }
        Color::Yellow
        | Color::Green
        | Color::Cyan
        | Color::White
        | Color::Gray
        | Color::LightYellow
        | Color::LightGreen
        | Color::LightCyan
        | Color::LightRed
        | Color::LightMagenta
        | Color::LightBlue => true,
        _ => false,
    };
    if light { Color::Black } else { Color::White }
}
