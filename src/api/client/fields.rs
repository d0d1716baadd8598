//! A query of many aliased top-level fields (`u0: user(id: $i0) { … } u1: …`), whose
//! answer keeps each field's error beside the others' data: one unknown user does not
//! fail the read of the rest.

use super::{ApiError, Client, Kind, describe_body};
use crate::api::error::UNAUTHORIZED;

/// The answer to a query of many aliased fields, each field's error kept beside the
/// data of the others (one unknown user does not fail the read of the rest).
#[derive(Debug, Default)]
pub struct Fields {
    /// Each top-level field (by alias) and its value.
    pub data: serde_json::Map<String, serde_json::Value>,
    /// The errors of single fields, by alias.
    pub errors: std::collections::HashMap<String, ApiError>,
}

impl Client {
    /// Sends a query of many aliased top-level fields (`document`, with `variables`),
    /// retried like any read. An error on one field is kept beside the others' data; an
    /// error of the whole request (no field named, or the token refused) fails it all.
    pub async fn query_fields(
        &self,
        name: &str,
        document: String,
        variables: serde_json::Value,
    ) -> Result<Fields, ApiError> {
        let body = serde_json::json!({
            "query": document,
            "variables": variables,
            "operationName": name,
        });
        self.retrying(name, Kind::Read, || async {
            let raw = self.exchange(&body, name).await?;
            let mut fields = Fields::default();
            for error in raw.errors.iter().flatten() {
                let api = error.to_api(name, 0);
                match error.field() {
                    Some(field) if !api.is_code(UNAUTHORIZED) => {
                        fields.errors.insert(field.to_string(), api);
                    }
                    _ => {
                        return Err(error.to_api(name, raw.errors.as_ref().map_or(0, Vec::len) - 1));
                    }
                }
            }
            // A few hundred aliased fields: a map of values is small enough here.
            let data = raw
                .data
                .as_deref()
                .map_or("null", serde_json::value::RawValue::get);
            match serde_json::from_str(data) {
                Ok(serde_json::Value::Object(data)) => fields.data = data,
                Ok(serde_json::Value::Null) if !fields.errors.is_empty() => {}
                _ => {
                    return Err(ApiError::NotGraphQl {
                        operation: name.to_string(),
                        detail: format!("unexpected data: {}", describe_body(data.as_bytes())),
                    });
                }
            }
            Ok(fields)
        })
        .await
    }
}
