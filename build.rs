//! Registers the two contracts with cynic, so query fragments are checked against them at
//! compile time.

fn main() {
    for dialect in ["crm", "training"] {
        let path = format!("schema/{dialect}.graphql");
        println!("cargo::rerun-if-changed={path}");
        cynic_codegen::register_schema(dialect)
            .from_sdl_file(&path)
            .expect("schema/ holds a valid contract");
    }
}
