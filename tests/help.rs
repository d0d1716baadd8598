//! Help that teaches (issue #21, item 10): every command's help has examples, every
//! option is described with a metavar of one style, global options sit under their own
//! heading and only where they apply, and the man pages say what clap does not.

use clap::CommandFactory;
use userdeck::cli::Cli;

mod common;

/// Every command of the tree, with its path (`userdeck users list`).
fn commands() -> Vec<(String, clap::Command)> {
    fn walk(path: String, command: &clap::Command, all: &mut Vec<(String, clap::Command)>) {
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            walk(format!("{path} {}", sub.get_name()), sub, all);
        }
        all.push((path, command.clone()));
    }
    let mut root = Cli::command();
    root.build();
    let mut all = Vec::new();
    walk("userdeck".into(), &root, &mut all);
    all
}

#[test]
fn every_command_has_examples_and_every_option_a_description() {
    for (path, mut command) in commands() {
        let help = command.render_long_help().to_string();
        assert!(
            help.contains("Examples:\n  userdeck"),
            "{path}: no examples\n{help}"
        );
        for arg in command.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") || arg.is_hide_set() {
                continue;
            }
            assert!(arg.get_help().is_some(), "{path}: {id} is not described");
            for name in arg.get_value_names().into_iter().flatten() {
                let upper = name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || matches!(c, ',' | '…' | '_'));
                assert!(upper, "{path}: {id} <{name}>");
            }
        }
    }
}

#[test]
fn global_options_sit_under_their_heading_and_only_where_they_apply() {
    let help = |path: &str| {
        let (_, mut command) = commands().into_iter().find(|(p, _)| p == path).unwrap();
        command.render_long_help().to_string()
    };
    let list = help("userdeck users list");
    assert!(
        list.contains("Global options:\n      --profile <NAME>"),
        "{list}"
    );
    assert!(
        list.contains("--csv-raw") && !list.contains("for serve"),
        "{list}"
    );
    let journal = help("userdeck journal");
    assert!(
        !journal.contains("--csv-raw") && !journal.contains("--token-env"),
        "{journal}"
    );
    assert!(journal.contains("--profile"), "{journal}");
    assert!(help("userdeck serve").contains("The contract to serve"));
    for path in ["userdeck serve", "userdeck completions", "userdeck man"] {
        let shown = help(path);
        assert!(
            !shown.contains("--profile") && !shown.contains("Global options"),
            "{path}: {shown}"
        );
    }
    let demo = help("userdeck demo");
    assert!(
        demo.contains("--read-only") && !demo.contains("--token-env"),
        "{demo}"
    );
    let top = help("userdeck");
    assert!(top.contains("Exit codes:\n  0  success") && top.contains("  6  some outcomes"));
}

#[test]
fn the_man_pages_have_their_sections_and_one_page_per_command() {
    let home = tempfile::tempdir().unwrap();
    let page = common::userdeck_in(home.path())
        .arg("man")
        .output()
        .unwrap();
    assert!(page.status.success());
    let page = String::from_utf8_lossy(&page.stdout);
    assert!(
        !page.chars().any(|c| c.is_control() && c != '\n'),
        "no control characters in the roff"
    );
    assert!(
        page.contains(".TP\n6\nsome outcomes are unknown"),
        "exit status from --help's"
    );
    for section in [
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH EXAMPLES",
    ] {
        assert!(page.contains(section), "{section}");
    }
    let dir = home.path().join("man1");
    std::fs::create_dir_all(&dir).unwrap();
    let written = common::userdeck_in(home.path())
        .args(["man", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(written.status.success(), "{written:?}");
    for name in [
        "userdeck.1",
        "userdeck-users.1",
        "userdeck-users-list.1",
        "userdeck-undo.1",
    ] {
        assert!(dir.join(name).exists(), "{name}");
    }
    let top = std::fs::read_to_string(dir.join("userdeck.1")).unwrap();
    assert!(top.contains(".SH \"EXIT STATUS\"") && top.contains("userdeck\\-users(1)"));
}

#[test]
fn a_global_option_a_command_has_no_use_for_is_refused() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["serve", "--profile", "prod"][..],
        &["completions", "bash", "--token-env", "X"],
        &["man", "--dialect", "crm"],
        &["demo", "--endpoint", "http://x"],
    ] {
        let run = common::userdeck_in(home.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            stderr.contains("does not use a profile"),
            "{args:?}: {stderr}"
        );
    }
}
