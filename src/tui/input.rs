//! The terminal's keys, mouse and pastes as crossterm's stream reads them, and the
//! terminal handed to a command of the operator's (`output = "terminal"`) and taken back.
//!
//! crossterm reads the terminal on a thread of its own, and only while the stream waits
//! for an event (its last poll was pending). Handing over must leave no reader behind
//! to take the command's keys. Dropping a stream stops its reader with a wake-up; one
//! sent to a reader that is not waiting stays pending, and crossterm's poller, which is
//! edge-triggered, reads it in one batch with the terminal's readiness and returns on
//! the wake-up: keys typed as the dashboard came back could then wait for the next key.
//! So a stream whose reader is idle is kept and left alone; one whose reader waits is
//! dropped (that reader takes the wake-up and ends), and a new one is made on the next
//! read.

use std::io;
use std::task::{Context, Poll};

use crossterm::event::{Event as TermEvent, EventStream, KeyCode};
use futures_util::StreamExt;

/// The terminal's events, while the dashboard has the terminal.
#[derive(Default)]
pub struct Input {
    stream: Option<EventStream>,
    /// The last poll was pending: crossterm's reader is waiting on the terminal.
    waiting: bool,
    /// A command has the terminal: nothing is read.
    handed_over: bool,
}

impl Input {
    /// The next event; none while a command has the terminal.
    pub async fn next(&mut self) -> Option<io::Result<TermEvent>> {
        std::future::poll_fn(|cx| self.poll(cx)).await
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Option<io::Result<TermEvent>>> {
        if self.handed_over {
            return Poll::Pending;
        }
        let polled = self
            .stream
            .get_or_insert_with(EventStream::new)
            .poll_next_unpin(cx);
        self.waiting = polled.is_pending();
        polled
    }

    /// A command takes the terminal: no reader of ours is left on it, and the keys read
    /// already, typed after the key that ran the command (in one burst with it, on a fast
    /// link or by a fast typist), are let go: they were the command's, and it cannot have
    /// them back. None of them acts on the dashboard later. How many were let go.
    pub fn hand_over(&mut self) -> usize {
        let dropped = self.drain();
        if std::mem::take(&mut self.waiting) {
            self.stream = None;
        }
        self.handed_over = true;
        dropped
    }

    /// The command ended: the terminal is read again, from what is typed now. Whatever
    /// crossterm read meanwhile (a reader that was still starting when the terminal was
    /// handed over) is let go, before the terminal is raw again: keys typed at the
    /// command never act on the dashboard.
    pub fn take_back(&mut self) -> usize {
        self.handed_over = false;
        self.drain()
    }

    /// Reads and lets go every event crossterm holds already, without waiting. A stream
    /// left waiting by it (its reader told to wake no one) is dropped, and the next read
    /// makes one that wakes the loop.
    fn drain(&mut self) -> usize {
        if self.waiting {
            // Its reader waits on the terminal: crossterm holds nothing read.
            return 0;
        }
        let stream = self.stream.get_or_insert_with(EventStream::new);
        let mut context = Context::from_waker(std::task::Waker::noop());
        let mut dropped = 0;
        loop {
            match stream.poll_next_unpin(&mut context) {
                Poll::Ready(Some(Ok(_))) => dropped += 1,
                Poll::Ready(_) => return dropped,
                Poll::Pending => {
                    self.stream = None;
                    return dropped;
                }
            }
        }
    }

    pub fn handed_over(&self) -> bool {
        self.handed_over
    }

    /// A paste, with the keys that came in the same burst after it: pasted text holding
    /// the end-of-paste marker ends the paste early, and what follows must not act as
    /// keys. What was already read with it is text of the paste too; the first other
    /// event is given back.
    pub async fn with_tail(&mut self, mut text: String) -> (String, Option<TermEvent>) {
        loop {
            // Polled with the loop's own context, so the stream keeps the real waker.
            let ready = std::future::poll_fn(|cx| match self.poll(cx) {
                Poll::Ready(event) => Poll::Ready(Some(event)),
                Poll::Pending => Poll::Ready(None),
            })
            .await;
            match ready {
                Some(Some(Ok(TermEvent::Key(key)))) => match key.code {
                    KeyCode::Char(c) => text.push(c),
                    KeyCode::Enter => text.push('\n'),
                    KeyCode::Tab => text.push('\t'),
                    _ => {}
                },
                Some(Some(Ok(other))) => return (text, Some(other)),
                _ => return (text, None),
            }
        }
    }
}
