//! What can go wrong talking to a GraphQL API, kept apart so that each gets a message an
//! operator understands. No variant ever holds the bearer token.

use std::fmt;

/// Why a request did not reach an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// Nothing listens there, or the connection was refused or reset before sending.
    Connect,
    /// The host name does not resolve.
    Dns,
    /// TLS failed (certificate, protocol).
    Tls,
    /// No answer within the timeout.
    Timeout,
    /// Anything else on the way.
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "cannot connect",
            TransportKind::Dns => "cannot resolve the host name",
            TransportKind::Tls => "TLS failed",
            TransportKind::Timeout => "timed out",
            TransportKind::Other => "the request failed",
        })
    }
}

/// An error from an operation, naming the operation it came from.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The server answered with a GraphQL error.
    #[error("{operation}: {message}{}", code.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default())]
    GraphQl {
        operation: String,
        code: Option<String>,
        message: String,
    },
    /// The server answered with an HTTP status that is not a GraphQL response.
    #[error("{operation}: the server answered HTTP {status}{}", reason.as_deref().map(|r| format!(" {r}")).unwrap_or_default())]
    Http {
        operation: String,
        status: u16,
        reason: Option<String>,
    },
    /// The request did not get an answer.
    #[error("{operation}: {kind}: {detail}")]
    Transport {
        operation: String,
        kind: TransportKind,
        detail: String,
    },
    /// The answer is not a GraphQL response of the expected shape.
    #[error("{operation}: the answer is not a GraphQL response: {detail}")]
    NotGraphQl { operation: String, detail: String },
    /// The client refused before sending anything.
    #[error("{0}")]
    Refused(String),
}

pub const UNAUTHORIZED: &str = "UNAUTHORIZED";
pub const RESOURCE_NOT_FOUND: &str = "RESOURCE_NOT_FOUND";
pub const INVALID_ARGUMENTS: &str = "INVALID_ARGUMENTS";

impl ApiError {
    /// The GraphQL error code, if the server sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::GraphQl { code, .. } => code.as_deref(),
            // A proxy or gateway refusing the token answers in plain HTTP.
            ApiError::Http {
                status: 401 | 403, ..
            } => Some(UNAUTHORIZED),
            _ => None,
        }
    }

    pub fn is_code(&self, code: &str) -> bool {
        self.code() == Some(code)
    }

    /// Whether trying a read again may help: no answer, a server error, or a body that is
    /// not GraphQL (a proxy's error page, a cut answer).
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Transport { .. } | ApiError::NotGraphQl { .. } => true,
            ApiError::Http { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// Whether the request certainly never reached the server, so even a mutation may be
    /// sent again.
    pub fn never_sent(&self) -> bool {
        matches!(
            self,
            ApiError::Transport {
                kind: TransportKind::Connect | TransportKind::Dns,
                ..
            }
        )
    }

    /// Whether a mutation that got this error may still have been applied: it may have
    /// reached the server, and no answer says what became of it.
    pub fn may_have_applied(&self) -> bool {
        match self {
            ApiError::Transport { .. } => !self.never_sent(),
            ApiError::Http { status, .. } => *status >= 500,
            ApiError::NotGraphQl { .. } => true,
            ApiError::GraphQl { .. } | ApiError::Refused(_) => false,
        }
    }

    /// A transport failure, classified from reqwest's error and its causes.
    pub fn transport(operation: &str, error: &reqwest::Error) -> ApiError {
        let mut causes = Vec::new();
        let mut source: Option<&dyn std::error::Error> = Some(error);
        while let Some(e) = source {
            causes.push(e.to_string());
            source = e.source();
        }
        let all = causes.join(": ").to_lowercase();
        let kind = if error.is_timeout() {
            TransportKind::Timeout
        } else if all.contains("dns") || all.contains("lookup") || all.contains("resolve") {
            TransportKind::Dns
        } else if all.contains("tls") || all.contains("certificate") || all.contains("handshake") {
            TransportKind::Tls
        } else if error.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Other
        };
        // The innermost cause says most; reqwest's own text repeats the URL.
        let detail = causes.last().cloned().unwrap_or_default();
        ApiError::Transport {
            operation: operation.to_string(),
            kind,
            detail,
        }
    }
}
