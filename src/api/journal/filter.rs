//! Which entries `userdeck journal` lists: those of this profile and endpoint (unless
//! widened), of an action, in a span of time, or naming a user. An entry is judged by
//! its first line (profile, endpoint, action and time are the same on each), and, for a
//! user, by whether any of its lines names the user's id.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime, Time};

/// What an entry must be to be listed; the default lists every entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only entries sent with this profile to this endpoint.
    pub place: Option<(String, String)>,
    /// Only entries of this action (`block`, `update`, …).
    pub action: Option<String>,
    /// Only entries attempted at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Only entries attempted before this time.
    pub until: Option<OffsetDateTime>,
    /// Only entries that name this user's id.
    pub user: Option<String>,
}

impl Filter {
    /// Whether an entry whose first line is `line` may be listed (the user aside).
    pub fn admits(&self, line: &Value) -> bool {
        let text = |key: &str| line[key].as_str().unwrap_or_default();
        if let Some((profile, endpoint)) = &self.place
            && (text("profile") != profile || text("endpoint") != endpoint)
        {
            return false;
        }
        if self.action.as_deref().is_some_and(|a| a != text("action")) {
            return false;
        }
        if self.since.is_some() || self.until.is_some() {
            let Ok(at) = OffsetDateTime::parse(text("time"), &Rfc3339) else {
                return false;
            };
            if self.since.is_some_and(|since| at < since) || self.until.is_some_and(|u| at >= u) {
                return false;
            }
        }
        true
    }

    /// Whether `line` names the user looked for.
    pub fn names_user(&self, line: &Value) -> bool {
        let Some(user) = &self.user else {
            return true;
        };
        line["ids"]
            .as_array()
            .is_some_and(|ids| ids.iter().any(|id| id.as_str() == Some(user)))
            || line["detail"]["user"]["id"].as_str() == Some(user)
    }
}

impl Filter {
    /// Whether an outcome (or settling) `line` tells what became of the user looked for.
    pub fn told_user(&self, line: &Value) -> bool {
        let Some(user) = &self.user else {
            return false;
        };
        let named = |id: &Value| id.as_str() == Some(user) || id["id"].as_str() == Some(user);
        ["succeeded", "failed", "unknown", "notSent"]
            .iter()
            .any(|class| {
                line[class]
                    .as_array()
                    .is_some_and(|ids| ids.iter().any(named))
            })
    }
}

/// A time as `--since` and `--until` take it, against `now`: RFC 3339
/// (`2026-12-06T10:00:00Z`), a day (`2026-12-06`, from its midnight UTC), or an age
/// (`90m`, `24h`, `7d`: that long before now).
pub fn parse_time(text: &str, now: OffsetDateTime) -> Result<OffsetDateTime, String> {
    let text = text.trim();
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(at);
    }
    let day = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(date) = Date::parse(text, &day) {
        return Ok(date.with_time(Time::MIDNIGHT).assume_utc());
    }
    let unit_at = text.len().saturating_sub(1);
    if let (Some(number), Some(unit)) = (text.get(..unit_at), text.get(unit_at..))
        && let Ok(n) = number.parse::<i64>()
        && n >= 0
    {
        let age = match unit {
            "m" => Duration::minutes(n),
            "h" => Duration::hours(n),
            "d" => Duration::days(n),
            _ => return Err(bad_time(text)),
        };
        return now.checked_sub(age).ok_or_else(|| bad_time(text));
    }
    Err(bad_time(text))
}

fn bad_time(text: &str) -> String {
    format!(
        "{:?} is not a time: give 2026-12-06T10:00:00Z, a day (2026-12-06) or an age (90m, 24h, 7d)",
        crate::text::fit(&crate::text::sanitize(text), 40)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_taken_as_rfc3339_a_day_or_an_age() {
        let now = OffsetDateTime::parse("2026-12-06T12:00:00Z", &Rfc3339).unwrap();
        let at = |text| parse_time(text, now).map(|t| t.format(&Rfc3339).unwrap());
        assert_eq!(
            at("2026-12-01T08:30:00+01:00").unwrap(),
            "2026-12-01T08:30:00+01:00"
        );
        assert_eq!(at("2026-12-05").unwrap(), "2026-12-05T00:00:00Z");
        assert_eq!(at("90m").unwrap(), "2026-12-06T10:30:00Z");
        assert_eq!(at("7d").unwrap(), "2026-11-29T12:00:00Z");
        assert!(at("yesterday").unwrap_err().contains("not a time"));
        assert!(at("5w").is_err() && at("-3h").is_err());
    }

    #[test]
    fn an_entry_is_judged_by_its_place_action_and_time() {
        let line = serde_json::json!({
            "time": "2026-12-06T10:00:00.5Z", "profile": "prod", "endpoint": "http://x",
            "action": "block", "ids": ["u1", "u2"]
        });
        let now = OffsetDateTime::now_utc();
        let time = |t| Some(parse_time(t, now).unwrap());
        assert!(Filter::default().admits(&line));
        let here = Filter {
            place: Some(("prod".into(), "http://x".into())),
            action: Some("block".into()),
            since: time("2026-12-06"),
            until: time("2026-12-07"),
            user: Some("u2".into()),
        };
        assert!(here.admits(&line) && here.names_user(&line));
        for other in [
            Filter {
                place: Some(("prod".into(), "http://y".into())),
                ..Filter::default()
            },
            Filter {
                action: Some("activate".into()),
                ..Filter::default()
            },
            Filter {
                since: time("2026-12-06T10:00:01Z"),
                ..Filter::default()
            },
            Filter {
                until: time("2026-12-06T10:00:00Z"),
                ..Filter::default()
            },
        ] {
            assert!(!other.admits(&line), "{other:?}");
        }
        let someone_else = Filter {
            user: Some("u3".into()),
            ..Filter::default()
        };
        assert!(!someone_else.names_user(&line));
    }
}
