//! A long list read on every core: the elements that came are cut off in parts of a few
//! megabytes, each part is read on a thread of its own into a sink of its own, and the
//! parts are joined in the list's order. A cut is a guess (a comma that seems to end an
//! element); a part read whole to its last comma proves it. A part that is not (a cut
//! inside a string, or bytes that are no list) hands it and every later part back, and
//! the rest is read in order, where any error is found and told as it would be.

use std::collections::VecDeque;

use tokio::task::JoinHandle;

use super::{Envelope, ListReader, Part, RowSink, StreamError, whitespace};

/// A sink whose rows can be read in parts, on other threads, and joined in order.
pub trait Parts: RowSink {
    /// Takes the rows of one part.
    type Part: RowSink + Send + 'static;
    /// An empty part.
    fn part(&self) -> Self::Part;
    /// The rows of `part`, after every row taken so far; `part` is left empty, to be
    /// used again.
    fn join(&mut self, part: &mut Self::Part) -> Result<(), String>;
}

/// How the bytes of an answer are read into a sink, as they arrive.
pub(crate) trait Feed<S> {
    fn new(field: &'static str) -> Self;
    /// The reader of the frame and of what is not read in parts.
    fn reader(&mut self) -> &mut ListReader;
    async fn feed(&mut self, chunk: &[u8], sink: &mut S) -> Result<(), StreamError>;
    async fn finish(self, sink: &mut S) -> Result<Envelope, StreamError>;
    /// The answer broke off: every whole row that came is taken, as in order they are.
    async fn settle(&mut self, _sink: &mut S) {}
}

/// In order, on the caller's thread.
impl<S: RowSink> Feed<S> for ListReader {
    fn new(field: &'static str) -> Self {
        ListReader::new(field)
    }

    fn reader(&mut self) -> &mut ListReader {
        self
    }

    async fn feed(&mut self, chunk: &[u8], sink: &mut S) -> Result<(), StreamError> {
        ListReader::feed(self, chunk, sink)
    }

    async fn finish(self, sink: &mut S) -> Result<Envelope, StreamError> {
        ListReader::finish(self, sink)
    }
}

/// How many bytes of elements make a part: some 9,000 training users. Parts are joined
/// (and how many users came told) as they are read. Measured at a million users: parts
/// of 1 MB cost a tenth more than parts of 2 to 8 MB.
const PART_BYTES: usize = 2 << 20;

/// Held past this many parts' bytes without a cut found, a list is read in order.
const GIVE_UP: usize = 4;

/// A list read in parts.
pub struct InParts<P> {
    reader: ListReader,
    part_bytes: usize,
    /// Parts being read, in the list's order.
    reading: VecDeque<JoinHandle<Read<P>>>,
    /// Buffers and sinks of parts joined, used again: the memory of a few parts is
    /// touched, not that of every part once more.
    spare_bytes: Vec<Vec<u8>>,
    spare_rows: Vec<P>,
}

/// A part, the sink it was read into, and how many rows that holds if it was read whole.
struct Read<P> {
    part: Part,
    rows: P,
    count: Option<u64>,
}

impl<S: Parts> Feed<S> for InParts<S::Part> {
    fn new(field: &'static str) -> Self {
        InParts::sized(field, PART_BYTES)
    }

    fn reader(&mut self) -> &mut ListReader {
        &mut self.reader
    }

    async fn feed(&mut self, chunk: &[u8], sink: &mut S) -> Result<(), StreamError> {
        self.reader.feed(chunk, sink)?;
        // As many parts as cores, and one more, are read at once: a list holds no more
        // parts than that (and their buffers, kept to be used again).
        let at_once = std::thread::available_parallelism().map_or(1, |n| n.get()) + 1;
        while self.reader.holds() {
            let read = self.reading.front().is_some_and(JoinHandle::is_finished);
            if read || self.reading.len() >= at_once {
                self.join_first(sink).await?;
            } else if let Some(part) = self.reader.cut(self.part_bytes, &mut self.spare_bytes) {
                self.start(part, sink);
            } else if self.reader.held() > GIVE_UP * self.part_bytes {
                // No cut where one should be (a list written with spaces between its
                // users): the rest is read in order, the parts read so far joined first.
                while !self.reading.is_empty() {
                    self.join_first(sink).await?;
                }
                self.reader.release();
                self.reader.feed(&[], sink)?;
            } else {
                break;
            }
        }
        Ok(())
    }

    async fn finish(mut self, sink: &mut S) -> Result<Envelope, StreamError> {
        while !self.reading.is_empty() {
            self.join_first(sink).await?;
        }
        // What is left after the last cut is read here.
        self.reader.release();
        self.reader.feed(&[], sink)?;
        self.reader.finish(sink)
    }

    async fn settle(&mut self, sink: &mut S) {
        while !self.reading.is_empty() {
            if self.join_first(sink).await.is_err() {
                return;
            }
        }
        self.reader.release();
        let _ = self.reader.feed(&[], sink);
    }
}

impl<P: RowSink + Send + 'static> InParts<P> {
    /// Cut in parts of `part_bytes` or more.
    pub(super) fn sized(field: &'static str, part_bytes: usize) -> Self {
        InParts {
            reader: ListReader::holding(field),
            part_bytes,
            reading: VecDeque::new(),
            spare_bytes: Vec::new(),
            spare_rows: Vec::new(),
        }
    }

    /// Reads `part` on a thread of its own.
    fn start<S: Parts<Part = P>>(&mut self, part: Part, sink: &S) {
        let mut rows = self.spare_rows.pop().unwrap_or_else(|| sink.part());
        rows.expect_bytes(part.bytes.len() as u64);
        self.reading.push_back(tokio::task::spawn_blocking(move || {
            let count = read_whole(&part, &mut rows);
            Read { part, rows, count }
        }));
    }

    /// Joins the first part being read; when it was not read whole, it and every later
    /// part are handed back and read in order.
    async fn join_first<S: Parts<Part = P>>(&mut self, sink: &mut S) -> Result<(), StreamError> {
        let Some(first) = self.reading.pop_front() else {
            return Ok(());
        };
        let mut read = awaited(first).await?;
        if let Some(count) = read.count {
            sink.join(&mut read.rows).map_err(StreamError::Refused)?;
            self.reader.add_count(count);
            self.spare_bytes.push(read.part.bytes);
            self.spare_rows.push(read.rows);
            return Ok(());
        }
        let mut back = vec![read.part];
        while let Some(later) = self.reading.pop_front() {
            back.push(awaited(later).await?.part);
        }
        self.reader.resume(back);
        self.reader.feed(&[], sink)
    }
}

async fn awaited<P>(reading: JoinHandle<Read<P>>) -> Result<Read<P>, StreamError> {
    reading
        .await
        .map_err(|e| StreamError::Malformed(format!("a part of the list was not read: {e}")))
}

/// The rows of `part` into `rows`, if it is whole elements each followed by a comma (and
/// valid UTF-8, checked once for the part rather than once a string): how many.
fn read_whole<P: RowSink>(part: &Part, rows: &mut P) -> Option<u64> {
    let text = std::str::from_utf8(part.bytes.get(part.from..)?).ok()?;
    let mut at = 0;
    let mut count = 0;
    loop {
        at += whitespace(text.get(at..)?.as_bytes());
        if at == text.len() {
            return (count > 0).then_some(count);
        }
        let mut read = serde_json::Deserializer::from_str(text.get(at..)?).into_iter();
        let row: P::Row<'_> = read.next()?.ok()?;
        at += read.byte_offset();
        rows.push(row).ok()?;
        count += 1;
        at += whitespace(text.get(at..)?.as_bytes());
        if text.as_bytes().get(at) != Some(&b',') {
            return None;
        }
        at += 1;
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    /// Rows taken as their ids.
    #[derive(Default)]
    struct Ids(Vec<String>);

    #[derive(Deserialize)]
    struct Id {
        id: String,
    }

    impl RowSink for Ids {
        type Row<'de> = Id;
        fn push(&mut self, row: Id) -> Result<(), String> {
            self.0.push(row.id);
            Ok(())
        }
    }

    impl Parts for Ids {
        type Part = Ids;
        fn part(&self) -> Ids {
            Ids::default()
        }
        fn join(&mut self, part: &mut Ids) -> Result<(), String> {
            self.0.append(&mut part.0);
            Ok(())
        }
    }

    #[test]
    fn a_list_without_cuts_is_read_in_order_not_held() {
        // Spaces between the users: no `},{` to cut at.
        let users: Vec<String> = (0..2000).map(|i| format!("{{\"id\":\"{i}\"}}")).collect();
        let answer = format!("{{\"data\":{{\"users\":[{}]}}}}", users.join(", "));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let mut ids = Ids::default();
        runtime.block_on(async {
            let mut reader = InParts::<Ids>::sized("users", 100);
            for chunk in answer.as_bytes().chunks(64) {
                Feed::feed(&mut reader, chunk, &mut ids).await.unwrap();
                assert!(reader.reader.held() <= GIVE_UP * 100 + 64 + 64);
            }
            assert!(!reader.reader.holds());
            Feed::finish(reader, &mut ids).await.unwrap();
        });
        assert_eq!(ids.0.len(), 2000);
        assert_eq!(ids.0[1999], "1999");
    }

    fn part(text: &str) -> Part {
        Part {
            bytes: text.as_bytes().to_vec(),
            from: 0,
            first: false,
        }
    }

    #[test]
    fn a_part_is_read_only_when_it_is_whole_elements() {
        let mut ids = Ids::default();
        assert_eq!(
            read_whole(&part(r#"{"id":"1"}, {"id":"2"} ,"#), &mut ids),
            Some(2)
        );
        assert_eq!(ids.0, ["1", "2"]);
        // Cut inside a string, past the list's end, or no comma at the end: not whole.
        for text in [
            r#"{"id":"1"},{"id":"a},"#,
            r#"{"id":"1"}]}, "#,
            r#"{"id":"1"}"#,
            "",
        ] {
            assert_eq!(read_whole(&part(text), &mut Ids::default()), None, "{text}");
        }
    }
}
