//! How long work shows how far it got on standard error: a bar on a terminal; elsewhere
//! (a log, cron's mail) a line when it starts, at most one every few seconds, and one at
//! the end — never a bar's redraws in a file.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use crate::text::thousands;

/// `--progress`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ProgressMode {
    /// A bar on a terminal, lines elsewhere
    #[default]
    Auto,
    /// Lines, even on a terminal
    Always,
    /// Nothing
    Never,
}

/// Lines are written at most this often.
const EVERY: Duration = Duration::from_secs(5);

/// The progress of one piece of work of `total` steps.
pub enum Progress {
    Bar(indicatif::ProgressBar),
    Lines {
        label: String,
        total: u64,
        done: u64,
        last: Instant,
    },
    Silent,
}

impl Progress {
    /// Starts showing `label`'s progress over `total` steps, as `mode` says.
    pub fn start(mode: ProgressMode, label: &str, total: u64) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        match mode {
            ProgressMode::Never => Progress::Silent,
            ProgressMode::Auto if terminal => {
                let bar = indicatif::ProgressBar::with_draw_target(
                    Some(total),
                    indicatif::ProgressDrawTarget::stderr(),
                );
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                        .progress_chars("=> "),
                );
                bar.set_message(label.to_string());
                Progress::Bar(bar)
            }
            ProgressMode::Auto | ProgressMode::Always => {
                let progress = Progress::Lines {
                    label: label.to_string(),
                    total,
                    done: 0,
                    last: Instant::now(),
                };
                progress.line();
                progress
            }
        }
    }

    /// `done` of the steps are done.
    pub fn set(&mut self, now_done: u64) {
        match self {
            Progress::Bar(bar) => bar.set_position(now_done),
            Progress::Lines { done, last, .. } => {
                *done = now_done;
                if last.elapsed() >= EVERY {
                    *last = Instant::now();
                    self.line();
                }
            }
            Progress::Silent => {}
        }
    }

    /// The work ended: the bar cleared, or a last line.
    pub fn finish(self) {
        match &self {
            Progress::Bar(bar) => bar.finish_and_clear(),
            Progress::Lines { .. } => self.line(),
            Progress::Silent => {}
        }
    }

    fn line(&self) {
        if let Progress::Lines {
            label, total, done, ..
        } = self
        {
            crate::say!("{label}: {}/{}", thousands(*done), thousands(*total));
        }
    }
}
