//! Fault injection for the embedded server: the `--faults` spec, and the shared state that
//! decides, request by request, whether one is slowed, failed, garbled or loses its answer.

use std::fmt;
use std::num::NonZeroU64;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

/// What a spec may hold, for error messages.
const ACCEPTED: &str = "accepted: latency=DUR (e.g. 300ms, 2s, 1.5s), slow=1/N, fail=1/N, \
                        bad-body=1/N, cut=1/N, lose-answer, separated by commas; or none";

/// Which faults the server injects. The default injects none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultSpec {
    /// Every POST to /graphql waits this long before it is handled…
    pub latency: Option<Duration>,
    /// …or, with this, only one in N (numbered as they arrive): one slow request among
    /// fast ones.
    pub slow: Option<OneIn>,
    /// These requests are answered HTTP 500 without being executed.
    pub fail: Option<OneIn>,
    /// These requests are answered HTTP 200 with a body that is not JSON, without being
    /// executed.
    pub bad_body: Option<OneIn>,
    /// These requests are handled, and their answer's body breaks off half-way: the
    /// connection closes in the middle of it.
    pub cut: Option<OneIn>,
    /// A mutation is applied first and then loses its answer to the fault that hits it
    /// (every mutation loses it to HTTP 500 when neither `fail` nor `bad_body` is set).
    pub lose_answer: bool,
}

/// "One request in N": request k (counted from 1) is hit when k is a multiple of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OneIn(NonZeroU64);

impl OneIn {
    /// One in `n`; none for 0.
    pub fn new(n: u64) -> Option<OneIn> {
        NonZeroU64::new(n).map(OneIn)
    }

    fn hits(self, request: u64) -> bool {
        request.is_multiple_of(self.0.get())
    }
}

impl fmt::Display for OneIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1/{}", self.0)
    }
}

/// What a failed request is answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 500 with a short text body.
    Fail,
    /// HTTP 200 with a body that is not JSON.
    BadBody,
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Handled as usual.
    Pass,
    /// Answered with the fault instead of being handled.
    Before(Fault),
    /// Handled (a mutation is applied), then its answer is replaced with the fault.
    After(Fault),
    /// Handled, then half its answer is sent and the connection closed.
    Cut,
}

/// The items of a spec, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Latency,
    Slow,
    Fail,
    BadBody,
    Cut,
    LoseAnswer,
}

impl Key {
    const ALL: [Key; 6] = [
        Key::Latency,
        Key::Slow,
        Key::Fail,
        Key::BadBody,
        Key::Cut,
        Key::LoseAnswer,
    ];

    fn name(self) -> &'static str {
        match self {
            Key::Latency => "latency",
            Key::Slow => "slow",
            Key::Fail => "fail",
            Key::BadBody => "bad-body",
            Key::Cut => "cut",
            Key::LoseAnswer => "lose-answer",
        }
    }

    /// How the item is written.
    fn usage(self) -> &'static str {
        match self {
            Key::Latency => "latency=DUR (e.g. 300ms, 2s, 1.5s)",
            Key::Slow => "slow=1/N",
            Key::Fail => "fail=1/N",
            Key::BadBody => "bad-body=1/N",
            Key::Cut => "cut=1/N",
            Key::LoseAnswer => "lose-answer",
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a spec does not parse; each names the bad part and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultSpecError {
    #[error("unknown fault `{0}`; {accepted}", accepted = ACCEPTED)]
    Unknown(String),
    #[error("an empty item between commas; {accepted}", accepted = ACCEPTED)]
    Empty,
    #[error("`none` stands alone; {accepted}", accepted = ACCEPTED)]
    NoneNotAlone,
    #[error("`{0}` is given twice; give each fault once")]
    Duplicate(Key),
    #[error("`{0}` needs a value: {usage}", usage = .0.usage())]
    MissingValue(Key),
    #[error("`{item}`: `{key}` takes no value; write just `{key}`")]
    UnexpectedValue { key: Key, item: String },
    #[error("`slow` says which requests wait: it needs `latency=DUR` too")]
    SlowWithoutLatency,
    #[error("`{item}`: the rate must be 1/N with N a whole number from 1 (one request in N)")]
    BadRate { item: String },
    #[error(
        "`{item}`: a duration is a whole number of ms or a number of s with up to 3 decimals \
         (e.g. 300ms, 2s, 1.5s)"
    )]
    BadDuration { item: String },
}

impl FromStr for FaultSpec {
    type Err = FaultSpecError;

    fn from_str(s: &str) -> Result<FaultSpec, FaultSpecError> {
        let s = s.trim();
        if s.is_empty() || s == "none" {
            return Ok(FaultSpec::default());
        }
        let mut spec = FaultSpec::default();
        let mut seen: Vec<Key> = Vec::new();
        for item in s.split(',').map(str::trim) {
            if item.is_empty() {
                return Err(FaultSpecError::Empty);
            }
            let (name, value) = match item.split_once('=') {
                Some((name, value)) => (name.trim(), Some(value.trim())),
                None => (item, None),
            };
            if name == "none" {
                return Err(FaultSpecError::NoneNotAlone);
            }
            let key = Key::ALL
                .into_iter()
                .find(|k| k.name() == name)
                .ok_or_else(|| FaultSpecError::Unknown(item.to_string()))?;
            if seen.contains(&key) {
                return Err(FaultSpecError::Duplicate(key));
            }
            seen.push(key);
            let bad_rate = || FaultSpecError::BadRate {
                item: item.to_string(),
            };
            match (key, value) {
                (Key::LoseAnswer, None) => spec.lose_answer = true,
                (Key::LoseAnswer, Some(_)) => {
                    return Err(FaultSpecError::UnexpectedValue {
                        key,
                        item: item.to_string(),
                    });
                }
                (_, None) => return Err(FaultSpecError::MissingValue(key)),
                (Key::Latency, Some(value)) => {
                    let duration =
                        parse_duration(value).ok_or_else(|| FaultSpecError::BadDuration {
                            item: item.to_string(),
                        })?;
                    spec.latency = Some(duration);
                }
                (Key::Slow, Some(value)) => {
                    spec.slow = Some(parse_rate(value).ok_or_else(bad_rate)?)
                }
                (Key::Fail, Some(value)) => {
                    spec.fail = Some(parse_rate(value).ok_or_else(bad_rate)?)
                }
                (Key::BadBody, Some(value)) => {
                    spec.bad_body = Some(parse_rate(value).ok_or_else(bad_rate)?);
                }
                (Key::Cut, Some(value)) => spec.cut = Some(parse_rate(value).ok_or_else(bad_rate)?),
            }
        }
        if spec.slow.is_some() && spec.latency.is_none() {
            return Err(FaultSpecError::SlowWithoutLatency);
        }
        Ok(spec)
    }
}

/// `1/N` with N ≥ 1.
fn parse_rate(value: &str) -> Option<OneIn> {
    let (one, n) = value.split_once('/')?;
    if one.trim() != "1" || !is_digits(n.trim()) {
        return None;
    }
    OneIn::new(n.trim().parse().ok()?)
}

/// `300ms` or `2s` / `1.5s`, to the millisecond, so that Display gives it back exactly.
fn parse_duration(value: &str) -> Option<Duration> {
    let (number, per_unit, max_decimals) = if let Some(number) = value.strip_suffix("ms") {
        (number, 1, 0)
    } else if let Some(number) = value.strip_suffix('s') {
        (number, 1000, 3)
    } else {
        return None;
    };
    let (whole, decimals) = match number.split_once('.') {
        Some((whole, decimals)) if !decimals.is_empty() => (whole, decimals),
        Some(_) => return None,
        None => (number, ""),
    };
    if !is_digits(whole) || decimals.len() > max_decimals {
        return None;
    }
    if !decimals.is_empty() && !is_digits(decimals) {
        return None;
    }
    let fraction: u64 = if decimals.is_empty() {
        0
    } else {
        // "5" of "1.5s" is 500 ms.
        format!("{decimals:0<3}").parse().ok()?
    };
    let ms = whole
        .parse::<u64>()
        .ok()?
        .checked_mul(per_unit)?
        .checked_add(fraction)?;
    Some(Duration::from_millis(ms))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whole seconds as `2s`, anything else as milliseconds (parsing keeps no finer part).
fn format_duration(duration: Duration) -> String {
    let ms = duration.as_millis();
    if ms > 0 && ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut items = Vec::new();
        if let Some(latency) = self.latency {
            items.push(format!("{}={}", Key::Latency, format_duration(latency)));
        }
        if let Some(rate) = self.slow {
            items.push(format!("{}={rate}", Key::Slow));
        }
        if let Some(rate) = self.fail {
            items.push(format!("{}={rate}", Key::Fail));
        }
        if let Some(rate) = self.bad_body {
            items.push(format!("{}={rate}", Key::BadBody));
        }
        if let Some(rate) = self.cut {
            items.push(format!("{}={rate}", Key::Cut));
        }
        if self.lose_answer {
            items.push(Key::LoseAnswer.to_string());
        }
        if items.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&items.join(","))
        }
    }
}

impl FaultSpec {
    /// Whether no fault is on.
    pub fn is_none(&self) -> bool {
        *self == FaultSpec::default()
    }

    /// What happens to request number `request` (from 1), a mutation or not.
    pub fn plan(&self, request: u64, is_mutation: bool) -> Plan {
        let hit = if self.fail.is_some_and(|r| r.hits(request)) {
            Some(Fault::Fail)
        } else if self.bad_body.is_some_and(|r| r.hits(request)) {
            Some(Fault::BadBody)
        } else {
            None
        };
        if hit.is_none() && self.cut.is_some_and(|r| r.hits(request)) {
            return Plan::Cut;
        }
        if !(self.lose_answer && is_mutation) {
            return hit.map_or(Plan::Pass, Plan::Before);
        }
        match hit {
            Some(fault) => Plan::After(fault),
            None if self.fail.is_some() || self.bad_body.is_some() => Plan::Pass,
            None => Plan::After(Fault::Fail),
        }
    }
}

/// The faults of a running server: its spec, changeable while it runs, and the number of
/// POST requests seen since it started or the spec was last set.
#[derive(Debug, Default)]
pub struct Faults {
    spec: RwLock<FaultSpec>,
    requests: AtomicU64,
    /// Requests numbered as they arrive, for `slow`.
    arriving: AtomicU64,
    /// Requests that reached the server since it started, latency or not: a test waits
    /// on it to know a request is under way.
    arrived: tokio::sync::watch::Sender<u64>,
}

impl Faults {
    pub fn new(spec: FaultSpec) -> Faults {
        Faults {
            spec: RwLock::new(spec),
            ..Faults::default()
        }
    }

    /// A request reached the server.
    pub fn arrive(&self) {
        self.arrived.send_modify(|n| *n += 1);
    }

    /// How many requests reached the server so far.
    pub fn arrivals(&self) -> u64 {
        *self.arrived.borrow()
    }

    /// Resolves once `n` requests in all have reached the server.
    pub async fn arrived(&self, n: u64) {
        let mut seen = self.arrived.subscribe();
        // The sender lives as long as `self`: waiting cannot fail.
        let _ = seen.wait_for(|count| *count >= n).await;
    }

    /// Replaces the spec and counts requests from 1 again.
    pub fn set(&self, spec: FaultSpec) {
        // Under the write lock, so no request is counted against the old spec after this.
        let mut current = self.spec.write().unwrap_or_else(PoisonError::into_inner);
        *current = spec;
        self.requests.store(0, Ordering::SeqCst);
        self.arriving.store(0, Ordering::SeqCst);
    }

    pub fn spec(&self) -> FaultSpec {
        self.spec
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How long the request arriving now waits, if at all.
    pub fn delay(&self) -> Option<Duration> {
        let spec = self.spec.read().unwrap_or_else(PoisonError::into_inner);
        let request = self.arriving.fetch_add(1, Ordering::SeqCst) + 1;
        spec.latency
            .filter(|_| spec.slow.is_none_or(|rate| rate.hits(request)))
    }

    /// Counts one more request and says what happens to it.
    pub fn strike(&self, is_mutation: bool) -> Plan {
        let spec = self.spec.read().unwrap_or_else(PoisonError::into_inner);
        let request = self.requests.fetch_add(1, Ordering::SeqCst) + 1;
        spec.plan(request, is_mutation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(s: &str) -> FaultSpec {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn error(s: &str) -> String {
        match s.parse::<FaultSpec>() {
            Ok(spec) => panic!("{s} parsed as {spec:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn good_specs_parse_and_come_back_through_display() {
        let full = spec("latency=300ms,fail=1/5,bad-body=1/7,cut=1/3,lose-answer");
        assert_eq!(
            full,
            FaultSpec {
                latency: Some(Duration::from_millis(300)),
                slow: None,
                fail: OneIn::new(5),
                bad_body: OneIn::new(7),
                cut: OneIn::new(3),
                lose_answer: true,
            }
        );
        assert_eq!(full.to_string().parse::<FaultSpec>(), Ok(full.clone()));
        assert_eq!(spec("latency=2s").latency, Some(Duration::from_secs(2)));
        assert_eq!(
            spec("latency=1.5s").latency,
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            spec("latency=0.25s").latency,
            Some(Duration::from_millis(250))
        );
        // Order and spaces do not matter.
        assert_eq!(
            spec(" lose-answer , fail = 1/5 "),
            spec("fail=1/5,lose-answer")
        );
        assert!(spec("").is_none());
        assert!(spec("none").is_none());
        assert_eq!(FaultSpec::default().to_string(), "none");
        for (given, shown) in [
            ("latency=300ms,fail=1/5,bad-body=1/7,lose-answer", None),
            ("latency=1.5s", Some("latency=1500ms")),
            ("latency=2000ms", Some("latency=2s")),
            ("latency=0ms", None),
            ("fail=1/1", None),
            ("lose-answer,bad-body=1/3", Some("bad-body=1/3,lose-answer")),
            ("none", None),
        ] {
            let parsed = spec(given);
            let text = parsed.to_string();
            assert_eq!(text, shown.unwrap_or(given));
            assert_eq!(spec(&text), parsed, "{given} round trip");
        }
    }

    #[test]
    fn bad_specs_name_the_bad_part_and_what_is_accepted() {
        for (given, mentions) in [
            (
                "jitter=5ms",
                vec!["`jitter=5ms`", "latency=DUR", "fail=1/N", "lose-answer"],
            ),
            ("fail=0/5", vec!["`fail=0/5`", "1/N"]),
            ("fail=2/5", vec!["`fail=2/5`", "1/N"]),
            ("fail=1/0", vec!["`fail=1/0`", "1/N"]),
            ("bad-body=half", vec!["`bad-body=half`", "1/N"]),
            ("latency=fast", vec!["`latency=fast`", "300ms", "1.5s"]),
            ("latency=300", vec!["`latency=300`", "ms"]),
            ("latency=1.5ms", vec!["`latency=1.5ms`", "ms"]),
            ("latency=-1s", vec!["`latency=-1s`"]),
            ("latency=0.0001s", vec!["`latency=0.0001s`", "3 decimals"]),
            ("fail=1/2,fail=1/3", vec!["`fail` is given twice"]),
            (
                "lose-answer,lose-answer",
                vec!["`lose-answer` is given twice"],
            ),
            ("lose-answer=3", vec!["`lose-answer=3`", "takes no value"]),
            ("latency", vec!["`latency` needs a value", "latency=DUR"]),
            ("fail=1/2,,lose-answer", vec!["empty item", "accepted"]),
            ("none,fail=1/2", vec!["`none` stands alone"]),
        ] {
            let message = error(given);
            for mention in mentions {
                assert!(message.contains(mention), "{given}: {message}");
            }
        }
    }

    #[test]
    fn fail_wins_over_bad_body_on_the_same_request() {
        let faults = Faults::new(spec("fail=1/3,bad-body=1/2"));
        let plans: Vec<Plan> = (1..=6).map(|_| faults.strike(false)).collect();
        use Fault::*;
        assert_eq!(
            plans,
            [
                Plan::Pass,
                Plan::Before(BadBody),
                Plan::Before(Fail),
                Plan::Before(BadBody),
                Plan::Pass,
                Plan::Before(Fail),
            ]
        );
        // The same for mutations: without lose-answer they are refused before running.
        let mutations: Vec<Plan> = (7..=12).map(|k| faults.spec().plan(k, true)).collect();
        assert_eq!(mutations, plans);
    }

    #[test]
    fn lose_answer_turns_a_hit_on_a_mutation_into_a_lost_answer() {
        let every = spec("lose-answer");
        assert_eq!(every.plan(1, true), Plan::After(Fault::Fail));
        assert_eq!(every.plan(2, true), Plan::After(Fault::Fail));
        assert_eq!(every.plan(1, false), Plan::Pass, "queries are left alone");
        let rated = spec("fail=1/2,bad-body=1/3,lose-answer");
        assert_eq!(rated.plan(1, true), Plan::Pass);
        assert_eq!(rated.plan(2, true), Plan::After(Fault::Fail));
        assert_eq!(rated.plan(3, true), Plan::After(Fault::BadBody));
        assert_eq!(rated.plan(2, false), Plan::Before(Fault::Fail));
        assert_eq!(rated.plan(3, false), Plan::Before(Fault::BadBody));
        assert_eq!(FaultSpec::default().plan(1, true), Plan::Pass);
    }

    #[test]
    fn slow_delays_one_request_in_n_as_they_arrive_and_needs_a_latency() {
        let slow = spec("latency=2s,slow=1/3");
        assert_eq!(slow.to_string(), "latency=2s,slow=1/3");
        let faults = Faults::new(slow);
        let delays: Vec<bool> = (0..6).map(|_| faults.delay().is_some()).collect();
        assert_eq!(delays, [false, false, true, false, false, true]);
        let every = Faults::new(spec("latency=2s"));
        assert!((0..3).all(|_| every.delay() == Some(Duration::from_secs(2))));
        assert_eq!(
            "slow=1/3".parse::<FaultSpec>(),
            Err(FaultSpecError::SlowWithoutLatency)
        );
    }

    #[test]
    fn set_replaces_the_spec_and_counts_from_one_again() {
        let faults = Faults::new(spec("fail=1/2"));
        assert_eq!(faults.strike(false), Plan::Pass);
        faults.set(spec("fail=1/2"));
        assert_eq!(faults.strike(false), Plan::Pass, "request 1 again");
        assert_eq!(faults.strike(false), Plan::Before(Fault::Fail));
        faults.set(FaultSpec::default());
        assert_eq!(faults.strike(false), Plan::Pass);
        assert_eq!(faults.strike(false), Plan::Pass);
    }
}
