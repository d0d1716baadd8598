//! A GraphQL answer's envelope before its data is read: its errors, and what a body that
//! is no GraphQL answer is said to be.

use serde::Deserialize;

use super::ApiError;

/// A GraphQL response before its data is decoded.
#[derive(Deserialize)]
pub(super) struct RawResponse {
    /// Kept as the bytes it came in: each query parses it straight into its own types,
    /// with no `Value` tree in between (a million training users' answer is 231 MB).
    pub(super) data: Option<Box<serde_json::value::RawValue>>,
    pub(super) errors: Option<Vec<RawError>>,
}

#[derive(Deserialize)]
pub(super) struct RawError {
    pub(super) message: Option<String>,
    pub(super) extensions: Option<serde_json::Value>,
    /// Where in `data` it happened: the first element names the (aliased) field.
    pub(super) path: Option<Vec<serde_json::Value>>,
}

impl RawResponse {
    /// The answer's failure, when it holds errors: the first, counting the others.
    pub(super) fn failure(&self, operation: &str) -> Option<ApiError> {
        let errors = self.errors.as_ref().filter(|e| !e.is_empty())?;
        Some(errors[0].to_api(operation, errors.len() - 1))
    }
}

impl RawError {
    /// This error as an [`ApiError`] of `operation`.
    pub(super) fn to_api(&self, operation: &str, more: usize) -> ApiError {
        let mut message = self
            .message
            .clone()
            .unwrap_or_else(|| "error without a message".into());
        if more > 0 {
            message.push_str(&format!(" (and {more} more errors)"));
        }
        let code = self
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .and_then(|c| c.as_str())
            .map(str::to_string);
        ApiError::GraphQl {
            operation: operation.to_string(),
            code,
            message,
        }
    }

    /// The top-level field (or alias) it belongs to, if it names one.
    pub(super) fn field(&self) -> Option<&str> {
        self.path.as_ref()?.first()?.as_str()
    }
}

/// The GraphQL envelope of an answer of `status` whose body is `body`, or why it is none.
pub(super) fn read_envelope(
    name: &str,
    status: reqwest::StatusCode,
    body: &[u8],
) -> Result<RawResponse, ApiError> {
    let raw: Option<RawResponse> = serde_json::from_slice(body).ok();
    match raw.filter(|r| r.data.is_some() || r.errors.is_some()) {
        Some(raw) => Ok(raw),
        None if !status.is_success() => Err(ApiError::Http {
            operation: name.to_string(),
            status: status.as_u16(),
            reason: status.canonical_reason().map(str::to_string),
        }),
        None => Err(ApiError::NotGraphQl {
            operation: name.to_string(),
            detail: describe_body(body),
        }),
    }
}

/// A short, printable description of a body that is not a GraphQL response.
pub(super) fn describe_body(body: &[u8]) -> String {
    if body.is_empty() {
        return "an empty body".into();
    }
    // At most 80 characters, cut between characters (a UTF-8 one is 4 bytes at most).
    let start: Vec<u8> = body.iter().take(4 * 80).copied().collect();
    let text = String::from_utf8_lossy(&start);
    let shown: String = crate::text::head(&text, 80)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("{} bytes starting {:?}", body.len(), shown.trim())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_body_is_described_by_characters_not_bytes() {
        let body = "é".repeat(100);
        let described = super::describe_body(body.as_bytes());
        assert!(described.starts_with("200 bytes starting"), "{described}");
        assert!(described.contains(&"é".repeat(80)) && !described.contains('\u{fffd}'));
    }
}
