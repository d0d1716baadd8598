//! The HTTP side of the server: POST /graphql behind the bearer token (and the injected
//! faults); on GET, a page of our own on how to query it, and the schema as SDL.

use std::sync::Arc;

use async_graphql::parser::types::OperationType;
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

use super::crm::{self, CrmSchema};
use super::db::Db;
use super::errors;
use super::faults::{Fault, Faults, Plan};
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
    /// What the schema answers from (read directly by training's plain list).
    db: Db,
    token: Option<String>,
    /// A header (name, value) every POST must carry.
    required: Option<(String, String)>,
    faults: Arc<Faults>,
    /// What GET /graphql answers: [`help_page`], made once.
    page: Bytes,
    /// What GET /graphql/schema answers: the schema in SDL, made once.
    sdl: Bytes,
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

pub fn router(
    dialect: Dialect,
    db: Db,
    token: Option<String>,
    required: Option<(String, String)>,
    faults: Arc<Faults>,
) -> Router {
    let (schema, sdl) = match dialect {
        Dialect::Crm => {
            let schema = crm::schema(db.clone());
            let sdl = schema.sdl();
            (DialectSchema::Crm(schema), sdl)
        }
        Dialect::Training => {
            let schema = training::schema(db.clone());
            let sdl = schema.sdl();
            (DialectSchema::Training(schema), sdl)
        }
    };
    Router::new()
        .route("/", get(|| async { Redirect::to("/graphql") }))
        .route("/graphql", get(page).post(graphql))
        .route("/graphql/schema", get(schema_sdl))
        .with_state(AppState {
            schema,
            db,
            token,
            required,
            faults,
            page: Bytes::from(help_page(dialect)),
            sdl: Bytes::from(sdl),
        })
}

/// How to query the endpoint, with an example in the dialect's words. A page of our own
/// rather than GraphiQL, which loads its code from a CDN: blank offline, and third-party
/// code on the page where a token is typed.
fn help_page(dialect: Dialect) -> String {
    let query = match dialect {
        Dialect::Crm => "{ users(limit: 3) { count data { id username email status } } }",
        Dialect::Training => "{ users(active: true) { id name email roles } }",
    };
    include_str!("../../assets/graphql.html")
        .replace("{{dialect}}", dialect.as_str())
        .replace("{{query}}", query)
}

async fn page(State(state): State<AppState>) -> Html<Bytes> {
    Html(state.page)
}

/// Without the token, as the page is: the contract is public (schema/ in the
/// repository); the data behind it is not.
async fn schema_sdl(State(state): State<AppState>) -> Response {
    ([(CONTENT_TYPE, "text/plain; charset=utf-8")], state.sdl).into_response()
}

/// Every POST, even one whose body is not a GraphQL request, is slowed and counted by
/// the faults before anything else looks at it.
async fn graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    state.faults.arrive();
    if let Some(latency) = state.faults.delay() {
        tokio::time::sleep(latency).await;
    }
    let mut request = request.map(GraphQLRequest::into_inner);
    let is_mutation = request.as_mut().is_ok_and(is_mutation);
    match state.faults.strike(is_mutation) {
        Plan::Pass => answer(&state, &headers, request).await,
        Plan::Before(fault) => fault_response(fault),
        Plan::After(fault) => {
            // Applied, then the answer is lost on the way back.
            drop(answer(&state, &headers, request).await);
            fault_response(fault)
        }
        Plan::Cut => cut_short(answer(&state, &headers, request).await).await,
    }
}

/// `response` with only the first half of its body sent, and then the connection closed
/// (an error in the body's stream makes hyper end it mid-body).
async fn cut_short(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let body =
        futures_util::stream::iter([Ok(half), Err(std::io::Error::other("injected fault: cut"))]);
    Response::from_parts(parts, axum::body::Body::from_stream(body))
}

async fn answer(
    state: &AppState,
    headers: &HeaderMap,
    request: Result<async_graphql::Request, GraphQLRejection>,
) -> Response {
    let request = match request {
        Ok(request) => request,
        Err(rejection) => return rejection.into_response(),
    };
    if let Some((name, value)) = &state.required
        && !headers
            .get(name.as_str())
            .is_some_and(|v| constant_time_eq(v.as_bytes(), value.as_bytes()))
    {
        // As a gateway before the API answers: in plain HTTP.
        return (StatusCode::FORBIDDEN, format!("missing header {name}")).into_response();
    }
    if !state.authorized(headers) {
        return GraphQLResponse::from(async_graphql::Response::from_errors(vec![
            errors::unauthorized(),
        ]))
        .into_response();
    }
    let response = match &state.schema {
        DialectSchema::Crm(schema) => schema.execute(request).await,
        DialectSchema::Training(schema) => {
            let mut request = request;
            let (name, variables) = (request.operation_name.clone(), request.variables.clone());
            let listing = request.parsed_query().ok().and_then(|document| {
                training::list::recognise(document, name.as_deref(), &variables)
            });
            if let Some(listing) = listing {
                return training::list::respond(state.db.clone(), listing);
            }
            schema.execute(request).await
        }
    };
    GraphQLResponse::from(response).into_response()
}

fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::Fail => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "injected fault: internal server error",
        )
            .into_response(),
        Fault::BadBody => (StatusCode::OK, Html("<html>upstream hiccup</html>")).into_response(),
    }
}

/// Whether the operation `request` would run is a mutation: the one named by its
/// operation name, else its only one. Not when the document does not parse or names no
/// such operation (execution then answers with the error). The parsed document is kept
/// in the request, so it is not parsed twice.
fn is_mutation(request: &mut async_graphql::Request) -> bool {
    let wanted = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return false;
    };
    let mut operations = document.operations.iter();
    let operation = match wanted.as_deref() {
        Some(wanted) => operations
            .find(|(name, _)| name.is_some_and(|name| name.as_str() == wanted))
            .map(|(_, op)| op),
        None => match (operations.next(), operations.next()) {
            (Some((_, op)), None) => Some(op),
            _ => None,
        },
    };
    operation.is_some_and(|op| op.node.ty == OperationType::Mutation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_know_a_mutation_by_the_operation_that_would_run() {
        let check = |query: &str, name: Option<&str>| {
            let mut request = async_graphql::Request::new(query);
            if let Some(name) = name {
                request = request.operation_name(name);
            }
            is_mutation(&mut request)
        };
        assert!(check("mutation { blockUsers(ids: []) }", None));
        assert!(check("mutation Block { blockUsers(ids: []) }", None));
        assert!(!check("{ users { count } }", None));
        assert!(!check("query Users { users { count } }", None));
        let both = "query Users { users { count } } mutation Block { blockUsers(ids: []) }";
        assert!(check(both, Some("Block")));
        assert!(!check(both, Some("Users")));
        assert!(!check(both, None), "no operation would run");
        assert!(!check(both, Some("Other")));
        assert!(!check("mutation {", None), "does not parse");
    }
}
