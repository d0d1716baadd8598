//! The status line's messages, each with a kind that says when it ends: a notice fades on
//! the next key, an error goes with the next success of the same kind of request, a bulk
//! summary and the config warnings stay until dismissed.

/// Where an error came from; the next success from there ends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    List,
    Bulk,
    /// A watch's reads.
    Watch,
}

/// One line of the status area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
}

#[derive(Debug, Default)]
pub struct StatusLine {
    /// The outcome of the last bulk action.
    summary: Option<Message>,
    warnings: Vec<String>,
    errors: Vec<(Source, String)>,
    notice: Option<Message>,
    /// A long job's progress (an export), until it ends.
    progress: Option<String>,
    /// What a watch saw change on the account it watches, until dismissed.
    alert: Option<String>,
}

impl StatusLine {
    pub fn new(warnings: Vec<String>) -> StatusLine {
        StatusLine {
            warnings,
            ..StatusLine::default()
        }
    }

    /// Says something until the next key.
    pub fn notice(&mut self, text: impl Into<String>) {
        self.notice = Some(Message {
            text: text.into(),
            error: false,
        });
    }

    /// Refuses something until the next key.
    pub fn refusal(&mut self, text: impl Into<String>) {
        self.notice = Some(Message {
            text: text.into(),
            error: true,
        });
    }

    /// An error of `source`, until its next success.
    pub fn error(&mut self, source: Source, text: impl Into<String>) {
        self.errors.retain(|(s, _)| *s != source);
        self.errors.push((source, text.into()));
    }

    /// Sets or ends (None) the error of `source`; whether that changed what is said.
    pub fn set_error(&mut self, source: Source, text: Option<String>) -> bool {
        let now = self
            .errors
            .iter()
            .find(|(s, _)| *s == source)
            .map(|(_, t)| t);
        if now == text.as_ref() {
            return false;
        }
        match text {
            Some(text) => self.error(source, text),
            None => self.succeeded(source),
        }
        true
    }

    /// What a watch saw, until dismissed (a newer one replaces it).
    pub fn alert(&mut self, text: String) {
        self.alert = Some(text);
    }

    /// Dismisses what a watch saw; whether there was anything.
    pub fn dismiss_alert(&mut self) -> bool {
        self.alert.take().is_some()
    }

    pub fn succeeded(&mut self, source: Source) {
        self.errors.retain(|(s, _)| *s != source);
    }

    /// Shows how a long job goes (None: it ended).
    pub fn progress(&mut self, text: Option<String>) {
        self.progress = text;
    }

    pub fn summary(&mut self, message: Message) {
        self.summary = Some(message);
    }

    /// A key was pressed: the notice has been seen.
    pub fn key_pressed(&mut self) {
        self.clear_notice();
    }

    /// What the notice said is over (the answer it announced came).
    pub fn clear_notice(&mut self) {
        self.notice = None;
    }

    /// Dismisses everything that stays until dismissed.
    pub fn dismiss(&mut self) {
        self.summary = None;
        self.alert = None;
        self.warnings.clear();
        self.notice = None;
    }

    /// How many lines [`lines`](Self::lines) gives, without building them.
    pub fn count(&self) -> usize {
        self.errors.len()
            + usize::from(self.summary.is_some())
            + usize::from(self.alert.is_some())
            + usize::from(!self.warnings.is_empty())
            + usize::from(self.notice.is_some())
            + usize::from(self.progress.is_some())
    }

    /// The lines to show, most important first.
    pub fn lines(&self) -> Vec<Message> {
        let mut lines: Vec<Message> = self
            .errors
            .iter()
            .map(|(_, text)| Message {
                text: text.clone(),
                error: true,
            })
            .collect();
        lines.extend(self.summary.clone());
        lines.extend(self.alert.iter().map(|text| Message {
            text: text.clone(),
            error: false,
        }));
        lines.extend(self.progress.iter().map(|text| Message {
            text: text.clone(),
            error: false,
        }));
        if !self.warnings.is_empty() {
            lines.push(Message {
                text: self.warnings.join("; "),
                error: true,
            });
        }
        lines.extend(self.notice.clone());
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_is_the_number_of_lines_and_each_kind_ends_its_way() {
        let mut status = StatusLine::new(vec!["keys.x: no such action".into()]);
        status.error(Source::List, "HTTP 500");
        status.summary(Message {
            text: "block: 2 succeeded".into(),
            error: false,
        });
        status.notice("paste ignored");
        assert_eq!(status.count(), status.lines().len());
        assert_eq!(status.count(), 4);
        status.key_pressed();
        status.succeeded(Source::List);
        assert_eq!(status.count(), 2, "the notice and the error went");
        status.dismiss();
        assert_eq!((status.count(), status.lines().len()), (0, 0));
    }
}
