//! A GraphQL answer whose `data` holds one list (training's `users`: every user at once,
//! 231 MB for a million), read element by element as its bytes arrive: each element is
//! parsed by serde_json straight from the bytes into the caller's row, and the bytes are
//! let go once parsed. Only the frame is matched here (`{"data":{"users":[` and the
//! commas between elements); an answer in any other shape (errors first, a field before
//! the list) is kept whole and parsed whole, to the same rows.

use serde::Deserialize;
use serde_json::value::RawValue;

/// Takes the rows one by one.
pub trait RowSink {
    /// The row as parsed from the answer's bytes (it may borrow them).
    type Row<'de>: Deserialize<'de>;
    /// One more row; an error ends the reading.
    fn push(&mut self, row: Self::Row<'_>) -> Result<(), String>;

    /// The answer is `bytes` long (as its headers say): room may be made at once.
    fn expect_bytes(&mut self, _bytes: u64) {}
}

/// How reading an answer failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamError {
    /// The bytes are not the answer expected (not JSON, an element not a row): what is wrong.
    Malformed(String),
    /// The answer ended before its list did, after this many rows.
    Cut(u64),
    /// The sink refused a row.
    Refused(String),
}

/// What is left of an answer once its list is read: its envelope with the list taken
/// out, as `{"data":{"users":[]},…}`, to be read for its errors like any other answer.
pub struct Envelope(pub Vec<u8>);

/// Reads one answer, fed as its bytes arrive.
pub struct ListReader {
    field: &'static str,
    state: State,
    /// Bytes received and not yet parsed (from `at` on).
    bytes: Vec<u8>,
    at: usize,
    /// Elements read so far.
    count: u64,
    /// An element that did not end in the bytes so far is parsed again once `bytes` is
    /// this long: when what is pending has doubled, so that one huge element arriving in
    /// small pieces costs a few parses, not one a piece.
    retry_at: usize,
    /// Elements are held, not parsed: they are cut off in parts ([`ListReader::cut`]).
    hold: bool,
    /// How far the bytes held were searched for a cut: each byte is searched once.
    searched: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Matching the frame before the list: this many of its tokens are matched.
    Frame(usize),
    /// In the list: before its first element, or after a comma.
    Element { first: bool },
    /// After an element: a comma or the list's end.
    Between,
    /// Past the list: the rest of the envelope is kept.
    Rest,
    /// Not the expected frame: the whole answer is kept, and parsed at the end.
    Whole,
}

/// Past this many parsed bytes, the buffer is compacted (amortized: never per element).
const COMPACT_AT: usize = 1 << 16;

impl ListReader {
    /// A reader of the answer to a query whose only field is `field`, not aliased.
    pub fn new(field: &'static str) -> ListReader {
        ListReader {
            field,
            state: State::Frame(0),
            bytes: Vec::new(),
            at: 0,
            count: 0,
            retry_at: 0,
            hold: false,
            searched: 0,
        }
    }

    /// A reader that matches the frame and holds the elements, for [`ListReader::cut`].
    pub fn holding(field: &'static str) -> ListReader {
        ListReader {
            hold: true,
            ..ListReader::new(field)
        }
    }

    /// The held elements from where the list was read up to, if at least `bytes` of them
    /// are held: cut after a comma that seems to end an element (`},{`). The cut is only
    /// a guess (the comma may lie inside a string): the part is proven by reading it
    /// whole (by [`InParts`]), or handed back ([`ListReader::resume`]).
    /// What comes after the cut goes to a buffer of `spare`, if it has one.
    pub fn cut(&mut self, bytes: usize, spare: &mut Vec<Vec<u8>>) -> Option<Part> {
        let State::Element { first } = self.state else {
            return None;
        };
        let from = self
            .at
            .checked_add(bytes)?
            .max(self.searched.saturating_sub(2));
        let Some(found) = memchr::memmem::find(self.bytes.get(from..)?, b"},{") else {
            self.searched = self.bytes.len();
            return None;
        };
        let end = from + found + 2;
        self.searched = 0;
        let mut rest = spare.pop().unwrap_or_default();
        rest.clear();
        rest.extend_from_slice(&self.bytes[end..]);
        self.bytes.truncate(end);
        let part = Part {
            bytes: std::mem::replace(&mut self.bytes, rest),
            from: self.at,
            first,
        };
        self.at = 0;
        self.state = State::Element { first: false };
        Some(part)
    }

    /// Parts cut off and not read are handed back, in order: the list is read from the
    /// first of them on, in order, without holding any more.
    pub fn resume(&mut self, parts: Vec<Part>) {
        let mut bytes = Vec::new();
        let mut first = None;
        for part in parts {
            first.get_or_insert(part.first);
            bytes.extend_from_slice(part.bytes.get(part.from..).unwrap_or_default());
        }
        bytes.extend_from_slice(self.bytes.get(self.at..).unwrap_or_default());
        self.bytes = bytes;
        self.at = 0;
        self.retry_at = 0;
        self.hold = false;
        self.searched = 0;
        if let Some(first) = first {
            self.state = State::Element { first };
        }
    }

    /// How many bytes are held, not yet read.
    pub fn held(&self) -> usize {
        self.bytes.len() - self.at
    }

    /// Whether elements are held for parts (not read in order).
    pub fn holds(&self) -> bool {
        self.hold
    }

    /// Stops holding: what is held is read by the next feed.
    pub fn release(&mut self) {
        self.hold = false;
    }

    /// `rows` more were read in a part cut off.
    pub fn add_count(&mut self, rows: u64) {
        self.count += rows;
    }

    /// Keeps the answer whole from now on, to be parsed at its end (if no row came yet).
    pub fn keep_whole(&mut self) {
        if matches!(self.state, State::Frame(_)) {
            self.state = State::Whole;
        }
    }

    /// The frame's tokens, whitespace allowed between them.
    fn frame(&self) -> [&'static [u8]; 7] {
        [
            b"{",
            b"\"data\"",
            b":",
            b"{",
            self.field_quoted(),
            b":",
            b"[",
        ]
    }

    fn field_quoted(&self) -> &'static [u8] {
        match self.field {
            "users" => b"\"users\"",
            // Only lists of users are read so; any other falls back to the whole answer.
            _ => b"\"\"",
        }
    }

    /// Reads what `chunk` completes; rows go to `sink` as they are whole.
    pub fn feed<S: RowSink>(&mut self, chunk: &[u8], sink: &mut S) -> Result<(), StreamError> {
        let parsing = matches!(
            self.state,
            State::Element { .. } | State::Between | State::Rest
        );
        if self.at >= COMPACT_AT && parsing {
            self.bytes.drain(..self.at);
            self.retry_at = self.retry_at.saturating_sub(self.at);
            self.at = 0;
        }
        self.bytes.extend_from_slice(chunk);
        loop {
            let rest = &self.bytes[self.at..];
            match self.state {
                State::Whole | State::Rest => return Ok(()),
                State::Frame(matched) => {
                    let token = self.frame()[matched];
                    let last = matched + 1 == self.frame().len();
                    let rest = &self.bytes[self.at..];
                    let skipped = whitespace(rest);
                    let rest = &rest[skipped..];
                    if rest.len() < token.len() {
                        if !token.starts_with(rest) {
                            self.state = State::Whole;
                        }
                        return Ok(());
                    }
                    if !rest.starts_with(token) {
                        self.state = State::Whole;
                        return Ok(());
                    }
                    self.at += skipped + token.len();
                    self.state = if last {
                        State::Element { first: true }
                    } else {
                        State::Frame(matched + 1)
                    };
                }
                State::Element { first } => {
                    let skipped = whitespace(rest);
                    match rest.get(skipped) {
                        None => return Ok(()),
                        Some(b']') if first => {
                            self.at += skipped + 1;
                            self.state = State::Rest;
                            continue;
                        }
                        Some(_) if self.hold => return Ok(()),
                        Some(_) => {}
                    }
                    let from = self.at + skipped;
                    if self.bytes.len() < self.retry_at {
                        return Ok(());
                    }
                    let mut rows = serde_json::Deserializer::from_slice(&self.bytes[from..])
                        .into_iter::<S::Row<'_>>();
                    match rows.next() {
                        Some(Ok(row)) => {
                            let used = rows.byte_offset();
                            sink.push(row).map_err(StreamError::Refused)?;
                            self.count += 1;
                            self.at = from + used;
                            self.retry_at = 0;
                            self.state = State::Between;
                        }
                        Some(Err(e)) if e.is_eof() => {
                            self.retry_at = from + 2 * (self.bytes.len() - from);
                            return Ok(());
                        }
                        None => return Ok(()),
                        Some(Err(e)) => {
                            return Err(StreamError::Malformed(format!(
                                "user {} of the list: {e}",
                                self.count + 1
                            )));
                        }
                    }
                }
                State::Between => {
                    let skipped = whitespace(rest);
                    match rest.get(skipped) {
                        None => return Ok(()),
                        Some(b',') => self.state = State::Element { first: false },
                        Some(b']') => self.state = State::Rest,
                        Some(_) => {
                            return Err(StreamError::Malformed(format!(
                                "after user {} of the list: neither a comma nor its end",
                                self.count
                            )));
                        }
                    }
                    self.at += skipped + 1;
                }
            }
        }
    }

    /// The answer has ended: its envelope without the list, or why there is none. An
    /// answer kept whole has its rows read now.
    pub fn finish<S: RowSink>(mut self, sink: &mut S) -> Result<Envelope, StreamError> {
        // An element put off until more came: no more comes, it is read now.
        if self.retry_at > 0 {
            self.retry_at = 0;
            self.feed(&[], sink)?;
        }
        match self.state {
            State::Rest => {
                let mut envelope = format!("{{\"data\":{{\"{}\":[]", self.field).into_bytes();
                envelope.extend_from_slice(&self.bytes[self.at..]);
                Ok(Envelope(envelope))
            }
            State::Whole | State::Frame(0) => self.whole(sink),
            // The frame began and the answer ended in it or in the list.
            State::Frame(_) | State::Element { .. } | State::Between => {
                Err(StreamError::Cut(self.count))
            }
        }
    }

    /// Any answer, kept whole: its list read element by element, its envelope returned
    /// with the list taken out (an answer without data is all envelope).
    fn whole<S: RowSink>(&mut self, sink: &mut S) -> Result<Envelope, StreamError> {
        #[derive(Deserialize)]
        struct Data<'a> {
            #[serde(borrow)]
            data: Option<&'a RawValue>,
        }
        let bytes = std::mem::take(&mut self.bytes);
        let data = serde_json::from_slice::<Data<'_>>(&bytes)
            .ok()
            .and_then(|d| d.data)
            .map(RawValue::get)
            .filter(|d| *d != "null");
        let Some(data) = data else {
            // No list: the envelope says why (or the caller finds it is not GraphQL).
            return Ok(Envelope(bytes));
        };
        let fields: std::collections::HashMap<&str, &RawValue> =
            serde_json::from_str(data).map_err(|e| StreamError::Malformed(format!("data: {e}")))?;
        let list = fields
            .get(self.field)
            .ok_or_else(|| StreamError::Malformed(format!("data holds no {}", self.field)))?;
        let rows: Vec<&RawValue> = serde_json::from_str(list.get())
            .map_err(|e| StreamError::Malformed(format!("{}: {e}", self.field)))?;
        for (n, row) in rows.into_iter().enumerate() {
            let row = serde_json::from_str::<S::Row<'_>>(row.get())
                .map_err(|e| StreamError::Malformed(format!("user {} of the list: {e}", n + 1)))?;
            sink.push(row).map_err(StreamError::Refused)?;
            self.count += 1;
        }
        // The envelope with the list emptied: its errors are read as in any answer.
        let mut top: std::collections::BTreeMap<&str, &RawValue> =
            serde_json::from_slice(&bytes).map_err(|e| StreamError::Malformed(e.to_string()))?;
        let emptied = RawValue::from_string(format!("{{\"{}\":[]}}", self.field))
            .map_err(|e| StreamError::Malformed(e.to_string()))?;
        top.insert("data", &emptied);
        Ok(Envelope(
            serde_json::to_vec(&top).map_err(|e| StreamError::Malformed(e.to_string()))?,
        ))
    }
}

/// Elements of a list cut off by [`ListReader::cut`]: `bytes[from..]` are whole elements,
/// each followed by a comma, if the cut fell between elements.
pub struct Part {
    bytes: Vec<u8>,
    from: usize,
    /// The list's first element is the part's first.
    first: bool,
}

/// How many bytes of JSON whitespace `bytes` starts with.
fn whitespace(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
        .unwrap_or(bytes.len())
}

mod parts;
#[cfg(test)]
mod tests;

pub(crate) use parts::Feed;
pub use parts::{InParts, Parts};
