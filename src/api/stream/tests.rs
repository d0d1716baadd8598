use super::*;

/// Keeps every row as a JSON value.
#[derive(Default)]
struct Kept(Vec<serde_json::Value>);

impl RowSink for Kept {
    type Row<'de> = serde_json::Value;
    fn push(&mut self, row: serde_json::Value) -> Result<(), String> {
        self.0.push(row);
        Ok(())
    }
}

impl Parts for Kept {
    type Part = Kept;
    fn part(&self) -> Kept {
        Kept::default()
    }
    fn join(&mut self, part: &mut Kept) -> Result<(), String> {
        self.0.append(&mut part.0);
        Ok(())
    }
}

type Outcome = (Vec<serde_json::Value>, Result<String, StreamError>);

/// The answer fed in pieces cut at `cuts` (byte offsets): its rows and envelope.
fn read(answer: impl AsRef<[u8]>, cuts: &[usize]) -> Outcome {
    read_by(ListReader::new("users"), answer.as_ref(), cuts)
}

/// [`read`], read in parts of `part_bytes` or more.
fn read_in_parts(answer: impl AsRef<[u8]>, cuts: &[usize], part_bytes: usize) -> Outcome {
    read_by(InParts::sized("users", part_bytes), answer.as_ref(), cuts)
}

fn read_by(mut reader: impl Feed<Kept>, answer: &[u8], cuts: &[usize]) -> Outcome {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut kept = Kept::default();
        let mut from = 0;
        let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(answer.len())).collect();
        cuts.sort_unstable();
        for cut in cuts.into_iter().chain([answer.len()]) {
            if let Err(e) = reader.feed(&answer[from..cut], &mut kept).await {
                return (kept.0, Err(e));
            }
            from = cut;
        }
        let envelope = reader
            .finish(&mut kept)
            .await
            .map(|e| String::from_utf8_lossy(&e.0).into_owned());
        (kept.0, envelope)
    })
}

fn users(n: usize) -> Vec<serde_json::Value> {
    (0..n)
        .map(|i| serde_json::json!({ "id": format!("u{i}"), "name": format!("n \"{i}\" é"), "roles": ["ADMIN", null] }))
        .collect()
}

#[test]
fn a_list_is_read_the_same_whichever_bytes_arrive_together() {
    let rows = users(3);
    let answer = format!(
        "{{ \"data\" : {{\n\"users\" :[ {} , {}\n,{} ] }} , \"extensions\": {{\"a\": 1}} }}",
        rows[0], rows[1], rows[2]
    );
    for cut in 0..=answer.len() {
        for second in [cut, cut + 1, cut + 7] {
            let (got, envelope) = read(&answer, &[cut, second]);
            assert_eq!(got, rows, "cut at {cut}, {second}");
            let envelope: serde_json::Value = serde_json::from_str(&envelope.unwrap()).unwrap();
            assert_eq!(envelope["data"]["users"], serde_json::json!([]));
            assert_eq!(envelope["extensions"]["a"], 1);
        }
    }
    let (got, envelope) = read("{\"data\":{\"users\":[]}}", &[3]);
    assert!(got.is_empty() && envelope.is_ok());
}

#[test]
fn an_answer_in_another_shape_is_read_whole_to_the_same_rows() {
    let rows = users(2);
    for answer in [
        format!(
            "{{\"errors\":[{{\"message\":\"partly\"}}],\"data\":{{\"users\":[{},{}]}}}}",
            rows[0], rows[1]
        ),
        format!(
            "{{\"data\":{{\"other\":1,\"users\":[{},{}]}}}}",
            rows[0], rows[1]
        ),
    ] {
        let (got, envelope) = read(&answer, &[5, 40]);
        assert_eq!(got, rows);
        let envelope: serde_json::Value = serde_json::from_str(&envelope.unwrap()).unwrap();
        assert_eq!(envelope["data"]["users"], serde_json::json!([]));
    }
    // No data: the envelope is the answer, for its errors to be read.
    let answer = "{\"errors\":[{\"message\":\"no\"}],\"data\":null}";
    let (got, envelope) = read(answer, &[9]);
    assert!(got.is_empty());
    assert_eq!(envelope.unwrap(), answer);
}

#[test]
fn an_answer_cut_short_or_malformed_is_never_taken_for_the_list() {
    let rows = users(3);
    let answer = format!(
        "{{\"data\":{{\"users\":[{},{},{}]}}}}",
        rows[0], rows[1], rows[2]
    );
    let end_of_list = answer.rfind(']').unwrap();
    for end in 15..=end_of_list {
        let (got, envelope) = read(&answer.as_bytes()[..end], &[end / 2]);
        assert!(
            matches!(envelope.err(), Some(StreamError::Cut(_))),
            "cut at {end}"
        );
        assert!(got.len() < 3 || end == end_of_list);
    }
    let (got, envelope) = read("{\"data\":{\"users\":[{\"id\":1},{\"id\" 2}]}}", &[]);
    assert_eq!(got.len(), 1);
    assert!(matches!(envelope, Err(StreamError::Malformed(m)) if m.contains("user 2")));
    let (_, envelope) = read("{\"data\":{\"users\":[{\"id\":1} {\"id\":2}]}}", &[]);
    assert!(matches!(envelope, Err(StreamError::Malformed(_))));
}

proptest::proptest! {
    /// However the bytes are cut, the rows are those of the whole answer.
    #[test]
    fn any_cutting_gives_the_rows_of_the_whole(
        n in 0usize..6,
        cuts in proptest::collection::vec(0usize..400, 0..8),
        spaced in proptest::bool::ANY,
    ) {
        let rows = users(n);
        let answer = serde_json::json!({ "data": { "users": rows } });
        let answer = if spaced {
            serde_json::to_string_pretty(&answer).unwrap()
        } else {
            answer.to_string()
        };
        let (got, envelope) = read(&answer, &cuts);
        proptest::prop_assert_eq!(got, rows);
        proptest::prop_assert!(envelope.is_ok());
    }
}

/// Shrunk to by `in_parts_is_in_order`: an answer with no byte at all.
#[test]
fn an_empty_answer_reads_in_parts_as_in_order() {
    assert_eq!(read_in_parts("", &[], 0), read("", &[]));
}

/// Users whose text holds what a cut looks for, and any other character.
fn hostile_users() -> impl proptest::strategy::Strategy<Value = Vec<serde_json::Value>> {
    // Mostly plain: a cut that falls wrong reads the rest in order.
    let text = proptest::prop_oneof![
        1 => proptest::strategy::Just("},{".to_string()),
        1 => proptest::strategy::Just("\"},{\"id\":\"fake\"},{".to_string()),
        30 => ".{0,12}",
    ];
    let user = (text.clone(), text, 0..30).prop_map(|(id, name, nested)| {
        if nested == 0 {
            serde_json::json!({ "id": id, "name": name, "roles": [{}, {"x": [{}, {}]}] })
        } else {
            serde_json::json!({ "id": id, "name": name })
        }
    });
    proptest::collection::vec(user, 0..40)
}

use proptest::strategy::Strategy as _;

proptest::proptest! {
    /// Read in parts, any answer gives what it gives read in order: the same rows, the
    /// same envelope or the same error, cut half-way or not, however its bytes arrive and
    /// wherever a cut falls (inside a string, inside an element, past the list).
    #[test]
    fn in_parts_is_in_order(
        users in hostile_users(),
        cuts in proptest::collection::vec(0usize..4000, 0..8),
        part_bytes in 0usize..200,
        ends_at in proptest::option::of(0usize..4000),
        spaced in proptest::bool::ANY,
        broken in proptest::option::of((0usize..4000, proptest::sample::select(b"{}[],:\" x\xff".to_vec()))),
    ) {
        let answer = serde_json::json!({ "data": { "users": users }, "extensions": { "x": [{}, {}] } });
        let mut answer = if spaced {
            serde_json::to_string_pretty(&answer).unwrap()
        } else {
            answer.to_string()
        }.into_bytes();
        if let Some(end) = ends_at {
            answer.truncate(end);
        }
        if let Some((at, byte)) = broken.filter(|_| !answer.is_empty()) {
            let at = at % answer.len();
            answer[at] = byte;
        }
        let in_order = read(&answer, &cuts);
        proptest::prop_assert_eq!(read_in_parts(&answer, &cuts, part_bytes), in_order);
    }
}
