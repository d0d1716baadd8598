//! The custom scalars of the contracts: DateTime, UUID and JSONString.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::errors::invalid;

/// An instant, stored as milliseconds since the Unix epoch and sent as
/// `2026-11-22T08:15:00.000Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime(pub i64);

impl DateTime {
    pub fn now() -> DateTime {
        DateTime((OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64)
    }

    /// Parses an ISO-8601 (RFC 3339) date-time with offset.
    pub fn parse_iso(text: &str) -> Option<DateTime> {
        OffsetDateTime::parse(text, &Rfc3339)
            .ok()
            .map(|at| DateTime((at.unix_timestamp_nanos() / 1_000_000) as i64))
    }

    /// The ISO-8601 text of this instant, in UTC with milliseconds.
    pub fn to_iso(self) -> String {
        let at = OffsetDateTime::from_unix_timestamp_nanos(self.0 as i128 * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let (y, mo, d) = (at.year(), at.month() as u8, at.day());
        let (h, mi, s, ms) = (at.hour(), at.minute(), at.second(), at.millisecond());
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
    }
}

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => DateTime::parse_iso(s)
                .ok_or_else(|| InputValueError::custom("not an ISO-8601 date-time with offset")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.to_iso())
    }
}

/// A UUID as the client sent it. Parsing accepts any string so that the resolver can
/// answer a malformed one with INVALID_ARGUMENTS naming it (see [`Uuid::checked`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uuid(pub String);

impl Uuid {
    /// The canonical lower-case hyphenated form, or INVALID_ARGUMENTS.
    pub fn checked(&self) -> async_graphql::Result<String> {
        uuid::Uuid::parse_str(&self.0)
            .map(|u| u.hyphenated().to_string())
            .map_err(|_| invalid(format!("\"{}\" is not a UUID", self.0.escape_debug())))
    }
}

#[Scalar(name = "UUID")]
impl ScalarType for Uuid {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(Uuid(s)),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// A JSON object serialised as a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonString(pub String);

impl JsonString {
    /// The text, if it holds a JSON object; INVALID_ARGUMENTS otherwise.
    pub fn checked(&self, field: &str) -> async_graphql::Result<String> {
        match serde_json::from_str::<serde_json::Value>(&self.0) {
            Ok(serde_json::Value::Object(_)) => Ok(self.0.clone()),
            _ => Err(invalid(format!(
                "{field} must be a JSON object serialised as a string"
            ))),
        }
    }
}

#[Scalar(name = "JSONString")]
impl ScalarType for JsonString {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(JsonString(s)),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_is_iso_utc_with_millis() {
        assert_eq!(DateTime(0).to_iso(), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            DateTime(1_795_335_300_123).to_iso(),
            "2026-11-22T08:15:00.123Z"
        );
    }

    #[test]
    fn uuid_is_checked_and_canonical() {
        let ok = Uuid("8E1B6A2C-0B6F-4F1E-9C4B-2A7E5D0C9F11".into());
        assert_eq!(
            ok.checked().unwrap(),
            "8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11"
        );
        assert!(Uuid("uuid-hier".into()).checked().is_err());
    }
}
