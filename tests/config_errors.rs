//! Configuration as the headless commands meet it: token sources (flag, environment,
//! command, file), `config show` redacting them, and malformed or misspelt config files,
//! flags, variables and key bindings each getting a one-line error that names where the
//! bad value is.

mod common;
mod home;

use common::TestServer;
use home::{Home, set_mode};
use userdeck::dialect::Dialect;

#[tokio::test(flavor = "multi_thread")]
async fn token_sources_and_config_show() {
    let server = TestServer::start(Dialect::Crm, 5).await;
    // The file's token is wrong; USERDECK_TOKEN (right) wins over it.
    let home = Home::new(&server, Dialect::Crm, "token = \"file-token-wrong\"\n");
    home.run(&["users", "list"]).await.expect(0);
    let without_env = home
        .run_with(
            &["users", "list"],
            |c| {
                c.env_remove("USERDECK_TOKEN");
            },
            "",
        )
        .await;
    without_env.expect(4);
    // --token-env wins over USERDECK_TOKEN.
    let run = home
        .run_with(
            &["--token-env", "OTHER", "users", "list"],
            |c| {
                c.env("OTHER", "nope");
            },
            "",
        )
        .await;
    run.expect(4);
    home.run(&["--token-env", "UNSET_VAR", "users", "list"])
        .await
        .expect(1);

    let show = home.run(&["config", "show"]).await;
    show.expect(0);
    assert!(show.stdout.contains("<redacted>") && !show.stdout.contains("file-token-wrong"));
    assert!(show.stdout.contains("profile in use: test"));
    let path = home.run(&["config", "path"]).await;
    assert_eq!(
        path.expect(0).stdout.trim(),
        home.config_path().to_str().unwrap()
    );

    // A token in a file others can read gets a warning.
    set_mode(&home.config_path(), 0o644);
    let warned = home.run(&["users", "list"]).await;
    warned.expect(0);
    assert!(warned.stderr.contains("chmod 600"), "{}", warned.stderr);

    // Environment and flags lay over the file.
    let other = home
        .run_with(
            &["--endpoint", "http://127.0.0.1:9/graphql", "config", "show"],
            |_| {},
            "",
        )
        .await;
    assert!(
        other
            .expect(0)
            .stdout
            .contains("http://127.0.0.1:9/graphql")
    );
    let env = home
        .run_with(
            &["config", "show"],
            |c| {
                c.env("USERDECK_DIALECT", "training");
            },
            "",
        )
        .await;
    assert!(
        env.expect(0).stdout.contains("(training API"),
        "{}",
        env.stdout
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_config_files_get_one_line_errors() {
    let server = TestServer::start(Dialect::Crm, 1).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let file = home.config_path().display().to_string();
    for (text, mentions) in [
        (
            "default_profile = \"test\"\n[profiles.test\nendpoint = 1",
            vec!["TOML"],
        ),
        (
            "[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"soap\"\n",
            vec!["soap", "crm"],
        ),
        (
            "default_profile = \"prod\"\n",
            vec!["\"prod\"", "does not exist", "local"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"localhost:4000\"\ndialect = \"crm\"\n",
            vec!["profiles.test.endpoint", "URL"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpont = \"http://x/graphql\"\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\n",
            vec!["endpont"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\npage_size = \"big\"\n",
            vec!["page_size"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\npage_size = 0\n",
            vec!["profiles.test.page_size", "1 to 1000"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\nretries = 1000\n",
            vec!["profiles.test.retries", "0 to 10"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\nstale_after_secs = -1\n",
            vec!["profiles.test.stale_after_secs", "0 to 86400"],
        ),
        (
            "default_profle = \"test\"\n[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\n",
            vec!["\"default_profle\"", "did you mean \"default_profile\"?"],
        ),
        (
            "default_profile = \"test\"\n[profiles.test]\nendpoint = \"http://x/graphql\"\ndialect = \"crm\"\nchunksize = 5\n",
            vec!["profiles.test.chunksize", "did you mean \"chunk_size\"?"],
        ),
    ] {
        home.write_config(text);
        let run = home.run(&["users", "list"]).await;
        run.expect(1);
        let message = run.stderr.trim();
        assert_eq!(message.lines().count(), 1, "one line: {message}");
        assert!(message.contains(&file), "names the file: {message}");
        for m in mentions {
            assert!(message.contains(m), "{m:?} in {message}");
        }
    }
    // A bad value from a flag or the environment blames that flag or variable.
    home.write_config(&format!(
        "default_profile = \"test\"\n[profiles.test]\nendpoint = \"{}\"\ndialect = \"crm\"\n",
        server.url
    ));
    let flag = home
        .run(&["--endpoint", "localhost:4000", "users", "list"])
        .await;
    flag.expect(1);
    assert!(
        flag.stderr.starts_with("error: --endpoint:"),
        "{}",
        flag.stderr
    );
    assert!(!flag.stderr.contains(&file), "{}", flag.stderr);
    let profile = home.run(&["--profile", "nope", "users", "list"]).await;
    profile.expect(1);
    assert!(
        profile.stderr.contains("--profile: profile \"nope\""),
        "{}",
        profile.stderr
    );
    for (var, value) in [
        ("USERDECK_PAGE_SIZE", "lots"),
        ("USERDECK_PAGE_SIZE", "0"),
        ("USERDECK_DIALECT", "soap"),
        ("USERDECK_PROFILE", "nope"),
    ] {
        let run = home
            .run_with(
                &["users", "list"],
                move |c| {
                    c.env(var, value);
                },
                "",
            )
            .await;
        run.expect(1);
        assert!(run.stderr.contains(var), "{var}={value}: {}", run.stderr);
        assert!(!run.stderr.contains(&file), "{}", run.stderr);
    }
    let missing = home
        .run(&["--config", "/nonexistent/userdeck.toml", "users", "list"])
        .await;
    missing.expect(1);
    assert!(missing.stderr.contains("/nonexistent/userdeck.toml"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_misspelt_key_binding_is_an_error_naming_it() {
    let server = TestServer::start(Dialect::Crm, 1).await;
    let home = Home::new(&server, Dialect::Crm, "");
    let file = home.config_path().display().to_string();
    home.write_config(&format!(
        "default_profile = \"test\"\n[keys]\nblokc = [\"b\"]\n[profiles.test]\nendpoint = \"{}\"\ndialect = \"crm\"\n",
        server.url
    ));
    let run = home.run(&["users", "list"]).await;
    run.expect(1);
    assert!(run.stderr.contains(&file), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("keys.blokc: no such action (did you mean \"block\"?)"),
        "{}",
        run.stderr
    );
    server.stop().await;
}
