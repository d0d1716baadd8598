//! Values of the contract's enums given on the command line (`--status`, `--role`,
//! `--language`): checked alike in both dialects before anything is sent — a typo
//! refused with the nearest name, any other name sent as given for a newer server to
//! judge — and the server's refusal of such a value told as a usage error.

use super::Failure;
use crate::api::error::{ApiError, RESOURCE_NOT_FOUND, UNAUTHORIZED};
use crate::text::sanitize;

/// An enum value as given on the command line, as the API names it (upper-case): a
/// known one in any case; a likely typo of one is refused with the nearest ("did you
/// mean"); any other name is sent as it is — a newer server may have it, and its refusal
/// is a usage error too (see [`refused_value`]).
pub(super) fn enum_value(flag: &str, text: &str, known: &[String]) -> Result<String, Failure> {
    let text = text.trim();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    if let Some(near) = crate::text::typo_of(text, &known) {
        return Err(Failure::usage(format!(
            "{flag} {text:?}: did you mean {near}? (the contract knows {})",
            known.join(", ")
        )));
    }
    let name_like = !text.is_empty()
        && text.len() <= 64
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !name_like {
        return Err(Failure::usage(format!(
            "{flag} {text:?}: not a name (the contract knows {})",
            known.join(", ")
        )));
    }
    Ok(text.to_uppercase())
}

/// Whether the server's `message` names the value of `flag` (`--language ES`): the
/// refusal is of that value, not of something else the request held.
fn names_value(message: &str, flag: &str) -> bool {
    let value = flag.rsplit(' ').next().unwrap_or(flag);
    message.to_uppercase().contains(&value.to_uppercase())
}

/// A server's refusal of a value the contract lacks, sent as given: a usage error with
/// the server's message (exit 2), not a failure of the server.
pub(super) fn refused_value(e: ApiError, given: &[String]) -> Failure {
    match &e {
        ApiError::GraphQl { code, message, .. }
            if given.iter().any(|flag| names_value(message, flag))
                && !matches!(code.as_deref(), Some(UNAUTHORIZED | RESOURCE_NOT_FOUND)) =>
        {
            Failure::usage(format!(
                "the server refused {}: {}",
                given.join(", "),
                sanitize(&e.to_string())
            ))
        }
        _ => Failure::from(e),
    }
}
