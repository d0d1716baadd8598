//! The schema the embedded server exports (async-graphql's SDL) is the contract in
//! schema/: the same types, fields, arguments, defaults, enum values and nullability.
//! Descriptions, directives and field order may differ. It serves that SDL on GET
//! /graphql/schema, and on GET /graphql a page of its own on how to query it.

mod common;

use std::collections::BTreeMap;

use async_graphql::Positioned;
use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{InputValueDefinition, TypeKind, TypeSystemDefinition};
use common::TestServer;
use userdeck::dialect::Dialect;
use userdeck::server::crm;
use userdeck::server::db::Db;
use userdeck::server::training;

const BUILT_IN: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];

fn input_value(v: &Positioned<InputValueDefinition>) -> String {
    let v = &v.node;
    match &v.default_value {
        Some(default) => format!("{}: {} = {}", v.name.node, v.ty.node, default.node),
        None => format!("{}: {}", v.name.node, v.ty.node),
    }
}

/// Type name → its members, each as one sorted line.
fn shape(sdl: &str) -> BTreeMap<String, Vec<String>> {
    let document = parse_schema(sdl).unwrap_or_else(|e| panic!("SDL parses: {e}\n{sdl}"));
    let mut types = BTreeMap::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(t) = definition else {
            continue;
        };
        let name = t.node.name.node.to_string();
        if BUILT_IN.contains(&name.as_str()) || name.starts_with("__") {
            continue;
        }
        let mut members: Vec<String> = match &t.node.kind {
            TypeKind::Scalar => vec!["scalar".into()],
            TypeKind::Object(o) => o
                .fields
                .iter()
                .map(|f| {
                    let f = &f.node;
                    let mut args: Vec<String> = f.arguments.iter().map(input_value).collect();
                    args.sort();
                    format!("field {}({}): {}", f.name.node, args.join(", "), f.ty.node)
                })
                .collect(),
            TypeKind::InputObject(i) => i
                .fields
                .iter()
                .map(|f| format!("input {}", input_value(f)))
                .collect(),
            TypeKind::Enum(e) => e
                .values
                .iter()
                .map(|v| format!("value {}", v.node.value.node))
                .collect(),
            TypeKind::Interface(_) => vec!["interface".into()],
            TypeKind::Union(_) => vec!["union".into()],
        };
        members.sort();
        types.insert(name, members);
    }
    types
}

fn assert_same(exported: &str, contract: &str) {
    let (exported, contract) = (shape(exported), shape(contract));
    for (name, members) in &contract {
        assert_eq!(exported.get(name), Some(members), "type {name}");
    }
    let extra: Vec<&String> = exported
        .keys()
        .filter(|k| !contract.contains_key(*k))
        .collect();
    assert!(
        extra.is_empty(),
        "types the contract does not have: {extra:?}"
    );
}

#[test]
fn crm_schema_is_the_contract() {
    let schema = crm::schema(Db::open(None).unwrap());
    assert_same(&schema.sdl(), include_str!("../schema/crm.graphql"));
}

#[test]
fn training_schema_is_the_contract() {
    let schema = training::schema(Db::open(None).unwrap());
    assert_same(&schema.sdl(), include_str!("../schema/training.graphql"));
}

#[test]
fn schema_copies_are_unchanged_from_the_shared_contracts() {
    // ../shared is beside the checkout in CI and on developers' machines; elsewhere the
    // copies stand alone.
    for name in ["crm.graphql", "training.graphql"] {
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/api")
            .join(name);
        if let Ok(original) = std::fs::read_to_string(&shared) {
            let copy = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("schema")
                    .join(name),
            )
            .unwrap();
            assert_eq!(
                copy, original,
                "schema/{name} differs from ../shared/api/{name}"
            );
        }
    }
}

#[test]
fn shape_notices_a_difference() {
    // The comparison itself can fail: nullability, a default and a missing field count.
    let base = "type Query { users(limit: Int = 10): [String!]! }";
    assert_ne!(
        shape(base),
        shape("type Query { users(limit: Int = 11): [String!]! }")
    );
    assert_ne!(
        shape(base),
        shape("type Query { users(limit: Int = 10): [String!] }")
    );
    assert_ne!(
        shape(base),
        shape("type Query { users(limit: Int! = 10): [String!]! }")
    );
    assert_ne!(shape(base), shape("type Query { users: [String!]! }"));
}

/// GET `url`: the body, after checking the status and that the content type starts
/// with `content_type`.
async fn get(url: &str, content_type: &str) -> String {
    let response = reqwest::get(url).await.expect("answered");
    assert_eq!(response.status(), 200, "{url}");
    let given = response.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(given.starts_with(content_type), "{url}: {given}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn get_graphql_is_a_page_of_our_own_that_loads_nothing_from_elsewhere() {
    for dialect in [Dialect::Crm, Dialect::Training] {
        let server = TestServer::start(dialect, 3).await;
        let page = get(&server.url, "text/html").await;
        for recipe in [
            "curl -s",
            "Authorization: Bearer $TOKEN",
            "Content-Type: application/json",
            "/graphql/schema",
            "userdeck --endpoint",
        ] {
            assert!(page.contains(recipe), "{dialect}: {recipe}");
        }
        assert!(page.contains(&format!("--dialect {dialect}")), "{dialect}");
        assert!(
            !page.contains("{{"),
            "{dialect}: every placeholder filled in"
        );
        // No address of any host (it speaks of this one as URL), nothing to load.
        let lower = page.to_lowercase();
        for outside in [
            "://", "<script", "<link", "<img", "<iframe", "@import", "url(",
        ] {
            assert!(!lower.contains(outside), "{dialect}: {outside}");
        }
        server.stop().await;
    }
}

#[tokio::test]
async fn get_graphql_schema_is_the_contract_in_sdl() {
    for (dialect, contract) in [
        (Dialect::Crm, include_str!("../schema/crm.graphql")),
        (
            Dialect::Training,
            include_str!("../schema/training.graphql"),
        ),
    ] {
        let server = TestServer::start(dialect, 3).await;
        let sdl = get(&format!("{}/schema", server.url), "text/plain").await;
        assert_same(&sdl, contract);
        server.stop().await;
    }
}
