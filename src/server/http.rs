//! The HTTP side of the server: POST /graphql behind the bearer token, GraphiQL on GET.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::get;

use super::crm::{self, CrmSchema};
use super::db::Db;
use super::errors;
use super::training::{self, TrainingSchema};
use crate::dialect::Dialect;

#[derive(Clone)]
enum DialectSchema {
    Crm(CrmSchema),
    Training(TrainingSchema),
}

#[derive(Clone)]
struct AppState {
    schema: DialectSchema,
    token: Option<String>,
}

impl AppState {
    /// Whether the request carries the bearer token (always, when none is set).
    fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(expected) = &self.token else {
            return true;
        };
        let given = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        given.is_some_and(|given| constant_time_eq(given.as_bytes(), expected.as_bytes()))
    }
}

/// Compares without stopping at the first difference, so timing does not reveal a prefix.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn router(dialect: Dialect, db: Db, token: Option<String>) -> Router {
    let schema = match dialect {
        Dialect::Crm => DialectSchema::Crm(crm::schema(db)),
        Dialect::Training => DialectSchema::Training(training::schema(db)),
    };
    Router::new()
        .route("/", get(|| async { Redirect::to("/graphql") }))
        .route("/graphql", get(graphiql).post(graphql))
        .with_state(AppState { schema, token })
}

async fn graphiql() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").finish())
}

async fn graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> GraphQLResponse {
    if !state.authorized(&headers) {
        return async_graphql::Response::from_errors(vec![errors::unauthorized()]).into();
    }
    let request = request.into_inner();
    match &state.schema {
        DialectSchema::Crm(schema) => schema.execute(request).await.into(),
        DialectSchema::Training(schema) => schema.execute(request).await.into(),
    }
}
