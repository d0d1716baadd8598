//! Completions that know the data (issue #21, item 11): profile names, statuses, fields
//! and the journal's entries for `undo`. In a real bash with the script `userdeck
//! completions bash` prints; for zsh and fish, as their scripts ask the binary (those
//! shells are not on every machine the tests run on).

use std::path::Path;
use std::process::Command;

mod common;

/// A home with two profiles and a journal of one batch.
fn home() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/userdeck");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "default_profile = \"alpha\"\n[profiles.alpha]\nendpoint = \"http://127.0.0.1:1/graphql\"\n[profiles.beta]\nendpoint = \"http://127.0.0.1:2/graphql\"\n",
    )
    .unwrap();
    let state = home.path().join("state/userdeck");
    std::fs::create_dir_all(&state).unwrap();
    let line = serde_json::json!({
        "time": "2026-12-06T10:00:00Z", "event": "attempt", "entry": "a1", "user": "u",
        "profile": "alpha", "endpoint": "http://127.0.0.1:1/graphql", "action": "block",
        "ids": ["usr_1", "usr_2"], "detail": { "batch": "3f2a9c0d11" },
    });
    std::fs::write(state.join("audit.jsonl"), format!("{line}\n")).unwrap();
    home
}

/// What the binary answers a shell asking for the last of `words`, as `shell`'s
/// registration script asks it.
fn asked(home: &Path, shell: &str, words: &[&str]) -> String {
    let mut command = common::userdeck_in(home);
    command.env("COMPLETE", shell).arg("--").args(words);
    let index = (words.len() - 1).to_string();
    match shell {
        "zsh" => command
            .env("_CLAP_IFS", "\n")
            .env("_CLAP_COMPLETE_INDEX", index),
        "bash" => command
            .env("_CLAP_IFS", "\n")
            .env("_CLAP_COMPLETE_INDEX", index)
            .env("_CLAP_COMPLETE_COMP_TYPE", "9"),
        _ => &mut command,
    };
    let output = command.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn zsh_and_fish_are_offered_the_profiles_statuses_fields_and_entries() {
    let home = home();
    for shell in ["zsh", "fish"] {
        let profiles = asked(home.path(), shell, &["userdeck", "--profile", ""]);
        assert!(
            profiles.contains("alpha") && profiles.contains("beta"),
            "{shell}: {profiles}"
        );
        let statuses = asked(
            home.path(),
            shell,
            &["userdeck", "users", "list", "--status", "bl"],
        );
        assert!(statuses.starts_with("blocked"), "{shell}: {statuses}");
        let fields = asked(
            home.path(),
            shell,
            &["userdeck", "users", "list", "--fields", "id,em"],
        );
        assert!(fields.starts_with("id,email"), "{shell}: {fields}");
        let entries = asked(home.path(), shell, &["userdeck", "undo", ""]);
        assert!(
            entries.contains("3f2a9c0d11") && entries.contains("block of 2 users"),
            "{shell}: {entries}"
        );
    }
}

#[test]
fn bash_completes_with_the_script_it_is_given() {
    let home = home();
    let script = common::userdeck_in(home.path())
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(script.status.success());
    let file = home.path().join("userdeck.bash");
    std::fs::write(&file, &script.stdout).unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_userdeck")).parent().unwrap();
    // The line typed so far, and Tab: what the completion function puts in COMPREPLY.
    let complete = |line: &str| {
        let program = format!(
            "source {file}\nCOMP_LINE={line:?}\nread -ra COMP_WORDS <<< \"$COMP_LINE\"\n\
             [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')\nCOMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))\n\
             COMP_TYPE=9\n_clap_complete_userdeck userdeck \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            file = file.display()
        );
        let mut bash = Command::new("bash");
        bash.arg("-c").arg(program);
        for (key, value) in common::isolated_env(home.path()) {
            bash.env(key, value);
        }
        let path = format!(
            "{}:{}",
            bin_dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let output = bash.env("PATH", path).output().unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    let profiles = complete("userdeck --profile ");
    assert_eq!(
        profiles.lines().collect::<Vec<_>>(),
        ["alpha", "beta"],
        "{profiles}"
    );
    assert_eq!(
        complete("userdeck users list --status pe").trim(),
        "pending"
    );
    assert_eq!(complete("userdeck undo 3f").trim(), "3f2a9c0d11");
    assert!(complete("userdeck users una").contains("unarchive"));
}
