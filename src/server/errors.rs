//! GraphQL errors the embedded server answers with, each carrying `extensions.code`.

use async_graphql::{Error, ErrorExtensions, ServerError};

/// The codes both contracts define.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Unauthorized,
    ResourceNotFound,
    InvalidArguments,
    InternalServerError,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Unauthorized => "UNAUTHORIZED",
            Code::ResourceNotFound => "RESOURCE_NOT_FOUND",
            Code::InvalidArguments => "INVALID_ARGUMENTS",
            Code::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }
}

/// An error for a resolver to return.
pub fn error(code: Code, message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, ext| ext.set("code", code.as_str()))
}

pub fn not_found(message: impl Into<String>) -> Error {
    error(Code::ResourceNotFound, message)
}

pub fn invalid(message: impl Into<String>) -> Error {
    error(Code::InvalidArguments, message)
}

pub fn internal(message: impl Into<String>) -> Error {
    error(Code::InternalServerError, message)
}

/// A database failure, logged in full and answered without SQL details.
pub fn db(e: rusqlite::Error) -> Error {
    tracing::error!(error = %e, "database error");
    internal("internal database error")
}

/// The whole-request error for a missing or wrong bearer token.
pub fn unauthorized() -> ServerError {
    let mut err = ServerError::new("Unauthorized: a valid bearer token is required", None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", Code::Unauthorized.as_str());
    err.extensions = Some(ext);
    err
}

/// The value of a nullable field: on an error, null and the error beside it, as the seed's
/// example shows (`"data": {"user": null}`). Returning the error instead would drop the
/// field from `data` altogether.
pub fn nullable<T>(
    ctx: &async_graphql::Context<'_>,
    result: async_graphql::Result<Option<T>>,
) -> Option<T> {
    result.unwrap_or_else(|err| {
        ctx.add_error(ctx.set_error_path(err.into_server_error(ctx.item.pos)));
        None
    })
}
