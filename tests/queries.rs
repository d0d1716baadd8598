//! queries/ holds the exact document of every operation the client sends: the documents
//! cynic builds equal those files, and each validates against its contract in schema/.
//! `USERDECK_WRITE_QUERIES=1 cargo test --test queries` rewrites the files.

use apollo_compiler::{ExecutableDocument, Schema};
use cynic::{MutationBuilder, QueryBuilder};
use userdeck::api::{crm, ring, statuses, training};
use userdeck::dialect::Dialect;

fn documents() -> Vec<(&'static str, &'static str, String)> {
    let id = cynic::Id::new("x");
    vec![
        (
            "crm",
            "Users",
            crm::Users::build(crm::UsersVariables::default()).query,
        ),
        (
            "crm",
            "User",
            crm::User::build(crm::UserVariables { id: id.clone() }).query,
        ),
        (
            "crm",
            "UserState",
            crm::UserState::build(crm::UserVariables { id: id.clone() }).query,
        ),
        (
            "crm",
            "UserListRow",
            crm::UserListRow::build(crm::UserVariables { id: id.clone() }).query,
        ),
        (
            "crm",
            "BlockUsers",
            crm::BlockUsers::build(crm::IdsVariables { ids: vec![] }).query,
        ),
        (
            "crm",
            "ActiveUsers",
            crm::ActiveUsers::build(crm::IdsVariables { ids: vec![] }).query,
        ),
        (
            "training",
            "Users",
            training::Users::build(training::UsersVariables::default()).query,
        ),
        (
            "training",
            "User",
            training::User::build(training::UserVariables::default()).query,
        ),
        (
            "training",
            "UserState",
            training::UserState::build(training::UserVariables::default()).query,
        ),
        (
            "training",
            "CreateUser",
            training::CreateUser::build(training::CreateUserVariables {
                send_invite: None,
                user: training::CreateUserInput::default(),
            })
            .query,
        ),
        (
            "training",
            "UpdateUser",
            training::UpdateUser::build(training::UpdateUserVariables {
                reference: None,
                id: None,
                user: training::UpdateUserInput::default(),
            })
            .query,
        ),
        (
            "training",
            "UpdateOrCreateUser",
            training::UpdateOrCreateUser::build(training::UpdateOrCreateUserVariables {
                email: None,
                reference: None,
                send_invite: None,
                user: training::UpdateOrCreateUserInput::default(),
            })
            .query,
        ),
        (
            "training",
            "ArchiveUsers",
            training::ArchiveUsers::build(training::ArchiveUsersVariables {
                archive: true,
                ids: vec![],
            })
            .query,
        ),
        (
            "crm",
            "Statuses",
            statuses::document(Dialect::Crm, &["a".into(), "b".into()], str::to_string).0,
        ),
        (
            "training",
            "Statuses",
            statuses::document(Dialect::Training, &["a".into(), "b".into()], str::to_string).0,
        ),
        ("crm", "Ring", ring::document(&["a".into(), "b".into()])),
    ]
}

fn path(dialect: &str, name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("queries")
        .join(dialect)
        .join(format!("{name}.graphql"))
}

#[test]
fn built_documents_equal_the_files_in_queries() {
    let write = std::env::var_os("USERDECK_WRITE_QUERIES").is_some();
    for (dialect, name, document) in documents() {
        let path = path(dialect, name);
        if write {
            std::fs::write(&path, &document).unwrap();
        }
        let file =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(document, file, "{}", path.display());
        assert!(
            document.contains(&format!(" {name}")),
            "the operation is named {name}: {document}"
        );
    }
}

#[test]
fn every_document_validates_against_its_contract() {
    for (dialect, name, document) in documents() {
        let sdl = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("schema")
                .join(format!("{dialect}.graphql")),
        )
        .unwrap();
        let schema = Schema::parse_and_validate(sdl, "schema.graphql")
            .unwrap_or_else(|e| panic!("schema/{dialect}.graphql: {e}"));
        ExecutableDocument::parse_and_validate(&schema, &document, format!("{name}.graphql"))
            .unwrap_or_else(|e| panic!("queries/{dialect}/{name}.graphql: {e}"));
    }
}

#[test]
fn the_validator_can_fail() {
    let schema =
        Schema::parse_and_validate(include_str!("../schema/crm.graphql"), "schema.graphql")
            .unwrap();
    assert!(
        ExecutableDocument::parse_and_validate(&schema, "{ users { nope } }", "x.graphql").is_err()
    );
}
