//! Whether the server has the contract this dialect speaks: its schema, read by
//! introspection, against every document userdeck sends (queries/, kept equal to what
//! the client builds by the queries test). A field, argument or type missing or of
//! another type is named, so "this server is not crm" is found before an operator acts.

use apollo_compiler::{ExecutableDocument, Schema};
use cynic::QueryBuilder;
use cynic_introspection::IntrospectionQuery;

use super::Report;
use crate::api::client::{Client, ClientConfig};
use crate::dialect::Dialect;

/// Every operation userdeck sends in `dialect`: its name and document.
pub fn documents(dialect: Dialect) -> &'static [(&'static str, &'static str)] {
    macro_rules! documents {
        ($dir:literal: $($name:literal),*) => {
            &[$(($name, include_str!(concat!("../../queries/", $dir, "/", $name, ".graphql")))),*]
        };
    }
    match dialect {
        Dialect::Crm => documents!("crm": "Users", "User", "UserState", "UserListRow",
            "BlockUsers", "ActiveUsers", "Statuses", "Ring"),
        Dialect::Training => documents!("training": "Users", "User", "UserState", "CreateUser",
            "UpdateUser", "UpdateOrCreateUser", "ArchiveUsers", "Statuses"),
    }
}

/// The most mismatches said; the count says how many more.
const SHOWN: usize = 6;

pub async fn check(report: &mut Report, config: &ClientConfig) {
    const API: &str = "api";
    let client = match Client::new(config.clone()) {
        Ok(client) => client,
        Err(e) => return report.note(API, "contract", format!("not checked: {e}")),
    };
    let schema = match client.query(IntrospectionQuery::build(())).await {
        Ok(data) => match data.into_schema() {
            Ok(schema) => schema.to_sdl(),
            Err(e) => {
                return report.note(
                    API,
                    "contract",
                    format!("not checked: the schema read is not one: {e}"),
                );
            }
        },
        Err(e) => {
            return report.note(
                API,
                "contract",
                format!("not checked: the server does not answer introspection ({e})"),
            );
        }
    };
    let mismatches = mismatches(config.dialect, &schema);
    let dialect = config.dialect;
    let operations = documents(dialect).len();
    if mismatches.is_empty() {
        report.pass(
            API,
            "contract",
            format!("all {operations} {dialect} operations userdeck sends are valid against the server's schema"),
        );
    } else {
        let mut said: Vec<String> = mismatches.iter().take(SHOWN).cloned().collect();
        if mismatches.len() > SHOWN {
            said.push(format!("and {} more", mismatches.len() - SHOWN));
        }
        report.fail(
            API,
            "contract",
            format!(
                "the server is not the {dialect} contract: {}",
                said.join("; ")
            ),
            format!("check the profile's dialect and endpoint (this profile says {dialect})"),
        );
    }
}

/// What of `dialect`'s operations the schema `sdl` does not have, one line each.
pub fn mismatches(dialect: Dialect, sdl: &str) -> Vec<String> {
    let schema = match Schema::parse_and_validate(sdl, "introspected.graphql") {
        Ok(schema) => schema,
        Err(e) => {
            return vec![format!(
                "its schema does not validate: {}",
                one_line(&e.to_string())
            )];
        }
    };
    let mut found = Vec::new();
    for (name, document) in documents(dialect) {
        if let Err(errors) = ExecutableDocument::parse_and_validate(&schema, *document, *name) {
            for error in errors.errors.iter() {
                found.push(format!("{name}: {}", one_line(&error.error.to_string())));
            }
        }
    }
    found
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_contract_has_what_its_dialect_sends_and_not_what_the_other_does() {
        let crm = include_str!("../../schema/crm.graphql");
        let training = include_str!("../../schema/training.graphql");
        assert_eq!(mismatches(Dialect::Crm, crm), Vec::<String>::new());
        assert_eq!(
            mismatches(Dialect::Training, training),
            Vec::<String>::new()
        );
        let wrong = mismatches(Dialect::Training, crm);
        assert!(!wrong.is_empty());
        assert!(
            wrong.iter().any(|m| m.starts_with("CreateUser:")),
            "{wrong:?}"
        );
    }

    #[test]
    fn every_document_in_queries_is_checked() {
        for dialect in [Dialect::Crm, Dialect::Training] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("queries")
                .join(dialect.to_string());
            let mut files: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| {
                    e.unwrap()
                        .path()
                        .file_stem()
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            let mut checked: Vec<String> = documents(dialect)
                .iter()
                .map(|(n, _)| n.to_string())
                .collect();
            files.sort();
            checked.sort();
            assert_eq!(files, checked, "{dialect}");
        }
    }
}
